/* story/attrib.c: who a text cites and whom it quotes. Sources come from attribution cues around a name
 * ("according to X", "X reported", "quoted by X", "citing X", "told X", their equivalents in de fr es pl tr ru
 * ar) and from wire credits ("/TASS/", "(AP)", "— Reuters", "(Harbor Times) —"); quotes are spans in quote
 * marks of four words or more, with the speaker a speech verb names next to them (a pronoun takes the last
 * named speaker). Patterns are about how news is written, never about one outlet. */
#include "story/story.h"
#include "common/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- tokens with their place in the text ---------- */

struct tk {
    size_t off, len;
    char norm[MW_STORY_TOKMAX];
    unsigned char cap, script, digits;
};
struct toks {
    const char *text;
    struct tk *t;
    size_t n, cap;
};

static int collect(void *ctx, const struct mw_story_token *t)
{
    struct toks *ts = ctx;
    if (mw_grow((void **)&ts->t, &ts->cap, ts->n + 1, sizeof *ts->t, 256))
        return 1;
    struct tk *k = &ts->t[ts->n++];
    k->off = t->off;
    k->len = t->len;
    memcpy(k->norm, t->norm, sizeof k->norm);
    k->cap = t->cap;
    k->script = t->script;
    k->digits = t->digits;
    return 0;
}

static int tokenize(const char *text, struct toks *ts)
{
    memset(ts, 0, sizeof *ts);
    ts->text = text;
    mw_story_tokens(text, strlen(text), collect, ts);
    return ts->t ? 0 : -1;
}

static int is(const struct tk *t, const char *w) { return !strcmp(t->norm, w); }

static int in_list(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(w, *list))
            return 1;
    return 0;
}

/* Does the text between tokens i-1 and i hold punctuation that ends a name? (Apostrophes, hyphens and the dots
 * of "U.N." do not.) */
static int gap_breaks(const struct toks *ts, size_t i)
{
    if (i == 0 || i >= ts->n)
        return 1;
    const struct tk *a = &ts->t[i - 1], *b = &ts->t[i];
    const char *p = ts->text + a->off + a->len, *e = ts->text + b->off;
    int initials = a->len == 1 && a->cap;   /* the dot of "U.N." or "J. Smith" */
    for (; p < e; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '.' && initials)
            continue;
        if (strchr(",.;:!?\"()[]\n", c) && c)
            return 1;
        if (c == 0xE2 && p + 2 < e && (unsigned char)p[1] == 0x80
            && strchr("\x93\x94\x9c\x9d\x9e", p[2]))   /* – — “ ” „ */
            return 1;
        if (c == 0xC2 && p + 1 < e && ((unsigned char)p[1] == 0xAB || (unsigned char)p[1] == 0xBB))   /* « » */
            return 1;
        if (c == 0xD8 && p + 1 < e && ((unsigned char)p[1] == 0x8C || (unsigned char)p[1] == 0x9B))   /* ، ؛ */
            return 1;
    }
    return 0;
}

/* only a comma (and spaces) between tokens i-1 and i */
static int gap_is_comma(const struct toks *ts, size_t i)
{
    if (i == 0 || i >= ts->n)
        return 0;
    const char *p = ts->text + ts->t[i - 1].off + ts->t[i - 1].len, *e = ts->text + ts->t[i].off;
    int commas = 0;
    for (; p < e; p++) {
        if (*p == ',')
            commas++;
        else if (*p != ' ')
            return 0;
    }
    return commas == 1;
}

/* ---------- names ---------- */

static const char *const CONNECT[] = {"al", "el", "ibn", "bin", "bint", "abu", "de", "del", "der", "van", "von", "da",
                                      "di", "du", "la", "le", "ul", NULL};
/* words that say what a source is, after or before its name */
static const char *const OUTLET_WORDS[] = {
    "news", "agency", "newspaper", "daily", "channel", "tv", "television", "radio", "website", "portal",
    "broadcaster", "media", "agentur", "nachrichtenagentur", "zeitung", "sender", "agence", "journal", "quotidien",
    "chaine", "agencia", "diario", "periodico", "cadena", "ajansi", "ajans", "gazetesi", "gazete", "agencja",
    "gazeta", "dziennik", "telewizja", "агентство", "газета", "телеканал", "издание", "радио", "وكاله", "لوكاله",
    "صحيفه", "لصحيفه", "قناه", "لقناه", "موقع", "لموقع", "اذاعه", NULL};
static const char *const ROLE_WORDS[] = {
    "sources", "source", "officials", "official", "minister", "ministry", "spokesman", "spokeswoman", "spokesperson",
    "office", "police", "army", "military", "government", "foreign", "defense", "defence", "interior", "reports",
    "witnesses", "authorities", "statement", "quellen", "kreisen", "sources", "fuentes", "zrodla", "kaynaklar",
    "источники", "источник", "مصادر", "مصدر",
    /* offices in the other languages: the minister, the spokesperson, the official */
    "ministre", "ministro", "ministerin", "министр", "bakan", "bakani", "minister", "porte", "parole", "sprecher",
    "sprecherin", "portavoz", "rzecznik", "представитель", "officiel", "responsable", "funcionario", "policja",
    "polizei", "policia", "полиция", "police", "الوزير", "المتحدث", "وزير", NULL};

static int caseless(const struct tk *t) { return t->script == MW_SCRIPT_ARABIC || t->script == MW_SCRIPT_OTHER; }

static int all_caps(const struct toks *ts, size_t i)
{
    const struct tk *t = &ts->t[i];
    for (size_t k = 0; k < t->len; k++)
        if ((unsigned char)ts->text[t->off + k] < 0x80 && !(ts->text[t->off + k] >= 'A' && ts->text[t->off + k] <= 'Z'))
            return 0;
    return t->len >= 2;
}

/* can a name start at token i: a name word not a function word ("The", "Although"), an acronym ("US"), or a
 * link followed by a name ("Al Arabiya") */
static int name_start(const struct mw_story_stop *stop, const struct toks *ts, size_t i)
{
    const struct tk *t = &ts->t[i];
    if (!mw_story_stop_has(stop, t->norm) || all_caps(ts, i))
        return 1;
    if (t->len == 1 && t->cap && i + 1 < ts->n && ts->t[i + 1].cap && !gap_breaks(ts, i + 1))
        return 1;   /* "U.N." */
    return in_list(t->norm, CONNECT) && i + 1 < ts->n && ts->t[i + 1].cap && !gap_breaks(ts, i + 1);
}

/* can token i be part of a name (given the span so far) */
static int name_part(const struct mw_story_stop *stop, const struct toks *ts, size_t i, int first)
{
    const struct tk *t = &ts->t[i];
    if (t->digits)
        return 0;
    if (caseless(t))
        return !mw_story_stop_has(stop, t->norm) && !in_list(t->norm, OUTLET_WORDS);
    if (t->cap)
        return first ? name_start(stop, ts, i) : 1;
    /* "al-Sarraj", "Russia's": lower-case links inside a name */
    if (!first && (in_list(t->norm, CONNECT) || (is(t, "s") && !gap_breaks(ts, i))))
        return i + 1 < ts->n && ts->t[i + 1].cap && !gap_breaks(ts, i + 1);
    return 0;
}

/* a name starting at token i: its end (exclusive), or i when none */
static size_t span_forward(const struct mw_story_stop *stop, const struct toks *ts, size_t i)
{
    size_t j = i, max = caseless(&ts->t[i]) ? 4 : 6;
    while (j < ts->n && j - i < max && (j == i || !gap_breaks(ts, j)) && name_part(stop, ts, j, j == i)
           && !(caseless(&ts->t[j]) && !strncmp(ts->t[j].norm, "لل", 4)))   /* "للصحفيين": to the ... */
        j++;
    while (j > i && !ts->t[j - 1].cap && !caseless(&ts->t[j - 1]))   /* a name ends on a name word */
        j--;
    return j;
}

/* a name ending just before token end: its start, or end when none */
static size_t span_backward(const struct mw_story_stop *stop, const struct toks *ts, size_t end)
{
    size_t i = end;
    while (i > 0 && end - i < 6 && (i == end || !gap_breaks(ts, i)) && name_part(stop, ts, i - 1, 0))
        i--;
    while (i < end && ((!ts->t[i].cap && !caseless(&ts->t[i])) || (ts->t[i].cap && !name_start(stop, ts, i))))
        i++;   /* a name starts on a name word */
    return i;
}

static void span_text(const struct toks *ts, size_t a, size_t b, char *out, size_t cap)
{
    size_t off = ts->t[a].off, len = ts->t[b - 1].off + ts->t[b - 1].len - off;
    snprintf(out, cap, "%.*s", (int)len, ts->text + off);
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
}

/* ---------- known agencies and outlets ---------- */

static const char *const AGENCIES[] = {
    "reuters", "ap", "associated press", "afp", "agence france presse", "france presse", "tass", "ria novosti",
    "ria", "interfax", "sputnik", "anadolu", "anadolu agency", "aa", "xinhua", "dpa", "efe", "ansa", "kyodo",
    "yonhap", "pap", "upi", "bernama", "antara", "wafa", "sana", "irna", "isna", "mehr", "tasnim", "fars", "petra",
    "kuna", "wam", "spa", "mena", "qna", "ukrinform", "unian", "belta", "pti", "ians", "al arabiya", "al jazeera",
    "bbc", "cnn", "sky news", "rt", "euronews", "bloomberg", "cgtn", "trt", "telesur", "al ahed", "europa press",
    "apa", "ctk", "mti", "tanjug", "hina", "ана", "тасс", "риа новости", "интерфакс", "спутник", "рбк",
    "سبوتنيك", "رويترز", "فرانس برس", "الاناضول", "الاناضول", "العربيه", "الجزيره", "تاس", "انترفاكس",
    "اسوشيتد برس", "شينخوا", NULL};

static void fold_phrase(const char *s, char *out, size_t cap);

int mw_story_known_agency(const char *name)
{
    char f[256];
    fold_phrase(name, f, sizeof f);
    return in_list(f, AGENCIES);
}

struct foldbuf {
    char *out;
    size_t n, cap;
};

static int fold_tok(void *ctx, const struct mw_story_token *t)
{
    struct foldbuf *b = ctx;
    size_t l = strlen(t->norm);
    if (b->n + l + 2 > b->cap)
        return 1;
    if (b->n)
        b->out[b->n++] = ' ';
    memcpy(b->out + b->n, t->norm, l);
    b->n += l;
    b->out[b->n] = '\0';
    return 0;
}

/* "Al-Arabiya", "AL ARABIYA" -> "al arabiya" */
static void fold_phrase(const char *s, char *out, size_t cap)
{
    struct foldbuf b = {out, 0, cap};
    out[0] = '\0';
    mw_story_tokens(s, strlen(s), fold_tok, &b);
}

/* ---------- the sources ---------- */

enum side { AFTER, BEFORE };
struct cue {
    const char *w[5];
    enum side side;
    const char *name;
    int inverted;   /* "said Sergey Lavrov.": the name must close the clause */
};
static const struct cue CUES[] = {
    /* en */
    {{"according", "to"}, AFTER, "according to", 0}, {{"quoted", "by"}, AFTER, "quoted by", 0},
    {{"as", "saying", "by"}, AFTER, "quoted by", 0}, {{"cited", "by"}, AFTER, "cited by", 0}, {{"citing"}, AFTER, "citing", 0},
    {{"quoting"}, AFTER, "quoting", 0}, {{"reported", "by"}, AFTER, "reported by", 0}, {{"confirmed", "to"}, AFTER, "told", 0},
    {{"told"}, AFTER, "told", 0}, {{"speaking", "to"}, AFTER, "told", 0}, {{"interview", "with"}, AFTER, "told", 0},
    {{"says"}, AFTER, "says", 1}, {{"said"}, AFTER, "said", 1}, {{"reported"}, BEFORE, "reported", 0},
    {{"reports"}, BEFORE, "reported", 0}, {{"quoted"}, BEFORE, "quoted", 0}, {{"said"}, BEFORE, "said", 0},
    {{"says"}, BEFORE, "said", 0},
    /* de */
    {{"laut"}, AFTER, "laut", 0}, {{"nach", "angaben", "von"}, AFTER, "nach Angaben", 0}, {{"nach", "angaben", "der"}, AFTER, "nach Angaben", 0},
    {{"unter", "berufung", "auf"}, AFTER, "unter Berufung auf", 0}, {{"zufolge"}, BEFORE, "zufolge", 0},
    {{"berichtete"}, BEFORE, "berichtete", 0}, {{"berichtet"}, BEFORE, "berichtet", 0}, {{"meldete"}, BEFORE, "meldete", 0},
    {{"berichtete"}, AFTER, "berichtete", 1}, {{"sagte"}, AFTER, "sagte", 1}, {{"sagte"}, BEFORE, "sagte", 0},
    {{"gegenuber"}, AFTER, "gegenüber", 0}, {{"zitiert"}, AFTER, "zitiert", 0},
    /* fr */
    {{"selon"}, AFTER, "selon", 0}, {{"d", "apres"}, AFTER, "d'après", 0}, {{"cite", "par"}, AFTER, "cité par", 0},
    {{"citant"}, AFTER, "citant", 0}, {{"rapporte"}, AFTER, "rapporte", 1}, {{"a", "rapporte"}, BEFORE, "a rapporté", 0},
    {{"a", "declare"}, BEFORE, "a déclaré", 0}, {{"a", "indique"}, BEFORE, "a indiqué", 0},
    /* es */
    {{"segun"}, AFTER, "según", 0}, {{"de", "acuerdo", "con"}, AFTER, "de acuerdo con", 0}, {{"citado", "por"}, AFTER, "citado por", 0},
    {{"citando", "a"}, AFTER, "citando a", 0}, {{"informo"}, AFTER, "informó", 1}, {{"informo"}, BEFORE, "informó", 0},
    {{"dijo", "a"}, AFTER, "dijo a", 0}, {{"declaro", "a"}, AFTER, "declaró a", 0}, {{"dijo"}, BEFORE, "dijo", 0},
    /* pl */
    {{"wedlug"}, AFTER, "według", 0}, {{"jak", "podaje"}, AFTER, "jak podaje", 0}, {{"jak", "poinformowal"}, AFTER, "jak poinformował", 0},
    {{"jak", "poinformowala"}, AFTER, "jak poinformowała", 0}, {{"powolujac", "sie", "na"}, AFTER, "powołując się na", 0},
    {{"cytowany", "przez"}, AFTER, "cytowany przez", 0}, {{"cytowana", "przez"}, AFTER, "cytowana przez", 0},
    {{"podaje"}, BEFORE, "podaje", 0}, {{"poinformowal"}, BEFORE, "poinformował", 0}, {{"powiedzial"}, BEFORE, "powiedział", 0},
    /* tr */
    {{"gore"}, BEFORE, "göre", 0}, {{"haberine", "gore"}, BEFORE, "göre", 0}, {{"aktardigina", "gore"}, BEFORE, "göre", 0},
    {{"konusan"}, BEFORE, "konuştu", 0}, {{"konustu"}, BEFORE, "konuştu", 0}, {{"dedi"}, BEFORE, "dedi", 0},
    /* ru */
    {{"по", "данным"}, AFTER, "по данным", 0}, {{"по", "словам"}, AFTER, "по словам", 0}, {{"как", "сообщает"}, AFTER, "как сообщает", 0},
    {{"как", "сообщил"}, AFTER, "как сообщил", 0}, {{"как", "сообщило"}, AFTER, "как сообщило", 0},
    {{"со", "ссылкой", "на"}, AFTER, "со ссылкой на", 0}, {{"по", "информации"}, AFTER, "по информации", 0},
    {{"сообщает"}, AFTER, "сообщает", 1}, {{"передает"}, AFTER, "передает", 1}, {{"цитирует"}, AFTER, "цитирует", 0},
    {{"заявил"}, AFTER, "заявил", 1}, {{"сообщил"}, BEFORE, "сообщил", 0}, {{"сообщает"}, BEFORE, "сообщает", 0},
    {{"пишет"}, BEFORE, "пишет", 0}, {{"заявил"}, BEFORE, "заявил", 0},
    /* ar */
    {{"وفقا"}, AFTER, "وفقا لـ", 0}, {{"بحسب"}, AFTER, "بحسب", 0}, {{"حسب"}, AFTER, "حسب", 0}, {{"نقلت"}, AFTER, "نقلت", 0},
    {{"نقل"}, AFTER, "نقل", 0}, {{"نقلا", "عن"}, AFTER, "نقلا عن", 0}, {{"ذكرت"}, AFTER, "ذكرت", 0}, {{"افادت"}, AFTER, "أفادت", 0},
    {{"قالت"}, AFTER, "قالت", 1}, {{"قال"}, AFTER, "قال", 1}, {{"صرح"}, AFTER, "صرح لـ", 0},
};

struct src {
    char name[160], key[160], cue[32];
    int kind;   /* 0 other, 1 outlet, 2 agency */
    int count, first;
};
struct srcs {
    struct src s[64];
    size_t n;
};

static const char *const KIND[] = {"other", "outlet", "agency"};

static void add_source(struct srcs *ss, const char *name, const char *cue, int kind, int order)
{
    char key[160];
    fold_phrase(name, key, sizeof key);
    if (!key[0])
        return;
    if (in_list(key, AGENCIES))
        kind = 2;
    for (const char *const *w = OUTLET_WORDS; *w && kind < 1; w++) {
        const char *p = strstr(key, *w);
        size_t l = strlen(*w);
        if (p && (p == key || p[-1] == ' ') && (p[l] == '\0' || p[l] == ' '))
            kind = 1;   /* "Strait News Agency" */
    }
    for (size_t i = 0; i < ss->n; i++)
        if (!strcmp(ss->s[i].key, key)) {
            ss->s[i].count++;
            if (kind > ss->s[i].kind)
                ss->s[i].kind = kind;
            return;
        }
    if (ss->n >= sizeof ss->s / sizeof ss->s[0])
        return;
    struct src *s = &ss->s[ss->n++];
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->key, sizeof s->key, "%s", key);
    snprintf(s->cue, sizeof s->cue, "%s", cue);
    s->kind = kind;
    s->count = 1;
    s->first = order;
}

/* t is w, or (Arabic) w with the conjunction wa- or fa- written onto it */
static int is_word(const struct tk *t, const char *w)
{
    if (is(t, w))
        return 1;
    return t->script == MW_SCRIPT_ARABIC && (!strncmp(t->norm, "و", 2) || !strncmp(t->norm, "ف", 2))
        && !strcmp(t->norm + 2, w);
}

static int cue_at(const struct toks *ts, size_t i, const struct cue *c, size_t *len)
{
    size_t k = 0;
    for (; k < 5 && c->w[k]; k++)
        if (i + k >= ts->n || !is_word(&ts->t[i + k], c->w[k]) || (k && gap_breaks(ts, i + k)))
            return 0;
    *len = k;
    return 1;
}

/* descriptors ("news agency") next to a name: skipped over; *kind raised when they say outlet */
static size_t skip_words(const struct toks *ts, size_t i, size_t end, int dir, const char *const *list, int *kind)
{
    size_t n = 0;
    while (n < 3) {
        size_t j = dir > 0 ? i + n : i - n - 1;
        if ((dir > 0 && j >= end) || (dir < 0 && i < n + 1) || !in_list(ts->t[j].norm, list))
            break;
        if (dir > 0 ? gap_breaks(ts, j) && n : gap_breaks(ts, j + 1))
            break;
        if (list == OUTLET_WORDS)
            *kind = 1;
        n++;
    }
    return n;
}

/* the source a cue at [i, i+len) names, or 0 */
static int clause_ends(const struct toks *ts, size_t e)
{
    static const char *const GO_ON[] = {"citing", "quoting", "in", "on", "at", "told", "cytujac", "citant", NULL};
    return e >= ts->n || gap_breaks(ts, e) || in_list(ts->t[e].norm, GO_ON);
}

static int source_after(const struct mw_story_stop *stop, const struct toks *ts, size_t i, size_t len, char *out,
                        size_t cap, int *kind, int inverted)
{
    size_t j = i + len;
    if (j >= ts->n || gap_breaks(ts, j))
        return 0;
    for (int skip = 0; skip < (inverted ? 3 : 2) && j < ts->n && !ts->t[j].cap && !caseless(&ts->t[j]) && !in_list(ts->t[j].norm, ROLE_WORDS)
                       && !in_list(ts->t[j].norm, OUTLET_WORDS) && !gap_breaks(ts, j + 1) && !ts->t[j].digits; skip++)
        j++;   /* "the", "anonymous" */
    j += skip_words(ts, j, ts->n, 1, OUTLET_WORDS, kind);
    size_t e = j < ts->n ? span_forward(stop, ts, j) : j;
    if (e == j) {   /* no name: a bare role ("according to police") */
        if (j < ts->n && in_list(ts->t[j].norm, ROLE_WORDS) && !is(&ts->t[j], "reports") && !is(&ts->t[j], "statement")) {
            span_text(ts, j, j + 1, out, cap);
            return 1;
        }
        return 0;
    }
    size_t tail = skip_words(ts, e, ts->n, 1, OUTLET_WORDS, kind), poss = 0;
    if (!tail) {
        poss = e < ts->n && is(&ts->t[e], "s") && !gap_breaks(ts, e);   /* "Russia's foreign minister" */
        tail = skip_words(ts, e + poss, ts->n, 1, ROLE_WORDS, kind);
    }
    if (inverted && !caseless(&ts->t[j]) && !clause_ends(ts, e + (tail ? poss + tail : 0)))
        return 0;   /* "said Haftar had ...": Haftar is what was said, not who (Arabic puts the speaker there) */
    span_text(ts, j, e, out, cap);
    if (tail && e + poss < ts->n && in_list(ts->t[e + poss].norm, ROLE_WORDS))
        span_text(ts, j, e + poss + tail, out, cap);   /* "LNA sources" */
    return 1;
}

static int source_before(const struct mw_story_stop *stop, const struct toks *ts, size_t i, char *out, size_t cap,
                         int *kind)
{
    size_t e = i;
    if (e == 0 || (gap_breaks(ts, e) && !gap_is_comma(ts, e)))
        return 0;
    /* Turkish "Reuters'a göre": the case ending stands between name and cue */
    if (e > 1 && ts->t[e - 1].len <= 3 && !ts->t[e - 1].cap && !gap_breaks(ts, e - 1)
        && (ts->text[ts->t[e - 1].off - 1] == '\'' || (unsigned char)ts->text[ts->t[e - 1].off - 1] == 0x99))
        e--;
    e -= skip_words(ts, e, 0, -1, OUTLET_WORDS, kind);
    size_t a = span_backward(stop, ts, e);
    if (a == e)
        return 0;
    span_text(ts, a, e, out, cap);
    return 1;
}

/* /TASS/, (AP), (Harbor Times) —, — Reuters */
static void credits(const struct mw_story_stop *stop, const struct toks *ts, struct srcs *ss)
{
    const char *t = ts->text;
    for (size_t i = 0; i < ts->n; i++) {
        const struct tk *k = &ts->t[i];
        char before = k->off ? t[k->off - 1] : '\0';
        if (before != '/' && before != '(')
            continue;
        size_t e = span_forward(stop, ts, i);
        if (e == i)
            continue;
        const struct tk *last = &ts->t[e - 1];
        const char *after = t + last->off + last->len;
        char name[160];
        span_text(ts, i, e, name, sizeof name);
        int known = mw_story_known_agency(name);
        int dash = *after == ')' && (!strncmp(after + 1, " \xE2\x80\x94", 4) || !strncmp(after + 1, " \xE2\x80\x93", 4)
                                     || !strncmp(after + 1, " - ", 3));
        if ((before == '/' && *after == '/') || (before == '(' && *after == ')' && (known || dash)))
            add_source(ss, name, "credit", known ? 2 : 1, (int)i);
    }
    /* "— Reuters" closing a paragraph */
    for (size_t i = 0; i + 1 <= ts->n; i++) {
        const struct tk *k = &ts->t[i];
        if (k->off < 4 || strncmp(t + k->off - 4, "\xE2\x80\x94 ", 4))
            continue;
        size_t e = span_forward(stop, ts, i);
        const char *after = e > i ? t + ts->t[e - 1].off + ts->t[e - 1].len : "";
        char name[160];
        if (e > i && (*after == '\0' || *after == '\n')) {
            span_text(ts, i, e, name, sizeof name);
            if (mw_story_known_agency(name))
                add_source(ss, name, "credit", 2, (int)i);
        }
    }
}

static int by_count(const void *a, const void *b)
{
    const struct src *x = a, *y = b;
    if (x->kind != y->kind && (x->kind == 0 || y->kind == 0))
        return x->kind == 0 ? 1 : -1;   /* agencies and outlets before people and offices */
    if (x->count != y->count)
        return y->count - x->count;
    return x->first - y->first;
}

json_t *mw_story_sources(const char *text, const char *lang)
{
    (void)lang;   /* every language's cues are tried: a cue of one language is no word of another */
    struct mw_story_stop *stop = mw_story_stop_new();
    struct toks ts;
    struct srcs *ss = calloc(1, sizeof *ss);
    json_t *out = json_array();
    if (!stop || !ss || !out || tokenize(text ? text : "", &ts)) {
        mw_story_stop_free(stop);
        free(ss);
        return out;
    }
    for (size_t i = 0; i < ts.n; i++)
        for (size_t c = 0; c < sizeof CUES / sizeof CUES[0]; c++) {
            size_t len;
            char name[160];
            int kind = 0;
            if (!cue_at(&ts, i, &CUES[c], &len))
                continue;
            int got = CUES[c].side == AFTER ? source_after(stop, &ts, i, len, name, sizeof name, &kind, CUES[c].inverted)
                                            : source_before(stop, &ts, i, name, sizeof name, &kind);
            if (got)
                add_source(ss, name, CUES[c].name, kind, (int)i);
        }
    credits(stop, &ts, ss);
    qsort(ss->s, ss->n, sizeof ss->s[0], by_count);
    for (size_t i = 0; i < ss->n; i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:i}", "source", ss->s[i].name, "kind",
                                             KIND[ss->s[i].kind], "cue", ss->s[i].cue, "count", ss->s[i].count));
    free(ts.t);
    free(ss);
    mw_story_stop_free(stop);
    return out;
}

/* ---------- quotes ---------- */

static const char *const SPEECH[] = {
    "said", "says", "say", "told", "tells", "added", "adds", "stated", "noted", "declared", "explained", "wrote",
    "warned", "asked", "stressed", "insisted", "replied", "argued", "claimed", "quoted", "saying", "noting", "adding",
    "stressing", "sagte", "sagt",
    "erklarte", "betonte", "sagten", "dit", "declare", "affirme", "explique", "ajoute", "dijo", "afirmo", "senalo",
    "aseguro", "explico", "agrego", "anadio", "declaro", "indico", "заявил", "заявила", "сказал", "сказала",
    "отметил", "отметила", "сообщил", "сообщила", "подчеркнул", "добавил", "пояснил", "dedi", "soyledi",
    "belirtti", "kaydetti", "acikladi", "powiedzial", "powiedziala", "stwierdzil", "dodal", "podkreslil",
    "zaznaczyl", "mowi", "قال", "قالت", "وقال", "وقالت", "اضاف", "واضاف", "اكد", "واكد", "صرح", "اوضح", "اشار", NULL};
static const char *const PRONOUNS[] = {"he", "she", "er", "sie", "il", "elle", "он", "она", NULL};

struct quote_ctx {
    const struct mw_story_stop *stop;
    const struct toks *ts;
    char last[160];           /* the last named speaker */
    char last_quote[160];     /* the speaker of the last quote */
};

static const char *const ADVERBS[] = {"also", "then", "later", "further", "earlier", "again", "auch", "aussi",
                                      "tambien", "также", "takze", NULL};
static const char *const DETERMINERS[] = {"the", "a", "an", "der", "die", "das", "le", "la", "les", "el", "los",
                                          "las", NULL};

/* "the military source (also) said", "The LNA's sources told": a role phrase ending just before token e */
static int role_before(const struct toks *ts, size_t e, char *out, size_t cap)
{
    while (e > 0 && in_list(ts->t[e - 1].norm, ADVERBS))
        e--;
    if (e == 0 || !in_list(ts->t[e - 1].norm, ROLE_WORDS))
        return 0;
    size_t a = e - 1;   /* back over modifiers ("military", "LNA's") to a determiner or a break */
    while (a > 0 && e - a < 4 && !gap_breaks(ts, a) && !in_list(ts->t[a - 1].norm, DETERMINERS)
           && !in_list(ts->t[a - 1].norm, SPEECH) && !ts->t[a - 1].digits)
        a--;
    span_text(ts, a, e, out, cap);
    return 1;
}

/* "quoted a military source": the role phrase after token v */
static int role_after(const struct toks *ts, size_t v, size_t hi, char *out, size_t cap)
{
    size_t a = v + 1;
    if (a < hi && in_list(ts->t[a].norm, DETERMINERS))
        a++;
    for (size_t e = a; e < hi && e - a < 4 && (e == a || !gap_breaks(ts, e)); e++)
        if (in_list(ts->t[e].norm, ROLE_WORDS)) {
            while (e + 1 < hi && in_list(ts->t[e + 1].norm, ROLE_WORDS) && !gap_breaks(ts, e + 1))
                e++;   /* "military source" */
            span_text(ts, a, e + 1, out, cap);
            return 1;
        }
    return 0;
}

/* the end of "as saying" (or "as telling") after token v within [v, hi), or 0 */
static size_t as_saying(const struct toks *ts, size_t v, size_t hi)
{
    for (size_t k = v + 1; k + 1 < hi; k++)
        if (is(&ts->t[k], "as") && is(&ts->t[k + 1], "saying"))
            return k;
    return 0;
}

/* whom "he" or "she" can stand for: a person's name, not an acronym or an office ("U.S.", "GNA") */
static int person_like(const char *name)
{
    int lower = 0;
    for (const char *p = name; *p; p++) {
        if (*p == '.')
            return 0;
        lower |= *p >= 'a' && *p <= 'z';
    }
    return lower || (unsigned char)name[0] >= 0x80;
}

static int pronoun_speaker(struct quote_ctx *q, char *out, size_t cap)
{
    snprintf(out, cap, "%s", q->last);
    return q->last[0] != 0;
}

/* a speaker named next to the speech verb at token v (tokens [lo, hi) are the sentence part to look in) */
static int speaker_at(struct quote_ctx *q, size_t v, size_t lo, size_t hi, char *out, size_t cap)
{
    const struct toks *ts = q->ts;
    int kind = 0;
    size_t e = v;
    if (is(&ts->t[v], "saying") && e > lo && is(&ts->t[e - 1], "as"))
        e--;
    if ((is(&ts->t[v], "quoted") || is(&ts->t[v], "saying")) && e > lo
        && (is(&ts->t[e - 1], "was") || is(&ts->t[e - 1], "were")))
        e--;   /* "Haftar was quoted as saying" */
    if (is(&ts->t[v], "quoted") && e == v) {   /* "X quoted Y as saying": Y */
        size_t as = as_saying(ts, v, hi);
        size_t a = as ? span_backward(q->stop, ts, as) : as;
        if (as && a < as) {
            span_text(ts, a, as, out, cap);
            return 1;
        }
        return role_after(ts, v, hi, out, cap);
    }
    if (e > lo && in_list(ts->t[e - 1].norm, PRONOUNS))
        return pronoun_speaker(q, out, cap);
    if (e > lo && ts->t[e - 1].off >= ts->t[lo].off && source_before(q->stop, ts, e, out, cap, &kind))
        return 1;
    if (e > lo && role_before(ts, e, out, cap))
        return 1;
    if (v + 1 < hi && in_list(ts->t[v + 1].norm, PRONOUNS))
        return pronoun_speaker(q, out, cap);
    if (is(&ts->t[v], "saying") || is(&ts->t[v], "quoted"))
        return 0;
    return v + 1 < hi && source_after(q->stop, ts, v, 1, out, cap, &kind, 1);
}

static int gap_has(const struct toks *ts, size_t i, const char *chars)
{
    if (i == 0 || i >= ts->n)
        return 0;
    const char *p = ts->text + ts->t[i - 1].off + ts->t[i - 1].len, *e = ts->text + ts->t[i].off;
    for (; p < e; p++)
        if (strchr(chars, *p) && *p)
            return 1;
    return 0;
}

/* tokens from a to the end of the sentence (at most max) */
static size_t sentence_end(const struct toks *ts, size_t a, size_t max)
{
    size_t i = a;
    while (i < ts->n && i - a < max) {
        i++;
        if (i < ts->n && gap_has(ts, i, "!?\n") )
            break;
        if (i < ts->n && gap_has(ts, i, ".") && !(ts->t[i - 1].len == 1 && ts->t[i - 1].cap))
            break;
    }
    return i;
}

static size_t tok_at(const struct toks *ts, size_t off)
{
    size_t lo = 0, hi = ts->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ts->t[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* the first token of the sentence holding the quote opening at qa (its tokens before the quote) */
static size_t sentence_start(const struct toks *ts, size_t before, size_t qa)
{
    if (before == 0)
        return 0;
    const char *p = ts->text + ts->t[before - 1].off + ts->t[before - 1].len, *e = ts->text + qa;
    for (; p < e; p++)
        if (*p == '.' || *p == '\n' || *p == '!' || *p == '?')
            return before;   /* the quote opens its sentence */
    size_t lo = before - 1;
    while (lo > 0 && before - lo < 60 && !gap_has(ts, lo, "!?\n")
           && !(gap_has(ts, lo, ".") && !(ts->t[lo - 1].len == 1 && ts->t[lo - 1].cap)))
        lo--;
    return lo;
}

static int find_speaker(struct quote_ctx *q, size_t qa, size_t qb, char *out, size_t cap)
{
    const struct toks *ts = q->ts;
    size_t after = tok_at(ts, qb), before = tok_at(ts, qa);
    /* a quote that ends its sentence ('achieved."') or its paragraph has no speaker after it */
    const char *close = ts->text + qb;
    while (close > ts->text && ((unsigned char)close[-1] >= 0x80 || close[-1] == '"' || close[-1] == '\''))
        close--;
    int ended = close > ts->text && strchr(".!?", close[-1]);
    for (size_t k = qb; after < ts->n && k < ts->t[after].off; k++)
        ended |= ts->text[k] == '\n';
    size_t end = ended ? after : sentence_end(ts, after, 30);
    /* '," Fathi Bashagha, the GNA's interior minister, said': the name right after the quote */
    size_t first = after < end ? span_forward(q->stop, ts, after) : after;
    for (size_t v = after; v < end; v++) {
        if (!in_list(ts->t[v].norm, SPEECH))
            continue;
        if (first > after && first <= v && !is(&ts->t[v], "quoted")) {
            span_text(ts, after, first, out, cap);
            return 1;
        }
        if (speaker_at(q, v, after, end, out, cap))
            return 1;
    }
    size_t lo = sentence_start(ts, before, qa);
    for (size_t v = before; v-- > lo;)
        if (in_list(ts->t[v].norm, SPEECH) && speaker_at(q, v, lo, before, out, cap))
            return 1;
    return 0;
}

/* opening and closing marks; straight quotes pair with themselves */
static int quote_open(const char *p, size_t *n, const char **close)
{
    static const struct {
        const char *open, *close;
    } Q[] = {{"\xE2\x80\x9C", "\xE2\x80\x9D"}, {"\xE2\x80\x9E", "\xE2\x80\x9C"}, {"\xC2\xAB", "\xC2\xBB"},
             {"\"", "\""}, {"\xE2\x80\xB9", "\xE2\x80\xBA"}};
    for (size_t i = 0; i < sizeof Q / sizeof Q[0]; i++) {
        size_t l = strlen(Q[i].open);
        if (!strncmp(p, Q[i].open, l)) {
            *n = l;
            *close = Q[i].close;
            return 1;
        }
    }
    return 0;
}

static int words_in(const char *s, size_t n)
{
    int w = 0, in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = s[i] == ' ' || s[i] == '\n';
        w += !sp && !in;
        in = !sp;
    }
    return w;
}

/* named speakers before offset off update q->last ("Lavrov said", "said Sergey Lavrov.") */
static void track_speakers(struct quote_ctx *q, size_t *upto, size_t off)
{
    const struct toks *ts = q->ts;
    for (; *upto < ts->n && ts->t[*upto].off < off; (*upto)++) {
        size_t v = *upto;
        char who[160];
        int kind = 0;
        if (!in_list(ts->t[v].norm, SPEECH) || is(&ts->t[v], "saying") || is(&ts->t[v], "quoted"))
            continue;
        if ((source_before(q->stop, ts, v, who, sizeof who, &kind)
             || source_after(q->stop, ts, v, 1, who, sizeof who, &kind, 1))
            && !mw_story_known_agency(who) && person_like(who))
            snprintf(q->last, sizeof q->last, "%s", who);
    }
}

static int opens_paragraph(const char *text, const char *p)
{
    while (p > text && (p[-1] == ' ' || p[-1] == '\t'))
        p--;
    return p == text || p[-1] == '\n';
}

json_t *mw_story_quotes(const char *text, const char *lang)
{
    (void)lang;
    json_t *out = json_array();
    struct mw_story_stop *stop = mw_story_stop_new();
    struct toks ts;
    if (!text || !stop || tokenize(text, &ts)) {
        mw_story_stop_free(stop);
        return out;
    }
    struct quote_ctx q = {stop, &ts, "", ""};
    size_t upto = 0;
    const char *prev_end = NULL;   /* the end of the last quote */
    for (const char *p = text; *p;) {
        size_t ol;
        const char *close;
        if (!quote_open(p, &ol, &close)) {
            p++;
            continue;
        }
        const char *a = p + ol, *para = strchr(a, '\n'), *b = strstr(a, close);
        if (!para)
            para = a + strlen(a);
        if (!b || b > para)
            b = para;   /* unclosed: the quote runs to the paragraph's end */
        size_t len = (size_t)(b - a);
        if (words_in(a, len) >= 4 && len < 2000) {
            char who[160] = "";
            track_speakers(&q, &upto, (size_t)(p - text));
            int named = find_speaker(&q, (size_t)(p - text), (size_t)(b - text) + (b < para ? strlen(close) : 0), who,
                                     sizeof who);
            int same_para = prev_end && !memchr(prev_end, '\n', (size_t)(p - prev_end));
            if (!named && (opens_paragraph(text, p) || same_para) && q.last_quote[0]) {   /* goes on quoting */
                snprintf(who, sizeof who, "%s", q.last_quote);
                named = 1;
            }
            json_array_append_new(out, json_pack("{s:s%, s:s?}", "quote", a, len, "speaker", named ? who : NULL));
            snprintf(q.last_quote, sizeof q.last_quote, "%s", named ? who : "");
            if (named && !mw_story_known_agency(who) && person_like(who))
                snprintf(q.last, sizeof q.last, "%s", who);
        }
        p = b < para ? b + strlen(close) : para;
        prev_end = p;
    }
    free(ts.t);
    mw_story_stop_free(stop);
    return out;
}
