/* YAML app files: the JSON made of any input is JSON that reads back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "yamljson.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	 cause[256], *text;
	cJSON	*v, *back;
	size_t	 line, col;

	v = yamljson_parse((const char *)data, len, &line, &col, cause,
	    sizeof cause);
	if (v == NULL)
		return (0);
	/* What opm sends the daemon must parse as JSON again. */
	if ((text = cJSON_PrintUnformatted(v)) == NULL)
		__builtin_trap();
	back = json_parse(text, strlen(text), cause, sizeof cause);
	if (back == NULL && strstr(cause, "nesting") == NULL &&
	    strstr(cause, "NUL") == NULL && strstr(cause, "UTF-8") == NULL)
		__builtin_trap();
	cJSON_Delete(back);
	cJSON_free(text);
	cJSON_Delete(v);
	return (0);
}
