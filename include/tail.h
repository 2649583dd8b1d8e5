/* The last lines of a log file (src/common/tail.c). */
#ifndef OPM_TAIL_H
#define OPM_TAIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Calls cb(arg, line, len) for each of the last n lines of path[0..size),
 * oldest first, without the newline; bytes as they are (NUL included).
 */
void	 tail_each(const char *path, uint64_t size, long long n,
	    void (*cb)(void *, const char *, size_t), void *arg);

/*
 * The bytes of the last n lines of path[0..size), each ended by '\n' but
 * perhaps the last; at most max bytes (the end kept, from a line start).
 * A buffer the caller frees (NUL after *len), NULL when there is nothing
 * or the file cannot be read.
 */
char	*tail_read(const char *path, uint64_t size, long long n, size_t max,
	    size_t *len);

#endif
