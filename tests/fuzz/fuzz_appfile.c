/* App files: every app object of {"apps": [...]} or [...]. */
#include <stdint.h>
#include <string.h>

#include "conf.h"
#include "json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct app_conf	 c, d;
	const cJSON	*list, *e;
	cJSON		*j, *back;
	char		 cause[512];

	if ((j = json_parse((const char *)data, len, cause,
	    sizeof cause)) == NULL)
		return (0);
	list = cJSON_IsArray(j) ? j : cJSON_GetObjectItem(j, "apps");
	cJSON_ArrayForEach(e, list) {
		conf_defaults(&c);
		if (conf_from_json(&c, e, cause, sizeof cause) == 0) {
			/* What we write we must read back the same. */
			back = conf_to_json(&c);
			conf_defaults(&d);
			if (conf_from_json(&d, back, cause, sizeof cause) != 0 ||
			    !conf_same_program(&c, &d))
				__builtin_trap();
			conf_free(&d);
			cJSON_Delete(back);
		}
		conf_free(&c);
	}
	cJSON_Delete(j);
	return (0);
}
