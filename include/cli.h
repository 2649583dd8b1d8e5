/* The opm command-line client: parse, send one request, render, exit. */
#ifndef OPM_CLI_H
#define OPM_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "client.h"
#include "paths.h"

struct cli_cmd {
	const char	 *name;
	const char	 *alias;
	const char	 *usage;
	const char	 *help;
	int		(*exec)(int argc, char **argv);
};

/* A remote host of opm --host (src/cli/remote.c). */
struct cli_host {
	char	 *label;	/* as written, without ssh:// */
	char	 *user;		/* NULL: ssh's default */
	char	 *host;
	char	 *port;		/* NULL: ssh's default */
	char	 *opm;		/* the remote opm; NULL: "opm" in its PATH */
	char	**argv;		/* the ssh command, made once */
	char	**argv_start;	/* the same with dial-stdio --start */
	int	  status;	/* ssh's wait status when it gave up */
	bool	  prefixed;	/* output lines are led by label already */
};

/* The host this command talks to; NULL: the local daemon. */
extern const struct cli_host *cli_remote;
/*
 * Runs the command c against the hosts (URLs or groups of the hosts file):
 * one host in this process, several in one child each, output prefixed.
 */
int	 cli_remote_main(char **hosts, size_t n, const struct cli_cmd *c,
	    int argc, char **argv);
/* "HOST: " for messages about the remote host; "" when not needed. */
const char *cli_remote_who(void);
/* Connects through ssh; -1 when ssh or dial-stdio gave up. */
int	 cli_remote_connect(struct client *, bool start);
/* Exits 3 with why the last cli_remote_connect failed. */
void	 cli_remote_fatal(void) __attribute__((noreturn));
/* opm dial-stdio (src/cli/dialstdio.c). */
int	 cli_dial_stdio(int argc, char **argv);

extern struct paths	cli_paths;
/* -1 until cli_color_on asks stdout (a tty ioctl list --json does not need). */
extern int		cli_color;
/* Color output: stdout is a tty and NO_COLOR is not set. */
bool	 cli_color_on(void);

void	 cli_fatal_usage(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/*
 * argv[*i] is --lines N, --lines=N or -n N: its value (*i moved past it);
 * exits with a usage error naming cmd when the value is missing. NULL when
 * argv[*i] is another word. opm logs and opm events share it.
 */
const char *cli_lines_arg(int argc, char **argv, int *i, const char *cmd);
void	 cli_fatal(int code, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/* Connects, starting opmd first when autostart. Exits 3 on failure. */
void	 cli_connect(struct client *, bool autostart);
/* 0 when a daemon answers the socket. */
int	 cli_try_connect(struct client *);
/* Starts opmd in the background; prints nothing. Exits 3 on failure. */
void	 cli_spawn_daemon(void);
/* Sends one request, returns data of an ok reply; exits 1 on an error. */
cJSON	*cli_request(struct client *, const char *cmd, cJSON *args);
/* cli_connect + cli_request + close. */
cJSON	*cli_call(const char *cmd, cJSON *args);
/* The same, the data as render_json prints it (to free): for --json. */
char	*cli_call_json(const char *cmd, cJSON *args);
char	*cli_opmd_path(void);
/* A program of opm's (opmd, opm-web): next to opm, else in PATH; NULL. */
char	*cli_helper_path(const char *);
int	 cli_web(int argc, char **argv);
/* The environment as a request's env_base (empty unless inherit). */
cJSON	*cli_env_base(bool inherit);

void	 render_list(const cJSON *apps);
/* The table of render_list, line by line (opm monit draws it too). */
int	 render_name_width(const cJSON *apps);
void	 render_header(int w, char *buf, size_t len);
/* One app's row, colored when color and cli_color_on(); -1 if malformed. */
int	 render_row(const cJSON *app, int w, bool color, char *buf,
	    size_t len);
void	 render_info(const cJSON *app);
/* An app's name as a target names it: NAME, or NAME:K (an instance). */
const char *render_label(const cJSON *, char *buf, size_t len);
void	 render_json(const cJSON *);
/* What cli_call_json returned, and a newline; frees it. */
void	 render_text(char *);
void	 render_apps_brief(const cJSON *apps, const char *verb);
/* Prints "opm: NAME: REASON" for each app that could not start; count. */
int	 render_failures(const cJSON *apps);
/* Put before the daemon's error messages (an app file's path). */
extern const char *cli_err_prefix;

int	 cli_start(int argc, char **argv);
/* The args of the start request of opm start ARGS; *file: an app file. */
cJSON	*cli_start_request(int argc, char **argv, bool *file);
/* opm run FILE (opm-runtime): the daemon in the foreground (run.c). */
int	 cli_run(int argc, char **argv);
/*
 * Reads the app file at path into args ("apps", each with its cwd made
 * absolute, keys of overrides added; "file"); exits on a bad file.
 */
cJSON	*cli_start_file(const char *path, const cJSON *overrides,
	    cJSON *args);
/* opm apply FILE [--prune] [--dry-run] [--json] (src/cli/apply.c). */
int	 cli_apply(int argc, char **argv);
/* An app file opm start reads; its apps as an array the caller owns. */
bool	 cli_appfile_is(const char *path);
cJSON	*cli_appfile_apps(const char *path);
/* The name of an app of a file: its name, or the one opm would give it. */
const char *cli_appfile_name(const cJSON *, char *buf, size_t len);
/* A copy of the apps named in only ("a,b"); exits naming strangers. */
cJSON	*cli_appfile_select(const cJSON *apps, const char *only,
	    const char *path);
/* stop|restart|reload|delete FILE [--only N]: FILE operands to names. */
int	 cli_file_targets(int argc, char **argv);
/* opm import, opm init, opm unstartup. */
int	 cli_import(int argc, char **argv);
int	 cli_init(int argc, char **argv);
int	 cli_unstartup(int argc, char **argv);
/* Prints the start options of `opm help start` (src/cli/start.c). */
void	 cli_start_help(void);
int	 cli_logs(int argc, char **argv);
int	 cli_monit(int argc, char **argv);
int	 cli_flush(int argc, char **argv);
int	 cli_startup(int argc, char **argv);
/* opm events and opm metrics (src/cli/events.c). */
int	 cli_events(int argc, char **argv);
int	 cli_metrics(int argc, char **argv);
const struct cli_cmd *cli_cmd_find(const char *);
void	 cli_help(const char *cmd);

#endif
