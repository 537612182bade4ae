/* run/crawl.h: one scheduled pass: outlets and sources from a run config, discovery, the frontier, politeness
 * and robots.txt, many hosts at once through one curl multi loop, extraction, and the store and sinks.
 * Printing (progress, JSONL, the summary) is the caller's, through the event callback. */
#ifndef MW_CRAWL_H
#define MW_CRAWL_H

#include <signal.h>
#include <stddef.h>
#include "common/err.h"
#include "rules/runner.h"
#include "run/config.h"

/* What one finished fetch was (events come in completion order). */
struct mw_crawl_event {
    const char *url;           /* as requested */
    const char *kind;          /* "page", "feed", "sitemap", "listing", "robots", "host" (a host given up) */
    const char *outlet;
    long status;               /* 0 when no response came */
    size_t bytes;
    double ms;
    const char *error;         /* one line, NULL on success */
    const char *record_json;   /* pages (and failed sources): the record, error records included; else NULL */
    int stored;                /* pages: 1 new article, 2 new revision, 0 unchanged or not stored */
    int found;                 /* sources: new URLs queued */
    /* the pass so far */
    long done, queued, inflight, errors;
};

struct mw_crawl_outlet {
    const char *name;
    long pages;      /* article pages fetched (final tries) */
    long articles;   /* new articles and new revisions stored */
    long errors;     /* error records (pages and sources) */
    long skipped;    /* robots.txt refused, over the page limit or left queued when a host was given up */
};

struct mw_crawl_opts {
    const struct mw_run_config *cfg;     /* borrowed for the life of the crawl */
    struct mw_runner *runner;            /* borrowed: extraction with the outlets' rules */
    const char *const *plugin_dirs;      /* where sink plugins are looked for (NULL-terminated, may be NULL) */
    volatile sig_atomic_t *stop;         /* when it becomes non-zero: finish the transfers in flight, then return */
    void (*on_event)(void *ctx, const struct mw_crawl_event *ev);
    void *ctx;
};

struct mw_crawl;
/* Opens the store and the sinks, resolves outlets against the runner's rules. Owned: mw_crawl_free. NULL with
 * err (an unknown outlet, a sink that does not load, a store that does not open). */
struct mw_crawl *mw_crawl_new(const struct mw_crawl_opts *o, struct mw_err *err);
void mw_crawl_free(struct mw_crawl *c);

/* One pass: resume what earlier passes left queued, read every source, fetch every new article page (within
 * the limits). Failures of pages and sources are records, not errors: 0 unless the store itself fails or
 * memory runs out (then err). */
int mw_crawl_run(struct mw_crawl *c, struct mw_err *err);

/* Per-outlet counts of the last pass, in config order (borrowed until the next run or free). Outlets that only
 * pages queued by an earlier config belong to come last. */
size_t mw_crawl_outlet_count(const struct mw_crawl *c);
const struct mw_crawl_outlet *mw_crawl_outlet_at(const struct mw_crawl *c, size_t i);
/* Totals of the last pass: pages fetched, articles stored, errors; seconds taken. */
void mw_crawl_totals(struct mw_crawl *c, long *pages, long *articles, long *errors, double *secs);

#endif
