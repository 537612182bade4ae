/* story/cluster.c: the online clustering, one article at a time over any backend (index.c in memory,
 * story_store.c in SQLite). An article is looked up under its rarest terms within the time window, compared
 * in full with the best candidates, and joins every story it is the same story as (single link: the result
 * depends on the pairs, and the pairs on what came before, so replaying the same articles in the same order
 * gives the same stories). Also a story's summary (label, outlets, languages) from its members. */
#include "story/story.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "meta/date.h"

#define CAND_SLOTS 8192          /* > MW_STORY_QUERY * (MW_STORY_POSTCAP + 1) */

struct hit {
    int64_t doc;
    int hits;
};
struct ord {
    uint32_t id, df;
};

static int rarest(const void *a, const void *b)
{
    const struct ord *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int most_hits(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->hits != y->hits)
        return y->hits - x->hits;
    return x->doc < y->doc ? 1 : x->doc > y->doc ? -1 : 0;   /* the newer first */
}

static void count_hit(struct hit *slot, int64_t doc)
{
    size_t i = ((uint64_t)doc * 0x9E3779B97F4A7C15ULL >> 40) & (CAND_SLOTS - 1);
    while (slot[i].doc && slot[i].doc != doc)
        i = (i + 1) & (CAND_SLOTS - 1);
    slot[i].doc = doc;
    slot[i].hits++;
}

/* documents sharing the index terms with d in its window; *n candidates, best first */
static int candidates(const struct mw_story_backend *be, const struct mw_story_doc *d, const uint32_t *index,
                      size_t nindex, struct hit *slot, size_t *n, struct mw_err *err)
{
    int64_t post[MW_STORY_POSTCAP + 2];
    int used = 0;
    for (size_t i = 0; i < nindex; i++) {
        size_t np = 0;
        int rc = be->postings(be->ctx, d->day, index[i], MW_STORY_POSTCAP, post, &np, err);
        if (rc)
            return rc;
        used++;
        if (np > MW_STORY_POSTCAP)
            continue;   /* too common in the window to tell */
        for (size_t k = 0; k < np; k++)
            count_hit(slot, post[k]);
    }
    /* a long text must share two rare terms with a candidate; a short one may share one. The best
     * MW_STORY_CANDS by hits: count how many there are per number of hits, keep from the top down */
    int min_hits = used >= 4 ? 2 : 1, per[MW_STORY_QUERY + 2] = {0};
    for (size_t i = 0; i < CAND_SLOTS; i++)
        if (slot[i].doc)
            per[slot[i].hits > MW_STORY_QUERY ? MW_STORY_QUERY : slot[i].hits]++;
    int cut = MW_STORY_QUERY, kept = 0;
    while (cut > min_hits && kept + per[cut] < MW_STORY_CANDS)
        kept += per[cut--];
    size_t m = 0;
    for (size_t i = 0; i < CAND_SLOTS; i++)
        if (slot[i].doc && slot[i].hits >= (cut > min_hits ? cut : min_hits))
            slot[m++] = slot[i];
    qsort(slot, m, sizeof *slot, most_hits);
    *n = m < MW_STORY_CANDS ? m : MW_STORY_CANDS;
    return 0;
}

/* the query terms: the rarest of d's terms that some other document holds (ties by id) */
static size_t pick_query(const struct mw_story_feats *f, const uint32_t *df, uint32_t *q, uint32_t *q_df)
{
    struct ord o[MW_STORY_MAXF];
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (df[i])
            o[n++] = (struct ord){f->t[i].id, df[i]};
    qsort(o, n, sizeof o[0], rarest);
    if (n > MW_STORY_QUERY)
        n = MW_STORY_QUERY;
    for (size_t i = 0; i < n; i++) {
        q[i] = o[i].id;
        q_df[i] = o[i].df;
    }
    return n;
}

/* compare d with its candidates: the stories it joins (distinct, ascending) and its best link */
struct link {
    int64_t story;
    double best;   /* the closest of its members */
};

static int links(const struct mw_story_backend *be, struct mw_story_doc *d, const struct mw_story_vec *v,
                 const struct hit *c, size_t nc, struct link *stories, size_t *ns, struct mw_err *err)
{
    struct mw_story_vec *other = malloc(sizeof *other);
    if (!other)
        return mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    int rc = 0;
    *ns = 0;
    for (size_t i = 0; i < nc && !rc; i++) {
        int64_t s;
        if ((rc = be->vec(be->ctx, c[i].doc, other, err)))
            break;
        double sim = mw_story_similarity(v, other);
        if (!mw_story_same(sim))
            continue;
        if (sim > d->via_sim || (sim == d->via_sim && c[i].doc < d->via)) {
            d->via = c[i].doc;
            d->via_sim = sim;
        }
        if ((rc = be->story_of(be->ctx, c[i].doc, &s, err)))
            break;
        size_t k = 0;
        while (k < *ns && stories[k].story != s)
            k++;
        if (k == *ns)
            stories[(*ns)++] = (struct link){s, sim};
        else if (sim > stories[k].best)
            stories[k].best = sim;
    }
    free(other);
    return rc;
}

/* The stories d joins: the one of its closest member, and any other it is close to beyond MW_STORY_MERGE
 * (single link over weaker pairs would chain topics into one story). Their ids, ascending, into out. */
static size_t joined(const struct link *l, size_t n, int64_t *out)
{
    size_t best = 0, k = 0;
    for (size_t i = 1; i < n; i++)
        if (l[i].best > l[best].best || (l[i].best == l[best].best && l[i].story < l[best].story))
            best = i;
    for (size_t i = 0; i < n; i++)
        if (i == best || l[i].best >= MW_STORY_MERGE)
            out[k++] = l[i].story;
    return k;
}

static int ascending(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int mw_story_assign(const struct mw_story_backend *be, struct mw_story_doc *d, struct mw_err *err)
{
    uint32_t ids[MW_STORY_MAXF], df[MW_STORY_MAXF], query[MW_STORY_QUERY], query_df[MW_STORY_QUERY];
    for (size_t i = 0; i < d->feats.n; i++)
        ids[i] = d->feats.t[i].id;
    int64_t ndocs = 0;
    int rc = be->df(be->ctx, d->day, ids, d->feats.n, df, &ndocs, err);
    struct mw_story_vec *v = malloc(sizeof *v);
    struct hit *slot = calloc(CAND_SLOTS, sizeof *slot);
    if (!rc && (!v || !slot))
        rc = mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    size_t nquery = 0, nc = 0, nl = 0, ns = 0;
    struct link linked[MW_STORY_CANDS];
    int64_t stories[MW_STORY_CANDS];
    d->via = 0;
    d->via_sim = 0;
    if (!rc) {
        mw_story_vec_make(&d->feats, df, ndocs, d->day, v);
        nquery = pick_query(&d->feats, df, query, query_df);
        rc = candidates(be, d, query, nquery, slot, &nc, err);
    }
    if (!rc)
        rc = links(be, d, v, slot, nc, linked, &nl, err);
    if (!rc) {
        ns = joined(linked, nl, stories);
        qsort(stories, ns, sizeof stories[0], ascending);
        d->story = ns && stories[0] < d->id ? stories[0] : d->id;
        rc = be->add(be->ctx, d, v, err);   /* indexed under all its terms */
    }
    for (size_t i = 0; i < ns && !rc; i++)
        if (stories[i] != d->story)
            rc = be->merge(be->ctx, stories[i], d->story, err);
    if (!rc && be->touch)
        rc = be->touch(be->ctx, d->story, err);
    free(v);
    free(slot);
    return rc;
}

/* ---------- a document from a record ---------- */

void mw_story_outlet(const json_t *rec, char *out, size_t cap)
{
    static const char *const KEYS[] = {"outlet", "crawl_outlet", "rule"};
    for (size_t i = 0; i < 3; i++) {
        const char *s = json_string_value(json_object_get(rec, KEYS[i]));
        if (s && *s && strcmp(s, "generic")) {
            snprintf(out, cap, "%s", s);
            return;
        }
    }
    const char *url = json_string_value(json_object_get(rec, "url"));
    const char *h = url ? strstr(url, "://") : NULL;
    h = h ? h + 3 : url ? url : "";
    if (!strncmp(h, "www.", 4))
        h += 4;
    size_t n = strcspn(h, "/:?#");
    if (n)
        snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), h);
    else
        snprintf(out, cap, "(unknown outlet)");   /* still an outlet: it told the story */
}

void mw_story_doc_from_record(const struct mw_story_stop *stop, const json_t *rec, int64_t id,
                              struct mw_story_doc *d)
{
    memset(d, 0, sizeof *d);
    d->id = id;
    const char *pub = json_string_value(json_object_get(rec, "published"));
    snprintf(d->published, sizeof d->published, "%s", pub ? pub : "");
    d->day = mw_story_day(pub);
    double secs;
    int zone;
    if (d->day != MW_STORY_NODAY && !mw_date_epoch(pub, &secs, &zone))
        d->epoch = secs;
    mw_story_outlet(rec, d->outlet, sizeof d->outlet);
    mw_story_features_record(stop, rec, &d->feats);
    snprintf(d->lang, sizeof d->lang, "%s", d->feats.lang);
    d->script = d->feats.script;
}

/* ---------- summaries ---------- */

struct lab {
    uint32_t id;
    int members;
    double w;
    int first;
    char surface[MW_STORY_NAMELEN];
    double surface_score;
};

static int lab_order(const void *a, const void *b)
{
    const struct lab *x = a, *y = b;
    if (x->members != y->members)
        return y->members - x->members;
    if (x->w != y->w)
        return x->w < y->w ? 1 : -1;
    return x->first - y->first;
}

static void add_label(struct lab *l, size_t *nl, size_t cap, const struct mw_story_name *nm, int member)
{
    size_t i = 0;
    while (i < *nl && l[i].id != nm->id)
        i++;
    if (i == *nl) {
        if (*nl >= cap)
            return;
        l[i] = (struct lab){.id = nm->id, .first = (int)i};
        (*nl)++;
    }
    l[i].members++;
    l[i].w += nm->w;
    (void)member;
    /* the spelling a reader of Latin script knows wins, then the weightier */
    double score = nm->w + ((unsigned char)nm->surface[0] < 0x80 ? 100.0 : 0.0);
    if (score > l[i].surface_score) {
        l[i].surface_score = score;
        snprintf(l[i].surface, sizeof l[i].surface, "%s", nm->surface);
    }
}

static void make_label(const struct mw_story_member *m, size_t n, char *out, size_t cap)
{
    struct lab l[512];
    size_t nl = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        for (size_t k = 0; k < m[i].nnames; k++)
            add_label(l, &nl, sizeof l / sizeof l[0], &m[i].names[k], (int)i);
    qsort(l, nl, sizeof l[0], lab_order);
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < nl && i < 5 && len + 1 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " · " : "", l[i].surface);
    if (len >= cap)
        out[cap - 1] = '\0';
}

static int by_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* the distinct non-empty strings of v (sorted) joined by sep into out; their count */
static long distinct(const char **v, size_t n, const char *sep, char *out, size_t cap)
{
    qsort(v, n, sizeof *v, by_str);
    long count = 0;
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!*v[i] || (i && !strcmp(v[i], v[i - 1])))
            continue;
        count++;
        if (len + strlen(sep) + strlen(v[i]) + 1 < cap)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? sep : "", v[i]);
    }
    return count;
}

void mw_story_summarize(int64_t id, const struct mw_story_member *m, size_t n, struct mw_story_summary *s)
{
    memset(s, 0, sizeof *s);
    s->id = id;
    s->articles = (long)n;
    const char **v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; v && i < n; i++)
        v[i] = m[i].outlet ? m[i].outlet : "";
    if (v)
        s->outlets = distinct(v, n, "; ", s->outlet_list, sizeof s->outlet_list);
    for (size_t i = 0; v && i < n; i++)
        v[i] = m[i].lang ? m[i].lang : "";
    if (v)
        distinct(v, n, " ", s->langs, sizeof s->langs);
    free(v);
    for (size_t i = 0; i < n; i++) {
        if (m[i].epoch > 0 && (!s->first_epoch || m[i].epoch < s->first_epoch))
            s->first_epoch = m[i].epoch;
        if (m[i].epoch > s->last_epoch)
            s->last_epoch = m[i].epoch;
    }
    if (s->first_epoch > 0) {
        time_t t = (time_t)s->first_epoch;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(s->first_published, sizeof s->first_published, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    make_label(m, n, s->label, sizeof s->label);
}
