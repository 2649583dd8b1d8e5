/*
 * YAML app files (PM2's process.yml) as the JSON value an app file holds,
 * read with libyaml. Linked by the CLI and the unit tests, not the daemon.
 */
#ifndef OPM_YAMLJSON_H
#define OPM_YAMLJSON_H

#include <stddef.h>

#include <cJSON.h>

/* Most nodes one document may expand to, aliases counted as copies. */
#define YAMLJSON_NODES_MAX	(1024 * 1024)

/*
 * Parses the one YAML document in buf[0..len) into a new cJSON value.
 * Plain scalars resolve as YAML 1.2's core schema does (PM2's js-yaml):
 * null, ~ and empty are null, true/false booleans, integers and decimals
 * numbers; quoted scalars and !!str stay strings. Anchors, aliases and
 * merge keys (<<) are expanded. NULL on error with a message in cause[]
 * and, when the error has a place, its 1-based *line and *col (else 0).
 */
cJSON	*yamljson_parse(const char *buf, size_t len, size_t *line,
	    size_t *col, char *cause, size_t clen);

#endif
