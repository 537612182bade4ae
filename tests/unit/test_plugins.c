/* tests/unit/test_plugins.c: run/plugins.c against real shared objects: the warc plugin found by name,
 * search order, and each way a load fails giving one error that names the file and what is wrong.
 * The broken plugins are tests/plugins/<name>.c compiled with the system cc in setup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/helper.h"
#include "run/plugins.h"

struct fx {
    char *tmp;        /* compiled test plugins: nosym.so, badabi.so, ... */
    char *envdir;     /* a second dir on MOONWIRE_PLUGIN_PATH, holding another good.so */
    const char *warcdir;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || !(f->tmp = tp_tmpdir()) || !(f->envdir = tp_tmpdir()))
        return -1;
    if (tp_build(f->tmp, "nosym", "nosym", "") || tp_build(f->tmp, "badabi", "badabi", "") ||
        tp_build(f->tmp, "nullentry", "nullentry", "") || tp_build(f->tmp, "noclose", "noclose", "") ||
        tp_build(f->tmp, "good", "good", "-DTAG='\"from-dirs\"'") ||
        tp_build(f->envdir, "good", "good", "-DTAG='\"from-env\"'"))
        return -1;
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/notelf.so", f->tmp);
    FILE *o = fopen(p, "w");
    if (!o)
        return -1;
    fputs("#!/bin/sh\necho this is not a shared object\n", o);
    fclose(o);
    if (!(f->warcdir = tp_warc_dir(f->tmp)))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    unsetenv("MOONWIRE_PLUGIN_PATH");
    tp_rmdir(f->tmp);
    tp_rmdir(f->envdir);
    free(f);
    return 0;
}

/* Each broken plugin, loaded by path ("%s" is the temp dir) or by name: the code and the whole message. */
static const struct { const char *name; int by_path; int code; const char *want; } FAILS[] = {
    {"%s/nosym.so", 1, MW_EINVAL, "%s/nosym.so: no symbol moonwire_plugin (not a moonwire plugin?)"},
    {"%s/badabi.so", 1, MW_EINVAL, "%s/badabi.so: plugin ABI 7, this moonwire speaks 3"},
    {"%s/nullentry.so", 1, MW_EINVAL, "%s/nullentry.so: moonwire_plugin() returned NULL"},
    {"%s/noclose.so", 1, MW_EINVAL, "%s/noclose.so: sink \"noclose\" lacks open or close"},
    {"%s/notelf.so", 1, MW_EIO, "%s/notelf.so: cannot load: "},
    {"%s/absent.so", 1, MW_EIO, "%s/absent.so: cannot load: "},
    {"badabi", 0, MW_EINVAL, "%s/badabi.so: plugin ABI 7, this moonwire speaks 3"},
    {"nosym", 0, MW_EINVAL, "%s/nosym.so: no symbol moonwire_plugin (not a moonwire plugin?)"},
    {"nothere", 0, MW_ENOTFOUND, "no plugin \"nothere\" in MOONWIRE_PLUGIN_PATH (/nonexistent), %s"},
    {"", 0, MW_EINVAL, "empty plugin name"},
};

static void test_failures(void **state)
{
    struct fx *f = *state;
    setenv("MOONWIRE_PLUGIN_PATH", "/nonexistent", 1);
    const char *dirs[] = {f->tmp, NULL};
    for (size_t i = 0; i < sizeof FAILS / sizeof FAILS[0]; i++) {
        char name[PATH_MAX + 64], want[PATH_MAX + 200];
        snprintf(name, sizeof name, FAILS[i].name, f->tmp);
        snprintf(want, sizeof want, FAILS[i].want, f->tmp);
        struct mw_err err = {0};
        struct mw_plugin_lib *lib = mw_plugin_load(name, dirs, &err);
        if (lib || err.code != FAILS[i].code || strncmp(err.msg, want, strlen(want)))
            fail_msg("row %zu (%s): code %d, message \"%s\", want \"%s\"", i, name, err.code, err.msg, want);
        assert_string_equal(err.stage, "plugin");
        assert_null(strchr(err.msg, '\n'));
    }
}

/* dlerror's own copy of the file name is dropped: the message names the file once, then the reason. */
static void test_not_elf_reason(void **state)
{
    struct fx *f = *state;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/notelf.so", f->tmp);
    struct mw_err err = {0};
    assert_null(mw_plugin_load(path, NULL, &err));
    const char *reason = err.msg + strlen(path) + strlen(": cannot load: ");
    assert_true(strlen(reason) > 5);
    assert_null(strstr(reason, path));
}

static void test_warc_by_name(void **state)
{
    struct fx *f = *state;
    char env[2 * PATH_MAX + 32];
    snprintf(env, sizeof env, "/nonexistent::%s", f->warcdir);
    setenv("MOONWIRE_PLUGIN_PATH", env, 1);
    struct mw_err err = {0};
    struct mw_plugin_lib *lib = mw_plugin_load("warc", NULL, &err);
    if (!lib)
        fail_msg("%s", err.msg);
    const struct mw_plugin *p = mw_plugin_info(lib);
    assert_int_equal(p->abi, MW_PLUGIN_ABI);
    assert_string_equal(p->name, "warc");
    assert_non_null(p->sink);
    assert_non_null(p->sink->on_fetch);
    assert_null(p->source);
    char want[PATH_MAX + 16];
    snprintf(want, sizeof want, "%s/warc.so", f->warcdir);
    assert_string_equal(mw_plugin_path(lib), want);
    mw_plugin_unload(lib);
}

/* MOONWIRE_PLUGIN_PATH comes before the dirs argument; without it the dirs are searched. */
static void test_search_order(void **state)
{
    struct fx *f = *state;
    const char *dirs[] = {"/nonexistent", f->tmp, NULL};
    struct mw_err err = {0};
    setenv("MOONWIRE_PLUGIN_PATH", f->envdir, 1);
    struct mw_plugin_lib *lib = mw_plugin_load("good", dirs, &err);
    assert_non_null(lib);
    assert_string_equal(mw_plugin_info(lib)->version, "from-env");
    mw_plugin_unload(lib);

    unsetenv("MOONWIRE_PLUGIN_PATH");
    lib = mw_plugin_load("good", dirs, &err);
    assert_non_null(lib);
    assert_string_equal(mw_plugin_info(lib)->version, "from-dirs");
    mw_plugin_unload(lib);

    /* a name with a slash is a path, never searched */
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/good.so", f->envdir);
    lib = mw_plugin_load(path, dirs, &err);
    assert_non_null(lib);
    assert_string_equal(mw_plugin_info(lib)->version, "from-env");
    assert_string_equal(mw_plugin_path(lib), path);
    mw_plugin_unload(lib);
    assert_int_equal(err.code, MW_OK);

    lib = mw_plugin_load("good", NULL, &err);
    assert_null(lib);
    assert_string_equal(err.msg, "no plugin \"good\" in MOONWIRE_PLUGIN_PATH (unset)");
}

static void test_null_safe(void **state)
{
    mw_plugin_unload(NULL);
    assert_null(mw_plugin_info(NULL));
    assert_null(mw_plugin_path(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_not_elf_reason),
        cmocka_unit_test(test_warc_by_name),
        cmocka_unit_test(test_search_order),
        cmocka_unit_test(test_null_safe),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
