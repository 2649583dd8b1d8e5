/*
 * Compact JSON text (as the daemon sends it: cJSON_PrintUnformatted)
 * handled as text, without building a tree: the CLI passes `--json`
 * replies through with these instead of parsing and printing them, which
 * was most of the instructions `opm list --json` ran (src/cli/connect.c).
 */
#ifndef OPM_JSONFMT_H
#define OPM_JSONFMT_H

#include <stddef.h>

/*
 * s[0..len) laid out as cJSON_Print lays out the same value (tabs, "key":
 * TAB value, array items ", "-separated), NUL-terminated, its length in
 * *outlen; NULL when s is not one balanced JSON value.
 */
char	*jsonfmt_pretty(const char *s, size_t len, size_t *outlen);
/*
 * The same for the first value of s[0..len) only, whatever follows it:
 * the bytes it took in *used. The data of a reply is laid out without a
 * first pass to find where it ends.
 */
char	*jsonfmt_pretty_first(const char *s, size_t len, size_t *used,
	    size_t *outlen);
/*
 * The value of member key of the object s[0..len): 0 and its span in
 * *val, *vlen (vlen NULL: its start only, its end not looked for); -1
 * when s is no object or has no such member. Brackets are counted, not
 * matched: jsonfmt_pretty checks the value found.
 */
int	 jsonfmt_member(const char *s, size_t len, const char *key,
	    const char **val, size_t *vlen);

#endif
