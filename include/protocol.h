/*
 * The control protocol between opm (or any other client) and opmd: the
 * names and limits both sides share. docs/PROTOCOL.md is the contract
 * these constants implement; change the two together.
 *
 * PROTO_VERSION is bumped when a change would make an old client or an old
 * daemon misread the other: a key removed or renamed, a key's type or
 * meaning changed, a reply shape changed, a limit lowered. Adding a new
 * command, a new optional argument or a new reply key is not a bump: both
 * sides ignore what they do not know. A daemon refuses requests of another
 * version (it says which one it speaks), so a CLI newer than the running
 * daemon asks the user to restart it instead of guessing.
 */
#ifndef OPM_PROTOCOL_H
#define OPM_PROTOCOL_H

#define PROTO_VERSION		1

/* Longest request line, without its newline; longer ones are fatal. */
#define PROTO_LINE_MAX		(1024 * 1024)
/*
 * Longest reply line a client must accept. The daemon never sends a longer
 * one (ipc_send replaces it with an error), and every reply listing apps is
 * kept under it by OPM_APPS_BYTES_MAX, checked before an app is created.
 */
#define PROTO_REPLY_MAX		(64 * 1024 * 1024)

/* Envelope keys: requests {v, id, cmd, args}, replies {v, id, ok, ...}. */
#define PROTO_V			"v"
#define PROTO_ID		"id"
#define PROTO_CMD		"cmd"
#define PROTO_ARGS		"args"
#define PROTO_OK		"ok"
#define PROTO_DATA		"data"
#define PROTO_ERROR		"error"
/* Largest request id: every integer up to it is exact in a double. */
#define PROTO_ID_MAX		9007199254740991LL

/* Commands. */
#define PROTO_CMD_PING		"ping"
#define PROTO_CMD_STATUS	"status"
#define PROTO_CMD_LIST		"list"
#define PROTO_CMD_INFO		"info"
#define PROTO_CMD_START		"start"
#define PROTO_CMD_STOP		"stop"
#define PROTO_CMD_RESTART	"restart"
#define PROTO_CMD_DELETE	"delete"
#define PROTO_CMD_ENV		"env"
#define PROTO_CMD_SIGNAL	"signal"
#define PROTO_CMD_RESET		"reset"
#define PROTO_CMD_KILL		"kill"
#define PROTO_CMD_SAVE		"save"
#define PROTO_CMD_REEXEC	"reexec"
#define PROTO_CMD_LOGS		"logs"
#define PROTO_CMD_FLUSH		"flush"
#define PROTO_CMD_RESTORE	"restore"
#define PROTO_CMD_EXPORT	"export"
#define PROTO_CMD_SCALE		"scale"
#define PROTO_CMD_EVENTS	"events"
#define PROTO_CMD_METRICS	"metrics"
#define PROTO_CMD_RELOAD	"reload"
#define PROTO_CMD_APPLY		"apply"

/* Request arguments (keys of args). */
#define PROTO_ARG_TARGET	"target"	/* string or array of them */
#define PROTO_ARG_APP		"app"		/* start: one app object */
#define PROTO_ARG_APPS		"apps"		/* start: an app file's apps */
#define PROTO_ARG_FILE		"file"		/* start: the file's path */
#define PROTO_ARG_ENV_BASE	"env_base"	/* start, restart */
/* start (of existing apps), restart: the environment set to use. */
#define PROTO_ARG_ENV_NAME	"env_name"
#define PROTO_ARG_SIGNAL	"signal"
#define PROTO_ARG_STREAM	"stream"	/* logs: "out" or "err" */
#define PROTO_ARG_FOLLOW	"follow"	/* logs */
#define PROTO_ARG_BATCH		"batch"		/* logs: "lines" messages */
#define PROTO_ARG_TAIL		"tail"		/* logs: lines sent back */
#define PROTO_ARG_FROM_BACKUP	"from_backup"	/* restore */
#define PROTO_ARG_INSTANCES	"instances"	/* scale: how many */
#define PROTO_ARG_DELTA		"delta"		/* scale: how many more */
#define PROTO_ARG_SINCE		"since"		/* events: after this seq */
#define PROTO_ARG_LIMIT		"limit"		/* events: the last N */
#define PROTO_ARG_PRUNE		"prune"		/* apply: delete the others */
#define PROTO_ARG_DRY_RUN	"dry_run"	/* apply: the plan only */

/* The target word naming every app; a target list is comma-separated. */
#define PROTO_TARGET_ALL	"all"

/* Messages streamed after a logs reply with follow. */
#define PROTO_EVENT		"event"
#define PROTO_EVENT_LINE	"line"		/* keys name, stream, line */
#define PROTO_EVENT_LINES	"lines"		/* keys name, stream, text */
#define PROTO_EVENT_NOTICE	"notice"	/* key text */
#define PROTO_EV_NAME		"name"
#define PROTO_EV_STREAM		"stream"
#define PROTO_EV_LINE		"line"
#define PROTO_EV_TEXT		"text"

/* Per-app results of start and restore. */
#define PROTO_ACTION		"action"
#define PROTO_ACTION_FAILED	"failed"
/* reload: what happened to each target, and why one failed. */
#define PROTO_ACTION_RELOADED	"reloaded"
#define PROTO_ACTION_RESTARTED	"restarted"
#define PROTO_ACTION_SKIPPED	"skipped"
#define PROTO_CAUSE		"cause"
#define PROTO_REASON		"reason"
/* An app object of a start or restart reply: one line for the user. */
#define PROTO_NOTICE		"notice"

#endif
