/* tests/unit/test_store_resume.c: a frontier of a million URLs survives kill -9 exactly. A child process
 * discovers URLs 0..999,999 in transactions of 10,000 (each also marking every third URL of the batch before
 * it done, as a crawl would) and reports each commit on a pipe; at a commit chosen from a fixed seed the parent
 * kills it with SIGKILL. The store must then hold exactly the committed batches — every URL once, the done ones
 * done — and a second discovery of all million must add exactly the rest, after which resume lists every
 * URL not done, once, in discovery order. Events (the pipe), not time, decide when to kill. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/store.h"
#include "unit/tmp_store.h"

enum { N = 1000000, BATCH = 10000 };

static void url_of(long i, char out[96])
{
    snprintf(out, 96, "https://h%ld.test/news/2026/%ld/story-%ld.html", i % 997, i % 12 + 1, i);
}

static int is_done(long i, long committed)
{
    return i % 3 == 0 && i < committed - BATCH;   /* marked in the transaction after its own */
}

/* The child: discover batch after batch, say "committed K" after each, until killed. */
static void child(int fd)
{
    struct mw_err err = {0};
    struct mw_store *s = mw_store_open(tmp_store_path, &err);
    if (!s)
        _exit(2);
    char url[96];
    for (long b = 0; b < N; b += BATCH) {
        if (mw_store_begin(s, &err))
            _exit(3);
        for (long i = b; i < b + BATCH; i++) {
            int added = 0;
            url_of(i, url);
            if (mw_store_frontier_add(s, url, "x", 0, 1, &added, &err) || !added)
                _exit(4);
        }
        for (long i = b - BATCH + (3 - (b - BATCH) % 3) % 3; b > 0 && i < b; i += 3) {
            url_of(i, url);
            if (mw_store_frontier_set(s, url, MW_FS_DONE, -1, 2, &err))
                _exit(5);
        }
        if (mw_store_commit(s, &err))
            _exit(6);
        long done = b + BATCH;
        if (write(fd, &done, sizeof done) != (ssize_t)sizeof done)
            _exit(7);
    }
    _exit(0);
}

struct walk {
    long next, seen, bad;
    long committed;
};

/* Resume order: every URL not done, ascending. */
static int check_pending(void *ctx, const char *u, const char *outlet, int tries)
{
    (void)outlet;
    (void)tries;
    struct walk *w = ctx;
    while (w->next < N && is_done(w->next, w->committed))
        w->next++;
    char want[96];
    url_of(w->next, want);
    if (strcmp(u, want)) {
        if (w->bad++ < 3)
            print_error("resume: got %s, want %s\n", u, want);
    }
    w->next++;
    w->seen++;
    return 0;
}

static void test_kill9_at_a_commit_then_resume(void **state)
{
    (void)state;
    unsigned seed = (unsigned)strtoul(getenv("MW_RESUME_SEED") ? getenv("MW_RESUME_SEED") : "15", NULL, 10);
    srand(seed);
    long kill_at = (long)(rand() % (N / BATCH - 10) + 5) * BATCH;   /* after the 5th to the 95th commit */
    printf("  test_store_resume: seed %u, SIGKILL after the commit of %ld URLs\n", seed, kill_at);
    tmp_store_fresh("resume");
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child(fds[1]);
    }
    close(fds[1]);
    long got = 0;
    while (got < kill_at && read(fds[0], &got, sizeof got) == (ssize_t)sizeof got)
        ;
    kill(pid, SIGKILL);   /* it is writing the next batch by now, or about to */
    int st = 0;
    waitpid(pid, &st, 0);
    close(fds[0]);
    assert_int_equal(got, kill_at);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    struct mw_err err = {0};
    struct mw_store *s = mw_store_open(tmp_store_path, &err);
    assert_non_null(s);
    long q = mw_store_frontier_count(s, MW_FS_QUEUED), d = mw_store_frontier_count(s, MW_FS_DONE);
    long committed = q + d;
    /* exactly whole batches: the one in flight at the kill is either all there or not at all */
    assert_int_equal(committed % BATCH, 0);
    assert_true(committed == kill_at || committed == kill_at + BATCH);
    long want_done = 0;
    for (long i = 0; i < committed; i++)
        want_done += is_done(i, committed);
    assert_int_equal(d, want_done);
    /* the next run discovers all of it again: exactly the missing ones are new */
    assert_int_equal(mw_store_begin(s, &err), 0);
    long added_total = 0;
    char url[96];
    for (long i = 0; i < N; i++) {
        int added = 0;
        url_of(i, url);
        assert_int_equal(mw_store_frontier_add(s, url, "x", 0, 3, &added, &err), 0);
        if (added != (i >= committed))
            fail_msg("url %ld: added %d with %ld committed", i, added, committed);
        added_total += added;
    }
    assert_int_equal(mw_store_commit(s, &err), 0);
    assert_int_equal(added_total, N - committed);
    struct walk w = {0, 0, 0, committed};
    assert_int_equal(mw_store_frontier_pending(s, 3, check_pending, &w, &err), 0);
    assert_int_equal(w.bad, 0);
    assert_int_equal(w.seen, N - want_done);
    mw_store_free(s);
    tmp_store_unlink(tmp_store_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_kill9_at_a_commit_then_resume)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
