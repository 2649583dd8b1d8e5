/* Durations, sizes, signals, integers, names, UTF-8: every typed value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*s = malloc(len + 1), buf[64];
	uint64_t	 u;
	long long	 v;
	const char	*cause;

	memcpy(s, data, len);
	s[len] = '\0';
	if (parse_duration(s, &u, &cause) == 0)
		parse_fmt_duration(u, buf, sizeof buf);
	if (parse_size(s, &u, &cause) == 0)
		parse_fmt_size(u, buf, sizeof buf);
	parse_signal(s);
	parse_int(s, -1000, 1000, &v, &cause);
	parse_name_ok(s);
	parse_utf8_ok((const char *)data, len);
	free(s);
	return (0);
}
