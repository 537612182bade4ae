/* run/writer.c: the crawl's store writer: the store lock, and the thread that writes each extracted record
 * under it and hands it back (or, without a thread, the same writes in the caller's thread). What a write is
 * and when a batch commits are the caller's (run/crawl.c); the queues are run/sink.c's. */
#include "run/writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct mw_writer {
    pthread_mutex_t mu;          /* the store lock */
    _Atomic(pthread_t) owner;    /* who holds mu (meaningful only while owned says so) */
    atomic_int owned;
    struct mw_sink_queue *in, *out;
    mw_writer_fn prepare, write;
    void *ctx;
    pthread_t t;
    int threads;
};

void mw_writer_lock(struct mw_writer *w)
{
    pthread_mutex_lock(&w->mu);
    atomic_store(&w->owner, pthread_self());
    atomic_store(&w->owned, 1);
}

void mw_writer_unlock(struct mw_writer *w)
{
    atomic_store(&w->owned, 0);
    pthread_mutex_unlock(&w->mu);
}

int mw_writer_holding(struct mw_writer *w)
{
    return atomic_load(&w->owned) && pthread_equal(atomic_load(&w->owner), pthread_self());
}

int mw_writer_threads(const struct mw_writer *w) { return w->threads; }

/* One record: written, then out while the lock that covered the write is held (see mw_writer_new). */
static void write_one(struct mw_writer *w, struct mw_record *r)
{
    w->write(w->ctx, r);
    mw_sink_queue_push(w->out, r);
}

void mw_writer_pump(struct mw_writer *w)
{
    if (w->threads)
        return;
    struct mw_record *r;
    while ((r = mw_sink_queue_pop(w->in))) {
        if (w->prepare)
            w->prepare(w->ctx, r);
        write_one(w, r);
    }
}

static void *thread_main(void *arg)
{
    struct mw_writer *w = arg;
    struct mw_record *r;
    while ((r = mw_sink_queue_wait(w->in))) {   /* NULL: closed */
        if (w->prepare)
            w->prepare(w->ctx, r);
        mw_writer_lock(w);
        write_one(w, r);
        mw_writer_unlock(w);
    }
    return NULL;
}

struct mw_writer *mw_writer_new(int threads, struct mw_sink_queue *in, struct mw_sink_queue *out,
                                mw_writer_fn prepare, mw_writer_fn write, void *ctx, struct mw_err *err)
{
    struct mw_writer *w = calloc(1, sizeof *w);
    if (!w) {
        mw_err_set(err, MW_ENOMEM, "store", "out of memory");
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    w->in = in;
    w->out = out;
    w->prepare = prepare;
    w->write = write;
    w->ctx = ctx;
    if (threads > 0 && pthread_create(&w->t, NULL, thread_main, w)) {
        pthread_mutex_destroy(&w->mu);
        free(w);
        mw_err_set(err, MW_ENOMEM, "store", "cannot start the store's writer thread");
        return NULL;
    }
    if (threads > 0)
        pthread_setname_np(w->t, "mw-writer");   /* what top -H and perf show */
    w->threads = threads > 0;
    return w;
}

void mw_writer_free(struct mw_writer *w)
{
    if (!w)
        return;
    if (w->threads) {
        mw_sink_queue_close(w->in);   /* the thread ends after the write under way; the rest stays queued */
        pthread_join(w->t, NULL);
    }
    pthread_mutex_destroy(&w->mu);
    free(w);
}
