/* core/plugin.h: the versioned C ABI for moonwire plugins (sinks and sources), loaded with dlopen from
 * build/plugins/, <prefix>/lib/moonwire/plugins and MOONWIRE_PLUGIN_PATH. A plugin is one shared object that
 * exports `const struct mw_plugin *moonwire_plugin(void)`; the host checks `abi` before anything else
 * (ABI 2 added store back ends, ABI 3 their SQL seam (run/store.h's sql, sql_script, for core/story's tables): a
 * plugin of an older ABI is refused, to be rebuilt against this header).
 * Strings the host passes are borrowed for the duration of the call; a plugin copies what it keeps.
 * Errors: return non-zero and write one line into err (cap bytes). Plugins never exit() or print. */
#ifndef MW_PLUGIN_H
#define MW_PLUGIN_H

#include <stddef.h>

#define MW_PLUGIN_ABI 3
#define MW_PLUGIN_ENTRY "moonwire_plugin"

/* One HTTP exchange as the crawler saw it (every fetched response: pages, feeds, sitemaps, robots.txt). */
struct mw_fetch_event {
    const char *url;              /* requested URL */
    const char *final_url;        /* after redirects */
    const char *method;           /* "GET" */
    const char *request_headers;  /* "Name: value\r\n"... as sent (may be NULL) */
    long status;                  /* 0 when no response arrived */
    const char *status_line;      /* "HTTP/1.1 200 OK" (may be NULL) */
    const char *response_headers; /* "Name: value\r\n"... of the final response (may be NULL) */
    const char *body;             /* decoded body bytes (content-encoding removed) */
    size_t body_len;
    const char *fetched;          /* ISO 8601 UTC, "2026-11-29T10:00:00Z" */
    const char *remote_ip;        /* may be NULL */
    double ms;
    const char *error;            /* NULL on success, else one line */
    int truncated;                /* 1 when the body was cut at the host's size cap */
};

struct mw_sink_ops {
    /* config_json: the sink's table from the run config, as JSON ("{}" when none). */
    int (*open)(void **state, const char *config_json, char *err, size_t cap);
    /* every fetched response (may be NULL when the sink only wants records) */
    int (*on_fetch)(void *state, const struct mw_fetch_event *ev, char *err, size_t cap);
    /* every article record (design.md's JSON, one object: the record's one serialisation, the bytes the store
     * keeps and --jsonl prints) (may be NULL). Called from the crawl's writer thread (the loop's with workers =
     * 0); never at once with another call of this sink: on_fetch and flush come from the loop's thread, and the
     * crawl's store lock keeps the three apart. */
    int (*on_record)(void *state, const char *record_json, char *err, size_t cap);
    /* make everything written so far durable (end of a batch or run) (may be NULL) */
    int (*flush)(void *state, char *err, size_t cap);
    void (*close)(void *state);
};

/* A source yields candidate URLs once per run. */
typedef int (*mw_emit_fn)(void *ctx, const char *url, const char *hint_json);
struct mw_source_ops {
    int (*open)(void **state, const char *config_json, char *err, size_t cap);
    int (*discover)(void *state, mw_emit_fn emit, void *ctx, char *err, size_t cap);
    void (*close)(void *state);
};

/* A store back end (ABI 2; its ops table gained the SQL seam in ABI 3): moonwire opens a store whose location
 * starts with one of schemes through it ("postgresql://..."), and calls run/store.h's struct mw_store_ops on
 * what open returned. A store plugin
 * includes run/store.h and common/err.h for those two types only: it links nothing of moonwire's (its
 * errors are struct mw_err fields it fills itself; the record's columns and text hash come precomputed). */
struct mw_store_ops;
struct mw_err;
struct mw_store_backend {
    const char *const *schemes;          /* NULL-terminated: "postgresql://", "postgres://" */
    /* open, create or migrate the store at url; NULL with err (stage "store") */
    void *(*open)(const char *url, struct mw_err *err);
    const struct mw_store_ops *ops;
};

struct mw_plugin {
    unsigned abi;                        /* MW_PLUGIN_ABI */
    const char *name;                    /* as named in run configs: sinks = {"warc", ...} */
    const char *version;
    const struct mw_sink_ops *sink;      /* NULL when not a sink */
    const struct mw_source_ops *source;  /* NULL when not a source */
    const struct mw_store_backend *store;   /* NULL when not a store back end */
};

typedef const struct mw_plugin *(*mw_plugin_entry_fn)(void);

#endif
