/*
 * The dump file. Written as a temporary file, fsynced, renamed over the old
 * one and the directory fsynced, so a crash at any point leaves either the
 * old or the new dump whole (docs/LESSONS.md 10). The previous version stays as
 * .bak; a file that does not parse is moved aside, never overwritten.
 * The temporary file has a random name and is created with O_EXCL, so a
 * symbolic link planted at a guessed name is never written through.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"
#include "json.h"
#include "opm.h"
#include "parse.h"
#include "xmem.h"

#define DUMP_MAX	(64 * 1024 * 1024)

cJSON *
dump_entry_json(int id, bool running, const struct app_conf *c)
{
	cJSON	*o = conf_to_json(c);

	cJSON_AddNumberToObject(o, "id", id);
	cJSON_AddStringToObject(o, "desired", running ? "running" : "stopped");
	cJSON_AddItemToObject(o, "env_base", json_from_strv(c->env_base));
	return (o);
}

static int
dump_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		buf += n;
		len -= n;
	}
	return (0);
}

static int
dump_fsync_dir(const char *path)
{
	char	copy[PATH_MAX];
	int	fd, r;

	strlcpy(copy, path, sizeof copy);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return (-1);
	r = fsync(fd);
	close(fd);
	return (r);
}

void
dump_clean(const char *path)
{
	char		 copy[PATH_MAX], prefix[NAME_MAX + 8];
	DIR		*d;
	struct dirent	*de;
	size_t		 plen;

	strlcpy(copy, path, sizeof copy);
	plen = (size_t)snprintf(prefix, sizeof prefix, "%s.tmp.",
	    basename(copy));
	strlcpy(copy, path, sizeof copy);
	if (plen >= sizeof prefix || (d = opendir(dirname(copy))) == NULL)
		return;
	/* unlinkat removes a symbolic link itself, never its target. */
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) == 0)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/* true when path exists and is not a valid dump (to be kept aside). */
static bool
dump_is_corrupt(const char *path)
{
	struct dump_entry	*e;
	size_t			 n;
	char			 cause[256];
	struct stat		 st;

	/* A symbolic link is not a dump: dump_read refuses it, so aside. */
	if (lstat(path, &st) == -1)
		return (false);
	if (dump_read(path, &e, &n, cause, sizeof cause) == -1)
		return (true);
	dump_free(e, n);
	return (false);
}

int
dump_write(const char *path, cJSON *apps, char *cause, size_t clen)
{
	char		 tmp[PATH_MAX], bak[PATH_MAX], aside[PATH_MAX];
	char		 baktmp[PATH_MAX];
	char		*text;
	cJSON		*root = cJSON_CreateObject();
	size_t		 len;
	int		 fd, i, r = -1;

	cJSON_AddNumberToObject(root, "version", DUMP_VERSION);
	cJSON_AddItemReferenceToObject(root, "apps", apps);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (text == NULL) {
		snprintf(cause, clen, "out of memory");
		return (-1);
	}
	len = strlen(text);
	/* Only one daemon writes this dump: any temporary is stale. */
	dump_clean(path);
	snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
	snprintf(bak, sizeof bak, "%s.bak", path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		snprintf(cause, clen, "%s: %s", tmp, strerror(errno));
		cJSON_free(text);
		return (-1);
	}
	if (dump_write_all(fd, text, len) == -1 ||
	    dump_write_all(fd, "\n", 1) == -1 || fsync(fd) == -1) {
		snprintf(cause, clen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		cJSON_free(text);
		return (-1);
	}
	cJSON_free(text);
	if (close(fd) == -1) {
		snprintf(cause, clen, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		return (-1);
	}
	if (dump_is_corrupt(path)) {
		snprintf(aside, sizeof aside, "%s.corrupt-%lld", path,
		    (long long)time(NULL));
		if (rename(path, aside) == -1) {
			snprintf(cause, clen, "cannot move the unreadable %s "
			    "aside: %s", path, strerror(errno));
			unlink(tmp);
			return (-1);
		}
	} else if (access(path, F_OK) == 0) {
		/*
		 * A hard link under a temporary name, renamed over the old
		 * .bak: neither path nor .bak is ever missing, whenever we die.
		 */
		for (i = 0; i < 8; i++) {
			snprintf(baktmp, sizeof baktmp, "%s.tmp.bak%08x", path,
			    arc4random());
			if ((r = link(path, baktmp)) == 0 || errno != EEXIST)
				break;
		}
		if (r == -1 || rename(baktmp, bak) == -1) {
			snprintf(cause, clen, "%s: %s", bak, strerror(errno));
			if (r == 0)
				unlink(baktmp);
			unlink(tmp);
			return (-1);
		}
		/*
		 * Already the same file (we died between this rename and the
		 * next one): rename(2) then does nothing and leaves baktmp.
		 */
		unlink(baktmp);
	}
	if (rename(tmp, path) == -1) {
		snprintf(cause, clen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return (-1);
	}
	dump_fsync_dir(path);
	return (0);
}

void
dump_free(struct dump_entry *e, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		conf_free(&e[i].conf);
		free(e[i].ids);
	}
	free(e);
}

/* "ids": the id of each instance, in instance order. */
static void
dump_entry_ids(struct dump_entry *e, const cJSON *x)
{
	const cJSON	*v;

	if (!cJSON_IsArray(x) || cJSON_GetArraySize(x) > OPM_INSTANCES_MAX) {
		snprintf(e->error, sizeof e->error, "ids: not an array of at "
		    "most %d ids", OPM_INSTANCES_MAX);
		return;
	}
	e->ids = xcalloc(cJSON_GetArraySize(x) + 1, sizeof *e->ids);
	cJSON_ArrayForEach(v, x) {
		if (!json_is_int(v, 0, INT32_MAX)) {
			snprintf(e->error, sizeof e->error, "ids: not a valid "
			    "id");
			return;
		}
		e->ids[e->nids++] = (int)v->valuedouble;
	}
}

void
dump_entry_parse(struct dump_entry *e, const cJSON *obj)
{
	cJSON		*copy, *x;
	const char	*why, *desired;

	e->id = -1;
	e->running = true;
	conf_defaults(&e->conf);
	if (!cJSON_IsObject(obj)) {
		snprintf(e->error, sizeof e->error, "not an object");
		return;
	}
	copy = cJSON_Duplicate(obj, 1);
	if ((x = cJSON_DetachItemFromObjectCaseSensitive(copy, "id")) !=
	    NULL) {
		if (!json_is_int(x, 0, INT32_MAX))
			snprintf(e->error, sizeof e->error, "id: not a valid "
			    "id");
		else
			e->id = (int)x->valuedouble;
		cJSON_Delete(x);
	}
	if ((x = cJSON_DetachItemFromObjectCaseSensitive(copy, "ids")) !=
	    NULL) {
		dump_entry_ids(e, x);
		cJSON_Delete(x);
	}
	if ((x = cJSON_DetachItemFromObjectCaseSensitive(copy, "desired")) !=
	    NULL) {
		desired = cJSON_IsString(x) ? x->valuestring : "";
		if (strcmp(desired, "stopped") == 0)
			e->running = false;
		else if (strcmp(desired, "running") != 0)
			snprintf(e->error, sizeof e->error, "desired: must be "
			    "running or stopped");
		cJSON_Delete(x);
	}
	if ((x = cJSON_DetachItemFromObjectCaseSensitive(copy, "env_base")) !=
	    NULL) {
		if ((e->conf.env_base = conf_env_share(json_strv(x,
		    OPM_ENV_MAX, &why))) == NULL)
			snprintf(e->error, sizeof e->error, "env_base: %s",
			    why);
		cJSON_Delete(x);
	}
	if (e->error[0] == '\0')
		conf_from_json(&e->conf, copy, e->error, sizeof e->error);
	if (e->error[0] == '\0' && e->conf.name[0] == '\0')
		snprintf(e->error, sizeof e->error, "name: missing");
	if (e->error[0] == '\0' && e->conf.cwd == NULL)
		snprintf(e->error, sizeof e->error, "cwd: missing");
	cJSON_Delete(copy);
}

int
dump_parse(const char *buf, size_t len, struct dump_entry **out, size_t *n,
    char *cause, size_t clen)
{
	const cJSON	*apps, *a, *v;
	cJSON		*root;
	char		 why[160];
	size_t		 off, line, col, i = 0;
	const char	*at;

	*out = NULL;
	*n = 0;
	if ((root = json_parse(buf, len, why, sizeof why)) == NULL) {
		if ((at = strstr(why, "byte ")) != NULL &&
		    sscanf(at + 5, "%zu", &off) == 1) {
			parse_line_col(buf, len, off, &line, &col);
			snprintf(cause, clen, "%zu:%zu: %s", line, col, why);
		} else
			snprintf(cause, clen, "%s", why);
		return (-1);
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "version");
	apps = cJSON_GetObjectItemCaseSensitive(root, "apps");
	if (!json_is_int(v, 1, DUMP_VERSION) || !cJSON_IsArray(apps)) {
		snprintf(cause, clen, "not an opm dump of version %d "
		    "({\"version\":%d,\"apps\":[...]})", DUMP_VERSION,
		    DUMP_VERSION);
		cJSON_Delete(root);
		return (-1);
	}
	*out = xcalloc(cJSON_GetArraySize(apps) + 1, sizeof **out);
	cJSON_ArrayForEach(a, apps)
		dump_entry_parse(&(*out)[i++], a);
	*n = i;
	cJSON_Delete(root);
	return (0);
}

int
dump_read(const char *path, struct dump_entry **out, size_t *n, char *cause,
    size_t clen)
{
	char		*buf, sub[200];
	struct stat	 st;
	ssize_t		 r;
	size_t		 len = 0;
	int		 fd;

	*out = NULL;
	*n = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(cause, clen, "%s: %s", path, errno == ELOOP ?
		    "a symbolic link; opm does not follow links in OPM_HOME" :
		    strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || st.st_size > DUMP_MAX) {
		snprintf(cause, clen, "%s: unreadable or larger than 64 MiB",
		    path);
		close(fd);
		return (-1);
	}
	buf = xmalloc(st.st_size + 1);
	while (len < (size_t)st.st_size) {
		r = read(fd, buf + len, st.st_size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
	}
	close(fd);
	if (dump_parse(buf, len, out, n, sub, sizeof sub) == -1) {
		snprintf(cause, clen, "%s:%s%s", path,
		    sub[0] >= '0' && sub[0] <= '9' ? "" : " ", sub);
		free(buf);
		return (-1);
	}
	free(buf);
	return (0);
}
