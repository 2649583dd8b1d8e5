/*
 * The last lines of a log file, read backwards from an offset the daemon
 * reported, so even a 1 GB log costs a few reads (opm logs, opm monit,
 * opm web), or sent by the daemon to a remote CLI (logs "tail").
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tail.h"
#include "xmem.h"

char *
tail_read(const char *path, uint64_t size, long long n, size_t max,
    size_t *len)
{
	char		 buf[65536], *out, *nl;
	uint64_t	 pos = size, start = 0;
	long long	 seen = 0;
	ssize_t		 r;
	size_t		 i;
	int		 fd;

	*len = 0;
	if (n <= 0 || size == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) ==
	    -1)
		return (NULL);
	/* Walk back to the n-th line end before the last one. */
	while (pos > 0 && seen < n && size - pos < max) {
		i = pos > sizeof buf ? sizeof buf : pos;
		pos -= i;
		if ((r = pread(fd, buf, i, pos)) <= 0)
			break;
		for (i = (size_t)r; i > 0; i--) {
			if (buf[i - 1] != '\n' || pos + i == size)
				continue;
			if (++seen == n) {
				start = pos + i;
				break;
			}
		}
	}
	if (seen < n && pos > 0)
		start = pos;
	*len = size - start;
	out = xmalloc(*len + 1);
	for (i = 0; i < *len; i += r) {
		if ((r = pread(fd, out + i, *len - i, start + i)) <= 0)
			break;
	}
	close(fd);
	*len = i;
	out[*len] = '\0';
	/* Over max: from the first line start past the cut. */
	if (*len > max && (nl = memchr(out + (*len - max), '\n', max)) !=
	    NULL) {
		i = nl + 1 - out;
		memmove(out, nl + 1, *len - i + 1);
		*len -= i;
	}
	return (out);
}

void
tail_each(const char *path, uint64_t size, long long n,
    void (*cb)(void *, const char *, size_t), void *arg)
{
	char		*out;
	const char	*p, *nl;
	size_t		 len;

	if ((out = tail_read(path, size, n, SIZE_MAX, &len)) == NULL)
		return;
	for (p = out; p < out + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', out + len - p)) == NULL)
			nl = out + len;
		cb(arg, p, nl - p);
	}
	free(out);
}
