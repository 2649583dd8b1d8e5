/*
 * Where an app's output goes besides (or instead of) its log files
 * (issue 16 item 4, log_target): the journal, by its native protocol on
 * /run/systemd/journal/socket, syslog on /dev/log, or the daemon's own
 * stdout and stderr with a name prefix (what a foreground daemon in a
 * container, `opm run`, streams). No libuv and no libsystemd: the encoders
 * are pure, the senders one sendto(2) or write(2) per line.
 */
#ifndef OPM_LOGSINK_H
#define OPM_LOGSINK_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cJSON.h>

/* The targets of log_target, as bits. */
#define LOGSINK_FILE	0x1u
#define LOGSINK_JOURNAL	0x2u
#define LOGSINK_SYSLOG	0x4u
#define LOGSINK_STDOUT	0x8u
#define LOGSINK_ALL	0xfu

/* Test knobs: the sockets used instead of the system's. */
#define LOGSINK_JOURNAL_ENV	"OPM_JOURNAL_SOCKET"
#define LOGSINK_SYSLOG_ENV	"OPM_SYSLOG_SOCKET"
#define LOGSINK_JOURNAL_PATH	"/run/systemd/journal/socket"
#define LOGSINK_SYSLOG_PATH	"/dev/log"

/* Who wrote a line. */
struct logsink_from {
	const char	*app;		/* the app's name */
	int		 instance;	/* its instance, or -1 */
	bool		 err;		/* stderr: priority 3, else 6 */
};

/* log_target: one target or an array of them; -1 with a cause. */
int	 logsink_parse(const cJSON *, unsigned *mask, const char **cause);
/* The value logsink_parse reads back: a string, or an array for two+. */
cJSON	*logsink_to_json(unsigned mask);

/*
 * One journal datagram of the native protocol: MESSAGE, PRIORITY,
 * SYSLOG_IDENTIFIER, SYSLOG_FACILITY, OPM_APP and OPM_INSTANCE (with
 * instances), each "KEY=VALUE\n", or for a value holding a newline or
 * another control byte the binary form "KEY\n", its length as 64-bit
 * little endian, the bytes, "\n". Returns the length, written up to len.
 */
size_t	 logsink_journal_encode(const struct logsink_from *, const char *line,
	    size_t n, char *buf, size_t len);
/*
 * One syslog datagram as syslog(3) writes it to /dev/log (RFC 3164 without
 * the host): "<PRI>Mmm dd hh:mm:ss TAG: MESSAGE", facility daemon, TAG the
 * app's name (NAME-K for instance K), at the local time t.
 */
size_t	 logsink_syslog_encode(const struct logsink_from *, const char *line,
	    size_t n, time_t t, char *buf, size_t len);
/*
 * The prefixed line for stdout: "NAME | line\n" ("NAME:K | " for instance
 * K), or the line alone when raw; the line ends in "\n".
 */
size_t	 logsink_prefix_encode(const struct logsink_from *, const char *line,
	    size_t n, bool raw, char *buf, size_t len);

/*
 * Sends one line (without its newline) to each target of mask but
 * LOGSINK_FILE. Never blocks on a socket (a full one drops the line,
 * counted, warned about once in a while); the stdout target writes to
 * the daemon's fd 1 (fd 2 for stderr lines) and waits as a pipe does.
 */
void	 logsink_line(unsigned mask, const struct logsink_from *,
	    const char *line, size_t n);
/* stdout target: prefix lines or not (opm run --raw). */
void	 logsink_set_raw(bool);
/* Lines a socket target dropped (full, or no listener) since start. */
unsigned long logsink_dropped(unsigned target);

#endif
