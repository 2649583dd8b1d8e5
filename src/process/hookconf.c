/*
 * The hooks key: an object from event names to shell commands. Every name
 * is checked against the list of events a hook can follow, so that a typo
 * ("crashed") is an error when the app file is read, not a hook that never
 * runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hookconf.h"
#include "xmem.h"

/*
 * The app events of src/daemon/events.c, and "crash": an exit nobody asked
 * for (an exit event whose cause is crash).
 */
const char *const hookconf_events[] = {
	"crash", "exit", "restart", "launching", "online", "ready",
	"unready", "waiting", "stopping", "stopped", "errored", "deleted",
	"log_rotate", NULL
};

static int
hookconf_known(const char *name)
{
	size_t	i;

	for (i = 0; hookconf_events[i] != NULL; i++) {
		if (strcmp(hookconf_events[i], name) == 0)
			return (1);
	}
	return (0);
}

int
hookconf_parse(const cJSON *v, char ***out, const char **cause)
{
	static char	 buf[160];
	const cJSON	*e;
	char		**h;
	size_t		 n = 0;

	if (!cJSON_IsObject(v)) {
		*cause = "must be an object of event names and commands, "
		    "e.g. {\"crash\": \"notify-me\"}";
		return (-1);
	}
	h = xcalloc(cJSON_GetArraySize(v) + 1, sizeof *h);
	cJSON_ArrayForEach(e, v) {
		if (!hookconf_known(e->string)) {
			snprintf(buf, sizeof buf, "'%.40s' is no event (crash, "
			    "exit, restart, online, ready, stopped, errored, "
			    "...: see opm-apps(5))", e->string);
			*cause = buf;
			goto fail;
		}
		if (hookconf_find(h, e->string) != NULL) {
			snprintf(buf, sizeof buf, "'%.40s' given twice",
			    e->string);
			*cause = buf;
			goto fail;
		}
		if (!cJSON_IsString(e) || *e->valuestring == '\0' ||
		    strlen(e->valuestring) > HOOKCONF_CMD_MAX) {
			snprintf(buf, sizeof buf, "%.40s: the command must be "
			    "a non-empty string of at most %d bytes",
			    e->string, HOOKCONF_CMD_MAX);
			*cause = buf;
			goto fail;
		}
		xasprintf(&h[n++], "%s=%s", e->string, e->valuestring);
	}
	xfreev(*out);
	*out = n > 0 ? h : NULL;
	if (n == 0)
		xfreev(h);
	return (0);
fail:
	xfreev(h);
	return (-1);
}

cJSON *
hookconf_json(char *const *hooks)
{
	cJSON	*o = cJSON_CreateObject();
	char	*k;
	size_t	 i;

	for (i = 0; hooks != NULL && hooks[i] != NULL; i++) {
		k = xstrndup(hooks[i], strcspn(hooks[i], "="));
		cJSON_AddStringToObject(o, k, hooks[i] + strlen(k) + 1);
		free(k);
	}
	return (o);
}

const char *
hookconf_find(char *const *hooks, const char *event)
{
	size_t	i, n = strlen(event);

	for (i = 0; hooks != NULL && hooks[i] != NULL; i++) {
		if (strncmp(hooks[i], event, n) == 0 && hooks[i][n] == '=')
			return (hooks[i] + n + 1);
	}
	return (NULL);
}
