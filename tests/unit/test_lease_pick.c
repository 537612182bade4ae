/* tests/unit/test_lease_pick.c: run/lease_pick.h takes the same rows in the same order as the SQL it replaced
 * in run/store_sqlite.c (a window function over the first 4096 candidates, asked again after every pick), on
 * frontiers of one host, a few, many, clustered or not, past the window, and URLs with no "://". The SQL is
 * kept here as the reference; each row prints its seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/lease_pick.h"

#define HOST_SQL "substr(url, instr(url, '://') + 3, instr(substr(url, instr(url, '://') + 3) || '/', '/') - 1)"

/* the lease's scan before run/lease_pick.c, over rows not yet taken */
static const char OLD_SCAN[] =
    "WITH cand AS (SELECT id, " HOST_SQL " AS h FROM frontier WHERE taken = 0 ORDER BY id LIMIT 4096), "
    "rk AS (SELECT id, row_number() OVER (PARTITION BY h ORDER BY id) AS rn FROM cand) "
    "SELECT f.id FROM frontier f JOIN rk ON rk.id = f.id WHERE rk.rn <= ?1 ORDER BY rk.rn, f.id LIMIT ?2";

struct row { unsigned seed; int rows, hosts, cluster, lease, noscheme, split; };   /* split: from there on, host 1 */

static const struct row ROWS[] = {
    {1, 300, 1, 0, 64, 0, 0},       /* the bench: one sitemap, one host */
    {2, 300, 3, 0, 64, 0, 0},
    {3, 300, 3, 40, 64, 0, 0},      /* hosts in runs of about 40 */
    {4, 1000, 200, 0, 64, 0, 0},    /* more hosts than a lease */
    {5, 6000, 1, 0, 256, 0, 0},     /* past the window */
    {6, 6000, 50, 300, 256, 0, 0},
    {7, 6000, 5000, 0, 256, 0, 0},
    {8, 500, 7, 0, 32, 1, 0},       /* some URLs without a scheme */
    {9, 50, 2, 0, 256, 0, 0},       /* fewer rows than a lease */
    {10, 2000, 9, 5, 1, 0, 0},      /* a lease of one */
    {11, 4500, 1, 0, 64, 0, 4100},   /* a second host only past the window */
    {12, 4500, 1, 0, 64, 0, 4000},   /* ... and just inside it */
};

static unsigned next(unsigned *s) { return *s = *s * 1103515245u + 12345u; }

static sqlite3 *frontier(const struct row *r)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE frontier(id INTEGER PRIMARY KEY, url TEXT, taken INT DEFAULT 0)",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO frontier(url) VALUES(?1)", -1, &q, NULL), SQLITE_OK);
    unsigned s = r->seed, host = 0;
    for (int i = 0; i < r->rows; i++) {
        if (!r->cluster || next(&s) % (unsigned)r->cluster == 0)
            host = (next(&s) >> 8) % (unsigned)r->hosts;
        if (r->split && i >= r->split)
            host = 1;
        char url[128];
        if (r->noscheme && (next(&s) >> 8) % 5 == 0)
            snprintf(url, sizeof url, "h%u.example/p/%d", host, i);
        else
            snprintf(url, sizeof url, "https://h%u.example/p/%d", host, i);
        sqlite3_bind_text(q, 1, url, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(q), SQLITE_DONE);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    return db;
}

/* do_lease's loop: pass 0 at per_host, pass 1 at n, picks of at most 256 until one finds nothing */
static long old_lease(sqlite3 *db, long n, int64_t *out)
{
    sqlite3_stmt *q = NULL, *t = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, OLD_SCAN, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE frontier SET taken = 1 WHERE id = ?1", -1, &t, NULL), SQLITE_OK);
    long got = 0, per_host = n / 8 > 4 ? n / 8 : 4;
    for (int pass = 0; pass < 2 && got < n; pass++) {
        long seen = 1;
        while (seen && got < n) {
            long want = n - got > 256 ? 256 : n - got, k = 0;
            sqlite3_bind_int64(q, 1, pass ? n : per_host);
            sqlite3_bind_int64(q, 2, want);
            while (k < want && sqlite3_step(q) == SQLITE_ROW)
                out[got + k++] = sqlite3_column_int64(q, 0);
            sqlite3_reset(q);
            for (long i = 0; i < k; i++) {
                sqlite3_bind_int64(t, 1, out[got + i]);
                assert_int_equal(sqlite3_step(t), SQLITE_DONE);
                sqlite3_reset(t);
            }
            got += k;
            seen = k;
        }
    }
    sqlite3_finalize(q);
    sqlite3_finalize(t);
    return got;
}

/* the same through run/lease_pick.h, fed as run/store_sqlite.c feeds it */
static long new_lease(sqlite3 *db, long n, int64_t *out)
{
    struct mw_lease_pick *p = mw_lease_pick_new();
    assert_non_null(p);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, " HOST_SQL " FROM frontier WHERE taken = 0 ORDER BY id LIMIT ?1",
                                        -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_int64(q, 1, MW_LEASE_WINDOW + n);
    while (sqlite3_step(q) == SQLITE_ROW)
        assert_int_equal(mw_lease_pick_add(p, sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1),
                                           (size_t)sqlite3_column_bytes(q, 1)), 0);
    sqlite3_finalize(q);
    long got = 0, per_host = n / 8 > 4 ? n / 8 : 4;
    for (int pass = 0; pass < 2 && got < n; pass++) {
        long seen = 1;
        while (seen && got < n) {
            seen = mw_lease_pick_next(p, pass ? n : per_host, n - got > 256 ? 256 : n - got, out + got);
            got += seen;
        }
    }
    mw_lease_pick_free(p);
    return got;
}

static void test_same_rows_in_the_same_order(void **state)
{
    (void)state;
    for (size_t r = 0; r < sizeof ROWS / sizeof *ROWS; r++) {
        const struct row *w = &ROWS[r];
        print_message("row %zu: seed %u, %d rows on %d hosts, lease %d\n", r, w->seed, w->rows, w->hosts, w->lease);
        sqlite3 *db = frontier(w);
        int64_t *a = calloc((size_t)w->lease, sizeof *a), *b = calloc((size_t)w->lease, sizeof *b);
        long nb = new_lease(db, w->lease, b);   /* before old_lease marks rows taken */
        long na = old_lease(db, w->lease, a);
        assert_int_equal(na, w->rows < w->lease ? w->rows : w->lease);
        assert_int_equal(nb, na);
        for (long i = 0; i < na; i++)
            if (a[i] != b[i])
                fail_msg("row %zu: lease position %ld: SQL took row %lld, the picker %lld", r, i, (long long)a[i],
                         (long long)b[i]);
        free(a);
        free(b);
        sqlite3_close(db);
    }
}

/* A pick from no candidates is empty. Hosts are bytes: a NUL inside is one more byte; NULL counts as empty
 * (the store never gives one: url is NOT NULL); a reset forgets the candidates. */
static void test_hosts_are_bytes(void **state)
{
    (void)state;
    struct mw_lease_pick *p = mw_lease_pick_new();
    assert_non_null(p);
    int64_t none[1];
    assert_int_equal(mw_lease_pick_next(p, 8, 1, none), 0);   /* no candidates yet (nothing allocated) */
    assert_int_equal(mw_lease_pick_add(p, 10, "a\0b", 3), 0);
    assert_int_equal(mw_lease_pick_add(p, 11, "a\0c", 3), 0);
    assert_int_equal(mw_lease_pick_add(p, 12, "a\0b", 3), 0);
    assert_int_equal(mw_lease_pick_add(p, 13, NULL, 0), 0);
    assert_int_equal(mw_lease_pick_add(p, 14, "", 0), 0);
    int64_t out[8];
    assert_int_equal(mw_lease_pick_next(p, 1, 8, out), 3);   /* the first of "a\0b", of "a\0c", of "" */
    assert_int_equal(out[0], 10);
    assert_int_equal(out[1], 11);
    assert_int_equal(out[2], 13);
    assert_int_equal(mw_lease_pick_next(p, 1, 8, out), 2);
    assert_int_equal(out[0], 12);
    assert_int_equal(out[1], 14);
    assert_int_equal(mw_lease_pick_next(p, 1, 8, out), 0);
    mw_lease_pick_reset(p);
    assert_int_equal(mw_lease_pick_next(p, 1, 8, out), 0);
    mw_lease_pick_free(p);
    mw_lease_pick_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_rows_in_the_same_order),
        cmocka_unit_test(test_hosts_are_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
