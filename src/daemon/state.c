/*
 * Runtime state files. Written (in place within one page, else temporary
 * file + rename: state_write_fast; no fsync: they only matter within this
 * boot) after every transition of an app, read by the next daemon after a
 * crash. A pid from here is trusted only after a pidfd is open on it and
 * its start time matches (see app_adopt).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "json.h"
#include "log.h"
#include "proc.h"
#include "state.h"
#include "staterec.h"
#include "xmem.h"

static char	state_dir[4200];
static char	state_boot[64];
static bool	state_frozen;

void
state_freeze(void)
{
	state_frozen = true;
}

void
state_init(const struct paths *p)
{
	FILE	*f;

	snprintf(state_dir, sizeof state_dir, "%s/state", p->runtime);
	if (mkdir(state_dir, 0700) == -1 && errno != EEXIST)
		log_warn("%s: mkdir %s", __func__, state_dir);
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "re")) != NULL) {
		if (fgets(state_boot, sizeof state_boot, f) == NULL)
			state_boot[0] = '\0';
		state_boot[strcspn(state_boot, "\n")] = '\0';
		fclose(f);
	}
}

uint64_t
state_starttime(pid_t pid)
{
	char			 buf[1024];
	const char		*p;
	unsigned long long	 st;

	/* Field 22, counting from the state (field 3) after the name. */
	if ((p = proc_stat_fields(pid, buf, sizeof buf)) == NULL ||
	    sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
	    "%*u %*d %*d %*d %*d %*d %*d %llu", &st) != 1)
		return (0);
	return (st);
}

cJSON *
state_encode(int id, int instance, const struct app_conf *c,
    const struct app_run *r)
{
	cJSON	*o = state_rec_encode(id, instance, c, r);

	cJSON_AddStringToObject(o, "boot_id", state_boot);
	return (o);
}

/*
 * Records whose last write failed (a full disk), kept as text and written
 * again every second until it works, or a successor daemon would adopt a
 * stale record and miss a process or start it twice. A newer record of the
 * same app replaces the older one.
 */
#define STATE_RETRY_MS	1000
#define STATE_PAGE	4096	/* the smallest page size Linux has */
struct state_dirty {
	int	 id;
	char	*text;
};
static struct state_dirty *state_dirty;
static size_t	 state_ndirty;
static uv_timer_t state_retry;
static bool	 state_retry_init;
static int	 state_write(const char *, const char *, const char *);
static void	 state_paths(int, char *, size_t, char *, size_t);

/* Forgets id's failed write; with text, remembers this one instead. */
static void
state_mark(int id, const char *text)
{
	size_t	i;

	for (i = 0; i < state_ndirty && state_dirty[i].id != id; i++)
		;
	if (i < state_ndirty) {
		free(state_dirty[i].text);
		if (text == NULL) {
			state_dirty[i] = state_dirty[--state_ndirty];
			return;
		}
	} else if (text == NULL)
		return;
	else {
		state_dirty = xreallocarray(state_dirty, state_ndirty + 1,
		    sizeof *state_dirty);
		state_ndirty++;
	}
	state_dirty[i].id = id;
	state_dirty[i].text = xstrdup(text);
}

static void
state_retry_cb(uv_timer_t *t)
{
	char	path[4300], tmp[4400];
	size_t	i = 0;

	(void)t;
	if (state_frozen)
		return;
	while (i < state_ndirty) {
		state_paths(state_dirty[i].id, path, sizeof path, tmp,
		    sizeof tmp);
		if (state_write(path, tmp, state_dirty[i].text) == -1) {
			i++;
			continue;
		}
		free(state_dirty[i].text);
		state_dirty[i] = state_dirty[--state_ndirty];
	}
	if (state_ndirty == 0)
		log_info("runtime state written again");
	else
		uv_timer_start(&state_retry, state_retry_cb, STATE_RETRY_MS,
		    0);
}

static void
state_paths(int id, char *path, size_t plen, char *tmp, size_t tlen)
{
	snprintf(path, plen, "%s/%d.json", state_dir, id);
	snprintf(tmp, tlen, "%s.tmp", path);
}

/*
 * The cheap ways to write a record, tried first: 0 done, -1 error (errno),
 * 1 when neither applies and a temporary file renamed over the record is
 * needed (state_write). A record that exists already, and the new one, fit
 * in one page: one pwrite(2) at offset 0 replaces it, padded with spaces
 * to the old length (the parser skips them), so the file never shrinks and
 * never needs a truncate. A write within one page is all or nothing to a
 * kill of the daemon (the kernel checks for a fatal signal between pages),
 * and no power loss matters here (records of another boot are ignored).
 * Creating, renaming and truncating files cost the journal a transaction
 * each (0.25 ms a record on ext4 here, against 6 us for this pwrite: see
 * bench/respawn.sh), and a respawn waits for its record. A record that
 * does not exist yet is created in place: a kill while it is written
 * leaves a file the next daemon cannot parse and ignores, as it ignores a
 * temporary file never renamed.
 */
static int
state_write_fast(const char *path, const char *text, size_t len)
{
	char		page[STATE_PAGE];
	struct stat	st;
	ssize_t		n;
	size_t		want;
	int		fd, e;

	if (len > sizeof page)
		return (1);
	if ((fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			return (1);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600)) == -1)
			return (errno == EEXIST ? 1 : -1);
		st.st_size = 0;
	} else if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)sizeof page) {
		close(fd);
		return (1);
	}
	want = (size_t)st.st_size > len ? (size_t)st.st_size : len;
	memcpy(page, text, len);
	memset(page + len, ' ', want - len);
	n = pwrite(fd, page, want, 0);
	e = n == -1 ? errno : n != (ssize_t)want ? ENOSPC : 0;
	if (close(fd) == -1 && e == 0)
		e = errno;
	if (e != 0) {
		errno = e;
		return (-1);
	}
	return (0);
}

static int
state_write(const char *path, const char *tmp, const char *text)
{
	size_t	len = strlen(text);
	ssize_t	n;
	int	fd, e, r;

	if ((r = state_write_fast(path, text, len)) != 1)
		return (r);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return (-1);
	n = write(fd, text, len);
	e = n == -1 ? errno : n != (ssize_t)len ? ENOSPC : 0;
	if (close(fd) == -1 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) == -1)
		e = errno;
	if (e != 0) {
		unlink(tmp);
		errno = e;
		return (-1);
	}
	return (0);
}

void
state_save(int id, int instance, const struct app_conf *c,
    const struct app_run *r)
{
	char	path[4300], tmp[4400], *text;
	cJSON	*o;
	bool	was = state_ndirty > 0;

	if (state_dir[0] == '\0' || state_frozen)
		return;
	o = state_encode(id, instance, c, r);
	text = json_text(o);
	cJSON_Delete(o);
	if (text == NULL)
		return;
	state_paths(id, path, sizeof path, tmp, sizeof tmp);
	if (state_write(path, tmp, text) == -1) {
		if (!was)
			log_warn("%s: %s; retrying every second", __func__,
			    path);
		state_mark(id, text);
		if (!state_retry_init) {
			uv_timer_init(uv_default_loop(), &state_retry);
			uv_unref((uv_handle_t *)&state_retry);
			state_retry_init = true;
		}
		if (!uv_is_active((uv_handle_t *)&state_retry))
			uv_timer_start(&state_retry, state_retry_cb,
			    STATE_RETRY_MS, 0);
	} else
		state_mark(id, NULL);
	cJSON_free(text);
}

char *
state_text(int id, int instance, const struct app_conf *c,
    const struct app_run *r, char *path, size_t plen, char *tmp, size_t tlen,
    size_t *len)
{
	char	*text, *buf;
	cJSON	*o;

	if (state_dir[0] == '\0' || state_frozen)
		return (NULL);
	o = state_encode(id, instance, c, r);
	text = json_text(o);
	cJSON_Delete(o);
	if (text == NULL)
		return (NULL);
	*len = strlen(text);
	/* Room for the padding of an in-place write (state_write_fast). */
	buf = xmalloc((*len > STATE_PAGE ? *len : STATE_PAGE) + 1);
	memcpy(buf, text, *len + 1);
	cJSON_free(text);
	state_paths(id, path, plen, tmp, tlen);
	return (buf);
}

void
state_remove(int id)
{
	char	path[4300];

	state_mark(id, NULL);
	snprintf(path, sizeof path, "%s/%d.json", state_dir, id);
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("%s: %s", __func__, path);
}

void
state_load(void (*cb)(const cJSON *))
{
	DIR		*d;
	struct dirent	*de;
	char		 path[4600], *buf, cause[128];
	const char	*boot;
	struct stat	 st;
	cJSON		*o;
	ssize_t		 n;
	int		 fd;

	if ((d = opendir(state_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", state_dir, de->d_name);
		if (strstr(de->d_name, ".tmp") != NULL ||
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			unlink(path);
			continue;
		}
		if (fstat(fd, &st) == -1 || st.st_size > 16 * 1024 * 1024) {
			close(fd);
			unlink(path);
			continue;
		}
		buf = xmalloc(st.st_size + 1);
		n = read(fd, buf, st.st_size);
		close(fd);
		o = n > 0 ? json_parse(buf, n, cause, sizeof cause) : NULL;
		free(buf);
		boot = o != NULL ? json_str(o, "boot_id") : NULL;
		if (boot == NULL || strcmp(boot, state_boot) != 0) {
			log_info("%s: %s, ignored", path, o == NULL ?
			    "unreadable" : "from another boot");
			unlink(path);
		} else
			cb(o);
		cJSON_Delete(o);
	}
	closedir(d);
}
