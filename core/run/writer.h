/* run/writer.h: the store writer of a crawl: one thread that takes the extracted records from a sink queue
 * (run/sink.h), writes each one under the store lock through the caller's function, and hands it back through
 * a second queue, so the loop's thread never waits on the store, the sinks or the stories hook. What a write is
 * and when a batch commits are the caller's; the lock is this module's. With 0 threads the caller's thread
 * writes (mw_writer_pump), through the same path. */
#ifndef MW_WRITER_H
#define MW_WRITER_H

#include "common/err.h"
#include "run/sink.h"

/* In the writing thread: r's writes (into the open batch), with the store lock held; or, for prepare, the work
 * that needs no lock (compression), just before it is taken. */
typedef void (*mw_writer_fn)(void *ctx, struct mw_record *r);

struct mw_writer;
/* threads: 1 (a writer thread) or 0 (the caller writes, in mw_writer_pump); prepare may be NULL. Records come
 * in through in and go
 * out through out (both borrowed; they must outlive the writer), each pushed to out while the lock that
 * covered its write is still held: whoever holds the lock next finds it there, so a batch committed under
 * the lock holds exactly the records that came out before it. Owned: mw_writer_free. NULL with err. */
struct mw_writer *mw_writer_new(int threads, struct mw_sink_queue *in, struct mw_sink_queue *out,
                                mw_writer_fn prepare, mw_writer_fn write, void *ctx, struct mw_err *err);
/* Stops the thread after the write under way, if any (the caller must not hold the lock); what is still queued
 * on in is not written and stays there, the caller's to free. NULL is a no-op. */
void mw_writer_free(struct mw_writer *w);
/* The store lock: every use of the store (and of the sinks) outside the writer's own writes holds it. */
void mw_writer_lock(struct mw_writer *w);
void mw_writer_unlock(struct mw_writer *w);
/* 1 when the calling thread holds the lock. */
int mw_writer_holding(struct mw_writer *w);
/* Without a thread: write everything queued on in, now, in the caller's thread (which holds the lock). With a
 * thread, nothing (the thread writes). */
void mw_writer_pump(struct mw_writer *w);
/* 1 when a thread writes. */
int mw_writer_threads(const struct mw_writer *w);

#endif
