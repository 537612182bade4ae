/* net/warc.c: the WARC reader of warc.h: a byte stream over plain or gzip input that knows where each gzip
 * member starts (so record offsets are seekable), record headers, and the HTTP payload of response records
 * (chunked and gzip/deflate undone, capped). Writing is plugins/warc; extracting articles is cli/extract.c. */
#include "net/warc.h"
#include "common/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define DEFAULT_MAX_BODY ((size_t)64 << 20)
#define MAX_HEAD ((size_t)1 << 20)   /* WARC or HTTP header block; larger means this is not a WARC file */

struct stream {
    FILE *f;
    int gz;
    z_stream z;
    int zinit;
    int member_open;           /* inside a gzip member */
    int eof;
    long long in_base;         /* file offset of in[0] */
    long long member_coff;     /* file offset where the current member starts */
    long long member_uoff;     /* stream offset of its first decompressed byte */
    long long uoff;            /* stream offset of out[0] */
    size_t pos, len;
    char why[128];             /* the stream error, when fill() fails */
    unsigned char in[1 << 16];
    unsigned char out[1 << 16];
};

struct mw_warc_reader {
    char *path;
    struct mw_warc_opts o;
    struct stream s;
    int failed;
    char failmsg[600];
    struct mw_warc_record rec;
    char *type, *uri, *date, *id, *ctype, *version;
    struct mw_buf line, whdr, hhdr, raw, body;
};

/* ---- the byte stream ---- */

/* 1 read something, 0 end of file, -1 error */
static int refill_in(struct stream *s)
{
    size_t keep = s->z.avail_in;
    s->in_base += s->z.next_in - s->in;
    memmove(s->in, s->z.next_in, keep);
    size_t n = fread(s->in + keep, 1, sizeof s->in - keep, s->f);
    s->z.next_in = s->in;
    s->z.avail_in = (uInt)(keep + n);
    if (!n && ferror(s->f)) {
        snprintf(s->why, sizeof s->why, "read error: %s", strerror(errno));
        return -1;
    }
    return n > 0;
}

/* Make out[pos] available: 1, 0 at the end, -1 on error (s->why). A gzip member's end also ends a fill, so
 * member_uoff is exact. */
static int fill(struct stream *s)
{
    if (s->pos < s->len)
        return 1;
    s->uoff += (long long)s->len;
    s->pos = s->len = 0;
    if (s->eof)
        return 0;
    if (!s->gz) {
        s->len = fread(s->out, 1, sizeof s->out, s->f);
        if (!s->len) {
            if (ferror(s->f)) {
                snprintf(s->why, sizeof s->why, "read error: %s", strerror(errno));
                return -1;
            }
            s->eof = 1;
            return 0;
        }
        return 1;
    }
    while (s->len == 0) {
        if (s->z.avail_in < 2) {
            int r = refill_in(s);
            if (r < 0)
                return -1;
            if (r == 0 && s->z.avail_in == 0) {
                if (s->member_open) {
                    snprintf(s->why, sizeof s->why, "gzip data cut short");
                    return -1;
                }
                s->eof = 1;
                return 0;
            }
        }
        if (!s->member_open) {
            /* anything after the last member that is not another member (padding, junk) ends the file */
            if (s->z.avail_in < 2 || s->z.next_in[0] != 0x1f || s->z.next_in[1] != 0x8b) {
                s->eof = 1;
                return 0;
            }
            s->member_coff = s->in_base + (s->z.next_in - s->in);
            s->member_uoff = s->uoff;
            inflateReset(&s->z);
            s->member_open = 1;
        }
        s->z.next_out = s->out;
        s->z.avail_out = sizeof s->out;
        int rc = inflate(&s->z, Z_NO_FLUSH);
        s->len = sizeof s->out - s->z.avail_out;
        if (rc == Z_STREAM_END)
            s->member_open = 0;
        else if (rc == Z_BUF_ERROR && s->z.avail_in == 0)
            continue; /* wants input: the top of the loop reads it */
        else if (rc != Z_OK) {
            snprintf(s->why, sizeof s->why, "bad gzip data near byte %lld: %s",
                     s->in_base + (long long)(s->z.next_in - s->in), s->z.msg ? s->z.msg : "inflate failed");
            return -1;
        }
    }
    return 1;
}

static long long tell(const struct stream *s)
{
    return s->uoff + (long long)s->pos;
}

/* One line into b (without its \r\n), reading at most *budget bytes when budget is given.
 * 1 a line (possibly the last, unterminated one), 0 end of input before any byte, -1 error, -2 too long. */
static int read_line(struct stream *s, struct mw_buf *b, unsigned long long *budget)
{
    mw_buf_reset(b);
    int any = 0;
    for (;;) {
        if (budget && !*budget)
            break;
        int r = fill(s);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        size_t avail = s->len - s->pos;
        if (budget && avail > *budget)
            avail = (size_t)*budget;
        unsigned char *p = s->out + s->pos;
        unsigned char *nl = memchr(p, '\n', avail);
        size_t take = nl ? (size_t)(nl - p) + 1 : avail;
        any = 1;
        if (mw_buf_append(b, p, nl ? take - 1 : take))
            return -2;
        s->pos += take;
        if (budget)
            *budget -= take;
        if (nl)
            break;
    }
    if (!any)
        return 0;
    if (b->len && b->data[b->len - 1] == '\r')
        b->data[--b->len] = '\0';
    return 1;
}

/* n bytes into dst (keeping at most keep of them; NULL dst discards). The count actually read. */
static unsigned long long read_bytes(struct stream *s, unsigned long long n, struct mw_buf *dst, size_t keep,
                                     int *fail)
{
    unsigned long long got = 0;
    while (got < n) {
        int r = fill(s);
        if (r <= 0) {
            *fail = r < 0;
            break;
        }
        size_t avail = s->len - s->pos;
        if (avail > n - got)
            avail = (size_t)(n - got);
        if (dst && dst->len < keep) {
            size_t k = keep - dst->len < avail ? keep - dst->len : avail;
            if (mw_buf_append(dst, s->out + s->pos, k)) {
                *fail = 2;
                break;
            }
        }
        s->pos += avail;
        got += avail;
    }
    return got;
}

/* ---- headers ---- */

char *mw_warc_header(const char *headers, const char *name)
{
    size_t k = strlen(name);
    for (const char *p = headers; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > k && p[k] == ':' && !strncasecmp(p, name, k)) {
            const char *v = p + k + 1, *e = p + n;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                e--;
            return strndup(v, (size_t)(e - v));
        }
        p += n + (nl ? 1 : 0);
    }
    return NULL;
}

/* Header lines up to the blank line into out ("Name: value\n", folded lines joined). 0, or -1 / -2 (too
 * long) / -3 (input ended first). */
static int read_headers(struct stream *s, struct mw_buf *line, struct mw_buf *out, unsigned long long *budget)
{
    mw_buf_reset(out);
    for (;;) {
        int r = read_line(s, line, budget);
        if (r < 0)
            return r;
        if (r == 0)
            return budget ? 0 : -3; /* an HTTP head may end with the block */
        if (!line->len)
            return 0;
        if ((line->data[0] == ' ' || line->data[0] == '\t') && out->len) {
            out->data[--out->len] = '\0';   /* continuation: join with the previous line */
            size_t i = 0;
            while (i < line->len && (line->data[i] == ' ' || line->data[i] == '\t'))
                i++;
            if (mw_buf_appendc(out, ' ') || mw_buf_append(out, line->data + i, line->len - i) ||
                mw_buf_appendc(out, '\n'))
                return -2;
            continue;
        }
        if (mw_buf_append(out, line->data, line->len) || mw_buf_appendc(out, '\n'))
            return -2;
    }
}

/* ---- payload decoding ---- */

static int has_token(const char *list, const char *tok)
{
    size_t k = strlen(tok);
    for (const char *p = list; p && *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, " \t,;");
        if (n == k && !strncasecmp(p, tok, k))
            return 1;
        p += n;
        p += strcspn(p, ",");
    }
    return 0;
}

/* Undo chunked transfer coding in place. A body that does not start with a chunk size was stored de-chunked
 * already (some writers keep the header); it is left alone. Returns 1 when cut short. */
static int dechunk(struct mw_buf *b)
{
    const char *p = b->data, *end = b->data + b->len;
    if (!b->len || !strchr("0123456789abcdefABCDEF", p[0]))
        return 0;
    size_t w = 0;
    int cut = 1;
    while (p < end) {
        char *e;
        unsigned long long n = strtoull(p, &e, 16);
        if (e == p)
            break;
        const char *nl = memchr(e, '\n', (size_t)(end - e));
        if (!nl)
            break;
        p = nl + 1;
        if (n == 0) {
            cut = 0;
            break;
        }
        size_t have = (size_t)(end - p);
        size_t k = n < have ? (size_t)n : have;
        memmove(b->data + w, p, k);
        w += k;
        p += k;
        if (k < n)
            break;
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
    }
    b->len = w;
    b->data[w] = '\0';
    return cut;
}

/* in -> out, gzip (wbits 15+32: gzip or zlib) or raw deflate (-15). 0 done, 1 cut at max, -1 bad data. */
static int inflate_to(const unsigned char *in, size_t n, int wbits, size_t max, struct mw_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, wbits) != Z_OK)
        return -1;
    mw_buf_reset(out);
    unsigned char tmp[1 << 15];
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)(n > 0x7fffffff ? 0x7fffffff : n);
    int rc = Z_OK, res = 0;
    for (;;) {
        z.next_out = tmp;
        z.avail_out = sizeof tmp;
        rc = inflate(&z, Z_NO_FLUSH);
        size_t have = sizeof tmp - z.avail_out;
        if (have) {
            size_t room = max - out->len;
            if (mw_buf_append(out, tmp, have < room ? have : room) || have > room) {
                res = 1;
                break;
            }
        }
        if (rc == Z_STREAM_END) {
            /* concatenated gzip members are one body */
            if (z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b && inflateReset(&z) == Z_OK)
                continue;
            break;
        }
        if (rc != Z_OK) {
            /* a body cut mid-stream still yields what was decoded */
            res = rc == Z_BUF_ERROR && out->len ? 1 : -1;
            break;
        }
    }
    inflateEnd(&z);
    return res;
}

static int is_html_type(const char *ct)
{
    if (!ct)
        return 0;
    return !strncasecmp(ct, "text/html", 9) || strcasestr(ct, "xhtml") != NULL;
}

static int looks_html(const char *b, size_t n)
{
    size_t k = n < 1024 ? n : 1024;
    char head[1025];
    for (size_t i = 0; i < k; i++)
        head[i] = (char)((b[i] >= 'A' && b[i] <= 'Z') ? b[i] + 32 : (b[i] ? b[i] : ' '));
    head[k] = '\0';
    return strstr(head, "<!doctype html") || strstr(head, "<html");
}

/* ---- the reader ---- */

struct mw_warc_reader *mw_warc_reader_new(const char *path, const struct mw_warc_opts *opts, struct mw_err *err)
{
    struct mw_warc_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        mw_err_set(err, MW_ENOMEM, "warc", "%s: out of memory", path);
        return NULL;
    }
    if (opts)
        r->o = *opts;
    if (!r->o.max_body)
        r->o.max_body = DEFAULT_MAX_BODY;
    struct stream *s = &r->s;
    s->f = fopen(path, "rb");
    if (!s->f) {
        mw_err_set(err, MW_EIO, "warc", "%s: %s", path, strerror(errno));
        mw_warc_reader_free(r);
        return NULL;
    }
    unsigned char magic[2];
    s->gz = fread(magic, 1, 2, s->f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    rewind(s->f);
    if (s->gz) {
        s->z.next_in = s->in;
        if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
            mw_err_set(err, MW_ENOMEM, "warc", "%s: inflateInit failed", path);
            mw_warc_reader_free(r);
            return NULL;
        }
        s->zinit = 1;
    }
    mw_buf_init(&r->line, MAX_HEAD);
    mw_buf_init(&r->whdr, MAX_HEAD);
    mw_buf_init(&r->hhdr, MAX_HEAD);
    mw_buf_init(&r->raw, 0);
    mw_buf_init(&r->body, 0);
    return r;
}

static void clear_record(struct mw_warc_reader *r)
{
    free(r->type), free(r->uri), free(r->date), free(r->id), free(r->ctype), free(r->version);
    r->type = r->uri = r->date = r->id = r->ctype = r->version = NULL;
    memset(&r->rec, 0, sizeof r->rec);
}

void mw_warc_reader_free(struct mw_warc_reader *r)
{
    if (!r)
        return;
    clear_record(r);
    if (r->s.zinit)
        inflateEnd(&r->s.z);
    if (r->s.f)
        fclose(r->s.f);
    mw_buf_free(&r->line);
    mw_buf_free(&r->whdr);
    mw_buf_free(&r->hhdr);
    mw_buf_free(&r->raw);
    mw_buf_free(&r->body);
    free(r->path);
    free(r);
}

static int fail(struct mw_warc_reader *r, struct mw_err *err, int code, long long off, const char *what)
{
    r->failed = code;
    snprintf(r->failmsg, sizeof r->failmsg, "%s: record at offset %lld: %s", r->path, off, what);
    return mw_err_set(err, code, "warc", "%s", r->failmsg);
}

/* The HTTP payload of the block left in *left: into r->body, decoded. */
static void decode_payload(struct mw_warc_reader *r, unsigned long long *left, int *io_fail)
{
    struct mw_warc_record *rec = &r->rec;
    size_t max = r->o.max_body;
    /* coded bodies are read somewhat past max: chunk lines and compression change the size */
    size_t keep = max > ((size_t)-1 - (1u << 16)) / 2 ? max : max * 2 + (1u << 16);
    mw_buf_reset(&r->raw);
    unsigned long long want = *left;
    unsigned long long got = read_bytes(&r->s, want, &r->raw, keep, io_fail);
    *left -= got;
    if (got < want || r->raw.len < got)
        rec->truncated = 1;
    char *te = mw_warc_header(r->hhdr.data, "Transfer-Encoding");
    char *ce = mw_warc_header(r->hhdr.data, "Content-Encoding");
    if (te && has_token(te, "chunked") && r->raw.data && dechunk(&r->raw))
        rec->truncated = 1;
    struct mw_buf *cur = &r->raw;
    if (ce && r->raw.len && !has_token(ce, "identity")) {
        int wbits = 0;
        if (has_token(ce, "gzip") || has_token(ce, "x-gzip"))
            wbits = 15 + 32;
        else if (has_token(ce, "deflate"))
            wbits = 15 + 32; /* zlib-wrapped as the RFC says; raw deflate is tried below */
        if (!wbits) {
            rec->error = "unsupported Content-Encoding";
        } else {
            int rc = inflate_to((const unsigned char *)r->raw.data, r->raw.len, wbits, max, &r->body);
            if (rc < 0 && has_token(ce, "deflate"))
                rc = inflate_to((const unsigned char *)r->raw.data, r->raw.len, -15, max, &r->body);
            if (rc < 0)
                rec->error = "Content-Encoding could not be decoded";
            else
                cur = &r->body, rec->truncated |= rc == 1;
        }
    }
    free(te);
    free(ce);
    if (cur->len > max) {
        cur->len = max;
        cur->data[max] = '\0';
        rec->truncated = 1;
    }
    rec->body = cur->data ? cur->data : "";
    rec->body_len = cur->len;
}

/* Past the blank lines between records (some writers add more): 0 with *at_end set or not, else the error. */
static int skip_separators(struct mw_warc_reader *r, struct mw_err *err, int *at_end)
{
    struct stream *s = &r->s;
    for (;;) {
        int f = fill(s);
        if (f < 0)
            return fail(r, err, MW_EPARSE, tell(s), s->why);
        if (f == 0) {
            *at_end = 1;
            return 0;
        }
        int c = s->out[s->pos];
        if (c != '\r' && c != '\n')
            return 0;
        s->pos++;
    }
}

/* The block length of WARC headers wh: 0, or 1 when Content-Length is missing or not all digits. */
static int content_length(const char *wh, unsigned long long *length)
{
    char *len = mw_warc_header(wh, "Content-Length");
    char *e = NULL;
    *length = len && *len >= '0' && *len <= '9' ? strtoull(len, &e, 10) : 0;
    int bad_len = !len || !e || *e;
    free(len);
    return bad_len;
}

/* WARC 1.1's grammar example wrote the target URI in <>; some tools copy it. */
static void unbracket_uri(char *uri)
{
    if (uri && uri[0] == '<') {
        size_t n = strlen(uri);
        if (n >= 2 && uri[n - 1] == '>') {
            memmove(uri, uri + 1, n - 2);
            uri[n - 2] = '\0';
        }
    }
}

/* The version line and WARC headers of the record here, into r->rec; *length and *http describe its block. */
static int read_warc_head(struct mw_warc_reader *r, struct mw_err *err, unsigned long long *length, int *http)
{
    struct stream *s = &r->s;
    struct mw_warc_record *rec = &r->rec;
    long long start = tell(s);
    rec->offset = s->gz && start == s->member_uoff ? s->member_coff : start;
    int lr = read_line(s, &r->line, NULL);
    if (lr < 0)
        return fail(r, err, MW_EPARSE, rec->offset, lr == -1 ? s->why : "line too long (not a WARC file?)");
    if (r->line.len < 6 || strncmp(r->line.data, "WARC/", 5))
        return fail(r, err, MW_EPARSE, rec->offset, "no WARC/ version line (not a WARC file?)");
    r->version = strdup(r->line.data);
    int hr = read_headers(s, &r->line, &r->whdr, NULL);
    if (hr)
        return fail(r, err, MW_EPARSE, rec->offset,
                    hr == -1 ? s->why : hr == -2 ? "header block too long" : "file ends inside the header");
    const char *wh = r->whdr.data ? r->whdr.data : "";
    if (content_length(wh, length))
        return fail(r, err, MW_EPARSE, rec->offset, "no valid Content-Length");
    r->type = mw_warc_header(wh, "WARC-Type");
    r->uri = mw_warc_header(wh, "WARC-Target-URI");
    r->date = mw_warc_header(wh, "WARC-Date");
    r->id = mw_warc_header(wh, "WARC-Record-ID");
    if (!r->version || (!r->type && !(r->type = strdup(""))))
        return fail(r, err, MW_ENOMEM, rec->offset, "out of memory");
    unbracket_uri(r->uri);
    char *wt = mw_warc_header(wh, "WARC-Truncated");
    char *wct = mw_warc_header(wh, "Content-Type");
    rec->truncated = wt != NULL;
    *http = !strcmp(r->type, "response") && (!wct || !strncasecmp(wct, "application/http", 16));
    free(wt);
    free(wct);
    rec->version = r->version;
    rec->type = r->type;
    rec->target_uri = r->uri;
    rec->date = r->date;
    rec->record_id = r->id;
    rec->warc_headers = wh;
    rec->length = *length;
    return 0;
}

/* A response block: HTTP status line and headers, then the payload if *want (which html_only may clear). */
static int read_http_block(struct mw_warc_reader *r, struct mw_err *err, unsigned long long *left, int *want,
                           int *io_fail)
{
    struct stream *s = &r->s;
    struct mw_warc_record *rec = &r->rec;
    int sl = read_line(s, &r->line, left);
    if (sl == -1)
        return fail(r, err, MW_EPARSE, rec->offset, s->why);
    if (sl != 1 || strncmp(r->line.data, "HTTP/", 5)) {
        *want = 0;   /* a response block that is not HTTP (dns:, or damaged): nothing to decode */
        return 0;
    }
    const char *sp = strchr(r->line.data, ' ');
    rec->status = sp ? strtol(sp + 1, NULL, 10) : 0;
    int hr = read_headers(s, &r->line, &r->hhdr, left);
    if (hr == -1)
        return fail(r, err, MW_EPARSE, rec->offset, s->why);
    if (hr == -2)
        return fail(r, err, MW_EPARSE, rec->offset, "HTTP header block too long");
    rec->http_headers = r->hhdr.data ? r->hhdr.data : "";
    r->ctype = mw_warc_header(rec->http_headers, "Content-Type");
    rec->content_type = r->ctype;
    int html = !r->ctype || is_html_type(r->ctype);
    if (r->o.html_only)
        *want = html && rec->status >= 200 && rec->status < 300;
    if (*want)
        decode_payload(r, left, io_fail);
    if (*want && r->o.html_only && !r->ctype && !looks_html(rec->body, rec->body_len))
        *want = 0;
    return 0;
}

/* Any other block, as it is, capped at max_body. */
static void read_plain_block(struct mw_warc_reader *r, unsigned long long *left, int *io_fail)
{
    struct mw_warc_record *rec = &r->rec;
    mw_buf_reset(&r->raw);
    unsigned long long got = read_bytes(&r->s, *left, &r->raw, r->o.max_body, io_fail);
    rec->truncated |= got < *left || r->raw.len < got;
    *left -= got;
    rec->body = r->raw.data ? r->raw.data : "";
    rec->body_len = r->raw.len;
}

/* Reads past the rest of the block: 0, or the error of a read that failed here or before. */
static int skip_block(struct mw_warc_reader *r, struct mw_err *err, unsigned long long *left, int io_fail)
{
    if (*left && !io_fail)
        *left -= read_bytes(&r->s, *left, NULL, 0, &io_fail);
    if (io_fail == 2)
        return fail(r, err, MW_ENOMEM, r->rec.offset, "out of memory");
    if (io_fail)
        return fail(r, err, MW_EPARSE, r->rec.offset, r->s.why);
    return 0;
}

int mw_warc_next(struct mw_warc_reader *r, const struct mw_warc_record **out, struct mw_err *err)
{
    *out = NULL;
    if (r->failed)
        return mw_err_set(err, r->failed, "warc", "%s", r->failmsg);
    struct mw_warc_record *rec = &r->rec;
    for (;;) {
        clear_record(r);
        int at_end = 0, http = 0;
        int rc = skip_separators(r, err, &at_end);
        if (rc || at_end)
            return rc;
        unsigned long long length = 0;
        if ((rc = read_warc_head(r, err, &length, &http)))
            return rc;
        unsigned long long left = length;
        int io_fail = 0, want = !r->o.html_only;
        mw_buf_reset(&r->hhdr);
        mw_buf_reset(&r->body);
        if (http) {
            if ((rc = read_http_block(r, err, &left, &want, &io_fail)))
                return rc;
        } else if (want) {
            read_plain_block(r, &left, &io_fail);
        }
        if ((rc = skip_block(r, err, &left, io_fail)))
            return rc;
        if (left) {
            /* the file ends inside the block: a partial last record is still worth yielding */
            rec->truncated = 1;
            int code = fail(r, want ? NULL : err, MW_EPARSE, rec->offset, "file ends inside the block");
            if (want) {
                *out = rec;
                return 0;
            }
            return code;
        }
        if (want) {
            *out = rec;
            return 0;
        }
    }
}
