/*
 * Control-protocol requests: the line parser every client byte goes
 * through, then the app-object reader a start request reaches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct app_conf	 c;
	const cJSON	*args, *app;
	cJSON		*j, *back;
	char		 cause[512];
	long long	 v;
	bool		 present;
	const char	*why;

	if ((j = json_parse((const char *)data, len, cause,
	    sizeof cause)) == NULL)
		return (0);
	json_int(j, "id", 0, 9007199254740991LL, &v, &present, &why);
	json_str(j, "cmd");
	args = cJSON_GetObjectItemCaseSensitive(j, "args");
	app = cJSON_GetObjectItemCaseSensitive(args, "app");
	conf_defaults(&c);
	if (app != NULL && conf_from_json(&c, app, cause, sizeof cause) == 0 &&
	    c.argv != NULL) {
		back = conf_to_json(&c);
		cJSON_Delete(back);
	}
	conf_free(&c);
	cJSON_Delete(j);
	return (0);
}
