/* run/crawl.h: one scheduled pass: outlets and sources from a run config, discovery, the frontier, politeness
 * and robots.txt, many hosts at once through one curl multi loop, extraction on a pool of threads and the
 * records' writes on a writer thread, neither of which the loop waits on, and the store and sinks (writes
 * grouped into batch transactions).
 * Printing (progress, JSONL, the summary) is the caller's, through the event callback. */
#ifndef MW_CRAWL_H
#define MW_CRAWL_H

#include <signal.h>
#include <stddef.h>
#include "common/err.h"
#include "plugin.h"
#include "rules/runner.h"
#include "run/config.h"

/* What one finished fetch was (events come in completion order). */
struct mw_crawl_event {
    const char *url;           /* as requested */
    const char *kind;          /* "page", "feed", "sitemap", "listing", "robots", "host" (a host parked) */
    const char *outlet;
    long status;               /* 0 when no response came */
    size_t bytes;
    double ms;
    const char *error;         /* one line, NULL on success */
    const char *record_json;   /* pages (and failed sources): the record, error records included; else NULL */
    int stored;                /* pages: 1 new article, 2 new revision, 0 unchanged or not stored */
    /* Events whose writes belong to a batch transaction come when it commits: a page's event means the page
     * is in the store (or, with error set, that it is not and will be fetched again). */
    int found;                 /* sources: new URLs queued */
    const struct mw_fetch_event *fetch;   /* pages: the exchange the record came from (body, headers), borrowed
                                             for the call; NULL for other kinds and for pages that never got one */
    /* the pass so far */
    long done, queued, inflight, errors;
};

struct mw_crawl_outlet {
    const char *name;
    long pages;      /* article pages fetched (final tries) */
    long articles;   /* new articles and new revisions stored */
    long errors;     /* error records (pages and sources) */
    long skipped;    /* robots.txt refused, over the page limit, or left queued (a host parked, the pass ended) */
};

/* Pages of a rule a pass needs, before and now, to flag a field: fewer say little (one odd page, a video or a
 * live blog, is not a new layout). */
#define MW_CRAWL_ALERT_MIN_PAGES 3

/* A probable layout change: a field the rule used to fill that now mostly falls back (see mw_crawl_run). */
struct mw_crawl_alert {
    const char *rule, *field;
    long pages;          /* the rule's pages this pass with a record */
    long rule_n;         /* ... where the rule filled the field */
    long fallback_n;     /* ... where it came from meta/generic instead */
    long empty_n;        /* ... where it stayed empty */
    long before_pages, before_rule;   /* the same rule and field over every earlier pass in the store */
    const char *example_url;          /* a page of this pass where the rule did not fill it */
};

struct mw_crawl_opts {
    const struct mw_run_config *cfg;     /* borrowed for the life of the crawl */
    struct mw_runner *runner;            /* borrowed: extraction with the outlets' rules; made with explain set,
                                            its "origin" feeds the layout-change counts (and is not stored) */
    const char *const *plugin_dirs;      /* where sink plugins are looked for (NULL-terminated, may be NULL) */
    volatile sig_atomic_t *stop;         /* when it becomes non-zero: finish the transfers in flight, then return */
    void (*on_event)(void *ctx, const struct mw_crawl_event *ev);
    void *ctx;
    int keep_origin;                     /* records keep "origin" (as `moonwire extract --explain` prints it) */
    int keep_fetch;                      /* page events carry their exchange (ev->fetch: body and headers), kept
                                            until the record is back from extraction */
    /* borrowed, may be NULL: how to make one runner per extraction thread (limits.workers of them; its explain
     * set like runner's). NULL: every page is extracted with runner, in the loop's thread. */
    const struct mw_runner_opts *runner_opts;
    /* 1: join the crawl as one of many workers (moonwire run --worker): sources are read by one worker per
     * limits.source_period, politeness and robots.txt are shared through the store, and the pass ends only when
     * no other worker holds leases or reads a source. Every pass leases its pages (limits.lease), so two runs
     * on one store never fetch the same page. */
    int worker;
};

struct mw_crawl;
/* Opens the store and the sinks, resolves outlets against the runner's rules. Owned: mw_crawl_free. NULL with
 * err (an unknown outlet, a sink that does not load, a store that does not open). */
struct mw_crawl *mw_crawl_new(const struct mw_crawl_opts *o, struct mw_err *err);
void mw_crawl_free(struct mw_crawl *c);

/* One pass: resume what earlier passes left queued, read every source, fetch every new article page (within
 * the limits). Failures of pages and sources are records, not errors: 0 unless the store itself fails or
 * memory runs out (then err).
 * Every pass ends: each request has limits.timeout; robots.txt that cannot be had (5xx, network, time-out,
 * after the retries) parks its host for the pass as RFC 9309 asks, a 4xx allows all; a host with
 * limits.host_failures connection failures or time-outs in a row, or busy longer than limits.host_time, is
 * parked; each parked host is one error record. At limits.pass_time the transfers in flight are dropped and
 * everything not done stays queued in the store for the next pass.
 * Per rule and field the pass counts pages filled by the rule, by meta/generic, or left empty, keeps the
 * counts in the store, and flags a field that earlier passes filled from the rule (>= 80% of >= 3 pages)
 * but this pass mostly did not (> 50% of >= 3 pages): see mw_crawl_alert_at. */
int mw_crawl_run(struct mw_crawl *c, struct mw_err *err);

/* Queue url (normalised here) as an article page of outlet (a name: an outlet of the config, or a new one that
 * records do not carry; NULL = the URL's host). Called from the event callback, it joins the pass running
 * then; before mw_crawl_run, the next pass, after what the store left queued and in the order given. Like any
 * page it goes into the store's frontier, so a URL already known is fetched once. 1 queued (before a pass:
 * taken), 0 already known; a negative MW_E* code with err (not an http(s) URL, the store). */
int mw_crawl_add_page(struct mw_crawl *c, const char *url, const char *outlet, struct mw_err *err);

/* Why the last pass stopped early: "pass_time", "signal", or NULL when it finished its work. */
const char *mw_crawl_stopped_by(const struct mw_crawl *c);
/* Pages left queued by an early stop (they are fetched by the next pass). */
long mw_crawl_left_queued(const struct mw_crawl *c);
/* Layout-change alerts of the last pass (borrowed until the next run or free). */
size_t mw_crawl_alert_count(const struct mw_crawl *c);
const struct mw_crawl_alert *mw_crawl_alert_at(const struct mw_crawl *c, size_t i);

/* Per-outlet counts of the last pass, in config order (borrowed until the next run or free). Outlets that only
 * pages queued by an earlier config belong to come last. */
size_t mw_crawl_outlet_count(const struct mw_crawl *c);
const struct mw_crawl_outlet *mw_crawl_outlet_at(const struct mw_crawl *c, size_t i);
/* Totals of the last pass: pages fetched, articles stored, errors; seconds taken. */
void mw_crawl_totals(struct mw_crawl *c, long *pages, long *articles, long *errors, double *secs);
/* Pages skipped in the last pass, over all outlets. */
long mw_crawl_skipped(const struct mw_crawl *c);

#endif
