/* Parsers for user input: durations, sizes, signals, names, UTF-8. */
#ifndef OPM_PARSE_H
#define OPM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "250ms", "5s", "2m", "1h" or bare milliseconds. -1 and *cause on error. */
int	 parse_duration(const char *, uint64_t *ms, const char **cause);
/* "10M", "512K", "1G" or bare bytes. */
int	 parse_size(const char *, uint64_t *bytes, const char **cause);
/* "TERM", "SIGTERM", "15". Returns the number or -1. */
int	 parse_signal(const char *);
/* "SIGTERM" for 15; "SIG42" for unnamed ones. Static storage. */
const char *parse_signame(int);
/* Whole decimal number in [min, max]. */
int	 parse_int(const char *, long long min, long long max, long long *out,
	    const char **cause);
/*
 * Calls fn for each word of a comma-separated list (target lists, exit
 * codes), empty words skipped, until fn returns nonzero: that value, else 0.
 * *nwords, when not NULL, is the number of words fn was called with.
 */
int	 parse_list(const char *, int (*fn)(const char *word, void *arg),
	    void *arg, size_t *nwords);
/* App names: [A-Za-z0-9._-]{1,64}, not all digits, not "all". */
bool	 parse_name_ok(const char *);
/*
 * A name a new app may take (start, app files, restore): parse_name_ok and
 * no leading '-', which every command would read as an option. An app that
 * has one anyway (runtime state of an older daemon) keeps it.
 */
bool	 parse_name_new_ok(const char *);
/* Strict UTF-8 (no overlongs, no surrogates, no NUL). */
bool	 parse_utf8_ok(const char *, size_t);
/* Format milliseconds the way a person reads uptime: 3s, 5m, 2h, 4d. */
void	 parse_fmt_duration(uint64_t ms, char *buf, size_t len);
void	 parse_fmt_size(uint64_t bytes, char *buf, size_t len);

/* The line and column (from 1) of byte off of buf, for error messages. */
void	 parse_line_col(const char *buf, size_t len, size_t off, size_t *line,
	    size_t *col);

#endif
