/*
 * What an app runs: its argv worked out from what the user wrote (script,
 * args, interpreter, interpreter_args; or argv as it is), at each spawn, so
 * that a later change of the interpreter or a restore recomputes it. PM2's
 * rules: the script resolves against the app's cwd; an executable file or
 * one starting with "#!" runs directly; otherwise its extension names the
 * interpreter (.js node, .py python3, ...).
 */
#ifndef OPM_INTERP_H
#define OPM_INTERP_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#define INTERP_PYTHON	0x1	/* gets PYTHONUNBUFFERED=1 unless set */

/*
 * The interpreter an extension implies ("node", "python3"...; ".ts" is
 * INTERP_TS), or NULL when none.
 */
#define INTERP_TS	"typescript"
const char	*interp_for_ext(const char *path);
/* One word run by /bin/sh -c when it holds shell syntax. */
bool		 interp_is_shell(const char *);
/*
 * The argv to execute, in *out (the caller frees it with xfreev); PATH is
 * taken from envp (NULL: the default PATH). -1 with cause when the script
 * cannot run (no such file, no interpreter). *flags gets INTERP_*.
 */
int		 interp_argv(const struct app_conf *, char *const *envp,
		    char ***out, unsigned *flags, char *cause, size_t clen);
/* PM2's default name: the script's basename without its extension. */
void		 interp_name(const struct app_conf *, char *buf, size_t len);

#endif
