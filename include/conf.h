/*
 * An app's configuration: what is saved, sent in app files and compared on
 * restore. It never holds a pid or a counter; those live in struct app.
 */
#ifndef OPM_CONF_H
#define OPM_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "opm.h"
#include "rlim.h"

struct health_spec;

enum restart_policy { RESTART_ALWAYS, RESTART_ON_FAILURE, RESTART_NEVER };
/* What cron_restart's times do (issue 15 item 3). */
enum cron_mode { CRON_MODE_RESTART, CRON_MODE_RUN };

#define CONF_STOP_CODES_MAX	32
#define CONF_ENVSETS_MAX	64
#define CONF_SETNAME_MAX	64
#define CONF_LISTEN_MAX		16	/* sockets of one app */

/* What a dependency of depends_on waits for (deps.c). */
enum deps_cond { DEPS_STARTED, DEPS_READY, DEPS_COMPLETED };

/* One entry of depends_on: an app, by name, and its condition. */
struct conf_dep {
	char		  name[OPM_NAME_MAX + 1];
	enum deps_cond	  cond;
};

/* One env_NAME object of an app (PM2's environment sets). */
struct conf_envset {
	char		 *name;		/* NAME, without "env_" */
	char		**env;		/* KEY=VALUE */
};

struct app_conf {
	char		  name[OPM_NAME_MAX + 1];
	/*
	 * The program as written: script (with args, and an interpreter
	 * with its interpreter_args) or argv; one of script and argv is
	 * set. What runs is worked out at each spawn (interp.c).
	 */
	char		 *script;
	char		**args;
	char		 *interpreter;	/* NULL: by the script's kind */
	char		**interp_args;
	char		**argv;		/* executed as it is */
	char		 *cwd;
	char		**env_base;	/* environment of the creating CLI */
	bool		  inherit_env;	/* false: env_base stays empty */
	char		**env;		/* KEY=VALUE added by --env */
	char		 *env_file;
	enum restart_policy restart;
	int		  stop_codes[CONF_STOP_CODES_MAX];
	size_t		  nstop_codes;
	unsigned	  max_restarts;
	uint64_t	  min_uptime;	/* all durations in ms */
	uint64_t	  restart_delay;
	uint64_t	  backoff_max;
	uint64_t	  kill_timeout;
	int		  stop_signal;
	bool		  autostart;
	bool		  log_time;
	uint64_t	  log_max_size;
	unsigned	  log_keep;
	struct conf_envset *envsets;	/* env_NAME, in file order */
	size_t		  nenvsets;
	char		 *env_name;	/* the set --env NAME selected */
	/* Log paths, absolute; "/dev/null": none; NULL: the default. */
	char		 *out_file;
	char		 *error_file;
	char		 *log_file;	/* both streams; "": logs/NAME.log */
	char		 *log_date_format; /* as written (moment tokens) */
	char		**listen;	/* [NAME=]ADDR as written (addr.h) */
	struct conf_dep	 *deps;		/* depends_on, in file order */
	size_t		  ndeps;
	/* Instances: 0 none (one app); N: N instances, 0 to N-1. */
	unsigned	  instances;
	char		 *instance_var;	/* NULL: NODE_APP_INSTANCE */
	char		 *increment_var; /* NULL: none */
	bool		  merge_logs;	/* instances share the log files */
	/* Readiness (issue 14 item 1). */
	char		 *ready;	/* as written; NULL: none */
	uint64_t	  listen_timeout;
	uint64_t	  watchdog_sec;	/* ms; 0: no watchdog */
	/* Production (issue 16): identity, limits, where output goes. */
	char		 *user;		/* name or uid as written; NULL */
	char		 *group;	/* name or gid as written; NULL */
	struct rlim_val	  limits[RLIM_NKEYS];
	uint64_t	  cpu_max;	/* percent of one CPU; 0: not set */
	uint64_t	  memory_max;	/* bytes; 0: not set */
	uint64_t	  pids_max;	/* 0: not set */
	unsigned	  log_target;	/* LOGSINK_* bits (logsink.h) */
	/* Hooks (issue 17 item 2): EVENT=CMD, in file order; NULL: none. */
	char		**hooks;
	uint64_t	  hook_window;	/* ms: one run per app and event */
	uint64_t	  hook_timeout;	/* ms: then SIGKILL */
	/* Schedules (issue 15 item 3; cron.h). */
	char		 *cron;		/* cron_restart as written; NULL */
	int		  cron_mode;	/* enum cron_mode */
	char		 *cron_tz;	/* NULL: the daemon's local time */
	/* The rolling reload and cluster mode (issue 14 item 4). */
	int		  exec_mode;	/* index of options' exec_mode choices */
	bool		  shutdown_with_message; /* "shutdown" on Node's channel */
	/*
	 * Watch (issue 15 item 1): NULL off; an empty vector (true) the
	 * cwd; else the paths as written, relative to cwd.
	 */
	char		**watch;
	char		**ignore_watch;	/* globs added to the defaults */
	uint64_t	  watch_delay;	/* quiet this long before a restart */
	/* Restart triggers (issue 15 items 2 and 4). */
	uint64_t	  max_memory_restart; /* bytes; 0: no limit */
	struct health_spec *health;	/* NULL: no health checks */
};

/* exec_mode: cluster (or PM2's cluster_mode), instances on one socket. */
#define CONF_CLUSTER(c)	((c)->exec_mode % 2 == 1)

/*
 * The documented defaults (opm-apps(5)), from the option table
 * (src/common/options.c); argv, cwd and name are left empty.
 */
void	 conf_defaults(struct app_conf *);
void	 conf_free(struct app_conf *);
/*
 * env_base vectors are shared between apps: conf_env_share takes
 * ownership of v and returns the one shared copy equal to it, which
 * must never be changed; conf_env_unshare drops a reference (conf_free
 * does), and frees a vector that was never shared.
 */
char	**conf_env_share(char **v);
void	 conf_env_unshare(char **v);
/*
 * Fills c from one app object of an app file or a start request. Keys not
 * in the option table are errors. On error returns -1 with every problem
 * of the object in cause, one line each ("KEY: reason", or PM2's message
 * for PM2's keys opm does not support).
 */
int	 conf_from_json(struct app_conf *c, const cJSON *obj, char *cause,
	    size_t clen);
/* The app object, in the same format conf_from_json reads. */
cJSON	*conf_to_json(const struct app_conf *);
/* true when two configurations would run the same program the same way. */
bool	 conf_same_program(const struct app_conf *, const struct app_conf *);
/*
 * The keys of the app file (opm-apps(5)) whose values differ between a and
 * b, in option-table order: an array the caller owns, empty when the two
 * would be saved alike. env_base (the creating CLI's environment) is no
 * key and is not compared.
 */
cJSON	*conf_diff(const struct app_conf *a, const struct app_conf *b);
const char *conf_restart_name(enum restart_policy);
/* The set called name, or NULL. */
const struct conf_envset *conf_envset(const struct app_conf *,
	    const char *name);
/* The kind of c's ready key (enum ready_kind; 0: none). */
int	 conf_ready_kind(const struct app_conf *c);
/* Whether s can name an environment set: 1-64 of [A-Za-z0-9._-]. */
bool	 conf_setname_ok(const char *s);

#endif
