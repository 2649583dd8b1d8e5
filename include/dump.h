/*
 * The dump: configuration and desired state of every app, never a pid, a
 * start time or a counter. The writer takes only struct app_conf, so the
 * types keep runtime state out of the file.
 */
#ifndef OPM_DUMP_H
#define OPM_DUMP_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "conf.h"

#define DUMP_VERSION	1

struct dump_entry {
	int		 id;		/* -1 when the file had none */
	int		*ids;		/* instances: their ids, or NULL */
	size_t		 nids;
	bool		 running;	/* desired state */
	struct app_conf	 conf;
	char		 error[256];	/* set when this entry is invalid */
};

/*
 * The JSON of one entry: app-file keys plus id, desired and env_base. An
 * app with instances is one entry (instances: N); its caller adds "ids",
 * the id of each instance.
 */
cJSON	*dump_entry_json(int id, bool running, const struct app_conf *);
/*
 * Writes {"version":1,"apps":[...]} to path atomically: a temporary file in
 * the same directory (random name, O_EXCL), fsync, the old file kept as
 * path.bak (a hard link renamed into place, so neither path nor path.bak
 * is ever missing), rename, fsync of the directory. An old file
 * that does not parse is moved aside to path.corrupt-TIME, never lost.
 * -1 with a message in cause[]; the old dump is then untouched.
 */
int	 dump_write(const char *path, cJSON *apps, char *cause, size_t clen);
/*
 * Reads a dump. -1 with "PATH:LINE:COL: why" in cause[] when the file is
 * missing or not valid JSON. Entries that do not validate are returned
 * with error[] set.
 */
int	 dump_read(const char *path, struct dump_entry **out, size_t *n,
	    char *cause, size_t clen);
/* Parses a dump held in memory (the reader's core; fuzzable). */
int	 dump_parse(const char *buf, size_t len, struct dump_entry **out,
	    size_t *n, char *cause, size_t clen);
/* One entry of a dump (or the conf of a state record): e->error on error. */
void	 dump_entry_parse(struct dump_entry *e, const cJSON *obj);
void	 dump_free(struct dump_entry *, size_t);
/*
 * Removes path.tmp.* (left by a daemon killed during a save). Called by
 * every save and when the daemon starts; only the daemon holding the
 * home's lock writes the dump, so none of them is in use.
 */
void	 dump_clean(const char *path);

#endif
