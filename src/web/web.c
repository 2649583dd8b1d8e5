/*
 * opm-web: the web dashboard and /metrics, a process of its own and a
 * client of the control socket like the CLI: the daemon opens no network
 * socket, and everything this program shows or does goes through the
 * documented protocol (docs/PROTOCOL.md). HTTP is libmicrohttpd's, one
 * thread per connection: a thread may block on its own control-socket
 * connection (a live stream, an action that lasts the kill timeout)
 * without holding up the others. Nothing here touches app state; the one
 * piece of state of our own, the CPU and memory history behind the charts,
 * is a ring per app under one mutex, filled by a sampler thread.
 *
 * Access: every route but /login needs the token kept in OPM_HOME/web.token
 * (0600, made on first start), as the cookie /login sets or as
 * "Authorization: Bearer TOKEN"; actions (POST) need the header
 * X-OPM-Action as well, which a cross-site form cannot send. --open-metrics
 * leaves /metrics readable without the token.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "addr.h"
#include "client.h"
#include "json.h"
#include "opm.h"
#include "parse.h"
#include "paths.h"
#include "protocol.h"
#include "tail.h"
#include "xmem.h"

#define WEB_TOKEN_LEN		32	/* random bytes, hex in the file */
#define WEB_HIST_SECONDS	3600
#define WEB_STREAM_MS		2000
#define WEB_LOG_LINES		100
#define WEB_LOG_LINES_MAX	2000
#define WEB_COOKIE		"opm_token"

extern const char	 web_dashboard[];	/* src/web/dashboard.html */

static struct paths	 web_paths;
static char		 web_token[WEB_TOKEN_LEN * 2 + 1];
static bool		 web_open_metrics;
static uint64_t		 web_sample_ms = 5000;

/* A number of an object, or dflt. */
static double
web_num(const cJSON *o, const char *key, double dflt)
{
	const cJSON	*v = cJSON_GetObjectItem(o, key);

	return (cJSON_IsNumber(v) ? v->valuedouble : dflt);
}

/* The charts' history: per app label, a ring of (time, cpu, memory). */
struct hist {
	char		 label[OPM_NAME_MAX + 16];
	uint64_t	*t;		/* unix ms */
	double		*cpu;
	double		*mem;
	size_t		 first, n;
	bool		 seen;		/* in the last sample */
};
static pthread_mutex_t	 hist_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hist	*hists;
static size_t		 nhists, hist_cap;

static void __attribute__((format(printf, 1, 2), noreturn))
web_fatal(const char *fmt, ...)
{
	va_list	ap;

	fputs("opm web: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAIL);
}

static uint64_t
web_unix_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/*
 * One request on a connection of its own: the data of an ok reply, or NULL
 * with the daemon's error (or why it could not be asked) in err.
 */
static cJSON *
web_call(const char *cmd, cJSON *args, char *err, size_t errlen)
{
	struct client	 c;
	cJSON		*r, *d;
	const char	*cause;

	if (client_connect(&c, web_paths.sock) == -1) {
		cJSON_Delete(args);
		snprintf(err, errlen, "the daemon is not running (%s): %s",
		    web_paths.sock, strerror(errno));
		return (NULL);
	}
	client_set_timeout(&c, false);
	if (client_send(&c, cmd, args) == -1) {
		snprintf(err, errlen, "cannot send to the daemon: %s",
		    strerror(errno));
		client_close(&c);
		return (NULL);
	}
	if ((r = client_recv(&c, &cause)) == NULL) {
		snprintf(err, errlen, "%s", cause);
		client_close(&c);
		return (NULL);
	}
	client_close(&c);
	if (!cJSON_IsTrue(cJSON_GetObjectItem(r, PROTO_OK))) {
		snprintf(err, errlen, "%s", json_str(r, PROTO_ERROR) != NULL ?
		    json_str(r, PROTO_ERROR) : "request failed");
		cJSON_Delete(r);
		return (NULL);
	}
	d = cJSON_DetachItemFromObject(r, PROTO_DATA);
	cJSON_Delete(r);
	return (d != NULL ? d : cJSON_CreateNull());
}

static cJSON *
web_target(const char *label)
{
	cJSON	*args = cJSON_CreateObject(), *t;

	t = cJSON_AddArrayToObject(args, PROTO_ARG_TARGET);
	cJSON_AddItemToArray(t, cJSON_CreateString(label));
	return (args);
}

/* NAME, or NAME:K for an instance: how targets name an app. */
static void
web_label(const cJSON *a, char *buf, size_t len)
{
	const cJSON	*k = cJSON_GetObjectItem(a, "instance");
	const char	*name = json_str(a, "name");

	if (cJSON_IsNumber(k))
		snprintf(buf, len, "%s:%d", name != NULL ? name : "",
		    k->valueint);
	else
		strlcpy(buf, name != NULL ? name : "", len);
}

/* The token: OPM_HOME/web.token, ours and 0600, made when missing. */
static void
web_token_load(void)
{
	char		 path[4200];
	unsigned char	 raw[WEB_TOKEN_LEN];
	struct stat	 st;
	ssize_t		 n;
	size_t		 i;
	int		 fd;

	snprintf(path, sizeof path, "%s/web.token", web_paths.home);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		arc4random_buf(raw, sizeof raw);
		for (i = 0; i < sizeof raw; i++)
			snprintf(web_token + 2 * i, 3, "%02x", raw[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1 || write(fd, web_token, strlen(web_token)) !=
		    (ssize_t)strlen(web_token) || write(fd, "\n", 1) != 1 ||
		    close(fd) == -1)
			web_fatal("cannot write %s: %s", path, strerror(errno));
		return;
	}
	if (fd == -1)
		web_fatal("cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1)
		web_fatal("%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0)
		web_fatal("%s: must be a file of ours readable by us alone "
		    "(chmod 600 %s)", path, path);
	n = read(fd, web_token, sizeof web_token - 1);
	close(fd);
	if (n < 0)
		web_fatal("cannot read %s: %s", path, strerror(errno));
	web_token[n] = '\0';
	web_token[strcspn(web_token, "\r\n")] = '\0';
	if (strlen(web_token) < 16)
		web_fatal("%s: the token is shorter than 16 characters", path);
}

/* In time that does not depend on where s differs (libbsd lacks
 * timingsafe_bcmp). */
static bool
web_token_is(const char *s)
{
	size_t		len = strlen(web_token), i;
	unsigned char	diff = 0;

	if (s == NULL || strlen(s) != len)
		return (false);
	for (i = 0; i < len; i++)
		diff |= (unsigned char)s[i] ^ (unsigned char)web_token[i];
	return (diff == 0);
}

/* The token of a request: its cookie, or Authorization: Bearer. */
static bool
web_authed(struct MHD_Connection *c)
{
	const char	*h;

	if (web_token_is(MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
	    WEB_COOKIE)))
		return (true);
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	return (h != NULL && strncmp(h, "Bearer ", 7) == 0 &&
	    web_token_is(h + 7));
}

static enum MHD_Result
web_reply(struct MHD_Connection *c, unsigned status, const char *type,
    const char *body, size_t len)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return (MHD_NO);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
	    "style-src 'self' 'unsafe-inline'");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return (ret);
}

static enum MHD_Result
web_json(struct MHD_Connection *c, unsigned status, cJSON *j)
{
	char		*s = cJSON_PrintUnformatted(j);
	enum MHD_Result	 ret;

	cJSON_Delete(j);
	if (s == NULL)
		return (MHD_NO);
	ret = web_reply(c, status, "application/json", s, strlen(s));
	cJSON_free(s);
	return (ret);
}

static enum MHD_Result
web_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	cJSON	*j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "error", msg);
	return (web_json(c, status, j));
}

static const char web_login_page[] =
    "<!doctype html><html><head><meta charset=utf-8>"
    "<title>opm: log in</title><style>body{font:16px system-ui,sans-serif;"
    "margin:4em auto;max-width:28em}input{font:inherit;width:100%%;"
    "padding:.4em;margin:.4em 0}</style></head><body><h1>opm</h1>"
    "<p>%s</p><form method=post action=/login>"
    "<input name=token type=password placeholder=token autofocus>"
    "<input type=submit value='Log in'></form><p>The token is in "
    "<code>OPM_HOME/web.token</code> on the server.</p></body></html>";

static enum MHD_Result
web_login_form(struct MHD_Connection *c, unsigned status, const char *msg)
{
	char	page[2048];
	int	n;

	n = snprintf(page, sizeof page, web_login_page, msg);
	return (web_reply(c, status, "text/html; charset=utf-8", page, n));
}

/* /login: the token from the form or ?token=, a cookie, back to /. */
static enum MHD_Result
web_login(struct MHD_Connection *c, const char *token)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	char			 cookie[256];

	if (token == NULL)
		return (web_login_form(c, MHD_HTTP_OK, "Log in with the token."));
	if (!web_token_is(token))
		return (web_login_form(c, MHD_HTTP_FORBIDDEN, "Wrong token."));
	r = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return (MHD_NO);
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict", WEB_COOKIE, web_token);
	MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, "/");
	ret = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return (ret);
}

/* The sampler: every web_sample_ms, one list for every app's point. */
static void
hist_add(const char *label, uint64_t t, double cpu, double mem)
{
	struct hist	*h = NULL;
	size_t		 i, cap = WEB_HIST_SECONDS * 1000 / web_sample_ms + 1;

	for (i = 0; i < nhists; i++) {
		if (strcmp(hists[i].label, label) == 0) {
			h = &hists[i];
			break;
		}
	}
	if (h == NULL) {
		if (nhists == hist_cap) {
			hist_cap = hist_cap ? hist_cap * 2 : 16;
			hists = xreallocarray(hists, hist_cap, sizeof *hists);
		}
		h = &hists[nhists++];
		memset(h, 0, sizeof *h);
		strlcpy(h->label, label, sizeof h->label);
		h->t = xcalloc(cap, sizeof *h->t);
		h->cpu = xcalloc(cap, sizeof *h->cpu);
		h->mem = xcalloc(cap, sizeof *h->mem);
	}
	if (h->n == cap) {
		h->first = (h->first + 1) % cap;
		h->n--;
	}
	i = (h->first + h->n) % cap;
	h->t[i] = t;
	h->cpu[i] = cpu;
	h->mem[i] = mem;
	h->n++;
	h->seen = true;
}

static void *
hist_sampler(void *arg)
{
	cJSON		*d;
	const cJSON	*a, *v;
	char		 err[256], label[OPM_NAME_MAX + 16];
	uint64_t	 now;
	size_t		 i;

	(void)arg;
	for (;;) {
		if ((d = web_call(PROTO_CMD_LIST, NULL, err, sizeof err)) !=
		    NULL) {
			now = web_unix_ms();
			pthread_mutex_lock(&hist_lock);
			for (i = 0; i < nhists; i++)
				hists[i].seen = false;
			cJSON_ArrayForEach(a, d) {
				web_label(a, label, sizeof label);
				v = cJSON_GetObjectItem(a, "cpu_percent");
				hist_add(label, now, cJSON_IsNumber(v) ?
				    v->valuedouble : 0,
				    web_num(a, "memory_bytes", 0));
			}
			/* Deleted apps: their history goes with them. */
			for (i = 0; i < nhists; ) {
				if (hists[i].seen) {
					i++;
					continue;
				}
				free(hists[i].t);
				free(hists[i].cpu);
				free(hists[i].mem);
				hists[i] = hists[--nhists];
			}
			pthread_mutex_unlock(&hist_lock);
			cJSON_Delete(d);
		}
		usleep(web_sample_ms * 1000);
	}
	return (NULL);
}

static enum MHD_Result
web_history(struct MHD_Connection *c, const char *label)
{
	cJSON		*j = cJSON_CreateObject(), *t, *cpu, *mem;
	size_t		 i, k, cap = WEB_HIST_SECONDS * 1000 / web_sample_ms + 1;
	bool		 found = false;

	cJSON_AddNumberToObject(j, "interval_ms", (double)web_sample_ms);
	t = cJSON_AddArrayToObject(j, "time");
	cpu = cJSON_AddArrayToObject(j, "cpu_percent");
	mem = cJSON_AddArrayToObject(j, "memory_bytes");
	pthread_mutex_lock(&hist_lock);
	for (i = 0; i < nhists && label != NULL; i++) {
		if (strcmp(hists[i].label, label) != 0)
			continue;
		found = true;
		for (k = 0; k < hists[i].n; k++) {
			size_t	x = (hists[i].first + k) % cap;

			cJSON_AddItemToArray(t,
			    cJSON_CreateNumber((double)hists[i].t[x]));
			cJSON_AddItemToArray(cpu,
			    cJSON_CreateNumber(hists[i].cpu[x]));
			cJSON_AddItemToArray(mem,
			    cJSON_CreateNumber(hists[i].mem[x]));
		}
	}
	pthread_mutex_unlock(&hist_lock);
	if (!found) {
		cJSON_Delete(j);
		return (web_error(c, MHD_HTTP_NOT_FOUND, "no such app"));
	}
	return (web_json(c, MHD_HTTP_OK, j));
}

/* The last lines of an app's logs, from the files the daemon names. */
struct web_lines {
	cJSON	*arr;
};

static void
web_line(void *arg, const char *line, size_t len)
{
	struct web_lines	*w = arg;
	char			*s = xstrndup(line, len);

	/* A NUL ends the string here: the page shows text, not bytes. */
	cJSON_AddItemToArray(w->arr, cJSON_CreateString(s));
	free(s);
}

static enum MHD_Result
web_logs(struct MHD_Connection *c, const char *label, const char *nstr)
{
	struct web_lines	 w;
	cJSON			*d, *j;
	const cJSON		*e;
	const char		*cause;
	char			 err[512];
	long long		 n = WEB_LOG_LINES;

	if (label == NULL)
		return (web_error(c, MHD_HTTP_BAD_REQUEST, "app: missing"));
	if (nstr != NULL && parse_int(nstr, 1, WEB_LOG_LINES_MAX, &n,
	    &cause) == -1)
		return (web_error(c, MHD_HTTP_BAD_REQUEST, "lines: invalid"));
	if ((d = web_call(PROTO_CMD_LOGS, web_target(label), err,
	    sizeof err)) == NULL)
		return (web_error(c, MHD_HTTP_NOT_FOUND, err));
	j = cJSON_CreateObject();
	w.arr = cJSON_AddArrayToObject(j, "out");
	cJSON_ArrayForEach(e, d) {
		if (json_str(e, "out_log") != NULL)
			tail_each(json_str(e, "out_log"),
			    (uint64_t)web_num(e, "out_size", 0), n, web_line,
			    &w);
	}
	w.arr = cJSON_AddArrayToObject(j, "err");
	cJSON_ArrayForEach(e, d) {
		if (json_str(e, "err_log") != NULL)
			tail_each(json_str(e, "err_log"),
			    (uint64_t)web_num(e, "err_size", 0), n, web_line,
			    &w);
	}
	cJSON_Delete(d);
	return (web_json(c, MHD_HTTP_OK, j));
}

/* POST /api/action?do=restart|stop|start&app=LABEL */
static enum MHD_Result
web_action(struct MHD_Connection *c)
{
	const char	*what, *label, *cmd;
	cJSON		*args, *d, *j;
	char		 err[512];

	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-OPM-Action") == NULL)
		return (web_error(c, MHD_HTTP_FORBIDDEN, "actions need the "
		    "X-OPM-Action header"));
	what = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "do");
	label = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "app");
	if (what == NULL || label == NULL || *label == '\0')
		return (web_error(c, MHD_HTTP_BAD_REQUEST, "do and app are "
		    "needed"));
	if (strcmp(what, "restart") == 0)
		cmd = PROTO_CMD_RESTART;
	else if (strcmp(what, "stop") == 0)
		cmd = PROTO_CMD_STOP;
	else if (strcmp(what, "start") == 0)
		cmd = PROTO_CMD_START;
	else
		return (web_error(c, MHD_HTTP_BAD_REQUEST, "do: one of "
		    "restart, stop, start"));
	args = web_target(label);
	/* A start of an app that exists names it; no app object needed. */
	if (strcmp(cmd, PROTO_CMD_START) == 0)
		cJSON_AddItemToObject(args, "app", cJSON_CreateObject());
	if ((d = web_call(cmd, args, err, sizeof err)) == NULL)
		return (web_error(c, MHD_HTTP_CONFLICT, err));
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "done", what);
	cJSON_AddStringToObject(j, "app", label);
	cJSON_AddItemToObject(j, "apps", d);
	return (web_json(c, MHD_HTTP_OK, j));
}

/* GET /metrics: the daemon's Prometheus text, as it gives it. */
static enum MHD_Result
web_metrics(struct MHD_Connection *c)
{
	cJSON		*d;
	const char	*text;
	char		 err[512];
	enum MHD_Result	 ret;

	if ((d = web_call("metrics", NULL, err, sizeof err)) == NULL)
		return (web_error(c, MHD_HTTP_BAD_GATEWAY, err));
	text = cJSON_IsString(d) ? d->valuestring : json_str(d, "text");
	if (text == NULL) {
		cJSON_Delete(d);
		return (web_error(c, MHD_HTTP_BAD_GATEWAY, "metrics: no text "
		    "in the daemon's reply"));
	}
	ret = web_reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; "
	    "charset=utf-8", text, strlen(text));
	cJSON_Delete(d);
	return (ret);
}

/*
 * GET /api/stream: server-sent events, the app list every 2 s (and at
 * once), on a control connection of this stream's own.
 */
struct web_stream {
	struct client	 c;
	bool		 connected;
	uint64_t	 sent;		/* events sent */
};

static ssize_t
web_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct web_stream	*s = cls;
	cJSON			*r;
	const cJSON		*d;
	const char		*cause;
	char			*text;
	int			 n;

	(void)pos;
	if (!s->connected) {
		if (client_connect(&s->c, web_paths.sock) == -1)
			return (MHD_CONTENT_READER_END_WITH_ERROR);
		s->connected = true;
	}
	if (s->sent > 0)
		usleep(WEB_STREAM_MS * 1000);
	if (client_send(&s->c, PROTO_CMD_LIST, NULL) == -1 ||
	    (r = client_recv(&s->c, &cause)) == NULL)
		return (MHD_CONTENT_READER_END_WITH_ERROR);
	d = cJSON_GetObjectItem(r, PROTO_DATA);
	text = d != NULL ? cJSON_PrintUnformatted(d) : NULL;
	cJSON_Delete(r);
	if (text == NULL)
		return (MHD_CONTENT_READER_END_WITH_ERROR);
	n = snprintf(buf, max, "event: apps\ndata: %s\n\n", text);
	cJSON_free(text);
	if (n < 0 || (size_t)n >= max) {
		/* Too many apps for one block: say so, keep the stream. */
		n = snprintf(buf, max, "event: toolarge\ndata: {}\n\n");
	}
	s->sent++;
	return (n);
}

static void
web_stream_free(void *cls)
{
	struct web_stream	*s = cls;

	if (s->connected)
		client_close(&s->c);
	free(s);
}

static enum MHD_Result
web_stream(struct MHD_Connection *c)
{
	struct MHD_Response	*r;
	struct web_stream	*s = xcalloc(1, sizeof *s);
	enum MHD_Result		 ret;

	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1 << 20,
	    web_stream_read, s, web_stream_free);
	if (r == NULL) {
		free(s);
		return (MHD_NO);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/event-stream");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return (ret);
}

/* The POST body of /login: token=... (urlencoded). */
struct web_post {
	char	body[512];
	size_t	len;
	bool	toolong;
};

static enum MHD_Result
web_handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *len,
    void **state)
{
	struct web_post	*p = *state;
	const char	*token = NULL;
	char		*form;
	cJSON		*d;
	char		 err[512];
	bool		 get = strcmp(method, "GET") == 0 ||
			    strcmp(method, "HEAD") == 0;
	bool		 post = strcmp(method, "POST") == 0;

	(void)cls;
	(void)version;
	/* A POST comes in several calls: the first, the body, the end. */
	if (post && p == NULL) {
		*state = xcalloc(1, sizeof *p);
		return (MHD_YES);
	}
	if (post && *len > 0) {
		if (p->len + *len < sizeof p->body) {
			memcpy(p->body + p->len, data, *len);
			p->len += *len;
		} else
			p->toolong = true;
		*len = 0;
		return (MHD_YES);
	}
	if (!get && !post)
		return (web_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST"));
	if (strcmp(url, "/login") == 0) {
		if (post && p != NULL && !p->toolong &&
		    strncmp(p->body, "token=", 6) == 0) {
			p->body[p->len] = '\0';
			form = p->body + 6;
			form[strcspn(form, "&")] = '\0';
			MHD_http_unescape(form);
			token = form;
		} else if (get)
			token = MHD_lookup_connection_value(c,
			    MHD_GET_ARGUMENT_KIND, "token");
		return (web_login(c, token));
	}
	if (strcmp(url, "/metrics") == 0 && get && web_open_metrics)
		return (web_metrics(c));
	if (!web_authed(c)) {
		if (get && strcmp(url, "/") == 0)
			return (web_login_form(c, MHD_HTTP_UNAUTHORIZED,
			    "Log in with the token."));
		return (web_error(c, MHD_HTTP_UNAUTHORIZED, "login required "
		    "(the token of OPM_HOME/web.token)"));
	}
	if (post && strcmp(url, "/api/action") == 0)
		return (web_action(c));
	if (!get)
		return (web_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET"));
	if (strcmp(url, "/") == 0)
		return (web_reply(c, MHD_HTTP_OK, "text/html; charset=utf-8",
		    web_dashboard, strlen(web_dashboard)));
	if (strcmp(url, "/metrics") == 0)
		return (web_metrics(c));
	if (strcmp(url, "/api/apps") == 0) {
		if ((d = web_call(PROTO_CMD_LIST, NULL, err, sizeof err)) ==
		    NULL)
			return (web_error(c, MHD_HTTP_BAD_GATEWAY, err));
		return (web_json(c, MHD_HTTP_OK, d));
	}
	if (strcmp(url, "/api/stream") == 0)
		return (web_stream(c));
	if (strcmp(url, "/api/history") == 0)
		return (web_history(c, MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, "app")));
	if (strcmp(url, "/api/logs") == 0)
		return (web_logs(c, MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, "app"), MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, "lines")));
	return (web_error(c, MHD_HTTP_NOT_FOUND, "no such page"));
}

static void
web_done(void *cls, struct MHD_Connection *c, void **state,
    enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	free(*state);
	*state = NULL;
}

static void
web_usage(void)
{
	fprintf(stderr, "usage: opm web [--listen HOST:PORT] [--open-metrics] "
	    "[--sample DURATION]\n");
	exit(EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon	*d;
	struct addr		 a;
	pthread_t		 th;
	sigset_t		 set;
	/* 9615: the port of pm2 web. */
	const char		*listen = "127.0.0.1:9615", *cause;
	char			 spec[ADDR_TEXT_MAX + 8];
	unsigned		 flags;
	uint64_t		 ms;
	int			 i, sig;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "--open-metrics") == 0)
			web_open_metrics = true;
		else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc) {
			if (parse_duration(argv[++i], &ms, &cause) == -1 ||
			    ms < 100 || ms > 3600 * 1000)
				web_fatal("invalid --sample '%s': a duration "
				    "from 100ms to 1h", argv[i]);
			web_sample_ms = ms;
		} else
			web_usage();
	}
	snprintf(spec, sizeof spec, "tcp://%s", listen);
	if (addr_parse(spec, &a, &cause) == -1 || a.family == AF_UNIX)
		web_fatal("invalid --listen '%s': %s", listen, cause != NULL ?
		    cause : "HOST:PORT");
	if (client_timeout_init(getenv("OPM_TIMEOUT"), &cause) == -1)
		web_fatal("invalid OPM_TIMEOUT: %s", cause);
	if (paths_init(&web_paths, &cause) == -1)
		web_fatal("%s", cause);
	web_token_load();
	/* Signals: this thread waits for them; MHD's threads never see them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ERROR_LOG;
	if (a.family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(flags, (uint16_t)addr_port(&a), NULL, NULL,
	    web_handle, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a.ss,
	    MHD_OPTION_NOTIFY_COMPLETED, web_done, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, 64U,
	    MHD_OPTION_CONNECTION_TIMEOUT, 120U, MHD_OPTION_END);
	if (d == NULL)
		web_fatal("cannot listen on %s: %s", listen, strerror(errno));
	if (pthread_create(&th, NULL, hist_sampler, NULL) != 0)
		web_fatal("cannot start the sampler");
	printf("opm web: serving http://%s/ (log in with the token in "
	    "%s/web.token)\n", listen, web_paths.home);
	fflush(stdout);
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		;
	MHD_stop_daemon(d);
	return (0);
}
