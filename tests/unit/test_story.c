/* tests/unit/test_story.c: core/story's text side and decision: folding and tokens (accents, Turkish and Polish
 * letters, mojibake, Arabic letter variants and digits), consonant skeletons across scripts, Arabic light
 * stemming, stop words, sentence splitting, the pair similarity (identity, unrelated texts, time, scripts), and
 * the online clustering over the in-memory backend, whose postings must come back in (day, order of addition)
 * for any window. Rows are {input, want}. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "story/story.h"

/* ---------- tokens ---------- */

struct joined {
    char s[512];
    int caps, initials;
};

static int join(void *ctx, const struct mw_story_token *t)
{
    struct joined *j = ctx;
    size_t n = strlen(j->s);
    snprintf(j->s + n, sizeof j->s - n, "%s%s", n ? "|" : "", t->norm);
    j->caps += t->cap;
    j->initials += t->initial;
    return 0;
}

static const struct {
    const char *in, *want;
} TOKENS[] = {
    {"Für die Straße", "fur|die|strasse"},
    {"Łódź, İstanbul ve Şişli", "lodz|istanbul|ve|sisli"},
    {"fÃ¼r MÃ¼nchen", "fur|munchen"},                 /* UTF-8 read as Latin-1 */
    {"Ã©tÃ© â€œquotedâ€\xC2\x9D", "ete|quoted"},     /* and as cp1252 (0x9D undefined there: U+009D) */
    {"Хафтар покинул Москву, всё", "хафтар|покинул|москву|все"},
    {"أحمد إلى القدس مُدَرِّسٌ", "احمد|الي|القدس|مدرس"},   /* alef forms, alef maksura, harakat */
    {"عام ٢٠٢٠ و۱۹", "عام|2020|و|19"},                   /* Eastern Arabic and Persian digits */
    {"COVID-19 covid19 3,5", "covid|19|covid|19|3|5"},
    {"Ελλάδα Αθήνα", "ελλαδα|αθηνα"},
    {"e-mail\xC2\xAD" "address it's", "e|mailaddress|it|s"},   /* a soft hyphen is no break */
};

static void test_tokens(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof TOKENS / sizeof TOKENS[0]; i++) {
        struct joined j = {"", 0, 0};
        mw_story_tokens(TOKENS[i].in, strlen(TOKENS[i].in), join, &j);
        if (strcmp(j.s, TOKENS[i].want))
            fail_msg("%s: got %s, want %s", TOKENS[i].in, j.s, TOKENS[i].want);
    }
    struct joined j = {"", 0, 0};
    const char *s = "Haftar left. The Kremlin said: Moscow";
    mw_story_tokens(s, strlen(s), join, &j);
    assert_int_equal(j.caps, 4);
    assert_int_equal(j.initials, 3);   /* Haftar, The, Moscow start sentences; Kremlin does not */
}

/* ---------- skeletons ---------- */

static const struct {
    const char *word, *want;
} SKELETONS[] = {
    {"Haftar", "ftr"}, {"Hifter", "ftr"}, {"Хафтар", "ftr"}, {"حفتر", "ftr"},
    {"Sarraj", "srj"}, {"Siraj", "srj"}, {"السراج", "srj"}, {"Сарадж", "srj"},
    {"Khalifa", "klf"}, {"Kalifa", "klf"}, {"خليفة", "klf"},
    {"Moscow", "mskv"}, {"Москва", "mskv"}, {"Qassem", "ksm"}, {"Касем", "ksm"}, {"قاسم", "ksm"},
    {"Philippines", "flpns"}, {"Schmidt", "smdt"}, {"Ελλάδα", ""},
};

static int first_norm(void *ctx, const struct mw_story_token *t)
{
    memcpy(ctx, t, sizeof *t);
    return 1;
}

static void test_skeletons(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof SKELETONS / sizeof SKELETONS[0]; i++) {
        struct mw_story_token t;
        char sk[16];
        mw_story_tokens(SKELETONS[i].word, strlen(SKELETONS[i].word), first_norm, &t);
        mw_story_skeleton(t.norm, t.script, sk, 12);
        if (strcmp(sk, SKELETONS[i].want))
            fail_msg("%s: got \"%s\", want \"%s\"", SKELETONS[i].word, sk, SKELETONS[i].want);
    }
}

static const struct {
    const char *word, *want;
} ARABIC[] = {
    {"والحكومة", "حكوم"}, {"بالمدينة", "مدين"}, {"وزيرها", "وزير"}, {"المعلمون", "معلم"},
    {"كتب", "كتب"}, {"لهم", "لهم"},   /* three letters stay */
    {"لحيازته", "حياز"}, {"الحيازة", "حياز"}, {"سيارته", "سيار"},   /* taa marbuta before a pronoun */
    {"بيته", "بيت"},   /* a root's own taa */
    {"وللمصريين", "مصري"}, {"وبالتالي", "تال"},   /* a conjunction before a preposition or the article */
};

static void test_arabic_light(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ARABIC / sizeof ARABIC[0]; i++) {
        struct mw_story_token t;
        mw_story_tokens(ARABIC[i].word, strlen(ARABIC[i].word), first_norm, &t);
        mw_story_arabic_light(t.norm);
        if (strcmp(t.norm, ARABIC[i].want))
            fail_msg("%s: got %s, want %s", ARABIC[i].word, t.norm, ARABIC[i].want);
    }
}

static void test_stopwords(void **state)
{
    (void)state;
    struct mw_story_stop *s = mw_story_stop_new();
    assert_non_null(s);
    static const char *const yes[] = {"the", "und", "fur", "для", "في", "ile", "według", "wedlug", "selon", NULL};
    static const char *const no[] = {"haftar", "moscow", "ceasefire", "хафтар", NULL};
    for (int i = 0; yes[i]; i++) {
        struct mw_story_token t;
        mw_story_tokens(yes[i], strlen(yes[i]), first_norm, &t);
        if (!mw_story_stop_has(s, t.norm))
            fail_msg("%s should be a stop word", yes[i]);
    }
    for (int i = 0; no[i]; i++)
        if (mw_story_stop_has(s, no[i]))
            fail_msg("%s should not be a stop word", no[i]);
    mw_story_stop_free(s);
}

/* ---------- chrome ---------- */

static void vec_of(const struct mw_story_stop *stop, const char *text, const char *lang, int32_t day,
                   struct mw_story_vec *v);

static const struct {
    const char *word;
    int want;
} CHROME_WORDS[] = {
    {"Cookies", 3}, {"Datenschutzerklärung", 3}, {"subscribers", 2}, {"Twitter", 1}, {"your", 1},
    {"gizliliği", 3}, {"الخصوصية", 3}, {"ceasefire", 0}, {"agreement", 0}, {"подписали", 0}, {"zaznaczył", 0},
    {"sitemap", 0},   /* "site=" is the word alone */
};

/* made-up texts: an article, the same with a cookie banner and share links around it, another article behind
 * the same banner, and a blocked-address page */
static const char *const ARTICLE =
    "Harbour bridge closed after barge strikes pillar. The Norrvik harbour bridge was closed on Monday after a "
    "gravel barge struck one of its pillars, the port authority said. Engineers were inspecting the damage.";
static const char *const BANNER =
    "We use cookies and similar technologies on our website to show you personalised advertising. By clicking "
    "\"Accept\" you consent to the processing of your data as described in our privacy policy. ";
static const char *const SHARE = " Share on Facebook Share on Twitter Follow us on Instagram and YouTube";
static const char *const OTHER =
    "Choir wins regional contest with folk medley. The Varberg youth choir took first prize on Sunday with a "
    "medley of old fishing songs, the jury announced.";
static const char *const BLOCKED =
    "Sorry, we have detected unusual traffic from your IP address. Please confirm you are not a robot by "
    "clicking the checkbox below. Your IP: 192.0.2.1";

static void test_chrome(void **state)
{
    (void)state;
    struct mw_story_stop *stop = mw_story_stop_new();
    for (size_t i = 0; i < sizeof CHROME_WORDS / sizeof CHROME_WORDS[0]; i++) {
        struct mw_story_token t;
        mw_story_tokens(CHROME_WORDS[i].word, strlen(CHROME_WORDS[i].word), first_norm, &t);
        if (t.script == MW_SCRIPT_ARABIC)
            mw_story_arabic_light(t.norm);
        int w = mw_story_stop_chrome(stop, t.norm);
        if (w != CHROME_WORDS[i].want)
            fail_msg("%s: chrome weight %d, want %d", CHROME_WORDS[i].word, w, CHROME_WORDS[i].want);
    }
    char wrapped[2048], other[2048];
    /* the title first, then the banner (as a naive extractor joins them), the article, share links */
    snprintf(wrapped, sizeof wrapped, "%.50s %s%s%s", ARTICLE, BANNER, ARTICLE + 50, SHARE);
    snprintf(other, sizeof other, "%s%s", BANNER, OTHER);
    struct mw_story_feats *f = malloc(sizeof *f), *g = malloc(sizeof *g);
    mw_story_features(stop, NULL, ARTICLE, f);
    mw_story_features(stop, NULL, wrapped, g);
    assert_int_equal(g->n, f->n);   /* the banner and the links add no term */
    for (size_t i = 0; i < f->n; i++)
        assert_int_equal(g->t[i].id, f->t[i].id);
    mw_story_features(stop, "Access check", NULL, f);
    mw_story_features(stop, "Access check", BLOCKED, g);
    assert_int_equal(g->n, f->n);   /* a blocked-address page is chrome whole: its title is all there is */
    mw_story_features(stop, NULL, BLOCKED + 25, g);   /* "unusual traffic from your IP address. ..." */
    assert_int_equal(g->n, 0);
    char wall[2048];   /* a sentence without a word of chrome, in a text that is mostly chrome */
    snprintf(wall, sizeof wall, "%sThese technologies keep the service running smoothly for everyone. %s", BANNER,
             BANNER);
    mw_story_features(stop, NULL, wall, g);
    assert_int_equal(g->n, 0);
    struct mw_story_vec *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    char banner2[1024];
    snprintf(banner2, sizeof banner2, "%s%s", BANNER, BANNER);
    vec_of(stop, banner2, "en", 18000, a);
    vec_of(stop, other, "en", 18000, b);
    assert_false(mw_story_same(mw_story_similarity(a, b)));   /* one banner, two events */
    free(a);
    free(b);
    free(f);
    free(g);
    mw_story_stop_free(stop);
}

/* ---------- sentences ---------- */

struct sents {
    const char *text;
    char s[1024];
};

static void add_sent(void *ctx, size_t off, size_t len)
{
    struct sents *c = ctx;
    size_t n = strlen(c->s);
    snprintf(c->s + n, sizeof c->s - n, "%s%.*s", n ? "|" : "", (int)len, c->text + off);
}

static const struct {
    const char *in, *want;
} SENTENCES[] = {
    {"Haftar left. The talks failed!", "Haftar left.|The talks failed!"},
    {"The U.S. envoy Mr. Smith arrived. He spoke.", "The U.S. envoy Mr. Smith arrived.|He spoke."},
    {"“We will go on,” he said. Then he left.", "“We will go on,” he said.|Then he left."},
    {"Title line\n\nFirst paragraph. Second one", "Title line|First paragraph.|Second one"},
    {"Version 2.5 is out. هل انتهى؟ نعم", "Version 2.5 is out.|هل انتهى؟|نعم"},
};

static void test_sentences(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof SENTENCES / sizeof SENTENCES[0]; i++) {
        struct sents c = {SENTENCES[i].in, ""};
        mw_story_sentences(c.text, strlen(c.text), add_sent, &c);
        if (strcmp(c.s, SENTENCES[i].want))
            fail_msg("%s: got %s, want %s", SENTENCES[i].in, c.s, SENTENCES[i].want);
    }
}

/* ---------- similarity ---------- */

static const char *const EN1 = "Haftar leaves Moscow without signing Libya ceasefire. Libyan commander Khalifa Haftar "
                               "left Moscow on Tuesday without signing the ceasefire deal that Fayez al-Sarraj signed.";
static const char *const EN2 = "Libya's Hifter quits Moscow talks without signing truce. Field Marshal Khalifa Hifter "
                               "refused to sign the Moscow ceasefire document already signed by Sarraj.";
static const char *const EN3 = "City council approves new budget for road repairs. The council voted to spend more on "
                               "potholes and bicycle lanes next year, the mayor said.";
static const char *const RU1 = "Хафтар покинул Москву, не подписав соглашение о перемирии в Ливии. Халифа Хафтар "
                               "уехал из Москвы; Сарадж документ подписал.";

static void vec_of(const struct mw_story_stop *stop, const char *text, const char *lang, int32_t day,
                   struct mw_story_vec *v)
{
    struct mw_story_feats *f = malloc(sizeof *f);
    mw_story_features(stop, NULL, text, f);
    snprintf(f->lang, sizeof f->lang, "%s", lang);
    uint32_t df[MW_STORY_MAXF] = {0};   /* no other documents: every term equally rare */
    mw_story_vec_make(f, df, 0, day, v);
    free(f);
}

static const struct {
    const char *a, *la, *b, *lb;
    int32_t da, db;
    int same;
} PAIRS[] = {
    {NULL, "en", NULL, "en", 18000, 18000, 1},                    /* EN1 with itself */
    {NULL, "en", NULL, "en", 18000, 18001, 1},                    /* EN1, EN2: one event, other spellings */
    {NULL, "en", NULL, "en", 18000, 18000, 0},                    /* EN1, EN3: unrelated */
    {NULL, "en", NULL, "en", 18000, 18040, 0},                    /* EN1, EN2 forty days apart */
    {NULL, "en", NULL, "ru", 18000, 18000, 1},                    /* EN1, RU1: across scripts */
};

static void test_similarity(void **state)
{
    (void)state;
    const char *texts[][2] = {{EN1, EN1}, {EN1, EN2}, {EN1, EN3}, {EN1, EN2}, {EN1, RU1}};
    struct mw_story_stop *stop = mw_story_stop_new();
    struct mw_story_vec *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    for (size_t i = 0; i < sizeof PAIRS / sizeof PAIRS[0]; i++) {
        vec_of(stop, texts[i][0], PAIRS[i].la, PAIRS[i].da, a);
        vec_of(stop, texts[i][1], PAIRS[i].lb, PAIRS[i].db, b);
        double s = mw_story_similarity(a, b);
        assert_true(s >= 0 && s <= 1);
        if (mw_story_same(s) != PAIRS[i].same)
            fail_msg("pair %zu: similarity %.3f, want same_story %d", i, s, PAIRS[i].same);
        if (i == 0)
            assert_true(s > 0.999);
    }
    free(a);
    free(b);
    mw_story_stop_free(stop);
}

/* ---------- clustering over the in-memory backend ---------- */

static void test_cluster(void **state)
{
    (void)state;
    static const struct {
        const char *text, *published;
        int64_t want;   /* story: the smallest member id */
    } DOCS[] = {
        {NULL, "2020-01-14T08:00:00Z", 1},   /* EN1 */
        {NULL, "2020-01-14T09:00:00Z", 2},   /* EN3 */
        {NULL, "2020-01-14T10:00:00+03:00", 1},   /* EN2 */
        {NULL, "2020-01-15T10:00:00Z", 1},   /* RU1 */
        {NULL, "2020-03-20T10:00:00Z", 5},   /* EN1 again, two months later: another story */
    };
    const char *texts[] = {EN1, EN3, EN2, RU1, EN1};
    const char *langs[] = {"en", "en", "en", "ru", "en"};
    struct mw_story_stop *stop = mw_story_stop_new();
    struct mw_story_index *x = mw_story_index_new();
    struct mw_story_backend be = mw_story_index_backend(x);
    struct mw_story_doc *d = malloc(sizeof *d);
    for (size_t i = 0; i < sizeof DOCS / sizeof DOCS[0]; i++) {
        json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "url", "x", "body", texts[i], "published", DOCS[i].published,
                                "lang", langs[i]);
        mw_story_doc_from_record(stop, rec, (int64_t)i + 1, d);
        json_decref(rec);
        struct mw_err err = {0};
        assert_int_equal(mw_story_assign(&be, d, &err), 0);
    }
    for (size_t i = 0; i < sizeof DOCS / sizeof DOCS[0]; i++)
        if (mw_story_index_story(x, (int64_t)i + 1) != DOCS[i].want)
            fail_msg("document %zu: story %lld, want %lld", i + 1, (long long)mw_story_index_story(x, (int64_t)i + 1),
                     (long long)DOCS[i].want);
    free(d);
    mw_story_index_free(x);
    mw_story_stop_free(stop);
}

/* ---------- the in-memory index's postings, long lists too ---------- */

/* expected postings of term 7 for day's window: the undated first (when any is indexed), then the days
 * day-7..day+7, each in (day, order of addition) */
static size_t want_postings(const int32_t *days, size_t n, int32_t day, int64_t *out)
{
    size_t k = 0;
    int undated = 0;
    for (size_t i = 0; i < n; i++)
        undated |= days[i] == MW_STORY_NODAY;
    for (size_t i = 0; undated && i < n; i++)
        if (days[i] == MW_STORY_NODAY)
            out[k++] = (int64_t)i + 1;
    for (int32_t d = day - MW_STORY_WINDOW; day != MW_STORY_NODAY && d <= day + MW_STORY_WINDOW; d++)
        for (size_t i = 0; i < n; i++)
            if (days[i] == d)
                out[k++] = (int64_t)i + 1;
    return k;
}

static void test_postings(void **state)
{
    (void)state;
    enum { N = 3000 };   /* long lists, their articles met out of date order */
    int32_t *days = malloc(N * sizeof *days);
    int64_t *got = malloc((N + 2) * sizeof *got), *want = malloc(N * sizeof *want);
    struct mw_story_doc *d = calloc(1, sizeof *d);
    struct mw_story_vec *v = calloc(1, sizeof *v);
    struct mw_story_index *x = mw_story_index_new();
    struct mw_story_backend be = mw_story_index_backend(x);
    uint32_t seed = 20260314;
    for (size_t i = 0; i < N; i++) {   /* days in random order, as a crawl meets them */
        seed = seed * 1103515245u + 12345u;
        days[i] = (seed >> 16) % 97 == 0 ? MW_STORY_NODAY : (int32_t)((seed >> 16) % 60);
        *d = (struct mw_story_doc){.id = (int64_t)i + 1, .day = days[i], .story = (int64_t)(i % 7) + 1};
        *v = (struct mw_story_vec){.n = 2, .day = days[i]};
        v->id[0] = 7;
        v->id[1] = 1000 + (uint32_t)i;
        assert_int_equal(mw_story_index_add(x, d, v), 0);
    }
    for (int32_t day = -10; day <= 70; day += 3) {
        struct mw_err err = {0};
        size_t n = 0, w = want_postings(days, N, day, want);
        assert_int_equal(be.postings(be.ctx, day, 7, N, got, &n, &err), 0);
        assert_int_equal(n, w);
        for (size_t i = 0; i < n; i++)
            if (got[i] != want[i])
                fail_msg("day %d: posting %zu is %lld, want %lld", (int)day, i, (long long)got[i], (long long)want[i]);
        n = 0;   /* a capped read stops after cap + 1 */
        assert_int_equal(be.postings(be.ctx, day, 7, 20, got, &n, &err), 0);
        assert_int_equal(n, w < 21 ? w : 21);
        assert_memory_equal(got, want, n * sizeof *got);
        uint32_t term = 7, df = 0;   /* the stories of the first 16, scaled to all (7 stories, i % 7) */
        int64_t ndocs = 0;
        assert_int_equal(be.df(be.ctx, day, &term, 1, &df, &ndocs, &err), 0);
        int seen[8] = {0}, distinct = 0;
        for (size_t i = 0; i < w && i < 16; i++)
            distinct += !seen[(want[i] - 1) % 7]++;
        uint32_t expect = w > 16 ? (uint32_t)(((uint64_t)distinct * w + 8) / 16) : (uint32_t)distinct;
        assert_int_equal(df, expect);
        assert_int_equal(ndocs, (int64_t)w);
    }
    mw_story_index_free(x);
    free(v);
    free(d);
    free(want);
    free(got);
    free(days);
}

static void test_day(void **state)
{
    (void)state;
    assert_int_equal(mw_story_day("1970-01-02T00:00:00Z"), 1);
    assert_int_equal(mw_story_day("2020-01-14T01:00:00+03:00"), mw_story_day("2020-01-13T22:00:00Z"));
    assert_int_equal(mw_story_day(NULL), MW_STORY_NODAY);
    assert_int_equal(mw_story_day("yesterday"), MW_STORY_NODAY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens),     cmocka_unit_test(test_skeletons), cmocka_unit_test(test_arabic_light),
        cmocka_unit_test(test_stopwords),  cmocka_unit_test(test_sentences), cmocka_unit_test(test_similarity),
        cmocka_unit_test(test_cluster),    cmocka_unit_test(test_day),       cmocka_unit_test(test_chrome),
        cmocka_unit_test(test_postings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
