/* The dump file (and the conf inside runtime state, read the same way). */
#include <stdint.h>

#include "dump.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct dump_entry	*e;
	size_t			 n, i;
	char			 cause[512];
	cJSON			*o;

	if (dump_parse((const char *)data, len, &e, &n, cause,
	    sizeof cause) == -1)
		return (0);
	for (i = 0; i < n; i++) {
		if (e[i].error[0] != '\0')
			continue;
		o = dump_entry_json(e[i].id, e[i].running, &e[i].conf);
		cJSON_Delete(o);
	}
	dump_free(e, n);
	return (0);
}
