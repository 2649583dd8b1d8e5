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
		if (r.entry.error[0] != '\0' || r.run.pid < 0 ||
		    r.run.pid == 1 || r.run.pgid < 0 || r.run.exit_code < -1 ||
		    r.run.exit_code > 255 || r.run.state >= APP_NSTATES)
			__builtin_trap();
		state_rec_free(&r);
	}
	cJSON_Delete(o);
	return (0);
}
