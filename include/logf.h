/*
 * App log files. The daemon owns the write side: each app's stdout and
 * stderr reach it through pipes and are appended to files in OPM_HOME/logs,
 * rotated by size at line boundaries, and streamed to followers.
 */
#ifndef OPM_LOGF_H
#define OPM_LOGF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <uv.h>

struct logfile;
struct ipc_client;

/* Lines longer than this are cut (with a marker) when streamed. */
#define LOGF_LINE_MAX	(64 * 1024)

void		 logf_init(uv_loop_t *);
/*
 * The ledger and spool in the runtime directory dir (logledger.h), which
 * let a successor finish a timestamped chunk a killed daemon left; call
 * before adopting pipes, and logf_adopted() once they all are.
 */
void		 logf_ledger(const char *dir);
void		 logf_adopted(void);
/*
 * Opens (creating 0600, never through a symbolic link) path; one
 * reference. NULL with errno. "/dev/null" opens nothing: what is read
 * is streamed to followers and dropped.
 */
struct logfile	*logf_open(const char *path, const char *app,
		    const char *stream);
/*
 * The same without creating the file now: it is made when a pipe first
 * moves into it (or logf_size, logf_flush look at it). Either way the
 * file is open only while a pipe moves into it.
 */
struct logfile	*logf_lazy(const char *path, const char *app,
		    const char *stream);
void		 logf_ref(struct logfile *);
void		 logf_unref(struct logfile *);
const char	*logf_path(const struct logfile *);
/* Size of the current file, as far as the daemon has written it. */
uint64_t	 logf_size(struct logfile *);
/* datefmt: PM2's log_date_format (moment tokens), or NULL for ISO. */
void		 logf_configure(struct logfile *, bool timestamps,
		    const char *datefmt, uint64_t max_size, unsigned keep);
/*
 * log_target (logsink.h): each whole line also goes to the targets of
 * sinks but LOGSINK_FILE, from instance (-1: none) of the app name.
 */
void		 logf_targets(struct logfile *, unsigned sinks, const char *name,
		    int instance);
/* What is written to lf is copied to all too (log_file); all: ref'd. */
void		 logf_combine(struct logfile *lf, struct logfile *all);
/* Empties the file and removes rotated ones. */
int		 logf_flush(struct logfile *);
/*
 * A new pipe whose read end the daemon drains into lf. Returns the write
 * end for the child (close it after the spawn), or -1 with errno.
 */
int		 logf_capture(struct logfile *lf);
/* Reads an inherited or handed-back pipe read end into lf. */
void		 logf_adopt(struct logfile *lf, int fd, uint64_t serial,
		    bool at_line_start);
/* Sends every live pipe to a (new) keeper again. */
void		 logf_rehold(void);
/* Stops reading every pipe; cb once no write is in flight. */
void		 logf_quiesce(void (*cb)(void));
void		 logf_resume(void);
/* Every live pipe as {fd, serial, als, path}, fds made inheritable. */
struct cJSON	*logf_handover(void);
/* Follows the logs of apps created from now on, too. */
void		 logf_follow_all(struct ipc_client *, bool out, bool err,
		    bool batch);
/*
 * Streams every new line of lf to client until it disconnects: a "line"
 * message each, or with batch "lines" messages of many (docs/PROTOCOL.md).
 */
void		 logf_follow(struct logfile *lf, struct ipc_client *,
		    bool batch);

#endif
