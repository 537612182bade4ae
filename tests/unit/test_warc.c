/* tests/unit/test_warc.c: the warc plugin (loaded with mw_plugin_load) writes fetch events, net/warc.c reads
 * them back (URL, status, body bytes, digests, one gzip member per record, walked here with zlib); a WARC 1.0
 * sample written below by hand (CRLF, chunked, gzip and deflate bodies) read plain, gzip-per-record and
 * whole-file gzip; plugin config errors, truncation, rotation, damaged files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/buf.h"
#include "net/warc.h"
#include "plugins/helper.h"
#include "run/plugins.h"

struct fx {
    char *tmp;
    struct mw_plugin_lib *lib;
    const struct mw_sink_ops *ops;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || !(f->tmp = tp_tmpdir()))
        return -1;
    const char *dir = tp_warc_dir(f->tmp);
    if (!dir)
        return -1;
    unsetenv("MOONWIRE_PLUGIN_PATH");
    const char *dirs[] = {dir, NULL};
    struct mw_err err = {0};
    f->lib = mw_plugin_load("warc", dirs, &err);
    if (!f->lib) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    f->ops = mw_plugin_info(f->lib)->sink;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    mw_plugin_unload(f->lib);
    tp_rmdir(f->tmp);
    free(f);
    return 0;
}

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *n)
{
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    struct mw_buf b;
    mw_buf_init(&b, 0);
    char tmp[4096];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, in)) > 0)
        assert_int_equal(mw_buf_append(&b, tmp, k), 0);
    fclose(in);
    return mw_buf_steal(&b, n);
}

static void spit(const char *path, const void *p, size_t n)
{
    FILE *o = fopen(path, "wb");
    assert_non_null(o);
    assert_int_equal(fwrite(p, 1, n, o), n);
    fclose(o);
}

static void gzip_into(struct mw_buf *out, const void *p, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    uLong bound = deflateBound(&z, (uLong)n) + 32;
    unsigned char *tmp = malloc(bound);
    assert_non_null(tmp);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = tmp;
    z.avail_out = (uInt)bound;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(mw_buf_append(out, tmp, bound - z.avail_out), 0);
    deflateEnd(&z);
    free(tmp);
}

/* Walk gzip members: their start offsets; each must decompress to exactly one WARC record. */
static int gz_members(const unsigned char *d, size_t n, long long *starts, int max)
{
    int k = 0;
    size_t pos = 0;
    while (pos < n) {
        assert_true(k < max);
        starts[k] = (long long)pos;
        z_stream z;
        memset(&z, 0, sizeof z);
        assert_int_equal(inflateInit2(&z, 31), Z_OK);
        z.next_in = (Bytef *)(uintptr_t)(d + pos);
        z.avail_in = (uInt)(n - pos);
        struct mw_buf out;
        mw_buf_init(&out, 0);
        unsigned char tmp[4096];
        int rc;
        do {
            z.next_out = tmp;
            z.avail_out = sizeof tmp;
            rc = inflate(&z, Z_NO_FLUSH);
            assert_int_equal(mw_buf_append(&out, tmp, sizeof tmp - z.avail_out), 0);
        } while (rc == Z_OK);
        assert_int_equal(rc, Z_STREAM_END);
        assert_memory_equal(out.data, "WARC/1.1\r\n", 10);
        assert_memory_equal(out.data + out.len - 4, "\r\n\r\n", 4);
        assert_null(strstr(out.data + 10, "\r\nWARC/1.1\r\n"));
        mw_buf_free(&out);
        pos = n - z.avail_in;
        inflateEnd(&z);
        k++;
    }
    return k;
}

static char *hdr(const char *headers, const char *name)
{
    return mw_warc_header(headers, name);
}

static void assert_header(const char *headers, const char *name, const char *want)
{
    char *v = hdr(headers, name);
    if (!want) {
        if (v)
            fail_msg("%s: want none, got \"%s\"", name, v);
        return;
    }
    if (!v || strcmp(v, want))
        fail_msg("%s: want \"%s\", got \"%s\"", name, want, v ? v : "(none)");
    free(v);
}

/* ---- the plugin writes, the reader reads ---- */

static const struct row {
    const char *url, *final_url, *status_line, *resp_headers, *req_headers, *ip;
    long status;
    const char *body;
    size_t len;            /* 0: strlen(body) */
    const char *ctype, *digest;
    int html;              /* what html_only yields */
} ROWS[] = {
    {"https://ex.com/a", NULL, "HTTP/1.1 200 OK",
     "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\n"
     "Transfer-Encoding: chunked\r\nX-Kept: yes\r\n",
     "GET /a HTTP/1.1\r\nHost: ex.com\r\nAccept: */*\r\n\r\n", "127.0.0.1", 200,
     "<html><body><p>Hello</p></body></html>", 0, "text/html; charset=utf-8", "sha1:TRYXQWJA3M6SKVQNDMWGONVJRUNHQVIN",
     1},
    /* libcurl-style headers: status line first, LF only; binary body with a NUL; a redirect */
    {"http://ex.com/r", "https://ex.com/final?x=1", NULL, "HTTP/2 200\nContent-Type: text/html\n", NULL, NULL, 200,
     "<html>\0\xff</html>", 15, "text/html", "sha1:U2FPEOZ44RFX5ZYPIK247RVRC3YZK5BP", 1},
    {"https://ex.com/logo.png", NULL, "HTTP/1.1 200 OK", "Content-Type: image/png\r\n", "Host: ex.com\r\n",
     "::1", 200, "\x89PNG\r\n\x1a\n", 0, "image/png", NULL, 0},
    {"https://ex.com/missing", NULL, NULL, "Content-Type: text/html\r\n", "Host: ex.com\r\n", NULL, 404,
     "<html>nope</html>", 0, "text/html", NULL, 0},
    {"https://ex.com/empty", NULL, "HTTP/1.1 200 OK", "Content-Type: text/html\r\n", "Host: ex.com\r\n", NULL, 200,
     "", 0, "text/html", "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", 1},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

static size_t row_len(const struct row *r)
{
    return r->len ? r->len : strlen(r->body);
}

static void event(const struct row *r, struct mw_fetch_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->url = r->url;
    ev->final_url = r->final_url;
    ev->method = "GET";
    ev->request_headers = r->req_headers;
    ev->status = r->status;
    ev->status_line = r->status_line;
    ev->response_headers = r->resp_headers;
    ev->body = r->body;
    ev->body_len = row_len(r);
    ev->fetched = "2026-11-29T10:00:00Z";
    ev->remote_ip = r->ip;
    ev->ms = 12.5;
}

static void write_rows(struct fx *f, const char *config)
{
    char err[256] = "";
    void *st = NULL;
    if (f->ops->open(&st, config, err, sizeof err))
        fail_msg("open: %s", err);
    for (size_t i = 0; i < NROWS; i++) {
        struct mw_fetch_event ev;
        event(&ROWS[i], &ev);
        if (f->ops->on_fetch(st, &ev, err, sizeof err))
            fail_msg("on_fetch: %s", err);
    }
    struct mw_fetch_event none = {.url = "https://ex.com/down", .method = "GET", .error = "connection refused"};
    assert_int_equal(f->ops->on_fetch(st, &none, err, sizeof err), 0);
    assert_int_equal(f->ops->flush(st, err, sizeof err), 0);
    f->ops->close(st);
}

static const struct mw_warc_record *next(struct mw_warc_reader *r)
{
    const struct mw_warc_record *rec = NULL;
    struct mw_err err = {0};
    if (mw_warc_next(r, &rec, &err))
        fail_msg("mw_warc_next: %s", err.msg);
    return rec;
}

static void test_roundtrip(void **state)
{
    struct fx *f = *state;
    char path[PATH_MAX + 32], config[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/rt.warc.gz", f->tmp);
    snprintf(config, sizeof config, "{\"path\": \"%s\", \"other\": {\"x\": [1, \"}\"]}}", path);
    write_rows(f, config);

    size_t n;
    char *file = slurp(path, &n);
    long long starts[64];
    int members = gz_members((const unsigned char *)file, n, starts, 64);
    free(file);

    struct mw_err err = {0};
    struct mw_warc_reader *r = mw_warc_reader_new(path, NULL, &err);
    assert_non_null(r);
    const struct mw_warc_record *rec = next(r);
    assert_non_null(rec);
    assert_string_equal(rec->type, "warcinfo");
    assert_string_equal(rec->version, "WARC/1.1");
    assert_int_equal(rec->offset, 0);
    assert_non_null(strstr(rec->body, "software: moonwire/"));
    char *info_id = strdup(rec->record_id);
    int k = 1;
    for (size_t i = 0; i < NROWS; i++) {
        const struct row *w = &ROWS[i];
        const char *uri = w->final_url ? w->final_url : w->url;
        char *req_id = NULL;
        if (w->req_headers) {
            rec = next(r);
            assert_non_null(rec);
            assert_int_equal(rec->offset, starts[k++]);
            assert_string_equal(rec->type, "request");
            assert_string_equal(rec->target_uri, uri);
            assert_true(!strncmp(rec->body, "GET /", 5));
            assert_non_null(strstr(rec->body, "Host: ex.com\r\n"));
            assert_memory_equal(rec->body + rec->body_len - 4, "\r\n\r\n", 4);
            assert_null(strstr(rec->body, "\r\n\r\n\r\n"));
            assert_header(rec->warc_headers, "Content-Type", "application/http; msgtype=request");
            req_id = strdup(rec->record_id);
        }
        rec = next(r);
        assert_non_null(rec);
        assert_int_equal(rec->offset, starts[k++]);
        assert_string_equal(rec->type, "response");
        assert_string_equal(rec->target_uri, uri);
        assert_int_equal(rec->status, w->status);
        assert_int_equal(rec->body_len, row_len(w));
        assert_memory_equal(rec->body, w->body, row_len(w));
        assert_string_equal(rec->content_type, w->ctype);
        assert_int_equal(rec->truncated, 0);
        assert_null(rec->error);
        assert_string_equal(rec->date, "2026-11-29T10:00:00Z");
        assert_true(!strncmp(rec->record_id, "<urn:uuid:", 10) && strlen(rec->record_id) == 47);
        assert_header(rec->warc_headers, "WARC-Warcinfo-ID", info_id);
        assert_header(rec->warc_headers, "WARC-Concurrent-To", req_id);
        assert_header(rec->warc_headers, "WARC-IP-Address", w->ip);
        assert_header(rec->warc_headers, "Content-Type", "application/http; msgtype=response");
        assert_header(rec->warc_headers, "Moonwire-Requested-URI", w->final_url ? w->url : NULL);
        if (w->digest)
            assert_header(rec->warc_headers, "WARC-Payload-Digest", w->digest);
        char *bd = hdr(rec->warc_headers, "WARC-Block-Digest");
        assert_true(bd && strlen(bd) == 37 && !strncmp(bd, "sha1:", 5));
        free(bd);
        char len[32];
        snprintf(len, sizeof len, "%zu", row_len(w));
        assert_header(rec->http_headers, "Content-Length", len);
        assert_header(rec->http_headers, "Content-Encoding", NULL);
        assert_header(rec->http_headers, "Transfer-Encoding", NULL);
        if (i == 0)
            assert_header(rec->http_headers, "X-Kept", "yes");
        free(req_id);
    }
    assert_null(next(r));
    assert_null(next(r));
    assert_int_equal(k, members);
    mw_warc_reader_free(r);

    /* only 2xx HTML responses, in order */
    struct mw_warc_opts o = {.html_only = 1};
    r = mw_warc_reader_new(path, &o, &err);
    assert_non_null(r);
    for (size_t i = 0; i < NROWS; i++) {
        if (!ROWS[i].html)
            continue;
        rec = next(r);
        assert_non_null(rec);
        assert_string_equal(rec->target_uri, ROWS[i].final_url ? ROWS[i].final_url : ROWS[i].url);
        assert_int_equal(rec->body_len, row_len(&ROWS[i]));
    }
    assert_null(next(r));
    mw_warc_reader_free(r);
    free(info_id);
}

/* appending to an existing file starts with another warcinfo; the reader sees both runs */
static void test_append_and_plain(void **state)
{
    struct fx *f = *state;
    char path[PATH_MAX + 32], config[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/plain.warc", f->tmp);
    snprintf(config, sizeof config, "{\"path\":\"%s\"}", path);
    write_rows(f, config);
    write_rows(f, config);
    size_t n;
    char *file = slurp(path, &n);
    assert_memory_equal(file, "WARC/1.1\r\n", 10);   /* no .gz: not compressed */
    free(file);
    struct mw_warc_opts o = {.html_only = 1};
    struct mw_err err = {0};
    struct mw_warc_reader *r = mw_warc_reader_new(path, &o, &err);
    assert_non_null(r);
    int html = 0;
    while (next(r))
        html++;
    assert_int_equal(html, 6);
    mw_warc_reader_free(r);
}

static void test_truncation(void **state)
{
    struct fx *f = *state;
    char path[PATH_MAX + 32], config[PATH_MAX + 128], err[256];
    snprintf(path, sizeof path, "%s/cut.warc.gz", f->tmp);
    snprintf(config, sizeof config, "{\"path\":\"%s\",\"max_body\":10}", path);
    void *st;
    assert_int_equal(f->ops->open(&st, config, err, sizeof err), 0);
    struct mw_fetch_event ev;
    event(&ROWS[0], &ev);
    assert_int_equal(f->ops->on_fetch(st, &ev, err, sizeof err), 0);
    /* a body shorter than its Content-Length was cut by the fetcher */
    ev.response_headers = "Content-Type: text/html\r\nContent-Length: 100\r\n";
    assert_int_equal(f->ops->on_fetch(st, &ev, err, sizeof err), 0);
    ev.response_headers = "Content-Type: text/html\r\nContent-Length: 5\r\n";
    ev.body_len = 5;
    assert_int_equal(f->ops->on_fetch(st, &ev, err, sizeof err), 0);
    f->ops->close(st);

    struct mw_warc_opts o = {.html_only = 1};
    struct mw_err e = {0};
    struct mw_warc_reader *r = mw_warc_reader_new(path, &o, &e);
    const struct mw_warc_record *rec = next(r);
    assert_int_equal(rec->body_len, 10);
    assert_memory_equal(rec->body, ROWS[0].body, 10);
    assert_int_equal(rec->truncated, 1);
    assert_header(rec->warc_headers, "WARC-Truncated", "length");
    rec = next(r);
    assert_int_equal(rec->truncated, 1);
    rec = next(r);
    assert_int_equal(rec->body_len, 5);
    assert_int_equal(rec->truncated, 0);
    assert_null(next(r));
    mw_warc_reader_free(r);

    /* the reader's own cap */
    snprintf(path, sizeof path, "%s/rt.warc.gz", f->tmp);
    o.max_body = 7;
    r = mw_warc_reader_new(path, &o, &e);
    rec = next(r);
    assert_int_equal(rec->body_len, 7);
    assert_memory_equal(rec->body, "<html><", 7);
    assert_int_equal(rec->truncated, 1);
    mw_warc_reader_free(r);
}

static const struct { const char *config, *want; } CONFIG_ERRORS[] = {
    {"{}", "warc: config needs \"path\" (a file) or \"dir\" (rotated files)"},
    {"{\"path\": \"a.warc\", \"dir\": \"/tmp\"}", "warc: config has both \"path\" and \"dir\"; give one"},
    {"{\"path\": 3}", "warc: config key \"path\" has the wrong type"},
    {"{\"max_size\": \"big\", \"dir\": \"/tmp\"}", "warc: config key \"max_size\" has the wrong type"},
    {"[1]", "warc: config is not a flat JSON object: [1]"},
    {"{\"path\": \"unterminated", "warc: config is not a flat JSON object: {\"path\": \"unterminated"},
    /* a repeated key whose second value is broken: the first value was freed and must not be freed again */
    {"{\"path\": \"a.warc\", \"path\": \"bad\\u00zz\"}", "warc: config is not a flat JSON object"},
    {"{\"dir\": \"/tmp\", \"prefix\": \"p\", \"prefix\": \"\\u12\"}", "warc: config is not a flat JSON object"},
    {"{\"path\": \"/nonexistent/dir/x.warc.gz\"}", "warc: /nonexistent/dir/x.warc.gz: No such file or directory"},
    {"{\"dir\": \"/nonexistent/dir\", \"prefix\": \"p\"}", "warc: /nonexistent/dir/p-"},
};

static void test_config_errors(void **state)
{
    struct fx *f = *state;
    for (size_t i = 0; i < sizeof CONFIG_ERRORS / sizeof CONFIG_ERRORS[0]; i++) {
        char err[256] = "";
        void *st = (void *)1;
        int rc = f->ops->open(&st, CONFIG_ERRORS[i].config, err, sizeof err);
        if (!rc || st || strncmp(err, CONFIG_ERRORS[i].want, strlen(CONFIG_ERRORS[i].want)))
            fail_msg("row %zu: rc %d, err \"%s\", want \"%s\"", i, rc, err, CONFIG_ERRORS[i].want);
    }
}

static void test_rotation(void **state)
{
    struct fx *f = *state;
    char dir[PATH_MAX + 32], config[PATH_MAX + 128], err[256];
    snprintf(dir, sizeof dir, "%s/rot", f->tmp);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(config, sizeof config, "{\"dir\":\"%s\",\"prefix\":\"crawl\",\"max_size\":4096,\"gzip\":false}", dir);
    void *st;
    assert_int_equal(f->ops->open(&st, config, err, sizeof err), 0);
    char body[3000];
    memset(body, 'x', sizeof body);
    struct mw_fetch_event ev;
    event(&ROWS[0], &ev);
    ev.body = body;
    ev.body_len = sizeof body;
    for (int i = 0; i < 5; i++)
        assert_int_equal(f->ops->on_fetch(st, &ev, err, sizeof err), 0);
    f->ops->close(st);
    /* a second run within the same second numbers its files past the first run's */
    if (f->ops->open(&st, config, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(f->ops->on_fetch(st, &ev, err, sizeof err), 0);
    f->ops->close(st);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0, responses = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        assert_true(!strncmp(de->d_name, "crawl-", 6));
        assert_non_null(strstr(de->d_name, ".warc"));
        assert_null(strstr(de->d_name, ".gz"));
        files++;
        char p[2 * PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct mw_err e = {0};
        struct mw_warc_reader *r = mw_warc_reader_new(p, NULL, &e);
        const struct mw_warc_record *rec = next(r);
        assert_string_equal(rec->type, "warcinfo");
        while ((rec = next(r)))
            responses += !strcmp(rec->type, "response");
        mw_warc_reader_free(r);
    }
    closedir(d);
    assert_int_equal(responses, 6);
    assert_true(files >= 3);
}

/* ---- a WARC 1.0 file as wget or warcio write them, by hand ---- */

static void record10(struct mw_buf *out, int id, const char *type, const char *uri, const char *extra,
                     const char *block, size_t n)
{
    mw_buf_reset(out);
    mw_buf_printf(out, "WARC/1.0\r\nWARC-Type: %s\r\n", type);
    if (uri)
        mw_buf_printf(out, "WARC-Target-URI: %s\r\n", uri);
    mw_buf_printf(out,
                  "WARC-Date: 2024-01-02T03:04:05Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>\r\n"
                  "%sContent-Length: %zu\r\n\r\n",
                  id, extra ? extra : "", n);
    mw_buf_append(out, block, n);
    mw_buf_appends(out, "\r\n\r\n");
}

static void chunk(struct mw_buf *b, const char *p, size_t n, const char *ext)
{
    mw_buf_printf(b, "%zx%s\r\n", n, ext ? ext : "");
    mw_buf_append(b, p, n);
    mw_buf_appends(b, "\r\n");
}

#define CHUNKED_HTML "<html><head><title>Chunked</title></head><body><p>One two three.</p></body></html>"
#define GZ_HTML "<html><body><p>gzip, then chunked</p></body></html>"
#define DEFLATE_HTML "<!DOCTYPE html><title>deflate</title><p>no Content-Type at all</p>"

static const struct { const char *uri; const char *body; } SAMPLE_HTML[] = {
    {"http://example.org/chunked", CHUNKED_HTML},
    {"http://example.org/gz", GZ_HTML},
    {"http://example.org/deflate", DEFLATE_HTML},
    {"http://example.org/lf", "<html>lf</html>"},
};

/* The sample's records, one buffer each; which of them are the HTML responses (indexes). */
static int sample(struct mw_buf *recs, int *html_idx)
{
    struct mw_buf blk, tmp;
    mw_buf_init(&blk, 0);
    mw_buf_init(&tmp, 0);
    int n = 0, h = 0;
    for (int i = 0; i < 12; i++)
        mw_buf_init(&recs[i], 0);
    const char *info = "software: Wget/1.21.3 (linux-gnu)\r\nformat: WARC File Format 1.0\r\n";
    record10(&recs[n++], 1, "warcinfo", NULL, "Content-Type: application/warc-fields\r\n", info, strlen(info));
    const char *req = "GET /chunked HTTP/1.1\r\nHost: example.org\r\nAccept-Encoding: gzip\r\n\r\n";
    record10(&recs[n++], 2, "request", "http://example.org/chunked",
             "Content-Type: application/http;msgtype=request\r\n", req, strlen(req));

    mw_buf_appends(&blk, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nTransfer-Encoding: chunked\r\n"
                         "Connection: close\r\n\r\n");
    chunk(&blk, CHUNKED_HTML, 20, ";ext=1");
    chunk(&blk, CHUNKED_HTML + 20, 30, NULL);
    chunk(&blk, CHUNKED_HTML + 50, strlen(CHUNKED_HTML) - 50, NULL);
    mw_buf_appends(&blk, "0\r\nX-Trailer: t\r\n\r\n");
    html_idx[h++] = n;
    record10(&recs[n++], 3, "response", "http://example.org/chunked",
             "Content-Type: application/http; msgtype=response\r\nWARC-Concurrent-To: <urn:uuid:2>\r\nWARC-Foo: a\r\n"
             "\tb\r\n", blk.data, blk.len);

    mw_buf_reset(&blk);
    mw_buf_appends(&blk, "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 4\r\n\r\n\xff\xd8\xff\xe0");
    record10(&recs[n++], 4, "response", "http://example.org/pic.jpg", NULL, blk.data, blk.len);

    mw_buf_reset(&blk);
    mw_buf_reset(&tmp);
    gzip_into(&tmp, GZ_HTML, strlen(GZ_HTML));
    mw_buf_appends(&blk, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n");
    chunk(&blk, tmp.data, 10, NULL);
    chunk(&blk, tmp.data + 10, tmp.len - 10, NULL);
    mw_buf_appends(&blk, "0\r\n\r\n");
    html_idx[h++] = n;
    record10(&recs[n++], 5, "response", "<http://example.org/gz>",
             "Content-Type: application/http; msgtype=response\r\n", blk.data, blk.len);

    const char *rv = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
    record10(&recs[n++], 6, "revisit", "http://example.org/chunked",
             "WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest\r\n", rv, strlen(rv));

    mw_buf_reset(&blk);
    mw_buf_appends(&blk, "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n\r\n");
    uLongf zn = compressBound(strlen(DEFLATE_HTML));
    unsigned char *z = malloc(zn);
    assert_int_equal(compress(z, &zn, (const Bytef *)DEFLATE_HTML, strlen(DEFLATE_HTML)), Z_OK);
    mw_buf_append(&blk, z, zn);
    free(z);
    html_idx[h++] = n;
    record10(&recs[n++], 7, "response", "http://example.org/deflate", NULL, blk.data, blk.len);

    const char *moved =
        "HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Type: text/html\r\n\r\n<html>moved</html>";
    record10(&recs[n++], 8, "response", "http://example.org/old", NULL, moved, strlen(moved));
    const char *meta = "outlinks: http://example.org/new\r\n";
    record10(&recs[n++], 9, "metadata", "http://example.org/old", "Content-Type: application/warc-fields\r\n", meta,
             strlen(meta));
    const char *lf = "HTTP/1.0 200 OK\nContent-Type: text/html\n\n<html>lf</html>";
    html_idx[h++] = n;
    record10(&recs[n++], 10, "response", "http://example.org/lf", NULL, lf, strlen(lf));
    mw_buf_free(&blk);
    mw_buf_free(&tmp);
    return n;
}

static void check_sample(const char *path, const long long *offsets)
{
    struct mw_warc_opts o = {.html_only = 1};
    struct mw_err err = {0};
    struct mw_warc_reader *r = mw_warc_reader_new(path, &o, &err);
    assert_non_null(r);
    for (size_t i = 0; i < sizeof SAMPLE_HTML / sizeof SAMPLE_HTML[0]; i++) {
        const struct mw_warc_record *rec = next(r);
        if (!rec)
            fail_msg("%s: record %zu missing", path, i);
        assert_string_equal(rec->version, "WARC/1.0");
        assert_string_equal(rec->target_uri, SAMPLE_HTML[i].uri);
        assert_int_equal(rec->status, 200);
        assert_int_equal(rec->body_len, strlen(SAMPLE_HTML[i].body));
        assert_string_equal(rec->body, SAMPLE_HTML[i].body);
        assert_int_equal(rec->truncated, 0);
        assert_null(rec->error);
        assert_int_equal(rec->offset, offsets[i]);
        if (i == 0) {
            assert_string_equal(rec->content_type, "text/html; charset=UTF-8");
            assert_header(rec->warc_headers, "WARC-Foo", "a b");
        }
        if (i == 2)
            assert_null(rec->content_type);
    }
    assert_null(next(r));
    mw_warc_reader_free(r);
}

static void test_handwritten_1_0(void **state)
{
    struct fx *f = *state;
    struct mw_buf recs[12], whole, pergz, gz;
    int html[8];
    int n = sample(recs, html);
    mw_buf_init(&whole, 0);
    mw_buf_init(&pergz, 0);
    mw_buf_init(&gz, 0);
    long long plain_off[12], gz_off[12], want_plain[4], want_gz[4];
    for (int i = 0; i < n; i++) {
        plain_off[i] = (long long)whole.len;
        gz_off[i] = (long long)pergz.len;
        mw_buf_append(&whole, recs[i].data, recs[i].len);
        gzip_into(&pergz, recs[i].data, recs[i].len);
    }
    gzip_into(&gz, whole.data, whole.len);
    for (int i = 0; i < 4; i++) {
        want_plain[i] = plain_off[html[i]];
        want_gz[i] = gz_off[html[i]];
    }
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/sample.warc", f->tmp);
    spit(path, whole.data, whole.len);
    check_sample(path, want_plain);
    snprintf(path, sizeof path, "%s/sample-whole.warc.gz", f->tmp);
    spit(path, gz.data, gz.len);
    check_sample(path, want_plain);   /* one stream: offsets are into the decompressed bytes */
    snprintf(path, sizeof path, "%s/sample-per-record.warc.gz", f->tmp);
    spit(path, pergz.data, pergz.len);
    check_sample(path, want_gz);

    /* without html_only: every record, and the request's block as its body */
    struct mw_err err = {0};
    struct mw_warc_reader *r = mw_warc_reader_new(path, NULL, &err);
    static const char *const types[] = {"warcinfo", "request", "response", "response", "response", "revisit",
                                        "response", "response", "metadata", "response"};
    for (int i = 0; i < n; i++) {
        const struct mw_warc_record *rec = next(r);
        assert_non_null(rec);
        assert_string_equal(rec->type, types[i]);
        assert_int_equal(rec->offset, gz_off[i]);
        if (i == 1)
            assert_memory_equal(rec->body, "GET /chunked HTTP/1.1\r\n", 23);
        if (i == 3) {
            assert_int_equal(rec->body_len, 4);
            assert_memory_equal(rec->body, "\xff\xd8\xff\xe0", 4);
        }
        if (i == 7)
            assert_int_equal(rec->status, 301);
    }
    assert_null(next(r));
    mw_warc_reader_free(r);
    for (int i = 0; i < n; i++)
        mw_buf_free(&recs[i]);
    mw_buf_free(&whole);
    mw_buf_free(&pergz);
    mw_buf_free(&gz);
}

/* ---- damaged input: one error naming the file and the offset ---- */

static const struct { const char *bytes; int gzip_cut; int records; const char *want; } DAMAGED[] = {
    {"<html>not a warc</html>", 0, 0, "record at offset 0: no WARC/ version line (not a WARC file?)"},
    {"WARC/1.0\r\nWARC-Type: response\r\n\r\n", 0, 0, "record at offset 0: no valid Content-Length"},
    {"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: x\r\n\r\n", 0, 0, "no valid Content-Length"},
    {"WARC/1.0\r\nWARC-Type: metadata\r\n", 0, 0, "record at offset 0: file ends inside the header"},
    {"WARC/1.0\r\nWARC-Type: metadata\r\nContent-Length: 2\r\n\r\nab\r\n\r\n"
     "WARC/1.0\r\nContent-Length: 50\r\n\r\nab",
     0, 2, "record at offset 58: file ends inside the block"},
    /* the member's trailer is cut: its record was whole, the stream is not */
    {"WARC/1.0\r\nWARC-Type: metadata\r\nContent-Length: 2\r\n\r\nab\r\n\r\n", 1, 1,
     "record at offset 58: gzip data cut short"},
};

static void test_damaged(void **state)
{
    struct fx *f = *state;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/damaged.warc", f->tmp);
    for (size_t i = 0; i < sizeof DAMAGED / sizeof DAMAGED[0]; i++) {
        struct mw_buf b;
        mw_buf_init(&b, 0);
        if (DAMAGED[i].gzip_cut) {
            gzip_into(&b, DAMAGED[i].bytes, strlen(DAMAGED[i].bytes));
            b.len -= 6;
        } else {
            mw_buf_appends(&b, DAMAGED[i].bytes);
        }
        spit(path, b.data, b.len);
        mw_buf_free(&b);
        struct mw_err err = {0};
        struct mw_warc_reader *r = mw_warc_reader_new(path, NULL, &err);
        assert_non_null(r);
        const struct mw_warc_record *rec;
        int got = 0, rc;
        while ((rc = mw_warc_next(r, &rec, &err)) == 0 && rec)
            got++;
        if (rc != MW_EPARSE || got != DAMAGED[i].records || !strstr(err.msg, DAMAGED[i].want) ||
            strncmp(err.msg, path, strlen(path)))
            fail_msg("row %zu: rc %d, %d records, \"%s\"", i, rc, got, err.msg);
        /* it stays stopped */
        mw_err_clear(&err);
        assert_int_equal(mw_warc_next(r, &rec, &err), MW_EPARSE);
        assert_null(rec);
        mw_warc_reader_free(r);
    }
    struct mw_err err = {0};
    assert_null(mw_warc_reader_new("/nonexistent/x.warc", NULL, &err));
    assert_int_equal(err.code, MW_EIO);
    assert_string_equal(err.msg, "/nonexistent/x.warc: No such file or directory");
    mw_warc_reader_free(NULL);
}

/* A URI that holds a line break must not end its header line: each event stays one request and one
 * response record, the forged lines stay inside the (percent-encoded) URI. */
static void test_header_injection(void **state)
{
    struct fx *f = *state;
    char path[PATH_MAX + 32], config[PATH_MAX + 64], err[256] = "";
    snprintf(path, sizeof path, "%s/inject.warc", f->tmp);
    snprintf(config, sizeof config, "{\"path\": \"%s\"}", path);
    void *st = NULL;
    assert_int_equal(f->ops->open(&st, config, err, sizeof err), 0);
    static const char *const uris[] = {
        "https://ex.com/a\r\nWARC-Type: resource\r\nContent-Length: 0\r\n\r\nWARC/1.1\r\nWARC-Type: metadata",
        "https://ex.com/b\nX-Forged: 1", "https://ex.com/c d\te"};
    for (size_t i = 0; i < 3; i++) {
        struct mw_fetch_event ev = {.url = uris[i], .final_url = i == 1 ? "https://ex.com/b\r\nX-Final: 1" : NULL,
                                    .method = "GET", .request_headers = "Host: ex.com\r\n", .status = 200,
                                    .status_line = "HTTP/1.1 200 OK", .response_headers = "Content-Type: text/html\r\n",
                                    .body = "<p>x</p>", .body_len = 8, .fetched = "2026-11-29T10:00:00Z\r\nX-Date: 1",
                                    .remote_ip = "127.0.0.1\r\nX-IP: 1"};
        assert_int_equal(f->ops->on_fetch(st, &ev, err, sizeof err), 0);
    }
    f->ops->close(st);
    struct mw_err e = {0};
    struct mw_warc_reader *r = mw_warc_reader_new(path, NULL, &e);
    assert_non_null(r);
    const struct mw_warc_record *rec = next(r);
    assert_string_equal(rec->type, "warcinfo");
    static const char *const want[] = {
        "https://ex.com/a%0D%0AWARC-Type:%20resource%0D%0AContent-Length:%200%0D%0A%0D%0AWARC/1.1%0D%0AWARC-Type:%20metadata",
        "https://ex.com/b%0D%0AX-Final:%201", "https://ex.com/c%20d%09e"};
    for (size_t i = 0; i < 3; i++) {
        for (int k = 0; k < 2; k++) {
            rec = next(r);
            assert_non_null(rec);
            assert_string_equal(rec->type, k ? "response" : "request");
            assert_string_equal(rec->target_uri, want[i]);
            static const char *const forged[] = {"X-Forged", "X-Final", "X-IP", "X-Date", "Content-Length: 0"};
            for (size_t j = 0; j < 5; j++) {   /* no header line of the forged names */
                char line[64];
                snprintf(line, sizeof line, "\n%s", forged[j]);
                if (!strncmp(rec->warc_headers, forged[j], strlen(forged[j])) || strstr(rec->warc_headers, line))
                    fail_msg("event %zu: a forged header line %s:\n%s", i, forged[j], rec->warc_headers);
            }
            assert_header(rec->warc_headers, "WARC-IP-Address", NULL);
        }
        if (i == 1)
            assert_header(rec->warc_headers, "Moonwire-Requested-URI", "https://ex.com/b%0AX-Forged:%201");
    }
    assert_null(next(r));
    mw_warc_reader_free(r);
}

/* fuzz_warc_write: a status line that is not one ("Content-Type: ...") made a response block that was no HTTP
 * message, and the reader skipped the record: the plugin now writes a status line of its own. */
static void test_status_line_not_http(void **state)
{
    struct fx *f = *state;
    char path[PATH_MAX + 32], config[PATH_MAX + 64], err[256] = "";
    snprintf(path, sizeof path, "%s/status.warc", f->tmp);
    snprintf(config, sizeof config, "{\"path\": \"%s\"}", path);
    void *st = NULL;
    assert_int_equal(f->ops->open(&st, config, err, sizeof err), 0);
    struct mw_fetch_event ev = {.url = "https://ex.com/s", .method = "GET", .status = 200,
                                .status_line = "Content-Type: text/html", .response_headers = "X-A: 1\r\n",
                                .body = "<p>x</p>", .body_len = 8};
    assert_int_equal(f->ops->on_fetch(st, &ev, err, sizeof err), 0);
    f->ops->close(st);
    struct mw_err e = {0};
    struct mw_warc_reader *r = mw_warc_reader_new(path, NULL, &e);
    assert_non_null(r);
    assert_string_equal(next(r)->type, "warcinfo");
    const struct mw_warc_record *rec = next(r);
    assert_non_null(rec);
    assert_string_equal(rec->type, "response");
    assert_int_equal(rec->status, 200);
    assert_int_equal(rec->body_len, 8);
    assert_null(next(r));
    mw_warc_reader_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_line_not_http),
        cmocka_unit_test(test_header_injection),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_append_and_plain),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_handwritten_1_0),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
