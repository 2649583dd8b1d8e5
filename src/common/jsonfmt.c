/*
 * Compact JSON as text (include/jsonfmt.h). Only the structure is looked
 * at: strings are copied as they are (their escapes stay escapes), and so
 * are numbers and literals; cJSON printed them, so parsing and printing
 * them again would give the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonfmt.h"
#include "xmem.h"

#define JSONFMT_DEPTH	1000	/* cJSON's CJSON_NESTING_LIMIT */

/* The bytes that end a number or a literal. */
static const unsigned char jsonfmt_delim[256] = {
	[','] = 1, [':'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1,
	['"'] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
};

struct jsonfmt_buf {
	char	*s;
	size_t	 len, cap;
};

/* Room for n more bytes and the NUL. */
static void
jsonfmt_grow(struct jsonfmt_buf *b, size_t n)
{
	while (b->cap - b->len <= n)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->s = xreallocarray(b->s, 1, b->cap);
}

static inline void
jsonfmt_put(struct jsonfmt_buf *b, const char *s, size_t n)
{
	if (b->cap - b->len <= n)
		jsonfmt_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

/* A newline and n tabs, after c (a ',' or a '{'; '\0': none). */
static void
jsonfmt_line(struct jsonfmt_buf *b, char c, size_t n)
{
	if (b->cap - b->len <= n + 2)
		jsonfmt_grow(b, n + 2);
	if (c != '\0')
		b->s[b->len++] = c;
	b->s[b->len++] = '\n';
	memset(b->s + b->len, '\t', n);
	b->len += n;
}

/*
 * The end of the string starting at p (on its '"'), or NULL. memchr finds
 * each '"', which ends the string unless an odd run of backslashes escapes
 * it: most of a reply's bytes are in strings, and a byte at a time was most
 * of what `opm list --json` spent in this file.
 */
static const char *
jsonfmt_string_end(const char *p, const char *end)
{
	const char	*in = p + 1, *q, *b;

	for (p = in; p < end; p = q + 1) {
		if ((q = memchr(p, '"', end - p)) == NULL)
			return (NULL);
		for (b = q; b > in && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0)
			return (q + 1);
	}
	return (NULL);
}

/* jsonfmt_pretty, or with first jsonfmt_pretty_first. */
static char *
jsonfmt_layout(const char *s, size_t len, int first, size_t *used,
    size_t *outlen)
{
	struct jsonfmt_buf	 b = { NULL, 0, 0 };
	const char		*p = s, *end = s + len, *q;
	char			 stack[JSONFMT_DEPTH];	/* '{' or '[' */
	size_t			 depth = 0;
	int			 values = 0;

	/* One allocation for the usual layout: of a list, 1.3 times len. */
	jsonfmt_grow(&b, len + len / 2 + 64);
	while (p < end) {
		if (first && values == 1 && depth == 0)
			break;
		switch (*p) {
		case '"':
			if (depth == 0)
				values++;
			if ((q = jsonfmt_string_end(p, end)) == NULL)
				goto bad;
			jsonfmt_put(&b, p, q - p);
			p = q;
			continue;
		case '{':
		case '[':
			if (depth == JSONFMT_DEPTH)
				goto bad;
			if (depth == 0)
				values++;
			stack[depth++] = *p;
			if (*p == '[')
				jsonfmt_put(&b, "[", 1);
			else if (p + 1 < end && p[1] == '}') {
				/* Empty: "{", newline, the closing indent. */
				jsonfmt_line(&b, '{', depth - 1);
				jsonfmt_put(&b, "}", 1);
				depth--;
				p++;
			} else
				jsonfmt_line(&b, '{', depth);
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[depth - 1] != (*p == '}' ?
			    '{' : '['))
				goto bad;
			if (*p == '}')
				jsonfmt_line(&b, '\0', depth - 1);
			jsonfmt_put(&b, p, 1);
			depth--;
			break;
		case ':':
			if (depth == 0 || stack[depth - 1] != '{')
				goto bad;
			jsonfmt_put(&b, ":\t", 2);
			break;
		case ',':
			if (depth == 0)
				goto bad;
			if (stack[depth - 1] == '[')
				jsonfmt_put(&b, ", ", 2);
			else
				jsonfmt_line(&b, ',', depth);
			break;
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			break;
		default:
			/* A number or a literal, up to the next delimiter. */
			if (depth == 0)
				values++;
			q = p;
			while (q < end && !jsonfmt_delim[(unsigned char)*q])
				q++;
			jsonfmt_put(&b, p, q - p);
			p = q;
			continue;
		}
		p++;
	}
	if (depth != 0 || values != 1)
		goto bad;
	jsonfmt_put(&b, "", 1);
	*outlen = b.len - 1;
	if (used != NULL)
		*used = p - s;
	return (b.s);
bad:
	free(b.s);
	return (NULL);
}

char *
jsonfmt_pretty(const char *s, size_t len, size_t *outlen)
{
	return (jsonfmt_layout(s, len, 0, NULL, outlen));
}

char *
jsonfmt_pretty_first(const char *s, size_t len, size_t *used,
    size_t *outlen)
{
	return (jsonfmt_layout(s, len, 1, used, outlen));
}

/* The end of the value starting at p, or NULL. */
static const char *
jsonfmt_skip(const char *p, const char *end)
{
	size_t	depth = 0;

	if (p < end && *p == '"')
		return (jsonfmt_string_end(p, end));
	if (p < end && *p != '{' && *p != '[') {
		while (p < end && strchr(",}]", *p) == NULL)
			p++;
		return (p);
	}
	while (p < end) {
		if (*p == '"') {
			if ((p = jsonfmt_string_end(p, end)) == NULL)
				return (NULL);
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return (p + 1);
		p++;
	}
	return (NULL);
}

int
jsonfmt_member(const char *s, size_t len, const char *key, const char **val,
    size_t *vlen)
{
	const char	*p = s, *end = s + len, *k, *v;
	size_t		 klen = strlen(key);

	if (p == end || *p++ != '{')
		return (-1);
	while (p < end && *p == '"') {
		k = p + 1;
		if ((p = jsonfmt_string_end(p, end)) == NULL || p == end ||
		    *p != ':')
			return (-1);
		v = ++p;
		if (vlen == NULL && p < end && (size_t)(v - 2 - k) == klen &&
		    memcmp(k, key, klen) == 0) {
			*val = v;
			return (0);
		}
		if ((p = jsonfmt_skip(p, end)) == NULL || p == v)
			return (-1);
		if ((size_t)(v - 2 - k) == klen && memcmp(k, key, klen) == 0) {
			*val = v;
			*vlen = p - v;
			return (0);
		}
		if (p < end && *p == ',')
			p++;
		else
			break;
	}
	return (-1);
}
