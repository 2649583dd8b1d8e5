/* Allocation wrappers that abort on exhaustion, as tmux's xmalloc.c. */
#ifndef OPM_XMEM_H
#define OPM_XMEM_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 xfreev(char **);	/* free a NULL-terminated vector */
char	**xdupv(char *const *);	/* copy a NULL-terminated vector */
size_t	 xlenv(char *const *);

#endif
