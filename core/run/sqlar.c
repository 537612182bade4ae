/* run/sqlar.c: zlib compression of stored records in sqlar's format, and its two SQL functions (see
 * run/sqlar.h). Which column holds what is run/store_sqlite.c's schema. */
#include "run/sqlar.h"

#include <limits.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <zlib.h>

struct mw_sqlar_z {
    z_stream s;
    int ready;             /* s is initialised */
    unsigned char *buf;
    size_t cap;
};

struct mw_sqlar_z *mw_sqlar_z_new(void) { return calloc(1, sizeof(struct mw_sqlar_z)); }

void mw_sqlar_z_free(struct mw_sqlar_z *z)
{
    if (!z)
        return;
    if (z->ready)
        deflateEnd(&z->s);
    free(z->buf);
    free(z);
}

int mw_sqlar_z_compress(struct mw_sqlar_z *z, const char *p, size_t len, const unsigned char **out,
                        size_t *out_len)
{
    uLong bound = compressBound((uLong)len);
    if (len > INT_MAX)
        return 0;
    if (z->cap < bound) {
        unsigned char *b = realloc(z->buf, bound);
        if (!b)
            return 0;
        z->buf = b;
        z->cap = bound;
    }
    /* compress2's stream (deflateInit at the fastest level), its one deflate(Z_FINISH) over the whole input */
    int rc = z->ready ? deflateReset(&z->s) : deflateInit(&z->s, Z_BEST_SPEED);
    if (rc != Z_OK)
        return 0;
    z->ready = 1;
    z->s.next_in = (Bytef *)(uintptr_t)p;
    z->s.avail_in = (uInt)len;
    z->s.next_out = z->buf;
    z->s.avail_out = (uInt)z->cap;
    if (deflate(&z->s, Z_FINISH) != Z_STREAM_END || z->s.total_out >= len)
        return 0;
    *out = z->buf;
    *out_len = z->s.total_out;
    return 1;
}

/* sqlar_compress(X), through the connection's own stream (the function's user data) */
static void sql_compress(sqlite3_context *cx, int argc, sqlite3_value **v)
{
    (void)argc;
    const char *p = sqlite3_value_blob(v[0]);
    size_t len = (size_t)sqlite3_value_bytes(v[0]), n;
    const unsigned char *out;
    if (mw_sqlar_z_compress(sqlite3_user_data(cx), p, len, &out, &n))
        sqlite3_result_blob(cx, out, (int)n, SQLITE_TRANSIENT);
    else
        sqlite3_result_value(cx, v[0]);
}

static void z_destroy(void *z)
{
    mw_sqlar_z_free(z);
}

static void sql_uncompress(sqlite3_context *cx, int argc, sqlite3_value **v)
{
    (void)argc;
    sqlite3_int64 sz = sqlite3_value_int64(v[1]);
    int n = sqlite3_value_bytes(v[0]);
    if (sz <= 0 || sz == n) {
        sqlite3_result_value(cx, v[0]);
        return;
    }
    unsigned char *out = sz < INT_MAX ? sqlite3_malloc64((sqlite3_uint64)sz) : NULL;
    uLongf got = (uLongf)sz;
    if (!out) {
        sqlite3_result_error_nomem(cx);
        return;
    }
    if (uncompress(out, &got, sqlite3_value_blob(v[0]), (uLong)n) != Z_OK || got != (uLongf)sz) {
        sqlite3_free(out);
        sqlite3_result_error(cx, "sqlar_uncompress: the data does not inflate to its size", -1);
        return;
    }
    sqlite3_result_blob(cx, out, (int)got, sqlite3_free);
}

int mw_sqlar_register(struct sqlite3 *db)
{
    struct mw_sqlar_z *z = mw_sqlar_z_new();
    if (!z)
        return SQLITE_NOMEM;
    /* z is freed with the function (on failure too: SQLite calls the destructor then) */
    int rc = sqlite3_create_function_v2(db, "sqlar_compress", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, z,
                                        sql_compress, NULL, NULL, z_destroy);
    return rc ? rc : sqlite3_create_function(db, "sqlar_uncompress", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                             NULL, sql_uncompress, NULL, NULL);
}
