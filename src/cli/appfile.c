/*
 * App files in every form PM2 reads, read here in the CLI so the daemon
 * only ever sees JSON apps. JSON is parsed strictly first; PM2 evaluates
 * .json files as JavaScript, so JSON5-style files (comments, unquoted keys,
 * trailing commas) are then evaluated by node, as are .js, .cjs and .mjs
 * files (in the file's directory, with the caller's environment, under a
 * timeout). YAML goes through libyaml (src/common/yamljson.c). Every form
 * ends as the same JSON value, whose shape appfile_apps() normalises.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "appfile.h"
#include "json.h"
#include "options.h"
#include "parse.h"
#include "xmem.h"
#include "yamljson.h"

extern char	**environ;

enum appfile_kind {
	APPFILE_NONE,
	APPFILE_JSON,
	APPFILE_YAML,
	APPFILE_JS,		/* .js, .cjs: require() */
	APPFILE_MJS,		/* .mjs: import() */
};

/*
 * Run by node as `node -e SCRIPT -- FILE KIND`: evaluates FILE and writes
 * {"value": V} or {"error": MSG, "line": N, "column": N} to fd 3, so that
 * what the file itself prints (to stdout, sent to our stderr) cannot mix
 * with it. JSON is evaluated as PM2 does, as the expression (TEXT).
 */
static const char appfile_node_script[] =
	"'use strict';\n"
	"const fs = require('fs'), vm = require('vm'), url = require('url');\n"
	"const file = process.argv[1], kind = process.argv[2];\n"
	"function send(o) {\n"
	"  const b = Buffer.from(JSON.stringify(o) + '\\n');\n"
	"  for (let off = 0; off < b.length; )\n"
	"    off += fs.writeSync(3, b, off);\n"
	"}\n"
	"function where(e) {\n"
	"  const s = String(e && e.stack || '');\n"
	"  let m = /^(.*):(\\d+)\\n.*\\n( *)\\^/.exec(s);\n"
	"  if (m && m[1] === file)\n"
	"    return { line: +m[2], column: m[3].length + 1 };\n"
	"  const i = s.indexOf(file + ':');\n"
	"  m = i < 0 ? null : /^:(\\d+):(\\d+)/.exec(s.slice(i + file.length));\n"
	"  return m ? { line: +m[1], column: +m[2] } : {};\n"
	"}\n"
	"function done(v) {\n"
	"  let out;\n"
	"  try {\n"
	"    out = JSON.stringify({ value: v });\n"
	"  } catch (e) {\n"
	"    return fail(e);\n"
	"  }\n"
	"  send(JSON.parse(out));\n"
	"  process.exit(0);\n"
	"}\n"
	"function fail(e) {\n"
	"  let msg = e instanceof Error ? e.name + ': ' + e.message : "
	"String(e);\n"
	"  send(Object.assign({ error: msg.split('\\n')[0] }, where(e)));\n"
	"  process.exit(0);\n"
	"}\n"
	"function esm() {\n"
	"  return import(url.pathToFileURL(file).href).then(m =>\n"
	"    m.default !== undefined ? m.default : Object.assign({}, m));\n"
	"}\n"
	"try {\n"
	"  if (kind === 'json') {\n"
	"    const text = fs.readFileSync(file, 'utf8');\n"
	"    done(vm.runInNewContext('(\\n' + text + '\\n)', {},\n"
	"      { filename: file, lineOffset: -1 }));\n"
	"  } else if (kind === 'mjs')\n"
	"    esm().then(done, fail);\n"
	"  else {\n"
	"    let v, ok = false;\n"
	"    try {\n"
	"      v = require(file);\n"
	"      ok = true;\n"
	"    } catch (e) {\n"
	"      /* a .js of a \"type\": \"module\" package */\n"
	"      if (e.code !== 'ERR_REQUIRE_ESM')\n"
	"        throw e;\n"
	"      esm().then(done, fail);\n"
	"    }\n"
	"    if (ok)\n"
	"      done(v);\n"
	"  }\n"
	"} catch (e) {\n"
	"  fail(e);\n"
	"}\n";

static enum appfile_kind
appfile_kind(const char *path)
{
	static const struct {
		const char		*suffix;
		enum appfile_kind	 kind;
	} kinds[] = {
		{ ".json", APPFILE_JSON },
		{ ".yml", APPFILE_YAML },
		{ ".yaml", APPFILE_YAML },
		{ ".js", APPFILE_JS },
		{ ".cjs", APPFILE_JS },
		{ ".mjs", APPFILE_MJS },
	};
	size_t	i, n = strlen(path), m;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		m = strlen(kinds[i].suffix);
		if (n > m && strcmp(path + n - m, kinds[i].suffix) == 0)
			return (kinds[i].kind);
	}
	return (APPFILE_NONE);
}

static bool
appfile_suffix(const char *s, const char *suffix)
{
	size_t	n = strlen(s), m = strlen(suffix);

	return (n > m && strcmp(s + n - m, suffix) == 0);
}

bool
appfile_is_file(const char *path)
{
	struct stat	st;

	/* PM2's rule: any .js is a program, NAME.config.js an app file. */
	switch (appfile_kind(path)) {
	case APPFILE_JSON:
	case APPFILE_YAML:
		break;
	case APPFILE_JS:
	case APPFILE_MJS:
		if (!appfile_suffix(path, ".config.js") &&
		    !appfile_suffix(path, ".config.cjs") &&
		    !appfile_suffix(path, ".config.mjs"))
			return (false);
		break;
	default:
		return (false);
	}
	return (stat(path, &st) == 0 && S_ISREG(st.st_mode));
}

/* The whole file, at most APPFILE_SIZE_MAX bytes; NULL with *cause. */
static char *
appfile_slurp(const char *path, size_t *lenp, char **cause)
{
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		close(fd);
		return (NULL);
	}
	if (st.st_size > APPFILE_SIZE_MAX) {
		xasprintf(cause, "%s: larger than %d MiB", path,
		    APPFILE_SIZE_MAX >> 20);
		close(fd);
		return (NULL);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (len != (size_t)st.st_size) {
		xasprintf(cause, "%s: read error", path);
		free(buf);
		return (NULL);
	}
	buf[len] = '\0';
	*lenp = len;
	return (buf);
}

/* node in PATH, as the daemon finds programs; NULL if there is none. */
static char *
appfile_find_node(void)
{
	const char	*path, *p, *colon;
	char		 cand[PATH_MAX];
	struct stat	 st;
	size_t		 dlen;

	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		dlen = colon != NULL ? (size_t)(colon - p) : strlen(p);
		if (dlen == 0)
			strlcpy(cand, "./node", sizeof cand);
		else
			snprintf(cand, sizeof cand, "%.*s/node", (int)dlen, p);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			return (xstrdup(cand));
		if (colon == NULL)
			return (NULL);
	}
}

static long long
appfile_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Runs node on the helper script in dir; exits the child on failure. */
static void __attribute__((noreturn))
appfile_node_child(const char *node, const char *abs, const char *dir,
    const char *kind, int out)
{
	char	*argv[] = { (char *)"node", (char *)"-e",
		    (char *)appfile_node_script, (char *)"--", (char *)abs,
		    (char *)kind, NULL };

	if (out == 3)
		fcntl(out, F_SETFD, 0);
	else if (dup2(out, 3) == -1)
		_exit(127);
	/* What the file prints must not mix with opm's output. */
	if (dup2(STDERR_FILENO, STDOUT_FILENO) == -1 || chdir(dir) == -1)
		_exit(127);
	execve(node, argv, environ);
	_exit(127);
}

/*
 * Reads what the child writes to fd until EOF, the deadline or the size
 * limit; -1 with *cause on the last two.
 */
static int
appfile_node_collect(int fd, long long deadline, char **bufp, size_t *lenp,
    const char *path, char **cause)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	char		*buf = NULL;
	size_t		 len = 0, cap = 0;
	long long	 left;
	ssize_t		 n;

	for (;;) {
		if ((left = deadline - appfile_now_ms()) <= 0) {
			xasprintf(cause, "%s: node did not finish evaluating "
			    "the file within %d s (killed)", path,
			    APPFILE_NODE_TIMEOUT);
			break;
		}
		if (poll(&pfd, 1, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			xasprintf(cause, "%s: poll: %s", path,
			    strerror(errno));
			break;
		}
		if (pfd.revents == 0)
			continue;
		if (cap - len < 65536) {
			cap = cap == 0 ? 65536 : cap * 2;
			buf = xreallocarray(buf, 1, cap + 1);
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			xasprintf(cause, "%s: read: %s", path,
			    strerror(errno));
			break;
		}
		if (n == 0) {
			buf = xreallocarray(buf, 1, len + 1);
			buf[len] = '\0';
			*bufp = buf;
			*lenp = len;
			return (0);
		}
		if ((len += n) > APPFILE_SIZE_MAX) {
			xasprintf(cause, "%s: node printed more than %d MiB "
			    "for the file", path, APPFILE_SIZE_MAX >> 20);
			break;
		}
	}
	free(buf);
	return (-1);
}

/* Waits for pid until deadline, then kills it; its wait status. */
static int
appfile_node_wait(pid_t pid, long long deadline, bool *timedout)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	int		 status;
	pid_t		 r;

	*timedout = false;
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return (status);
		if (r == -1 && errno != EINTR)
			return (0);
		if (appfile_now_ms() >= deadline) {
			*timedout = true;
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) == -1 &&
			    errno == EINTR)
				;
			return (status);
		}
		nanosleep(&ts, NULL);
	}
}

/*
 * The value node makes of the file abs (kind "json", "js" or "mjs"), or
 * NULL with *cause. path is the name the user gave, for messages.
 *
 * Long because it is one sequence: fork node, collect its answer before a
 * deadline, reap it, then tell apart the ways it can fail (no node, timeout,
 * a JavaScript error with its position, no output).
 */
static cJSON *
appfile_node(const char *node, const char *path, const char *abs,
    const char *kind, char **cause)
{
	char		*dir, *slash, *buf = NULL, jcause[160];
	const cJSON	*err, *line, *col;
	cJSON		*r, *v;
	long long	 deadline;
	size_t		 len;
	bool		 timedout;
	pid_t		 pid;
	int		 fds[2], status, rc;

	dir = xstrdup(abs);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(cause, "%s: pipe: %s", path, strerror(errno));
		free(dir);
		return (NULL);
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		xasprintf(cause, "%s: fork: %s", path, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(dir);
		return (NULL);
	}
	if (pid == 0)
		appfile_node_child(node, abs, dir, kind, fds[1]);
	free(dir);
	close(fds[1]);
	deadline = appfile_now_ms() + APPFILE_NODE_TIMEOUT * 1000LL;
	rc = appfile_node_collect(fds[0], deadline, &buf, &len, path, cause);
	close(fds[0]);
	if (rc == -1)
		deadline = 0;
	status = appfile_node_wait(pid, deadline, &timedout);
	if (rc == -1)
		return (NULL);
	if (timedout) {
		free(buf);
		xasprintf(cause, "%s: node did not finish evaluating the file "
		    "within %d s (killed)", path, APPFILE_NODE_TIMEOUT);
		return (NULL);
	}
	if (len == 0) {
		free(buf);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			xasprintf(cause, "%s: cannot run %s", path, node);
		else if (WIFSIGNALED(status))
			xasprintf(cause, "%s: node was killed by signal %d "
			    "while evaluating the file", path,
			    WTERMSIG(status));
		else
			xasprintf(cause, "%s: node exited with status %d "
			    "before evaluating the file", path,
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return (NULL);
	}
	r = json_parse(buf, len, jcause, sizeof jcause);
	free(buf);
	if (r == NULL) {
		xasprintf(cause, "%s: the value of the file: %s", path, jcause);
		return (NULL);
	}
	if ((err = cJSON_GetObjectItemCaseSensitive(r, "error")) != NULL) {
		line = cJSON_GetObjectItemCaseSensitive(r, "line");
		col = cJSON_GetObjectItemCaseSensitive(r, "column");
		if (cJSON_IsNumber(line) && cJSON_IsNumber(col))
			xasprintf(cause, "%s:%d:%d: %s", path, line->valueint,
			    col->valueint, cJSON_IsString(err) ?
			    err->valuestring : "error");
		else
			xasprintf(cause, "%s: %s", path, cJSON_IsString(err) ?
			    err->valuestring : "error");
		cJSON_Delete(r);
		return (NULL);
	}
	v = cJSON_DetachItemFromObjectCaseSensitive(r, "value");
	cJSON_Delete(r);
	if (v == NULL)
		xasprintf(cause, "%s: the file %s nothing", path,
		    strcmp(kind, "json") == 0 ? "holds" : "exports");
	return (v);
}

/* A .json file: strict JSON, else PM2's leniency through node. */
static cJSON *
appfile_json(const char *path, const char *abs, char **cause)
{
	char	*buf, jcause[160], *node;
	cJSON	*v;
	size_t	 len, off, line, col;

	if ((buf = appfile_slurp(path, &len, cause)) == NULL)
		return (NULL);
	if ((v = json_parse(buf, len, jcause, sizeof jcause)) != NULL) {
		free(buf);
		return (v);
	}
	if ((node = appfile_find_node()) != NULL) {
		free(buf);
		v = appfile_node(node, path, abs, "json", cause);
		free(node);
		return (v);
	}
	if (strstr(jcause, "byte ") != NULL &&
	    sscanf(strstr(jcause, "byte ") + 5, "%zu", &off) == 1) {
		parse_line_col(buf, len, off, &line, &col);
		xasprintf(cause, "%s:%zu:%zu: %s (install node for JSON5-style "
		    "files)", path, line, col, jcause);
	} else
		xasprintf(cause, "%s: %s (install node for JSON5-style files)",
		    path, jcause);
	free(buf);
	return (NULL);
}

static cJSON *
appfile_yaml(const char *path, char **cause)
{
	char	*buf, ycause[256];
	cJSON	*v;
	size_t	 len, line, col;

	if ((buf = appfile_slurp(path, &len, cause)) == NULL)
		return (NULL);
	v = yamljson_parse(buf, len, &line, &col, ycause, sizeof ycause);
	free(buf);
	if (v == NULL) {
		if (line != 0)
			xasprintf(cause, "%s:%zu:%zu: %s", path, line, col,
			    ycause);
		else
			xasprintf(cause, "%s: %s", path, ycause);
	}
	return (v);
}

/* PM2's top-level keys besides the apps: read by PM2, not by opm. */
static bool
appfile_pm2_top(const char *key)
{
	return (strcmp(key, "deploy") == 0 || strcmp(key, "static") == 0);
}

/* True when obj has a key of the option table: one app object. */
static bool
appfile_is_app(const cJSON *obj)
{
	const cJSON	*kv;

	cJSON_ArrayForEach(kv, obj) {
		if (options_find(kv->string) != NULL)
			return (true);
	}
	return (false);
}

/*
 * The array of apps of the file's value top (taking ownership): {"apps":
 * [...]} (PM2 also reads "pm2" for "apps"), an array, or one app object.
 */
static cJSON *
appfile_apps(cJSON *top, const char *path, char **cause)
{
	cJSON		*list, *kv, *next;
	const char	*key = NULL;

	if (cJSON_IsArray(top))
		return (top);
	if (!cJSON_IsObject(top)) {
		xasprintf(cause, "%s: expected {\"apps\": [...]}, an array of "
		    "apps or one app object", path);
		cJSON_Delete(top);
		return (NULL);
	}
	if (cJSON_GetObjectItemCaseSensitive(top, "apps") != NULL)
		key = "apps";
	else if (cJSON_GetObjectItemCaseSensitive(top, "pm2") != NULL)
		key = "pm2";
	if (key == NULL && !appfile_is_app(top)) {
		xasprintf(cause, "%s: expected {\"apps\": [...]}, an array of "
		    "apps or one app object (no key of an app found)", path);
		cJSON_Delete(top);
		return (NULL);
	}
	for (kv = top->child; kv != NULL; kv = next) {
		next = kv->next;
		if (key != NULL && strcmp(kv->string, key) == 0)
			continue;
		if (appfile_pm2_top(kv->string) ||
		    (key != NULL && strcmp(kv->string, "pm2") == 0)) {
			fprintf(stderr, "opm: %s: ignoring top-level key '%s' "
			    "(not used by opm)\n", path, kv->string);
			cJSON_Delete(cJSON_DetachItemViaPointer(top, kv));
			continue;
		}
		if (key != NULL) {
			xasprintf(cause, "%s: unknown top-level key '%s' (an "
			    "app file holds \"apps\", and PM2's \"deploy\", "
			    "which opm ignores)", path, kv->string);
			cJSON_Delete(top);
			return (NULL);
		}
	}
	if (key == NULL) {
		/* One app object. */
		list = cJSON_CreateArray();
		cJSON_AddItemToArray(list, top);
		return (list);
	}
	list = cJSON_DetachItemFromObjectCaseSensitive(top, key);
	cJSON_Delete(top);
	if (cJSON_IsObject(list)) {
		/* PM2 takes "apps": {...} as a list of one. */
		top = cJSON_CreateArray();
		cJSON_AddItemToArray(top, list);
		list = top;
	}
	if (!cJSON_IsArray(list)) {
		xasprintf(cause, "%s: \"%s\" must be an array of apps", path,
		    key);
		cJSON_Delete(list);
		return (NULL);
	}
	return (list);
}

cJSON *
appfile_read(const char *path, char **cause)
{
	char			 abs[PATH_MAX], *node;
	enum appfile_kind	 kind = appfile_kind(path);
	cJSON			*v = NULL;

	*cause = NULL;
	if (kind == APPFILE_NONE) {
		xasprintf(cause, "%s: not an app file name (.json, .yml, "
		    ".yaml, .js, .cjs, .mjs)", path);
		return (NULL);
	}
	if (realpath(path, abs) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	switch (kind) {
	case APPFILE_JSON:
		v = appfile_json(path, abs, cause);
		break;
	case APPFILE_YAML:
		v = appfile_yaml(path, cause);
		break;
	default:
		if ((node = appfile_find_node()) == NULL) {
			xasprintf(cause, "%s: node is needed to read .js app "
			    "files (not found in PATH)", path);
			return (NULL);
		}
		v = appfile_node(node, path, abs,
		    kind == APPFILE_MJS ? "mjs" : "js", cause);
		free(node);
		break;
	}
	if (v == NULL)
		return (NULL);
	return (appfile_apps(v, path, cause));
}
