/* common/dir.c: sorted directory listings (readdir order differs between file systems). */
#include "common/dir.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

char **mw_dir_list(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t k = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (k == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = realloc(names, cap * sizeof *p);
            if (!p)
                break;
            names = p;
        }
        char *s = strdup(de->d_name);
        if (!s)
            break;
        names[k++] = s;
    }
    closedir(d);
    if (!names)
        names = calloc(1, sizeof *names);
    if (k)
        qsort(names, k, sizeof *names, cmp_names);
    *n = k;
    return names;
}

void mw_dir_list_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}
