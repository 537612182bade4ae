/* tests/plugins/helper.h: what test_plugins.c and test_warc.c share: a temp dir, compiling the small test
 * plugins of tests/plugins/ (and plugins/warc when build/plugins/warc.so is missing or stale) with the
 * system cc at test time. These .so files are never shipped. */
#ifndef MW_TEST_PLUGIN_HELPER_H
#define MW_TEST_PLUGIN_HELPER_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The source tree: the working directory when it holds core/plugin.h (tests/run.sh runs from there), else
 * derived from this file's path as the compiler saw it. */
static __attribute__((unused)) const char *tp_root(void)
{
    static char root[PATH_MAX];
    if (root[0])
        return root;
    if (access("core/plugin.h", F_OK) == 0) {
        snprintf(root, sizeof root, ".");
        return root;
    }
    snprintf(root, sizeof root, "%s", __FILE__);
    char *p = strstr(root, "tests/plugins/helper.h");
    if (p)
        *p = '\0';
    if (!root[0])
        snprintf(root, sizeof root, ".");
    return root;
}

static __attribute__((unused)) char *tp_tmpdir(void)
{
    char tmpl[] = "/tmp/mw-plugin-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static __attribute__((unused)) void tp_rmdir(char *dir)
{
    if (dir && !strncmp(dir, "/tmp/mw-plugin-test-", 20)) {
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    free(dir);
}

/* cc -shared src -> out; extra flags may be "". 0 on success. */
static __attribute__((unused)) int tp_cc(const char *src, const char *out, const char *extra)
{
    const char *cc = getenv("CC");
    char cmd[4 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "%s -std=c11 -D_GNU_SOURCE -fPIC -shared -I'%s/core' %s -o '%s' '%s' -lz",
             cc && *cc ? cc : "cc", tp_root(), extra, out, src);
    return system(cmd);
}

/* A test plugin tests/plugins/<name>.c compiled to <dir>/<soname>.so. */
static __attribute__((unused)) int tp_build(const char *dir, const char *name, const char *soname, const char *extra)
{
    char src[PATH_MAX + 64], out[PATH_MAX + 64];
    snprintf(src, sizeof src, "%s/tests/plugins/%s.c", tp_root(), name);
    snprintf(out, sizeof out, "%s/%s.so", dir, soname);
    return tp_cc(src, out, extra);
}

/* The directory holding a current warc.so: build/plugins when make built it from the present source, else
 * dir after compiling plugins/warc/warc.c there. NULL when that fails. */
static __attribute__((unused)) const char *tp_warc_dir(const char *dir)
{
    static char built[PATH_MAX + 16];
    char src[PATH_MAX + 32], so[PATH_MAX + 32];
    struct stat ss, bs;
    snprintf(src, sizeof src, "%s/plugins/warc/warc.c", tp_root());
    snprintf(built, sizeof built, "%s/build/plugins", tp_root());
    snprintf(so, sizeof so, "%s/warc.so", built);
    if (stat(src, &ss) == 0 && stat(so, &bs) == 0 && bs.st_mtime >= ss.st_mtime)
        return built;
    snprintf(so, sizeof so, "%s/warc.so", dir);
    return tp_cc(src, so, "-O1 -Wall") == 0 ? dir : NULL;
}

#endif
