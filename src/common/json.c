/*
 * cJSON for untrusted input. cJSON recurses once per nesting level, stores
 * numbers as doubles and truncates strings at \u0000, so every line is first
 * scanned here: depth, UTF-8 and escapes are checked before cJSON sees it.
 */
#include <math.h>
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
	size_t	i;
	int	depth = 0;
	bool	instr = false;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (instr) {
			if (c == '\\') {
				if (i + 5 < len && buf[i + 1] == 'u' &&
				    strncmp(buf + i + 2, "0000", 4) == 0) {
					snprintf(cause, clen,
					    "NUL character in string at byte "
					    "%zu", i);
					return (-1);
				}
				i++;
			} else if (c == '"')
				instr = false;
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

char *
json_line(const cJSON *j, size_t *len)
{
	char	*s, *line;
	size_t	 n;

	if ((s = cJSON_PrintUnformatted(j)) == NULL)
		return (NULL);
	n = strlen(s);
	line = xmalloc(n + 2);
	memcpy(line, s, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	cJSON_free(s);
	*len = n + 1;
	return (line);
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
		if (!cJSON_IsString(e)) {
			xfreev(v);
			*cause = "not an array of strings";
			return (NULL);
		}
		v[n++] = xstrdup(e->valuestring);
	}
	return (v);
}

cJSON *
json_from_strv(char *const *v)
{
	cJSON	*a = cJSON_CreateArray();
	size_t	 i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return (a);
}
