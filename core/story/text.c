/* story/text.c: the module's view of text: UTF-8 tokens folded for matching (case, Latin accents, Arabic
 * letter variants, digits of any script), mojibake repaired on the way, and consonant skeletons through a
 * Latin transliteration so that names meet across scripts. Which tokens matter is features.c's. */
#include "story/story.h"

#include <string.h>

/* ---------- UTF-8 ---------- */

static uint32_t dec(const unsigned char *s, size_t n, size_t *adv)
{
    unsigned c = s[0];
    size_t k = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 9;
    *adv = 1;
    if (k == 0)
        return c;
    if (k == 9 || k >= n)
        return 0xFFFD;
    uint32_t cp = c & (0x3F >> k);
    for (size_t i = 1; i <= k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0xFFFD;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    *adv = k + 1;
    return cp;
}

static size_t enc(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The byte a Latin-1 or cp1252 decoder turned into cp, or -1. */
static int latin_byte(uint32_t cp)
{
    static const uint16_t CP1252[32] = {0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
                                        0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C,
                                        0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
                                        0x017E, 0x0178};
    if (cp >= 0xA0 && cp <= 0xFF)
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (CP1252[i] == cp)
            return 0x80 + i;
    return cp >= 0x80 && cp <= 0x9F ? (int)cp : -1;
}

/* The next code point, reading UTF-8 that went through a Latin-1/cp1252 decoder ("Ã¼" for "ü") as meant. */
static uint32_t next_cp(const unsigned char *s, size_t n, size_t *adv)
{
    uint32_t cp = dec(s, n, adv);
    if (cp < 0xC2 || cp > 0xF4)
        return cp;
    size_t k = cp <= 0xDF ? 1 : cp <= 0xEF ? 2 : 3, pos = *adv;
    unsigned char b[4] = {(unsigned char)cp};
    for (size_t i = 1; i <= k; i++) {
        if (pos >= n)
            return cp;
        size_t a;
        int byte = latin_byte(dec(s + pos, n - pos, &a));
        if (byte < 0x80 || byte > 0xBF)
            return cp;
        b[i] = (unsigned char)byte;
        pos += a;
    }
    size_t a;
    uint32_t fixed = dec(b, k + 1, &a);
    if (fixed == 0xFFFD || a != k + 1)
        return cp;
    *adv = pos;
    return fixed;
}

/* ---------- folding ---------- */

/* U+0100..U+017F to base letters; '2' = "ij", '3' = "oe" */
static const char EXT_A[] = "aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii" "ii22jjkkklllllll"
                            "lllnnnnnnnnnoooo" "oo33rrrrrrssssss" "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";
static const char *const LAT1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y"};

enum { F_SEP = -1, F_SKIP = 0 };   /* fold() results besides a byte count */

struct folded {
    char s[8];
    int script, upper, digit;
};

static int ext_a_upper(uint32_t cp)
{
    if (cp == 0x0178)
        return 1;
    if ((cp >= 0x0139 && cp <= 0x0148) || (cp >= 0x0179 && cp <= 0x017E))
        return cp & 1;
    return cp != 0x0138 && cp != 0x0149 && cp != 0x017F && !(cp & 1);
}

static int fold_latin(uint32_t cp, struct folded *f)
{
    f->script = MW_SCRIPT_LATIN;
    if (cp < 0x80) {
        f->upper = cp >= 'A' && cp <= 'Z';
        f->s[0] = (char)(f->upper ? cp + 32 : cp);
        return 1;
    }
    const char *base = NULL;
    char two[3] = "";
    if (cp >= 0xC0 && cp <= 0xFF) {
        base = LAT1[cp - 0xC0];
        f->upper = cp < 0xDF;
    } else if (cp >= 0x100 && cp <= 0x17F) {
        char c = EXT_A[cp - 0x100];
        two[0] = c == '2' ? 'i' : c == '3' ? 'o' : c;
        two[1] = c == '2' ? 'j' : c == '3' ? 'e' : '\0';
        two[2] = '\0';
        base = two;
        f->upper = ext_a_upper(cp);
    } else if (cp == 0x018F || cp == 0x0259) {
        base = "e";
        f->upper = cp == 0x018F;
    } else if (cp >= 0x0218 && cp <= 0x021B) {
        base = cp < 0x021A ? "s" : "t";
        f->upper = !(cp & 1);
    }
    if (!base)
        return F_SEP;
    size_t n = strlen(base);
    memcpy(f->s, base, n);
    return (int)n;
}

static uint32_t fold_cyrillic(uint32_t cp, int *upper)
{
    *upper = cp <= 0x042F || (cp >= 0x0460 && !(cp & 1));
    if (cp <= 0x040F)
        cp += 0x50;
    else if (cp <= 0x042F)
        cp += 0x20;
    else if (cp >= 0x0460 && !(cp & 1))
        cp += 1;
    return cp == 0x0451 ? 0x0435 : cp;   /* ё -> е */
}

static uint32_t fold_greek(uint32_t cp, int *upper)
{
    static const uint16_t TONOS[][2] = {{0x0386, 0x03B1}, {0x0388, 0x03B5}, {0x0389, 0x03B7}, {0x038A, 0x03B9},
                                        {0x038C, 0x03BF}, {0x038E, 0x03C5}, {0x038F, 0x03C9}, {0x03AC, 0x03B1},
                                        {0x03AD, 0x03B5}, {0x03AE, 0x03B7}, {0x03AF, 0x03B9}, {0x03CC, 0x03BF},
                                        {0x03CD, 0x03C5}, {0x03CE, 0x03C9}, {0x03C2, 0x03C3}};
    *upper = (cp >= 0x0391 && cp <= 0x03A9) || (cp >= 0x0386 && cp <= 0x038F);
    for (size_t i = 0; i < sizeof TONOS / sizeof TONOS[0]; i++)
        if (TONOS[i][0] == cp)
            return TONOS[i][1];
    return cp >= 0x0391 && cp <= 0x03A9 ? cp + 0x20 : cp;
}

/* Arabic: -1 separator, 0 skip (marks, tatweel), else the letter to keep (variants merged) */
static int32_t fold_arabic(uint32_t cp)
{
    if (cp == 0x060C || cp == 0x061B || cp == 0x061F || (cp >= 0x066A && cp <= 0x066D) || cp == 0x06D4
        || (cp >= 0x0600 && cp <= 0x060B) || (cp >= 0x060D && cp <= 0x061A))
        return -1;
    if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640 || (cp >= 0x06D6 && cp <= 0x06ED))
        return 0;
    switch (cp) {
    case 0x0622: case 0x0623: case 0x0625: case 0x0671: return 0x0627;   /* alef forms */
    case 0x0649: case 0x06CC: return 0x064A;                               /* alef maksura, Farsi yeh */
    case 0x0629: return 0x0647;                                            /* taa marbuta */
    case 0x06A9: return 0x0643;                                            /* keheh */
    default: return (int32_t)cp;
    }
}

static int sep_range(uint32_t cp)
{
    return (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F)
        || (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) || cp == 0xFEFF || cp == 0xFFFD
        || (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2E00 && cp <= 0x2E7F);
}

/* One code point folded into f->s: byte count, F_SKIP (inside a token, adds nothing) or F_SEP. */
static int fold(uint32_t cp, struct folded *f)
{
    f->script = MW_SCRIPT_NONE;
    f->upper = f->digit = 0;
    if ((cp >= '0' && cp <= '9') || (cp >= 0x0660 && cp <= 0x0669) || (cp >= 0x06F0 && cp <= 0x06F9)
        || (cp >= 0xFF10 && cp <= 0xFF19)) {
        f->digit = 1;
        f->s[0] = (char)('0' + (cp <= '9' ? cp - '0' : cp >= 0xFF10 ? cp - 0xFF10 : cp >= 0x06F0 ? cp - 0x06F0 : cp - 0x0660));
        return 1;
    }
    if (cp < 0x80)
        return ((cp | 32) >= 'a' && (cp | 32) <= 'z') ? fold_latin(cp, f) : F_SEP;
    if (cp == 0x00AD || cp == 0x200B || cp == 0x200C || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F)
        || (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0591 && cp <= 0x05C7))
        return F_SKIP;
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || sep_range(cp))
        return F_SEP;
    if (cp < 0x0250) {
        int nb = fold_latin(cp, f);
        if (nb != F_SEP)
            return nb;
        f->script = MW_SCRIPT_LATIN;   /* another Latin letter: kept as it is */
        return (int)enc(cp, f->s);
    }
    if (cp >= 0xFF21 && cp <= 0xFF3A)
        return fold_latin(cp - 0xFF21 + 'A', f);
    if (cp >= 0xFF41 && cp <= 0xFF5A)
        return fold_latin(cp - 0xFF41 + 'a', f);
    if (cp >= 0x0370 && cp <= 0x03FF) {
        f->script = MW_SCRIPT_GREEK;
        return (int)enc(fold_greek(cp, &f->upper), f->s);
    }
    if (cp >= 0x0400 && cp <= 0x04FF) {
        f->script = MW_SCRIPT_CYRILLIC;
        return (int)enc(fold_cyrillic(cp, &f->upper), f->s);
    }
    if (cp >= 0x0600 && cp <= 0x06FF) {
        int32_t a = fold_arabic(cp);
        if (a <= 0)
            return a < 0 ? F_SEP : F_SKIP;
        f->script = MW_SCRIPT_ARABIC;
        return (int)enc((uint32_t)a, f->s);
    }
    f->script = MW_SCRIPT_OTHER;
    return (int)enc(cp, f->s);
}

/* ---------- tokens ---------- */

static int ends_sentence(uint32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == '\n' || cp == '"' || cp == 0x201C
        || cp == 0x201E || cp == 0x00AB || cp == 0x061F || cp == 0x3002 || cp == 0x2018;
}

struct tokstate {
    struct mw_story_token t;
    size_t nlen;
    int open, boundary;
};

static int flush(struct tokstate *st, size_t end, mw_story_token_fn fn, void *ctx)
{
    if (!st->open)
        return 0;
    st->open = 0;
    st->t.len = end - st->t.off;
    st->t.norm[st->nlen] = '\0';
    if (!st->nlen)
        return 0;
    return fn(ctx, &st->t);
}

static void start(struct tokstate *st, size_t off, const struct folded *f)
{
    st->t.off = off;   /* every field is set here or by flush(): norm up to its NUL */
    st->t.len = 0;
    st->t.nchars = 0;
    st->t.script = (unsigned char)f->script;
    st->t.cap = (unsigned char)f->upper;
    st->t.digits = (unsigned char)f->digit;
    st->t.initial = (unsigned char)st->boundary;
    st->boundary = 0;
    st->nlen = 0;
    st->open = 1;
}

static void append(struct tokstate *st, const struct folded *f, int nb)
{
    if (st->nlen + (size_t)nb >= MW_STORY_TOKMAX)
        return;
    memcpy(st->t.norm + st->nlen, f->s, (size_t)nb);
    st->nlen += (size_t)nb;
    st->t.nchars++;
}

void mw_story_tokens(const char *text, size_t len, mw_story_token_fn fn, void *ctx)
{
    const unsigned char *s = (const unsigned char *)text;
    struct tokstate st = {.boundary = 1};
    for (size_t i = 0; i < len;) {
        size_t adv = 1;
        unsigned char c = s[i];
        if (c < 0x80 && st.open && ((c | 32) >= 'a' && (c | 32) <= 'z') && !st.t.digits
            && st.nlen + 1 < MW_STORY_TOKMAX) {   /* the common case: ASCII letters inside a word */
            size_t n = st.nlen, j = i;
            do {
                st.t.norm[n++] = (char)(s[j++] | 32);
            } while (j < len && n + 1 < MW_STORY_TOKMAX && s[j] < 0x80 && (s[j] | 32) >= 'a' && (s[j] | 32) <= 'z');
            st.t.nchars += n - st.nlen;
            st.nlen = n;
            i = j;
            continue;
        }
        if (c < 0x80 && !((c | 32) >= 'a' && (c | 32) <= 'z') && !(c >= '0' && c <= '9')) {
            if (flush(&st, i, fn, ctx))   /* the other common case: ASCII between words, as fold() has it */
                return;
            if (ends_sentence(c))
                st.boundary = 1;
            i++;
            continue;
        }
        uint32_t cp = next_cp(s + i, len - i, &adv);
        struct folded f;
        int nb = fold(cp, &f);
        if (nb == F_SKIP) {
            i += adv;
            continue;
        }
        /* a token ends at a separator and where digits meet letters ("COVID-19", "covid19") */
        if (st.open && (nb == F_SEP || (int)st.t.digits != f.digit)) {
            if (flush(&st, i, fn, ctx))
                return;
        }
        if (nb == F_SEP) {
            if (ends_sentence(cp))
                st.boundary = 1;
            i += adv;
            continue;
        }
        if (!st.open)
            start(&st, i, &f);
        append(&st, &f, nb);
        i += adv;
    }
    flush(&st, len, fn, ctx);
}

void mw_story_utf8_trunc(char *s, size_t max)
{
    size_t chars = 0;
    for (char *p = s; *p; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80 && chars++ == max) {
            *p = '\0';
            return;
        }
    }
}

/* ---------- skeletons ---------- */

struct skel {
    char *out;
    size_t n, max;
};

/* out is full and no consonant to come can change it (only a "j" after a final "d" would) */
static int done(const struct skel *k) { return k->n >= k->max && (!k->n || k->out[k->n - 1] != 'd'); }

static void emit(struct skel *k, char c)
{
    if (k->n && c == 'j' && k->out[k->n - 1] == 'd') {   /* "dj", "дж" -> j */
        k->out[k->n - 1] = 'j';
        return;
    }
    if ((k->n && k->out[k->n - 1] == c) || k->n >= k->max)
        return;
    k->out[k->n++] = c;
}

/* Latin letters as consonants: 0 drops the letter (vowels, h, y), 'x' is "ks" */
static const char LAT_CONS[26] = {0,   'b', 'k', 'd', 0,   'f', 'g', 0,   0,   'j', 'k', 'l', 'm',
                                  'n', 0,   'p', 'k', 'r', 's', 't', 0,   'v', 'v', 'x', 0,   's'};

/* two- and three-letter spellings of one consonant: the length eaten, *c the consonant, 0 when none */
static int digraph(const char *w, char *c)
{
    char a = w[0], b = w[1];
    if (a == 'd' && b == 'z' && w[2] == 'h')
        return *c = 'j', 3;
    if (a == 's' && b == 'c' && w[2] == 'h')
        return *c = 's', 3;
    if (b == 'h' && a && strchr("pstckgz", a))
        return *c = a == 'p' ? 'f' : a == 'c' || a == 'k' ? 'k' : a == 'z' ? 'j' : a, 2;
    if (a == 'c' && b == 'k')
        return *c = 'k', 2;
    return 0;
}

static void skel_latin(const char *w, struct skel *k)
{
    for (size_t i = 0; w[i] && !done(k);) {
        char c;
        int n = digraph(w + i, &c);
        if (n) {
            emit(k, c);
            i += (size_t)n;
            continue;
        }
        unsigned char x = (unsigned char)w[i++];
        if (x < 'a' || x > 'z' || !LAT_CONS[x - 'a'])
            continue;
        if (LAT_CONS[x - 'a'] == 'x') {
            emit(k, 'k');
            emit(k, 's');
        } else {
            emit(k, LAT_CONS[x - 'a']);
        }
    }
}

static char cyr_consonant(uint32_t cp)
{
    static const char MAP[32] = {0, 'b', 'v', 'g', 'd', 0, 'j', 's', 0, 0, 'k', 'l', 'm', 'n', 0, 'p',
                                 'r', 's', 't', 0, 'f', 0, 's', 'k', 's', 's', 0, 0, 0, 0, 0, 0};
    if (cp >= 0x0430 && cp <= 0x044F)
        return MAP[cp - 0x0430];
    return cp == 0x0491 ? 'g' : 0;   /* ґ; і ї є and the rest are vowels or signs */
}

static char ar_consonant(uint32_t cp)
{
    static const struct {
        uint16_t cp;
        char c;
    } MAP[] = {{0x0628, 'b'}, {0x062A, 't'}, {0x062B, 't'}, {0x062C, 'j'}, {0x062E, 'k'}, {0x062F, 'd'},
               {0x0630, 'd'}, {0x0631, 'r'}, {0x0632, 's'}, {0x0633, 's'}, {0x0634, 's'}, {0x0635, 's'},
               {0x0636, 'd'}, {0x0637, 't'}, {0x0638, 's'}, {0x063A, 'g'}, {0x0641, 'f'}, {0x0642, 'k'},
               {0x0643, 'k'}, {0x0644, 'l'}, {0x0645, 'm'}, {0x0646, 'n'}, {0x067E, 'p'}, {0x0686, 'j'},
               {0x06AF, 'g'}, {0x06A4, 'v'}};
    for (size_t i = 0; i < sizeof MAP / sizeof MAP[0]; i++)
        if (MAP[i].cp == cp)
            return MAP[i].c;
    return 0;   /* alef, waw, yeh, hamza, ha, ain, heh: vowels or weak in a Latin spelling */
}

/* Arabic words start with the article (and clitics) that a Latin spelling writes apart or not at all. */
static const char *ar_article(const char *w)
{
    static const char *const PRE[] = {"وال", "بال", "كال", "فال", "لل", "ال"};
    for (size_t i = 0; i < sizeof PRE / sizeof PRE[0]; i++) {
        size_t n = strlen(PRE[i]);
        if (!strncmp(w, PRE[i], n) && strlen(w + n) >= 4)
            return w + n;
    }
    return w;
}

size_t mw_story_skeleton(const char *norm, unsigned char script, char *out, size_t max)
{
    struct skel k = {out, 0, max};
    if (script == MW_SCRIPT_LATIN) {
        skel_latin(norm, &k);
    } else if (script == MW_SCRIPT_CYRILLIC || script == MW_SCRIPT_ARABIC) {
        const char *w = script == MW_SCRIPT_ARABIC ? ar_article(norm) : norm;
        const unsigned char *p = (const unsigned char *)w;
        size_t n = strlen(w);
        for (size_t i = 0; i < n && !done(&k);) {
            size_t adv;
            uint32_t cp = dec(p + i, n - i, &adv);
            char c = script == MW_SCRIPT_ARABIC ? ar_consonant(cp) : cyr_consonant(cp);
            if (c)
                emit(&k, c);
            i += adv;
        }
    }
    out[k.n] = '\0';
    return k.n;
}

/* ---------- Arabic light stemming ---------- */

static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* starts with prefix p (UTF-8) and keeps at least min letters after it */
static int has_prefix(const char *w, const char *p, size_t min)
{
    size_t n = strlen(p);
    return !strncmp(w, p, n) && chars(w + n) >= min;
}

static void drop_front(char *w, size_t bytes) { memmove(w, w + bytes, strlen(w + bytes) + 1); }

/* A conjunction (wa-, fa-), then the article forms, then one suffix, then a one-letter clitic (wa-, fa-, bi-,
 * li-) when four letters stay: "والحكومة" -> "حكوم", "وللمصريين" -> "مصري", "وزيرها" -> "وزير" (its waw is the
 * word's own). A taa marbuta before a pronoun is written as taa ("حيازته", "his holding"): it goes with the
 * pronoun, as the folded taa marbuta of "حيازة" goes as a suffix, so both are "حياز". */
void mw_story_arabic_light(char *w)
{
    static const char *const ART[] = {"وال", "بال", "كال", "فال", "لل", "ال"};
    static const char *const CLITIC[] = {"و", "ف", "ب", "ل"};
    static const char *const BEFORE[] = {"ال", "لل", "ب", "ل", "ك"};   /* what a conjunction stands before */
    static const struct {
        const char *s;
        int pronoun;
    } SUF[] = {{"هما", 1}, {"كما", 1}, {"ها", 1}, {"هم", 1}, {"هن", 1}, {"كم", 1}, {"نا", 1}, {"ان", 0},
               {"ات", 0},  {"ون", 0},  {"ين", 0}, {"يه", 0}, {"ه", 1},  {"ي", 0}};
    if (!strncmp(w, "و", 2) || !strncmp(w, "ف", 2))
        for (size_t i = 0; i < sizeof BEFORE / sizeof BEFORE[0]; i++)
            if (has_prefix(w + 2, BEFORE[i], 3)) {
                drop_front(w, 2);   /* "وبالتالي", "فللمرة" */
                break;
            }
    for (size_t i = 0; i < sizeof ART / sizeof ART[0]; i++)
        if (has_prefix(w, ART[i], 3)) {
            drop_front(w, strlen(ART[i]));
            break;
        }
    size_t len = strlen(w);
    for (size_t i = 0; i < sizeof SUF / sizeof SUF[0]; i++) {
        size_t n = strlen(SUF[i].s);
        if (len <= n || strcmp(w + len - n, SUF[i].s))
            continue;
        char keep = w[len - n];
        w[len - n] = '\0';
        if (chars(w) < 3) {
            w[len - n] = keep;
            continue;
        }
        size_t m = strlen(w);
        if (SUF[i].pronoun && chars(w) >= 4 && !strcmp(w + m - 2, "ت"))
            w[m - 2] = '\0';   /* the taa marbuta before the pronoun */
        break;
    }
    for (size_t i = 0; i < sizeof CLITIC / sizeof CLITIC[0]; i++)
        if (has_prefix(w, CLITIC[i], 4)) {
            drop_front(w, strlen(CLITIC[i]));
            break;
        }
}
