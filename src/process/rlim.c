/*
 * The limits key and the cgroup keys (include/rlim.h): values read as PM2
 * users write sizes and as ulimit(1) writes "unlimited", written back in a
 * form read the same way.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "rlim.h"

static const struct {
	const char	*name;
	int		 resource;
	bool		 bytes;		/* a size: "64M" */
} rlim_table[RLIM_NKEYS] = {
	{ "nofile", RLIMIT_NOFILE, false },
	{ "nproc", RLIMIT_NPROC, false },
	{ "core", RLIMIT_CORE, true },
	{ "memlock", RLIMIT_MEMLOCK, true },
	{ "stack", RLIMIT_STACK, true },
	{ "cpu", RLIMIT_CPU, false },	/* seconds */
};

const char *
rlim_name(enum rlim_key k)
{
	return (rlim_table[k].name);
}

int
rlim_resource(enum rlim_key k)
{
	return (rlim_table[k].resource);
}

bool
rlim_any(const struct rlim_val *v)
{
	int	k;

	for (k = 0; k < RLIM_NKEYS; k++) {
		if (v[k].set)
			return (true);
	}
	return (false);
}

/* One side of a value: a number, a size, or unlimited. */
static int
rlim_word(enum rlim_key k, const char *s, size_t n, uint64_t *out)
{
	char		 buf[64];
	long long	 ll;
	const char	*why;

	if (n == 0 || n >= sizeof buf)
		return (-1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (strcmp(buf, "infinity") == 0 || strcmp(buf, "unlimited") == 0) {
		*out = RLIM_UNLIMITED;
		return (0);
	}
	if (rlim_table[k].bytes)
		return (parse_size(buf, out, &why));
	if (parse_int(buf, 0, INT64_MAX, &ll, &why) == -1)
		return (-1);
	*out = (uint64_t)ll;
	return (0);
}

/* One value of the limits object. */
static int
rlim_value(enum rlim_key k, const cJSON *v, struct rlim_val *out)
{
	const char	*s, *colon;

	if (json_is_int(v, 0, INT64_MAX)) {
		out->soft = out->hard = (uint64_t)v->valuedouble;
		out->set = true;
		return (0);
	}
	if (!cJSON_IsString(v))
		return (-1);
	s = v->valuestring;
	if ((colon = strchr(s, ':')) == NULL) {
		if (rlim_word(k, s, strlen(s), &out->soft) == -1)
			return (-1);
		out->hard = out->soft;
	} else if (rlim_word(k, s, colon - s, &out->soft) == -1 ||
	    rlim_word(k, colon + 1, strlen(colon + 1), &out->hard) == -1)
		return (-1);
	if (out->soft > out->hard)
		return (-2);
	out->set = true;
	return (0);
}

int
rlim_from_json(const cJSON *obj, struct rlim_val *out, const char **cause)
{
	static char	 buf[256];
	const cJSON	*e;
	int		 k, r;

	memset(out, 0, RLIM_NKEYS * sizeof *out);
	if (!cJSON_IsObject(obj)) {
		*cause = "must be an object of nofile, nproc, core, memlock, "
		    "stack, cpu";
		return (-1);
	}
	cJSON_ArrayForEach(e, obj) {
		for (k = 0; k < RLIM_NKEYS; k++) {
			if (strcmp(e->string, rlim_table[k].name) == 0)
				break;
		}
		if (k == RLIM_NKEYS) {
			snprintf(buf, sizeof buf, "%.64s: unknown limit (nofile, "
			    "nproc, core, memlock, stack, cpu)", e->string);
			*cause = buf;
			return (-1);
		}
		if (out[k].set) {
			snprintf(buf, sizeof buf, "%s: given twice",
			    rlim_table[k].name);
			*cause = buf;
			return (-1);
		}
		if ((r = rlim_value(k, e, &out[k])) == 0)
			continue;
		snprintf(buf, sizeof buf, "%s: %s", rlim_table[k].name,
		    r == -2 ? "the soft limit is above the hard one" :
		    rlim_table[k].bytes ? "must be a size (\"64M\"), "
		    "\"unlimited\", or \"SOFT:HARD\" of those" :
		    "must be a number, \"unlimited\", or \"SOFT:HARD\" of "
		    "those");
		*cause = buf;
		return (-1);
	}
	return (0);
}

static void
rlim_fmt(uint64_t v, char *buf, size_t len)
{
	if (v == RLIM_UNLIMITED)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

cJSON *
rlim_to_json(const struct rlim_val *v)
{
	cJSON	*o = cJSON_CreateObject();
	char	 s[32], h[32], both[72];
	int	 k;

	for (k = 0; k < RLIM_NKEYS; k++) {
		if (!v[k].set)
			continue;
		rlim_fmt(v[k].soft, s, sizeof s);
		rlim_fmt(v[k].hard, h, sizeof h);
		if (v[k].soft == v[k].hard && v[k].soft < (1ULL << 53))
			cJSON_AddNumberToObject(o, rlim_table[k].name,
			    (double)v[k].soft);
		else if (v[k].soft == v[k].hard)
			cJSON_AddStringToObject(o, rlim_table[k].name, s);
		else {
			snprintf(both, sizeof both, "%s:%s", s, h);
			cJSON_AddStringToObject(o, rlim_table[k].name, both);
		}
	}
	return (o);
}

static const char *const rlim_cg_keys[] = {
	"cpu_max", "memory_max", "pids_max", NULL
};

int
rlim_cg_key(const char *key)
{
	int	i;

	for (i = 0; rlim_cg_keys[i] != NULL; i++) {
		if (strcmp(key, rlim_cg_keys[i]) == 0)
			return (i);
	}
	return (-1);
}

int
rlim_cg_from_json(enum rlim_cg k, const cJSON *v, uint64_t *out,
    const char **cause)
{
	const char	*s = cJSON_IsString(v) ? v->valuestring : NULL, *why;
	char		 buf[32];
	long long	 ll;
	size_t		 n;

	if (s != NULL && strcmp(s, "max") == 0) {
		*out = 0;
		return (0);
	}
	switch (k) {
	case RLIM_CG_CPU:
		*cause = "must be a percentage of one CPU, \"50%\" or "
		    "\"200%\" (1%-100000%), or \"max\"";
		if (json_is_int(v, 1, 100000)) {
			*out = (uint64_t)v->valuedouble;
			return (0);
		}
		if (s == NULL || (n = strlen(s)) < 2 || n >= sizeof buf ||
		    s[n - 1] != '%')
			return (-1);
		memcpy(buf, s, n - 1);
		buf[n - 1] = '\0';
		if (parse_int(buf, 1, 100000, &ll, &why) == -1)
			return (-1);
		*out = (uint64_t)ll;
		return (0);
	case RLIM_CG_MEMORY:
		*cause = "must be a size of at least 1M (\"512M\"), or \"max\"";
		if (s != NULL) {
			if (parse_size(s, out, &why) == -1)
				return (-1);
		} else if (json_is_int(v, 0, INT64_MAX))
			*out = (uint64_t)v->valuedouble;
		else
			return (-1);
		return (*out < 1024 * 1024 ? -1 : 0);
	case RLIM_CG_PIDS:
		*cause = "must be a number of processes (1-4194304), or \"max\"";
		if (s != NULL) {
			if (parse_int(s, 1, 4194304, &ll, &why) == -1)
				return (-1);
			*out = (uint64_t)ll;
			return (0);
		}
		if (!json_is_int(v, 1, 4194304))
			return (-1);
		*out = (uint64_t)v->valuedouble;
		return (0);
	}
	return (-1);
}

cJSON *
rlim_cg_to_json(enum rlim_cg k, uint64_t v)
{
	char	buf[32];

	if (k == RLIM_CG_CPU) {
		snprintf(buf, sizeof buf, "%llu%%", (unsigned long long)v);
		return (cJSON_CreateString(buf));
	}
	return (cJSON_CreateNumber((double)v));
}

const char *
rlim_cg_file(enum rlim_cg k)
{
	static const char *const files[] = { "cpu.max", "memory.max",
	    "pids.max" };

	return (files[k]);
}

void
rlim_cg_value(enum rlim_cg k, uint64_t v, char *buf, size_t len)
{
	if (v == 0)
		snprintf(buf, len, k == RLIM_CG_CPU ? "max 100000" : "max");
	else if (k == RLIM_CG_CPU)
		/* A period of 100 ms, the kernel's default. */
		snprintf(buf, len, "%llu 100000",
		    (unsigned long long)v * 1000);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}
