/*
 * opm start: flags become the keys of an app object, which the daemon
 * validates with the same code that reads app files. Options come before
 * the program. After it, PM2's command line: when the program is a script
 * file or an app file, flags are still opm's and the app's arguments follow
 * "--"; after any other program a word that is an opm flag is a usage
 * error, since it could be meant for either. Nothing is misread silently.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appfile.h"
#include "cli.h"
#include "json.h"
#include "opm.h"
#include "options.h"
#include "parse.h"
#include "xmem.h"

/* The command whose words these are, for usage errors: start or run. */
static const char	*start_verb = "start";

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

static char	*start_abs_held;

/* Reads an app file into the "apps" array of a start request. */
cJSON *
cli_start_file(const char *path, const cJSON *overrides, cJSON *args)
{
	/*
	 * On the stack, not the heap: a bad app below exits from inside
	 * this call, and a heap copy held only here would then be reported
	 * as a leak by LeakSanitizer (seen once in make asan).
	 */
	char		 dir[PATH_MAX];
	char		*slash, *abs, *cause, *line;
	const cJSON	*app;
	cJSON		*list, *out;
	size_t		 len;

	if ((list = appfile_read(path, &cause)) == NULL)
		cli_fatal(EXIT_FAIL, "%s", cause);
	/* Held where LeakSanitizer sees it, for the same reason. */
	start_abs_held = abs = start_abspath(path);
	if (strlcpy(dir, abs, sizeof dir) >= sizeof dir)
		cli_fatal(EXIT_FAIL, "%s: path too long", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	out = cJSON_CreateArray();
	cJSON_ArrayForEach(app, list)
		cJSON_AddItemToArray(out, start_file_app(app, dir, overrides));
	cJSON_AddItemToObject(args, "apps", out);
	cJSON_AddStringToObject(args, "file", abs);
	/* The apps of one file travel in one request (1 KiB for its frame). */
	line = json_line(args, &len);
	free(line);
	if (len > PROTO_LINE_MAX - 1024)
		cli_fatal(EXIT_FAIL, "%s: its %d apps make a request of %zu "
		    "bytes, over the protocol's limit of %d MiB (split the "
		    "file)", path, cJSON_GetArraySize(out), len,
		    PROTO_LINE_MAX >> 20);
	cli_err_prefix = xstrdup(path);
	free(abs);
	start_abs_held = NULL;
	cJSON_Delete(list);
	return (args);
}

/* An app file: what opm start FILE reads (stop FILE... too). */
bool
cli_appfile_is(const char *path)
{
	return (appfile_is_file(path));
}

/*
 * The apps of an app file as an array the caller owns; exits naming the
 * file on error. The one place the other commands read app files through.
 */
cJSON *
cli_appfile_apps(const char *path)
{
	cJSON	*list;
	char	*cause;

	if ((list = appfile_read(path, &cause)) == NULL)
		cli_fatal(EXIT_FAIL, "%s", cause);
	return (list);
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
	case OPTIONS_LISTEN:
	case OPTIONS_GLOBS:
		/* Repeatable: one more value; the daemon checks them. */
		if ((v = cJSON_GetObjectItem(app, o->key)) == NULL)
			v = cJSON_AddArrayToObject(app, o->key);
		cJSON_AddItemToArray(v, cJSON_CreateString(val));
		return;
	case OPTIONS_WATCH:
		/* --watch: the cwd; --watch=PATH (repeatable): paths. */
		v = cJSON_GetObjectItem(app, o->key);
		if (val == NULL) {
			if (v == NULL)
				cJSON_AddTrueToObject(app, o->key);
			return;
		}
		if (!cJSON_IsArray(v)) {
			cJSON_DeleteItemFromObject(app, o->key);
			v = cJSON_AddArrayToObject(app, o->key);
		}
		p = start_abspath(val);
		cJSON_AddItemToArray(v, cJSON_CreateString(p));
		free(p);
		return;
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
	char				 left[64], shortf[8];
	size_t				 i;

	printf("Start options (before CMD, or after a SCRIPT or FILE; each is "
	    "also an\napp-file key, see opm-apps(5)):\n");
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (o->flag == NULL)
			continue;
		snprintf(shortf, sizeof shortf, "-%c, ", o->short_flag);
		snprintf(left, sizeof left, "%s--%s%s%s",
		    o->short_flag != '\0' ? shortf : "", o->flag,
		    o->arg != NULL ? " " : o->type == OPTIONS_WATCH ? "[=" : "",
		    o->arg != NULL ? o->arg : o->type == OPTIONS_WATCH ?
		    "PATH]" : "");
		printf("  %-22s %s\n", left, o->help);
	}
	printf("  --env NAME             a word without '=': use the app's "
	    "env_NAME set\n"
	    "                         (PM2's --env production; saved)\n");
	printf("  --only NAMES           with an app file: only these apps "
	    "(a,b)\n"
	    "  -- ARG...              arguments passed to the program; "
	    "'--' (before or\n"
	    "                         after CMD) ends opm's options, so ARGs "
	    "may\n"
	    "                         begin with '-'\n"
	    "SCRIPT: an existing file, or a name ending in .js .cjs .mjs .ts "
	    ".py .rb\n"
	    ".php .pl .sh .lua. After it, as with PM2, options are opm's and "
	    "the app's\n"
	    "arguments follow '--' (opm start app.js --name api -- --port 80). "
	    "After\n"
	    "another CMD an opm option is a usage error: it could be meant for "
	    "either.\n"
	    "Durations: 250ms, 5s, 2m, 1h or milliseconds. One word with "
	    "shell syntax\n"
	    "is run by /bin/sh -c; otherwise CMD ARG... is executed "
	    "directly. A script\n"
	    "file that is not executable runs with the interpreter its "
	    "extension names,\n"
	    "as in PM2: opm start app.js (node), srv.py (python3), run.sh "
	    "(bash); .ts\n"
	    "(tsx or ts-node), .rb, .php, .pl, .lua too.\n"
	    "Log files: app-file keys out_file, error_file, log_file "
	    "(relative to cwd;\n"
	    "/dev/null keeps nothing), see opm-apps(5).\n"
	    "FILE is an app file: .json (JSON5-style too), .yml, .yaml, "
	    ".config.js,\n"
	    ".config.cjs or .config.mjs (read by node); see opm-apps(5).\n"
	    "Start order: the app-file key depends_on (names, or {app, "
	    "condition:\nstarted|ready|completed}); an app waits for its "
	    "dependencies, and stop\nall stops dependents first.\n");
}

/* What the word after opm's options is: it decides how later words read. */
enum start_kind {
	START_COMMAND,		/* a command: later words are its arguments */
	START_SCRIPT,		/* a script file: flags stay opm's (PM2) */
	START_FILE,		/* an app file: only flags may follow */
};

struct start_cmd {
	cJSON		*app;		/* the flags' keys */
	const char	*only;		/* --only NAMES, or NULL */
	const char	*env_name;	/* --env NAME, or NULL */
	bool		 inherit;	/* no --no-inherit-env */
	bool		 opts;		/* a flag was given */
	cJSON		*args;		/* the program's arguments */
};

/* Extensions of the scripts PM2 runs with an interpreter. */
static const char *const start_script_exts[] = {
	".js", ".cjs", ".mjs", ".ts", ".py", ".rb", ".php", ".pl", ".sh",
	".lua", NULL
};

/*
 * A script file in PM2's sense: an existing file, or one word ending in a
 * script extension (app.js before it is built).
 */
static bool
start_is_script(const char *w)
{
	struct stat	 st;
	size_t		 i, n = strlen(w), e;

	if (stat(w, &st) == 0 && S_ISREG(st.st_mode))
		return (true);
	if (strpbrk(w, " \t\n") != NULL)
		return (false);
	for (i = 0; start_script_exts[i] != NULL; i++) {
		e = strlen(start_script_exts[i]);
		if (n > e && strcmp(w + n - e, start_script_exts[i]) == 0)
			return (true);
	}
	return (false);
}

/* The row of flag word w ("--name" or "--name=x"), or NULL. */
static const struct options_entry *
start_flag_row(const char *w)
{
	if (strncmp(w, "--", 2) != 0)
		return (NULL);
	return (options_find_flag(w + 2, strcspn(w + 2, "=")));
}

/*
 * A one-letter flag of opm start (-i). Only before the program, or after
 * a script or an app file: after a command, -i is the command's own.
 */
static bool
start_is_short(const char *w)
{
	return (w[0] == '-' && w[1] != '\0' && w[2] == '\0' &&
	    options_find_short(w[1]) != NULL);
}

/* True when w is a flag of opm start (--only included). */
static bool
start_is_flag(const char *w)
{
	return (start_flag_row(w) != NULL || strcmp(w, "--only") == 0 ||
	    strncmp(w, "--only=", 7) == 0);
}

/*
 * Reads the flag at argv[i] into s; returns the index of its last word, or
 * -1 when argv[i] is no flag of opm start.
 */
static int
start_parse_flag(struct start_cmd *s, int argc, char **argv, int i)
{
	const struct options_entry	*o;
	const char			*flag = argv[i] + 2, *val;
	size_t				 n = strcspn(flag, "=");

	/* A one-letter flag (-i N): its value is the next word. */
	if (start_is_short(argv[i])) {
		o = options_find_short(argv[i][1]);
		if (i + 1 >= argc)
			cli_fatal_usage("%s: -%c needs a value", start_verb,
			    o->short_flag);
		s->opts = true;
		start_flag(s->app, o, argv[++i]);
		return (i);
	}

	if (n == 4 && strncmp(flag, "only", 4) == 0) {
		if (flag[n] == '=')
			s->only = flag + n + 1;
		else if (i + 1 < argc)
			s->only = argv[++i];
		else
			cli_fatal_usage("%s: --only needs a value",
			    start_verb);
		return (i);
	}
	if ((o = start_flag_row(argv[i])) == NULL)
		return (-1);
	/* A value only after '=': the next word is the program. */
	if (o->type == OPTIONS_WATCH) {
		s->opts = true;
		start_flag(s->app, o, flag[n] == '=' ? flag + n + 1 : NULL);
		return (i);
	}
	if (o->type == OPTIONS_BOOL) {
		s->opts = true;
		if (flag[n] == '=')
			cli_fatal_usage("%s: --%s takes no value",
			    start_verb, o->flag);
		/* The environment of this shell stays here. */
		if (strcmp(o->key, "inherit_env") == 0)
			s->inherit = false;
		start_flag(s->app, o, NULL);
		return (i);
	}
	if (flag[n] == '=')
		val = flag + n + 1;
	else if (i + 1 < argc)
		val = argv[++i];
	else
		cli_fatal_usage("%s: --%s needs a value", start_verb,
		    o->flag);
	/* --env NAME, a word without '=': an environment set. */
	if (o->type == OPTIONS_ENV && strchr(val, '=') == NULL) {
		s->env_name = val;
		cJSON_DeleteItemFromObject(s->app, "env_name");
		cJSON_AddStringToObject(s->app, "env_name", val);
		return (i);
	}
	s->opts = true;
	start_flag(s->app, o, val);
	return (i);
}

/* A word led by '-' that is not an argument anyone could mean: "-", -5. */
static bool
start_is_dash(const char *w)
{
	return (w[0] == '-' && w[1] != '\0' &&
	    strspn(w + 1, "0123456789") != strlen(w + 1));
}

/*
 * The words after the program p (argv[i..]): PM2's reading for a script or
 * an app file, opm's for a command, never a silent guess between the two.
 * The first "--" after the program ends opm's words; it is not passed on.
 */
static void
start_after(struct start_cmd *s, enum start_kind k, const char *p, int argc,
    char **argv, int i, bool dashdash)
{
	int	 j;

	for (; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			if (k == START_FILE)
				cli_fatal_usage("%s: '--' after the app "
				    "file %s: arguments go with a program, in "
				    "the file's \"args\"", start_verb, p);
			dashdash = true;
			continue;
		}
		if (dashdash) {
			cJSON_AddItemToArray(s->args, json_bytes(argv[i]));
			continue;
		}
		if (k == START_COMMAND) {
			if (start_is_flag(argv[i]))
				cli_fatal_usage("%s: '%.*s' after the "
				    "program %s: put opm options before it "
				    "(opm start %.*s ... %s ...), or the app's "
				    "arguments after '--' (opm start %s ... -- "
				    "%s ...)", start_verb,
				    (int)strcspn(argv[i], "="),
				    argv[i], p, (int)strcspn(argv[i], "="),
				    argv[i], p, p, argv[i]);
			cJSON_AddItemToArray(s->args, json_bytes(argv[i]));
			continue;
		}
		if (start_is_dash(argv[i])) {
			if ((j = start_parse_flag(s, argc, argv, i)) == -1)
				cli_fatal_usage("%s: unknown option %s "
				    "after %s: arguments of the app go after "
				    "'--' (opm start %s -- %s)", start_verb,
				    argv[i], p, p, argv[i]);
			i = j;
			continue;
		}
		if (k == START_FILE)
			cli_fatal_usage("%s: '%s' after the app file %s: "
			    "only opm options may follow it", start_verb,
			    argv[i], p);
		cJSON_AddItemToArray(s->args, json_bytes(argv[i]));
	}
}

/*
 * Whether p, relative to cwd, is an executable file: a program, whose
 * words are an argv as before, not a script the daemon runs with an
 * interpreter.
 */
static bool
start_is_program(const char *cwd, const char *p)
{
	struct stat	 st;
	char		*path;
	bool		 r;

	if (p[0] == '/' || cwd == NULL)
		path = xstrdup(p);
	else
		xasprintf(&path, "%s/%s", cwd, p);
	r = stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
	free(path);
	return (r);
}

/*
 * The program p of a single app and its arguments into app, and app into
 * the request args. A script file that is not executable goes as script
 * and args, PM2's shape; a program or command with arguments as argv.
 * Takes ownership of app.
 */
static void
start_program(struct start_cmd *s, cJSON *args, enum start_kind k,
    const char *p)
{
	cJSON	*app = s->app, *av;
	char	*cwd;

	if (cJSON_GetObjectItem(app, "cwd") == NULL) {
		if ((cwd = getcwd(NULL, 0)) == NULL)
			cli_fatal(EXIT_FAIL, "getcwd: %s", strerror(errno));
		cJSON_AddStringToObject(app, "cwd", cwd);
		free(cwd);
	}
	if (cJSON_GetArraySize(s->args) == 0) {
		cJSON_AddStringToObject(app, "script", p);
		/* One word and no options: maybe an existing app. */
		if (!s->opts)
			cJSON_AddStringToObject(args, "target", p);
	} else if (k == START_SCRIPT && !start_is_program(json_str(app, "cwd"),
	    p)) {
		cJSON_AddStringToObject(app, "script", p);
		cJSON_AddItemToObject(app, "args", s->args);
		s->args = NULL;
	} else {
		av = s->args;
		s->args = NULL;
		cJSON_InsertItemInArray(av, 0, json_bytes(p));
		cJSON_AddItemToObject(app, "argv", av);
	}
	s->app = NULL;
	cJSON_AddItemToObject(args, "app", app);
}

/* Keeps the apps of the request named by --only; exits on a stranger. */
static void
start_only(cJSON *args, const char *only, const char *path)
{
	cJSON	*apps = cJSON_GetObjectItem(args, "apps"), *keep;

	keep = cli_appfile_select(apps, only, path);
	cJSON_ReplaceItemInObject(args, "apps", keep);
}

/*
 * After start FILE: the apps of the file that existed stopped or errored
 * are started as opm start NAME would (PM2 starts them too), unless the
 * file creates them stopped. Their "exists" entries of res are replaced
 * by what this did; res is the reply to the file's request.
 */
static cJSON *
start_file_existing(cJSON *res, const cJSON *apps)
{
	const cJSON	*a, *auto_;
	cJSON		*e, *next, *targets, *args, *more;
	const char	*st, *act;
	char		 buf[80];

	targets = cJSON_CreateArray();
	for (e = res->child; e != NULL; e = next) {
		next = e->next;
		act = json_str(e, PROTO_ACTION);
		st = json_str(e, "status");
		if (act == NULL || strcmp(act, "exists") != 0 || st == NULL ||
		    (strcmp(st, "stopped") != 0 && strcmp(st, "errored") != 0))
			continue;
		cJSON_ArrayForEach(a, apps) {
			if (strcmp(cli_appfile_name(a, buf, sizeof buf),
			    json_str(e, "name")) != 0)
				continue;
			auto_ = cJSON_GetObjectItem(a, "autostart");
			if (cJSON_IsFalse(auto_))
				break;
			cJSON_AddItemToArray(targets,
			    cJSON_CreateString(json_str(e, "name")));
			cJSON_Delete(cJSON_DetachItemViaPointer(res, e));
			break;
		}
	}
	if (cJSON_GetArraySize(targets) == 0) {
		cJSON_Delete(targets);
		return (res);
	}
	args = cJSON_CreateObject();
	cJSON_AddItemToObject(args, PROTO_ARG_TARGET, targets);
	more = cli_call("start", args);
	while ((e = cJSON_DetachItemFromArray(more, 0)) != NULL)
		cJSON_AddItemToArray(res, e);
	cJSON_Delete(more);
	return (res);
}

/*
 * The arguments of the start request opm start ARGS would send; *file
 * tells whether they hold the apps of an app file. Exits on bad usage.
 */
cJSON *
cli_start_request(int argc, char **argv, bool *file)
{
	struct start_cmd	 s = { .inherit = true };
	enum start_kind		 k;
	cJSON			*args;
	bool			 dashdash = false;
	int			 i, j;

	start_verb = argv[0];
	s.app = cJSON_CreateObject();
	s.args = cJSON_CreateArray();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			dashdash = true;
			i++;
			break;
		}
		if (strncmp(argv[i], "--", 2) != 0 && !start_is_short(argv[i]))
			break;
		if ((j = start_parse_flag(&s, argc, argv, i)) == -1)
			cli_fatal_usage("%s: unknown option --%.*s", start_verb,
			    (int)strcspn(argv[i] + 2, "="), argv[i] + 2);
		i = j;
	}
	if (i >= argc)
		cli_fatal_usage("%s: missing program", start_verb);
	if (dashdash)
		k = START_COMMAND;
	else if (cli_appfile_is(argv[i]))
		k = START_FILE;
	else if (start_is_script(argv[i]))
		k = START_SCRIPT;
	else
		k = START_COMMAND;
	start_after(&s, k, argv[i], argc, argv, i + 1, dashdash);
	if (s.only != NULL && k != START_FILE)
		cli_fatal_usage("%s: --only selects apps of an app file",
		    start_verb);

	args = cJSON_CreateObject();
	cJSON_AddItemToObject(args, PROTO_ARG_ENV_BASE,
	    cli_env_base(s.inherit));
	/* For apps that exist (opm start NAME --env production). */
	if (s.env_name != NULL)
		cJSON_AddStringToObject(args, PROTO_ARG_ENV_NAME, s.env_name);
	if (k == START_FILE) {
		cli_start_file(argv[i], s.app, args);
		if (s.only != NULL)
			start_only(args, s.only, argv[i]);
		cJSON_Delete(s.app);
	} else
		start_program(&s, args, k, argv[i]);
	cJSON_Delete(s.args);
	*file = k == START_FILE;
	return (args);
}

int
cli_start(int argc, char **argv)
{
	cJSON	*args, *res, *apps;
	bool	 file;
	int	 i;

	args = cli_start_request(argc, argv, &file);
	apps = file ? cJSON_Duplicate(cJSON_GetObjectItem(args, "apps"), 1) :
	    NULL;
	res = cli_call("start", args);
	if (apps != NULL) {
		res = start_file_existing(res, apps);
		cJSON_Delete(apps);
	}
	render_apps_brief(res, "started");
	i = render_failures(res);
	cJSON_Delete(res);
	return (i > 0 ? EXIT_FAIL : 0);
}
