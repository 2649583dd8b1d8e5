/*
 * Watch, the pure part (include/watch.h): ignore patterns and the
 * debounce of restarts.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "watch.h"

/*
 * Version control, dependencies, caches and editor droppings: a change
 * there is never a reason to restart (ignore_watch adds to these). The
 * daemon's own files and the app's logs are skipped by path, not here.
 */
const char *const watch_defaults[] = {
	"node_modules", ".git", ".hg", ".svn", "__pycache__", "*.pyc",
	"*.swp", "*.swx", "*~", ".#*", "4913", NULL
};

/* Whether pattern p (as written) matches s. */
static bool
watch_match(const char *p, const char *s)
{
	char	buf[1024];
	size_t	n;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	n = strlen(p);
	if (n > 1 && p[n - 1] == '/') {
		if (n >= sizeof buf)
			return (false);
		memcpy(buf, p, n - 1);
		buf[n - 1] = '\0';
		p = buf;
	}
	return (*p != '\0' && fnmatch(p, s, 0) == 0);
}

/* Whether p matches rel, a leading directory or a component of it. */
static bool
watch_match_path(const char *p, const char *rel)
{
	char		 buf[4096];
	const char	*c, *slash;
	size_t		 n;

	if (watch_match(p, rel))
		return (true);
	for (c = rel; (slash = strchr(c, '/')) != NULL; c = slash + 1) {
		n = slash - rel;
		if (n < sizeof buf) {
			memcpy(buf, rel, n);
			buf[n] = '\0';
			if (watch_match(p, buf))
				return (true);
		}
		n = slash - c;
		if (n < sizeof buf) {
			memcpy(buf, c, n);
			buf[n] = '\0';
			if (watch_match(p, buf))
				return (true);
		}
	}
	/* The last component; rel itself when it has one only. */
	return (c != rel && watch_match(p, c));
}

bool
watch_ignored(const char *rel, char *const *globs)
{
	size_t	i;

	for (i = 0; watch_defaults[i] != NULL; i++) {
		if (watch_match_path(watch_defaults[i], rel))
			return (true);
	}
	for (i = 0; globs != NULL && globs[i] != NULL; i++) {
		if (watch_match_path(globs[i], rel))
			return (true);
	}
	return (false);
}

uint64_t
watch_due(uint64_t first, uint64_t last, uint64_t now, uint64_t delay)
{
	uint64_t	due = last + delay, cap = first + WATCH_CAP(delay);

	if (cap < due)
		due = cap;
	return (due > now ? due - now : 0);
}
