/* net/fetch.c: one URL at a time over one reused libcurl easy handle, with every limit of fetch.h.
 * Charset decoding is doc/charset.c; many transfers at once (curl multi, politeness) belong to run/.
 * curl_global_init is the caller's (CLI, tests): core/ never calls it. */
#include "net/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/buf.h"

#ifndef MW_VERSION
#define MW_VERSION "0.0.0"
#endif

#define MW_FETCH_HEADERS_MAX (256 * 1024)   /* all header lines of one response */

struct mw_fetcher {
    struct mw_fetch_opts o;     /* string members point at the copies below */
    char *user_agent, *if_none_match, *if_modified_since, *cookie_file, *proxy;
    struct curl_slist *resolve;
    struct curl_slist *connect_to;
    struct curl_slist *cond;    /* the caller's headers, If-None-Match / If-Modified-Since: sent on every fetch */
    CURL *h;
    /* per-transfer state the callbacks fill */
    struct mw_buf body, hdrs;
    int body_over;              /* the write callback refused bytes past max_body */
    char errbuf[CURL_ERROR_SIZE];
};

void mw_fetch_opts_default(struct mw_fetch_opts *o)
{
    memset(o, 0, sizeof *o);
    o->connect_timeout_ms = 10000;
    o->timeout_ms = 30000;
    o->max_body = (size_t)16 << 20;
    o->max_redirects = 10;
    o->retries = 2;
    o->backoff_ms = 500;
    o->max_retry_after_ms = 30000;
}

void mw_response_free(struct mw_response *r)
{
    if (!r)
        return;
    free(r->url);
    free(r->content_type);
    free(r->etag);
    free(r->last_modified);
    free(r->headers);
    free(r->body);
    free(r);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct mw_fetcher *f = ud;
    size_t len = size * n;
    /* max_body counts decoded bytes: this is where a gzip bomb stops, whatever Content-Length said */
    int rc = mw_buf_append(&f->body, p, len);
    if (rc == MW_ELIMIT)
        f->body_over = 1;
    return rc ? 0 : len;   /* a short count makes curl end the transfer with CURLE_WRITE_ERROR */
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct mw_fetcher *f = ud;
    size_t len = size * n;
    /* A status line starts a new response (a redirect hop, a 100 Continue): only the last one's headers
     * and body are kept. */
    if (len >= 5 && !memcmp(p, "HTTP/", 5)) {
        mw_buf_reset(&f->hdrs);
        mw_buf_reset(&f->body);
        f->body_over = 0;
        return len;
    }
    size_t l = len;
    while (l && (p[l - 1] == '\n' || p[l - 1] == '\r'))
        l--;
    if (!l)
        return len;
    if (mw_buf_append(&f->hdrs, p, l) || mw_buf_appendc(&f->hdrs, '\n'))
        return 0;
    return len;
}

/* libcurl calls this about once a second even on a silent connection: the way to end a blocked transfer. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    volatile sig_atomic_t *interrupt = ud;
    return *interrupt ? 1 : 0;
}

/* Value of header name in the kept "Name: value\n" lines (malloc'd), or NULL. */
static char *header_value(const struct mw_buf *h, const char *name)
{
    if (!h->data)
        return NULL;
    size_t nl = strlen(name);
    for (const char *p = h->data; *p;) {
        const char *eol = strchr(p, '\n');
        size_t l = eol ? (size_t)(eol - p) : strlen(p);
        if (l > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1, *e = p + l;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            return strndup(v, (size_t)(e - v));
        }
        p += l + (eol ? 1 : 0);
    }
    return NULL;
}

static int is_http_url(const char *url)
{
    return !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
}

static char *dup_or_null(const char *s, int *fail)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *fail = 1;
    return d;
}

int mw_fetch_header_check(const char *line, struct mw_err *err)
{
    const char *colon = line ? strchr(line, ':') : NULL;
    size_t name = colon ? (size_t)(colon - line) : 0;
    int ok = name > 0 && strspn(line, "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
                             == name;
    if (!ok)
        return mw_err_set(err, MW_EINVAL, "fetch", "header \"%.80s\": expected \"Name: value\"", line ? line : "");
    if (strpbrk(line, "\r\n") || strlen(line) > 900)
        return mw_err_set(err, MW_EINVAL, "fetch", "header \"%.80s\" has a line break or is over 900 bytes", line);
    return 0;
}

/* Netscape cookie file (as curl and wget write it): "#" comments and blank lines, else seven tab-separated
 * fields: domain, include-subdomains (TRUE/FALSE), path, secure (TRUE/FALSE), expiry (seconds), name, value.
 * "#HttpOnly_" before a domain is a cookie line too. */
static int check_cookie_file(const char *path, struct mw_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return mw_err_set(err, MW_EIO, "fetch", "cookie file %s: %s", path, strerror(errno));
    char line[8192];
    int n = 0, rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        n++;
        line[strcspn(line, "\r\n")] = '\0';
        const char *p = line;
        if (!strncmp(p, "#HttpOnly_", 10))
            p += 10;
        else if (*p == '#' || !p[strspn(p, " \t")])
            continue;
        int tabs = 0;
        for (const char *q = p; *q; q++)
            tabs += *q == '\t';
        const char *f2 = strchr(p, '\t');
        int flag = f2 && (!strncmp(f2 + 1, "TRUE\t", 5) || !strncmp(f2 + 1, "FALSE\t", 6));
        if (tabs != 6 || !flag)
            rc = mw_err_set(err, MW_EINVAL, "fetch", "%s:%d: not a Netscape cookie line (domain, TRUE/FALSE, path, "
                            "TRUE/FALSE, expiry, name, value, separated by tabs)", path, n);
    }
    fclose(f);
    return rc;
}

int mw_fetch_opts_check(const struct mw_fetch_opts *o, struct mw_err *err)
{
    for (const char *const *h = o->headers; h && *h; h++)
        if (mw_fetch_header_check(*h, err))
            return MW_EINVAL;
    if (o->cookie_file && check_cookie_file(o->cookie_file, err))
        return err ? err->code : MW_EINVAL;
    if (o->proxy) {
        static const char *const SCHEMES[] = {"http://", "https://", "socks4://", "socks4a://", "socks5://",
                                              "socks5h://", NULL};
        int ok = 0;
        for (int i = 0; SCHEMES[i] && !ok; i++)
            ok = !strncasecmp(o->proxy, SCHEMES[i], strlen(SCHEMES[i])) && o->proxy[strlen(SCHEMES[i])];
        if (!ok || strpbrk(o->proxy, "\r\n \t"))
            return mw_err_set(err, MW_EINVAL, "fetch", "proxy \"%.80s\": expected http://HOST:PORT (or https://, "
                              "socks4://, socks4a://, socks5://, socks5h://)", o->proxy);
    }
    return 0;
}

static int cond_add(struct mw_fetcher *f, const char *line)
{
    struct curl_slist *s = curl_slist_append(f->cond, line);
    if (!s)
        return 1;
    f->cond = s;
    return 0;
}

/* mw_fetcher_new's checks beyond mw_fetch_opts_check: 0, or the error. */
static int fetcher_opts_check(const struct mw_fetch_opts *o, struct mw_err *err)
{
    if (o->connect_timeout_ms <= 0 || o->timeout_ms <= 0 || o->max_body == 0 || o->max_redirects < 0
        || o->retries < 0 || o->retries > 100 || o->backoff_ms < 0 || o->max_retry_after_ms < 0)
        return mw_err_set(err, MW_EINVAL, "fetch", "fetch options out of range (time-outs and max_body must be > 0, "
                          "redirects, back-off and retries >= 0, retries <= 100)");
    /* header values go out verbatim: a line break would let a caller's string inject headers */
    const char *hv[] = { o->user_agent, o->if_none_match, o->if_modified_since };
    for (size_t i = 0; i < sizeof hv / sizeof hv[0]; i++)
        if (hv[i] && (strpbrk(hv[i], "\r\n") || strlen(hv[i]) > 900))
            return mw_err_set(err, MW_EINVAL, "fetch", "fetch option \"%.60s\" has a line break or is over 900 "
                              "bytes", hv[i]);
    return mw_fetch_opts_check(o, err);
}

int mw_fetch_is_connect_to(const char *entry)
{
    int colons = 0, bracket = 0;
    for (const char *p = entry; *p; p++) {
        bracket += (*p == '[') - (*p == ']');
        colons += *p == ':' && !bracket;
    }
    return colons >= 3;
}

/* One resolve entry onto its list: 0, or 1 out of memory. */
static int resolve_add(struct mw_fetcher *f, const char *entry)
{
    struct curl_slist **list = mw_fetch_is_connect_to(entry) ? &f->connect_to : &f->resolve;
    struct curl_slist *s = curl_slist_append(*list, entry);
    if (!s)
        return 1;
    *list = s;
    return 0;
}

/* f->o as o, its strings and lists f's own copies: 0, or 1 when one could not be allocated. */
static int fetcher_copy(struct mw_fetcher *f, const struct mw_fetch_opts *o)
{
    f->o = *o;
    f->o.headers = NULL;   /* copied into f->cond below, with the conditional-GET lines */
    int fail = 0;
    f->user_agent = dup_or_null(o->user_agent ? o->user_agent
                                              : "moonwire/" MW_VERSION " (+https://github.com/moonwire)", &fail);
    f->if_none_match = dup_or_null(o->if_none_match, &fail);
    f->if_modified_since = dup_or_null(o->if_modified_since, &fail);
    f->o.user_agent = f->user_agent;
    f->o.if_none_match = f->if_none_match;
    f->o.if_modified_since = f->if_modified_since;
    f->o.resolve = NULL;   /* copied into f->resolve; curl copies each entry again */
    for (const char *const *r = o->resolve; r && *r && !fail; r++)
        fail = resolve_add(f, *r);
    for (const char *const *h = o->headers; h && *h && !fail; h++)
        fail = cond_add(f, *h);
    f->cookie_file = dup_or_null(o->cookie_file, &fail);
    f->proxy = dup_or_null(o->proxy, &fail);
    f->o.cookie_file = f->cookie_file;
    f->o.proxy = f->proxy;
    char line[1024];
    if (!fail && f->if_none_match) {
        snprintf(line, sizeof line, "If-None-Match: %s", f->if_none_match);
        fail = cond_add(f, line);
    }
    if (!fail && f->if_modified_since) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", f->if_modified_since);
        fail = cond_add(f, line);
    }
    return fail;
}

/* The options of f's handle: 0, or the error. */
static int fetcher_setopt(struct mw_fetcher *f, struct mw_err *err)
{
    /* Nothing here changes between fetches, so it is set once; the handle lives as long as the fetcher and
     * is never curl_easy_reset, so its connection and DNS caches (keep-alive) carry over from fetch to fetch. */
    CURL *h = f->h;
    /* the limits are the crawler's too: one place sets them (mw_fetch_easy_setup) */
    int rc = mw_fetch_easy_setup(h, &f->o, err);
    if (rc)
        return rc;
    CURLcode c = CURLE_OK;
#define SET(opt, val) do { if (c == CURLE_OK) c = curl_easy_setopt(h, opt, val); } while (0)
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, f);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, f);
    SET(CURLOPT_ERRORBUFFER, f->errbuf);
    if (f->resolve)
        SET(CURLOPT_RESOLVE, f->resolve);
    if (f->connect_to)
        SET(CURLOPT_CONNECT_TO, f->connect_to);
    if (f->cond)
        SET(CURLOPT_HTTPHEADER, f->cond);
    if (f->o.interrupt) {
        SET(CURLOPT_XFERINFOFUNCTION, on_progress);
        SET(CURLOPT_XFERINFODATA, (void *)f->o.interrupt);
        SET(CURLOPT_NOPROGRESS, 0L);
    }
#undef SET
    if (c != CURLE_OK)
        return mw_err_set(err, c == CURLE_OUT_OF_MEMORY ? MW_ENOMEM : MW_EINVAL, "fetch",
                          "libcurl refused an option: %s", curl_easy_strerror(c));
    return 0;
}

struct mw_fetcher *mw_fetcher_new(const struct mw_fetch_opts *o, struct mw_err *err)
{
    struct mw_fetch_opts def;
    if (!o) {
        mw_fetch_opts_default(&def);
        o = &def;
    }
    if (fetcher_opts_check(o, err))
        return NULL;
    struct mw_fetcher *f = calloc(1, sizeof *f);
    if (!f) {
        mw_err_set(err, MW_ENOMEM, "fetch", "out of memory creating a fetcher");
        return NULL;
    }
    int fail = fetcher_copy(f, o);
    mw_buf_init(&f->body, f->o.max_body);
    mw_buf_init(&f->hdrs, MW_FETCH_HEADERS_MAX);
    f->h = fail ? NULL : curl_easy_init();
    if (!f->h) {
        mw_fetcher_free(f);
        mw_err_set(err, MW_ENOMEM, "fetch", "out of memory creating a fetcher");
        return NULL;
    }
    if (fetcher_setopt(f, err)) {
        mw_fetcher_free(f);
        return NULL;
    }
    return f;
}

void mw_fetcher_free(struct mw_fetcher *f)
{
    if (!f)
        return;
    if (f->h)
        curl_easy_cleanup(f->h);
    curl_slist_free_all(f->cond);
    curl_slist_free_all(f->resolve);
    curl_slist_free_all(f->connect_to);
    free(f->user_agent);
    free(f->if_none_match);
    free(f->if_modified_since);
    free(f->cookie_file);
    free(f->proxy);
    mw_buf_free(&f->body);
    mw_buf_free(&f->hdrs);
    free(f);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Sleep ms, in steps of at most 100 ms when an interrupt flag is watched; 1 when it was raised. */
static int sleep_ms(long ms, volatile sig_atomic_t *interrupt)
{
    while (ms > 0) {
        if (interrupt && *interrupt)
            return 1;
        long step = interrupt && ms > 100 ? 100 : ms;
        struct timespec ts = { step / 1000, (step % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
            if (interrupt && *interrupt)
                return 1;
        ms -= step;
    }
    return interrupt && *interrupt;
}


/* Retry-After of the kept headers in ms (delta-seconds or an HTTP date), -1 when absent or unreadable. */
static long retry_after_ms(const struct mw_buf *h)
{
    char *v = header_value(h, "Retry-After");
    if (!v)
        return -1;
    long ms = -1;
    char *end;
    long secs = strtol(v, &end, 10);
    if (end != v && *end == '\0') {
        if (secs >= 0)
            ms = secs > 86400L * 365 ? 86400L * 365 * 1000 : secs * 1000;
    } else {
        time_t t = curl_getdate(v, NULL);
        if (t != -1) {
            time_t now = time(NULL);
            ms = t > now ? (long)(t - now) * 1000 : 0;
        }
    }
    free(v);
    return ms;
}

/* Transport failures worth another try: the server or the path may do better next time. */
static int retryable_code(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

static int retryable_status(long s) { return s == 408 || s == 429 || (s >= 500 && s <= 599); }

static int make_response(struct mw_fetcher *f, const char *url, int tries, double t0, struct mw_response **out,
                         struct mw_err *err)
{
    struct mw_response *r = calloc(1, sizeof *r);
    if (!r)
        return mw_err_set(err, MW_ENOMEM, "fetch", "%s: out of memory", url);
    char *eff = NULL, *ct = NULL;
    long redirects = 0;
    curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(f->h, CURLINFO_EFFECTIVE_URL, &eff);
    curl_easy_getinfo(f->h, CURLINFO_CONTENT_TYPE, &ct);
    curl_easy_getinfo(f->h, CURLINFO_REDIRECT_COUNT, &redirects);
    r->url = strdup(eff ? eff : url);
    r->content_type = ct ? strdup(ct) : NULL;
    r->etag = header_value(&f->hdrs, "ETag");
    r->last_modified = header_value(&f->hdrs, "Last-Modified");
    r->headers = mw_buf_steal(&f->hdrs, NULL);
    r->body = mw_buf_steal(&f->body, &r->body_len);
    r->tries = tries;
    r->redirects = (int)redirects;
    r->ms = now_ms() - t0;
    if (!r->url || (ct && !r->content_type) || !r->headers || !r->body) {
        mw_response_free(r);
        return mw_err_set(err, MW_ENOMEM, "fetch", "%s: out of memory", url);
    }
    *out = r;
    return 0;
}

/* Before each try: the buffers and flags the callbacks fill, emptied. */
static void try_reset(struct mw_fetcher *f)
{
    mw_buf_reset(&f->body);
    mw_buf_reset(&f->hdrs);
    f->body_over = 0;
    f->errbuf[0] = '\0';
}

/* A try that completed: 1 when its 408/429/5xx is tried again (after the wait), 0 when it is the response,
 * -1 when the wait was interrupted. */
static int retry_status_wait(struct mw_fetcher *f, int last, long wait)
{
    long status = 0;
    curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &status);
    if (last || !retryable_status(status))
        return 0;
    long ra = retry_after_ms(&f->hdrs);
    if (ra > f->o.max_retry_after_ms)
        return 0;
    return sleep_ms(ra > wait ? ra : wait, f->o.interrupt) ? -1 : 1;
}

/* A try that failed with c: *again after the back-off wait when it is retried, else its error. */
static int try_failed(struct mw_fetcher *f, const char *url, CURLcode c, int tries, long wait, int *again,
                      struct mw_err *err)
{
    int rc, last = tries > f->o.retries;
    volatile sig_atomic_t *intr = f->o.interrupt;
    char tail[32] = "";
    if (tries > 1)
        snprintf(tail, sizeof tail, " after %d tries", tries);
    if (f->body_over || c == CURLE_FILESIZE_EXCEEDED) {
        rc = mw_err_set(err, MW_ELIMIT, "fetch", "%s: body larger than %zu bytes", url, f->o.max_body);
    } else if (c == CURLE_TOO_MANY_REDIRECTS) {
        rc = mw_err_set(err, MW_ELIMIT, "fetch", "%s: too many redirects (%d)", url, f->o.max_redirects);
    } else if (c == CURLE_UNSUPPORTED_PROTOCOL) {
        /* the first URL was checked in mw_fetch, so this is a Location with another scheme */
        char *to = NULL;
        curl_easy_getinfo(f->h, CURLINFO_REDIRECT_URL, &to);
        rc = mw_err_set(err, MW_EFETCH, "fetch", "%s: redirect to a non-http(s) URL refused%s%.200s%s", url,
                        to ? " (" : "", to ? to : "", to ? ")" : "");
    } else if (c == CURLE_OUT_OF_MEMORY) {
        rc = mw_err_set(err, MW_ENOMEM, "fetch", "%s: out of memory", url);
    } else if (!last && retryable_code(c) && !sleep_ms(wait, intr)) {
        *again = 1;
        return 0;
    } else if (c == CURLE_ABORTED_BY_CALLBACK || (intr && *intr)) {
        rc = mw_err_set(err, MW_EFETCH, "fetch", "%s: interrupted", url);
    } else {
        rc = mw_err_set(err, c == CURLE_OPERATION_TIMEDOUT ? MW_ELIMIT : MW_EFETCH, "fetch", "%s: %s%s", url,
                        f->errbuf[0] ? f->errbuf : curl_easy_strerror(c), tail);
    }
    /* a refused body may be max_body large: do not keep it in an idle fetcher */
    mw_buf_free(&f->body);
    mw_buf_free(&f->hdrs);
    return rc;
}

/* What a fetch does, beyond fetch.h:
 * - Every try has the full timeout_ms; the wait before try n+1 is backoff_ms * 2^(n-1), or the server's
 *   Retry-After when that is longer. A Retry-After above max_retry_after_ms is not waited for: the 429/503
 *   comes back at once as the response.
 * - A 408/429/5xx still there after the last try is returned with rc 0 (status and tries set, err left
 *   alone): the caller decides, and writes "<url>: HTTP 503 after 3 tries" into the record itself.
 * - Errors (err stage "fetch", one line starting with the URL asked for):
 *   MW_EINVAL  not an http(s) URL;
 *   MW_ELIMIT  body past max_body (decoded bytes or Content-Length), too many redirects, a time-out
 *              (connect, whole transfer or stalled body) on the last try: err.h counts time as a limit;
 *   MW_EFETCH  a redirect to another scheme, DNS, TLS, refused or broken connections after the retries;
 *              "interrupted" when o->interrupt became non-zero (the transfer or the back-off wait ends). */
int mw_fetch(struct mw_fetcher *f, const char *url, struct mw_response **out, struct mw_err *err)
{
    if (out)
        *out = NULL;
    if (!f || !url || !out)
        return mw_err_set(err, MW_EINVAL, "fetch", "%s: mw_fetch needs a fetcher, a URL and a place for the "
                          "response", url ? url : "(null)");
    if (!is_http_url(url))
        return mw_err_set(err, MW_EINVAL, "fetch", "%s: only http and https URLs are fetched", url);
    CURLcode c = curl_easy_setopt(f->h, CURLOPT_URL, url);
    if (c != CURLE_OK)
        return mw_err_set(err, c == CURLE_OUT_OF_MEMORY ? MW_ENOMEM : MW_EINVAL, "fetch", "%s: %s", url,
                          curl_easy_strerror(c));
    double t0 = now_ms();
    long backoff = f->o.backoff_ms;
    volatile sig_atomic_t *intr = f->o.interrupt;
    for (int tries = 1;; tries++) {
        if (intr && *intr)
            return mw_err_set(err, MW_EFETCH, "fetch", "%s: interrupted", url);
        try_reset(f);
        c = curl_easy_perform(f->h);
        int last = tries > f->o.retries, again = 0;
        long wait = backoff;
        backoff = backoff > 3600000 / 2 ? 3600000 : backoff * 2;
        if (c == CURLE_OK) {
            again = retry_status_wait(f, last, wait);
            if (again < 0)
                return mw_err_set(err, MW_EFETCH, "fetch", "%s: interrupted", url);
            if (!again)
                return make_response(f, url, tries, t0, out, err);
            continue;
        }
        int rc = try_failed(f, url, c, tries, wait, &again, err);
        if (!again)
            return rc;
    }
}

/* ---- shared with the crawler's multi loop (run/crawl.c) ---- */

int mw_fetch_easy_setup(void *easy, const struct mw_fetch_opts *o, struct mw_err *err)
{
    CURL *h = easy;
    if (!h || !o || o->connect_timeout_ms <= 0 || o->timeout_ms <= 0 || o->max_body == 0 || o->max_redirects < 0)
        return mw_err_set(err, MW_EINVAL, "fetch", "fetch options out of range (time-outs and max_body must be "
                          "> 0, redirects >= 0)");
    if (o->user_agent && (strpbrk(o->user_agent, "\r\n") || strlen(o->user_agent) > 900))
        return mw_err_set(err, MW_EINVAL, "fetch", "user agent has a line break or is over 900 bytes");
    CURLcode c = CURLE_OK;
#define SET(opt, val) do { if (c == CURLE_OK) c = curl_easy_setopt(h, opt, val); } while (0)
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 1L);
    SET(CURLOPT_MAXREDIRS, (long)o->max_redirects);
    SET(CURLOPT_AUTOREFERER, 1L);
    SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
    long stall = o->timeout_ms / 1000 < 30 ? o->timeout_ms / 1000 : 30;
    SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    SET(CURLOPT_LOW_SPEED_TIME, stall > 0 ? stall : 1L);
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
    /* curl copies string options, so the default literal and the caller's string need not outlive this */
    SET(CURLOPT_USERAGENT, o->user_agent ? o->user_agent : "moonwire/" MW_VERSION " (+https://github.com/moonwire)");
    SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    if (o->cookie_file)   /* a handle that is curl_easy_reset must drop it first (mw_fetch_easy_clear) */
        SET(CURLOPT_COOKIEFILE, o->cookie_file);
    if (o->proxy)
        SET(CURLOPT_PROXY, o->proxy);
#undef SET
    if (c != CURLE_OK)
        return mw_err_set(err, c == CURLE_OUT_OF_MEMORY ? MW_ENOMEM : MW_EINVAL, "fetch",
                          "libcurl refused an option: %s", curl_easy_strerror(c));
    return 0;
}

void mw_fetch_easy_clear(void *easy)
{
    /* libcurl's curl_easy_reset forgets the list of cookie files without freeing it; NULL frees it */
    if (easy)
        curl_easy_setopt((CURL *)easy, CURLOPT_COOKIEFILE, (char *)NULL);
}

char *mw_fetch_header(const char *headers, const char *name)
{
    if (!headers || !name)
        return NULL;
    size_t nl = strlen(name);
    for (const char *p = headers; *p;) {
        const char *eol = strchr(p, '\n');
        size_t l = eol ? (size_t)(eol - p) : strlen(p);
        if (l > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1, *e = p + l;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                e--;
            return strndup(v, (size_t)(e - v));
        }
        p += l + (eol ? 1 : 0);
    }
    return NULL;
}

long mw_fetch_retry_after_ms(const char *headers)
{
    /* a copy of the lines without CRs, so retry_after_ms reads what mw_fetch would have kept */
    if (!headers)
        return -1;
    struct mw_buf b;
    mw_buf_init(&b, 0);
    for (const char *p = headers; *p; p++)
        if (*p != '\r' && mw_buf_appendc(&b, *p)) {
            mw_buf_free(&b);
            return -1;
        }
    long ms = b.data ? retry_after_ms(&b) : -1;
    mw_buf_free(&b);
    return ms;
}

int mw_fetch_retryable_status(long status) { return retryable_status(status); }
int mw_fetch_retryable_code(int curl_code) { return retryable_code((CURLcode)curl_code); }
