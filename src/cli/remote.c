/*
 * opm --host ssh://[USER@]HOST[:PORT][/PATH/TO/OPM] COMMAND: the command
 * runs here and talks to the daemon of HOST through `ssh HOST opm
 * dial-stdio` (the way DOCKER_HOST=ssh:// and systemctl -H do), so nothing
 * listens on the network and ssh's own configuration, agent and
 * known_hosts apply; the remote daemon checks the peer credentials of
 * dial-stdio, that is of the ssh user. Several hosts (--host repeated, or
 * a group of the hosts file) run the command once per host, at once, each
 * output line led by the host; the exit status is the worst of them.
 */
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "parse.h"
#include "protocol.h"
#include "xmem.h"

const struct cli_host	*cli_remote;

/* Groups nest at most this deep (a cycle ends there too). */
#define REMOTE_DEPTH	8
#define REMOTE_HOSTS_MAX 1024

/* Commands with no meaning on another machine. */
static const char *const remote_local_only[] = {
	"startup", "unstartup", "init", "dial-stdio", NULL
};

/* "HOST: " before a message, unless every line is led by it already. */
const char *
cli_remote_who(void)
{
	static char	buf[1100];

	if (cli_remote == NULL || cli_remote->prefixed)
		return ("");
	snprintf(buf, sizeof buf, "%.1000s: ", cli_remote->label);
	return (buf);
}

/* Parses ssh://[USER@]HOST[:PORT][/PATH]; -1 and *cause when it is not. */
static int
remote_parse(const char *url, struct cli_host *h, const char **cause)
{
	const char	*p, *auth, *slash, *at, *colon;
	char		*hp;
	long long	 port;

	memset(h, 0, sizeof *h);
	if (strncmp(url, "ssh://", 6) != 0) {
		*cause = "not ssh://[USER@]HOST[:PORT][/PATH/TO/OPM]";
		return (-1);
	}
	auth = url + 6;
	for (p = auth; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
			*cause = "spaces or control characters";
			return (-1);
		}
	}
	slash = strchr(auth, '/');
	hp = slash != NULL ? xstrndup(auth, slash - auth) : xstrdup(auth);
	if (slash != NULL && slash[1] != '\0')
		h->opm = xstrdup(slash);
	h->label = xstrdup(url + 6);
	if ((at = strrchr(hp, '@')) != NULL) {
		h->user = xstrndup(hp, at - hp);
		memmove(hp, at + 1, strlen(at + 1) + 1);
		if (h->user[0] == '\0' || h->user[0] == '-') {
			*cause = "a user name must not be empty or begin with "
			    "'-'";
			return (-1);
		}
	}
	colon = NULL;
	if (hp[0] == '[') {
		if ((p = strchr(hp, ']')) == NULL) {
			*cause = "'[' without ']'";
			return (-1);
		}
		h->host = xstrndup(hp + 1, p - hp - 1);
		if (p[1] == ':')
			colon = p + 1;
		else if (p[1] != '\0') {
			*cause = "junk after ']'";
			return (-1);
		}
	} else {
		colon = strchr(hp, ':');
		h->host = colon ? xstrndup(hp, colon - hp) : xstrdup(hp);
	}
	if (colon != NULL) {
		if (parse_int(colon + 1, 1, 65535, &port, cause) == -1) {
			*cause = "the port must be 1 to 65535";
			return (-1);
		}
		h->port = xstrdup(colon + 1);
	}
	free(hp);
	if (h->host[0] == '\0' || h->host[0] == '-') {
		*cause = "the host must not be empty or begin with '-'";
		return (-1);
	}
	return (0);
}

static void
remote_host_free(struct cli_host *h)
{
	free(h->label);
	free(h->user);
	free(h->host);
	free(h->port);
	free(h->opm);
	xfreev(h->argv);
	xfreev(h->argv_start);
}

/* The hosts file: OPM_HOSTS, else ~/.config/opm/hosts (XDG_CONFIG_HOME). */
static char *
remote_hosts_path(void)
{
	const char	*e;
	char		*p;

	if ((e = getenv("OPM_HOSTS")) != NULL && *e != '\0')
		return (xstrdup(e));
	if ((e = getenv("XDG_CONFIG_HOME")) != NULL && *e == '/')
		xasprintf(&p, "%s/opm/hosts", e);
	else if ((e = getenv("HOME")) != NULL && *e == '/')
		xasprintf(&p, "%s/.config/opm/hosts", e);
	else
		p = xstrdup("/nonexistent/opm/hosts");
	return (p);
}

struct remote_list {
	char	**v;
	size_t	  n;
};

static void remote_add(struct remote_list *, const char *, int);

/*
 * Adds the members of group name from the hosts file: lines "NAME = MEMBER
 * ...", a member a URL or another group's name; '#' starts a comment.
 * Exits when the file or the group is missing.
 */
static void
remote_group(struct remote_list *l, const char *name, int depth)
{
	FILE		*f;
	char		*path, *line = NULL, *p, *eq, *w, *save;
	size_t		 cap = 0, len;
	unsigned	 lineno = 0;
	bool		 found = false;

	path = remote_hosts_path();
	if ((f = fopen(path, "re")) == NULL)
		cli_fatal_usage("--host %s: not ssh://[USER@]HOST[:PORT][/PATH]"
		    " and no hosts file to name a group (%s: %s)", name, path,
		    strerror(errno));
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL)
			cli_fatal(EXIT_USAGE, "%s:%u: expected NAME = HOST...",
			    path, lineno);
		*eq = '\0';
		len = strlen(p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			p[--len] = '\0';
		if (strcmp(p, name) != 0)
			continue;
		found = true;
		for (w = strtok_r(eq + 1, " \t\r\n,", &save); w != NULL;
		    w = strtok_r(NULL, " \t\r\n,", &save))
			remote_add(l, w, depth + 1);
	}
	free(line);
	fclose(f);
	if (!found)
		cli_fatal_usage("--host %s: not ssh://[USER@]HOST[:PORT][/PATH]"
		    " and no group of that name in %s", name, path);
	free(path);
}

/* Adds a URL, or the members of a group. */
static void
remote_add(struct remote_list *l, const char *w, int depth)
{
	if (depth > REMOTE_DEPTH)
		cli_fatal_usage("--host %s: groups nest deeper than %d (a "
		    "cycle?)", w, REMOTE_DEPTH);
	if (strstr(w, "://") == NULL) {
		remote_group(l, w, depth);
		return;
	}
	if (l->n >= REMOTE_HOSTS_MAX)
		cli_fatal_usage("--host: more than %d hosts", REMOTE_HOSTS_MAX);
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(w);
}

/* 'word' for the remote shell ssh hands the command to. */
static char *
remote_quote(const char *s)
{
	char	*out = xmalloc(strlen(s) * 4 + 3), *o = out;

	*o++ = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else
			*o++ = *s;
	}
	*o++ = '\'';
	*o = '\0';
	return (out);
}

/*
 * The ssh command line: OPM_SSH (words; default "ssh"), -T, the port, the
 * destination, and the remote command "OPM dial-stdio [--start]".
 */
static char **
remote_argv(const struct cli_host *h, bool start)
{
	const char	*ssh = getenv("OPM_SSH");
	char		**v = NULL, *words, *w, *save, *opm, *cmd, *dest;
	size_t		 n = 0;

	if (ssh == NULL || *ssh == '\0')
		ssh = "ssh";
	words = xstrdup(ssh);
	v = xreallocarray(v, strlen(ssh) + 8, sizeof *v);
	for (w = strtok_r(words, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save))
		v[n++] = xstrdup(w);
	free(words);
	v[n++] = xstrdup("-T");
	if (h->port != NULL) {
		v[n++] = xstrdup("-p");
		v[n++] = xstrdup(h->port);
	}
	if (h->user != NULL)
		xasprintf(&dest, "%s@%s", h->user, h->host);
	else
		dest = xstrdup(h->host);
	v[n++] = xstrdup("--");
	v[n++] = dest;
	opm = remote_quote(h->opm != NULL ? h->opm : "opm");
	xasprintf(&cmd, "%s dial-stdio%s", opm, start ? " --start" : "");
	free(opm);
	v[n++] = cmd;
	v[n] = NULL;
	return (v);
}

/*
 * Connects to the remote daemon and checks its protocol version with one
 * ping. -1 with errno ECONNREFUSED when ssh or dial-stdio gave up (their
 * own message went to stderr); a daemon of another version exits 3.
 */
int
cli_remote_connect(struct client *c, bool start)
{
	struct cli_host	*h = (struct cli_host *)cli_remote;
	const cJSON	*v;
	const char	*cause;
	cJSON		*r;
	char		**argv;
	int		 status, ver;

	argv = start ? h->argv_start : h->argv;
	if (argv == NULL) {
		argv = remote_argv(h, start);
		if (start)
			h->argv_start = argv;
		else
			h->argv = argv;
	}
	if (client_connect_cmd(c, argv) == -1)
		cli_fatal(EXIT_NODAEMON, "%scannot run %s: %s", cli_remote_who(),
		    argv[0], strerror(errno));
	if (client_send(c, PROTO_CMD_PING, NULL) == -1 ||
	    (r = client_recv(c, &cause)) == NULL) {
		status = client_close_wait(c);
		h->status = status;
		errno = ECONNREFUSED;
		return (-1);
	}
	v = cJSON_GetObjectItemCaseSensitive(r, PROTO_V);
	ver = cJSON_IsNumber(v) ? (int)v->valuedouble : -1;
	cJSON_Delete(r);
	if (ver != PROTO_VERSION) {
		client_close(c);
		cli_fatal(EXIT_NODAEMON, "%sdaemon speaks protocol %d, this "
		    "opm needs %d (upgrade opm there, or use an opm of "
		    "protocol %d here)", cli_remote_who(), ver, PROTO_VERSION, ver);
	}
	return (0);
}

/* Why the connection failed, from ssh's exit status. */
void
cli_remote_fatal(void)
{
	int	s = cli_remote->status;

	if (WIFEXITED(s) && WEXITSTATUS(s) == 255)
		cli_fatal(EXIT_NODAEMON, "%sssh failed (exit 255; see its "
		    "message above)", cli_remote_who());
	if (WIFEXITED(s) && WEXITSTATUS(s) == 127)
		cli_fatal(EXIT_NODAEMON, "%scannot run opm dial-stdio there "
		    "(is opm in the PATH of non-interactive ssh sessions? "
		    "ssh://HOST/PATH/TO/OPM names it)", cli_remote_who());
	if (WIFEXITED(s))
		cli_fatal(EXIT_NODAEMON, "%scannot reach the daemon (opm "
		    "dial-stdio exited %d)", cli_remote_who(),
		    WEXITSTATUS(s));
	cli_fatal(EXIT_NODAEMON, "%scannot reach the daemon (ssh killed by "
	    "signal %d)", cli_remote_who(), WTERMSIG(s));
}

/* Copies the lines of fd to out, each led by "LABEL: "; false at EOF. */
struct remote_out {
	int	 fd;
	FILE	*to;
	char	 buf[65536];
	size_t	 len;
};

static bool
remote_pump(struct remote_out *o, const char *label)
{
	ssize_t	 r;
	char	*nl, *p;

	r = read(o->fd, o->buf + o->len, sizeof o->buf - o->len);
	if (r == -1 && errno == EINTR)
		return (true);
	if (r > 0)
		o->len += r;
	for (p = o->buf; (nl = memchr(p, '\n', o->buf + o->len - p)) != NULL;
	    p = nl + 1)
		fprintf(o->to, "%s: %.*s\n", label, (int)(nl - p), p);
	o->len -= p - o->buf;
	memmove(o->buf, p, o->len);
	/* A full buffer without newline, or the end: out as it is. */
	if (o->len == sizeof o->buf || (r <= 0 && o->len > 0)) {
		fprintf(o->to, "%s: %.*s\n", label, (int)o->len, o->buf);
		o->len = 0;
	}
	fflush(o->to);
	return (r > 0);
}

/*
 * Runs the command once per host in a child of its own, at once; prints
 * every line of theirs led by the host. The worst exit status.
 */
static int
remote_fanout(struct remote_list *l, const struct cli_cmd *c, int argc,
    char **argv)
{
	struct remote_out	*outs;
	struct cli_host		*hosts;
	struct pollfd		*pfd;
	const char		*cause;
	pid_t			*pids;
	size_t			 i, open_fds;
	int			 po[2], pe[2], status, worst = 0, code;

	hosts = xcalloc(l->n, sizeof *hosts);
	for (i = 0; i < l->n; i++) {
		if (remote_parse(l->v[i], &hosts[i], &cause) == -1)
			cli_fatal_usage("--host %s: %s", l->v[i], cause);
	}
	outs = xcalloc(l->n * 2, sizeof *outs);
	pfd = xcalloc(l->n * 2, sizeof *pfd);
	pids = xcalloc(l->n, sizeof *pids);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < l->n; i++) {
		if (pipe2(po, O_CLOEXEC) == -1 || pipe2(pe, O_CLOEXEC) == -1)
			cli_fatal(EXIT_FAIL, "pipe: %s", strerror(errno));
		if ((pids[i] = fork()) == -1)
			cli_fatal(EXIT_FAIL, "fork: %s", strerror(errno));
		if (pids[i] == 0) {
			dup2(po[1], 1);
			dup2(pe[1], 2);
			hosts[i].prefixed = true;
			cli_remote = &hosts[i];
			cli_color = 0;
			code = c->exec(argc, argv);
			fflush(stdout);
			exit(code);
		}
		close(po[1]);
		close(pe[1]);
		outs[2 * i].fd = po[0];
		outs[2 * i].to = stdout;
		outs[2 * i + 1].fd = pe[0];
		outs[2 * i + 1].to = stderr;
	}
	for (open_fds = l->n * 2; open_fds > 0; ) {
		for (i = 0; i < l->n * 2; i++) {
			pfd[i].fd = outs[i].fd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, l->n * 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			cli_fatal(EXIT_FAIL, "poll: %s", strerror(errno));
		}
		for (i = 0; i < l->n * 2; i++) {
			if (outs[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if (!remote_pump(&outs[i], hosts[i / 2].label)) {
				close(outs[i].fd);
				outs[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (i = 0; i < l->n; i++) {
		while (waitpid(pids[i], &status, 0) == -1 && errno == EINTR)
			;
		code = WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAIL;
		if (code > worst)
			worst = code;
	}
	for (i = 0; i < l->n; i++)
		remote_host_free(&hosts[i]);
	free(outs);
	free(pfd);
	free(pids);
	free(hosts);
	return (worst);
}

int
cli_remote_main(char **hostv, size_t nhost, const struct cli_cmd *c,
    int argc, char **argv)
{
	/* Static: the host is cli_remote until exit. */
	static struct remote_list l;
	static struct cli_host	 one;
	const char		*cause;
	size_t			 i;

	for (i = 0; remote_local_only[i] != NULL; i++) {
		if (strcmp(c->name, remote_local_only[i]) == 0)
			cli_fatal_usage("%s: acts on this machine only; run it "
			    "without --host (or on the host itself)", c->name);
	}
	if (strcmp(c->name, "daemon") == 0 && argc > 1 &&
	    strcmp(argv[1], "run") == 0)
		cli_fatal_usage("daemon run: runs opmd in the foreground here; "
		    "not with --host");
	for (i = 0; i < nhost; i++)
		remote_add(&l, hostv[i], 0);
	if (l.n == 0)
		cli_fatal_usage("--host: the group names no host");
	if (l.n > 1)
		return (remote_fanout(&l, c, argc, argv));
	if (remote_parse(l.v[0], &one, &cause) == -1)
		cli_fatal_usage("--host %s: %s", l.v[0], cause);
	cli_remote = &one;
	return (c->exec(argc, argv));
}
