/*
 * Safe use of cJSON for untrusted input: bounded depth, strict UTF-8, no
 * trailing garbage, integers validated as integers (docs/LESSONS.md on cJSON).
 */
#ifndef OPM_JSON_H
#define OPM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

/* Parses buf[0..len). NULL on error with a message in cause[]. */
cJSON	*json_parse(const char *buf, size_t len, char *cause, size_t clen);
/* The integer at key: -1 if absent (*present = false) or invalid (cause). */
int	 json_int(const cJSON *obj, const char *key, long long min,
	    long long max, long long *out, bool *present, const char **cause);
/* A number that is integral and in range. */
bool	 json_is_int(const cJSON *, long long min, long long max);
/* A duration: milliseconds, or a string parse_duration reads. */
int	 json_duration(const cJSON *, uint64_t *ms, const char **cause);
/* An unsigned in [min, max]: a number, or a string of one. */
int	 json_uint(const cJSON *, long long min, long long max, unsigned *out,
	    const char **cause);
/* The string at key, NULL when absent or not a string. */
const char *json_str(const cJSON *obj, const char *key);
/*
 * JSON written as text without a tree, as json_text prints a tree (a list
 * of 10,000 apps built 300,000 cJSON nodes to print and free them). The
 * caller owns s (NUL-terminated only once it puts one); a key goes after
 * a ',' unless it is the first member of its object.
 */
struct json_buf {
	char	*s;
	size_t	 len, cap;
	bool	 bad;
};
void	 json_put(struct json_buf *, const char *p, size_t n);
void	 json_put_string(struct json_buf *, const char *);	/* NULL: "" */
void	 json_put_number(struct json_buf *, double);
void	 json_put_key(struct json_buf *, const char *key);
void	 json_put_int(struct json_buf *, const char *key, long long);
void	 json_put_str(struct json_buf *, const char *key, const char *);
/* Printed unformatted, made valid UTF-8 (for cJSON_free), or NULL. */
char	*json_text(const cJSON *);
/* One line: the object printed unformatted with a trailing newline. */
char	*json_line(const cJSON *, size_t *len);
/* A new NULL-terminated vector from an array of byte strings, or NULL. */
char	**json_strv(const cJSON *arr, size_t max, const char **cause);
cJSON	*json_from_strv(char *const *);
/* Byte strings: a JSON string if s is UTF-8, else {"b64": "..."}. */
cJSON	*json_bytes(const char *s);
/* The bytes of either form, a new string; NULL and *cause if neither. */
char	*json_bytes_dup(const cJSON *, const char **cause);

#endif
