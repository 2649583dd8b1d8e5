/*
 * YAML to JSON for app files. libyaml's event parser drives a stack of the
 * objects and arrays being built; scalars are resolved as js-yaml (what PM2
 * reads process.yml with) resolves them, so a file means to opm what it
 * means to PM2. Aliases are copies, bounded by YAMLJSON_NODES_MAX, so a
 * small file cannot expand to gigabytes ("billion laughs").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "opm.h"
#include "xmem.h"
#include "yamljson.h"

struct yamljson_frame {
	cJSON		*node;		/* the object or array being built */
	char		*key;		/* an object's key waiting for a value */
	bool		 merge;		/* that key is << */
	bool		 merged;	/* after a merge, keys replace */
	char		*anchor;	/* of this node, or NULL */
	size_t		 first;		/* nodes counted before this one */
};

struct yamljson_anchor {
	char		*name;
	cJSON		*node;		/* a copy, owned here */
	size_t		 nodes;
};

struct yamljson {
	struct yamljson_frame	 stack[OPM_DEPTH_MAX];
	int			 depth;
	struct yamljson_anchor	*anchors;
	size_t			 nanchors;
	size_t			 nodes;
	cJSON			*root;
	int			 docs;
	char			*cause;
	size_t			 clen;
	size_t			*line;
	size_t			*col;
};

static void __attribute__((noreturn))
yamljson_oom(void)
{
	fprintf(stderr, "opm: out of memory (yaml)\n");
	abort();
}

/* Sets the error of y, at mark when mark is not NULL; returns -1. */
static int __attribute__((format(printf, 3, 4)))
yamljson_error(struct yamljson *y, const yaml_mark_t *mark,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(y->cause, y->clen, fmt, ap);
	va_end(ap);
	if (mark != NULL) {
		*y->line = mark->line + 1;
		*y->col = mark->column + 1;
	}
	return (-1);
}

/* Counts n more nodes; -1 past the limit. */
static int
yamljson_count(struct yamljson *y, size_t n, const yaml_mark_t *mark)
{
	if (n > YAMLJSON_NODES_MAX - y->nodes)
		return (yamljson_error(y, mark, "the document expands to more "
		    "than %d nodes (aliases counted as copies)",
		    YAMLJSON_NODES_MAX));
	y->nodes += n;
	return (0);
}

/* Keeps a copy of v under anchor name (a later one of a name wins). */
static void
yamljson_anchor(struct yamljson *y, const char *name, const cJSON *v,
    size_t nodes)
{
	struct yamljson_anchor	*a;

	y->anchors = xreallocarray(y->anchors, y->nanchors + 1,
	    sizeof *y->anchors);
	a = &y->anchors[y->nanchors++];
	a->name = xstrdup(name);
	a->node = cJSON_Duplicate(v, 1);
	if (a->node == NULL)
		yamljson_oom();
	a->nodes = nodes;
}

static const struct yamljson_anchor *
yamljson_find_anchor(struct yamljson *y, const char *name)
{
	size_t	i;

	for (i = y->nanchors; i > 0; i--) {
		if (strcmp(y->anchors[i - 1].name, name) == 0)
			return (&y->anchors[i - 1]);
	}
	return (NULL);
}

/* Merges the keys of mapping m that obj lacks into obj (a << key). */
static int
yamljson_merge_one(struct yamljson *y, cJSON *obj, const cJSON *m,
    const yaml_mark_t *mark)
{
	const cJSON	*kv;
	cJSON		*copy;

	if (!cJSON_IsObject(m))
		return (yamljson_error(y, mark, "a merge key (<<) needs a "
		    "mapping or a list of mappings"));
	cJSON_ArrayForEach(kv, m) {
		if (cJSON_GetObjectItemCaseSensitive(obj, kv->string) != NULL)
			continue;
		if ((copy = cJSON_Duplicate(kv, 1)) == NULL)
			yamljson_oom();
		cJSON_AddItemToObject(obj, kv->string, copy);
	}
	return (0);
}

/* Adds the finished value v (taking ownership) where the stack says. */
static int
yamljson_add(struct yamljson *y, cJSON *v, const yaml_mark_t *mark)
{
	struct yamljson_frame	*f;
	const cJSON		*e;
	int			 rc = 0;

	if (y->depth == 0) {
		y->root = v;
		return (0);
	}
	f = &y->stack[y->depth - 1];
	if (cJSON_IsArray(f->node)) {
		cJSON_AddItemToArray(f->node, v);
		return (0);
	}
	if (f->merge) {
		if (cJSON_IsArray(v)) {
			cJSON_ArrayForEach(e, v) {
				if ((rc = yamljson_merge_one(y, f->node, e,
				    mark)) == -1)
					break;
			}
		} else
			rc = yamljson_merge_one(y, f->node, v, mark);
		f->merged = true;
		cJSON_Delete(v);
	} else if (cJSON_GetObjectItemCaseSensitive(f->node, f->key) != NULL) {
		if (f->merged)
			cJSON_ReplaceItemInObjectCaseSensitive(f->node, f->key,
			    v);
		else {
			rc = yamljson_error(y, mark, "duplicate key '%s'",
			    f->key);
			cJSON_Delete(v);
		}
	} else
		cJSON_AddItemToObject(f->node, f->key, v);
	free(f->key);
	f->key = NULL;
	f->merge = false;
	return (rc);
}

/* True when s[0..n) is a YAML 1.2 core-schema float or decimal integer. */
static bool
yamljson_is_decimal(const char *s, size_t n)
{
	size_t	i = 0, digits = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	}
	if (digits == 0)
		return (false);
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (digits == 0)
			return (false);
	}
	return (i == n);
}

/* A plain scalar's value: null, a boolean, a number or a string. */
static cJSON *
yamljson_plain(const char *s, size_t n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	static const char *const trues[] = { "true", "True", "TRUE" };
	static const char *const falses[] = { "false", "False", "FALSE" };
	char		*end;
	long long	 ll;
	size_t		 i;
	int		 base = 0;

	for (i = 0; i < sizeof nulls / sizeof nulls[0]; i++) {
		if (strcmp(s, nulls[i]) == 0)
			return (cJSON_CreateNull());
	}
	for (i = 0; i < sizeof trues / sizeof trues[0]; i++) {
		if (strcmp(s, trues[i]) == 0)
			return (cJSON_CreateTrue());
		if (strcmp(s, falses[i]) == 0)
			return (cJSON_CreateFalse());
	}
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o'))
		base = s[1] == 'x' ? 16 : 8;
	if (base != 0 && strchr("+- ", s[2]) == NULL) {
		errno = 0;
		ll = strtoll(s + 2, &end, base);
		if (errno == 0 && *end == '\0')
			return (cJSON_CreateNumber((double)ll));
	} else if (yamljson_is_decimal(s, n))
		return (cJSON_CreateNumber(strtod(s, NULL)));
	return (cJSON_CreateString(s));
}

/* The value of a scalar event. */
static cJSON *
yamljson_scalar(struct yamljson *y, const yaml_event_t *ev)
{
	const char	*s = (const char *)ev->data.scalar.value;
	const char	*tag = (const char *)ev->data.scalar.tag;
	size_t		 n = ev->data.scalar.length;
	cJSON		*v;

	if (memchr(s, '\0', n) != NULL) {
		yamljson_error(y, &ev->start_mark, "NUL character in a "
		    "string");
		return (NULL);
	}
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    (tag != NULL && (strcmp(tag, "!") == 0 ||
	    strcmp(tag, YAML_STR_TAG) == 0)))
		v = cJSON_CreateString(s);
	else
		v = yamljson_plain(s, n);
	if (v == NULL)
		yamljson_oom();
	return (v);
}

/* Handles one parser event; 1 at the end of the stream, -1 on error.  *
 * Long because it is the one switch over libyaml's event types; each
 * case is short.
 */
static int
yamljson_event(struct yamljson *y, const yaml_event_t *ev)
{
	const struct yamljson_anchor	*a;
	struct yamljson_frame		*f;
	const yaml_mark_t		*mark = &ev->start_mark;
	const char			*anchor = NULL;
	cJSON				*v;
	size_t				 first;

	f = y->depth > 0 ? &y->stack[y->depth - 1] : NULL;
	/* In a mapping without a pending key, a scalar is the key. */
	if (f != NULL && cJSON_IsObject(f->node) && f->key == NULL &&
	    ev->type != YAML_MAPPING_END_EVENT) {
		if (ev->type != YAML_SCALAR_EVENT)
			return (yamljson_error(y, mark, "a key must be a "
			    "plain string, not a %s",
			    ev->type == YAML_ALIAS_EVENT ? "alias" :
			    "collection"));
		if (memchr(ev->data.scalar.value, '\0',
		    ev->data.scalar.length) != NULL)
			return (yamljson_error(y, mark, "NUL character in a "
			    "key"));
		f->key = xstrdup((const char *)ev->data.scalar.value);
		f->merge = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    strcmp(f->key, "<<") == 0;
		return (0);
	}
	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
		return (0);
	case YAML_STREAM_END_EVENT:
		return (1);
	case YAML_DOCUMENT_START_EVENT:
		if (y->docs++ > 0)
			return (yamljson_error(y, mark, "more than one YAML "
			    "document (an app file holds one)"));
		return (0);
	case YAML_ALIAS_EVENT:
		anchor = (const char *)ev->data.alias.anchor;
		if ((a = yamljson_find_anchor(y, anchor)) == NULL)
			return (yamljson_error(y, mark, "unknown anchor "
			    "'%s'", anchor));
		if (yamljson_count(y, a->nodes, mark) == -1)
			return (-1);
		if ((v = cJSON_Duplicate(a->node, 1)) == NULL)
			yamljson_oom();
		return (yamljson_add(y, v, mark));
	case YAML_SCALAR_EVENT:
		if (yamljson_count(y, 1, mark) == -1 ||
		    (v = yamljson_scalar(y, ev)) == NULL)
			return (-1);
		if (ev->data.scalar.anchor != NULL)
			yamljson_anchor(y, (const char *)ev->data.scalar.anchor,
			    v, 1);
		return (yamljson_add(y, v, mark));
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (y->depth == OPM_DEPTH_MAX)
			return (yamljson_error(y, mark, "nesting deeper than "
			    "%d", OPM_DEPTH_MAX));
		first = y->nodes;
		if (yamljson_count(y, 1, mark) == -1)
			return (-1);
		f = &y->stack[y->depth++];
		memset(f, 0, sizeof *f);
		f->first = first;
		if (ev->type == YAML_SEQUENCE_START_EVENT) {
			f->node = cJSON_CreateArray();
			anchor = (const char *)ev->data.sequence_start.anchor;
		} else {
			f->node = cJSON_CreateObject();
			anchor = (const char *)ev->data.mapping_start.anchor;
		}
		if (f->node == NULL)
			yamljson_oom();
		if (anchor != NULL)
			f->anchor = xstrdup(anchor);
		return (0);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		f = &y->stack[--y->depth];
		v = f->node;
		f->node = NULL;
		if (f->anchor != NULL) {
			yamljson_anchor(y, f->anchor, v, y->nodes - f->first);
			free(f->anchor);
			f->anchor = NULL;
		}
		return (yamljson_add(y, v, mark));
	default:
		return (0);
	}
}

/* Frees what an unfinished parse leaves on the stack, and the anchors. */
static void
yamljson_clear(struct yamljson *y)
{
	size_t	i;

	while (y->depth > 0) {
		struct yamljson_frame *f = &y->stack[--y->depth];
		cJSON_Delete(f->node);
		free(f->key);
		free(f->anchor);
	}
	for (i = 0; i < y->nanchors; i++) {
		free(y->anchors[i].name);
		cJSON_Delete(y->anchors[i].node);
	}
	free(y->anchors);
}

cJSON *
yamljson_parse(const char *buf, size_t len, size_t *line, size_t *col,
    char *cause, size_t clen)
{
	struct yamljson	 y;
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	int		 rc = 0;

	memset(&y, 0, sizeof y);
	y.cause = cause;
	y.clen = clen;
	y.line = line;
	y.col = col;
	*line = *col = 0;
	if (!yaml_parser_initialize(&p))
		yamljson_oom();
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			if (p.context != NULL)
				yamljson_error(&y, &p.problem_mark, "%s %s "
				    "started at line %zu, column %zu",
				    p.problem != NULL ? p.problem :
				    "invalid YAML", p.context,
				    p.context_mark.line + 1,
				    p.context_mark.column + 1);
			else
				yamljson_error(&y, &p.problem_mark, "%s",
				    p.problem != NULL ? p.problem :
				    "invalid YAML");
			rc = -1;
			break;
		}
		rc = yamljson_event(&y, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	yamljson_clear(&y);
	if (rc == -1) {
		cJSON_Delete(y.root);
		return (NULL);
	}
	if (y.root == NULL)
		snprintf(cause, clen, "no YAML document");
	return (y.root);
}
