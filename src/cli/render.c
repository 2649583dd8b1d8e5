/*
 * Output: the app table (fits 80 columns; color only on a tty and without
 * NO_COLOR), the info page, and JSON for scripts.
 */
#include <sys/uio.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "parse.h"
#include "protocol.h"

#define C_RESET	"\033[0m"

static const char *
render_color(const char *status)
{
	if (!cli_color_on())
		return ("");
	if (strcmp(status, "online") == 0)
		return ("\033[32m");
	if (strcmp(status, "errored") == 0)
		return ("\033[31m");
	if (strcmp(status, "stopped") == 0)
		return ("\033[2m");
	return ("\033[33m");
}

static long long
render_int(const cJSON *o, const char *key)
{
	const cJSON	*n = cJSON_GetObjectItemCaseSensitive(o, key);

	return (cJSON_IsNumber(n) ? (long long)n->valuedouble : -1);
}

const char *
render_label(const cJSON *a, char *buf, size_t len)
{
	const char	*name = json_str(a, "name");

	if (name == NULL || render_int(a, "instance") < 0)
		return (name);
	snprintf(buf, len, "%s:%lld", name, render_int(a, "instance"));
	return (buf);
}

void
render_json(const cJSON *j)
{
	char	*s = cJSON_Print(j);

	if (s != NULL) {
		printf("%s\n", s);
		cJSON_free(s);
	}
}

void
render_text(char *s)
{
	struct iovec	 iov[2];
	ssize_t		 n;
	size_t		 len = strlen(s);

	/*
	 * One writev, not stdio: its buffer is one more page to fault in,
	 * and it asks fstat and a tty ioctl of stdout first.
	 */
	fflush(stdout);
	iov[0].iov_base = s;
	iov[0].iov_len = len;
	iov[1].iov_base = (char *)"\n";
	iov[1].iov_len = 1;
	while (iov[1].iov_len > 0) {
		if ((n = writev(STDOUT_FILENO, iov, 2)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((size_t)n >= iov[0].iov_len) {
			iov[1].iov_len -= n - iov[0].iov_len;
			iov[0].iov_len = 0;
		} else {
			iov[0].iov_base = (char *)iov[0].iov_base + n;
			iov[0].iov_len -= n;
		}
	}
	free(s);
}

int
render_name_width(const cJSON *list)
{
	const cJSON	*a;
	const char	*name;
	char		 label[96];
	int		 w = 4, n;

	cJSON_ArrayForEach(a, list) {
		name = render_label(a, label, sizeof label);
		if (name != NULL && (n = (int)strlen(name)) > w)
			w = n;
	}
	return (w > 24 ? 24 : w);
}

void
render_header(int w, char *buf, size_t len)
{
	snprintf(buf, len, "%-4s %-*s %-9s %7s %6s %4s %6s %8s", "id", w,
	    "name", "status", "pid", "uptime", "↺", "cpu", "memory");
}

int
render_row(const cJSON *a, int w, bool color, char *buf, size_t len)
{
	const char	*name, *status;
	char		 up[32], mem[32], pid[16], cpu[16], label[96];

	name = render_label(a, label, sizeof label);
	status = json_str(a, "status");
	if (name == NULL || status == NULL)
		return (-1);
	if (render_int(a, "pid") > 0) {
		snprintf(pid, sizeof pid, "%lld", render_int(a, "pid"));
		parse_fmt_duration(render_int(a, "uptime_ms"), up, sizeof up);
		parse_fmt_size(render_int(a, "memory_bytes"), mem, sizeof mem);
		snprintf(cpu, sizeof cpu, "%.1f%%",
		    cJSON_GetObjectItem(a, "cpu_percent") ?
		    cJSON_GetObjectItem(a, "cpu_percent")->valuedouble : 0.0);
	} else {
		strlcpy(pid, "-", sizeof pid);
		strlcpy(up, "-", sizeof up);
		strlcpy(mem, "-", sizeof mem);
		strlcpy(cpu, "-", sizeof cpu);
	}
	snprintf(buf, len, "%-4lld %-*.*s %s%-9s%s %7s %6s %4lld %6s %8s",
	    render_int(a, "id"), w, w, name, color ? render_color(status) : "",
	    status, color && cli_color_on() ? C_RESET : "", pid, up,
	    render_int(a, "restarts"), cpu, mem);
	return (0);
}

void
render_list(const cJSON *list)
{
	const cJSON	*a;
	char		 line[512];
	int		 w;

	if (cJSON_GetArraySize(list) == 0) {
		printf("no apps; start one with: opm start CMD\n");
		return;
	}
	w = render_name_width(list);
	render_header(w, line, sizeof line);
	printf("%s\n", line);
	cJSON_ArrayForEach(a, list) {
		if (render_row(a, w, true, line, sizeof line) == 0)
			printf("%s\n", line);
	}
}

static void
render_kv(const char *k, const char *v)
{
	printf("%-16s %s\n", k, v);
}

static void
render_value(const char *k, const cJSON *v)
{
	char	 buf[64], *s;
	const cJSON *e;
	size_t	 n = 0;

	if (cJSON_IsString(v))
		render_kv(k, v->valuestring);
	else if (cJSON_IsNumber(v)) {
		if (v->valuedouble == (double)(long long)v->valuedouble)
			snprintf(buf, sizeof buf, "%lld",
			    (long long)v->valuedouble);
		else
			snprintf(buf, sizeof buf, "%g", v->valuedouble);
		render_kv(k, buf);
	} else if (cJSON_IsBool(v))
		render_kv(k, cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNull(v))
		render_kv(k, "-");
	else if (cJSON_IsObject(v) && cJSON_GetArraySize(v) > 0) {
		cJSON_ArrayForEach(e, v) {
			printf("%-16s %s=%s\n", n++ == 0 ? k : "", e->string,
			    cJSON_IsString(e) ? e->valuestring : "?");
		}
	} else if ((s = cJSON_PrintUnformatted(v)) != NULL) {
		render_kv(k, s);
		cJSON_free(s);
	}
}

/* The sockets of listen: the address bound (the real port) and its name. */
static void
render_listen(const cJSON *list)
{
	const cJSON	*e;
	const char	*bound, *name;
	char		 line[512];
	int		 n = 0;

	cJSON_ArrayForEach(e, list) {
		bound = json_str(e, "bound");
		name = json_str(e, "name");
		snprintf(line, sizeof line, "%s (%s)", bound != NULL ? bound :
		    "not bound", name != NULL ? name : "?");
		render_kv(n++ == 0 ? "listening" : "", line);
	}
}

/* The app's cgroup, or why there is none (issue 16 item 2). */
static void
render_cgroup(const cJSON *a)
{
	const char	*path = json_str(a, "cgroup");
	const char	*note = json_str(a, "cgroup_note");
	char		 line[640];

	if (path != NULL)
		render_kv("cgroup", path);
	else if (note != NULL) {
		snprintf(line, sizeof line, "not available: %s", note);
		render_kv("cgroup", line);
	} else if (cJSON_GetObjectItemCaseSensitive(a, "cgroup") != NULL)
		render_kv("cgroup", "-");
}

void
render_info(const cJSON *a)
{
	static const char *const top[] = { "id", "name", "instance",
	    "status", "reason", "note", "ready", "status_text", "pid",
	    "restarts", "failed_starts", "next_run", "exit_code",
	    "exit_signal", "argv", "cwd", "cpu_percent", "out_log", "err_log",
	    NULL };
	const cJSON	*conf, *e;
	char		 buf[64];
	size_t		 i;

	for (i = 0; top[i] != NULL; i++) {
		e = cJSON_GetObjectItemCaseSensitive(a, top[i]);
		/* A note, a status text, a next run, an instance only when
		 * there is one. */
		if ((strcmp(top[i], "note") == 0 ||
		    strcmp(top[i], "status_text") == 0 ||
		    strcmp(top[i], "next_run") == 0) && !cJSON_IsString(e))
			continue;
		if (strcmp(top[i], "instance") == 0 && !cJSON_IsNumber(e))
			continue;
		render_value(top[i], e);
	}
	parse_fmt_duration(render_int(a, "uptime_ms"), buf, sizeof buf);
	render_kv("uptime", render_int(a, "pid") > 0 ? buf : "-");
	parse_fmt_size(render_int(a, "memory_bytes"), buf, sizeof buf);
	render_kv("memory", buf);
	render_listen(cJSON_GetObjectItemCaseSensitive(a, "listen"));
	render_cgroup(a);
	e = cJSON_GetObjectItemCaseSensitive(a, "watch");
	if (cJSON_IsObject(e)) {
		snprintf(buf, sizeof buf, "%lld directories%s",
		    render_int(e, "directories"), cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(e, "pending")) ?
		    ", a change pending" : "");
		render_kv("watching", buf);
	}
	conf = cJSON_GetObjectItemCaseSensitive(a, "config");
	cJSON_ArrayForEach(e, conf) {
		if (strcmp(e->string, "name") == 0 ||
		    strcmp(e->string, "argv") == 0 ||
		    strcmp(e->string, "cwd") == 0)
			continue;
		if (cJSON_IsNumber(e) && (strcmp(e->string, "min_uptime") == 0 ||
		    strcmp(e->string, "restart_delay") == 0 ||
		    strcmp(e->string, "backoff_max") == 0 ||
		    strcmp(e->string, "kill_timeout") == 0 ||
		    strcmp(e->string, "listen_timeout") == 0 ||
		    strcmp(e->string, "watchdog_sec") == 0 ||
		    strcmp(e->string, "watch_delay") == 0)) {
			snprintf(buf, sizeof buf, "%.0fms", e->valuedouble);
			render_kv(e->string, buf);
			continue;
		}
		render_value(e->string, e);
	}
}

int
render_failures(const cJSON *list)
{
	const cJSON	*a;
	const char	*action, *status, *reason;
	char		 label[96];
	int		 n = 0;

	cJSON_ArrayForEach(a, list) {
		action = json_str(a, PROTO_ACTION);
		status = json_str(a, "status");
		if ((action == NULL ||
		    strcmp(action, PROTO_ACTION_FAILED) != 0) &&
		    (status == NULL || strcmp(status, "errored") != 0))
			continue;
		reason = json_str(a, PROTO_REASON);
		fflush(stdout);
		/* reload: the new process failed, the old one serves. */
		if (json_str(a, PROTO_CAUSE) != NULL) {
			fprintf(stderr, "opm: %s: not reloaded: %s\n",
			    render_label(a, label, sizeof label),
			    json_str(a, PROTO_CAUSE));
			n++;
			continue;
		}
		fprintf(stderr, "opm: %s: cannot start: %s\n",
		    render_label(a, label, sizeof label), reason != NULL && *reason != '\0' ?
		    reason : "see opm info");
		n++;
	}
	return (n);
}

void
render_apps_brief(const cJSON *list, const char *verb)
{
	const cJSON	*a;
	const char	*action, *status, *reason;
	char		 label[96];

	cJSON_ArrayForEach(a, list) {
		action = json_str(a, PROTO_ACTION);
		/* Held for depends_on: the reason says for what. */
		status = json_str(a, "status");
		reason = json_str(a, PROTO_REASON);
		if (status != NULL && strcmp(status, "waiting") == 0 &&
		    reason != NULL && strncmp(reason, "waiting for ", 12) == 0)
			status = reason;
		printf("%s: %s (id %lld, %s", render_label(a, label,
		    sizeof label), action ? action : verb, render_int(a, "id"),
		    status != NULL ? status : "?");
		if (render_int(a, "pid") > 0)
			printf(", pid %lld", render_int(a, "pid"));
		printf(")\n");
		/* Something to know, not a failure (a missing env set). */
		if (json_str(a, PROTO_NOTICE) != NULL) {
			fflush(stdout);
			fprintf(stderr, "opm: notice: %s\n",
			    json_str(a, PROTO_NOTICE));
		}
	}
}
