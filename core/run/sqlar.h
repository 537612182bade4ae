/* run/sqlar.h: the store's record compression — zlib, the format of SQLite's sqlar archives, so that the
 * sqlite3 command-line tool's own sqlar_uncompress(data, size) reads what moonwire wrote — as a C call and as
 * the SQL functions sqlar_compress(X) and sqlar_uncompress(X, SIZE) on moonwire's own connections. */
#ifndef MW_SQLAR_H
#define MW_SQLAR_H

#include <stddef.h>

struct sqlite3;

/* A zlib stream kept for every record (reset, not made anew each time: deflate's state is a quarter of a
 * megabyte to allocate and clear), at the fastest level (records are compressed on the crawl's path); the
 * bytes are compress2's. Owned: mw_sqlar_z_free. NULL when memory runs out. */
struct mw_sqlar_z;
struct mw_sqlar_z *mw_sqlar_z_new(void);
void mw_sqlar_z_free(struct mw_sqlar_z *z);
/* Deflate len bytes of p into *out (z's buffer, valid until the next call), *out_len. 1 when that is smaller
 * than len (store it with its size); 0 when it is not or memory ran out (store the bytes as they are). */
int mw_sqlar_z_compress(struct mw_sqlar_z *z, const char *p, size_t len, const unsigned char **out,
                        size_t *out_len);

/* Register sqlar_compress and sqlar_uncompress on db, as the sqlite3 shell defines them: uncompress returns
 * X itself when SIZE is NULL, <= 0 or X's own length (a record stored as text). 0, or an SQLite code. */
int mw_sqlar_register(struct sqlite3 *db);

#endif
