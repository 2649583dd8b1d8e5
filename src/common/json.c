/*
 * cJSON for untrusted input. cJSON recurses once per nesting level, stores
 * numbers as doubles and truncates strings at \u0000, so every line is first
 * scanned here: depth, UTF-8 and escapes are checked before cJSON sees it.
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "json.h"
#include "opm.h"
#include "parse.h"
#include "xmem.h"

/* Rejects deep nesting and \u0000 escapes without recursion. */
static int
json_prescan(const char *buf, size_t len, char *cause, size_t clen)
{
	const char	*p;
	size_t		 i, q = 0;
	int		 depth = 0;
	bool		 instr = false;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (instr) {
			/*
			 * To the next backslash before the closing quote q:
			 * a batch of log lines is one long string.
			 */
			if (q <= i) {
				p = memchr(buf + i, '"', len - i);
				q = p != NULL ? (size_t)(p - buf) : len;
			}
			if ((p = memchr(buf + i, '\\', q - i)) == NULL) {
				i = q;
				instr = false;
				continue;
			}
			i = p - buf;
			if (i + 5 < len && buf[i + 1] == 'u' &&
			    strncmp(buf + i + 2, "0000", 4) == 0) {
				snprintf(cause, clen, "NUL character in "
				    "string at byte %zu", i);
				return (-1);
			}
			i++;	/* the escaped character */
			continue;
		}
		if (c == '"')
			instr = true;
		else if (c == '[' || c == '{') {
			if (++depth > OPM_DEPTH_MAX) {
				snprintf(cause, clen, "nesting deeper than %d "
				    "at byte %zu", OPM_DEPTH_MAX, i);
				return (-1);
			}
		} else if (c == ']' || c == '}')
			depth--;
	}
	return (0);
}

cJSON *
json_parse(const char *buf, size_t len, char *cause, size_t clen)
{
	const char	*end = NULL;
	cJSON		*j;
	size_t		 off;

	if (!parse_utf8_ok(buf, len)) {
		snprintf(cause, clen, "invalid UTF-8");
		return (NULL);
	}
	if (json_prescan(buf, len, cause, clen) == -1)
		return (NULL);
	j = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (j == NULL) {
		end = cJSON_GetErrorPtr();
		off = end != NULL && end >= buf && end <= buf + len ?
		    (size_t)(end - buf) : 0;
		snprintf(cause, clen, "invalid JSON at byte %zu", off);
		return (NULL);
	}
	for (off = end - buf; off < len; off++) {
		if (strchr(" \t\r\n", buf[off]) == NULL) {
			snprintf(cause, clen, "trailing data at byte %zu", off);
			cJSON_Delete(j);
			return (NULL);
		}
	}
	return (j);
}

bool
json_is_int(const cJSON *n, long long min, long long max)
{
	double	d;

	if (!cJSON_IsNumber(n))
		return (false);
	d = n->valuedouble;
	/* Beyond 2^53 a double no longer holds every integer exactly. */
	if (!isfinite(d) || d != trunc(d) || d < -9007199254740992.0 ||
	    d > 9007199254740992.0)
		return (false);
	return ((long long)d >= min && (long long)d <= max);
}

int
json_int(const cJSON *obj, const char *key, long long min, long long max,
    long long *out, bool *present, const char **cause)
{
	const cJSON	*n = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (present != NULL)
		*present = n != NULL;
	if (n == NULL)
		return (-1);
	if (!json_is_int(n, min, max)) {
		*cause = cJSON_IsNumber(n) ? "number out of range or not "
		    "an integer" : "not a number";
		return (-1);
	}
	*out = (long long)n->valuedouble;
	return (0);
}

const char *
json_str(const cJSON *obj, const char *key)
{
	const cJSON	*s = cJSON_GetObjectItemCaseSensitive(obj, key);

	return (cJSON_IsString(s) ? s->valuestring : NULL);
}

/* Length of the valid UTF-8 sequence at p (at most left bytes), or 0. */
static size_t
json_utf8_seq(const unsigned char *p, size_t left)
{
	size_t	n;

	if (p[0] < 0x80)
		return (p[0] != 0 ? 1 : 0);
	for (n = 1; n <= 4 && n <= left; n++) {
		if (parse_utf8_ok((const char *)p, n))
			return (n);
	}
	return (0);
}

/*
 * A printed document made valid UTF-8: every byte that does not begin a
 * valid sequence becomes the escape \ufffd. Outside strings JSON text is
 * ASCII, so such bytes are always inside a string, and the result is still
 * JSON. Strings that must keep their bytes go through json_bytes before
 * printing; this is only the net that keeps a stray one (a reason quoting a
 * program name, say) from making a whole reply or state file unreadable.
 */
static char *
json_repair(char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), i, k, n = 0;
	char			*out;

	if (parse_utf8_ok(s, len))
		return (s);
	if ((out = cJSON_malloc(len * 6 + 1)) == NULL) {
		cJSON_free(s);
		return (NULL);
	}
	for (i = 0; i < len; i += k) {
		if ((k = json_utf8_seq(p + i, len - i)) == 0) {
			memcpy(out + n, "\\ufffd", 6);
			n += 6;
			k = 1;
			continue;
		}
		memcpy(out + n, s + i, k);
		n += k;
	}
	out[n] = '\0';
	cJSON_free(s);
	return (out);
}

/*
 * The printer behind json_text and json_line: byte for byte what
 * cJSON_PrintUnformatted gives (tests/unit/test_json.c compares them), but
 * an integer is written with a few divisions where cJSON spends a
 * sprintf("%1.15g") and an sscanf on every number, about 1 us each: most
 * of a list of 10,000 apps (14 numbers each).
 */
void
json_put(struct json_buf *b, const char *p, size_t n)
{
	if (b->cap - b->len <= n) {
		while (b->cap - b->len <= n)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->s = xreallocarray(b->s, 1, b->cap);
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
}

/* A string as cJSON escapes it: " \ \b \f \n \r \t, \u00xx below 32. */
void
json_put_string(struct json_buf *b, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s, *run;
	char			 esc[6] = { '\\', 'u', '0', '0' };

	json_put(b, "\"", 1);
	for (run = p; p != NULL && *p != '\0'; p++) {
		if (*p >= 32 && *p != '"' && *p != '\\')
			continue;
		json_put(b, (const char *)run, p - run);
		run = p + 1;
		switch (*p) {
		case '"':
		case '\\':
			esc[1] = *p;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[1] = 'u';
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			json_put(b, esc, 6);
			continue;
		}
		json_put(b, esc, 2);
	}
	if (p != NULL)
		json_put(b, (const char *)run, p - run);
	json_put(b, "\"", 1);
}

/* A number as cJSON prints it: %1.15g, or %1.17g when that loses bits. */
void
json_put_number(struct json_buf *b, double d)
{
	char		 buf[32], *p = buf + sizeof buf;
	unsigned long long u;
	double		 test;
	int		 n;
	char		 dot;

	if (isnan(d) || isinf(d)) {
		json_put(b, "null", 4);
		return;
	}
	/* Below 1e15 an integer's %1.15g is its digits; -0 is "-0". */
	if (d == trunc(d) && fabs(d) < 1e15 && !(d == 0 && signbit(d))) {
		u = (unsigned long long)fabs(d);
		do {
			*--p = '0' + u % 10;
			u /= 10;
		} while (u != 0);
		if (d < 0)
			*--p = '-';
		json_put(b, p, buf + sizeof buf - p);
		return;
	}
	n = snprintf(buf, sizeof buf, "%1.15g", d);
	test = strtod(buf, NULL);
	if (fabs(test - d) > fmax(fabs(test), fabs(d)) * DBL_EPSILON)
		n = snprintf(buf, sizeof buf, "%1.17g", d);
	/* The locale's decimal point made '.', as cJSON does. */
	dot = localeconv()->decimal_point[0];
	for (p = buf; dot != '.' && *p != '\0'; p++) {
		if (*p == dot)
			*p = '.';
	}
	json_put(b, buf, (size_t)n);
}

static void
json_put_value(struct json_buf *b, const cJSON *j)
{
	const cJSON	*e;

	switch (j->type & 0xff) {
	case cJSON_NULL:
		json_put(b, "null", 4);
		break;
	case cJSON_False:
		json_put(b, "false", 5);
		break;
	case cJSON_True:
		json_put(b, "true", 4);
		break;
	case cJSON_Number:
		json_put_number(b, j->valuedouble);
		break;
	case cJSON_String:
		json_put_string(b, j->valuestring);
		break;
	case cJSON_Raw:
		if (j->valuestring == NULL)
			b->bad = true;
		else
			json_put(b, j->valuestring, strlen(j->valuestring));
		break;
	case cJSON_Array:
	case cJSON_Object:
		json_put(b, (j->type & 0xff) == cJSON_Array ? "[" : "{", 1);
		for (e = j->child; e != NULL && !b->bad; e = e->next) {
			if (e != j->child)
				json_put(b, ",", 1);
			if ((j->type & 0xff) == cJSON_Object) {
				json_put_string(b, e->string);
				json_put(b, ":", 1);
			}
			json_put_value(b, e);
		}
		json_put(b, (j->type & 0xff) == cJSON_Array ? "]" : "}", 1);
		break;
	default:
		b->bad = true;
		break;
	}
}

void
json_put_key(struct json_buf *b, const char *key)
{
	if (b->len > 0 && b->s[b->len - 1] != '{' && b->s[b->len - 1] != '[')
		json_put(b, ",", 1);
	json_put_string(b, key);
	json_put(b, ":", 1);
}

void
json_put_int(struct json_buf *b, const char *key, long long v)
{
	json_put_key(b, key);
	json_put_number(b, (double)v);
}

void
json_put_str(struct json_buf *b, const char *key, const char *v)
{
	json_put_key(b, key);
	if (v == NULL)
		json_put(b, "null", 4);
	else
		json_put_string(b, v);
}

/* j printed, then extra (may be ""), NUL-terminated; NULL on failure. */
static char *
json_print(const cJSON *j, const char *extra, size_t *len)
{
	struct json_buf	 b = { NULL, 0, 0, false };
	char		*s;

	if (j == NULL)
		return (NULL);
	json_put_value(&b, j);
	json_put(&b, extra, strlen(extra) + 1);
	if (b.bad) {
		free(b.s);
		return (NULL);
	}
	if ((s = json_repair(b.s)) != NULL)
		*len = strlen(s);
	return (s);
}

char *
json_text(const cJSON *j)
{
	size_t	len;

	return (json_print(j, "", &len));
}

char *
json_line(const cJSON *j, size_t *len)
{
	return (json_print(j, "\n", len));
}

char **
json_strv(const cJSON *arr, size_t max, const char **cause)
{
	const cJSON	 *e;
	char		**v;
	size_t		  n = 0;

	if (!cJSON_IsArray(arr)) {
		*cause = "not an array of strings";
		return (NULL);
	}
	if ((size_t)cJSON_GetArraySize(arr) > max) {
		*cause = "too many entries";
		return (NULL);
	}
	v = xcalloc(cJSON_GetArraySize(arr) + 1, sizeof *v);
	cJSON_ArrayForEach(e, arr) {
		if ((v[n] = json_bytes_dup(e, cause)) == NULL) {
			xfreev(v);
			return (NULL);
		}
		n++;
	}
	return (v);
}

cJSON *
json_from_strv(char *const *v)
{
	cJSON	*a = cJSON_CreateArray();
	size_t	 i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		cJSON_AddItemToArray(a, json_bytes(v[i]));
	return (a);
}

/*
 * Byte strings. JSON strings are UTF-8, but environments (variables, env
 * files) and argv words are bytes in no particular encoding. So wherever a
 * string of bytes is expected (env_base, argv, env values, the reply of
 * env, in requests, replies, the dump and state files), a string that is
 * valid UTF-8 travels as a JSON string, and any other as an object with one
 * key:
 *	{"b64": "<the bytes in base64, RFC 4648 alphabet, with padding>"}
 * json_bytes writes that form only when it must; json_bytes_dup (and so
 * json_strv) reads both forms. Decoded bytes must not hold a NUL.
 */
static const char json_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

cJSON *
json_bytes(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), i, n = 0;
	uint32_t		 w;
	cJSON			*o;
	char			*b;

	if (parse_utf8_ok(s, len))
		return (cJSON_CreateString(s));
	b = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i < len; i += 3) {
		w = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			w |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			w |= p[i + 2];
		b[n++] = json_b64[(w >> 18) & 63];
		b[n++] = json_b64[(w >> 12) & 63];
		b[n++] = i + 1 < len ? json_b64[(w >> 6) & 63] : '=';
		b[n++] = i + 2 < len ? json_b64[w & 63] : '=';
	}
	b[n] = '\0';
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "b64", b);
	free(b);
	return (o);
}

/* The bytes of base64 text b, NUL-terminated, or NULL when b is not. */
static char *
json_unb64(const char *b, const char **cause)
{
	size_t		 len = strlen(b), i, k, n = 0;
	const char	*c;
	uint32_t	 w;
	char		*out;
	int		 pad;

	if (len % 4 != 0) {
		*cause = "b64: not base64";
		return (NULL);
	}
	out = xmalloc(len / 4 * 3 + 1);
	for (i = 0; i < len; i += 4) {
		w = 0;
		pad = 0;
		for (k = 0; k < 4; k++) {
			w <<= 6;
			if (b[i + k] == '=' && i + 4 == len && k >= 2 &&
			    (k == 3 || b[i + 3] == '=')) {
				pad++;
				continue;
			}
			if (b[i + k] == '\0' ||
			    (c = strchr(json_b64, b[i + k])) == NULL) {
				free(out);
				*cause = "b64: not base64";
				return (NULL);
			}
			w |= (uint32_t)(c - json_b64);
		}
		out[n++] = (char)(w >> 16);
		if (pad < 2)
			out[n++] = (char)(w >> 8);
		if (pad < 1)
			out[n++] = (char)w;
	}
	if (memchr(out, '\0', n) != NULL) {
		free(out);
		*cause = "b64: NUL byte in a string";
		return (NULL);
	}
	out[n] = '\0';
	return (out);
}

char *
json_bytes_dup(const cJSON *v, const char **cause)
{
	const cJSON	*b;

	if (cJSON_IsString(v))
		return (xstrdup(v->valuestring));
	b = cJSON_GetObjectItemCaseSensitive(v, "b64");
	if (!cJSON_IsObject(v) || !cJSON_IsString(b) ||
	    cJSON_GetArraySize(v) != 1) {
		*cause = "not a string (nor {\"b64\": ...})";
		return (NULL);
	}
	return (json_unb64(b->valuestring, cause));
}

/* A duration: milliseconds, or a string parse_duration reads. */
int
json_duration(const cJSON *v, uint64_t *out, const char **cause)
{
	if (cJSON_IsNumber(v)) {
		if (!json_is_int(v, 0, 100LL * 365 * 86400000)) {
			*cause = "not a valid duration";
			return (-1);
		}
		*out = (uint64_t)v->valuedouble;
		return (0);
	}
	if (cJSON_IsString(v))
		return (parse_duration(v->valuestring, out, cause));
	*cause = "not a duration";
	return (-1);
}

/* An unsigned in [min, max]: a number, or a string of one. */
int
json_uint(const cJSON *v, long long min, long long max, unsigned *out,
    const char **cause)
{
	long long	n;

	if (cJSON_IsString(v)) {
		if (parse_int(v->valuestring, min, max, &n, cause) == -1)
			return (-1);
		*out = (unsigned)n;
		return (0);
	}
	if (!json_is_int(v, min, max)) {
		*cause = "not a whole number in range";
		return (-1);
	}
	*out = (unsigned)v->valuedouble;
	return (0);
}
