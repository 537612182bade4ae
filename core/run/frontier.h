/* run/frontier.h: the in-memory side of the frontier: per-host queues of jobs (sources before pages) and the
 * politeness state of each host (next allowed start, delay, robots, failures). Plain data, no I/O and no
 * clock: run/crawl.c drives it from its curl multi loop; the seen-set that survives runs is run/store.h's.
 * Queued pages are packed (about 10 bytes and the URL past its host's origin each), so ten million fit. */
#ifndef MW_FRONTIER_H
#define MW_FRONTIER_H

#include <stddef.h>
#include <stdint.h>

struct mw_robots;

struct mw_job {
    struct mw_job *next;
    uint32_t outlet;     /* index into the crawl's outlets */
    int32_t src;         /* index into the crawl's sources, or MW_JOB_PAGE / MW_JOB_ROBOTS */
    uint16_t tries;      /* tries in this run */
    uint16_t past;       /* failed tries in earlier runs */
    char url[];
};
#define MW_JOB_PAGE (-1)
#define MW_JOB_ROBOTS (-2)

enum mw_robots_state { MW_ROBOTS_UNKNOWN = 0, MW_ROBOTS_FETCHING, MW_ROBOTS_READY };

struct mw_page_chunk;

struct mw_host {
    char *key;                    /* "host:port", lower case */
    char *origin;                 /* "http://host:port" of the first URL seen, for robots.txt */
    size_t origin_len;
    struct mw_job *src_head, *src_tail;   /* sources */
    struct mw_job *front;                 /* pages put back first (retries), before the packed ones */
    struct mw_page_chunk *first, *last;   /* pages, packed, in queue order */
    size_t pages;                 /* pages queued (front and packed) */
    size_t queued;                /* jobs queued: sources and pages */
    int inflight;
    double next_ok;               /* monotonic ms before which nothing new starts */
    long delay_ms;
    enum mw_robots_state robots_state;
    struct mw_robots *robots;     /* owned */
    int fails;                    /* consecutive connect errors / time-outs */
    int dead;                     /* parked: nothing more starts on it this pass, its pages wait */
    int robots_tries;             /* robots.txt tries so far this pass */
    double first_ms;              /* monotonic ms of the host's first request this pass, 0 before it */
    uint32_t outlet;              /* outlet of the first job (robots Sitemap: lines go to it) */
    struct mw_host *hnext;
};

struct mw_frontier;
/* Owned: mw_frontier_free (frees every host, job and robots). NULL when memory runs out. */
struct mw_frontier *mw_frontier_new(long delay_ms);
void mw_frontier_free(struct mw_frontier *f);

/* The host of an absolute http(s) URL, created on first sight with the default delay. NULL for a URL without
 * a host or when memory runs out. */
struct mw_host *mw_frontier_host(struct mw_frontier *f, const char *url, uint32_t outlet);
/* Queue a job (url copied) on h: sources go to the source queue, pages to the page queue; front puts it first
 * (a retry). 0 or -1 when memory runs out. */
int mw_frontier_push(struct mw_frontier *f, struct mw_host *h, const char *url, uint32_t outlet, int32_t src,
                     int past, int front);
/* Put a popped job back first in its queue (a retry). */
void mw_frontier_requeue(struct mw_frontier *f, struct mw_host *h, struct mw_job *j);
/* Next job of h (sources first, then pages put back, then the others in order) or NULL; the caller owns it
 * (free()). */
struct mw_job *mw_frontier_pop(struct mw_frontier *f, struct mw_host *h);
/* Every host, in the order first seen. */
struct mw_host *mw_frontier_host_at(struct mw_frontier *f, size_t i);
size_t mw_frontier_host_count(const struct mw_frontier *f);
/* Jobs queued over all hosts. */
size_t mw_frontier_queued(const struct mw_frontier *f);

#endif
