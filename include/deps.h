/*
 * Start order (depends_on): the key read and written, the order a set of
 * apps starts in, the problems of a set (a cycle, an unknown app, an app
 * depending on itself, a completed condition that can never hold), and
 * whether one dependency is met. Pure: no daemon, no clock, no process;
 * src/daemon/app-deps.c carries the decisions out, and
 * tests/unit/test_deps.c drives them all.
 */
#ifndef OPM_DEPS_H
#define OPM_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "conf.h"
#include "sup.h"

#define DEPS_MAX	64		/* entries of one depends_on */

enum deps_verdict {
	DEPS_MET,		/* the condition holds: start */
	DEPS_WAIT,		/* not yet; it may hold later */
	DEPS_FAILED,		/* it cannot hold unless someone acts */
};

/*
 * Reads depends_on (an array of names and {"app": NAME, "condition":
 * started|ready|completed} objects) into *deps and *n, replacing them;
 * -1 with cause (a static string or buf) when it is not valid.
 */
int	 deps_from_json(const cJSON *v, struct conf_dep **deps, size_t *n,
	    char *buf, size_t len, const char **cause);
/* The key as it reads back: a bare name for started, else an object. */
cJSON	*deps_to_json(const struct conf_dep *, size_t n);
const char *deps_cond_name(enum deps_cond);

/*
 * The problems of apps[0..n) taken as one set (the apps of a file and the
 * daemon's): for each app with check[i], a dependency on itself, on no
 * app of the set, or with condition completed on an app whose restart
 * policy restarts it after exit 0; and each cycle through an app with
 * check[i], once ("depends_on: cycle web -> api -> web", reported for its
 * first app). problem(arg, i, cause) is called for each, in app order;
 * returns how many there were.
 */
size_t	 deps_check(const struct app_conf *const *apps, const bool *check,
	    size_t n, void (*problem)(void *, size_t, const char *), void *arg);
/*
 * A start order of apps[0..n): each app after the apps of the set it
 * depends on, the set's order kept otherwise. order[] gets every index
 * once; an edge that closes a cycle is ignored. Returns the number of
 * cycles found.
 */
size_t	 deps_order(const struct app_conf *const *apps, size_t n,
	    size_t *order);

/*
 * Whether dependency d holds, given the record r of the app it names
 * (NULL: there is no such app). why gets, for DEPS_WAIT, what is waited
 * for ("db (ready)"), for DEPS_FAILED why it cannot hold ("dependency db
 * is errored (...)"). The one place that decides a condition: readiness
 * (the ready work) extends DEPS_READY here.
 */
enum deps_verdict deps_verdict(const struct conf_dep *d,
	    const struct app_run *r, char *why, size_t len);
/* Whether an app of configuration c ever ends stopped after exit 0. */
bool	 deps_can_complete(const struct app_conf *c);

#endif
