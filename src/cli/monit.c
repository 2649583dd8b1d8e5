/*
 * opm monit: a terminal dashboard, and a client like the rest of the CLI.
 * Four connections: the app table (one list request a second, and only
 * while monit is open, so the daemon sleeps otherwise; at once when an
 * event says something changed), the selected app's log and its events
 * (logs --follow and events --follow streams) and the action a key asked for
 * (start, stop, restart), whose reply is read when it comes: a stop that
 * lasts the kill timeout never freezes the screen. The screen is drawn
 * with the ANSI escapes every terminal since the VT100 knows (cursor
 * position, erase to the end of the line, reverse video, the alternate
 * screen), colors only where the table has them (never with NO_COLOR).
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "protocol.h"
#include "tail.h"
#include "xmem.h"

#define MONIT_LOG_MAX	1000	/* lines kept for scrolling */
#define MONIT_TICK_MS	1000	/* the table's refresh */
#define MONIT_MIN_COLS	40
#define MONIT_MIN_ROWS	10
#define MONIT_EV_MAX	50	/* the selected app's recent events kept */
#define MONIT_EV_ROWS	5	/* shown, on a screen of 20 rows or more */

struct monit {
	struct client	 ctl;		/* list */
	struct client	 log;		/* the selected app's stream */
	bool		 logging;
	struct client	 ev;		/* the selected app's events */
	bool		 evfollow;
	char		*evs[MONIT_EV_MAX];	/* a ring, formatted */
	size_t		 evfirst, nevs;
	struct client	 act;		/* the action under way */
	bool		 acting;
	char		 acted[OPM_NAME_MAX + 32];
	cJSON		*apps;		/* the last list */
	char		 sel[OPM_NAME_MAX + 16]; /* the selected app's label */
	char		 shown[OPM_NAME_MAX + 16]; /* the log's app */
	int		 cur;		/* its index in apps */
	char		*lines[MONIT_LOG_MAX];	/* a ring */
	size_t		 first, nlines;
	size_t		 scroll;	/* lines up from the end */
	int		 rows, cols;
	char		 msg[256];	/* the last row */
	char		*fb;		/* the frame being drawn */
	size_t		 fblen, fbcap;
};

static void	monit_select(struct monit *, int);

static struct termios		 monit_saved;
static bool			 monit_raw;
static volatile sig_atomic_t	 monit_quit, monit_winch;

static void
monit_restore(void)
{
	static const char	 leave[] = "\033[0m\033[?25h\033[?1049l";

	if (!monit_raw)
		return;
	monit_raw = false;
	(void)!write(STDOUT_FILENO, leave, sizeof leave - 1);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &monit_saved);
}

static void __attribute__((format(printf, 2, 3), noreturn))
monit_fatal(int code, const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;

	monit_restore();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cli_fatal(code, "%s", buf);
}

static void
monit_sig(int sig)
{
	if (sig == SIGWINCH)
		monit_winch = 1;
	else
		monit_quit = 1;
}

static void
monit_raw_on(void)
{
	struct termios		 t;
	struct sigaction	 sa;
	static const char	 enter[] = "\033[?1049h\033[?25l\033[2J";

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		cli_fatal(EXIT_FAIL, "monit needs a terminal (stdin and "
		    "stdout); for scripts use opm list --json or opm logs");
	if (tcgetattr(STDIN_FILENO, &monit_saved) == -1)
		cli_fatal(EXIT_FAIL, "monit: tcgetattr: %s", strerror(errno));
	t = monit_saved;
	t.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	t.c_iflag &= ~(IXON | ICRNL);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == -1)
		cli_fatal(EXIT_FAIL, "monit: tcsetattr: %s", strerror(errno));
	monit_raw = true;
	atexit(monit_restore);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = monit_sig;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	(void)!write(STDOUT_FILENO, enter, sizeof enter - 1);
}

/* The frame: built whole, written in one go, so nothing flickers. */
static void
fb_add(struct monit *m, const char *s, size_t len)
{
	if (m->fblen + len + 1 > m->fbcap) {
		m->fbcap = (m->fblen + len + 1) * 2;
		m->fb = xreallocarray(m->fb, m->fbcap, 1);
	}
	memcpy(m->fb + m->fblen, s, len);
	m->fblen += len;
}

static void __attribute__((format(printf, 2, 3)))
fb_printf(struct monit *m, const char *fmt, ...)
{
	char	buf[256];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		fb_add(m, buf, (size_t)n < sizeof buf ? (size_t)n :
		    sizeof buf - 1);
}

/*
 * Row y (from 1): s cut to the width of the screen. Our own color escapes
 * (keep) pass through at no width; an app's log line is shown as text:
 * its escapes are dropped, other control bytes shown as '?', a tab as a
 * space. A UTF-8 character counts one column (wide ones are rare in logs).
 */
static void
fb_row(struct monit *m, int y, const char *pre, const char *s, size_t len,
    bool keep)
{
	size_t		 i, j;
	int		 col = 0;
	unsigned char	 c;

	fb_printf(m, "\033[%d;1H%s", y, pre);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == 033 && i + 1 < len && s[i + 1] == '[') {
			for (j = i + 2; j < len && (s[j] < 0x40 || s[j] > 0x7e);
			    j++)
				;
			if (keep)
				fb_add(m, s + i, j < len ? j - i + 1 : j - i);
			i = j;
			continue;
		}
		if ((c & 0xc0) == 0x80) {	/* continues a character */
			if (col > 0 && col <= m->cols)
				fb_add(m, s + i, 1);
			continue;
		}
		if (col >= m->cols)
			break;
		col++;
		if (c == '\t')
			fb_add(m, " ", 1);
		else if (c < 0x20 || c == 0x7f)
			fb_add(m, "?", 1);
		else
			fb_add(m, s + i, 1);
	}
	/* The rest of a reverse-video row stays reversed. */
	for (; *pre != '\0' && col < m->cols; col++)
		fb_add(m, " ", 1);
	fb_add(m, "\033[0m\033[K", 7);
}

static void
log_clear(struct monit *m)
{
	size_t	i;

	for (i = 0; i < m->nlines; i++)
		free(m->lines[(m->first + i) % MONIT_LOG_MAX]);
	m->first = m->nlines = m->scroll = 0;
}

static void
log_add(void *arg, const char *line, size_t len)
{
	struct monit	*m = arg;
	char		*copy = xmalloc(len + 1);

	memcpy(copy, line, len);
	copy[len] = '\0';
	if (m->nlines == MONIT_LOG_MAX) {
		free(m->lines[m->first]);
		m->first = (m->first + 1) % MONIT_LOG_MAX;
		m->nlines--;
	}
	m->lines[(m->first + m->nlines) % MONIT_LOG_MAX] = copy;
	m->nlines++;
	/* Scrolled back, the view stays on the lines it shows. */
	if (m->scroll > 0 && m->scroll < m->nlines - 1)
		m->scroll++;
}

/* "12:01:02 restart (crash) exited with code 1": one row of the pane. */
static void
ev_add(struct monit *m, const cJSON *e)
{
	const char	*t = json_str(e, "time"), *what = json_str(e, "event");
	const char	*cause = json_str(e, "cause"), *why = json_str(e, "reason");
	char		*line;

	if (what == NULL)
		return;
	xasprintf(&line, "%.8s %-9s %s%s%s%s", t != NULL && strlen(t) >= 19 ?
	    t + 11 : "--:--:--", what, cause != NULL ? "(" : "",
	    cause != NULL ? cause : "", cause != NULL ? ") " : "",
	    why != NULL ? why : "");
	if (m->nevs == MONIT_EV_MAX) {
		free(m->evs[m->evfirst]);
		m->evfirst = (m->evfirst + 1) % MONIT_EV_MAX;
		m->nevs--;
	}
	m->evs[(m->evfirst + m->nevs) % MONIT_EV_MAX] = line;
	m->nevs++;
}

static void
ev_clear(struct monit *m)
{
	size_t	i;

	for (i = 0; i < m->nevs; i++)
		free(m->evs[(m->evfirst + i) % MONIT_EV_MAX]);
	m->evfirst = m->nevs = 0;
	if (m->evfollow)
		client_close(&m->ev);
	m->evfollow = false;
}

/* The selected app's last events, then the new ones as they come. */
static void
ev_follow(struct monit *m)
{
	cJSON		*args, *r, *t;
	const cJSON	*e;
	const char	*cause;

	ev_clear(m);
	if (m->sel[0] == '\0' || cli_try_connect(&m->ev) == -1)
		return;
	args = cJSON_CreateObject();
	t = cJSON_AddArrayToObject(args, PROTO_ARG_TARGET);
	cJSON_AddItemToArray(t, cJSON_CreateString(m->sel));
	cJSON_AddTrueToObject(args, PROTO_ARG_FOLLOW);
	cJSON_AddNumberToObject(args, PROTO_ARG_LIMIT, MONIT_EV_ROWS * 4);
	if (client_send(&m->ev, PROTO_CMD_EVENTS, args) == -1 ||
	    (r = client_recv(&m->ev, &cause)) == NULL) {
		client_close(&m->ev);
		return;
	}
	/* An older daemon without events: the pane stays empty. */
	m->evfollow = cJSON_IsTrue(cJSON_GetObjectItem(r, PROTO_OK));
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(r, PROTO_DATA))
		ev_add(m, e);
	cJSON_Delete(r);
	if (!m->evfollow)
		client_close(&m->ev);
	else
		client_set_timeout(&m->ev, false);
}

/* A complete reply line is waiting in c's buffer. */
static bool
monit_buffered(const struct client *c)
{
	return (c->len > 0 && memchr(c->buf, '\n', c->len) != NULL);
}

static void
monit_unfollow(struct monit *m)
{
	if (m->logging)
		client_close(&m->log);
	m->logging = false;
	m->shown[0] = '\0';
	log_clear(m);
}

/* Follows the selected app's log, after the last lines of its files. */
static void
monit_follow(struct monit *m)
{
	cJSON		*args, *r, *t;
	const cJSON	*d, *e;
	const char	*cause;
	long long	 n = m->rows > 0 ? m->rows : 50;

	monit_unfollow(m);
	if (m->sel[0] == '\0')
		return;
	strlcpy(m->shown, m->sel, sizeof m->shown);
	if (cli_try_connect(&m->log) == -1) {
		snprintf(m->msg, sizeof m->msg, "cannot follow the log of %s: "
		    "%s", m->sel, strerror(errno));
		return;
	}
	args = cJSON_CreateObject();
	t = cJSON_AddArrayToObject(args, PROTO_ARG_TARGET);
	cJSON_AddItemToArray(t, cJSON_CreateString(m->sel));
	cJSON_AddTrueToObject(args, PROTO_ARG_FOLLOW);
	if (client_send(&m->log, PROTO_CMD_LOGS, args) == -1 ||
	    (r = client_recv(&m->log, &cause)) == NULL) {
		client_close(&m->log);
		return;
	}
	m->logging = cJSON_IsTrue(cJSON_GetObjectItem(r, PROTO_OK));
	d = cJSON_GetObjectItem(r, PROTO_DATA);
	cJSON_ArrayForEach(e, d) {
		if (json_str(e, "out_log") != NULL)
			tail_each(json_str(e, "out_log"), (uint64_t)
			    cJSON_GetObjectItem(e, "out_size")->valuedouble, n,
			    log_add, m);
		if (json_str(e, "err_log") != NULL)
			tail_each(json_str(e, "err_log"), (uint64_t)
			    cJSON_GetObjectItem(e, "err_size")->valuedouble, n,
			    log_add, m);
	}
	cJSON_Delete(r);
	if (!m->logging)
		client_close(&m->log);
	else
		client_set_timeout(&m->log, false);
}

/* New events: shown, and the table asked for again at once. */
static void
ev_read(struct monit *m, uint64_t *next)
{
	cJSON		*e;
	const char	*cause;

	do {
		if ((e = client_recv(&m->ev, &cause)) == NULL) {
			client_close(&m->ev);
			m->evfollow = false;
			return;
		}
		ev_add(m, e);
		cJSON_Delete(e);
	} while (monit_buffered(&m->ev));
	*next = 0;
}

static void
monit_log_read(struct monit *m)
{
	cJSON		*ev;
	const char	*cause, *kind, *line;

	do {
		if ((ev = client_recv(&m->log, &cause)) == NULL) {
			log_add(m, "[the log stream ended]", 22);
			client_close(&m->log);
			m->logging = false;
			return;
		}
		kind = json_str(ev, PROTO_EVENT);
		if (kind != NULL && strcmp(kind, PROTO_EVENT_LINE) == 0 &&
		    (line = json_str(ev, PROTO_EV_LINE)) != NULL)
			log_add(m, line, strlen(line));
		else if ((line = json_str(ev, PROTO_EV_TEXT)) != NULL)
			log_add(m, line, strlen(line));
		cJSON_Delete(ev);
	} while (monit_buffered(&m->log));
}

/* The table, and the selection kept on the same app by its label. */
static void
monit_list(struct monit *m)
{
	cJSON		*r, *d;
	const cJSON	*a;
	const char	*cause;
	char		 label[OPM_NAME_MAX + 16];
	int		 i, n;

	if (client_send(&m->ctl, PROTO_CMD_LIST, NULL) == -1)
		monit_fatal(EXIT_NODAEMON, "the daemon went away: %s",
		    strerror(errno));
	if ((r = client_recv(&m->ctl, &cause)) == NULL)
		monit_fatal(EXIT_NODAEMON, "%s", cause);
	if ((d = cJSON_DetachItemFromObject(r, PROTO_DATA)) == NULL ||
	    !cJSON_IsArray(d)) {
		cJSON_Delete(d);
		d = cJSON_CreateArray();
	}
	cJSON_Delete(r);
	cJSON_Delete(m->apps);
	m->apps = d;
	n = cJSON_GetArraySize(d);
	i = 0;
	cJSON_ArrayForEach(a, d) {
		if (strcmp(render_label(a, label, sizeof label), m->sel) == 0)
			break;
		i++;
	}
	if (i == n)		/* gone (or none yet): the same row */
		i = m->cur < n ? m->cur : n - 1;
	monit_select(m, i);
}

static void
monit_select(struct monit *m, int i)
{
	char	label[OPM_NAME_MAX + 16];
	int	n = cJSON_GetArraySize(m->apps);

	if (i >= n)
		i = n - 1;
	if (i < 0)
		i = 0;
	m->cur = i;
	if (n == 0)
		m->sel[0] = '\0';
	else
		strlcpy(m->sel, render_label(cJSON_GetArrayItem(m->apps, i),
		    label, sizeof label), sizeof m->sel);
	if (strcmp(m->sel, m->shown) != 0) {
		monit_follow(m);
		ev_follow(m);
	}
}

/* A key's action, sent on a connection of its own; the reply comes later. */
static void
monit_act(struct monit *m, const char *cmd, const char *verb)
{
	cJSON	*args, *t;

	if (m->sel[0] == '\0')
		return;
	if (m->acting) {
		snprintf(m->msg, sizeof m->msg, "busy: %s", m->acted);
		return;
	}
	if (cli_try_connect(&m->act) == -1) {
		snprintf(m->msg, sizeof m->msg, "%s %s: %s", verb, m->sel,
		    strerror(errno));
		return;
	}
	args = cJSON_CreateObject();
	t = cJSON_AddArrayToObject(args, PROTO_ARG_TARGET);
	cJSON_AddItemToArray(t, cJSON_CreateString(m->sel));
	/* A start of an app that exists names it; no app object needed. */
	if (strcmp(cmd, PROTO_CMD_START) == 0)
		cJSON_AddItemToObject(args, "app", cJSON_CreateObject());
	if (client_send(&m->act, cmd, args) == -1) {
		snprintf(m->msg, sizeof m->msg, "%s %s: %s", verb, m->sel,
		    strerror(errno));
		client_close(&m->act);
		return;
	}
	/* Replies of a stop may take the kill timeout: no timeout here. */
	client_set_timeout(&m->act, false);
	m->acting = true;
	snprintf(m->acted, sizeof m->acted, "%s %s", verb, m->sel);
	snprintf(m->msg, sizeof m->msg, "%s...", m->acted);
}

static void
monit_act_done(struct monit *m)
{
	cJSON		*r;
	const char	*cause, *err;

	if ((r = client_recv(&m->act, &cause)) == NULL)
		snprintf(m->msg, sizeof m->msg, "%s: %s", m->acted, cause);
	else if (cJSON_IsTrue(cJSON_GetObjectItem(r, PROTO_OK)))
		snprintf(m->msg, sizeof m->msg, "%s: done", m->acted);
	else {
		err = json_str(r, PROTO_ERROR);
		snprintf(m->msg, sizeof m->msg, "%s: %s", m->acted,
		    err != NULL ? err : "failed");
	}
	cJSON_Delete(r);
	client_close(&m->act);
	m->acting = false;
}

static void
monit_size(struct monit *m)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
		m->rows = ws.ws_row;
		m->cols = ws.ws_col;
	} else {
		m->rows = 24;
		m->cols = 80;
	}
}

/*
 * Top to bottom: the keys, the table (at most half the screen, scrolled
 * to keep the selection in view), the selected app's status line, its log
 * (scrolled by PgUp/PgDn), the message row.
 */
static void
monit_draw(struct monit *m)
{
	const cJSON	*a;
	const char	*reason, *status;
	char		 line[1024], label[OPM_NAME_MAX + 16];
	int		 y, n, w, top, trows, lrows, i;
	size_t		 k, end;

	monit_size(m);
	m->fblen = 0;
	fb_add(m, "\033[H", 3);
	if (m->rows < MONIT_MIN_ROWS || m->cols < MONIT_MIN_COLS) {
		fb_add(m, "\033[2J\033[H", 7);
		snprintf(line, sizeof line, "terminal too small for opm "
		    "monit (%dx%d; needs %dx%d); q quits", m->cols, m->rows,
		    MONIT_MIN_COLS, MONIT_MIN_ROWS);
		fb_row(m, 1, "", line, strlen(line), false);
		goto out;
	}
	n = cJSON_GetArraySize(m->apps);
	snprintf(line, sizeof line, " opm monit | %d app%s | up/down select  "
	    "r restart  s start  x stop  PgUp/PgDn log  q quit", n,
	    n == 1 ? "" : "s");
	fb_row(m, 1, "\033[7m", line, strlen(line), false);
	w = render_name_width(m->apps);
	render_header(w, line, sizeof line);
	fb_row(m, 2, "\033[1m", line, strlen(line), true);
	trows = (m->rows - 4) / 2;
	if (trows > n)
		trows = n;
	if (trows < 1)
		trows = 1;
	top = m->cur >= trows ? m->cur - trows + 1 : 0;
	y = 3;
	for (i = top; i < top + trows; i++, y++) {
		if (i >= n) {
			fb_row(m, y, "", "", 0, false);
			if (n == 0)
				fb_row(m, y, "", "no apps; start one with: "
				    "opm start CMD", 37, false);
			continue;
		}
		a = cJSON_GetArrayItem(m->apps, i);
		if (render_row(a, w, i != m->cur, line, sizeof line) == -1)
			line[0] = '\0';
		fb_row(m, y, i == m->cur ? "\033[7m" : "", line, strlen(line),
		    true);
	}
	/* The selected app: its state and why. */
	a = n > 0 ? cJSON_GetArrayItem(m->apps, m->cur) : NULL;
	status = a != NULL ? json_str(a, "status") : NULL;
	reason = a != NULL ? json_str(a, "reason") : NULL;
	snprintf(line, sizeof line, "-- %s: %s%s%s%s --", a != NULL ?
	    render_label(a, label, sizeof label) : "no app", status != NULL ?
	    status : "", reason != NULL ? " (" : "", reason != NULL ? reason :
	    "", reason != NULL ? ")" : "");
	fb_row(m, y++, "\033[1m", line, strlen(line), false);
	/* Its recent events, newest last, when the screen has the room. */
	if (m->rows >= 20 && m->evfollow) {
		for (i = 0; i < MONIT_EV_ROWS; i++, y++) {
			k = m->nevs > MONIT_EV_ROWS ? m->nevs - MONIT_EV_ROWS +
			    i : (size_t)i;
			if (k < m->nevs) {
				const char *s = m->evs[(m->evfirst + k) %
				    MONIT_EV_MAX];

				fb_row(m, y, "\033[2m", s, strlen(s), false);
			} else
				fb_row(m, y, "", "", 0, false);
		}
		snprintf(line, sizeof line, "-- log --");
		fb_row(m, y++, "\033[1m", line, strlen(line), false);
	}
	lrows = m->rows - y;		/* the last row is the message's */
	if (m->scroll + lrows > m->nlines)
		m->scroll = m->nlines > (size_t)lrows ? m->nlines - lrows : 0;
	end = m->nlines - m->scroll;
	k = end > (size_t)lrows ? end - lrows : 0;
	for (; y < m->rows; y++, k++) {
		if (k < end) {
			const char *s = m->lines[(m->first + k) %
			    MONIT_LOG_MAX];

			fb_row(m, y, "", s, strlen(s), false);
		} else
			fb_row(m, y, "", "", 0, false);
	}
	if (m->scroll > 0)
		snprintf(line, sizeof line, "%s [log: %zu lines up; End to "
		    "follow]", m->msg, m->scroll);
	else
		strlcpy(line, m->msg, sizeof line);
	fb_row(m, m->rows, "", line, strlen(line), false);
out:
	(void)!write(STDOUT_FILENO, m->fb, m->fblen);
}

/* Keys; false to quit. Arrows and pages come as escape sequences. */
static bool
monit_keys(struct monit *m)
{
	char		 buf[64];
	ssize_t		 r, i;
	size_t		 page = m->rows > 8 ? (size_t)m->rows / 2 : 4;

	if ((r = read(STDIN_FILENO, buf, sizeof buf)) <= 0)
		return (r == -1 && errno == EINTR);
	for (i = 0; i < r; i++) {
		if (buf[i] == 033 && i + 2 < r && buf[i + 1] == '[') {
			char	k = buf[i + 2];

			i += 2;
			if (k >= '0' && k <= '9' && i + 1 < r &&
			    buf[i + 1] == '~')
				i++;
			switch (k) {
			case 'A':
				monit_select(m, m->cur - 1);
				break;
			case 'B':
				monit_select(m, m->cur + 1);
				break;
			case '5':
				m->scroll += page;
				break;
			case '6':
				m->scroll = m->scroll > page ? m->scroll -
				    page : 0;
				break;
			case 'F':
			case '4':
				m->scroll = 0;
				break;
			}
			continue;
		}
		switch (buf[i]) {
		case 'q':
		case 3:		/* ^C */
		case 4:		/* ^D */
			return (false);
		case 'k':
			monit_select(m, m->cur - 1);
			break;
		case 'j':
			monit_select(m, m->cur + 1);
			break;
		case 'b':
			m->scroll += page;
			break;
		case 'f':
		case ' ':
			m->scroll = m->scroll > page ? m->scroll - page : 0;
			break;
		case 'G':
			m->scroll = 0;
			break;
		case 'r':
			monit_act(m, PROTO_CMD_RESTART, "restart");
			break;
		case 's':
			monit_act(m, PROTO_CMD_START, "start");
			break;
		case 'x':
			monit_act(m, PROTO_CMD_STOP, "stop");
			break;
		}
	}
	return (true);
}

static uint64_t
monit_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

int
cli_monit(int argc, char **argv)
{
	struct monit	 m;
	struct pollfd	 pfd[4];
	uint64_t	 next = 0, now;
	int		 np, r, wait;
	bool		 run = true;

	if (argc > 1)
		cli_fatal_usage("monit: unknown argument %s", argv[1]);
	memset(&m, 0, sizeof m);
	m.log.fd = m.act.fd = m.ev.fd = -1;
	cli_connect(&m.ctl, true);
	monit_raw_on();
	monit_size(&m);
	while (run && !monit_quit) {
		now = monit_now();
		if (now >= next) {
			monit_list(&m);
			next = now + MONIT_TICK_MS;
		}
		if (monit_winch)
			monit_winch = 0;
		monit_draw(&m);
		if (m.logging && monit_buffered(&m.log)) {
			monit_log_read(&m);
			continue;
		}
		if (m.evfollow && monit_buffered(&m.ev)) {
			ev_read(&m, &next);
			continue;
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = m.logging ? m.log.fd : -1;
		pfd[1].events = POLLIN;
		pfd[2].fd = m.acting ? m.act.fd : -1;
		pfd[2].events = POLLIN;
		pfd[3].fd = m.evfollow ? m.ev.fd : -1;
		pfd[3].events = POLLIN;
		np = 4;
		wait = (int)(next - monit_now());
		if (wait < 0)
			wait = 0;
		if ((r = poll(pfd, np, wait)) == -1) {
			if (errno == EINTR)
				continue;
			monit_fatal(EXIT_FAIL, "monit: poll: %s",
			    strerror(errno));
		}
		if (pfd[0].revents & (POLLIN | POLLHUP))
			run = monit_keys(&m);
		if (pfd[1].fd != -1 && (pfd[1].revents & (POLLIN | POLLHUP)))
			monit_log_read(&m);
		if (pfd[3].fd != -1 && (pfd[3].revents & (POLLIN | POLLHUP)))
			ev_read(&m, &next);
		if (pfd[2].fd != -1 && (pfd[2].revents & (POLLIN | POLLHUP))) {
			monit_act_done(&m);
			next = 0;	/* show what it did at once */
		}
	}
	monit_restore();
	monit_unfollow(&m);
	ev_clear(&m);
	if (m.acting)
		client_close(&m.act);
	client_close(&m.ctl);
	cJSON_Delete(m.apps);
	free(m.fb);
	return (0);
}
