/*
 * Starting an app's program: its environment (CLI environment, env keys,
 * env_file, OPM_APP_*), the program looked up like exec will, the log
 * pipes, fork and exec (proc.c), and the exec's verdict read later from a
 * close-on-exec pipe watched by the loop, so no spawn ever blocks it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "dotenv.h"
#include "handle.h"
#include "ident.h"
#include "interp.h"
#include "log.h"
#include "logf.h"
#include "parse.h"
#include "proc.h"
#include "state.h"
#include "xmem.h"

/* Processes this daemon process has started, for accounting (soak). */
static uint64_t	app_nspawned;

uint64_t
app_spawned(void)
{
	return (app_nspawned);
}

static int
app_envcmp(const void *a, const void *b)
{
	const char	*x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t		 i;

	/* Compare keys only, so that "A=..." sorts before "A_B=...". */
	for (i = 0; x[i] == y[i] && x[i] != '=' && x[i] != '\0'; i++)
		;
	if (x[i] == '=' && y[i] == '=')
		return (0);
	if (x[i] == '=')
		return (-1);
	if (y[i] == '=')
		return (1);
	return ((unsigned char)x[i] - (unsigned char)y[i]);
}

/* Sets KEY=VALUE in v (n entries), replacing any KEY already there. */
char **
app_setenv(char **v, size_t *n, const char *kv)
{
	size_t	i, klen = strcspn(kv, "=");

	for (i = 0; i < *n; i++) {
		if (strncmp(v[i], kv, klen) == 0 && v[i][klen] == '=') {
			free(v[i]);
			v[i] = xstrdup(kv);
			return (v);
		}
	}
	v = xreallocarray(v, *n + 2, sizeof *v);
	v[(*n)++] = xstrdup(kv);
	v[*n] = NULL;
	return (v);
}

static bool
app_has_env(char *const *v, const char *key)
{
	size_t	n = strlen(key);

	for (; v != NULL && *v != NULL; v++) {
		if (strncmp(*v, key, n) == 0 && (*v)[n] == '=')
			return (true);
	}
	return (false);
}

/*
 * PM2's variables of instance K: instance_var (NODE_APP_INSTANCE) = K, and
 * increment_var, a variable the environment holds as an integer, plus K.
 * -1 with a cause when that variable is missing or no integer.
 */
static int
app_instance_env(const struct app *a, char ***v, size_t *n, char *cause,
    size_t clen)
{
	const char	*var = a->conf.increment_var, *why;
	char		*kv;
	long long	 base;
	size_t		 i, len;

	xasprintf(&kv, "%s=%d", a->conf.instance_var != NULL ?
	    a->conf.instance_var : "NODE_APP_INSTANCE", a->instance);
	*v = app_setenv(*v, n, kv);
	free(kv);
	if (var == NULL)
		return (0);
	len = strlen(var);
	for (i = 0; i < *n; i++) {
		if (strncmp((*v)[i], var, len) == 0 && (*v)[i][len] == '=')
			break;
	}
	if (i == *n || parse_int((*v)[i] + len + 1, 0,
	    INT32_MAX - OPM_INSTANCES_MAX, &base, &why) == -1) {
		snprintf(cause, clen, "increment_var: %s %s; instance K gets "
		    "its value plus K, so env must hold it as a whole number",
		    var, i == *n ? "is not in the environment" :
		    "is not a whole number");
		return (-1);
	}
	xasprintf(&kv, "%s=%lld", var, base + a->instance);
	*v = app_setenv(*v, n, kv);
	free(kv);
	return (0);
}

/*
 * The environment, in order of precedence (later wins): the environment of
 * the CLI that created the app, the env keys, the environment set env_name
 * selects (env_NAME; none when the app has no such set), the env_file
 * (read now), PYTHONUNBUFFERED=1 for a python script unless set, an
 * instance's variables (instance_var, increment_var), then OPM_APP_NAME
 * and OPM_APP_ID. Computed from the configuration at every start, so a
 * restart sees what changed.
 */
char **
app_environ(const struct app *a, char *cause, size_t clen)
{
	const struct conf_envset *set = conf_envset(&a->conf, a->conf.env_name);
	char	**v = xcalloc(1, sizeof *v), **file = NULL, *kv, **argv, *names;
	char	  why[512];
	size_t	  n = 0, i;
	unsigned  flags;

	for (i = 0; a->conf.env_base && a->conf.env_base[i]; i++) {
		/* The CLI's service manager's, not the app's. */
		if (strncmp(a->conf.env_base[i], "NOTIFY_SOCKET=", 14) == 0 ||
		    strncmp(a->conf.env_base[i], "LISTEN_", 7) == 0 ||
		    strncmp(a->conf.env_base[i], "WATCHDOG_USEC=", 14) == 0 ||
		    strncmp(a->conf.env_base[i], "WATCHDOG_PID=", 13) == 0 ||
		    strncmp(a->conf.env_base[i], "NODE_CHANNEL_FD=", 16) == 0)
			continue;
		v = app_setenv(v, &n, a->conf.env_base[i]);
	}
	/* The user's HOME, USER, LOGNAME, SHELL: env keys still win. */
	v = app_prod_environ(a, v, &n);
	for (i = 0; a->conf.env && a->conf.env[i]; i++)
		v = app_setenv(v, &n, a->conf.env[i]);
	for (i = 0; set != NULL && set->env[i] != NULL; i++)
		v = app_setenv(v, &n, set->env[i]);
	if (a->conf.env_file != NULL) {
		if (dotenv_read(a->conf.env_file, &file, cause, clen) == -1) {
			xfreev(v);
			return (NULL);
		}
		for (i = 0; file[i] != NULL; i++)
			v = app_setenv(v, &n, file[i]);
		xfreev(file);
	}
	/* Python buffers a pipe: its log lines would come late. */
	if (!app_has_env(v, "PYTHONUNBUFFERED") && interp_argv(&a->conf, v,
	    &argv, &flags, why, sizeof why) == 0) {
		xfreev(argv);
		if (flags & INTERP_PYTHON)
			v = app_setenv(v, &n, "PYTHONUNBUFFERED=1");
	}
	if (a->instance >= 0 && app_instance_env(a, &v, &n, cause,
	    clen) == -1) {
		xfreev(v);
		return (NULL);
	}
	xasprintf(&kv, "OPM_APP_NAME=%s", a->conf.name);
	v = app_setenv(v, &n, kv);
	free(kv);
	xasprintf(&kv, "OPM_APP_ID=%d", a->id);
	v = app_setenv(v, &n, kv);
	free(kv);
	/* The sockets of listen: LISTEN_PID is set at the spawn. */
	if (a->conf.listen != NULL) {
		xasprintf(&kv, "LISTEN_FDS=%zu", xlenv(a->conf.listen));
		v = app_setenv(v, &n, kv);
		free(kv);
		names = app_listen_names(a);
		xasprintf(&kv, "LISTEN_FDNAMES=%s", names);
		v = app_setenv(v, &n, kv);
		free(kv);
		free(names);
	}
	qsort(v, n, sizeof *v, app_envcmp);
	return (v);
}

static const char *
app_path_env(char *const *v)
{
	size_t	i;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (strncmp(v[i], "PATH=", 5) == 0)
			return (v[i]);
	}
	return (NULL);
}

/* PATH from --env wins over the inherited one, as at spawn. */
static const char *
app_conf_path(const struct app_conf *c)
{
	const char	*pe;
	size_t		 i;

	pe = app_path_env(c->env_base);
	for (i = 0; c->env != NULL && c->env[i] != NULL; i++) {
		if (strncmp(c->env[i], "PATH=", 5) == 0)
			pe = c->env[i];
	}
	return (pe);
}

char **
app_argv(const struct app_conf *c, char *cause, size_t clen)
{
	char		*penv[2] = { NULL, NULL }, **argv;
	unsigned	 flags;

	penv[0] = (char *)app_conf_path(c);
	if (interp_argv(c, penv, &argv, &flags, cause, clen) == -1)
		return (NULL);
	return (argv);
}

int
app_check_program(const struct app_conf *c, char *cause, size_t clen)
{
	char		 path[PATH_MAX];
	const char	*why;
	char		*penv[2] = { NULL, NULL }, **argv;

	if (app_prod_check(c, cause, clen) == -1)
		return (-1);
	penv[0] = (char *)app_conf_path(c);
	if ((argv = app_argv(c, cause, clen)) == NULL)
		return (-1);
	if (proc_resolve(argv[0], c->cwd, penv, path, sizeof path,
	    &why) == -1) {
		snprintf(cause, clen, "%s: %s", argv[0], why);
		xfreev(argv);
		return (-1);
	}
	xfreev(argv);
	return (0);
}


/* Stops watching for the exec's verdict: watcher first, fd second. */
void
app_exec_close(struct app *a)
{
	if (a->exec.poll == NULL)
		return;
	/* A reused descriptor number must not be dropped by the watch. */
	uv_close((uv_handle_t *)a->exec.poll, handle_free);
	a->exec.poll = NULL;
	close(a->exec.fd);
	a->exec.fd = -1;
}

/*
 * The exec verdict, from its pipe: closes the watch once it is known. 0:
 * the program runs; 1: it failed (a->exec.failed, the cause in the
 * record's reason); -1: not known yet.
 */
int
app_exec_check(struct app *a)
{
	struct proc_spec	spec;
	char			cause[512];
	int			r;

	if (a->exec.poll == NULL)
		return (0);
	memset(&spec, 0, sizeof spec);
	spec.path = a->argv != NULL ? a->argv[0] : a->conf.argv != NULL ?
	    a->conf.argv[0] : a->conf.script;
	spec.cwd = a->conf.cwd;
	if ((r = proc_exec_result(a->exec.fd, &spec, cause,
	    sizeof cause)) == -1)
		return (-1);
	app_exec_close(a);
	/* The program runs: online, and a start waiting can answer. */
	if (r == 0) {
		app_event(a, EV_EXEC_OK);
		app_notify(a);
	}
	if (r == 1) {
		a->exec.failed = true;
		strlcpy(a->run.reason, cause, sizeof a->run.reason);
		log_warnx("%s: %s", a->label, cause);
	}
	return (r);
}

bool
app_exec_pending(const struct app *a)
{
	return (a->run.state == APP_LAUNCHING && (a->exec.poll != NULL ||
	    a->exec.failed));
}

static void
app_execpoll_cb(uv_poll_t *h, int status, int events)
{
	struct app	*a = h->data;

	(void)status;
	(void)events;
	app_exec_check(a);
}

/* Errors of fork and pipe that pass with time: descriptors, memory. */
static bool
app_transient(int e)
{
	return (e == EMFILE || e == ENFILE || e == EAGAIN || e == ENOMEM);
}

/*
 * The sockets of the listen key for spec, bound again if a keeper lost
 * them, and the LISTEN_PID entry of *env the child fills in. -1 with errno
 * and a's reason when a socket cannot be bound.
 */
static int
app_spawn_listen(struct app *a, char ***env, struct proc_spec *spec)
{
	/* A reload's new process gets the listed record's sockets. */
	struct app	*o = a->hidden ? a->peer : a;
	size_t		 n = xlenv(*env), i;

	if (o == NULL) {
		strlcpy(a->run.reason, "its app is gone", sizeof a->run.reason);
		errno = ENOENT;
		return (-1);
	}
	if (app_listen_ready(o, a->run.reason, sizeof a->run.reason) == -1)
		return (-1);
	/* Room for the digits of any pid. */
	*env = app_setenv(*env, &n, "LISTEN_PID=00000000000000000000");
	for (i = 0; (*env)[i] != NULL; i++) {
		if (strncmp((*env)[i], "LISTEN_PID=", 11) == 0)
			spec->listen_pid = (*env)[i] + 11;
	}
	spec->listen_fds = o->lfds;
	spec->nlisten = xlenv(a->conf.listen);
	return (0);
}

/*
 * The preload of exec_mode cluster (lib/opm-cluster.js): next to opmd (the
 * build tree), else PREFIX/lib/opm/ (installed, see the Makefile). NULL
 * when neither is there.
 */
static const char *
app_cluster_preload(void)
{
	static char	 path[PATH_MAX];
	static bool	 done;
	char		 exe[PATH_MAX - 64], *slash;
	ssize_t		 n;

	if (done)
		return (path[0] != '\0' ? path : NULL);
	done = true;
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return (NULL);
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return (NULL);
	*slash = '\0';
	snprintf(path, sizeof path, "%s/opm-cluster.js", exe);
	if (access(path, R_OK) == 0)
		return (path);
	snprintf(path, sizeof path, "%s/../lib/opm/opm-cluster.js", exe);
	if (access(path, R_OK) == 0)
		return (path);
	path[0] = '\0';
	return (NULL);
}

/*
 * exec_mode cluster, run by node: --require the preload that makes the
 * program's listen(PORT) take the socket opm passes. -1 with a's reason
 * when the preload is missing.
 */
static int
app_cluster_argv(struct app *a)
{
	const char	*base, *pre;
	char		**v;
	size_t		  n, i;

	if (!CONF_CLUSTER(&a->conf) || a->argv == NULL || a->argv[0] == NULL)
		return (0);
	base = strrchr(a->argv[0], '/');
	base = base != NULL ? base + 1 : a->argv[0];
	if (strcmp(base, "node") != 0 && strcmp(base, "nodejs") != 0)
		return (0);
	if ((pre = app_cluster_preload()) == NULL) {
		snprintf(a->run.reason, sizeof a->run.reason, "exec_mode "
		    "cluster: opm-cluster.js is not installed next to opmd "
		    "or in its ../lib/opm");
		return (-1);
	}
	n = xlenv(a->argv);
	v = xcalloc(n + 3, sizeof *v);
	v[0] = a->argv[0];
	v[1] = xstrdup("--require");
	v[2] = xstrdup(pre);
	for (i = 1; i < n; i++)
		v[i + 2] = a->argv[i];
	free(a->argv);
	a->argv = v;
	return (0);
}

/*
 * The record a vfork child writes before it execs (proc.h: rec_text):
 * what app_save will write once the pid is known, with PROC_REC_PID and
 * PROC_REC_START where the pid and the start time go. A reload's new
 * process is in its listed record (peer_pid). NULL when none is written.
 */
static char *
app_spawn_record(struct app *a, char *path, size_t plen, char *tmp,
    size_t tlen, size_t *len)
{
	struct app	*o = a->hidden ? a->peer : a;
	struct app_run	 saved = a->run, r;
	char		*text;

	if (o == NULL)
		return (NULL);
	a->run.pid = a->run.pgid = (pid_t)strtol(PROC_REC_PID, NULL, 10);
	a->run.starttime = strtoull(PROC_REC_START, NULL, 10);
	a->run.adopted = false;
	a->run.started = app_now();
	a->run.killed = false;
	a->run.leader_gone = false;
	app_record(o, &r);
	text = state_text(o->id, o->instance, &o->conf, &r, path, plen, tmp,
	    tlen, len);
	a->run = saved;
	return (text);
}

/*
 * Starts the program. With a's reason set when it cannot: -2 for a lack
 * of resources (app_transient), -1 otherwise.
 *
 * Long because its steps must happen in this order and each undoes the
 * ones before it when it fails: environment, cwd, program, pipes, fork,
 * record before run.
 */
int
app_spawn(struct app *a)
{
	struct proc_spec	 spec;
	struct ident		 id;
	struct proc_rlimit	 rl[RLIM_NKEYS];
	char			 path[PATH_MAX], cause[512];
	char			 recpath[4300], rectmp[4400];
	char			**env, **argv;
	const char		*why;
	unsigned		 flags;
	int			 outfd, errfd, pidfd, execfd, gofd, e, ipcfd;
	size_t			 nenv;
	pid_t			 pid;

	if ((env = app_environ(a, cause, sizeof cause)) == NULL) {
		snprintf(a->run.reason, sizeof a->run.reason,
		    "env_file %.200s", cause);
		return (-1);
	}
	if (a->conf.cwd != NULL && proc_cwd_check(a->conf.cwd, a->run.reason,
	    sizeof a->run.reason) == -1) {
		xfreev(env);
		return (-1);
	}
	/* Worked out now: an interpreter changed or restored is seen. */
	if (interp_argv(&a->conf, env, &argv, &flags, cause,
	    sizeof cause) == -1) {
		strlcpy(a->run.reason, cause, sizeof a->run.reason);
		xfreev(env);
		return (-1);
	}
	xfreev(a->argv);
	a->argv = argv;
	if (app_cluster_argv(a) == -1) {
		xfreev(env);
		return (-1);
	}
	argv = a->argv;
	if (proc_resolve(argv[0], a->conf.cwd, env, path, sizeof path,
	    &why) == -1) {
		snprintf(a->run.reason, sizeof a->run.reason, "%s: %s",
		    argv[0], why);
		xfreev(env);
		return (-1);
	}
	/* NOTIFY_SOCKET, Node's channel, WATCHDOG_USEC: from here on. */
	nenv = xlenv(env);
	if (app_ready_prepare(a, &env, &nenv, &ipcfd) == -1) {
		xfreev(env);
		return (-1);
	}
	if ((outfd = logf_capture(a->out)) == -1) {
		e = errno;
		snprintf(a->run.reason, sizeof a->run.reason, "log pipe: %s",
		    strerror(e));
		xfreev(env);
		app_ready_spawned(a, ipcfd, false);
		return (app_transient(e) ? -2 : -1);
	}
	if ((errfd = logf_capture(a->err)) == -1) {
		e = errno;
		snprintf(a->run.reason, sizeof a->run.reason, "log pipe: %s",
		    strerror(e));
		close(outfd);
		xfreev(env);
		app_ready_spawned(a, ipcfd, false);
		return (app_transient(e) ? -2 : -1);
	}
	memset(&spec, 0, sizeof spec);
	if (a->conf.listen != NULL &&
	    app_spawn_listen(a, &env, &spec) == -1) {
		e = errno;
		close(outfd);
		close(errfd);
		xfreev(env);
		app_ready_spawned(a, ipcfd, false);
		return (app_transient(e) ? -2 : -1);
	}
	spec.path = path;
	spec.argv = a->argv;
	spec.envp = env;
	spec.cwd = a->conf.cwd;
	spec.out_fd = outfd;
	spec.err_fd = errfd;
	spec.ipc_fd = ipcfd;
	/* User, group, limits, cgroup (app-prod.c). */
	if (app_prod_spawn(a, &spec, &id, rl) == -1) {
		close(outfd);
		close(errfd);
		xfreev(env);
		app_ready_spawned(a, ipcfd, false);
		return (-1);
	}
	/* Record before run: by the child itself, or before the go. */
	if (proc_spawn_direct())
		spec.rec_text = app_spawn_record(a, recpath, sizeof recpath,
		    rectmp, sizeof rectmp, &spec.rec_len);
	spec.rec_path = recpath;
	spec.rec_tmp = rectmp;
	pid = proc_spawn(&spec, &pidfd, &execfd, &gofd, cause, sizeof cause);
	e = errno;
	free(spec.rec_text);
	close(outfd);
	close(errfd);
	xfreev(env);
	ident_free(&id);
	app_ready_spawned(a, ipcfd, pid != -1);
	if (pid == -1) {
		strlcpy(a->run.reason, cause, sizeof a->run.reason);
		return (app_transient(e) ? -2 : -1);
	}
	app_prod_spawned(a, pid);
	/* The exec's verdict comes later; the loop goes on meanwhile. */
	a->exec.failed = false;
	/* Released once the state file has the pid; -1 if the child wrote it. */
	a->exec.gofd = gofd;
	a->exec.fd = execfd;
	a->exec.poll = xcalloc(1, sizeof *a->exec.poll);
	uv_poll_init(app_loop, a->exec.poll, execfd);
	a->exec.poll->data = a;
	uv_poll_start(a->exec.poll, UV_READABLE | UV_DISCONNECT,
	    app_execpoll_cb);
	a->pidfd = pidfd;
	a->run.pid = a->run.pgid = a->session = pid;
	app_pid_sync(a);
	a->run.adopted = false;
	a->run.starttime = state_starttime(pid);
	a->run.started = app_now();
	a->run.killed = false;
	a->run.leader_gone = false;
	a->cpu_when = 0;
	app_nspawned++;
	log_info("%s: spawned pid %d: %s", a->label, (int)pid, path);
	return (0);
}

