/* JSON files, written whole or not at all. */
#ifndef FC_JSONFILE_H
#define FC_JSONFILE_H

#include <jansson.h>

/* Dump J (json_dumps FLAGS) to PATH atomically; J is not consumed.
 * Returns -1 after a message. */
int fc_write_json(const char *path, const json_t *j, size_t flags);

#endif
