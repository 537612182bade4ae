/* run/config.h: the run configuration: a Lua file (examples/demo.lua) evaluated in the sandbox, returning
 * a table of outlets, extra sources, limits, store, sinks, resolve entries and schedule; checked here and
 * turned into plain C data. Running it is run/crawl.c's. */
#ifndef MW_RUN_CONFIG_H
#define MW_RUN_CONFIG_H

#include <stddef.h>
#include "common/err.h"

enum mw_source_type { MW_SRC_AUTO = 0, MW_SRC_FEED, MW_SRC_SITEMAP, MW_SRC_LISTING, MW_SRC_ROBOTS };

struct mw_run_source {
    enum mw_source_type type;
    char *url;
    char *outlet;       /* outlet the found pages belong to */
    char **article;     /* Lua patterns a found URL must match (NULL-terminated); NULL = every URL found */
    char *links;        /* listing: CSS selector of article links (NULL = every a[href]) */
    char *next;         /* listing: the next page, a CSS selector of its link or a URL pattern with {n} (the
                           page number, 2 on); NULL = one page */
    int pages;          /* listing: pages read at most, this one included (default 10 with next, else 1) */
};

struct mw_run_sink {
    char *name;         /* "sqlite" (built in) or a plugin name / path */
    char *config_json;  /* the sink's table as JSON, "{}" when none */
};

struct mw_run_config {
    char *file;                 /* the config file, and its directory (relative paths are taken from it) */
    char *dir;
    char **outlets;             /* rule names, NULL-terminated */
    struct mw_run_source *sources;  /* extra sources */
    size_t nsources;
    char **rule_dirs;           /* "rules": more rule directories, NULL-terminated (may be empty) */
    char *store;                /* SQLite path (resolved against dir) */
    struct mw_run_sink *sinks;
    size_t nsinks;
    char **resolve;             /* curl --resolve / --connect-to entries, NULL-terminated */
    char *user_agent;           /* NULL = moonwire's default */
    char **headers;             /* "Name: value" request headers sent with every request, NULL-terminated or NULL */
    char *cookie_file;          /* "cookies": a Netscape cookie file (resolved against dir), or NULL */
    char *proxy;                /* proxy URL, or NULL (libcurl's http_proxy/https_proxy environment variables) */
    char *agent;                /* robots.txt product token, "moonwire" */
    int robots;                 /* obey robots.txt (default 1) */
    int robots_sitemaps;        /* follow outlet hosts' robots.txt Sitemap: lines (default 1) */
    /* limits */
    long pages_per_outlet;      /* article pages fetched per outlet per run (default 500; 0 = none) */
    long long max_age_s;        /* skip entries dated older than this (0 = no limit) */
    long delay_ms;              /* between requests to one host (default 1000); robots Crawl-delay wins when longer */
    int per_host;               /* connections per host (default 1) */
    int connections;            /* transfers at once over all hosts (default 32) */
    int workers;                /* extraction threads (-1 when not given: one per core; 0: in the loop's thread) */
    long timeout_ms, connect_timeout_ms;
    int retries;                /* extra tries of one request within a run (default 2) */
    long backoff_ms, max_retry_after_ms;
    int max_tries;              /* runs in which a failing page is tried again (default 3) */
    int host_failures;          /* consecutive connect errors/time-outs before a host is parked (default 3) */
    long long pass_time_ms;     /* whole-pass deadline: then the pass stops and leaves the rest queued (1h) */
    long long host_time_ms;     /* one host's share of a pass, from its first request, before it is parked (30m) */
    long long page_time_ms;     /* one page's extraction, decoding to record (10s; 0 = none): then an error record */
    size_t max_body;
    long long every_s;          /* schedule (0 = none given) */
    long lease_ms;              /* a worker's hold on the pages it took, renewed by its heartbeat (60s) */
    long source_period_ms;      /* workers read each source once per period (15m) */
};

/* Load path. getenv(name) is available to the file, so ports and paths can come from the environment.
 * Every value is checked (types, URLs and their schemes, resolve entries, units, patterns, selectors, rule
 * directories) before the caller may fetch anything. Owned: mw_run_config_free. NULL with err: stage
 * "config", the first problem as "FILE: sources[5].listing: why". */
struct mw_run_config *mw_run_config_load(const char *path, struct mw_err *err);
void mw_run_config_free(struct mw_run_config *c);
/* A config with every default and nothing to crawl, for a caller that fills it itself (`moonwire fetch`): the
 * outlets, sources, store and sinks are the caller's to set (malloc'd, freed by mw_run_config_free). file names
 * it in messages. NULL when memory runs out. */
struct mw_run_config *mw_run_config_new(const char *file);

/* "15m", "1.5s", "500ms", "2h", "7d", "1h30m", "1m 30s", "0" -> ms. Every number needs a unit (ms, s, m, h, d,
 * w) except a lone "0". 0, or MW_EINVAL. */
int mw_run_duration_ms(const char *s, long long *ms);
/* "16MB", "512k", "1G", "4096" (bytes) -> bytes. 0, or MW_EINVAL. */
int mw_run_size(const char *s, size_t *bytes);

#endif
