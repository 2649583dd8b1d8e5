/* opm: constants shared by the CLI and the daemon. */
#ifndef OPM_OPM_H
#define OPM_OPM_H

#include "protocol.h"	/* PROTO_VERSION, PROTO_LINE_MAX */

#define OPM_VERSION	"0.1.0"
/* Configuration of all apps, counted as the replies that list them carry
 * (cmd_apps_room): it keeps every reply under PROTO_REPLY_MAX. */
#define OPM_APPS_BYTES_MAX (32 * 1024 * 1024)
#define OPM_NAME_MAX	64		/* longest app name */
#define OPM_STR_MAX	(64 * 1024)	/* longest string in a request */
#define OPM_TARGETS_MAX	10000		/* most target words in a request */
#define OPM_INSTANCES_MAX 1024		/* most instances of one app */
#define OPM_ARGV_MAX	4096		/* most words in an argv or env */
#define OPM_ENV_BYTES_MAX (512 * 1024)	/* largest env_base, as JSON */
#define OPM_ENV_MAX	(OPM_ENV_BYTES_MAX / 4)	/* its most variables */
#define OPM_DEPTH_MAX	16		/* deepest JSON nesting accepted */

/* Exit codes of opm, as README.md and opm(1) document them. */
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_NODAEMON	3

#endif
