/* story/align.c: the members of a story sentence by sentence: where one ends (. ! ? and line breaks, not
 * after an abbreviation or an initial), and which sentences of the others say the same (word stems and
 * skeletons weighted by how few members use them; skeletons only across scripts). What is shown is
 * compare.c's. */
#include "story/story.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SHARE_AT 0.35            /* cosine at which two sentences say the same */
#define SHARE_ACROSS 0.5        /* across scripts: share of names and numbers (see scos) */
#define MAX_SENT_TERMS 64

/* ---------- sentences ---------- */

static int abbreviation(const char *text, size_t dot)
{
    static const char *const ABBR[] = {"mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "jan", "feb", "mar",
                                       "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs",
                                       "inc", "corp", "co", "jr", "sr", "prof", "gov", "sen", "rep", "u.s", "u.n",
                                       "e.g", "i.e", "etc", "bzw", "z.b", "nr", "dr", "ul", "г", "им", NULL};
    size_t a = dot;
    while (a > 0 && (isalpha((unsigned char)text[a - 1]) || text[a - 1] == '.' || (unsigned char)text[a - 1] >= 0x80))
        a--;
    size_t n = dot - a;
    if (n == 1 && isupper((unsigned char)text[a]))
        return 1;   /* an initial: "J. Smith", "U.S." */
    char w[16];
    if (n == 0 || n >= sizeof w)
        return 0;
    for (size_t i = 0; i < n; i++)
        w[i] = (char)tolower((unsigned char)text[a + i]);
    w[n] = '\0';
    for (size_t i = 0; ABBR[i]; i++)
        if (!strcmp(w, ABBR[i]))
            return 1;
    return 0;
}

/* bytes of a closing mark at j (" ' ) ] ” ’ »), 0 when none */
static size_t closing(const char *t, size_t len, size_t j)
{
    if (j < len && t[j] && strchr("\"')]", t[j]))
        return 1;
    if (j + 2 < len && !strncmp(t + j, "\xE2\x80", 2) && ((unsigned char)t[j + 2] == 0x9D || (unsigned char)t[j + 2] == 0x99))
        return 3;
    return j + 1 < len && !strncmp(t + j, "\xC2\xBB", 2) ? 2 : 0;
}

/* does a sentence end at i (text[i] is the mark)? */
static int ends_at(const char *t, size_t len, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c == '\n')
        return 1;
    int mark = c == '!' || c == '?' || (c == '.' && !abbreviation(t, i));
    size_t j = i + 1, q;
    if (!mark && c == 0xD8 && i + 1 < len && (unsigned char)t[i + 1] == 0x9F) {   /* ؟ */
        mark = 1;
        j = i + 2;
    }
    if (!mark)
        return 0;
    while ((q = closing(t, len, j)))
        j += q;   /* closing quotes belong to the sentence */
    return j >= len || t[j] == ' ' || t[j] == '\n';
}

static void emit(const char *text, size_t start, size_t end, void (*fn)(void *, size_t, size_t), void *ctx)
{
    while (start < end && isspace((unsigned char)text[start]))
        start++;
    while (end > start && isspace((unsigned char)text[end - 1]))
        end--;
    if (end > start)
        fn(ctx, start, end - start);
}

void mw_story_sentences(const char *text, size_t len, void (*fn)(void *, size_t, size_t), void *ctx)
{
    size_t start = 0, i = 0;
    while (i < len) {
        if (!ends_at(text, len, i)) {
            i++;
            continue;
        }
        size_t end = text[i] == '\n' ? i : (unsigned char)text[i] == 0xD8 ? i + 2 : i + 1, c;
        while (text[i] != '\n' && (c = closing(text, len, end)))
            end += c;
        emit(text, start, end, fn, ctx);
        start = end;
        i = end > i ? end : i + 1;
    }
    emit(text, start, len, fn, ctx);
}

/* ---------- sentence vectors ---------- */

struct svec {
    uint32_t id[MAX_SENT_TERMS];
    float w[MAX_SENT_TERMS];
    size_t n;
    unsigned char script;
};
struct collect {
    struct mw_story_text *t;
    size_t cap;
};

static void add_sentence(void *ctx, size_t off, size_t len)
{
    struct collect *c = ctx;
    if (c->t->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct mw_story_sent *s = realloc(c->t->s, cap * sizeof *s);
        if (!s)
            return;
        c->t->s = s;
        c->cap = cap;
    }
    c->t->s[c->t->n++] = (struct mw_story_sent){off, len, NULL, 0};
}

static int by_id(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* the sentence's terms as features.c makes them (ids only: weights come from the story) */
static void sentence_terms(const struct mw_story_stop *stop, const char *s, size_t len, struct svec *v)
{
    struct mw_story_feats *f = malloc(sizeof *f);
    char *copy = malloc(len + 1);
    v->n = 0;
    v->script = 0;
    if (f && copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
        mw_story_features(stop, NULL, copy, f);
        for (size_t i = 0; i < f->n && v->n < MAX_SENT_TERMS; i++)
            v->id[v->n++] = f->t[i].id;
        v->script = f->script;
    }
    qsort(v->id, v->n, sizeof v->id[0], by_id);
    free(f);
    free(copy);
}

/* members holding each term (binary search in a sorted table of distinct ids) */
struct dfs {
    uint32_t *id;
    int *df;
    size_t n;
};

static int df_of(const struct dfs *d, uint32_t id)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n && d->id[lo] == id ? d->df[lo] : 1;
}

static void weigh(struct svec *v, const struct dfs *d, size_t members)
{
    double norm = 0;
    for (size_t i = 0; i < v->n; i++) {
        v->w[i] = (float)(1.0 + log((double)(members + 1) / df_of(d, v->id[i])));
        norm += (double)v->w[i] * v->w[i];
    }
    for (size_t i = 0; i < v->n; i++)
        v->w[i] = norm > 0 ? (float)(v->w[i] / sqrt(norm)) : 0;
}

/* a script-free term (skeleton, number) another member holds too */
static int story_term(uint32_t id, const struct dfs *d)
{
    return MW_TERM_KIND(id) != MW_TERM_WORD && df_of(d, id) >= 2;
}

static double scos(const struct svec *a, const struct svec *b, const struct dfs *d)
{
    int script_free = a->script && b->script && a->script != b->script;
    double dot = 0;
    int shared = 0, na = 0, nb = 0;
    for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
        if (a->id[i] < b->id[j]) {
            i++;
        } else if (a->id[i] > b->id[j]) {
            j++;
        } else {
            dot += (double)a->w[i] * b->w[j];
            shared += story_term(a->id[i], d);
            i++;
            j++;
        }
    }
    if (!script_free)
        return dot;
    /* across scripts only names and numbers can meet: the cosine over those the story's members share (two at
     * least in common) */
    for (size_t i = 0; i < a->n; i++)
        na += story_term(a->id[i], d);
    for (size_t j = 0; j < b->n; j++)
        nb += story_term(b->id[j], d);
    double o = shared >= 2 ? shared / sqrt((double)na * nb) : 0;
    return o * SHARE_AT / SHARE_ACROSS;   /* on the cosine's scale */
}

struct pair {
    uint32_t id, member;
};

static int by_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->member < y->member ? -1 : x->member > y->member;
}

/* document frequencies of the terms over the members (a term counts once per member) */
static int member_dfs(struct svec **sv, const struct mw_story_text *out, size_t n, struct dfs *d)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < out[i].n; k++)
            total += sv[i][k].n;
    struct pair *all = malloc((total ? total : 1) * sizeof *all);
    d->id = malloc((total ? total : 1) * sizeof *d->id);
    d->df = malloc((total ? total : 1) * sizeof *d->df);
    if (!all || !d->id || !d->df) {
        free(all);
        return -1;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < out[i].n; k++)
            for (size_t t = 0; t < sv[i][k].n; t++)
                all[m++] = (struct pair){sv[i][k].id[t], (uint32_t)i};
    qsort(all, m, sizeof *all, by_pair);
    d->n = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        int members = 0;
        for (; j < m && all[j].id == all[i].id; j++)
            members += j == i || all[j].member != all[j - 1].member;
        d->id[d->n] = all[i].id;
        d->df[d->n++] = members;
        i = j;
    }
    free(all);
    return 0;
}

/* for sentence k of member i, its best match in every other member */
static int align_one(struct svec **sv, struct mw_story_text *out, size_t n, size_t i, size_t k, const struct dfs *d)
{
    struct mw_story_sent *s = &out[i].s[k];
    s->shared = malloc(n * sizeof *s->shared);
    if (!s->shared)
        return -1;
    s->k = 0;
    for (size_t j = 0; j < n; j++) {
        s->shared[j] = -1;
        if (j == i)
            continue;
        double best = SHARE_AT;
        for (size_t l = 0; l < out[j].n; l++) {
            double c = scos(&sv[i][k], &sv[j][l], d);
            if (c >= best) {
                best = c;
                s->shared[j] = (int)l;
            }
        }
        s->k += s->shared[j] >= 0;
    }
    return 0;
}

int mw_story_align(const struct mw_story_stop *stop, char **texts, size_t n, struct mw_story_text *out)
{
    memset(out, 0, n * sizeof *out);
    struct svec **sv = calloc(n ? n : 1, sizeof *sv);
    struct dfs d = {0};
    int rc = sv ? 0 : MW_ENOMEM;
    for (size_t i = 0; i < n; i++)
        out[i].text = texts[i];
    for (size_t i = 0; i < n && !rc; i++) {
        struct collect c = {&out[i], 0};
        mw_story_sentences(texts[i], strlen(texts[i]), add_sentence, &c);
        sv[i] = calloc(out[i].n ? out[i].n : 1, sizeof **sv);
        if (!sv[i])
            rc = MW_ENOMEM;
        for (size_t k = 0; k < out[i].n && !rc; k++)
            sentence_terms(stop, texts[i] + out[i].s[k].off, out[i].s[k].len, &sv[i][k]);
    }
    if (!rc && member_dfs(sv, out, n, &d))
        rc = MW_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++)
        for (size_t k = 0; k < out[i].n; k++)
            weigh(&sv[i][k], &d, n);
    for (size_t i = 0; i < n && !rc; i++)
        for (size_t k = 0; k < out[i].n && !rc; k++)
            rc = align_one(sv, out, n, i, k, &d) ? MW_ENOMEM : 0;
    for (size_t i = 0; sv && i < n; i++)
        free(sv[i]);
    free(sv);
    free(d.id);
    free(d.df);
    return rc;
}

void mw_story_texts_free(struct mw_story_text *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        for (size_t k = 0; k < t[i].n; k++)
            free(t[i].s[k].shared);
        free(t[i].s);
        free(t[i].text);
    }
}
