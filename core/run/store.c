/* run/store.c: the store interface: picks the back end for a location and passes each call to its table of
 * operations (run/store.h). What a back end keeps and how is its own file's (run/store_sqlite.c). */
#include "run/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mw_store {
    const struct mw_store_ops *ops;
    void *db;
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

struct mw_store *mw_store_open(const char *where, struct mw_err *err)
{
    if (!where || !*where) {
        mw_err_set(err, MW_EINVAL, "store", "no store path given");
        return NULL;
    }
    if (!strncmp(where, "postgres://", 11) || !strncmp(where, "postgresql://", 13)) {
        mw_err_set(err, MW_EINVAL, "store", "%s: this build has no PostgreSQL store (a store is a file path)",
                   where);
        return NULL;
    }
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
    return s->ops->article_put(s->db, a, result, id, err);
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
    struct mw_store_article a = {rec, record_json, strlen(record_json), crawl_outlet, fetched};
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
