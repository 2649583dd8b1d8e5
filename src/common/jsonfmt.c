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

static void
jsonfmt_put(struct jsonfmt_buf *b, const char *s, size_t n)
{
	if (b->cap - b->len <= n) {
		while (b->cap - b->len <= n)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->s = xreallocarray(b->s, 1, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

static void
jsonfmt_tabs(struct jsonfmt_buf *b, size_t n)
{
	static const char	tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";

	while (n > 0) {
		size_t	k = n < sizeof tabs - 1 ? n : sizeof tabs - 1;

		jsonfmt_put(b, tabs, k);
		n -= k;
	}
}

/* The end of the string starting at p (on its '"'), or NULL. */
static const char *
jsonfmt_string_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\') {
			if (++p == end)
				return (NULL);
		} else if (*p == '"')
			return (p + 1);
	}
	return (NULL);
}

char *
jsonfmt_pretty(const char *s, size_t len, size_t *outlen)
{
	struct jsonfmt_buf	 b = { NULL, 0, 0 };
	const char		*p = s, *end = s + len, *q;
	char			 stack[JSONFMT_DEPTH];	/* '{' or '[' */
	size_t			 depth = 0;
	int			 values = 0;

	while (p < end) {
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
				jsonfmt_put(&b, "{\n", 2);
				jsonfmt_tabs(&b, depth - 1);
				jsonfmt_put(&b, "}", 1);
				depth--;
				p++;
			} else {
				jsonfmt_put(&b, "{\n", 2);
				jsonfmt_tabs(&b, depth);
			}
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[depth - 1] != (*p == '}' ?
			    '{' : '['))
				goto bad;
			if (*p == '}') {
				jsonfmt_put(&b, "\n", 1);
				jsonfmt_tabs(&b, depth - 1);
			}
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
			else {
				jsonfmt_put(&b, ",\n", 2);
				jsonfmt_tabs(&b, depth);
			}
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
	return (b.s);
bad:
	free(b.s);
	return (NULL);
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
