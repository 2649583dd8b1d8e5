/*
 * opm import [PM2-DUMP] [--start] [--print]: the apps of the file `pm2 save`
 * writes (~/.pm2/dump.pm2, a JSON array of PM2's process descriptions)
 * translated here into an app file, sent as one start request as
 * `opm start FILE` sends its apps: every app is checked first, an app whose
 * name exists is left alone (so importing twice changes nothing), and the
 * apps are created stopped unless --start (then the ones PM2 had online
 * start). What opm cannot carry over is listed after the apps.
 *
 * The translation is two tables: keys copied to an opm key (a row whose opm
 * key the option table lacks reports the PM2 key as not carried over, so a
 * row for a key opm gains later is one line), and keys that only matter
 * when they differ from PM2's default.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "options.h"
#include "protocol.h"
#include "xmem.h"

/* A PM2 dump is larger than an app file: it holds every app's whole env. */
#define IMPORT_DUMP_MAX	(64 * 1024 * 1024)

/* PM2's key copied as it is to an opm app-file key. */
struct import_copy {
	const char	*pm2;
	const char	*opm;
};

static const struct import_copy import_copies[] = {
	{ "name",			"name" },
	{ "pm_cwd",			"cwd" },
	{ "autorestart",		"autorestart" },
	{ "max_restarts",		"max_restarts" },
	{ "min_uptime",			"min_uptime" },
	{ "restart_delay",		"restart_delay" },
	{ "exp_backoff_restart_delay",	"exp_backoff_restart_delay" },
	{ "kill_timeout",		"kill_timeout" },
	{ "stop_exit_codes",		"stop_exit_codes" },
	{ "log_date_format",		"log_date_format" },
	{ "time",			"time" },
	{ "wait_ready",			"wait_ready" },
	{ "listen_timeout",		"listen_timeout" },
	{ "cron_restart",		"cron_restart" },
	{ "watch",			"watch" },
	{ "ignore_watch",		"ignore_watch" },
	{ "watch_delay",		"watch_delay" },
	{ "max_memory_restart",		"max_memory_restart" },
};

/* When a PM2 key that opm does not carry matters. */
enum import_when {
	IMPORT_TRUE,		/* true, or a non-empty array or string */
	IMPORT_SET,		/* present and not null */
	IMPORT_ABOVE_1,		/* a number above 1, or a string ("max") */
	IMPORT_NOT,		/* a string other than value */
	IMPORT_FALSE,		/* false */
};

struct import_lost {
	const char		*pm2;
	enum import_when	 when;
	const char		*value;	/* IMPORT_NOT */
	const char		*why;
};

static const struct import_lost import_losts[] = {
	{ "instances", IMPORT_ABOVE_1, NULL,
	  "several instances are not supported yet; one is created" },
	{ "exec_mode", IMPORT_NOT, "fork_mode",
	  "cluster mode is not supported yet; the app runs as one process" },
	{ "uid", IMPORT_SET, NULL, "running as another user is not "
	  "supported yet" },
	{ "gid", IMPORT_SET, NULL, "running as another group is not "
	  "supported yet" },
	{ "treekill", IMPORT_FALSE, NULL,
	  "opm always signals the whole process group" },
	{ "namespace", IMPORT_NOT, "default", "opm has no namespaces" },
};

/* Variables of PM2's env that are PM2's or the shell's, not the app's. */
static const char *const import_env_skip[] = {
	"_", "PWD", "OLDPWD", "SHLVL", "unique_id", "NODE_APP_INSTANCE",
	"pm_id", NULL
};

struct import_ctx {
	const char	*logs;		/* PM2_HOME/logs/, PM2's own log files */
	bool		 start;
	char		*lost;		/* lines of what was not carried */
};

static void
import_lost(struct import_ctx *x, const char *app, const char *key,
    const char *why)
{
	char	*t;

	xasprintf(&t, "%s  %s: %s: %s\n", x->lost ? x->lost : "", app, key,
	    why);
	free(x->lost);
	x->lost = t;
}

static cJSON *
import_read(const char *path)
{
	char	*buf, cause[160];
	cJSON	*j;
	FILE	*f;
	long	 len;

	if ((f = fopen(path, "re")) == NULL)
		cli_fatal(EXIT_FAIL, "import: %s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    len > IMPORT_DUMP_MAX || fseek(f, 0, SEEK_SET) == -1)
		cli_fatal(EXIT_FAIL, "import: %s: unreadable or larger than "
		    "64 MiB", path);
	buf = xmalloc(len + 1);
	if (fread(buf, 1, len, f) != (size_t)len)
		cli_fatal(EXIT_FAIL, "import: %s: read error", path);
	fclose(f);
	buf[len] = '\0';
	if ((j = json_parse(buf, len, cause, sizeof cause)) == NULL)
		cli_fatal(EXIT_FAIL, "import: %s: %s", path, cause);
	free(buf);
	if (!cJSON_IsArray(j))
		cli_fatal(EXIT_FAIL, "import: %s: not a PM2 dump (expected "
		    "the array of processes pm2 save writes)", path);
	return (j);
}

/* True when PM2's value v of row l means something opm would lose. */
static bool
import_matters(const struct import_lost *l, const cJSON *v)
{
	switch (l->when) {
	case IMPORT_TRUE:
		return (cJSON_IsTrue(v) || (cJSON_IsArray(v) &&
		    cJSON_GetArraySize(v) > 0) || (cJSON_IsString(v) &&
		    *v->valuestring != '\0'));
	case IMPORT_SET:
		return (!cJSON_IsNull(v));
	case IMPORT_ABOVE_1:
		return ((cJSON_IsNumber(v) && v->valuedouble > 1) ||
		    cJSON_IsString(v));
	case IMPORT_NOT:
		return (cJSON_IsString(v) &&
		    strcmp(v->valuestring, l->value) != 0);
	case IMPORT_FALSE:
		return (cJSON_IsFalse(v));
	}
	return (false);
}

/*
 * The app's own variables of PM2's env, which holds the whole environment
 * PM2 was started with: those that differ from this shell's (an app
 * inherits this shell's environment), strings only, PM2's own left out.
 */
static cJSON *
import_env(const cJSON *p, const char *name, char **kept)
{
	const cJSON	*e;
	cJSON		*env = cJSON_CreateObject();
	const char	*cur;
	char		*t;
	size_t		 i;

	*kept = NULL;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "env")) {
		if (!cJSON_IsString(e) || strcmp(e->string, name) == 0 ||
		    strncmp(e->string, "PM2_", 4) == 0 ||
		    strncmp(e->string, "pm_", 3) == 0)
			continue;
		for (i = 0; import_env_skip[i] != NULL; i++) {
			if (strcmp(e->string, import_env_skip[i]) == 0)
				break;
		}
		if (import_env_skip[i] != NULL)
			continue;
		if ((cur = getenv(e->string)) != NULL &&
		    strcmp(cur, e->valuestring) == 0)
			continue;
		cJSON_AddStringToObject(env, e->string, e->valuestring);
		xasprintf(&t, "%s%s%s", *kept ? *kept : "", *kept ? " " : "",
		    e->string);
		free(*kept);
		*kept = t;
	}
	return (env);
}

/* A log path of PM2's: carried when the user chose it, not PM2's default. */
static void
import_log(struct import_ctx *x, const cJSON *p, cJSON *app,
    const char *name, const char *pm2, const char *opm)
{
	const char	*path = json_str(p, pm2);

	if (path == NULL || (x->logs != NULL &&
	    strncmp(path, x->logs, strlen(x->logs)) == 0))
		return;
	if (options_find(opm) == NULL) {
		import_lost(x, name, pm2, "log paths of one's own are not "
		    "supported yet; opm writes OPM_HOME/logs");
		return;
	}
	cJSON_AddStringToObject(app, opm, path);
}

/* The program: script and args, PM2's interpreter as opm's or in argv. */
static void
import_program(struct import_ctx *x, const cJSON *p, cJSON *app,
    const char *name)
{
	const cJSON	*args = cJSON_GetObjectItem(p, "args");
	const cJSON	*nargs = cJSON_GetObjectItem(p, "node_args"), *w;
	const char	*script = json_str(p, "pm_exec_path");
	const char	*interp = json_str(p, "exec_interpreter");
	cJSON		*av;
	bool		 none;

	if (script == NULL) {
		import_lost(x, name, "pm_exec_path", "missing: no program");
		return;
	}
	if (!cJSON_IsArray(nargs) || cJSON_GetArraySize(nargs) == 0)
		nargs = NULL;
	if (!cJSON_IsArray(args) || cJSON_GetArraySize(args) == 0)
		args = NULL;
	none = interp == NULL || strcmp(interp, "none") == 0;
	if (none || options_find("interpreter") != NULL) {
		cJSON_AddStringToObject(app, "script", script);
		if (args != NULL)
			cJSON_AddItemToObject(app, "args",
			    cJSON_Duplicate(args, 1));
		if (!none)
			cJSON_AddStringToObject(app, "interpreter", interp);
		if (nargs != NULL && !none) {
			if (options_find("interpreter_args") != NULL)
				cJSON_AddItemToObject(app, "interpreter_args",
				    cJSON_Duplicate(nargs, 1));
			else
				import_lost(x, name, "node_args",
				    "interpreter arguments are not supported "
				    "yet");
		}
		return;
	}
	/* No interpreter key yet: INTERPRETER [NODE_ARGS] SCRIPT ARGS. */
	av = cJSON_CreateArray();
	cJSON_AddItemToArray(av, cJSON_CreateString(interp));
	cJSON_ArrayForEach(w, nargs)
		cJSON_AddItemToArray(av, cJSON_Duplicate(w, 1));
	cJSON_AddItemToArray(av, cJSON_CreateString(script));
	cJSON_ArrayForEach(w, args)
		cJSON_AddItemToArray(av, cJSON_Duplicate(w, 1));
	cJSON_AddItemToObject(app, "argv", av);
}

/* One process of the dump as an app-file object; kept: env names. */
static cJSON *
import_app(struct import_ctx *x, const cJSON *p, size_t n, char **kept)
{
	const cJSON	*v;
	cJSON		*app = cJSON_CreateObject(), *env;
	const char	*name = json_str(p, "name"), *status;
	char		 num[32];
	size_t		 i;

	*kept = NULL;
	if (name == NULL) {
		snprintf(num, sizeof num, "process %zu", n);
		name = num;
	}
	for (i = 0; i < sizeof import_copies / sizeof import_copies[0]; i++) {
		v = cJSON_GetObjectItem(p, import_copies[i].pm2);
		if (v == NULL || cJSON_IsNull(v))
			continue;
		if (options_find(import_copies[i].opm) == NULL) {
			if (cJSON_IsFalse(v))
				continue;
			import_lost(x, name, import_copies[i].pm2,
			    "not supported yet");
			continue;
		}
		cJSON_AddItemToObject(app, import_copies[i].opm,
		    cJSON_Duplicate(v, 1));
	}
	/* PM2's job: cron_restart with autorestart false runs again. */
	if (cJSON_IsString(cJSON_GetObjectItem(app, "cron_restart")) &&
	    strcmp(cJSON_GetObjectItem(app, "cron_restart")->valuestring,
	    "0") != 0 && cJSON_IsFalse(cJSON_GetObjectItem(app, "autorestart")))
		cJSON_AddStringToObject(app, "cron_mode", "run");
	import_program(x, p, app, name);
	env = import_env(p, name, kept);
	if (cJSON_GetArraySize(env) > 0)
		cJSON_AddItemToObject(app, "env", env);
	else
		cJSON_Delete(env);
	import_log(x, p, app, name, "pm_out_log_path", "out_file");
	import_log(x, p, app, name, "pm_err_log_path", "error_file");
	for (i = 0; i < sizeof import_losts / sizeof import_losts[0]; i++) {
		v = cJSON_GetObjectItem(p, import_losts[i].pm2);
		if (v != NULL && import_matters(&import_losts[i], v))
			import_lost(x, name, import_losts[i].pm2,
			    import_losts[i].why);
	}
	status = json_str(p, "status");
	cJSON_AddBoolToObject(app, "autostart", x->start && status != NULL &&
	    strcmp(status, "online") == 0);
	return (app);
}

/* The dump's path: the argument, $PM2_HOME/dump.pm2, ~/.pm2/dump.pm2. */
static char *
import_path(const char *arg)
{
	const char	*h;
	char		*p;

	if (arg != NULL)
		return (xstrdup(arg));
	if ((h = getenv("PM2_HOME")) != NULL && *h != '\0')
		xasprintf(&p, "%s/dump.pm2", h);
	else if ((h = getenv("HOME")) != NULL && *h != '\0')
		xasprintf(&p, "%s/.pm2/dump.pm2", h);
	else
		cli_fatal(EXIT_FAIL, "import: no PM2-DUMP given, and neither "
		    "PM2_HOME nor HOME is set");
	return (p);
}

static int	import_start(struct import_ctx *, const char *, cJSON *, char **,
	    const char **, size_t);

int
cli_import(int argc, char **argv)
{
	struct import_ctx	 x = { 0 };
	const cJSON		*p;
	cJSON			*dump, *args, *apps;
	char			*path, *dir, *slash, **kept, *logs;
	const char		*arg = NULL;
	const char		**names;
	bool			 print = false;
	size_t			 n = 0, i;
	int			 failed = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--start") == 0)
			x.start = true;
		else if (strcmp(argv[i], "--print") == 0)
			print = true;
		else if (argv[i][0] == '-')
			cli_fatal_usage("import: unknown option %s", argv[i]);
		else if (arg == NULL)
			arg = argv[i];
		else
			cli_fatal_usage("import: takes one PM2-DUMP");
	}
	path = import_path(arg);
	dump = import_read(path);
	/* PM2's default log files are in logs/ beside the dump. */
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	xasprintf(&logs, "%s/logs/", slash != NULL ? dir : ".");
	x.logs = logs;
	apps = cJSON_CreateArray();
	kept = xcalloc(cJSON_GetArraySize(dump) + 1, sizeof *kept);
	names = xcalloc(cJSON_GetArraySize(dump) + 1, sizeof *names);
	cJSON_ArrayForEach(p, dump) {
		if (!cJSON_IsObject(p))
			cli_fatal(EXIT_FAIL, "import: %s: entry %zu is not a "
			    "process object", path, n + 1);
		cJSON_AddItemToArray(apps, import_app(&x, p, n + 1, &kept[n]));
		names[n] = json_str(p, "name") ? json_str(p, "name") : "";
		n++;
	}
	if (print) {
		args = cJSON_CreateObject();
		cJSON_AddItemToObject(args, "apps", apps);
		render_json(args);
		cJSON_Delete(args);
		if (x.lost != NULL)
			fprintf(stderr, "not carried over:\n%s", x.lost);
	} else if (n == 0) {
		printf("%s holds no apps\n", path);
		cJSON_Delete(apps);
	} else
		failed = import_start(&x, path, apps, kept, names, n);
	for (i = 0; i < n; i++)
		free(kept[i]);
	free(kept);
	free(names);
	free(x.lost);
	free(logs);
	free(dir);
	free(path);
	cJSON_Delete(dump);
	return (failed > 0 ? EXIT_FAIL : 0);
}

/*
 * Sends the apps (takes ownership) as one app file and prints a line per
 * app; returns how many failed.
 */
static int
import_start(struct import_ctx *x, const char *path, cJSON *apps,
    char **kept, const char **names, size_t n)
{
	cJSON		*args, *res, *r;
	const char	*name, *action, *reason;
	size_t		 i;
	int		 failed = 0;

	args = cJSON_CreateObject();
	cJSON_AddItemToObject(args, PROTO_ARG_ENV_BASE, cli_env_base(true));
	cJSON_AddItemToObject(args, "apps", apps);
	cJSON_AddStringToObject(args, "file", path);
	cli_err_prefix = path;
	res = cli_call("start", args);
	cJSON_ArrayForEach(r, res) {
		name = json_str(r, "name");
		action = json_str(r, PROTO_ACTION);
		reason = json_str(r, PROTO_REASON);
		printf("%s: %s", name, action ? action : "?");
		if (action != NULL && strcmp(action, "exists") == 0)
			printf(" (left as it is)");
		else
			printf(" (%s)", json_str(r, "status"));
		if (action != NULL && strcmp(action, PROTO_ACTION_FAILED) == 0) {
			failed++;
			if (reason != NULL)
				printf(": %s", reason);
		}
		for (i = 0; i < n; i++) {
			if (kept[i] != NULL && name != NULL && action != NULL &&
			    strcmp(action, "exists") != 0 &&
			    strcmp(names[i], name) == 0)
				printf("; env: %s", kept[i]);
		}
		printf("\n");
	}
	if (x->lost != NULL)
		printf("not carried over:\n%s", x->lost);
	cJSON_Delete(res);
	return (failed);
}
