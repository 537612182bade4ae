/* plugins/postgres/seam.c: run/store.h's SQL seam on PostgreSQL, for modules keeping tables of their own beside
 * the store's (core/story; their tables are in this store's schema, sql.c): statements on the main connection
 * (the caller's transaction), prepared once per text with the parameter types of their first use, numbers and
 * text sent as text, blobs as bytea; rows come back typed by their column's type. */
#include "pg.h"
#include "common/keyed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXP 32
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

struct seam_stmt {
    struct mw_keyed_head h;   /* the caller's text */
    char name[24];
};

struct pg_seam {
    struct mw_keyed stmts;   /* struct seam_stmt */
};

void pg_seam_free(struct pg_seam *c)
{
    if (!c)
        return;
    mw_keyed_free(&c->stmts, NULL);
    free(c);
}

static int fail(struct pg *p, PGresult *r, const char *sql, struct mw_err *err)
{
    char what[96];
    snprintf(what, sizeof what, "in: %.60s", sql);
    return pg_result_err(p, p->main, r, what, err);
}

int pg_seam_script(void *db, const char *sql, struct mw_err *err)
{
    struct pg *p = db;
    PGresult *r = PQexec(p->main, sql);
    if (!pg_ok(r))
        return fail(p, r, sql, err);
    PQclear(r);
    return 0;
}

static Oid type_of(const struct mw_sql_val *v)
{
    switch (v->type) {
    case MW_SQL_INT: return OID_INT8;
    case MW_SQL_REAL: return OID_FLOAT8;
    case MW_SQL_TEXT: return OID_TEXT;
    case MW_SQL_BLOB: return OID_BYTEA;
    default: return 0;   /* the server infers it */
    }
}

static struct seam_stmt *prepare(struct pg *p, const char *sql, const struct mw_sql_val *params, int n,
                                 struct mw_err *err)
{
    struct mw_keyed *c = &p->seam->stmts;
    struct seam_stmt *s = mw_keyed_add(c, sql);
    if (!s) {
        pg_failc(err, MW_ENOMEM, "out of memory");
        return NULL;
    }
    snprintf(s->name, sizeof s->name, "mwseam%zu", c->n);
    Oid types[MAXP];
    for (int k = 0; k < n; k++)
        types[k] = type_of(&params[k]);
    PGresult *r = PQprepare(p->main, s->name, sql, n, types);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fail(p, r, sql, err);
        return NULL;
    }
    PQclear(r);
    mw_keyed_keep(c);
    return s;
}

/* one column of row i as a typed value; *blob: a bytea decoded here (the caller frees it) */
static void column(PGresult *r, int i, int col, struct mw_sql_val *v, unsigned char **blob)
{
    memset(v, 0, sizeof *v);
    *blob = NULL;
    if (PQgetisnull(r, i, col))
        return;
    const char *t = PQgetvalue(r, i, col);
    switch (PQftype(r, col)) {
    case OID_INT8: case OID_INT4: case OID_INT2: case OID_OID:
        *v = MW_SQL_I(strtoll(t, NULL, 10));
        break;
    case OID_BOOL:
        *v = MW_SQL_I(t[0] == 't');
        break;
    case OID_FLOAT8: case OID_FLOAT4: case OID_NUMERIC:
        *v = MW_SQL_R(strtod(t, NULL));
        break;
    case OID_BYTEA: {
        size_t len = 0;
        *blob = PQunescapeBytea((const unsigned char *)t, &len);
        *v = MW_SQL_B(*blob ? *blob : (const unsigned char *)"", *blob ? len : 0);
        break;
    }
    default:
        v->type = MW_SQL_TEXT;
        v->p = t;
        v->n = (size_t)PQgetlength(r, i, col);
        break;
    }
}

static int rows_to(PGresult *r, mw_store_row_fn fn, void *ctx)
{
    int nrows = PQntuples(r), ncols = PQnfields(r), stop = 0;
    if (ncols > MAXP)
        ncols = MAXP;
    for (int i = 0; i < nrows && !stop; i++) {
        struct mw_sql_val cols[MAXP];
        unsigned char *blobs[MAXP];
        for (int k = 0; k < ncols; k++)
            column(r, i, k, &cols[k], &blobs[k]);
        stop = fn(ctx, cols, ncols);
        for (int k = 0; k < ncols; k++)
            PQfreemem(blobs[k]);
    }
    return stop;
}

int pg_seam_sql(void *db, const char *sql, const struct mw_sql_val *params, int n, mw_store_row_fn fn, void *ctx,
           struct mw_err *err)
{
    struct pg *p = db;
    if (n > MAXP)
        return pg_failc(err, MW_EINVAL, "a statement of %d parameters (at most %d)", n, MAXP);
    if (!p->seam && (p->seam = malloc(sizeof *p->seam)))
        mw_keyed_init(&p->seam->stmts, sizeof(struct seam_stmt));
    if (!p->seam)
        return pg_failc(err, MW_ENOMEM, "out of memory");
    struct seam_stmt *s = mw_keyed_find(&p->seam->stmts, sql);
    if (!s && !(s = prepare(p, sql, params, n, err)))
        return err && err->code ? err->code : MW_EIO;
    const char *vals[MAXP];
    char *tmp[MAXP];
    int lens[MAXP], fmts[MAXP];
    char nums[MAXP][32];
    for (int k = 0; k < n; k++) {
        const struct mw_sql_val *v = &params[k];
        tmp[k] = NULL;
        lens[k] = 0;
        fmts[k] = 0;
        switch (v->type) {
        case MW_SQL_INT: snprintf(nums[k], sizeof nums[k], "%lld", (long long)v->i); vals[k] = nums[k]; break;
        case MW_SQL_REAL: snprintf(nums[k], sizeof nums[k], "%.17g", v->d); vals[k] = nums[k]; break;
        case MW_SQL_TEXT: vals[k] = pg_utf8_safe(v->p, &tmp[k]); break;
        case MW_SQL_BLOB: vals[k] = v->n ? v->p : ""; lens[k] = (int)v->n; fmts[k] = 1; break;
        default: vals[k] = NULL; break;
        }
    }
    PGresult *r = PQexecPrepared(p->main, s->name, n, vals, lens, fmts, 0);
    for (int k = 0; k < n; k++)
        free(tmp[k]);
    if (!pg_ok(r))
        return fail(p, r, sql, err);
    if (fn)
        rows_to(r, fn, ctx);
    PQclear(r);
    return 0;
}
