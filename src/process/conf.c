/*
 * App configuration: defaults, the one JSON reader used for start requests,
 * app files and the dump, and its writer. All three walk the option table
 * of src/common/options.c; this file gives each type of option its meaning.
 * A key that is not in the table is an error that names the key.
 */
#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "cron.h"
#include "deps.h"
#include "health.h"
#include "hookconf.h"
#include "ident.h"
#include "json.h"
#include "log.h"
#include "logfmt.h"
#include "logsink.h"
#include "options.h"
#include "parse.h"
#include "ready.h"
#include "rlim.h"
#include "xmem.h"

/* OPTIONS_ENUM fields are written as int. */
_Static_assert(sizeof(enum restart_policy) == sizeof(int),
    "enum restart_policy is not an int");
_Static_assert(sizeof(enum cron_mode) == sizeof(int),
    "enum cron_mode is not an int");

/* What the program keys of one app object said; checked at the end. */
struct conf_prog {
	bool		  given;	/* script, cmd or argv */
	bool		  bad;		/* one of them had a problem */
	bool		  have_args;
};

/* The field of row o in a conf, as a pointer to type. */
#define CONF_FIELD(c, o, type)						\
	((type *)(void *)((char *)(c) + (o)->offset))
#define CONF_CFIELD(c, o, type)						\
	((type const *)(const void *)((const char *)(c) + (o)->offset))

static int	conf_set(struct app_conf *, struct conf_prog *,
		    const struct options_entry *, const cJSON *,
		    const char **);

/* A cJSON string or boolean on the stack, for values that are not JSON. */
static const cJSON *
conf_value(cJSON *tmp, enum options_type type, const char *s)
{
	memset(tmp, 0, sizeof *tmp);
	if (type == OPTIONS_BOOL)
		tmp->type = strcmp(s, "true") == 0 ? cJSON_True : cJSON_False;
	else {
		tmp->type = cJSON_String;
		tmp->valuestring = (char *)s;
	}
	return (tmp);
}

void
conf_defaults(struct app_conf *c)
{
	const struct options_entry	*o;
	const char			*cause = NULL;
	cJSON				 tmp;
	size_t				 i;

	memset(c, 0, sizeof *c);
	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (o->default_value == NULL || o->alias_of != NULL)
			continue;
		if (conf_set(c, NULL, o, conf_value(&tmp, o->type,
		    o->default_value), &cause) == -1)
			fatalx("%s: default of %s: %s", __func__, o->key,
			    cause);
	}
}

/* The fields of the environment sets and log keys. */
static void
conf_free_logs(struct app_conf *c)
{
	size_t	i;

	for (i = 0; i < c->nenvsets; i++) {
		free(c->envsets[i].name);
		xfreev(c->envsets[i].env);
	}
	free(c->envsets);
	free(c->env_name);
	free(c->out_file);
	free(c->error_file);
	free(c->log_file);
	free(c->log_date_format);
	xfreev(c->listen);
	free(c->instance_var);
	free(c->increment_var);
	free(c->ready);
	free(c->user);
	free(c->group);
	xfreev(c->hooks);
	free(c->cron);
	free(c->cron_tz);
	xfreev(c->watch);
	xfreev(c->ignore_watch);
}

/*
 * env_base vectors, shared: every app of one request (and of one shell)
 * inherits the same environment, and a copy each was about 1.5 KB of the
 * daemon's memory an app (2.5 KB with a longer environment). A shared
 * vector is never changed, only replaced. Few distinct ones exist (one
 * per environment that created apps), so a list does.
 */
struct conf_env {
	char		**v;
	uint64_t	  hash;
	size_t		  refs;
	struct conf_env	 *next;
};
static struct conf_env	*conf_envs;

static uint64_t
conf_env_hash(char *const *v)
{
	uint64_t	 h = 14695981039346656037ULL;
	const char	*p;
	size_t		 i;

	for (i = 0; v[i] != NULL; i++) {
		for (p = v[i]; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return (h);
}

static bool
conf_env_equal(char *const *a, char *const *b)
{
	size_t	i;

	for (i = 0; a[i] != NULL && b[i] != NULL; i++) {
		if (strcmp(a[i], b[i]) != 0)
			return (false);
	}
	return (a[i] == NULL && b[i] == NULL);
}

char **
conf_env_share(char **v)
{
	struct conf_env	*e;
	uint64_t	 h;

	if (v == NULL)
		return (NULL);
	h = conf_env_hash(v);
	for (e = conf_envs; e != NULL; e = e->next) {
		if (e->hash == h && conf_env_equal(e->v, v)) {
			xfreev(v);
			e->refs++;
			return (e->v);
		}
	}
	e = xcalloc(1, sizeof *e);
	e->v = v;
	e->hash = h;
	e->refs = 1;
	e->next = conf_envs;
	conf_envs = e;
	return (v);
}

void
conf_env_unshare(char **v)
{
	struct conf_env	**ep, *e;

	if (v == NULL)
		return;
	for (ep = &conf_envs; (e = *ep) != NULL; ep = &e->next) {
		if (e->v != v)
			continue;
		if (--e->refs == 0) {
			*ep = e->next;
			xfreev(e->v);
			free(e);
		}
		return;
	}
	/* Never shared. */
	xfreev(v);
}

void
conf_free(struct app_conf *c)
{
	free(c->script);
	xfreev(c->args);
	free(c->interpreter);
	xfreev(c->interp_args);
	xfreev(c->argv);
	conf_env_unshare(c->env_base);
	xfreev(c->env);
	free(c->cwd);
	free(c->env_file);
	conf_free_logs(c);
	free(c->deps);
	health_free(c->health);
	memset(c, 0, sizeof *c);
}

const char *
conf_restart_name(enum restart_policy p)
{
	return (options_find("restart")->choices[p]);
}

static int
conf_size(const cJSON *v, uint64_t *out, const char **cause)
{
	if (cJSON_IsString(v))
		return (parse_size(v->valuestring, out, cause));
	if (json_is_int(v, 0, INT64_MAX)) {
		*out = (uint64_t)v->valuedouble;
		return (0);
	}
	*cause = "not a size";
	return (-1);
}

/* A duration or a size, checked against the row's minimum. */
static int
conf_u64(const struct options_entry *o, const cJSON *v, uint64_t *out,
    const char **cause)
{
	uint64_t	u64;
	int		r;

	if (o->type == OPTIONS_DURATION)
		r = json_duration(v, &u64, cause);
	else
		r = conf_size(v, &u64, cause);
	if (r == -1)
		return (-1);
	if (u64 < (uint64_t)o->minimum) {
		*cause = o->minimum_cause;
		return (-1);
	}
	*out = u64;
	return (0);
}

static int
conf_enum(const struct options_entry *o, const cJSON *v, int *out,
    const char **cause)
{
	static char	 buf[256];
	const char	*s = cJSON_IsString(v) ? v->valuestring : "";
	int		 i;

	for (i = 0; o->choices[i] != NULL; i++) {
		if (strcmp(s, o->choices[i]) == 0) {
			*out = i;
			return (0);
		}
	}
	/* "must be a, b or c"; the caller copies it before the next call. */
	strlcpy(buf, "must be ", sizeof buf);
	for (i = 0; o->choices[i] != NULL; i++) {
		if (i > 0)
			strlcat(buf, o->choices[i + 1] != NULL ? ", " : " or ",
			    sizeof buf);
		strlcat(buf, o->choices[i], sizeof buf);
	}
	*cause = buf;
	return (-1);
}

static int
conf_signal(const cJSON *v, int *out, const char **cause)
{
	int	sig;

	if (cJSON_IsNumber(v) && json_is_int(v, 1, 64))
		sig = (int)v->valuedouble;
	else if (cJSON_IsString(v))
		sig = parse_signal(v->valuestring);
	else
		sig = -1;
	if (sig <= 0 || sig == SIGKILL || sig == SIGSTOP) {
		*cause = "not a signal that can stop an app";
		return (-1);
	}
	*out = sig;
	return (0);
}

static int
conf_codes(struct app_conf *c, const struct options_entry *o,
    const cJSON *v, const char **cause)
{
	const cJSON	*e;

	c->nstop_codes = 0;
	if (json_is_int(v, o->minimum, o->maximum)) {
		c->stop_codes[c->nstop_codes++] = (int)v->valuedouble;
		return (0);
	}
	if (!cJSON_IsArray(v) ||
	    cJSON_GetArraySize(v) > CONF_STOP_CODES_MAX) {
		*cause = "must be a list of at most 32 exit codes";
		return (-1);
	}
	cJSON_ArrayForEach(e, v) {
		if (!json_is_int(e, o->minimum, o->maximum)) {
			*cause = "exit codes are 0-255";
			return (-1);
		}
		c->stop_codes[c->nstop_codes++] = (int)e->valuedouble;
	}
	return (0);
}

static int
conf_path(const cJSON *v, char **out, const char **cause)
{
	if (!cJSON_IsString(v) || v->valuestring[0] != '/') {
		*cause = "must be an absolute path";
		return (-1);
	}
	free(*out);
	*out = xstrdup(v->valuestring);
	return (0);
}

static int
conf_env_obj(char ***out, const cJSON *v, const char **cause)
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
	xfreev(*out);
	*out = xcalloc(cJSON_GetArraySize(v) + 1, sizeof **out);
	cJSON_ArrayForEach(e, v) {
		if (*e->string == '\0' || strchr(e->string, '=') != NULL) {
			*cause = "variable name empty or holding '='";
			return (-1);
		}
		for (i = 0; i < n; i++) {
			if (strncmp((*out)[i], e->string, strlen(e->string)) ==
			    0 && (*out)[i][strlen(e->string)] == '=') {
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
		xasprintf(&(*out)[n++], "%s=%s", e->string, val);
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

/* The program keys: script, cmd, argv, args and interpreter_args. */
static int
conf_program(struct app_conf *c, struct conf_prog *p,
    const struct options_entry *o, const cJSON *v, const char **cause)
{
	char	***field, **a;

	if (o->type == OPTIONS_ARGS) {
		if ((a = conf_args(v, cause)) == NULL)
			return (-1);
		field = CONF_FIELD(c, o, char **);
		xfreev(*field);
		*field = a;
		if (o->offset == offsetof(struct app_conf, args))
			p->have_args = true;
		return (0);
	}
	if (p->given) {
		*cause = "program given twice (one of script, cmd, argv)";
		return (-1);
	}
	p->given = true;
	if (o->type == OPTIONS_PROGRAM) {
		if (!cJSON_IsString(v) || *v->valuestring == '\0') {
			p->bad = true;
			*cause = "must be a non-empty string";
			return (-1);
		}
		free(c->script);
		c->script = xstrdup(v->valuestring);
		return (0);
	}
	if ((a = json_strv(v, OPM_ARGV_MAX, cause)) == NULL) {
		p->bad = true;
		return (-1);
	}
	if (a[0] == NULL || *a[0] == '\0') {
		xfreev(a);
		p->bad = true;
		*cause = "must not be empty";
		return (-1);
	}
	xfreev(c->argv);
	c->argv = a;
	return (0);
}

bool
conf_setname_ok(const char *s)
{
	size_t	n = strlen(s);

	return (n > 0 && n <= CONF_SETNAME_MAX && strspn(s,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
	    == n);
}

const struct conf_envset *
conf_envset(const struct app_conf *c, const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < c->nenvsets; i++) {
		if (strcmp(c->envsets[i].name, name) == 0)
			return (&c->envsets[i]);
	}
	return (NULL);
}

/* env_NAME: one environment set, kept in the order of the object. */
static int
conf_envset_set(struct app_conf *c, const char *name, const cJSON *v,
    const char **cause)
{
	struct conf_envset	*e;
	char			**env = NULL;

	if (!conf_setname_ok(name)) {
		*cause = "the set's NAME must be 1-64 of [A-Za-z0-9._-]";
		return (-1);
	}
	if (conf_envset(c, name) != NULL) {
		*cause = "set given twice";
		return (-1);
	}
	if (c->nenvsets >= CONF_ENVSETS_MAX) {
		*cause = "more than 64 environment sets";
		return (-1);
	}
	if (conf_env_obj(&env, v, cause) == -1) {
		xfreev(env);
		return (-1);
	}
	c->envsets = xreallocarray(c->envsets, c->nenvsets + 1,
	    sizeof *c->envsets);
	e = &c->envsets[c->nenvsets++];
	e->name = xstrdup(name);
	e->env = env;
	return (0);
}

/*
 * A log path as PM2 takes it: null, "NULL" or "/dev/null" keep nothing;
 * "~/" is the home directory; a relative path is made absolute against
 * cwd once the whole object is read (conf_finish_logs). log_file may also
 * be true (logs/NAME.log, kept as "") or false (none, NULL).
 */
static int
conf_logpath(const struct options_entry *o, const cJSON *v, char **out,
    const char **cause)
{
	const char	*s, *home;
	bool		 combined = strcmp(o->key, "log_file") == 0;

	free(*out);
	*out = NULL;
	if (cJSON_IsNull(v)) {
		*out = xstrdup("/dev/null");
		return (0);
	}
	if (combined && cJSON_IsBool(v)) {
		if (cJSON_IsTrue(v))
			*out = xstrdup("");
		return (0);
	}
	if (!cJSON_IsString(v) || *v->valuestring == '\0') {
		*cause = combined ? "must be a path, true or false" :
		    "must be a path (or null: no file)";
		return (-1);
	}
	s = v->valuestring;
	if (strcmp(s, "NULL") == 0 || strcmp(s, "/dev/null") == 0)
		*out = xstrdup("/dev/null");
	else if (strncmp(s, "~/", 2) == 0 && (home = getenv("HOME")) != NULL &&
	    *home == '/')
		xasprintf(out, "%s/%s", home, s + 2);
	else
		*out = xstrdup(s);
	return (0);
}

static int
conf_datefmt(const cJSON *v, char **out, const char **cause)
{
	char	fmt[LOGFMT_MAX];

	if (!cJSON_IsString(v)) {
		*cause = "must be a string of moment tokens, e.g. "
		    "\"YYYY-MM-DD HH:mm:ss\"";
		return (-1);
	}
	if (logfmt_translate(v->valuestring, fmt, sizeof fmt, cause) == -1)
		return (-1);
	free(*out);
	*out = xstrdup(v->valuestring);
	return (0);
}

/* A ready kind, kept as written; "none" is NULL. */
static int
conf_ready(const cJSON *v, char **out, const char **cause)
{
	struct ready_spec	r;

	if (!cJSON_IsString(v)) {
		*cause = "must be a string: notify, ipc, tcp:PORT, "
		    "http://HOST:PORT/PATH or none";
		return (-1);
	}
	if (ready_parse(v->valuestring, &r, cause) == -1)
		return (-1);
	free(*out);
	*out = r.kind == READY_NONE ? NULL : xstrdup(v->valuestring);
	return (0);
}

int
conf_ready_kind(const struct app_conf *c)
{
	struct ready_spec	r;
	const char		*cause;

	if (c->ready == NULL || ready_parse(c->ready, &r, &cause) == -1)
		return (READY_NONE);
	return ((int)r.kind);
}

/*
 * exec_mode cluster: the instances share the listen sockets. A PM2 program
 * listens on the PORT of its env, so without a listen key that port is
 * the socket, tcp://0.0.0.0:PORT (what node's listen(PORT) reaches from
 * outside); with neither there is nothing to share (PM2's cluster workers
 * that never listen), and the instances run as in fork mode.
 */
static int
conf_finish_cluster(struct app_conf *c, const char **key, const char **cause)
{
	const char	*why;
	char		 buf[64];
	long long	 port;
	size_t		 i;

	*key = "exec_mode";
	if (!CONF_CLUSTER(c) || c->listen != NULL)
		return (0);
	for (i = 0; c->env != NULL && c->env[i] != NULL; i++) {
		if (strncmp(c->env[i], "PORT=", 5) == 0)
			break;
	}
	/* Nothing to share (a worker): the instances run as in fork mode. */
	if (c->env == NULL || c->env[i] == NULL)
		return (0);
	if (parse_int(c->env[i] + 5, 1, 65535, &port, &why) == -1) {
		*cause = "cluster without listen: env PORT must be a port "
		    "number (1-65535)";
		return (-1);
	}
	snprintf(buf, sizeof buf, "tcp://0.0.0.0:%lld", port);
	c->listen = xcalloc(2, sizeof *c->listen);
	c->listen[0] = xstrdup(buf);
	return (0);
}

/* The watchdog goes with notify, and is not shorter than 500 ms. */
static int
conf_finish_ready(const struct app_conf *c, const char **key,
    const char **cause)
{
	*key = "watchdog_sec";
	if (c->watchdog_sec == 0)
		return (0);
	if (c->watchdog_sec < 500) {
		*cause = "must be 0 (off) or at least 500ms (a bare number is "
		    "milliseconds: write \"5s\")";
		return (-1);
	}
	if (conf_ready_kind(c) != READY_NOTIFY) {
		*cause = "needs ready: notify (the pings are WATCHDOG=1 on "
		    "NOTIFY_SOCKET)";
		return (-1);
	}
	return (0);
}

/*
 * listen: one address or an array of them, each checked now (addr.h), no
 * socket address twice. The cause names the address; the caller copies it
 * before the next call.
 */
static int
conf_listen(const cJSON *v, char ***out, const char **cause)
{
	static char	 buf[ADDR_TEXT_MAX + 160];
	struct addr	 a[CONF_LISTEN_MAX];
	const cJSON	*e;
	char		**l;
	const char	*why;
	size_t		  n = 0, i;

	if (!cJSON_IsString(v) && !cJSON_IsArray(v)) {
		*cause = "must be an address or an array of addresses";
		return (-1);
	}
	if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > CONF_LISTEN_MAX) {
		*cause = "more than 16 addresses";
		return (-1);
	}
	l = xcalloc(CONF_LISTEN_MAX + 1, sizeof *l);
	for (e = cJSON_IsArray(v) ? v->child : v; e != NULL;
	    e = cJSON_IsArray(v) ? e->next : NULL) {
		if (!cJSON_IsString(e)) {
			*cause = "an address is not a string";
			goto fail;
		}
		if (addr_parse(e->valuestring, &a[n], &why) == -1) {
			snprintf(buf, sizeof buf, "'%.*s': %s", ADDR_TEXT_MAX,
			    e->valuestring, why);
			*cause = buf;
			goto fail;
		}
		for (i = 0; i < n; i++) {
			if (addr_same(&a[i], &a[n])) {
				snprintf(buf, sizeof buf, "'%.*s': given twice",
				    ADDR_TEXT_MAX, e->valuestring);
				*cause = buf;
				goto fail;
			}
		}
		l[n++] = xstrdup(e->valuestring);
	}
	xfreev(*out);
	*out = n > 0 ? l : NULL;
	if (n == 0)
		xfreev(l);
	return (0);
fail:
	xfreev(l);
	return (-1);
}

/*
 * Strings: one, or an array (watch: paths, ignore_watch: globs), each
 * non-empty and of one line. An empty array is none: *out NULL.
 */
static int
conf_strings(const cJSON *v, char ***out, const char *what,
    const char **cause)
{
	static char	 buf[128];
	const cJSON	*e;
	char		**l;
	size_t		  n = 0, max;

	if (!cJSON_IsString(v) && !cJSON_IsArray(v)) {
		snprintf(buf, sizeof buf, "must be a %s or an array of them",
		    what);
		*cause = buf;
		return (-1);
	}
	max = cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 1;
	if (max > 256) {
		snprintf(buf, sizeof buf, "must have at most 256 %ss", what);
		*cause = buf;
		return (-1);
	}
	l = xcalloc(max + 1, sizeof *l);
	for (e = cJSON_IsArray(v) ? v->child : v; e != NULL;
	    e = cJSON_IsArray(v) ? e->next : NULL) {
		if (!cJSON_IsString(e) || *e->valuestring == '\0' ||
		    strlen(e->valuestring) >= 1024 ||
		    strchr(e->valuestring, '\n') != NULL) {
			snprintf(buf, sizeof buf, "a %s must be a non-empty "
			    "string of one line, under 1024 bytes", what);
			*cause = buf;
			xfreev(l);
			return (-1);
		}
		l[n++] = xstrdup(e->valuestring);
	}
	xfreev(*out);
	*out = n > 0 ? l : NULL;
	if (n == 0)
		xfreev(l);
	return (0);
}

/*
 * watch: true (the cwd), false (off), a path or paths (of cwd); an empty
 * array is the cwd too, as in PM2.
 */
static int
conf_watch(const cJSON *v, char ***out, const char **cause)
{
	if (cJSON_IsBool(v) || (cJSON_IsArray(v) &&
	    cJSON_GetArraySize(v) == 0)) {
		xfreev(*out);
		*out = cJSON_IsFalse(v) ? NULL : xcalloc(1, sizeof **out);
		return (0);
	}
	if (cJSON_IsArray(v) || cJSON_IsString(v))
		return (conf_strings(v, out, "path", cause));
	*cause = "must be true, false, a path or an array of paths";
	return (-1);
}

/*
 * path made absolute against cwd and lexically normal: no "." or empty
 * parts, ".." applied, so two spellings of one file compare equal.
 */
static char *
conf_abs(const char *cwd, const char *path)
{
	char	*all, *out, *w, *save;
	size_t	 o = 0, len;

	if (path[0] == '/')
		all = xstrdup(path);
	else
		xasprintf(&all, "%s/%s", cwd, path);
	len = strlen(all) + 2;
	out = xmalloc(len);
	out[0] = '\0';
	for (w = strtok_r(all, "/", &save); w != NULL;
	    w = strtok_r(NULL, "/", &save)) {
		if (strcmp(w, ".") == 0)
			continue;
		if (strcmp(w, "..") == 0) {
			while (o > 0 && out[--o] != '/')
				;
			out[o] = '\0';
			continue;
		}
		o += snprintf(out + o, len - o, "/%s", w);
	}
	if (o == 0)
		strlcpy(out, "/", 2);
	free(all);
	return (out);
}

/* Log paths made absolute; -1 with the key and cause to blame. */
static int
conf_finish_logs(struct app_conf *c, const char **key, const char **cause)
{
	char		**f[] = { &c->out_file, &c->error_file, &c->log_file };
	const char	*keys[] = { "out_file", "error_file", "log_file" };
	char		 *abs;
	size_t		  i;

	for (i = 0; i < 3; i++) {
		if (*f[i] == NULL || **f[i] == '\0')
			continue;
		if (**f[i] != '/' && c->cwd == NULL) {
			*key = keys[i];
			*cause = "a relative path needs a cwd";
			return (-1);
		}
		abs = conf_abs(c->cwd, *f[i]);
		free(*f[i]);
		*f[i] = abs;
	}
	if (c->log_file != NULL && *c->log_file != '\0' &&
	    strcmp(c->log_file, "/dev/null") != 0 &&
	    ((c->out_file != NULL && strcmp(c->log_file, c->out_file) == 0) ||
	    (c->error_file != NULL &&
	    strcmp(c->log_file, c->error_file) == 0))) {
		*key = "log_file";
		*cause = "must differ from out_file and error_file (it gets "
		    "both streams already)";
		return (-1);
	}
	return (0);
}

/* depends_on (deps.c); the caller copies cause before the next call. */
static int
conf_deps(struct app_conf *c, const cJSON *v, const char **cause)
{
	static char	buf[160];

	return (deps_from_json(v, &c->deps, &c->ndeps, buf, sizeof buf,
	    cause));
}

/* The CPUs online, at least 1. */
static unsigned
conf_cpus(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return (n < 1 ? 1 : (unsigned)n);
}

/*
 * instances as PM2 reads it: N >= 1, "max" (one per CPU) or -1 (one less
 * than the CPUs, at least 1), as a number or a string of one. Resolved
 * here, on the daemon's machine, so that the dump keeps a number.
 */
static int
conf_instances(const struct options_entry *o, const cJSON *v, unsigned *out,
    const char **cause)
{
	long long	 n;
	const char	*why;

	if (cJSON_IsString(v) && strcmp(v->valuestring, "max") == 0) {
		n = conf_cpus();
	} else if (cJSON_IsString(v)) {
		if (parse_int(v->valuestring, -1, o->maximum, &n, &why) == -1)
			n = -2;
	} else if (json_is_int(v, -1, o->maximum))
		n = (long long)v->valuedouble;
	else
		n = -2;
	if (n == -1)
		n = conf_cpus() > 1 ? conf_cpus() - 1 : 1;
	if (n < o->minimum) {
		*cause = "must be a number of instances from 1 to 1024, "
		    "\"max\" (one per CPU) or -1 (one less than the CPUs); "
		    "opm stop stops an app";
		return (-1);
	}
	*out = (unsigned)n;
	return (0);
}

/*
 * cron_restart: an expression (cron.h), checked now; "0" is none, as in
 * PM2. The caller copies cause before the next call.
 */
static int
conf_cron(const cJSON *v, char **out, const char **cause)
{
	static char	buf[CRON_EXPR_MAX + 160];
	struct cron	c;

	if (!cJSON_IsString(v)) {
		*cause = "must be a cron expression: 5 fields (minute hour "
		    "day-of-month month day-of-week) or 6 (seconds first)";
		return (-1);
	}
	free(*out);
	*out = NULL;
	if (strcmp(v->valuestring, "0") == 0)
		return (0);
	if (cron_parse(v->valuestring, &c, buf, sizeof buf) == -1) {
		*cause = buf;
		return (-1);
	}
	*out = xstrdup(v->valuestring);
	return (0);
}

/* cron_tz: a zone of the tz database. */
static int
conf_tz(const cJSON *v, char **out, const char **cause)
{
	static char	buf[CRON_TZ_MAX + 256];

	if (!cJSON_IsString(v)) {
		*cause = "must be a time zone name such as Europe/Berlin";
		return (-1);
	}
	if (cron_tz_check(v->valuestring, buf, sizeof buf) == -1) {
		*cause = buf;
		return (-1);
	}
	free(*out);
	*out = xstrdup(v->valuestring);
	return (0);
}

/* cron_mode and cron_tz go with cron_restart. */
static int
conf_finish_cron(const struct app_conf *c, const char **key,
    const char **cause)
{
	if (c->cron != NULL)
		return (0);
	*cause = "goes with cron_restart (or cron): no times given";
	*key = "cron_tz";
	if (c->cron_tz != NULL)
		return (-1);
	*key = "cron_mode";
	return (c->cron_mode == CRON_MODE_RUN ? -1 : 0);
}

/* An environment variable's name: a letter or '_', then also digits. */
static int
conf_varname(const cJSON *v, char **out, const char **cause)
{
	const char	*s = cJSON_IsString(v) ? v->valuestring : "";
	size_t		 n = strlen(s);

	if (n == 0 || n > 128 || isdigit((unsigned char)s[0]) ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_") != n) {
		*cause = "must be the name of an environment variable "
		    "([A-Za-z_][A-Za-z0-9_]*)";
		return (-1);
	}
	free(*out);
	*out = xstrdup(s);
	return (0);
}

/* The keys of issue 16: user, group, limits, cgroup keys, log_target. */
static int
conf_prod(struct app_conf *c, const struct options_entry *o, const cJSON *v,
    const char **cause)
{
	char	buf[32], **field;

	switch (o->type) {
	case OPTIONS_IDENT:
		field = CONF_FIELD(c, o, char *);
		if (json_is_int(v, 0, UINT32_MAX - 1)) {
			snprintf(buf, sizeof buf, "%.0f", v->valuedouble);
			free(*field);
			*field = xstrdup(buf);
			return (0);
		}
		if (!cJSON_IsString(v) || !ident_word_ok(v->valuestring)) {
			*cause = "must be a name of [A-Za-z0-9._-] or a number";
			return (-1);
		}
		free(*field);
		*field = xstrdup(v->valuestring);
		return (0);
	case OPTIONS_LIMITS:
		return (rlim_from_json(v, c->limits, cause));
	case OPTIONS_CGROUP:
		return (rlim_cg_from_json(rlim_cg_key(o->key), v,
		    CONF_FIELD(c, o, uint64_t), cause));
	case OPTIONS_LOGTARGET:
		return (logsink_parse(v, CONF_FIELD(c, o, unsigned), cause));
	default:
		fatalx("%s: %s: bad type", __func__, o->key);
	}
}

/* conf_put for the keys of conf_prod: written only when set. */
static void
conf_put_prod(cJSON *obj, const struct options_entry *o,
    const struct app_conf *c)
{
	char *const	*s;
	uint64_t	 u;

	switch (o->type) {
	case OPTIONS_IDENT:
		if (*(s = CONF_CFIELD(c, o, char *)) != NULL)
			cJSON_AddStringToObject(obj, o->key, *s);
		break;
	case OPTIONS_LIMITS:
		if (rlim_any(c->limits))
			cJSON_AddItemToObject(obj, o->key,
			    rlim_to_json(c->limits));
		break;
	case OPTIONS_CGROUP:
		if ((u = *CONF_CFIELD(c, o, uint64_t)) != 0)
			cJSON_AddItemToObject(obj, o->key,
			    rlim_cg_to_json(rlim_cg_key(o->key), u));
		break;
	case OPTIONS_LOGTARGET:
		/* The default is not written: other apps' dumps unchanged. */
		if (c->log_target != LOGSINK_FILE)
			cJSON_AddItemToObject(obj, o->key,
			    logsink_to_json(c->log_target));
		break;
	default:
		break;
	}
}

/* health (health.c): replaced only by a valid object. */
static int
conf_health(struct app_conf *c, const cJSON *v, const char **cause)
{
	struct health_spec	*h;

	if (health_from_json(v, &h, cause) == -1)
		return (-1);
	health_free(c->health);
	c->health = h;
	return (0);
}

/*
 * Sets the option of row o from v, or returns -1 with a cause. p is NULL
 * for defaults, which never name a program.
 */
static int
conf_set(struct app_conf *c, struct conf_prog *p,
    const struct options_entry *o, const cJSON *v, const char **cause)
{
	switch (o->type) {
	case OPTIONS_NAME:
		if (!cJSON_IsString(v) || !parse_name_ok(v->valuestring)) {
			*cause = "must be 1-64 bytes of printable characters "
			    "(UTF-8 allowed), without '/' or ',', not ending "
			    "in ':DIGITS', not all digits, not 'all'";
			return (-1);
		}
		strlcpy(c->name, v->valuestring, sizeof c->name);
		return (0);
	case OPTIONS_PROGRAM:
	case OPTIONS_ARGV:
	case OPTIONS_ARGS:
		if (p == NULL)
			fatalx("%s: %s has no default", __func__, o->key);
		return (conf_program(c, p, o, v, cause));
	case OPTIONS_STRING:
		if (!cJSON_IsString(v) || *v->valuestring == '\0') {
			*cause = "must be a non-empty string";
			return (-1);
		}
		free(*CONF_FIELD(c, o, char *));
		*CONF_FIELD(c, o, char *) = xstrdup(v->valuestring);
		return (0);
	case OPTIONS_PATH:
		return (conf_path(v, CONF_FIELD(c, o, char *), cause));
	case OPTIONS_ENV:
		return (conf_env_obj(&c->env, v, cause));
	case OPTIONS_ENVSET:
		fatalx("%s: %s is read by conf_envset_set", __func__, o->key);
	case OPTIONS_SETNAME:
		if (!cJSON_IsString(v) || !conf_setname_ok(v->valuestring)) {
			*cause = "must be 1-64 of [A-Za-z0-9._-]";
			return (-1);
		}
		free(*CONF_FIELD(c, o, char *));
		*CONF_FIELD(c, o, char *) = xstrdup(v->valuestring);
		return (0);
	case OPTIONS_LOGPATH:
		return (conf_logpath(o, v, CONF_FIELD(c, o, char *), cause));
	case OPTIONS_DATEFMT:
		return (conf_datefmt(v, CONF_FIELD(c, o, char *), cause));
	case OPTIONS_READY:
		return (conf_ready(v, CONF_FIELD(c, o, char *), cause));
	case OPTIONS_BOOL:
		if (!cJSON_IsBool(v)) {
			*cause = "must be true or false";
			return (-1);
		}
		*CONF_FIELD(c, o, bool) = cJSON_IsTrue(v);
		return (0);
	case OPTIONS_ENUM:
		return (conf_enum(o, v, CONF_FIELD(c, o, int), cause));
	case OPTIONS_CODES:
		return (conf_codes(c, o, v, cause));
	case OPTIONS_UINT:
		return (json_uint(v, o->minimum, o->maximum,
		    CONF_FIELD(c, o, unsigned), cause));
	case OPTIONS_DURATION:
	case OPTIONS_SIZE:
		return (conf_u64(o, v, CONF_FIELD(c, o, uint64_t), cause));
	case OPTIONS_SIGNAL:
		return (conf_signal(v, CONF_FIELD(c, o, int), cause));
	case OPTIONS_LISTEN:
		return (conf_listen(v, CONF_FIELD(c, o, char **), cause));
	case OPTIONS_DEPS:
		return (conf_deps(c, v, cause));
	case OPTIONS_INSTANCES:
		return (conf_instances(o, v, CONF_FIELD(c, o, unsigned),
		    cause));
	case OPTIONS_VARNAME:
		return (conf_varname(v, CONF_FIELD(c, o, char *), cause));
	case OPTIONS_IDENT:
	case OPTIONS_LIMITS:
	case OPTIONS_CGROUP:
	case OPTIONS_LOGTARGET:
		return (conf_prod(c, o, v, cause));
	case OPTIONS_HOOKS:
		return (hookconf_parse(v, CONF_FIELD(c, o, char **), cause));
	case OPTIONS_CRON:
		return (conf_cron(v, CONF_FIELD(c, o, char *), cause));
	case OPTIONS_TZ:
		return (conf_tz(v, CONF_FIELD(c, o, char *), cause));
	case OPTIONS_WATCH:
		return (conf_watch(v, CONF_FIELD(c, o, char **), cause));
	case OPTIONS_GLOBS:
		return (conf_strings(v, CONF_FIELD(c, o, char **), "glob",
		    cause));
	case OPTIONS_HEALTH:
		return (conf_health(c, v, cause));
	}
	fatalx("%s: %s: bad type %d", __func__, o->key, (int)o->type);
}

/* Checks that the program keys go together; -1 with key and cause. */
static int
conf_finish_program(struct app_conf *c, struct conf_prog *p,
    const char **key, const char **cause)
{
	*key = "script";
	if (p->bad)
		return (0);	/* already reported */
	if (c->argv != NULL) {
		if (p->have_args) {
			*key = "args";
			*cause = "goes with script, not argv";
			return (-1);
		}
		if (c->interpreter != NULL || c->interp_args != NULL) {
			*key = "interpreter";
			*cause = "goes with script, not argv";
			return (-1);
		}
	} else if (c->script == NULL) {
		*cause = "missing: no program given (script, cmd or argv)";
		return (-1);
	}
	return (0);
}

/* Appends a problem line to ebuf. */
static void
conf_problem(char *ebuf, size_t elen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
conf_problem(char *ebuf, size_t elen, const char *fmt, ...)
{
	va_list	ap;
	size_t	n = strlen(ebuf);

	if (n > 0 && n + 1 < elen) {
		ebuf[n++] = '\n';
		ebuf[n] = '\0';
	}
	if (n + 1 >= elen)
		return;
	va_start(ap, fmt);
	vsnprintf(ebuf + n, elen - n, fmt, ap);
	va_end(ap);
}

/* Whether v is one of the values a PM2-only row accepts. */
static bool
conf_pm2_accepted(const struct options_entry *o, const cJSON *v)
{
	char	*s, *copy, *w, *save;
	bool	 ok = false;

	if (o->pm2_accept == NULL)
		return (false);
	if (strcmp(o->pm2_accept, "*") == 0)
		return (true);
	if ((s = cJSON_PrintUnformatted(v)) == NULL)
		return (false);
	copy = xstrdup(o->pm2_accept);
	for (w = strtok_r(copy, " ", &save); w != NULL && !ok;
	    w = strtok_r(NULL, " ", &save))
		ok = strcmp(w, s) == 0;
	free(copy);
	cJSON_free(s);
	return (ok);
}

/* A PM2 key opm has no option for: accepted as is, or one problem. */
static void
conf_pm2_only(const struct options_entry *o, const cJSON *v, char *ebuf,
    size_t elen)
{
	char	accept[128] = "";

	if (conf_pm2_accepted(o, v))
		return;
	if (o->pm2_accept != NULL)
		snprintf(accept, sizeof accept, " (accepted: %s)",
		    o->pm2_accept);
	if (o->pm2 == OPTIONS_PM2_LATER)
		conf_problem(ebuf, elen, "PM2's %s is not supported yet%s: %s",
		    o->key, accept, o->help);
	else
		conf_problem(ebuf, elen, "PM2's %s is not supported with this "
		    "value%s: %s", o->key, accept, o->help);
}

int
conf_from_json(struct app_conf *c, const cJSON *obj, char *ebuf, size_t elen)
{
	const struct options_entry	*o;
	const cJSON			*v, *val;
	const char			*cause = NULL, *key = "?", *near;
	struct conf_prog		 p = { false, false, false };
	cJSON				 tmp;

	ebuf[0] = '\0';
	if (!cJSON_IsObject(obj)) {
		snprintf(ebuf, elen, "app is not a JSON object");
		return (-1);
	}
	cJSON_ArrayForEach(v, obj) {
		key = v->string;
		val = v;
		if ((o = options_find(key)) == NULL) {
			if ((near = options_suggest(key)) != NULL)
				conf_problem(ebuf, elen, "%s: unknown key; did "
				    "you mean '%s'?", key, near);
			else
				conf_problem(ebuf, elen, "%s: unknown key (see "
				    "opm-apps(5) for the keys)", key);
			continue;
		}
		if (options_pm2_only(o)) {
			conf_pm2_only(o, v, ebuf, elen);
			continue;
		}
		if (o->map_true != NULL) {
			/* A boolean alias names a value of its target. */
			if (!cJSON_IsBool(v)) {
				conf_problem(ebuf, elen, "%s: must be true or "
				    "false", key);
				continue;
			}
			val = conf_value(&tmp, OPTIONS_ENUM, cJSON_IsTrue(v) ?
			    o->map_true : o->map_false);
		}
		if (o->prefix) {
			if (conf_envset_set(c, key + strlen(o->key), v,
			    &cause) == -1)
				conf_problem(ebuf, elen, "%s: %s", key, cause);
			continue;
		}
		if (conf_set(c, &p, options_target(o), val, &cause) == -1)
			conf_problem(ebuf, elen, "%s: %s", key, cause);
	}
	if (conf_finish_program(c, &p, &key, &cause) == -1)
		conf_problem(ebuf, elen, "%s: %s", key, cause);
	else if (conf_finish_logs(c, &key, &cause) == -1)
		conf_problem(ebuf, elen, "%s: %s", key, cause);
	if (conf_finish_cluster(c, &key, &cause) == -1)
		conf_problem(ebuf, elen, "%s: %s", key, cause);
	if (conf_finish_ready(c, &key, &cause) == -1)
		conf_problem(ebuf, elen, "%s: %s", key, cause);
	if (conf_finish_cron(c, &key, &cause) == -1)
		conf_problem(ebuf, elen, "%s: %s", key, cause);
	return (ebuf[0] == '\0' ? 0 : -1);
}

/* A KEY=VALUE vector as a JSON object. */
static cJSON *
conf_env_json(char *const *v)
{
	cJSON	*env = cJSON_CreateObject();
	size_t	 i;
	char	*eq, *k;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		eq = strchr(v[i], '=');
		k = xstrndup(v[i], eq - v[i]);
		cJSON_AddItemToObject(env, k, json_bytes(eq + 1));
		free(k);
	}
	return (env);
}

/* Adds the option of row o to the app object. */
static void
conf_put(cJSON *obj, const struct options_entry *o, const struct app_conf *c)
{
	cJSON	*codes;
	size_t	 i;
	char	*k, *const *s, *const *v;

	switch (o->type) {
	case OPTIONS_NAME:
		/* A name is set by the daemon; "" would not read back. */
		if (c->name[0] != '\0')
			cJSON_AddStringToObject(obj, o->key, c->name);
		break;
	case OPTIONS_ARGV:
	case OPTIONS_ARGS:
		/* Only what was written: script-based apps have no argv. */
		if (*CONF_CFIELD(c, o, char **) != NULL)
			cJSON_AddItemToObject(obj, o->key,
			    json_from_strv(*CONF_CFIELD(c, o, char **)));
		break;
	case OPTIONS_PROGRAM:
	case OPTIONS_STRING:
		if ((s = CONF_CFIELD(c, o, char *)) != NULL && *s != NULL)
			cJSON_AddStringToObject(obj, o->key, *s);
		break;
	case OPTIONS_PATH:
		if ((s = CONF_CFIELD(c, o, char *)) != NULL && *s != NULL)
			cJSON_AddStringToObject(obj, o->key, *s);
		break;
	case OPTIONS_ENV:
		cJSON_AddItemToObject(obj, o->key, conf_env_json(c->env));
		break;
	case OPTIONS_ENVSET:
		for (i = 0; i < c->nenvsets; i++) {
			xasprintf(&k, "%s%s", o->key, c->envsets[i].name);
			cJSON_AddItemToObject(obj, k,
			    conf_env_json(c->envsets[i].env));
			free(k);
		}
		break;
	case OPTIONS_SETNAME:
	case OPTIONS_DATEFMT:
	case OPTIONS_READY:
		if ((s = CONF_CFIELD(c, o, char *)) != NULL && *s != NULL)
			cJSON_AddStringToObject(obj, o->key, *s);
		break;
	case OPTIONS_LOGPATH:
		if ((s = CONF_CFIELD(c, o, char *)) == NULL || *s == NULL)
			break;
		if (**s == '\0')
			cJSON_AddTrueToObject(obj, o->key);
		else
			cJSON_AddStringToObject(obj, o->key, *s);
		break;
	case OPTIONS_BOOL:
		cJSON_AddBoolToObject(obj, o->key, *CONF_CFIELD(c, o, bool));
		break;
	case OPTIONS_ENUM:
		cJSON_AddStringToObject(obj, o->key,
		    o->choices[*CONF_CFIELD(c, o, int)]);
		break;
	case OPTIONS_CODES:
		codes = cJSON_AddArrayToObject(obj, o->key);
		for (i = 0; i < c->nstop_codes; i++)
			cJSON_AddItemToArray(codes,
			    cJSON_CreateNumber(c->stop_codes[i]));
		break;
	case OPTIONS_UINT:
		cJSON_AddNumberToObject(obj, o->key,
		    *CONF_CFIELD(c, o, unsigned));
		break;
	case OPTIONS_DURATION:
	case OPTIONS_SIZE:
		cJSON_AddNumberToObject(obj, o->key,
		    (double)*CONF_CFIELD(c, o, uint64_t));
		break;
	case OPTIONS_SIGNAL:
		cJSON_AddStringToObject(obj, o->key,
		    parse_signame(*CONF_CFIELD(c, o, int)));
		break;
	case OPTIONS_LISTEN:
		/* Absent when empty: the dump of other apps is unchanged. */
		if (*CONF_CFIELD(c, o, char **) != NULL)
			cJSON_AddItemToObject(obj, o->key,
			    json_from_strv(*CONF_CFIELD(c, o, char **)));
		break;
	case OPTIONS_DEPS:
		/* Written only when given: most apps depend on none. */
		if (c->ndeps > 0)
			cJSON_AddItemToObject(obj, o->key,
			    deps_to_json(c->deps, c->ndeps));
		break;
	case OPTIONS_INSTANCES:
		/* An app without instances has no key: as written. */
		if (*CONF_CFIELD(c, o, unsigned) > 0)
			cJSON_AddNumberToObject(obj, o->key,
			    *CONF_CFIELD(c, o, unsigned));
		break;
	case OPTIONS_VARNAME:
	case OPTIONS_CRON:
	case OPTIONS_TZ:
		if ((s = CONF_CFIELD(c, o, char *)) != NULL && *s != NULL)
			cJSON_AddStringToObject(obj, o->key, *s);
		break;
	case OPTIONS_IDENT:
	case OPTIONS_LIMITS:
	case OPTIONS_CGROUP:
	case OPTIONS_LOGTARGET:
		conf_put_prod(obj, o, c);
		break;
	case OPTIONS_HOOKS:
		/* Absent when empty: the dump of other apps is unchanged. */
		if (*CONF_CFIELD(c, o, char **) != NULL)
			cJSON_AddItemToObject(obj, o->key,
			    hookconf_json(*CONF_CFIELD(c, o, char **)));
		break;
	case OPTIONS_WATCH:
	case OPTIONS_GLOBS:
		/* Absent when off: the dump of other apps is unchanged. */
		if ((v = *CONF_CFIELD(c, o, char **)) == NULL)
			break;
		if (v[0] == NULL)
			cJSON_AddTrueToObject(obj, o->key);
		else
			cJSON_AddItemToObject(obj, o->key, json_from_strv(v));
		break;
	case OPTIONS_HEALTH:
		/* Written only when given, like depends_on. */
		if (c->health != NULL)
			cJSON_AddItemToObject(obj, o->key,
			    health_to_json(c->health));
		break;
	}
}

cJSON *
conf_to_json(const struct app_conf *c)
{
	cJSON	*o = cJSON_CreateObject();
	size_t	 i;

	for (i = 0; i < options_count; i++) {
		if (options_table[i].exported)
			conf_put(o, &options_table[i], c);
	}
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
	    strcmp(a->script ? a->script : "", b->script ? b->script : "") ==
	    0 && conf_same_v(a->args, b->args) &&
	    strcmp(a->interpreter ? a->interpreter : "", b->interpreter ?
	    b->interpreter : "") == 0 &&
	    conf_same_v(a->interp_args, b->interp_args) &&
	    strcmp(a->cwd ? a->cwd : "", b->cwd ? b->cwd : "") == 0);
}

/* Adds key to keys unless a and b hold equal values for it. */
static void
conf_diff_key(cJSON *keys, const char *key, const cJSON *a, const cJSON *b)
{
	const cJSON	*va, *vb;

	va = cJSON_GetObjectItemCaseSensitive(a, key);
	vb = cJSON_GetObjectItemCaseSensitive(b, key);
	if (va == NULL && vb == NULL)
		return;
	if (va == NULL || vb == NULL || !cJSON_Compare(va, vb, true))
		cJSON_AddItemToArray(keys, cJSON_CreateString(key));
}

/*
 * Each exported row is written for both through conf_put and the values
 * compared, so a new option is compared as soon as it has its row. A
 * prefix row (env_NAME) yields one key per set that differs.
 */
cJSON *
conf_diff(const struct app_conf *a, const struct app_conf *b)
{
	const struct options_entry	*o;
	const cJSON			*e;
	cJSON				*keys = cJSON_CreateArray(), *ja, *jb;
	size_t				 i;

	for (i = 0; i < options_count; i++) {
		o = &options_table[i];
		if (!o->exported || o->alias_of != NULL)
			continue;
		ja = cJSON_CreateObject();
		jb = cJSON_CreateObject();
		conf_put(ja, o, a);
		conf_put(jb, o, b);
		if (!o->prefix)
			conf_diff_key(keys, o->key, ja, jb);
		else {
			cJSON_ArrayForEach(e, ja)
				conf_diff_key(keys, e->string, ja, jb);
			cJSON_ArrayForEach(e, jb) {
				if (cJSON_GetObjectItemCaseSensitive(ja,
				    e->string) == NULL)
					conf_diff_key(keys, e->string, ja, jb);
			}
		}
		cJSON_Delete(ja);
		cJSON_Delete(jb);
	}
	return (keys);
}
