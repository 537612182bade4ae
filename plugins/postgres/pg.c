/* plugins/postgres/pg.c: the PostgreSQL store back end (core/plugin.h ABI 3, run/store.h's operations) through
 * libpq: connection, schema and its migrations (a version table, under an advisory lock so workers starting
 * together agree), prepared statements, and text made safe for the server. The operations are in ops.c. */
#include "pg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail_v(struct mw_err *err, int code, const char *fmt, va_list ap)
{
    if (!err || err->code)
        return;
    err->code = code;
    snprintf(err->stage, sizeof err->stage, "store");
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    size_t n = strlen(err->msg);
    while (n && (err->msg[n - 1] == '\n' || err->msg[n - 1] == ' '))
        err->msg[--n] = '\0';
    for (char *p = err->msg; *p; p++)   /* one line */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

void pg_fail(struct mw_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(err, MW_EIO, fmt, ap);
    va_end(ap);
}

int pg_failc(struct mw_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(err, code, fmt, ap);
    va_end(ap);
    return code;
}

/* The server's message without its trailing newline. */
static const char *conn_msg(PGconn *c)
{
    const char *m = c ? PQerrorMessage(c) : "no connection";
    return m && *m ? m : "unknown error";
}

int pg_result_err(struct pg *p, PGconn *c, PGresult *r, const char *what, struct mw_err *err)
{
    const char *m = r ? PQresultErrorMessage(r) : NULL;
    pg_fail(err, "%s: %s: %s", p->where, what, m && *m ? m : conn_msg(c));
    PQclear(r);
    return MW_EIO;
}

/* Valid UTF-8 stays as it is; otherwise a copy in *tmp with each bad byte as '?' (the server refuses text
 * that is not UTF-8, and an error message or a title from a broken page must not fail a batch). */
const char *pg_utf8_safe(const char *s, char **tmp)
{
    *tmp = NULL;
    if (!s)
        return NULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n = strlen(s);
    char *out = NULL;
    while (i < n) {
        unsigned char c = u[i];
        size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 && c >= 0xC2 ? 2 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 && c <= 0xF4 ? 4 : 0;
        int ok = k > 0 && i + k <= n;
        for (size_t j = 1; ok && j < k; j++)
            ok = (u[i + j] & 0xC0) == 0x80;
        if (ok) {
            i += k;
            continue;
        }
        if (!out && !(out = strdup(s)))
            return s;   /* out of memory: the server will say what is wrong */
        out[i++] = '?';
    }
    *tmp = out;
    return out ? out : s;
}

/* Statement i of the table on connection c (main or side), prepared there on first use. */
PGresult *pg_run(struct pg *p, int side, int i, int n, const char *const *params)
{
    PGconn *c = side ? p->side : p->main;
    unsigned char *prepared = side ? p->side_prepared : p->main_prepared;
    char name[16];
    snprintf(name, sizeof name, "mw%d", i);
    if (!prepared[i]) {
        PGresult *r = PQprepare(c, name, pg_sql(i), 0, NULL);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            return r;
        PQclear(r);
        prepared[i] = 1;
    }
    const char *safe[16];
    char *tmp[16];
    for (int k = 0; k < n && k < 16; k++)
        safe[k] = pg_utf8_safe(params[k], &tmp[k]);
    PGresult *r = PQexecPrepared(c, name, n, safe, NULL, NULL, 0);
    for (int k = 0; k < n && k < 16; k++)
        free(tmp[k]);
    return r;
}

int pg_ok(PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

int pg_exec(struct pg *p, int side, int i, int n, const char *const *params, const char *what, struct mw_err *err)
{
    PGresult *r = pg_run(p, side, i, n, params);
    if (!pg_ok(r))
        return pg_result_err(p, side ? p->side : p->main, r, what, err);
    PQclear(r);
    return 0;
}

static int exec_plain(struct pg *p, PGconn *c, const char *sql, struct mw_err *err)
{
    PGresult *r = PQexec(c, sql);
    if (!pg_ok(r))
        return pg_result_err(p, c, r, "schema", err);
    PQclear(r);
    return 0;
}

/* The version of the store's schema: 0 when it has none yet. */
static int schema_version(struct pg *p, long *v, struct mw_err *err)
{
    PGresult *r = PQexec(p->main, "SELECT to_regclass('schema_version') IS NOT NULL");
    if (!pg_ok(r))
        return pg_result_err(p, p->main, r, "schema", err);
    int has = PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    *v = 0;
    if (!has)
        return 0;
    r = PQexec(p->main, "SELECT coalesce(max(version), 0) FROM schema_version");
    if (!pg_ok(r))
        return pg_result_err(p, p->main, r, "schema", err);
    *v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return 0;
}

/* Create or migrate the schema in one transaction, one worker at a time (an advisory lock): a migration that
 * fails leaves the store as it was. */
static int schema(struct pg *p, struct mw_err *err)
{
    if (exec_plain(p, p->main, "BEGIN", err))
        return MW_EIO;
    long v = 0;
    int rc = exec_plain(p, p->main, "SELECT pg_advisory_xact_lock(7270016)", err);
    if (!rc)
        rc = schema_version(p, &v, err);
    if (!rc && v > PG_SCHEMA) {
        rc = pg_failc(err, MW_EINVAL, "%s: schema version %ld is newer than this moonwire's (%d): upgrade moonwire",
                      p->where, v, PG_SCHEMA);
    }
    if (!rc && v == 0) {
        rc = exec_plain(p, p->main, pg_schema_sql(), err);
        v = PG_SCHEMA;
    }
    for (long k = v; !rc && k < PG_SCHEMA; k++)
        rc = exec_plain(p, p->main, pg_migration_sql((int)k), err);
    if (rc) {
        PQclear(PQexec(p->main, "ROLLBACK"));
        return rc;
    }
    return exec_plain(p, p->main, "COMMIT", err);
}

/* The URL without its password, for messages. */
static char *where_of(const char *url)
{
    char *w = strdup(url);
    if (!w)
        return NULL;
    char *at = strchr(w, '@'), *scheme = strstr(w, "://");
    char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at)
        memmove(colon, at, strlen(at) + 1);
    return w;
}

static PGconn *connect_to(struct pg *p, const char *url, struct mw_err *err)
{
    PGconn *c = PQconnectdb(url);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        pg_fail(err, "%s: cannot connect: %s", p->where, conn_msg(c));
        PQfinish(c);
        return NULL;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    PQclear(PQexec(c, "SET TimeZone = 'UTC'"));   /* a date without a zone is UTC, as in the SQLite store */
    if (PQsetClientEncoding(c, "UTF8")) {
        pg_fail(err, "%s: cannot use UTF-8: %s", p->where, conn_msg(c));
        PQfinish(c);
        return NULL;
    }
    return c;
}

static void pg_close(void *db)
{
    struct pg *p = db;
    if (!p)
        return;
    if (p->in_tx)
        PQclear(PQexec(p->main, "ROLLBACK"));
    pg_seam_free(p->seam);
    PQfinish(p->main);
    PQfinish(p->side);
    free(p->where);
    free(p);
}

static void *pg_open(const char *url, struct mw_err *err)
{
    struct pg *p = calloc(1, sizeof *p);
    if (!p || !(p->where = where_of(url))) {
        free(p);
        pg_failc(err, MW_ENOMEM, "out of memory");
        return NULL;
    }
    /* main: the caller's transactions (a batch of pages); side: the shared crawl's leases, turns and beats,
     * each committed at once so every worker sees it */
    if (!(p->main = connect_to(p, url, err)) || !(p->side = connect_to(p, url, err)) || schema(p, err)) {
        pg_close(p);
        return NULL;
    }
    return p;
}

void pg_ops_close(void *db) { pg_close(db); }

static const char *const SCHEMES[] = {"postgresql://", "postgres://", NULL};
static const struct mw_store_backend BACKEND = {SCHEMES, pg_open, &pg_store_ops};
static const struct mw_plugin PLUGIN = {MW_PLUGIN_ABI, "postgres", "1", NULL, NULL, &BACKEND};

const struct mw_plugin *moonwire_plugin(void) { return &PLUGIN; }
