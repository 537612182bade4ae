/* tests/unit/test_text.c: doc/text.c — folding whitespace (ASCII and Unicode spaces, zero-width characters,
 * kept line breaks) and the text of a subtree, inline and with its block structure. Rows are small strings
 * and pages written for these tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <libxml/xpath.h>

#include "doc/html.h"
#include "doc/text.h"

/* ---- mw_text_fold ---- */

static const struct {
    const char *in;
    int keep_breaks;
    const char *want;
} FOLD[] = {
    {"", 0, ""},
    {"   ", 0, ""},
    {"plain", 0, "plain"},
    {"  two   words  ", 0, "two words"},
    {"tab\tand\r\nnewline\fform\vvertical", 0, "tab and newline form vertical"},
    {"no\nbreaks\n\nkept", 0, "no breaks kept"},
    {"nbsp\xc2\xa0here", 0, "nbsp here"},                       /* U+00A0 */
    {"nel\xc2\x85here", 0, "nel here"},                         /* U+0085 */
    {"en\xe2\x80\x82quad\xe2\x80\x8ahair", 0, "en quad hair"},  /* U+2002, U+200A */
    {"em\xe2\x80\x83space", 0, "em space"},                     /* U+2003 */
    {"narrow\xe2\x80\xafnbsp", 0, "narrow nbsp"},               /* U+202F */
    {"math\xe2\x81\x9fspace", 0, "math space"},                 /* U+205F */
    {"ideographic\xe3\x80\x80space", 0, "ideographic space"},   /* U+3000 */
    {"zero\xe2\x80\x8bwidth", 0, "zerowidth"},                  /* ZWSP is dropped, not a space */
    {"word\xe2\x81\xa0joiner", 0, "wordjoiner"},                /* U+2060 */
    {"\xef\xbb\xbf" "bom first", 0, "bom first"},               /* a BOM is dropped */
    {"line\xe2\x80\xa8sep", 0, "line sep"},                     /* U+2028 is a space without keep_breaks */
    {"line\xe2\x80\xa8sep", 1, "line\nsep"},                    /* ... and a break with it */
    {"para\xe2\x80\xa9sep", 1, "para\nsep"},                    /* U+2029 */
    {"one\ntwo", 1, "one\ntwo"},
    {"one \n two", 1, "one\ntwo"},                              /* spaces around a break go */
    {"one\n\n\n\ntwo", 1, "one\n\ntwo"},                        /* runs of blank lines: one blank line */
    {"one\n \n\t\ntwo", 1, "one\n\ntwo"},
    {"\n\nlead and tail\n\n", 1, "lead and tail"},              /* trimmed at both ends */
    {"  a  \n  b  ", 1, "a\nb"},
    {"\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0  \xd8\xb3\xd9\x88\xd9\x82", 0,
     "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 \xd8\xb3\xd9\x88\xd9\x82"},   /* other scripts untouched */
    {"\xc2\xa9 \xe2\x80\x94 \xe2\x80\x9cquoted\xe2\x80\x9d", 0,
     "\xc2\xa9 \xe2\x80\x94 \xe2\x80\x9cquoted\xe2\x80\x9d"},   /* ©, em dash, quotes are not spaces */
    {"cut\xe2\x80", 0, "cut\xe2\x80"},                          /* a truncated sequence is copied as it is */
    {"\xc2", 0, "\xc2"},
};

static void test_fold(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof FOLD / sizeof FOLD[0]; i++) {
        char *got = mw_text_fold(FOLD[i].in, strlen(FOLD[i].in), FOLD[i].keep_breaks);
        assert_non_null(got);
        if (strcmp(got, FOLD[i].want))
            fail_msg("row %zu: fold(\"%s\", %d) = \"%s\", want \"%s\"", i, FOLD[i].in, FOLD[i].keep_breaks, got,
                     FOLD[i].want);
        free(got);
    }
}

static void test_fold_counts_bytes_not_nul(void **state)
{
    (void)state;
    /* n bounds the input: bytes past it are not read, even without a NUL there */
    char buf[] = {'a', ' ', ' ', 'b', 'X', 'X'};
    char *got = mw_text_fold(buf, 4, 0);
    assert_string_equal(got, "a b");
    free(got);
    /* a multi-byte space cut by n is not a space */
    got = mw_text_fold("x\xc2\xa0", 2, 0);
    assert_string_equal(got, "x\xc2");
    free(got);
}

/* ---- subtree text ---- */

static htmlDocPtr parse(const char *html)
{
    struct mw_err err = {0};
    htmlDocPtr d = mw_html_parse(html, strlen(html), NULL, &err);
    assert_non_null(d);
    return d;
}

static xmlNodePtr first(htmlDocPtr d, const char *xpath)
{
    xmlXPathContextPtr c = xmlXPathNewContext(d);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xpath, c);
    xmlNodePtr n = o && o->nodesetval && o->nodesetval->nodeNr ? o->nodesetval->nodeTab[0] : NULL;
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(c);
    assert_non_null(n);
    return n;
}

static const struct {
    const char *html;
    const char *xpath;       /* the node whose text is read */
    const char *want_inline;
    const char *want_blocks;
} SUBTREE[] = {
    {"<div id=x><p>First paragraph.</p><p>Second one.</p></div>", "//div",
     "First paragraph. Second one.", "First paragraph.\n\nSecond one."},
    {"<div id=x><p>Source\nline breaks\n are spaces.</p></div>", "//div",
     "Source line breaks are spaces.", "Source line breaks are spaces."},
    {"<div>line one<br>line two<br><br>after a blank</div>", "//div",
     "line one line two after a blank", "line one\nline two\n\nafter a blank"},
    {"<div>An <b>inline</b> <i>run</i> <a href='#'>stays</a> one line.</div>", "//div",
     "An inline run stays one line.", "An inline run stays one line."},
    {"<div>inline<span>glued</span>words</div>", "//div", "inlinegluedwords", "inlinegluedwords"},
    {"<div>before<div>inside</div>after</div>", "//div", "before inside after", "before\n\ninside\n\nafter"},
    {"<div><h2>Sub head</h2><ul><li>one</li><li>two</li></ul><blockquote>quoted</blockquote></div>", "//div",
     "Sub head one two quoted", "Sub head\n\none\n\ntwo\n\nquoted"},
    {"<div>kept<script>var x = 1;</script><style>p{}</style><noscript>no js</noscript>"
     "<template><p>later</p></template> too</div>", "//div",
     "kept too", "kept too"},
    {"<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>", "//table",
     "a b c d", "a b\n\nc d"},
    {"<div><p>  spaced \xc2\xa0 out  </p><p></p><p> </p><p>last</p></div>", "//div",
     "spaced out last", "spaced out\n\nlast"},
    {"<div><figure><img src=x.jpg><figcaption>A caption</figcaption></figure><p>Text</p></div>", "//div",
     "A caption Text", "A caption\n\nText"},
    {"<p>just a text node</p>", "//p/text()", "just a text node", "just a text node"},
    {"<p title='  an  attribute '>x</p>", "//p/@title", "an attribute", "an attribute"},
    {"<div><P>Upper-case</P><SCRIPT>hidden()</SCRIPT><P>tags</P></div>", "//div",
     "Upper-case tags", "Upper-case\n\ntags"},
};

static void test_subtree(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof SUBTREE / sizeof SUBTREE[0]; i++) {
        htmlDocPtr d = parse(SUBTREE[i].html);
        xmlNodePtr n = first(d, SUBTREE[i].xpath);
        char *in = mw_text_inline(n), *bl = mw_text_blocks(n);
        assert_non_null(in);
        assert_non_null(bl);
        if (strcmp(in, SUBTREE[i].want_inline))
            fail_msg("row %zu inline: \"%s\", want \"%s\"", i, in, SUBTREE[i].want_inline);
        if (strcmp(bl, SUBTREE[i].want_blocks))
            fail_msg("row %zu blocks: \"%s\", want \"%s\"", i, bl, SUBTREE[i].want_blocks);
        free(in);
        free(bl);
        xmlFreeDoc(d);
    }
}

static void test_is_block(void **state)
{
    (void)state;
    static const char *const yes[] = {"p", "P", "div", "h1", "h6", "li", "blockquote", "tr", "section", "article",
                                      "figcaption", "hr", "caption", NULL};
    static const char *const no[] = {"span", "a", "b", "i", "td", "th", "br", "img", "em", "strong", "", "pp",
                                     "h7", NULL};
    for (int i = 0; yes[i]; i++)
        if (!mw_text_is_block(BAD_CAST yes[i]))
            fail_msg("<%s> should start a block", yes[i]);
    for (int i = 0; no[i]; i++)
        if (mw_text_is_block(BAD_CAST no[i]))
            fail_msg("<%s> should not start a block", no[i]);
}

static void test_empty_and_deep(void **state)
{
    (void)state;
    htmlDocPtr d = parse("<div id=e></div>");
    char *s = mw_text_blocks(first(d, "//div"));
    assert_string_equal(s, "");
    free(s);
    xmlFreeDoc(d);

    /* a deep but sane nesting still reads every word */
    char html[8192] = "";
    for (int i = 0; i < 200; i++)
        strcat(html, "<span>");
    strcat(html, "deep words");
    htmlDocPtr d2 = parse(html);
    s = mw_text_inline(first(d2, "//body"));
    assert_string_equal(s, "deep words");
    free(s);
    xmlFreeDoc(d2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold), cmocka_unit_test(test_fold_counts_bytes_not_nul),
        cmocka_unit_test(test_subtree), cmocka_unit_test(test_is_block), cmocka_unit_test(test_empty_and_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
