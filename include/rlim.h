/*
 * Resource limits of an app (issue 16 item 2): the limits key, applied with
 * setrlimit(2) in the child, and the cgroup v2 keys cpu_max, memory_max and
 * pids_max (cgroup.c writes them). Pure: parsing and writing back only.
 */
#ifndef OPM_RLIM_H
#define OPM_RLIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

/* The keys of limits, in this order (rlim_names). */
enum rlim_key {
	RLIM_NOFILE, RLIM_NPROC, RLIM_CORE, RLIM_MEMLOCK, RLIM_STACK,
	RLIM_CPU, RLIM_NKEYS
};

#define RLIM_UNLIMITED	UINT64_MAX

/* One limit of the limits key; soft <= hard. */
struct rlim_val {
	bool		set;
	uint64_t	soft;
	uint64_t	hard;
};

/* The key's name ("nofile"), and its RLIMIT_ resource. */
const char *rlim_name(enum rlim_key);
int	 rlim_resource(enum rlim_key);
/*
 * The limits object: each value a number, a size where the limit is in
 * bytes (core, memlock, stack: "64M"), "infinity" or "unlimited", or
 * "SOFT:HARD" of those; one value sets both. -1 with a cause naming the
 * key ("limits.nofile: ..."; static, copied before the next call).
 */
int	 rlim_from_json(const cJSON *, struct rlim_val *out,
	    const char **cause);
/* The object conf_to_json writes, read back by rlim_from_json. */
cJSON	*rlim_to_json(const struct rlim_val *);
/* Any limit set. */
bool	 rlim_any(const struct rlim_val *);

/* The cgroup keys; 0 in the conf is "not set". */
enum rlim_cg { RLIM_CG_CPU, RLIM_CG_MEMORY, RLIM_CG_PIDS };
/* Which one a key is; -1 for another key. */
int	 rlim_cg_key(const char *key);
/*
 * cpu_max: percent of one CPU, "50%" or 50 (1-100000); memory_max: a size
 * (at least 1M); pids_max: a number (1-4194304); "max" for each: not set.
 */
int	 rlim_cg_from_json(enum rlim_cg, const cJSON *, uint64_t *out,
	    const char **cause);
cJSON	*rlim_cg_to_json(enum rlim_cg, uint64_t);
/* What cgroup v2 file and value it is: "cpu.max" "50000 100000". */
const char *rlim_cg_file(enum rlim_cg);
void	 rlim_cg_value(enum rlim_cg, uint64_t, char *buf, size_t len);

#endif
