/* tests/unit/test_writer.c: run/writer.h's hand-off, as the crawl uses it: the writer marks pages done in a
 * store inside the open batch, and a "loop" (the test) takes back what was written whenever it holds the lock,
 * then commits. Each row checks that every write ran under the lock, that a record comes out while the lock
 * that covered its write is still held (so, holding the lock, the loop has back exactly what was written:
 * the pages a commit makes done are the ones it took back, and a second connection sees none of them done
 * before that commit), the order, and that freeing the writer leaves unwritten records queued. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/store.h"
#include "run/writer.h"
#include "unit/tmp_store.h"

struct fx {
    struct mw_store *s, *seen;   /* the writer's connection; a second one that sees only what committed */
    struct mw_writer *w;
    struct mw_sink_queue *in, *out;
    int in_batch;                /* under the writer's lock, like the crawl's batch state */
    long written;                /* under the lock */
    atomic_long unlocked_writes, unlocked_wakes, store_failures;
};

static void url_of(long i, char out[64]) { snprintf(out, 64, "https://w.test/a/%ld", i); }

/* The writer's function: the page's frontier row, in the batch it opens when none is. */
static void write_page(void *ctx, struct mw_record *r)
{
    struct fx *f = ctx;
    struct mw_err err = {0};
    char url[64];
    if (!mw_writer_holding(f->w))
        f->unlocked_writes++;
    url_of((long)r->seq, url);
    if ((!f->in_batch && mw_store_begin(f->s, &err)) || mw_store_frontier_set(f->s, url, MW_FS_DONE, -1, 2, &err))
        f->store_failures++;
    f->in_batch = 1;
    f->written++;
}

/* The out queue's wake-up runs on the pushing thread: the lock must still be that thread's. */
static void on_out(void *ctx)
{
    struct fx *f = ctx;
    if (!mw_writer_holding(f->w))
        f->unlocked_wakes++;
}

static struct fx *fx_new(int threads, long n)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    struct mw_err err = {0};
    assert_non_null(f->s = mw_store_open(tmp_store_fresh("writer"), &err));
    assert_non_null(f->seen = mw_store_open(tmp_store_path, &err));
    assert_int_equal(mw_store_begin(f->s, &err), 0);
    for (long i = 0; i < n; i++) {
        char url[64];
        int added = 0;
        url_of(i, url);
        assert_int_equal(mw_store_frontier_add(f->s, url, "w", 0, 1, &added, &err), 0);
    }
    assert_int_equal(mw_store_commit(f->s, &err), 0);
    assert_non_null(f->in = mw_sink_queue_new(NULL, NULL));
    assert_non_null(f->out = mw_sink_queue_new(on_out, f));
    assert_non_null(f->w = mw_writer_new(threads, f->in, f->out, NULL, write_page, f, &err));
    return f;
}

static void fx_free(struct fx *f)
{
    mw_writer_free(f->w);
    mw_sink_queue_free(f->in);
    mw_sink_queue_free(f->out);
    mw_store_free(f->s);
    mw_store_free(f->seen);
    tmp_store_unlink(tmp_store_path);
    free(f);
}

static void push(struct fx *f, long seq)
{
    struct mw_record *r = mw_record_new(NULL);
    assert_non_null(r);
    r->seq = (uint64_t)seq;
    mw_sink_queue_push(f->in, r);
}

/* Holding the lock: take back what was written (in order), then commit it. */
static void take_and_commit(struct fx *f, long *taken)
{
    mw_writer_pump(f->w);
    struct mw_record *r;
    while ((r = mw_sink_queue_pop(f->out))) {
        assert_int_equal((long)r->seq, *taken);
        (*taken)++;
        mw_record_free(r);
    }
    assert_int_equal(f->written, *taken);   /* nothing written that the loop does not have back */
    if (!f->in_batch)
        return;
    struct mw_err err = {0};
    long before = mw_store_frontier_count(f->seen, MW_FS_DONE);
    assert_int_equal(mw_store_commit(f->s, &err), 0);
    f->in_batch = 0;
    assert_true(before < *taken);   /* the batch's pages were not done before it committed ... */
    assert_int_equal(mw_store_frontier_count(f->seen, MW_FS_DONE), *taken);   /* ... and are now, exactly */
}

static const struct row {
    int threads;
    long records, chunk;   /* pushed chunk by chunk, the loop taking back between chunks */
} ROWS[] = {
    {0, 40, 7},    /* no thread: the loop's own pump writes */
    {1, 40, 1},
    {1, 300, 13},
    {1, 300, 300},
};

static void test_handoff_rows(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof ROWS / sizeof ROWS[0]; k++) {
        const struct row *t = &ROWS[k];
        struct fx *f = fx_new(t->threads, t->records);
        assert_int_equal(mw_writer_threads(f->w), t->threads);
        long pushed = 0, taken = 0;
        while (taken < t->records) {
            for (long i = 0; i < t->chunk && pushed < t->records; i++)
                push(f, pushed++);
            if (pushed == t->records && t->threads) {   /* wait for the writer: one record back, by event */
                struct mw_record *r = mw_sink_queue_wait(f->out);
                assert_non_null(r);
                assert_int_equal((long)r->seq, taken++);
                mw_record_free(r);
            }
            mw_writer_lock(f->w);
            take_and_commit(f, &taken);
            mw_writer_unlock(f->w);
        }
        assert_int_equal(f->unlocked_writes, 0);
        assert_int_equal(f->unlocked_wakes, 0);
        assert_int_equal(f->store_failures, 0);
        fx_free(f);
    }
}

/* Freed while records wait: those written came out in order, the rest stay queued, none is lost or doubled. */
static void test_free_leaves_the_rest_queued(void **state)
{
    (void)state;
    enum { N = 50 };
    struct fx *f = fx_new(1, N);
    mw_writer_lock(f->w);
    for (long i = 0; i < N; i++)
        push(f, i);
    mw_writer_unlock(f->w);
    mw_writer_free(f->w);
    f->w = NULL;
    long seq = 0;
    struct mw_record *r;
    while ((r = mw_sink_queue_pop(f->out))) {
        assert_int_equal((long)r->seq, seq++);
        mw_record_free(r);
    }
    assert_int_equal(seq, f->written);
    while ((r = mw_sink_queue_pop(f->in))) {
        assert_int_equal((long)r->seq, seq++);
        mw_record_free(r);
    }
    assert_int_equal(seq, N);
    if (f->in_batch)
        mw_store_rollback(f->s);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handoff_rows),
        cmocka_unit_test(test_free_leaves_the_rest_queued),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
