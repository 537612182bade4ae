/* plugins/postgres/sql.c: the PostgreSQL store's schema (the same tables, columns and meanings as the SQLite
 * store's, examples/store.md) and every statement the back end runs. Times of the shared crawl are epoch
 * milliseconds of the server's clock (NOW_MS), so workers on machines with different clocks agree. */
#include "pg.h"

#include <stddef.h>

#define NOW_MS "(extract(epoch from clock_timestamp()) * 1000)::bigint"
/* TODO again on the locked row and in the UPDATE itself (which, in READ COMMITTED, checks its WHERE again on the
 * row as it is now): a row that changed since the statement's snapshot (leased, or even fetched and completed
 * by another worker meanwhile) must not be leased a second time */
#define TODO_F "(f.state = 'queued' OR (f.state = 'error' AND f.tries < $2::int AND f.last_by IS DISTINCT FROM " \
    "$1::bigint))"
#define TODO "(state = 'queued' OR (state = 'error' AND tries < $2::int AND last_by IS DISTINCT FROM $1::bigint))"
/* the record's published date as an instant, NULL when it is not an ISO 8601 date */
#define PUB_TS \
    "(CASE WHEN (r.record::jsonb->>'published') ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}" \
    "(\\.[0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$' THEN (r.record::jsonb->>'published')::timestamptz END)"
#define HOST_OF_URL "substring(url from '^[A-Za-z]+://([^/?#]+)')"

/* core/story's tables (story/story_store.c reads and writes them through the SQL seam, seam.c): the columns of
 * its SQLite tables, in PostgreSQL's types */
#define STORY_TABLES \
    "CREATE TABLE IF NOT EXISTS story_meta(key text PRIMARY KEY, value text);" \
    "CREATE TABLE IF NOT EXISTS story_docs(" \
    "  article_id bigint PRIMARY KEY, story bigint NOT NULL, day integer NOT NULL, script integer, lang text," \
    "  outlet text, epoch double precision, via bigint, via_sim double precision, xnorm double precision," \
    "  vec bytea NOT NULL, names text);" \
    "CREATE INDEX IF NOT EXISTS story_docs_story ON story_docs(story);" \
    "CREATE INDEX IF NOT EXISTS story_docs_day ON story_docs(day);" \
    "CREATE TABLE IF NOT EXISTS stories(" \
    "  id bigint PRIMARY KEY, first_published text, first_epoch double precision, last_epoch double precision," \
    "  articles bigint, outlets bigint, outlet_list text, langs text, label text);" \
    "CREATE INDEX IF NOT EXISTS stories_first ON stories(first_epoch);"

static const char SCHEMA[] =
    "CREATE TABLE schema_version(version integer NOT NULL);"
    "CREATE TABLE article_rows("
    "  id bigserial PRIMARY KEY, key text NOT NULL UNIQUE, url text NOT NULL, outlet text, rule text,"
    "  crawl_outlet text, title text, authors text, published text, lang text, body_chars bigint,"
    "  hash text NOT NULL, first_seen text NOT NULL, last_seen text NOT NULL,"
    "  revisions integer NOT NULL DEFAULT 1);"
    "CREATE INDEX article_rows_last_seen ON article_rows(last_seen);"
    "CREATE TABLE revisions("
    "  id bigserial PRIMARY KEY, article_id bigint NOT NULL REFERENCES article_rows(id), rev integer NOT NULL,"
    "  hash text NOT NULL, record text NOT NULL, fetched text NOT NULL, UNIQUE(article_id, rev));"
    "CREATE VIEW articles AS SELECT a.id, a.key, a.url, a.outlet, a.rule, a.crawl_outlet, a.title, a.authors,"
    "  a.published, a.lang, a.body_chars, a.hash, r.record, a.first_seen, a.last_seen, a.revisions"
    "  FROM article_rows a JOIN revisions r ON r.article_id = a.id AND r.rev = a.revisions;"
    "CREATE TABLE fetch_log("
    "  id bigserial PRIMARY KEY, run_id bigint, url text NOT NULL, kind text, outlet text, status integer,"
    "  bytes bigint, ms double precision, error text, fetched text NOT NULL);"
    "CREATE TABLE frontier("
    "  id bigserial PRIMARY KEY, url text NOT NULL UNIQUE, state text NOT NULL DEFAULT 'queued'"
    "  CHECK(state IN ('queued', 'done', 'error', 'robots')), outlet text, discovered text NOT NULL,"
    "  lastmod text, fetched text, tries integer NOT NULL DEFAULT 0,"
    "  claimed_by bigint, lease_until bigint, last_by bigint, leases integer NOT NULL DEFAULT 0);"
    /* what is left to do, in discovery order (rows leave it when done), and what each worker holds */
    "CREATE INDEX frontier_todo ON frontier(id) WHERE state IN ('queued', 'error');"
    "CREATE INDEX frontier_claimed ON frontier(claimed_by) WHERE claimed_by IS NOT NULL;"
    "CREATE TABLE feed_state(url text PRIMARY KEY, etag text, last_modified text, checked text);"
    "CREATE TABLE runs("
    "  id bigserial PRIMARY KEY, started text NOT NULL, finished text, pages bigint, articles bigint,"
    "  errors bigint);"
    "CREATE TABLE field_stats("
    "  run_id bigint NOT NULL, rule text NOT NULL, field text NOT NULL, pages bigint NOT NULL,"
    "  rule_n bigint NOT NULL, fallback_n bigint NOT NULL, empty_n bigint NOT NULL, example_url text,"
    "  before_pages bigint NOT NULL DEFAULT 0, before_rule bigint NOT NULL DEFAULT 0,"
    "  flagged integer NOT NULL DEFAULT 0, PRIMARY KEY(rule, field, run_id));"
    "CREATE TABLE workers(id bigserial PRIMARY KEY, name text NOT NULL, host text, pid bigint,"
    "  started bigint NOT NULL, beat bigint NOT NULL, pages bigint NOT NULL DEFAULT 0, stopped bigint);"
    "CREATE TABLE hosts(host text PRIMARY KEY, busy_by bigint, busy_until bigint,"
    "  next_at bigint NOT NULL DEFAULT 0, delay_ms bigint, failures integer NOT NULL DEFAULT 0,"
    "  robots bytea, robots_status integer, robots_expires bigint, robots_by bigint, robots_until bigint);"
    "CREATE TABLE source_claims(url text PRIMARY KEY, taken_by bigint, taken_until bigint, read_at bigint);"
    "CREATE TABLE takeovers(url text NOT NULL, worker bigint NOT NULL, at bigint NOT NULL,"
    "  prev_worker bigint NOT NULL, prev_until bigint);"
    STORY_TABLES
    "INSERT INTO schema_version VALUES(4);";

const char *pg_schema_sql(void) { return SCHEMA; }

/* 3 -> 4: core/story's tables (a store of version 3 has none) */
static const char MIGRATE_3_4[] = STORY_TABLES "UPDATE schema_version SET version = 4;";

const char *pg_migration_sql(int v) { return v == 3 ? MIGRATE_3_4 : "SELECT 1"; }

/* outlet_stats: as the SQLite store's (run/store_sqlite.c), names in byte order (COLLATE "C") */
#define STATS_SQL \
    "WITH a AS (SELECT coalesce(crawl_outlet, outlet, rule, '-') AS o, title, authors, published, lang, body_chars," \
    "  record::jsonb AS j FROM articles)," \
    " s AS (SELECT o, count(*) AS n, sum((coalesce(title, '') = '')::int) AS m0," \
    "  sum((coalesce(authors, '') = '')::int) AS m1, sum((coalesce(published, '') = '')::int) AS m2," \
    "  sum((coalesce(j->>'modified', '') = '')::int) AS m3, sum((coalesce(j->>'section', '') = '')::int) AS m4," \
    "  sum((CASE WHEN jsonb_typeof(j->'tags') = 'array' THEN jsonb_array_length(j->'tags') ELSE 0 END = 0)::int)" \
    "  AS m5, sum((coalesce(lang, '') = '')::int) AS m6, sum((coalesce(j->>'lead', '') = '')::int) AS m7," \
    "  sum((coalesce(body_chars, 0) = 0)::int) AS m8," \
    "  sum((CASE WHEN jsonb_typeof(j->'images') = 'array' THEN jsonb_array_length(j->'images') ELSE 0 END = 0)::int)" \
    "  AS m9 FROM a GROUP BY o)," \
    " p AS (SELECT coalesce(outlet, '-') AS o, sum((state IN ('done', 'error'))::int) AS tried," \
    "  sum((state = 'error')::int) AS failed FROM frontier GROUP BY 1)," \
    " f AS (SELECT coalesce(outlet, '-') AS o, max(fetched) AS ok FROM fetch_log WHERE kind = 'page' AND error IS" \
    "  NULL GROUP BY 1)," \
    " names AS (SELECT o FROM s UNION SELECT o FROM p WHERE tried > 0)" \
    " SELECT names.o, coalesce(n, 0), coalesce(m0, 0), coalesce(m1, 0), coalesce(m2, 0), coalesce(m3, 0)," \
    "  coalesce(m4, 0), coalesce(m5, 0), coalesce(m6, 0), coalesce(m7, 0), coalesce(m8, 0), coalesce(m9, 0)," \
    "  coalesce(tried, 0), coalesce(failed, 0), f.ok FROM names LEFT JOIN s ON s.o = names.o" \
    "  LEFT JOIN p ON p.o = names.o LEFT JOIN f ON f.o = names.o ORDER BY names.o COLLATE \"C\""

static const char *const SQL[Q_N] = {
    [Q_BEGIN] = "BEGIN",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_FR_INSERT] = "INSERT INTO frontier(url, outlet, discovered, lastmod) VALUES($1, $2, $3, $4) "
                    "ON CONFLICT (url) DO NOTHING",
    /* known: fetched again only when it was stored before the source's date for it */
    [Q_FR_REQUEUE] = "UPDATE frontier SET state = 'queued', lastmod = $2, tries = 0 WHERE url = $1 AND "
                     "state = 'done' AND coalesce(fetched, '') < $2",
    [Q_FR_PENDING] = "SELECT url, outlet, tries FROM frontier WHERE state = 'queued' OR (state = 'error' AND "
                     "tries < $1::int) ORDER BY id",
    [Q_FR_SET] = "UPDATE frontier SET state = $2, tries = CASE WHEN $3::int >= 0 THEN $3::int ELSE tries END, "
                 "fetched = CASE WHEN $2 = 'done' THEN $4 ELSE fetched END WHERE url = $1",
    [Q_FR_COUNT] = "SELECT count(*) FROM frontier WHERE state = $1",
    [Q_ART_GET] = "SELECT id, hash, revisions FROM article_rows WHERE key = $1 FOR UPDATE",
    [Q_ART_INSERT] = "INSERT INTO article_rows(key, url, outlet, rule, crawl_outlet, title, authors, published, "
                     "lang, body_chars, hash, first_seen, last_seen) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                     "$10::bigint, $11, $12, $12) ON CONFLICT (key) DO NOTHING RETURNING id",
    [Q_ART_UPDATE] = "UPDATE article_rows SET url = $2, outlet = $3, rule = $4, title = $5, authors = $6, "
                     "published = $7, lang = $8, body_chars = $9::bigint, hash = $10, last_seen = $11, "
                     "revisions = $12::int WHERE id = $1::bigint",
    [Q_ART_SEEN] = "UPDATE article_rows SET last_seen = $2 WHERE id = $1::bigint",
    [Q_REV_INSERT] = "INSERT INTO revisions(article_id, rev, hash, record, fetched) VALUES($1::bigint, $2::int, $3, "
                     "$4, $5)",
    [Q_ART_RECORD] = "SELECT record FROM articles WHERE key = $1",
    /* the filters of run/store.h's struct mw_store_filter, as the SQLite store reads them: dates as instants
     * (a date without a zone is UTC: the session's time zone), one that is not a date fails the date filters */
    [Q_EXPORT] = "SELECT r.record FROM article_rows a JOIN revisions r ON r.article_id = a.id AND r.rev = "
                 "a.revisions WHERE ($1::text IS NULL OR a.last_seen >= $1) AND ($2::text IS NULL OR a.outlet = $2 "
                 "OR a.rule = $2 OR a.crawl_outlet = $2) "
                 "AND ($3::text IS NULL OR " PUB_TS " >= $3::timestamptz) "
                 "AND ($4::text IS NULL OR " PUB_TS " < $4::timestamptz) "
                 "AND ($5::text IS NULL OR a.lang = $5) AND ($6::text IS NULL OR a.rule = $6) "
                 "AND ($7::int = 0 OR (coalesce(a.title, '') <> '' AND coalesce(a.body_chars, 0) > 0 AND "
                 PUB_TS " IS NOT NULL)) ORDER BY a.first_seen, a.id LIMIT CASE WHEN $8::bigint > 0 THEN $8::bigint END",
    [Q_LOG] = "INSERT INTO fetch_log(run_id, url, kind, outlet, status, bytes, ms, error, fetched) "
              "VALUES($1::bigint, $2, $3, $4, $5::int, $6::bigint, $7::float8, $8, $9)",
    [Q_FEED_GET] = "SELECT etag, last_modified FROM feed_state WHERE url = $1",
    [Q_FEED_PUT] = "INSERT INTO feed_state(url, etag, last_modified, checked) VALUES($1, $2, $3, $4) "
                   "ON CONFLICT (url) DO UPDATE SET etag = $2, last_modified = $3, checked = $4",
    [Q_RUN_BEGIN] = "INSERT INTO runs(started) VALUES($1) RETURNING id",
    [Q_RUN_END] = "UPDATE runs SET finished = $2, pages = $3::bigint, articles = $4::bigint, errors = $5::bigint "
                  "WHERE id = $1::bigint",
    [Q_FIELDS_PUT] = "INSERT INTO field_stats(run_id, rule, field, pages, rule_n, fallback_n, empty_n, example_url, "
                     "before_pages, before_rule, flagged) VALUES($1::bigint, $2, $3, $4::bigint, $5::bigint, "
                     "$6::bigint, $7::bigint, $8, $9::bigint, $10::bigint, $11::int) ON CONFLICT (rule, field, "
                     "run_id) DO UPDATE SET pages = EXCLUDED.pages, rule_n = EXCLUDED.rule_n, fallback_n = "
                     "EXCLUDED.fallback_n, empty_n = EXCLUDED.empty_n, example_url = EXCLUDED.example_url, "
                     "before_pages = EXCLUDED.before_pages, before_rule = EXCLUDED.before_rule, flagged = "
                     "EXCLUDED.flagged",
    [Q_FIELDS_BEFORE] = "SELECT coalesce(sum(pages), 0), coalesce(sum(rule_n), 0) FROM field_stats "
                        "WHERE rule = $1 AND field = $2 AND run_id < $3::bigint",
    [Q_FIELDS_ALERTS] = "SELECT f.rule, f.field, f.run_id, r.started, f.pages, f.rule_n, f.fallback_n, f.empty_n, "
                        "f.before_pages, f.before_rule, f.example_url FROM field_stats f JOIN runs r "
                        "ON r.id = f.run_id WHERE f.flagged = 1 AND f.run_id = (SELECT max(run_id) FROM "
                        "field_stats g WHERE g.rule = f.rule AND g.field = f.field AND g.pages >= $1::bigint) "
                        "ORDER BY f.rule COLLATE \"C\", f.run_id, f.field COLLATE \"C\"",
    [Q_STATS] = STATS_SQL,
    /* the median as the SQLite store computes it: the middle one, or the integer mean of the two middle ones */
    [Q_MEDIANS] = "SELECT coalesce(crawl_outlet, outlet, rule, '-') COLLATE \"C\" AS o, "
                  "floor(percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce(body_chars, 0)))::bigint "
                  "FROM article_rows GROUP BY 1 ORDER BY 1",

    /* ---- the shared crawl (side connection, each statement committed at once) ---- */
    [Q_JOIN] = "INSERT INTO workers(name, host, pid, started, beat) VALUES($1, $2, $3::bigint, " NOW_MS ", "
               NOW_MS ") RETURNING id",
    [Q_BEAT_W] = "UPDATE workers SET beat = " NOW_MS ", pages = $2::bigint WHERE id = $1::bigint",
    /* rows this worker's own open batch has finished are locked by it: skip them, they are done */
    [Q_BEAT_F] = "UPDATE frontier SET lease_until = " NOW_MS " + $2::bigint WHERE id IN (SELECT id FROM frontier "
                 "WHERE claimed_by = $1::bigint AND state IN ('queued', 'error') FOR UPDATE SKIP LOCKED)",
    /* the sources it is reading; one its open batch has marked read is locked by it: skip it */
    [Q_BEAT_S] = "UPDATE source_claims SET taken_until = " NOW_MS " + $2::bigint WHERE url IN (SELECT url FROM "
                 "source_claims WHERE taken_by = $1::bigint FOR UPDATE SKIP LOCKED)",
    [Q_LEAVE_F] = "UPDATE frontier SET claimed_by = NULL, lease_until = NULL WHERE id IN (SELECT id FROM frontier "
                  "WHERE claimed_by = $1::bigint FOR UPDATE SKIP LOCKED)",
    [Q_LEAVE_H] = "UPDATE hosts SET busy_by = CASE WHEN busy_by = $1::bigint THEN NULL ELSE busy_by END, "
                  "robots_by = CASE WHEN robots_by = $1::bigint THEN NULL ELSE robots_by END "
                  "WHERE busy_by = $1::bigint OR robots_by = $1::bigint",
    [Q_LEAVE_S] = "UPDATE source_claims SET taken_by = NULL WHERE taken_by = $1::bigint",
    [Q_LEAVE_W] = "UPDATE workers SET stopped = " NOW_MS ", beat = " NOW_MS " WHERE id = $1::bigint",
    /* up to $3 rows nobody holds (or whose lease ran out), at most $5 per host, in discovery order within a
     * host and spread over hosts (a sitemap lists one host's pages together: leasing them in plain discovery
     * order would give every worker the same host, which the delay lets fetch one page at a time); rows
     * another worker is leasing or finishing right now are skipped, never waited for; a takeover is logged */
    [Q_LEASE] = "WITH cand AS (SELECT id, " HOST_OF_URL " AS h FROM frontier WHERE " TODO
                " AND (claimed_by IS NULL OR lease_until < " NOW_MS ") ORDER BY id LIMIT 4096),"
                " rk AS (SELECT id, row_number() OVER (PARTITION BY h ORDER BY id) AS rn FROM cand),"
                " c AS MATERIALIZED (SELECT f.id, f.claimed_by AS prev, f.lease_until AS prev_until FROM frontier f JOIN rk ON "
                "rk.id = f.id WHERE rk.rn <= $5::bigint AND " TODO_F " AND (f.claimed_by IS NULL OR f.lease_until < "
                NOW_MS ") "
                "ORDER BY rk.rn, f.id LIMIT $3::bigint FOR UPDATE OF f SKIP LOCKED),"
                " u AS (UPDATE frontier f SET claimed_by = $1::bigint, lease_until = " NOW_MS " + $4::bigint, "
                "leases = f.leases + 1 FROM c WHERE f.id = c.id AND " TODO_F " AND (f.claimed_by IS NULL OR "
                "f.lease_until < " NOW_MS ") RETURNING f.id, f.url, f.outlet, f.tries, c.prev, c.prev_until),"
                " t AS (INSERT INTO takeovers(url, worker, at, prev_worker, prev_until) SELECT url, $1::bigint, "
                NOW_MS ", prev, prev_until FROM u WHERE prev IS NOT NULL AND prev <> $1::bigint)"
                " SELECT url, outlet, tries FROM u ORDER BY id",
    [Q_FINISH] = "UPDATE frontier SET state = $2, tries = CASE WHEN $3::int >= 0 THEN $3::int ELSE tries END, "
                 "fetched = CASE WHEN $2 = 'done' THEN $4 ELSE fetched END, claimed_by = NULL, lease_until = NULL, "
                 "last_by = $5::bigint WHERE url = $1 AND claimed_by = $5::bigint",
    [Q_BUSY] = "SELECT (SELECT count(*) FROM frontier WHERE claimed_by IS NOT NULL AND claimed_by <> $1::bigint AND "
               "lease_until >= " NOW_MS " AND state IN ('queued', 'error')), (SELECT count(*) FROM source_claims "
               "WHERE taken_by IS NOT NULL AND taken_by <> $1::bigint AND taken_until >= " NOW_MS ")",
    [Q_HOST_ADD] = "INSERT INTO hosts(host) VALUES($1) ON CONFLICT (host) DO NOTHING",
    /* the host's one turn: granted (first column 1), or how long until it may come and whether it is held */
    [Q_HOST_TAKE] = "WITH t AS (UPDATE hosts SET busy_by = $2::bigint, busy_until = " NOW_MS " + $3::bigint "
                    "WHERE host = $1 AND next_at <= " NOW_MS " AND (busy_by IS NULL OR busy_until < " NOW_MS ") "
                    "RETURNING 1) SELECT (SELECT count(*) FROM t), next_at - " NOW_MS ", (busy_by IS NOT NULL AND "
                    "busy_until >= " NOW_MS ")::int, coalesce(delay_ms, 0) FROM hosts WHERE host = $1",
    [Q_HOST_RELEASE] = "UPDATE hosts SET busy_by = NULL, busy_until = NULL, next_at = " NOW_MS " + $3::bigint, "
                       "delay_ms = $3::bigint, failures = CASE WHEN $4::int <> 0 THEN failures + 1 ELSE 0 END "
                       "WHERE host = $1 AND busy_by = $2::bigint",
    [Q_ROBOTS_GET] = "SELECT robots, robots_status, (coalesce(robots_expires, 0) > " NOW_MS ")::int, "
                     "robots IS NULL FROM hosts WHERE host = $1",
    [Q_ROBOTS_TAKE] = "UPDATE hosts SET robots_by = $2::bigint, robots_until = " NOW_MS " + $3::bigint WHERE "
                      "host = $1 AND (robots_by IS NULL OR robots_until < " NOW_MS " OR robots_by = $2::bigint) "
                      "AND coalesce(robots_expires, 0) <= " NOW_MS,
    [Q_ROBOTS_PUT] = "UPDATE hosts SET robots = decode($2, 'base64'), robots_status = $3::int, robots_expires = "
                     NOW_MS " + $4::bigint, robots_by = NULL, robots_until = NULL WHERE host = $1",
    [Q_ROBOTS_GIVE] = "UPDATE hosts SET robots_by = NULL, robots_until = NULL WHERE host = $1",
    [Q_SRC_ADD] = "INSERT INTO source_claims(url) VALUES($1) ON CONFLICT (url) DO NOTHING",
    [Q_SRC_TAKE] = "UPDATE source_claims SET taken_by = $2::bigint, taken_until = " NOW_MS " + $4::bigint WHERE "
                   "url = $1 AND (taken_by IS NULL OR taken_until < " NOW_MS ") AND (read_at IS NULL OR read_at <= "
                   NOW_MS " - $3::bigint)",
    [Q_SRC_DONE] = "UPDATE source_claims SET taken_by = NULL, taken_until = NULL, read_at = " NOW_MS
                   " WHERE url = $1 AND taken_by = $2::bigint",
    [Q_ST_WORKERS] = "SELECT w.name, CASE WHEN w.stopped IS NULL THEN 'running' ELSE 'stopped' END, w.pages, "
                     "(SELECT count(*) FROM frontier f WHERE f.claimed_by = w.id AND f.state IN ('queued', 'error')),"
                     " (" NOW_MS " - w.beat) / 1000.0 FROM workers w WHERE w.stopped IS NULL OR w.id IN (SELECT id "
                     "FROM workers WHERE stopped IS NOT NULL ORDER BY id DESC LIMIT 10) ORDER BY w.id",
    [Q_ST_OUTLETS] = "SELECT ('outlet ' || coalesce(outlet, '-')) COLLATE \"C\", NULL, count(*), count(claimed_by), 0 FROM frontier "
                     "WHERE state = 'queued' GROUP BY 1 ORDER BY 1",
    [Q_ST_HOSTS] = "SELECT ('host ' || " HOST_OF_URL ") COLLATE \"C\", NULL, count(*), count(claimed_by), 0 FROM frontier "
                   "WHERE state = 'queued' GROUP BY 1 ORDER BY 1",
    [Q_ST_ERRORS] = "SELECT e.o, (SELECT l.error FROM fetch_log l WHERE l.error IS NOT NULL AND "
                    "coalesce(l.outlet, '-') = e.o ORDER BY l.id DESC LIMIT 1), e.n, 0, 0 FROM (SELECT "
                    "coalesce(outlet, '-') COLLATE \"C\" AS o, count(*) AS n FROM frontier WHERE state = 'error' "
                    "GROUP BY 1) e ORDER BY 1",
};

const char *pg_sql(int i) { return i >= 0 && i < Q_N ? SQL[i] : NULL; }
