/* net/fetch.h: one URL over libcurl with every limit: http(s) only, bounded redirects, time-outs, body and
 * decompression caps, retries with backoff and Retry-After. Keep-alive is reused within one fetcher.
 * The scheduled crawler (run/) drives many transfers through curl multi; this is the one-page path. */
#ifndef MW_FETCH_H
#define MW_FETCH_H

#include <signal.h>
#include <stddef.h>
#include "common/err.h"

struct mw_fetch_opts {
    long connect_timeout_ms;    /* default 10000 */
    long timeout_ms;            /* whole transfer, default 30000 */
    size_t max_body;            /* bytes after decompression, default 16 MB; the transfer stops there */
    int max_redirects;          /* default 10 */
    int retries;                /* extra tries on connect errors, 408, 429, 5xx; default 2 */
    long backoff_ms;            /* first backoff, doubled each try; default 500 */
    long max_retry_after_ms;    /* Retry-After longer than this is not waited for; default 30000 */
    const char *user_agent;     /* default "moonwire/<version> (+https://github.com/moonwire)" */
    const char *const *resolve; /* NULL-terminated "host:port:address" (curl --resolve) or
                                   "host:port:address:port2" (curl --connect-to) entries */
    const char *const *headers; /* NULL-terminated "Name: value" request headers sent with every request (curl -H);
                                   NULL = none */
    const char *cookie_file;    /* cookies sent from this Netscape-format file (curl -b FILE); NULL = none */
    const char *proxy;          /* proxy URL (http://, https://, socks4://, socks4a://, socks5://, socks5h://);
                                   NULL = libcurl's environment variables (http_proxy, https_proxy, no_proxy) */
    const char *if_none_match;  /* conditional GET, may be NULL */
    const char *if_modified_since;
    volatile sig_atomic_t *interrupt;   /* when it becomes non-zero (a signal handler's flag), the transfer and
                                           any back-off wait end within about a second: MW_EFETCH "interrupted".
                                           Borrowed; NULL = not interruptible */
};
void mw_fetch_opts_default(struct mw_fetch_opts *o);
/* Check what a user can get wrong in headers, cookie_file and proxy: a header that is not "Name: value" or has a
 * line break, a cookie file that cannot be read or has a line that is not Netscape format ("FILE:LINE: ..."), a
 * proxy with another scheme. 0, or MW_EINVAL/MW_EIO with err (stage "fetch"). */
int mw_fetch_opts_check(const struct mw_fetch_opts *o, struct mw_err *err);
/* 0 when line is a request header "Name: value" moonwire may send (a token name, no line break, <= 900 bytes). */
int mw_fetch_header_check(const char *line, struct mw_err *err);

struct mw_response {
    char *url;            /* final URL after redirects */
    long status;          /* HTTP status of the last response */
    char *content_type;   /* NULL when absent */
    char *etag, *last_modified;
    char *headers;        /* the last response's header lines, "Name: value\n"... */
    char *body;           /* decoded (not charset-converted) bytes, NUL-terminated */
    size_t body_len;
    double ms;            /* wall time of all tries */
    int tries;
    int redirects;
};
void mw_response_free(struct mw_response *r);

struct mw_fetcher;
/* Options are copied. Owned: mw_fetcher_free. */
struct mw_fetcher *mw_fetcher_new(const struct mw_fetch_opts *o, struct mw_err *err);
void mw_fetcher_free(struct mw_fetcher *f);

/* 0 with *out set for any HTTP status that is final (2xx, 3xx without location, 4xx, 5xx after retries:
 * the caller decides what a status means); MW_EFETCH/MW_ELIMIT/MW_EINVAL with err set (stage "fetch",
 * message naming the URL) when no response could be had. *out is owned: mw_response_free. */
int mw_fetch(struct mw_fetcher *f, const char *url, struct mw_response **out, struct mw_err *err);

/* For the crawler's curl multi loop (run/crawl.c), which must apply the same limits to its own easy handles.
 * Set every option of o that holds for all transfers (protocols, redirects, time-outs, stall abort,
 * Accept-Encoding, max file size, user agent, cookie file, proxy, HTTP version, NOSIGNAL) on easy (a CURL *).
 * Callbacks, URL, headers (o->headers included: the caller adds them to its own list) and resolve lists stay
 * the caller's. 0, or MW_EINVAL/MW_ENOMEM with err. */
int mw_fetch_easy_setup(void *easy, const struct mw_fetch_opts *o, struct mw_err *err);
/* Before curl_easy_reset of a handle mw_fetch_easy_setup set up: frees what the reset would leak (the list of
 * cookie files). */
void mw_fetch_easy_clear(void *easy);
/* Value of header name in "Name: value\n" lines (CRLF accepted), malloc'd, or NULL. */
char *mw_fetch_header(const char *headers, const char *name);
/* Retry-After in "Name: value\n" header lines as ms (delta-seconds or an HTTP date), -1 when absent. */
long mw_fetch_retry_after_ms(const char *headers);
/* 1 for statuses worth another try (408, 429, 5xx). */
int mw_fetch_retryable_status(long status);
/* 1 for a transport failure (a CURLcode) worth another try: connect, time-out, send/receive, HTTP/2 errors. */
int mw_fetch_retryable_code(int curl_code);
/* 1 when a --resolve / resolve entry is "host:port:addr:port2" (CURLOPT_CONNECT_TO: it moves the port too, so
 * a feed naming http://outlet.example/ can be served from a local test port); 0 for "host:port:addr"
 * (CURLOPT_RESOLVE). Colons inside [IPv6] brackets do not count. */
int mw_fetch_is_connect_to(const char *entry);

#endif
