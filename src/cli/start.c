/*
 * opm start: flags become the keys of an app object, which the daemon
 * validates with the same code that reads app files. Options come before
 * the program; everything after it is its argv ("--" may separate).
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "options.h"
#include "parse.h"
#include "xmem.h"

static char *
start_abspath(const char *p)
{
	char	buf[PATH_MAX];

	if (realpath(p, buf) == NULL)
		cli_fatal(EXIT_FAIL, "%s: %s", p, strerror(errno));
	return (xstrdup(buf));
}

/* stop_exit_codes: "0,3" -> [0,3]. */
static cJSON *
start_codes(const struct options_entry *o, const char *s)
{
	cJSON		*a = cJSON_CreateArray();
	char		*copy = xstrdup(s), *w, *save = NULL;
	const char	*cause;
	long long	 v;

	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		if (parse_int(w, o->minimum, o->maximum, &v, &cause) == -1)
			cli_fatal(EXIT_FAIL, "invalid --stop-exit-codes '%s': "
			    "%s", w, cause);
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v));
	}
	free(copy);
	return (a);
}

static bool
start_is_file(const char *w)
{
	size_t		n = strlen(w);
	struct stat	st;

	return (n > 5 && strcmp(w + n - 5, ".json") == 0 &&
	    stat(w, &st) == 0 && S_ISREG(st.st_mode));
}

/* Reads and parses an app file; exits naming file:line:column on error. */
static cJSON *
start_file_read(const char *path)
{
	char		*buf, cause[160];
	cJSON		*j;
	FILE		*f;
	long		 len;
	size_t		 line = 1, col = 1, i, off;

	if ((f = fopen(path, "re")) == NULL)
		cli_fatal(EXIT_FAIL, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    len > PROTO_LINE_MAX / 2 || fseek(f, 0, SEEK_SET) == -1)
		cli_fatal(EXIT_FAIL, "%s: unreadable or larger than 512 KiB",
		    path);
	buf = xmalloc(len + 1);
	if (fread(buf, 1, len, f) != (size_t)len)
		cli_fatal(EXIT_FAIL, "%s: read error", path);
	fclose(f);
	buf[len] = '\0';
	if ((j = json_parse(buf, len, cause, sizeof cause)) == NULL) {
		if (sscanf(strstr(cause, "byte ") ? strstr(cause, "byte ") +
		    5 : "", "%zu", &off) == 1) {
			for (i = 0; i < off && i < (size_t)len; i++) {
				if (buf[i] == '\n') {
					line++;
					col = 1;
				} else
					col++;
			}
			cli_fatal(EXIT_FAIL, "%s:%zu:%zu: %s", path, line, col,
			    cause);
		}
		cli_fatal(EXIT_FAIL, "%s: %s", path, cause);
	}
	free(buf);
	return (j);
}

/*
 * One app of an app file as sent: relative paths made relative to the
 * file's directory dir, and the flags' keys (overrides) applied.
 */
static cJSON *
start_file_app(const cJSON *app, const char *dir, const cJSON *overrides)
{
	cJSON		*copy = cJSON_Duplicate(app, 1);
	const cJSON	*o;
	const char	*cwd;

	if (!cJSON_IsObject(copy))
		return (copy);
	/* A relative cwd is relative to the file. */
	cwd = json_str(copy, "cwd");
	if (cwd == NULL)
		cJSON_AddStringToObject(copy, "cwd", dir);
	else if (cwd[0] != '/') {
		char *c, real[PATH_MAX];
		xasprintf(&c, "%s/%s", dir, cwd);
		if (realpath(c, real) != NULL) {
			free(c);
			c = xstrdup(real);
		}
		cJSON_ReplaceItemInObject(copy, "cwd", cJSON_CreateString(c));
		free(c);
	}
	/* A relative env_file is relative to the file too. */
	cwd = json_str(copy, "env_file");
	if (cwd != NULL && cwd[0] != '/') {
		char *c;
		xasprintf(&c, "%s/%s", dir, cwd);
		cJSON_ReplaceItemInObject(copy, "env_file",
		    cJSON_CreateString(c));
		free(c);
	}
	/* Flags win over the file; --env adds to its env. */
	cJSON_ArrayForEach(o, overrides) {
		cJSON *env = cJSON_GetObjectItem(copy, "env");
		const cJSON *kv;
		if (strcmp(o->string, "env") == 0 && cJSON_IsObject(env)) {
			cJSON_ArrayForEach(kv, o) {
				cJSON_DeleteItemFromObject(env, kv->string);
				cJSON_AddItemToObject(env, kv->string,
				    cJSON_Duplicate(kv, 1));
			}
			continue;
		}
		cJSON_DeleteItemFromObject(copy, o->string);
		cJSON_AddItemToObject(copy, o->string, cJSON_Duplicate(o, 1));
	}
	return (copy);
}

/* Reads an app file into the "apps" array of a start request. */
static cJSON *
start_file(const char *path, const cJSON *overrides, cJSON *args)
{
	char		*dir, *slash, *abs;
	const cJSON	*list, *app, *o;
	cJSON		*j, *out;

	j = start_file_read(path);
	list = cJSON_IsArray(j) ? j :
	    cJSON_GetObjectItemCaseSensitive(j, "apps");
	if (cJSON_IsObject(j)) {
		cJSON_ArrayForEach(o, j) {
			if (strcmp(o->string, "apps") != 0)
				cli_fatal(EXIT_FAIL, "%s: unknown key '%s' "
				    "(an app file holds only \"apps\")", path,
				    o->string);
		}
	}
	if (!cJSON_IsArray(list))
		cli_fatal(EXIT_FAIL, "%s: expected {\"apps\": [...]} or an "
		    "array of apps", path);
	abs = start_abspath(path);
	dir = xstrdup(abs);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	out = cJSON_CreateArray();
	cJSON_ArrayForEach(app, list)
		cJSON_AddItemToArray(out, start_file_app(app, dir, overrides));
	cJSON_AddItemToObject(args, "apps", out);
	cJSON_AddStringToObject(args, "file", abs);
	cli_err_prefix = xstrdup(path);
	free(dir);
	free(abs);
	cJSON_Delete(j);
	return (args);
}

/* --env KEY=VALUE: one variable of the app's env object. */
static void
start_env(cJSON *app, const char *val)
{
	cJSON	*env;
	char	*eq, *k;

	if ((eq = strchr(val, '=')) == NULL || eq == val)
		cli_fatal(EXIT_FAIL, "invalid --env '%s': expected KEY=VALUE",
		    val);
	if ((env = cJSON_GetObjectItem(app, "env")) == NULL)
		env = cJSON_AddObjectToObject(app, "env");
	k = xstrndup(val, eq - val);
	cJSON_DeleteItemFromObject(env, k);
	cJSON_AddItemToObject(env, k, json_bytes(eq + 1));
	free(k);
}

/*
 * Sets the key of flag o in the app object. Values stay strings for the
 * daemon to check, as it checks an app file; paths are made absolute here,
 * where the CLI's cwd is known.
 */
static void
start_flag(cJSON *app, const struct options_entry *o, const char *val)
{
	cJSON	*v;
	char	*p;

	switch (o->type) {
	case OPTIONS_ENV:
		start_env(app, val);
		return;
	case OPTIONS_BOOL:
		/* A flag --no-KEY says false, any other one true. */
		v = cJSON_CreateBool(strncmp(o->flag, "no-", 3) != 0);
		break;
	case OPTIONS_PATH:
		p = start_abspath(val);
		v = cJSON_CreateString(p);
		free(p);
		break;
	case OPTIONS_CODES:
		v = start_codes(o, val);
		break;
	default:
		v = cJSON_CreateString(val);
		break;
	}
	cJSON_DeleteItemFromObject(app, o->key);
	cJSON_AddItemToObject(app, o->key, v);
}

/* The start options of `opm help start`, from the option table. */
void
cli_start_help(void)
{
	const struct options_entry	*o;
	char				 left[64];
	size_t				 i;

	printf("Start options (before CMD; each is also an app-file key, "
	    "see opm-apps(5)):\n");
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (o->flag == NULL)
			continue;
		snprintf(left, sizeof left, "--%s%s%s", o->flag,
		    o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
		printf("  %-22s %s\n", left, o->help);
	}
	printf("  -- ARG...              arguments passed to the program; "
	    "'--' (before or\n"
	    "                         after CMD) ends opm's options, so ARGs "
	    "may\n"
	    "                         begin with '-'\n"
	    "Durations: 250ms, 5s, 2m, 1h or milliseconds. One word with "
	    "shell syntax\n"
	    "is run by /bin/sh -c; otherwise CMD ARG... is executed "
	    "directly. A script\n"
	    "file that is not executable runs with the interpreter its "
	    "extension names,\n"
	    "as in PM2: opm start app.js (node), srv.py (python3), run.sh "
	    "(bash); .ts\n"
	    "(tsx or ts-node), .rb, .php, .pl, .lua too.\n");
}

/*
 * Whether w, relative to cwd, is a file that cannot be executed directly:
 * a script the daemon runs with the interpreter its extension implies.
 */
static bool
start_is_script(const char *cwd, const char *w)
{
	struct stat	 st;
	char		*p;
	bool		 r;

	if (w[0] == '/' || cwd == NULL)
		p = xstrdup(w);
	else
		xasprintf(&p, "%s/%s", cwd, w);
	r = stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) != 0;
	free(p);
	return (r);
}

/*
 * The program of a single app (argv[0..argc-1], argc > 0) into app, and app
 * into the request args. Takes ownership of app.
 */
static void
start_program(cJSON *app, cJSON *args, int argc, char **argv, bool opts)
{
	cJSON	*av;
	char	*cwd;
	int	 i;

	if (cJSON_GetObjectItem(app, "cwd") == NULL) {
		if ((cwd = getcwd(NULL, 0)) == NULL)
			cli_fatal(EXIT_FAIL, "getcwd: %s", strerror(errno));
		cJSON_AddStringToObject(app, "cwd", cwd);
		free(cwd);
	}
	if (argc > 1 && start_is_script(json_str(app, "cwd"), argv[0])) {
		/* A script file with its arguments: PM2's opm start app.js a */
		cJSON_AddItemToObject(app, "script", json_bytes(argv[0]));
		av = cJSON_CreateArray();
		for (i = 1; i < argc; i++) {
			if (strcmp(argv[i], "--") == 0 &&
			    cJSON_GetArraySize(av) == 0)
				continue;
			cJSON_AddItemToArray(av, json_bytes(argv[i]));
		}
		cJSON_AddItemToObject(app, "args", av);
	} else if (argc == 1) {
		cJSON_AddStringToObject(app, "script", argv[0]);
		/* One word and no options: maybe an existing app. */
		if (!opts)
			cJSON_AddStringToObject(args, "target", argv[0]);
	} else {
		av = cJSON_CreateArray();
		for (i = 0; i < argc; i++) {
			if (strcmp(argv[i], "--") == 0 &&
			    cJSON_GetArraySize(av) == 1)
				continue;
			cJSON_AddItemToArray(av, json_bytes(argv[i]));
		}
		cJSON_AddItemToObject(app, "argv", av);
	}
	cJSON_AddItemToObject(args, "app", app);
}

int
cli_start(int argc, char **argv)
{
	const struct options_entry	*o;
	cJSON				*app = cJSON_CreateObject(), *args;
	cJSON				*res;
	const char			*flag, *val;
	bool				 inherit = true, opts = false;
	int				 i;
	size_t				 n;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strncmp(argv[i], "--", 2) != 0)
			break;
		flag = argv[i] + 2;
		n = strcspn(flag, "=");
		if ((o = options_find_flag(flag, n)) == NULL)
			cli_fatal_usage("start: unknown option --%.*s",
			    (int)n, flag);
		opts = true;
		if (o->type == OPTIONS_BOOL) {
			if (flag[n] == '=')
				cli_fatal_usage("start: --%s takes no value",
				    o->flag);
			/* The environment of this shell stays here. */
			if (strcmp(o->key, "inherit_env") == 0)
				inherit = false;
			start_flag(app, o, NULL);
			continue;
		}
		if (flag[n] == '=')
			val = flag + n + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			cli_fatal_usage("start: --%s needs a value", o->flag);
		start_flag(app, o, val);
	}
	if (i >= argc)
		cli_fatal_usage("start: missing program");

	args = cJSON_CreateObject();
	cJSON_AddItemToObject(args, PROTO_ARG_ENV_BASE, cli_env_base(inherit));
	if (argc - i == 1 && start_is_file(argv[i])) {
		start_file(argv[i], app, args);
		cJSON_Delete(app);
	} else
		start_program(app, args, argc - i, argv + i, opts);
	res = cli_call("start", args);
	render_apps_brief(res, "started");
	i = render_failures(res);
	cJSON_Delete(res);
	return (i > 0 ? EXIT_FAIL : 0);
}
