/* story/story_store.c: stories in the crawl's SQLite store. Tables of their own beside the articles (one row
 * per assigned article with its vector, one summary row per story), the backend cluster.c assigns through
 * (the days an article's window needs are read into an index.c cache once per process, so a new article
 * writes only its own rows), the run hook (one article, inside the run's transaction), catching up and the
 * full rebuild (in memory through index.c, then written). The articles are run/store.c's. */
#include "story/story.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/store.h"

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS story_meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS story_docs("
    "  article_id INTEGER PRIMARY KEY, story INTEGER NOT NULL, day INTEGER NOT NULL, script INTEGER, lang TEXT,"
    "  outlet TEXT, epoch REAL, via INTEGER, via_sim REAL, xnorm REAL, vec BLOB NOT NULL, names TEXT);"
    "CREATE INDEX IF NOT EXISTS story_docs_story ON story_docs(story);"
    "CREATE INDEX IF NOT EXISTS story_docs_day ON story_docs(day);"
    "CREATE TABLE IF NOT EXISTS stories("
    "  id INTEGER PRIMARY KEY, first_published TEXT, first_epoch REAL, last_epoch REAL, articles INTEGER,"
    "  outlets INTEGER, outlet_list TEXT, langs TEXT, label TEXT);"
    "CREATE INDEX IF NOT EXISTS stories_first ON stories(first_epoch);";

enum {
    Q_META_GET, Q_META_SET, Q_DAY, Q_DOC_VEC, Q_DOC_STORY, Q_DOC_ADD,
    Q_MERGE, Q_STORY_DEL, Q_SUM, Q_OUTLETS, Q_LANGS, Q_HEAD, Q_STORY_PUT, Q_ART_KEY, Q_ART_PREV, Q_MAX_DOC,
    Q_SAVE, Q_RELEASE, Q_ROLLBACK_TO, Q_ROW, Q_OUTLET_SEEN, Q_LANG_SEEN, Q_ONE_MORE, Q_N
};

static const char *const SQL[Q_N] = {
    [Q_ROW] = "SELECT articles, first_epoch, last_epoch FROM stories WHERE id = ?1",
    [Q_OUTLET_SEEN] = "SELECT count(*) FROM (SELECT 1 FROM story_docs WHERE story = ?1 AND outlet = ?2 LIMIT 2)",
    [Q_LANG_SEEN] = "SELECT count(*) FROM (SELECT 1 FROM story_docs WHERE story = ?1 AND lang = ?2 LIMIT 2)",
    [Q_ONE_MORE] = "UPDATE stories SET articles = articles + 1, first_published = ?2, first_epoch = ?3, last_epoch = ?4 "
                   "WHERE id = ?1",
    [Q_META_GET] = "SELECT value FROM story_meta WHERE key = ?1",
    [Q_META_SET] = "INSERT INTO story_meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
    [Q_DAY] = "SELECT article_id, story, vec, script, xnorm, lang FROM story_docs WHERE day = ?1 ORDER BY article_id",
    [Q_DOC_VEC] = "SELECT vec, day, script, xnorm, lang FROM story_docs WHERE article_id = ?1",
    [Q_DOC_STORY] = "SELECT story FROM story_docs WHERE article_id = ?1",
    [Q_DOC_ADD] = "INSERT OR REPLACE INTO story_docs(article_id, story, day, script, lang, outlet, epoch, via, "
                  "via_sim, xnorm, vec, names) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [Q_MERGE] = "UPDATE story_docs SET story = ?2 WHERE story = ?1",
    [Q_STORY_DEL] = "DELETE FROM stories WHERE id = ?1",
    [Q_SUM] = "SELECT count(*), count(DISTINCT outlet), coalesce(min(CASE WHEN epoch > 0 THEN epoch END), 0), "
              "coalesce(max(epoch), 0) FROM story_docs WHERE story = ?1",
    [Q_OUTLETS] = "SELECT group_concat(o, '; ') FROM (SELECT DISTINCT outlet AS o FROM story_docs "
                  "WHERE story = ?1 AND outlet <> '' ORDER BY o)",
    [Q_LANGS] = "SELECT group_concat(l, ' ') FROM (SELECT DISTINCT lang AS l FROM story_docs "
                "WHERE story = ?1 AND lang <> '' ORDER BY l)",
    [Q_HEAD] = "SELECT outlet, lang, epoch, names FROM story_docs WHERE story = ?1 ORDER BY article_id LIMIT 65",
    [Q_STORY_PUT] = "INSERT OR REPLACE INTO stories(id, first_published, first_epoch, last_epoch, articles, outlets, "
                    "outlet_list, langs, label) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [Q_ART_KEY] = "SELECT id FROM article_rows WHERE key = ?1",
    [Q_ART_PREV] = "SELECT max(id) FROM article_rows WHERE id < ?1",
    [Q_MAX_DOC] = "SELECT max(article_id) FROM story_docs",
    [Q_SAVE] = "SAVEPOINT mw_story",
    [Q_RELEASE] = "RELEASE mw_story",
    [Q_ROLLBACK_TO] = "ROLLBACK TO mw_story",
};

struct mw_story_store {
    struct mw_store *store;
    sqlite3 *db;
    struct mw_story_stop *stop;
    sqlite3_stmt *q[Q_N];
    struct mw_story_index *cache;    /* the stored documents of the days read so far */
    int32_t *days;                   /* the days read (sorted) */
    size_t ndays, capdays;
    int nodays;                      /* the undated read */
    int64_t stamp;                   /* the tables' document count the cache agrees with (-1: none yet) */
    struct {                         /* the document be_add put last, until be_touch or be_merge */
        int set;
        int64_t story;
        double epoch;
        char outlet[128], lang[8];
    } added;
};

static int db_err(struct mw_story_store *ss, struct mw_err *err, const char *what)
{
    return mw_err_set(err, MW_EIO, "story", "%s: %s", what, sqlite3_errmsg(ss->db));
}

static sqlite3_stmt *q(struct mw_story_store *ss, int i)
{
    sqlite3_reset(ss->q[i]);
    sqlite3_clear_bindings(ss->q[i]);
    return ss->q[i];
}

static int done(struct mw_story_store *ss, sqlite3_stmt *st, struct mw_err *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_err(ss, err, what);
}

/* one integer from a one-row query (def when no row or NULL) */
static int one_int(struct mw_story_store *ss, sqlite3_stmt *st, int64_t def, int64_t *out, struct mw_err *err)
{
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_int64(st, 0) : def;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(ss, err, "read");
}

static int meta_get(struct mw_story_store *ss, const char *key, int64_t def, int64_t *out, struct mw_err *err)
{
    sqlite3_stmt *st = q(ss, Q_META_GET);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    return one_int(ss, st, def, out, err);
}

static int meta_set(struct mw_story_store *ss, const char *key, int64_t v, struct mw_err *err)
{
    sqlite3_stmt *st = q(ss, Q_META_SET);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, v);
    return done(ss, st, err, "story meta");
}

struct mw_story_store *mw_story_store_open(struct mw_store *s, struct mw_err *err)
{
    struct mw_story_store *ss = calloc(1, sizeof *ss);
    if (!ss) {
        mw_err_set(err, MW_ENOMEM, "story", "out of memory");
        return NULL;
    }
    ss->store = s;
    ss->db = mw_store_sqlite_db(s);
    if (!ss->db) {
        mw_err_set(err, MW_EINVAL, "story", "stories are kept in a SQLite store only (this store is %s)",
                   mw_store_ops(s)->name);
        free(ss);
        return NULL;
    }
    ss->stamp = -1;
    ss->stop = mw_story_stop_new();
    char *msg = NULL;
    /* a page cache that holds the days an article's window reads */
    sqlite3_exec(ss->db, "PRAGMA cache_size=-65536;", NULL, NULL, NULL);
    if (!ss->stop || sqlite3_exec(ss->db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        mw_err_set(err, MW_EIO, "story", "story tables: %s", msg ? msg : "out of memory");
        sqlite3_free(msg);
        mw_story_store_free(ss);
        return NULL;
    }
    for (int i = 0; i < Q_N; i++)
        if (sqlite3_prepare_v3(ss->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &ss->q[i], NULL) != SQLITE_OK) {
            db_err(ss, err, "story statements");
            mw_story_store_free(ss);
            return NULL;
        }
    return ss;
}

void mw_story_store_free(struct mw_story_store *ss)
{
    if (!ss)
        return;
    for (int i = 0; i < Q_N; i++)
        sqlite3_finalize(ss->q[i]);
    mw_story_stop_free(ss->stop);
    mw_story_index_free(ss->cache);
    free(ss->days);
    free(ss);
}

/* ---------- the backend ---------- */

static void text_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}


/* ---------- the cache of the days read ---------- */

static void cache_reset(struct mw_story_store *ss)
{
    mw_story_index_free(ss->cache);
    ss->cache = NULL;
    ss->ndays = 0;
    ss->nodays = 0;
}

/* another writer changed the tables since the cache was read (or a rollback undid what it holds): forget it */
static int cache_check(struct mw_story_store *ss, struct mw_err *err)
{
    int64_t n;
    if (meta_get(ss, "ndocs", 0, &n, err))
        return err->code;
    if (n != ss->stamp)
        cache_reset(ss);
    ss->stamp = n;
    if (!ss->cache && !(ss->cache = mw_story_index_new()))
        return mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    return 0;
}

static int vec_from_row(sqlite3_stmt *st, int col, struct mw_story_vec *v)
{
    size_t bytes = (size_t)sqlite3_column_bytes(st, col), n = bytes / 8;
    const unsigned char *b = sqlite3_column_blob(st, col);
    if (n > MW_STORY_MAXV)
        return -1;
    v->n = n;
    if (n) {
        memcpy(v->id, b, n * 4);
        memcpy(v->w, b + n * 4, n * 4);
    }
    return 0;
}

static int day_read(const struct mw_story_store *ss, int32_t day)
{
    if (day == MW_STORY_NODAY)
        return ss->nodays;
    size_t lo = 0, hi = ss->ndays;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ss->days[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ss->ndays && ss->days[lo] == day;
}

static int mark_read(struct mw_story_store *ss, int32_t day)
{
    if (day == MW_STORY_NODAY) {
        ss->nodays = 1;
        return 0;
    }
    if (ss->ndays == ss->capdays) {
        size_t c = ss->capdays ? ss->capdays * 2 : 64;
        int32_t *d = realloc(ss->days, c * sizeof *d);
        if (!d)
            return MW_ENOMEM;
        ss->days = d;
        ss->capdays = c;
    }
    size_t at = ss->ndays;
    while (at > 0 && ss->days[at - 1] > day)
        at--;
    memmove(ss->days + at + 1, ss->days + at, (ss->ndays - at) * sizeof *ss->days);
    ss->days[at] = day;
    ss->ndays++;
    return 0;
}

/* the stored documents of one day into the cache */
static int read_day(struct mw_story_store *ss, int32_t day, struct mw_err *err)
{
    if (day_read(ss, day))
        return 0;
    struct mw_story_doc *d = calloc(1, sizeof *d);
    struct mw_story_vec *v = calloc(1, sizeof *v);
    int rc = d && v ? 0 : mw_err_set(err, MW_ENOMEM, "story", "out of memory"), step;
    sqlite3_stmt *st = q(ss, Q_DAY);
    sqlite3_bind_int(st, 1, day);
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        d->id = sqlite3_column_int64(st, 0);
        d->story = sqlite3_column_int64(st, 1);
        d->day = day;
        if (vec_from_row(st, 2, v))
            continue;
        v->script = d->script = (unsigned char)sqlite3_column_int(st, 3);
        v->xnorm = (float)sqlite3_column_double(st, 4);
        v->day = day;
        text_col(st, 5, v->lang, sizeof v->lang);
        if (!mw_story_index_has(ss->cache, d->id) && mw_story_index_add(ss->cache, d, v))
            rc = mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    }
    if (!rc && step != SQLITE_DONE)
        rc = db_err(ss, err, "story documents of a day");
    sqlite3_reset(st);
    free(d);
    free(v);
    return rc ? rc : mark_read(ss, day);
}

/* the days of day's window, and the undated */
static int read_window(struct mw_story_store *ss, int32_t day, struct mw_err *err)
{
    int rc = read_day(ss, MW_STORY_NODAY, err);
    for (int32_t k = -MW_STORY_WINDOW; !rc && day != MW_STORY_NODAY && k <= MW_STORY_WINDOW; k++)
        rc = read_day(ss, day + k, err);
    return rc;
}

/* ---------- the backend ---------- */

static int be_df(void *ctx, int32_t day, const uint32_t *ids, size_t n, uint32_t *df, int64_t *ndocs,
                 struct mw_err *err)
{
    struct mw_story_store *ss = ctx;
    if (read_window(ss, day, err))
        return err->code;
    struct mw_story_backend c = mw_story_index_backend(ss->cache);
    return c.df(c.ctx, day, ids, n, df, ndocs, err);
}

static int be_postings(void *ctx, int32_t day, uint32_t term, size_t cap, int64_t *out, size_t *n,
                       struct mw_err *err)
{
    struct mw_story_store *ss = ctx;
    if (read_window(ss, day, err))
        return err->code;
    struct mw_story_backend c = mw_story_index_backend(ss->cache);
    return c.postings(c.ctx, day, term, cap, out, n, err);
}

static int be_vec(void *ctx, int64_t doc, struct mw_story_vec *v, struct mw_err *err)
{
    struct mw_story_store *ss = ctx;
    if (ss->cache && mw_story_index_has(ss->cache, doc)) {
        struct mw_story_backend c = mw_story_index_backend(ss->cache);
        return c.vec(c.ctx, doc, v, err);
    }
    sqlite3_stmt *st = q(ss, Q_DOC_VEC);
    sqlite3_bind_int64(st, 1, doc);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (vec_from_row(st, 0, v))
            v->n = 0;
        v->day = sqlite3_column_int(st, 1);
        v->script = (unsigned char)sqlite3_column_int(st, 2);
        v->xnorm = (float)sqlite3_column_double(st, 3);
        text_col(st, 4, v->lang, sizeof v->lang);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? mw_err_set(err, MW_ENOTFOUND, "story", "article %lld has no story row", (long long)doc)
                             : db_err(ss, err, "story vector");
}

static int be_story_of(void *ctx, int64_t doc, int64_t *story, struct mw_err *err)
{
    struct mw_story_store *ss = ctx;
    sqlite3_stmt *st = q(ss, Q_DOC_STORY);
    sqlite3_bind_int64(st, 1, doc);
    return one_int(ss, st, doc, story, err);
}

/* a member's label names as text, one "id weight surface" a line (surfaces are single tokens: no spaces) */
static char *names_text(const struct mw_story_name *n, size_t k)
{
    size_t cap = k * (MW_STORY_NAMELEN + 32) + 1, len = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < k; i++)
        len += (size_t)snprintf(s + len, cap - len, "%u %.6g %s\n", (unsigned)n[i].id, (double)n[i].w, n[i].surface);
    return s;
}

static int put_doc(struct mw_story_store *ss, const struct mw_story_doc *d, const struct mw_story_vec *v,
                   struct mw_err *err)
{
    unsigned char blob[MW_STORY_MAXV * 8];
    memcpy(blob, v->id, v->n * 4);
    memcpy(blob + v->n * 4, v->w, v->n * 4);
    char *names = names_text(d->feats.names, d->feats.nnames);
    sqlite3_stmt *st = q(ss, Q_DOC_ADD);
    sqlite3_bind_int64(st, 1, d->id);
    sqlite3_bind_int64(st, 2, d->story);
    sqlite3_bind_int(st, 3, d->day);
    sqlite3_bind_int(st, 4, d->script);
    sqlite3_bind_text(st, 5, d->lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, d->outlet, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 7, d->epoch);
    sqlite3_bind_int64(st, 8, d->via);
    sqlite3_bind_double(st, 9, d->via_sim);
    sqlite3_bind_double(st, 10, v->xnorm);
    sqlite3_bind_blob(st, 11, blob, (int)(v->n * 8), SQLITE_STATIC);
    sqlite3_bind_text(st, 12, names ? names : "", -1, SQLITE_STATIC);
    int rc = done(ss, st, err, "story document");
    free(names);
    return rc;
}

static int be_add(void *ctx, const struct mw_story_doc *d, const struct mw_story_vec *v, struct mw_err *err)
{
    struct mw_story_store *ss = ctx;
    int rc = put_doc(ss, d, v, err);
    ss->added.set = !rc;
    ss->added.story = d->story;
    ss->added.epoch = d->epoch;
    snprintf(ss->added.outlet, sizeof ss->added.outlet, "%s", d->outlet);
    snprintf(ss->added.lang, sizeof ss->added.lang, "%s", d->lang);
    if (!rc && mw_story_index_add(ss->cache, d, v))
        rc = mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    if (!rc)
        rc = meta_set(ss, "ndocs", ++ss->stamp, err);
    return rc;
}

static int be_merge(void *ctx, int64_t from, int64_t to, struct mw_err *err)
{
    struct mw_story_store *ss = ctx;
    ss->added.set = 0;
    sqlite3_stmt *st = q(ss, Q_MERGE);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int rc = done(ss, st, err, "story merge");
    if (!rc) {
        st = q(ss, Q_STORY_DEL);
        sqlite3_bind_int64(st, 1, from);
        rc = done(ss, st, err, "story merge");
    }
    if (!rc && ss->cache) {   /* the cache counts stories too (rarity): it must see the merge */
        struct mw_story_backend c = mw_story_index_backend(ss->cache);
        rc = c.merge(c.ctx, from, to, err);
    }
    return rc;
}

static int read_names(const char *t, struct mw_story_name *n)
{
    int k = 0;
    while (t && *t && k < MW_STORY_NAMES) {
        char *end;
        unsigned long id = strtoul(t, &end, 10);
        if (*end != ' ')
            break;
        double w = strtod(end + 1, &end);
        if (*end != ' ')
            break;
        const char *surface = end + 1, *eol = strchr(surface, '\n');
        size_t len = eol ? (size_t)(eol - surface) : strlen(surface);
        if (len >= sizeof n[k].surface)
            len = sizeof n[k].surface - 1;
        n[k].id = (uint32_t)id;
        n[k].w = (float)w;
        memcpy(n[k].surface, surface, len);
        n[k].surface[len] = '\0';
        k++;
        t = eol ? eol + 1 : "";
    }
    return k;
}

/* the summary from the first members (*more: the story has others beyond them) */
static int head_label(struct mw_story_store *ss, int64_t story, struct mw_story_summary *sum, int *more,
                      struct mw_err *err)
{
    struct mw_story_member m[64];
    struct mw_story_name names[64][MW_STORY_NAMES];
    char outlet[64][128], lang[64][8];
    size_t n = 0;
    sqlite3_stmt *st = q(ss, Q_HEAD);
    sqlite3_bind_int64(st, 1, story);
    int rc;
    *more = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && !(*more = n == 64)) {
        text_col(st, 0, outlet[n], sizeof outlet[n]);
        text_col(st, 1, lang[n], sizeof lang[n]);
        m[n] = (struct mw_story_member){outlet[n], lang[n], sqlite3_column_double(st, 2), names[n], 0};
        m[n].nnames = (size_t)read_names((const char *)sqlite3_column_text(st, 3), names[n]);
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_err(ss, err, "story members");
    mw_story_summarize(story, m, n, sum);
    return 0;
}

/* a story of more members than its head holds: counts, outlets, languages and times from all of them */
static void summary_rest(struct mw_story_store *ss, int64_t story, struct mw_story_summary *s)
{
    sqlite3_stmt *st = q(ss, Q_SUM);
    sqlite3_bind_int64(st, 1, story);
    if (sqlite3_step(st) == SQLITE_ROW) {
        s->articles = (long)sqlite3_column_int64(st, 0);
        s->outlets = (long)sqlite3_column_int64(st, 1);
        s->first_epoch = sqlite3_column_double(st, 2);
        s->last_epoch = sqlite3_column_double(st, 3);
    }
    sqlite3_reset(st);
    st = q(ss, Q_OUTLETS);
    sqlite3_bind_int64(st, 1, story);
    if (sqlite3_step(st) == SQLITE_ROW)
        text_col(st, 0, s->outlet_list, sizeof s->outlet_list);
    sqlite3_reset(st);
    st = q(ss, Q_LANGS);
    sqlite3_bind_int64(st, 1, story);
    if (sqlite3_step(st) == SQLITE_ROW)
        text_col(st, 0, s->langs, sizeof s->langs);
    sqlite3_reset(st);
    s->first_published[0] = '\0';
    if (s->first_epoch > 0) {
        time_t t = (time_t)s->first_epoch;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(s->first_published, sizeof s->first_published, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
}

/* be_touch after be_add put one more article in a story already past its head (65 members or more, so the
 * summary is summary_rest's): the label is the head's, unchanged; when the story had the article's outlet and
 * language already, so are the outlets and languages; the count grows and the dates take the article's in.
 * *took: 1 when that held and the row is updated (otherwise the caller computes the summary afresh). A story of
 * thousands of articles then costs an index probe per article, not passes over its members. */
static int touch_one_more(struct mw_story_store *ss, int64_t story, int *took, struct mw_err *err)
{
    int64_t articles = 0, seen = 0;
    double first = 0, last = 0, e = ss->added.epoch;
    *took = 0;
    sqlite3_stmt *st = q(ss, Q_ROW);
    sqlite3_bind_int64(st, 1, story);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        articles = sqlite3_column_int64(st, 0);
        first = sqlite3_column_double(st, 1);
        last = sqlite3_column_double(st, 2);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(ss, err, "story summary");
    if (articles < 65 || last <= 0)   /* max(epoch) of the members: kept exact only while it is a date */
        return 0;
    const char *const probe[2] = {ss->added.outlet, ss->added.lang};
    for (int k = 0; k < 2; k++) {
        st = q(ss, k ? Q_LANG_SEEN : Q_OUTLET_SEEN);
        sqlite3_bind_int64(st, 1, story);
        sqlite3_bind_text(st, 2, probe[k], -1, SQLITE_STATIC);
        if (one_int(ss, st, 0, &seen, err))
            return err->code;
        if (seen < 2)
            return 0;
    }
    if (e > 0 && (first <= 0 || e < first))
        first = e;
    if (e > last)
        last = e;
    char pub[48] = "";
    if (first > 0) {   /* as summary_rest writes it */
        time_t t = (time_t)first;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(pub, sizeof pub, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    st = q(ss, Q_ONE_MORE);
    sqlite3_bind_int64(st, 1, story);
    if (pub[0])
        sqlite3_bind_text(st, 2, pub, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 3, first);
    sqlite3_bind_double(st, 4, last);
    *took = 1;
    return done(ss, st, err, "story summary");
}

static int be_touch(void *ctx, int64_t story, struct mw_err *err)
{
    struct mw_story_store *ss = ctx;
    int one_more = ss->added.set && ss->added.story == story, took = 0;
    ss->added.set = 0;
    if (one_more && (touch_one_more(ss, story, &took, err) || took))
        return took ? 0 : err->code;
    struct mw_story_summary s;
    int more;
    if (head_label(ss, story, &s, &more, err))
        return err->code;
    if (more)   /* else the head is every member: the summary is whole */
        summary_rest(ss, story, &s);
    sqlite3_stmt *st = q(ss, Q_STORY_PUT);
    sqlite3_bind_int64(st, 1, story);
    if (s.first_published[0])
        sqlite3_bind_text(st, 2, s.first_published, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 3, s.first_epoch);
    sqlite3_bind_double(st, 4, s.last_epoch);
    sqlite3_bind_int64(st, 5, s.articles);
    sqlite3_bind_int64(st, 6, s.outlets);
    sqlite3_bind_text(st, 7, s.outlet_list, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, s.langs, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, s.label, -1, SQLITE_STATIC);
    return done(ss, st, err, "story summary");
}

static struct mw_story_backend backend(struct mw_story_store *ss)
{
    return (struct mw_story_backend){ss, be_df, be_postings, be_vec, be_story_of, be_add, be_merge, be_touch};
}

/* ---------- one article ---------- */

static int assign_record(struct mw_story_store *ss, int64_t id, const json_t *rec, const struct mw_story_doc *doc,
                         struct mw_err *err)
{
    if (!json_is_object(rec))
        return mw_err_set(err, MW_EPARSE, "story", "article %lld: record is not a JSON object", (long long)id);
    struct mw_story_doc *d = malloc(sizeof *d);
    int rc = d ? cache_check(ss, err) : mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    if (!rc) {
        if (doc) {
            *d = *doc;
            d->id = id;
        } else {
            mw_story_doc_from_record(ss->stop, rec, id, d);
        }
        struct mw_story_backend be = backend(ss);
        rc = mw_story_assign(&be, d, err);
    }
    free(d);
    return rc;
}

static int record_key_id(struct mw_story_store *ss, const json_t *rec, int64_t *id, struct mw_err *err)
{
    const char *canon = json_string_value(json_object_get(rec, "canonical_url"));
    const char *url = json_string_value(json_object_get(rec, "url"));
    const char *key = canon && *canon ? canon : url;
    int rc = 0;
    *id = 0;
    if (key) {
        sqlite3_stmt *st = q(ss, Q_ART_KEY);
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        rc = one_int(ss, st, 0, id, err);
    }
    if (!rc && !*id)
        rc = mw_err_set(err, MW_ENOTFOUND, "story", "the article of %s is not in the store", key ? key : "a record");
    return rc;
}

/* the tables can take article id as their next one: same version, not marked, every older article assigned */
static int in_step(struct mw_story_store *ss, int64_t id, int *ok, struct mw_err *err)
{
    int64_t version, dirty, prev, last;
    sqlite3_stmt *st = q(ss, Q_ART_PREV);
    sqlite3_bind_int64(st, 1, id);
    if (meta_get(ss, "version", MW_STORY_VERSION, &version, err) || meta_get(ss, "dirty", 0, &dirty, err)
        || one_int(ss, st, 0, &prev, err) || one_int(ss, q(ss, Q_MAX_DOC), 0, &last, err))
        return err->code;
    *ok = version == MW_STORY_VERSION && !dirty && prev == last;
    return 0;
}

int mw_story_store_hook(struct mw_story_store **ssp, struct mw_store *s, const char *record_json, struct mw_err *err)
{
    json_t *rec = json_loads(record_json, 0, NULL);
    int rc = mw_story_store_hook_record(ssp, s, 0, rec, NULL, err);
    json_decref(rec);
    return rc;
}

int mw_story_store_hook_record(struct mw_story_store **ssp, struct mw_store *s, int64_t id, const json_t *rec,
                               const struct mw_story_doc *doc, struct mw_err *err)
{
    if (!*ssp && !(*ssp = mw_story_store_open(s, err)))
        return err->code;
    struct mw_story_store *ss = *ssp;
    int ok = 0;
    if (!json_is_object(rec))
        return mw_err_set(err, MW_EPARSE, "story", "the record is not a JSON object");
    if ((!id && record_key_id(ss, rec, &id, err)) || in_step(ss, id, &ok, err))
        return err->code;
    if (!ok)   /* out of step already: `moonwire stories` rebuilds; mark it for a new store's first article */
        return meta_set(ss, "dirty", 1, err);
    if (done(ss, q(ss, Q_SAVE), err, "story savepoint"))
        return err->code;
    int64_t stamped;
    int rc = meta_get(ss, "version", 0, &stamped, err);
    if (!rc && !stamped)   /* new tables: say which version made them */
        rc = meta_set(ss, "version", MW_STORY_VERSION, err);
    if (!rc)
        rc = assign_record(ss, id, rec, doc, err);
    if (rc) {   /* the story tables go back as they were; the article stays, and the tables want a rebuild */
        sqlite3_step(q(ss, Q_ROLLBACK_TO));
        sqlite3_reset(ss->q[Q_ROLLBACK_TO]);
    }
    sqlite3_step(q(ss, Q_RELEASE));
    sqlite3_reset(ss->q[Q_RELEASE]);
    if (rc) {
        meta_set(ss, "dirty", 1, NULL);
        cache_reset(ss);
        ss->stamp = -1;
    }
    return rc;
}

/* ---------- catching up, rebuilding ---------- */

/* every article with id > after, oldest first, as its first version */
static int each_article(struct mw_story_store *ss, int64_t after, int (*fn)(void *, int64_t, const char *),
                        void *ctx, struct mw_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db,
                           "SELECT a.id, coalesce((SELECT CAST(sqlar_uncompress(r.record, r.size) AS TEXT) FROM "
                           "revisions r WHERE r.article_id = a.id ORDER BY r.rev LIMIT 1), a.record) FROM articles a WHERE a.id > ?1 ORDER BY a.id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(ss, err, "articles");
    sqlite3_bind_int64(st, 1, after);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
    int bad = !stop && rc != SQLITE_DONE;
    if (bad)
        db_err(ss, err, "articles");
    sqlite3_finalize(st);
    return bad ? MW_EIO : stop;
}

struct catchup {
    struct mw_story_store *ss;
    struct mw_err *err;
};

static int catch_one(void *ctx, int64_t id, const char *record_json)
{
    struct catchup *c = ctx;
    json_t *rec = json_loads(record_json ? record_json : "", 0, NULL);
    int rc = assign_record(c->ss, id, rec, NULL, c->err);
    json_decref(rec);
    return rc ? 1 : 0;
}

int mw_story_store_sync(struct mw_story_store *ss, int *rebuilt, struct mw_err *err)
{
    int64_t version, dirty, last, assigned;
    *rebuilt = 0;
    sqlite3_stmt *count;
    if (sqlite3_prepare_v2(ss->db, "SELECT count(*) FROM article_rows WHERE id <= ?1", -1, &count, NULL) != SQLITE_OK)
        return db_err(ss, err, "articles");
    int rc = meta_get(ss, "version", MW_STORY_VERSION, &version, err) || meta_get(ss, "dirty", 0, &dirty, err)
          || one_int(ss, q(ss, Q_MAX_DOC), 0, &last, err) || meta_get(ss, "ndocs", 0, &assigned, err);
    int64_t older = 0;
    if (!rc) {
        sqlite3_bind_int64(count, 1, last);
        rc = one_int(ss, count, 0, &older, err);
    }
    sqlite3_finalize(count);
    if (rc)
        return err->code ? err->code : MW_EIO;
    if (version != MW_STORY_VERSION || dirty || older != assigned) {
        *rebuilt = 1;
        return mw_story_store_rebuild(ss, err);
    }
    if (mw_store_begin(ss->store, err))
        return err->code;
    struct catchup c = {ss, err};
    rc = each_article(ss, last, catch_one, &c, err);
    if (!rc)
        rc = meta_set(ss, "version", MW_STORY_VERSION, err);
    if (rc) {
        mw_store_rollback(ss->store);
        return err->code ? err->code : MW_EIO;
    }
    return mw_store_commit(ss->store, err);
}

struct rebuild {
    struct mw_story_store *ss;
    struct mw_story_index *x;
    struct mw_story_doc *d;
    struct mw_err *err;
    int rc;
};

static int rebuild_one(void *ctx, int64_t id, const char *record_json)
{
    struct rebuild *r = ctx;
    json_t *rec = json_loads(record_json ? record_json : "", 0, NULL);
    if (!json_is_object(rec)) {
        json_decref(rec);
        r->rc = mw_err_set(r->err, MW_EPARSE, "story", "article %lld: record is not a JSON object", (long long)id);
        return 1;
    }
    mw_story_doc_from_record(r->ss->stop, rec, id, r->d);
    json_decref(rec);
    struct mw_story_backend be = mw_story_index_backend(r->x);
    r->rc = mw_story_assign(&be, r->d, r->err);
    return r->rc ? 1 : 0;
}

static int exec(struct mw_story_store *ss, const char *sql, struct mw_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(ss->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        mw_err_set(err, MW_EIO, "story", "%s", msg ? msg : sqlite3_errmsg(ss->db));
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : MW_EIO;
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* story_docs rows and the stories' summaries from the index */
static int dump_docs(struct mw_story_store *ss, const struct mw_story_index *x, struct mw_story_doc *d,
                     struct mw_story_vec *v, struct mw_err *err)
{
    size_t n = mw_story_index_count(x);
    int64_t *stories = malloc((n ? n : 1) * sizeof *stories);
    if (!stories)
        return mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        struct mw_story_entry e;
        memset(d, 0, sizeof *d);
        mw_story_index_entry(x, i, &e, d->feats.names, v);
        d->id = e.id;
        d->story = stories[i] = e.story;
        d->via = e.via;
        d->via_sim = e.via_sim;
        d->day = e.day;
        d->script = e.script;
        d->epoch = e.m.epoch;
        d->feats.nnames = e.m.nnames;
        snprintf(d->lang, sizeof d->lang, "%s", e.m.lang);
        snprintf(d->outlet, sizeof d->outlet, "%s", e.m.outlet);
        rc = put_doc(ss, d, v, err);
    }
    qsort(stories, n, sizeof *stories, by_value);
    for (size_t i = 0; i < n && !rc; i++)
        if (!i || stories[i] != stories[i - 1])
            rc = be_touch(ss, stories[i], err);
    free(stories);
    return rc ? rc : meta_set(ss, "ndocs", (int64_t)n, err);
}

static int dump(struct mw_story_store *ss, const struct mw_story_index *x, struct mw_err *err)
{
    struct mw_story_doc *d = malloc(sizeof *d);
    struct mw_story_vec *v = malloc(sizeof *v);
    int rc = d && v ? dump_docs(ss, x, d, v, err) : mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    free(d);
    free(v);
    return rc;
}

int mw_story_store_rebuild(struct mw_story_store *ss, struct mw_err *err)
{
    if (mw_store_begin(ss->store, err))
        return err->code;
    struct rebuild r = {ss, mw_story_index_new(), malloc(sizeof(struct mw_story_doc)), err, 0};
    int rc = r.x && r.d ? 0 : mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    if (!rc)
        rc = exec(ss, "DELETE FROM story_docs; DELETE FROM stories;", err);
    if (!rc && each_article(ss, 0, rebuild_one, &r, err))
        rc = r.rc ? r.rc : MW_EIO;
    free(r.d);
    if (!rc)
        rc = dump(ss, r.x, err);
    mw_story_index_free(r.x);
    cache_reset(ss);
    ss->stamp = -1;
    if (!rc)
        rc = meta_set(ss, "version", MW_STORY_VERSION, err) || meta_set(ss, "dirty", 0, err) ? MW_EIO : 0;
    if (rc) {
        mw_store_rollback(ss->store);
        return rc;
    }
    return mw_store_commit(ss->store, err);
}

/* ---------- reading ---------- */

int mw_story_store_list(struct mw_story_store *ss, double since, double until, long min_articles,
                        long min_outlets, mw_story_summary_fn fn, void *ctx, struct mw_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db,
                           "SELECT id, first_published, first_epoch, last_epoch, articles, outlets, outlet_list, "
                           "langs, label FROM stories WHERE articles >= ?1 AND outlets >= ?2 AND (?3 <= 0 OR "
                           "first_epoch >= ?3) AND (?4 <= 0 OR (first_epoch > 0 AND first_epoch < ?4)) "
                           "ORDER BY first_epoch DESC, id DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(ss, err, "stories");
    sqlite3_bind_int64(st, 1, min_articles);
    sqlite3_bind_int64(st, 2, min_outlets);
    sqlite3_bind_double(st, 3, since);
    sqlite3_bind_double(st, 4, until);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct mw_story_summary s = {0};
        s.id = sqlite3_column_int64(st, 0);
        text_col(st, 1, s.first_published, sizeof s.first_published);
        s.first_epoch = sqlite3_column_double(st, 2);
        s.last_epoch = sqlite3_column_double(st, 3);
        s.articles = (long)sqlite3_column_int64(st, 4);
        s.outlets = (long)sqlite3_column_int64(st, 5);
        text_col(st, 6, s.outlet_list, sizeof s.outlet_list);
        text_col(st, 7, s.langs, sizeof s.langs);
        text_col(st, 8, s.label, sizeof s.label);
        stop = fn(ctx, &s);
    }
    int bad = !stop && rc != SQLITE_DONE;
    if (bad)
        db_err(ss, err, "stories");
    sqlite3_finalize(st);
    return bad ? MW_EIO : 0;
}

int mw_story_store_members(struct mw_story_store *ss, int64_t story, mw_story_record_fn fn, void *ctx,
                           struct mw_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db,
                           "SELECT d.article_id, a.record, d.via, d.via_sim FROM story_docs d JOIN articles a ON "
                           "a.id = d.article_id WHERE d.story = ?1 ORDER BY d.article_id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(ss, err, "story members");
    sqlite3_bind_int64(st, 1, story);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
                  sqlite3_column_int64(st, 2), sqlite3_column_double(st, 3));
    int bad = !stop && rc != SQLITE_DONE;
    if (bad)
        db_err(ss, err, "story members");
    sqlite3_finalize(st);
    return bad ? MW_EIO : 0;
}

int mw_story_store_find(struct mw_story_store *ss, const char *url, int64_t *story, struct mw_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db,
                           "SELECT d.story FROM articles a JOIN story_docs d ON d.article_id = a.id "
                           "WHERE a.key = ?1 OR a.url = ?1 ORDER BY a.id LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(ss, err, "story of a URL");
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    int rc = one_int(ss, st, 0, story, err);
    sqlite3_finalize(st);
    return rc;
}

int mw_story_store_each(struct mw_story_store *ss, mw_story_each_fn fn, void *ctx, struct mw_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db, "SELECT article_id, story, via, via_sim FROM story_docs ORDER BY article_id", -1,
                           &st, NULL)
        != SQLITE_OK)
        return db_err(ss, err, "story documents");
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                  sqlite3_column_double(st, 3));
    int bad = !stop && rc != SQLITE_DONE;
    if (bad)
        db_err(ss, err, "story documents");
    sqlite3_finalize(st);
    return bad ? MW_EIO : 0;
}
