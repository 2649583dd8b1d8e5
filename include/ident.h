/*
 * The identity an app runs as (issue 16 item 1): the user and group keys
 * resolved against the password and group databases, in the daemon before
 * the fork (nothing of NSS may run between fork and exec), for the child
 * to apply with setgroups, setgid and setuid, in that order.
 */
#ifndef OPM_IDENT_H
#define OPM_IDENT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

struct ident {
	bool	 set_uid;	/* user given */
	bool	 set_gid;	/* user or group given */
	uid_t	 uid;
	gid_t	 gid;
	gid_t	*groups;	/* supplementary groups, gid among them */
	size_t	 ngroups;
	/* From the password database; NULL for a uid it does not know. */
	char	*name;
	char	*home;
	char	*shell;
};

/* Whether s can be a user or group: a name of [A-Za-z0-9._-] or a number. */
bool	 ident_word_ok(const char *s);
/*
 * Resolves user and group (either NULL). Without group, the user's primary
 * group; the supplementary groups are the user's (getgrouplist, as
 * initgroups(3) sets them), or only gid. -1 with a cause naming the key
 * ("user: no such user 'x'").
 */
int	 ident_resolve(const char *user, const char *group, struct ident *,
	    char *cause, size_t clen);
void	 ident_free(struct ident *);

#endif
