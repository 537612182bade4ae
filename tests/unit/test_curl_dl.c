/* tests/unit/test_curl_dl.c: net/curl_dl.c — libcurl is not in the process until a call needs it (global init
 * alone does not load it), then every kind of option reaches it whole: a long, a string, a function, a
 * curl_off_t, for an easy and a multi handle, and info read back through a pointer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static int mapped(const char *lib)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int yes = 0;
    while (f && !yes && fgets(line, sizeof line, f))
        yes = strstr(line, lib) != NULL;
    if (f)
        fclose(f);
    return yes;
}

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return size * n;
}

static void test_loaded_when_needed(void **state)
{
    (void)state;
    assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    assert_false(mapped("libcurl"));
    CURL *h = curl_easy_init();
    assert_non_null(h);
    assert_true(mapped("libcurl"));
    assert_int_equal(curl_easy_setopt(h, CURLOPT_TIMEOUT, 7L), CURLE_OK);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_URL, "http://127.0.0.1:9/x"), CURLE_OK);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink), CURLE_OK);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)1 << 33), CURLE_OK);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https"), CURLE_OK);
    /* a bad value for an option of each kind is refused by libcurl itself: it got the value */
    assert_int_not_equal(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "gopher-ish"), CURLE_OK);
    assert_int_not_equal(curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)-1), CURLE_OK);
    long code = -1;
    assert_int_equal(curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
    assert_int_equal(code, 0);
    const char *url = NULL;
    assert_int_equal(curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &url), CURLE_OK);
    assert_string_equal(url, "http://127.0.0.1:9/x");
    struct curl_slist *l = curl_slist_append(NULL, "X-A: 1");
    assert_non_null(l);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_HTTPHEADER, l), CURLE_OK);
    CURLM *m = curl_multi_init();
    assert_non_null(m);
    assert_int_equal(curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, 3L), CURLM_OK);
    assert_int_equal(curl_multi_add_handle(m, h), CURLM_OK);
    assert_int_equal(curl_multi_remove_handle(m, h), CURLM_OK);
    assert_int_equal(curl_multi_cleanup(m), CURLM_OK);
    assert_string_equal(curl_easy_strerror(CURLE_OK), "No error");
    assert_int_equal(curl_getdate("Sun, 06 Nov 1994 08:49:37 GMT", NULL), 784111777);
    curl_easy_cleanup(h);
    curl_slist_free_all(l);
    curl_global_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded_when_needed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
