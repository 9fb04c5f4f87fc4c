#include "jsonfile.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int fc_write_json(const char *path, const json_t *j, size_t flags)
{
	char *s = json_dumps(j, flags);
	if (!s)
		return fc_err("%s: cannot serialise the JSON (out of memory?)", path);
	int r = fc_write_file_atomic(path, s, strlen(s));
	free(s);
	return r;
}
