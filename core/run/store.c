/* run/store.c: the store interface: picks the back end for a location and passes each call to its table of
 * operations (run/store.h). What a back end keeps and how is its own file's (run/store_sqlite.c). */
#include "run/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "run/plugins.h"
#include "meta/date.h"

struct mw_store {
    const struct mw_store_ops *ops;
    void *db;
    struct mw_plugin_lib *lib;   /* the back end's plugin, unloaded after close (NULL: built in) */
};

const char *const mw_store_stat_fields[MW_STORE_STAT_FIELDS] = {
    "title", "authors", "published", "modified", "section", "tags", "lang", "lead", "body", "images"};

static const char *const STATE_NAMES[] = {"queued", "done", "error", "robots"};

const char *mw_store_state_name(enum mw_fstate st)
{
    return (unsigned)st < sizeof STATE_NAMES / sizeof STATE_NAMES[0] ? STATE_NAMES[st] : "queued";
}

struct mw_store *mw_store_wrap(const struct mw_store_ops *ops, void *db)
{
    struct mw_store *s = calloc(1, sizeof *s);
    if (!s) {
        ops->close(db);
        return NULL;
    }
    s->ops = ops;
    s->db = db;
    return s;
}

/* Where plugins are looked for besides MOONWIRE_PLUGIN_PATH: beside the running binary (build/plugins) and
 * the installed lib dir. */
static void exe_dirs(char a[4200], char b[4200], const char *dirs[3])
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    int k = 0;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        snprintf(a, 4200, "%s/plugins", exe);
        snprintf(b, 4200, "%s/../lib/moonwire/plugins", exe);
        dirs[k++] = a;
        dirs[k++] = b;
    }
    dirs[k] = NULL;
}

/* A store behind a plugin's back end (core/plugin.h: struct mw_store_backend). */
static struct mw_store *open_plugin(const char *where, const char *name, struct mw_err *err)
{
    char a[4200], b[4200];
    const char *dirs[3];
    exe_dirs(a, b, dirs);
    struct mw_err perr = {0};
    struct mw_plugin_lib *lib = mw_plugin_load(name, dirs, &perr);
    const struct mw_plugin *info = mw_plugin_info(lib);
    if (!info || !info->store) {
        char shown[512];   /* the URL without a password */
        snprintf(shown, sizeof shown, "%s", where);
        char *scheme = strstr(shown, "://"), *at = strchr(shown, '@');
        char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
        if (at && colon && colon < at)
            memmove(colon, at, strlen(at) + 1);
        mw_err_set(err, MW_EINVAL, "store", "%s: a PostgreSQL store needs moonwire's %s plugin (%s.so, built "
                   "with libpq): %s", shown, name, name, info ? "it is not a store" : perr.msg);
        mw_plugin_unload(lib);
        return NULL;
    }
    void *db = info->store->open(where, err);
    if (!db) {
        mw_plugin_unload(lib);
        return NULL;
    }
    struct mw_store *s = mw_store_wrap(info->store->ops, db);
    if (!s) {
        mw_plugin_unload(lib);
        mw_err_set(err, MW_ENOMEM, "store", "out of memory");
        return NULL;
    }
    s->lib = lib;
    return s;
}

int mw_store_is_url(const char *where)
{
    return where && (!strncmp(where, "postgres://", 11) || !strncmp(where, "postgresql://", 13));
}

struct mw_store *mw_store_open(const char *where, struct mw_err *err)
{
    if (!where || !*where) {
        mw_err_set(err, MW_EINVAL, "store", "no store path given");
        return NULL;
    }
    if (mw_store_is_url(where))
        return open_plugin(where, "postgres", err);
    void *db = mw_store_sqlite_open(where, err);
    if (!db)
        return NULL;
    struct mw_store *s = mw_store_wrap(mw_store_sqlite_ops(), db);
    if (!s)
        mw_err_set(err, MW_ENOMEM, "store", "out of memory");
    return s;
}

void mw_store_free(struct mw_store *s)
{
    if (!s)
        return;
    s->ops->close(s->db);
    mw_plugin_unload(s->lib);
    free(s);
}

const struct mw_store_ops *mw_store_ops(const struct mw_store *s) { return s->ops; }
void *mw_store_db(const struct mw_store *s) { return s->db; }

int mw_store_begin(struct mw_store *s, struct mw_err *err) { return s->ops->begin(s->db, err); }
int mw_store_commit(struct mw_store *s, struct mw_err *err) { return s->ops->commit(s->db, err); }

void mw_store_rollback(struct mw_store *s)
{
    if (s)
        s->ops->rollback(s->db);
}

int mw_store_frontier_add(struct mw_store *s, const char *url, const char *outlet, int64_t lastmod, int64_t now,
                          int *added, struct mw_err *err)
{
    return s->ops->frontier_add(s->db, url, outlet, lastmod, now, added, err);
}

int mw_store_frontier_pending(struct mw_store *s, int max_tries, mw_store_frontier_fn fn, void *ctx,
                              struct mw_err *err)
{
    return s->ops->frontier_claim(s->db, max_tries, fn, ctx, err);
}

int mw_store_frontier_set(struct mw_store *s, const char *url, enum mw_fstate st, int tries, int64_t now,
                          struct mw_err *err)
{
    return s->ops->frontier_complete(s->db, url, st, tries, now, err);
}

long mw_store_frontier_count(struct mw_store *s, enum mw_fstate st) { return s->ops->frontier_count(s->db, st); }

int mw_store_article_put(struct mw_store *s, const struct mw_store_article *a, enum mw_put *result, int64_t *id,
                         struct mw_err *err)
{
    if (!s->lib || a->cols)
        return s->ops->article_put(s->db, a, result, id, err);
    /* a plugin's back end reads no JSON: the columns and the hash come with the article */
    struct mw_store_cols cols;
    char hash[17];
    if (mw_store_cols_of(a->rec, &cols))
        return mw_err_set(err, MW_ENOMEM, "store", "out of memory");
    mw_store_text_hash(a->rec, hash);
    struct mw_store_article b = *a;
    b.cols = &cols;
    b.hash = hash;
    int rc = s->ops->article_put(s->db, &b, result, id, err);
    free(cols.authors);
    return rc;
}

int mw_store_article_put_json(struct mw_store *s, const char *record_json, const char *crawl_outlet,
                              const char *fetched, enum mw_put *result, struct mw_err *err)
{
    *result = MW_PUT_SAME;
    json_error_t je;
    json_t *rec = json_loads(record_json, JSON_DECODE_ANY, &je);
    if (!json_is_object(rec)) {
        json_decref(rec);
        return mw_err_set(err, MW_EPARSE, "store", "record is not a JSON object: %s", je.text);
    }
    struct mw_store_article a = {rec, record_json, strlen(record_json), crawl_outlet, fetched, NULL, NULL, NULL, 0};
    int64_t id = 0;
    int rc = mw_store_article_put(s, &a, result, &id, err);
    json_decref(rec);
    return rc;
}

int mw_store_article_get(struct mw_store *s, const char *key, char **json, struct mw_err *err)
{
    return s->ops->article_get(s->db, key, json, err);
}

int mw_store_export(struct mw_store *s, const struct mw_store_filter *f, mw_store_article_fn fn, void *ctx,
                    struct mw_err *err)
{
    static const struct mw_store_filter none = {0};
    return s->ops->export(s->db, f ? f : &none, fn, ctx, err);
}

int mw_store_log(struct mw_store *s, int64_t run_id, const struct mw_store_fetch *f, struct mw_err *err)
{
    return s->ops->log(s->db, run_id, f, err);
}

int mw_store_feed_get(struct mw_store *s, const char *url, char **etag, char **last_modified, struct mw_err *err)
{
    return s->ops->feed_get(s->db, url, etag, last_modified, err);
}

int mw_store_feed_put(struct mw_store *s, const char *url, const char *etag, const char *last_modified,
                      const char *checked, struct mw_err *err)
{
    return s->ops->feed_put(s->db, url, etag, last_modified, checked, err);
}

int mw_store_run_begin(struct mw_store *s, const char *started, int64_t *id, struct mw_err *err)
{
    return s->ops->run_begin(s->db, started, id, err);
}

int mw_store_run_end(struct mw_store *s, int64_t id, const char *finished, long pages, long articles, long errors,
                     struct mw_err *err)
{
    return s->ops->run_end(s->db, id, finished, pages, articles, errors, err);
}

int mw_store_fields_put(struct mw_store *s, int64_t run_id, const struct mw_store_fields *f, struct mw_err *err)
{
    return s->ops->fields_put(s->db, run_id, f, err);
}

int mw_store_fields_before(struct mw_store *s, int64_t run_id, const char *rule, const char *field, long *pages,
                           long *rule_n, struct mw_err *err)
{
    return s->ops->fields_before(s->db, run_id, rule, field, pages, rule_n, err);
}

int mw_store_layout_alerts(struct mw_store *s, long min_pages, mw_store_alert_fn fn, void *ctx, struct mw_err *err)
{
    return s->ops->layout_alerts(s->db, min_pages, fn, ctx, err);
}

int mw_store_outlet_stats(struct mw_store *s, mw_store_stats_fn fn, void *ctx, struct mw_err *err)
{
    return s->ops->outlet_stats(s->db, fn, ctx, err);
}

int mw_store_worker_join(struct mw_store *s, const char *name, const char *host, long pid, int64_t *id,
                         struct mw_err *err)
{
    return s->ops->worker_join(s->db, name, host, pid, id, err);
}

int mw_store_worker_beat(struct mw_store *s, int64_t id, long pages, long lease_ms, struct mw_err *err)
{
    return s->ops->worker_beat(s->db, id, pages, lease_ms, err);
}

int mw_store_worker_leave(struct mw_store *s, int64_t id, struct mw_err *err)
{
    return s->ops->worker_leave(s->db, id, err);
}

int mw_store_frontier_lease(struct mw_store *s, int64_t worker, int max_tries, long n, long lease_ms,
                            mw_store_frontier_fn fn, void *ctx, long *got, struct mw_err *err)
{
    return s->ops->frontier_lease(s->db, worker, max_tries, n, lease_ms, fn, ctx, got, err);
}

int mw_store_frontier_finish(struct mw_store *s, int64_t worker, const char *url, enum mw_fstate st, int tries,
                             int64_t now, int *owned, struct mw_err *err)
{
    return s->ops->frontier_finish(s->db, worker, url, st, tries, now, owned, err);
}

int mw_store_frontier_busy(struct mw_store *s, int64_t worker, long *leased, long *reading, struct mw_err *err)
{
    return s->ops->frontier_busy(s->db, worker, leased, reading, err);
}

int mw_store_host_take(struct mw_store *s, const char *host, int64_t worker, long hold_ms, long *wait_ms,
                       struct mw_err *err)
{
    return s->ops->host_take(s->db, host, worker, hold_ms, wait_ms, err);
}

int mw_store_host_release(struct mw_store *s, const char *host, int64_t worker, long delay_ms, int failed,
                          struct mw_err *err)
{
    return s->ops->host_release(s->db, host, worker, delay_ms, failed, err);
}

int mw_store_robots_get(struct mw_store *s, const char *host, int64_t worker, long hold_ms,
                        enum mw_robots_cache *state, char **body, size_t *len, long *status, struct mw_err *err)
{
    return s->ops->robots_get(s->db, host, worker, hold_ms, state, body, len, status, err);
}

int mw_store_robots_put(struct mw_store *s, const char *host, const char *body, size_t len, long status,
                        long ttl_ms, struct mw_err *err)
{
    return s->ops->robots_put(s->db, host, body, len, status, ttl_ms, err);
}

int mw_store_source_take(struct mw_store *s, const char *url, int64_t worker, long period_ms, long hold_ms,
                         int *granted, struct mw_err *err)
{
    return s->ops->source_take(s->db, url, worker, period_ms, hold_ms, granted, err);
}

int mw_store_source_done(struct mw_store *s, const char *url, int64_t worker, struct mw_err *err)
{
    return s->ops->source_done(s->db, url, worker, err);
}

int mw_store_status(struct mw_store *s, mw_store_status_fn fn, void *ctx, struct mw_err *err)
{
    return s->ops->status(s->db, fn, ctx, err);
}

const char *mw_store_kind(const struct mw_store *s) { return s->ops->name; }

/* ---- the SQL seam ---- */

int mw_store_has_sql(const struct mw_store *s) { return s && s->ops->sql && s->ops->sql_script; }

int mw_store_sql_script(struct mw_store *s, const char *sql, struct mw_err *err)
{
    if (!mw_store_has_sql(s))
        return mw_err_set(err, MW_EINVAL, "store", "the %s store has no SQL seam", s->ops->name);
    return s->ops->sql_script(s->db, sql, err);
}

int mw_store_sql(struct mw_store *s, const char *sql, const struct mw_sql_val *params, int nparams,
                 mw_store_row_fn fn, void *ctx, struct mw_err *err)
{
    if (!mw_store_has_sql(s))
        return mw_err_set(err, MW_EINVAL, "store", "the %s store has no SQL seam", s->ops->name);
    return s->ops->sql(s->db, sql, params, nparams, fn, ctx, err);
}

struct mw_sql_val mw_sql_text(const char *t)
{
    struct mw_sql_val v = {.type = t ? MW_SQL_TEXT : MW_SQL_NULL, .p = t, .n = t ? strlen(t) : 0};
    return v;
}

int64_t mw_sql_int(const struct mw_sql_val *v)
{
    switch (v->type) {
    case MW_SQL_INT: return v->i;
    case MW_SQL_REAL: return (int64_t)v->d;
    case MW_SQL_TEXT: return strtoll(v->p, NULL, 10);
    default: return 0;
    }
}

double mw_sql_real(const struct mw_sql_val *v)
{
    switch (v->type) {
    case MW_SQL_INT: return (double)v->i;
    case MW_SQL_REAL: return v->d;
    case MW_SQL_TEXT: return strtod(v->p, NULL);
    default: return 0;
    }
}

const char *mw_sql_str(const struct mw_sql_val *v) { return v->type == MW_SQL_TEXT ? v->p : NULL; }


static const char *str(const json_t *rec, const char *k)
{
    const char *v = json_string_value(json_object_get(rec, k));
    return v && *v ? v : NULL;
}

/* Characters of UTF-8 text: bytes that are not continuation bytes (10xxxxxx), counted eight at a time. */
static long utf8_chars(const char *p, size_t n)
{
    long cont = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        cont += __builtin_popcountll(w & ~(w << 1) & 0x8080808080808080ULL);   /* bit 7 set, bit 6 clear */
    }
    for (; i < n; i++)
        cont += ((unsigned char)p[i] & 0xC0) == 0x80;
    return (long)n - cont;
}

int mw_store_cols_of(const json_t *rec, struct mw_store_cols *c)
{
    memset(c, 0, sizeof *c);
    c->url = str(rec, "url");
    const char *canon = str(rec, "canonical_url");
    c->key = canon ? canon : c->url;
    c->outlet = str(rec, "outlet");
    c->rule = str(rec, "rule");
    c->title = str(rec, "title");
    c->published = str(rec, "published");
    double secs;
    int zone = 0;
    if (c->published && !mw_date_epoch(c->published, &secs, &zone) && zone) {
        time_t t = (time_t)secs;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(c->published_utc, sizeof c->published_utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
        c->published = c->published_utc;
    }
    c->lang = str(rec, "lang");
    json_t *body = json_object_get(rec, "body");
    c->body_chars = json_is_string(body) ? utf8_chars(json_string_value(body), json_string_length(body)) : 0;
    json_t *au = json_object_get(rec, "authors");
    if (json_is_array(au) && json_array_size(au)) {
        struct mw_buf b;
        mw_buf_init(&b, 0);
        size_t i;
        json_t *v;
        json_array_foreach(au, i, v) {
            if (!json_is_string(v))
                continue;
            if ((b.len && mw_buf_append(&b, "; ", 2)) || mw_buf_append(&b, json_string_value(v), json_string_length(v))) {
                mw_buf_free(&b);
                return -1;
            }
        }
        c->authors = b.len ? mw_buf_steal(&b, NULL) : NULL;
        mw_buf_free(&b);
    }
    return 0;
}

/* Eight bytes at a time (a multiply-xorshift step per word, FNV-1a for the tail): a 16 KB body costs 2,000
 * steps, not 16,000. A collision only costs one missed revision. Stores of schema 1 used FNV-1a byte by byte;
 * their migration recomputes the hashes (run/store_sqlite.c). */
static uint64_t mix(uint64_t h, const unsigned char *p, size_t n)
{
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    for (; n; p++, n--)
        h = (h ^ *p) * 1099511628211ULL;
    return (h ^ 0xff) * 1099511628211ULL;   /* separator: "ab"+"" differs from "a"+"b" */
}

void mw_store_text_hash_of(const char *title, size_t tlen, const char *body, size_t blen, char out[17])
{
    uint64_t h = mix(1469598103934665603ULL, (const unsigned char *)(title ? title : ""), title ? tlen : 0);
    h = mix(h, (const unsigned char *)(body ? body : ""), body ? blen : 0);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

void mw_store_text_hash(const json_t *rec, char out[17])
{
    const json_t *t = json_object_get(rec, "title"), *b = json_object_get(rec, "body");
    mw_store_text_hash_of(json_string_value(t), json_string_length(t), json_string_value(b), json_string_length(b),
                          out);
}
