/* net/url.c: RFC 3986 parsing, resolution and dedup normalisation. No I/O, no allocation kept. */
#include "net/url.h"
#include "common/buf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void mw_url_clear(struct mw_url *u)
{
    free(u->buf);
    memset(u, 0, sizeof *u);
}

/* n bytes of p as the next NUL-ended part of the copy at *w; returns where it starts */
static const char *put_part(char **w, const char *p, size_t n)
{
    char *at = *w;
    memcpy(at, p, n);
    at[n] = '\0';
    *w += n + 1;
    return at;
}

/* "scheme:" at the start of p, lower-cased into the copy; returns where the rest starts */
static const char *split_scheme(const char *p, struct mw_url *u, char **w)
{
    const char *c = p;
    if (!isalpha((unsigned char)*c))
        return p;
    while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.')
        c++;
    if (*c != ':')
        return p;
    u->scheme = *w;
    for (const char *q = p; q < c; q++)
        *(*w)++ = (char)tolower((unsigned char)*q);
    *(*w)++ = '\0';
    return c + 1;
}

/* "//user@host:port" (host may be an [IPv6] literal); p is past the two slashes; returns where the path starts */
static const char *split_authority(const char *p, struct mw_url *u, char **w)
{
    const char *end = p + strcspn(p, "/?#");
    const char *at = NULL;
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            at = q;
    if (at) {
        u->user = put_part(w, p, (size_t)(at - p));
        p = at + 1;
    }
    const char *colon = NULL;
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(end - p));
        colon = rb && rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
    } else {
        colon = memchr(p, ':', (size_t)(end - p));
    }
    u->host = put_part(w, p, (size_t)((colon ? colon : end) - p));
    if (colon)
        u->port = put_part(w, colon + 1, (size_t)(end - colon - 1));
    return end;
}

/* Split into components; works for relative references too (scheme NULL). */
static int split(const char *s, struct mw_url *u)
{
    memset(u, 0, sizeof *u);
    size_t n = strlen(s);
    /* room for the copy plus NUL separators we insert before each part */
    char *w = malloc(2 * n + 16);
    if (!w)
        return -1;
    u->buf = w;
    const char *p = split_scheme(s, u, &w);
    if (p[0] == '/' && p[1] == '/')
        p = split_authority(p + 2, u, &w);
    size_t pl = strcspn(p, "?#");
    u->path = put_part(&w, p, pl);
    p += pl;
    if (*p == '?') {
        size_t ql = strcspn(++p, "#");
        u->query = put_part(&w, p, ql);
        p += ql;
    }
    if (*p == '#')
        u->fragment = put_part(&w, p + 1, strlen(p + 1));
    return 0;
}

int mw_url_parse(const char *s, struct mw_url *u)
{
    if (split(s, u))
        return -1;
    if (!u->scheme) {
        mw_url_clear(u);
        return -1;
    }
    return 0;
}

/* RFC 3986 5.2.4, in place on a copy. */
static char *remove_dots(const char *in)
{
    size_t n = strlen(in);
    char *out = malloc(n + 2);
    if (!out)
        return NULL;
    size_t o = 0;
    const char *p = in;
    while (*p) {
        if (!strncmp(p, "../", 3)) { p += 3; continue; }
        if (!strncmp(p, "./", 2)) { p += 2; continue; }
        if (!strncmp(p, "/./", 3)) { p += 2; continue; }
        if (!strcmp(p, "/.")) { out[o++] = '/'; break; }
        if (!strncmp(p, "/../", 4) || !strcmp(p, "/..")) {
            int last = p[3] == '\0';
            p += 3;
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            if (last) { out[o++] = '/'; }
            continue;
        }
        if (!strcmp(p, ".") || !strcmp(p, "..")) break;
        /* move first segment */
        size_t k = 0;
        if (p[0] == '/')
            k = 1;
        while (p[k] && p[k] != '/')
            k++;
        memcpy(out + o, p, k);
        o += k;
        p += k;
    }
    out[o] = '\0';
    return out;
}

static int url_unsafe(unsigned char c)
{
    return c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' ||
           c == '|' || c == '}' || c == 0x7f;
}

/* s with the bytes a URL may not hold percent-escaped; runs of the others are copied whole. */
static void put_escaped(struct mw_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const unsigned char *run = p;
        while (*p && !url_unsafe(*p))
            p++;
        if (p > run)
            mw_buf_append(b, run, (size_t)(p - run));
        if (!*p)
            break;
        if (*p != '\t' && *p != '\n' && *p != '\r') {   /* WHATWG strips these */
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            mw_buf_append(b, e, 3);
        }
        p++;
    }
}

static char *compose(const char *scheme, const char *user, const char *host, const char *port, const char *path,
                     const char *query, const char *fragment)
{
    struct mw_buf b;
    mw_buf_init(&b, 0);
    if (scheme) {
        mw_buf_appends(&b, scheme);
        mw_buf_appendc(&b, ':');
    }
    if (host) {
        mw_buf_appends(&b, "//");
        if (user) { put_escaped(&b, user); mw_buf_appendc(&b, '@'); }
        put_escaped(&b, host);
        if (port && *port) { mw_buf_appendc(&b, ':'); mw_buf_appends(&b, port); }
    }
    put_escaped(&b, path ? path : "");
    if (query) { mw_buf_appendc(&b, '?'); put_escaped(&b, query); }
    if (fragment) { mw_buf_appendc(&b, '#'); put_escaped(&b, fragment); }
    return mw_buf_steal(&b, NULL);
}

static char *trim_copy(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return strndup(s, n);
}

char *mw_url_resolve(const char *base, const char *ref_in)
{
    if (!ref_in)
        return NULL;
    char *ref = trim_copy(ref_in);
    if (!ref)
        return NULL;
    struct mw_url r, b;
    char *out = NULL;
    if (split(ref, &r)) {
        free(ref);
        return NULL;
    }
    if (r.scheme) {
        char *path = remove_dots(r.path);
        out = compose(r.scheme, r.user, r.host, r.port, path, r.query, r.fragment);
        free(path);
        goto done;
    }
    if (!base || split(base, &b) || !b.scheme) {
        if (base)
            mw_url_clear(&b);
        goto done;
    }
    if (r.host) {
        char *path = remove_dots(r.path);
        out = compose(b.scheme, r.user, r.host, r.port, path, r.query, r.fragment);
        free(path);
    } else if (!*r.path) {
        out = compose(b.scheme, b.user, b.host, b.port, b.path, r.query ? r.query : b.query, r.fragment);
    } else {
        char *merged;
        if (r.path[0] == '/') {
            merged = strdup(r.path);
        } else {
            const char *slash = strrchr(b.path, '/');
            size_t keep = slash ? (size_t)(slash - b.path + 1) : 0;
            merged = malloc(keep + strlen(r.path) + 2);
            if (merged) {
                size_t o = 0;
                if (b.host && !*b.path)
                    merged[o++] = '/';
                memcpy(merged + o, b.path, keep);
                strcpy(merged + o + keep, r.path);
            }
        }
        char *path = merged ? remove_dots(merged) : NULL;
        out = path ? compose(b.scheme, b.user, b.host, b.port, path, r.query, r.fragment) : NULL;
        free(merged);
        free(path);
    }
    mw_url_clear(&b);
done:
    mw_url_clear(&r);
    free(ref);
    return out;
}

static int tracking_param(const char *p, size_t n)
{
    static const char *const names[] = {"fbclid", "gclid", "dclid", "yclid", "msclkid", "mc_cid", "mc_eid",
                                        "_ga", "_gl", "igshid", "ref_src", "ref_url", "cmpid", "ocid",
                                        "smid", "at_medium", "at_campaign", NULL};
    if (n >= 4 && !strncasecmp(p, "utm_", 4))
        return 1;
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == n && !strncasecmp(p, names[i], n))
            return 1;
    return 0;
}

char *mw_url_normalize(const char *url)
{
    char *abs = mw_url_resolve(NULL, url);
    struct mw_url u;
    if (!abs || mw_url_parse(abs, &u)) {
        free(abs);
        return NULL;
    }
    free(abs);
    char *out = NULL;
    if (!u.host || (strcmp(u.scheme, "http") && strcmp(u.scheme, "https")))
        goto done;
    for (char *h = (char *)u.host; *h; h++)
        *h = (char)tolower((unsigned char)*h);
    size_t hl = strlen(u.host);
    while (hl && u.host[hl - 1] == '.')   /* all of them: normalising twice must change nothing */
        ((char *)u.host)[--hl] = '\0';
    const char *port = u.port;
    if (port && (!*port || (!strcmp(u.scheme, "http") && !strcmp(port, "80")) ||
                 (!strcmp(u.scheme, "https") && !strcmp(port, "443"))))
        port = NULL;
    struct mw_buf q;
    mw_buf_init(&q, 0);
    if (u.query) {
        const char *p = u.query;
        while (*p) {
            size_t len = strcspn(p, "&");
            size_t kl = strcspn(p, "=&");
            if (len && !tracking_param(p, kl)) {
                if (q.len)
                    mw_buf_appendc(&q, '&');
                mw_buf_append(&q, p, len);
            }
            p += len;
            if (*p == '&')
                p++;
        }
    }
    out = compose(u.scheme, u.user, u.host, port, *u.path ? u.path : "/", q.len ? q.data : NULL, NULL);
    mw_buf_free(&q);
done:
    mw_url_clear(&u);
    return out;
}

char *mw_url_host(const char *url)
{
    struct mw_url u;
    if (mw_url_parse(url, &u))
        return NULL;
    char *h = u.host && *u.host ? strdup(u.host) : NULL;
    mw_url_clear(&u);
    for (char *p = h; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return h;
}

int mw_url_host_matches(const char *host, const char *domain)
{
    if (!host || !domain)
        return 0;
    size_t h = strlen(host), d = strlen(domain);
    if (h < d || strcasecmp(host + h - d, domain))
        return 0;
    return h == d || host[h - d - 1] == '.';
}
