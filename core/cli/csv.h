/* cli/csv.h: a record's CSV row straight from its JSON text (format.c's csv output without parsing the
 * record); the row is byte for byte what the parsed record gives. */
#ifndef MW_CLI_CSV_H
#define MW_CLI_CSV_H

#include <stddef.h>

#include "common/buf.h"

/* The row (cells in the order of cols, a NULL-terminated list of top-level keys, ending "\r\n") of the record
 * whose JSON text is json[0, len), into row (reset first); cell is scratch. 0, or -1 when the text is one to
 * leave to the parsing path (not an object, not what jansson accepts, or something unusual in it). */
int cli_csv_row(struct mw_buf *row, struct mw_buf *cell, const char *json, size_t len, const char *const *cols);

#endif
