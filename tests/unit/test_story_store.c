/* tests/unit/test_story_store.c: core/story/story_store.c — the run hook assigns each new article through the
 * store's "sqlite" sink in the article's own transaction; a revision stays one member; a full rebuild gives
 * the same grouping as the hook did one article at a time; a store whose articles came without the hook is
 * rebuilt by sync; members come back as their latest revision; a URL finds its story. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "run/sink.h"
#include "run/store.h"
#include "story/story.h"
#include "unit/tmp_store.h"

static int setup(void **state)
{
    return tmp_store_setup(state, "story");
}

/* {url, published, lang, text, story it must join (the smallest member's id)} */
static const struct {
    const char *url, *published, *lang, *text;
    int64_t story;
} ROWS[] = {
    {"http://a.example/1", "2020-01-14T08:00:00Z", "en",
     "Haftar leaves Moscow without signing Libya ceasefire. Libyan commander Khalifa Haftar left Moscow on Tuesday "
     "without signing the ceasefire deal that Fayez al-Sarraj signed, the Russian foreign ministry said.", 1},
    {"http://b.example/1", "2020-01-14T09:00:00Z", "en",
     "City council approves new budget for road repairs. The council voted to spend more on potholes and bicycle "
     "lanes next year, the mayor of Port Ellis said on Tuesday.", 2},
    {"http://c.example/1", "2020-01-14T10:00:00+03:00", "en",
     "Libya's Hifter quits Moscow talks without signing truce. Field Marshal Khalifa Hifter refused to sign the "
     "Moscow ceasefire document already signed by Sarraj, Russia's foreign ministry confirmed.", 1},
    {"http://d.example/1", "2020-01-15T10:00:00Z", "ru",
     "Хафтар покинул Москву, не подписав соглашение о перемирии в Ливии. Халифа Хафтар уехал из Москвы, а Сарадж "
     "документ подписал, сообщил МИД России.", 1},
    {"http://e.example/1", "2020-01-15T11:00:00Z", "en",
     "Port Ellis council budget passes with road repair money. Councillors in Port Ellis approved the budget for "
     "potholes and bicycle lanes, the mayor said.", 2},
    {"http://f.example/1", "2020-01-15T12:00:00Z", "en",
     "Volcano erupts on remote island, flights cancelled. Ash from the volcano grounded flights across the region "
     "as villagers fled the slopes.", 6},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

static char *record(size_t i, const char *suffix)
{
    char body[1024];
    snprintf(body, sizeof body, "%s%s", ROWS[i].text, suffix);
    json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s}", "url", ROWS[i].url, "published", ROWS[i].published, "lang",
                          ROWS[i].lang, "body", body, "fetched", "2026-01-01T00:00:00Z");
    char *s = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return s;
}

/* one record through the sink, in its own transaction, as `moonwire run` does */
static void through_sink(struct mw_store *s, void *sink, const char *rec)
{
    struct mw_err err = {0};
    char msg[512] = "";
    assert_int_equal(mw_store_begin(s, &err), 0);
    int rc = mw_sink_sqlite_ops()->on_record(sink, rec, msg, sizeof msg);
    if (rc)
        fail_msg("sink: %s", msg);
    assert_int_equal(mw_store_commit(s, &err), 0);
}

struct pairs {
    int64_t id[32], story[32], via[32];
    double sim[32];
    size_t n;
};

static int collect(void *ctx, int64_t id, int64_t story, int64_t via, double sim)
{
    struct pairs *p = ctx;
    if (p->n < 32) {
        p->id[p->n] = id;
        p->via[p->n] = via;
        p->sim[p->n] = sim;
        p->story[p->n++] = story;
    }
    return 0;
}

/* the same stories, each article joined through the same member with the same similarity */
static void same_grouping(const struct pairs *a, const struct pairs *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        if (a->story[i] != b->story[i] || a->via[i] != b->via[i] || a->sim[i] != b->sim[i])
            fail_msg("article %lld: story %lld via %lld (%.6f) one way, %lld via %lld (%.6f) the other",
                     (long long)a->id[i], (long long)a->story[i], (long long)a->via[i], a->sim[i],
                     (long long)b->story[i], (long long)b->via[i], b->sim[i]);
}

static void grouping(struct mw_story_store *ss, struct pairs *p)
{
    struct mw_err err = {0};
    p->n = 0;
    assert_int_equal(mw_story_store_each(ss, collect, p, &err), 0);
}

static void want_rows(const struct pairs *p)
{
    assert_int_equal(p->n, NROWS);
    for (size_t i = 0; i < NROWS; i++)
        if (p->id[i] != (int64_t)i + 1 || p->story[i] != ROWS[i].story)
            fail_msg("article %lld: story %lld, want %lld", (long long)p->id[i], (long long)p->story[i],
                     (long long)ROWS[i].story);
}

static int count_members(void *ctx, int64_t id, const char *rec, int64_t via, double sim)
{
    (void)id;
    (void)via;
    (void)sim;
    if (strstr(rec, "(updated)"))
        ((int *)ctx)[1]++;
    ((int *)ctx)[0]++;
    return 0;
}

struct summaries {
    struct mw_story_summary s[8];
    size_t n;
};

static int keep_summary(void *ctx, const struct mw_story_summary *s)
{
    struct summaries *c = ctx;
    if (c->n < 8)
        c->s[c->n++] = *s;
    return 0;
}

/* the story summaries as the hook kept them (from each member's stored label names) and as a rebuild makes them */
static void summaries(struct mw_story_store *ss, struct summaries *c)
{
    struct mw_err err = {0};
    c->n = 0;
    assert_int_equal(mw_story_store_list(ss, 0, 0, 1, 1, keep_summary, c, &err), 0);
}

static const struct mw_story_summary *summary_of(const struct summaries *c, int64_t id)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->s[i].id == id)
            return &c->s[i];
    fail_msg("no summary of story %lld", (long long)id);
    return NULL;
}

static void test_hook_revision_rebuild(void **state)
{
    struct mw_store *s = *state;
    void *sink = mw_sink_sqlite_bind(s);
    for (size_t i = 0; i < NROWS; i++) {
        char *r = record(i, "");
        through_sink(s, sink, r);
        free(r);
    }
    char *rev = record(0, " (updated)");   /* a revision of the first article: one member still */
    through_sink(s, sink, rev);
    free(rev);
    mw_sink_sqlite_ops()->close(sink);

    struct mw_err err = {0};
    struct mw_story_store *ss = mw_story_store_open(s, &err);
    assert_non_null(ss);
    struct pairs hook, rebuilt;
    grouping(ss, &hook);
    want_rows(&hook);
    int n[2] = {0, 0};
    assert_int_equal(mw_story_store_members(ss, 1, count_members, n, &err), 0);
    assert_int_equal(n[0], 3);   /* the first article, its two other reports... */
    assert_int_equal(n[1], 1);   /* ...and the member shows its latest revision */
    int64_t story = 0;
    assert_int_equal(mw_story_store_find(ss, "http://d.example/1", &story, &err), 0);
    assert_int_equal(story, 1);

    struct summaries by_hook, by_rebuild;
    summaries(ss, &by_hook);
    const struct mw_story_summary *libya = summary_of(&by_hook, 1);
    assert_int_equal(libya->articles, 3);
    assert_int_equal(libya->outlets, 3);
    assert_string_equal(libya->langs, "en ru");
    assert_string_equal(libya->first_published, "2020-01-14T07:00:00Z");   /* c.example's +03:00 is the first */
    if (!strstr(libya->label, "Moscow") || (!strstr(libya->label, "Haftar") && !strstr(libya->label, "Hifter")))
        fail_msg("label of the Libya story: %s", libya->label);

    int was_rebuilt = -1;
    assert_int_equal(mw_story_store_sync(ss, &was_rebuilt, &err), 0);
    assert_int_equal(was_rebuilt, 0);   /* in step: nothing to do */
    assert_int_equal(mw_story_store_rebuild(ss, &err), 0);
    grouping(ss, &rebuilt);
    want_rows(&rebuilt);
    same_grouping(&hook, &rebuilt);
    summaries(ss, &by_rebuild);
    assert_int_equal(by_rebuild.n, by_hook.n);
    for (size_t i = 0; i < by_hook.n; i++) {
        const struct mw_story_summary *a = &by_hook.s[i], *b = summary_of(&by_rebuild, a->id);
        assert_string_equal(a->label, b->label);
        assert_string_equal(a->outlet_list, b->outlet_list);
        assert_string_equal(a->langs, b->langs);
        assert_int_equal(a->articles, b->articles);
    }
    mw_story_store_free(ss);
}

/* articles stored before any story table (an older store): the hook does not assign out of order, sync rebuilds */
static void test_out_of_step(void **state)
{
    struct mw_store *s = *state;
    struct mw_err err = {0};
    for (size_t i = 0; i + 1 < NROWS; i++) {
        char *r = record(i, "");
        enum mw_put put;
        assert_int_equal(mw_store_article_put_json(s, r, NULL, "2026-01-01T00:00:00Z", &put, &err), 0);
        free(r);
    }
    void *sink = mw_sink_sqlite_bind(s);
    char *last = record(NROWS - 1, "");
    through_sink(s, sink, last);
    free(last);
    mw_sink_sqlite_ops()->close(sink);
    struct mw_story_store *ss = mw_story_store_open(s, &err);
    struct pairs p;
    grouping(ss, &p);
    assert_int_equal(p.n, 0);   /* nothing assigned out of order */
    int rebuilt = 0;
    assert_int_equal(mw_story_store_sync(ss, &rebuilt, &err), 0);
    assert_int_equal(rebuilt, 1);
    grouping(ss, &p);
    want_rows(&p);
    mw_story_store_free(ss);
}

/* a store that stopped taking stories at some article catches up in id order, like the hook would have */
static void test_catch_up(void **state)
{
    struct mw_store *s = *state;
    struct mw_err err = {0};
    void *sink = mw_sink_sqlite_bind(s);
    for (size_t i = 0; i < 3; i++) {
        char *r = record(i, "");
        through_sink(s, sink, r);
        free(r);
    }
    mw_sink_sqlite_ops()->close(sink);
    for (size_t i = 3; i < NROWS; i++) {   /* stored by something without the hook (an export/import) */
        char *r = record(i, "");
        enum mw_put put;
        assert_int_equal(mw_store_article_put_json(s, r, NULL, "2026-01-01T00:00:00Z", &put, &err), 0);
        free(r);
    }
    struct mw_story_store *ss = mw_story_store_open(s, &err);
    int rebuilt = -1;
    assert_int_equal(mw_story_store_sync(ss, &rebuilt, &err), 0);
    assert_int_equal(rebuilt, 0);
    struct pairs p;
    grouping(ss, &p);
    want_rows(&p);
    mw_story_store_free(ss);
}

/* The stories table as text (every column of every row). */
static char *stories_text(struct mw_store *s)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(mw_store_sqlite_db(s), "SELECT * FROM stories ORDER BY id", -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++)
            fprintf(f, "%s|", sqlite3_column_text(st, c) ? (const char *)sqlite3_column_text(st, c) : "NULL");
        fputc('\n', f);
    }
    sqlite3_finalize(st);
    fclose(f);
    return out;
}

/* Articles lo..hi-1 of one story, through the sink: outlets "One" and "Two", then "Late Outlet" (the 71st)
 * and one without an outlet (the 76th) past the head, a language first seen at the 91st, dates that widen. */
static void big_story(struct mw_store *s, int lo, int hi)
{
    void *sink = mw_sink_sqlite_bind(s);
    for (int i = lo; i < hi; i++) {
        char url[64], outlet[16], day[32], body[1024];
        snprintf(url, sizeof url, "http://o%d.example/libya/%d", i % 3, i);
        snprintf(outlet, sizeof outlet, "%s", i == 70 ? "Late Outlet" : i == 75 ? "" : i % 3 ? "Two" : "One");
        /* past the head the story's dates widen: later days, and one earlier than any */
        snprintf(day, sizeof day, "2020-01-%02dT%02d:00:00Z", i == 95 ? 10 : i >= 66 ? 17 + (i - 66) / 3 : 14 + i % 3,
                 i % 24);
        snprintf(body, sizeof body, "%s Report %d.", ROWS[0].text, i);
        json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "url", url, "published", day, "lang",
                              i == 90 ? "fr" : "en", "body", body, "fetched", "2026-01-01T00:00:00Z", "outlet", outlet);
        char *js = json_dumps(r, JSON_COMPACT);
        through_sink(s, sink, js);
        free(js);
        json_decref(r);
    }
    mw_sink_sqlite_ops()->close(sink);
}

/* The hook's stories table is what a rebuild makes of the same articles. */
static void summary_as_rebuilt(struct mw_store *s, const char *articles)
{
    char *hook = stories_text(s);
    assert_non_null(strstr(hook, articles));   /* one story of all of them */
    struct mw_err err = {0};
    struct mw_story_store *ss = mw_story_store_open(s, &err);
    assert_non_null(ss);
    assert_int_equal(mw_story_store_rebuild(ss, &err), 0);
    char *rebuilt = stories_text(s);
    if (strcmp(hook, rebuilt))
        fail_msg("the hook's summary:\n%s\nthe rebuild's:\n%s", hook, rebuilt);
    mw_story_store_free(ss);
    free(hook);
    free(rebuilt);
}

/* A story growing past the 64 members its summary's head is made of: the hook keeps the summary (articles,
 * outlets, languages, dates, label) what a rebuild computes, before the head is full, and when an outlet or a
 * language first comes after the 64th member (each checked right after: a later full summary would mend it). */
static void test_big_story_summary(void **state)
{
    struct mw_store *s = *state;
    big_story(s, 0, 40);
    summary_as_rebuilt(s, "|40|");
    big_story(s, 40, 72);
    summary_as_rebuilt(s, "|72|");
    big_story(s, 72, 80);
    summary_as_rebuilt(s, "|80|");
    big_story(s, 80, 100);
    summary_as_rebuilt(s, "|100|");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hook_revision_rebuild, setup, tmp_store_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_step, setup, tmp_store_teardown),
        cmocka_unit_test_setup_teardown(test_catch_up, setup, tmp_store_teardown),
        cmocka_unit_test_setup_teardown(test_big_story_summary, setup, tmp_store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
