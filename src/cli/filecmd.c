/*
 * Commands on the apps of an app file, as PM2 users type them: stop,
 * restart, reload and delete FILE act on the apps FILE names, and --only
 * NAMES picks some of them (start FILE --only too). The file is read by the
 * same code as opm start FILE (cli_appfile_apps); its apps are matched by
 * name, the name opm gives an app without one included.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "opm.h"
#include "parse.h"
#include "protocol.h"
#include "xmem.h"

/*
 * The name of app object a: its "name", else the one the daemon derives
 * from the program (cmd_start_name in src/daemon/cmd-start.c: keep the two
 * in step), in buf.
 */
const char *
cli_appfile_name(const cJSON *a, char *buf, size_t len)
{
	const cJSON	*v;
	const char	*prog = NULL, *base;
	char		 word[256];
	size_t		 i, n;

	if ((v = cJSON_GetObjectItem(a, "name")) != NULL &&
	    cJSON_IsString(v))
		return (v->valuestring);
	if ((prog = json_str(a, "script")) == NULL &&
	    (prog = json_str(a, "cmd")) == NULL &&
	    (v = cJSON_GetObjectItem(a, "argv")) != NULL &&
	    cJSON_IsArray(v) && cJSON_IsString(cJSON_GetArrayItem(v, 0)))
		prog = cJSON_GetArrayItem(v, 0)->valuestring;
	if (prog == NULL)
		prog = "app";
	if (cJSON_GetObjectItem(a, "argv") == NULL &&
	    cJSON_GetObjectItem(a, "args") == NULL &&
	    strpbrk(prog, " \t\n|&;$<>(){}`'\"*?[]~#=\\") != NULL) {
		/* Run by /bin/sh -c: named after its first word. */
		n = strcspn(prog, " \t\n;|&<>()");
		snprintf(word, sizeof word, "%.*s", (int)n, prog);
		prog = word[0] != '\0' ? word : "sh";
	} else
		snprintf(word, sizeof word, "%s", prog);
	base = strrchr(word, '/') ? strrchr(word, '/') + 1 : word;
	snprintf(buf, len, "%.64s", *base ? base : "app");
	for (i = 0; buf[i] != '\0'; i++) {
		if (!isalnum((unsigned char)buf[i]) &&
		    strchr("._-", buf[i]) == NULL)
			buf[i] = '_';
	}
	if (!parse_name_new_ok(buf)) {
		snprintf(word, sizeof word, "app-%s", buf);
		snprintf(buf, len, "%.64s", word);
	}
	return (buf);
}

/* True when the comma-separated list holds word w. */
static bool
filecmd_in_list(const char *list, const char *w)
{
	size_t	n = strlen(w);

	while (*list != '\0') {
		if (strncmp(list, w, n) == 0 &&
		    (list[n] == ',' || list[n] == '\0'))
			return (true);
		list += strcspn(list, ",");
		list += *list == ',';
	}
	return (false);
}

/*
 * A copy of the apps named in only ("a,b"), in the file's order; exits
 * naming every name of only that is no app of the file.
 */
cJSON *
cli_appfile_select(const cJSON *apps, const char *only, const char *path)
{
	const cJSON	*a;
	cJSON		*keep = cJSON_CreateArray();
	char		*copy = xstrdup(only), *w, *save = NULL, buf[80];
	char		*missing = NULL, *all = NULL, *t;
	const char	*name;
	bool		 found;

	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		found = false;
		cJSON_ArrayForEach(a, apps) {
			name = cli_appfile_name(a, buf, sizeof buf);
			found |= strcmp(name, w) == 0;
		}
		if (found)
			continue;
		xasprintf(&t, "%s%s'%s'", missing ? missing : "",
		    missing ? ", " : "", w);
		free(missing);
		missing = t;
	}
	free(copy);
	cJSON_ArrayForEach(a, apps) {
		name = cli_appfile_name(a, buf, sizeof buf);
		xasprintf(&t, "%s%s%s", all ? all : "", all ? ", " : "", name);
		free(all);
		all = t;
		if (filecmd_in_list(only, name))
			cJSON_AddItemToArray(keep, cJSON_Duplicate(a, 1));
	}
	if (missing != NULL)
		cli_fatal(EXIT_FAIL, "%s: --only: no app %s in the file (its "
		    "apps: %s)", path, missing, all ? all : "none");
	free(all);
	if (cJSON_GetArraySize(keep) == 0)
		cli_fatal_usage("--only: an empty list of names");
	return (keep);
}

/*
 * stop|restart|reload|delete FILE [--only NAMES]: replaces each operand
 * that is an app file by the names of its apps (those of --only), after
 * checking that the daemon has every one of them; exits naming the ones
 * it lacks. Returns argc left; argv[0] is the command.
 */
int
cli_file_targets(int argc, char **argv)
{
	const char	*only = NULL, *cmd = argv[0];
	const cJSON	*a, *e;
	cJSON		*apps, *sel, *list = NULL;
	char		*names, *missing, *t, buf[80];
	const char	*name;
	int		 i, n = 1, files = 0;
	bool		 have;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--only") == 0) {
			if (++i >= argc)
				cli_fatal_usage("%s: --only needs a value",
				    cmd);
			only = argv[i];
		} else if (strncmp(argv[i], "--only=", 7) == 0)
			only = argv[i] + 7;
		else
			argv[n++] = argv[i];
	}
	argc = n;
	argv[argc] = NULL;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' || !cli_appfile_is(argv[i]))
			continue;
		files++;
		apps = cli_appfile_apps(argv[i]);
		if (only != NULL) {
			sel = cli_appfile_select(apps, only, argv[i]);
			cJSON_Delete(apps);
			apps = sel;
		}
		if (list == NULL)
			list = cli_call(PROTO_CMD_LIST, NULL);
		names = missing = NULL;
		cJSON_ArrayForEach(a, apps) {
			name = cli_appfile_name(a, buf, sizeof buf);
			have = false;
			cJSON_ArrayForEach(e, list)
				have |= json_str(e, "name") != NULL &&
				    strcmp(json_str(e, "name"), name) == 0;
			xasprintf(&t, "%s%s%s", names ? names : "",
			    names ? "," : "", name);
			free(names);
			names = t;
			if (have)
				continue;
			xasprintf(&t, "%s%s'%s'", missing ? missing : "",
			    missing ? ", " : "", name);
			free(missing);
			missing = t;
		}
		if (missing != NULL)
			cli_fatal(EXIT_FAIL, "%s: %s: no app %s (start the "
			    "file first: opm start %s)", cmd, argv[i],
			    missing, argv[i]);
		if (names == NULL)
			cli_fatal(EXIT_FAIL, "%s: %s: the file holds no apps",
			    cmd, argv[i]);
		argv[i] = names;
		cJSON_Delete(apps);
	}
	cJSON_Delete(list);
	if (only != NULL && files == 0)
		cli_fatal_usage("%s: --only selects apps of an app file", cmd);
	return (argc);
}
