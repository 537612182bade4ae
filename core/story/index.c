/* story/index.c: the in-memory backend of the clustering: postings sorted by day (an article's window, and
 * how many of its documents hold a term, are binary searches), documents per day, documents with their
 * vectors in pools, and story member lists for merges. It serves `stories` over JSON lines, the store's
 * rebuild, and (as story_store.c's cache of the days it reads) the run hook. What is stored when is cluster.c's. */
#include "story/story.h"
#include "common/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct post {
    int32_t day;
    uint32_t doc;              /* index into docs */
};
struct plist {                 /* postings of one term; one inline entry saves a malloc for most terms */
    uint32_t term, n, cap, used;
    union {
        struct post one;
        struct post *many;
    } u;
};
struct dayslot {
    int32_t day;
    uint32_t n;                /* documents that day; 0 = empty slot */
};
struct idslot {
    int64_t id;                /* 0 = empty (ids are positive) */
    uint32_t doc;
};
struct members {
    int64_t story;             /* 0 = empty */
    uint32_t *doc;
    size_t n, cap;
};
struct entry {
    int64_t id, story, via;
    double via_sim, epoch;
    int32_t day;
    unsigned char script, nnames;
    char lang[8];
    uint32_t outlet;           /* offset in strs */
    uint32_t vec, vecn;        /* range in vid/vw */
    float xnorm;
    uint32_t names;            /* offset in nm */
};
struct nm {
    uint32_t id, surface;      /* surface: offset in strs */
    float w;
};

#define DF_SAMPLE 16           /* a term's documents whose stories are counted one by one */
#define SEEN_SLOTS 64          /* > 2 * DF_SAMPLE */

struct mw_story_index {
    struct {
        int64_t story;
        uint32_t gen;
    } seen[SEEN_SLOTS];        /* scratch of stories_holding() */
    uint32_t seen_gen;
    struct entry *doc;
    size_t ndoc, capdoc;
    uint32_t *vid;
    float *vw;
    size_t nv, capv;
    struct nm *nm;
    size_t nnm, capnm;
    char *strs;
    size_t nstr, capstr;
    struct dayslot *days;
    size_t ndays, capdays;
    struct plist *pl;
    size_t npl, cappl;
    struct idslot *ids;
    size_t capids;
    struct members *st;
    size_t nst, capst;
};

static uint32_t mix32(uint32_t x) { return x * 2654435761u; }
static uint64_t mix64(uint64_t x) { return (x ^ (x >> 29)) * 0xbf58476d1ce4e5b9ULL; }

/* ---------- hash tables (open addressing, grown at half load) ---------- */

static struct dayslot *day_slot(const struct mw_story_index *x, int32_t day)
{
    size_t m = x->capdays - 1, i = mix32((uint32_t)day) & m;
    while (x->days[i].n && x->days[i].day != day)
        i = (i + 1) & m;
    return &x->days[i];
}

static int count_day(struct mw_story_index *x, int32_t day)
{
    if (!x->capdays || (x->ndays + 1) * 2 > x->capdays) {
        struct dayslot *old = x->days;
        size_t oldcap = x->capdays;
        x->capdays = oldcap ? oldcap * 2 : 256;
        x->days = calloc(x->capdays, sizeof *x->days);
        if (!x->days) {
            x->days = old;
            x->capdays = oldcap;
            return MW_ENOMEM;
        }
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].n)
                *day_slot(x, old[i].day) = old[i];
        free(old);
    }
    struct dayslot *d = day_slot(x, day);
    if (!d->n) {
        d->day = day;
        x->ndays++;
    }
    d->n++;
    return 0;
}

static uint32_t day_count(const struct mw_story_index *x, int32_t day)
{
    return x->capdays ? day_slot(x, day)->n : 0;
}

/* an article's window: its days, and the undated (an undated article: the undated) */
struct range {
    int32_t lo, hi;
};

static size_t window(const struct mw_story_index *x, int32_t day, struct range r[2])
{
    size_t n = 0;
    if (day_count(x, MW_STORY_NODAY))   /* no undated document: no range to search for them */
        r[n++] = (struct range){MW_STORY_NODAY, MW_STORY_NODAY};
    if (day != MW_STORY_NODAY)
        r[n++] = (struct range){day - MW_STORY_WINDOW, day + MW_STORY_WINDOW};
    return n;
}

static struct plist *pl_slot(const struct mw_story_index *x, uint32_t term)
{
    size_t m = x->cappl - 1, i = mix32(term) & m;
    while (x->pl[i].used && x->pl[i].term != term)
        i = (i + 1) & m;
    return &x->pl[i];
}

static int pl_grow(struct mw_story_index *x)
{
    if (x->cappl && (x->npl + 1) * 2 <= x->cappl)
        return 0;
    struct plist *old = x->pl;
    size_t oldcap = x->cappl;
    x->cappl = oldcap ? oldcap * 2 : 1024;
    x->pl = calloc(x->cappl, sizeof *x->pl);
    if (!x->pl) {
        x->pl = old;
        x->cappl = oldcap;
        return MW_ENOMEM;
    }
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].used)
            *pl_slot(x, old[i].term) = old[i];
    free(old);
    return 0;
}

static struct idslot *id_slot(const struct mw_story_index *x, int64_t id)
{
    size_t m = x->capids - 1, i = mix64((uint64_t)id) & m;
    while (x->ids[i].id && x->ids[i].id != id)
        i = (i + 1) & m;
    return &x->ids[i];
}

static int ids_grow(struct mw_story_index *x)
{
    if (x->capids && (x->ndoc + 1) * 2 <= x->capids)
        return 0;
    struct idslot *old = x->ids;
    size_t oldcap = x->capids;
    x->capids = oldcap ? oldcap * 2 : 1024;
    x->ids = calloc(x->capids, sizeof *x->ids);
    if (!x->ids) {
        x->ids = old;
        x->capids = oldcap;
        return MW_ENOMEM;
    }
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].id)
            *id_slot(x, old[i].id) = old[i];
    free(old);
    return 0;
}

static struct members *st_slot(const struct mw_story_index *x, int64_t story)
{
    size_t m = x->capst - 1, i = mix64((uint64_t)story) & m;
    while (x->st[i].story && x->st[i].story != story)
        i = (i + 1) & m;
    return &x->st[i];
}

static int st_grow(struct mw_story_index *x)
{
    if (x->capst && (x->nst + 1) * 2 <= x->capst)
        return 0;
    struct members *old = x->st;
    size_t oldcap = x->capst;
    x->capst = oldcap ? oldcap * 2 : 1024;
    x->st = calloc(x->capst, sizeof *x->st);
    if (!x->st) {
        x->st = old;
        x->capst = oldcap;
        return MW_ENOMEM;
    }
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].story)
            *st_slot(x, old[i].story) = old[i];
    free(old);
    return 0;
}

/* ---------- the backend ---------- */

static const struct post *plist_data(const struct plist *p) { return p->cap ? p->u.many : &p->u.one; }

/* first position whose (day, doc) is >= (day, doc) */
static size_t lower(const struct post *a, size_t n, int32_t day, uint32_t doc)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a[mid].day < day || (a[mid].day == day && a[mid].doc < doc))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const struct plist *plist_of(const struct mw_story_index *x, uint32_t term)
{
    const struct plist *p = x->cappl ? pl_slot(x, term) : NULL;
    return p && p->used ? p : NULL;
}

/* How many stories of the window use a term: a story's members repeat its words, and counting them as
 * documents would make a big story's own words look common. The distinct stories among the term's first
 * DF_SAMPLE documents of the window, scaled to all of them: exact up to DF_SAMPLE, and a word of many stories
 * stays common, a big story's name stays rare, at a cost that does not grow with the window. */
static uint32_t stories_holding(struct mw_story_index *x, const struct plist *p, const struct range *r, size_t nr)
{
    if (!p)
        return 0;
    const struct post *a = plist_data(p);
    size_t from[2], to[2], total = 0;
    for (size_t k = 0; k < nr; k++) {
        from[k] = lower(a, p->n, r[k].lo, 0);
        to[k] = lower(a, p->n, r[k].hi, UINT32_MAX);
        total += to[k] - from[k];
    }
    uint32_t gen = ++x->seen_gen, distinct = 0;   /* a set of the stories met, emptied by a new generation */
    size_t seen = 0;
    for (size_t k = 0; k < nr; k++)
        for (size_t i = from[k]; i < to[k] && seen < DF_SAMPLE; i++, seen++) {
            int64_t story = x->doc[a[i].doc].story;
            size_t h = mix64((uint64_t)story) & (SEEN_SLOTS - 1);
            while (x->seen[h].gen == gen && x->seen[h].story != story)
                h = (h + 1) & (SEEN_SLOTS - 1);
            if (x->seen[h].gen != gen) {
                x->seen[h].gen = gen;
                x->seen[h].story = story;
                distinct++;
            }
        }
    return seen < total ? (uint32_t)(((uint64_t)distinct * total + seen / 2) / seen) : distinct;
}

static int be_df(void *ctx, int32_t day, const uint32_t *ids, size_t n, uint32_t *df, int64_t *ndocs,
                 struct mw_err *err)
{
    struct mw_story_index *x = ctx;   /* stories_holding() writes its scratch */
    struct range r[2];
    size_t nr = window(x, day, r);
    *ndocs = day_count(x, MW_STORY_NODAY);
    for (int32_t d = day - MW_STORY_WINDOW; day != MW_STORY_NODAY && d <= day + MW_STORY_WINDOW; d++)
        *ndocs += day_count(x, d);
    for (size_t i = 0; i < n; i++)
        df[i] = stories_holding(x, plist_of(x, ids[i]), r, nr);
    return 0;
}

static int be_postings(void *ctx, int32_t day, uint32_t term, size_t cap, int64_t *out, size_t *n,
                       struct mw_err *err)
{
    struct mw_story_index *x = ctx;
    const struct plist *p = plist_of(x, term);
    struct range r[2];
    size_t nr = window(x, day, r);
    for (size_t k = 0; p && k < nr; k++) {
        const struct post *a = plist_data(p);
        for (size_t i = lower(a, p->n, r[k].lo, 0); i < p->n && a[i].day <= r[k].hi && *n <= cap; i++)
            out[(*n)++] = x->doc[a[i].doc].id;
    }
    return 0;
}

static int find_doc(struct mw_story_index *x, int64_t id, uint32_t *doc, struct mw_err *err)
{
    struct idslot *s = x->capids ? id_slot(x, id) : NULL;
    if (!s || !s->id)
        return mw_err_set(err, MW_ENOTFOUND, "story", "document %lld is not in the index", (long long)id);
    *doc = s->doc;
    return 0;
}

static void get_vec(const struct mw_story_index *x, const struct entry *e, struct mw_story_vec *v)
{
    v->n = e->vecn;
    if (e->vecn) {
        memcpy(v->id, x->vid + e->vec, e->vecn * sizeof *v->id);
        memcpy(v->w, x->vw + e->vec, e->vecn * sizeof *v->w);
    }
    v->xnorm = e->xnorm;
    v->day = e->day;
    v->script = e->script;
    memcpy(v->lang, e->lang, sizeof v->lang - 1);
    v->lang[sizeof v->lang - 1] = '\0';
}

static int be_vec(void *ctx, int64_t id, struct mw_story_vec *v, struct mw_err *err)
{
    struct mw_story_index *x = ctx;
    uint32_t d = 0;
    if (find_doc(x, id, &d, err))
        return err->code;
    get_vec(x, &x->doc[d], v);
    return 0;
}

static int be_story_of(void *ctx, int64_t id, int64_t *story, struct mw_err *err)
{
    struct mw_story_index *x = ctx;
    uint32_t d = 0;
    if (find_doc(x, id, &d, err))
        return err->code;
    *story = x->doc[d].story;
    return 0;
}

static uint32_t add_str(struct mw_story_index *x, const char *s, int *rc)
{
    size_t n = strlen(s) + 1;
    if (mw_grow((void **)&x->strs, &x->capstr, x->nstr + n, 1, 64)) {
        *rc = MW_ENOMEM;
        return 0;
    }
    memcpy(x->strs + x->nstr, s, n);
    x->nstr += n;
    return (uint32_t)(x->nstr - n);
}

static int post_add(struct mw_story_index *x, uint32_t term, int32_t day, uint32_t doc)
{
    if (pl_grow(x))
        return MW_ENOMEM;
    struct plist *p = pl_slot(x, term);
    if (!p->used) {
        *p = (struct plist){.term = term, .n = 1, .used = 1, .u.one = {day, doc}};
        x->npl++;
        return 0;
    }
    if (!p->cap) {   /* from the inline entry to an array */
        struct post *a = malloc(4 * sizeof *a);
        if (!a)
            return MW_ENOMEM;
        a[0] = p->u.one;
        p->u.many = a;
        p->cap = 4;
    } else if (p->n == p->cap) {
        struct post *a = realloc(p->u.many, p->cap * 2 * sizeof *a);
        if (!a)
            return MW_ENOMEM;
        p->u.many = a;
        p->cap *= 2;
    }
    size_t at = lower(p->u.many, p->n, day, doc);
    memmove(p->u.many + at + 1, p->u.many + at, (p->n - at) * sizeof *p->u.many);
    p->u.many[at] = (struct post){day, doc};
    p->n++;
    return 0;
}

static int join_story(struct mw_story_index *x, int64_t story, uint32_t doc)
{
    if (st_grow(x))
        return MW_ENOMEM;
    struct members *m = st_slot(x, story);
    if (!m->story) {
        m->story = story;
        x->nst++;
    }
    if (mw_grow((void **)&m->doc, &m->cap, m->n + 1, sizeof *m->doc, 64))
        return MW_ENOMEM;
    m->doc[m->n++] = doc;
    return 0;
}

/* the vector pools vid and vw grow together */
static int grow_vec(struct mw_story_index *x, size_t need)
{
    size_t cap = x->capv;
    if (need <= cap)
        return 0;
    if (mw_grow((void **)&x->vid, &cap, need, sizeof *x->vid, 64))
        return MW_ENOMEM;
    float *w = realloc(x->vw, cap * sizeof *x->vw);
    if (!w)
        return MW_ENOMEM;   /* vid is larger than needed: harmless */
    x->vw = w;
    x->capv = cap;
    return 0;
}

static int store_entry(struct mw_story_index *x, const struct mw_story_doc *d, const struct mw_story_vec *v)
{
    int rc = 0;
    if (mw_grow((void **)&x->doc, &x->capdoc, x->ndoc + 1, sizeof *x->doc, 64) || grow_vec(x, x->nv + v->n)
        || mw_grow((void **)&x->nm, &x->capnm, x->nnm + d->feats.nnames, sizeof *x->nm, 64))
        return MW_ENOMEM;
    struct entry *e = &x->doc[x->ndoc];
    *e = (struct entry){.id = d->id, .story = d->story, .via = d->via, .via_sim = d->via_sim, .epoch = d->epoch,
                        .day = d->day, .script = d->script, .nnames = (unsigned char)d->feats.nnames,
                        .vec = (uint32_t)x->nv, .vecn = (uint32_t)v->n, .xnorm = v->xnorm,
                        .names = (uint32_t)x->nnm};
    memcpy(e->lang, d->lang, sizeof e->lang);
    e->outlet = add_str(x, d->outlet, &rc);
    if (v->n) {   /* an article without terms has an empty vector, and the pools may not exist yet */
        memcpy(x->vid + x->nv, v->id, v->n * sizeof *v->id);
        memcpy(x->vw + x->nv, v->w, v->n * sizeof *v->w);
    }
    x->nv += v->n;
    for (size_t i = 0; i < d->feats.nnames && !rc; i++) {
        x->nm[x->nnm++] = (struct nm){d->feats.names[i].id, 0, d->feats.names[i].w};
        x->nm[x->nnm - 1].surface = add_str(x, d->feats.names[i].surface, &rc);
    }
    return rc;
}

int mw_story_index_add(struct mw_story_index *x, const struct mw_story_doc *d, const struct mw_story_vec *v)
{
    if (ids_grow(x) || store_entry(x, d, v) || count_day(x, d->day))
        return MW_ENOMEM;
    uint32_t doc = (uint32_t)x->ndoc++;
    *id_slot(x, d->id) = (struct idslot){d->id, doc};
    for (size_t i = 0; i < v->n; i++)
        if (post_add(x, v->id[i], d->day, doc))
            return MW_ENOMEM;
    return join_story(x, d->story, doc);
}

static int be_add(void *ctx, const struct mw_story_doc *d, const struct mw_story_vec *v, struct mw_err *err)
{
    struct mw_story_index *x = ctx;
    if (mw_story_index_add(x, d, v))
        return mw_err_set(err, MW_ENOMEM, "story", "out of memory (%zu documents)", x->ndoc);
    return 0;
}

static int be_merge(void *ctx, int64_t from, int64_t to, struct mw_err *err)
{
    struct mw_story_index *x = ctx;
    struct members *f = st_slot(x, from);
    if (!f->story)
        return 0;
    struct members moved = *f;
    for (uint32_t i = 0; i < moved.n; i++) {
        x->doc[moved.doc[i]].story = to;
        if (join_story(x, to, moved.doc[i]))
            return mw_err_set(err, MW_ENOMEM, "story", "out of memory (stories)");
    }
    /* join_story may have moved the table: find the slot again, leave a tombstone-free gap by re-inserting */
    f = st_slot(x, from);
    free(f->doc);
    f->doc = NULL;
    f->n = f->cap = 0;   /* kept as an empty story: removing from open addressing would break probe chains */
    return 0;
}

struct mw_story_backend mw_story_index_backend(struct mw_story_index *x)
{
    return (struct mw_story_backend){x, be_df, be_postings, be_vec, be_story_of, be_add, be_merge, NULL};
}

/* ---------- life and views ---------- */

struct mw_story_index *mw_story_index_new(void) { return calloc(1, sizeof(struct mw_story_index)); }

void mw_story_index_free(struct mw_story_index *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->cappl; i++)
        if (x->pl[i].used && x->pl[i].cap)
            free(x->pl[i].u.many);
    for (size_t i = 0; i < x->capst; i++)
        free(x->st[i].doc);
    free(x->pl);
    free(x->st);
    free(x->days);
    free(x->ids);
    free(x->doc);
    free(x->vid);
    free(x->vw);
    free(x->nm);
    free(x->strs);
    free(x);
}

size_t mw_story_index_count(const struct mw_story_index *x) { return x->ndoc; }

int mw_story_index_entry(const struct mw_story_index *x, size_t i, struct mw_story_entry *e,
                         struct mw_story_name *names, struct mw_story_vec *v)
{
    if (i >= x->ndoc)
        return -1;
    const struct entry *d = &x->doc[i];
    *e = (struct mw_story_entry){.id = d->id, .story = d->story, .via = d->via, .via_sim = d->via_sim,
                                 .day = d->day, .script = d->script};
    e->m.outlet = x->strs + d->outlet;
    e->m.lang = d->lang;
    e->m.epoch = d->epoch;
    e->m.names = names;
    e->m.nnames = d->nnames;
    for (size_t k = 0; k < d->nnames; k++) {
        const struct nm *n = &x->nm[d->names + k];
        names[k].id = n->id;
        names[k].w = n->w;
        snprintf(names[k].surface, sizeof names[k].surface, "%s", x->strs + n->surface);
    }
    if (v)
        get_vec(x, d, v);
    return 0;
}

int mw_story_index_has(const struct mw_story_index *x, int64_t id)
{
    return x->capids && id_slot(x, id)->id != 0;
}

int64_t mw_story_index_story(const struct mw_story_index *x, int64_t id)
{
    const struct idslot *s = x->capids ? id_slot(x, id) : NULL;
    return s && s->id ? x->doc[s->doc].story : 0;
}

size_t mw_story_index_bytes(const struct mw_story_index *x)
{
    size_t b = x->capdoc * sizeof *x->doc + x->capv * (sizeof *x->vid + sizeof *x->vw) + x->capnm * sizeof *x->nm
             + x->capstr + x->capdays * sizeof *x->days + x->cappl * sizeof *x->pl + x->capids * sizeof *x->ids
             + x->capst * sizeof *x->st;
    for (size_t i = 0; i < x->cappl; i++)
        if (x->pl[i].used)
            b += x->pl[i].cap * sizeof(struct post);
    for (size_t i = 0; i < x->capst; i++)
        b += x->st[i].cap * sizeof(uint32_t);
    return b;
}

