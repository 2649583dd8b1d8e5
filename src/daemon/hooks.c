/*
 * Hooks: an app's commands for its events (the `hooks` key, hookconf.c).
 *
 * A hook runs as /bin/sh -c CMD, forked like an app (never uv_spawn: the
 * daemon reaps every child with one waitpid(-1) loop, app-reap.c, which
 * hands a hook's pid back here), in a session and process group of its own,
 * in the app's cwd with the environment the app's next start would get
 * plus the event (OPM_EVENT, OPM_APP, ...), stdin /dev/null, its output
 * read by the loop and written to the daemon's log line by line (at most
 * HOOKS_OUTPUT_MAX bytes a run). After hook_timeout its process group is
 * killed; when it exits, what it left in its group is killed too. While
 * it runs, app-tree.c never takes its processes for an app's orphans.
 *
 * Rate limit: per app name (all instances together) and hook, at most one
 * run per hook_window; the events in between are counted, and the next
 * run gets the count in OPM_SUPPRESSED. So a crash loop sends one message
 * a window, not one per crash.
 */
#include <sys/queue.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "hookconf.h"
#include "hooks.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "proc.h"
#include "xmem.h"

extern char	**environ;

struct hook_run {
	pid_t			 pid;
	char			 label[OPM_NAME_MAX + 16];
	char			 hook[16];
	uint64_t		 started;	/* monotonic ms */
	uint64_t		 timeout;
	uv_pipe_t		 pipe;
	uv_timer_t		 timer;
	int			 nopen;		/* handles not closed yet */
	bool			 reading;
	bool			 reaped;
	bool			 timed_out;
	char			 line[512];
	size_t			 linelen;
	size_t			 logged;	/* bytes of output logged */
	LIST_ENTRY(hook_run)	 entry;
};

struct hook_rate {
	char			 app[OPM_NAME_MAX + 1];
	char			 hook[16];
	uint64_t		 last;		/* monotonic ms of the run */
	bool			 ran;
	unsigned		 suppressed;
	LIST_ENTRY(hook_rate)	 entry;
};

static uv_loop_t		*hooks_loop;
static LIST_HEAD(, hook_run)	 hooks_runs = LIST_HEAD_INITIALIZER(hooks_runs);
static LIST_HEAD(, hook_rate)	 hooks_rates =
    LIST_HEAD_INITIALIZER(hooks_rates);
static struct hooks_stats	 hooks_st;

void
hooks_init(uv_loop_t *loop)
{
	hooks_loop = loop;
}

void
hooks_stats(struct hooks_stats *st)
{
	*st = hooks_st;
}

static void
hooks_maybe_free(struct hook_run *h)
{
	if (h->reaped && h->nopen == 0) {
		LIST_REMOVE(h, entry);
		free(h);
	}
}

static void
hooks_close_cb(uv_handle_t *hd)
{
	struct hook_run	*h = hd->data;

	h->nopen--;
	hooks_maybe_free(h);
}

static void
hooks_log_line(struct hook_run *h)
{
	if (h->logged < HOOKS_OUTPUT_MAX)
		log_info("%s: hook %s: %.*s", h->label, h->hook,
		    (int)h->linelen, h->line);
	else if (h->logged - h->linelen < HOOKS_OUTPUT_MAX)
		log_info("%s: hook %s: [output cut after %d bytes]", h->label,
		    h->hook, HOOKS_OUTPUT_MAX);
	h->linelen = 0;
}

static void
hooks_alloc_cb(uv_handle_t *hd, size_t hint, uv_buf_t *buf)
{
	static char	rbuf[4096];

	(void)hd;
	(void)hint;
	buf->base = rbuf;
	buf->len = sizeof rbuf;
}

/* Output, line by line into the daemon's log; EOF closes the pipe. */
static void
hooks_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct hook_run	*h = s->data;
	ssize_t		 i;
	char		 c;

	if (n < 0) {
		if (h->linelen > 0)
			hooks_log_line(h);
		h->reading = false;
		uv_close((uv_handle_t *)&h->pipe, hooks_close_cb);
		return;
	}
	for (i = 0; i < n; i++) {
		c = buf->base[i];
		h->logged++;
		if (c == '\n') {
			hooks_log_line(h);
			continue;
		}
		if (h->linelen == sizeof h->line)
			hooks_log_line(h);
		h->line[h->linelen++] = c == '\0' ? '?' : c;
	}
}

static void
hooks_timer_cb(uv_timer_t *t)
{
	struct hook_run	*h = t->data;

	if (h->reaped)
		return;
	/* Not reaped: the group's id is still this process's. */
	h->timed_out = true;
	hooks_st.timeouts++;
	log_warnx("%s: hook %s: still running after %llu ms; killing it",
	    h->label, h->hook, (unsigned long long)h->timeout);
	if (proc_signal_group(h->pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("%s: hook %s: kill(-%d)", h->label, h->hook,
		    (int)h->pid);
}

bool
hooks_reaped(pid_t pid, int status)
{
	struct hook_run	*h;
	char		 how[64];

	LIST_FOREACH(h, &hooks_runs, entry) {
		if (h->pid == pid && !h->reaped)
			break;
	}
	if (h == NULL)
		return (false);
	h->reaped = true;
	hooks_st.running--;
	if (WIFSIGNALED(status))
		snprintf(how, sizeof how, "killed by signal %s",
		    parse_signame(WTERMSIG(status)));
	else
		snprintf(how, sizeof how, "exited with code %d",
		    WEXITSTATUS(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		hooks_st.failures++;
	log_info("%s: hook %s: pid %d %s after %llu ms%s", h->label, h->hook,
	    (int)pid, how, (unsigned long long)(app_now() - h->started),
	    h->timed_out ? " (timed out)" : "");
	/* What it started and left behind goes with it. */
	if (proc_group_alive(pid))
		proc_signal_group(pid, SIGKILL);
	uv_timer_stop(&h->timer);
	uv_close((uv_handle_t *)&h->timer, hooks_close_cb);
	hooks_maybe_free(h);
	return (true);
}

bool
hooks_owns(pid_t pid, pid_t pgid)
{
	const struct hook_run	*h;

	LIST_FOREACH(h, &hooks_runs, entry) {
		if (!h->reaped && (h->pid == pid || h->pid == pgid))
			return (true);
	}
	return (false);
}

/* KEY=VALUE into the environment v of n entries. */
static char **
hooks_setenv(char **v, size_t *n, const char *key, const char *value)
{
	char	*kv;

	xasprintf(&kv, "%s=%s", key, value != NULL ? value : "");
	v = app_setenv(v, n, kv);
	free(kv);
	return (v);
}

/* A number of the event as text, "" when null or absent. */
static void
hooks_num(const cJSON *ev, const char *key, char *buf, size_t len)
{
	const cJSON	*v = cJSON_GetObjectItem(ev, key);

	if (cJSON_IsNumber(v))
		snprintf(buf, len, "%.0f", v->valuedouble);
	else
		buf[0] = '\0';
}

/* The child: its own session, default signals, then the shell. */
static void __attribute__((noreturn))
hooks_child(int devnull, int out, const char *cwd, char *const *argv,
    char *const *envp)
{
	struct sigaction	sa;
	sigset_t		set;
	int			sig;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	}
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	setsid();
	if (dup2(devnull, 0) == -1 || dup2(out, 1) == -1 || dup2(out, 2) == -1)
		_exit(127);
	closefrom(3);
	if (cwd == NULL || chdir(cwd) == -1)
		(void)chdir("/");
	execve("/bin/sh", argv, envp);
	_exit(127);
}

/* Starts one run of a's hook `hook` (cmd) for ev. */
static void
hooks_run(struct app *a, const char *hook, const char *cmd, const cJSON *ev,
    unsigned suppressed)
{
	struct hook_run	*h;
	char		**env, num[32], cause[256], *text;
	char		*argv[4] = { (char *)"sh", (char *)"-c", (char *)cmd,
			    NULL };
	size_t		 n;
	int		 p[2], devnull;
	sigset_t	 all, old;
	pid_t		 pid;

	if ((env = app_environ(a, cause, sizeof cause)) == NULL) {
		log_warnx("%s: hook %s: the app's environment: %s; using the "
		    "daemon's", a->label, hook, cause);
		for (n = 0; environ[n] != NULL; n++)
			;
		env = xcalloc(n + 1, sizeof *env);
		for (n = 0; environ[n] != NULL; n++)
			env[n] = xstrdup(environ[n]);
	}
	for (n = 0; env[n] != NULL; n++)
		;
	env = hooks_setenv(env, &n, "OPM_HOOK", hook);
	env = hooks_setenv(env, &n, "OPM_EVENT", json_str(ev, "event"));
	env = hooks_setenv(env, &n, "OPM_APP", a->conf.name);
	hooks_num(ev, "instance", num, sizeof num);
	env = hooks_setenv(env, &n, "OPM_INSTANCE", num);
	hooks_num(ev, "id", num, sizeof num);
	env = hooks_setenv(env, &n, "OPM_ID", num);
	hooks_num(ev, "exit_code", num, sizeof num);
	env = hooks_setenv(env, &n, "OPM_EXIT_CODE", num);
	env = hooks_setenv(env, &n, "OPM_EXIT_SIGNAL",
	    json_str(ev, "exit_signal"));
	env = hooks_setenv(env, &n, "OPM_REASON", json_str(ev, "reason"));
	env = hooks_setenv(env, &n, "OPM_CAUSE", json_str(ev, "cause"));
	hooks_num(ev, "seq", num, sizeof num);
	env = hooks_setenv(env, &n, "OPM_SEQ", num);
	env = hooks_setenv(env, &n, "OPM_TIME", json_str(ev, "time"));
	env = hooks_setenv(env, &n, "OPM_STATUS",
	    sup_state_name(a->run.state));
	snprintf(num, sizeof num, "%u", a->run.restarts);
	env = hooks_setenv(env, &n, "OPM_RESTARTS", num);
	snprintf(num, sizeof num, "%u", suppressed);
	env = hooks_setenv(env, &n, "OPM_SUPPRESSED", num);
	text = json_text(ev);
	env = hooks_setenv(env, &n, "OPM_EVENT_JSON", text);
	cJSON_free(text);

	if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    pipe2(p, O_CLOEXEC) == -1) {
		log_warn("%s: hook %s: cannot start", a->label, hook);
		if (devnull != -1)
			close(devnull);
		hooks_st.failures++;
		xfreev(env);
		return;
	}
	/* Until the child reset its handlers, libuv's must not run there. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if ((pid = fork()) == 0)
		hooks_child(devnull, p[1], a->conf.cwd, argv, env);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(devnull);
	close(p[1]);
	xfreev(env);
	if (pid == -1) {
		log_warn("%s: hook %s: fork", a->label, hook);
		close(p[0]);
		hooks_st.failures++;
		return;
	}
	h = xcalloc(1, sizeof *h);
	h->pid = pid;
	strlcpy(h->label, a->label, sizeof h->label);
	strlcpy(h->hook, hook, sizeof h->hook);
	h->started = app_now();
	h->timeout = a->conf.hook_timeout;
	uv_pipe_init(hooks_loop, &h->pipe, 0);
	h->pipe.data = h;
	uv_timer_init(hooks_loop, &h->timer);
	h->timer.data = h;
	h->nopen = 2;
	LIST_INSERT_HEAD(&hooks_runs, h, entry);
	hooks_st.runs++;
	hooks_st.running++;
	if (uv_pipe_open(&h->pipe, p[0]) == 0 &&
	    uv_read_start((uv_stream_t *)&h->pipe, hooks_alloc_cb,
	    hooks_read_cb) == 0)
		h->reading = true;
	else
		uv_close((uv_handle_t *)&h->pipe, hooks_close_cb);
	uv_timer_start(&h->timer, hooks_timer_cb, h->timeout, 0);
	log_info("%s: hook %s: started pid %d (%s)", a->label, hook, (int)pid,
	    json_str(ev, "event"));
}

/* The rate limit of (app name, hook), made on first use. */
static struct hook_rate *
hooks_rate(const char *app, const char *hook)
{
	struct hook_rate	*r;

	LIST_FOREACH(r, &hooks_rates, entry) {
		if (strcmp(r->app, app) == 0 && strcmp(r->hook, hook) == 0)
			return (r);
	}
	r = xcalloc(1, sizeof *r);
	strlcpy(r->app, app, sizeof r->app);
	strlcpy(r->hook, hook, sizeof r->hook);
	LIST_INSERT_HEAD(&hooks_rates, r, entry);
	return (r);
}

/* hook of a, if it has one, unless its window holds it back. */
static void
hooks_maybe(struct app *a, const char *hook, const cJSON *ev)
{
	struct hook_rate	*r;
	const char		*cmd;
	uint64_t		 now = app_now();

	if ((cmd = hookconf_find(a->conf.hooks, hook)) == NULL)
		return;
	r = hooks_rate(a->conf.name, hook);
	if (r->ran && now - r->last < a->conf.hook_window) {
		r->suppressed++;
		hooks_st.suppressed++;
		log_debug("%s: hook %s: held back by hook_window (%u so far)",
		    a->label, hook, r->suppressed);
		return;
	}
	if (hooks_st.running >= HOOKS_RUNNING_MAX) {
		r->suppressed++;
		hooks_st.suppressed++;
		log_warnx("%s: hook %s: not run: %d hooks are running already",
		    a->label, hook, HOOKS_RUNNING_MAX);
		return;
	}
	r->ran = true;
	r->last = now;
	hooks_run(a, hook, cmd, ev, r->suppressed);
	r->suppressed = 0;
}

void
hooks_fire(struct app *a, const cJSON *ev)
{
	const char	*event = json_str(ev, "event"), *cause;

	if (a->conf.hooks == NULL || event == NULL)
		return;
	hooks_maybe(a, event, ev);
	cause = json_str(ev, "cause");
	if (strcmp(event, "exit") == 0 && cause != NULL &&
	    strcmp(cause, "crash") == 0)
		hooks_maybe(a, "crash", ev);
}
