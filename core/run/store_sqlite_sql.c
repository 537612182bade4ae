/* run/store_sqlite_sql.c: the SQL seam of the SQLite back end: statements of other modules (core/story) prepared
 * once per text and kept, parameters $1..$n bound by name, rows handed out as typed values. The store's own
 * statements are run/store_sqlite.c's. */
#include "run/store_sqlite_sql.h"

#include "common/keyed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXP 32   /* parameters and columns a statement may have */

struct stmt {
    struct mw_keyed_head h;   /* the caller's text */
    sqlite3_stmt *st;
    int at[MAXP + 1];      /* at[k]: the index of $k in st, 0 when the text has none */
};

struct mw_sqlite_sql {
    struct mw_keyed stmts;   /* struct stmt */
};

static void finalize(void *e)
{
    sqlite3_finalize(((struct stmt *)e)->st);
}

void mw_sqlite_sql_free(struct mw_sqlite_sql *c)
{
    if (!c)
        return;
    mw_keyed_free(&c->stmts, finalize);
    free(c);
}

static int fail(sqlite3 *db, const char *sql, struct mw_err *err)
{
    return mw_err_set(err, MW_EIO, "store", "%s (in: %.60s)", sqlite3_errmsg(db), sql);
}

int mw_sqlite_sql_script(sqlite3 *db, const char *sql, struct mw_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        mw_err_set(err, MW_EIO, "store", "%s (in: %.60s)", msg ? msg : sqlite3_errmsg(db), sql);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : MW_EIO;
}

static struct stmt *prepare(sqlite3 *db, struct mw_sqlite_sql *c, const char *sql, struct mw_err *err)
{
    struct stmt *s = mw_keyed_add(&c->stmts, sql);
    if (!s) {
        mw_err_set(err, MW_ENOMEM, "store", "out of memory");
        return NULL;
    }
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK) {
        fail(db, sql, err);
        sqlite3_finalize(s->st);
        return NULL;
    }
    for (int k = 1; k <= MAXP; k++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", k);
        s->at[k] = sqlite3_bind_parameter_index(s->st, name);
    }
    mw_keyed_keep(&c->stmts);
    return s;
}

static void bind(struct stmt *s, const struct mw_sql_val *params, int n)
{
    for (int k = 1; k <= n && k <= MAXP; k++) {
        const struct mw_sql_val *v = &params[k - 1];
        int at = s->at[k];
        if (!at)
            continue;
        switch (v->type) {
        case MW_SQL_INT: sqlite3_bind_int64(s->st, at, v->i); break;
        case MW_SQL_REAL: sqlite3_bind_double(s->st, at, v->d); break;
        case MW_SQL_TEXT: sqlite3_bind_text(s->st, at, v->p, (int)v->n, SQLITE_STATIC); break;
        case MW_SQL_BLOB: sqlite3_bind_blob(s->st, at, v->n ? v->p : "", (int)v->n, SQLITE_STATIC); break;
        default: sqlite3_bind_null(s->st, at); break;
        }
    }
}

static int row(sqlite3_stmt *st, mw_store_row_fn fn, void *ctx)
{
    struct mw_sql_val cols[MAXP];
    int n = sqlite3_column_count(st);
    if (n > MAXP)
        n = MAXP;
    for (int i = 0; i < n; i++) {
        struct mw_sql_val *v = &cols[i];
        memset(v, 0, sizeof *v);
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER: v->type = MW_SQL_INT; v->i = sqlite3_column_int64(st, i); break;
        case SQLITE_FLOAT: v->type = MW_SQL_REAL; v->d = sqlite3_column_double(st, i); break;
        case SQLITE_TEXT:
            v->type = MW_SQL_TEXT;
            v->p = sqlite3_column_text(st, i);
            v->n = (size_t)sqlite3_column_bytes(st, i);
            break;
        case SQLITE_BLOB:
            v->type = MW_SQL_BLOB;
            v->p = sqlite3_column_blob(st, i);
            v->n = (size_t)sqlite3_column_bytes(st, i);
            if (!v->p)   /* an empty blob: never NULL, as on every back end */
                v->p = "";
            break;
        default: v->type = MW_SQL_NULL; break;
        }
    }
    return fn(ctx, cols, n);
}

int mw_sqlite_sql(sqlite3 *db, struct mw_sqlite_sql **cache, const char *sql, const struct mw_sql_val *params,
                  int nparams, mw_store_row_fn fn, void *ctx, struct mw_err *err)
{
    if (!*cache) {
        if (!(*cache = malloc(sizeof **cache)))
            return mw_err_set(err, MW_ENOMEM, "store", "out of memory");
        mw_keyed_init(&(*cache)->stmts, sizeof(struct stmt));
    }
    struct stmt *s = mw_keyed_find(&(*cache)->stmts, sql);
    if (!s && !(s = prepare(db, *cache, sql, err)))
        return err->code ? err->code : MW_EIO;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    bind(s, params, nparams);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(s->st)) == SQLITE_ROW)
        stop = fn ? row(s->st, fn, ctx) : 0;
    int bad = !stop && rc != SQLITE_DONE;
    if (bad)
        fail(db, sql, err);
    sqlite3_reset(s->st);
    return bad ? MW_EIO : 0;
}
