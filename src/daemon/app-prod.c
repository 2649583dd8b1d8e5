/*
 * Production settings of an app (issue 16 items 1 and 2): the user and
 * group it runs as, its resource limits, and its cgroup v2 where the
 * daemon's cgroup is delegated. Checked when an app is created, worked out
 * again at every spawn (a user or group changed in the databases is seen),
 * applied by the child (proc.c) or, for the cgroup, by the daemon between
 * the fork and the exec.
 *
 * Decisions (docs in man/opm-apps.5):
 *  - A daemon that is not root runs apps as itself only: a user or group
 *    other than its own is refused when the app is created.
 *  - HOME, USER, LOGNAME and SHELL come from the password database and
 *    replace those of the inherited environment; env, env_NAME and
 *    env_file still win, as Environment= wins over User= in systemd.
 *  - cpu_max, memory_max and pids_max without a usable cgroup v2 are
 *    refused at creation; an app restored from a dump keeps them and
 *    starts without them, with a warning in the daemon's log and info.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cgroup.h"
#include "ident.h"
#include "log.h"
#include "proc.h"
#include "rlim.h"
#include "xmem.h"

static struct cgroup_tree	app_cg;

void
app_prod_init(void)
{
	const char	*root = getenv("OPM_CGROUP_ROOT");
	const char	*self = getenv("OPM_CGROUP_SELF");

	/* Test knobs: a fake tree, and the file that names our cgroup. */
	if (root != NULL && *root == '/')
		cgroup_probe(&app_cg, root, self != NULL ? self :
		    "/proc/self/cgroup", false);
	else
		cgroup_probe(&app_cg, CGROUP_ROOT, "/proc/self/cgroup", true);
	if (app_cg.ok)
		log_info("cgroup: apps go under %s", app_cg.base);
	else
		log_info("cgroup: not available: %s", app_cg.why);
}

static bool
app_prod_cg_keys(const struct app_conf *c)
{
	return (c->cpu_max != 0 || c->memory_max != 0 || c->pids_max != 0);
}

/* The first cgroup key set, for messages. */
static const char *
app_prod_cg_key(const struct app_conf *c)
{
	return (c->cpu_max != 0 ? "cpu_max" : c->memory_max != 0 ?
	    "memory_max" : "pids_max");
}

/*
 * The identity of c, and whether this daemon may take it: a daemon that is
 * not root only runs apps as itself. -1 with a cause naming the key.
 */
static int
app_prod_ident(const struct app_conf *c, struct ident *id, char *cause,
    size_t clen)
{
	if (ident_resolve(c->user, c->group, id, cause, clen) == -1)
		return (-1);
	if (geteuid() == 0)
		return (0);
	if (id->set_uid && id->uid != geteuid()) {
		snprintf(cause, clen, "user: the daemon runs as uid %d, not "
		    "root: it cannot run apps as another user", (int)geteuid());
		ident_free(id);
		return (-1);
	}
	if (id->set_gid && (id->gid != getegid() || (!id->set_uid &&
	    id->ngroups > 1))) {
		snprintf(cause, clen, "group: the daemon runs as gid %d, not "
		    "root: it cannot run apps with another group",
		    (int)getegid());
		ident_free(id);
		return (-1);
	}
	/* Itself: nothing to switch (setgroups would need privilege). */
	id->set_uid = id->set_gid = false;
	return (0);
}

int
app_prod_check(const struct app_conf *c, char *cause, size_t clen)
{
	struct ident	id;
	unsigned	need = 0;

	if ((c->user != NULL || c->group != NULL) &&
	    app_prod_ident(c, &id, cause, clen) == -1)
		return (-1);
	if (c->user != NULL || c->group != NULL)
		ident_free(&id);
	if (!app_prod_cg_keys(c))
		return (0);
	if (!app_cg.ok) {
		snprintf(cause, clen, "%s: needs a delegated cgroup v2; not "
		    "available here: %s", app_prod_cg_key(c), app_cg.why);
		return (-1);
	}
	need |= c->cpu_max != 0 ? CGROUP_CPU : 0;
	need |= c->memory_max != 0 ? CGROUP_MEMORY : 0;
	need |= c->pids_max != 0 ? CGROUP_PIDS : 0;
	if ((need & ~app_cg.avail) != 0) {
		snprintf(cause, clen, "%s: the %s controller is not available "
		    "in the daemon's cgroup %s", (need & ~app_cg.avail &
		    CGROUP_CPU) ? "cpu_max" : (need & ~app_cg.avail &
		    CGROUP_MEMORY) ? "memory_max" : "pids_max",
		    (need & ~app_cg.avail & CGROUP_CPU) ? "cpu" :
		    (need & ~app_cg.avail & CGROUP_MEMORY) ? "memory" : "pids",
		    app_cg.base);
		return (-1);
	}
	return (0);
}

char **
app_prod_environ(const struct app *a, char **v, size_t *n)
{
	struct ident	 id;
	char		 cause[256], *kv;

	if (a->conf.user == NULL || ident_resolve(a->conf.user, NULL, &id,
	    cause, sizeof cause) == -1)
		return (v);
	if (id.name != NULL) {
		xasprintf(&kv, "HOME=%s", id.home);
		v = app_setenv(v, n, kv);
		free(kv);
		xasprintf(&kv, "USER=%s", id.name);
		v = app_setenv(v, n, kv);
		free(kv);
		xasprintf(&kv, "LOGNAME=%s", id.name);
		v = app_setenv(v, n, kv);
		free(kv);
		xasprintf(&kv, "SHELL=%s", id.shell);
		v = app_setenv(v, n, kv);
		free(kv);
	}
	ident_free(&id);
	return (v);
}

int
app_prod_spawn(struct app *a, struct proc_spec *spec, struct ident *id,
    struct proc_rlimit *rl)
{
	const struct rlim_val	*lv = a->conf.limits;
	char			 cause[512];
	int			 k;
	size_t			 n = 0;

	memset(id, 0, sizeof *id);
	for (k = 0; k < RLIM_NKEYS; k++) {
		if (!lv[k].set)
			continue;
		rl[n].resource = rlim_resource(k);
		rl[n].soft = lv[k].soft;
		rl[n].hard = lv[k].hard;
		n++;
	}
	spec->rlimits = rl;
	spec->nrlimits = n;
	if ((a->conf.user != NULL || a->conf.group != NULL) &&
	    app_prod_ident(&a->conf, id, a->run.reason,
	    sizeof a->run.reason) == -1)
		return (-1);
	spec->set_uid = id->set_uid;
	spec->set_gid = id->set_gid;
	spec->uid = id->uid;
	spec->gid = id->gid;
	spec->groups = id->groups;
	spec->ngroups = id->ngroups;
	if (!app_cg.ok) {
		if (app_prod_cg_keys(&a->conf))
			log_warnx("%s: %s not applied: cgroup not available: "
			    "%s", a->label, app_prod_cg_key(&a->conf),
			    app_cg.why);
		return (0);
	}
	if (cgroup_prepare(&app_cg, a->id, a->conf.cpu_max,
	    a->conf.memory_max, a->conf.pids_max, cause, sizeof cause) == -1) {
		/* Limits asked for are not dropped silently. */
		if (app_prod_cg_keys(&a->conf)) {
			snprintf(a->run.reason, sizeof a->run.reason,
			    "cgroup: %.200s", cause);
			ident_free(id);
			return (-1);
		}
		log_warnx("%s: cgroup: %s", a->label, cause);
	}
	return (0);
}

void
app_prod_spawned(struct app *a, pid_t pid)
{
	char	dir[4200];
	struct stat st;

	if (!app_cg.ok)
		return;
	cgroup_app_dir(&app_cg, a->id, dir, sizeof dir);
	if (stat(dir, &st) == -1)
		return;
	if (cgroup_attach(&app_cg, a->id, pid) == -1)
		log_warn("%s: cgroup: moving pid %d to %s", a->label, (int)pid,
		    dir);
}

void
app_prod_kill(struct app *a)
{
	if (app_cg.ok && cgroup_kill(&app_cg, a->id) == -1 && errno != ENOENT)
		log_warn("%s: cgroup.kill", a->label);
}

void
app_prod_gone(struct app *a)
{
	/* A process left in it keeps it (EBUSY): it goes with the last. */
	if (app_cg.ok && cgroup_remove(&app_cg, a->id) == -1 &&
	    errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY)
		log_warn("%s: removing its cgroup", a->label);
}

void
app_prod_json(const struct app *a, cJSON *o)
{
	char		dir[4200];
	struct stat	st;

	if (!app_cg.ok) {
		cJSON_AddNullToObject(o, "cgroup");
		cJSON_AddStringToObject(o, "cgroup_note", app_cg.why);
		return;
	}
	cgroup_app_dir(&app_cg, a->id, dir, sizeof dir);
	if (stat(dir, &st) == 0)
		cJSON_AddStringToObject(o, "cgroup", dir);
	else
		cJSON_AddNullToObject(o, "cgroup");
	cJSON_AddNullToObject(o, "cgroup_note");
}
