/*
 * The runtime state record, written and read through one table of its
 * fields (rec_fields): a field added to struct app_run and to the table is
 * saved, handed over on reload and adopted, with no other place to edit.
 * See staterec.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "staterec.h"

/* Largest integer a double holds exactly: counters and times stay below. */
#define STATE_NUM_MAX	(1LL << 53)

enum rec_type { REC_PID, REC_INT, REC_UINT, REC_U64, REC_BOOL };

static const struct rec_field {
	const char	*key;
	enum rec_type	 type;
	long long	 min, max;
	size_t		 off;
} rec_fields[] = {
#define F(k, t, lo, hi)	{ #k, t, lo, hi, offsetof(struct app_run, k) }
	F(pid, REC_PID, 0, STATE_PID_MAX),
	F(pgid, REC_PID, 0, STATE_PID_MAX),
	F(starttime, REC_U64, 0, STATE_NUM_MAX),
	F(started, REC_U64, 0, STATE_NUM_MAX),
	F(timer_due, REC_U64, 0, STATE_NUM_MAX),
	F(restarts, REC_UINT, 0, 0xffffffffLL),
	F(fails, REC_UINT, 0, 0xffffffffLL),
	F(start_after, REC_BOOL, 0, 1),
	F(count_after, REC_BOOL, 0, 1),
	F(killed, REC_BOOL, 0, 1),
	F(adopted, REC_BOOL, 0, 1),
	F(leader_gone, REC_BOOL, 0, 1),
	F(has_exit, REC_BOOL, 0, 1),
	F(exit_unknown, REC_BOOL, 0, 1),
	F(exit_code, REC_INT, -1, 255),
	F(exit_signal, REC_INT, 0, 64),
	F(dep_wait, REC_BOOL, 0, 1),
	F(watch_wait, REC_BOOL, 0, 1),
	F(fail_after, REC_BOOL, 0, 1),
	F(peer_pid, REC_PID, 0, STATE_PID_MAX),
	F(peer_pgid, REC_PID, 0, STATE_PID_MAX),
	F(peer_start, REC_U64, 0, STATE_NUM_MAX),
	F(cause, REC_INT, 0, SUP_NCAUSES - 1),
#define B(k, i)	{ "restarts_" k, REC_UINT, 0, 0xffffffffLL, \
	offsetof(struct app_run, restarts_by) + (i) * sizeof(unsigned) }
	B("user", CAUSE_USER),
	B("crash", CAUSE_CRASH),
	B("watchdog", CAUSE_WATCHDOG),
	B("watch", CAUSE_WATCH),
	B("memory", CAUSE_MEMORY),
	B("cron", CAUSE_CRON),
	B("health", CAUSE_HEALTH),
#undef B
#undef F
};
#define REC_NFIELDS	(sizeof rec_fields / sizeof rec_fields[0])

static void
rec_put(cJSON *o, const struct rec_field *f, const struct app_run *r)
{
	const char	*p = (const char *)r + f->off;
	double		 d;

	switch (f->type) {
	case REC_BOOL:
		cJSON_AddBoolToObject(o, f->key, *(const bool *)p);
		return;
	case REC_PID:
		d = *(const pid_t *)p;
		break;
	case REC_INT:
		d = *(const int *)p;
		break;
	case REC_UINT:
		d = *(const unsigned *)p;
		break;
	default:
		d = (double)*(const uint64_t *)p;
		break;
	}
	cJSON_AddNumberToObject(o, f->key, d);
}

/* A missing field is 0 or false: records of older daemons lack some. */
static int
rec_get(const cJSON *o, const struct rec_field *f, struct app_run *r,
    char *cause, size_t clen)
{
	const cJSON	*n = cJSON_GetObjectItemCaseSensitive(o, f->key);
	char		*p = (char *)r + f->off;
	long long	 v;

	if (n == NULL)
		return (0);
	if (f->type == REC_BOOL) {
		if (!cJSON_IsBool(n)) {
			snprintf(cause, clen, "%s: not a boolean", f->key);
			return (-1);
		}
		*(bool *)p = cJSON_IsTrue(n);
		return (0);
	}
	if (!json_is_int(n, f->min, f->max)) {
		snprintf(cause, clen, "%s: not an integer in [%lld, %lld]",
		    f->key, f->min, f->max);
		return (-1);
	}
	v = (long long)n->valuedouble;
	switch (f->type) {
	case REC_PID:
		*(pid_t *)p = (pid_t)v;
		break;
	case REC_INT:
		*(int *)p = (int)v;
		break;
	case REC_UINT:
		*(unsigned *)p = (unsigned)v;
		break;
	default:
		*(uint64_t *)p = (uint64_t)v;
		break;
	}
	return (0);
}

cJSON *
state_rec_encode(int id, int instance, const struct app_conf *c,
    const struct app_run *r)
{
	cJSON	*o = cJSON_CreateObject();
	size_t	 i;

	cJSON_AddNumberToObject(o, "id", id);
	if (instance >= 0)
		cJSON_AddNumberToObject(o, "instance", instance);
	cJSON_AddItemToObject(o, "conf", dump_entry_json(id, true, c));
	cJSON_AddStringToObject(o, "state", sup_state_name(r->state));
	for (i = 0; i < REC_NFIELDS; i++)
		rec_put(o, &rec_fields[i], r);
	cJSON_AddStringToObject(o, "reason", r->reason);
	return (o);
}

static int
rec_state(const cJSON *o, enum app_state *st, char *cause, size_t clen)
{
	const cJSON	*s = cJSON_GetObjectItemCaseSensitive(o, "state");
	int		 i;

	if (s == NULL)
		return (0);
	if (!cJSON_IsString(s) ||
	    (i = sup_state_from_name(s->valuestring)) == -1) {
		snprintf(cause, clen, "state: not a state name");
		return (-1);
	}
	*st = (enum app_state)i;
	return (0);
}

static int
rec_conf(const cJSON *st, struct state_rec *r, char *cause, size_t clen)
{
	const cJSON	*conf = cJSON_GetObjectItemCaseSensitive(st, "conf");

	if (!cJSON_IsObject(conf)) {
		snprintf(cause, clen, "conf: missing or not an object");
		return (-1);
	}
	dump_entry_parse(&r->entry, conf);
	if (r->entry.error[0] != '\0') {
		snprintf(cause, clen, "conf: %s", r->entry.error);
		conf_free(&r->entry.conf);
		free(r->entry.ids);
		r->entry.ids = NULL;
		return (-1);
	}
	return (0);
}

int
state_rec_decode(const cJSON *st, struct state_rec *r, char *cause,
    size_t clen)
{
	const cJSON	*reason, *n;
	size_t		 i;

	memset(r, 0, sizeof *r);
	sup_init(&r->run);
	if (!cJSON_IsObject(st)) {
		snprintf(cause, clen, "not a JSON object");
		return (-1);
	}
	if ((n = cJSON_GetObjectItemCaseSensitive(st, "id")) != NULL) {
		if (!json_is_int(n, 0, INT32_MAX)) {
			snprintf(cause, clen, "id: not an integer in [0, %d]",
			    INT32_MAX);
			return (-1);
		}
		r->id = (int)n->valuedouble;
	}
	r->instance = -1;
	if ((n = cJSON_GetObjectItemCaseSensitive(st, "instance")) != NULL) {
		if (!json_is_int(n, 0, OPM_INSTANCES_MAX - 1)) {
			snprintf(cause, clen, "instance: not an integer in "
			    "[0, %d]", OPM_INSTANCES_MAX - 1);
			return (-1);
		}
		r->instance = (int)n->valuedouble;
	}
	for (i = 0; i < REC_NFIELDS; i++) {
		if (rec_get(st, &rec_fields[i], &r->run, cause, clen) == -1)
			return (-1);
	}
	if (rec_state(st, &r->run.state, cause, clen) == -1)
		return (-1);
	/* Pid 1 is never an app of ours: init is no one's to adopt. */
	if (r->run.pid == 1 || r->run.pgid == 1) {
		snprintf(cause, clen, "pid: 1 is init");
		return (-1);
	}
	reason = cJSON_GetObjectItemCaseSensitive(st, "reason");
	if (reason != NULL && !cJSON_IsString(reason)) {
		snprintf(cause, clen, "reason: not a string");
		return (-1);
	}
	if (reason != NULL)
		strlcpy(r->run.reason, reason->valuestring,
		    sizeof r->run.reason);
	return (rec_conf(st, r, cause, clen));
}

void
state_rec_free(struct state_rec *r)
{
	conf_free(&r->entry.conf);
	free(r->entry.ids);
	memset(&r->entry, 0, sizeof r->entry);
}
