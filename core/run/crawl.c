/* run/crawl.c: the scheduled pass: seeds sources, resumes the stored frontier, and drives every transfer
 * through one curl multi loop, with per-host queues and timers as data (run/frontier.c). Fetched pages go to
 * the extraction pool (run/workers.c), then to the store writer (run/writer.c), and come back through the sink
 * queues (run/sink.c), so the loop never waits on extraction or the store; their writes are grouped into batch
 * transactions. Parsing sources is run/discover.c's, robots.txt run/robots.c's, persistence run/store.h's;
 * printing is the caller's. */
#include "run/crawl.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "extract/article.h"
#include "meta/date.h"
#include "net/fetch.h"
#include "net/url.h"
#include "run/discover.h"
#include "run/frontier.h"
#include "run/match.h"
#include "run/plugins.h"
#include "run/robots.h"
#include "run/sink.h"
#include "run/store.h"
#include "run/workers.h"
#include "run/writer.h"
#include "story/story.h"

#define HEADERS_MAX (256 * 1024)
#define ROBOTS_MAX (512 * 1024)     /* RFC 9309 asks for at least 500 KiB to be read */
#define SOURCES_MAX 10000           /* sources (feeds, sitemaps, listings) per pass */
/* A batch transaction commits after this many pages or this long, whichever first, and whenever the loop has
 * nothing in flight: one commit per page was a quarter of the crawl's CPU. */
#define BATCH_PAGES 256
#define BATCH_MS 500.0
/* Pages are leased from the store's frontier this many at a time (at least), and more when fewer are left in
 * memory than half that; a lease that finds nothing is asked again after LEASE_POLL_MS. */
#define LEASE_MIN 64
#define LEASE_POLL_MS 250.0
/* Pages fetched and not yet back from the writer: at most this many an extraction thread, and a new fetch
 * starts only while their bodies hold less than EXTRACT_BYTES. */
#define EXTRACT_PER_THREAD 16
#define EXTRACT_BYTES (32u << 20)
#define ROBOTS_TTL_MS (24L * 3600 * 1000)   /* RFC 9309 2.4: a cached robots.txt is good for 24 hours */

struct outlet {
    char *name;
    char **article;                 /* Lua patterns, NULL-terminated, or NULL */
    char **domains;
    struct mw_crawl_outlet st;
    long started;                   /* article pages started this pass */
    int labelled;                   /* named by the config (a rule name, a source's outlet =): records carry it */
};

struct source {
    char *url;                      /* normalised */
    enum mw_source_type type;
    uint32_t outlet;
    char *links;
    char *next;                     /* listing: CSS of the next-page link, or a URL pattern with {n} */
    int page, pages;                /* listing: this page's number (1 = the source itself) and the most read */
};

/* A fetched page on its way through extraction (the pool's work user, back in the record). */
struct page {
    struct mw_job *job;             /* owned */
    long status;
    size_t bytes;
    double ms;
    char fetched[32];
    char *label;                    /* the config's outlet name, when records carry it */
    char *final_url;
    struct kept_fetch *fetch;       /* owned, may be NULL: the exchange, for the page's event (keep_fetch) */
    const struct mw_story_stop *stop;  /* borrowed: set when new articles get stories (the store's hook) */
    char *fetch_error;              /* owned, may be NULL: the transfer's failure, when the record says that */
    /* what the writer made of it (page_write, the store lock held), read by the loop (page_back) */
    enum mw_put stored;
    int batched;                    /* its writes are in the open batch: its event waits for the commit */
    int rolled_back;                /* the store failed on it: the batch it was in was rolled back */
    struct mw_err err;              /* the store's failure */
    char msg[900];                  /* the event's error line, "" when none */
    char sink_error[512];           /* the first plugin sink failure on the record, "" when none */
    int sink_errors;
};

/* A page's exchange kept until its event is out (mw_crawl_opts.keep_fetch): the event and its strings' copies. */
struct kept_fetch {
    struct mw_fetch_event ev;
    char *s[9];
};

/* An event held until the batch its writes belong to commits (then it is true). */
struct held {
    struct held *next;
    struct mw_crawl_event ev;       /* strings owned below, or borrowed from the crawl's outlets */
    char *url, *error;
    struct mw_record *rec;          /* a page's record: ev.record_json is its text */
    char *json;                     /* other records' text */
    struct kept_fetch *fetch;       /* a page's exchange (ev.fetch), when kept */
    uint32_t outlet;
};

/* Per rule and record field, this pass: where the field's value came from (layout-change alerts). */
struct fstat {
    char *rule;
    int field;                      /* index into FIELDS */
    long pages, rule_n, fallback_n, empty_n;
    char *example;                  /* first page where the rule did not fill it */
};

static const char *const FIELDS[] = {"title", "lead", "authors", "published", "modified", "section", "tags",
                                     "body", "images", "dateline"};
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

struct xfer {
    CURL *h;
    struct mw_job *job;
    struct mw_host *host;
    struct mw_buf body, hdrs;
    char status_line[160];
    int body_over;
    struct curl_slist *headers;
    char errbuf[CURL_ERROR_SIZE];
    double t0;
    int turn;                       /* holds its host's turn in the store (shared politeness) */
    struct mw_crawl *c;
};

struct mw_crawl {
    struct mw_crawl_opts o;
    const struct mw_run_config *cfg;
    struct mw_store *store;
    struct mw_sinks *sinks;
    struct mw_sink_queue *write_q;  /* extracted pages, from the pool to the writer */
    struct mw_sink_queue *done_q;   /* written pages, from the writer back to the loop */
    struct mw_workers *pool;
    struct mw_writer *writer;       /* its lock covers every use of the store, the sinks and the batch state */
    struct page *writing;           /* the page the writer is writing (its sink failures go with it) */
    struct mw_story_stop *stop;     /* owned, may be NULL: for the stories hook's documents, made by the pool */
    int extracting, max_extracting; /* pages handed to the pool and not back yet; the most at once */
    size_t extract_bytes;           /* their bodies' bytes (at most EXTRACT_BYTES before one more goes) */
    int in_batch;                   /* a batch transaction is open (this and the next two: under the lock) */
    long batch_pages;
    double batch_t0;
    struct held *held, *held_tail;  /* events of the open batch, in order */
    struct mw_match *match;
    struct outlet *outlets;
    size_t noutlets;
    struct source *seeds;           /* from the rules and the config, read every pass */
    size_t nseeds;
    struct source *sources;         /* this pass: seeds plus what indexes and robots.txt add */
    size_t nsources;
    struct source *deferred;        /* shared crawl: sources other workers held when asked (source_add) */
    size_t ndeferred;
    struct mw_frontier *fr;
    CURLM *multi;
    struct xfer *xfers;
    int nxfers, inflight;
    struct curl_slist *resolve, *connect_to;
    struct mw_fetch_opts fo;
    int64_t run_id;
    long done, errors, pages, articles;
    double t0, secs;
    double deadline;                /* monotonic ms at which the pass stops (limits.pass_time) */
    const char *stopped_by;         /* "pass_time", "signal" or NULL */
    long left_queued;
    struct fstat *fstats;
    size_t nfstats;
    struct mw_crawl_alert *alerts;
    size_t nalerts;
    char **given;                   /* pages given by mw_crawl_add_page before the pass, in the caller's order */
    char **given_outlet;
    size_t ngiven;
    /* the shared crawl (run/store.h): this pass's worker row, its leases and heartbeat */
    int64_t worker;
    int shared;                     /* politeness and robots.txt through the store */
    int turn_pending;               /* start() hands the host's turn to its transfer */
    long lease_n;
    long dry;                       /* c->done + 1 when the last lease found nothing, else 0 */
    double next_lease, next_beat, next_busy;
};

/* ---------- small helpers ---------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void iso_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* JSON string or array of strings -> NULL-terminated vector (NULL when absent or empty). */
static char **json_strv(json_t *v)
{
    size_t n = json_is_array(v) ? json_array_size(v) : json_is_string(v) ? 1 : 0;
    if (!n)
        return NULL;
    char **out = calloc(n + 1, sizeof *out);
    size_t k = 0;
    for (size_t i = 0; out && i < n; i++) {
        json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
        if (json_is_string(e) && (out[k] = strdup(json_string_value(e))))
            k++;
    }
    return out;
}

static char **strv_dup(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    if (!n)
        return NULL;
    char **out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++)
        out[i] = strdup(v[i]);
    return out;
}

static const char *type_name(enum mw_source_type t)
{
    switch (t) {
    case MW_SRC_FEED: return "feed";
    case MW_SRC_SITEMAP: return "sitemap";
    case MW_SRC_LISTING: return "listing";
    case MW_SRC_ROBOTS: return "robots";
    default: return "source";
    }
}

static const char *job_kind(struct mw_crawl *c, const struct mw_job *j)
{
    if (j->src == MW_JOB_PAGE)
        return "page";
    if (j->src == MW_JOB_ROBOTS)
        return "robots";
    return type_name(c->sources[j->src].type);
}

/* ---------- outlets and seeds ---------- */

static int outlet_add(struct mw_crawl *c, const char *name, char **article, char **domains)
{
    struct outlet *p = realloc(c->outlets, (c->noutlets + 1) * sizeof *p);
    if (!p)
        return -1;
    c->outlets = p;
    struct outlet *o = &p[c->noutlets];
    memset(o, 0, sizeof *o);
    o->name = strdup(name);
    o->article = article;
    o->domains = domains;
    o->st.name = o->name;
    if (!o->name)
        return -1;
    return (int)c->noutlets++;
}

static int outlet_find(struct mw_crawl *c, const char *name)
{
    for (size_t i = 0; i < c->noutlets; i++)
        if (!strcmp(c->outlets[i].name, name))
            return (int)i;
    return -1;
}

static int seed_add(struct mw_crawl *c, const char *url, enum mw_source_type type, uint32_t outlet, const char *links)
{
    struct source *p = realloc(c->seeds, (c->nseeds + 1) * sizeof *p);
    if (!p)
        return -1;
    c->seeds = p;
    p[c->nseeds].url = strdup(url);
    p[c->nseeds].type = type;
    p[c->nseeds].outlet = outlet;
    p[c->nseeds].links = links ? strdup(links) : NULL;
    p[c->nseeds].next = NULL;
    p[c->nseeds].page = p[c->nseeds].pages = 1;
    c->nseeds++;
    return p[c->nseeds - 1].url ? 0 : -1;
}

/* Seed i's next pages: next (a selector or a pattern with {n}) and how many pages at most. */
static int seed_paging_at(struct mw_crawl *c, size_t i, const char *next, int pages)
{
    struct source *s = &c->seeds[i];
    free(s->next);
    s->next = NULL;
    s->pages = pages > 0 ? pages : next ? 10 : 1;
    return next && !(s->next = strdup(next)) ? -1 : 0;
}

static enum mw_source_type kind_of_key(const char *k)
{
    static const struct { const char *k; enum mw_source_type t; } KEYS[] = {
        {"rss", MW_SRC_FEED}, {"atom", MW_SRC_FEED}, {"rdf", MW_SRC_FEED}, {"feed", MW_SRC_FEED},
        {"feeds", MW_SRC_FEED}, {"sitemap", MW_SRC_SITEMAP}, {"sitemaps", MW_SRC_SITEMAP},
        {"news_sitemap", MW_SRC_SITEMAP}, {"news", MW_SRC_SITEMAP}, {"sitemap_index", MW_SRC_SITEMAP},
        {"listing", MW_SRC_LISTING}, {"listings", MW_SRC_LISTING}, {"pages", MW_SRC_LISTING},
        {"sections", MW_SRC_LISTING}};
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (!strcmp(k, KEYS[i].k))
            return KEYS[i].t;
    return MW_SRC_AUTO;
}

/* One value under a sources key: a URL, a list of them, or {url = ..., links = ...} (or a list of those). */
static int seed_value(struct mw_crawl *c, json_t *v, enum mw_source_type t, uint32_t outlet, const char *links)
{
    if (json_is_string(v))
        return seed_add(c, json_string_value(v), t, outlet, links);
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) if (seed_value(c, e, t, outlet, links)) return -1;
        return 0;
    }
    if (json_is_object(v)) {
        const char *l = json_string_value(json_object_get(v, "links"));
        const char *next = json_string_value(json_object_get(v, "next"));
        json_t *u = json_object_get(v, "url");
        if (!u)
            u = json_object_get(v, "urls");
        if (!u)
            u = json_object_get(v, "1");
        size_t before = c->nseeds;
        if (u && seed_value(c, u, t, outlet, l ? l : links))
            return -1;
        for (size_t i = before; next && i < c->nseeds; i++)   /* a listing's next pages, as the rule says */
            if (seed_paging_at(c, i, next, (int)json_integer_value(json_object_get(v, "pages"))))
                return -1;
        return 0;
    }
    return 0;
}

/* A rule's `sources`: {rss = {...}, sitemap = {...}, listing = {url = ..., links = CSS}, links = CSS} or a
 * plain list of URLs (kind sniffed from the bytes). */
static int seed_rule_sources(struct mw_crawl *c, json_t *s, uint32_t outlet)
{
    if (!json_is_object(s))
        return seed_value(c, s, MW_SRC_AUTO, outlet, NULL);
    const char *links = json_string_value(json_object_get(s, "links"));
    const char *k;
    json_t *v;
    json_object_foreach(s, k, v) {
        if (!strcmp(k, "links") || !strcmp(k, "robots"))
            continue;
        enum mw_source_type t = kind_of_key(k);
        if (seed_value(c, v, t, outlet, t == MW_SRC_LISTING ? links : NULL))
            return -1;
    }
    return 0;
}

static int setup_outlets(struct mw_crawl *c, struct mw_err *err)
{
    const struct mw_run_config *cfg = c->cfg;
    for (size_t i = 0; cfg->outlets && cfg->outlets[i]; i++) {
        json_t *r = mw_runner_rule_info(c->o.runner, cfg->outlets[i]);   /* the one rule, not all 10,000 */
        if (!r) {
            return mw_err_set(err, MW_ENOTFOUND, "config", "%s: outlets[%zu]: no rule named \"%s\" (see `moonwire "
                              "rules`; rules come from scripts/outlets, the config's `rules` and MOONWIRE_RULES)",
                              cfg->file, i + 1, cfg->outlets[i]);
        }
        int idx = outlet_add(c, cfg->outlets[i], json_strv(json_object_get(r, "article")),
                             json_strv(json_object_get(r, "domains")));
        int bad = idx < 0 || seed_rule_sources(c, json_object_get(r, "sources"), (uint32_t)idx);
        json_decref(r);
        if (bad)
            return mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
        c->outlets[idx].labelled = 1;
    }
    for (size_t i = 0; i < cfg->nsources; i++) {
        const struct mw_run_source *s = &cfg->sources[i];
        char *host = NULL;
        const char *name = s->outlet;
        if (!name)
            name = host = mw_url_host(s->url);
        if (!name)
            return mw_err_set(err, MW_EINVAL, "config", "%s: sources[%zu]: \"%s\" is not an http(s) URL", cfg->file,
                              i + 1, s->url);
        int idx = outlet_find(c, name);
        if (idx < 0)
            idx = outlet_add(c, name, strv_dup(s->article), NULL);
        else if (s->article && !c->outlets[idx].article)
            c->outlets[idx].article = strv_dup(s->article);
        free(host);
        if (idx < 0 || seed_add(c, s->url, s->type, (uint32_t)idx, s->links) ||
            seed_paging_at(c, c->nseeds - 1, s->next, s->pages))
            return mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
        if (s->outlet)
            c->outlets[idx].labelled = 1;
    }
    return 0;
}

/* ---------- sinks and the pool ---------- */

static void emit(struct mw_crawl *c, struct mw_crawl_event *ev);
static void page_free(struct page *p);

static void on_sink_error(void *ctx, const char *url, const char *msg)
{
    struct mw_crawl *c = ctx;
    if (c->writing) {   /* the writer's thread: the page's return to the loop says it (page_back) */
        if (!c->writing->sink_errors++)
            snprintf(c->writing->sink_error, sizeof c->writing->sink_error, "%s", msg);
        return;
    }
    struct mw_crawl_event e = {.url = url ? url : "", .kind = "sink", .error = msg};
    c->errors++;
    emit(c, &e);
}

/* The sink queue's wake-up: a record is back, the loop's poll returns (any thread may call it). */
static void wake_loop(void *ctx) { curl_multi_wakeup(((struct mw_crawl *)ctx)->multi); }

static void page_write(void *ctx, struct mw_record *r);

/* The writer, before it takes the store lock: the record's compression (the sinks are set once, read-only). */
static void page_prepare_write(void *ctx, struct mw_record *r)
{
    mw_sinks_prepare(((struct mw_crawl *)ctx)->sinks, r);
}

/* Extraction threads and a writer thread; or, with workers = 0, both in the loop's thread. */
static int setup_pool(struct mw_crawl *c, struct mw_err *err)
{
    int n = c->cfg->workers < 0 ? mw_workers_cores() : c->cfg->workers;
    if (!c->o.runner_opts)   /* no way to make runners: the caller's runner, in the loop's thread */
        n = 0;
    c->write_q = mw_sink_queue_new(NULL, NULL);
    c->done_q = mw_sink_queue_new(wake_loop, c);
    if (!c->write_q || !c->done_q)
        return mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
    if (!(c->writer = mw_writer_new(n ? 1 : 0, c->write_q, c->done_q, page_prepare_write, page_write, c,
                                     err)))
        return err->code;
    c->pool = mw_workers_new(n, c->o.runner_opts, c->o.runner, c->write_q, err);
    /* enough pages queued that no thread idles while the writer takes a slow record or the loop commits (with
     * 4 a thread they idled ~20% of a crawl); EXTRACT_BYTES keeps big pages from piling up in memory */
    c->max_extracting = n ? EXTRACT_PER_THREAD * n : 1;
    return c->pool ? 0 : err->code;
}

/* ---------- set-up ---------- */

static int build_resolve(struct mw_crawl *c)
{
    for (char **r = c->cfg->resolve; r && *r; r++) {
        struct curl_slist **list = mw_fetch_is_connect_to(*r) ? &c->connect_to : &c->resolve;
        struct curl_slist *s = curl_slist_append(*list, *r);
        if (!s)
            return -1;
        *list = s;
    }
    return 0;
}

struct mw_crawl *mw_crawl_new(const struct mw_crawl_opts *o, struct mw_err *err)
{
    if (!o || !o->cfg || !o->runner) {
        mw_err_set(err, MW_EINVAL, "crawl", "a crawl needs a config and a runner");
        return NULL;
    }
    struct mw_crawl *c = calloc(1, sizeof *c);
    if (!c) {
        mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
        return NULL;
    }
    c->o = *o;
    c->cfg = o->cfg;
    mw_fetch_opts_default(&c->fo);
    c->fo.connect_timeout_ms = c->cfg->connect_timeout_ms;
    c->fo.timeout_ms = c->cfg->timeout_ms;
    c->fo.max_body = c->cfg->max_body;
    c->fo.user_agent = c->cfg->user_agent;
    c->fo.cookie_file = c->cfg->cookie_file;
    c->fo.proxy = c->cfg->proxy;
    c->nxfers = c->cfg->connections;
    c->xfers = calloc((size_t)c->nxfers, sizeof *c->xfers);
    c->match = mw_match_new(err);
    c->multi = curl_multi_init();
    if (!c->xfers || !c->match || !c->multi || build_resolve(c)) {
        mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
        mw_crawl_free(c);
        return NULL;
    }
    for (int i = 0; i < c->nxfers; i++) {
        c->xfers[i].c = c;
        mw_buf_init(&c->xfers[i].body, c->cfg->max_body);
        mw_buf_init(&c->xfers[i].hdrs, HEADERS_MAX);
    }
    /* hosts are limited by our own per-host queues; curl must not queue behind our back */
    curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)c->nxfers);
    /* outlets first: a config naming a rule that does not exist must not leave a new store behind */
    if (setup_outlets(c, err) || !(c->store = mw_store_open(c->cfg->store, err)) ||
        !(c->sinks = mw_sinks_new(c->cfg->sinks, c->cfg->nsinks, c->store, c->o.plugin_dirs, on_sink_error, c, err))
        || setup_pool(c, err)) {
        mw_crawl_free(c);
        return NULL;
    }
    if (mw_sinks_store(c->sinks) && mw_store_has_sql(c->store))
        c->stop = mw_story_stop_new();   /* NULL (no memory): the hook makes the documents itself */
    return c;
}

static void clear_stats(struct mw_crawl *c)
{
    for (size_t i = 0; i < c->nfstats; i++) {
        free(c->fstats[i].rule);
        free(c->fstats[i].example);
    }
    free(c->fstats);
    free(c->alerts);   /* its strings are the fstats' */
    c->fstats = NULL;
    c->alerts = NULL;
    c->nfstats = c->nalerts = 0;
}

static void source_clear(struct source *s)
{
    free(s->url);
    free(s->links);
    free(s->next);
}

static void sources_free(struct source *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        source_clear(&v[i]);
    free(v);
}

void mw_crawl_free(struct mw_crawl *c)
{
    if (!c)
        return;
    for (int i = 0; c->xfers && i < c->nxfers; i++) {
        struct xfer *x = &c->xfers[i];
        if (x->h) {
            if (x->job)
                curl_multi_remove_handle(c->multi, x->h);
            curl_easy_cleanup(x->h);
        }
        free(x->job);
        curl_slist_free_all(x->headers);
        mw_buf_free(&x->body);
        mw_buf_free(&x->hdrs);
    }
    free(c->xfers);
    mw_writer_free(c->writer);  /* first: what the pool still finishes is not written after the pass */
    mw_workers_free(c->pool);   /* finishes what it holds: those records land in the queue, freed with it */
    struct mw_sink_queue *qs[] = {c->write_q, c->done_q};
    for (size_t i = 0; i < 2; i++) {
        for (struct mw_record *r; qs[i] && (r = mw_sink_queue_pop(qs[i]));) {
            page_free(r->user);
            mw_record_free(r);
        }
        mw_sink_queue_free(qs[i]);
    }
    if (c->multi)
        curl_multi_cleanup(c->multi);
    mw_sinks_free(c->sinks);
    mw_store_free(c->store);
    mw_story_stop_free(c->stop);
    mw_match_free(c->match);
    for (size_t i = 0; i < c->noutlets; i++) {
        free(c->outlets[i].name);
        strv_free(c->outlets[i].article);
        strv_free(c->outlets[i].domains);
    }
    free(c->outlets);
    sources_free(c->seeds, c->nseeds);
    sources_free(c->sources, c->nsources);
    sources_free(c->deferred, c->ndeferred);
    mw_frontier_free(c->fr);
    curl_slist_free_all(c->resolve);
    curl_slist_free_all(c->connect_to);
    clear_stats(c);
    for (size_t i = 0; i < c->ngiven; i++) {
        free(c->given[i]);
        free(c->given_outlet[i]);
    }
    free(c->given);
    free(c->given_outlet);
    free(c);
}

/* ---------- events and batches ---------- */

static void emit_now(struct mw_crawl *c, struct mw_crawl_event *ev)
{
    ev->done = c->done;
    ev->queued = c->fr ? (long)mw_frontier_queued(c->fr) : 0;
    ev->inflight = c->inflight;
    ev->errors = c->errors;
    if (c->o.on_event)
        c->o.on_event(c->o.ctx, ev);
}

static void hold(struct mw_crawl *c, struct held *h)
{
    if (c->held_tail)
        c->held_tail->next = h;
    else
        c->held = h;
    c->held_tail = h;
}

/* An event goes out at once when no batch is open, else when the batch its writes belong to commits: what the
 * caller prints (a JSON line, "(new)") is then in the store. */
static void emit(struct mw_crawl *c, struct mw_crawl_event *ev)
{
    struct held *h = c->in_batch ? calloc(1, sizeof *h) : NULL;
    if (!h) {   /* no batch (or no memory to hold it): said now rather than never */
        emit_now(c, ev);
        return;
    }
    h->ev = *ev;
    h->url = strdup(ev->url ? ev->url : "");
    h->ev.url = h->url ? h->url : "";
    if (ev->error && (h->error = strdup(ev->error)))
        h->ev.error = h->error;
    if (ev->record_json && (h->json = strdup(ev->record_json)))
        h->ev.record_json = h->json;
    hold(c, h);
}

/* A page's event, holding its record (owned from here on) until the commit. */
static void kept_fetch_free(struct kept_fetch *k)
{
    for (size_t i = 0; k && i < sizeof k->s / sizeof k->s[0]; i++)
        free(k->s[i]);
    free(k);
}

/* A copy of ev and everything it points at. NULL when memory runs out. */
static struct kept_fetch *kept_fetch_new(const struct mw_fetch_event *ev)
{
    struct kept_fetch *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->ev = *ev;
    const char **f[] = {&k->ev.url, &k->ev.final_url, &k->ev.request_headers, &k->ev.status_line,
                        &k->ev.response_headers, &k->ev.fetched, &k->ev.remote_ip, &k->ev.error};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (*f[i] && !(*f[i] = k->s[i] = strdup(*f[i]))) {
            kept_fetch_free(k);
            return NULL;
        }
    if (!(k->s[8] = malloc(ev->body_len + 1))) {
        kept_fetch_free(k);
        return NULL;
    }
    if (ev->body_len)
        memcpy(k->s[8], ev->body, ev->body_len);
    k->s[8][ev->body_len] = '\0';
    k->ev.body = k->s[8];
    return k;
}

/* A page's event (fetch: its kept exchange or NULL, owned from here on), now or, when its writes are in the
 * open batch (batched: as the writer found it, which the loop's in_batch may no longer say), when it commits. */
static void emit_page(struct mw_crawl *c, struct mw_crawl_event *ev, struct mw_record *r, uint32_t outlet,
                      struct kept_fetch *fetch, int batched)
{
    ev->fetch = fetch ? &fetch->ev : NULL;
    struct held *h = batched ? calloc(1, sizeof *h) : NULL;
    if (!h) {
        emit_now(c, ev);
        mw_record_free(r);
        kept_fetch_free(fetch);
        return;
    }
    h->ev = *ev;
    h->fetch = fetch;
    h->url = strdup(ev->url);
    h->ev.url = h->url ? h->url : "";
    if (ev->error && (h->error = strdup(ev->error)))
        h->ev.error = h->error;
    h->rec = r;
    h->outlet = outlet;
    hold(c, h);
}

/* Out go the held events, in order. failed: the batch did not commit; its pages were not stored after all
 * (they stay queued in the store and the next pass fetches them again). */
static void release_held(struct mw_crawl *c, const char *failed)
{
    struct held *h = c->held;
    c->held = c->held_tail = NULL;
    while (h) {
        struct held *next = h->next;
        char msg[900];
        if (failed && h->rec) {
            struct outlet *o = &c->outlets[h->outlet];
            if (h->ev.stored == MW_PUT_NEW || h->ev.stored == MW_PUT_REVISED) {
                c->articles--;
                o->st.articles--;
            }
            h->ev.stored = 0;
            snprintf(msg, sizeof msg, "%s: store: %s", h->ev.url, failed);
            h->ev.error = msg;
            c->errors++;
        }
        emit_now(c, &h->ev);
        mw_record_free(h->rec);
        kept_fetch_free(h->fetch);
        free(h->url);
        free(h->error);
        free(h->json);
        free(h);
        h = next;
    }
}

/* Writes go into the open batch, which opens on the first of them. */
static int batch_open(struct mw_crawl *c, struct mw_err *err)
{
    if (c->in_batch)
        return 0;
    struct mw_err e = {0};
    int rc = mw_store_begin(c->store, err ? err : &e);
    if (rc)
        return rc;
    c->in_batch = 1;
    c->batch_pages = 0;
    c->batch_t0 = now_ms();
    return 0;
}

/* Plugin sinks make their writes durable first, then the store commits: a page is done only now. */
static void batch_commit(struct mw_crawl *c)
{
    if (!c->in_batch)
        return;
    mw_sinks_flush(c->sinks);
    struct mw_err err = {0};
    c->in_batch = 0;
    int rc = mw_store_commit(c->store, &err);
    if (rc)
        mw_store_rollback(c->store);
    release_held(c, rc ? err.msg : NULL);
}

/* A write failed inside the batch: nothing of it commits (in the writer: page_back releases its events). */
static int batch_rollback(struct mw_crawl *c)
{
    if (!c->in_batch)
        return 0;
    c->in_batch = 0;
    mw_store_rollback(c->store);
    return 1;
}

static void batch_fail(struct mw_crawl *c, const char *why)
{
    if (batch_rollback(c))
        release_held(c, why);
}

static int batch_due(struct mw_crawl *c, double now)
{
    return c->in_batch && (c->batch_pages >= BATCH_PAGES || now - c->batch_t0 >= BATCH_MS ||
                           (c->inflight == 0 && c->extracting == 0));
}

/* ---------- sources ---------- */

/* The pass's sources are c->sources (this worker reads them). In a shared crawl a source another worker holds
 * (or read within the source period) goes to c->deferred: its reader may die holding it, so a waiting worker
 * asks for it again (retry_sources) until the pass is over. */
static int source_known(const struct source *v, size_t n, const char *norm)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].url, norm))
            return 1;
    return 0;
}

/* Another worker may be reading norm: 1 when this one may (a shared crawl asks the store; the claim lives as
 * long as this worker's heartbeat, so a dead reader's claim runs out after limits.lease) */
static int source_granted(struct mw_crawl *c, const char *norm)
{
    int granted = 1;
    if (c->o.worker && mw_store_source_take(c->store, norm, c->worker, c->cfg->source_period_ms,
                                            c->cfg->lease_ms, &granted, NULL))
        granted = 0;
    return granted;
}

static int listing_pattern_pages(struct mw_crawl *c, size_t src);

/* s (owned, url normalised) joins this pass's sources and the frontier; a seed's {n} pattern gives its pages */
static int source_queue(struct mw_crawl *c, struct source s)
{
    struct source *p = realloc(c->sources, (c->nsources + 1) * sizeof *p);
    struct mw_host *h = mw_frontier_host(c->fr, s.url, s.outlet);
    if (p)
        c->sources = p;
    if (!p || !h) {
        source_clear(&s);
        return p ? 0 : -1;
    }
    size_t i = c->nsources;
    p[i] = s;
    if (mw_frontier_push(c->fr, h, s.url, s.outlet, (int32_t)i, 0, 0))
        return -1;
    c->nsources++;
    return s.page == 1 && s.next && strstr(s.next, "{n}") ? listing_pattern_pages(c, i) : 0;
}

/* Queue a source like t (its url not yet normalised; strings copied) for this pass unless it is already there,
 * or defer it while another worker holds it. 0, or -1 when memory runs out. */
static int source_add(struct mw_crawl *c, const struct source *t)
{
    char *norm = mw_url_normalize(t->url);
    if (!norm)
        return 0;
    if (source_known(c->sources, c->nsources, norm) || source_known(c->deferred, c->ndeferred, norm) ||
        c->nsources + c->ndeferred >= SOURCES_MAX) {
        free(norm);
        return 0;
    }
    struct source s = {norm, t->type, t->outlet, t->links ? strdup(t->links) : NULL,
                       t->next ? strdup(t->next) : NULL, t->page, t->pages};
    if ((t->links && !s.links) || (t->next && !s.next)) {
        source_clear(&s);
        return -1;
    }
    if (source_granted(c, norm))
        return source_queue(c, s);
    struct source *p = realloc(c->deferred, (c->ndeferred + 1) * sizeof *p);
    if (!p) {
        source_clear(&s);
        return -1;
    }
    c->deferred = p;
    p[c->ndeferred++] = s;
    return 0;
}

/* A waiting worker asks again for the sources others held: 1 when one is now this worker's */
static int retry_sources(struct mw_crawl *c)
{
    int got = 0;
    for (size_t i = 0; i < c->ndeferred;) {
        if (!source_granted(c, c->deferred[i].url)) {
            i++;
            continue;
        }
        struct source s = c->deferred[i];
        c->deferred[i] = c->deferred[--c->ndeferred];
        if (source_queue(c, s))
            return -1;
        got = 1;
    }
    return got;
}

/* Does url (normalised) belong to outlet o as an article, found through a source of type t at src_url? */
static int is_article(struct mw_crawl *c, struct outlet *o, const char *url, enum mw_source_type t,
                      const char *src_url)
{
    if (o->article && o->article[0]) {
        for (char **p = o->article; *p; p++) {
            struct mw_err e = {0};
            if (mw_match(c->match, *p, url, &e) == 1)
                return 1;
        }
        return 0;
    }
    char *host = mw_url_host(url);
    int ok = host != NULL;
    if (ok && o->domains) {
        ok = 0;
        for (char **d = o->domains; *d && !ok; d++)
            ok = mw_url_host_matches(host, *d);
    }
    if (ok && t == MW_SRC_LISTING) {   /* without a pattern, a listing page's links count on its own host only */
        char *sh = mw_url_host(src_url);
        ok = sh && !strcmp(sh, host);
        free(sh);
    }
    free(host);
    return ok;
}

/* Page `page` of listing source src (its links, next and limit carried over). 0, or -1 when memory runs out. */
static int listing_page(struct mw_crawl *c, size_t src, const char *url, int page)
{
    struct source t = c->sources[src];
    t.url = (char *)url;
    t.type = MW_SRC_LISTING;
    t.page = page;
    return source_add(c, &t);
}

/* A seed listing whose next pages are a URL pattern ("?page={n}"): pages 2..pages are known at once. */
static int listing_pattern_pages(struct mw_crawl *c, size_t src)
{
    const char *pat = c->sources[src].next;
    const char *at = pat ? strstr(pat, "{n}") : NULL;
    for (int n = 2; at && n <= c->sources[src].pages; n++) {
        char ref[2100];
        snprintf(ref, sizeof ref, "%.*s%d%s", (int)(at - pat), pat, n, at + 3);
        char *abs = mw_url_resolve(c->sources[src].url, ref);
        int rc = abs ? listing_page(c, src, abs, n) : 0;
        free(abs);
        if (rc)
            return -1;
        pat = c->sources[src].next;   /* listing_page may have moved the sources */
        at = strstr(pat, "{n}");
    }
    return 0;
}

struct found_ctx {
    struct mw_crawl *c;
    size_t src;                     /* index: c->sources may move while sitemap indexes add to it */
    int64_t now;
    int found, old, fail;
};

static int on_found(void *ctx, const char *url, const char *date, enum mw_found_kind kind)
{
    struct found_ctx *f = ctx;
    struct mw_crawl *c = f->c;
    uint32_t outlet = c->sources[f->src].outlet;
    if (kind == MW_FOUND_SOURCE) {
        if (source_add(c, &(struct source){(char *)url, MW_SRC_SITEMAP, outlet, NULL, NULL, 1, 1}))
            f->fail = MW_ENOMEM;
        return f->fail;
    }
    if (kind == MW_FOUND_NEXT) {   /* the listing's next page, while under its page limit */
        struct source *s = &c->sources[f->src];
        if (s->page < s->pages && listing_page(c, f->src, url, s->page + 1))
            f->fail = MW_ENOMEM;
        return f->fail;
    }
    double epoch = 0;
    int has_zone = 0;
    if (date && mw_date_epoch(date, &epoch, &has_zone))
        epoch = 0;
    if (epoch > 0 && c->cfg->max_age_s && (double)f->now - epoch > (double)c->cfg->max_age_s) {
        f->old++;
        return 0;
    }
    char *norm = mw_url_normalize(url);
    if (!norm)
        return 0;
    struct outlet *o = &c->outlets[outlet];
    int added = 0;
    if (is_article(c, o, norm, c->sources[f->src].type, c->sources[f->src].url)) {
        struct mw_err err = {0};
        /* queued in the store only: a worker (this one or another) leases it from there */
        if (mw_store_frontier_add(c->store, norm, o->name, (int64_t)epoch, f->now, &added, &err))
            f->fail = err.code ? err.code : MW_EIO;
        else if (added) {
            f->found++;
            c->next_lease = 0;   /* lease it without waiting for the poll */
        }
    }
    free(norm);
    return f->fail;
}

/* ---------- transfers ---------- */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    int rc = mw_buf_append(&x->body, p, len);
    if (rc == MW_ELIMIT)
        x->body_over = 1;
    return rc ? 0 : len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    size_t l = len;
    while (l && (p[l - 1] == '\n' || p[l - 1] == '\r'))
        l--;
    if (len >= 5 && !memcmp(p, "HTTP/", 5)) {   /* a new response (redirect hop): keep only the last */
        mw_buf_reset(&x->hdrs);
        mw_buf_reset(&x->body);
        x->body_over = 0;
        snprintf(x->status_line, sizeof x->status_line, "%.*s", (int)(l < 159 ? l : 159), p);
        return len;
    }
    if (!l)
        return len;
    if (mw_buf_append(&x->hdrs, p, l) || mw_buf_append(&x->hdrs, "\r\n", 2))
        return 0;
    return len;
}

static struct xfer *free_xfer(struct mw_crawl *c)
{
    for (int i = 0; i < c->nxfers; i++)
        if (!c->xfers[i].job)
            return &c->xfers[i];
    return NULL;
}

static void fail_event(struct mw_crawl *c, const struct mw_job *j, const char *msg);

/* An idle slot made ready for its next transfer: the handle reset, the buffers emptied, the headers freed. */
static void xfer_clear(struct xfer *x)
{
    mw_fetch_easy_clear(x->h);
    curl_easy_reset(x->h);
    mw_buf_reset(&x->body);
    mw_buf_reset(&x->hdrs);
    x->body_over = 0;
    x->status_line[0] = x->errbuf[0] = '\0';
    curl_slist_free_all(x->headers);
    x->headers = NULL;
}

/* one more request header; without memory for it the request goes without (the list stays whole) */
static void header_add(struct xfer *x, const char *line)
{
    struct curl_slist *sl = curl_slist_append(x->headers, line);
    if (sl)
        x->headers = sl;
}

/* The config's own headers on every request; a conditional GET (the validators the store kept) for feeds,
 * sitemaps and listings. A validator with a line break or of 1,000 bytes and more is not sent. */
static void request_headers(struct mw_crawl *c, struct xfer *x, const struct mw_job *j)
{
    for (char **hd = c->cfg->headers; hd && *hd; hd++)
        header_add(x, *hd);
    if (j->src < 0)
        return;
    char *etag = NULL, *lm = NULL, line[1100];
    mw_store_feed_get(c->store, j->url, &etag, &lm, NULL);
    if (etag && !strpbrk(etag, "\r\n") && strlen(etag) < 1000) {
        snprintf(line, sizeof line, "If-None-Match: %s", etag);
        header_add(x, line);
    }
    if (lm && !strpbrk(lm, "\r\n") && strlen(lm) < 1000) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", lm);
        header_add(x, line);
    }
    free(etag);
    free(lm);
}

/* Start job j of host h. On a set-up failure the job is given back as an error (never silently lost). */
static void start(struct mw_crawl *c, struct mw_host *h, struct mw_job *j, double now)
{
    struct xfer *x = free_xfer(c);
    if (!x) {   /* cannot happen: callers check c->inflight first */
        mw_frontier_requeue(c->fr, h, j);
        return;
    }
    if (!x->h && !(x->h = curl_easy_init())) {
        mw_frontier_requeue(c->fr, h, j);
        return;
    }
    xfer_clear(x);
    struct mw_err err = {0};
    CURL *e = x->h;
    CURLcode cc = CURLE_OK;
    if (mw_fetch_easy_setup(e, &c->fo, &err)) {
        fail_event(c, j, err.msg);
        free(j);
        return;
    }
#define SET(opt, val) do { if (cc == CURLE_OK) cc = curl_easy_setopt(e, opt, val); } while (0)
    SET(CURLOPT_URL, (const char *)j->url);
    SET(CURLOPT_PRIVATE, x);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, x);
    SET(CURLOPT_ERRORBUFFER, x->errbuf);
    if (c->resolve)
        SET(CURLOPT_RESOLVE, c->resolve);
    if (c->connect_to)
        SET(CURLOPT_CONNECT_TO, c->connect_to);
    request_headers(c, x, j);
    if (x->headers)
        SET(CURLOPT_HTTPHEADER, x->headers);
#undef SET
    if (cc != CURLE_OK || curl_multi_add_handle(c->multi, e) != CURLM_OK) {
        fail_event(c, j, cc != CURLE_OK ? curl_easy_strerror(cc) : "curl_multi_add_handle failed");
        free(j);
        return;
    }
    x->job = j;
    x->host = h;
    x->t0 = now;
    x->turn = c->turn_pending;
    c->turn_pending = 0;
    if (h->first_ms <= 0)
        h->first_ms = now;
    j->tries++;
    h->inflight++;
    c->inflight++;
    h->next_ok = now + (double)h->delay_ms;
}

/* Path plus query of url, for robots.txt. */
static void url_path(const char *url, char *out, size_t cap)
{
    struct mw_url u;
    if (mw_url_parse(url, &u)) {
        snprintf(out, cap, "/");
        return;
    }
    snprintf(out, cap, "%s%s%s", u.path && *u.path ? u.path : "/", u.query ? "?" : "", u.query ? u.query : "");
    mw_url_clear(&u);
}

/* A job not fetched this pass (robots, the page limit, a host given up). Pages stay queued in the store
 * unless robots.txt refused them. */
static void skip(struct mw_crawl *c, struct mw_job *j, int robots)
{
    if (j->src == MW_JOB_PAGE) {
        c->outlets[j->outlet].st.skipped++;
        int owned = 0;
        if (robots && !batch_open(c, NULL))
            mw_store_frontier_finish(c->store, c->worker, j->url, MW_FS_ROBOTS, -1, (int64_t)time(NULL), &owned,
                                     NULL);
    }
    free(j);
}

static int stopping(struct mw_crawl *c) { return c->o.stop && *c->o.stop; }

/* "250ms", "2s", "1h30m": a limit as the config would write it. */
static void fmt_ms(long long ms, char out[32])
{
    if (ms < 1000 || ms % 1000) {
        snprintf(out, 32, "%lldms", ms);
        return;
    }
    long long s = ms / 1000;
    int n = 0;
    if (s >= 3600)
        n += snprintf(out + n, (size_t)(32 - n), "%lldh", s / 3600);
    if (s % 3600 >= 60)
        n += snprintf(out + n, (size_t)(32 - n), "%lldm", s % 3600 / 60);
    if (s % 60 || !n)
        snprintf(out + n, (size_t)(32 - n), "%llds", s % 60);
}

/* An error record (JSON text, free()) for a source or a host: stage, message, the config's outlet label. */
static char *error_record(const struct outlet *o, const char *url, const char *stage, const char *msg, long status,
                          const char *fetched)
{
    json_t *rec = mw_article_new(url);
    if (!rec)
        return NULL;
    struct mw_err e = {0};
    mw_err_set(&e, MW_EFETCH, stage, "%s", msg);
    mw_article_set_error(rec, &e);
    if (o->labelled)
        json_object_set_new(rec, "outlet", json_string(o->name));
    json_object_set_new(rec, "fetched", json_string(fetched));
    json_object_set_new(rec, "status", json_integer(status));
    char *js = json_dumps(rec, JSON_COMPACT);
    json_decref(rec);
    return js;
}

static size_t queued_pages(const struct mw_host *h) { return h->pages; }

/* Park h for the rest of the pass: nothing more starts on it, its pages stay queued in the store, and the
 * pass gets one error record saying why (not one per URL it would have failed). */
static void park_host(struct mw_crawl *c, struct mw_host *h, const char *why)
{
    if (h->dead)
        return;
    h->dead = 1;
    struct outlet *o = &c->outlets[h->outlet];
    char msg[1100], fetched[32], tail[64] = "";
    size_t n = queued_pages(h);
    if (n)   /* sources are read again by every pass; pages are what waits */
        snprintf(tail, sizeof tail, "; %zu queued page%s wait%s for the next run", n, n == 1 ? "" : "s",
                 n == 1 ? "s" : "");
    snprintf(msg, sizeof msg, "%s: %s%s", h->origin, why, tail);
    iso_now(fetched);
    struct mw_store_fetch f = {h->origin, "host", o->name, fetched, msg, 0, 0, 0};
    if (!batch_open(c, NULL))
        mw_store_log(c->store, c->run_id, &f, NULL);
    c->errors++;
    o->st.errors++;
    char *js = error_record(o, h->origin, "host", msg, 0, fetched);
    struct mw_crawl_event e = {.url = h->origin, .kind = "host", .outlet = o->name, .error = msg, .record_json = js};
    emit(c, &e);
    free(js);
}

static void start_robots(struct mw_crawl *c, struct mw_host *h, double now)
{
    char url[800];
    snprintf(url, sizeof url, "%s/robots.txt", h->origin);
    size_t n = strlen(url);
    struct mw_job *j = malloc(sizeof *j + n + 1);
    if (!j)
        return;
    memset(j, 0, sizeof *j);
    j->src = MW_JOB_ROBOTS;
    j->outlet = h->outlet;
    j->tries = (uint16_t)h->robots_tries;   /* a retry goes on counting */
    memcpy(j->url, url, n + 1);
    h->robots_state = MW_ROBOTS_FETCHING;
    start(c, h, j, now);
}

/* Room for one more transfer: a free slot, and not so many fetched pages waiting for extraction that their
 * bodies pile up in memory (the pool is the bottleneck then; fetching faster would not help). */
static int room(const struct mw_crawl *c)
{
    return c->inflight < c->nxfers && c->extracting < c->max_extracting && c->extract_bytes < EXTRACT_BYTES;
}

/* Shared politeness: may h start a request now, over all workers? With a delay, one request at a time per
 * host in the whole crawl, the next no sooner than the delay after the last one ended (the store keeps the
 * host's turn). 1 with the turn in c->turn_pending; 0 with h->next_ok moved to when to ask again. */
static int host_turn(struct mw_crawl *c, struct mw_host *h, double now)
{
    if (!c->shared || h->delay_ms <= 0 || c->turn_pending)
        return 1;
    if (h->inflight)
        return 0;
    long wait = 0;
    if (mw_store_host_take(c->store, h->key, c->worker, c->cfg->timeout_ms + 2000, &wait, NULL))
        wait = 1000;
    if (wait > 0) {
        h->next_ok = now + (double)wait;
        return 0;
    }
    c->turn_pending = 1;
    return 1;
}

static void robots_ready(struct mw_crawl *c, struct mw_host *h, const char *body, size_t len, long status,
                         double now);

/* Shared robots.txt: 1 when h's robots.txt is for this worker to fetch, 0 when it came from the store's cache
 * (h is ready) or another worker is fetching it (ask again soon). */
static int robots_mine(struct mw_crawl *c, struct mw_host *h, double now)
{
    if (!c->shared)
        return 1;
    enum mw_robots_cache st = MW_RC_WAIT;
    char *body = NULL;
    size_t len = 0;
    long status = 0;
    if (mw_store_robots_get(c->store, h->key, c->worker, c->cfg->timeout_ms * (c->cfg->retries + 1) + 10000, &st,
                            &body, &len, &status, NULL))
        st = MW_RC_WAIT;
    if (st == MW_RC_CACHED)
        robots_ready(c, h, body, len, status, now);
    else if (st == MW_RC_WAIT && h->next_ok < now + 100)
        h->next_ok = now + 100;
    free(body);
    return st == MW_RC_YOURS;
}

/* Start a host's jobs that may start now (robots.txt first, then politeness and the page limit). */
static void start_host(struct mw_crawl *c, struct mw_host *h, double now)
{
    const struct mw_run_config *cfg = c->cfg;
    if (cfg->robots && h->robots_state != MW_ROBOTS_READY) {
        if (h->robots_state == MW_ROBOTS_UNKNOWN && h->inflight == 0 && now >= h->next_ok && robots_mine(c, h, now)
            && host_turn(c, h, now))
            start_robots(c, h, now);
        if (h->robots_state != MW_ROBOTS_READY)
            return;
    }
    while (h->queued && h->inflight < cfg->per_host && room(c) && now >= h->next_ok && host_turn(c, h, now)) {
        struct mw_job *j = mw_frontier_pop(c->fr, h);
        if (cfg->robots && h->robots) {
            char path[4096];
            url_path(j->url, path, sizeof path);
            if (!mw_robots_allowed(h->robots, path)) {
                skip(c, j, 1);
                continue;
            }
        }
        if (j->src == MW_JOB_PAGE) {
            struct outlet *o = &c->outlets[j->outlet];
            if (cfg->pages_per_outlet && o->started >= cfg->pages_per_outlet) {
                skip(c, j, 0);
                continue;
            }
            o->started++;
        }
        start(c, h, j, now);
    }
    if (c->turn_pending) {   /* every job taken was skipped: the turn goes back unused */
        c->turn_pending = 0;
        mw_store_host_release(c->store, h->key, c->worker, 0, 0, NULL);
    }
}

/* Start whatever may start now; *wait gets the ms until the next host becomes ready. */
static void start_ready(struct mw_crawl *c, double now, double *wait)
{
    const struct mw_run_config *cfg = c->cfg;
    size_t nh = mw_frontier_host_count(c->fr);
    for (size_t i = 0; i < nh && room(c); i++) {
        struct mw_host *h = mw_frontier_host_at(c->fr, i);
        if (!h->queued)
            continue;
        if (!h->dead && h->first_ms > 0 && now - h->first_ms > (double)cfg->host_time_ms) {
            char why[160], d[32];
            fmt_ms(cfg->host_time_ms, d);
            snprintf(why, sizeof why, "still busy after limits.host_time (%s): parked for this run", d);
            park_host(c, h, why);
        }
        if (h->dead) {
            struct mw_job *j;
            while ((j = mw_frontier_pop(c->fr, h)))
                skip(c, j, 0);
            continue;
        }
        start_host(c, h, now);
        if (h->queued && h->next_ok > now && h->next_ok - now < *wait)
            *wait = h->next_ok - now;
    }
}

/* ---------- finishing a transfer ---------- */

static void fetch_event(struct xfer *x, long status, const char *final_url, const char *error, double ms,
                        struct mw_fetch_event *ev, char fetched[32])
{
    memset(ev, 0, sizeof *ev);
    iso_now(fetched);
    char *ip = NULL;
    curl_easy_getinfo(x->h, CURLINFO_PRIMARY_IP, &ip);
    ev->url = x->job->url;
    ev->final_url = final_url ? final_url : x->job->url;
    ev->method = "GET";
    ev->status = status;
    ev->status_line = x->status_line[0] ? x->status_line : NULL;
    ev->response_headers = x->hdrs.data;
    ev->body = x->body.data ? x->body.data : "";
    ev->body_len = x->body.len;
    ev->fetched = fetched;
    ev->remote_ip = ip && *ip ? ip : NULL;
    ev->ms = ms;
    ev->error = error;
}

static void log_fetch(struct mw_crawl *c, const struct mw_job *j, long status, size_t bytes, double ms,
                      const char *error, const char *fetched)
{
    struct mw_store_fetch f = {j->url, job_kind(c, j), c->outlets[j->outlet].name, fetched, error, status, bytes,
                               ms};
    if (!batch_open(c, NULL))
        mw_store_log(c->store, c->run_id, &f, NULL);
}

/* A job that failed before any transfer (set-up): an error like any other. */
static void fail_event(struct mw_crawl *c, const struct mw_job *j, const char *msg)
{
    char fetched[32];
    iso_now(fetched);
    log_fetch(c, j, 0, 0, 0, msg, fetched);
    c->errors++;
    c->done++;
    if (j->src == MW_JOB_PAGE)
        c->outlets[j->outlet].st.errors++;
    struct mw_crawl_event e = {.url = j->url, .kind = job_kind(c, j), .outlet = c->outlets[j->outlet].name,
                               .error = msg};
    emit(c, &e);
}

/* Failures that say the host, not the page, is in trouble. */
static int host_failure(CURLcode cc)
{
    return cc == CURLE_COULDNT_CONNECT || cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_COULDNT_RESOLVE_HOST
           || cc == CURLE_GOT_NOTHING;
}

/* The error line of a failed transfer, or NULL. */
static void transfer_error(struct mw_crawl *c, struct xfer *x, CURLcode cc, long status, char *msg, size_t cap)
{
    msg[0] = '\0';
    const char *url = x->job->url;
    int tries = x->job->tries;
    char tail[40] = "";
    if (tries > 1)
        snprintf(tail, sizeof tail, " after %d tries", tries);
    if (cc == CURLE_OK) {
        if (status >= 400 || status < 200)
            snprintf(msg, cap, "%s: HTTP %ld%s", url, status, tail);
        return;
    }
    if (x->body_over || cc == CURLE_FILESIZE_EXCEEDED)
        snprintf(msg, cap, "%s: body larger than %zu bytes", url, c->cfg->max_body);
    else if (cc == CURLE_TOO_MANY_REDIRECTS)
        snprintf(msg, cap, "%s: too many redirects", url);
    else if (cc == CURLE_UNSUPPORTED_PROTOCOL)   /* the URL itself was http(s): a Location with another scheme */
        snprintf(msg, cap, "%s: redirect to a non-http(s) URL refused (%s)", url,
                 x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc));
    else
        snprintf(msg, cap, "%s: %s%s", url, x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc), tail);
}

/* RFC 9309 2.3.1: a 2xx is the rules; "unavailable" (4xx, or redirects past curl's limit) allows all;
 * "unreachable" (5xx, 408/429, network errors and time-outs, after the retries) means complete disallow: the
 * host is parked for this pass, its pages stay queued and are tried when robots.txt answers again. */
/* h's robots.txt is known: a 2xx body (status 2xx), or "allow all" (body NULL). */
static void robots_ready(struct mw_crawl *c, struct mw_host *h, const char *body, size_t len, long status,
                         double now)
{
    (void)now;
    mw_robots_free(h->robots);
    h->robots_state = MW_ROBOTS_READY;
    int ok = status >= 200 && status < 300 && body;
    h->robots = ok ? mw_robots_parse(body, len > ROBOTS_MAX ? ROBOTS_MAX : len, c->cfg->agent)
                   : mw_robots_parse(NULL, 0, c->cfg->agent);
    long d = mw_robots_delay_ms(h->robots);
    if (d > h->delay_ms) {
        h->delay_ms = d;
        double next = now_ms() + (double)d;   /* the wait after robots.txt itself counts too */
        if (h->next_ok < next)
            h->next_ok = next;
    }
    if (c->cfg->robots_sitemaps)
        for (size_t i = 0; i < mw_robots_sitemap_count(h->robots); i++)
            source_add(c, &(struct source){(char *)mw_robots_sitemap(h->robots, i), MW_SRC_SITEMAP, h->outlet,
                                           NULL, NULL, 1, 1});
}

static void finish_robots(struct mw_crawl *c, struct xfer *x, CURLcode cc, long status, const char *error)
{
    struct mw_host *h = x->host;
    int ok = cc == CURLE_OK && status >= 200 && status < 300;
    int unavailable = cc == CURLE_OK && status >= 300 && status < 500 && status != 408 && status != 429;
    size_t len = x->body.len > ROBOTS_MAX ? ROBOTS_MAX : x->body.len;
    if (c->shared)   /* the answer for every worker; an unreachable one only gives the fetch back */
        mw_store_robots_put(c->store, h->key, ok ? x->body.data : NULL, ok ? len : 0, ok || unavailable ? status : 0,
                            ROBOTS_TTL_MS, NULL);
    if (ok || unavailable) {
        robots_ready(c, h, ok ? (x->body.data ? x->body.data : "") : NULL, len, status, now_ms());
        return;
    }
    mw_robots_free(h->robots);
    h->robots = NULL;
    h->robots_state = MW_ROBOTS_READY;
    char why[900];
    snprintf(why, sizeof why, "robots.txt unreachable (%s): host skipped for this run, as RFC 9309 asks",
             error ? error : "no answer");
    park_host(c, h, why);
}

static void finish_source(struct mw_crawl *c, struct xfer *x, long status, const char *final_url,
                          const char *error, double ms, const char *fetched)
{
    struct mw_job *j = x->job;
    struct outlet *o = &c->outlets[j->outlet];
    struct mw_crawl_event ev = {.url = j->url, .kind = type_name(c->sources[j->src].type), .outlet = o->name, .status = status,
                                .bytes = x->body.len, .ms = ms};
    struct mw_err err = {0};
    char msg[700] = "";
    if (error) {
        snprintf(msg, sizeof msg, "%s", error);
    } else if (status == 304) {
        log_fetch(c, j, status, 0, ms, NULL, fetched);
    } else {
        char *ct = NULL, *etag = mw_fetch_header(x->hdrs.data, "ETag");
        char *lm = mw_fetch_header(x->hdrs.data, "Last-Modified");
        curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
        const char *nx = c->sources[j->src].next;   /* a selector; a {n} pattern was expanded at the start */
        struct mw_discover_opts dopts = {final_url, ct, c->sources[j->src].links, c->cfg->max_body,
                                         nx && !strstr(nx, "{n}") ? nx : NULL};
        struct found_ctx fc = {c, (size_t)j->src, (int64_t)time(NULL), 0, 0, 0};
        const char *what = NULL;
        /* the URLs found and the feed's validators land together (in one batch): a crash between them would
         * otherwise make the next run's 304 hide URLs that were never queued */
        if (batch_open(c, &err) == 0) {
            int rc = mw_discover(x->body.data ? x->body.data : "", x->body.len, &dopts, on_found, &fc, &what, &err);
            if (rc && !fc.fail)
                snprintf(msg, sizeof msg, "%s", err.msg);
            if (!rc && mw_store_feed_put(c->store, j->url, etag, lm, fetched, &err))
                fc.fail = err.code;
            log_fetch(c, j, status, x->body.len, ms, msg[0] ? msg : NULL, fetched);
            if (fc.fail) {
                snprintf(msg, sizeof msg, "%s: store: %s", j->url, err.msg[0] ? err.msg : "write failed");
                batch_fail(c, msg);
            }
        } else {
            snprintf(msg, sizeof msg, "%s: store: %s", j->url, err.msg);
        }
        ev.found = fc.found;
        free(etag);
        free(lm);
    }
    c->done++;
    if (c->o.worker)
        mw_store_source_done(c->store, j->url, c->worker, NULL);
    if (msg[0]) {
        if (error)
            log_fetch(c, j, status, x->body.len, ms, msg, fetched);
        c->errors++;
        o->st.errors++;
        /* a failed source is a record too, so --jsonl shows what went wrong */
        char *js = error_record(o, j->url, error ? "fetch" : "discover", msg, status, fetched);
        ev.error = msg;
        ev.record_json = js;
        emit(c, &ev);
        free(js);
        return;
    }
    emit(c, &ev);
}

static struct fstat *fstat_get(struct mw_crawl *c, const char *rule, int field)
{
    for (size_t i = 0; i < c->nfstats; i++)
        if (c->fstats[i].field == field && !strcmp(c->fstats[i].rule, rule))
            return &c->fstats[i];
    struct fstat *p = realloc(c->fstats, (c->nfstats + 1) * sizeof *p);
    if (!p)
        return NULL;
    c->fstats = p;
    struct fstat *f = &p[c->nfstats];
    memset(f, 0, sizeof *f);
    f->field = field;
    if (!(f->rule = strdup(rule)))
        return NULL;
    c->nfstats++;
    return f;
}

/* Where each field of a rule's page came from, from the record's "origin" (the runner's explain, which the
 * record no longer carries: stored records stay as `moonwire extract` prints them). A rule that failed left its
 * fields to meta/generic, so its page counts as fallback everywhere. Error records have no origin. */
static void count_origins(struct mw_crawl *c, const struct mw_record *r, const char *url)
{
    json_t *origin = r->origin;
    const char *rule = json_is_object(origin) && !r->is_error ? mw_runner_pick(c->o.runner, url) : NULL;
    for (size_t i = 0; rule && i < NFIELDS; i++) {
        struct fstat *f = fstat_get(c, rule, (int)i);
        if (!f)
            break;
        const char *who = json_string_value(json_object_get(origin, FIELDS[i]));
        f->pages++;
        if (who && !strncmp(who, "rule", 4)) {   /* "rule: <selector>" */
            f->rule_n++;
            continue;
        }
        if (who)
            f->fallback_n++;
        else
            f->empty_n++;
        if (!f->example)
            f->example = strdup(url);
    }
}

static void page_free(struct page *p)
{
    if (!p)
        return;
    free(p->job);
    free(p->label);
    free(p->final_url);
    free(p->fetch_error);
    kept_fetch_free(p->fetch);
    free(p);
}

/* In the extracting thread: the crawl's fields of the record (the page is the work's, nobody else's now). */
static void page_fields(struct page *p, json_t *rec)
{
    if (p->label && mw_article_empty(json_object_get(rec, "outlet")))
        json_object_set_new(rec, "outlet", json_string(p->label));   /* the label a comparison needs */
    json_object_set_new(rec, "fetched", json_string(p->fetched));
    json_object_set_new(rec, "status", json_integer(p->status));
}

/* ... and what the stories hook reads of it, made here rather than in the loop's thread. */
static void page_prepare(struct mw_work *w, json_t *rec)
{
    struct page *p = w->user;
    page_fields(p, rec);
    json_t *e = json_object_get(rec, "error");
    if (p->stop && w->out && (!e || json_is_null(e)) && (w->out->story_doc = malloc(sizeof *w->out->story_doc)))
        mw_story_doc_from_record(p->stop, rec, 0, w->out->story_doc);
}

/* The page's rows, in the open batch: the frontier row completes with the article. */
static int write_rows(struct mw_crawl *c, struct mw_record *r, struct page *pg, struct mw_err *err)
{
    struct mw_job *j = pg->job;
    /* a 4xx other than 408/429 will not mend by itself: no more tries in later runs */
    int perm = !pg->fetch_error ? 0 : (pg->status >= 400 && pg->status < 500 && pg->status != 408 &&
                                       pg->status != 429);
    int tries = r->is_error ? (perm ? c->cfg->max_tries : j->past + 1) : -1;
    int owned = 1;
    /* the page is this worker's to store only while it holds the lease: its frontier row completes in the
     * same transaction as the article, so a page is stored once whichever worker fetched it */
    int rc = mw_store_frontier_finish(c->store, c->worker, j->url, r->is_error ? MW_FS_ERROR : MW_FS_DONE,
                                      tries, (int64_t)time(NULL), &owned, err);
    if (!rc && owned)
        rc = mw_sinks_record(c->sinks, r, c->outlets[j->outlet].name, pg->fetched, &pg->stored, err);
    log_fetch(c, j, pg->status, pg->bytes, pg->ms, r->is_error ? pg->msg : !owned ? "taken over by another "
              "worker (its lease had run out): not stored here" : NULL, pg->fetched);
    return rc;
}

/* The writer (the store lock held): a page's record, its fetch log row and its frontier state go into the
 * batch together, so after a crash the page is either stored and done, or neither, and so fetched again.
 * What came of it stays in the page for page_back; nothing here touches the loop's own state. */
static void page_write(void *ctx, struct mw_record *r)
{
    struct mw_crawl *c = ctx;
    struct page *pg = r->user;
    pg->stored = MW_PUT_SAME;
    if (!r->json)
        return;   /* page_back says so */
    if (r->is_error)
        snprintf(pg->msg, sizeof pg->msg, "%s", pg->fetch_error ? pg->fetch_error :
                 json_string_value(json_object_get(json_object_get(r->rec, "error"), "message")));
    if (batch_open(c, &pg->err) == 0) {
        c->writing = pg;
        int rc = write_rows(c, r, pg, &pg->err);
        c->writing = NULL;
        pg->batched = !rc;
        if (rc) {
            pg->stored = MW_PUT_SAME;
            pg->rolled_back = batch_rollback(c);   /* the pages before it in the batch are not stored either */
        }
    }
    c->batch_pages++;
    if (pg->err.code)
        snprintf(pg->msg, sizeof pg->msg, "%s: store: %s", pg->job->url, pg->err.msg);
}

/* The loop: a page's record is back from the writer: its counts and its event (held until the commit). */
static void page_back(struct mw_crawl *c, struct mw_record *r)
{
    struct page *pg = r->user;
    struct mw_job *j = pg->job;
    struct outlet *o = &c->outlets[j->outlet];
    r->user = NULL;
    c->extracting--;
    c->extract_bytes -= pg->bytes;
    if (!r->json) {
        fail_event(c, j, "out of memory making a record");
        page_free(pg);
        mw_record_free(r);
        return;
    }
    if (pg->rolled_back)
        release_held(c, pg->err.msg);
    if (pg->sink_errors) {   /* one event says the first, the count has them all */
        c->errors += pg->sink_errors - 1;
        on_sink_error(c, "", pg->sink_error);
    }
    count_origins(c, r, pg->final_url);
    c->done++;
    c->pages++;
    o->st.pages++;
    if (r->is_error) {
        c->errors++;
        o->st.errors++;
    }
    if (pg->stored == MW_PUT_NEW || pg->stored == MW_PUT_REVISED) {
        c->articles++;
        o->st.articles++;
    }
    if (pg->err.code)
        c->errors++;
    struct mw_crawl_event ev = {.url = j->url, .kind = "page", .outlet = o->name, .status = pg->status,
                                .bytes = pg->bytes, .ms = pg->ms, .error = pg->msg[0] ? pg->msg : NULL,
                                .record_json = r->json, .stored = pg->stored};
    emit_page(c, &ev, r, j->outlet, pg->fetch, pg->batched);
    pg->fetch = NULL;
    page_free(pg);
}

/* The page's own part of its record: the job (owned from here on), what the fetch said, the outlet's label,
 * the exchange when a sink keeps it. NULL (the job's error event is out and the job freed): no memory. */
static struct page *page_of(struct mw_crawl *c, struct xfer *x, long status, const char *final_url, double ms,
                            const char *fetched, const struct mw_fetch_event *fev)
{
    struct mw_job *j = x->job;
    struct outlet *o = &c->outlets[j->outlet];
    struct page *pg = calloc(1, sizeof *pg);
    if (pg)
        pg->stop = c->stop;
    const char *why = NULL;
    if (!pg || (o->labelled && !(pg->label = strdup(o->name))) || !(pg->final_url = strdup(final_url)))
        why = "out of memory making a record";
    else if (c->o.keep_fetch && !(pg->fetch = kept_fetch_new(fev)))
        why = "out of memory keeping the exchange";
    if (why) {
        fail_event(c, j, why);
        free(j);
        page_free(pg);
        return NULL;
    }
    pg->job = j;
    pg->status = status;
    pg->bytes = x->body.len;
    pg->ms = ms;
    snprintf(pg->fetched, sizeof pg->fetched, "%s", fetched);
    return pg;
}

/* A failed fetch: its error record goes to the writer, behind the pages before it (nothing to extract). */
static void page_failed(struct mw_crawl *c, struct page *pg, const char *error)
{
    json_t *rec = mw_article_new(pg->job->url);
    struct mw_err e = {0};
    mw_err_set(&e, MW_EFETCH, "fetch", "%s", error);
    if (rec) {
        mw_article_set_error(rec, &e);
        page_fields(pg, rec);
    }
    struct mw_record *r = rec ? mw_record_new(rec) : NULL;
    if (!r || mw_record_seal(r) || !(pg->fetch_error = strdup(error))) {
        fail_event(c, pg->job, "out of memory making a record");
        page_free(pg);
        mw_record_free(r);
        return;
    }
    r->user = pg;
    c->extracting++;
    c->extract_bytes += pg->bytes;
    mw_sink_queue_push(c->write_q, r);
}

/* A fetched page goes to the extraction pool with its bytes (taken from the slot). */
static void page_submit(struct mw_crawl *c, struct xfer *x, struct page *pg, const char *final_url)
{
    struct mw_work *w = mw_work_new();
    char *ct = NULL;
    curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
    if (w) {
        w->bytes = mw_buf_steal(&x->body, &w->len);
        w->url = strdup(final_url);
        w->content_type = ct ? strdup(ct) : NULL;
        w->user = pg;
        w->fetched = pg->fetched;
        w->keep_origin = c->o.keep_origin;
        w->prepare = page_prepare;
    }
    if (!w || !w->bytes || !w->url || (ct && !w->content_type)) {
        fail_event(c, pg->job, "out of memory making a record");
        page_free(pg);
        mw_work_free(w);
        return;
    }
    c->extracting++;
    c->extract_bytes += pg->bytes;
    mw_workers_submit(c->pool, w);
}

/* A fetched page goes to the pool; a failed fetch is its error record at once. Plugin sinks see the exchange
 * now, while its bytes are at hand. The job is the page's (or freed) from here on. */
static void finish_page(struct mw_crawl *c, struct xfer *x, long status, const char *final_url,
                        const char *error, double ms, const char *fetched, const struct mw_fetch_event *fev)
{
    mw_sinks_fetch(c->sinks, fev);
    struct page *pg = page_of(c, x, status, final_url, ms, fetched, fev);
    if (!pg)
        return;
    if (error)
        page_failed(c, pg, error);
    else
        page_submit(c, x, pg, final_url);
}

/* Records back from the writer, in the order they were written (without a writer thread, written now). The
 * loop calls it whenever it takes the store lock, before it touches the batch: what the writer wrote meanwhile
 * is in the batch, and its events must be held with it. */
static void take_records(struct mw_crawl *c)
{
    mw_writer_pump(c->writer);
    struct mw_record *r;
    while ((r = mw_sink_queue_pop(c->done_q)))
        page_back(c, r);
}

/* Every page handed to the pool back from the writer (the pass ends with all of them stored). */
static void wait_records(struct mw_crawl *c)
{
    take_records(c);
    while (c->extracting > 0) {
        mw_writer_unlock(c->writer);
        struct mw_record *r = mw_sink_queue_wait(c->done_q);
        mw_writer_lock(c->writer);
        if (r)
            page_back(c, r);
        take_records(c);
    }
}

/* The store lock is the writer's while the loop waits on the network. */
static void poll_unlocked(struct mw_crawl *c, int timeout)
{
    mw_writer_unlock(c->writer);
    curl_multi_poll(c->multi, NULL, 0, timeout, NULL);
    int running = 0;
    curl_multi_perform(c->multi, &running);
    mw_writer_lock(c->writer);
    take_records(c);
}

/* A retry: wait (back-off or Retry-After) and go again, or 0 when this was the last try. */
static int retry_later(struct mw_crawl *c, struct xfer *x, CURLcode cc, double now, const char *msg,
                       const struct mw_fetch_event *fev, const char *fetched, double ms, long status)
{
    struct mw_job *j = x->job;
    struct mw_host *h = x->host;
    long wait = c->cfg->backoff_ms;
    for (int i = 1; i < j->tries && wait < 3600000; i++)
        wait *= 2;
    long ra = cc == CURLE_OK ? mw_fetch_retry_after_ms(x->hdrs.data) : -1;
    if (ra > c->cfg->max_retry_after_ms)
        return 0;
    if (ra > wait)
        wait = ra;
    char note[800];
    snprintf(note, sizeof note, "%s; retrying in %ld ms", msg, wait);
    mw_sinks_fetch(c->sinks, fev);
    log_fetch(c, j, status, x->body.len, ms, note, fetched);
    if (h->next_ok < now + (double)wait)
        h->next_ok = now + (double)wait;
    x->job = NULL;
    if (j->src == MW_JOB_ROBOTS) {   /* asked again when the host's timer comes round */
        h->robots_state = MW_ROBOTS_UNKNOWN;
        h->robots_tries = j->tries;
        free(j);
    } else {
        mw_frontier_requeue(c->fr, h, j);
    }
    return 1;
}

/* The transfer is over for the host: its slot, its turn over all workers, its politeness delay, its run of
 * failures. Returns 1 when the answer was "busy" (5xx, 429, 408: counted once final). */
static int transfer_end(struct mw_crawl *c, struct xfer *x, CURLcode cc, long status, double now)
{
    struct mw_host *h = x->host;
    curl_multi_remove_handle(c->multi, x->h);
    h->inflight--;
    c->inflight--;
    if (x->turn) {   /* the host's next turn, over all workers, comes the delay after this one ended */
        x->turn = 0;
        mw_store_host_release(c->store, h->key, c->worker, h->delay_ms, host_failure(cc), NULL);
    }
    /* politeness counts from the end of a transfer as well as from its start */
    if (h->next_ok < now + (double)h->delay_ms)
        h->next_ok = now + (double)h->delay_ms;
    int busy = cc == CURLE_OK && mw_fetch_retryable_status(status);
    if (host_failure(cc))
        h->fails++;
    else if (!busy)
        h->fails = 0;
    return busy;
}

/* The host, not this URL, is in trouble: one record for the host, and this job waits with the rest. */
static void give_up_host(struct mw_crawl *c, struct xfer *x, const struct mw_fetch_event *fev, long status,
                         double ms, const char *msg, const char *fetched, const char *why)
{
    struct mw_job *j = x->job;
    struct mw_host *h = x->host;
    mw_sinks_fetch(c->sinks, fev);
    log_fetch(c, j, status, x->body.len, ms, msg, fetched);
    x->job = NULL;
    if (j->src == MW_JOB_ROBOTS) {
        h->robots_state = MW_ROBOTS_READY;
        free(j);
    } else {
        mw_frontier_requeue(c->fr, h, j);
    }
    park_host(c, h, why);
}

/* A final answer: to robots.txt, a source (sitemap, feed, listing) or a page. */
static void finish_job(struct mw_crawl *c, struct xfer *x, CURLcode cc, long status, const char *final_url,
                       const char *error, double ms, const char *fetched, const struct mw_fetch_event *fev)
{
    struct mw_job *j = x->job;
    if (j->src == MW_JOB_ROBOTS) {
        mw_sinks_fetch(c->sinks, fev);
        log_fetch(c, j, status, x->body.len, ms, error, fetched);
        c->done++;
        struct mw_crawl_event ev = {.url = j->url, .kind = "robots", .outlet = c->outlets[j->outlet].name,
                                    .status = status, .bytes = x->body.len, .ms = ms};
        emit(c, &ev);
        finish_robots(c, x, cc, status, error);
    } else if (j->src >= 0) {
        mw_sinks_fetch(c->sinks, fev);
        finish_source(c, x, status, final_url ? final_url : j->url, error, ms, fetched);
    } else {
        finish_page(c, x, status, final_url ? final_url : j->url, error, ms, fetched, fev);
        j = NULL;   /* the page's now */
    }
    x->job = NULL;
    free(j);
}

static void finish(struct mw_crawl *c, struct xfer *x, CURLcode cc)
{
    double now = now_ms(), ms = now - x->t0;
    struct mw_job *j = x->job;
    struct mw_host *h = x->host;
    long status = 0;
    char *final_url = NULL;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &final_url);
    int busy = transfer_end(c, x, cc, status, now);

    char msg[700], fetched[32], why[900];
    transfer_error(c, x, cc, status, msg, sizeof msg);
    struct mw_fetch_event fev;
    fetch_event(x, status, final_url, msg[0] ? msg : NULL, ms, &fev, fetched);

    if (host_failure(cc) && h->fails >= c->cfg->host_failures) {
        snprintf(why, sizeof why, "%sgiven up for this run (parked) after %d connection failures or time-outs in "
                 "a row (last: %s)", j->src == MW_JOB_ROBOTS ? "robots.txt unreachable; " : "", h->fails, msg);
        give_up_host(c, x, &fev, status, ms, msg, fetched, why);
        return;
    }
    int retry = !x->body_over && (cc == CURLE_OK ? mw_fetch_retryable_status(status) : mw_fetch_retryable_code((int)cc));
    if (retry && j->tries <= c->cfg->retries && !stopping(c) && retry_later(c, x, cc, now, msg, &fev, fetched, ms,
                                                                             status))
        return;
    if (stopping(c) && retry) {   /* left queued in the store for the next run, not an error */
        x->job = NULL;
        skip(c, j, 0);
        return;
    }
    if (busy && j->src != MW_JOB_ROBOTS && ++h->fails >= c->cfg->host_failures) {
        /* it answers, but only "busy" (a 503 for ever): as many URLs in a row as a dead host may cost */
        snprintf(why, sizeof why, "given up for this run (parked) after %d URLs in a row failed with HTTP %ld "
                 "after their retries (last: %s)", h->fails, status, msg);
        give_up_host(c, x, &fev, status, ms, msg, fetched, why);
        return;
    }
    finish_job(c, x, cc, status, final_url, msg[0] ? msg : NULL, ms, fetched, &fev);
    /* a body may be max_body large: do not keep it in an idle slot */
    if (x->body.cap > ((size_t)1 << 20))
        mw_buf_free(&x->body);
}

/* ---------- the pass ---------- */

static int resume_row(void *ctx, const char *url, const char *outlet, int tries)
{
    struct mw_crawl *c = ctx;
    int idx = outlet_find(c, outlet ? outlet : "");
    if (idx < 0)   /* queued by an earlier config: keep going under its old name */
        idx = outlet_add(c, outlet ? outlet : "", NULL, NULL);
    if (idx < 0)
        return 1;
    struct mw_host *h = mw_frontier_host(c->fr, url, (uint32_t)idx);
    return h ? mw_frontier_push(c->fr, h, url, (uint32_t)idx, MW_JOB_PAGE, tries, 0) != 0 : 0;
}

/* Lease more pages when fewer than half a lease are left in memory (the batch commits first, so the rows it
 * queued are there for every worker to lease). force: now, whatever the poll interval. Returns pages leased. */
static long lease_more(struct mw_crawl *c, double now, int force, struct mw_err *err)
{
    if (!force && (now < c->next_lease || (long)mw_frontier_queued(c->fr) >= c->lease_n / 2))
        return 0;
    batch_commit(c);
    long got = 0;
    if (mw_store_frontier_lease(c->store, c->worker, c->cfg->max_tries, c->lease_n, c->cfg->lease_ms, resume_row, c,
                                &got, err))
        return -1;
    c->next_lease = got ? now : now + LEASE_POLL_MS;
    c->dry = got ? 0 : c->done + 1;
    return got;
}

/* The heartbeat: the worker is alive, and its leases move on by limits.lease. */
static void beat(struct mw_crawl *c, double now)
{
    if (now < c->next_beat)
        return;
    c->next_beat = now + (double)c->cfg->lease_ms / 4;
    mw_store_worker_beat(c->store, c->worker, c->pages, c->cfg->lease_ms, NULL);
}

/* Nothing left here: lease again; a worker waits while other workers hold leases or read sources (what they
 * do may queue more), and takes up the sources they held when it asked. 1 when the pass is over. */
static int pass_over(struct mw_crawl *c, double now, struct mw_err *err)
{
    if (c->dry != c->done + 1) {   /* no lease found nothing since the last job ended: ask now */
        long got = lease_more(c, now, 1, err);
        if (got != 0)
            return got < 0;
    }
    if (!c->o.worker)
        return 1;
    if (now < c->next_busy)
        return 0;
    c->next_busy = now + LEASE_POLL_MS;
    int got = retry_sources(c);   /* a source whose reader died is this worker's now */
    if (got)
        return got < 0;
    long leased = 0, reading = 0;
    if (mw_store_frontier_busy(c->store, c->worker, &leased, &reading, err))
        return 1;
    return leased == 0 && reading == 0;
}

/* limits.pass_time: the transfers in flight are dropped; their pages keep their stored state (queued, or an
 * error with its tries), so the next pass takes them up. */
static void drop_inflight(struct mw_crawl *c)
{
    for (int i = 0; i < c->nxfers; i++) {
        struct xfer *x = &c->xfers[i];
        if (!x->job)
            continue;
        curl_multi_remove_handle(c->multi, x->h);
        x->host->inflight--;
        c->inflight--;
        if (x->turn)
            mw_store_host_release(c->store, x->host->key, c->worker, x->host->delay_ms, 0, NULL);
        x->turn = 0;
        struct mw_job *j = x->job;
        x->job = NULL;
        if (j->src == MW_JOB_PAGE)
            c->left_queued++;
        skip(c, j, 0);
    }
}

/* After an early stop: what is still queued is counted and left to the store's frontier. */
static void drain_all(struct mw_crawl *c)
{
    for (size_t i = 0; i < mw_frontier_host_count(c->fr); i++) {
        struct mw_host *h = mw_frontier_host_at(c->fr, i);
        struct mw_job *j;
        while ((j = mw_frontier_pop(c->fr, h))) {
            if (j->src == MW_JOB_PAGE)
                c->left_queued++;
            skip(c, j, 0);
        }
    }
}

/* The pass's field counts go to the store; a field the rule used to fill (>= 80% of the earlier pages) and
 * now mostly does not (> 50% of this pass's) is a probable layout change. */
static void save_stats(struct mw_crawl *c)
{
    struct mw_err err = {0};
    if (!c->nfstats || mw_store_begin(c->store, &err))
        return;
    c->alerts = calloc(c->nfstats, sizeof *c->alerts);
    for (size_t i = 0; i < c->nfstats && !err.code; i++) {
        struct fstat *f = &c->fstats[i];
        struct mw_store_fields row = {f->rule, FIELDS[f->field], f->example, f->pages, f->rule_n, f->fallback_n,
                                      f->empty_n, 0, 0, 0};
        if (mw_store_fields_before(c->store, c->run_id, f->rule, FIELDS[f->field], &row.before_pages,
                                   &row.before_rule, &err))
            break;
        row.flagged = f->pages >= MW_CRAWL_ALERT_MIN_PAGES && (f->fallback_n + f->empty_n) * 2 > f->pages &&
                      row.before_pages >= MW_CRAWL_ALERT_MIN_PAGES && row.before_rule * 10 >= row.before_pages * 8;
        if (mw_store_fields_put(c->store, c->run_id, &row, &err))
            break;
        if (row.flagged && c->alerts)
            c->alerts[c->nalerts++] = (struct mw_crawl_alert){f->rule, FIELDS[f->field], f->pages, f->rule_n,
                                                              f->fallback_n, f->empty_n, row.before_pages,
                                                              row.before_rule, f->example};
    }
    if (err.code || mw_store_commit(c->store, &err)) {
        mw_store_rollback(c->store);
        c->nalerts = 0;
        struct mw_crawl_event e = {.url = "", .kind = "store", .error = err.msg};
        c->errors++;
        emit(c, &e);
    }
}

static int add_page_now(struct mw_crawl *c, const char *norm, const char *name, struct mw_err *err);

/* The pages given before the pass, in the order given (the store's frontier would hand them back sorted). */
static int queue_given(struct mw_crawl *c, struct mw_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < c->ngiven; i++) {
        if (!rc && !c->given_outlet[i])
            rc = mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
        if (!rc && add_page_now(c, c->given[i], c->given_outlet[i], err) < 0)
            rc = err && err->code ? err->code : MW_EIO;
        free(c->given[i]);
        free(c->given_outlet[i]);
    }
    c->ngiven = 0;
    return rc;
}

/* A pass starts from nothing of the last one's: counters, sources, the in-memory frontier. */
static int pass_reset(struct mw_crawl *c, struct mw_err *err)
{
    c->t0 = now_ms();
    c->deadline = c->t0 + (double)c->cfg->pass_time_ms;
    c->stopped_by = NULL;
    c->left_queued = 0;
    clear_stats(c);
    c->done = c->errors = c->pages = c->articles = 0;
    for (size_t i = 0; i < c->noutlets; i++) {
        memset(&c->outlets[i].st, 0, sizeof c->outlets[i].st);
        c->outlets[i].st.name = c->outlets[i].name;
        c->outlets[i].started = 0;
    }
    sources_free(c->sources, c->nsources);
    sources_free(c->deferred, c->ndeferred);
    c->deferred = NULL;
    c->ndeferred = 0;
    c->sources = NULL;
    c->nsources = 0;
    mw_frontier_free(c->fr);
    c->fr = mw_frontier_new(c->cfg->delay_ms);
    if (!c->fr)
        return mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
    c->next_lease = c->next_beat = c->next_busy = 0;
    c->dry = 0;
    c->turn_pending = 0;
    return 0;
}

/* The run's row, this worker's row, what an earlier pass left queued, then the seeds and given pages. */
/* the code of a store call that failed (one that left err unset is an I/O error still) */
static int failed(const struct mw_err *err) { return err->code ? err->code : MW_EIO; }

static int pass_begin(struct mw_crawl *c, struct mw_err *err)
{
    char started[32];
    iso_now(started);
    if (mw_store_run_begin(c->store, started, &c->run_id, err))
        return failed(err);
    char host[256] = "", name[300];
    gethostname(host, sizeof host - 1);
    snprintf(name, sizeof name, "%s/%ld", host, (long)getpid());
    c->shared = c->o.worker || !strcmp(mw_store_kind(c->store), "postgresql");
    /* a lease refill commits the open batch: alone on the store, lease enough that batches reach BATCH_PAGES
     * (with 64 a batch was ~32 pages); shared, take a few per connection and leave the rest to the others */
    c->lease_n = c->cfg->connections * 4 > LEASE_MIN ? c->cfg->connections * 4 : LEASE_MIN;
    if (!c->shared && c->lease_n < 2 * BATCH_PAGES)
        c->lease_n = 2 * BATCH_PAGES;
    if (mw_store_worker_join(c->store, name, host, (long)getpid(), &c->worker, err))
        return failed(err);
    c->next_beat = now_ms() + (double)c->cfg->lease_ms / 4;
    /* what an earlier pass (or a killed one) left queued goes first */
    if (lease_more(c, 0, 1, err) < 0)
        return failed(err);
    for (size_t i = 0; i < c->nseeds; i++)
        if (source_add(c, &c->seeds[i]))   /* a seed's paging goes with it */
            return mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
    return queue_given(c, err) ? failed(err) : 0;
}

/* How long the loop may poll: until the next timer of its own (a lease, a host coming free, the deadline,
 * the open batch's commit), never more than a second while nothing is in flight. */
static double poll_wait(const struct mw_crawl *c, double now, double wait)
{
    if (c->next_lease > now && c->next_lease - now < wait)
        wait = c->next_lease - now;
    if (c->dry && c->next_busy > now && c->next_busy - now < wait)
        wait = c->next_busy - now;
    if (c->inflight == 0 && wait > 1000)
        wait = 1000;
    if (!c->stopped_by && wait > c->deadline - now)
        wait = c->deadline - now;
    if (c->in_batch && wait > BATCH_MS - (now - c->batch_t0))
        wait = BATCH_MS - (now - c->batch_t0);
    return wait;
}

static void finish_done(struct mw_crawl *c)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct xfer *x = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        CURLcode cc = m->data.result;
        if (x && x->job)
            finish(c, x, cc);
    }
}

/* Everything still on its way is stored, what this worker leased goes back, and the run's row is closed. */
static void pass_end(struct mw_crawl *c)
{
    wait_records(c);   /* after a failure (a lease, the store) pages may still be on their way */
    batch_commit(c);
    drain_all(c);
    batch_commit(c);
    /* what this worker still leased goes back to the queue at once */
    c->next_beat = 0;
    beat(c, now_ms());
    mw_store_worker_leave(c->store, c->worker, NULL);
    save_stats(c);
    mw_sinks_flush(c->sinks);
    char finished[32];
    iso_now(finished);
    mw_store_run_end(c->store, c->run_id, finished, c->pages, c->articles, c->errors, NULL);
    c->secs = (now_ms() - c->t0) / 1000.0;
}

static int run_pass(struct mw_crawl *c, struct mw_err *err)
{
    int rc = pass_reset(c, err);
    if (rc || (rc = pass_begin(c, err)))
        return rc;
    for (;;) {
        double now = now_ms(), wait = 1000;
        take_records(c);
        if (batch_due(c, now))
            batch_commit(c);
        if (!c->stopped_by && stopping(c))
            c->stopped_by = "signal";   /* the transfers in flight finish and are stored */
        if (now >= c->deadline) {
            if (!c->stopped_by)
                c->stopped_by = "pass_time";
            drop_inflight(c);
        }
        beat(c, now);
        if (!c->stopped_by && lease_more(c, now, 0, err) < 0)
            break;
        if (!c->stopped_by)
            start_ready(c, now, &wait);
        /* pages in extraction are fetched already: they are stored even when the pass stops */
        size_t queued = mw_frontier_queued(c->fr);
        if (c->inflight == 0 && c->extracting == 0 &&
            (c->stopped_by || (queued == 0 && pass_over(c, now, err))))
            break;
        /* pass_over's lease found more (after a lease of pages all skipped: pages_per_outlet, robots, dead
         * hosts): they start now, not after a poll of up to 200 ms a lease */
        wait = queued == 0 && mw_frontier_queued(c->fr) > 0 ? 0 : poll_wait(c, now, wait);
        /* a short cap keeps a stop request (signal) from waiting on a long poll; a record coming back from
         * the pool ends the poll at once (curl_multi_wakeup) */
        poll_unlocked(c, (int)(wait < 0 ? 0 : wait > 200 ? 200 : wait));
        finish_done(c);
    }
    pass_end(c);
    return err->code;   /* a lease or the store's state of other workers could not be read */
}

/* The pass holds the store lock, but while it waits on the network (poll_unlocked). */
int mw_crawl_run(struct mw_crawl *c, struct mw_err *err)
{
    mw_writer_lock(c->writer);
    int rc = run_pass(c, err);
    mw_writer_unlock(c->writer);
    return rc;
}

size_t mw_crawl_outlet_count(const struct mw_crawl *c) { return c->noutlets; }

const struct mw_crawl_outlet *mw_crawl_outlet_at(const struct mw_crawl *c, size_t i)
{
    return i < c->noutlets ? &c->outlets[i].st : NULL;
}

void mw_crawl_totals(struct mw_crawl *c, long *pages, long *articles, long *errors, double *secs)
{
    if (pages)
        *pages = c->pages;
    if (articles)
        *articles = c->articles;
    if (errors)
        *errors = c->errors;
    if (secs)
        *secs = c->secs;
}

long mw_crawl_skipped(const struct mw_crawl *c)
{
    long n = 0;
    for (size_t i = 0; i < c->noutlets; i++)
        n += c->outlets[i].st.skipped;
    return n;
}

const char *mw_crawl_stopped_by(const struct mw_crawl *c) { return c->stopped_by; }
long mw_crawl_left_queued(const struct mw_crawl *c) { return c->left_queued; }
size_t mw_crawl_alert_count(const struct mw_crawl *c) { return c->nalerts; }

const struct mw_crawl_alert *mw_crawl_alert_at(const struct mw_crawl *c, size_t i)
{
    return i < c->nalerts ? &c->alerts[i] : NULL;
}

/* norm into the store's frontier, queued (in the order given: leases go in discovery order). 1 queued, 0
 * known, -code. A worker of the pass leases it from there, like every page. */
static int add_page_now(struct mw_crawl *c, const char *norm, const char *name, struct mw_err *err)
{
    int idx = outlet_find(c, name), added = 0, rc = 0;
    if (idx < 0)
        idx = outlet_add(c, name, NULL, NULL);
    if (idx < 0)
        rc = mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
    else if (!(rc = mw_store_frontier_add(c->store, norm, name, 0, (int64_t)time(NULL), &added, err)) && added)
        c->next_lease = 0;
    return rc ? -rc : added;
}

int mw_crawl_add_page(struct mw_crawl *c, const char *url, const char *outlet, struct mw_err *err)
{
    char *norm = mw_url_normalize(url);
    char *host = norm && !outlet ? mw_url_host(norm) : NULL;
    const char *name = outlet ? outlet : host;
    int rc;
    if (!norm || !name) {
        rc = -mw_err_set(err, MW_EINVAL, "crawl", "%s: not an http(s) URL", url);
    } else if (c->fr && c->t0 > 0) {   /* a pass is running (called from the event callback) */
        rc = add_page_now(c, norm, name, err);
    } else {   /* kept in order for the next pass */
        char **g = realloc(c->given, (c->ngiven + 1) * sizeof *g);
        char **o = g ? realloc(c->given_outlet, (c->ngiven + 1) * sizeof *o) : NULL;
        if (g)
            c->given = g;
        if (o)
            c->given_outlet = o;
        rc = g && o ? 1 : -mw_err_set(err, MW_ENOMEM, "crawl", "out of memory");
        if (rc > 0) {
            c->given[c->ngiven] = norm;
            c->given_outlet[c->ngiven++] = strdup(name);
            norm = NULL;
        }
    }
    free(norm);
    free(host);
    return rc;
}
