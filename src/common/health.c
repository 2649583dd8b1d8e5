/*
 * The `health` key (include/health.h): one object, exactly one probe key,
 * every other key optional with docker's meaning and opm's defaults
 * (interval 10s, timeout 5s, retries 3, start_period 0). No I/O here: the
 * unit tests (tests/unit/test_health.c) drive it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "json.h"
#include "xmem.h"

#define HEALTH_INTERVAL		10000
#define HEALTH_TIMEOUT		5000
#define HEALTH_RETRIES		3
#define HEALTH_MIN_MS		100

static const char *const health_kinds[] = { "http", "tcp", "exec" };

const char *
health_kind_name(enum health_kind k)
{
	return (health_kinds[k]);
}

void
health_free(struct health_spec *h)
{
	if (h == NULL)
		return;
	free(h->target);
	xfreev(h->argv);
	free(h);
}

/* tcp: PORT (a number or its digits) or HOST:PORT, as ready reads it. */
static int
health_tcp(struct health_spec *h, const cJSON *v, const char **cause)
{
	char		 buf[READY_HOST_MAX + 16];
	const char	*why;

	if (json_is_int(v, 1, 65535))
		snprintf(buf, sizeof buf, "%d", (int)v->valuedouble);
	else if (cJSON_IsString(v) && strlen(v->valuestring) < sizeof buf - 8)
		strlcpy(buf, v->valuestring, sizeof buf);
	else {
		*cause = "tcp: must be a port or \"HOST:PORT\"";
		return (-1);
	}
	h->target = xstrdup(buf);
	snprintf(buf, sizeof buf, "tcp:%s", h->target);
	if (ready_parse(buf, &h->net, &why) == -1) {
		*cause = "tcp: must be a port or \"HOST:PORT\" (a numeric "
		    "address or localhost)";
		return (-1);
	}
	return (0);
}

static int
health_probe(struct health_spec *h, const char *key, const cJSON *v,
    const char **cause)
{
	const char	*why;

	if (strcmp(key, "tcp") == 0) {
		h->kind = HEALTH_TCP;
		return (health_tcp(h, v, cause));
	}
	if (strcmp(key, "http") == 0) {
		h->kind = HEALTH_HTTP;
		if (!cJSON_IsString(v) || strncmp(v->valuestring, "http://",
		    7) != 0 || ready_parse(v->valuestring, &h->net,
		    &why) == -1) {
			*cause = "http: must be \"http://HOST[:PORT][/PATH]\" "
			    "(a numeric address or localhost)";
			return (-1);
		}
		h->target = xstrdup(v->valuestring);
		return (0);
	}
	h->kind = HEALTH_EXEC;
	if (cJSON_IsString(v) && *v->valuestring != '\0') {
		h->target = xstrdup(v->valuestring);
		return (0);
	}
	if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0 &&
	    (h->argv = json_strv(v, 4096, &why)) != NULL)
		return (0);
	*cause = "exec: must be a shell command or an array of words, the "
	    "program first";
	return (-1);
}

/* A duration key, at least HEALTH_MIN_MS (start_period: any). */
static int
health_ms(const char *key, const cJSON *v, uint64_t *out, const char **cause)
{
	static char	buf[128];
	const char	*why;

	if (json_duration(v, out, &why) == -1 ||
	    (*out < HEALTH_MIN_MS && strcmp(key, "start_period") != 0)) {
		snprintf(buf, sizeof buf, "%s: must be a duration of at least "
		    "100ms (\"10s\", or milliseconds)", key);
		*cause = buf;
		return (-1);
	}
	return (0);
}

int
health_from_json(const cJSON *obj, struct health_spec **out,
    const char **cause)
{
	static char		 buf[128];
	struct health_spec	*h;
	const cJSON		*v;
	const char		*why;
	int			 nprobe = 0;

	*out = NULL;
	if (cJSON_IsNull(obj))
		return (0);
	if (!cJSON_IsObject(obj)) {
		*cause = "must be an object: {\"http\" | \"tcp\" | \"exec\": "
		    "..., \"interval\", \"timeout\", \"retries\", "
		    "\"start_period\"}";
		return (-1);
	}
	h = xcalloc(1, sizeof *h);
	h->interval = HEALTH_INTERVAL;
	h->timeout = HEALTH_TIMEOUT;
	h->retries = HEALTH_RETRIES;
	cJSON_ArrayForEach(v, obj) {
		if (strcmp(v->string, "http") == 0 ||
		    strcmp(v->string, "tcp") == 0 ||
		    strcmp(v->string, "exec") == 0) {
			if (nprobe++ > 0) {
				*cause = "give one of http, tcp and exec";
				goto fail;
			}
			if (health_probe(h, v->string, v, cause) == -1)
				goto fail;
		} else if (strcmp(v->string, "interval") == 0) {
			if (health_ms(v->string, v, &h->interval, cause) == -1)
				goto fail;
		} else if (strcmp(v->string, "timeout") == 0) {
			if (health_ms(v->string, v, &h->timeout, cause) == -1)
				goto fail;
		} else if (strcmp(v->string, "start_period") == 0) {
			if (health_ms(v->string, v, &h->start_period,
			    cause) == -1)
				goto fail;
		} else if (strcmp(v->string, "retries") == 0) {
			if (json_uint(v, 1, HEALTH_RETRIES_MAX, &h->retries,
			    &why) == -1) {
				*cause = "retries: must be a whole number from "
				    "1 to 100";
				goto fail;
			}
		} else {
			snprintf(buf, sizeof buf, "%.40s: unknown key (http, "
			    "tcp, exec, interval, timeout, retries, "
			    "start_period)", v->string);
			*cause = buf;
			goto fail;
		}
	}
	if (nprobe == 0) {
		*cause = "needs one of http, tcp and exec";
		goto fail;
	}
	*out = h;
	return (0);
fail:
	health_free(h);
	return (-1);
}

cJSON *
health_to_json(const struct health_spec *h)
{
	cJSON	*o = cJSON_CreateObject();

	if (h->argv != NULL)
		cJSON_AddItemToObject(o, "exec", json_from_strv(h->argv));
	else
		cJSON_AddStringToObject(o, health_kind_name(h->kind),
		    h->target);
	cJSON_AddNumberToObject(o, "interval", (double)h->interval);
	cJSON_AddNumberToObject(o, "timeout", (double)h->timeout);
	cJSON_AddNumberToObject(o, "retries", h->retries);
	cJSON_AddNumberToObject(o, "start_period", (double)h->start_period);
	return (o);
}
