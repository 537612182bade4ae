/* tests/unit/test_fetch.c: net/fetch.c against the project's own server (build/mw-testd, or $MW_TESTD),
 * started once on a free 127.0.0.1 port with a temp root; its fault modes stand in for bad servers.
 * Time-outs are short and back-offs tiny so the suite stays quick; every fault-mode row sets the time-out
 * and retry count it needs. No row asserts how long it took: what a time-out did is read from the error
 * and from the server's own count of the requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/fetch.h"

static struct {
    char dir[64];
    char root[96], vhost[128], port_file[96], log[96];
    pid_t pid;
    int port;
    char base[64];   /* "http://127.0.0.1:PORT" */
} S;

static const char PAGE[] = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Page</title></head>"
                           "<body><p>Hello from the test root.</p></body></html>\n";
static const char VHOST_PAGE[] = "<html><body><p>news.example home</p></body></html>\n";

static int write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(s, f);
    return fclose(f);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static int start_server(void **state)
{
    (void)state;
    const char *bin = getenv("MW_TESTD");
    if (!bin || !*bin)
        bin = "build/mw-testd";
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "test_fetch: %s not found (make tools, or set MW_TESTD)\n", bin);
        return -1;
    }
    snprintf(S.dir, sizeof S.dir, "/tmp/mw-fetch-XXXXXX");
    if (!mkdtemp(S.dir))
        return -1;
    snprintf(S.root, sizeof S.root, "%s/root", S.dir);
    snprintf(S.vhost, sizeof S.vhost, "%s/news.example", S.root);
    snprintf(S.port_file, sizeof S.port_file, "%s/port", S.dir);
    snprintf(S.log, sizeof S.log, "%s/log", S.dir);
    char p[192];
    if (mkdir(S.root, 0700) || mkdir(S.vhost, 0700))
        return -1;
    snprintf(p, sizeof p, "%s/index.html", S.root);
    if (write_file(p, PAGE))
        return -1;
    snprintf(p, sizeof p, "%s/page.html", S.root);
    if (write_file(p, PAGE))
        return -1;
    snprintf(p, sizeof p, "%s/index.html", S.vhost);
    if (write_file(p, VHOST_PAGE))
        return -1;

    S.pid = fork();
    if (S.pid < 0)
        return -1;
    if (S.pid == 0) {
        execl(bin, bin, "--port", "0", "--port-file", S.port_file, "--root", S.root, "--log", S.log, "--quiet",
              (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {   /* up to 5 s for the port file */
        FILE *f = fopen(S.port_file, "r");
        if (f) {
            int ok = fscanf(f, "%d", &S.port) == 1;
            fclose(f);
            if (ok && S.port > 0) {
                snprintf(S.base, sizeof S.base, "http://127.0.0.1:%d", S.port);
                return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
            }
        }
        int st;
        if (waitpid(S.pid, &st, WNOHANG) == S.pid) {
            fprintf(stderr, "test_fetch: %s exited early\n", bin);
            S.pid = 0;
            return -1;
        }
        sleep_ms(10);
    }
    fprintf(stderr, "test_fetch: %s wrote no port file\n", bin);
    return -1;
}

static int stop_server(void **state)
{
    (void)state;
    if (S.pid > 0) {
        kill(S.pid, SIGTERM);
        int st;
        waitpid(S.pid, &st, 0);
    }
    const char *files[] = { "root/index.html", "root/page.html", "root/news.example/index.html",
                            "root/news.example", "root", "port", "log" };
    char p[192];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", S.dir, files[i]);
        if (unlink(p) != 0)
            rmdir(p);
    }
    rmdir(S.dir);
    curl_global_cleanup();
    return 0;
}

/* Quick options: short time-outs, tiny back-off. */
static void quick_opts(struct mw_fetch_opts *o)
{
    mw_fetch_opts_default(o);
    o->connect_timeout_ms = 2000;
    o->timeout_ms = 3000;
    o->backoff_ms = 10;
    o->max_retry_after_ms = 3000;
}

static int fetch_with(const struct mw_fetch_opts *o, const char *path, struct mw_response **r, struct mw_err *err)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", S.base, path);
    mw_err_clear(err);
    struct mw_fetcher *f = mw_fetcher_new(o, err);
    assert_non_null(f);
    int rc = mw_fetch(f, url, r, err);
    mw_fetcher_free(f);
    return rc;
}

static long server_count(const char *key)
{
    struct mw_fetch_opts o;
    quick_opts(&o);
    struct mw_err err;
    struct mw_response *r = NULL;
    char path[128];
    snprintf(path, sizeof path, "/_fault/count?key=%s", key);
    assert_int_equal(fetch_with(&o, path, &r, &err), 0);
    long n = strtol(r->body, NULL, 10);
    mw_response_free(r);
    return n;
}

/* ---------- the table ---------- */

struct row {
    const char *path;
    int retries;            /* -1: quick default (2) */
    long timeout_ms;        /* 0: quick default */
    size_t max_body;        /* 0: default */
    int max_redirects;      /* -1: default (10) */
    long max_retry_after_ms; /* 0: quick default */
    int want_rc;
    long want_status;       /* when want_rc == 0 */
    int want_tries;         /* when want_rc == 0 */
    int want_redirects;     /* when want_rc == 0 */
    const char *want_msg;   /* substring of err.msg when want_rc != 0 */
};

static const struct row rows[] = {
    { "/page.html", -1, 0, 0, -1, 0, 0, 200, 1, 0, NULL },
    { "/missing.html", -1, 0, 0, -1, 0, 0, 404, 1, 0, NULL },
    { "/%2e%2e/%2e%2e/etc/passwd", -1, 0, 0, -1, 0, 0, 400, 1, 0, NULL },
    { "/_fault/status/500", 2, 0, 0, -1, 0, 0, 500, 3, 0, NULL },
    { "/_fault/status/408", 1, 0, 0, -1, 0, 0, 408, 2, 0, NULL },
    { "/_fault/status/403", 2, 0, 0, -1, 0, 0, 403, 1, 0, NULL },
    { "/_fault/flaky?fail=1&key=row-flaky", 2, 0, 0, -1, 0, 0, 200, 2, 0, NULL },
    { "/_fault/flaky?fail=5&key=row-flaky5", 2, 0, 0, -1, 0, 0, 503, 3, 0, NULL },
    /* a Retry-After past max_retry_after_ms is not waited for */
    { "/_fault/429-retry-after?secs=600&fail=9&key=row-long", 2, 0, 0, -1, 1000, 0, 429, 1, 0, NULL },
    { "/_fault/redirect-chain?n=3", -1, 0, 0, -1, 0, 0, 200, 1, 3, NULL },
    { "/_fault/redirect-loop", -1, 0, 0, 5, 0, MW_ELIMIT, 0, 0, 0, "/_fault/redirect-loop: too many redirects (5)" },
    { "/_fault/redirect-chain?n=4", -1, 0, 0, 3, 0, MW_ELIMIT, 0, 0, 0, "too many redirects (3)" },
    { "/_fault/redirect?to=file:///etc/passwd", -1, 0, 0, -1, 0, MW_EFETCH, 0, 0, 0,
      "redirect to a non-http(s) URL refused" },
    { "/_fault/redirect?to=ftp://127.0.0.1/x", -1, 0, 0, -1, 0, MW_EFETCH, 0, 0, 0,
      "redirect to a non-http(s) URL refused" },
    { "/_fault/gzip-bomb?mb=64", -1, 0, 1 << 20, -1, 0, MW_ELIMIT, 0, 0, 0, "body larger than 1048576 bytes" },
    { "/_fault/oversize?mb=4", -1, 0, 1 << 20, -1, 0, MW_ELIMIT, 0, 0, 0, "body larger than 1048576 bytes" },
    { "/_fault/slow?ms=1&chunk=65536", -1, 0, 1 << 20, -1, 0, MW_ELIMIT, 0, 0, 0,
      "body larger than 1048576 bytes" },
    { "/_fault/truncated", 0, 0, 0, -1, 0, MW_EFETCH, 0, 0, 0, "/_fault/truncated: " },
    { "/_fault/truncated", 1, 0, 0, -1, 0, MW_EFETCH, 0, 0, 0, "after 2 tries" },
    { "/_fault/hang", 0, 300, 0, -1, 0, MW_ELIMIT, 0, 0, 0, "/_fault/hang: " },
    { "/_fault/slow?ms=50", 0, 400, 0, -1, 0, MW_ELIMIT, 0, 0, 0, "/_fault/slow?ms=50: " },
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *w = &rows[i];
        struct mw_fetch_opts o;
        quick_opts(&o);
        if (w->retries >= 0)
            o.retries = w->retries;
        if (w->timeout_ms)
            o.timeout_ms = w->timeout_ms;
        if (w->max_body)
            o.max_body = w->max_body;
        if (w->max_redirects >= 0)
            o.max_redirects = w->max_redirects;
        if (w->max_retry_after_ms)
            o.max_retry_after_ms = w->max_retry_after_ms;
        struct mw_err err;
        struct mw_response *r = NULL;
        int rc = fetch_with(&o, w->path, &r, &err);
        if (rc != w->want_rc || (rc == 0 && (r->status != w->want_status || r->tries != w->want_tries
                                             || r->redirects != w->want_redirects))
            || (rc && !strstr(err.msg, w->want_msg)))
            fail_msg("row %zu %s: rc %d (%s) status %ld tries %d redirects %d", i, w->path, rc, err.msg,
                     r ? r->status : -1, r ? r->tries : -1, r ? r->redirects : -1);
        if (rc) {
            assert_null(r);
            assert_string_equal(err.stage, "fetch");
            assert_non_null(strstr(err.msg, S.base));      /* the message names the URL */
            assert_null(strchr(err.msg, '\n'));
        } else {
            assert_non_null(r->body);
            assert_int_equal(r->body[r->body_len], '\0');
        }
        mw_response_free(r);
    }
}

/* ---------- individual cases ---------- */

static void test_page(void **state)
{
    (void)state;
    struct mw_fetch_opts o;
    quick_opts(&o);
    struct mw_err err;
    struct mw_response *r = NULL;
    assert_int_equal(fetch_with(&o, "/page.html", &r, &err), 0);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->content_type, "text/html; charset=utf-8");
    assert_int_equal(r->body_len, strlen(PAGE));
    assert_string_equal(r->body, PAGE);   /* served gzip (we accept it), handed back decoded */
    assert_non_null(strstr(r->headers, "Content-Encoding: gzip\n"));
    assert_null(strstr(r->headers, "HTTP/"));
    assert_non_null(r->etag);
    assert_non_null(r->last_modified);
    char want[128];
    snprintf(want, sizeof want, "%s/page.html", S.base);
    assert_string_equal(r->url, want);
    assert_int_equal(r->tries, 1);
    assert_int_equal(r->redirects, 0);
    mw_response_free(r);

    /* the directory index */
    assert_int_equal(fetch_with(&o, "/", &r, &err), 0);
    assert_string_equal(r->body, PAGE);
    mw_response_free(r);
}

static void test_redirect_keeps_last_headers(void **state)
{
    (void)state;
    struct mw_fetch_opts o;
    quick_opts(&o);
    struct mw_err err;
    struct mw_response *r = NULL;
    assert_int_equal(fetch_with(&o, "/_fault/redirect?to=/page.html", &r, &err), 0);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->redirects, 1);
    assert_null(strstr(r->headers, "Location:"));   /* only the final response's lines */
    assert_string_equal(r->body, PAGE);
    char want[128];
    snprintf(want, sizeof want, "%s/page.html", S.base);
    assert_string_equal(r->url, want);
    mw_response_free(r);
}

static char *conn_id(const struct mw_response *r)
{
    const char *p = strstr(r->headers, "X-Mw-Conn: ");
    assert_non_null(p);
    return strndup(p + 11, strcspn(p + 11, "\n"));
}

static void test_keepalive(void **state)
{
    (void)state;
    struct mw_fetch_opts o;
    quick_opts(&o);
    struct mw_err err;
    mw_err_clear(&err);
    struct mw_fetcher *f = mw_fetcher_new(&o, &err);
    assert_non_null(f);
    char url[128];
    snprintf(url, sizeof url, "%s/page.html", S.base);
    struct mw_response *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(mw_fetch(f, url, &a, &err), 0);
    assert_int_equal(mw_fetch(f, url, &b, &err), 0);
    snprintf(url, sizeof url, "%s/_fault/status/404", S.base);
    assert_int_equal(mw_fetch(f, url, &c, &err), 0);
    char *ia = conn_id(a), *ib = conn_id(b), *ic = conn_id(c);
    assert_string_equal(ia, ib);   /* the server saw one connection for all three */
    assert_string_equal(ia, ic);
    free(ia);
    free(ib);
    free(ic);
    mw_response_free(a);
    mw_response_free(b);
    mw_response_free(c);
    mw_fetcher_free(f);
}

static void test_user_agent(void **state)
{
    (void)state;
    struct mw_fetch_opts o;
    quick_opts(&o);
    struct mw_err err;
    struct mw_response *r = NULL;
    assert_int_equal(fetch_with(&o, "/_fault/echo", &r, &err), 0);
    assert_non_null(strstr(r->body, "User-Agent: moonwire/"));
    assert_non_null(strstr(r->body, "Accept-Encoding: "));
    assert_non_null(strstr(r->body, "gzip"));
    mw_response_free(r);

    o.user_agent = "custom-agent/1";
    assert_int_equal(fetch_with(&o, "/_fault/echo", &r, &err), 0);
    assert_non_null(strstr(r->body, "User-Agent: custom-agent/1\r\n"));
    mw_response_free(r);
}

static void retry_after_case(const char *mode, const char *extra)
{
    char key[64], path[192];
    snprintf(key, sizeof key, "%s-%ld%s", mode, (long)getpid(), *extra ? "-date" : "");
    snprintf(path, sizeof path, "/_fault/%s?secs=1&fail=1&key=%s%s", mode, key, extra);
    struct mw_fetch_opts o;
    quick_opts(&o);
    struct mw_err err;
    struct mw_response *r = NULL;
    assert_int_equal(fetch_with(&o, path, &r, &err), 0);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->tries, 2);
    /* it waited for the Retry-After: a lower bound its own wait sets (load only lengthens it); a date has
     * 1 s resolution, so there only the count is sure */
    assert_true(r->ms >= (*extra ? 0 : 950));
    mw_response_free(r);
    assert_int_equal(server_count(key), 2);
}

static void test_retry_after_503(void **state) { (void)state; retry_after_case("503-retry-after", ""); }
static void test_retry_after_429(void **state) { (void)state; retry_after_case("429-retry-after", ""); }
static void test_retry_after_date(void **state) { (void)state; retry_after_case("503-retry-after", "&date=1"); }

static void test_gzip_bomb_memory(void **state)
{
    (void)state;
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    struct mw_fetch_opts o;
    quick_opts(&o);
    o.max_body = (size_t)8 << 20;
    struct mw_err err;
    struct mw_response *r = NULL;
    assert_int_equal(fetch_with(&o, "/_fault/gzip-bomb", &r, &err), MW_ELIMIT);   /* 1 GB inflated */
    assert_null(r);
    assert_non_null(strstr(err.msg, "body larger than 8388608 bytes"));
    getrusage(RUSAGE_SELF, &after);
    assert_true(after.ru_maxrss - before.ru_maxrss < 64 * 1024);   /* KB */
}

static void test_wrong_charset(void **state)
{
    (void)state;
    struct mw_fetch_opts o;
    quick_opts(&o);
    struct mw_err err;
    struct mw_response *r = NULL;
    assert_int_equal(fetch_with(&o, "/_fault/wrong-charset", &r, &err), 0);
    assert_string_equal(r->content_type, "text/html; charset=utf-8");
    /* "Москва" in windows-1251, untouched: decoding is doc/charset.c's job */
    assert_non_null(strstr(r->body, "\xcc\xee\xf1\xea\xe2\xe0"));
    assert_non_null(strstr(r->body, "<meta charset=\"windows-1251\">"));
    mw_response_free(r);
}

static void test_conditional(void **state)
{
    (void)state;
    struct mw_fetch_opts o;
    quick_opts(&o);
    struct mw_err err;
    struct mw_response *r = NULL, *r2 = NULL;
    assert_int_equal(fetch_with(&o, "/page.html", &r, &err), 0);
    assert_non_null(r->etag);

    o.if_none_match = r->etag;
    assert_int_equal(fetch_with(&o, "/page.html", &r2, &err), 0);
    assert_int_equal(r2->status, 304);
    assert_int_equal(r2->body_len, 0);
    mw_response_free(r2);

    o.if_none_match = NULL;
    o.if_modified_since = r->last_modified;
    assert_int_equal(fetch_with(&o, "/page.html", &r2, &err), 0);
    assert_int_equal(r2->status, 304);
    mw_response_free(r2);

    o.if_modified_since = NULL;
    o.if_none_match = "\"stale\"";
    assert_int_equal(fetch_with(&o, "/page.html", &r2, &err), 0);
    assert_int_equal(r2->status, 200);
    assert_string_equal(r2->body, PAGE);
    mw_response_free(r2);
    mw_response_free(r);
}

/* The body of url fetched with one resolve entry; options are copied, so the entry is scribbled on after. */
static void fetch_resolved(char *entry, const char *url, const char *want)
{
    const char *resolve[] = { entry, NULL };
    struct mw_fetch_opts o;
    quick_opts(&o);
    o.resolve = resolve;
    struct mw_err err;
    mw_err_clear(&err);
    struct mw_fetcher *f = mw_fetcher_new(&o, &err);
    assert_non_null(f);
    entry[0] = 'X';   /* options are copied */
    struct mw_response *r = NULL;
    assert_int_equal(mw_fetch(f, url, &r, &err), 0);
    assert_string_equal(r->body, want);
    mw_response_free(r);
    mw_fetcher_free(f);
}

static void test_resolve_vhost(void **state)
{
    (void)state;
    char entry[64], url[96];
    snprintf(entry, sizeof entry, "news.example:%d:127.0.0.1", S.port);
    snprintf(url, sizeof url, "http://news.example:%d/", S.port);
    fetch_resolved(entry, url, VHOST_PAGE);
}

/* host:port:addr:port2 moves the port too: a URL naming port 80 is served from the test server's port */
static void test_resolve_connect_to(void **state)
{
    (void)state;
    char entry[64];
    snprintf(entry, sizeof entry, "news.example:80:127.0.0.1:%d", S.port);
    fetch_resolved(entry, "http://news.example/", VHOST_PAGE);
    assert_int_equal(mw_fetch_is_connect_to("[::1]:80:[::1]"), 0);   /* an address's own colons do not count */
    assert_int_equal(mw_fetch_is_connect_to("h:80:[::1]:8080"), 1);
}

static void test_slow_timeout_bound(void **state)
{
    (void)state;
    struct mw_fetch_opts o;
    quick_opts(&o);
    o.timeout_ms = 300;
    o.retries = 1;
    struct mw_err err;
    struct mw_response *r = NULL;
    char path[96], key[48];
    snprintf(key, sizeof key, "slow-bound-%ld", (long)getpid());
    snprintf(path, sizeof path, "/_fault/slow?ms=100&key=%s", key);
    assert_int_equal(fetch_with(&o, path, &r, &err), MW_ELIMIT);
    assert_non_null(strstr(err.msg, "after 2 tries"));
    /* the server saw both tries, each cut off by the time-out (it would stream forever otherwise) */
    assert_int_equal(server_count(key), 2);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct mw_fetch_opts o;
    quick_opts(&o);
    struct mw_err err;
    struct mw_response *r = (struct mw_response *)&err;
    mw_err_clear(&err);
    struct mw_fetcher *f = mw_fetcher_new(&o, &err);
    assert_non_null(f);
    assert_int_equal(mw_fetch(f, "file:///etc/passwd", &r, &err), MW_EINVAL);
    assert_null(r);
    assert_string_equal(err.msg, "file:///etc/passwd: only http and https URLs are fetched");
    mw_err_clear(&err);
    assert_int_equal(mw_fetch(f, "ftp://127.0.0.1/", &r, &err), MW_EINVAL);
    mw_fetcher_free(f);
    mw_fetcher_free(NULL);
    mw_response_free(NULL);

    o.max_body = 0;
    mw_err_clear(&err);
    assert_null(mw_fetcher_new(&o, &err));
    assert_int_equal(err.code, MW_EINVAL);

    quick_opts(&o);
    o.if_none_match = "\"x\"\r\nX-Injected: 1";
    mw_err_clear(&err);
    assert_null(mw_fetcher_new(&o, &err));
    assert_int_equal(err.code, MW_EINVAL);

    /* NULL options are the defaults */
    mw_err_clear(&err);
    f = mw_fetcher_new(NULL, &err);
    assert_non_null(f);
    mw_fetcher_free(f);

    /* nothing listens on port 1: refused, retried, then an error naming the URL */
    quick_opts(&o);
    o.retries = 1;
    mw_err_clear(&err);
    f = mw_fetcher_new(&o, &err);
    assert_int_equal(mw_fetch(f, "http://127.0.0.1:1/", &r, &err), MW_EFETCH);
    assert_non_null(strstr(err.msg, "http://127.0.0.1:1/: "));
    assert_non_null(strstr(err.msg, "after 2 tries"));
    mw_fetcher_free(f);
}

static void test_server_log(void **state)
{
    (void)state;
    /* the server logs one line per request: ms, method, host, target, status, connection */
    FILE *f = fopen(S.log, "r");
    assert_non_null(f);
    char line[1024];
    int seen = 0;
    while (fgets(line, sizeof line, f)) {
        long long ms;
        char method[16], host[128], target[512];
        int status;
        unsigned long conn;
        assert_int_equal(sscanf(line, "%lld %15s %127s %511s %d %lu", &ms, method, host, target, &status, &conn), 6);
        if (!strcmp(target, "/_fault/status/500") && status == 500)
            seen++;
    }
    fclose(f);
    assert_int_equal(seen, 3);   /* the table's 500 row: three tries */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_redirect_keeps_last_headers),
        cmocka_unit_test(test_keepalive),
        cmocka_unit_test(test_user_agent),
        cmocka_unit_test(test_retry_after_503),
        cmocka_unit_test(test_retry_after_429),
        cmocka_unit_test(test_retry_after_date),
        cmocka_unit_test(test_gzip_bomb_memory),
        cmocka_unit_test(test_wrong_charset),
        cmocka_unit_test(test_conditional),
        cmocka_unit_test(test_resolve_vhost),
        cmocka_unit_test(test_resolve_connect_to),
        cmocka_unit_test(test_slow_timeout_bound),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_server_log),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
