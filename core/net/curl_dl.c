/* net/curl_dl.c: libcurl, loaded the first time it is called. A run that never fetches (extract, test, rules,
 * export) does not map libcurl nor the TLS, Kerberos, LDAP and IDN libraries it pulls in: 6 MB of every such
 * process's RSS, and their start-up. Each curl_* function the host calls is defined here and forwards to
 * libcurl.so.4 (dlopen); curl_global_init is remembered and done on loading. When libcurl cannot be loaded
 * the calls fail as libcurl's fail (NULL handles, CURLE_FAILED_INIT), after one line on stderr. */
#define CURL_DISABLE_TYPECHECK   /* the type-checking macros would rewrite the definitions below */
#include <curl/curl.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

/* name, return type, parameters (declared), arguments (passed) */
#define CURL_FNS(X)                                                                                         \
    X(curl_global_init, CURLcode, (long flags), (flags))                                                   \
    X(curl_global_cleanup, void, (void), ())                                                               \
    X(curl_version, char *, (void), ())                                                                    \
    X(curl_getdate, time_t, (const char *p, const time_t *unused), (p, unused))                           \
    X(curl_easy_init, CURL *, (void), ())                                                                  \
    X(curl_easy_cleanup, void, (CURL *h), (h))                                                             \
    X(curl_easy_reset, void, (CURL *h), (h))                                                               \
    X(curl_easy_perform, CURLcode, (CURL *h), (h))                                                         \
    X(curl_easy_strerror, const char *, (CURLcode c), (c))                                                 \
    X(curl_slist_append, struct curl_slist *, (struct curl_slist *l, const char *s), (l, s))              \
    X(curl_slist_free_all, void, (struct curl_slist *l), (l))                                              \
    X(curl_multi_init, CURLM *, (void), ())                                                                \
    X(curl_multi_cleanup, CURLMcode, (CURLM *m), (m))                                                      \
    X(curl_multi_add_handle, CURLMcode, (CURLM *m, CURL *h), (m, h))                                       \
    X(curl_multi_remove_handle, CURLMcode, (CURLM *m, CURL *h), (m, h))                                    \
    X(curl_multi_perform, CURLMcode, (CURLM *m, int *running), (m, running))                               \
    X(curl_multi_poll, CURLMcode, (CURLM *m, struct curl_waitfd *fds, unsigned n, int ms, int *ret),      \
      (m, fds, n, ms, ret))                                                                                \
    X(curl_multi_wakeup, CURLMcode, (CURLM *m), (m))                                                       \
    X(curl_multi_info_read, CURLMsg *, (CURLM *m, int *left), (m, left))

#define FIELD(name, ret, params, args) ret(*name) params;
static struct {
    CURL_FNS(FIELD)
    CURLcode (*curl_easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*curl_easy_getinfo)(CURL *, CURLINFO, ...);
    CURLMcode (*curl_multi_setopt)(CURLM *, CURLMoption, ...);
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static long init_flags = -1;   /* curl_global_init's, before loading; -1: not called */

#define SYM(name, ret, params, args) ok = ok && (*(void **)(void *)&fn.name = dlsym(h, #name)) != NULL;

static void load_once(void)
{
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    int ok = h != NULL;
    CURL_FNS(SYM)
    SYM(curl_easy_setopt, , , )
    SYM(curl_easy_getinfo, , , )
    SYM(curl_multi_setopt, , , )
    if (!ok) {
        fprintf(stderr, "moonwire: libcurl could not be loaded: %s\n", h ? "a function is missing" : dlerror());
        return;
    }
    if (init_flags >= 0 && fn.curl_global_init(init_flags) != CURLE_OK)
        return;
    loaded = 1;
}

static int load(void)
{
    pthread_once(&once, load_once);
    return loaded;
}

CURLcode curl_global_init(long flags)
{
    if (!loaded && init_flags < 0) {   /* done on loading, if a call ever needs libcurl */
        init_flags = flags;
        return CURLE_OK;
    }
    return load() ? fn.curl_global_init(flags) : CURLE_FAILED_INIT;
}

void curl_global_cleanup(void)
{
    if (loaded)
        fn.curl_global_cleanup();
}

char *curl_version(void) { return load() ? fn.curl_version() : (char *)"libcurl (not loaded)"; }
time_t curl_getdate(const char *p, const time_t *unused) { return load() ? fn.curl_getdate(p, unused) : -1; }
CURL *curl_easy_init(void) { return load() ? fn.curl_easy_init() : NULL; }
void curl_easy_cleanup(CURL *h) { if (h && load()) fn.curl_easy_cleanup(h); }
void curl_easy_reset(CURL *h) { if (load()) fn.curl_easy_reset(h); }
CURLcode curl_easy_perform(CURL *h) { return load() ? fn.curl_easy_perform(h) : CURLE_FAILED_INIT; }
const char *curl_easy_strerror(CURLcode c) { return load() ? fn.curl_easy_strerror(c) : "libcurl could not be loaded"; }
struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
    return load() ? fn.curl_slist_append(l, s) : NULL;
}
void curl_slist_free_all(struct curl_slist *l) { if (l && load()) fn.curl_slist_free_all(l); }
CURLM *curl_multi_init(void) { return load() ? fn.curl_multi_init() : NULL; }
CURLMcode curl_multi_cleanup(CURLM *m) { return load() ? fn.curl_multi_cleanup(m) : CURLM_INTERNAL_ERROR; }
CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
    return load() ? fn.curl_multi_add_handle(m, h) : CURLM_INTERNAL_ERROR;
}
CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
    return load() ? fn.curl_multi_remove_handle(m, h) : CURLM_INTERNAL_ERROR;
}
CURLMcode curl_multi_perform(CURLM *m, int *running)
{
    return load() ? fn.curl_multi_perform(m, running) : CURLM_INTERNAL_ERROR;
}
CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd *fds, unsigned n, int ms, int *ret)
{
    return load() ? fn.curl_multi_poll(m, fds, n, ms, ret) : CURLM_INTERNAL_ERROR;
}
CURLMcode curl_multi_wakeup(CURLM *m) { return load() ? fn.curl_multi_wakeup(m) : CURLM_INTERNAL_ERROR; }
CURLMsg *curl_multi_info_read(CURLM *m, int *left) { return load() ? fn.curl_multi_info_read(m, left) : NULL; }

/* The variadic three take one argument after the option, of the type its number's range says (curl.h's
 * CURLOPTTYPE_*: long, a pointer, a function pointer, curl_off_t, a blob pointer); info is always a pointer. */
#define BY_TYPE(call, h, opt, ap)                                                                            \
    ((opt) < CURLOPTTYPE_OBJECTPOINT     ? call(h, opt, va_arg(ap, long))                                    \
     : (opt) < CURLOPTTYPE_FUNCTIONPOINT ? call(h, opt, va_arg(ap, void *))                                  \
     : (opt) < CURLOPTTYPE_OFF_T         ? call(h, opt, va_arg(ap, void (*)(void)))                          \
     : (opt) < CURLOPTTYPE_BLOB          ? call(h, opt, va_arg(ap, curl_off_t))                              \
                                         : call(h, opt, va_arg(ap, void *)))

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
    if (!load())
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, opt);
    CURLcode rc = BY_TYPE(fn.curl_easy_setopt, h, opt, ap);
    va_end(ap);
    return rc;
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
    if (!load())
        return CURLM_INTERNAL_ERROR;
    va_list ap;
    va_start(ap, opt);
    CURLMcode rc = BY_TYPE(fn.curl_multi_setopt, m, opt, ap);
    va_end(ap);
    return rc;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
    if (!load())
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, info);
    CURLcode rc = fn.curl_easy_getinfo(h, info, va_arg(ap, void *));
    va_end(ap);
    return rc;
}
