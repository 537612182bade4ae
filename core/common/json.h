/* common/json.h: compact JSON text of a jansson value, byte for byte what json_dumps(v, JSON_COMPACT) writes
 * (keys in insertion order, UTF-8 kept, '"' '\\' and control characters escaped), several times faster: runs of
 * plain bytes are copied whole instead of character by character. Parsing stays jansson's. */
#ifndef MW_JSON_H
#define MW_JSON_H

#include <jansson.h>
#include <stddef.h>
#include "common/buf.h"

/* Append v's text to out. 0, or MW_ENOMEM / MW_ELIMIT (out's cap) / MW_EINVAL (a value jansson cannot write:
 * a NaN or infinite real). */
int mw_json_write(const json_t *v, struct mw_buf *out);
/* v's text, NUL-terminated (free()), *len its length (len may be NULL). NULL when memory runs out. */
char *mw_json_dumps(const json_t *v, size_t *len);

#endif
