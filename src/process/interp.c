/*
 * The argv an app runs, from what its configuration says (see interp.h).
 * Read at each spawn, by info and by the checks of a start: a stat of the
 * script, and its first two bytes when it is not executable.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interp.h"
#include "xmem.h"

static const struct {
	const char	*ext;
	const char	*interp;
} interp_exts[] = {
	{ ".js", "node" }, { ".cjs", "node" }, { ".mjs", "node" },
	{ ".ts", INTERP_TS }, { ".cts", INTERP_TS }, { ".mts", INTERP_TS },
	{ ".py", "python3" }, { ".rb", "ruby" }, { ".php", "php" },
	{ ".pl", "perl" }, { ".sh", "bash" }, { ".lua", "lua" },
};

const char *
interp_for_ext(const char *path)
{
	const char	*base = strrchr(path, '/'), *dot;
	size_t		 i;

	base = base != NULL ? base + 1 : path;
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		return (NULL);
	for (i = 0; i < sizeof interp_exts / sizeof interp_exts[0]; i++) {
		if (strcmp(dot, interp_exts[i].ext) == 0)
			return (interp_exts[i].interp);
	}
	return (NULL);
}

bool
interp_is_shell(const char *s)
{
	return (strpbrk(s, " \t\n|&;$<>(){}`'\"*?[]~#=\\") != NULL);
}

/* Vector builder. */
struct interp_v {
	char	**v;
	size_t	  n;
};

static void
interp_add(struct interp_v *a, const char *s)
{
	a->v = xreallocarray(a->v, a->n + 2, sizeof *a->v);
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void
interp_addv(struct interp_v *a, char *const *v)
{
	for (; v != NULL && *v != NULL; v++)
		interp_add(a, *v);
}

static const char *
interp_getenv(char *const *envp, const char *name)
{
	size_t	n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++) {
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return (*envp + n + 1);
	}
	return (NULL);
}

/* The first of names found executable in PATH, in buf; NULL if none. */
static const char *
interp_which(char *const *envp, const char *const *names, char *buf,
    size_t len)
{
	const char	*path, *p, *colon;
	size_t		 i, dlen;

	if ((path = interp_getenv(envp, "PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (i = 0; names[i] != NULL; i++) {
		for (p = path; ; p = colon + 1) {
			colon = strchr(p, ':');
			dlen = colon ? (size_t)(colon - p) : strlen(p);
			if (dlen > 0 && p[0] == '/') {
				snprintf(buf, len, "%.*s/%s", (int)dlen, p,
				    names[i]);
				if (access(buf, X_OK) == 0)
					return (names[i]);
			}
			if (colon == NULL)
				break;
		}
	}
	return (NULL);
}

/*
 * The "#!" line of a file that is not executable: its interpreter and
 * optional argument added to a. false when the file has none.
 */
static bool
interp_shebang(const char *path, struct interp_v *a)
{
	char	 line[256], *p, *arg;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return (false);
	n = read(fd, line, sizeof line - 1);
	close(fd);
	if (n < 3 || line[0] != '#' || line[1] != '!')
		return (false);
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0')
		return (false);
	arg = p + strcspn(p, " \t");
	if (*arg != '\0') {
		*arg++ = '\0';
		while (*arg == ' ' || *arg == '\t')
			arg++;
		/* Like the kernel: the rest is one argument. */
		arg[strcspn(arg, "\r")] = '\0';
		while (*arg != '\0' && (arg[strlen(arg) - 1] == ' ' ||
		    arg[strlen(arg) - 1] == '\t'))
			arg[strlen(arg) - 1] = '\0';
	}
	interp_add(a, p);
	if (*arg != '\0')
		interp_add(a, arg);
	return (true);
}

static bool
interp_is_python(const char *prog)
{
	const char	*base = strrchr(prog, '/');

	base = base != NULL ? base + 1 : prog;
	return (strncmp(base, "python", 6) == 0);
}

/*
 * Long because PM2's rules are one decision list, tried in order: argv,
 * an explicit interpreter, a missing file, an executable, a shebang, the
 * extension.
 */
int
interp_argv(const struct app_conf *c, char *const *envp, char ***out,
    unsigned *flags, char *cause, size_t clen)
{
	static const char *const ts[] = { "tsx", "ts-node", NULL };
	struct interp_v	 a = { NULL, 0 };
	struct stat	 st;
	char		 path[PATH_MAX], ip[PATH_MAX], which[PATH_MAX];
	const char	*s = c->script, *interp;
	bool		 exists;

	*out = NULL;
	*flags = 0;
	if (c->script == NULL) {
		interp_addv(&a, c->argv);
		*out = a.v;
		return (0);
	}
	if (s[0] == '/' || c->cwd == NULL)
		snprintf(path, sizeof path, "%s", s);
	else
		snprintf(path, sizeof path, "%s/%s", c->cwd, s);
	exists = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	if (c->interpreter != NULL && strcmp(c->interpreter, "none") == 0) {
		/* The file of the cwd, else a program from PATH. */
		interp_add(&a, exists ? path : s);
		interp_addv(&a, c->args);
		*out = a.v;
		return (0);
	}
	if (c->interpreter != NULL) {
		/* A relative path is the cwd's: ./venv/bin/python. */
		if (strchr(c->interpreter, '/') != NULL &&
		    c->interpreter[0] != '/' && c->cwd != NULL)
			snprintf(ip, sizeof ip, "%s/%s", c->cwd,
			    c->interpreter);
		else
			snprintf(ip, sizeof ip, "%s", c->interpreter);
		interp_add(&a, ip);
		interp_addv(&a, c->interp_args);
		interp_add(&a, exists ? path : s);
		interp_addv(&a, c->args);
		if (interp_is_python(ip))
			*flags |= INTERP_PYTHON;
		*out = a.v;
		return (0);
	}
	interp = interp_for_ext(s);
	if (!exists) {
		/* "node -r x ./app.js": a command line, as PM2 runs it. */
		if (interp != NULL && !(xlenv(c->args) == 0 &&
		    interp_is_shell(s))) {
			snprintf(cause, clen, "script: %s: no such file",
			    path);
			return (-1);
		}
		if (xlenv(c->args) == 0 && interp_is_shell(s)) {
			interp_add(&a, "/bin/sh");
			interp_add(&a, "-c");
			interp_add(&a, s);
		} else {
			/* A program, found in PATH at the spawn. */
			interp_add(&a, s);
			interp_addv(&a, c->args);
		}
		*out = a.v;
		return (0);
	}
	if (access(path, X_OK) == 0) {
		interp_add(&a, path);
		interp_addv(&a, c->args);
		*out = a.v;
		return (0);
	}
	if (interp_shebang(path, &a)) {
		if (a.n > 0 && (interp_is_python(a.v[a.n - 1]) ||
		    interp_is_python(a.v[0])))
			*flags |= INTERP_PYTHON;
	} else if (interp == NULL) {
		snprintf(cause, clen, "script: %s: not an executable file, "
		    "and its extension names no interpreter: chmod +x it, or "
		    "set interpreter", path);
		return (-1);
	} else if (strcmp(interp, INTERP_TS) == 0) {
		if ((interp = interp_which(envp, ts, which,
		    sizeof which)) == NULL) {
			snprintf(cause, clen, "script: %s: no TypeScript "
			    "runner (tsx or ts-node) in PATH: install one, or "
			    "set interpreter", path);
			return (-1);
		}
		interp_add(&a, interp);
	} else {
		interp_add(&a, interp);
		if (strcmp(interp, "python3") == 0)
			*flags |= INTERP_PYTHON;
	}
	interp_addv(&a, c->interp_args);
	interp_add(&a, path);
	interp_addv(&a, c->args);
	*out = a.v;
	return (0);
}

void
interp_name(const struct app_conf *c, char *buf, size_t len)
{
	const char	*prog, *end, *base, *p;
	char		*dot;
	bool		 shell;

	prog = c->script != NULL ? c->script : c->argv[0];
	if (c->script == NULL)
		shell = strcmp(prog, "/bin/sh") == 0 &&
		    xlenv(c->argv) == 3 && strcmp(c->argv[1], "-c") == 0;
	else
		shell = xlenv(c->args) == 0 && interp_is_shell(prog) &&
		    interp_for_ext(prog) == NULL;
	if (shell && c->script == NULL)
		prog = c->argv[2];
	/* A shell command: its first word. */
	end = prog + (shell ? strcspn(prog, " \t\n;|&<>()") : strlen(prog));
	for (base = p = prog; p < end; p++) {
		if (*p == '/')
			base = p + 1;
	}
	if (base == end)
		snprintf(buf, len, "%s", shell ? "sh" : "app");
	else
		snprintf(buf, len, "%.*s", (int)(end - base), base);
	/* app.js is "app", as in PM2. */
	if (interp_for_ext(buf) != NULL && (dot = strrchr(buf, '.')) != NULL &&
	    dot != buf)
		*dot = '\0';
}
