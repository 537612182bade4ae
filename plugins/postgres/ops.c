/* plugins/postgres/ops.c: run/store.h's operations on PostgreSQL. The caller's transactions (batches) run on
 * the main connection; the shared crawl's leases, host turns, robots.txt, sources and heartbeats on the side
 * connection, each committed at once, so no worker ever waits on another's open batch. */
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const STATES[] = {"queued", "done", "error", "robots"};
#define STATE(st) ((unsigned)(st) < 4 ? STATES[st] : "queued")
#define I64(buf, v) (snprintf(buf, sizeof buf, "%lld", (long long)(v)), (const char *)buf)

static const char *iso(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

static char *dup_or_null(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

static long lval(PGresult *r, int row, int col) { return strtol(PQgetvalue(r, row, col), NULL, 10); }
static long long llval(PGresult *r, int row, int col) { return strtoll(PQgetvalue(r, row, col), NULL, 10); }

/* A statement whose rows are wanted: the result, or NULL with err. */
static PGresult *rows(struct pg *p, int side, int q, int n, const char *const *v, const char *what,
                      struct mw_err *err)
{
    PGresult *r = pg_run(p, side, q, n, v);
    if (pg_ok(r))
        return r;
    pg_result_err(p, side ? p->side : p->main, r, what, err);
    return NULL;
}

/* ---- transactions ---------------------------------------------------------------------------------- */

static int pg_begin(void *db, struct mw_err *err)
{
    struct pg *p = db;
    if (p->in_tx) {
        return pg_failc(err, MW_EINVAL, "a transaction is already open");
    }
    int rc = pg_exec(p, 0, Q_BEGIN, 0, NULL, "begin", err);
    p->in_tx = !rc;
    return rc;
}

static void pg_rollback(void *db)
{
    struct pg *p = db;
    if (!p || !p->in_tx)
        return;
    p->in_tx = 0;
    PQclear(pg_run(p, 0, Q_ROLLBACK, 0, NULL));
}

static int pg_commit(void *db, struct mw_err *err)
{
    struct pg *p = db;
    if (!p->in_tx)
        return 0;
    int rc = pg_exec(p, 0, Q_COMMIT, 0, NULL, "commit", err);
    if (rc)
        pg_rollback(p);
    p->in_tx = 0;
    return rc;
}

/* ---- frontier -------------------------------------------------------------------------------------- */

static int pg_frontier_add(void *db, const char *url, const char *outlet, int64_t lastmod, int64_t now, int *added,
                           struct mw_err *err)
{
    struct pg *p = db;
    char d[32], lm[32];
    *added = 0;
    const char *v[4] = {url, outlet, iso(now, d), lastmod > 0 ? iso(lastmod, lm) : NULL};
    PGresult *r = rows(p, 0, Q_FR_INSERT, 4, v, "frontier insert", err);
    if (!r)
        return MW_EIO;
    *added = atoi(PQcmdTuples(r)) > 0;
    PQclear(r);
    if (*added || lastmod <= 0)
        return 0;
    const char *w[2] = {url, v[3]};
    if (!(r = rows(p, 0, Q_FR_REQUEUE, 2, w, "frontier requeue", err)))
        return MW_EIO;
    *added = atoi(PQcmdTuples(r)) > 0;
    PQclear(r);
    return 0;
}

static int pg_frontier_claim(void *db, int max_tries, mw_store_frontier_fn fn, void *ctx, struct mw_err *err)
{
    struct pg *p = db;
    char t[24];
    const char *v[1] = {I64(t, max_tries)};
    PGresult *r = rows(p, 0, Q_FR_PENDING, 1, v, "frontier read", err);
    if (!r)
        return MW_EIO;
    for (int i = 0; i < PQntuples(r); i++)
        if (fn(ctx, PQgetvalue(r, i, 0), PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1), (int)lval(r, i, 2)))
            break;
    PQclear(r);
    return 0;
}

static int pg_frontier_complete(void *db, const char *url, enum mw_fstate st, int tries, int64_t now,
                                struct mw_err *err)
{
    char t[24], d[32];
    const char *v[4] = {url, STATE(st), I64(t, tries), iso(now, d)};
    return pg_exec(db, 0, Q_FR_SET, 4, v, "frontier update", err);
}

static long pg_frontier_count(void *db, enum mw_fstate st)
{
    const char *v[1] = {STATE(st)};
    PGresult *r = rows(db, 0, Q_FR_COUNT, 1, v, "frontier count", NULL);
    if (!r)
        return -1;
    long n = lval(r, 0, 0);
    PQclear(r);
    return n;
}

/* ---- articles -------------------------------------------------------------------------------------- */

static int rev_insert(struct pg *p, const char *id, int rev, const struct mw_store_article *a, struct mw_err *err)
{
    char r[24];
    const char *v[5] = {id, I64(r, rev), a->hash, a->json, a->fetched};
    return pg_exec(p, 0, Q_REV_INSERT, 5, v, "revision insert", err);
}

/* A new article: *id set; 0 with *raced when another worker inserted the key first. */
static int art_insert(struct pg *p, const struct mw_store_article *a, char id[24], int *raced, struct mw_err *err)
{
    const struct mw_store_cols *c = a->cols;
    char bc[24];
    const char *v[12] = {c->key, c->url, c->outlet, c->rule, a->crawl_outlet, c->title, c->authors, c->published,
                         c->lang, I64(bc, c->body_chars), a->hash, a->fetched};
    PGresult *r = rows(p, 0, Q_ART_INSERT, 12, v, "article insert", err);
    if (!r)
        return MW_EIO;
    *raced = PQntuples(r) == 0;
    if (!*raced)
        snprintf(id, 24, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return *raced ? 0 : rev_insert(p, id, 1, a, err);
}

static int art_update(struct pg *p, const char *id, int rev, const struct mw_store_article *a, struct mw_err *err)
{
    if (rev_insert(p, id, rev, a, err))
        return MW_EIO;
    const struct mw_store_cols *c = a->cols;
    char bc[24], rv[24];
    const char *v[12] = {id, c->url, c->outlet, c->rule, c->title, c->authors, c->published, c->lang,
                         I64(bc, c->body_chars), a->hash, a->fetched, I64(rv, rev)};
    return pg_exec(p, 0, Q_ART_UPDATE, 12, v, "article update", err);
}

static int pg_article_put(void *db, const struct mw_store_article *a, enum mw_put *result, int64_t *id_out,
                          struct mw_err *err)
{
    struct pg *p = db;
    *result = MW_PUT_SAME;
    *id_out = 0;
    if (!a->cols || !a->hash) {
        return pg_failc(err, MW_EINVAL, "article without its columns (a store plugin gets them from run/store.c)");
    }
    if (!a->cols->key) {
        return pg_failc(err, MW_EINVAL, "record without url");
    }
    char id[24] = "";
    for (int attempt = 0; attempt < 2; attempt++) {
        const char *v[1] = {a->cols->key};
        PGresult *r = rows(p, 0, Q_ART_GET, 1, v, "article read", err);
        if (!r)
            return MW_EIO;
        int found = PQntuples(r) == 1;
        int rc = 0;
        if (found) {
            snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
            int same = !strcmp(PQgetvalue(r, 0, 1), a->hash);
            int revs = (int)lval(r, 0, 2);
            PQclear(r);
            if (same) {
                const char *w[2] = {id, a->fetched};
                rc = pg_exec(p, 0, Q_ART_SEEN, 2, w, "article update", err);
            } else {
                rc = art_update(p, id, revs + 1, a, err);
                *result = rc ? MW_PUT_SAME : MW_PUT_REVISED;
            }
        } else {
            PQclear(r);
            int raced = 0;
            rc = art_insert(p, a, id, &raced, err);
            if (!rc && raced)
                continue;   /* another worker stored the key a moment ago: it is an update now */
            *result = rc ? MW_PUT_SAME : MW_PUT_NEW;
        }
        if (!rc)
            *id_out = strtoll(id, NULL, 10);
        return rc;
    }
    pg_fail(err, "%s: article %s: inserted and gone again", p->where, a->cols->key);
    return MW_EIO;
}

static int pg_article_get(void *db, const char *key, char **json, struct mw_err *err)
{
    *json = NULL;
    const char *v[1] = {key};
    PGresult *r = rows(db, 0, Q_ART_RECORD, 1, v, "article read", err);
    if (!r)
        return MW_EIO;
    int rc = 0;
    if (PQntuples(r) && !(*json = strdup(PQgetvalue(r, 0, 0)))) {
        rc = pg_failc(err, MW_ENOMEM, "out of memory");
    }
    PQclear(r);
    return rc;
}

/* Export row by row (single-row mode): a store of millions is never held in memory at once. */
static int pg_export(void *db, const struct mw_store_filter *f, mw_store_article_fn fn, void *ctx,
                     struct mw_err *err)
{
    struct pg *p = db;
    char cpl[8], max[24];
    const char *v[8] = {f->seen_since, f->outlet, f->published_since, f->published_before, f->lang, f->rule,
                        I64(cpl, f->complete != 0), I64(max, f->max)};
    PGresult *prep = PQprepare(p->main, "mw_export", pg_sql(Q_EXPORT), 8, NULL);
    if (!pg_ok(prep) && !strstr(PQresultErrorMessage(prep), "already exists"))
        return pg_result_err(p, p->main, prep, "export", err);
    PQclear(prep);
    if (!PQsendQueryPrepared(p->main, "mw_export", 8, v, NULL, NULL, 0) || !PQsetSingleRowMode(p->main)) {
        pg_fail(err, "%s: export: %s", p->where, PQerrorMessage(p->main));
        return MW_EIO;
    }
    int stop = 0, rc = 0;
    PGresult *r;
    while ((r = PQgetResult(p->main))) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
            for (int i = 0; !stop && i < PQntuples(r); i++)
                stop = fn(ctx, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
        } else if (!rc) {
            pg_fail(err, "%s: export: %s", p->where, PQresultErrorMessage(r));
            rc = MW_EIO;
        }
        PQclear(r);
    }
    return rc;
}

/* ---- fetch log, feed state, runs ------------------------------------------------------------------- */

static int pg_log(void *db, int64_t run_id, const struct mw_store_fetch *f, struct mw_err *err)
{
    char a[24], b[24], c[24], d[32];
    snprintf(d, sizeof d, "%.3f", f->ms);
    const char *v[9] = {I64(a, run_id), f->url, f->kind, f->outlet, I64(b, f->status), I64(c, f->bytes), d, f->error,
                        f->fetched};
    return pg_exec(db, 0, Q_LOG, 9, v, "fetch log", err);
}

static int pg_feed_get(void *db, const char *url, char **etag, char **last_modified, struct mw_err *err)
{
    *etag = *last_modified = NULL;
    const char *v[1] = {url};
    PGresult *r = rows(db, 0, Q_FEED_GET, 1, v, "feed state read", err);
    if (!r)
        return MW_EIO;
    if (PQntuples(r)) {
        *etag = dup_or_null(r, 0, 0);
        *last_modified = dup_or_null(r, 0, 1);
    }
    PQclear(r);
    return 0;
}

static int pg_feed_put(void *db, const char *url, const char *etag, const char *last_modified, const char *checked,
                       struct mw_err *err)
{
    const char *v[4] = {url, etag, last_modified, checked};
    return pg_exec(db, 0, Q_FEED_PUT, 4, v, "feed state write", err);
}

static int pg_run_begin(void *db, const char *started, int64_t *id, struct mw_err *err)
{
    const char *v[1] = {started};
    PGresult *r = rows(db, 0, Q_RUN_BEGIN, 1, v, "run row", err);
    *id = r ? llval(r, 0, 0) : 0;
    PQclear(r);
    return r ? 0 : MW_EIO;
}

static int pg_run_end(void *db, int64_t id, const char *finished, long pages, long articles, long errors,
                      struct mw_err *err)
{
    char a[24], b[24], c[24], d[24];
    const char *v[5] = {I64(a, id), finished, I64(b, pages), I64(c, articles), I64(d, errors)};
    return pg_exec(db, 0, Q_RUN_END, 5, v, "run row", err);
}

/* ---- field stats ----------------------------------------------------------------------------------- */

static int pg_fields_put(void *db, int64_t run_id, const struct mw_store_fields *f, struct mw_err *err)
{
    char b[8][24];
    const char *v[11] = {I64(b[0], run_id), f->rule, f->field, I64(b[1], f->pages), I64(b[2], f->rule_n),
                         I64(b[3], f->fallback_n), I64(b[4], f->empty_n), f->example_url, I64(b[5], f->before_pages),
                         I64(b[6], f->before_rule), I64(b[7], f->flagged)};
    return pg_exec(db, 0, Q_FIELDS_PUT, 11, v, "field stats", err);
}

static int pg_fields_before(void *db, int64_t run_id, const char *rule, const char *field, long *pages,
                            long *rule_n, struct mw_err *err)
{
    char a[24];
    const char *v[3] = {rule, field, I64(a, run_id)};
    PGresult *r = rows(db, 0, Q_FIELDS_BEFORE, 3, v, "field stats read", err);
    *pages = r ? lval(r, 0, 0) : 0;
    *rule_n = r ? lval(r, 0, 1) : 0;
    PQclear(r);
    return r ? 0 : MW_EIO;
}

static int pg_layout_alerts(void *db, long min_pages, mw_store_alert_fn fn, void *ctx, struct mw_err *err)
{
    char a[24];
    const char *v[1] = {I64(a, min_pages)};
    PGresult *r = rows(db, 0, Q_FIELDS_ALERTS, 1, v, "field stats read", err);
    if (!r)
        return MW_EIO;
    for (int i = 0; i < PQntuples(r); i++) {
        struct mw_store_fields f = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                                    PQgetisnull(r, i, 10) ? NULL : PQgetvalue(r, i, 10), lval(r, i, 4), lval(r, i, 5),
                                    lval(r, i, 6), lval(r, i, 7), lval(r, i, 8), lval(r, i, 9), 1};
        if (fn(ctx, llval(r, i, 2), PQgetvalue(r, i, 3), &f))
            break;
    }
    PQclear(r);
    return 0;
}

static int pg_outlet_stats(void *db, mw_store_stats_fn fn, void *ctx, struct mw_err *err)
{
    PGresult *r = rows(db, 0, Q_STATS, 0, NULL, "stats", err);
    if (!r)
        return MW_EIO;
    PGresult *m = rows(db, 0, Q_MEDIANS, 0, NULL, "stats", err);
    if (!m) {
        PQclear(r);
        return MW_EIO;
    }
    for (int i = 0, k = 0; i < PQntuples(r); i++) {
        struct mw_store_outlet_stats o;
        memset(&o, 0, sizeof o);
        o.outlet = PQgetvalue(r, i, 0);
        o.articles = lval(r, i, 1);
        for (int f = 0; f < MW_STORE_STAT_FIELDS; f++)
            o.missing[f] = lval(r, i, 2 + f);
        o.pages = lval(r, i, 12);
        o.page_errors = lval(r, i, 13);
        o.last_success = PQgetisnull(r, i, 14) ? NULL : PQgetvalue(r, i, 14);
        while (k < PQntuples(m) && strcmp(PQgetvalue(m, k, 0), o.outlet) < 0)
            k++;
        if (k < PQntuples(m) && !strcmp(PQgetvalue(m, k, 0), o.outlet))
            o.median_body = lval(m, k, 1);
        if (fn(ctx, &o))
            break;
    }
    PQclear(m);
    PQclear(r);
    return 0;
}

/* ---- the shared crawl ------------------------------------------------------------------------------ */

static int pg_worker_join(void *db, const char *name, const char *host, long pid, int64_t *id, struct mw_err *err)
{
    char a[24];
    const char *v[3] = {name, host, I64(a, pid)};
    PGresult *r = rows(db, 1, Q_JOIN, 3, v, "workers", err);
    *id = r ? llval(r, 0, 0) : 0;
    PQclear(r);
    return r ? 0 : MW_EIO;
}

static int pg_worker_beat(void *db, int64_t id, long pages, long lease_ms, struct mw_err *err)
{
    char a[24], b[24], c[24];
    const char *v[2] = {I64(a, id), I64(b, pages)};
    if (pg_exec(db, 1, Q_BEAT_W, 2, v, "heartbeat", err))
        return MW_EIO;
    const char *w[2] = {a, I64(c, lease_ms)};
    if (pg_exec(db, 1, Q_BEAT_F, 2, w, "lease renewal", err))
        return MW_EIO;
    return pg_exec(db, 1, Q_BEAT_S, 2, w, "source renewal", err);
}

static int pg_worker_leave(void *db, int64_t id, struct mw_err *err)
{
    char a[24];
    const char *v[1] = {I64(a, id)};
    static const int Q[] = {Q_LEAVE_F, Q_LEAVE_H, Q_LEAVE_S, Q_LEAVE_W};
    for (size_t i = 0; i < sizeof Q / sizeof Q[0]; i++)
        if (pg_exec(db, 1, Q[i], 1, v, "worker leaves", err))
            return MW_EIO;
    return 0;
}

/* One lease of up to n rows, at most per_host of one host; *got counts them. */
static int lease_once(struct pg *p, int64_t worker, int max_tries, long n, long lease_ms, long per_host,
                      mw_store_frontier_fn fn, void *ctx, long *got, struct mw_err *err)
{
    char a[24], b[24], c[24], d[24], e[24];
    const char *v[5] = {I64(a, worker), I64(b, max_tries), I64(c, n), I64(d, lease_ms), I64(e, per_host)};
    PGresult *r = rows(p, 1, Q_LEASE, 5, v, "frontier lease", err);
    if (!r)
        return MW_EIO;
    for (int i = 0; i < PQntuples(r); i++) {
        (*got)++;
        fn(ctx, PQgetvalue(r, i, 0), PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1), (int)lval(r, i, 2));
    }
    PQclear(r);
    return 0;
}

/* Spread over hosts first (an eighth of the lease per host); what that leaves, in discovery order. */
static int pg_frontier_lease(void *db, int64_t worker, int max_tries, long n, long lease_ms, mw_store_frontier_fn fn,
                             void *ctx, long *got, struct mw_err *err)
{
    *got = 0;
    long per_host = n / 8 > 4 ? n / 8 : 4;
    if (lease_once(db, worker, max_tries, n, lease_ms, per_host, fn, ctx, got, err))
        return MW_EIO;
    if (*got < n && per_host < n)
        return lease_once(db, worker, max_tries, n - *got, lease_ms, n, fn, ctx, got, err);
    return 0;
}

static int pg_frontier_finish(void *db, int64_t worker, const char *url, enum mw_fstate st, int tries, int64_t now,
                              int *owned, struct mw_err *err)
{
    char a[24], t[24], d[32];
    const char *v[5] = {url, STATE(st), I64(t, tries), iso(now, d), I64(a, worker)};
    *owned = 0;
    PGresult *r = rows(db, 0, Q_FINISH, 5, v, "frontier update", err);
    if (!r)
        return MW_EIO;
    *owned = atoi(PQcmdTuples(r)) > 0;
    PQclear(r);
    return 0;
}

static int pg_frontier_busy(void *db, int64_t worker, long *leased, long *reading, struct mw_err *err)
{
    char a[24];
    const char *v[1] = {I64(a, worker)};
    PGresult *r = rows(db, 1, Q_BUSY, 1, v, "frontier", err);
    *leased = r ? lval(r, 0, 0) : 0;
    *reading = r ? lval(r, 0, 1) : 0;
    PQclear(r);
    return r ? 0 : MW_EIO;
}

static int pg_host_take(void *db, const char *host, int64_t worker, long hold_ms, long *wait_ms, struct mw_err *err)
{
    char a[24], b[24];
    const char *v[3] = {host, I64(a, worker), I64(b, hold_ms)};
    *wait_ms = 1000;
    for (int attempt = 0; attempt < 2; attempt++) {
        PGresult *r = rows(db, 1, Q_HOST_TAKE, 3, v, "host", err);
        if (!r)
            return MW_EIO;
        if (PQntuples(r) == 0) {   /* first sight of the host */
            PQclear(r);
            if (pg_exec(db, 1, Q_HOST_ADD, 1, v, "host", err))
                return MW_EIO;
            continue;
        }
        long granted = lval(r, 0, 0), next = lval(r, 0, 1), busy = lval(r, 0, 2), delay = lval(r, 0, 3);
        PQclear(r);
        *wait_ms = granted ? 0 : busy ? (delay > 20 ? delay : 20) : next > 1 ? next : 1;
        return 0;
    }
    return 0;
}

static int pg_host_release(void *db, const char *host, int64_t worker, long delay_ms, int failed, struct mw_err *err)
{
    char a[24], b[24], c[24];
    const char *v[4] = {host, I64(a, worker), I64(b, delay_ms), I64(c, failed)};
    return pg_exec(db, 1, Q_HOST_RELEASE, 4, v, "host", err);
}

static int robots_cached(PGresult *r, char **body, size_t *len, long *status, struct mw_err *err)
{
    *status = PQgetisnull(r, 0, 1) ? 0 : lval(r, 0, 1);
    if (!strcmp(PQgetvalue(r, 0, 3), "t"))
        return 0;
    size_t n = 0;
    unsigned char *b = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &n);
    if (!b || !(*body = malloc(n + 1))) {
        PQfreemem(b);
        return pg_failc(err, MW_ENOMEM, "out of memory");
    }
    memcpy(*body, b, n);
    (*body)[n] = '\0';
    *len = n;
    PQfreemem(b);
    return 0;
}

static int pg_robots_get(void *db, const char *host, int64_t worker, long hold_ms, enum mw_robots_cache *state,
                         char **body, size_t *len, long *status, struct mw_err *err)
{
    char a[24], b[24];
    const char *v[3] = {host, I64(a, worker), I64(b, hold_ms)};
    *state = MW_RC_WAIT;
    *body = NULL;
    *len = 0;
    *status = 0;
    PGresult *r = rows(db, 1, Q_ROBOTS_GET, 1, v, "robots cache", err);
    if (!r)
        return MW_EIO;
    if (PQntuples(r) == 0) {
        PQclear(r);
        if (pg_exec(db, 1, Q_HOST_ADD, 1, v, "host", err))
            return MW_EIO;
    } else if (!strcmp(PQgetvalue(r, 0, 2), "1")) {
        int rc = robots_cached(r, body, len, status, err);
        PQclear(r);
        if (!rc)
            *state = MW_RC_CACHED;
        return rc;
    } else {
        PQclear(r);
    }
    if (!(r = rows(db, 1, Q_ROBOTS_TAKE, 3, v, "robots cache", err)))
        return MW_EIO;
    *state = atoi(PQcmdTuples(r)) > 0 ? MW_RC_YOURS : MW_RC_WAIT;
    PQclear(r);
    return 0;
}

/* The body travels as base64 text: robots.txt may hold any bytes. */
static char *base64(const char *s, size_t n)
{
    static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
    if (!out)
        return NULL;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)u[i] << 16 | (i + 1 < n ? (unsigned)u[i + 1] << 8 : 0) | (i + 2 < n ? u[i + 2] : 0);
        *o++ = T[v >> 18 & 63];
        *o++ = T[v >> 12 & 63];
        *o++ = i + 1 < n ? T[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? T[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

static int pg_robots_put(void *db, const char *host, const char *body, size_t len, long status, long ttl_ms,
                         struct mw_err *err)
{
    const char *g[1] = {host};
    if (status <= 0)
        return pg_exec(db, 1, Q_ROBOTS_GIVE, 1, g, "robots cache", err);
    char *b64 = body ? base64(body, len) : NULL;
    if (body && !b64) {
        return pg_failc(err, MW_ENOMEM, "out of memory");
    }
    char a[24], b[24];
    const char *v[4] = {host, b64, I64(a, status), I64(b, ttl_ms)};
    int rc = pg_exec(db, 1, Q_ROBOTS_PUT, 4, v, "robots cache", err);
    free(b64);
    return rc;
}

static int pg_source_take(void *db, const char *url, int64_t worker, long period_ms, long hold_ms, int *granted,
                          struct mw_err *err)
{
    char a[24], b[24], c[24];
    const char *v[4] = {url, I64(a, worker), I64(b, period_ms), I64(c, hold_ms)};
    *granted = 0;
    if (pg_exec(db, 1, Q_SRC_ADD, 1, v, "sources", err))
        return MW_EIO;
    PGresult *r = rows(db, 1, Q_SRC_TAKE, 4, v, "sources", err);
    if (!r)
        return MW_EIO;
    *granted = atoi(PQcmdTuples(r)) > 0;
    PQclear(r);
    return 0;
}

static int pg_source_done(void *db, const char *url, int64_t worker, struct mw_err *err)
{
    char a[24];
    const char *v[2] = {url, I64(a, worker)};
    /* in the caller's batch, with the URLs the source gave: a crash before the commit leaves it unread */
    return pg_exec(db, 0, Q_SRC_DONE, 2, v, "sources", err);
}

static int pg_status(void *db, mw_store_status_fn fn, void *ctx, struct mw_err *err)
{
    static const struct { const char *kind; int q; } Q[] = {
        {"worker", Q_ST_WORKERS}, {"queue", Q_ST_OUTLETS}, {"queue", Q_ST_HOSTS}, {"error", Q_ST_ERRORS}};
    for (size_t k = 0; k < sizeof Q / sizeof Q[0]; k++) {
        PGresult *r = rows(db, 1, Q[k].q, 0, NULL, "status", err);
        if (!r)
            return MW_EIO;
        int stop = 0;
        for (int i = 0; !stop && i < PQntuples(r); i++) {
            struct mw_store_status row = {Q[k].kind, PQgetvalue(r, i, 0),
                                          PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1), lval(r, i, 2),
                                          lval(r, i, 3), strtod(PQgetvalue(r, i, 4), NULL)};
            stop = fn(ctx, &row);
        }
        PQclear(r);
        if (stop)
            break;
    }
    return 0;
}

const struct mw_store_ops pg_store_ops = {
    .name = "postgresql",
    .close = pg_ops_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .frontier_add = pg_frontier_add,
    .frontier_claim = pg_frontier_claim,
    .frontier_complete = pg_frontier_complete,
    .frontier_count = pg_frontier_count,
    .article_put = pg_article_put,
    .article_get = pg_article_get,
    .export = pg_export,
    .log = pg_log,
    .feed_get = pg_feed_get,
    .feed_put = pg_feed_put,
    .run_begin = pg_run_begin,
    .run_end = pg_run_end,
    .fields_put = pg_fields_put,
    .fields_before = pg_fields_before,
    .layout_alerts = pg_layout_alerts,
    .outlet_stats = pg_outlet_stats,
    .worker_join = pg_worker_join,
    .worker_beat = pg_worker_beat,
    .worker_leave = pg_worker_leave,
    .frontier_lease = pg_frontier_lease,
    .frontier_finish = pg_frontier_finish,
    .frontier_busy = pg_frontier_busy,
    .host_take = pg_host_take,
    .host_release = pg_host_release,
    .robots_get = pg_robots_get,
    .robots_put = pg_robots_put,
    .source_take = pg_source_take,
    .source_done = pg_source_done,
    .status = pg_status,
    .sql_script = pg_seam_script,
    .sql = pg_seam_sql,
};
