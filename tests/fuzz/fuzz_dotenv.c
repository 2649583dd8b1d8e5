/* dotenv files read for env_file at every start. */
#include <stdint.h>
#include <string.h>

#include "dotenv.h"
#include "xmem.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	**v, cause[256];
	size_t	  i;

	if (dotenv_parse((const char *)data, len, &v, cause,
	    sizeof cause) == -1)
		return (0);
	for (i = 0; v[i] != NULL; i++) {
		if (strchr(v[i], '=') == NULL)
			__builtin_trap();
	}
	xfreev(v);
	return (0);
}
