/* run/sink.c: the sinks of a crawl (the built-in store sink and core/plugin.h plugins), the record as it
 * travels to them (one serialisation), and the hand-off queue from extraction threads to the thread that
 * feeds them. Which sinks a config names is run/config.c's; when records come and what commits is crawl.c's. */
#include "run/sink.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "run/plugins.h"
#include "run/sqlar.h"
#include "story/story.h"

/* ---- the record ---- */

void mw_record_take(struct mw_record *r, json_t *rec)
{
    r->rec = rec;
    json_t *o = json_object_get(rec, "origin");
    if (o) {
        r->origin = json_incref(o);
        json_object_del(rec, "origin");
    }
}

struct mw_record *mw_record_new(json_t *rec)
{
    struct mw_record *r = calloc(1, sizeof *r);
    if (!r) {
        json_decref(rec);
        return NULL;
    }
    mw_record_take(r, rec);
    return r;
}

int mw_record_seal(struct mw_record *r)
{
    json_t *e = json_object_get(r->rec, "error");
    r->is_error = e && !json_is_null(e);
    free(r->json);
    r->len = 0;
    r->json = mw_json_dumps(r->rec, &r->len);
    return r->json ? 0 : MW_ENOMEM;
}

void mw_record_free(struct mw_record *r)
{
    if (!r)
        return;
    json_decref(r->rec);
    json_decref(r->origin);
    free(r->json);
    free(r->story_doc);
    free(r->z);
    free(r);
}

/* ---- the sinks ---- */

struct sink {
    char *name;
    const struct mw_sink_ops *ops;   /* plugins; NULL for the built-in store sink */
    void *state;
    struct mw_plugin_lib *lib;
};

struct mw_sinks {
    struct sink *v;
    size_t n;
    struct mw_store *store;          /* the built-in sink's, borrowed; NULL when the config has none */
    struct mw_story_store *stories;  /* core/story's tables in that store, opened at the first new article */
    mw_sink_error_fn on_error;
    void *ctx;
    struct mw_sqlar_z *z;            /* mw_sinks_prepare's stream, made at its first record */
    int deflates;                    /* the store keeps records deflated (SQLite) */
};

void mw_sinks_free(struct mw_sinks *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        struct sink *k = &s->v[i];
        if (k->ops && k->state)
            k->ops->close(k->state);
        mw_plugin_unload(k->lib);
        free(k->name);
    }
    mw_story_store_free(s->stories);
    mw_sqlar_z_free(s->z);
    free(s->v);
    free(s);
}

static int open_plugin(struct sink *k, const struct mw_run_sink *rs, const char *const *dirs, struct mw_err *err)
{
    k->lib = mw_plugin_load(rs->name, dirs, err);
    if (!k->lib)
        return err ? err->code : MW_EIO;
    const struct mw_plugin *p = mw_plugin_info(k->lib);
    if (!p || !p->sink || !p->sink->open || !p->sink->close)
        return mw_err_set(err, MW_EINVAL, "sink", "%s: plugin \"%s\" is not a sink", mw_plugin_path(k->lib),
                          rs->name);
    char msg[512] = "";
    if (p->sink->open(&k->state, rs->config_json ? rs->config_json : "{}", msg, sizeof msg)) {
        k->state = NULL;
        return mw_err_set(err, MW_EIO, "sink", "%s: %s", rs->name, msg[0] ? msg : "open failed");
    }
    k->ops = p->sink;
    return 0;
}

struct mw_sinks *mw_sinks_new(const struct mw_run_sink *cfg, size_t n, struct mw_store *store,
                              const char *const *plugin_dirs, mw_sink_error_fn on_error, void *ctx,
                              struct mw_err *err)
{
    struct mw_sinks *s = calloc(1, sizeof *s);
    if (s)
        s->v = calloc(n ? n : 1, sizeof *s->v);
    if (!s || !s->v) {
        free(s);
        mw_err_set(err, MW_ENOMEM, "sink", "out of memory");
        return NULL;
    }
    s->on_error = on_error;
    s->ctx = ctx;
    for (size_t i = 0; i < n; i++) {
        struct sink *k = &s->v[s->n];
        if (!(k->name = strdup(cfg[i].name))) {
            mw_err_set(err, MW_ENOMEM, "sink", "out of memory");
            mw_sinks_free(s);
            return NULL;
        }
        s->n++;
        if (!strcmp(cfg[i].name, "sqlite")) {   /* the crawl's own store, inside the page's transaction */
            s->store = store;
            s->deflates = !strcmp(mw_store_kind(store), "sqlite");
            continue;
        }
        if (open_plugin(k, &cfg[i], plugin_dirs, err)) {
            mw_sinks_free(s);
            return NULL;
        }
    }
    return s;
}

int mw_sinks_store(const struct mw_sinks *s) { return s->store != NULL; }

static void fail(struct mw_sinks *s, const char *url, const char *msg)
{
    if (s->on_error)
        s->on_error(s->ctx, url, msg);
}

void mw_sinks_fetch(struct mw_sinks *s, const struct mw_fetch_event *ev)
{
    for (size_t i = 0; i < s->n; i++) {
        struct sink *k = &s->v[i];
        char msg[512] = "";
        if (k->ops && k->ops->on_fetch && k->ops->on_fetch(k->state, ev, msg, sizeof msg))
            fail(s, ev->url, msg[0] ? msg : "sink failed");
    }
}

/* What other modules keep beside a new article, in its transaction: core/story assigns it to a story (in a
 * savepoint of its own), on every store with the SQL seam (SQLite, PostgreSQL). */
static int beside_article(struct mw_story_store **stories, struct mw_store *store, const struct mw_record *r,
                          enum mw_put put, int64_t id, struct mw_err *err)
{
    if (put != MW_PUT_NEW || !mw_store_has_sql(store))
        return 0;
    return r->rec ? mw_story_store_hook_record(stories, store, id, r->rec, r->story_doc, err)
                  : mw_story_store_hook(stories, store, r->json, err);
}

/* The built-in sink's record path: the article, then what other modules keep beside it, in one transaction. */
static int store_record(struct mw_sinks *s, const struct mw_record *r, const char *crawl_outlet,
                        const char *fetched, enum mw_put *stored, struct mw_err *err)
{
    struct mw_store_article a = {r->rec, r->json, r->len, crawl_outlet, fetched, NULL, NULL, r->z, r->zlen};
    int64_t id = 0;
    int rc = mw_store_article_put(s->store, &a, stored, &id, err);
    return rc ? rc : beside_article(&s->stories, s->store, r, *stored, id, err);
}

int mw_sinks_record(struct mw_sinks *s, const struct mw_record *r, const char *crawl_outlet, const char *fetched,
                    enum mw_put *stored, struct mw_err *err)
{
    *stored = MW_PUT_SAME;
    int rc = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct sink *k = &s->v[i];
        char msg[512] = "";
        if (!k->ops) {
            if (!r->is_error && !rc)
                rc = store_record(s, r, crawl_outlet, fetched, stored, err);
        } else if (k->ops->on_record && k->ops->on_record(k->state, r->json, msg, sizeof msg)) {
            fail(s, "", msg[0] ? msg : "sink failed");
        }
    }
    if (rc)
        *stored = MW_PUT_SAME;
    return rc;
}

void mw_sinks_prepare(struct mw_sinks *s, struct mw_record *r)
{
    if (!s->deflates || r->is_error || !r->json || r->z || (!s->z && !(s->z = mw_sqlar_z_new())))
        return;
    const unsigned char *z;
    size_t n;
    if (mw_sqlar_z_compress(s->z, r->json, r->len, &z, &n) && (r->z = malloc(n))) {
        memcpy(r->z, z, n);
        r->zlen = n;
    }
}

void mw_sinks_flush(struct mw_sinks *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct sink *k = &s->v[i];
        char msg[512] = "";
        if (k->ops && k->ops->flush && k->ops->flush(k->state, msg, sizeof msg))
            fail(s, "", msg[0] ? msg : "sink flush failed");
    }
}

/* ---- the "sqlite" sink with the plugin interface: its own store, records as text ---- */

struct sq_sink {
    struct mw_store *store;
    struct mw_story_store *stories;
    int owned;   /* opened by sq_open (closed with the sink), else the caller's (mw_sink_sqlite_bind) */
};

static int sq_open(void **state, const char *config_json, char *errbuf, size_t cap)
{
    json_t *cfg = json_loads(config_json ? config_json : "{}", 0, NULL);
    const char *path = json_string_value(json_object_get(cfg, "path"));
    struct mw_err err = {0};
    struct mw_store *s = path ? mw_store_open(path, &err) : NULL;
    if (!path)
        snprintf(errbuf, cap, "sqlite sink: no \"path\" in its config");
    else if (!s)
        snprintf(errbuf, cap, "sqlite sink: %s", err.msg);
    json_decref(cfg);
    struct sq_sink *k = s ? calloc(1, sizeof *k) : NULL;
    if (s && !k) {
        snprintf(errbuf, cap, "sqlite sink: out of memory");
        mw_store_free(s);
    }
    if (k) {
        k->store = s;
        k->owned = 1;
    }
    *state = k;
    return k ? 0 : 1;
}

static int sq_record(void *state, const char *record_json, char *errbuf, size_t cap)
{
    struct sq_sink *k = state;
    struct mw_record r = {0};
    mw_record_take(&r, json_loads(record_json, 0, NULL));
    r.json = (char *)record_json;
    r.len = strlen(record_json);
    json_t *e = json_object_get(r.rec, "error");
    int is_error = !r.rec || (e && !json_is_null(e));
    const char *f = json_string_value(json_object_get(r.rec, "fetched"));
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    struct mw_store_article a = {r.rec, record_json, r.len, NULL, f ? f : now, NULL, NULL, NULL, 0};
    struct mw_err err = {0};
    enum mw_put put = MW_PUT_SAME;
    int64_t id;
    int rc = is_error ? 0 : mw_store_article_put(k->store, &a, &put, &id, &err);
    if (!rc && !is_error)
        rc = beside_article(&k->stories, k->store, &r, put, id, &err);
    json_decref(r.rec);
    json_decref(r.origin);
    if (rc)
        snprintf(errbuf, cap, "sqlite sink: %s", err.msg);
    return rc ? 1 : 0;
}

static void sq_close(void *state)
{
    struct sq_sink *k = state;
    if (!k)
        return;
    mw_story_store_free(k->stories);
    if (k->owned)
        mw_store_free(k->store);
    free(k);
}

void *mw_sink_sqlite_bind(struct mw_store *s)
{
    struct sq_sink *k = calloc(1, sizeof *k);
    if (k)
        k->store = s;
    return k;
}

static const struct mw_sink_ops SQLITE_OPS = {
    .open = sq_open,
    .on_fetch = NULL,
    .on_record = sq_record,
    .flush = NULL,   /* every write is committed by its own statement */
    .close = sq_close,
};

const struct mw_sink_ops *mw_sink_sqlite_ops(void) { return &SQLITE_OPS; }

/* ---- the hand-off queue ---- */

struct mw_sink_queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct mw_record *head, *tail;
    int closed;
    void (*wake)(void *);
    void *wake_ctx;
};

struct mw_sink_queue *mw_sink_queue_new(void (*wake)(void *), void *wake_ctx)
{
    struct mw_sink_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->wake = wake;
    q->wake_ctx = wake_ctx;
    return q;
}

void mw_sink_queue_free(struct mw_sink_queue *q)
{
    if (!q)
        return;
    struct mw_record *r;
    while ((r = mw_sink_queue_pop(q)))
        mw_record_free(r);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

void mw_sink_queue_push(struct mw_sink_queue *q, struct mw_record *r)
{
    r->next = NULL;
    pthread_mutex_lock(&q->mu);
    int was_empty = !q->head;
    if (q->tail)
        q->tail->next = r;
    else
        q->head = r;
    q->tail = r;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
    /* a queue that held records has had its wake-up: its taker empties it (takes until pop gives NULL) */
    if (q->wake && was_empty)
        q->wake(q->wake_ctx);
}

static struct mw_record *take(struct mw_sink_queue *q)
{
    struct mw_record *r = q->head;
    if (r) {
        q->head = r->next;
        if (!q->head)
            q->tail = NULL;
        r->next = NULL;
    }
    return r;
}

struct mw_record *mw_sink_queue_pop(struct mw_sink_queue *q)
{
    pthread_mutex_lock(&q->mu);
    struct mw_record *r = take(q);
    pthread_mutex_unlock(&q->mu);
    return r;
}

struct mw_record *mw_sink_queue_wait(struct mw_sink_queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (!q->head && !q->closed)
        pthread_cond_wait(&q->cv, &q->mu);
    struct mw_record *r = q->closed ? NULL : take(q);
    pthread_mutex_unlock(&q->mu);
    return r;
}

void mw_sink_queue_close(struct mw_sink_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}
