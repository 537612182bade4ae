/* tests/unit/test_html.c: doc/html.c — the parse that spends the page's bytes (mw_html_parse_take) makes the
 * same document as the parse that lends them, on pages big enough that their read pages are given back while
 * the parse runs (UTF-8, read in place) and on a page decoded into a copy (windows-1252); the bytes are freed
 * and the caller's pointer cleared. Pages are generated here with a fixed pattern. And which white space makes
 * no node (after a block element's end) and which stays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLtree.h>

#include "common/buf.h"
#include "doc/html.h"

/* A page of n paragraphs, each different (its number, a link every seventh, a non-ASCII word: é as UTF-8, or
 * as one windows-1252 byte when latin is set). */
static char *page(int n, int latin, size_t *len)
{
    struct mw_buf b;
    mw_buf_init(&b, 0);
    mw_buf_appends(&b, latin ? "<html><head><meta charset=\"windows-1252\"><title>T</title></head><body>"
                             : "<html><head><meta charset=\"utf-8\"><title>T</title></head><body>");
    for (int i = 0; i < n; i++) {
        mw_buf_printf(&b, "<p>Paragraph %d of the report: the caf%s on the quay opened %s again, said the "
                          "owner.</p>\n", i, latin ? "\xE9" : "\xC3\xA9",
                      i % 7 ? "early" : "<a href=\"/x\">late</a>");
        if (i % 50 == 0)
            mw_buf_printf(&b, "<h2>Part %d</h2>\n", i / 50);
    }
    mw_buf_appends(&b, "</body></html>");
    *len = b.len;
    return mw_buf_steal(&b, NULL);
}

static char *dump(htmlDocPtr d)
{
    xmlChar *s = NULL;
    int n = 0;
    htmlDocDumpMemory(d, &s, &n);
    char *out = strdup((char *)s);
    xmlFree(s);
    return out;
}

static void same_doc(int n, int latin)
{
    size_t len;
    char *bytes = page(n, latin, &len);
    struct mw_err err = {0};
    char cs1[32] = "", cs2[32] = "";
    htmlDocPtr lent = mw_html_parse_bytes(bytes, len, NULL, "https://news.example/a", cs1, &err);
    assert_non_null(lent);
    htmlDocPtr spent = mw_html_parse_take(&bytes, len, NULL, "https://news.example/a", cs2, &err);
    assert_non_null(spent);
    assert_null(bytes);
    assert_string_equal(cs1, cs2);
    assert_string_equal(cs1, latin ? "windows-1252" : "utf-8");
    char *a = dump(lent), *b = dump(spent);
    if (strcmp(a, b))
        fail_msg("%d paragraphs%s: the spent parse differs from the lent one", n, latin ? " (windows-1252)" : "");
    assert_true(strlen(a) > len / 2);
    free(a);
    free(b);
    xmlFreeDoc(lent);
    xmlFreeDoc(spent);
}

static void test_big_utf8(void **state)
{
    (void)state;
    same_doc(40000, 0);   /* about 4.5 MB: four steps of pages given back */
}

static void test_small_utf8(void **state)
{
    (void)state;
    same_doc(20, 0);      /* under a step: nothing given back */
}

static void test_decoded_copy(void **state)
{
    (void)state;
    same_doc(30000, 1);   /* decoded into a copy: the bytes go before the parse, the copy is spent */
}

static void test_empty_and_null(void **state)
{
    (void)state;
    struct mw_err err = {0};
    char *bytes = NULL;
    htmlDocPtr d = mw_html_parse_take(&bytes, 0, NULL, NULL, NULL, &err);
    assert_non_null(d);
    assert_non_null(xmlDocGetRootElement(d));
    xmlFreeDoc(d);
    bytes = strdup("");
    d = mw_html_parse_take(&bytes, 0, "text/html; charset=utf-8", NULL, NULL, &err);
    assert_non_null(d);
    assert_null(bytes);
    xmlFreeDoc(d);
}

/* The element of the given name first in document order, and the types of its children as a string
 * (e: element, t: text, with the text's bytes in brackets). */
static xmlNodePtr find(xmlNodePtr n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name))
            return n;
        xmlNodePtr in = find(n->children, name);
        if (in)
            return in;
    }
    return NULL;
}

static void kids(htmlDocPtr d, const char *name, char *out, size_t cap)
{
    xmlNodePtr n = find(xmlDocGetRootElement(d), name);
    assert_non_null(n);
    size_t k = 0;
    out[0] = '\0';
    for (xmlNodePtr c = n->children; c && k + 40 < cap; c = c->next)
        k += (size_t)snprintf(out + k, cap - k, c->type == XML_TEXT_NODE ? "t[%s]" : "e", (const char *)c->content);
}

/* White space right after a block element's end makes no text node (a page of paragraphs is a third
 * smaller); white space between inline elements, text after a block, and anything inside <pre> stay. */
static void test_blank_after_blocks(void **state)
{
    (void)state;
    const char *html = "<body><div id=a><p>a</p>\n  <p>b</p>\n<h2>c</h2> \t\n<ul><li>x</li>\n <li>y</li>\n</ul>\n</div>"
                       "<p id=b><b>a</b> <i>b</i>\n<span>c</span></p><div id=c><p>x</p> tail</div>"
                       "<pre><div>a</div>\n<div>b</div>\n</pre><div id=d><img src=x> <br>\n</div></body>";
    struct mw_err err = {0};
    htmlDocPtr d = mw_html_parse(html, strlen(html), NULL, &err);
    char got[512];
    kids(d, "div", got, sizeof got);
    assert_string_equal(got, "eeee");
    kids(d, "ul", got, sizeof got);
    assert_string_equal(got, "ee");
    kids(d, "p", got, sizeof got);   /* the first <p>: "a" */
    assert_string_equal(got, "t[a]");
    xmlNodePtr b = find(xmlDocGetRootElement(d), "b");
    assert_non_null(b->next);
    assert_string_equal((const char *)b->next->content, " ");
    assert_string_equal((const char *)b->parent->last->prev->content, "\n");
    xmlNodePtr pre = find(xmlDocGetRootElement(d), "pre");
    int texts = 0;
    for (xmlNodePtr c = pre->children; c; c = c->next)
        texts += c->type == XML_TEXT_NODE;
    assert_int_equal(texts, 2);
    xmlNodePtr c = find(xmlDocGetRootElement(d), "pre")->prev;   /* div id=c: <p>x</p> tail */
    assert_string_equal((const char *)c->last->content, " tail");
    xmlNodePtr img = find(xmlDocGetRootElement(d), "img");
    assert_string_equal((const char *)img->next->content, " ");   /* after inline elements: kept */
    assert_string_equal((const char *)img->next->next->next->content, "\n");
    xmlFreeDoc(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_big_utf8),
        cmocka_unit_test(test_small_utf8),
        cmocka_unit_test(test_decoded_copy),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_blank_after_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
