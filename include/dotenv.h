/* dotenv files: KEY=VALUE lines for env_file. */
#ifndef OPM_DOTENV_H
#define OPM_DOTENV_H

#include <stddef.h>

/*
 * Parses buf into a NULL-terminated KEY=VALUE vector (caller frees with
 * xfreev). Accepts comments (#), blank lines, "export KEY=...", and values
 * in single quotes (literal) or double quotes (\n \t \" \\ escapes).
 * -1 with "line N: why" in cause[] on error.
 */
int	dotenv_parse(const char *buf, size_t len, char ***out, char *cause,
	    size_t clen);
/* Reads and parses a regular file (nothing else), 1 MiB at most. */
int	dotenv_read(const char *path, char ***out, char *cause, size_t clen);

#endif
