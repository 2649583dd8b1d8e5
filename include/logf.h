/*
 * App log files. The daemon owns the write side: each app's stdout and
 * stderr reach it through pipes and are appended to files in OPM_HOME/logs.
 */
#ifndef OPM_LOGF_H
#define OPM_LOGF_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

struct logfile;

void		 logf_init(uv_loop_t *);
/* Opens (creating 0600) path; one reference. NULL with errno. */
struct logfile	*logf_open(const char *path, bool timestamps);
void		 logf_ref(struct logfile *);
void		 logf_unref(struct logfile *);
const char	*logf_path(const struct logfile *);
void		 logf_set_timestamps(struct logfile *, bool);
/*
 * A new pipe whose read end the daemon drains into lf. Returns the write
 * end for the child (close it after the spawn), or -1 with errno.
 */
int		 logf_capture(struct logfile *lf);

#endif
