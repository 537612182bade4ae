/* tests/bench/fetchparse.c: the fetch+parse half of tests/bench/crawl.sh for moonwire: reads a sitemap
 * (net/fetch.c + run/discover.c), then fetches every page through one curl multi loop with C transfers at
 * once and parses each into a libxml2 document (doc/html.c, charset decoding included); no extraction, no
 * store. Prints pages, seconds and pages/s. Usage: fetchparse SITEMAP_URL [CONCURRENCY] */
#include <curl/curl.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "doc/html.h"
#include "net/fetch.h"
#include "run/discover.h"

struct list {
    char **v;
    size_t n, cap;
};

static int add(void *ctx, const char *url, const char *date, enum mw_found_kind kind)
{
    (void)date;
    (void)kind;
    struct list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = strdup(url);
    return 0;
}

struct slot {
    CURL *h;
    struct mw_buf body;
    int busy;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    return mw_buf_append(ud, p, size * n) ? 0 : size * n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fetchparse SITEMAP_URL [CONCURRENCY]\n");
        return 2;
    }
    int conc = argc > 2 ? atoi(argv[2]) : 8;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
    double t0 = now();
    struct mw_err err = {0};
    struct mw_fetcher *f = mw_fetcher_new(NULL, &err);
    struct mw_response *r = NULL;
    if (!f || mw_fetch(f, argv[1], &r, &err)) {
        fprintf(stderr, "fetchparse: %s\n", err.msg);
        return 1;
    }
    struct list l = {0};
    struct mw_discover_opts o = {r->url, r->content_type, NULL, 0, NULL};
    if (mw_discover(r->body, r->body_len, &o, add, &l, NULL, &err)) {
        fprintf(stderr, "fetchparse: %s\n", err.msg);
        return 1;
    }
    mw_response_free(r);
    mw_fetcher_free(f);
    struct mw_fetch_opts fo;
    mw_fetch_opts_default(&fo);
    CURLM *m = curl_multi_init();
    struct slot *s = calloc((size_t)conc, sizeof *s);
    size_t next = 0, done = 0, failed = 0;
    long nodes = 0;
    while (done < l.n) {
        for (int i = 0; i < conc && next < l.n; i++) {
            if (s[i].busy)
                continue;
            if (!s[i].h) {
                s[i].h = curl_easy_init();
                mw_buf_init(&s[i].body, fo.max_body);
            }
            curl_easy_reset(s[i].h);
            mw_fetch_easy_setup(s[i].h, &fo, &err);
            curl_easy_setopt(s[i].h, CURLOPT_URL, l.v[next++]);
            curl_easy_setopt(s[i].h, CURLOPT_WRITEFUNCTION, on_body);
            curl_easy_setopt(s[i].h, CURLOPT_WRITEDATA, &s[i].body);
            curl_easy_setopt(s[i].h, CURLOPT_PRIVATE, &s[i]);
            mw_buf_reset(&s[i].body);
            s[i].busy = 1;
            curl_multi_add_handle(m, s[i].h);
        }
        int running;
        curl_multi_poll(m, NULL, 0, 100, NULL);
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct slot *x;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            char *ct = NULL;
            curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
            curl_multi_remove_handle(m, x->h);
            struct mw_err e = {0};
            htmlDocPtr doc = msg->data.result == CURLE_OK
                                 ? mw_html_parse_bytes(x->body.data, x->body.len, ct, NULL, NULL, &e) : NULL;
            if (doc) {
                nodes += xmlDocGetRootElement(doc) ? 1 : 0;
                xmlFreeDoc(doc);
            } else {
                failed++;
            }
            x->busy = 0;
            done++;
        }
    }
    double t = now() - t0;
    printf("fetchparse: %zu pages (%zu failed) in %.2f s: %.0f pages/s\n", l.n, failed, t, (double)l.n / t);
    for (int i = 0; i < conc; i++) {
        if (s[i].h)
            curl_easy_cleanup(s[i].h);
        mw_buf_free(&s[i].body);
    }
    free(s);
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i]);
    free(l.v);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
