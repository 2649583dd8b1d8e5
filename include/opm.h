/* opm: constants shared by the CLI and the daemon. */
#ifndef OPM_OPM_H
#define OPM_OPM_H

#define OPM_VERSION	"0.1.0"
#define OPM_PROTO	1		/* control protocol version */
#define OPM_LINE_MAX	(1024 * 1024)	/* longest request line */
/*
 * Longest reply line the CLI reads. It must exceed any reply the daemon
 * builds: every reply listing apps (list, export, stop all...) is bounded
 * by OPM_APPS_BYTES_MAX, which the daemon checks before it creates an app
 * (cmd_apps_room), and a reply over OPM_REPLY_MAX would be replaced by an
 * error (ipc_send).
 */
#define OPM_REPLY_MAX	(64 * 1024 * 1024)
/* Configuration of all apps, counted as the replies that list them carry. */
#define OPM_APPS_BYTES_MAX (32 * 1024 * 1024)
#define OPM_NAME_MAX	64		/* longest app name */
#define OPM_STR_MAX	(64 * 1024)	/* longest string in a request */
#define OPM_TARGETS_MAX	10000		/* most target words in a request */
#define OPM_ARGV_MAX	4096		/* most words in an argv or env */
#define OPM_DEPTH_MAX	16		/* deepest JSON nesting accepted */

/* Exit codes of opm, as SPEC.md fixes them. */
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_NODAEMON	3

#endif
