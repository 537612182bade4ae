/* run/store_sqlite_sql.h: the SQL seam of the SQLite back end (run/store.h's sql and sql_script): other modules'
 * statements on the store's handle, prepared once per text and kept in a cache the back end frees on close. */
#ifndef MW_STORE_SQLITE_SQL_H
#define MW_STORE_SQLITE_SQL_H

#include <sqlite3.h>

#include "run/store.h"

struct mw_sqlite_sql;   /* the prepared statements, by text */
void mw_sqlite_sql_free(struct mw_sqlite_sql *c);
int mw_sqlite_sql_script(sqlite3 *db, const char *sql, struct mw_err *err);
/* *cache is created on first use. */
int mw_sqlite_sql(sqlite3 *db, struct mw_sqlite_sql **cache, const char *sql, const struct mw_sql_val *params,
                  int nparams, mw_store_row_fn fn, void *ctx, struct mw_err *err);

#endif
