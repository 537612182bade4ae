/* run/lease_pick.c: a lease's spread over hosts, done on the candidates in memory: hosts interned to small
 * numbers (open addressing over their hashes), each pick a count per host over the window and one sort of
 * what it keeps. Which rows are candidates is the store's. */
#include "run/lease_pick.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct pick { size_t rn, idx; };

struct mw_lease_pick {
    size_t n, cap;          /* candidates, in discovery order */
    int64_t *id;            /* candidate -> its row */
    uint32_t *host;         /* candidate -> host number */
    unsigned char *taken;
    size_t nhosts, hcap;    /* hosts; hcap the slots of the table (a power of two) */
    uint32_t *slot;         /* slot -> host number + 1, 0 empty */
    uint64_t *hash;         /* host number -> its hash */
    char **name;            /* host number -> its bytes */
    size_t *len;
    size_t *count;          /* host number -> rows of it in this pick's window */
    struct pick *sel;       /* this pick's rows */
};

struct mw_lease_pick *mw_lease_pick_new(void) { return calloc(1, sizeof(struct mw_lease_pick)); }

void mw_lease_pick_reset(struct mw_lease_pick *p)
{
    for (size_t i = 0; i < p->nhosts; i++)
        free(p->name[i]);
    if (p->hcap)
        memset(p->slot, 0, p->hcap * sizeof *p->slot);
    p->n = p->nhosts = 0;
}

void mw_lease_pick_free(struct mw_lease_pick *p)
{
    if (!p)
        return;
    mw_lease_pick_reset(p);
    free(p->id);
    free(p->host);
    free(p->taken);
    free(p->slot);
    free(p->hash);
    free(p->name);
    free(p->len);
    free(p->count);
    free(p->sel);
    free(p);
}

static uint64_t fnv(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* p->f to n elements, or -1 (p->f unchanged) */
#define GROW(p, f, n) (((tmp = realloc((p)->f, sizeof *(p)->f * (n))) != NULL) ? ((p)->f = tmp, 0) : -1)

/* Room for as many hosts as candidates: the per-host arrays and a table at most half full. */
static int room(struct mw_lease_pick *p)
{
    size_t cap = p->cap ? p->cap * 2 : 256;
    void *tmp;
    if (GROW(p, id, cap) || GROW(p, host, cap) || GROW(p, taken, cap) || GROW(p, hash, cap) || GROW(p, name, cap) ||
        GROW(p, len, cap) || GROW(p, count, cap) || GROW(p, sel, cap) || GROW(p, slot, cap * 2))
        return -1;
    p->cap = cap;
    p->hcap = cap * 2;
    memset(p->slot, 0, p->hcap * sizeof *p->slot);
    for (size_t i = 0; i < p->nhosts; i++) {   /* the table again at its new size */
        size_t k = p->hash[i] & (p->hcap - 1);
        while (p->slot[k])
            k = (k + 1) & (p->hcap - 1);
        p->slot[k] = (uint32_t)i + 1;
    }
    return 0;
}

/* host's number, a new one when it is new; -1 when memory runs out */
static long intern(struct mw_lease_pick *p, const char *host, size_t len)
{
    uint64_t h = fnv(host, len);
    size_t k = h & (p->hcap - 1);
    for (; p->slot[k]; k = (k + 1) & (p->hcap - 1)) {
        size_t i = p->slot[k] - 1;
        if (p->hash[i] == h && p->len[i] == len && !memcmp(p->name[i], host, len))
            return (long)i;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, host, len);
    copy[len] = '\0';
    size_t i = p->nhosts++;
    p->name[i] = copy;
    p->len[i] = len;
    p->hash[i] = h;
    p->slot[k] = (uint32_t)i + 1;
    return (long)i;
}

int mw_lease_pick_add(struct mw_lease_pick *p, int64_t id, const char *host, size_t len)
{
    if (p->n == p->cap && room(p))
        return -1;
    long h = intern(p, host ? host : "", host ? len : 0);
    if (h < 0)
        return -1;
    p->id[p->n] = id;
    p->host[p->n] = (uint32_t)h;
    p->taken[p->n++] = 0;
    return 0;
}

static int by_rank(const void *a, const void *b)
{
    const struct pick *x = a, *y = b;
    if (x->rn != y->rn)
        return x->rn < y->rn ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

long mw_lease_pick_next(struct mw_lease_pick *p, long per_host, long want, int64_t *out)
{
    if (per_host <= 0 || want <= 0 || !p->n)   /* no candidates: nothing allocated yet */
        return 0;
    memset(p->count, 0, p->nhosts * sizeof *p->count);
    size_t nsel = 0, window = 0;
    for (size_t i = 0; i < p->n && window < MW_LEASE_WINDOW; i++) {
        if (p->taken[i])
            continue;
        window++;
        size_t rn = ++p->count[p->host[i]];
        if (rn <= (size_t)per_host)
            p->sel[nsel++] = (struct pick){rn, i};
    }
    qsort(p->sel, nsel, sizeof *p->sel, by_rank);
    long got = 0;
    for (; got < want && (size_t)got < nsel; got++) {
        out[got] = p->id[p->sel[got].idx];
        p->taken[p->sel[got].idx] = 1;
    }
    return got;
}
