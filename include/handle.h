/*
 * libuv handles that are their own allocation (a poll or timer made with
 * xcalloc, not embedded in an owner) are freed in their close callback,
 * never before: this is that callback, shared by every such handle.
 */
#ifndef OPM_HANDLE_H
#define OPM_HANDLE_H

#include <uv.h>

/* uv_close(h, handle_free): frees h once libuv is done with it. */
void	 handle_free(uv_handle_t *);

#endif
