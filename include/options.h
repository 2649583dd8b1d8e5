/*
 * The app options: one row per key of an app object (app files, start
 * requests, the dump, export), in the spirit of tmux's options-table.c.
 * conf.c reads, writes and defaults a struct app_conf by walking it, the
 * CLI's start.c parses its flags and prints `opm help start` from it, and
 * tests/unit/test_options.c checks it against the man pages and the bash
 * completion. The table is plain data, linked by the CLI as well as the
 * daemon, so it must not pull in libuv.
 */
#ifndef OPM_OPTIONS_H
#define OPM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* How a value is read, checked and written; conf.c gives each its meaning. */
enum options_type {
	OPTIONS_NAME,		/* app name, char[] */
	OPTIONS_PROGRAM,	/* script: a program or a shell command */
	OPTIONS_ARGV,		/* the whole argv, program first */
	OPTIONS_ARGS,		/* arguments of the program: array or words */
	OPTIONS_STRING,		/* a non-empty string, char * */
	OPTIONS_PATH,		/* absolute path, char * */
	OPTIONS_ENV,		/* object of variables, char **env KEY=VALUE */
	OPTIONS_BOOL,		/* bool */
	OPTIONS_ENUM,		/* one of choices, stored as its index (int) */
	OPTIONS_CODES,		/* exit codes, int[] stop_codes + nstop_codes */
	OPTIONS_UINT,		/* unsigned in [minimum, maximum] */
	OPTIONS_DURATION,	/* uint64_t ms, at least minimum */
	OPTIONS_SIZE,		/* uint64_t bytes, at least minimum */
	OPTIONS_SIGNAL,		/* int: a signal that can stop an app */
	/* Environment sets and log keys (issue 13 items 4 and 5). */
	OPTIONS_ENVSET,		/* env_NAME objects: a prefix row */
	OPTIONS_SETNAME,	/* the name of an environment set, char * */
	OPTIONS_LOGPATH,	/* a log path: relative to cwd; null: none */
	OPTIONS_DATEFMT,	/* PM2's log_date_format (moment tokens) */
	/* Sockets owned by opm (issue 14 item 3). */
	OPTIONS_LISTEN,		/* addresses (addr.h), char ** */
	/* Start order (issue 14 item 5). */
	OPTIONS_DEPS,		/* depends_on: struct conf_dep[] + ndeps */
	/* Instances (issue 14 item 2). */
	OPTIONS_INSTANCES,	/* unsigned: N, "max" or -1 (CPUs); 0 none */
	OPTIONS_VARNAME,	/* an environment variable's name, char * */
	OPTIONS_READY,		/* a ready kind (ready.h), char *; none: NULL */
	/* Production (issue 16 items 1, 2 and 4). */
	OPTIONS_IDENT,		/* a user or group: name or number, char * */
	OPTIONS_LIMITS,		/* limits: struct rlim_val[RLIM_NKEYS] */
	OPTIONS_CGROUP,		/* cpu_max, memory_max, pids_max: uint64_t */
	OPTIONS_LOGTARGET,	/* log_target: LOGSINK_* bits, unsigned */
	/* Hooks (issue 17 item 2). */
	OPTIONS_HOOKS,		/* {EVENT: CMD}, char ** of EVENT=CMD */
	/* Schedules (issue 15 item 3). */
	OPTIONS_CRON,		/* a cron expression (cron.h), char *; "0": NULL */
	OPTIONS_TZ,		/* an IANA time zone name, char * */
	/* Watch (issue 15 item 1). */
	OPTIONS_WATCH,		/* true, a path or paths, char **; false NULL */
	OPTIONS_GLOBS,		/* a glob or an array of globs, char ** */
	/* Restart triggers (issue 15). */
	OPTIONS_HEALTH,		/* health object (health.h); none: NULL */
};

/*
 * What PM2 makes of the key. Every key of PM2's app schema has a row: one
 * of opm's with the same meaning, one mapped onto an opm option, one
 * accepted for the values that are what opm does anyway (pm2_accept), or
 * one refused as "PM2's KEY is not supported yet" with the row's help as
 * the hint (pm2_accept lists the values still accepted, if any).
 */
enum options_pm2 {
	OPTIONS_PM2_NONE,	/* not a PM2 key */
	OPTIONS_PM2_SAME,	/* PM2's key, with the same meaning */
	OPTIONS_PM2_MAPPED,	/* PM2's key, mapped onto an opm option */
	OPTIONS_PM2_DEFAULT,	/* accepted for pm2_accept, else refused */
	OPTIONS_PM2_LATER,	/* refused unless pm2_accept; a later issue */
};

struct options_entry {
	const char	 *key;		/* app-file key */
	const char	 *flag;		/* opm start --FLAG, or NULL */
	char		  short_flag;	/* opm start -C too, or '\0' */
	const char	 *arg;		/* the flag's value in help, or NULL */
	/* Another name of this key: parsed as that row (after mapping). */
	const char	 *alias_of;
	enum options_pm2  pm2;
	enum options_type type;
	size_t		  offset;	/* of the field in struct app_conf */
	long long	  minimum;
	long long	  maximum;
	const char	 *minimum_cause; /* error text below minimum */
	const char	*const *choices; /* OPTIONS_ENUM, NULL-terminated */
	/* A boolean alias: the value of alias_of for true and for false. */
	const char	 *map_true;
	const char	 *map_false;
	/* Read by the same parser as a user's value; NULL: none. */
	const char	 *default_value;
	bool		  exported;	/* written by conf_to_json */
	/*
	 * A pattern row: key is a prefix ("env_"), and every longer key that
	 * begins with it is this row (docs write it key + "NAME"). Exact
	 * keys of other rows win ("env_file").
	 */
	bool		  prefix;
	/*
	 * OPTIONS_PM2_DEFAULT and _LATER: the values accepted (and ignored),
	 * as compact JSON separated by spaces ("false", "1 \"1\""), or "*"
	 * for any value; NULL: none.
	 */
	const char	 *pm2_accept;
	/* One line; for a flag, its line in `opm help start`. */
	const char	 *help;
};

extern const struct options_entry options_table[];
extern const size_t options_count;

/*
 * The row of an app-file key, aliases included, pattern rows after exact
 * ones; NULL when unknown.
 */
const struct options_entry *options_find(const char *key);
/* The row of an opm start flag (without "--", n bytes); NULL if none. */
const struct options_entry *options_find_flag(const char *flag, size_t n);
/* The row of a one-letter flag (-i); NULL if none. */
const struct options_entry *options_find_short(char c);
/* The row an alias stands for; the row itself when it is not an alias. */
const struct options_entry *options_target(const struct options_entry *);
/* A PM2 key opm has no option for (OPTIONS_PM2_DEFAULT or _LATER). */
bool	 options_pm2_only(const struct options_entry *);
/*
 * The key the unknown key is most likely a typo of (keys and flags,
 * case, '-' and '_' aside); NULL when none is close.
 */
const char *options_suggest(const char *key);

#endif
