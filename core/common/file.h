/* common/file.h: reading a whole file, gunzipping gzip content on the fly (zlib), with a size cap. */
#ifndef MW_FILE_H
#define MW_FILE_H

#include <stddef.h>
#include "common/err.h"

/* path "-" reads stdin. 0 with *out (malloc'd, NUL-terminated: free()) and *len; MW_EIO / MW_ELIMIT /
 * MW_ENOMEM with err (stage "read") naming the path. */
int mw_file_read(const char *path, size_t max, char **out, size_t *len, struct mw_err *err);

#endif
