/*
 * Health checks, the pure part: the `health` key of an app object, read
 * and written back. The model is docker's HEALTHCHECK and compose's
 * healthcheck (interval, timeout, retries, start_period); the probe is one
 * of http (GET, 2xx or 3xx is healthy), tcp (a connect) and exec (a
 * command, exit 0 is healthy). The daemon's side is src/daemon/app-health.c.
 */
#ifndef OPM_HEALTH_H
#define OPM_HEALTH_H

#include <stdint.h>

#include <cJSON.h>

#include "ready.h"

enum health_kind { HEALTH_HTTP, HEALTH_TCP, HEALTH_EXEC };

#define HEALTH_RETRIES_MAX	100

struct health_spec {
	enum health_kind  kind;
	/*
	 * As written: http's URL, tcp's "PORT" or "HOST:PORT", exec's shell
	 * command (NULL when exec is an array: argv).
	 */
	char		 *target;
	char		**argv;		/* exec as an array, run directly */
	struct ready_spec net;		/* http and tcp: where to connect */
	uint64_t	  interval;	/* ms, between the end of a check
					   and the next */
	uint64_t	  timeout;	/* ms, of one check */
	uint64_t	  start_period;	/* ms after online: the first check
					   (0: one interval) */
	unsigned	  retries;	/* failures in a row: restart */
};

/*
 * Reads a health object into a new spec (*out; NULL for JSON null). -1
 * and a one-line cause naming the key at fault.
 */
int	 health_from_json(const cJSON *, struct health_spec **out,
	    const char **cause);
/* The object health_from_json reads back, defaults written out. */
cJSON	*health_to_json(const struct health_spec *);
void	 health_free(struct health_spec *);
const char *health_kind_name(enum health_kind);

#endif
