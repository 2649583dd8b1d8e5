/* dotenv parser: a strict subset of what docker and node's dotenv accept. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dotenv.h"
#include "opm.h"
#include "xmem.h"

#define DOTENV_MAX	(1024 * 1024)

/*
 * Long because it is one pass of a small state machine over the bytes
 * (key, quotes, escapes, comments); split, the states would need passing
 * around.
 */
int
dotenv_parse(const char *buf, size_t len, char ***out, char *cause,
    size_t clen)
{
	const char	*p = buf, *end = buf + len, *eol, *k, *q;
	char		**v = NULL, *val;
	size_t		 n = 0, vl, klen, lineno = 0;
	char		 quote;

	while (p < end) {
		lineno++;
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p == eol || *p == '#' || (*p == '\r' && p + 1 == eol)) {
			p = eol + 1;
			continue;
		}
		if (eol - p > 7 && strncmp(p, "export ", 7) == 0)
			p += 7;
		k = p;
		while (p < eol && (isalnum((unsigned char)*p) || *p == '_' ||
		    *p == '.' || *p == '-'))
			p++;
		klen = p - k;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (klen == 0 || p == eol || *p != '=' ||
		    isdigit((unsigned char)*k)) {
			snprintf(cause, clen, "line %zu: expected KEY=VALUE",
			    lineno);
			goto fail;
		}
		p++;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		val = xmalloc(eol - p + 1);
		vl = 0;
		if (p < eol && (*p == '"' || *p == '\'')) {
			quote = *p++;
			/* A double-quoted value may span lines. */
			if (quote == '"' && memchr(p, '"', eol - p) == NULL &&
			    (q = memchr(p, '"', end - p)) != NULL)
				eol = memchr(q, '\n', end - q) ?
				    memchr(q, '\n', end - q) : end;
			val = xreallocarray(val, 1, eol - p + 1);
			while (p < eol && *p != quote) {
				if (quote == '"' && *p == '\\' && p + 1 < eol) {
					p++;
					val[vl++] = *p == 'n' ? '\n' :
					    *p == 't' ? '\t' : *p == 'r' ?
					    '\r' : *p;
					p++;
				} else
					val[vl++] = *p++;
			}
			if (p == eol) {
				free(val);
				snprintf(cause, clen, "line %zu: unterminated "
				    "quote", lineno);
				goto fail;
			}
			p++;
			while (p < eol && (*p == ' ' || *p == '\t' ||
			    *p == '\r'))
				p++;
			if (p < eol && *p != '#') {
				free(val);
				snprintf(cause, clen, "line %zu: text after "
				    "the closing quote", lineno);
				goto fail;
			}
		} else {
			q = p;
			while (q < eol && *q != '#')
				q++;
			while (q > p && isspace((unsigned char)q[-1]))
				q--;
			memcpy(val, p, q - p);
			vl = q - p;
		}
		val[vl] = '\0';
		if (memchr(val, '\0', vl) != NULL || n >= OPM_ARGV_MAX) {
			free(val);
			snprintf(cause, clen, "line %zu: bad value", lineno);
			goto fail;
		}
		v = xreallocarray(v, n + 2, sizeof *v);
		xasprintf(&v[n], "%.*s=%s", (int)klen, k, val);
		v[++n] = NULL;
		free(val);
		p = eol + 1;
	}
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	*out = v;
	return (0);
fail:
	if (v != NULL)
		v[n] = NULL;
	xfreev(v);
	return (-1);
}

/*
 * The daemon reads env files on its loop, so only regular files: opening a
 * FIFO would wait for a writer and reading a device might never end.
 * O_NONBLOCK makes the open itself return at once whatever the path names
 * (it means nothing for a regular file's reads). A regular file is still
 * read on the loop, at most 1 MiB (refused by its size before any read):
 * a slow file system costs that read, never an endless wait. Symbolic
 * links are followed: a .env linked to .env.production is common, and
 * what counts is the file it names.
 */
int
dotenv_read(const char *path, char ***out, char *cause, size_t clen)
{
	struct stat	 st;
	const char	*why;
	char		*buf, sub[200];
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY)) == -1) {
		snprintf(cause, clen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	why = NULL;
	if (fstat(fd, &st) == -1)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_size > DOTENV_MAX)
		why = "larger than 1 MiB";
	if (why != NULL) {
		snprintf(cause, clen, "%s: %s", path, why);
		close(fd);
		return (-1);
	}
	buf = xmalloc(DOTENV_MAX + 1);
	while (len <= DOTENV_MAX &&
	    (r = read(fd, buf + len, DOTENV_MAX + 1 - len)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(cause, clen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		len += r;
	}
	if (len > DOTENV_MAX) {
		snprintf(cause, clen, "%s: larger than 1 MiB", path);
		goto fail;
	}
	if (dotenv_parse(buf, len, out, sub, sizeof sub) == -1) {
		snprintf(cause, clen, "%s: %s", path, sub);
		goto fail;
	}
	free(buf);
	close(fd);
	return (0);
fail:
	free(buf);
	close(fd);
	return (-1);
}
