/* tests/unit/tmp_store.h: what the SQLite store suites share (test_store, test_store_resume, test_store_shared,
 * test_story_store): a store file of the suite's own under /tmp, named by the suite and the process, removed
 * with its -wal and -shm files; a cmocka setup that opens a fresh one and the teardown that closes it. */
#ifndef MW_TEST_TMP_STORE_H
#define MW_TEST_TMP_STORE_H

#include <stdio.h>
#include <unistd.h>

#include "run/store.h"

/* The file tmp_store_fresh named last (the one tmp_store_setup opened). */
static char tmp_store_path[64];

/* Removes an SQLite file and its -wal and -shm files; any of them may be missing. */
static __attribute__((unused)) void tmp_store_unlink(const char *path)
{
    char p[4096];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/* Names tmp_store_path /tmp/mw-test-NAME-PID.sqlite and removes what an earlier run left there. */
static __attribute__((unused)) const char *tmp_store_fresh(const char *name)
{
    snprintf(tmp_store_path, sizeof tmp_store_path, "/tmp/mw-test-%s-%d.sqlite", name, (int)getpid());
    tmp_store_unlink(tmp_store_path);
    return tmp_store_path;
}

/* A cmocka setup's body: *state is a store open on a fresh tmp_store_path. */
static __attribute__((unused)) int tmp_store_setup(void **state, const char *name)
{
    struct mw_err err = {0};
    *state = mw_store_open(tmp_store_fresh(name), &err);
    if (!*state)
        fprintf(stderr, "%s: %s\n", tmp_store_path, err.msg);
    return *state ? 0 : -1;
}

/* The teardown of tmp_store_setup: closes the store (NULL is fine) and removes its files. */
static __attribute__((unused)) int tmp_store_teardown(void **state)
{
    mw_store_free(*state);
    tmp_store_unlink(tmp_store_path);
    return 0;
}

#endif
