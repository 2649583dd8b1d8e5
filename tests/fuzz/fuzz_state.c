/* A runtime state record (RUNTIME/state/ID.json, or a reload handover). */
#include <stdint.h>

#include "json.h"
#include "staterec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct state_rec	 r;
	char			 cause[512];
	cJSON			*o;

	if ((o = json_parse((const char *)data, len, cause,
	    sizeof cause)) == NULL)
		return (0);
	if (state_rec_decode(o, &r, cause, sizeof cause) == 0) {
		/* What app_adopt relies on. */
		if (r.nentry != 1 || r.pid < 0 || r.pid == 1 || r.pgid < 0 ||
		    r.exit_code < -1 || r.exit_code > 255)
			__builtin_trap();
		state_rec_free(&r);
	}
	cJSON_Delete(o);
	return (0);
}
