/* run/frontier.c: per-host job queues and politeness state, hashed by "host:port". Jobs carry their URL
 * inline (one allocation each) so a frontier of a million URLs stays near 100 bytes a URL. */
#include "run/frontier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/url.h"
#include "run/robots.h"

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

void mw_frontier_free(struct mw_frontier *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nhosts; i++) {
        struct mw_host *h = f->hosts[i];
        free_jobs(h->src_head);
        free_jobs(h->head);
        mw_robots_free(h->robots);
        free(h->key);
        free(h->origin);
        free(h);
    }
    free(f->hosts);
    free(f->table);
    free(f);
}

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ULL & SIZE_MAX;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
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
        size_t b = hash(h->key) & (n - 1);
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
    h->delay_ms = f->delay_ms;
    h->outlet = outlet;
    size_t b = hash(key) & (f->nbuckets - 1);
    h->hnext = f->table[b];
    f->table[b] = h;
    f->hosts[f->nhosts++] = h;
    return h;
}

struct mw_host *mw_frontier_host(struct mw_frontier *f, const char *url, uint32_t outlet)
{
    struct mw_url u;
    if (mw_url_parse(url, &u) || !u.host || !*u.host) {
        if (u.buf)
            mw_url_clear(&u);
        return NULL;
    }
    const char *scheme = u.scheme ? u.scheme : "http";
    const char *port = u.port && *u.port ? u.port : (!strcasecmp(scheme, "https") ? "443" : "80");
    char key[600];
    int kn = snprintf(key, sizeof key, "%s:%s", u.host, port);
    for (int i = 0; i < kn && key[i]; i++)
        if (key[i] >= 'A' && key[i] <= 'Z')
            key[i] = (char)(key[i] + 32);
    struct mw_host *h = NULL;
    if (kn > 0 && (size_t)kn < sizeof key) {
        size_t b = hash(key) & (f->nbuckets - 1);
        for (h = f->table[b]; h && strcmp(h->key, key); h = h->hnext)
            ;
        if (!h) {
            char origin[700];
            snprintf(origin, sizeof origin, "%s://%s%s%s", scheme, u.host, u.port && *u.port ? ":" : "",
                     u.port && *u.port ? u.port : "");
            for (char *o = origin; *o; o++)
                if (*o >= 'A' && *o <= 'Z')
                    *o = (char)(*o + 32);
            h = new_host(f, key, origin, outlet);
        }
    }
    mw_url_clear(&u);
    return h;
}

int mw_frontier_push(struct mw_frontier *f, struct mw_host *h, const char *url, uint32_t outlet, int32_t src,
                     int past, int front)
{
    size_t n = strlen(url);
    struct mw_job *j = malloc(sizeof *j + n + 1);
    if (!j)
        return -1;
    j->next = NULL;
    j->outlet = outlet;
    j->src = src;
    j->tries = 0;
    j->past = (uint16_t)(past > 65535 ? 65535 : past < 0 ? 0 : past);
    memcpy(j->url, url, n + 1);
    if (front)
        mw_frontier_requeue(f, h, j);
    else {
        struct mw_job **head = src == MW_JOB_PAGE ? &h->head : &h->src_head;
        struct mw_job **tail = src == MW_JOB_PAGE ? &h->tail : &h->src_tail;
        if (*tail)
            (*tail)->next = j;
        else
            *head = j;
        *tail = j;
        h->queued++;
        f->queued++;
    }
    return 0;
}

void mw_frontier_requeue(struct mw_frontier *f, struct mw_host *h, struct mw_job *j)
{
    struct mw_job **head = j->src == MW_JOB_PAGE ? &h->head : &h->src_head;
    struct mw_job **tail = j->src == MW_JOB_PAGE ? &h->tail : &h->src_tail;
    j->next = *head;
    *head = j;
    if (!*tail)
        *tail = j;
    h->queued++;
    f->queued++;
}

struct mw_job *mw_frontier_pop(struct mw_frontier *f, struct mw_host *h)
{
    struct mw_job **head = h->src_head ? &h->src_head : &h->head;
    struct mw_job **tail = h->src_head ? &h->src_tail : &h->tail;
    struct mw_job *j = *head;
    if (!j)
        return NULL;
    *head = j->next;
    if (!*head)
        *tail = NULL;
    j->next = NULL;
    h->queued--;
    f->queued--;
    return j;
}

struct mw_host *mw_frontier_host_at(struct mw_frontier *f, size_t i) { return i < f->nhosts ? f->hosts[i] : NULL; }
size_t mw_frontier_host_count(const struct mw_frontier *f) { return f->nhosts; }
size_t mw_frontier_queued(const struct mw_frontier *f) { return f->queued; }
