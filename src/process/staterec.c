/*
 * Runtime state records read back; see staterec.h.
 */
#include <stdio.h>
#include <string.h>


#include "json.h"
#include "staterec.h"

/* Largest integer a double holds exactly: counters and times stay below. */
#define STATE_NUM_MAX	(1LL << 53)

static int
rec_int(const cJSON *o, const char *k, long long min, long long max,
    long long *v, char *cause, size_t clen)
{
	const cJSON	*n = cJSON_GetObjectItemCaseSensitive(o, k);

	if (n == NULL) {
		*v = 0;
		return (0);
	}
	if (!json_is_int(n, min, max)) {
		snprintf(cause, clen, "%s: not an integer in [%lld, %lld]", k,
		    min, max);
		return (-1);
	}
	*v = (long long)n->valuedouble;
	return (0);
}

static int
rec_bool(const cJSON *o, const char *k, bool *v, char *cause, size_t clen)
{
	const cJSON	*b = cJSON_GetObjectItemCaseSensitive(o, k);

	*v = false;
	if (b == NULL)
		return (0);
	if (!cJSON_IsBool(b)) {
		snprintf(cause, clen, "%s: not a boolean", k);
		return (-1);
	}
	*v = cJSON_IsTrue(b);
	return (0);
}

static int
rec_state(const cJSON *o, enum app_state *st, char *cause, size_t clen)
{
	const cJSON	*s = cJSON_GetObjectItemCaseSensitive(o, "state");
	enum app_state	 i;

	*st = APP_STOPPED;
	if (s == NULL)
		return (0);
	for (i = APP_LAUNCHING; cJSON_IsString(s) && i <= APP_ERRORED; i++) {
		if (strcmp(sup_state_name(i), s->valuestring) == 0) {
			*st = i;
			return (0);
		}
	}
	snprintf(cause, clen, "state: not a state name");
	return (-1);
}

static int
rec_conf(const cJSON *st, struct state_rec *r, char *cause, size_t clen)
{
	cJSON	*root, *arr;
	char	*text;
	int	 rc;

	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(st, "conf"))) {
		snprintf(cause, clen, "conf: missing or not an object");
		return (-1);
	}
	root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "version", DUMP_VERSION);
	arr = cJSON_AddArrayToObject(root, "apps");
	cJSON_AddItemToArray(arr, cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(st, "conf"), 1));
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (text == NULL) {
		snprintf(cause, clen, "conf: out of memory");
		return (-1);
	}
	rc = dump_parse(text, strlen(text), &r->entry, &r->nentry, cause,
	    clen);
	cJSON_free(text);
	if (rc == -1)
		return (-1);
	if (r->nentry != 1 || r->entry[0].error[0] != '\0') {
		snprintf(cause, clen, "conf: %s", r->nentry == 1 ?
		    r->entry[0].error : "not one app");
		return (-1);
	}
	return (0);
}

int
state_rec_decode(const cJSON *st, struct state_rec *r, char *cause,
    size_t clen)
{
	long long	 v[10];
	const cJSON	*reason;

	memset(r, 0, sizeof *r);
	if (!cJSON_IsObject(st)) {
		snprintf(cause, clen, "not a JSON object");
		return (-1);
	}
	if (rec_int(st, "id", 0, 0x7fffffff, &v[0], cause, clen) == -1 ||
	    rec_int(st, "pid", 0, STATE_PID_MAX, &v[1], cause, clen) == -1 ||
	    rec_int(st, "pgid", 0, STATE_PID_MAX, &v[2], cause, clen) == -1 ||
	    rec_int(st, "starttime", 0, STATE_NUM_MAX, &v[3], cause,
	    clen) == -1 ||
	    rec_int(st, "started", 0, STATE_NUM_MAX, &v[4], cause,
	    clen) == -1 ||
	    rec_int(st, "timer_due", 0, STATE_NUM_MAX, &v[5], cause,
	    clen) == -1 ||
	    rec_int(st, "restarts", 0, 0xffffffffLL, &v[6], cause,
	    clen) == -1 ||
	    rec_int(st, "fails", 0, 0xffffffffLL, &v[7], cause, clen) == -1 ||
	    rec_int(st, "exit_code", -1, 255, &v[8], cause, clen) == -1 ||
	    rec_int(st, "exit_signal", 0, 64, &v[9], cause, clen) == -1 ||
	    rec_bool(st, "start_after", &r->start_after, cause, clen) == -1 ||
	    rec_bool(st, "count_after", &r->count_after, cause, clen) == -1 ||
	    rec_bool(st, "killed", &r->killed, cause, clen) == -1 ||
	    rec_bool(st, "adopted", &r->adopted, cause, clen) == -1 ||
	    rec_bool(st, "leader_gone", &r->leader_gone, cause, clen) == -1 ||
	    rec_bool(st, "has_exit", &r->has_exit, cause, clen) == -1 ||
	    rec_bool(st, "exit_unknown", &r->exit_unknown, cause,
	    clen) == -1 ||
	    rec_state(st, &r->state, cause, clen) == -1)
		return (-1);
	/* Pid 1 is never an app of ours: init is no one's to adopt. */
	if (v[1] == 1 || v[2] == 1) {
		snprintf(cause, clen, "pid: 1 is init");
		return (-1);
	}
	reason = cJSON_GetObjectItemCaseSensitive(st, "reason");
	if (reason != NULL && !cJSON_IsString(reason)) {
		snprintf(cause, clen, "reason: not a string");
		return (-1);
	}
	if (reason != NULL)
		strlcpy(r->reason, reason->valuestring, sizeof r->reason);
	if (rec_conf(st, r, cause, clen) == -1) {
		state_rec_free(r);
		return (-1);
	}
	r->id = (int)v[0];
	r->pid = (pid_t)v[1];
	r->pgid = (pid_t)v[2];
	r->starttime = (uint64_t)v[3];
	r->started = (uint64_t)v[4];
	r->timer_due = (uint64_t)v[5];
	r->restarts = (unsigned)v[6];
	r->fails = (unsigned)v[7];
	r->exit_code = (int)v[8];
	r->exit_signal = (int)v[9];
	return (0);
}

void
state_rec_free(struct state_rec *r)
{
	if (r->entry != NULL)
		dump_free(r->entry, r->nentry);
	r->entry = NULL;
	r->nentry = 0;
}
