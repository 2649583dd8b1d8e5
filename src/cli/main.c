/*
 * opm: the command-line client. Each command parses its arguments (usage
 * errors exit 2), sends one request, renders the reply, and exits 0, 1 (the
 * request failed) or 3 (no daemon). Commands live in one table, found by
 * exact name or alias, as tmux's cmd_entry table.
 */
#include <sys/syscall.h>
#include <poll.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"
#include "parse.h"
#include "xmem.h"

struct paths	cli_paths;
int		cli_color = -1;

bool
cli_color_on(void)
{
	if (cli_color == -1)
		cli_color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	return (cli_color == 1);
}


void
cli_fatal(int code, const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fputs("opm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

void
cli_fatal_usage(const char *fmt, ...)
{
	va_list	ap;

	fputs("opm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'opm help')\n", stderr);
	exit(EXIT_USAGE);
}

const char *
cli_lines_arg(int argc, char **argv, int *i, const char *cmd)
{
	const char	*a = argv[*i], *v;

	if (strcmp(a, "--lines") != 0 && strncmp(a, "--lines=", 8) != 0 &&
	    strcmp(a, "-n") != 0)
		return (NULL);
	v = a[7] == '=' ? a + 8 : *i + 1 < argc ? argv[++*i] : NULL;
	if (v == NULL)
		cli_fatal_usage("%s: --lines needs a value", cmd);
	return (v);
}

/*
 * Flags: --json for all, and extra (NULL or one more flag of this
 * command) setting *flag. Returns argc left.
 */
static int
cli_flags2(int argc, char **argv, bool *json, const char *cmd,
    const char *extra, bool *flag)
{
	int	i, n = 1;

	*json = false;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			/* Operands follow, even one led by '-'. */
			while (++i < argc)
				argv[n++] = argv[i];
			break;
		}
		if (strcmp(argv[i], "--json") == 0)
			*json = true;
		else if (extra != NULL && strcmp(argv[i], extra) == 0)
			*flag = true;
		else if (argv[i][0] == '-' && argv[i][1] != '\0' &&
		    strspn(argv[i] + 1, "0123456789") != strlen(argv[i] + 1))
			cli_fatal_usage("%s: unknown option %s", cmd, argv[i]);
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return (n);
}

static int
cli_flags(int argc, char **argv, bool *json, const char *cmd)
{
	return (cli_flags2(argc, argv, json, cmd, NULL, NULL));
}

/* TARGET... as one request argument. */
static cJSON *
cli_targets(int argc, char **argv, const char *cmd, bool one)
{
	cJSON	*args, *t;
	int	 i;

	if (argc < 2)
		cli_fatal_usage("%s: missing TARGET", cmd);
	if (one && argc > 2)
		cli_fatal_usage("%s: takes one TARGET", cmd);
	args = cJSON_CreateObject();
	t = cJSON_AddArrayToObject(args, PROTO_ARG_TARGET);
	for (i = 1; i < argc; i++)
		cJSON_AddItemToArray(t, cJSON_CreateString(argv[i]));
	return (args);
}

static int
cli_target_cmd(int argc, char **argv, const char *req, const char *verb)
{
	cJSON	*d;
	bool	 json;

	argc = cli_flags(argc, argv, &json, argv[0]);
	d = cli_call(req, cli_targets(argc, argv, argv[0], false));
	if (json)
		render_json(d);
	else
		render_apps_brief(d, verb);
	cJSON_Delete(d);
	return (0);
}

static int
cli_stop(int argc, char **argv)
{
	argc = cli_file_targets(argc, argv);
	return (cli_target_cmd(argc, argv, PROTO_CMD_STOP, "stopped"));
}

/*
 * Takes --env NAME (or --env=NAME) out of argv: the environment set of
 * restart and reload. NULL when not given.
 */
static const char *
cli_env_name(int *argc, char **argv)
{
	const char	*name = NULL;
	int		 i, n = 1;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[n++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--env") == 0) {
			if (i + 1 >= *argc)
				cli_fatal_usage("%s: --env needs a NAME",
				    argv[0]);
			name = argv[++i];
		} else if (strncmp(argv[i], "--env=", 6) == 0)
			name = argv[i] + 6;
		else {
			argv[n++] = argv[i];
			continue;
		}
		if (strchr(name, '=') != NULL)
			cli_fatal_usage("%s: --env takes the NAME of an "
			    "environment set here (KEY=VALUE is for start)",
			    argv[0]);
	}
	argv[n] = NULL;
	*argc = n;
	return (name);
}

static int
cli_restart(int argc, char **argv)
{
	cJSON		*args, *d;
	const char	*env_name;
	bool		 json, update = false, reload;
	size_t		 i;

	env_name = cli_env_name(&argc, argv);
	argc = cli_file_targets(argc, argv);
	argc = cli_flags2(argc, argv, &json, argv[0], "--update-env",
	    &update);
	/* The request would arrive without it (cli_exchange): say so. */
	if (update && cli_remote != NULL)
		cli_fatal_usage("%s --update-env: this shell's environment is "
		    "not sent to a remote host (--host); put the variables in "
		    "the app file's env and apply it", argv[0]);
	args = cli_targets(argc, argv, argv[0], false);
	if (env_name != NULL)
		cJSON_AddStringToObject(args, PROTO_ARG_ENV_NAME, env_name);
	if (update)
		cJSON_AddItemToObject(args, PROTO_ARG_ENV_BASE, cli_env_base(true));
	/* reload rolls the apps with sockets (docs/PROTOCOL.md). */
	reload = strcmp(argv[0], "reload") == 0;
	d = cli_call(reload ? PROTO_CMD_RELOAD : PROTO_CMD_RESTART, args);
	if (json)
		render_json(d);
	else
		render_apps_brief(d, reload ? "reloaded" : "restarted");
	i = (size_t)render_failures(d);
	cJSON_Delete(d);
	return (i > 0 ? EXIT_FAIL : 0);
}

static int
cli_save(int argc, char **argv)
{
	cJSON	*d;
	bool	 json;

	argc = cli_flags(argc, argv, &json, argv[0]);
	if (argc > 1)
		cli_fatal_usage("save: takes no arguments");
	d = cli_call(PROTO_CMD_SAVE, NULL);
	if (json)
		render_json(d);
	else
		printf("saved %d apps to %s\n",
		    (int)cJSON_GetObjectItem(d, "apps")->valuedouble,
		    json_str(d, "path"));
	cJSON_Delete(d);
	return (0);
}

static int
cli_restore(int argc, char **argv)
{
	const cJSON	*a;
	const char	*reason, *action;
	cJSON		*args = NULL, *d;
	char		 label[96];
	bool		 json, bak = false;
	int		 failed = 0;

	argc = cli_flags2(argc, argv, &json, argv[0], "--from-backup", &bak);
	if (argc > 1)
		cli_fatal_usage("%s: takes no arguments", argv[0]);
	if (bak) {
		args = cJSON_CreateObject();
		cJSON_AddTrueToObject(args, PROTO_ARG_FROM_BACKUP);
	}
	d = cli_call(PROTO_CMD_RESTORE, args);
	cJSON_ArrayForEach(a, d) {
		action = json_str(a, PROTO_ACTION);
		if (action != NULL && strcmp(action, PROTO_ACTION_FAILED) == 0)
			failed++;
	}
	if (json)
		render_json(d);
	else {
		cJSON_ArrayForEach(a, d) {
			reason = json_str(a, PROTO_REASON);
			action = json_str(a, PROTO_ACTION);
			printf("%s: %s", render_label(a, label, sizeof label),
			    action);
			if (action != NULL && reason != NULL &&
			    (strcmp(action, PROTO_ACTION_FAILED) == 0 ||
			    strcmp(action, "waiting") == 0))
				printf(": %s", reason);
			printf("\n");
		}
		if (cJSON_GetArraySize(d) == 0)
			printf("the dump holds no apps\n");
	}
	cJSON_Delete(d);
	if (failed > 0) {
		fprintf(stderr, "opm: restore: %d app%s failed\n", failed,
		    failed == 1 ? "" : "s");
		return (EXIT_FAIL);
	}
	return (0);
}

static int
cli_export(int argc, char **argv)
{
	cJSON	*args = NULL, *d;
	bool	 json;

	argc = cli_flags(argc, argv, &json, argv[0]);
	if (argc > 1)
		args = cli_targets(argc, argv, argv[0], false);
	d = cli_call(PROTO_CMD_EXPORT, args);
	render_json(d);
	cJSON_Delete(d);
	return (0);
}

static int
cli_reset(int argc, char **argv)
{
	return (cli_target_cmd(argc, argv, PROTO_CMD_RESET, "counters reset"));
}

static int
cli_delete(int argc, char **argv)
{
	const cJSON	*e;
	cJSON		*d;
	bool		 json;

	argc = cli_file_targets(argc, argv);
	argc = cli_flags(argc, argv, &json, argv[0]);
	d = cli_call(PROTO_CMD_DELETE, cli_targets(argc, argv, argv[0], false));
	if (json)
		render_json(d);
	else {
		cJSON_ArrayForEach(e, d)
			printf("deleted app %d\n", (int)e->valuedouble);
	}
	cJSON_Delete(d);
	return (0);
}

/* opm scale NAME N|+N|-N: instances N, or a delta. */
static int
cli_scale(int argc, char **argv)
{
	const char	*cause, *n;
	long long	 v;
	cJSON		*args, *d;
	bool		 json;

	argc = cli_flags(argc, argv, &json, argv[0]);
	if (argc != 3)
		cli_fatal_usage("scale: usage: opm scale NAME N|+N|-N");
	n = argv[2];
	if (parse_int(n[0] == '+' ? n + 1 : n, -OPM_INSTANCES_MAX,
	    OPM_INSTANCES_MAX, &v, &cause) == -1 ||
	    (n[0] == '+' && n[1] == '-'))
		cli_fatal_usage("scale: '%s' is not N, +N or -N", n);
	args = cJSON_CreateObject();
	cJSON_AddStringToObject(args, PROTO_ARG_TARGET, argv[1]);
	if (n[0] == '+' || n[0] == '-')
		cJSON_AddNumberToObject(args, PROTO_ARG_DELTA, (double)v);
	else
		cJSON_AddNumberToObject(args, PROTO_ARG_INSTANCES, (double)v);
	d = cli_call(PROTO_CMD_SCALE, args);
	if (json)
		render_json(d);
	else
		render_apps_brief(d, "scaled");
	v = render_failures(d);
	cJSON_Delete(d);
	return (v > 0 ? EXIT_FAIL : 0);
}

/* list and jlist (PM2's name of list --json). */
static int
cli_list_as(int argc, char **argv, bool always_json)
{
	cJSON	*d;
	bool	 json;

	argc = cli_flags(argc, argv, &json, argv[0]);
	if (argc > 1)
		cli_fatal_usage("%s: takes no arguments", argv[0]);
	if (json || always_json) {
		render_text(cli_call_json(PROTO_CMD_LIST, NULL));
		return (0);
	}
	d = cli_call(PROTO_CMD_LIST, NULL);
	render_list(d);
	cJSON_Delete(d);
	return (0);
}

static int
cli_list(int argc, char **argv)
{
	return (cli_list_as(argc, argv, false));
}

/* PM2's jlist: list --json. */
static int
cli_jlist(int argc, char **argv)
{
	return (cli_list_as(argc, argv, true));
}

static int
cli_info(int argc, char **argv)
{
	cJSON	*d;
	bool	 json;

	argc = cli_flags(argc, argv, &json, argv[0]);
	if (json) {
		render_text(cli_call_json(PROTO_CMD_INFO,
		    cli_targets(argc, argv, argv[0], true)));
		return (0);
	}
	d = cli_call(PROTO_CMD_INFO, cli_targets(argc, argv, argv[0], true));
	render_info(d);
	cJSON_Delete(d);
	return (0);
}

static int
cli_env(int argc, char **argv)
{
	const cJSON	*e;
	cJSON		*d;
	bool		 json;

	argc = cli_flags(argc, argv, &json, argv[0]);
	d = cli_call(PROTO_CMD_ENV, cli_targets(argc, argv, argv[0], true));
	if (json)
		render_json(d);
	else {
		cJSON_ArrayForEach(e, d) {
			/* Bytes as they are: {"b64": ...} ones too. */
			const char *why;
			char *kv = json_bytes_dup(e, &why);
			printf("%s\n", kv != NULL ? kv : why);
			free(kv);
		}
	}
	cJSON_Delete(d);
	return (0);
}

static int
cli_signal(int argc, char **argv)
{
	cJSON	*args, *d;
	char	*sig;

	if (argc < 3)
		cli_fatal_usage("signal: usage: opm signal SIG TARGET...");
	sig = argv[1];
	if (parse_signal(sig) <= 0)
		cli_fatal(EXIT_FAIL, "unknown signal '%s'", sig);
	if (strcmp(argv[2], "--") == 0) {
		/* opm signal SIG -- TARGET... */
		if (argc < 4)
			cli_fatal_usage("signal: missing TARGET");
		argv++;
		argc--;
	}
	argv[1] = argv[0];
	args = cli_targets(argc - 1, argv + 1, "signal", false);
	cJSON_AddStringToObject(args, PROTO_ARG_SIGNAL, sig);
	d = cli_call(PROTO_CMD_SIGNAL, args);
	render_apps_brief(d, parse_signame(parse_signal(sig)));
	cJSON_Delete(d);
	return (0);
}

static int
cli_ping(int argc, char **argv)
{
	cJSON	*d;

	if (argc > 1)
		cli_fatal_usage("%s: takes no arguments", argv[0]);
	d = cli_call(PROTO_CMD_PING, NULL);
	printf("pong\n");
	cJSON_Delete(d);
	return (0);
}

static int
cli_version(int argc, char **argv)
{
	struct client	 c;
	cJSON		*d;

	if (argc > 1)
		cli_fatal_usage("%s: takes no arguments", argv[0]);
	printf("opm %s (protocol %d)\n", OPM_VERSION, PROTO_VERSION);
	if (cli_try_connect(&c) != 0) {
		printf("opmd not running\n");
		return (0);
	}
	d = cli_request(&c, PROTO_CMD_STATUS, NULL);
	printf("opmd %s (pid %d)\n", json_str(d, "version"),
	    (int)cJSON_GetObjectItem(d, "pid")->valuedouble);
	cJSON_Delete(d);
	client_close(&c);
	return (0);
}

/* Waits for a process to exit, without polling when pidfds work. */
static void
cli_wait_exit(pid_t pid, int timeout_ms)
{
	struct pollfd	pfd;
	int		fd, waited = 0;

	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) != -1) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		poll(&pfd, 1, timeout_ms);
		close(fd);
		return;
	}
	while (kill(pid, 0) == 0 && waited < timeout_ms) {
		usleep(10000);
		waited += 10;
	}
}

static int
cli_daemon_stop(void)
{
	struct client	 c;
	cJSON		*d;
	pid_t		 pid;

	if (cli_try_connect(&c) != 0) {
		printf("opmd is not running\n");
		return (0);
	}
	d = cli_request(&c, PROTO_CMD_STATUS, NULL);
	pid = (pid_t)cJSON_GetObjectItem(d, "pid")->valuedouble;
	cJSON_Delete(d);
	cJSON_Delete(cli_request(&c, PROTO_CMD_KILL, NULL));
	if (cli_remote != NULL) {
		/* Not our pid: the daemon's exit closes the connection. */
		const char *cause;
		cJSON *r;
		while ((r = client_recv(&c, &cause)) != NULL)
			cJSON_Delete(r);
	}
	client_close(&c);
	if (cli_remote == NULL)
		cli_wait_exit(pid, 10000);
	printf("opmd stopped (pid %d)\n", (int)pid);
	return (0);
}

/* "fds      N of LIMIT (P%)": how close the daemon is to its limit. */
static void
cli_status_fds(const cJSON *d)
{
	const cJSON	*o = cJSON_GetObjectItem(d, "fds_open");
	const cJSON	*l = cJSON_GetObjectItem(d, "fds_limit");

	if (!cJSON_IsNumber(o) || o->valuedouble < 0)
		return;
	if (!cJSON_IsNumber(l) || l->valuedouble <= 0)
		printf("  fds      %.0f (no limit)\n", o->valuedouble);
	else
		printf("  fds      %.0f of %.0f (%.0f%%)\n", o->valuedouble,
		    l->valuedouble, 100 * o->valuedouble / l->valuedouble);
}

static int
cli_daemon_status(bool json)
{
	struct client	 c;
	cJSON		*d;
	char		 up[32], mem[32];

	if (cli_try_connect(&c) != 0) {
		if (json)
			printf("{\"running\": false}\n");
		else
			printf("opmd is not running\n");
		return (EXIT_NODAEMON);
	}
	d = cli_request(&c, PROTO_CMD_STATUS, NULL);
	client_close(&c);
	if (json) {
		cJSON_AddTrueToObject(d, "running");
		render_json(d);
	} else {
		parse_fmt_duration((uint64_t)cJSON_GetObjectItem(d,
		    "uptime_ms")->valuedouble, up, sizeof up);
		parse_fmt_size((uint64_t)cJSON_GetObjectItem(d,
		    "memory_bytes")->valuedouble, mem, sizeof mem);
		printf("opmd %s running\n", json_str(d, "version"));
		printf("  pid      %d\n",
		    (int)cJSON_GetObjectItem(d, "pid")->valuedouble);
		printf("  uptime   %s\n", up);
		printf("  apps     %d\n",
		    (int)cJSON_GetObjectItem(d, "apps")->valuedouble);
		printf("  memory   %s\n", mem);
		cli_status_fds(d);
		printf("  home     %s\n", json_str(d, "home"));
		printf("  log      %s\n", json_str(d, "log"));
	}
	cJSON_Delete(d);
	return (0);
}

/*
 * Replaces the daemon by a fresh image of its binary; apps keep running.
 * Requests sent meanwhile wait in the socket's backlog.
 */
static int
cli_daemon_reload(void)
{
	struct client	 c;
	cJSON		*d;
	int		 before, pid, i;

	if (cli_try_connect(&c) != 0)
		cli_fatal(EXIT_NODAEMON, "the daemon is not running");
	d = cli_request(&c, PROTO_CMD_REEXEC, NULL);
	before = (int)cJSON_GetObjectItem(d, "reloads")->valuedouble;
	pid = (int)cJSON_GetObjectItem(d, "pid")->valuedouble;
	cJSON_Delete(d);
	client_close(&c);
	for (i = 0; i < 1000; i++) {
		if (cli_try_connect(&c) == 0) {
			d = cli_request(&c, PROTO_CMD_STATUS, NULL);
			client_close(&c);
			if ((int)cJSON_GetObjectItem(d, "reloads")->valuedouble
			    > before) {
				printf("opmd reloaded (pid %d, %s)\n", pid,
				    json_str(d, "version"));
				cJSON_Delete(d);
				return (0);
			}
			cJSON_Delete(d);
		}
		usleep(10000);
	}
	cli_fatal(EXIT_NODAEMON, "the daemon did not come back from the "
	    "reload; see %s", cli_paths.daemon_log);
}

static int
cli_daemon(int argc, char **argv)
{
	struct client	 c;
	char		*opmd;
	bool		 json, restore = false;
	cJSON		*d;

	argc = cli_flags2(argc, argv, &json, "daemon", "--restore", &restore);
	if (argc != 2)
		cli_fatal_usage("daemon: usage: opm daemon "
		    "start|stop|status|restart|reload|run");
	if (restore && strcmp(argv[1], "run") != 0)
		cli_fatal_usage("daemon: --restore goes with run");
	if (strcmp(argv[1], "reload") == 0)
		return (cli_daemon_reload());
	if (strcmp(argv[1], "status") == 0)
		return (cli_daemon_status(json));
	if (strcmp(argv[1], "stop") == 0)
		return (cli_daemon_stop());
	if (strcmp(argv[1], "restart") == 0)
		cli_daemon_stop();
	else if (strcmp(argv[1], "run") == 0) {
		if ((opmd = cli_opmd_path()) == NULL)
			cli_fatal(EXIT_NODAEMON, "cannot find opmd");
		execl(opmd, "opmd", "--foreground", restore ? "--restore" :
		    (char *)NULL, (char *)NULL);
		cli_fatal(EXIT_NODAEMON, "exec %s: %s", opmd, strerror(errno));
	} else if (strcmp(argv[1], "start") != 0)
		cli_fatal_usage("daemon: unknown subcommand '%s'", argv[1]);
	if (cli_try_connect(&c) == 0) {
		d = cli_request(&c, PROTO_CMD_STATUS, NULL);
		printf("opmd already running (pid %d)\n",
		    (int)cJSON_GetObjectItem(d, "pid")->valuedouble);
		cJSON_Delete(d);
		client_close(&c);
		return (0);
	}
	cli_connect(&c, true);
	d = cli_request(&c, PROTO_CMD_STATUS, NULL);
	printf("opmd started (pid %d); log: %s\n",
	    (int)cJSON_GetObjectItem(d, "pid")->valuedouble,
	    json_str(d, "log"));
	cJSON_Delete(d);
	client_close(&c);
	return (0);
}

/* PM2's kill (daemon stop) and update (daemon reload). */
static int
cli_kill(int argc, char **argv)
{
	if (argc > 1)
		cli_fatal_usage("%s: takes no arguments", argv[0]);
	return (cli_daemon_stop());
}

static int
cli_update(int argc, char **argv)
{
	if (argc > 1)
		cli_fatal_usage("%s: takes no arguments", argv[0]);
	return (cli_daemon_reload());
}

static int
cli_help_cmd(int argc, char **argv)
{
	cli_help(argc > 1 ? argv[1] : NULL);
	return (0);
}

static const struct cli_cmd cli_cmds[] = {
	{ "start", NULL, "start [OPTIONS] CMD [ARG...] | SCRIPT [OPTIONS] "
	  "[-- ARG...] | FILE [OPTIONS] [--only NAMES] | TARGET",
	  "create and start an app, or start a stopped one", cli_start },
	{ "stop", NULL, "stop TARGET... | FILE [--only NAMES]",
	  "stop apps, dependents (depends_on) first; returns once their "
	  "processes are reaped", cli_stop },
	{ "restart", NULL, "restart TARGET... | FILE [--only NAMES] "
	  "[--update-env] [--env NAME]",
	  "stop then start apps (restarts +1); --update-env takes this "
	  "shell's environment (not with --host), --env NAME the app's "
	  "env_NAME set (saved)",
	  cli_restart },
	{ "reload", NULL, "reload TARGET... | FILE [--only NAMES] "
	  "[--update-env] [--env NAME]",
	  "rolling restart: with listen, a new process per instance, ready "
	  "before the old one stops; exits 1 if one never gets ready",
	  cli_restart },
	{ "delete", "rm", "delete TARGET... | FILE [--only NAMES]",
	  "stop and forget apps", cli_delete },
	{ "scale", NULL, "scale NAME N|+N|-N",
	  "set the number of instances of an app: new ones start, the "
	  "highest numbers are deleted first", cli_scale },
	{ "apply", NULL, "apply FILE [--prune] [--dry-run] [--json]",
	  "make the apps match FILE: create missing ones, restart changed "
	  "ones, --prune deletes the others; --dry-run prints the plan",
	  cli_apply },
	{ "list", "ls", "list [--json]",
	  "table of apps, one row per instance (NAME:K)", cli_list },
	{ "status", NULL, "status [--json]", "same as list", cli_list },
	{ "jlist", NULL, "jlist", "same as list --json (PM2's name)",
	  cli_jlist },
	{ "info", "describe", "info TARGET [--json]",
	  "everything about one app", cli_info },
	{ "logs", NULL, "logs [TARGET] [--lines N] [--follow] [--out|--err]",
	  "last N lines (15), then follow; no TARGET: all apps, prefixed",
	  cli_logs },
	{ "events", NULL, "events [TARGET] [--follow] [--json] [--lines N]",
	  "what happened to the apps and the daemon (the last 1000 events; "
	  "with --follow the last 10, then live)", cli_events },
	{ "metrics", NULL, "metrics",
	  "the apps' and the daemon's figures in the Prometheus text "
	  "format", cli_metrics },
	{ "monit", NULL, "monit",
	  "terminal dashboard: apps, CPU, memory, the selected app's log; "
	  "keys restart, stop, start", cli_monit },
	{ "web", NULL, "web [--listen HOST:PORT] [--open-metrics] | web token",
	  "web dashboard and /metrics on 127.0.0.1:9615 (a separate "
	  "process; log in with the token: opm web token)", cli_web },
	{ "flush", NULL, "flush [TARGET]",
	  "empty the log files (all apps by default)", cli_flush },
	{ "env", NULL, "env TARGET",
	  "the environment the app is started with", cli_env },
	{ "signal", NULL, "signal SIG TARGET...",
	  "send a signal to the apps' process groups", cli_signal },
	{ "reset", NULL, "reset TARGET...", "zero the restart counters",
	  cli_reset },
	{ "save", NULL, "save",
	  "write the dump: configuration and desired state of every app",
	  cli_save },
	{ "restore", "resurrect", "restore [--from-backup]",
	  "bring the apps of the dump up; never duplicates",
	  cli_restore },
	{ "export", NULL, "export [TARGET...]",
	  "print the app file of the apps (all by default)",
	  cli_export },
	{ "import", NULL, "import [PM2-DUMP] [--start] [--json]",
	  "create the apps of a pm2 save dump (default "
	  "$PM2_HOME/dump.pm2), stopped unless --start", cli_import },
	{ "init", NULL, "init [--json] [FILE]",
	  "write a commented example app file (ecosystem.config.js)",
	  cli_init },
	{ "startup", NULL, "startup [--user|--system] [--print]",
	  "install (or print) a systemd unit that runs the daemon at boot "
	  "and restores the dump", cli_startup },
	{ "unstartup", NULL, "unstartup [--user|--system]",
	  "remove the unit opm startup installed", cli_unstartup },
	{ "run", NULL, "run FILE [--only NAMES] [--env NAME] [--raw]",
	  "for containers (also as opm-runtime FILE): the daemon in the "
	  "foreground starts the apps, prints their output as 'NAME | line' "
	  "and exits once they are done, or stops them on SIGTERM/SIGINT",
	  cli_run },
	{ "daemon", NULL, "daemon start|stop|status|restart|reload|run",
	  "control the daemon; reload re-executes it, apps keep running; "
	  "run [--restore] stays in the foreground (systemd); status says "
	  "how many descriptors it has open of its limit",
	  cli_daemon },
	{ "kill", NULL, "kill", "same as daemon stop (PM2's name)",
	  cli_kill },
	{ "update", NULL, "update",
	  "same as daemon reload (PM2's name): the new opmd binary takes "
	  "over, apps keep running", cli_update },
	{ "ping", NULL, "ping", "check that the daemon answers",
	  cli_ping },
	{ "version", NULL, "version", "versions of opm and opmd",
	  cli_version },
	{ "dial-stdio", NULL, "dial-stdio [--start]",
	  "connect stdin and stdout to the daemon's socket (what --host "
	  "runs through ssh); --start starts the daemon if need be",
	  cli_dial_stdio },
	{ "help", NULL, "help [COMMAND]", "this help", cli_help_cmd },
};

const struct cli_cmd *
cli_cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof cli_cmds / sizeof cli_cmds[0]; i++) {
		if (strcmp(cli_cmds[i].name, name) == 0 ||
		    (cli_cmds[i].alias != NULL &&
		    strcmp(cli_cmds[i].alias, name) == 0))
			return (&cli_cmds[i]);
	}
	return (NULL);
}

void
cli_help(const char *cmd)
{
	const struct cli_cmd	*c;
	size_t			 i;

	if (cmd != NULL) {
		if ((c = cli_cmd_find(cmd)) == NULL)
			cli_fatal_usage("help: unknown command '%s'", cmd);
		printf("usage: opm %s\n", c->usage);
		if (c->alias != NULL)
			printf("alias: %s\n", c->alias);
		printf("%s.\n", c->help);
		if (strcmp(c->name, "start") == 0) {
			printf("\n");
			cli_start_help();
		}
		return;
	}
	printf("usage: opm [--host ssh://[USER@]HOST[:PORT][/PATH] | --host "
	    "GROUP]... COMMAND [ARGS]\n\nCommands:\n");
	for (i = 0; i < sizeof cli_cmds / sizeof cli_cmds[0]; i++)
	{
		if (strlen(cli_cmds[i].usage) > 52)
			printf("  %s\n  %-52s %s\n", cli_cmds[i].usage, "",
			    cli_cmds[i].help);
		else
			printf("  %-52s %s\n", cli_cmds[i].usage,
			    cli_cmds[i].help);
	}
	printf("\nTARGET: an app id, a name (every instance of it), NAME:K "
	    "(instance K,\nfrom 0), 'all', or a comma-separated list.\n");
	cli_start_help();
	printf("\nEnvironment: OPM_HOME (default ~/.opm), "
	    "OPM_RUNTIME_DIR, NO_COLOR,\nOPM_TIMEOUT (how long to wait for "
	    "an answer of the daemon: 10s),\nOPM_HOST (a default --host), "
	    "OPM_SSH (the ssh command: ssh), OPM_HOSTS (the hosts\nfile of "
	    "groups: ~/.config/opm/hosts).\nExit status: 0 ok, 1 request "
	    "failed, 2 usage error, 3 daemon unreachable;\nwith several "
	    "hosts the worst of them.\n");
}

/* The last component of path. */
static const char *
cli_basename(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return (slash != NULL ? slash + 1 : path);
}

int
main(int argc, char **argv)
{
	const struct cli_cmd	*c;
	const char		*cause, *env;
	char			**hosts = NULL;
	size_t			 nhosts = 0;
	bool			 from_env = false;
	int			 rc;

	signal(SIGPIPE, SIG_IGN);
	/* Global options: --host URL|GROUP (-H), repeatable. */
	while (argc > 1 && (strcmp(argv[1], "--host") == 0 ||
	    strcmp(argv[1], "-H") == 0 || strncmp(argv[1], "--host=", 7) == 0)) {
		hosts = xreallocarray(hosts, nhosts + 1, sizeof *hosts);
		if (argv[1][6] == '=')
			hosts[nhosts++] = argv[1] + 7;
		else if (argc > 2) {
			hosts[nhosts++] = argv[2];
			argv++;
			argc--;
		} else
			cli_fatal_usage("--host needs ssh://[USER@]HOST[:PORT]"
			    " or a group");
		argv++;
		argc--;
	}
	if (nhosts == 0 && (env = getenv("OPM_HOST")) != NULL && *env != '\0') {
		hosts = xcalloc(1, sizeof *hosts);
		hosts[nhosts++] = (char *)env;
		from_env = true;
	}
	/* opm-runtime FILE, or PM2's pm2-runtime start FILE: opm run FILE. */
	if (strcmp(cli_basename(argv[0]), "opm-runtime") == 0) {
		if (argc > 2 && strcmp(argv[1], "start") == 0) {
			argv++;
			argc--;
		}
		if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0) {
			cli_help("run");
			return (argc < 2 ? EXIT_USAGE : 0);
		}
		argv[0] = (char *)"run";
		if (client_timeout_init(getenv("OPM_TIMEOUT"), &cause) == -1 ||
		    paths_init(&cli_paths, &cause) == -1)
			cli_fatal(EXIT_USAGE, "%s", cause);
		return (cli_run(argc, argv));
	}
	if (argc < 2) {
		cli_help(NULL);
		return (EXIT_USAGE);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_help(NULL);
		return (0);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		argv[1] = (char *)"version";
	if ((c = cli_cmd_find(argv[1])) == NULL)
		cli_fatal_usage("unknown command '%s'", argv[1]);
	if (client_timeout_init(getenv("OPM_TIMEOUT"), &cause) == -1)
		cli_fatal_usage("invalid OPM_TIMEOUT '%s': %s",
		    getenv("OPM_TIMEOUT"), cause);
	if (paths_init(&cli_paths, &cause) == -1)
		cli_fatal(EXIT_NODAEMON, "%s", cause);
	/* dial-stdio is what --host runs remotely: OPM_HOST is not for it. */
	if (from_env && strcmp(c->name, "dial-stdio") == 0)
		nhosts = 0;
	if (nhosts > 0) {
		rc = cli_remote_main(hosts, nhosts, c, argc - 1, argv + 1);
		free(hosts);
		return (rc);
	}
	free(hosts);
	return (c->exec(argc - 1, argv + 1));
}
