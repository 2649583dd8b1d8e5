/*
 * The hooks key of an app (issue 17 item 2): {EVENT: CMD}, read and
 * written here so that conf.c only routes to it. Pure: linked by the CLI,
 * the unit tests and the fuzzers as well as the daemon.
 */
#ifndef OPM_HOOKCONF_H
#define OPM_HOOKCONF_H

#include <cJSON.h>

/* Longest hook command, in bytes. */
#define HOOKCONF_CMD_MAX	4096

/* The events a hook may name, NULL-terminated (opm-apps(5), "hooks"). */
extern const char *const hookconf_events[];

/*
 * Reads {EVENT: CMD} into *out as EVENT=CMD strings (NULL when empty);
 * -1 with a cause naming the bad event or command.
 */
int	 hookconf_parse(const cJSON *v, char ***out, const char **cause);
/* The object hookconf_parse reads. */
cJSON	*hookconf_json(char *const *hooks);
/* The command for event in hooks, or NULL. */
const char *hookconf_find(char *const *hooks, const char *event);

#endif
