/*
 * The CLI's environment as sent in requests (start, restart --update-env):
 * every variable as a byte string (json_bytes), so one that is not UTF-8
 * travels unchanged, and a bound in bytes rather than in variables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "opm.h"

extern char	**environ;

cJSON *
cli_env_base(bool inherit)
{
	cJSON	*a = cJSON_CreateArray();
	char	*text;
	size_t	 i, n = 0, len;

	for (i = 0; inherit && environ[i] != NULL; i++) {
		if (strchr(environ[i], '=') != NULL) {
			cJSON_AddItemToArray(a, json_bytes(environ[i]));
			n++;
		}
	}
	if ((text = cJSON_PrintUnformatted(a)) == NULL)
		cli_fatal(EXIT_FAIL, "environment: out of memory");
	len = strlen(text);
	cJSON_free(text);
	if (len > OPM_ENV_BYTES_MAX)
		cli_fatal(EXIT_FAIL, "environment too large: %zu variables "
		    "take %zu bytes, over the limit of %d KiB (unset some, or "
		    "use --no-inherit-env)", n, len, OPM_ENV_BYTES_MAX / 1024);
	return (a);
}
