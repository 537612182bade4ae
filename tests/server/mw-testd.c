/* tests/server/mw-testd.c: moonwire's own HTTP/1.1 server for integration tests, the demo and benchmarks:
 * static files (with virtual hosts), fault modes under /_fault/ and a synthetic news site under /_gen/.
 * Binds 127.0.0.1 only. Not part of libmoonwire; libc + zlib + pthreads, one thread per connection.
 *
 * mw-testd [--port N (0: any free)] [--port-file F] [--root DIR] [--overlay DIR] [--host-fault HOST=MODE]...
 *          [--log F] [--spans F] [--latency MS] [--quiet]
 *   Static: DIR/<Host without port>/path when that directory exists, else DIR/path; "/" and directories give
 *   index.html; ETag/Last-Modified with 304s; gzip for .html/.xml when asked; "X.charset" beside an .html file
 *   names its charset. Log line: "<monotonic ms> <method> <host> <target> <status> <connection no>".
 *   Every answer carries "X-Mw-Conn: <connection no>" so tests can see keep-alive reuse.
 *   --spans F: one line per request once it is answered, "<start us> <end us> <method> <host> <target> <status>
 *   <connection no>" (monotonic microseconds: from the request head read to the last byte sent), so a test can
 *   see which requests were in the server at the same time.
 *   --latency MS: every request waits MS before it is handled (a distant server, for benchmarks and overlap).
 *   A request to any other path with ?key=K counts for /_fault/count?key=K.
 *   --overlay DIR: a file there (same layout as --root) is served instead of the root's, so a second run can
 *   see one outlet's changed templates while everything else stays as it was.
 * --host-fault HOST=MODE (repeatable; HOST without port, as in the Host header), for whole hosts:
 *   hang          every request is read and never answered (a host that accepts and then says nothing)
 *   503           every request gets 503 Service Unavailable, for ever
 *   robots-hang   /robots.txt is never answered; every other path is served as usual
 * /_fault/ (any host):
 *   slow?ms=N[&bytes=B][&chunk=C]   headers at once, then C (16) bytes every N ms, B in all or until closed
 *   status/NNN                      that status with a small page
 *   flaky?fail=N&key=K              503 for the first N requests of K, then 200
 *   503-retry-after?secs=N&fail=M&key=K[&date=1]   503 + Retry-After (seconds, or an HTTP date) M times
 *   429-retry-after?...             the same with 429
 *   redirect-loop                   302 a -> b -> a ...;  redirect?to=URL[&code=30x];  redirect-chain?n=N
 *   gzip-bomb?mb=N                  gzip body inflating to N MB (1024) of spaces, deflated on the fly
 *   truncated                       Content-Length 4096, fewer bytes, close
 *   wrong-charset                   "charset=utf-8" header, windows-1251 Russian body with its <meta charset>
 *   oversize?mb=N                   N MB (64) plain body, streamed;   hang: read the request, never answer
 *   echo                            the request head as text/plain;   count?key=K: requests seen for K
 * /_gen/ (a synthetic news site for benchmarks): sitemap.xml?n=N (1000, max 50000), feed.xml?n=N, index.html?n=N,
 *   a/<i>.html: a deterministic ~20 KB article page (title, byline, date, JSON-LD, body, related links); its
 *   gzipped form is made once and then served from memory (ids up to 100,000). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define REQ_MAX (64 * 1024)     /* request line + headers */
#define IDLE_MS 30000           /* keep-alive connections idle longer than this are closed */
#define FILE_MAX (256L << 20)

static volatile sig_atomic_t g_stop;
static const char *g_root;
static const char *g_overlay;
#define HOST_FAULTS_MAX 16
static struct { const char *host; char mode[16]; } g_host_faults[HOST_FAULTS_MAX];
static int g_nhost_faults;
static FILE *g_log;
static FILE *g_spans;
static long g_latency_ms;
static int g_quiet;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;   /* guards g_log and g_keys */
static unsigned long g_conn_seq;

struct key { struct key *next; long n; char name[]; };
static struct key *g_keys;

/* ---------- small helpers ---------- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !g_stop)
        ;
}

/* Counters shared by flaky, retry-after and count: bump returns the new value. */
static long key_bump(const char *name, int add)
{
    pthread_mutex_lock(&g_mu);
    struct key *k = g_keys;
    while (k && strcmp(k->name, name))
        k = k->next;
    if (!k && add) {
        size_t n = strlen(name);
        k = calloc(1, sizeof *k + n + 1);
        if (k) {
            memcpy(k->name, name, n + 1);
            k->next = g_keys;
            g_keys = k;
        }
    }
    long v = 0;
    if (k) {
        k->n += add;
        v = k->n;
    }
    pthread_mutex_unlock(&g_mu);
    return v;
}

static void http_date(time_t t, char *out, size_t n)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode (and '+' as space when form is set). Returns -1 on a NUL byte or overflow. */
static int pct_decode(const char *s, size_t len, char *out, size_t outsz, int form)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            i += 2;
        } else if (c == '+' && form) {
            c = ' ';
        }
        if (c == 0 || o + 1 >= outsz)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return 0;
}

/* Value of query parameter name (decoded) into out; 1 when present. */
static int qget(const char *query, const char *name, char *out, size_t outsz)
{
    if (!query)
        return 0;
    size_t nl = strlen(name);
    const char *p = query;
    while (*p) {
        const char *end = strchr(p, '&');
        if (!end)
            end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        const char *kend = eq ? eq : end;
        if ((size_t)(kend - p) == nl && !memcmp(p, name, nl)) {
            if (!eq) {
                if (outsz) out[0] = '\0';
                return 1;
            }
            return pct_decode(eq + 1, (size_t)(end - eq - 1), out, outsz, 1) == 0;
        }
        p = *end ? end + 1 : end;
    }
    return 0;
}

static long qlong(const char *query, const char *name, long dflt, long lo, long hi)
{
    char v[64];
    if (!qget(query, name, v, sizeof v) || !v[0])
        return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end)
        return dflt;
    return n < lo ? lo : n > hi ? hi : n;
}

/* ---------- growable string ---------- */

struct sbuf { char *p; size_t len, cap; };

static void sb_add(struct sbuf *b, const void *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            perror("mw-testd: realloc");
            abort();
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    char tmp[4096];
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
    if (!big)
        abort();
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_add(b, big, (size_t)n);
    free(big);
}

/* ---------- connection and request ---------- */

struct conn {
    int fd;
    unsigned long id;
    char buf[REQ_MAX + 1];
    size_t len;               /* bytes in buf (may hold a pipelined next request) */
};

struct req {
    char method[16];
    char target[8192];        /* as sent, origin-form */
    char *path;               /* raw path (points into target copy) */
    char *query;              /* after '?', or NULL */
    char pathbuf[8192];
    char host[256];           /* Host header without port, lower-case */
    char hostport[256];       /* Host header as sent */
    const char *hdrs;         /* raw header block for echo (request line included) */
    size_t hdrs_len;
    int keep_alive;
    int head;
    int gzip_ok;
    char if_none_match[256];
    char if_modified_since[128];
    int status;               /* what was answered, for the log */
};

static int send_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static const char *reason(int code)
{
    switch (code) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

static void log_req(const struct conn *c, const struct req *r)
{
    if (!g_log)
        return;
    pthread_mutex_lock(&g_mu);
    fprintf(g_log, "%lld %s %s %s %d %lu\n", now_ms(), r->method[0] ? r->method : "-",
            r->hostport[0] ? r->hostport : "-", r->target[0] ? r->target : "-", r->status, c->id);
    fflush(g_log);
    pthread_mutex_unlock(&g_mu);
}

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void log_span(const struct conn *c, const struct req *r, long long t0)
{
    if (!g_spans)
        return;
    long long t1 = now_us();
    pthread_mutex_lock(&g_mu);
    fprintf(g_spans, "%lld %lld %s %s %s %d %lu\n", t0, t1, r->method[0] ? r->method : "-",
            r->hostport[0] ? r->hostport : "-", r->target[0] ? r->target : "-", r->status, c->id);
    fflush(g_spans);
    pthread_mutex_unlock(&g_mu);
}

/* Status line and the headers every answer carries; extra is "Name: value\r\n"... or NULL.
 * len -1: no Content-Length, the body runs to the close; len -2: no Content-Length and no body (304). */
static int send_head(struct conn *c, struct req *r, int status, const char *ctype, long long len,
                     const char *extra)
{
    char date[64];
    http_date(time(NULL), date, sizeof date);
    struct sbuf h = {0};
    r->status = status;
    if (len == -1)
        r->keep_alive = 0;
    sb_printf(&h, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: mw-testd\r\nX-Mw-Conn: %lu\r\n", status,
              reason(status), date, c->id);
    if (ctype)
        sb_printf(&h, "Content-Type: %s\r\n", ctype);
    if (len >= 0)
        sb_printf(&h, "Content-Length: %lld\r\n", len);
    if (extra)
        sb_puts(&h, extra);
    sb_puts(&h, r->keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
    log_req(c, r);
    int rc = send_all(c->fd, h.p, h.len);
    free(h.p);
    return rc;
}

static int gzip_mem(const char *in, size_t n, struct sbuf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* level 1: speed over ratio, benchmarks time the client, not this server */
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong bound = deflateBound(&z, (uLong)n);
    out->len = 0;
    sb_add(out, "", 0);
    if (out->cap < bound + 1) {
        char *q = realloc(out->p, bound + 1);
        if (!q) {
            deflateEnd(&z);
            return -1;
        }
        out->p = q;
        out->cap = bound + 1;
    }
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->p;
    z.avail_out = (uInt)bound;
    int zr = deflate(&z, Z_FINISH);
    out->len = z.total_out;
    deflateEnd(&z);
    return zr == Z_STREAM_END ? 0 : -1;
}

/* A complete in-memory answer; gzip when the client takes it and the type is worth it. */
static int respond(struct conn *c, struct req *r, int status, const char *ctype, const char *body,
                   size_t len, const char *extra, int compressible)
{
    struct sbuf hx = {0};
    struct sbuf gz = {0};
    if (extra)
        sb_puts(&hx, extra);
    if (compressible && r->gzip_ok && len > 0 && gzip_mem(body, len, &gz) == 0) {
        sb_puts(&hx, "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n");
        body = gz.p;
        len = gz.len;
    } else if (compressible) {
        sb_puts(&hx, "Vary: Accept-Encoding\r\n");
    }
    int nobody = r->head || status == 204 || status == 304;
    int rc = send_head(c, r, status, ctype, status == 304 ? -2 : (long long)len, hx.p);
    if (!rc && !nobody && len)
        rc = send_all(c->fd, body, len);
    free(hx.p);
    free(gz.p);
    return rc;
}

static int respond_html(struct conn *c, struct req *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int respond_html(struct conn *c, struct req *r, int status, const char *fmt, ...)
{
    char body[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof body)
        n = (int)sizeof body - 1;
    return respond(c, r, status, "text/html; charset=utf-8", body, (size_t)n, NULL, 0);
}

static int redirect(struct conn *c, struct req *r, int status, const char *location)
{
    struct sbuf x = {0};
    sb_printf(&x, "Location: %s\r\n", location);
    int rc = respond(c, r, status, "text/html; charset=utf-8", "<html><body>moved</body></html>\n", 32,
                     x.p, 0);
    free(x.p);
    return rc;
}

/* ---------- static files ---------- */

static const char *ext_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot : "";
}

static void read_charset(const char *file, char *out, size_t n)
{
    char cand[2][8500];
    snprintf(cand[0], sizeof cand[0], "%s.charset", file);
    snprintf(cand[1], sizeof cand[1], "%.*s.charset", (int)(strlen(file) - strlen(ext_of(file))), file);
    snprintf(out, n, "utf-8");
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(cand[i], "r");
        if (!f)
            continue;
        char line[128] = "";
        if (fgets(line, sizeof line, f)) {
            size_t l = strlen(line);
            while (l && isspace((unsigned char)line[l - 1]))
                line[--l] = '\0';
            char *s = line;
            while (isspace((unsigned char)*s))
                s++;
            if (*s)
                snprintf(out, n, "%.*s", (int)n - 1, s);
        }
        fclose(f);
        return;
    }
}

static void content_type(const char *file, char *out, size_t n, int *compressible)
{
    const char *e = ext_of(file);
    *compressible = 0;
    if (!strcasecmp(e, ".html") || !strcasecmp(e, ".htm")) {
        char cs[100];
        read_charset(file, cs, sizeof cs);
        snprintf(out, n, "text/html; charset=%s", cs);
        *compressible = 1;
        return;
    }
    static const struct { const char *ext, *type; } map[] = {
        {".xml", "application/xml"}, {".rss", "application/rss+xml"}, {".atom", "application/atom+xml"},
        {".json", "application/json"}, {".txt", "text/plain; charset=utf-8"}, {".gz", "application/gzip"},
        {".css", "text/css"}, {".js", "application/javascript"}, {".png", "image/png"},
        {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"}, {".svg", "image/svg+xml"},
        {".webp", "image/webp"}, {".lua", "text/plain; charset=utf-8"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(e, map[i].ext)) {
            snprintf(out, n, "%s", map[i].type);
            *compressible = !strcasecmp(e, ".xml");
            return;
        }
    snprintf(out, n, "application/octet-stream");
}

static int etag_matches(const char *inm, const char *tag, const char *tag_gz)
{
    if (!strcmp(inm, "*"))
        return 1;
    /* a list of tags, possibly weak (W/"...") */
    const char *p = inm;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!strncmp(p, "W/", 2))
            p += 2;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && p[n - 1] == ' ')
            n--;
        if ((n == strlen(tag) && !strncmp(p, tag, n)) || (n == strlen(tag_gz) && !strncmp(p, tag_gz, n)))
            return 1;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

/* root/<host>/path when that directory exists (virtual hosts), else root/path; a directory gives its
 * index.html. 0, or -1 when the name does not fit. */
static int file_path(const char *root, const char *host, const char *dec, char *file, size_t cap)
{
    struct stat st;
    int bl = snprintf(file, cap, "%s/%s", root, host);
    if (!host[0] || bl >= (int)cap || stat(file, &st) != 0 || !S_ISDIR(st.st_mode))
        bl = snprintf(file, cap, "%s", root);
    if (bl < 0 || (size_t)bl + strlen(dec) + 16 >= cap)
        return -1;
    snprintf(file + bl, cap - (size_t)bl, "%s%s", dec[0] == '/' ? "" : "/", dec);
    size_t fl = strlen(file);
    if (fl && file[fl - 1] == '/')
        snprintf(file + fl, cap - fl, "index.html");
    else if (stat(file, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(file + fl, cap - fl, "/index.html");
    return 0;
}

static int serve_file(struct conn *c, struct req *r)
{
    char dec[4096];
    if (!g_root || pct_decode(r->path, strlen(r->path), dec, sizeof dec, 0) != 0)
        return respond_html(c, r, 404, "<html><body><h1>404 Not Found</h1></body></html>\n");
    /* no ".." segment, in the raw or the decoded form */
    for (const char *s = dec; *s;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return respond_html(c, r, 400, "<html><body><h1>400 Bad Request</h1></body></html>\n");
        s += n;
        if (*s == '/')
            s++;
    }
    /* the overlay's file when it has one, else the root's */
    char file[8400];
    struct stat st;
    if (!g_overlay || file_path(g_overlay, r->host, dec, file, sizeof file) || stat(file, &st) != 0)
        if (file_path(g_root, r->host, dec, file, sizeof file))
            return respond_html(c, r, 404, "<html><body><h1>404 Not Found</h1></body></html>\n");

    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX) {
        if (fd >= 0)
            close(fd);
        return respond_html(c, r, 404, "<html><body><h1>404 Not Found</h1><p>%s</p></body></html>\n",
                            r->path[0] == '/' ? "no such page" : "");
    }
    char etag[96], etag_gz[100], lm[64];
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtim.tv_sec * 1000000ULL + (unsigned long long)st.st_mtim.tv_nsec / 1000);
    snprintf(etag_gz, sizeof etag_gz, "%.*s-gz\"", (int)strlen(etag) - 1, etag);
    http_date(st.st_mtime, lm, sizeof lm);
    char ctype[160];
    int compressible;
    content_type(file, ctype, sizeof ctype, &compressible);
    int use_gz = compressible && r->gzip_ok;

    struct sbuf x = {0};
    sb_printf(&x, "ETag: %s\r\nLast-Modified: %s\r\n", use_gz ? etag_gz : etag, lm);
    int not_modified = 0;
    if (r->if_none_match[0]) {
        not_modified = etag_matches(r->if_none_match, etag, etag_gz);
    } else if (r->if_modified_since[0]) {
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        const char *end = strptime(r->if_modified_since, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        if (end && timegm(&tm) >= st.st_mtime)
            not_modified = 1;
    }
    int rc;
    if (not_modified) {
        close(fd);
        rc = respond(c, r, 304, NULL, "", 0, x.p, 0);
        free(x.p);
        return rc;
    }
    char *data = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (data && got < (size_t)st.st_size) {
        ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!data) {
        free(x.p);
        return respond_html(c, r, 500, "<html><body>out of memory</body></html>\n");
    }
    rc = respond(c, r, 200, ctype, data, got, x.p, compressible);
    free(data);
    free(x.p);
    return rc;
}

/* ---------- fault modes ---------- */

static const char *host_fault(const char *host);

static const char filler[] =
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.</p>\n";

static int fault_slow(struct conn *c, struct req *r)
{
    long ms = qlong(r->query, "ms", 1000, 0, 3600000);
    long bytes = qlong(r->query, "bytes", -1, 0, 1L << 40);
    long chunk = qlong(r->query, "chunk", 16, 1, 65536);
    if (send_head(c, r, 200, "text/html; charset=utf-8", bytes, NULL) || r->head)
        return -1;
    char *blk = malloc((size_t)chunk);
    if (!blk)
        return -1;
    for (long i = 0; i < chunk; i++)
        blk[i] = filler[i % (sizeof filler - 1)];
    long sent = 0;
    while (!g_stop && (bytes < 0 || sent < bytes)) {
        long n = bytes < 0 || bytes - sent > chunk ? chunk : bytes - sent;
        if (send_all(c->fd, blk, (size_t)n))
            break;
        sent += n;
        if (bytes >= 0 && sent >= bytes)
            break;
        sleep_ms(ms);
    }
    free(blk);
    return bytes >= 0 && sent >= bytes ? 0 : -1;
}

static int fault_retry_after(struct conn *c, struct req *r, int code, const char *dflt_key)
{
    char key[256];
    if (!qget(r->query, "key", key, sizeof key))
        snprintf(key, sizeof key, "%s", dflt_key);
    long secs = qlong(r->query, "secs", 1, 0, 86400 * 365);
    long fail = qlong(r->query, "fail", 1, 0, 1L << 30);
    long n = key_bump(key, 1);
    if (n > fail)
        return respond_html(c, r, 200, "<html><head><title>ok</title></head><body><p>ok after %ld</p>"
                            "</body></html>\n", n - 1);
    char x[128];
    if (qget(r->query, "date", (char[8]){0}, 8)) {
        char d[64];
        http_date(time(NULL) + secs, d, sizeof d);
        snprintf(x, sizeof x, "Retry-After: %s\r\n", d);
    } else {
        snprintf(x, sizeof x, "Retry-After: %ld\r\n", secs);
    }
    return respond(c, r, code, "text/html; charset=utf-8", "<html><body>try later</body></html>\n", 36, x, 0);
}

static int fault_gzip_bomb(struct conn *c, struct req *r)
{
    long mb = qlong(r->query, "mb", 1024, 1, 1L << 20);
    if (send_head(c, r, 200, "text/html; charset=utf-8", -1, "Content-Encoding: gzip\r\n") || r->head)
        return -1;
    enum { IN = 64 * 1024, OUT = 16 * 1024 };
    char *in = malloc(IN), *out = malloc(OUT);
    z_stream z;
    memset(&z, 0, sizeof z);
    int rc = -1;
    if (!in || !out || deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        goto done;
    memset(in, ' ', IN);
    long long left = (long long)mb << 20;
    for (;;) {
        if (z.avail_in == 0 && left > 0) {
            size_t n = left > IN ? IN : (size_t)left;
            z.next_in = (Bytef *)in;
            z.avail_in = (uInt)n;
            left -= (long long)n;
        }
        int flush = left > 0 || z.avail_in ? Z_NO_FLUSH : Z_FINISH;
        z.next_out = (Bytef *)out;
        z.avail_out = OUT;
        int zr = deflate(&z, flush);
        size_t have = OUT - z.avail_out;
        if (have && send_all(c->fd, out, have))
            break;
        if (zr == Z_STREAM_END) {
            rc = 0;
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR)
            break;
        if (g_stop)
            break;
    }
    deflateEnd(&z);
done:
    free(in);
    free(out);
    return rc;
}

/* UTF-8 (Russian only) to windows-1251, so the source stays readable. */
static void to_cp1251(const char *s, struct sbuf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            sb_add(out, p, 1);
            p++;
            continue;
        }
        unsigned cp = ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
        p += 2;
        unsigned char b = '?';
        if (cp >= 0x410 && cp <= 0x44f)
            b = (unsigned char)(0xc0 + (cp - 0x410));
        else if (cp == 0x401)
            b = 0xa8;
        else if (cp == 0x451)
            b = 0xb8;
        sb_add(out, &b, 1);
    }
}

static int fault_wrong_charset(struct conn *c, struct req *r)
{
    static const char page[] =
        "<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"windows-1251\">\n"
        "<title>Новости дня</title></head>\n<body><article><h1>Москва объявила о новом соглашении</h1>\n"
        "<p>Президент России встретился с делегацией в Кремле в четверг.</p>\n"
        "<p>Стороны обсудили торговлю, энергетику и ёмкие планы на будущее.</p>\n"
        "</article></body></html>\n";
    struct sbuf b = {0};
    to_cp1251(page, &b);
    int rc = respond(c, r, 200, "text/html; charset=utf-8", b.p, b.len, NULL, 0);
    free(b.p);
    return rc;
}

static int fault_oversize(struct conn *c, struct req *r)
{
    long mb = qlong(r->query, "mb", 64, 0, 1L << 20);
    long long total = (long long)mb << 20;
    if (send_head(c, r, 200, "text/html; charset=utf-8", total, NULL) || r->head)
        return r->head ? 0 : -1;
    enum { BLK = 64 * 1024 };
    char *blk = malloc(BLK);
    if (!blk)
        return -1;
    for (size_t i = 0; i < BLK; i++)
        blk[i] = filler[i % (sizeof filler - 1)];
    int rc = 0;
    for (long long sent = 0; sent < total && !rc;) {
        size_t n = total - sent > BLK ? BLK : (size_t)(total - sent);
        rc = send_all(c->fd, blk, n);
        sent += (long long)n;
    }
    free(blk);
    return rc;
}

static int fault_hang(struct conn *c, struct req *r)
{
    r->status = 0;
    log_req(c, r);
    char sink[4096];
    while (!g_stop) {
        struct pollfd p = { c->fd, POLLIN, 0 };
        int n = poll(&p, 1, 500);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0) {
            ssize_t got = recv(c->fd, sink, sizeof sink, 0);
            if (got <= 0)
                break;
        }
    }
    return -1;
}

static int fault(struct conn *c, struct req *r, const char *what)
{
    char v[2048];
    if (!strcmp(what, "slow"))
        return fault_slow(c, r);
    if (!strncmp(what, "status/", 7)) {
        char *end;
        long code = strtol(what + 7, &end, 10);
        if (*end || code < 200 || code > 599)
            return respond_html(c, r, 400, "<html><body>bad status</body></html>\n");
        return respond_html(c, r, (int)code, "<html><head><title>%ld</title></head><body><h1>%ld %s</h1>"
                            "</body></html>\n", code, code, reason((int)code));
    }
    if (!strcmp(what, "flaky")) {
        char key[256];
        if (!qget(r->query, "key", key, sizeof key))
            snprintf(key, sizeof key, "flaky");
        long fail = qlong(r->query, "fail", 1, 0, 1L << 30);
        long n = key_bump(key, 1);
        if (n <= fail)
            return respond_html(c, r, 503, "<html><body><h1>503 try %ld</h1></body></html>\n", n);
        return respond_html(c, r, 200, "<html><head><title>flaky</title></head><body><p>ok after %ld</p>"
                            "</body></html>\n", n - 1);
    }
    if (!strcmp(what, "503-retry-after"))
        return fault_retry_after(c, r, 503, "503-retry-after");
    if (!strcmp(what, "429-retry-after"))
        return fault_retry_after(c, r, 429, "429-retry-after");
    if (!strcmp(what, "redirect-loop"))   /* a -> b -> a */
        return redirect(c, r, 302, r->query && !strcmp(r->query, "b") ? "/_fault/redirect-loop"
                                                                      : "/_fault/redirect-loop?b");
    if (!strcmp(what, "redirect")) {
        if (!qget(r->query, "to", v, sizeof v) || !v[0])
            return respond_html(c, r, 400, "<html><body>to= missing</body></html>\n");
        long code = qlong(r->query, "code", 302, 301, 308);
        return redirect(c, r, (int)code, v);
    }
    if (!strcmp(what, "redirect-chain")) {
        long n = qlong(r->query, "n", 3, 0, 1000);
        if (n <= 0)
            return respond_html(c, r, 200, "<html><head><title>end of chain</title></head><body>"
                                "<p>end of chain</p></body></html>\n");
        snprintf(v, sizeof v, "/_fault/redirect-chain?n=%ld", n - 1);
        return redirect(c, r, 302, v);
    }
    if (!strcmp(what, "gzip-bomb"))
        return fault_gzip_bomb(c, r);
    if (!strcmp(what, "truncated")) {
        static const char part[] = "<html><head><title>truncated</title></head><body><p>This page stops ";
        r->keep_alive = 0;
        if (send_head(c, r, 200, "text/html; charset=utf-8", 4096, NULL) || r->head)
            return -1;
        send_all(c->fd, part, sizeof part - 1);
        return -1;
    }
    if (!strcmp(what, "wrong-charset"))
        return fault_wrong_charset(c, r);
    if (!strcmp(what, "oversize"))
        return fault_oversize(c, r);
    if (!strcmp(what, "hang"))
        return fault_hang(c, r);
    if (!strcmp(what, "echo"))
        return respond(c, r, 200, "text/plain; charset=utf-8", r->hdrs, r->hdrs_len, NULL, 0);
    if (!strcmp(what, "count")) {
        char key[256];
        if (!qget(r->query, "key", key, sizeof key))
            return respond_html(c, r, 400, "<html><body>key= missing</body></html>\n");
        char n[32];
        int len = snprintf(n, sizeof n, "%ld\n", key_bump(key, 0));
        return respond(c, r, 200, "text/plain; charset=utf-8", n, (size_t)len, NULL, 0);
    }
    return respond_html(c, r, 404, "<html><body><h1>404</h1><p>unknown fault mode</p></body></html>\n");
}

/* ---------- synthetic site ---------- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static const char *const words[] = {
    "government", "minister", "talks", "agreement", "border", "economy", "trade", "energy", "security",
    "parliament", "election", "summit", "delegation", "region", "city", "officials", "report", "statement",
    "week", "year", "support", "growth", "investment", "market", "exports", "ports", "railway", "farmers",
    "prices", "reform", "council", "court", "ruling", "protest", "workers", "union", "health", "schools",
    "water", "harvest", "ceasefire", "negotiations", "spokesman", "president", "cooperation", "project",
    "the", "the", "of", "and", "in", "to", "a", "on", "with", "for", "said", "has", "was", "after", "new",
};
static const char *const authors[] = { "Amina Haddad", "Pavel Sorokin", "Lucia Ferreira", "Kemal Aydin",
                                       "Wei Zhang", "Fatima Nasser", "John Okafor", "Elena Markova" };
static const char *const sections[] = { "World", "Politics", "Economy", "Society", "Science", "Sport" };

static void gen_words(struct sbuf *b, uint64_t *s, int n, int cap_first)
{
    for (int i = 0; i < n; i++) {
        const char *w = words[rng_next(s) % (sizeof words / sizeof words[0])];
        if (i)
            sb_puts(b, " ");
        if (i == 0 && cap_first) {
            char up = (char)toupper((unsigned char)w[0]);
            sb_add(b, &up, 1);
            sb_puts(b, w + 1);
        } else {
            sb_puts(b, w);
        }
    }
}

static void gen_date(long i, char *out, size_t n, int rfc822)
{
    time_t t = 1767225600 + (time_t)(i % 330) * 86400 + (time_t)(i * 7919 % 86400); /* 2026-01-01 on */
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, rfc822 ? "%a, %d %b %Y %H:%M:%S +0000" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void gen_title(long i, struct sbuf *b)
{
    uint64_t s = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(i + 1) * 0x100000001b3ULL;
    rng_next(&s);
    gen_words(b, &s, 6 + (int)(rng_next(&s) % 5), 1);
}

/* Generated articles, gzipped, kept once made (ids 1..GEN_CACHE): a benchmark crawls the same pages round after
 * round, and a real site's pages come from a cache too, so the server's CPU stays out of the two cores the
 * crawlers share. An entry is written once under g_gen_mu and never changed or freed. */
#define GEN_CACHE 100000
static struct gen_entry { char *hostport; char *gz; size_t len; } *g_gen;
static pthread_mutex_t g_gen_mu = PTHREAD_MUTEX_INITIALIZER;

static const struct gen_entry *gen_cached(const struct req *r, long i)
{
    const struct gen_entry *e = NULL;
    pthread_mutex_lock(&g_gen_mu);
    if (g_gen && i <= GEN_CACHE && g_gen[i - 1].gz && !strcmp(g_gen[i - 1].hostport, r->hostport))
        e = &g_gen[i - 1];
    pthread_mutex_unlock(&g_gen_mu);
    return e;
}

static void gen_keep(const struct req *r, long i, const char *body, size_t len)
{
    struct sbuf gz = {0};
    if (i > GEN_CACHE || gzip_mem(body, len, &gz)) {
        free(gz.p);
        return;
    }
    pthread_mutex_lock(&g_gen_mu);
    if (!g_gen)
        g_gen = calloc(GEN_CACHE, sizeof *g_gen);
    struct gen_entry *e = g_gen ? &g_gen[i - 1] : NULL;
    if (e && !e->gz && (e->hostport = strdup(r->hostport))) {
        e->gz = gz.p;
        e->len = gz.len;
        gz.p = NULL;
    }
    pthread_mutex_unlock(&g_gen_mu);
    free(gz.p);
}

static int gen_send_cached(struct conn *c, struct req *r, const struct gen_entry *e)
{
    int rc = send_head(c, r, 200, "text/html; charset=utf-8", (long long)e->len,
                       "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n");
    if (!rc && !r->head)
        rc = send_all(c->fd, e->gz, e->len);
    return rc;
}

static int gen_article(struct conn *c, struct req *r, long i)
{
    const struct gen_entry *hit = r->gzip_ok ? gen_cached(r, i) : NULL;
    if (hit)
        return gen_send_cached(c, r, hit);
    uint64_t s = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(i + 1) * 0x100000001b3ULL;
    struct sbuf t = {0}, b = {0};
    gen_title(i, &t);
    rng_next(&s);
    char date[40];
    gen_date(i, date, sizeof date, 0);
    const char *author = authors[(uint64_t)i % (sizeof authors / sizeof authors[0])];
    const char *section = sections[(uint64_t)i % (sizeof sections / sizeof sections[0])];
    sb_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>%s | Gen News</title>\n"
              "<meta property=\"og:title\" content=\"%s\">\n<meta property=\"og:type\" content=\"article\">\n"
              "<meta property=\"article:published_time\" content=\"%s\">\n<meta name=\"author\" content=\"%s\">\n"
              "<link rel=\"canonical\" href=\"http://%s/_gen/a/%ld.html\">\n"
              "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\","
              "\"headline\":\"%s\",\"datePublished\":\"%s\",\"author\":{\"@type\":\"Person\",\"name\":\"%s\"},"
              "\"articleSection\":\"%s\"}</script>\n"
              "<style>body{font-family:serif;margin:0}nav a{margin:0 4px}.related li{font-size:90%%}"
              "footer{color:#666}</style>\n</head>\n<body>\n<header><a href=\"/_gen/\">Gen News</a>\n<nav>",
              t.p, t.p, date, author, r->hostport[0] ? r->hostport : "127.0.0.1", i, t.p, date, author, section);
    for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++)
        sb_printf(&b, "<a href=\"/_gen/section/%s.html\">%s</a>", sections[k], sections[k]);
    sb_printf(&b, "</nav></header>\n<main>\n<article>\n<h1 class=\"headline\">%s</h1>\n"
              "<div class=\"byline\">By <span class=\"author\">%s</span> | <time datetime=\"%s\">%s</time>"
              " | <a class=\"section\" href=\"/_gen/section/%s.html\">%s</a></div>\n<div class=\"article-body\">\n",
              t.p, author, date, date, section, section);
    int paras = 28 + (int)(rng_next(&s) % 12);
    for (int p = 0; p < paras; p++) {
        sb_puts(&b, "<p>");
        int sentences = 4 + (int)(rng_next(&s) % 3);
        for (int k = 0; k < sentences; k++) {
            if (k)
                sb_puts(&b, " ");
            gen_words(&b, &s, 8 + (int)(rng_next(&s) % 10), 1);
            sb_puts(&b, ".");
        }
        sb_puts(&b, "</p>\n");
        if (p == 3)
            sb_puts(&b, "<div class=\"ad\">Advertisement</div>\n");
    }
    sb_puts(&b, "</div>\n<div class=\"share\">Share: <a href=\"#\">Facebook</a> <a href=\"#\">X</a></div>\n"
                "</article>\n<aside class=\"related\"><h2>Related</h2><ul>\n");
    for (int k = 1; k <= 20; k++) {
        long j = (i + k * 37) % 100000 + 1;
        struct sbuf rt = {0};
        gen_title(j, &rt);
        sb_printf(&b, "<li><a href=\"/_gen/a/%ld.html\">%s</a></li>\n", j, rt.p);
        free(rt.p);
    }
    sb_puts(&b, "</ul></aside>\n</main>\n<footer><p>Subscribe to our newsletter.</p>"
                "<p>&copy; 2026 Gen News, a synthetic site of mw-testd.</p></footer>\n</body></html>\n");
    int rc = respond(c, r, 200, "text/html; charset=utf-8", b.p, b.len, NULL, 1);
    if (r->gzip_ok)
        gen_keep(r, i, b.p, b.len);
    free(t.p);
    free(b.p);
    return rc;
}

static int gen(struct conn *c, struct req *r, const char *what)
{
    const char *hp = r->hostport[0] ? r->hostport : "127.0.0.1";
    if (!strcmp(what, "sitemap.xml")) {
        long n = qlong(r->query, "n", 1000, 0, 50000);
        struct sbuf b = {0};
        sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (long i = 1; i <= n; i++) {
            char d[40];
            gen_date(i, d, sizeof d, 0);
            sb_printf(&b, "<url><loc>http://%s/_gen/a/%ld.html</loc><lastmod>%s</lastmod></url>\n", hp, i, d);
        }
        sb_puts(&b, "</urlset>\n");
        int rc = respond(c, r, 200, "application/xml", b.p, b.len, NULL, 1);
        free(b.p);
        return rc;
    }
    if (!strcmp(what, "feed.xml") || !strcmp(what, "rss.xml")) {
        long n = qlong(r->query, "n", 50, 0, 10000);
        struct sbuf b = {0};
        sb_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
                  "<title>Gen News</title><link>http://%s/_gen/</link><description>synthetic</description>\n", hp);
        for (long i = n; i >= 1; i--) {
            struct sbuf t = {0};
            gen_title(i, &t);
            char d[40];
            gen_date(i, d, sizeof d, 1);
            sb_printf(&b, "<item><title>%s</title><link>http://%s/_gen/a/%ld.html</link><guid>http://%s/_gen/a/%ld"
                      ".html</guid><pubDate>%s</pubDate></item>\n", t.p, hp, i, hp, i, d);
            free(t.p);
        }
        sb_puts(&b, "</channel></rss>\n");
        int rc = respond(c, r, 200, "application/rss+xml", b.p, b.len, NULL, 1);
        free(b.p);
        return rc;
    }
    if (!strncmp(what, "a/", 2)) {
        char *end;
        long i = strtol(what + 2, &end, 10);
        if (i > 0 && !strcmp(end, ".html"))
            return gen_article(c, r, i);
    }
    if (!strcmp(what, "") || !strcmp(what, "index.html")) {
        long n = qlong(r->query, "n", 50, 0, 10000);
        struct sbuf b = {0};
        sb_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Gen News</title></head><body>"
                    "<h1>Gen News</h1><ul>\n");
        for (long i = 1; i <= n; i++) {
            struct sbuf t = {0};
            gen_title(i, &t);
            sb_printf(&b, "<li><a href=\"/_gen/a/%ld.html\">%s</a></li>\n", i, t.p);
            free(t.p);
        }
        sb_puts(&b, "</ul></body></html>\n");
        int rc = respond(c, r, 200, "text/html; charset=utf-8", b.p, b.len, NULL, 1);
        free(b.p);
        return rc;
    }
    return respond_html(c, r, 404, "<html><body><h1>404</h1><p>unknown generated page</p></body></html>\n");
}

/* ---------- request loop ---------- */

static const char *hdr_find(const char *hdrs, size_t len, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    const char *p = memchr(hdrs, '\n', len);   /* skip the request line */
    const char *end = hdrs + len;
    while (p && p < end) {
        p++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            break;
        if ((size_t)(eol - p) > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *vlen = (size_t)(ve - v);
            return v;
        }
        p = eol;
    }
    return NULL;
}

static void hdr_copy(const char *hdrs, size_t len, const char *name, char *out, size_t n)
{
    size_t vl;
    const char *v = hdr_find(hdrs, len, name, &vl);
    out[0] = '\0';
    if (v)
        snprintf(out, n, "%.*s", (int)(vl < n ? vl : n - 1), v);
}

static int has_token(const char *v, const char *tok)
{
    size_t tl = strlen(tok);
    for (const char *p = v; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!strncasecmp(p, tok, tl) && (p[tl] == '\0' || p[tl] == ',' || p[tl] == ' ' || p[tl] == ';')) {
            const char *q = p + tl;
            while (*q == ' ')
                q++;
            /* "gzip;q=0" refuses */
            if (*q == ';') {
                const char *qv = strstr(q, "q=");
                const char *comma = strchr(q, ',');
                if (qv && (!comma || qv < comma) && strtod(qv + 2, NULL) == 0)
                    return 0;
            }
            return 1;
        }
        const char *comma = strchr(p, ',');
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* Wait for a full header block in c->buf; returns its length (through CRLFCRLF), 0 on close, -1 on error. */
static long read_head(struct conn *c)
{
    for (;;) {
        c->buf[c->len] = '\0';
        char *e = strstr(c->buf, "\r\n\r\n");
        if (e)
            return (long)(e - c->buf) + 4;
        char *e2 = strstr(c->buf, "\n\n");
        if (e2)
            return (long)(e2 - c->buf) + 2;
        if (c->len >= REQ_MAX)
            return -2;
        struct pollfd p = { c->fd, POLLIN, 0 };
        int n = poll(&p, 1, IDLE_MS);
        if (n == 0 || g_stop)
            return 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        ssize_t got = recv(c->fd, c->buf + c->len, REQ_MAX - c->len, 0);
        if (got == 0)
            return 0;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        c->len += (size_t)got;
    }
}

/* Drop n bytes of request body (already-buffered bytes first). */
static int discard_body(struct conn *c, size_t head, unsigned long long n)
{
    size_t inbuf = c->len - head;
    size_t take = n < inbuf ? (size_t)n : inbuf;
    n -= take;
    memmove(c->buf, c->buf + head + take, c->len - head - take);
    c->len -= head + take;
    char sink[8192];
    while (n) {
        ssize_t got = recv(c->fd, sink, n < sizeof sink ? (size_t)n : sizeof sink, 0);
        if (got <= 0)
            return -1;
        n -= (unsigned long long)got;
    }
    return 0;
}

static int handle(struct conn *c, struct req *r, long head)
{
    char *hb = c->buf;
    r->hdrs = hb;
    r->hdrs_len = (size_t)head;
    /* request line */
    char *eol = memchr(hb, '\n', (size_t)head);
    char line[8300];
    size_t ll = (size_t)(eol - hb);
    if (ll && hb[ll - 1] == '\r')
        ll--;
    if (ll >= sizeof line)
        ll = sizeof line - 1;
    memcpy(line, hb, ll);
    line[ll] = '\0';
    char ver[16] = "";
    if (sscanf(line, "%15s %8191s %15s", r->method, r->target, ver) != 3 || strncmp(ver, "HTTP/1.", 7)) {
        r->keep_alive = 0;
        respond_html(c, r, 400, "<html><body>bad request</body></html>\n");
        return -1;
    }
    r->keep_alive = strcmp(ver, "HTTP/1.0") != 0;
    char tmp[256];
    hdr_copy(hb, (size_t)head, "Connection", tmp, sizeof tmp);
    if (has_token(tmp, "close"))
        r->keep_alive = 0;
    else if (has_token(tmp, "keep-alive"))
        r->keep_alive = 1;
    hdr_copy(hb, (size_t)head, "Host", r->hostport, sizeof r->hostport);
    snprintf(r->host, sizeof r->host, "%s", r->hostport);
    char *colon = r->host[0] == '[' ? strchr(r->host, ']') : strchr(r->host, ':');
    if (colon)
        colon[r->host[0] == '[' ? 1 : 0] = '\0';
    for (char *p = r->host; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
        if (*p == '/' || *p == '\\')
            r->host[0] = '\0';
    }
    if (r->host[0] == '.')
        r->host[0] = '\0';
    hdr_copy(hb, (size_t)head, "Accept-Encoding", tmp, sizeof tmp);
    r->gzip_ok = has_token(tmp, "gzip");
    hdr_copy(hb, (size_t)head, "If-None-Match", r->if_none_match, sizeof r->if_none_match);
    hdr_copy(hb, (size_t)head, "If-Modified-Since", r->if_modified_since, sizeof r->if_modified_since);
    r->head = !strcmp(r->method, "HEAD");

    /* origin-form path; an absolute-form target loses its scheme and authority */
    snprintf(r->pathbuf, sizeof r->pathbuf, "%s", r->target);
    char *path = r->pathbuf;
    if (!strncasecmp(path, "http://", 7) || !strncasecmp(path, "https://", 8)) {
        char *slash = strchr(strstr(path, "//") + 2, '/');
        path = slash ? slash : (char *)"/";
    }
    char *q = strchr(path, '?');
    if (q)
        *q++ = '\0';
    char *frag = strchr(q ? q : path, '#');
    if (frag)
        *frag = '\0';
    r->path = path;
    r->query = q;

    if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD") && strcmp(r->method, "POST")) {
        respond(c, r, 405, "text/html; charset=utf-8", "<html><body>405</body></html>\n", 30,
                "Allow: GET, HEAD, POST\r\n", 0);
        return r->keep_alive ? 0 : -1;
    }
    char key[256];
    if (q && strncmp(path, "/_fault/count", 13) && strncmp(path, "/_fault/flaky", 13)
        && !strstr(path, "retry-after") && qget(q, "key", key, sizeof key))
        key_bump(key, 1);   /* any other request carrying key=K counts for /_fault/count */
    int rc;
    const char *hf = host_fault(r->host);
    if (hf && (!strcmp(hf, "hang") || (!strcmp(hf, "robots-hang") && !strcmp(path, "/robots.txt"))))
        rc = fault_hang(c, r);
    else if (hf && !strcmp(hf, "503"))
        rc = respond_html(c, r, 503, "<html><head><title>503</title></head><body><h1>503 Service Unavailable</h1>"
                          "</body></html>\n");
    else if (!strncmp(path, "/_fault/", 8))
        rc = fault(c, r, path + 8);
    else if (!strncmp(path, "/_gen/", 6))
        rc = gen(c, r, path + 6);
    else if (!strcmp(path, "/_gen"))
        rc = gen(c, r, "");
    else
        rc = serve_file(c, r);
    if (rc)
        return -1;
    return r->keep_alive ? 0 : -1;
}

static const char *host_fault(const char *host)
{
    for (int i = 0; i < g_nhost_faults; i++)
        if (!strcasecmp(g_host_faults[i].host, host))
            return g_host_faults[i].mode;
    return NULL;
}

static void *conn_main(void *arg)
{
    struct conn *c = arg;
    struct req *r = malloc(sizeof *r);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    while (r && !g_stop) {
        long head = read_head(c);
        if (head <= 0) {
            if (head == -2) {
                memset(r, 0, sizeof *r);
                respond_html(c, r, 431, "<html><body>headers too large</body></html>\n");
            }
            break;
        }
        memset(r, 0, sizeof *r);
        /* request body: Content-Length only; chunked uploads end the connection after the answer */
        char cl[32], te[64];
        hdr_copy(c->buf, (size_t)head, "Content-Length", cl, sizeof cl);
        hdr_copy(c->buf, (size_t)head, "Transfer-Encoding", te, sizeof te);
        long long t0 = now_us();
        if (g_latency_ms)
            sleep_ms(g_latency_ms);
        int rc = handle(c, r, head);
        log_span(c, r, t0);
        if (rc || te[0])
            break;
        if (discard_body(c, (size_t)head, cl[0] ? strtoull(cl, NULL, 10) : 0))
            break;
    }
    shutdown(c->fd, SHUT_WR);
    close(c->fd);
    free(r);
    free(c);
    return NULL;
}

/* ---------- main ---------- */

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: mw-testd [--port N] [--port-file F] [--root DIR] [--overlay DIR]\n"
                    "                [--host-fault HOST=hang|503|robots-hang]... [--log F] [--spans F] [--latency MS]\n"
                    "                [--quiet]\n"
                    "  binds 127.0.0.1 only; --port 0 picks a free port (written to --port-file)\n");
}

int main(int argc, char **argv)
{
    long port = 8080;
    const char *port_file = NULL, *log_file = NULL, *spans_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quiet")) {
            g_quiet = 1;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage();
            return 0;
        }
        if (!v) {
            usage();
            return 2;
        }
        if (!strcmp(a, "--port")) {
            char *end;
            port = strtol(v, &end, 10);
            if (*end || port < 0 || port > 65535) {
                fprintf(stderr, "mw-testd: bad port %s\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--port-file")) {
            port_file = v;
        } else if (!strcmp(a, "--root")) {
            g_root = v;
        } else if (!strcmp(a, "--overlay")) {
            g_overlay = v;
        } else if (!strcmp(a, "--host-fault")) {
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || g_nhost_faults == HOST_FAULTS_MAX ||
                (strcmp(eq + 1, "hang") && strcmp(eq + 1, "503") && strcmp(eq + 1, "robots-hang"))) {
                fprintf(stderr, "mw-testd: --host-fault %s: expected HOST=hang, HOST=503 or HOST=robots-hang\n", v);
                return 2;
            }
            g_host_faults[g_nhost_faults].host = strndup(v, (size_t)(eq - v));
            snprintf(g_host_faults[g_nhost_faults].mode, sizeof g_host_faults[0].mode, "%s", eq + 1);
            g_nhost_faults++;
        } else if (!strcmp(a, "--log")) {
            log_file = v;
        } else if (!strcmp(a, "--spans")) {
            spans_file = v;
        } else if (!strcmp(a, "--latency")) {
            char *end;
            g_latency_ms = strtol(v, &end, 10);
            if (*end || g_latency_ms < 0 || g_latency_ms > 60000) {
                fprintf(stderr, "mw-testd: --latency %s: expected milliseconds from 0 to 60000\n", v);
                return 2;
            }
        } else {
            usage();
            return 2;
        }
        i++;
    }
    const char *dirs[2][2] = {{"--root", g_root}, {"--overlay", g_overlay}};
    for (int d = 0; d < 2; d++) {
        struct stat st;
        if (dirs[d][1] && (stat(dirs[d][1], &st) != 0 || !S_ISDIR(st.st_mode))) {
            fprintf(stderr, "mw-testd: %s %s: not a directory\n", dirs[d][0], dirs[d][1]);
            return 2;
        }
    }
    if (g_overlay && !g_root) {
        fprintf(stderr, "mw-testd: --overlay needs --root\n");
        return 2;
    }
    if (log_file && !(g_log = fopen(log_file, "a"))) {
        perror(log_file);
        return 2;
    }
    if (spans_file && !(g_spans = fopen(spans_file, "a"))) {
        perror(spans_file);
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;   /* no SA_RESTART: poll() below returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0) {
        perror("socket");
        return 1;
    }
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(ls, 512) != 0) {
        fprintf(stderr, "mw-testd: 127.0.0.1:%ld: %s\n", port, strerror(errno));
        return 1;
    }
    socklen_t sl = sizeof sin;
    getsockname(ls, (struct sockaddr *)&sin, &sl);
    int bound = ntohs(sin.sin_port);
    if (port_file) {
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.tmp.%ld", port_file, (long)getpid());
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%d\n", bound) < 0 || fclose(f) != 0 || rename(tmp, port_file) != 0) {
            fprintf(stderr, "mw-testd: %s: %s\n", port_file, strerror(errno));
            return 1;
        }
    }
    if (!g_quiet)
        fprintf(stderr, "mw-testd: listening on http://127.0.0.1:%d/%s%s\n", bound, g_root ? " root " : "",
                g_root ? g_root : "");

    /* connection threads never take the stop signals; the accept loop does */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    while (!g_stop) {
        struct pollfd p = { ls, POLLIN, 0 };
        int n = poll(&p, 1, 1000);
        if (n <= 0)
            continue;
        int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        struct conn *c = malloc(sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->len = 0;
        c->id = ++g_conn_seq;
        pthread_t t;
        pthread_sigmask(SIG_BLOCK, &block, &old);
        int rc = pthread_create(&t, &attr, conn_main, c);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc) {
            close(fd);
            free(c);
        }
    }
    close(ls);
    if (!g_quiet)
        fprintf(stderr, "mw-testd: stopped\n");
    if (g_log) {
        pthread_mutex_lock(&g_mu);
        fflush(g_log);
        pthread_mutex_unlock(&g_mu);
    }
    /* detached connection threads end with the process */
    _exit(0);
}
