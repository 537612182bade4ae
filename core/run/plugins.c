/* run/plugins.c: finding and dlopen()ing plugins (core/plugin.h): search path, entry symbol, ABI check and
 * the sanity of the ops tables. What a sink or source does with its ops is the caller's business. */
#include "run/plugins.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct mw_plugin_lib {
    void *handle;
    const struct mw_plugin *info;
    char *path;
};

/* dlerror() usually repeats the file name: "x.so: invalid ELF header"; the message names it once. */
static const char *dl_reason(const char *path)
{
    const char *e = dlerror();
    if (!e)
        return "unknown dlopen error";
    size_t n = strlen(path);
    if (!strncmp(e, path, n) && e[n] == ':' && e[n + 1] == ' ')
        return e + n + 2;
    return e;
}

static int check_ops(const struct mw_plugin *p, const char *path, struct mw_err *err)
{
    if (!p->name || !*p->name)
        return mw_err_set(err, MW_EINVAL, "plugin", "%s: plugin has no name", path);
    if (!p->sink && !p->source && !p->store)
        return mw_err_set(err, MW_EINVAL, "plugin", "%s: plugin \"%s\" is neither a sink, a source nor a store",
                          path, p->name);
    if (p->store && (!p->store->schemes || !p->store->open || !p->store->ops))
        return mw_err_set(err, MW_EINVAL, "plugin", "%s: store \"%s\" lacks schemes, open or ops", path, p->name);
    if (p->sink && (!p->sink->open || !p->sink->close))
        return mw_err_set(err, MW_EINVAL, "plugin", "%s: sink \"%s\" lacks open or close", path, p->name);
    if (p->source && (!p->source->open || !p->source->discover || !p->source->close))
        return mw_err_set(err, MW_EINVAL, "plugin", "%s: source \"%s\" lacks open, discover or close", path,
                          p->name);
    return MW_OK;
}

static struct mw_plugin_lib *load_file(const char *path, struct mw_err *err)
{
    dlerror();
    /* NODELETE: once loaded a plugin stays mapped. Unloading it unloads the libraries it pulled in (libpq's
     * Kerberos, LDAP, TLS), whose start-up allocations are then lost at every load of a second store. */
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h) {
        mw_err_set(err, MW_EIO, "plugin", "%s: cannot load: %s", path, dl_reason(path));
        return NULL;
    }
    dlerror();
    void *sym = dlsym(h, MW_PLUGIN_ENTRY);
    if (!sym) {
        mw_err_set(err, MW_EINVAL, "plugin", "%s: no symbol %s (not a moonwire plugin?)", path, MW_PLUGIN_ENTRY);
        dlclose(h);
        return NULL;
    }
    /* ISO C has no object-to-function pointer conversion; POSIX guarantees the bytes are the same */
    mw_plugin_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry);
    const struct mw_plugin *info = entry();
    if (!info) {
        mw_err_set(err, MW_EINVAL, "plugin", "%s: %s() returned NULL", path, MW_PLUGIN_ENTRY);
        dlclose(h);
        return NULL;
    }
    /* abi first: nothing else in the struct can be trusted when it differs */
    if (info->abi != MW_PLUGIN_ABI) {
        mw_err_set(err, MW_EINVAL, "plugin", "%s: plugin ABI %u, this moonwire speaks %u", path, info->abi,
                   (unsigned)MW_PLUGIN_ABI);
        dlclose(h);
        return NULL;
    }
    if (check_ops(info, path, err)) {
        dlclose(h);
        return NULL;
    }
    struct mw_plugin_lib *lib = calloc(1, sizeof *lib);
    char *p = strdup(path);
    if (!lib || !p) {
        free(lib);
        free(p);
        dlclose(h);
        mw_err_set(err, MW_ENOMEM, "plugin", "%s: out of memory", path);
        return NULL;
    }
    lib->handle = h;
    lib->info = info;
    lib->path = p;
    return lib;
}

/* "<dir>/<name>.so" when that file exists: 1 with *out (free()), 0 when absent, -1 out of memory. */
static int candidate(const char *dir, size_t dlen, const char *name, char **out)
{
    if (!dlen)
        return 0;
    size_t n = dlen + 1 + strlen(name) + 4;
    char *p = malloc(n);
    if (!p)
        return -1;
    snprintf(p, n, "%.*s/%s.so", (int)dlen, dir, name);
    if (access(p, F_OK)) {
        free(p);
        return 0;
    }
    *out = p;
    return 1;
}

struct mw_plugin_lib *mw_plugin_load(const char *name, const char *const *dirs, struct mw_err *err)
{
    if (!name || !*name) {
        mw_err_set(err, MW_EINVAL, "plugin", "empty plugin name");
        return NULL;
    }
    if (strchr(name, '/'))
        return load_file(name, err);
    const char *env = getenv("MOONWIRE_PLUGIN_PATH");
    char *found = NULL;
    int rc = 0;
    for (const char *p = env; p && *p && !rc;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        rc = candidate(p, len, name, &found);
        p = colon ? colon + 1 : p + len;
    }
    for (int i = 0; dirs && dirs[i] && !rc; i++)
        rc = candidate(dirs[i], strlen(dirs[i]), name, &found);
    if (rc < 0) {
        mw_err_set(err, MW_ENOMEM, "plugin", "plugin \"%s\": out of memory", name);
        return NULL;
    }
    if (rc == 0) {
        /* name every place looked in, so a typo in the path is visible */
        char where[400] = "";
        size_t w = 0;
        if (env && *env)
            w += (size_t)snprintf(where, sizeof where, "MOONWIRE_PLUGIN_PATH (%s)", env);
        for (int i = 0; dirs && dirs[i] && w < sizeof where; i++)
            w += (size_t)snprintf(where + w, sizeof where - w, "%s%s", w ? ", " : "", dirs[i]);
        mw_err_set(err, MW_ENOTFOUND, "plugin", "no plugin \"%s\" in %s", name,
                   *where ? where : "MOONWIRE_PLUGIN_PATH (unset)");
        return NULL;
    }
    struct mw_plugin_lib *lib = load_file(found, err);
    free(found);
    return lib;
}

const struct mw_plugin *mw_plugin_info(const struct mw_plugin_lib *lib)
{
    return lib ? lib->info : NULL;
}

const char *mw_plugin_path(const struct mw_plugin_lib *lib)
{
    return lib ? lib->path : NULL;
}

void mw_plugin_unload(struct mw_plugin_lib *lib)
{
    if (!lib)
        return;
    dlclose(lib->handle);
    free(lib->path);
    free(lib);
}
