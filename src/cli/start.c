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
#include "parse.h"
#include "xmem.h"

static const struct {
	const char	*flag;
	const char	*key;
	int		 type;	/* 0 string, 1 bool true, 2 bool false, 3 env */
} start_opts[] = {
	{ "name", "name", 0 },
	{ "cwd", "cwd", 0 },
	{ "env", "env", 3 },
	{ "env-file", "env_file", 0 },
	{ "restart", "restart", 0 },
	{ "stop-exit-codes", "stop_exit_codes", 0 },
	{ "max-restarts", "max_restarts", 0 },
	{ "min-uptime", "min_uptime", 0 },
	{ "restart-delay", "restart_delay", 0 },
	{ "backoff-max", "backoff_max", 0 },
	{ "kill-timeout", "kill_timeout", 0 },
	{ "stop-signal", "stop_signal", 0 },
	{ "no-autostart", "autostart", 2 },
	{ "log-time", "log_time", 1 },
	{ "log-max-size", "log_max_size", 0 },
	{ "log-keep", "log_keep", 0 },
	{ "no-inherit-env", "inherit_env", 2 },
};

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
start_codes(const char *s)
{
	cJSON		*a = cJSON_CreateArray();
	char		*copy = xstrdup(s), *w, *save = NULL;
	const char	*cause;
	long long	 v;

	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		if (parse_int(w, 0, 255, &v, &cause) == -1)
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

/* Reads an app file into the "apps" array of a start request. */
static cJSON *
start_file(const char *path, const cJSON *overrides, cJSON *args)
{
	char		*buf, cause[160], *dir, *slash, *abs;
	const cJSON	*list, *app, *o;
	cJSON		*j, *out;
	FILE		*f;
	long		 len;
	size_t		 line = 1, col = 1, i, off;
	const char	*cwd;

	if ((f = fopen(path, "re")) == NULL)
		cli_fatal(EXIT_FAIL, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    len > OPM_LINE_MAX / 2 || fseek(f, 0, SEEK_SET) == -1)
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
	cJSON_ArrayForEach(app, list) {
		cJSON *copy = cJSON_Duplicate(app, 1);
		if (cJSON_IsObject(copy)) {
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
				cJSON_ReplaceItemInObject(copy, "cwd",
				    cJSON_CreateString(c));
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
				if (strcmp(o->string, "env") == 0 &&
				    cJSON_IsObject(env)) {
					cJSON_ArrayForEach(kv, o) {
						cJSON_DeleteItemFromObject(env,
						    kv->string);
						cJSON_AddItemToObject(env,
						    kv->string,
						    cJSON_Duplicate(kv, 1));
					}
					continue;
				}
				cJSON_DeleteItemFromObject(copy, o->string);
				cJSON_AddItemToObject(copy, o->string,
				    cJSON_Duplicate(o, 1));
			}
		}
		cJSON_AddItemToArray(out, copy);
	}
	cJSON_AddItemToObject(args, "apps", out);
	cJSON_AddStringToObject(args, "file", abs);
	cli_err_prefix = xstrdup(path);
	free(dir);
	free(abs);
	cJSON_Delete(j);
	return (args);
}

int
cli_start(int argc, char **argv)
{
	cJSON		*app = cJSON_CreateObject(), *args, *env = NULL;
	cJSON		*res;
	const char	*flag, *val;
	char		*eq, *cwd = NULL, *k;
	bool		 inherit = true, opts = false;
	int		 i, j;
	size_t		 n;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strncmp(argv[i], "--", 2) != 0)
			break;
		flag = argv[i] + 2;
		n = strcspn(flag, "=");
		for (j = 0; j < (int)(sizeof start_opts / sizeof start_opts[0]);
		    j++) {
			if (strlen(start_opts[j].flag) == n &&
			    strncmp(start_opts[j].flag, flag, n) == 0)
				break;
		}
		if (j == (int)(sizeof start_opts / sizeof start_opts[0]))
			cli_fatal_usage("start: unknown option --%.*s",
			    (int)n, flag);
		opts = true;
		if (start_opts[j].type == 1 || start_opts[j].type == 2) {
			if (flag[n] == '=')
				cli_fatal_usage("start: --%s takes no value",
				    start_opts[j].flag);
			if (strcmp(start_opts[j].key, "inherit_env") == 0)
				inherit = false;
			cJSON_DeleteItemFromObject(app, start_opts[j].key);
			cJSON_AddBoolToObject(app, start_opts[j].key,
			    start_opts[j].type == 1);
			continue;
		}
		if (flag[n] == '=')
			val = flag + n + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			cli_fatal_usage("start: --%s needs a value",
			    start_opts[j].flag);
		if (start_opts[j].type == 3) {
			if ((eq = strchr(val, '=')) == NULL || eq == val)
				cli_fatal(EXIT_FAIL, "invalid --env '%s': "
				    "expected KEY=VALUE", val);
			if (env == NULL)
				env = cJSON_AddObjectToObject(app, "env");
			k = xstrndup(val, eq - val);
			cJSON_DeleteItemFromObject(env, k);
			cJSON_AddItemToObject(env, k, json_bytes(eq + 1));
			free(k);
		} else if (strcmp(start_opts[j].key, "cwd") == 0 ||
		    strcmp(start_opts[j].key, "env_file") == 0) {
			char *p = start_abspath(val);
			cJSON_DeleteItemFromObject(app, start_opts[j].key);
			cJSON_AddStringToObject(app, start_opts[j].key, p);
			free(p);
		} else if (strcmp(start_opts[j].key, "stop_exit_codes") == 0) {
			cJSON_DeleteItemFromObject(app, start_opts[j].key);
			cJSON_AddItemToObject(app, start_opts[j].key,
			    start_codes(val));
		} else {
			cJSON_DeleteItemFromObject(app, start_opts[j].key);
			cJSON_AddStringToObject(app, start_opts[j].key, val);
		}
	}
	if (i >= argc)
		cli_fatal_usage("start: missing program");

	args = cJSON_CreateObject();
	cJSON_AddItemToObject(args, "env_base", cli_env_base(inherit));
	if (argc - i == 1 && start_is_file(argv[i])) {
		start_file(argv[i], app, args);
		cJSON_Delete(app);
	} else {
		if (cJSON_GetObjectItem(app, "cwd") == NULL) {
			if ((cwd = getcwd(NULL, 0)) == NULL)
				cli_fatal(EXIT_FAIL, "getcwd: %s",
				    strerror(errno));
			cJSON_AddStringToObject(app, "cwd", cwd);
			free(cwd);
		}
		if (argc - i == 1) {
			cJSON_AddStringToObject(app, "script", argv[i]);
			/* One word and no options: maybe an existing app. */
			if (!opts)
				cJSON_AddStringToObject(args, "target",
				    argv[i]);
		} else {
			cJSON *av = cJSON_CreateArray();
			for (; i < argc; i++) {
				if (strcmp(argv[i], "--") == 0 &&
				    cJSON_GetArraySize(av) == 1)
					continue;
				cJSON_AddItemToArray(av, json_bytes(argv[i]));
			}
			cJSON_AddItemToObject(app, "argv", av);
		}
		cJSON_AddItemToObject(args, "app", app);
	}
	res = cli_call("start", args);
	render_apps_brief(res, "started");
	i = render_failures(res);
	cJSON_Delete(res);
	return (i > 0 ? EXIT_FAIL : 0);
}
