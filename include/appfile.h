/*
 * App files in every form PM2 reads (src/cli/appfile.c): JSON (strict, or
 * JSON5-style through node), JavaScript evaluated by node, and YAML.
 */
#ifndef OPM_APPFILE_H
#define OPM_APPFILE_H

#include <stdbool.h>

#include <cJSON.h>

/* Largest app file read, and largest value node may print for one. */
#define APPFILE_SIZE_MAX	(16 * 1024 * 1024)
/* Seconds node may take to evaluate a file before it is killed. */
#define APPFILE_NODE_TIMEOUT	10

/*
 * True when `opm start WORD` means the app file WORD: an existing regular
 * file named as PM2 names app files (.json, .yml, .yaml, .config.js,
 * .config.cjs, .config.mjs).
 */
bool	 appfile_is_file(const char *path);

/*
 * Reads the app file at path (any name ending in .json, .yml, .yaml, .js,
 * .cjs or .mjs) and returns a new array of its app objects, whatever the
 * file's shape ({"apps": [...]}, an array, one app object). Top-level keys
 * of PM2 that opm does not use are dropped with one notice line each on
 * stderr. NULL on error with *cause, "PATH[:LINE:COL]: why" (caller frees).
 */
cJSON	*appfile_read(const char *path, char **cause);

#endif
