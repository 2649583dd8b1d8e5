/*
 * App configuration: defaults, the one JSON reader used for start requests,
 * app files and the dump, and its writer. Every key is listed in conf_keys;
 * anything else is an error that names the key.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "json.h"
#include "parse.h"
#include "xmem.h"

void
conf_defaults(struct app_conf *c)
{
	memset(c, 0, sizeof *c);
	c->restart = RESTART_ALWAYS;
	c->inherit_env = true;
	c->max_restarts = 15;
	c->min_uptime = 1000;
	c->restart_delay = 0;
	c->backoff_max = 30000;
	c->kill_timeout = 5000;
	c->stop_signal = SIGTERM;
	c->autostart = true;
	c->log_max_size = 10 * 1024 * 1024;
	c->log_keep = 5;
}

void
conf_free(struct app_conf *c)
{
	xfreev(c->argv);
	xfreev(c->env_base);
	xfreev(c->env);
	free(c->cwd);
	free(c->env_file);
	memset(c, 0, sizeof *c);
}

void
conf_copy(struct app_conf *dst, const struct app_conf *src)
{
	*dst = *src;
	dst->argv = src->argv ? xdupv(src->argv) : NULL;
	dst->env_base = src->env_base ? xdupv(src->env_base) : NULL;
	dst->env = src->env ? xdupv(src->env) : NULL;
	dst->cwd = src->cwd ? xstrdup(src->cwd) : NULL;
	dst->env_file = src->env_file ? xstrdup(src->env_file) : NULL;
}

const char *
conf_restart_name(enum restart_policy p)
{
	return (p == RESTART_NEVER ? "never" : p == RESTART_ON_FAILURE ?
	    "on-failure" : "always");
}

/* One word run by /bin/sh -c when it holds shell syntax. */
static bool
conf_is_shell(const char *s)
{
	return (strpbrk(s, " \t\n|&;$<>(){}`'\"*?[]~#=\\") != NULL);
}

static int
conf_duration(const cJSON *v, uint64_t *out, const char **cause)
{
	if (cJSON_IsNumber(v)) {
		if (!json_is_int(v, 0, 100LL * 365 * 86400000)) {
			*cause = "not a valid duration";
			return (-1);
		}
		*out = (uint64_t)v->valuedouble;
		return (0);
	}
	if (cJSON_IsString(v))
		return (parse_duration(v->valuestring, out, cause));
	*cause = "not a duration";
	return (-1);
}

static int
conf_uint(const cJSON *v, long long max, unsigned *out, const char **cause)
{
	long long	n;

	if (cJSON_IsString(v)) {
		if (parse_int(v->valuestring, 0, max, &n, cause) == -1)
			return (-1);
		*out = (unsigned)n;
		return (0);
	}
	if (!json_is_int(v, 0, max)) {
		*cause = "not a whole number in range";
		return (-1);
	}
	*out = (unsigned)v->valuedouble;
	return (0);
}

static int
conf_env_obj(struct app_conf *c, const cJSON *v, const char **cause)
{
	const cJSON	*e;
	size_t		 n = 0, i;
	char		 num[64], *bytes = NULL;
	const char	*val;

	if (!cJSON_IsObject(v)) {
		*cause = "not an object";
		return (-1);
	}
	if (cJSON_GetArraySize(v) > OPM_ARGV_MAX) {
		*cause = "too many variables";
		return (-1);
	}
	xfreev(c->env);
	c->env = xcalloc(cJSON_GetArraySize(v) + 1, sizeof *c->env);
	cJSON_ArrayForEach(e, v) {
		if (*e->string == '\0' || strchr(e->string, '=') != NULL) {
			*cause = "variable name empty or holding '='";
			return (-1);
		}
		for (i = 0; i < n; i++) {
			if (strncmp(c->env[i], e->string, strlen(e->string)) ==
			    0 && c->env[i][strlen(e->string)] == '=') {
				*cause = "variable given twice";
				return (-1);
			}
		}
		if (cJSON_IsString(e))
			val = e->valuestring;
		else if (cJSON_IsObject(e)) {
			/* Bytes that are not UTF-8 (json_bytes). */
			if ((bytes = json_bytes_dup(e, cause)) == NULL)
				return (-1);
			val = bytes;
		} else if (json_is_int(e, INT64_MIN, INT64_MAX)) {
			snprintf(num, sizeof num, "%lld",
			    (long long)e->valuedouble);
			val = num;
		} else if (cJSON_IsBool(e))
			val = cJSON_IsTrue(e) ? "true" : "false";
		else {
			*cause = "variable value not a string";
			return (-1);
		}
		xasprintf(&c->env[n++], "%s=%s", e->string, val);
		free(bytes);
		bytes = NULL;
	}
	return (0);
}

/* args: an array of strings, or one string split at white space. */
static char **
conf_args(const cJSON *v, const char **cause)
{
	char	**a, *copy, *w, *save;
	size_t	  n = 0;

	if (!cJSON_IsString(v))
		return (json_strv(v, OPM_ARGV_MAX, cause));
	copy = xstrdup(v->valuestring);
	a = xcalloc(strlen(copy) / 2 + 2, sizeof *a);
	for (w = strtok_r(copy, " \t\n", &save); w != NULL;
	    w = strtok_r(NULL, " \t\n", &save))
		a[n++] = xstrdup(w);
	free(copy);
	return (a);
}

static void
conf_set_argv(struct app_conf *c, const char *prog, char **args)
{
	size_t	i, n = xlenv(args);

	xfreev(c->argv);
	if (n == 0 && conf_is_shell(prog)) {
		c->argv = xcalloc(4, sizeof *c->argv);
		c->argv[0] = xstrdup("/bin/sh");
		c->argv[1] = xstrdup("-c");
		c->argv[2] = xstrdup(prog);
		return;
	}
	c->argv = xcalloc(n + 2, sizeof *c->argv);
	c->argv[0] = xstrdup(prog);
	for (i = 0; i < n; i++)
		c->argv[i + 1] = xstrdup(args[i]);
}

int
conf_from_json(struct app_conf *c, const cJSON *obj, char *ebuf, size_t elen)
{
	const cJSON	*v, *e;
	const char	*cause = NULL, *key = "?", *prog = NULL;
	char		**args = NULL, **argv = NULL;
	uint64_t	 u64;
	int		 sig;
	bool		 have_args = false;

	if (!cJSON_IsObject(obj)) {
		snprintf(ebuf, elen, "app is not a JSON object");
		return (-1);
	}
	cJSON_ArrayForEach(v, obj) {
		key = v->string;
		if (strcmp(key, "name") == 0) {
			if (!cJSON_IsString(v) ||
			    !parse_name_ok(v->valuestring)) {
				cause = "must be 1-64 of [A-Za-z0-9._-], not "
				    "all digits, not 'all'";
				goto bad;
			}
			strlcpy(c->name, v->valuestring, sizeof c->name);
		} else if (strcmp(key, "script") == 0 ||
		    strcmp(key, "cmd") == 0) {
			if (!cJSON_IsString(v) || *v->valuestring == '\0') {
				cause = "must be a non-empty string";
				goto bad;
			}
			if (prog != NULL || argv != NULL) {
				cause = "program given twice";
				goto bad;
			}
			prog = v->valuestring;
		} else if (strcmp(key, "argv") == 0) {
			if (prog != NULL || argv != NULL) {
				cause = "program given twice";
				goto bad;
			}
			if ((argv = json_strv(v, OPM_ARGV_MAX, &cause)) ==
			    NULL)
				goto bad;
			if (argv[0] == NULL || *argv[0] == '\0') {
				cause = "must not be empty";
				goto bad;
			}
		} else if (strcmp(key, "args") == 0) {
			xfreev(args);
			if ((args = conf_args(v, &cause)) == NULL)
				goto bad;
			have_args = true;
		} else if (strcmp(key, "cwd") == 0) {
			if (!cJSON_IsString(v) || v->valuestring[0] != '/') {
				cause = "must be an absolute path";
				goto bad;
			}
			free(c->cwd);
			c->cwd = xstrdup(v->valuestring);
		} else if (strcmp(key, "env") == 0) {
			if (conf_env_obj(c, v, &cause) == -1)
				goto bad;
		} else if (strcmp(key, "env_file") == 0) {
			if (!cJSON_IsString(v) || v->valuestring[0] != '/') {
				cause = "must be an absolute path";
				goto bad;
			}
			free(c->env_file);
			c->env_file = xstrdup(v->valuestring);
		} else if (strcmp(key, "restart") == 0) {
			const char *s = cJSON_IsString(v) ? v->valuestring :
			    "";
			if (strcmp(s, "always") == 0)
				c->restart = RESTART_ALWAYS;
			else if (strcmp(s, "on-failure") == 0)
				c->restart = RESTART_ON_FAILURE;
			else if (strcmp(s, "never") == 0)
				c->restart = RESTART_NEVER;
			else {
				cause = "must be always, on-failure or never";
				goto bad;
			}
		} else if (strcmp(key, "autorestart") == 0) {
			if (!cJSON_IsBool(v)) {
				cause = "must be true or false";
				goto bad;
			}
			c->restart = cJSON_IsTrue(v) ? RESTART_ALWAYS :
			    RESTART_NEVER;
		} else if (strcmp(key, "stop_exit_codes") == 0) {
			c->nstop_codes = 0;
			if (json_is_int(v, 0, 255)) {
				c->stop_codes[c->nstop_codes++] =
				    (int)v->valuedouble;
				continue;
			}
			if (!cJSON_IsArray(v) ||
			    cJSON_GetArraySize(v) > CONF_STOP_CODES_MAX) {
				cause = "must be a list of at most 32 exit "
				    "codes";
				goto bad;
			}
			cJSON_ArrayForEach(e, v) {
				if (!json_is_int(e, 0, 255)) {
					cause = "exit codes are 0-255";
					goto bad;
				}
				c->stop_codes[c->nstop_codes++] =
				    (int)e->valuedouble;
			}
		} else if (strcmp(key, "max_restarts") == 0) {
			if (conf_uint(v, 1000000, &c->max_restarts,
			    &cause) == -1)
				goto bad;
		} else if (strcmp(key, "min_uptime") == 0) {
			if (conf_duration(v, &c->min_uptime, &cause) == -1)
				goto bad;
			if (c->min_uptime < 100) {
				cause = "must be at least 100ms, or crash "
				    "loops could not be told from runs";
				goto bad;
			}
		} else if (strcmp(key, "restart_delay") == 0 ||
		    strcmp(key, "exp_backoff_restart_delay") == 0) {
			if (conf_duration(v, &c->restart_delay, &cause) == -1)
				goto bad;
		} else if (strcmp(key, "backoff_max") == 0) {
			if (conf_duration(v, &c->backoff_max, &cause) == -1)
				goto bad;
		} else if (strcmp(key, "kill_timeout") == 0) {
			if (conf_duration(v, &c->kill_timeout, &cause) == -1)
				goto bad;
		} else if (strcmp(key, "stop_signal") == 0) {
			if (cJSON_IsNumber(v) && json_is_int(v, 1, 64))
				sig = (int)v->valuedouble;
			else if (cJSON_IsString(v))
				sig = parse_signal(v->valuestring);
			else
				sig = -1;
			if (sig <= 0 || sig == SIGKILL || sig == SIGSTOP) {
				cause = "not a signal that can stop an app";
				goto bad;
			}
			c->stop_signal = sig;
		} else if (strcmp(key, "autostart") == 0 ||
		    strcmp(key, "log_time") == 0 ||
		    strcmp(key, "inherit_env") == 0) {
			if (!cJSON_IsBool(v)) {
				cause = "must be true or false";
				goto bad;
			}
			if (key[0] == 'a')
				c->autostart = cJSON_IsTrue(v);
			else if (key[0] == 'i')
				c->inherit_env = cJSON_IsTrue(v);
			else
				c->log_time = cJSON_IsTrue(v);
		} else if (strcmp(key, "log_max_size") == 0) {
			if (cJSON_IsString(v)) {
				if (parse_size(v->valuestring, &u64,
				    &cause) == -1)
					goto bad;
			} else if (json_is_int(v, 0, INT64_MAX))
				u64 = (uint64_t)v->valuedouble;
			else {
				cause = "not a size";
				goto bad;
			}
			if (u64 < 1024) {
				cause = "must be at least 1K";
				goto bad;
			}
			c->log_max_size = u64;
		} else if (strcmp(key, "log_keep") == 0) {
			if (conf_uint(v, 1000, &c->log_keep, &cause) == -1)
				goto bad;
		} else {
			cause = "unknown key";
			goto bad;
		}
	}
	key = "script";
	if (prog != NULL)
		conf_set_argv(c, prog, args);
	else if (argv != NULL) {
		if (have_args) {
			key = "args";
			cause = "goes with script, not argv";
			goto bad;
		}
		xfreev(c->argv);
		c->argv = argv;
		argv = NULL;
	} else if (c->argv == NULL) {
		cause = "missing: no program given (script, cmd or argv)";
		goto bad;
	}
	xfreev(args);
	return (0);
bad:
	snprintf(ebuf, elen, "%s: %s", key, cause);
	xfreev(args);
	xfreev(argv);
	return (-1);
}

cJSON *
conf_to_json(const struct app_conf *c)
{
	cJSON	*o = cJSON_CreateObject(), *env, *codes;
	size_t	 i;
	char	*eq, *k;

	/* A name is set by the daemon; "" would not read back. */
	if (c->name[0] != '\0')
		cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddItemToObject(o, "argv", json_from_strv(c->argv));
	if (c->cwd != NULL)
		cJSON_AddStringToObject(o, "cwd", c->cwd);
	env = cJSON_AddObjectToObject(o, "env");
	for (i = 0; c->env != NULL && c->env[i] != NULL; i++) {
		eq = strchr(c->env[i], '=');
		k = xstrndup(c->env[i], eq - c->env[i]);
		cJSON_AddItemToObject(env, k, json_bytes(eq + 1));
		free(k);
	}
	if (c->env_file != NULL)
		cJSON_AddStringToObject(o, "env_file", c->env_file);
	cJSON_AddStringToObject(o, "restart", conf_restart_name(c->restart));
	codes = cJSON_AddArrayToObject(o, "stop_exit_codes");
	for (i = 0; i < c->nstop_codes; i++)
		cJSON_AddItemToArray(codes,
		    cJSON_CreateNumber(c->stop_codes[i]));
	cJSON_AddNumberToObject(o, "max_restarts", c->max_restarts);
	cJSON_AddNumberToObject(o, "min_uptime", (double)c->min_uptime);
	cJSON_AddNumberToObject(o, "restart_delay", (double)c->restart_delay);
	cJSON_AddNumberToObject(o, "backoff_max", (double)c->backoff_max);
	cJSON_AddNumberToObject(o, "kill_timeout", (double)c->kill_timeout);
	cJSON_AddStringToObject(o, "stop_signal",
	    parse_signame(c->stop_signal));
	cJSON_AddBoolToObject(o, "autostart", c->autostart);
	cJSON_AddBoolToObject(o, "inherit_env", c->inherit_env);
	cJSON_AddBoolToObject(o, "log_time", c->log_time);
	cJSON_AddNumberToObject(o, "log_max_size", (double)c->log_max_size);
	cJSON_AddNumberToObject(o, "log_keep", c->log_keep);
	return (o);
}

static bool
conf_same_v(char *const *a, char *const *b)
{
	size_t	i;

	for (i = 0; a != NULL && b != NULL && a[i] != NULL && b[i] != NULL;
	    i++) {
		if (strcmp(a[i], b[i]) != 0)
			return (false);
	}
	return (xlenv(a) == xlenv(b));
}

bool
conf_same_program(const struct app_conf *a, const struct app_conf *b)
{
	return (conf_same_v(a->argv, b->argv) &&
	    strcmp(a->cwd ? a->cwd : "", b->cwd ? b->cwd : "") == 0);
}
