/* story/features.c: an article's terms. Content words (function words out) give three kinds of term: the
 * word's first five letters (a stem that holds in every language the module meets), its consonant skeleton
 * (the same name in another script or spelling) and numbers; the first ten words (headline, lead) count three
 * times. Names (capitalised words inside a sentence) are kept with their spelling for labels. How the terms
 * are weighted is similarity.c's. */
#include "story/story.h"
#include "common/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/lang.h"

#define HEAD_WORDS 10
#define HEAD_WEIGHT 3.0f
#define MAX_TOKENS 3000        /* content words read per article: the event is told long before */
#define SLOTS 4096             /* accumulator (a power of two) */
#define MAX_DISTINCT 2048
#define SENT_TOKENS 96         /* a longer run without a sentence end counts as several sentences */
#define MAX_SENTS 1024         /* sentences judged per part; the rest are taken as they are */
#define CHROME_PAGE 0.6        /* a part whose words are this much chrome is chrome whole */

struct acc {
    uint32_t id;
    float tf;
    int first;                 /* position of the first occurrence */
    int used;
};
struct cand {                  /* a name candidate */
    uint32_t id;
    float w;
    int first;
    char surface[MW_STORY_NAMELEN];
};
/* one distinct folded form of the text (with its script: the same bytes in two scripts are two forms) and what
 * is derived from it, worked out once per text: a word repeats, its stop-word test, chrome weight, stem and
 * skeleton do not change */
struct form {
    uint32_t hash, norm;       /* of norm and script; norm's offset in forms.arena */
    uint32_t word, skel;       /* term ids (set when terms): the stem's (a number's: its own), the skeleton's */
    unsigned char script, stop, chrome, sk, terms;   /* sk: the skeleton's length */
};
struct forms {
    uint32_t *slot;            /* index + 1 into f, 0 = empty; cap of them, a power of two */
    size_t cap;
    struct form *f;
    size_t n, capf;
    char *arena;
    size_t nar, capar;
};

/* a token as a part keeps it: where it is, its form, and the flags of the input */
struct tok {
    size_t off, len;           /* the token's bytes in the input */
    uint32_t form;             /* index in forms.f */
    unsigned char nchars, script, cap, digits, initial;
};

struct fx {
    const struct mw_story_stop *stop;
    const char *text;
    struct acc *slot;
    size_t distinct;
    int pos, words;
    int scripts[MW_SCRIPT_OTHER + 1];
    struct cand names[64];
    size_t nnames;
    struct sents *sents;       /* the part's sentences as chrome.c judges them */
    struct forms forms;        /* of every part */
};

/* the tokens of one part, read once, with the sentence each is in, and its sentences as chrome.c judges them */
struct sents {
    struct tok *tok;
    uint16_t *sent;
    unsigned char *content;    /* content_word() of each token, as judge() found it */
    size_t ntok, cap;
    int weight[MAX_SENTS], words[MAX_SENTS];
    unsigned char drop[MAX_SENTS];
    size_t n;                  /* sentences met */
    int in_sent;               /* tokens of the current one */
    size_t head;               /* the first tokens, kept whatever their sentence: the title's words before chrome */
};

static uint32_t term_id(int kind, const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return (h & 0x3FFFFFFFu) | (uint32_t)kind << 30;
}

static void add_term(struct fx *x, uint32_t id, float w)
{
    size_t i = (id * 2654435761u) & (SLOTS - 1);
    while (x->slot[i].used && x->slot[i].id != id)
        i = (i + 1) & (SLOTS - 1);
    if (!x->slot[i].used) {
        if (x->distinct >= MAX_DISTINCT)
            return;
        x->slot[i] = (struct acc){id, 0, x->pos, 1};
        x->distinct++;
    }
    x->slot[i].tf += w;
}

static void surface_copy(char *dst, const char *src, size_t len)
{
    if (len >= MW_STORY_NAMELEN)
        len = MW_STORY_NAMELEN - 1;
    while (len && ((unsigned char)src[len] & 0xC0) == 0x80)   /* not inside a character */
        len--;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static void add_name(struct fx *x, uint32_t id, float w, const struct tok *t, int caseless)
{
    for (size_t i = 0; i < x->nnames; i++)
        if (x->names[i].id == id) {
            x->names[i].w += w;
            return;
        }
    if (x->nnames >= sizeof x->names / sizeof x->names[0])
        return;
    struct cand *c = &x->names[x->nnames++];
    c->id = id;
    c->w = caseless ? w * 0.5f : w;   /* a caseless script cannot say which words are names */
    c->first = x->pos;
    surface_copy(c->surface, x->text + t->off, t->len);
}

/* the term ids of a form, the first time they are asked for */
static void terms_of(struct forms *fs, struct form *f)
{
    if (f->terms)
        return;
    f->terms = 1;
    const char *norm = fs->arena + f->norm;
    if (f->script == MW_SCRIPT_NONE && *norm >= '0' && *norm <= '9') {   /* digits: a token of nothing else */
        f->word = term_id(MW_TERM_NUM, norm);
        return;
    }
    char stem[MW_STORY_TOKMAX];
    snprintf(stem, sizeof stem, "%s", norm);
    if (f->script == MW_SCRIPT_ARABIC)
        mw_story_arabic_light(stem);
    char skel[8];
    f->sk = (unsigned char)mw_story_skeleton(stem, f->script, skel, 4);
    mw_story_utf8_trunc(stem, 5);
    f->word = term_id(MW_TERM_WORD, stem);
    f->skel = f->sk >= 2 ? term_id(MW_TERM_SKEL, skel) : 0;
}

/* a token of a sentence that is not chrome; content: content_word() of it */
static int take_token(struct fx *x, const struct tok *t, int content)
{
    float w = x->pos < HEAD_WORDS ? HEAD_WEIGHT : 1.0f;
    struct form *f = &x->forms.f[t->form];
    if (t->digits) {
        if (t->nchars >= 2) {
            terms_of(&x->forms, f);
            add_term(x, f->word, w);
        }
        return 0;
    }
    if (!content)
        return 0;
    x->scripts[t->script]++;
    terms_of(&x->forms, f);
    size_t sk = t->nchars >= 4 ? f->sk : 0;   /* a skeleton of three letters or fewer tells no name */
    add_term(x, f->word, w);
    if (sk >= 2) {
        add_term(x, f->skel, w);
        int caseless = t->script == MW_SCRIPT_ARABIC || t->script == MW_SCRIPT_OTHER;
        if ((t->cap && !t->initial) || caseless)
            add_name(x, f->skel, w, t, caseless);
    }
    x->pos++;
    return ++x->words >= MAX_TOKENS;
}

/* tokens into sentences: a sentence starts at the first token after a sentence end, or after SENT_TOKENS */
static size_t sentence_of(struct sents *ss, const struct mw_story_token *t)
{
    if (!ss->n || t->initial || ss->in_sent >= SENT_TOKENS) {
        ss->n++;
        ss->in_sent = 0;
    }
    ss->in_sent++;
    return ss->n - 1;
}

/* room for c tokens; 1 when memory runs out */
static int reserve(struct sents *ss, size_t c)
{
    struct tok *nt = realloc(ss->tok, c * sizeof *nt);
    if (nt)
        ss->tok = nt;
    uint16_t *ns = nt ? realloc(ss->sent, c * sizeof *ns) : NULL;
    if (ns)
        ss->sent = ns;
    unsigned char *nc = ns ? realloc(ss->content, c) : NULL;
    if (!nc)
        return 1;
    ss->content = nc;
    ss->cap = c;
    return 0;
}

static int chrome_weight(const struct mw_story_stop *stop, const struct mw_story_token *t)
{
    if (t->digits)
        return 0;
    if (t->script != MW_SCRIPT_ARABIC)
        return mw_story_stop_chrome(stop, t->norm);
    char stem[MW_STORY_TOKMAX];
    memcpy(stem, t->norm, sizeof stem);
    mw_story_arabic_light(stem);
    return mw_story_stop_chrome(stop, stem);
}

/* room for one more form of n bytes (and its slot at half load); 1 when memory runs out */
static int forms_room(struct forms *fs, size_t n)
{
    if (mw_grow((void **)&fs->arena, &fs->capar, fs->nar + n + 1, 1, 4096) ||
        mw_grow((void **)&fs->f, &fs->capf, fs->n + 1, sizeof *fs->f, 256))
        return 1;
    if ((fs->n + 1) * 2 <= fs->cap)
        return 0;
    size_t cap = fs->cap ? fs->cap * 2 : 1024;
    uint32_t *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return 1;
    for (size_t k = 0; k < fs->n; k++) {
        size_t i = fs->f[k].hash & (cap - 1);
        while (slot[i])
            i = (i + 1) & (cap - 1);
        slot[i] = (uint32_t)k + 1;
    }
    free(fs->slot);
    fs->slot = slot;
    fs->cap = cap;
    return 0;
}

/* the index of t's form, added (its stop-word test and chrome weight with it) when new; -1 out of memory */
static long form_of(struct fx *x, const struct mw_story_token *t)
{
    struct forms *fs = &x->forms;
    uint32_t h = 2166136261u;
    size_t n = 0;
    for (; t->norm[n]; n++)
        h = (h ^ (unsigned char)t->norm[n]) * 16777619u;
    h = (h ^ t->script) * 16777619u;
    for (size_t i = fs->cap ? h & (fs->cap - 1) : 0; fs->cap && fs->slot[i]; i = (i + 1) & (fs->cap - 1)) {
        const struct form *f = &fs->f[fs->slot[i] - 1];
        if (f->hash == h && f->script == t->script && !memcmp(fs->arena + f->norm, t->norm, n + 1))
            return (long)fs->slot[i] - 1;
    }
    if (forms_room(fs, n))
        return -1;
    struct form *f = &fs->f[fs->n];
    *f = (struct form){.hash = h, .norm = (uint32_t)fs->nar, .script = t->script};
    memcpy(fs->arena + fs->nar, t->norm, n + 1);
    fs->nar += n + 1;
    f->stop = (unsigned char)mw_story_stop_has(x->stop, t->norm);
    f->chrome = (unsigned char)chrome_weight(x->stop, t);
    size_t i = h & (fs->cap - 1);
    while (fs->slot[i])
        i = (i + 1) & (fs->cap - 1);
    fs->slot[i] = (uint32_t)++fs->n;
    return (long)fs->n - 1;
}

static int collect(void *ctx, const struct mw_story_token *t)
{
    struct fx *x = ctx;
    struct sents *ss = x->sents;
    if (ss->ntok == ss->cap) {
        size_t c = ss->cap ? ss->cap * 2 : 512;
        if (reserve(ss, c))
            return 1;   /* out of memory: the text read so far is the text */
    }
    long form = form_of(x, t);
    if (form < 0)
        return 1;
    size_t i = sentence_of(ss, t);
    ss->tok[ss->ntok] = (struct tok){t->off, t->len, (uint32_t)form, (unsigned char)t->nchars, t->script, t->cap,
                                     t->digits, t->initial};
    ss->sent[ss->ntok++] = (uint16_t)(i < MAX_SENTS ? i : MAX_SENTS);
    return ss->ntok >= (size_t)MAX_TOKENS * 4;   /* far more than the content words taken */
}

static int content_word(const struct tok *t, const struct form *f)
{
    return !t->digits && t->nchars >= 2 && !f->stop;
}

/* The first tokens that stand for a title when the title and the text come as one: those before the first
 * word of chrome (at chrome_at), at most HEAD_WORDS content words. A chrome sentence opens with a few words
 * of its own ("To improve our website..."): when the chrome begins in a later sentence the head ends where
 * that sentence begins, and when it begins in the first sentence (the title and the banner run together)
 * its last two words go. No head (0) when fewer than three words are left. */
static size_t head_of(const struct sents *ss, size_t chrome_at)
{
    size_t end = chrome_at;
    int in_first = chrome_at < ss->ntok && ss->sent[chrome_at] == ss->sent[0];
    if (chrome_at < ss->ntok && !in_first)
        while (end > 0 && ss->sent[end - 1] == ss->sent[chrome_at])
            end--;
    size_t at[HEAD_WORDS], words = 0;   /* where each content word of the head ends */
    for (size_t k = 0; k < end && words < HEAD_WORDS; k++)
        if (ss->content[k])
            at[words++] = k + 1;
    if (in_first)
        words = words > 2 ? words - 2 : 0;
    return words >= 3 ? at[words - 1] : 0;
}

/* a sentence next to chrome is chrome too when it has a word of chrome or is a button's few words */
static int spreads(const struct sents *ss, size_t i)
{
    return !ss->drop[i] && (ss->weight[i] > 0 || ss->words[i] <= 2)
        && ((i > 0 && ss->drop[i - 1]) || (i + 1 < ss->n && ss->drop[i + 1]));
}

/* which sentences of the part are the page's chrome (cookie banners, paywalls, captchas, share links): those
 * whose words weigh MW_STORY_CHROME, the sentences around them that share their words, and the whole part when
 * it is mostly chrome; but in the record's first part the first words before any chrome stay (a cookie wall or
 * a paywall in front of an article: its title, when the title and the text come as one, is what is left) */
static void judge(const struct forms *fs, int first, struct sents *ss)
{
    size_t n = ss->n < MAX_SENTS ? ss->n : MAX_SENTS, chrome_at = ss->ntok;
    memset(ss->weight, 0, n * sizeof *ss->weight);
    memset(ss->words, 0, n * sizeof *ss->words);
    for (size_t k = 0; k < ss->ntok; k++) {
        const struct tok *t = &ss->tok[k];
        const struct form *f = &fs->f[t->form];
        int w = t->digits ? 0 : f->chrome;
        ss->content[k] = (unsigned char)content_word(t, f);
        if (w && chrome_at == ss->ntok)
            chrome_at = k;
        if (ss->sent[k] < MAX_SENTS) {
            ss->weight[ss->sent[k]] += w;
            ss->words[ss->sent[k]] += ss->content[k];
        }
    }
    ss->head = first ? head_of(ss, chrome_at) : 0;
    ss->n = n;
    for (size_t i = 0; i < n; i++)
        ss->drop[i] = ss->weight[i] >= MW_STORY_CHROME;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < n; i++)
            if (spreads(ss, i))
                ss->drop[i] = 1, changed = 1;
        for (size_t i = n; i-- > 0;)
            if (spreads(ss, i))
                ss->drop[i] = 1, changed = 1;
    }
    long all = 0, chrome = 0;
    for (size_t i = 0; i < n; i++) {
        all += ss->words[i];
        chrome += ss->drop[i] ? ss->words[i] : 0;
    }
    if (chrome && chrome >= CHROME_PAGE * (double)all)
        memset(ss->drop, 1, n);
}

static int by_weight(const void *a, const void *b)
{
    const struct acc *x = a, *y = b;
    if (x->tf != y->tf)
        return x->tf < y->tf ? 1 : -1;
    if (x->first != y->first)
        return x->first - y->first;
    return x->id < y->id ? -1 : x->id > y->id;   /* a word and its skeleton come together: a total order */
}

static int by_id(const void *a, const void *b)
{
    const struct mw_story_term *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int name_order(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->w != y->w)
        return x->w < y->w ? 1 : -1;
    return x->first - y->first;
}

/* move the k most salient of a[0..n) to the front (quickselect; their order among themselves is left open) */
static void select_top(struct acc *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1 && k > lo && k < hi) {
        struct acc pivot = a[lo + (hi - lo) / 2], t;
        size_t i = lo, j = hi - 1;
        while (i <= j) {
            while (by_weight(&a[i], &pivot) < 0)
                i++;
            while (by_weight(&a[j], &pivot) > 0)
                j--;
            if (i <= j) {
                t = a[i], a[i] = a[j], a[j] = t;
                i++;
                if (j-- == 0)
                    break;
            }
        }
        if (k <= j + 1)
            hi = j + 1;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

static void finish(struct fx *x, struct mw_story_feats *f)
{
    size_t n = 0;
    for (size_t i = 0; i < SLOTS; i++)
        if (x->slot[i].used)
            x->slot[n++] = x->slot[i];
    if (n > MW_STORY_MAXF)
        select_top(x->slot, n, MW_STORY_MAXF);   /* which terms: the first positions break ties */
    f->n = n < MW_STORY_MAXF ? n : MW_STORY_MAXF;
    for (size_t i = 0; i < f->n; i++)
        f->t[i] = (struct mw_story_term){x->slot[i].id, x->slot[i].tf};
    qsort(f->t, f->n, sizeof f->t[0], by_id);
    qsort(x->names, x->nnames, sizeof x->names[0], name_order);
    f->nnames = x->nnames < MW_STORY_NAMES ? x->nnames : MW_STORY_NAMES;
    for (size_t i = 0; i < f->nnames; i++) {
        f->names[i].id = x->names[i].id;
        f->names[i].w = x->names[i].w;
        memcpy(f->names[i].surface, x->names[i].surface, MW_STORY_NAMELEN);
    }
    int best = MW_SCRIPT_NONE;
    for (int s = MW_SCRIPT_LATIN; s <= MW_SCRIPT_OTHER; s++)
        if (x->scripts[s] > x->scripts[best])
            best = s;
    f->script = (unsigned char)best;
}

static void read_part(struct fx *x, const char *s)
{
    if (!s || x->words >= MAX_TOKENS)
        return;
    x->text = s;
    struct sents *ss = x->sents;
    ss->ntok = ss->n = 0;
    ss->in_sent = 0;
    size_t len = strlen(s), guess = len / 5 + 64;   /* a token and its space: about six bytes */
    if (guess > (size_t)MAX_TOKENS * 4)
        guess = (size_t)MAX_TOKENS * 4;
    if (guess > ss->cap)
        reserve(ss, guess);   /* out of memory: collect() asks again */
    mw_story_tokens(s, len, collect, x);
    judge(&x->forms, !x->words, ss);
    for (size_t k = 0; k < ss->ntok; k++)
        if ((k < ss->head || ss->sent[k] >= MAX_SENTS || !ss->drop[ss->sent[k]]) &&
            take_token(x, &ss->tok[k], ss->content[k]))
            break;
}

void mw_story_features(const struct mw_story_stop *stop, const char *title, const char *body,
                       struct mw_story_feats *f)
{
    memset(f, 0, sizeof *f);
    struct fx *x = calloc(1, sizeof *x);
    if (!x)
        return;   /* no terms: the article stays alone */
    x->slot = calloc(SLOTS, sizeof *x->slot);
    x->sents = calloc(1, sizeof *x->sents);
    if (x->slot && x->sents) {
        x->stop = stop;
        read_part(x, title);
        read_part(x, body);
        finish(x, f);
    }
    free(x->slot);
    if (x->sents) {
        free(x->sents->tok);
        free(x->sents->sent);
        free(x->sents->content);
    }
    free(x->forms.slot);
    free(x->forms.f);
    free(x->forms.arena);
    free(x->sents);
    free(x);
}

void mw_story_features_record(const struct mw_story_stop *stop, const json_t *rec, struct mw_story_feats *f)
{
    const char *title = json_string_value(json_object_get(rec, "title"));
    const char *body = json_string_value(json_object_get(rec, "body"));
    if (!body || !*body)
        body = json_string_value(json_object_get(rec, "lead"));
    mw_story_features(stop, title, body, f);
    char l[3];
    const char *tag = json_string_value(json_object_get(rec, "lang"));
    if (tag && !mw_lang_normalize(tag, l)) {
        snprintf(f->lang, sizeof f->lang, "%s", l);
        return;
    }
    const char *text = body && *body ? body : title;
    const char *guess = text ? mw_lang_detect(text, strlen(text) < 4096 ? strlen(text) : 4096) : NULL;
    snprintf(f->lang, sizeof f->lang, "%s", guess ? guess : "");
}
