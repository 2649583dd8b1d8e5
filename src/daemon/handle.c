/* The close callback of heap-allocated libuv handles (include/handle.h). */
#include <stdlib.h>

#include "handle.h"

void
handle_free(uv_handle_t *h)
{
	free(h);
}
