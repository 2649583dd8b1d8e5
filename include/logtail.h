/* The last lines of a log file, read backwards from a known size. */
#ifndef OPM_LOGTAIL_H
#define OPM_LOGTAIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * The bytes of the last n lines of path[0..size), each ended by '\n' but
 * perhaps the last; at most max bytes (the end kept, from a line start).
 * A buffer the caller frees (NUL after *len), NULL when there is nothing
 * or the file cannot be read.
 */
char	*logtail_read(const char *path, uint64_t size, long long n,
	    size_t max, size_t *len);

#endif
