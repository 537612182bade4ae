/* common/dir.h: a directory's entry names, sorted, without dot-files (rules and fixtures load in a stable
 * order on every machine). */
#ifndef MW_DIR_H
#define MW_DIR_H

#include <stddef.h>

/* NULL when the directory cannot be opened (*n = 0). Free with mw_dir_list_free. */
char **mw_dir_list(const char *dir, size_t *n);
void mw_dir_list_free(char **names, size_t n);

#endif
