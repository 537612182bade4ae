/* run/frontier.c: per-host job queues and politeness state, hashed by "host:port". Pages are packed into
 * chunks per host: a small header and the URL past the host's origin, so a frontier of ten million URLs costs
 * about 45 bytes a URL (a job struct each was 100); sources and put-back pages stay one allocation each. */
#include "run/frontier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/url.h"
#include "run/robots.h"

#define CHUNK (64 * 1024)
#define FULL_URL 0x80000000u   /* in a packed length: the URL is whole, not past the origin */

/* Packed page: outlet (4 bytes), past (2), length (4, FULL_URL bit), then the bytes (no NUL). */
#define PAGE_HEAD 10

struct mw_page_chunk {
    struct mw_page_chunk *next;
    size_t used, read, cap;
    unsigned char data[];
};

struct mw_frontier {
    struct mw_host **table;   /* hash buckets */
    size_t nbuckets;
    struct mw_host **hosts;   /* in order first seen */
    size_t nhosts, caphosts;
    size_t queued;
    long delay_ms;
};

struct mw_frontier *mw_frontier_new(long delay_ms)
{
    struct mw_frontier *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->nbuckets = 64;
    f->table = calloc(f->nbuckets, sizeof *f->table);
    if (!f->table) {
        free(f);
        return NULL;
    }
    f->delay_ms = delay_ms;
    return f;
}

static void free_jobs(struct mw_job *j)
{
    while (j) {
        struct mw_job *n = j->next;
        free(j);
        j = n;
    }
}

static void free_chunks(struct mw_page_chunk *c)
{
    while (c) {
        struct mw_page_chunk *n = c->next;
        free(c);
        c = n;
    }
}

void mw_frontier_free(struct mw_frontier *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nhosts; i++) {
        struct mw_host *h = f->hosts[i];
        free_jobs(h->src_head);
        free_jobs(h->front);
        free_chunks(h->first);
        mw_robots_free(h->robots);
        free(h->key);
        free(h->origin);
        free(h);
    }
    free(f->hosts);
    free(f->table);
    free(f);
}

static size_t hash(const char *s, size_t n)
{
    size_t h = 1469598103934665603ULL & SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int grow(struct mw_frontier *f)
{
    size_t n = f->nbuckets * 2;
    struct mw_host **t = calloc(n, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < f->nhosts; i++) {
        struct mw_host *h = f->hosts[i];
        size_t b = hash(h->key, strlen(h->key)) & (n - 1);
        h->hnext = t[b];
        t[b] = h;
    }
    free(f->table);
    f->table = t;
    f->nbuckets = n;
    return 0;
}

static struct mw_host *new_host(struct mw_frontier *f, const char *key, const char *origin, uint32_t outlet)
{
    if (f->nhosts * 2 >= f->nbuckets && grow(f))
        return NULL;
    if (f->nhosts == f->caphosts) {
        size_t cap = f->caphosts ? f->caphosts * 2 : 16;
        struct mw_host **p = realloc(f->hosts, cap * sizeof *p);
        if (!p)
            return NULL;
        f->hosts = p;
        f->caphosts = cap;
    }
    struct mw_host *h = calloc(1, sizeof *h);
    if (!h || !(h->key = strdup(key)) || !(h->origin = strdup(origin))) {
        if (h)
            free(h->key);
        free(h);
        return NULL;
    }
    h->origin_len = strlen(origin);
    h->delay_ms = f->delay_ms;
    h->outlet = outlet;
    size_t b = hash(key, strlen(key)) & (f->nbuckets - 1);
    h->hnext = f->table[b];
    f->table[b] = h;
    f->hosts[f->nhosts++] = h;
    return h;
}

/* "scheme://host[:port]" of an absolute URL without user info, lower-cased into origin, and its key
 * "host:port" (the default port filled in). 0, or -1 when the URL is not that simple (then mw_url_parse). */
static int fast_origin(const char *url, char *origin, size_t ocap, char *key, size_t kcap)
{
    const char *p = strstr(url, "://");
    if (!p || p == url || (size_t)(p - url) > 10)
        return -1;
    const char *host = p + 3, *end = host + strcspn(host, "/?#");
    if (end == host || memchr(host, '@', (size_t)(end - host)) || memchr(host, '[', (size_t)(end - host)) ||
        (size_t)(end - url) >= ocap)
        return -1;
    size_t n = (size_t)(end - url);
    for (size_t i = 0; i < n; i++)
        origin[i] = (char)(url[i] >= 'A' && url[i] <= 'Z' ? url[i] + 32 : url[i]);
    origin[n] = '\0';
    const char *o_host = origin + (host - url), *colon = strchr(o_host, ':');
    int https = !strncmp(origin, "https://", 8);
    if (strncmp(origin, "http://", 7) && !https)
        return -1;
    int kn = colon ? snprintf(key, kcap, "%s", o_host)
                   : snprintf(key, kcap, "%s:%s", o_host, https ? "443" : "80");
    return kn > 0 && (size_t)kn < kcap && (!colon || colon[1]) ? 0 : -1;
}

static int slow_origin(const char *url, char *origin, size_t ocap, char *key, size_t kcap)
{
    struct mw_url u;
    if (mw_url_parse(url, &u) || !u.host || !*u.host) {
        if (u.buf)
            mw_url_clear(&u);
        return -1;
    }
    const char *scheme = u.scheme ? u.scheme : "http";
    const char *port = u.port && *u.port ? u.port : (!strcasecmp(scheme, "https") ? "443" : "80");
    int kn = snprintf(key, kcap, "%s:%s", u.host, port);
    snprintf(origin, ocap, "%s://%s%s%s", scheme, u.host, u.port && *u.port ? ":" : "", u.port && *u.port ? u.port : "");
    mw_url_clear(&u);
    for (char *k = key; *k; k++)
        if (*k >= 'A' && *k <= 'Z')
            *k = (char)(*k + 32);
    for (char *o = origin; *o; o++)
        if (*o >= 'A' && *o <= 'Z')
            *o = (char)(*o + 32);
    return kn > 0 && (size_t)kn < kcap ? 0 : -1;
}

struct mw_host *mw_frontier_host(struct mw_frontier *f, const char *url, uint32_t outlet)
{
    char key[600], origin[700];
    if (fast_origin(url, origin, sizeof origin, key, sizeof key) &&
        slow_origin(url, origin, sizeof origin, key, sizeof key))
        return NULL;
    size_t b = hash(key, strlen(key)) & (f->nbuckets - 1);
    struct mw_host *h = f->table[b];
    while (h && strcmp(h->key, key))
        h = h->hnext;
    return h ? h : new_host(f, key, origin, outlet);
}

static struct mw_job *job_new(const char *url, size_t n, uint32_t outlet, int32_t src, int past)
{
    struct mw_job *j = malloc(sizeof *j + n + 1);
    if (!j)
        return NULL;
    j->next = NULL;
    j->outlet = outlet;
    j->src = src;
    j->tries = 0;
    j->past = (uint16_t)(past > 65535 ? 65535 : past < 0 ? 0 : past);
    memcpy(j->url, url, n);
    j->url[n] = '\0';
    return j;
}

/* Append a page to h's packed queue. */
static int pack(struct mw_host *h, const char *url, uint32_t outlet, int past)
{
    size_t n = strlen(url);
    uint32_t len;
    if (n > h->origin_len && !strncmp(url, h->origin, h->origin_len)) {
        url += h->origin_len;
        n -= h->origin_len;
        len = (uint32_t)n;
    } else {
        len = (uint32_t)n | FULL_URL;
    }
    if (n >= FULL_URL)
        return -1;
    size_t need = PAGE_HEAD + n;
    struct mw_page_chunk *c = h->last;
    if (!c || c->cap - c->used < need) {
        size_t cap = need > CHUNK ? need : CHUNK;
        struct mw_page_chunk *nc = malloc(sizeof *nc + cap);
        if (!nc)
            return -1;
        nc->next = NULL;
        nc->used = nc->read = 0;
        nc->cap = cap;
        if (c)
            c->next = nc;
        else
            h->first = nc;
        h->last = c = nc;
    }
    uint16_t p16 = (uint16_t)(past > 65535 ? 65535 : past < 0 ? 0 : past);
    unsigned char *d = c->data + c->used;
    memcpy(d, &outlet, 4);
    memcpy(d + 4, &p16, 2);
    memcpy(d + 6, &len, 4);
    memcpy(d + PAGE_HEAD, url, n);
    c->used += need;
    return 0;
}

/* The first packed page of h as a job (NULL when none, or out of memory: then it stays queued). */
static struct mw_job *unpack(struct mw_host *h)
{
    struct mw_page_chunk *c = h->first;
    if (!c || c->read == c->used)
        return NULL;
    const unsigned char *d = c->data + c->read;
    uint32_t outlet, len;
    uint16_t past;
    memcpy(&outlet, d, 4);
    memcpy(&past, d + 4, 2);
    memcpy(&len, d + 6, 4);
    size_t n = len & ~FULL_URL, pre = len & FULL_URL ? 0 : h->origin_len;
    struct mw_job *j = malloc(sizeof *j + pre + n + 1);
    if (!j)
        return NULL;
    j->next = NULL;
    j->outlet = outlet;
    j->src = MW_JOB_PAGE;
    j->tries = 0;
    j->past = past;
    memcpy(j->url, h->origin, pre);
    memcpy(j->url + pre, d + PAGE_HEAD, n);
    j->url[pre + n] = '\0';
    c->read += PAGE_HEAD + n;
    if (c->read == c->used) {   /* spent: the next chunk, or an empty queue ready for reuse */
        if (c->next) {
            h->first = c->next;
            free(c);
        } else {
            c->read = c->used = 0;
        }
    }
    return j;
}

int mw_frontier_push(struct mw_frontier *f, struct mw_host *h, const char *url, uint32_t outlet, int32_t src,
                     int past, int front)
{
    if (src == MW_JOB_PAGE && !front) {
        if (pack(h, url, outlet, past))
            return -1;
        h->pages++;
        h->queued++;
        f->queued++;
        return 0;
    }
    struct mw_job *j = job_new(url, strlen(url), outlet, src, past);
    if (!j)
        return -1;
    if (front) {
        mw_frontier_requeue(f, h, j);
        return 0;
    }
    if (h->src_tail)
        h->src_tail->next = j;
    else
        h->src_head = j;
    h->src_tail = j;
    h->queued++;
    f->queued++;
    return 0;
}

void mw_frontier_requeue(struct mw_frontier *f, struct mw_host *h, struct mw_job *j)
{
    if (j->src == MW_JOB_PAGE) {
        j->next = h->front;
        h->front = j;
        h->pages++;
    } else {
        j->next = h->src_head;
        h->src_head = j;
        if (!h->src_tail)
            h->src_tail = j;
    }
    h->queued++;
    f->queued++;
}

struct mw_job *mw_frontier_pop(struct mw_frontier *f, struct mw_host *h)
{
    struct mw_job *j = h->src_head;
    if (j) {
        h->src_head = j->next;
        if (!h->src_head)
            h->src_tail = NULL;
    } else if ((j = h->front)) {
        h->front = j->next;
        h->pages--;
    } else if ((j = unpack(h))) {
        h->pages--;
    } else {
        return NULL;
    }
    j->next = NULL;
    h->queued--;
    f->queued--;
    return j;
}

struct mw_host *mw_frontier_host_at(struct mw_frontier *f, size_t i) { return i < f->nhosts ? f->hosts[i] : NULL; }
size_t mw_frontier_host_count(const struct mw_frontier *f) { return f->nhosts; }
size_t mw_frontier_queued(const struct mw_frontier *f) { return f->queued; }
