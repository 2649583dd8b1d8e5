/*
 * The table of app options (see include/options.h). A new option is one row
 * here plus the code that gives it meaning; a new alias, PM2's names
 * included, is one OPTIONS_ALIAS row. The order of the rows is the order of
 * the keys in conf_to_json's output (export, the dump) and of the flags in
 * `opm help start`.
 */
#include <stddef.h>
#include <string.h>

#include "conf.h"
#include "options.h"

static const char *const options_restart_choices[] = {
	"always", "on-failure", "never", NULL	/* enum restart_policy */
};

#define OFF(field) offsetof(struct app_conf, field)

/* Another name of key TARGET, with the same value and help. */
#define OPTIONS_ALIAS(k, target, kind)					\
	{ .key = k, .alias_of = target, .pm2 = kind }

const struct options_entry options_table[] = {
	{ .key = "name", .flag = "name", .arg = "NAME",
	  .type = OPTIONS_NAME, .offset = OFF(name), .exported = true,
	  .help = "app name, [A-Za-z0-9._-]{1,64} (default: program)" },
	{ .key = "script", .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_PROGRAM,
	  .help = "the program, or one word of shell syntax for /bin/sh -c" },
	OPTIONS_ALIAS("cmd", "script", OPTIONS_PM2_NONE),
	{ .key = "argv", .type = OPTIONS_ARGV, .offset = OFF(argv),
	  .exported = true,
	  .help = "the whole argv, program first, executed directly" },
	{ .key = "args", .pm2 = OPTIONS_PM2_SAME, .type = OPTIONS_ARGS,
	  .help = "arguments of script: an array, or words of a string" },
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
	{ .key = "autostart", .flag = "no-autostart", .type = OPTIONS_BOOL,
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
	{ .key = "merge_logs", .pm2 = OPTIONS_PM2_DEFAULT, .pm2_accept = "*",
	  .type = OPTIONS_BOOL,
	  .help = "PM2's instance log merging: one file per app, as opm does" },
	OPTIONS_ALIAS("combine_logs", "merge_logs", OPTIONS_PM2_DEFAULT),
	/* Sockets owned by opm (issue 14 item 3): PM2 has no such key. */
	{ .key = "listen", .flag = "listen", .arg = "ADDR",
	  .type = OPTIONS_LISTEN, .offset = OFF(listen), .exported = true,
	  .help = "socket opm binds, passed as LISTEN_FDS (repeatable)" },
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
options_target(const struct options_entry *o)
{
	const struct options_entry	*t;

	if (o->alias_of == NULL || (t = options_find(o->alias_of)) == NULL)
		return (o);
	return (t);
}
