/* story/compare.c: a story's members side by side, as JSON: per outlet its time (UTC, lag behind the first
 * report), title, dateline, authors and length; the sources it cites and its quotes (attrib.c); the names it
 * spells otherwise than the others (names.c); its sentences, unique or shared with k of the n-1 others
 * (align.c). Rendering is the caller's (terminal, html.c). */
#include "story/story.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "meta/date.h"

static const char *str(const json_t *rec, const char *k)
{
    const char *s = json_string_value(json_object_get(rec, k));
    return s && *s ? s : NULL;
}

/* title, then the body (the lead when the body is empty) */
static char *member_text(const json_t *rec)
{
    const char *title = str(rec, "title"), *body = str(rec, "body");
    if (!body)
        body = str(rec, "lead");
    size_t n = (title ? strlen(title) : 0) + (body ? strlen(body) : 0) + 3;
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%s%s%s", title ? title : "", title && body ? "\n\n" : "", body ? body : "");
    return t;
}

/* "CAIRO, January 14. /TASS/." or "PORT ELLIS, March 3 (Harbor Times) —" opening a paragraph: CAIRO */
static void find_dateline(const char *body, char *out, size_t cap)
{
    out[0] = '\0';
    const char *p = body;
    for (int para = 0; p && *p && para < 6; para++) {
        while (*p == '\n' || *p == ' ')
            p++;
        size_t n = 0, upper = 0, lower = 0;
        while (p[n] && p[n] != ',' && p[n] != '\n' && n < 48) {
            unsigned char c = (unsigned char)p[n], d = (unsigned char)p[n + 1];
            upper += isupper(c) || (c == 0xD0 && d >= 0x80 && d < 0xB0);   /* Latin, Cyrillic capitals */
            lower += islower(c) || (c == 0xD0 && d >= 0xB0) || (c == 0xD1 && d <= 0x9F);
            n++;
        }
        if (p[n] == ',' && upper >= 3 && !lower) {
            snprintf(out, cap, "%.*s", (int)n, p);
            return;
        }
        p = strchr(p, '\n');
    }
}

struct when {
    double epoch;
    int known;
    char utc[32];
};

static struct when when_of(const json_t *rec)
{
    struct when w = {0};
    int zone;
    const char *pub = str(rec, "published");
    if (pub && !mw_date_epoch(pub, &w.epoch, &zone)) {
        w.known = 1;
        time_t t = (time_t)w.epoch;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(w.utc, sizeof w.utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    return w;
}

static void lag_text(double secs, char *out, size_t cap)
{
    long m = (long)llround(secs / 60);
    if (m < 60 * 48)
        snprintf(out, cap, "+%ldh%02ldm", m / 60, m % 60);
    else
        snprintf(out, cap, "+%ldd%02ldh", m / 1440, (m % 1440) / 60);
}

static int words(const char *s)
{
    int n = 0, in = 0;
    for (; s && *s; s++) {
        int sp = isspace((unsigned char)*s);
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

static json_t *sentences_json(const struct mw_story_text *t, size_t self, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; k < t->n; k++) {
        const struct mw_story_sent *s = &t->s[k];
        json_t *with = json_array();
        for (size_t j = 0; j < n; j++)
            if (j != self && s->shared && s->shared[j] >= 0)
                json_array_append_new(with, json_pack("[i, i]", (int)j, s->shared[j]));
        json_array_append_new(a, json_pack("{s:s%, s:i, s:o}", "text", t->text + s->off, s->len, "k", s->k,
                                           "shared_with", with));
    }
    return a;
}

/* per member: the names it spells, where the story spells them more than one way */
static json_t *member_names(const json_t *names, size_t m)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(names, i, e) {
        if (!json_is_true(json_object_get(e, "varies")))
            continue;
        json_t *mine = json_array_get(json_object_get(e, "spellings"), m);
        const char *common = json_string_value(json_object_get(e, "name"));
        int other = 0;
        size_t k;
        json_t *sp;
        json_array_foreach(mine, k, sp) other |= strcmp(json_string_value(sp), common) != 0;
        if (other)   /* this outlet spells it otherwise than the story's usual spelling */
            json_array_append_new(out, json_pack("{s:s, s:O}", "name", json_string_value(json_object_get(e, "name")),
                                                 "spelled", mine));
    }
    return out;
}

static json_t *member_json(const json_t *rec, const struct mw_story_text *t, size_t m, size_t n,
                           const struct when *w, double first, const json_t *names)
{
    char outlet[128], dateline[64] = "", lag[32] = "";
    mw_story_outlet(rec, outlet, sizeof outlet);
    if (str(rec, "dateline"))
        snprintf(dateline, sizeof dateline, "%s", str(rec, "dateline"));
    else if (str(rec, "body"))
        find_dateline(str(rec, "body"), dateline, sizeof dateline);
    if (w->known && first > 0)
        lag_text(w->epoch - first, lag, sizeof lag);
    int unique = 0;
    for (size_t k = 0; k < t->n; k++)
        unique += t->s[k].k == 0;
    json_t *a = json_object_get(rec, "authors"), *authors = json_is_array(a) ? json_incref(a) : json_array();
    json_t *j = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:i, s:i}", "outlet", outlet, "url",
                          str(rec, "url"), "title", str(rec, "title"), "published", str(rec, "published"),
                          "published_utc", w->known ? w->utc : NULL, "lag", lag[0] ? lag : NULL, "dateline",
                          dateline[0] ? dateline : NULL, "authors", authors,
                          "lang", str(rec, "lang"), "words", words(t->text), "chars", (int)strlen(t->text));
    json_object_set_new(j, "sources", mw_story_sources(t->text, str(rec, "lang")));
    json_object_set_new(j, "quotes", mw_story_quotes(t->text, str(rec, "lang")));
    json_object_set_new(j, "names", member_names(names, m));
    json_object_set_new(j, "sentences", sentences_json(t, m, n));
    json_object_set_new(j, "unique_sentences", json_integer(unique));
    json_object_set_new(j, "shared_sentences", json_integer((json_int_t)t->n - unique));
    return j;
}

struct byt {
    json_t *rec;
    double epoch;
    size_t order;
};

static int earlier(const void *a, const void *b)
{
    const struct byt *x = a, *y = b;
    if ((x->epoch > 0) != (y->epoch > 0))
        return x->epoch > 0 ? -1 : 1;   /* the undated last */
    if (x->epoch != y->epoch)
        return x->epoch < y->epoch ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* the members as they were published: the first report first */
static json_t **by_time(json_t *const *records, size_t n)
{
    struct byt *b = calloc(n ? n : 1, sizeof *b);
    json_t **out = calloc(n ? n : 1, sizeof *out);
    if (!b || !out) {
        free(b);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        struct when w = when_of(records[i]);
        b[i] = (struct byt){records[i], w.known ? w.epoch : 0, i};
    }
    qsort(b, n, sizeof *b, earlier);
    for (size_t i = 0; i < n; i++)
        out[i] = b[i].rec;
    free(b);
    return out;
}

static json_t *compare_sorted(const struct mw_story_stop *stop, int64_t story, json_t *const *records, size_t n);

json_t *mw_story_compare(const struct mw_story_stop *stop, int64_t story, json_t *const *records, size_t n)
{
    json_t **sorted = by_time(records, n);
    json_t *out = sorted ? compare_sorted(stop, story, sorted, n) : NULL;
    free(sorted);
    return out;
}

static json_t *compare_sorted(const struct mw_story_stop *stop, int64_t story, json_t *const *records, size_t n)
{
    char **texts = calloc(n ? n : 1, sizeof *texts);
    struct mw_story_text *t = calloc(n ? n : 1, sizeof *t);
    struct when *w = calloc(n ? n : 1, sizeof *w);
    int ok = texts && t && w;
    for (size_t i = 0; ok && i < n; i++)
        ok = (texts[i] = member_text(records[i])) != NULL;
    json_t *names = ok ? mw_story_names(stop, (const char *const *)texts, n) : NULL;
    int aligned = ok;
    if (ok && mw_story_align(stop, texts, n, t))   /* texts now belong to t, aligned or not */
        ok = 0;
    json_t *out = NULL;
    if (ok) {
        double first = 0;
        for (size_t i = 0; i < n; i++) {
            w[i] = when_of(records[i]);
            if (w[i].known && (first == 0 || w[i].epoch < first))
                first = w[i].epoch;
        }
        json_t *members = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(members, member_json(records[i], &t[i], i, n, &w[i], first, names));
        char fp[32] = "";
        if (first > 0) {
            time_t tt = (time_t)first;
            struct tm tm;
            gmtime_r(&tt, &tm);
            strftime(fp, sizeof fp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
        out = json_pack("{s:I, s:i, s:s?, s:o, s:O}", "story", (json_int_t)story, "articles", (int)n,
                        "first_published", fp[0] ? fp : NULL, "members", members, "names", names);
    } else if (texts && !aligned) {
        for (size_t i = 0; i < n; i++)
            free(texts[i]);
    }
    json_decref(names);
    mw_story_texts_free(t, aligned ? n : 0);
    free(t);
    free(texts);
    free(w);
    return out;
}
