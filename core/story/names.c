/* story/names.c: the names a story's texts share and how each spells them. A name is a capitalised word inside
 * a sentence (or at a sentence's start when it also appears inside one); spellings meet on their consonant
 * skeleton ("Haftar", "Hifter" -> "ftr"; "Sarraj", "Siraj" -> "srj"), and a word of a caseless script (Arabic)
 * joins a name another text spells in Latin or Cyrillic when its skeleton matches. */
#include "story/story.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_NAMES 512
#define MAX_SPELL 32

struct spelling {
    size_t text;
    char s[MW_STORY_NAMELEN];
    int n;
};
struct name {
    char key[16];
    int texts;                       /* how many texts use it */
    int total;
    struct spelling sp[MAX_SPELL];   /* (text, spelling) pairs */
    int nsp;
};
struct names {
    struct name *v;
    size_t n;
    size_t ntexts;
};
struct scan {
    const struct mw_story_stop *stop;
    const char *text;
    struct names *nm;
    size_t text_no;
    int pass;                        /* 0: cased scripts, 1: caseless words matching a name */
    char inner[256][MW_STORY_TOKMAX];   /* folded words seen capitalised inside sentences */
    size_t ninner;
};

static struct name *find(struct names *nm, const char *key, int create)
{
    for (size_t i = 0; i < nm->n; i++)
        if (!strcmp(nm->v[i].key, key))
            return &nm->v[i];
    if (!create || nm->n >= MAX_NAMES)
        return NULL;
    struct name *n = &nm->v[nm->n++];
    memset(n, 0, sizeof *n);
    snprintf(n->key, sizeof n->key, "%s", key);
    return n;
}

static void add_spelling(struct name *n, size_t text, const char *surface)
{
    if (!n)
        return;
    int known_text = 0;
    n->total++;
    for (int i = 0; i < n->nsp; i++) {
        known_text |= n->sp[i].text == text;
        if (n->sp[i].text == text && !strcmp(n->sp[i].s, surface)) {
            n->sp[i].n++;
            return;
        }
    }
    n->texts += !known_text;
    if (n->nsp < MAX_SPELL) {
        struct spelling *s = &n->sp[n->nsp++];
        s->text = text;
        snprintf(s->s, sizeof s->s, "%s", surface);
        s->n = 1;
    }
}

static int seen_inside(const struct scan *sc, const char *norm)
{
    for (size_t i = 0; i < sc->ninner; i++)
        if (!strcmp(sc->inner[i], norm))
            return 1;
    return 0;
}

/* does a folded word end on a vowel (Latin, Cyrillic, Arabic long vowels and taa marbuta as heh)? */
static int final_vowel(const char *w)
{
    static const char *const V[] = {"а", "е", "и", "о", "у", "ы", "э", "ю", "я", "й", "ь", "ا", "و", "ي", "ه", NULL};
    size_t n = strlen(w);
    if (n && strchr("aeiouy", w[n - 1]))
        return 1;
    for (size_t i = 0; V[i]; i++) {
        size_t l = strlen(V[i]);
        if (n >= l && !strcmp(w + n - l, V[i]))
            return 1;
    }
    return 0;
}

/* does the word's first letter give its skeleton's first consonant ("Farid": yes; "Haftar", "أفراد": no)? */
static int initial_kept(const char *w, unsigned char script)
{
    if (script == MW_SCRIPT_ARABIC && !strncmp(w, "ال", 4) && strlen(w) > 8)
        w += 4;   /* the article */
    char first[8], sk[4];
    size_t n = 1;
    while (w[n] && ((unsigned char)w[n] & 0xC0) == 0x80)
        n++;
    snprintf(first, sizeof first, "%.*s", (int)n, w);
    return mw_story_skeleton(first, script, sk, 2) > 0;
}

static int on_token(void *ctx, const struct mw_story_token *t)
{
    struct scan *sc = ctx;
    if (t->digits || t->nchars < 3 || mw_story_stop_has(sc->stop, t->norm))
        return 0;
    int cased = t->script == MW_SCRIPT_LATIN || t->script == MW_SCRIPT_CYRILLIC || t->script == MW_SCRIPT_GREEK;
    char key[16], surface[MW_STORY_NAMELEN];
    if (sc->pass == 0 && cased && t->cap && (!t->initial || seen_inside(sc, t->norm))) {
        size_t k = mw_story_skeleton(t->norm, t->script, key, 12);
        if (k < 2)
            return 0;
        if (k < 3)   /* too short to tell spellings apart: only the same word meets */
            snprintf(key, sizeof key, "=%.14s", t->norm);
        else {   /* "Minister"/"Ministry", "German"/"Germany" are other words, not other spellings */
            strcat(key, final_vowel(t->norm) ? "v" : "c");
            strcat(key, initial_kept(t->norm, t->script) ? "k" : "d");
        }
        size_t len = t->len < sizeof surface ? t->len : sizeof surface - 1;
        snprintf(surface, sizeof surface, "%.*s", (int)len, sc->text + t->off);
        add_spelling(find(sc->nm, key, 1), sc->text_no, surface);
    } else if (sc->pass == 1 && !cased && t->script != MW_SCRIPT_NONE) {
        size_t k = mw_story_skeleton(t->norm, t->script, key, 12);
        if (k < 3)
            return 0;
        key[k] = final_vowel(t->norm) ? 'v' : 'c';   /* an Arabic spelling may leave a final vowel out */
        key[k + 1] = initial_kept(t->norm, t->script) ? 'k' : 'd';
        key[k + 2] = '\0';
        struct name *n = find(sc->nm, key, 0);
        if (!n) {
            key[k] = key[k] == 'v' ? 'c' : 'v';
            n = find(sc->nm, key, 0);
        }
        size_t len = t->len < sizeof surface ? t->len : sizeof surface - 1;
        snprintf(surface, sizeof surface, "%.*s", (int)len, sc->text + t->off);
        if (n)
            add_spelling(n, sc->text_no, surface);
    }
    return 0;
}

/* folded words that appear capitalised inside a sentence somewhere */
static int on_inner(void *ctx, const struct mw_story_token *t)
{
    struct scan *sc = ctx;
    if (t->cap && !t->initial && sc->ninner < sizeof sc->inner / sizeof sc->inner[0] && !seen_inside(sc, t->norm))
        snprintf(sc->inner[sc->ninner++], MW_STORY_TOKMAX, "%s", t->norm);
    return 0;
}

static const char *best_spelling(const struct name *n)
{
    const char *best = "";
    int bn = 0;
    for (int i = 0; i < n->nsp; i++) {
        int latin = (unsigned char)n->sp[i].s[0] < 0x80;
        int score = n->sp[i].n + (latin ? 1000 : 0);
        if (score > bn) {
            bn = score;
            best = n->sp[i].s;
        }
    }
    return best;
}

/* spellings differ beyond case */
static int varies(const struct name *n)
{
    for (int i = 1; i < n->nsp; i++)
        if (strcasecmp(n->sp[0].s, n->sp[i].s))
            return 1;
    return 0;
}

static int order(const void *a, const void *b)
{
    const struct name *x = a, *y = b;
    if (x->texts != y->texts)
        return y->texts - x->texts;
    return y->total - x->total;
}

static json_t *to_json(struct names *nm)
{
    qsort(nm->v, nm->n, sizeof nm->v[0], order);
    json_t *out = json_array(), *single = json_array();
    for (size_t i = 0; i < nm->n && json_array_size(out) < 60; i++) {
        struct name *n = &nm->v[i];
        json_t *per = json_array();
        for (size_t t = 0; t < nm->ntexts; t++) {
            json_t *s = json_array();
            for (int k = 0; k < n->nsp; k++)
                if (n->sp[k].text == t)
                    json_array_append_new(s, json_string(n->sp[k].s));
            json_array_append_new(per, s);
        }
        json_t *e = json_pack("{s:s, s:s, s:i, s:o, s:b}", "name", best_spelling(n), "key", n->key,
                              "texts", n->texts, "spellings", per, "varies", varies(n));
        json_array_append_new(n->texts >= 2 || nm->ntexts < 2 ? out : single, e);
    }
    json_decref(single);   /* a name one text alone uses tells nothing about spelling */
    return out;
}

json_t *mw_story_names(const struct mw_story_stop *stop, const char *const *texts, size_t n)
{
    struct names nm = {calloc(MAX_NAMES, sizeof(struct name)), 0, n};
    struct scan *sc = calloc(1, sizeof *sc);
    if (!nm.v || !sc) {
        free(nm.v);
        free(sc);
        return json_array();
    }
    sc->stop = stop;
    sc->nm = &nm;
    for (size_t i = 0; i < n; i++)
        mw_story_tokens(texts[i], strlen(texts[i]), on_inner, sc);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            sc->pass = pass;
            sc->text = texts[i];
            sc->text_no = i;
            mw_story_tokens(texts[i], strlen(texts[i]), on_token, sc);
        }
    json_t *out = to_json(&nm);
    free(nm.v);
    free(sc);
    return out;
}
