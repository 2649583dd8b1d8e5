/*
 * Daemon commands, one small file each (cmd-*.c), collected in one fixed
 * table in cmd.c, looked up by exact name: no reflection, no shell.
 */
#ifndef OPM_CMD_H
#define OPM_CMD_H

#include <stdbool.h>

#include <cJSON.h>

#include "ipc.h"
#include "paths.h"

struct app;
struct app_conf;

enum cmd_retval { CMD_DONE, CMD_WAIT };

struct cmd_ctx {
	struct ipc_client	 *client;
	cJSON			 *id;		/* the request id, copied */
	const cJSON		 *args;		/* valid during exec only */
	int			  pending;	/* apps still settling */
	int			 *ids;		/* target app ids */
	size_t			  nids;
	void			(*finish)(struct cmd_ctx *);
	bool			  replied;
	const char		**actions;	/* start: what was done, per id */
	bool			  created;	/* start: one new app, dropped
						   if it cannot run */
	cJSON			 *gone;		/* scale: instances removed */
	char			**causes;	/* reload: per id, a failure */
	cJSON			 *plan;		/* apply: the reply, built */
};

struct cmd_entry {
	const char	 *name;
	enum cmd_retval	(*exec)(struct cmd_ctx *);
};

void	 cmd_dispatch(struct ipc_client *, const cJSON *req);
/* Reply with data (takes ownership; NULL for none). */
void	 cmd_ok(struct cmd_ctx *, cJSON *data);
void	 cmd_error(struct cmd_ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Resolves args.target (id, name, "all", comma list, or an array of them)
 * into ctx->ids. -1 after replying with an error naming the unknown one.
 */
int	 cmd_targets(struct cmd_ctx *);
/* true when every word of target names an app or is "all". */
bool	 cmd_target_known(const char *target);
/* -1 after replying an error when a target is being deleted. */
int	 cmd_refuse_deleting(struct cmd_ctx *);
/* -1 after replying an error when a target's reload is under way. */
int	 cmd_refuse_reloading(struct cmd_ctx *);
/*
 * restart and reload: targets resolved and checked, env_name and env_base
 * applied; -1 after replying an error.
 */
int	 cmd_restart_prepare(struct cmd_ctx *);
/* The app a target word (id or name) names, or NULL. */
struct app *cmd_target_app(const char *word);
/* Appends id to ctx->ids; cmd_add_all appends every app's. */
void	 cmd_add_id(struct cmd_ctx *, int id);
void	 cmd_add_all(struct cmd_ctx *);
/* true when the target named "all" (alone or in a list). */
bool	 cmd_names_all(struct cmd_ctx *);
/*
 * Waits for every target to leave "stopping" and, when launching, to have
 * its exec verdict (app_exec_pending) and, with a ready key, to be ready or
 * to have failed its start (app_ready_pending), then calls finish.
 */
enum cmd_retval cmd_wait_settled(struct cmd_ctx *,
	    void (*finish)(struct cmd_ctx *));
/*
 * Sends stop to every app; done(arg) runs once none is stopping. Returns
 * how many it waits on; 0: done is not called, every app is down already.
 */
int	 cmd_stop_all(void (*done)(void *), void *arg);
/* Frees a context that did not wait. */
void	 cmd_free(struct cmd_ctx *);
/* Bytes all apps take in a reply listing them (list, export...). */
size_t	 cmd_apps_bytes(void);
/*
 * Adds the bytes of c to *total; -1 and cause when that goes over
 * OPM_APPS_BYTES_MAX: the app must not be created.
 */
int	 cmd_apps_room(size_t *total, const struct app_conf *c, char *cause,
	    size_t clen);
/* cmd_apps_room for every instance of c. */
int	 cmd_apps_room_all(size_t *total, const struct app_conf *c,
	    char *cause, size_t clen);
/* An array of the targets that still exist, as app objects. */
cJSON	*cmd_target_apps(struct cmd_ctx *);
/* Adds a notice to o when a's environment set is missing. */
void	 cmd_env_notice(cJSON *o, const struct app *a);
/* Applies args.env_name to every target; -1 after replying an error. */
int	 cmd_env_name(struct cmd_ctx *);

/* An app file's apps, parsed and checked, sockets of new apps bound. */
struct cmd_start_file {
	struct app_conf	 *confs;
	size_t		  n;
	int		**lfds;
};
/*
 * Parses and checks every app of an app file (start's "apps"): -1 after
 * replying every problem, nothing changed.
 */
int	 cmd_start_file_check(struct cmd_ctx *, const cJSON *apps,
	    struct cmd_start_file *);
/*
 * Creates the apps of f not present by name, starts them (autostart), and
 * notes each app "created" or "exists" in ctx; takes f's contents.
 */
void	 cmd_start_file_create(struct cmd_ctx *, struct cmd_start_file *);
void	 cmd_start_file_free(struct cmd_start_file *);
/* Notes a in ctx (ids, actions) with what was done to it. */
void	 cmd_start_note(struct cmd_ctx *, struct app *, const char *action);

enum cmd_retval cmd_ping(struct cmd_ctx *);
enum cmd_retval cmd_status(struct cmd_ctx *);
enum cmd_retval cmd_list(struct cmd_ctx *);
enum cmd_retval cmd_info(struct cmd_ctx *);
enum cmd_retval cmd_start(struct cmd_ctx *);
enum cmd_retval cmd_stop(struct cmd_ctx *);
enum cmd_retval cmd_restart(struct cmd_ctx *);
enum cmd_retval cmd_delete(struct cmd_ctx *);
enum cmd_retval cmd_env(struct cmd_ctx *);
enum cmd_retval cmd_signal(struct cmd_ctx *);
enum cmd_retval cmd_reset(struct cmd_ctx *);
enum cmd_retval cmd_kill(struct cmd_ctx *);
enum cmd_retval cmd_save(struct cmd_ctx *);
enum cmd_retval cmd_reexec(struct cmd_ctx *);
enum cmd_retval cmd_logs(struct cmd_ctx *);
enum cmd_retval cmd_flush(struct cmd_ctx *);
enum cmd_retval cmd_restore(struct cmd_ctx *);
enum cmd_retval cmd_export(struct cmd_ctx *);
enum cmd_retval cmd_scale(struct cmd_ctx *);
enum cmd_retval cmd_events(struct cmd_ctx *);
enum cmd_retval cmd_metrics(struct cmd_ctx *);
enum cmd_retval cmd_reload(struct cmd_ctx *);
enum cmd_retval cmd_apply(struct cmd_ctx *);

#endif
