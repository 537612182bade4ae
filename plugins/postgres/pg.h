/* plugins/postgres/pg.h: what the PostgreSQL back end's files share: the connection pair, prepared statements
 * by number (sql.c), errors into struct mw_err, and the ops table (ops.c). */
#ifndef MW_PG_H
#define MW_PG_H

#include <libpq-fe.h>

#include "common/err.h"
#include "plugin.h"
#include "run/store.h"

/* Statements, prepared per connection on first use (sql.c has their text). */
enum {
    Q_BEGIN, Q_COMMIT, Q_ROLLBACK,
    Q_FR_INSERT, Q_FR_REQUEUE, Q_FR_PENDING, Q_FR_SET, Q_FR_COUNT,
    Q_ART_GET, Q_ART_INSERT, Q_ART_UPDATE, Q_ART_SEEN, Q_REV_INSERT, Q_ART_RECORD, Q_EXPORT,
    Q_LOG, Q_FEED_GET, Q_FEED_PUT, Q_RUN_BEGIN, Q_RUN_END,
    Q_FIELDS_PUT, Q_FIELDS_BEFORE, Q_FIELDS_ALERTS, Q_STATS, Q_MEDIANS,
    Q_JOIN, Q_BEAT_W, Q_BEAT_F, Q_BEAT_S, Q_LEAVE_F, Q_LEAVE_H, Q_LEAVE_S, Q_LEAVE_W,
    Q_LEASE, Q_FINISH, Q_BUSY,
    Q_HOST_ADD, Q_HOST_TAKE, Q_HOST_RELEASE, Q_ROBOTS_GET, Q_ROBOTS_TAKE, Q_ROBOTS_PUT, Q_ROBOTS_GIVE,
    Q_SRC_ADD, Q_SRC_TAKE, Q_SRC_DONE,
    Q_ST_WORKERS, Q_ST_OUTLETS, Q_ST_HOSTS, Q_ST_ERRORS,
    Q_N
};

struct pg_seam;

struct pg {
    PGconn *main;                 /* the caller's transactions */
    PGconn *side;                 /* the shared crawl's writes, each committed at once */
    unsigned char main_prepared[Q_N], side_prepared[Q_N];
    char *where;                  /* the URL without its password, for messages */
    int in_tx;
    struct pg_seam *seam;         /* other modules' statements (seam.c) */
};

/* The schema version this back end writes: 3 was run/store.h's (MW_STORE_SCHEMA) first one; 4 adds core/story's
 * tables. A store of an older version is migrated when opened. */
#define PG_SCHEMA 4

const char *pg_sql(int i);
const char *pg_schema_sql(void);
/* From version v to v + 1 (the PostgreSQL store starts at 3). */
const char *pg_migration_sql(int v);

/* err (when given and still clear) = stage "store", one line; pg_failc sets code and returns it. */
void pg_fail(struct mw_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pg_failc(struct mw_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* r's (or the connection's) message as err; clears r. MW_EIO. */
int pg_result_err(struct pg *p, PGconn *c, PGresult *r, const char *what, struct mw_err *err);
/* Statement i with n text parameters (NULL is SQL NULL) on the main (side 0) or the side connection. */
PGresult *pg_run(struct pg *p, int side, int i, int n, const char *const *params);
int pg_ok(PGresult *r);
/* pg_run for a statement whose rows are not wanted: 0 or MW_EIO with err. */
int pg_exec(struct pg *p, int side, int i, int n, const char *const *params, const char *what, struct mw_err *err);
void pg_ops_close(void *db);
/* Valid UTF-8 as it is, else a copy in *tmp (free it) with each bad byte as '?'. */
const char *pg_utf8_safe(const char *s, char **tmp);
/* the SQL seam (seam.c) */
int pg_seam_script(void *db, const char *sql, struct mw_err *err);
int pg_seam_sql(void *db, const char *sql, const struct mw_sql_val *params, int n, mw_store_row_fn fn, void *ctx,
           struct mw_err *err);
void pg_seam_free(struct pg_seam *c);

extern const struct mw_store_ops pg_store_ops;

#endif
