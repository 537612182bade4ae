/* run/workers.c: the extraction pool: a FIFO of pages, N threads each owning a runner, records out through
 * a sink queue. libxml2 is initialised once before the threads start, and jansson's hash seed too; after
 * that each thread only touches its own runner, documents and records. What a page is is the submitter's. */
#include "run/workers.h"

#include <errno.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract/article.h"

/* Extraction threads run this much nicer than the thread that made them: they are the pipeline's parallel
 * stage, and when the cores are short the serial stages (the curl loop, the store writer, an in-order printer)
 * go first — a writer preempted while it holds the store lock stalls the loop behind it. */
#define EXTRACT_NICE 5

struct thread {
    pthread_t t;
    struct mw_runner *runner;
    struct mw_workers *pool;
    int started;
};

struct mw_workers {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct mw_work *head, *tail;
    int stop;
    struct thread *th;
    int n;
    struct mw_runner *inline_runner;
    struct mw_sink_queue *out;
};

int mw_workers_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

struct mw_work *mw_work_new(void)
{
    struct mw_work *w = calloc(1, sizeof *w);
    if (w && !(w->out = calloc(1, sizeof *w->out))) {
        free(w);
        return NULL;
    }
    return w;
}

void mw_work_free(struct mw_work *w)
{
    if (!w)
        return;
    free(w->bytes);
    free(w->url);
    free(w->content_type);
    mw_record_free(w->out);
    json_decref(w->ready);
    free(w);
}

/* An error record for a page that could not become one (memory ran out on the way). */
static json_t *oom_record(const char *url)
{
    json_t *rec = mw_article_new(url);
    struct mw_err e = {0};
    mw_err_set(&e, MW_ENOMEM, "extract", "%s: out of memory making the record", url ? url : "-");
    if (rec)
        mw_article_set_error(rec, &e);
    return rec;
}

/* One page through the runner: load, extract, the submitter's fields, one serialisation, out. */
static void run_one(struct mw_workers *p, struct mw_runner *r, struct mw_work *w)
{
    json_t *rec = w->ready;
    int failed = rec != NULL;
    w->ready = NULL;
    if (!failed && w->load)
        rec = w->load(w, &failed);
    if (!failed) {
        /* the runner's per-page time limit (--page-timeout) holds inside: a page that runs past it comes back
         * as the generic result with a warning, like any rule failure */
        if (w->keep_bytes || !w->bytes)
            rec = mw_runner_extract_at(r, NULL, w->bytes ? w->bytes : "", w->len, w->url, w->content_type,
                                       w->fetched);
        else   /* the bytes go once the tree is made: a big page's two copies are never alive together */
            rec = mw_runner_extract_take(r, NULL, &w->bytes, w->len, w->url, w->content_type, w->fetched);
    }
    if (!rec)
        rec = oom_record(w->url);
    if (rec && w->prepare)   /* it may take the page's bytes (a format that reads the page) */
        w->prepare(w, rec);
    free(w->bytes);   /* a big page's bytes go before its record is serialised */
    w->bytes = NULL;
    struct mw_record *out = w->out;   /* allocated with the work: handing over never needs memory */
    w->out = NULL;
    mw_record_take(out, rec);
    if (w->keep_origin && out->rec && out->origin)
        json_object_set(out->rec, "origin", out->origin);
    if (out->rec && mw_record_seal(out)) {
        free(out->json);
        out->json = NULL;
    }
    if (!out->json)
        out->is_error = 1;
    out->seq = w->seq;
    out->user = w->user;
    mw_work_free(w);
    mw_sink_queue_push(p->out, out);
}

static struct mw_work *next_work(struct mw_workers *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->head && !p->stop)
        pthread_cond_wait(&p->cv, &p->mu);
    struct mw_work *w = p->head;
    if (w) {
        p->head = w->next;
        if (!p->head)
            p->tail = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    return w;
}

static void *thread_main(void *arg)
{
    struct thread *t = arg;
    struct mw_work *w;
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);   /* on Linux the calling thread's own */
    if (!errno)
        setpriority(PRIO_PROCESS, 0, nice + EXTRACT_NICE);
    while ((w = next_work(t->pool)))
        run_one(t->pool, t->runner, w);
    return NULL;
}

void mw_workers_free(struct mw_workers *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n; i++) {
        if (p->th[i].started)
            pthread_join(p->th[i].t, NULL);
        mw_runner_free(p->th[i].runner);
    }
    struct mw_work *w = p->head;
    while (w) {   /* only when a thread failed to start: nobody took them */
        struct mw_work *next = w->next;
        mw_work_free(w);
        w = next;
    }
    free(p->th);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

struct mw_workers *mw_workers_new(int n, const struct mw_runner_opts *ro, struct mw_runner *runner,
                                  struct mw_sink_queue *out, struct mw_err *err)
{
    struct mw_workers *p = calloc(1, sizeof *p);
    if (!p || (n > 0 && !(p->th = calloc((size_t)n, sizeof *p->th)))) {
        free(p);
        mw_err_set(err, MW_ENOMEM, "extract", "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->inline_runner = runner;
    p->out = out;
    if (n <= 0)
        return p;
    xmlInitParser();       /* idempotent; must happen before two threads parse at once */
    json_object_seed(0);   /* jansson's hash seed is set once, here, not racily by two threads */
    for (int i = 0; i < n; i++) {
        struct thread *t = &p->th[i];
        t->pool = p;
        p->n = i + 1;
        if (!(t->runner = mw_runner_new(ro, err)))
            break;
        if (pthread_create(&t->t, NULL, thread_main, t)) {
            mw_err_set(err, MW_ENOMEM, "extract", "cannot start an extraction thread");
            break;
        }
        char name[16];
        snprintf(name, sizeof name, "mw-extract-%u", (unsigned)(i + 1) % 10000u);   /* 15 bytes at most */
        pthread_setname_np(t->t, name);   /* what top -H and perf show; a failure changes nothing else */
        t->started = 1;
    }
    if (!p->th[n - 1].started) {
        mw_workers_free(p);
        return NULL;
    }
    return p;
}

void mw_workers_submit(struct mw_workers *p, struct mw_work *w)
{
    if (!p->n) {
        run_one(p, p->inline_runner, w);
        return;
    }
    w->next = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->tail)
        p->tail->next = w;
    else
        p->head = w;
    p->tail = w;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int mw_workers_threads(const struct mw_workers *p) { return p->n; }
