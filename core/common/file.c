/* common/file.c: whole-file reads through zlib's gzread, which passes plain files through unchanged. */
#include "common/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int mw_file_read(const char *path, size_t max, char **out, size_t *len, struct mw_err *err)
{
    errno = 0;
    gzFile g = strcmp(path, "-") ? gzopen(path, "rb") : gzdopen(dup(0), "rb");
    if (!g)
        return mw_err_set(err, MW_EIO, "read", "%s: %s", path, strerror(errno ? errno : ENOENT));
    gzbuffer(g, 1 << 16);
    size_t n = 0, sz = 1 << 16;
    char *buf = malloc(sz + 1);
    int rc = buf ? MW_OK : MW_ENOMEM;
    while (!rc) {
        if (n == sz) {
            if (sz >= max) {
                char probe;
                if (gzread(g, &probe, 1) > 0)
                    rc = mw_err_set(err, MW_ELIMIT, "read", "%s: larger than %zu bytes", path, max);
                break;
            }
            sz = sz * 2 > max ? max : sz * 2;
            char *p = realloc(buf, sz + 1);
            if (!p) {
                rc = MW_ENOMEM;
                break;
            }
            buf = p;
        }
        int got = gzread(g, buf + n, (unsigned)(sz - n));
        if (got < 0) {
            int e;
            rc = mw_err_set(err, MW_EIO, "read", "%s: %s", path, gzerror(g, &e));
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    gzclose(g);
    if (rc == MW_ENOMEM)
        mw_err_set(err, MW_ENOMEM, "read", "%s: out of memory", path);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    if (sz - n > (1u << 20)) {   /* a big page keeps no doubling slack while it is extracted */
        char *p = realloc(buf, n + 1);
        if (p)
            buf = p;
    }
    *out = buf;
    *len = n;
    return MW_OK;
}
