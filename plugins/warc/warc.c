/* plugins/warc/warc.c: the "warc" sink: every fetched response as WARC/1.1 request + response records, one
 * gzip member per record, with SHA-1 digests, and rotation by size. Sees only core/plugin.h, libc and zlib
 * (so the tiny config parser and SHA-1 are here). Reading WARC files is core/net/warc.c. */
#include "plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#ifndef MW_VERSION
#define MW_VERSION "0"
#endif

#define DEFAULT_MAX_SIZE (1ull << 30)

/* ---- SHA-1 (FIPS 180-4), for WARC-Block-Digest / WARC-Payload-Digest ---- */

struct sha1 {
    uint32_t h[5];
    uint64_t len;
    unsigned char blk[64];
    size_t n;
};

static uint32_t rol(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static void sha1_block(struct sha1 *s, const unsigned char *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20)
            f = (b & c) | (~b & d), k = 0x5A827999;
        else if (i < 40)
            f = b ^ c ^ d, k = 0x6ED9EBA1;
        else if (i < 60)
            f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
        else
            f = b ^ c ^ d, k = 0xCA62C1D6;
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d, d = c, c = rol(b, 30), b = a, a = t;
    }
    s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e;
}

static void sha1_init(struct sha1 *s)
{
    static const uint32_t h0[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->n = 0;
}

static void sha1_update(struct sha1 *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->len += len;
    while (len) {
        size_t k = 64 - s->n < len ? 64 - s->n : len;
        memcpy(s->blk + s->n, p, k);
        s->n += k, p += k, len -= k;
        if (s->n == 64) {
            sha1_block(s, s->blk);
            s->n = 0;
        }
    }
}

static void sha1_final(struct sha1 *s, unsigned char out[20])
{
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, zero = 0, lenb[8];
    sha1_update(s, &pad, 1);
    while (s->n != 56)
        sha1_update(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha1_update(s, lenb, 8);
    for (int i = 0; i < 20; i++)
        out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

/* "sha1:" + RFC 4648 base32 of the 20-byte digest (32 characters, no padding needed) */
static void sha1_label(struct sha1 *s, char out[38])
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char d[20];
    sha1_final(s, d);
    memcpy(out, "sha1:", 5);
    char *o = out + 5;
    for (int i = 0; i < 20; i += 5) {
        uint64_t v = 0;
        for (int j = 0; j < 5; j++)
            v = v << 8 | d[i + j];
        for (int j = 7; j >= 0; j--)
            *o++ = A[(v >> (5 * j)) & 31];
    }
    *o = '\0';
}

/* ---- a growable string (plugins do not link libmoonwire) ---- */

struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 512;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q, b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        sb_add(b, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_add(b, big, (size_t)n);
    free(big);
}

/* A URI as a WARC header value: a line break (or any control byte, or a space) in it would end the header
 * line and let the rest forge headers or records, so those bytes are percent-encoded, as RFC 3986 would
 * have them anyway. */
static void sb_uri(struct sbuf *b, const char *uri)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)uri; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f) {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            sb_add(b, e, 3);
        } else {
            sb_add(b, (const char *)p, 1);
        }
    }
}

/* 1 when s is made only of the bytes in ok (a header value that cannot break its line) */
static int only(const char *s, const char *ok)
{
    return s && *s && strspn(s, ok) == strlen(s);
}

/* ---- the config: one flat JSON object; only strings, numbers and booleans are read ---- */

struct config {
    char *path, *dir, *prefix;
    unsigned long long max_size;
    unsigned long long max_body; /* 0 = keep whole bodies */
    int gzip;                    /* -1 = by file name */
};

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* A JSON string at p ('"'): *out (malloc) when out, else skipped. Returns past the closing quote or NULL. */
static const char *json_str(const char *p, char **out)
{
    struct sbuf b = {0};
    for (p++; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\') {
            c = *++p;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4; i++) {
                    char h = *++p;
                    int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                          : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                    if (d < 0) {
                        free(b.p);
                        return NULL;
                    }
                    v = v << 4 | (unsigned)d;
                }
                char u[3];
                size_t n;   /* BMP only: paths do not need surrogate pairs */
                if (v < 0x80)
                    u[0] = (char)v, n = 1;
                else if (v < 0x800)
                    u[0] = (char)(0xC0 | v >> 6), u[1] = (char)(0x80 | (v & 63)), n = 2;
                else
                    u[0] = (char)(0xE0 | v >> 12), u[1] = (char)(0x80 | ((v >> 6) & 63)),
                    u[2] = (char)(0x80 | (v & 63)), n = 3;
                sb_add(&b, u, n);
                continue;
            }
            case '\0': free(b.p); return NULL;
            default: break; /* \" \\ \/ */
            }
        }
        sb_add(&b, &c, 1);
    }
    if (*p != '"' || b.oom) {
        free(b.p);
        return NULL;
    }
    if (out)
        *out = b.p ? b.p : strdup("");
    else
        free(b.p);
    return p + 1;
}

/* Skip any JSON value (nested ones by bracket depth). */
static const char *json_skip(const char *p)
{
    p = skip_ws(p);
    if (*p == '"')
        return json_str(p, NULL);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (*p) {
            if (*p == '"') {
                if (!(p = json_str(p, NULL)))
                    return NULL;
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if (*p == '}' || *p == ']')
                if (--depth == 0)
                    return p + 1;
            p++;
        }
        return NULL;
    }
    const char *s = p;
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')
        p++;
    return p > s ? p : NULL;
}

static int parse_config(const char *json, struct config *c, char *err, size_t cap)
{
    c->max_size = DEFAULT_MAX_SIZE;
    c->gzip = -1;
    const char *p = skip_ws(json ? json : "{}");
    if (*p != '{')
        goto bad;
    p = skip_ws(p + 1);
    while (*p && *p != '}') {
        char *key = NULL;
        if (*p != '"' || !(p = json_str(p, &key)))
            goto bad;
        p = skip_ws(p);
        if (*p != ':') {
            free(key);
            goto bad;
        }
        p = skip_ws(p + 1);
        char **slot = !strcmp(key, "path") ? &c->path : !strcmp(key, "dir") ? &c->dir
                    : !strcmp(key, "prefix") ? &c->prefix : NULL;
        unsigned long long *num = !strcmp(key, "max_size") ? &c->max_size
                                : !strcmp(key, "max_body") ? &c->max_body : NULL;
        int is_gzip = !strcmp(key, "gzip");
        if (slot && *p == '"') {
            free(*slot);   /* a repeated key: the last one wins */
            *slot = NULL;  /* json_str may fail and leave it unset: warc_close frees it */
            p = json_str(p, slot);
        } else if (num && *p >= '0' && *p <= '9') {
            *num = strtoull(p, NULL, 10);
            p = json_skip(p);
        } else if (is_gzip && (!strncmp(p, "true", 4) || !strncmp(p, "false", 5))) {
            c->gzip = *p == 't';
            p = json_skip(p);
        } else if (slot || num || is_gzip) {
            snprintf(err, cap, "warc: config key \"%s\" has the wrong type", key);
            free(key);
            return -1;
        } else {
            p = json_skip(p);
        }
        free(key);
        if (!p)
            goto bad;
        p = skip_ws(p);
        if (*p == ',')
            p = skip_ws(p + 1);
        else if (*p != '}')
            goto bad;
    }
    if (*p != '}')
        goto bad;
    if (!c->path && !c->dir) {
        snprintf(err, cap, "warc: config needs \"path\" (a file) or \"dir\" (rotated files)");
        return -1;
    }
    if (c->path && c->dir) {
        snprintf(err, cap, "warc: config has both \"path\" and \"dir\"; give one");
        return -1;
    }
    if (c->max_size < 4096)
        c->max_size = 4096;
    return 0;
bad:
    snprintf(err, cap, "warc: config is not a flat JSON object: %.80s", json ? json : "(null)");
    return -1;
}

/* ---- the sink ---- */

struct warc {
    struct config cfg;
    int fd;                /* current output file */
    int urandom;
    char *file;            /* its path */
    unsigned long long size;
    unsigned seq;          /* rotation counter in dir mode */
    int gzip;
    char warcinfo_id[64];  /* of the current file */
};

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int new_id(struct warc *w, char out[64], char *err, size_t cap)
{
    unsigned char r[16];
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = read(w->urandom, r + got, sizeof r - got);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            snprintf(err, cap, "warc: /dev/urandom: %s", n < 0 ? strerror(errno) : "short read");
            return -1;
        }
        got += (size_t)n;
    }
    r[6] = (unsigned char)((r[6] & 0x0F) | 0x40); /* version 4 */
    r[8] = (unsigned char)((r[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(out, 64,
             "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
             r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
    return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t k = write(fd, c, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

struct piece {
    const void *p;
    size_t n;
};

/* One record = header + pieces + "\r\n\r\n", as one gzip member (or plain), written whole or not at all:
 * a failed write is cut back off so the file stays readable. */
static int emit(struct warc *w, const char *header, size_t hlen, const struct piece *pc, int npc, char *err,
                size_t cap)
{
    struct piece all[8];
    int n = 0;
    all[n++] = (struct piece){header, hlen};
    for (int i = 0; i < npc && n < 7; i++)
        all[n++] = pc[i];
    all[n++] = (struct piece){"\r\n\r\n", 4};
    off_t start = lseek(w->fd, 0, SEEK_END);
    int fail = 0;
    unsigned long long written = 0;
    if (!w->gzip) {
        for (int i = 0; i < n && !fail; i++) {
            fail = write_all(w->fd, all[i].p, all[i].n);
            written += all[i].n;
        }
    } else {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            snprintf(err, cap, "warc: deflateInit failed");
            return -1;
        }
        unsigned char out[1 << 16];
        for (int i = 0; i < n && !fail; i++) {
            const unsigned char *p = all[i].p;
            size_t left = all[i].n;
            int last = i == n - 1;
            do {
                uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
                z.next_in = (Bytef *)(uintptr_t)p;
                z.avail_in = chunk;
                int flush = last && chunk == left ? Z_FINISH : Z_NO_FLUSH;
                int rc;
                do {
                    z.next_out = out;
                    z.avail_out = sizeof out;
                    rc = deflate(&z, flush);
                    size_t have = sizeof out - z.avail_out;
                    if (have && write_all(w->fd, out, have)) {
                        fail = 1;
                        break;
                    }
                    written += have;
                } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
                p += chunk;
                left -= chunk;
            } while (left && !fail);
        }
        deflateEnd(&z);
    }
    if (fail) {
        int e = errno;
        if (start >= 0 && ftruncate(w->fd, start) == 0)
            lseek(w->fd, start, SEEK_SET);
        snprintf(err, cap, "warc: %s: %s", w->file, strerror(e));
        return -1;
    }
    w->size += written;
    return 0;
}

/* The common header lines; the caller adds its own and the blank line. */
static void head(struct sbuf *h, const char *type, const char *id, const char *date, size_t len)
{
    sb_printf(h, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\nWARC-Date: %s\r\nContent-Length: %zu\r\n",
              type, id, date, len);
}

static int write_warcinfo(struct warc *w, char *err, size_t cap)
{
    char date[32];
    now_iso(date);
    if (new_id(w, w->warcinfo_id, err, cap))
        return -1;
    struct sbuf body = {0}, h = {0};
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    sb_printf(&body,
              "software: moonwire/%s (warc plugin)\r\n"
              "format: WARC File Format 1.1\r\n"
              "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
              "hostname: %s\r\n"
              "description: response blocks hold bodies as decoded by moonwire: Content-Encoding and "
              "Transfer-Encoding headers are dropped and Content-Length is recomputed\r\n",
              MW_VERSION, host);
    const char *base = strrchr(w->file, '/');
    head(&h, "warcinfo", w->warcinfo_id, date, body.len);
    sb_printf(&h, "WARC-Filename: %s\r\nContent-Type: application/warc-fields\r\n\r\n", base ? base + 1 : w->file);
    int rc;
    if (h.oom || body.oom) {
        snprintf(err, cap, "warc: out of memory");
        rc = -1;
    } else {
        struct piece pc = {body.p, body.len};
        rc = emit(w, h.p, h.len, &pc, 1, err, cap);
    }
    free(h.p);
    free(body.p);
    return rc;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcmp(s + n - k, suf);
}

static int open_file(struct warc *w, char *err, size_t cap)
{
    free(w->file);
    w->file = NULL;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
    if (w->cfg.path) {
        /* appending keeps earlier runs: concatenated WARC files are still one valid WARC file */
        w->file = strdup(w->cfg.path);
        flags |= O_APPEND;
        w->gzip = w->cfg.gzip >= 0 ? w->cfg.gzip : ends_with(w->cfg.path, ".gz");
    } else {
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
        w->gzip = w->cfg.gzip != 0;
        struct sbuf b = {0};
        sb_printf(&b, "%s/%s-%s-%05u.warc%s", w->cfg.dir, w->cfg.prefix ? w->cfg.prefix : "moonwire", stamp,
                  w->seq++, w->gzip ? ".gz" : "");
        w->file = b.p;
        flags |= O_EXCL;
    }
    if (!w->file) {
        snprintf(err, cap, "warc: out of memory");
        return -1;
    }
    w->fd = open(w->file, flags, 0644);
    if (w->fd < 0 && errno == EEXIST && w->cfg.dir && w->seq < 100000)
        return open_file(w, err, cap);   /* another run of the same second: take the next number */
    if (w->fd < 0) {
        snprintf(err, cap, "warc: %s: %s", w->file, strerror(errno));
        return -1;
    }
    struct stat st;
    w->size = fstat(w->fd, &st) == 0 ? (unsigned long long)st.st_size : 0;
    return write_warcinfo(w, err, cap);
}

static void warc_close(void *state)
{
    struct warc *w = state;
    if (!w)
        return;
    if (w->fd >= 0) {
        fsync(w->fd);
        close(w->fd);
    }
    if (w->urandom >= 0)
        close(w->urandom);
    free(w->file);
    free(w->cfg.path);
    free(w->cfg.dir);
    free(w->cfg.prefix);
    free(w);
}

static int warc_open(void **state, const char *config_json, char *err, size_t cap)
{
    *state = NULL;
    struct warc *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, cap, "warc: out of memory");
        return -1;
    }
    w->fd = w->urandom = -1;
    if (parse_config(config_json, &w->cfg, err, cap)) {
        warc_close(w);
        return -1;
    }
    w->urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (w->urandom < 0) {
        snprintf(err, cap, "warc: /dev/urandom: %s", strerror(errno));
        warc_close(w);
        return -1;
    }
    if (open_file(w, err, cap)) {
        warc_close(w);
        return -1;
    }
    *state = w;
    return 0;
}

/* Header lines of ev ("Name: value\r\n" or "\n"), one per callback, without the line break. */
static void each_line(const char *s, void (*fn)(void *, const char *, size_t), void *ctx)
{
    while (s && *s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        size_t k = n;
        if (k && s[k - 1] == '\r')
            k--;
        fn(ctx, s, k);
        s += n + (nl ? 1 : 0);
    }
}

static int name_is(const char *line, size_t n, const char *name)
{
    size_t k = strlen(name);
    return n > k && line[k] == ':' && !strncasecmp(line, name, k);
}

struct resp_ctx {
    struct sbuf *b;
    int first;
    int had_status;
    long long clen;    /* Content-Length as received, -1 when absent */
    int encoded;       /* Content-Encoding was present (then clen says nothing about the decoded size) */
};

static void resp_line(void *ctx, const char *line, size_t n)
{
    struct resp_ctx *c = ctx;
    int first = c->first;
    c->first = 0;
    if (!n)
        return;
    if (first && n > 5 && !strncmp(line, "HTTP/", 5)) {
        if (!c->had_status) {
            sb_add(c->b, line, n);
            sb_puts(c->b, "\r\n");
            c->had_status = 1;
        }
        return;
    }
    if (name_is(line, n, "Content-Length")) {
        c->clen = strtoll(line + 15, NULL, 10);
        return;
    }
    if (name_is(line, n, "Content-Encoding")) {
        c->encoded = 1;
        return;
    }
    if (name_is(line, n, "Transfer-Encoding"))
        return;
    sb_add(c->b, line, n);
    sb_puts(c->b, "\r\n");
}

static void req_line(void *ctx, const char *line, size_t n)
{
    if (n)
        sb_add(ctx, line, n), sb_puts(ctx, "\r\n");
}

static const char *reason(long status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
    }
}

/* path?query of url for a request line (no fragment) */
static void request_target(struct sbuf *b, const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    p += strcspn(p, "/?#");
    size_t n = strcspn(p, "#");
    if (!n || *p == '?')
        sb_puts(b, "/");
    char *t = strndup(p, n);
    if (!t) {
        b->oom = 1;
        return;
    }
    sb_uri(b, t);   /* the request line must stay one line */
    free(t);
}

static int warc_on_fetch(void *state, const struct mw_fetch_event *ev, char *err, size_t cap)
{
    struct warc *w = state;
    if (!ev || ev->status <= 0)
        return 0; /* no response arrived: nothing to archive */
    const char *uri = ev->final_url ? ev->final_url : ev->url;
    if (!uri) {
        snprintf(err, cap, "warc: fetch event without a URL");
        return -1;
    }
    if (w->cfg.dir && w->size >= w->cfg.max_size) {
        fsync(w->fd);
        close(w->fd);
        w->fd = -1;
        if (open_file(w, err, cap))
            return -1;
    }
    char date[32], req_id[64], resp_id[64];
    if (ev->fetched && strlen(ev->fetched) >= 20 && strlen(ev->fetched) < sizeof date &&
        only(ev->fetched, "0123456789-:.TZ+"))
        snprintf(date, sizeof date, "%s", ev->fetched);
    else
        now_iso(date);
    int ip_ok = only(ev->remote_ip, "0123456789abcdefABCDEF:.") && strlen(ev->remote_ip) < 64;
    if (new_id(w, resp_id, err, cap) || new_id(w, req_id, err, cap))
        return -1;
    int with_req = ev->request_headers && *ev->request_headers;
    struct sbuf h = {0}, http = {0}, req = {0};
    int rc = 0;

    size_t body_len = ev->body ? ev->body_len : 0;
    int capped = 0;
    if (w->cfg.max_body && body_len > w->cfg.max_body)
        body_len = (size_t)w->cfg.max_body, capped = 1;

    /* the response block: status line, the headers fixed up for the decoded body, blank line, body */
    struct resp_ctx rcx = {&http, 1, 0, -1, 0};
    if (ev->status_line && !strncmp(ev->status_line, "HTTP/", 5)) {   /* else the block is no HTTP message */
        size_t n = strcspn(ev->status_line, "\r\n");
        sb_add(&http, ev->status_line, n);
        sb_puts(&http, "\r\n");
        rcx.had_status = 1;
    } else if (!(ev->response_headers && !strncmp(ev->response_headers, "HTTP/", 5))) {
        sb_printf(&http, "HTTP/1.1 %ld %s\r\n", ev->status, reason(ev->status));
        rcx.had_status = 1;
    }
    each_line(ev->response_headers, resp_line, &rcx);
    sb_printf(&http, "Content-Length: %zu\r\n\r\n", body_len);
    /* a body shorter than the Content-Length it came with was cut by the fetcher's cap */
    if (ev->truncated ||
        (!rcx.encoded && rcx.clen >= 0 && (unsigned long long)rcx.clen > (unsigned long long)ev->body_len))
        capped = 1;

    struct sha1 s;
    char block_digest[38], payload_digest[38];
    sha1_init(&s);
    sha1_update(&s, ev->body ? ev->body : "", body_len);
    sha1_label(&s, payload_digest);
    sha1_init(&s);
    sha1_update(&s, http.p ? http.p : "", http.len);
    sha1_update(&s, ev->body ? ev->body : "", body_len);
    sha1_label(&s, block_digest);

    if (with_req) {
        /* curl's "header out" starts with the request line; a bare header list gets one made up */
        const char *rh = ev->request_headers;
        size_t first = strcspn(rh, "\r\n"), colon = strcspn(rh, ":"), sp = strcspn(rh, " ");
        int has_line = sp < first && (colon > sp || colon >= first);
        if (!has_line) {
            sb_printf(&req, "%s ", ev->method ? ev->method : "GET");
            request_target(&req, uri);
            sb_puts(&req, " HTTP/1.1\r\n");
        }
        each_line(rh, req_line, &req);
        sb_puts(&req, "\r\n");
        char req_digest[38];
        sha1_init(&s);
        sha1_update(&s, req.p ? req.p : "", req.len);
        sha1_label(&s, req_digest);
        head(&h, "request", req_id, date, req.len);
        sb_puts(&h, "WARC-Target-URI: ");
        sb_uri(&h, uri);
        sb_printf(&h, "\r\nWARC-Warcinfo-ID: %s\r\nWARC-Concurrent-To: %s\r\n", w->warcinfo_id, resp_id);
        if (ip_ok)
            sb_printf(&h, "WARC-IP-Address: %s\r\n", ev->remote_ip);
        sb_printf(&h, "WARC-Block-Digest: %s\r\nContent-Type: application/http; msgtype=request\r\n\r\n",
                  req_digest);
        if (h.oom || req.oom)
            goto oom;
        struct piece pc = {req.p, req.len};
        rc = emit(w, h.p, h.len, &pc, 1, err, cap);
        h.len = 0;
        if (rc)
            goto done;
    }

    head(&h, "response", resp_id, date, http.len + body_len);
    sb_puts(&h, "WARC-Target-URI: ");
    sb_uri(&h, uri);
    sb_printf(&h, "\r\nWARC-Warcinfo-ID: %s\r\n", w->warcinfo_id);
    if (with_req)
        sb_printf(&h, "WARC-Concurrent-To: %s\r\n", req_id);
    if (ip_ok)
        sb_printf(&h, "WARC-IP-Address: %s\r\n", ev->remote_ip);
    if (ev->url && strcmp(ev->url, uri)) {
        sb_puts(&h, "Moonwire-Requested-URI: ");
        sb_uri(&h, ev->url);
        sb_puts(&h, "\r\n");
    }
    if (capped)
        sb_puts(&h, "WARC-Truncated: length\r\n");
    sb_printf(&h,
              "WARC-Block-Digest: %s\r\nWARC-Payload-Digest: %s\r\n"
              "Content-Type: application/http; msgtype=response\r\n\r\n",
              block_digest, payload_digest);
    if (h.oom || http.oom)
        goto oom;
    struct piece pc[2] = {{http.p, http.len}, {ev->body ? ev->body : "", body_len}};
    rc = emit(w, h.p, h.len, pc, 2, err, cap);
    goto done;
oom:
    snprintf(err, cap, "warc: out of memory");
    rc = -1;
done:
    free(h.p);
    free(http.p);
    free(req.p);
    return rc;
}

static int warc_flush(void *state, char *err, size_t cap)
{
    struct warc *w = state;
    if (w->fd >= 0 && fsync(w->fd)) {
        snprintf(err, cap, "warc: %s: fsync: %s", w->file, strerror(errno));
        return -1;
    }
    return 0;
}

static const struct mw_sink_ops SINK = {
    .open = warc_open,
    .on_fetch = warc_on_fetch,
    .on_record = NULL,
    .flush = warc_flush,
    .close = warc_close,
};

static const struct mw_plugin PLUGIN = {
    .abi = MW_PLUGIN_ABI,
    .name = "warc",
    .version = MW_VERSION,
    .sink = &SINK,
    .source = NULL,
};

const struct mw_plugin *moonwire_plugin(void);
const struct mw_plugin *moonwire_plugin(void)
{
    return &PLUGIN;
}
