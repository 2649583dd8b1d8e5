/* The opm command-line client: parse, send one request, render, exit. */
#ifndef OPM_CLI_H
#define OPM_CLI_H

#include <stdbool.h>

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

extern struct paths	cli_paths;
extern bool		cli_color;

void	 cli_fatal_usage(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
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
char	*cli_opmd_path(void);
/* The environment as a request's env_base (empty unless inherit). */
cJSON	*cli_env_base(bool inherit);

void	 render_list(const cJSON *apps);
void	 render_info(const cJSON *app);
void	 render_json(const cJSON *);
void	 render_apps_brief(const cJSON *apps, const char *verb);
/* Prints "opm: NAME: REASON" for each app that could not start; count. */
int	 render_failures(const cJSON *apps);
/* Put before the daemon's error messages (an app file's path). */
extern const char *cli_err_prefix;

int	 cli_start(int argc, char **argv);
/* Prints the start options of `opm help start` (src/cli/start.c). */
void	 cli_start_help(void);
int	 cli_logs(int argc, char **argv);
int	 cli_flush(int argc, char **argv);
int	 cli_startup(int argc, char **argv);
const struct cli_cmd *cli_cmd_find(const char *);
void	 cli_help(const char *cmd);

#endif
