/*
 * The table of app options (see include/options.h). A new option is one row
 * here plus the code that gives it meaning; a new alias, PM2's names
 * included, is one OPTIONS_ALIAS row. The order of the rows is the order of
 * the keys in conf_to_json's output (export, the dump) and of the flags in
 * `opm help start`.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conf.h"
#include "options.h"

static const char *const options_restart_choices[] = {
	"always", "on-failure", "never", NULL	/* enum restart_policy */
};
/* Odd indexes are cluster mode (CONF_CLUSTER); PM2 writes both names. */
static const char *const options_exec_mode_choices[] = {
	"fork", "cluster", "fork_mode", "cluster_mode", NULL
};

static const char *const options_cron_modes[] = {
	"restart", "run", NULL			/* enum cron_mode */
};

#define OFF(field) offsetof(struct app_conf, field)

/* Another name of key TARGET, with the same value and help. */
#define OPTIONS_ALIAS(k, target, kind)					\
	{ .key = k, .alias_of = target, .pm2 = kind }

/* A PM2 key opm has no option for: accepted values, and the hint. */
#define OPTIONS_PM2(k, kind, accept, hint)				\
	{ .key = k, .pm2 = kind, .pm2_accept = accept, .help = hint }

const struct options_entry options_table[] = {
	{ .key = "name", .flag = "name", .arg = "NAME",
	  .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_NAME, .offset = OFF(name), .exported = true,
	  .help = "app name, 1-64 printable characters (default: program)" },
	{ .key = "script", .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_PROGRAM,
	  .offset = OFF(script), .exported = true,
	  .help = "the program or script file, or one word of shell syntax" },
	OPTIONS_ALIAS("cmd", "script", OPTIONS_PM2_NONE),
	OPTIONS_ALIAS("exec", "script", OPTIONS_PM2_SAME),
	{ .key = "argv", .type = OPTIONS_ARGV, .offset = OFF(argv),
	  .exported = true,
	  .help = "the whole argv, program first, executed directly" },
	{ .key = "args", .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_ARGS,
	  .offset = OFF(args), .exported = true,
	  .help = "arguments of script: an array, or words of a string" },
	{ .key = "interpreter", .flag = "interpreter", .arg = "PROG",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_STRING,
	  .offset = OFF(interpreter), .exported = true,
	  .help = "runs the script; none: exec it (default: by extension)" },
	OPTIONS_ALIAS("exec_interpreter", "interpreter", OPTIONS_PM2_SAME),
	{ .key = "interpreter_args", .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_ARGS, .offset = OFF(interp_args), .exported = true,
	  .help = "arguments of the interpreter, before the script" },
	OPTIONS_ALIAS("node_args", "interpreter_args", OPTIONS_PM2_SAME),
	OPTIONS_ALIAS("interpreterArgs", "interpreter_args", OPTIONS_PM2_SAME),
	{ .key = "cwd", .flag = "cwd", .arg = "DIR", .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_PATH, .offset = OFF(cwd), .exported = true,
	  .help = "working directory (default: current directory)" },
	{ .key = "env", .flag = "env", .arg = "KEY=VALUE",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_ENV, .offset = OFF(env),
	  .exported = true,
	  .help = "add to the environment (repeatable)" },
	{ .key = "env_file", .flag = "env-file", .arg = "FILE",
	  .type = OPTIONS_PATH, .offset = OFF(env_file), .exported = true,
	  .help = "dotenv file read at every start" },
	{ .key = "restart", .flag = "restart", .arg = "POLICY",
	  .type = OPTIONS_ENUM, .offset = OFF(restart),
	  .choices = options_restart_choices, .default_value = "always",
	  .exported = true,
	  .help = "always | on-failure | never (default always)" },
	{ .key = "autorestart", .alias_of = "restart",
	  .pm2 = OPTIONS_PM2_MAPPED, .type = OPTIONS_BOOL,
	  .map_true = "always", .map_false = "never",
	  .help = "PM2's: false is restart never, true restart always" },
	{ .key = "stop_exit_codes", .flag = "stop-exit-codes", .arg = "L",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_CODES,
	  .minimum = 0, .maximum = 255,
	  .exported = true,
	  .help = "exit codes that mean a deliberate stop, e.g. 0,3" },
	{ .key = "max_restarts", .flag = "max-restarts", .arg = "N",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_UINT,
	  .offset = OFF(max_restarts), .minimum = 0, .maximum = 1000000,
	  .default_value = "15", .exported = true,
	  .help = "failed restarts in a row before errored (15)" },
	{ .key = "min_uptime", .flag = "min-uptime", .arg = "DUR",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_DURATION,
	  .offset = OFF(min_uptime), .minimum = 100,
	  .minimum_cause = "must be at least 100ms, or crash loops could not "
	  "be told from runs",
	  .default_value = "1s", .exported = true,
	  .help = "up this long counts as started (1s, >= 100ms)" },
	{ .key = "restart_delay", .flag = "restart-delay", .arg = "DUR",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_DURATION,
	  .offset = OFF(restart_delay), .default_value = "0",
	  .exported = true,
	  .help = "delay before restarting after a long run (0)" },
	OPTIONS_ALIAS("exp_backoff_restart_delay", "restart_delay",
	    OPTIONS_PM2_MAPPED),
	{ .key = "backoff_max", .flag = "backoff-max", .arg = "DUR",
	  .type = OPTIONS_DURATION, .offset = OFF(backoff_max),
	  .default_value = "30s", .exported = true,
	  .help = "cap of the exponential backoff (30s)" },
	{ .key = "kill_timeout", .flag = "kill-timeout", .arg = "DUR",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_DURATION,
	  .offset = OFF(kill_timeout), .default_value = "5s",
	  .exported = true,
	  .help = "stop signal to SIGKILL grace (5s)" },
	{ .key = "stop_signal", .flag = "stop-signal", .arg = "SIG",
	  .type = OPTIONS_SIGNAL, .offset = OFF(stop_signal),
	  .default_value = "TERM", .exported = true,
	  .help = "signal sent on stop (TERM)" },
	{ .key = "autostart", .flag = "no-autostart", .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_BOOL,
	  .offset = OFF(autostart), .default_value = "true",
	  .exported = true,
	  .help = "create the app stopped" },
	{ .key = "inherit_env", .flag = "no-inherit-env",
	  .type = OPTIONS_BOOL, .offset = OFF(inherit_env),
	  .default_value = "true", .exported = true,
	  .help = "do not pass this shell's environment on" },
	{ .key = "log_time", .flag = "log-time", .type = OPTIONS_BOOL,
	  .offset = OFF(log_time), .default_value = "false",
	  .exported = true,
	  .help = "prefix log lines with an ISO 8601 UTC time" },
	{ .key = "log_max_size", .flag = "log-max-size", .arg = "SIZE",
	  .type = OPTIONS_SIZE, .offset = OFF(log_max_size),
	  .minimum = 1024, .minimum_cause = "must be at least 1K",
	  .default_value = "10M", .exported = true,
	  .help = "rotate logs at SIZE (10M)" },
	{ .key = "log_keep", .flag = "log-keep", .arg = "N",
	  .type = OPTIONS_UINT, .offset = OFF(log_keep), .minimum = 0,
	  .maximum = 1000, .default_value = "5", .exported = true,
	  .help = "rotated files kept (5)" },
	/* Environment sets and log keys (issue 13 items 4 and 5). */
	{ .key = "env_", .prefix = true, .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_ENVSET, .exported = true,
	  .help = "environment set NAME: added to env with --env NAME" },
	{ .key = "env_name", .type = OPTIONS_SETNAME, .offset = OFF(env_name),
	  .exported = true,
	  .help = "the environment set --env NAME selected (saved)" },
	{ .key = "out_file", .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_LOGPATH,
	  .offset = OFF(out_file), .exported = true,
	  .help = "stdout log file (relative to cwd; /dev/null: none)" },
	{ .key = "error_file", .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_LOGPATH, .offset = OFF(error_file),
	  .exported = true,
	  .help = "stderr log file (relative to cwd; /dev/null: none)" },
	OPTIONS_ALIAS("err_file", "error_file", OPTIONS_PM2_SAME),
	{ .key = "log_file", .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_LOGPATH,
	  .offset = OFF(log_file), .exported = true,
	  .help = "one more file with both streams (true: logs/NAME.log)" },
	{ .key = "log_date_format", .flag = "log-date-format", .arg = "FMT",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_DATEFMT,
	  .offset = OFF(log_date_format), .exported = true,
	  .help = "prefix log lines with a local time in PM2's format" },
	{ .key = "time", .flag = "time", .alias_of = "log_time",
	  .pm2 = OPTIONS_PM2_MAPPED, .type = OPTIONS_BOOL,
	  .help = "PM2's: the same as --log-time" },
	/* Start order (issue 14 item 5). */
	{ .key = "depends_on", .type = OPTIONS_DEPS, .offset = OFF(deps),
	  .exported = true,
	  .help = "start after these apps: names or {app, condition}" },
	/* Instances (issue 14 item 2). */
	{ .key = "instances", .flag = "instances", .arg = "N",
	  .short_flag = 'i', .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_INSTANCES, .offset = OFF(instances), .minimum = 1,
	  .maximum = OPM_INSTANCES_MAX, .exported = true,
	  .help = "run N instances (max: one per CPU, -1: one less)" },
	{ .key = "instance_var", .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_VARNAME, .offset = OFF(instance_var),
	  .exported = true,
	  .help = "the variable holding the instance (NODE_APP_INSTANCE)" },
	{ .key = "increment_var", .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_VARNAME, .offset = OFF(increment_var),
	  .exported = true,
	  .help = "a variable of env that instance K gets plus K (PORT)" },
	{ .key = "merge_logs", .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_BOOL,
	  .offset = OFF(merge_logs), .default_value = "false",
	  .exported = true,
	  .help = "instances share one log file per stream" },
	OPTIONS_ALIAS("combine_logs", "merge_logs", OPTIONS_PM2_SAME),

	/* Sockets owned by opm (issue 14 item 3): PM2 has no such key. */
	{ .key = "listen", .flag = "listen", .arg = "ADDR",
	  .type = OPTIONS_LISTEN, .offset = OFF(listen), .exported = true,
	  .help = "socket opm binds, passed as LISTEN_FDS (repeatable)" },

	/* Readiness (issue 14 item 1). */
	{ .key = "ready", .flag = "ready", .arg = "KIND",
	  .type = OPTIONS_READY, .offset = OFF(ready),
	  .default_value = "none", .exported = true,
	  .help = "notify, ipc, tcp:PORT or http://HOST:PORT/PATH (none)" },
	{ .key = "wait_ready", .flag = "wait-ready", .alias_of = "ready",
	  .pm2 = OPTIONS_PM2_MAPPED, .type = OPTIONS_BOOL,
	  .map_true = "ipc", .map_false = "none",
	  .help = "PM2's: --ready ipc (Node's process.send('ready'))" },
	{ .key = "listen_timeout", .flag = "listen-timeout", .arg = "DUR",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_DURATION,
	  .offset = OFF(listen_timeout), .minimum = 100,
	  .minimum_cause = "must be at least 100ms",
	  .default_value = "30s", .exported = true,
	  .help = "not ready this long after exec: a failed start (30s)" },
	OPTIONS_ALIAS("ready_timeout", "listen_timeout", OPTIONS_PM2_NONE),
	{ .key = "watchdog_sec", .flag = "watchdog-sec", .arg = "DUR",
	  .type = OPTIONS_DURATION, .offset = OFF(watchdog_sec),
	  .default_value = "0", .exported = true,
	  .help = "with notify: restart if no WATCHDOG=1 for DUR (0: off)" },

	/* Production (issue 16 items 1, 2 and 4). */
	{ .key = "user", .flag = "user", .arg = "USER",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_IDENT, .offset = OFF(user),
	  .exported = true,
	  .help = "run as USER, a name or uid (the daemon must be root)" },
	OPTIONS_ALIAS("uid", "user", OPTIONS_PM2_SAME),
	{ .key = "group", .flag = "group", .arg = "GROUP",
	  .type = OPTIONS_IDENT, .offset = OFF(group), .exported = true,
	  .help = "run with group GROUP, a name or gid (default: USER's)" },
	OPTIONS_ALIAS("gid", "group", OPTIONS_PM2_SAME),
	{ .key = "limits", .type = OPTIONS_LIMITS, .exported = true,
	  .help = "setrlimit: {nofile, nproc, core, memlock, stack, cpu}" },
	{ .key = "cpu_max", .type = OPTIONS_CGROUP, .offset = OFF(cpu_max),
	  .exported = true,
	  .help = "cgroup v2 cpu.max as a percentage of one CPU (\"50%\")" },
	{ .key = "memory_max", .type = OPTIONS_CGROUP,
	  .offset = OFF(memory_max), .exported = true,
	  .help = "cgroup v2 memory.max, a size (\"512M\")" },
	{ .key = "pids_max", .type = OPTIONS_CGROUP, .offset = OFF(pids_max),
	  .exported = true,
	  .help = "cgroup v2 pids.max, a number of processes" },
	{ .key = "log_target", .type = OPTIONS_LOGTARGET,
	  .offset = OFF(log_target), .default_value = "file",
	  .exported = true,
	  .help = "file, journal, syslog, stdout, or a list of them (file)" },
	/* Hooks (issue 17 item 2): PM2 has no such keys. */
	{ .key = "hooks", .type = OPTIONS_HOOKS, .offset = OFF(hooks),
	  .exported = true,
	  .help = "commands run on events: {\"crash\": CMD, ...}" },
	{ .key = "hook_window", .type = OPTIONS_DURATION,
	  .offset = OFF(hook_window), .default_value = "60s",
	  .exported = true,
	  .help = "a hook runs once per app and event in DUR (60s; 0: always)" },
	{ .key = "hook_timeout", .type = OPTIONS_DURATION,
	  .offset = OFF(hook_timeout), .minimum = 100,
	  .minimum_cause = "must be at least 100ms",
	  .default_value = "10s", .exported = true,
	  .help = "a hook still running after DUR is killed (10s)" },
	/* Schedules (issue 15 item 3): PM2's cron_restart, and jobs. */
	{ .key = "cron_restart", .flag = "cron-restart", .arg = "EXPR",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_CRON, .offset = OFF(cron),
	  .exported = true,
	  .help = "restart at these times: cron, 5 or 6 fields (seconds first)" },
	OPTIONS_ALIAS("cron", "cron_restart", OPTIONS_PM2_SAME),
	{ .key = "cron_mode", .flag = "cron-mode", .arg = "MODE",
	  .type = OPTIONS_ENUM, .offset = OFF(cron_mode),
	  .choices = options_cron_modes, .default_value = "restart",
	  .exported = true,
	  .help = "restart (a running app) | run (start a job) (restart)" },
	{ .key = "cron_tz", .flag = "cron-tz", .arg = "ZONE",
	  .type = OPTIONS_TZ, .offset = OFF(cron_tz), .exported = true,
	  .help = "time zone of cron_restart, e.g. Europe/Berlin (local)" },
	/* The rolling reload and cluster mode (issue 14 item 4). */
	{ .key = "exec_mode", .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_ENUM,
	  .offset = OFF(exec_mode), .choices = options_exec_mode_choices,
	  .default_value = "fork", .exported = true,
	  .help = "cluster: instances share the listen sockets; node's "
	  "listen(PORT) uses them" },
	{ .key = "shutdown_with_message", .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_BOOL, .offset = OFF(shutdown_with_message),
	  .default_value = "false", .exported = true,
	  .help = "stop by sending 'shutdown' on Node's channel, not a signal" },

	/* Watch (issue 15 item 1). */
	{ .key = "watch", .flag = "watch", .pm2 = OPTIONS_PM2_SAME,
	  .type = OPTIONS_WATCH, .offset = OFF(watch), .exported = true,
	  .help = "restart on file changes under cwd (--watch=PATH: PATH)" },
	{ .key = "ignore_watch", .flag = "ignore-watch", .arg = "GLOB",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_GLOBS,
	  .offset = OFF(ignore_watch), .exported = true,
	  .help = "ignored too, as node_modules, .git... (repeatable)" },
	{ .key = "watch_delay", .flag = "watch-delay", .arg = "DUR",
	  .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_DURATION,
	  .offset = OFF(watch_delay), .minimum = 50,
	  .minimum_cause = "must be at least 50ms",
	  .default_value = "1s", .exported = true,
	  .help = "restart once the tree is quiet this long (1s)" },
	OPTIONS_PM2("watch_options", OPTIONS_PM2_DEFAULT, "*",
	    "chokidar's options; opm watches with inotify, ignored"),

	/* PM2's keys of later issues: refused, but for their default. */
	/* Restart triggers (issue 15 items 2 and 4). */
	{ .key = "max_memory_restart", .flag = "max-memory-restart",
	  .arg = "SIZE", .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_SIZE,
	  .offset = OFF(max_memory_restart), .default_value = "0",
	  .exported = true,
	  .help = "restart when its process tree uses more (0: no limit)" },
	{ .key = "health", .type = OPTIONS_HEALTH, .offset = OFF(health),
	  .exported = true,
	  .help = "{http|tcp|exec, interval, timeout, retries, start_period}" },

	/* PM2's keys of later issues: refused, but for their default. */
	OPTIONS_PM2("log_type", OPTIONS_PM2_LATER, NULL,
	    "logs are plain lines; remove it"),

	/* PM2's keys whose accepted values are what opm does anyway. */
	OPTIONS_PM2("source_map_support", OPTIONS_PM2_DEFAULT, "true false",
	    "node's own --enable-source-maps can go in node_args"),
	OPTIONS_PM2("disable_source_map_support", OPTIONS_PM2_DEFAULT,
	    "true false", "opm injects nothing into node"),
	OPTIONS_PM2("vizion", OPTIONS_PM2_DEFAULT, "true false",
	    "opm keeps no versioning metadata"),
	OPTIONS_PM2("pmx", OPTIONS_PM2_DEFAULT, "true false",
	    "opm injects nothing into node"),
	OPTIONS_PM2("automation", OPTIONS_PM2_DEFAULT, "true false",
	    "opm injects nothing into node"),
	OPTIONS_PM2("treekill", OPTIONS_PM2_DEFAULT, "true",
	    "opm always stops the whole process group"),
	OPTIONS_PM2("force", OPTIONS_PM2_DEFAULT, "false",
	    "opm never starts a second copy of an app; use another name"),
	OPTIONS_PM2("filter_env", OPTIONS_PM2_DEFAULT, "false",
	    "inherit_env: false passes none of the shell's environment"),
	OPTIONS_PM2("namespace", OPTIONS_PM2_DEFAULT, "\"default\"",
	    "opm has no namespaces; use a name prefix"),
	OPTIONS_PM2("name_prefix", OPTIONS_PM2_DEFAULT, NULL,
	    "write the whole name"),
	OPTIONS_PM2("append_env_to_name", OPTIONS_PM2_DEFAULT, "false",
	    "write the whole name"),
	OPTIONS_PM2("disable_logs", OPTIONS_PM2_DEFAULT, "false",
	    "send the output to /dev/null with out_file and error_file"),
	OPTIONS_PM2("pid_file", OPTIONS_PM2_DEFAULT, NULL,
	    "opm writes no pid files: opm info --json NAME has the pid"),
	OPTIONS_PM2("pid", OPTIONS_PM2_DEFAULT, NULL,
	    "opm writes no pid files: opm info --json NAME has the pid"),
	OPTIONS_PM2("port", OPTIONS_PM2_DEFAULT, NULL,
	    "set \"env\": {\"PORT\": \"N\"}"),
	OPTIONS_PM2("install_url", OPTIONS_PM2_DEFAULT, NULL,
	    "install the app yourself"),
	OPTIONS_PM2("execute_command", OPTIONS_PM2_DEFAULT, "false",
	    "give the command as script"),
	OPTIONS_PM2("post_update", OPTIONS_PM2_DEFAULT, "*",
	    "PM2.io only; ignored"),
	OPTIONS_PM2("trace", OPTIONS_PM2_DEFAULT, "false",
	    "PM2.io only"),
	OPTIONS_PM2("disable_trace", OPTIONS_PM2_DEFAULT, "true",
	    "PM2.io only"),
	OPTIONS_PM2("v8", OPTIONS_PM2_DEFAULT, "false", "PM2.io only"),
	OPTIONS_PM2("event_loop_inspector", OPTIONS_PM2_DEFAULT, "false",
	    "PM2.io only"),
	OPTIONS_PM2("deep_monitoring", OPTIONS_PM2_DEFAULT, "false",
	    "PM2.io only"),
	OPTIONS_PM2("io", OPTIONS_PM2_DEFAULT, "*", "PM2.io only; ignored"),
	OPTIONS_PM2("username", OPTIONS_PM2_DEFAULT, "*",
	    "written by PM2 itself; ignored"),
	OPTIONS_PM2("windowsHide", OPTIONS_PM2_DEFAULT, "*",
	    "Windows only; ignored"),
	OPTIONS_PM2("kill_retry_time", OPTIONS_PM2_DEFAULT, "*",
	    "opm waits kill_timeout, then sends SIGKILL"),
	OPTIONS_PM2("write", OPTIONS_PM2_DEFAULT, "false",
	    "remove it"),
};
const size_t options_count = sizeof options_table / sizeof options_table[0];

const struct options_entry *
options_find(const char *key)
{
	const struct options_entry	*o;
	size_t				 i, n;

	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (!o->prefix && strcmp(o->key, key) == 0)
			return (o);
	}
	/* Pattern rows: the prefix and at least one more character. */
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		n = strlen(o->key);
		if (o->prefix && strncmp(o->key, key, n) == 0 && key[n] != '\0')
			return (o);
	}
	return (NULL);
}

const struct options_entry *
options_find_flag(const char *flag, size_t n)
{
	const struct options_entry	*o;
	size_t				 i;

	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (o->flag != NULL && strlen(o->flag) == n &&
		    strncmp(o->flag, flag, n) == 0)
			return (o);
	}
	return (NULL);
}

const struct options_entry *
options_find_short(char c)
{
	size_t	i;

	for (i = 0; c != '\0' && i < options_count; i++) {
		if (options_table[i].short_flag == c)
			return (&options_table[i]);
	}
	return (NULL);
}

const struct options_entry *
options_target(const struct options_entry *o)
{
	const struct options_entry	*t;

	if (o->alias_of == NULL || (t = options_find(o->alias_of)) == NULL)
		return (o);
	return (t);
}

bool
options_pm2_only(const struct options_entry *o)
{
	return (o->pm2 == OPTIONS_PM2_DEFAULT || o->pm2 == OPTIONS_PM2_LATER);
}

/* s lowered, without '-' and '_', in buf. */
static void
options_fold(const char *s, char *buf, size_t len)
{
	size_t	n = 0;

	for (; *s != '\0' && n + 1 < len; s++) {
		if (*s != '-' && *s != '_')
			buf[n++] = tolower((unsigned char)*s);
	}
	buf[n] = '\0';
}

/* Edit distance with transpositions (optimal string alignment). */
static size_t
options_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, c, v;
	size_t	d[65][65];

	if (la > 64 || lb > 64)
		return (SIZE_MAX);
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			c = a[i - 1] != b[j - 1];
			v = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return (d[la][lb]);
}

const char *
options_suggest(const char *key)
{
	const struct options_entry	*o;
	const char			*best = NULL, *cand[2];
	char				 k[80], w[80];
	size_t				 i, j, d, bestd = SIZE_MAX, max;

	options_fold(key, k, sizeof k);
	/* Short words are too close to many others. */
	max = strlen(k) < 4 ? 1 : strlen(k) < 9 ? 2 : 3;
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		cand[0] = o->key;
		cand[1] = o->flag;
		for (j = 0; j < 2; j++) {
			if (cand[j] == NULL)
				continue;
			options_fold(cand[j], w, sizeof w);
			d = options_distance(k, w);
			if (d < bestd) {
				bestd = d;
				best = o->key;
			}
		}
	}
	return (bestd <= max ? best : NULL);
}
