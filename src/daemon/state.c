/*
 * Runtime state files. Written (temporary file + rename, no fsync: they
 * only matter within this boot) after every transition of an app, read by
 * the next daemon after a crash. A pid from here is trusted only after a
 * pidfd is open on it and its start time matches (see app_adopt).
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

#include "app.h"
#include "dump.h"
#include "json.h"
#include "log.h"
#include "state.h"
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

const char *
state_boot_id(void)
{
	return (state_boot);
}

uint64_t
state_starttime(pid_t pid)
{
	char			 path[64], buf[1024], *p;
	unsigned long long	 st;
	ssize_t			 n;
	int			 fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return (0);
	/* Field 22, counting from the state (field 3) after the name. */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
	    "%*u %*d %*d %*d %*d %*d %*d %llu", &st) != 1)
		return (0);
	return (st);
}

cJSON *
state_app_json(const struct app *a)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "boot_id", state_boot);
	cJSON_AddNumberToObject(o, "id", a->id);
	cJSON_AddItemToObject(o, "conf", dump_entry_json(a->id, true,
	    &a->conf));
	cJSON_AddStringToObject(o, "state", sup_state_name(a->state));
	cJSON_AddNumberToObject(o, "pid", a->pid);
	cJSON_AddNumberToObject(o, "pgid", a->pgid);
	cJSON_AddNumberToObject(o, "starttime", (double)a->starttime);
	cJSON_AddNumberToObject(o, "started", (double)a->started);
	cJSON_AddNumberToObject(o, "timer_due", (double)a->timer_due);
	cJSON_AddNumberToObject(o, "restarts", a->restarts);
	cJSON_AddNumberToObject(o, "fails", a->fails);
	cJSON_AddBoolToObject(o, "start_after", a->start_after);
	cJSON_AddBoolToObject(o, "count_after", a->count_after);
	cJSON_AddBoolToObject(o, "killed", a->killed);
	cJSON_AddBoolToObject(o, "adopted", a->adopted);
	cJSON_AddBoolToObject(o, "leader_gone", a->leader_gone);
	cJSON_AddBoolToObject(o, "has_exit", a->has_exit);
	cJSON_AddBoolToObject(o, "exit_unknown", a->exit_unknown);
	cJSON_AddNumberToObject(o, "exit_code", a->exit_code);
	cJSON_AddNumberToObject(o, "exit_signal", a->exit_signal);
	cJSON_AddStringToObject(o, "reason", a->reason);
	return (o);
}

/*
 * Apps whose last state write failed (a full disk): retried every second
 * until it works, or a successor daemon would adopt a stale record and
 * miss a process or start it twice.
 */
#define STATE_RETRY_MS	1000
static int	*state_dirty;
static size_t	 state_ndirty;
static uv_timer_t state_retry;
static bool	 state_retry_init;

static void
state_mark(int id, bool dirty)
{
	size_t	i;

	for (i = 0; i < state_ndirty && state_dirty[i] != id; i++)
		;
	if (!dirty && i < state_ndirty)
		state_dirty[i] = state_dirty[--state_ndirty];
	else if (dirty && i == state_ndirty) {
		state_dirty = xreallocarray(state_dirty, state_ndirty + 1,
		    sizeof *state_dirty);
		state_dirty[state_ndirty++] = id;
	}
}

static void
state_retry_cb(uv_timer_t *t)
{
	struct app	*a;
	size_t		 i, n = state_ndirty;
	int		*ids;

	(void)t;
	ids = xreallocarray(NULL, n ? n : 1, sizeof *ids);
	memcpy(ids, state_dirty, n * sizeof *ids);
	for (i = 0; i < n; i++) {
		if ((a = app_find_id(ids[i])) != NULL)
			state_save(a);
		else
			state_mark(ids[i], false);
	}
	free(ids);
	if (state_ndirty == 0)
		log_info("runtime state written again");
}

static int
state_write(const char *path, const char *tmp, const char *text)
{
	size_t	len = strlen(text);
	ssize_t	n;
	int	fd, e;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
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
state_save(const struct app *a)
{
	char	path[4300], tmp[4400], *text;
	cJSON	*o;
	bool	was = state_ndirty > 0;

	if (state_dir[0] == '\0' || state_frozen)
		return;
	o = state_app_json(a);
	text = json_text(o);
	cJSON_Delete(o);
	if (text == NULL)
		return;
	snprintf(path, sizeof path, "%s/%d.json", state_dir, a->id);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (state_write(path, tmp, text) == -1) {
		if (!was)
			log_warn("%s: %s; retrying every second", __func__,
			    path);
		state_mark(a->id, true);
		if (!state_retry_init) {
			uv_timer_init(uv_default_loop(), &state_retry);
			uv_unref((uv_handle_t *)&state_retry);
			state_retry_init = true;
		}
		if (!uv_is_active((uv_handle_t *)&state_retry))
			uv_timer_start(&state_retry, state_retry_cb,
			    STATE_RETRY_MS, 0);
	} else
		state_mark(a->id, false);
	cJSON_free(text);
}

void
state_remove(int id)
{
	char	path[4300];

	state_mark(id, false);
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
