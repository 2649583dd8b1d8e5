/*
 * Users and groups of apps (include/ident.h). Names are looked up here, in
 * the daemon's loop, never in a forked child: getpwnam(3) may load NSS
 * modules and take locks a thread of the daemon holds.
 */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "parse.h"
#include "xmem.h"

bool
ident_word_ok(const char *s)
{
	size_t	n = strlen(s);

	return (n > 0 && n <= 64 && s[0] != '-' && strspn(s,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
	    == n);
}

/* A number of digits only, below (id_t)-1; -1 when s is a name. */
static long long
ident_number(const char *s)
{
	long long	 n;
	const char	*why;

	if (strspn(s, "0123456789") != strlen(s) ||
	    parse_int(s, 0, UINT_MAX - 1, &n, &why) == -1)
		return (-1);
	return (n);
}

void
ident_free(struct ident *id)
{
	free(id->groups);
	free(id->name);
	free(id->home);
	free(id->shell);
	memset(id, 0, sizeof *id);
}

int
ident_resolve(const char *user, const char *group, struct ident *id,
    char *cause, size_t clen)
{
	struct passwd	*pw = NULL;
	struct group	*gr;
	long long	 n;
	int		 ng;
	gid_t		*gl;

	memset(id, 0, sizeof *id);
	if (user != NULL) {
		errno = 0;
		if ((n = ident_number(user)) >= 0)
			pw = getpwuid((uid_t)n);
		else if ((pw = getpwnam(user)) == NULL) {
			snprintf(cause, clen, "user: no such user '%s'%s%s",
			    user, errno != 0 ? ": " : "",
			    errno != 0 ? strerror(errno) : "");
			return (-1);
		}
		id->set_uid = id->set_gid = true;
		id->uid = pw != NULL ? pw->pw_uid : (uid_t)n;
		if (pw != NULL) {
			id->gid = pw->pw_gid;
			id->name = xstrdup(pw->pw_name);
			id->home = xstrdup(pw->pw_dir);
			id->shell = xstrdup(*pw->pw_shell != '\0' ?
			    pw->pw_shell : "/bin/sh");
		}
	}
	if (group != NULL) {
		if ((n = ident_number(group)) >= 0)
			id->gid = (gid_t)n;
		else if ((gr = getgrnam(group)) == NULL) {
			snprintf(cause, clen, "group: no such group '%s'",
			    group);
			ident_free(id);
			return (-1);
		} else
			id->gid = gr->gr_gid;
		id->set_gid = true;
	} else if (user != NULL && pw == NULL) {
		snprintf(cause, clen, "user: uid %s is not in the password "
		    "database: give its group too", user);
		ident_free(id);
		return (-1);
	}
	if (!id->set_gid)
		return (0);
	if (id->name == NULL) {
		id->groups = xcalloc(1, sizeof *id->groups);
		id->groups[0] = id->gid;
		id->ngroups = 1;
		return (0);
	}
	/* The user's groups, with gid first, as initgroups(3) makes them. */
	ng = 32;
	gl = xcalloc(ng, sizeof *gl);
	while (getgrouplist(id->name, id->gid, gl, &ng) == -1) {
		if (ng > 65536) {
			free(gl);
			snprintf(cause, clen, "user: '%s' is in too many "
			    "groups", id->name);
			ident_free(id);
			return (-1);
		}
		gl = xreallocarray(gl, ng, sizeof *gl);
	}
	id->groups = gl;
	id->ngroups = (size_t)ng;
	return (0);
}
