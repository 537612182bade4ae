/* story/similarity.c: an article's terms as a vector weighted by rarity (document frequencies are the
 * caller's: the batch's, or the store's as the article arrived), the pair similarity and the same-story
 * decision. The decision is a threshold on the similarity: what `stories --pairs` prints is what the
 * clustering uses. */
#include "story/story.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "meta/date.h"

/* two languages share only names, numbers and cognates: the cosine of one event told in two is lower */
#define CROSS_LANGUAGE 1.55

static double kind_weight(uint32_t id)
{
    return MW_TERM_KIND(id) == MW_TERM_NUM ? 0.5 : 1.0;   /* a number alone rarely names an event */
}

struct wt {
    uint32_t id;
    double w;
};

void mw_story_vec_make(const struct mw_story_feats *f, const uint32_t *df, int64_t ndocs, int32_t day,
                       struct mw_story_vec *v)
{
    struct wt w[MW_STORY_MAXF];
    for (size_t i = 0; i < f->n; i++) {
        double idf = log(((double)ndocs + 10.0) / ((double)df[i] + 1.0));
        w[i] = (struct wt){f->t[i].id, (1.0 + log(f->t[i].tf)) * kind_weight(f->t[i].id) * (idf > 0 ? idf : 0)};
    }
    size_t n = f->n;   /* features.c kept the most salient terms, sorted by id */
    double norm = 0, xs = 0;
    for (size_t i = 0; i < n; i++)
        norm += w[i].w * w[i].w;
    norm = sqrt(norm);
    memset(v, 0, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v->id[i] = w[i].id;
        v->w[i] = norm > 0 ? (float)(w[i].w / norm) : 0.0f;
        if (MW_TERM_KIND(w[i].id) != MW_TERM_WORD)
            xs += (double)v->w[i] * v->w[i];
    }
    v->n = n;
    v->xnorm = (float)sqrt(xs);
    v->day = day;
    v->script = f->script;
    memcpy(v->lang, f->lang, sizeof v->lang);
}

/* dot product over the terms both hold; script_free: skeletons and numbers only */
static double dot(const struct mw_story_vec *a, const struct mw_story_vec *b, int script_free)
{
    double s = 0;
    for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
        if (a->id[i] < b->id[j]) {
            i++;
        } else if (a->id[i] > b->id[j]) {
            j++;
        } else {
            if (!script_free || MW_TERM_KIND(a->id[i]) != MW_TERM_WORD)
                s += (double)a->w[i] * b->w[j];
            i++;
            j++;
        }
    }
    return s;
}

double mw_story_similarity(const struct mw_story_vec *a, const struct mw_story_vec *b)
{
    /* texts in two scripts can share only what is written the same in both: skeletons and numbers */
    int scripts_differ = a->script && b->script && a->script != b->script;
    double c;
    if (scripts_differ)
        c = a->xnorm > 0 && b->xnorm > 0 ? dot(a, b, 1) / ((double)a->xnorm * b->xnorm) : 0;
    else
        c = dot(a, b, 0);
    if (scripts_differ || (a->lang[0] && b->lang[0] && strcmp(a->lang, b->lang)))
        c *= CROSS_LANGUAGE;
    double s = c > 0 ? sqrt(c < 1 ? c : 1) : 0;
    if (a->day != MW_STORY_NODAY && b->day != MW_STORY_NODAY) {
        int d = abs(a->day - b->day);
        if (d > 3)
            s *= 3.0 / d;
    } else if (a->day != b->day) {
        s *= 3.0 / 3.5;   /* one date unknown: taken as a few days apart, neither close nor far */
    }
    return s;
}

int mw_story_same(double similarity) { return similarity >= MW_STORY_THRESHOLD; }

int32_t mw_story_day(const char *iso)
{
    double secs;
    int zone;
    if (!iso || !*iso || mw_date_epoch(iso, &secs, &zone))
        return MW_STORY_NODAY;
    return (int32_t)floor(secs / 86400.0);
}

/* ---------- a batch of pairs ---------- */

struct dfmap {
    uint32_t *term, *df;
    size_t cap;
};

static size_t df_find(const struct dfmap *m, uint32_t term)
{
    size_t i = (term * 2654435761u) & (m->cap - 1);
    while (m->df[i] && m->term[i] != term)
        i = (i + 1) & (m->cap - 1);
    return i;
}

int mw_story_batch_similarity(const struct mw_story_feats *const *docs, const int32_t *days, size_t n,
                              const size_t (*pairs)[2], size_t m, double *sims)
{
    struct dfmap map = {0};
    map.cap = 1024;
    while (map.cap < n * MW_STORY_MAXF * 2)
        map.cap *= 2;
    map.term = calloc(map.cap, sizeof *map.term);
    map.df = calloc(map.cap, sizeof *map.df);
    struct mw_story_vec *v = malloc((n ? n : 1) * sizeof *v);
    uint32_t df[MW_STORY_MAXF];
    int rc = map.term && map.df && v ? 0 : MW_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        for (size_t k = 0; k < docs[i]->n; k++) {
            size_t at = df_find(&map, docs[i]->t[k].id);
            map.term[at] = docs[i]->t[k].id;
            map.df[at]++;
        }
    for (size_t i = 0; !rc && i < n; i++) {
        for (size_t k = 0; k < docs[i]->n; k++)
            df[k] = map.df[df_find(&map, docs[i]->t[k].id)] - 1;   /* the others holding it */
        mw_story_vec_make(docs[i], df, (int64_t)n - 1, days ? days[i] : MW_STORY_NODAY, &v[i]);
    }
    for (size_t k = 0; !rc && k < m; k++)
        sims[k] = mw_story_similarity(&v[pairs[k][0]], &v[pairs[k][1]]);
    free(map.term);
    free(map.df);
    free(v);
    return rc;
}
