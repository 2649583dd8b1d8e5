/* Allocation wrappers: the daemon cannot do anything useful without memory. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

static void __attribute__((noreturn))
xmem_die(const char *what)
{
	fprintf(stderr, "opm: out of memory (%s)\n", what);
	abort();
}

void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size ? size : 1)) == NULL)
		xmem_die("malloc");
	return (p);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n ? n : 1, size ? size : 1)) == NULL)
		xmem_die("calloc");
	return (p);
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if ((p = reallocarray(old, n ? n : 1, size ? size : 1)) == NULL)
		xmem_die("reallocarray");
	return (p);
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		xmem_die("strdup");
	return (p);
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		xmem_die("strndup");
	return (p);
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		xmem_die("asprintf");
	return (n);
}

size_t
xlenv(char *const *v)
{
	size_t	n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return (n);
}

void
xfreev(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

char **
xdupv(char *const *v)
{
	size_t	  i, n = xlenv(v);
	char	**d = xcalloc(n + 1, sizeof *d);

	for (i = 0; i < n; i++)
		d[i] = xstrdup(v[i]);
	return (d);
}
