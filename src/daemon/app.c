/*
 * The apps and their supervision. app_event() is the one place that assigns
 * an app's state: it asks sup_step() what to do, logs the transition as
 * "name: from -> to (reason)" and carries out the actions. Exit status only
 * ever comes from waitpid() in the reaper (app_reap), on the one loop, so a
 * stop can never be mistaken for a crash (LESSONS.md 4).
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "dotenv.h"
#include "dump.h"
#include "json.h"
#include "log.h"
#include "logf.h"
#include "parse.h"
#include "proc.h"
#include "state.h"
#include "staterec.h"
#include "xmem.h"

struct app_list		 apps = TAILQ_HEAD_INITIALIZER(apps);
static uv_loop_t	*app_loop;
static const struct paths *app_paths;
static int		 app_next_id;
static int		 app_n;

static void	app_timer_cb(uv_timer_t *);
static void	app_notify(struct app *);

static uint64_t
app_now(void)
{
	return (uv_hrtime() / 1000000);
}

void
app_init(uv_loop_t *loop, const struct paths *p)
{
	app_loop = loop;
	app_paths = p;
}

int
app_count(void)
{
	return (app_n);
}

/* Processes this daemon process has started, for accounting (soak). */
static uint64_t	app_nspawned;

uint64_t
app_spawned(void)
{
	return (app_nspawned);
}

struct app *
app_find_id(int id)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (a->id == id)
			return (a);
	}
	return (NULL);
}

struct app *
app_find_name(const char *name)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (strcmp(a->conf.name, name) == 0)
			return (a);
	}
	return (NULL);
}

static struct logfile *
app_open_log(const struct app_conf *c, const char *kind)
{
	struct logfile	*lf;
	char	path[sizeof app_paths->logs + OPM_NAME_MAX + 16];

	snprintf(path, sizeof path, "%s/%s-%s.log", app_paths->logs, c->name,
	    kind);
	if ((lf = logf_open(path, c->name, kind)) != NULL)
		logf_configure(lf, c->log_time, c->log_max_size, c->log_keep);
	return (lf);
}

bool
app_desired_running(const struct app *a)
{
	switch (a->state) {
	case APP_STOPPED:
		return (false);
	case APP_STOPPING:
		return (a->start_after);
	default:
		/* errored too: it was meant to run, so try again. */
		return (true);
	}
}

/*
 * A new app, stopped. Its runtime state is written by the caller: for an
 * app taken over, a state file saying "stopped, no pid" written before
 * the real one would lose the running process if we died in between.
 */
static struct app *
app_new(struct app_conf *conf, int want_id, char *cause, size_t clen)
{
	struct app	*a = xcalloc(1, sizeof *a), *prev;

	a->out = app_open_log(conf, "out");
	a->err = app_open_log(conf, "err");
	if (a->out == NULL || a->err == NULL) {
		snprintf(cause, clen, "cannot open the log files in %s: %s",
		    app_paths->logs, strerror(errno));
		if (a->out != NULL)
			logf_unref(a->out);
		free(a);
		return (NULL);
	}
	a->conf = *conf;
	memset(conf, 0, sizeof *conf);
	if (want_id >= 0 && app_find_id(want_id) == NULL) {
		a->id = want_id;
		if (want_id >= app_next_id)
			app_next_id = want_id + 1;
	} else
		a->id = app_next_id++;
	a->state = APP_STOPPED;
	a->pidfd = -1;
	a->execfd = -1;
	a->gofd = -1;
	TAILQ_INIT(&a->waiters);
	uv_timer_init(app_loop, &a->timer);
	a->timer.data = a;
	/* Kept in id order, whatever order they were adopted in. */
	TAILQ_FOREACH(prev, &apps, entry) {
		if (prev->id > a->id)
			break;
	}
	if (prev != NULL)
		TAILQ_INSERT_BEFORE(prev, a, entry);
	else
		TAILQ_INSERT_TAIL(&apps, a, entry);
	app_n++;
	log_info("%s: created (id %d)", a->conf.name, a->id);
	return (a);
}

struct app *
app_create(struct app_conf *conf, int want_id, char *cause, size_t clen)
{
	struct app	*a;

	if ((a = app_new(conf, want_id, cause, clen)) != NULL)
		state_save(a);
	return (a);
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
static char **
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

/*
 * The environment, in order of precedence (later wins): the environment of
 * the CLI that created the app, the env keys, the env_file (read now), then
 * OPM_APP_NAME and OPM_APP_ID.
 */
char **
app_environ(const struct app *a, char *cause, size_t clen)
{
	char	**v = xcalloc(1, sizeof *v), **file = NULL, *kv;
	size_t	  n = 0, i;

	for (i = 0; a->conf.env_base && a->conf.env_base[i]; i++)
		v = app_setenv(v, &n, a->conf.env_base[i]);
	for (i = 0; a->conf.env && a->conf.env[i]; i++)
		v = app_setenv(v, &n, a->conf.env[i]);
	if (a->conf.env_file != NULL) {
		if (dotenv_read(a->conf.env_file, &file, cause, clen) == -1) {
			xfreev(v);
			return (NULL);
		}
		for (i = 0; file[i] != NULL; i++)
			v = app_setenv(v, &n, file[i]);
		xfreev(file);
	}
	xasprintf(&kv, "OPM_APP_NAME=%s", a->conf.name);
	v = app_setenv(v, &n, kv);
	free(kv);
	xasprintf(&kv, "OPM_APP_ID=%d", a->id);
	v = app_setenv(v, &n, kv);
	free(kv);
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

int
app_check_program(const struct app_conf *c, char *cause, size_t clen)
{
	char		 path[PATH_MAX];
	const char	*why, *pe;
	char		*penv[2] = { NULL, NULL };
	size_t		 i;

	/* PATH from --env wins over the inherited one, as at spawn. */
	pe = app_path_env(c->env_base);
	for (i = 0; c->env != NULL && c->env[i] != NULL; i++) {
		if (strncmp(c->env[i], "PATH=", 5) == 0)
			pe = c->env[i];
	}
	penv[0] = (char *)pe;
	if (proc_resolve(c->argv[0], c->cwd, penv, path, sizeof path,
	    &why) == -1) {
		snprintf(cause, clen, "%s: %s", c->argv[0], why);
		return (-1);
	}
	return (0);
}

static void	app_exec_done(struct app *, int);

static void
app_execpoll_close_cb(uv_handle_t *h)
{
	free(h);
}

/* The exec verdict, from its pipe: closes the watch once it is known. */
static int
app_exec_check(struct app *a)
{
	struct proc_spec	spec;
	char			cause[512];
	int			r;

	if (a->execpoll == NULL)
		return (0);
	memset(&spec, 0, sizeof spec);
	spec.path = a->conf.argv[0];
	spec.cwd = a->conf.cwd;
	if ((r = proc_exec_result(a->execfd, &spec, cause,
	    sizeof cause)) == -1)
		return (-1);
	/* Watcher first, fd second: a reused number must not be dropped. */
	uv_close((uv_handle_t *)a->execpoll, app_execpoll_close_cb);
	a->execpoll = NULL;
	close(a->execfd);
	a->execfd = -1;
	/* The program runs: a start waiting on the verdict can answer. */
	if (r == 0)
		app_notify(a);
	if (r == 1) {
		a->exec_failed = true;
		strlcpy(a->reason, cause, sizeof a->reason);
		log_warnx("%s: %s", a->conf.name, cause);
	}
	return (r);
}

bool
app_exec_pending(const struct app *a)
{
	return (a->state == APP_LAUNCHING && (a->execpoll != NULL ||
	    a->exec_failed));
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
 * Starts the program. With a's reason set when it cannot: -2 for a lack
 * of resources (app_transient), -1 otherwise.
 */
static int
app_spawn(struct app *a)
{
	struct proc_spec	 spec;
	char			 path[PATH_MAX], cause[512];
	char			**env;
	const char		*why;
	int			 outfd, errfd, pidfd, execfd, gofd, e;
	pid_t			 pid;

	if ((env = app_environ(a, cause, sizeof cause)) == NULL) {
		snprintf(a->reason, sizeof a->reason, "env_file %.200s", cause);
		return (-1);
	}
	if (a->conf.cwd != NULL && proc_cwd_check(a->conf.cwd, a->reason,
	    sizeof a->reason) == -1) {
		xfreev(env);
		return (-1);
	}
	if (proc_resolve(a->conf.argv[0], a->conf.cwd, env, path, sizeof path,
	    &why) == -1) {
		snprintf(a->reason, sizeof a->reason, "%s: %s",
		    a->conf.argv[0], why);
		xfreev(env);
		return (-1);
	}
	if ((outfd = logf_capture(a->out)) == -1) {
		e = errno;
		snprintf(a->reason, sizeof a->reason, "log pipe: %s",
		    strerror(e));
		xfreev(env);
		return (app_transient(e) ? -2 : -1);
	}
	if ((errfd = logf_capture(a->err)) == -1) {
		e = errno;
		snprintf(a->reason, sizeof a->reason, "log pipe: %s",
		    strerror(e));
		close(outfd);
		xfreev(env);
		return (app_transient(e) ? -2 : -1);
	}
	spec.path = path;
	spec.argv = a->conf.argv;
	spec.envp = env;
	spec.cwd = a->conf.cwd;
	spec.out_fd = outfd;
	spec.err_fd = errfd;
	pid = proc_spawn(&spec, &pidfd, &execfd, &gofd, cause, sizeof cause);
	e = errno;
	close(outfd);
	close(errfd);
	xfreev(env);
	if (pid == -1) {
		strlcpy(a->reason, cause, sizeof a->reason);
		return (app_transient(e) ? -2 : -1);
	}
	/* The exec's verdict comes later; the loop goes on meanwhile. */
	a->exec_failed = false;
	a->gofd = gofd;		/* released once the state file has the pid */
	a->execfd = execfd;
	a->execpoll = xcalloc(1, sizeof *a->execpoll);
	uv_poll_init(app_loop, a->execpoll, execfd);
	a->execpoll->data = a;
	uv_poll_start(a->execpoll, UV_READABLE | UV_DISCONNECT,
	    app_execpoll_cb);
	a->pid = a->pgid = pid;
	a->pidfd = pidfd;
	a->adopted = false;
	a->starttime = state_starttime(pid);
	a->started = app_now();
	a->killed = false;
	a->leader_gone = false;
	a->cpu_when = 0;
	app_nspawned++;
	log_info("%s: spawned pid %d: %s", a->conf.name, (int)pid, path);
	return (0);
}

static void
app_signal_group(struct app *a, int sig)
{
	if (a->pgid <= 1)
		return;
	/* While the leader is unreaped its pid cannot be reused. */
	if (proc_signal_group(a->pgid, sig) == -1 && errno != ESRCH)
		log_warn("%s: kill(-%d, %d)", a->conf.name, (int)a->pgid, sig);
}

static void
app_notify(struct app *a)
{
	TAILQ_HEAD(, app_waiter) now = TAILQ_HEAD_INITIALIZER(now);
	struct app_waiter	*w;

	/* Those waiting now; a callback may wait again, for the next step. */
	TAILQ_CONCAT(&now, &a->waiters, entry);
	while ((w = TAILQ_FIRST(&now)) != NULL) {
		TAILQ_REMOVE(&now, w, entry);
		w->cb(w->arg);
		free(w);
	}
}

void
app_wait(struct app *a, void (*cb)(void *), void *arg)
{
	struct app_waiter	*w = xcalloc(1, sizeof *w);

	w->cb = cb;
	w->arg = arg;
	TAILQ_INSERT_TAIL(&a->waiters, w, entry);
}

static void
app_free_cb(uv_handle_t *h)
{
	struct app	*a = h->data;

	conf_free(&a->conf);
	free(a);
}

/* Unlinks a stopped app and frees it once its timer is closed. */
static void
app_destroy(struct app *a)
{
	log_info("%s: deleted (id %d)", a->conf.name, a->id);
	state_remove(a->id);
	if (a->execpoll != NULL) {
		uv_close((uv_handle_t *)a->execpoll, app_execpoll_close_cb);
		a->execpoll = NULL;
		close(a->execfd);
	}
	TAILQ_REMOVE(&apps, a, entry);
	app_n--;
	app_notify(a);
	logf_unref(a->out);
	logf_unref(a->err);
	uv_close((uv_handle_t *)&a->timer, app_free_cb);
}

void
app_event(struct app *a, enum sup_event ev)
{
	struct sup_in	in;
	struct sup_out	out;
	enum app_state	from = a->state;
	int		r;

	in.state = a->state;
	in.event = ev;
	in.now = app_now();
	in.started = a->started;
	in.fails = a->fails;
	in.start_after = a->start_after;
	in.count_after = a->count_after;
	in.killed = a->killed;
	in.exit_code = a->has_exit ? a->exit_code : 0;
	in.exit_signal = a->has_exit ? a->exit_signal : 0;
	in.conf = &a->conf;
	sup_step(&in, &out);

	a->state = out.state;
	a->fails = out.fails;
	a->start_after = out.start_after;
	a->count_after = out.count_after;
	if (out.reason != NULL) {
		if (ev != EV_SPAWN_FAIL && ev != EV_SPAWN_RETRY)
			strlcpy(a->reason, out.reason, sizeof a->reason);
		log_info("%s: %s -> %s (%s)", a->conf.name,
		    sup_state_name(from), sup_state_name(out.state),
		    ev == EV_SPAWN_FAIL || ev == EV_SPAWN_RETRY ? a->reason :
		    out.reason);
	}
	if (out.actions & ACT_TIMER_STOP) {
		uv_timer_stop(&a->timer);
		a->timer_due = 0;
	}
	if (out.actions & ACT_SIG_STOP) {
		app_signal_group(a, a->conf.stop_signal);
		app_signal_group(a, SIGCONT);
	}
	if (out.actions & ACT_SIG_KILL) {
		app_signal_group(a, SIGKILL);
		a->killed = true;
	}
	if (out.actions & ACT_COUNT)
		a->restarts++;
	/*
	 * Spawn before arming the timer, so that min_uptime runs from the
	 * real start. The nested event starts from launching: no notify.
	 */
	if ((out.actions & ACT_SPAWN) && (r = app_spawn(a)) != 0) {
		/* An automatic restart retries a lack of resources. */
		app_event(a, r == -2 && (ev == EV_EXIT || ev == EV_TIMER) ?
		    EV_SPAWN_RETRY : EV_SPAWN_FAIL);
	} else if (out.actions & ACT_TIMER) {
		uv_timer_start(&a->timer, app_timer_cb, out.timer_ms, 0);
		a->timer_due = app_now() + out.timer_ms;
	}
	if (from == APP_STOPPING && a->state != APP_STOPPING) {
		if (a->deleting && !sup_running(a->state)) {
			app_destroy(a);
			return;
		}
		app_notify(a);
	} else if (from == APP_LAUNCHING && a->state != APP_LAUNCHING)
		app_notify(a);
	state_save(a);
	/* A new process runs only once a successor daemon can find it. */
	if (a->gofd != -1) {
		proc_release(a->gofd);
		a->gofd = -1;
	}
}

/* Group liveness; an adopted app's members are not our children, and
 * their zombies wait for someone else to reap them. */
static bool
app_group_alive(const struct app *a)
{
	return (a->adopted ? proc_group_alive_nz(a->pgid) :
	    proc_group_alive(a->pgid));
}

static void
app_timer_cb(uv_timer_t *t)
{
	struct app	*a = t->data;

	a->timer_due = 0;
	/* A group that emptied without a SIGCHLD we could see. */
	if (a->state == APP_STOPPING && a->leader_gone &&
	    !app_group_alive(a)) {
		a->pgid = 0;
		app_event(a, EV_EXIT);
		return;
	}
	app_event(a, EV_TIMER);
}

static void
app_poll_close_cb(uv_handle_t *h)
{
	free(h);
}

/* The main process is gone; exit status already recorded. */
static void
app_gone(struct app *a)
{
	a->pid = 0;
	if (a->pidpoll != NULL) {
		uv_close((uv_handle_t *)a->pidpoll, app_poll_close_cb);
		a->pidpoll = NULL;
	}
	if (a->pidfd != -1)
		close(a->pidfd);
	a->pidfd = -1;
	if (a->state == APP_STOPPING) {
		/* The stop is done only when the whole group is gone. */
		if (app_group_alive(a)) {
			a->leader_gone = true;
			state_save(a);
			return;
		}
	} else if (app_group_alive(a)) {
		/* Leftovers of a crashed app would run next to the new one. */
		log_info("%s: killing what is left of process group %d",
		    a->conf.name, (int)a->pgid);
		app_signal_group(a, SIGKILL);
	}
	a->pgid = 0;
	app_event(a, EV_EXIT);
}

/* The main process of a exited with status. */
static void
app_exited(struct app *a, int status)
{
	/* The child is gone, so its verdict is in the pipe by now. */
	app_exec_check(a);
	if (a->exec_failed) {
		a->exec_failed = false;
		a->pid = 0;
		if (a->pidfd != -1)
			close(a->pidfd);
		a->pidfd = -1;
		a->pgid = 0;
		app_exec_done(a, status);
		return;
	}
	a->has_exit = true;
	a->exit_unknown = false;
	if (WIFSIGNALED(status)) {
		a->exit_code = -1;
		a->exit_signal = WTERMSIG(status);
	} else {
		a->exit_code = WEXITSTATUS(status);
		a->exit_signal = 0;
	}
	log_info("%s: pid %d %s %d", a->conf.name, (int)a->pid,
	    a->exit_signal ? "killed by signal" : "exited with code",
	    a->exit_signal ? a->exit_signal : a->exit_code);
	app_gone(a);
}

/* The program could not be executed: errored, not a crash. */
static void
app_exec_done(struct app *a, int status)
{
	(void)status;
	if (a->state == APP_STOPPING) {
		app_event(a, EV_EXIT);
		return;
	}
	app_event(a, EV_SPAWN_FAIL);
}

/* An adopted process ended: not our child, so no exit status. */
static void
app_exited_unknown(struct app *a, const char *why)
{
	a->has_exit = true;
	a->exit_unknown = true;
	a->exit_code = -1;
	a->exit_signal = 0;
	log_info("%s: pid %d %s", a->conf.name, (int)a->pid, why);
	app_gone(a);
}

static void
app_pidpoll_cb(uv_poll_t *h, int status, int events)
{
	struct app	*a = h->data;

	(void)status;
	(void)events;
	if (a->pid > 0)
		app_exited_unknown(a, "exited (adopted: status unknown)");
}

static uv_idle_t	app_reap_idle;
static bool		app_reap_idle_init;

/*
 * Reaps exited children in batches of 16, one batch per turn of the loop,
 * from an idle handle (which also makes that turn poll without waiting).
 * Each exit may respawn an app, and apps keep exiting while we spawn: an
 * unbounded loop here would never give timers, requests and log pipes a
 * turn. Two libuv 1.44 traps make the obvious ways unbounded: reaping in
 * the SIGCHLD callback (libuv reads its signal pipe in a loop while it
 * comes back full, and every batch's spawns fill it again), and
 * re-arming a 0 ms timer (run again in the same timer phase). Under a
 * restart storm either one kept the loop from ever polling.
 */
static void
app_reap_idle_cb(uv_idle_t *h)
{
	struct app	*a, *next;
	pid_t		 pid;
	int		 status, n = 0;
	bool		 found;

	while (n++ < 16 && (pid = waitpid(-1, &status, WNOHANG)) > 0) {
		found = false;
		TAILQ_FOREACH(a, &apps, entry) {
			if (a->pid == pid) {
				found = true;
				app_exited(a, status);
				break;
			}
		}
		if (!found)
			log_debug("reaped pid %d (not an app's main process)",
			    (int)pid);
	}
	if (n <= 16)
		uv_idle_stop(h);
	TAILQ_FOREACH_SAFE(a, &apps, entry, next) {
		if (a->state == APP_STOPPING && a->leader_gone &&
		    !app_group_alive(a)) {
			a->pgid = 0;
			app_event(a, EV_EXIT);
		}
	}
}

void
app_reap(void)
{
	if (!app_reap_idle_init) {
		uv_idle_init(app_loop, &app_reap_idle);
		uv_unref((uv_handle_t *)&app_reap_idle);
		app_reap_idle_init = true;
	}
	uv_idle_start(&app_reap_idle, app_reap_idle_cb);
}

void
app_delete(struct app *a)
{
	a->deleting = true;
	app_event(a, EV_STOP);
	if (!sup_running(a->state))
		app_destroy(a);
}

int
app_signal(struct app *a, int sig)
{
	if (!sup_running(a->state) || a->pgid <= 1) {
		errno = ESRCH;
		return (-1);
	}
	return (proc_signal_group(a->pgid, sig));
}

void
app_reset(struct app *a)
{
	a->restarts = 0;
	a->fails = 0;
	state_save(a);
}

struct logfile *
app_logfile(const char *path)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (strcmp(logf_path(a->out), path) == 0)
			return (a->out);
		if (strcmp(logf_path(a->err), path) == 0)
			return (a->err);
	}
	return (NULL);
}

struct app *
app_adopt(const cJSON *st, bool ours)
{
	struct state_rec	 r;
	struct app		*a;
	char			 cause[256];
	const char		*why = NULL;
	uint64_t		 now = app_now(), due;
	pid_t			 pid;
	int			 fd;

	if (state_rec_decode(st, &r, cause, sizeof cause) == -1) {
		log_warnx("%s: runtime state unusable: %s", __func__, cause);
		return (NULL);
	}
	if (app_find_name(r.entry[0].conf.name) != NULL ||
	    (a = app_new(&r.entry[0].conf, r.id, cause,
	    sizeof cause)) == NULL) {
		log_warnx("%s: cannot adopt %s", __func__,
		    r.entry[0].conf.name);
		state_rec_free(&r);
		return (NULL);
	}
	a->state = r.state;
	a->restarts = r.restarts;
	a->fails = r.fails;
	a->start_after = r.start_after;
	a->count_after = r.count_after;
	a->killed = r.killed;
	a->leader_gone = r.leader_gone;
	a->has_exit = r.has_exit;
	a->exit_unknown = r.exit_unknown;
	a->exit_code = r.exit_code;
	a->exit_signal = r.exit_signal;
	a->started = r.started;
	a->starttime = r.starttime;
	/*
	 * A group id from disk is only trusted through its leader, verified
	 * below (or, over exec, our own unreaped child).
	 */
	a->pgid = 0;
	strlcpy(a->reason, r.reason, sizeof a->reason);
	pid = r.pid;
	state_rec_free(&r);

	if (pid > 0) {
		/* pidfd first, then the start time: a recycled pid fails. */
		fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd == -1)
			why = "is gone";
		else if (state_starttime(pid) != a->starttime) {
			why = "was recycled by another process: not touched";
			close(fd);
		} else {
			fcntl(fd, F_SETFD, FD_CLOEXEC);
			a->pid = a->pgid = pid;
			a->pidfd = fd;
			/* Over exec, an app adopted earlier is still not ours. */
			a->adopted = !ours || r.adopted;
		}
	} else if (ours && a->leader_gone && a->state == APP_STOPPING) {
		/* Our own stopping group: its members are our children. */
		a->pgid = r.pgid;
	}
	if (a->pid > 0 && a->adopted) {
		a->pidpoll = xcalloc(1, sizeof *a->pidpoll);
		uv_poll_init(app_loop, a->pidpoll, a->pidfd);
		a->pidpoll->data = a;
		uv_poll_start(a->pidpoll, UV_READABLE, app_pidpoll_cb);
	}
	log_info("%s: %s (id %d, %s, pid %d, restarts %u)", a->conf.name,
	    ours ? "taken over" : "adopted", a->id, sup_state_name(a->state),
	    (int)pid, a->restarts);
	/* Timers resume with what was left of them. */
	due = r.timer_due;
	if (due > 0) {
		a->timer_due = due;
		uv_timer_start(&a->timer, app_timer_cb, due > now ? due - now :
		    0, 0);
	}
	if (pid > 0 && a->pid == 0) {
		/*
		 * It died while no daemon ran: counted once, by policy. The
		 * pid is not verified, so no signal may go to it or its group.
		 */
		a->pid = pid;
		a->pgid = 0;
		app_exited_unknown(a, why);
		return (a);
	}
	if (a->pid == 0 && a->leader_gone && a->state == APP_STOPPING &&
	    !app_group_alive(a))
		app_event(a, EV_EXIT);
	state_save(a);
	return (a);
}

void
app_check_pipes(void)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (!a->adopted || a->pid <= 0 || !sup_running(a->state))
			continue;
		log_warnx("%s: its output pipes were lost with the daemon "
		    "and the descriptor keeper; restarting it", a->conf.name);
		app_event(a, EV_RESTART);
	}
}

cJSON *
app_to_json(struct app *a, bool detail)
{
	struct proc_stats	 ps;
	cJSON			*o = cJSON_CreateObject();
	uint64_t		 now = app_now(), up = 0;
	double			 cpu = 0;

	cJSON_AddNumberToObject(o, "id", a->id);
	cJSON_AddStringToObject(o, "name", a->conf.name);
	cJSON_AddStringToObject(o, "status", sup_state_name(a->state));
	if (a->pid > 0)
		cJSON_AddNumberToObject(o, "pid", a->pid);
	else
		cJSON_AddNullToObject(o, "pid");
	cJSON_AddNumberToObject(o, "restarts", a->restarts);
	if (a->pid > 0)
		up = now - a->started;
	cJSON_AddNumberToObject(o, "uptime_ms", (double)up);
	if (a->has_exit && a->exit_signal == 0 && !a->exit_unknown)
		cJSON_AddNumberToObject(o, "exit_code", a->exit_code);
	else
		cJSON_AddNullToObject(o, "exit_code");
	if (a->has_exit && a->exit_signal != 0)
		cJSON_AddStringToObject(o, "exit_signal",
		    parse_signame(a->exit_signal));
	else
		cJSON_AddNullToObject(o, "exit_signal");
	cJSON_AddItemToObject(o, "argv", json_from_strv(a->conf.argv));
	cJSON_AddStringToObject(o, "cwd", a->conf.cwd ? a->conf.cwd : "/");
	if (a->pid > 0 && proc_stats(a->pid, &ps) == 0) {
		if (a->cpu_when != 0 && now > a->cpu_when &&
		    ps.cpu_ticks >= a->cpu_ticks)
			cpu = (ps.cpu_ticks - a->cpu_ticks) * 1000.0 /
			    proc_hz() / (now - a->cpu_when) * 100.0;
		else if (up > 0)
			cpu = ps.cpu_ticks * 1000.0 / proc_hz() / up * 100.0;
		a->cpu_ticks = ps.cpu_ticks;
		a->cpu_when = now;
	} else
		ps.rss = 0;
	cJSON_AddNumberToObject(o, "memory_bytes", (double)ps.rss);
	cJSON_AddNumberToObject(o, "cpu_percent", (double)(long)(cpu * 10) /
	    10.0);
	cJSON_AddStringToObject(o, "out_log", logf_path(a->out));
	cJSON_AddStringToObject(o, "err_log", logf_path(a->err));
	cJSON_AddStringToObject(o, "reason", a->reason);
	if (detail) {
		cJSON_AddNumberToObject(o, "failed_starts", a->fails);
		cJSON_AddItemToObject(o, "config", conf_to_json(&a->conf));
	}
	return (o);
}
