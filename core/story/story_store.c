/* story/story_store.c: stories in the crawl's store, SQLite or PostgreSQL, through the store's SQL seam
 * (run/store.h's mw_store_sql). Tables of their own beside the articles (one row per assigned article with its
 * vector, one summary row per story), the backend cluster.c assigns through (the days an article's window needs
 * are read into an index.c cache once per process, so a new article writes only its own rows), the run hook (one
 * article, inside the run's transaction), catching up and the full rebuild (in memory through index.c, then
 * written). The articles are run/store.c's; on PostgreSQL the tables are the store's schema (plugins/postgres). */
#include "story/story.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/store.h"

/* SQLite: the tables, made here when missing (a PostgreSQL store has them from its schema, version 4) */
static const char SCHEMA_SQLITE[] =
    "CREATE TABLE IF NOT EXISTS story_meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS story_docs("
    "  article_id INTEGER PRIMARY KEY, story INTEGER NOT NULL, day INTEGER NOT NULL, script INTEGER, lang TEXT,"
    "  outlet TEXT, epoch REAL, via INTEGER, via_sim REAL, xnorm REAL, vec BLOB NOT NULL, names TEXT);"
    "CREATE INDEX IF NOT EXISTS story_docs_story ON story_docs(story);"
    "CREATE INDEX IF NOT EXISTS story_docs_day ON story_docs(day);"
    "CREATE TABLE IF NOT EXISTS stories("
    "  id INTEGER PRIMARY KEY, first_published TEXT, first_epoch REAL, last_epoch REAL, articles INTEGER,"
    "  outlets INTEGER, outlet_list TEXT, langs TEXT, label TEXT);"
    "CREATE INDEX IF NOT EXISTS stories_first ON stories(first_epoch);"
    /* a page cache that holds the days an article's window reads */
    "PRAGMA cache_size=-65536;";

/* The hook's look at the tables, in one round trip: whether they are this transaction's to write (PG_STEP), their
 * version and mark, the article before $1, the last one assigned, the documents assigned. */
#define STEP_COLS \
    "(SELECT value FROM story_meta WHERE key = 'version'), (SELECT value FROM story_meta WHERE key = 'dirty'), " \
    "(SELECT max(id) FROM article_rows WHERE id < $1), (SELECT max(article_id) FROM story_docs), " \
    "(SELECT value FROM story_meta WHERE key = 'ndocs')"

enum {
    Q_META_GET, Q_META_SET, Q_DAY, Q_DOC_VEC, Q_DOC_STORY, Q_DOC_ADD,
    Q_MERGE, Q_STORY_DEL, Q_SUM, Q_OUTLETS, Q_LANGS, Q_HEAD, Q_STORY_PUT, Q_ART_KEY, Q_MAX_DOC,
    Q_SAVE, Q_RELEASE, Q_ROLLBACK_TO, Q_ROW, Q_OUTLET_SEEN, Q_LANG_SEEN, Q_ONE_MORE, Q_ARTICLES, Q_OLDER,
    Q_LIST, Q_MEMBERS, Q_FIND, Q_EACH, Q_CLEAR_DOCS, Q_CLEAR_STORIES, Q_STEP, Q_N
};

/* One text for both dialects: $n parameters, ON CONFLICT upserts, no aggregate that differs (lists of outlets and
 * languages are sorted and joined here, in byte order, whatever the database's collation). */
static const char *const SQL[Q_N] = {
    [Q_ROW] = "SELECT articles, first_epoch, last_epoch FROM stories WHERE id = $1",
    [Q_OUTLET_SEEN] = "SELECT count(*) FROM (SELECT 1 FROM story_docs WHERE story = $1 AND outlet = $2 LIMIT 2) t",
    [Q_LANG_SEEN] = "SELECT count(*) FROM (SELECT 1 FROM story_docs WHERE story = $1 AND lang = $2 LIMIT 2) t",
    [Q_ONE_MORE] = "UPDATE stories SET articles = articles + 1, first_published = $2, first_epoch = $3, "
                   "last_epoch = $4 WHERE id = $1",
    [Q_META_GET] = "SELECT value FROM story_meta WHERE key = $1",
    [Q_META_SET] = "INSERT INTO story_meta(key, value) VALUES($1, $2) ON CONFLICT(key) DO UPDATE SET value = "
                   "excluded.value",
    [Q_DAY] = "SELECT article_id, story, vec, script, xnorm, lang FROM story_docs WHERE day = $1 ORDER BY article_id",
    [Q_DOC_VEC] = "SELECT vec, day, script, xnorm, lang FROM story_docs WHERE article_id = $1",
    [Q_DOC_STORY] = "SELECT story FROM story_docs WHERE article_id = $1",
    [Q_DOC_ADD] = "INSERT INTO story_docs(article_id, story, day, script, lang, outlet, epoch, via, via_sim, xnorm, "
                  "vec, names) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT(article_id) DO "
                  "UPDATE SET story = excluded.story, day = excluded.day, script = excluded.script, lang = "
                  "excluded.lang, outlet = excluded.outlet, epoch = excluded.epoch, via = excluded.via, via_sim = "
                  "excluded.via_sim, xnorm = excluded.xnorm, vec = excluded.vec, names = excluded.names",
    [Q_MERGE] = "UPDATE story_docs SET story = $2 WHERE story = $1",
    [Q_STORY_DEL] = "DELETE FROM stories WHERE id = $1",
    [Q_SUM] = "SELECT count(*), count(DISTINCT outlet), coalesce(min(CASE WHEN epoch > 0 THEN epoch END), 0), "
              "coalesce(max(epoch), 0) FROM story_docs WHERE story = $1",
    [Q_OUTLETS] = "SELECT DISTINCT outlet FROM story_docs WHERE story = $1 AND outlet <> ''",
    [Q_LANGS] = "SELECT DISTINCT lang FROM story_docs WHERE story = $1 AND lang <> ''",
    [Q_HEAD] = "SELECT outlet, lang, epoch, names FROM story_docs WHERE story = $1 ORDER BY article_id LIMIT 65",
    [Q_STORY_PUT] = "INSERT INTO stories(id, first_published, first_epoch, last_epoch, articles, outlets, outlet_list, "
                    "langs, label) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT(id) DO UPDATE SET "
                    "first_published = excluded.first_published, first_epoch = excluded.first_epoch, last_epoch = "
                    "excluded.last_epoch, articles = excluded.articles, outlets = excluded.outlets, outlet_list = "
                    "excluded.outlet_list, langs = excluded.langs, label = excluded.label",
    [Q_ART_KEY] = "SELECT id FROM article_rows WHERE key = $1",
    [Q_MAX_DOC] = "SELECT max(article_id) FROM story_docs",
    [Q_SAVE] = "SAVEPOINT mw_story",
    [Q_RELEASE] = "RELEASE SAVEPOINT mw_story",
    [Q_ROLLBACK_TO] = "ROLLBACK TO SAVEPOINT mw_story",
    /* every article after $1, a page at a time, as its first version */
    [Q_ARTICLES] = "SELECT a.id, coalesce((SELECT r.record FROM revisions r WHERE r.article_id = a.id ORDER BY r.rev "
                   "LIMIT 1), a.record) FROM articles a WHERE a.id > $1 ORDER BY a.id LIMIT 256",
    [Q_OLDER] = "SELECT count(*) FROM article_rows WHERE id <= $1",
    [Q_LIST] = "SELECT id, first_published, first_epoch, last_epoch, articles, outlets, outlet_list, langs, label "
               "FROM stories WHERE articles >= $1 AND outlets >= $2 AND ($3 <= 0 OR first_epoch >= $3) AND ($4 <= 0 "
               "OR (first_epoch > 0 AND first_epoch < $4)) ORDER BY first_epoch DESC, id DESC",
    [Q_MEMBERS] = "SELECT d.article_id, a.record, d.via, d.via_sim FROM story_docs d JOIN articles a ON a.id = "
                  "d.article_id WHERE d.story = $1 ORDER BY d.article_id",
    [Q_FIND] = "SELECT d.story FROM articles a JOIN story_docs d ON d.article_id = a.id WHERE a.key = $1 OR a.url = $1 "
               "ORDER BY a.id LIMIT 1",
    [Q_EACH] = "SELECT article_id, story, via, via_sim FROM story_docs ORDER BY article_id",
    [Q_CLEAR_DOCS] = "DELETE FROM story_docs",
    [Q_CLEAR_STORIES] = "DELETE FROM stories",
    [Q_STEP] = "SELECT 1, " STEP_COLS,
};

/* SQLite keeps a revision's record compressed (run/store_sqlite.c, schema 4: sqlar's format, size = the JSON's
 * length; older rows stay text, which sqlar_uncompress gives back as they are) */
static const char ARTICLES_SQLITE[] =
    "SELECT a.id, coalesce((SELECT CAST(sqlar_uncompress(r.record, r.size) AS TEXT) FROM revisions r WHERE "
    "r.article_id = a.id ORDER BY r.rev LIMIT 1), a.record) FROM articles a WHERE a.id > $1 ORDER BY a.id LIMIT 256";

/* PostgreSQL: workers of a shared crawl write their batches at once, so one holds the story tables at a time (to
 * the end of its transaction): the run hook tries (an article it cannot assign is left to `moonwire stories`,
 * which finds the tables out of step), catching up and rebuilding wait. SQLite's write lock does this itself. */
#define STORY_LOCK "7270017"
static const char PG_STEP[] = "SELECT pg_try_advisory_xact_lock(" STORY_LOCK "), " STEP_COLS;
static const char PG_LOCK[] = "SELECT pg_advisory_xact_lock(" STORY_LOCK ")";

struct mw_story_store {
    struct mw_store *store;
    int pg;                          /* the store is PostgreSQL's (else SQLite's) */
    struct mw_story_stop *stop;
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

#define P(...) ((const struct mw_sql_val[]){__VA_ARGS__})
#define NP(...) (int)(sizeof((const struct mw_sql_val[]){__VA_ARGS__}) / sizeof(struct mw_sql_val))
/* statement i with the parameters given, each row to fn (may be NULL) */
#define RUN(ss, i, fn, ctx, err, ...) mw_store_sql((ss)->store, SQL[i], P(__VA_ARGS__), NP(__VA_ARGS__), fn, ctx, err)
#define RUN0(ss, i, fn, ctx, err) mw_store_sql((ss)->store, SQL[i], NULL, 0, fn, ctx, err)

/* the first row's first column as an integer (def when no row or NULL) */
struct one { int64_t v; };

static int one_col(void *ctx, const struct mw_sql_val *c, int n)
{
    struct one *o = ctx;
    if (n > 0 && c[0].type != MW_SQL_NULL)
        o->v = mw_sql_int(&c[0]);
    return 1;
}

static int one_int_of(struct mw_story_store *ss, const char *sql, const struct mw_sql_val *p, int np, int64_t def,
                      int64_t *out, struct mw_err *err)
{
    struct one o = {def};
    int rc = mw_store_sql(ss->store, sql, p, np, one_col, &o, err);
    *out = o.v;
    return rc;
}
#define ONE(ss, i, def, out, err, ...) one_int_of(ss, SQL[i], P(__VA_ARGS__), NP(__VA_ARGS__), def, out, err)

/* the first row's numbers (up to 8 columns) */
struct nums { int got; int n; struct mw_sql_val v[8]; };

static int nums_row(void *ctx, const struct mw_sql_val *c, int n)
{
    struct nums *r = ctx;
    r->got = 1;
    r->n = n < 8 ? n : 8;
    for (int i = 0; i < r->n; i++) {
        r->v[i] = c[i];
        r->v[i].p = NULL;   /* borrowed for the call only */
        if (c[i].type == MW_SQL_TEXT || c[i].type == MW_SQL_BLOB)
            r->v[i] = MW_SQL_R(mw_sql_real(&c[i]));
    }
    return 1;
}

static int meta_get(struct mw_story_store *ss, const char *key, int64_t def, int64_t *out, struct mw_err *err)
{
    return ONE(ss, Q_META_GET, def, out, err, mw_sql_text(key));
}

static int meta_set(struct mw_story_store *ss, const char *key, int64_t v, struct mw_err *err)
{
    char t[24];
    snprintf(t, sizeof t, "%lld", (long long)v);
    return RUN(ss, Q_META_SET, NULL, NULL, err, mw_sql_text(key), mw_sql_text(t));
}

struct mw_story_store *mw_story_store_open(struct mw_store *s, struct mw_err *err)
{
    if (!mw_store_has_sql(s)) {
        mw_err_set(err, MW_EINVAL, "story", "stories are kept in SQLite and PostgreSQL stores (this store is %s)",
                   mw_store_kind(s));
        return NULL;
    }
    struct mw_story_store *ss = calloc(1, sizeof *ss);
    if (!ss) {
        mw_err_set(err, MW_ENOMEM, "story", "out of memory");
        return NULL;
    }
    ss->store = s;
    ss->pg = !strcmp(mw_store_kind(s), "postgresql");
    ss->stamp = -1;
    ss->stop = mw_story_stop_new();
    if (!ss->stop) {
        mw_err_set(err, MW_ENOMEM, "story", "out of memory");
        mw_story_store_free(ss);
        return NULL;
    }
    if (!ss->pg && mw_store_sql_script(s, SCHEMA_SQLITE, err)) {
        mw_story_store_free(ss);
        return NULL;
    }
    return ss;
}

void mw_story_store_free(struct mw_story_store *ss)
{
    if (!ss)
        return;
    mw_story_stop_free(ss->stop);
    mw_story_index_free(ss->cache);
    free(ss->days);
    free(ss);
}

/* PostgreSQL: the story tables for this transaction, waiting for a worker that holds them */
static int lock_tables(struct mw_story_store *ss, struct mw_err *err)
{
    return ss->pg ? mw_store_sql(ss->store, PG_LOCK, NULL, 0, NULL, NULL, err) : 0;
}

static void text_col(const struct mw_sql_val *v, char *out, size_t cap)
{
    const char *t = mw_sql_str(v);
    snprintf(out, cap, "%s", t ? t : "");
}

/* ---------- the cache of the days read ---------- */

static void cache_reset(struct mw_story_store *ss)
{
    mw_story_index_free(ss->cache);
    ss->cache = NULL;
    ss->ndays = 0;
    ss->nodays = 0;
}

/* another writer changed the tables since the cache was read (or a rollback undid what it holds): forget it.
 * ndocs: the tables' document count when the caller has just read it, else -1 */
static int cache_check(struct mw_story_store *ss, int64_t ndocs, struct mw_err *err)
{
    int64_t n = ndocs;
    if (n < 0 && meta_get(ss, "ndocs", 0, &n, err))
        return err->code;
    if (n != ss->stamp)
        cache_reset(ss);
    ss->stamp = n;
    if (!ss->cache && !(ss->cache = mw_story_index_new()))
        return mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    return 0;
}

static int vec_from_row(const struct mw_sql_val *c, struct mw_story_vec *v)
{
    size_t n = c->type == MW_SQL_BLOB ? c->n / 8 : 0;
    const unsigned char *b = c->p;
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

struct day_rows {
    struct mw_story_store *ss;
    struct mw_story_doc *d;
    struct mw_story_vec *v;
    int32_t day;
    int rc;
};

static int day_row(void *ctx, const struct mw_sql_val *c, int n)
{
    struct day_rows *r = ctx;
    struct mw_story_doc *d = r->d;
    struct mw_story_vec *v = r->v;
    if (n < 6)
        return 0;
    d->id = mw_sql_int(&c[0]);
    d->story = mw_sql_int(&c[1]);
    d->day = r->day;
    if (vec_from_row(&c[2], v))
        return 0;
    v->script = d->script = (unsigned char)mw_sql_int(&c[3]);
    v->xnorm = (float)mw_sql_real(&c[4]);
    v->day = r->day;
    text_col(&c[5], v->lang, sizeof v->lang);
    if (!mw_story_index_has(r->ss->cache, d->id) && mw_story_index_add(r->ss->cache, d, v))
        r->rc = MW_ENOMEM;
    return r->rc;
}

/* the stored documents of one day into the cache */
static int read_day(struct mw_story_store *ss, int32_t day, struct mw_err *err)
{
    if (day_read(ss, day))
        return 0;
    struct day_rows r = {ss, calloc(1, sizeof *r.d), calloc(1, sizeof *r.v), day, 0};
    int rc = r.d && r.v ? 0 : MW_ENOMEM;
    if (!rc)
        rc = RUN(ss, Q_DAY, day_row, &r, err, MW_SQL_I(day));
    if (!rc && r.rc)
        rc = r.rc;
    if (rc == MW_ENOMEM)
        mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    free(r.d);
    free(r.v);
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

struct vec_row { struct mw_story_vec *v; int got; };

static int vec_row(void *ctx, const struct mw_sql_val *c, int n)
{
    struct vec_row *r = ctx;
    struct mw_story_vec *v = r->v;
    if (n < 5)
        return 1;
    if (vec_from_row(&c[0], v))
        v->n = 0;
    v->day = (int32_t)mw_sql_int(&c[1]);
    v->script = (unsigned char)mw_sql_int(&c[2]);
    v->xnorm = (float)mw_sql_real(&c[3]);
    text_col(&c[4], v->lang, sizeof v->lang);
    r->got = 1;
    return 1;
}

static int be_vec(void *ctx, int64_t doc, struct mw_story_vec *v, struct mw_err *err)
{
    struct mw_story_store *ss = ctx;
    if (ss->cache && mw_story_index_has(ss->cache, doc)) {
        struct mw_story_backend c = mw_story_index_backend(ss->cache);
        return c.vec(c.ctx, doc, v, err);
    }
    struct vec_row r = {v, 0};
    if (RUN(ss, Q_DOC_VEC, vec_row, &r, err, MW_SQL_I(doc)))
        return err->code;
    return r.got ? 0 : mw_err_set(err, MW_ENOTFOUND, "story", "article %lld has no story row", (long long)doc);
}

static int be_story_of(void *ctx, int64_t doc, int64_t *story, struct mw_err *err)
{
    struct mw_story_store *ss = ctx;
    if (ss->cache && mw_story_index_has(ss->cache, doc)) {   /* as be_vec: the cache sees every add and merge */
        *story = mw_story_index_story(ss->cache, doc);
        return 0;
    }
    return ONE(ss, Q_DOC_STORY, doc, story, err, MW_SQL_I(doc));
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
    int rc = RUN(ss, Q_DOC_ADD, NULL, NULL, err, MW_SQL_I(d->id), MW_SQL_I(d->story), MW_SQL_I(d->day),
                 MW_SQL_I(d->script), mw_sql_text(d->lang), mw_sql_text(d->outlet), MW_SQL_R(d->epoch),
                 MW_SQL_I(d->via), MW_SQL_R(d->via_sim), MW_SQL_R(v->xnorm), MW_SQL_B(blob, v->n * 8),
                 mw_sql_text(names ? names : ""));
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
    int rc = RUN(ss, Q_MERGE, NULL, NULL, err, MW_SQL_I(from), MW_SQL_I(to));
    if (!rc)
        rc = RUN(ss, Q_STORY_DEL, NULL, NULL, err, MW_SQL_I(from));
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

struct head {
    struct mw_story_member m[64];
    struct mw_story_name names[64][MW_STORY_NAMES];
    char outlet[64][128], lang[64][8];
    size_t n;
    int more;
};

static int head_row(void *ctx, const struct mw_sql_val *c, int nc)
{
    struct head *h = ctx;
    size_t n = h->n;
    if ((h->more = n == 64))
        return 1;
    if (nc < 4)
        return 0;
    text_col(&c[0], h->outlet[n], sizeof h->outlet[n]);
    text_col(&c[1], h->lang[n], sizeof h->lang[n]);
    h->m[n] = (struct mw_story_member){h->outlet[n], h->lang[n], mw_sql_real(&c[2]), h->names[n], 0};
    h->m[n].nnames = (size_t)read_names(mw_sql_str(&c[3]), h->names[n]);
    h->n++;
    return 0;
}

/* the summary from the first members (*more: the story has others beyond them) */
static int head_label(struct mw_story_store *ss, int64_t story, struct mw_story_summary *sum, int *more,
                      struct mw_err *err)
{
    struct head *h = calloc(1, sizeof *h);
    *more = 0;
    if (!h)
        return mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    int rc = RUN(ss, Q_HEAD, head_row, h, err, MW_SQL_I(story));
    if (!rc)
        mw_story_summarize(story, h->m, h->n, sum);
    *more = h->more;
    free(h);
    return rc;
}

/* the distinct texts of a column, sorted by byte and joined with sep into out (cut at cap as the stored column) */
struct joined { char **v; size_t n, cap; int bad; };

static int joined_row(void *ctx, const struct mw_sql_val *c, int n)
{
    struct joined *j = ctx;
    const char *t = n > 0 ? mw_sql_str(&c[0]) : NULL;
    if (!t)
        return 0;
    if (j->n == j->cap) {
        size_t cap = j->cap ? j->cap * 2 : 16;
        char **v = realloc(j->v, cap * sizeof *v);
        if (!v)
            return j->bad = 1;
        j->v = v;
        j->cap = cap;
    }
    if (!(j->v[j->n] = strdup(t)))
        return j->bad = 1;
    j->n++;
    return 0;
}

static int by_bytes(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void distinct_joined(struct mw_story_store *ss, int i, int64_t story, const char *sep, char *out, size_t cap)
{
    struct joined j = {0};
    struct mw_err err = {0};
    out[0] = '\0';
    if (!RUN(ss, i, joined_row, &j, &err, MW_SQL_I(story)) && !j.bad) {
        qsort(j.v, j.n, sizeof *j.v, by_bytes);
        size_t len = 0;
        for (size_t k = 0; k < j.n && len + 1 < cap; k++)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", k ? sep : "", j.v[k]);
        if (len >= cap)
            out[cap - 1] = '\0';
    }
    for (size_t k = 0; k < j.n; k++)
        free(j.v[k]);
    free(j.v);
}

/* a story of more members than its head holds: counts, outlets, languages and times from all of them */
static void summary_rest(struct mw_story_store *ss, int64_t story, struct mw_story_summary *s)
{
    struct nums r = {0};
    struct mw_err err = {0};
    if (!RUN(ss, Q_SUM, nums_row, &r, &err, MW_SQL_I(story)) && r.got && r.n >= 4) {
        s->articles = (long)mw_sql_int(&r.v[0]);
        s->outlets = (long)mw_sql_int(&r.v[1]);
        s->first_epoch = mw_sql_real(&r.v[2]);
        s->last_epoch = mw_sql_real(&r.v[3]);
    }
    distinct_joined(ss, Q_OUTLETS, story, "; ", s->outlet_list, sizeof s->outlet_list);
    distinct_joined(ss, Q_LANGS, story, " ", s->langs, sizeof s->langs);
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
    struct nums r = {0};
    if (RUN(ss, Q_ROW, nums_row, &r, err, MW_SQL_I(story)))
        return err->code;
    if (r.got && r.n >= 3) {
        articles = mw_sql_int(&r.v[0]);
        first = mw_sql_real(&r.v[1]);
        last = mw_sql_real(&r.v[2]);
    }
    if (articles < 65 || last <= 0)   /* max(epoch) of the members: kept exact only while it is a date */
        return 0;
    const char *const probe[2] = {ss->added.outlet, ss->added.lang};
    for (int k = 0; k < 2; k++) {
        if (ONE(ss, k ? Q_LANG_SEEN : Q_OUTLET_SEEN, 0, &seen, err, MW_SQL_I(story), mw_sql_text(probe[k])))
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
    *took = 1;
    return RUN(ss, Q_ONE_MORE, NULL, NULL, err, MW_SQL_I(story), mw_sql_text(pub[0] ? pub : NULL), MW_SQL_R(first),
               MW_SQL_R(last));
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
    return RUN(ss, Q_STORY_PUT, NULL, NULL, err, MW_SQL_I(story),
               mw_sql_text(s.first_published[0] ? s.first_published : NULL), MW_SQL_R(s.first_epoch),
               MW_SQL_R(s.last_epoch), MW_SQL_I(s.articles), MW_SQL_I(s.outlets), mw_sql_text(s.outlet_list),
               mw_sql_text(s.langs), mw_sql_text(s.label));
}

static struct mw_story_backend backend(struct mw_story_store *ss)
{
    return (struct mw_story_backend){ss, be_df, be_postings, be_vec, be_story_of, be_add, be_merge, be_touch};
}

/* ---------- one article ---------- */

static int assign_record(struct mw_story_store *ss, int64_t id, const json_t *rec, const struct mw_story_doc *doc,
                         int64_t ndocs, struct mw_err *err)
{
    if (!json_is_object(rec))
        return mw_err_set(err, MW_EPARSE, "story", "article %lld: record is not a JSON object", (long long)id);
    struct mw_story_doc *d = malloc(sizeof *d);
    int rc = d ? cache_check(ss, ndocs, err) : mw_err_set(err, MW_ENOMEM, "story", "out of memory");
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
    if (key)
        rc = ONE(ss, Q_ART_KEY, 0, id, err, mw_sql_text(key));
    if (!rc && !*id)
        rc = mw_err_set(err, MW_ENOTFOUND, "story", "the article of %s is not in the store", key ? key : "a record");
    return rc;
}

struct step {
    int mine;        /* the tables are this transaction's to write (PostgreSQL: another worker's may hold them) */
    int ok;          /* they can take the article as their next one: same version, not marked, every older one in */
    int dirty;       /* they are marked out of step */
    int stamped;     /* they say which version made them */
    int64_t ndocs;
};

static int in_step(struct mw_story_store *ss, int64_t id, struct step *st, struct mw_err *err)
{
    struct nums r = {0};
    if (mw_store_sql(ss->store, ss->pg ? PG_STEP : SQL[Q_STEP], P(MW_SQL_I(id)), 1, nums_row, &r, err))
        return err->code;
    if (!r.got || r.n < 6)
        return mw_err_set(err, MW_EIO, "story", "the story tables' state: no row");
    st->mine = mw_sql_int(&r.v[0]) != 0;
    st->stamped = r.v[1].type != MW_SQL_NULL;
    int64_t version = st->stamped ? mw_sql_int(&r.v[1]) : MW_STORY_VERSION;
    st->dirty = mw_sql_int(&r.v[2]) != 0;
    st->ok = version == MW_STORY_VERSION && !st->dirty && mw_sql_int(&r.v[3]) == mw_sql_int(&r.v[4]);
    st->ndocs = mw_sql_int(&r.v[5]);
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
    struct step st = {0};
    if (!json_is_object(rec))
        return mw_err_set(err, MW_EPARSE, "story", "the record is not a JSON object");
    if ((!id && record_key_id(ss, rec, &id, err)) || in_step(ss, id, &st, err))
        return err->code;
    if (!st.mine)   /* another worker is assigning: `moonwire stories` catches this article up */
        return 0;
    if (!st.ok)   /* out of step already: `moonwire stories` rebuilds; mark it for a new store's first article */
        return st.dirty ? 0 : meta_set(ss, "dirty", 1, err);
    if (RUN0(ss, Q_SAVE, NULL, NULL, err))
        return err->code;
    int rc = st.stamped ? 0 : meta_set(ss, "version", MW_STORY_VERSION, err);   /* new tables: which version */
    if (!rc)
        rc = assign_record(ss, id, rec, doc, st.ndocs, err);
    if (rc)   /* the story tables go back as they were; the article stays, and the tables want a rebuild */
        RUN0(ss, Q_ROLLBACK_TO, NULL, NULL, NULL);
    RUN0(ss, Q_RELEASE, NULL, NULL, NULL);
    if (rc) {
        meta_set(ss, "dirty", 1, NULL);
        cache_reset(ss);
        ss->stamp = -1;
    }
    return rc;
}

/* ---------- catching up, rebuilding ---------- */

struct page {
    int (*fn)(void *, int64_t, const char *);
    void *ctx;
    int64_t last;
    int rows, stop;
};

static int page_row(void *ctx, const struct mw_sql_val *c, int n)
{
    struct page *p = ctx;
    if (n < 2)
        return 0;
    p->last = mw_sql_int(&c[0]);
    p->rows++;
    p->stop = p->fn(p->ctx, p->last, mw_sql_str(&c[1]));
    return p->stop;
}

/* every article with id > after, oldest first, as its first version (a page of rows at a time: a store's records
 * are not all held at once); fn returns non-zero to stop, which is returned */
static int each_article(struct mw_story_store *ss, int64_t after, int (*fn)(void *, int64_t, const char *),
                        void *ctx, struct mw_err *err)
{
    struct page p = {fn, ctx, after, 256, 0};
    while (!p.stop && p.rows == 256) {
        p.rows = 0;
        if (mw_store_sql(ss->store, ss->pg ? SQL[Q_ARTICLES] : ARTICLES_SQLITE, P(MW_SQL_I(p.last)), 1, page_row, &p,
                         err))
            return MW_EIO;
    }
    return p.stop;
}

struct catchup {
    struct mw_story_store *ss;
    struct mw_err *err;
};

static int catch_one(void *ctx, int64_t id, const char *record_json)
{
    struct catchup *c = ctx;
    json_t *rec = json_loads(record_json ? record_json : "", 0, NULL);
    int rc = assign_record(c->ss, id, rec, NULL, -1, c->err);
    json_decref(rec);
    return rc ? 1 : 0;
}

static int rebuild_in(struct mw_story_store *ss, struct mw_err *err);

/* in the caller's transaction, holding the tables: the articles after the last assigned one, or a rebuild when
 * the tables are out of step */
static int sync_in(struct mw_story_store *ss, int *rebuilt, struct mw_err *err)
{
    int64_t version, dirty, last, assigned, older = 0;
    if (meta_get(ss, "version", MW_STORY_VERSION, &version, err) || meta_get(ss, "dirty", 0, &dirty, err)
        || one_int_of(ss, SQL[Q_MAX_DOC], NULL, 0, 0, &last, err) || meta_get(ss, "ndocs", 0, &assigned, err)
        || ONE(ss, Q_OLDER, 0, &older, err, MW_SQL_I(last)))
        return err->code ? err->code : MW_EIO;
    if (version != MW_STORY_VERSION || dirty || older != assigned) {
        *rebuilt = 1;
        return rebuild_in(ss, err);
    }
    struct catchup c = {ss, err};
    int rc = each_article(ss, last, catch_one, &c, err);
    if (!rc)
        rc = meta_set(ss, "version", MW_STORY_VERSION, err);
    return rc ? (err->code ? err->code : MW_EIO) : 0;
}

/* f in a transaction of its own that holds the story tables */
static int in_tx(struct mw_story_store *ss, int (*f)(struct mw_story_store *, int *, struct mw_err *), int *flag,
                 struct mw_err *err)
{
    if (mw_store_begin(ss->store, err))
        return err->code;
    int rc = lock_tables(ss, err);
    if (!rc)
        rc = f(ss, flag, err);
    if (rc) {
        mw_store_rollback(ss->store);
        cache_reset(ss);
        ss->stamp = -1;
        return err->code ? err->code : rc;
    }
    return mw_store_commit(ss->store, err);
}

int mw_story_store_sync(struct mw_story_store *ss, int *rebuilt, struct mw_err *err)
{
    *rebuilt = 0;
    return in_tx(ss, sync_in, rebuilt, err);
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

/* in the caller's transaction, holding the tables: every article clustered again, in memory, then written */
static int rebuild_in(struct mw_story_store *ss, struct mw_err *err)
{
    struct rebuild r = {ss, mw_story_index_new(), malloc(sizeof(struct mw_story_doc)), err, 0};
    int rc = r.x && r.d ? 0 : mw_err_set(err, MW_ENOMEM, "story", "out of memory");
    if (!rc)
        rc = RUN0(ss, Q_CLEAR_DOCS, NULL, NULL, err) || RUN0(ss, Q_CLEAR_STORIES, NULL, NULL, err) ? MW_EIO : 0;
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
    return rc;
}

static int rebuild_tx(struct mw_story_store *ss, int *unused, struct mw_err *err)
{
    (void)unused;
    return rebuild_in(ss, err);
}

int mw_story_store_rebuild(struct mw_story_store *ss, struct mw_err *err)
{
    return in_tx(ss, rebuild_tx, NULL, err);
}

/* ---------- reading ---------- */

struct list { mw_story_summary_fn fn; void *ctx; };

static int list_row(void *ctx, const struct mw_sql_val *c, int n)
{
    struct list *l = ctx;
    if (n < 9)
        return 0;
    struct mw_story_summary s = {0};
    s.id = mw_sql_int(&c[0]);
    text_col(&c[1], s.first_published, sizeof s.first_published);
    s.first_epoch = mw_sql_real(&c[2]);
    s.last_epoch = mw_sql_real(&c[3]);
    s.articles = (long)mw_sql_int(&c[4]);
    s.outlets = (long)mw_sql_int(&c[5]);
    text_col(&c[6], s.outlet_list, sizeof s.outlet_list);
    text_col(&c[7], s.langs, sizeof s.langs);
    text_col(&c[8], s.label, sizeof s.label);
    return l->fn(l->ctx, &s);
}

int mw_story_store_list(struct mw_story_store *ss, double since, double until, long min_articles,
                        long min_outlets, mw_story_summary_fn fn, void *ctx, struct mw_err *err)
{
    struct list l = {fn, ctx};
    return RUN(ss, Q_LIST, list_row, &l, err, MW_SQL_I(min_articles), MW_SQL_I(min_outlets), MW_SQL_R(since),
               MW_SQL_R(until));
}

struct members { mw_story_record_fn fn; void *ctx; };

static int member_row(void *ctx, const struct mw_sql_val *c, int n)
{
    struct members *m = ctx;
    return n < 4 ? 0 : m->fn(m->ctx, mw_sql_int(&c[0]), mw_sql_str(&c[1]), mw_sql_int(&c[2]), mw_sql_real(&c[3]));
}

int mw_story_store_members(struct mw_story_store *ss, int64_t story, mw_story_record_fn fn, void *ctx,
                           struct mw_err *err)
{
    struct members m = {fn, ctx};
    return RUN(ss, Q_MEMBERS, member_row, &m, err, MW_SQL_I(story));
}

int mw_story_store_find(struct mw_story_store *ss, const char *url, int64_t *story, struct mw_err *err)
{
    return ONE(ss, Q_FIND, 0, story, err, mw_sql_text(url));
}

struct each { mw_story_each_fn fn; void *ctx; };

static int each_row(void *ctx, const struct mw_sql_val *c, int n)
{
    struct each *e = ctx;
    return n < 4 ? 0 : e->fn(e->ctx, mw_sql_int(&c[0]), mw_sql_int(&c[1]), mw_sql_int(&c[2]), mw_sql_real(&c[3]));
}

int mw_story_store_each(struct mw_story_store *ss, mw_story_each_fn fn, void *ctx, struct mw_err *err)
{
    struct each e = {fn, ctx};
    return RUN0(ss, Q_EACH, each_row, &e, err);
}
