/* tests/unit/test_css.c: doc/css.c and doc/css_match.c against a real parsed page: selectors -> matched ids
 * in document order on both the native matcher and the XPath translation, malformed selectors -> column,
 * element context, the compile cache, and a differential test of the two paths on generated documents
 * and selectors (fixed seed). css.c is included rather than linked so tests can look at the cache. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/HTMLparser.h>

#include "doc/css.c"

static const char PAGE[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en-US\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<title>Harbour council approves flood wall - The Coastal Ledger</title>\n"
    "<meta property=\"og:title\" content=\"Harbour council approves flood wall\">\n"
    "<link rel=\"canonical\" href=\"https://ledger.example/news/2024/flood-wall\">\n"
    "</head>\n"
    "<BODY id=\"body\" class=\"page article-page\">\n"
    "<header id=\"masthead\" class=\"site-header  sticky\">\n"
    "  <a id=\"logo\" class=\"brand\" href=\"/\">The Coastal Ledger</a>\n"
    "  <nav id=\"mainnav\" aria-label=\"Sections\">\n"
    "    <ul id=\"sections\" class=\"menu menu--main\">\n"
    "      <li id=\"s-news\" class=\"menu-item active\"><a id=\"l-news\" href=\"/news\">News</a></li>\n"
    "      <li id=\"s-sport\" class=\"menu-item\"><a id=\"l-sport\" href=\"/sport\">Sport</a></li>\n"
    "      <li id=\"s-opinion\" class=\"menu-item\"><a id=\"l-opinion\" href=\"/opinion\" rel=\"section\">"
    "Opinion</a></li>\n"
    "      <li id=\"s-weather\" class=\"\tmenu-item external \"><a id=\"l-weather\" "
    "href=\"https://weather.example/coast\" rel=\"noopener external\">Weather</a></li>\n"
    "    </ul>\n"
    "  </nav>\n"
    "</header>\n"
    "<main id=\"content\">\n"
    "  <article id=\"story\" class=\"story story--lead\" data-article-id=\"88412\" data-section=\"news\" "
    "lang=\"en-GB\">\n"
    "    <h1 id=\"headline\" class=\"story__title\">Harbour council approves \xc2\xa3" "40m flood wall</h1>\n"
    "    <p id=\"byline\" class=\"byline\"><span id=\"author\" class=\"author\">Mara O'Neill</span>\n"
    "      <time id=\"pubdate\" datetime=\"2024-03-05T09:30:00Z\">5 March 2024</time></p>\n"
    "    <figure id=\"fig1\" class=\"media media--wide\">\n"
    "      <IMG id=\"img1\" SRC=\"/img/wall.jpg\" alt=\"Construction site at the harbour\" width=\"1200\">\n"
    "      <figcaption id=\"cap1\">Work on the wall begins in <em id=\"em-cap\">May</em>.</figcaption>\n"
    "    </figure>\n"
    "    <div id=\"body-text\" class=\"story__body\">\n"
    "      <p id=\"p1\" class=\"lead\">Councillors voted 9-2 on Tuesday to fund the wall.</p>\n"
    "      <p id=\"p2\" data-quote='can&apos;t \"wait\"'>The plan, first proposed in 2019, says the harbour "
    "can't wait.</p>\n"
    "      <h2 id=\"h2-cost\">What it costs</h2>\n"
    "      <p id=\"p3\">Costs are split between the council and the <a id=\"a-agency\" "
    "href=\"https://agency.example/grants\" data-track=\"OutBound\">coastal agency</a>.</p>\n"
    "      <ul id=\"facts\" class=\"facts list\">\n"
    "        <li id=\"f1\">Length: 1.2 km</li>\n"
    "        <li id=\"f2\" class=\"highlight\">Height: 3 m</li>\n"
    "        <li id=\"f3\">Cost: \xc2\xa3" "40m</li>\n"
    "        <li id=\"f4\" class=\"highlight last\">Completion: 2027</li>\n"
    "        <li id=\"f5\"></li>\n"
    "      </ul>\n"
    "      <blockquote id=\"quote\" lang=\"fr\"><p id=\"q1\">Un mur, enfin.</p></blockquote>\n"
    "      <p id=\"p4\">Residents can comment until <strong id=\"deadline\">12 April</strong>.</p>\n"
    "      <div id=\"ad1\" class=\"ad ad-slot\" data-ad-unit=\"mid-article\"> </div>\n"
    "      <p id=\"p5\" class=\"note\">Correction: an earlier version misstated the vote.</p>\n"
    "    </div>\n"
    "    <aside id=\"related\" class=\"related\" data-widget=\"related\">\n"
    "      <h3 id=\"rel-title\">Related</h3>\n"
    "      <ol id=\"rel-list\">\n"
    "        <li id=\"r1\"><a id=\"ra1\" href=\"/news/2023/storm-damage\" class=\"teaser\">Storm damage "
    "tallied</a></li>\n"
    "        <li id=\"r2\"><a id=\"ra2\" href=\"/news/2022/harbour-plan\" class=\"teaser teaser--old\">"
    "Harbour plan unveiled</a></li>\n"
    "        <li id=\"r3\"><a id=\"ra3\" href=\"/docs/walls.PDF\" class=\"teaser\">Why walls are not "
    "enough</a></li>\n"
    "      </ol>\n"
    "    </aside>\n"
    "  </article>\n"
    "</main>\n"
    "<footer id=\"footer\" class=\"site-footer\">\n"
    "  <p id=\"copy\">&copy; 2024 The Coastal Ledger</p>\n"
    "  <a id=\"f-privacy\" href=\"/privacy\" lang=\"en\">Privacy</a>\n"
    "  <a id=\"f-terms\" href=\"/terms\" lang=\"EN-us\">Terms</a>\n"
    "</footer>\n"
    "</BODY>\n"
    "</html>\n";

static htmlDocPtr parse_page(void)
{
    htmlDocPtr doc = htmlReadMemory(PAGE, (int)sizeof PAGE - 1, "https://ledger.example/news/2024/flood-wall",
                                    "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING);
    assert_non_null(doc);
    return doc;
}

/* The matched nodes as "id,id,...": an element without an id shows as <name>. */
static void ids(const xmlXPathObject *o, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    for (int i = 0; i < n; i++) {
        xmlNodePtr node = o->nodesetval->nodeTab[i];
        xmlChar *id = xmlGetProp(node, (const xmlChar *)"id");
        int w = snprintf(out + len, cap - len, id ? "%s%s" : "%s<%s>", i ? "," : "",
                         id ? (const char *)id : (const char *)node->name);
        xmlFree(id);
        assert_true(w > 0 && (size_t)w < cap - len);
        len += (size_t)w;
    }
}

static const struct {
    const char *sel;
    const char *want;   /* ids in document order */
} select_cases[] = {
    /* type, universal, id, class */
    {"article", "story"},
    {"ARTICLE", "story"},
    {"html", "<html>"},
    {"body", "body"},
    {"#headline", "headline"},
    {"h1#headline.story__title", "headline"},
    {"  #copy  ", "copy"},
    {"#body\\-text", "body-text"},
    {"[id=\"p\\31\"]", "p1"},
    {".teaser", "ra1,ra2,ra3"},
    {".teaser--old", "ra2"},
    {".story", "story"},
    {".menu-item.external", "s-weather"},
    {".sticky", "masthead"},
    {".highlight.last", "f4"},
    {"figure > *", "img1,cap1"},
    {"body > *", "masthead,content,footer"},
    /* combinators */
    {"nav ul", "sections"},
    {"#sections > li", "s-news,s-sport,s-opinion,s-weather"},
    {"header a", "logo,l-news,l-sport,l-opinion,l-weather"},
    {"header > a", "logo"},
    {".menu--main>li.active>a", "l-news"},
    {"main article > figure img", "img1"},
    {"h2 + p", "p3"},
    {"h1 + p", "byline"},
    {"h1 + figure", ""},
    {"h2 ~ p", "p3,p4,p5"},
    {"ul#facts>li+li+li", "f3,f4,f5"},
    {"h1 ~ * img", "img1"},
    /* attributes */
    {"[data-article-id]", "story"},
    {"[data-section=news]", "story"},
    {"[data-section='news']", "story"},
    {"[ data-section = \"news\" ]", "story"},
    {"[rel~=external]", "l-weather"},
    {"[rel~=\"noopener\"]", "l-weather"},
    {"[rel~=noop]", ""},
    {"[lang|=en]", "<html>,story,f-privacy"},
    {"[lang|=en i]", "<html>,story,f-privacy,f-terms"},
    {"[lang=\"en-us\" i]", "<html>,f-terms"},
    {"[LANG=\"EN-us\"]", "f-terms"},
    {"[href^=\"https://\"]", "<link>,l-weather,a-agency"},
    {"[href$=\".PDF\"]", "ra3"},
    {"[href$=\".pdf\"]", ""},
    {"[href$=\".pdf\" i]", "ra3"},
    {"[href*=harbour]", "ra2"},
    {"[href*=\"\"]", ""},
    {"[data-track=outbound i]", "a-agency"},
    {"[data-track=outbound]", ""},
    {"[data-quote=\"can't \\\"wait\\\"\"]", "p2"},
    {"[data-quote='can\\'t \"wait\"']", "p2"},
    {"[alt=\"Construction site at the harbour\"]", "img1"},
    {"img[src='/img/wall.jpg'][width=\"1200\"]", "img1"},
    {"time[datetime^=\"2024-03\"]", "pubdate"},
    {"div.ad[data-ad-unit]", "ad1"},
    {"[data-ad-unit=\"\\1 \"]", ""},   /* an escape XML cannot hold matches nothing, and is no error */
    /* structural pseudo-classes */
    {"li:first-child", "s-news,f1,r1"},
    {"li:last-child", "s-weather,f5,r3"},
    {":only-child",   /* the root too: Selectors 4 dropped the need for a parent, as browsers did */
     "<html>,sections,l-news,l-sport,l-opinion,l-weather,story,em-cap,a-agency,q1,deadline,ra1,ra2,ra3"},
    {"#facts li:nth-child(odd)", "f1,f3,f5"},
    {"#facts li:nth-child(even)", "f2,f4"},
    {"#facts li:nth-child(-n+3)", "f1,f2,f3"},
    {"#facts li:nth-child(2n+1)", "f1,f3,f5"},
    {"#facts li:nth-child(3)", "f3"},
    {"#facts li:nth-child(+3n - 1)", "f2,f5"},
    {"#facts li:nth-child(-2n+5)", "f1,f3,f5"},
    {"#facts li:nth-child(0n+0)", ""},
    {"li:nth-child(n+3)", "s-opinion,s-weather,f3,f4,f5,r3"},
    {"#facts > :nth-last-child(2)", "f4"},
    {"li:nth-last-of-type(1)", "s-weather,f5,r3"},
    {"#body-text > p:nth-of-type(3)", "p3"},
    {"#body-text > p:nth-child(3)", ""},
    {"#body-text > p:first-of-type", "p1"},
    {"#body-text > p:last-of-type", "p5"},
    {"footer > p:only-of-type", "copy"},
    {"#story :empty", "img1,f5,ad1"},
    {":root", "<html>"},
    {"#story :root", ""},
    {"footer :link", "f-privacy,f-terms"},
    /* :not, :is, :has */
    {"#body-text > p:not(.lead):not(.note)", "p2,p3,p4"},
    {"p:not(.lead, .note, #byline)", "p2,p3,q1,p4,copy"},
    {"p:not(div > p)", "byline,q1,copy"},
    {"a:not([href^=\"/\"])", "l-weather,a-agency"},
    {"a[href]:not([href^=\"http\"])", "logo,l-news,l-sport,l-opinion,ra1,ra2,ra3,f-privacy,f-terms"},
    {"#sections li:not(:first-child):not(:last-child)", "s-sport,s-opinion"},
    {"#body-text > p:not(:first-of-type)", "p2,p3,p4,p5"},
    {":is(h1, h2) + p", "byline,p3"},
    {"p:where(.lead, .note)", "p1,p5"},
    {"div:has(> ul)", "body-text"},
    {"li:has(a.teaser--old)", "r2"},
    {"article :has(> em)", "cap1"},
    {"h2:has(+ p)", "h2-cost"},
    {"h3:has(~ ol li)", "rel-title"},
    {":has(> #deadline)", "p4"},
    {"div:not(:has(p))", "ad1"},
    /* text and language */
    {"p:contains(\"can't\")", "p2"},
    {"li:-soup-contains(\"2027\")", "f4"},
    {"p:contains('Tuesday', \"April\")", "p1,p4"},
    {"p:lang(fr)", "q1"},
    {"blockquote:lang(en)", ""},
    {"footer a:lang(en-us)", "f-terms"},
    /* groups: a union, in document order whatever the order written */
    {"h1, h2, h3", "headline,h2-cost,rel-title"},
    {"h3, h1", "headline,rel-title"},
    {"#rel-list a, #sections a", "l-news,l-sport,l-opinion,l-weather,ra1,ra2,ra3"},
    {"[href*=harbour], [href^='/opinion']", "l-opinion,ra2"},
    {"#f4, li.highlight, .last", "f2,f4"},
    /* class tokens: substrings, case, odd whitespace ("\tmenu-item external ") */
    {".menu", "sections"},
    {".Teaser", ""},
    {".external", "s-weather"},
    {".menu-item.external.menu-item", "s-weather"},
    {"[class~=menu-item]", "s-news,s-sport,s-opinion,s-weather"},
    {"[class=\"menu-item\"]", "s-sport,s-opinion"},
    {"[class^=menu]", "sections,s-news,s-sport,s-opinion"},
    {"[class*=\"item ext\"]", "s-weather"},
    {"[class$=\"external \"]", "s-weather"},
    {"[CLASS~=ACTIVE i]", "s-news"},
    {"[class~=ACTIVE]", ""},
    {"[data-section!=news][data-section]", ""},
    {"#footer > [lang!=en]", "copy,f-terms"},
    {"#footer > [lang!=EN-US i]", "copy,f-privacy"},
    /* :not with a compound, siblings at the edges */
    {"#sections > li:not(.menu-item.active)", "s-sport,s-opinion,s-weather"},
    {"#sections > li:last-child + li", ""},
    {"#sections > li:first-child ~ li", "s-sport,s-opinion,s-weather"},
    {"#sections > :first-child + *", "s-sport"},
    {"#facts > li + li:last-child", "f5"},
    {"#story > h1 ~ *", "byline,fig1,body-text,related"},
    {"#story > :last-child ~ *", ""},
    {"html + *, html ~ *", ""},
    /* more an+b */
    {"#facts li:nth-child(2n+0)", "f2,f4"},
    {"#facts li:nth-last-child(odd)", "f1,f3,f5"},
    {"#facts li:nth-last-child(-n+2)", "f4,f5"},
    {"#facts > li:nth-child(n+6)", ""},
    {"#facts > li:nth-child(-n+0)", ""},
    {"#facts > li:nth-child(5n+5)", "f5"},
    {"#facts li:nth-child(-3n+4)", "f1,f4"},
    {"#body-text > p:nth-of-type(2n)", "p2,p4"},
    {"#body-text > p:nth-last-of-type(2)", "p4"},
    {"#body-text > p:only-of-type", ""},
    {"#body-text > :not(p)", "h2-cost,facts,quote,ad1"},
    /* :has with siblings, and :has inside :not */
    {"li:has(+ li.highlight)", "f1,f3"},
    {"li:has(~ .last)", "f1,f2,f3"},
    {"li:has(+ li + li:last-child)", "s-sport,f3,r1"},
    {"p:not(:has(*))", "p1,p2,q1,p5,copy"},
    {"ol:has(> li > a.teaser--old)", "rel-list"},
    {"ul:not(:has(li:not(:has(> a:only-child))))", "sections"},
};

typedef xmlXPathObjectPtr (*select_fn)(struct mw_css_cache *, xmlNodePtr, const char *, struct mw_err *);

static const struct {
    const char *name;
    select_fn fn;
} paths[] = {{"native", mw_css_select}, {"xpath", mw_css_select_xpath}};

/* Every row, on both paths: the native matcher and the XPath translation each give the ids written. */
static void test_select_table(void **state)
{
    htmlDocPtr doc = parse_page();
    struct mw_css_cache *c = mw_css_cache_new(16);
    assert_non_null(c);
    char got[1024];
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        for (size_t i = 0; i < sizeof select_cases / sizeof select_cases[0]; i++) {
            struct mw_err err = {0};
            xmlXPathObjectPtr o = paths[p].fn(c, (xmlNodePtr)doc, select_cases[i].sel, &err);
            if (!o)
                print_error("%s: selector %s: %s\n", paths[p].name, select_cases[i].sel, err.msg);
            assert_non_null(o);
            ids(o, got, sizeof got);
            xmlXPathFreeObject(o);
            if (strcmp(got, select_cases[i].want) != 0)
                print_error("%s: selector %s: got \"%s\", want \"%s\"\n", paths[p].name, select_cases[i].sel, got,
                            select_cases[i].want);
            assert_string_equal(got, select_cases[i].want);
            /* nothing the conformance table holds falls back to XPath */
            assert_non_null(cache_find(c, select_cases[i].sel, hash_str(select_cases[i].sel))->prog);
        }
    }
    mw_css_cache_free(c);
    xmlFreeDoc(doc);
}

static const struct {
    const char *sel;
    int column;
} bad_cases[] = {
    {"div >", 6},
    {"a[href", 7},
    {"p:nth-child(x)", 13},
    {":unknown-pseudo", 1},
    {"..a", 2},
    {"", 1},
    {"   ", 4},
    {"div p)", 6},
    {"a,,b", 3},
    {"a,", 3},
    {">p", 1},
    {"p >> a", 4},
    {":not(", 6},
    {":not(p", 7},
    {":not()", 6},
    {"p:first-child(2)", 14},
    {":nth-child", 11},
    {"a[x='abc", 9},
    {"a[x=]", 5},
    {"a[=x]", 3},
    {"a[x~]", 4},
    {"a[x=y z]", 7},
    {"div#", 5},
    {"div.", 5},
    {"p::before", 2},
    {"*:first-of-type", 2},
    {"li:nth-child(2 of .x)", 16},
    {"a:nth-child(n+)", 15},
    {"a:nth-child(1234567890)", 13},
    {"a:nth-child(2n", 15},
    {"\xc3\xa9t\xc3\xa9[x", 6},   /* columns count characters, not bytes */
    {"a:has()", 7},
    {"p:contains(3)", 12},
    {"*div", 2},
    {"a $b", 3},
    {"a\x01", 2},
    {"p[x=\"\xff\"]", 6},
};

static void test_bad_selectors(void **state)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        struct mw_err err = {0};
        char *xp = (char *)"untouched";
        int rc = mw_css_to_xpath(bad_cases[i].sel, &xp, &err);
        if (rc != MW_EPARSE)
            print_error("selector \"%s\" gave %d (%s)\n", bad_cases[i].sel, rc, xp ? xp : "");
        assert_int_equal(rc, MW_EPARSE);
        assert_null(xp);
        assert_int_equal(err.code, MW_EPARSE);
        char want[64];
        snprintf(want, sizeof want, " at column %d", bad_cases[i].column);
        size_t n = strlen(err.msg), w = strlen(want);
        if (n < w || strcmp(err.msg + n - w, want) != 0)
            print_error("selector \"%s\": %s (want column %d)\n", bad_cases[i].sel, err.msg, bad_cases[i].column);
        assert_true(n >= w && strcmp(err.msg + n - w, want) == 0);
        char head[128];
        snprintf(head, sizeof head, "bad selector \"%s\": ", bad_cases[i].sel);
        assert_memory_equal(err.msg, head, strlen(head));
    }
}

static void test_error_messages(void **state)
{
    static const struct {
        const char *sel, *msg;
    } rows[] = {
        {"a[href", "bad selector \"a[href\": expected ']' at column 7"},
        {"div >", "bad selector \"div >\": expected selector after '>', found end of selector at column 6"},
        {":unknown-pseudo", "bad selector \":unknown-pseudo\": unknown pseudo-class ':unknown-pseudo' at column 1"},
        {"", "bad selector \"\": empty selector at column 1"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct mw_err err = {0};
        char *xp = NULL;
        assert_int_equal(mw_css_to_xpath(rows[i].sel, &xp, &err), MW_EPARSE);
        assert_string_equal(err.msg, rows[i].msg);
        assert_string_equal(err.stage, "css");
    }
    /* select reports the same way and returns NULL */
    htmlDocPtr doc = parse_page();
    struct mw_err err = {0};
    assert_null(mw_css_select(NULL, (xmlNodePtr)doc, "p:nth-child(x)", &err));
    assert_string_equal(err.msg, "bad selector \"p:nth-child(x)\": expected an+b, odd or even at column 13");
    xmlFreeDoc(doc);

    char *long_sel = malloc(SEL_MAX + 2);
    assert_non_null(long_sel);
    memset(long_sel, 'a', SEL_MAX + 1);
    long_sel[SEL_MAX + 1] = '\0';
    char *xp = NULL;
    mw_err_clear(&err);
    assert_int_equal(mw_css_to_xpath(long_sel, &xp, &err), MW_ELIMIT);
    free(long_sel);

    char deep[256] = "p";
    for (int i = 0; i < DEPTH_MAX + 1; i++)
        strcat(deep, ":not(");
    strcat(deep, "a");
    for (int i = 0; i < DEPTH_MAX + 1; i++)
        strcat(deep, ")");
    mw_err_clear(&err);
    assert_int_equal(mw_css_to_xpath(deep, &xp, &err), MW_EPARSE);
    assert_non_null(strstr(err.msg, "nested too deeply"));

    /* COMPOUND_MAX compounds pass, one more (nested ones count) does not */
    struct mw_buf many;
    mw_buf_init(&many, 0);
    for (int i = 0; i < COMPOUND_MAX; i++)
        assert_int_equal(mw_buf_appends(&many, i ? " > a" : "a"), 0);
    assert_int_equal(mw_css_to_xpath(many.data, &xp, &err), 0);
    free(xp);
    assert_int_equal(mw_buf_appends(&many, ":not(b)"), 0);
    mw_err_clear(&err);
    assert_int_equal(mw_css_to_xpath(many.data, &xp, &err), MW_EPARSE);
    assert_non_null(strstr(err.msg, "more than 64 compound selectors"));
    mw_buf_free(&many);
}

/* The XPath text itself, where its shape matters: descendants of the context, XPath quoting. */
static void test_xpath_text(void **state)
{
    static const struct {
        const char *sel, *xpath;
    } rows[] = {
        {"div > p", "descendant::div/p"},
        {"DIV P", "descendant::div/descendant::p"},
        {"h1 + p", "descendant::h1/following-sibling::*[1][self::p]"},
        {"h1 ~ p, a", "descendant::h1/following-sibling::p | descendant::a"},
        {"#x", "descendant::*[@id = 'x']"},
        {".a", "descendant::*[contains(concat(' ', normalize-space(@class), ' '), ' a ')]"},
        {"[a=\"it's\"]", "descendant::*[@a = \"it's\"]"},
        {"[a=\"x'y\\\"z\"]", "descendant::*[@a = concat('x', \"'\", 'y\"z')]"},
        {"[Data-X$=ab]", "descendant::*[substring(@data-x, string-length(@data-x) - 1) = 'ab']"},
        {"li:nth-child(odd)", "descendant::li[count(preceding-sibling::*) mod 2 = 0]"},
        {"li:nth-child(even)", "descendant::li[(count(preceding-sibling::*) + 1) mod 2 = 0]"},
        {"li:nth-child(-n+3)", "descendant::li[count(preceding-sibling::*) <= 2]"},
        {"p:not(div > p)", "descendant::p[not(self::p[parent::div])]"},
        {"div:has(> p)", "descendant::div[p]"},
        {"fb\\:like", "descendant::*[name()='fb:like']"},
        {"[a~=\"b c\"]", "descendant::*[false()]"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct mw_err err = {0};
        char *xp = NULL;
        assert_int_equal(mw_css_to_xpath(rows[i].sel, &xp, &err), 0);
        assert_string_equal(xp, rows[i].xpath);
        free(xp);
    }
}

static xmlNodePtr by_id(htmlDocPtr doc, const char *id)
{
    char sel[64];
    snprintf(sel, sizeof sel, "#%s", id);
    struct mw_err err = {0};
    xmlXPathObjectPtr o = mw_css_select(NULL, (xmlNodePtr)doc, sel, &err);
    assert_non_null(o);
    assert_int_equal(o->nodesetval->nodeNr, 1);
    xmlNodePtr n = o->nodesetval->nodeTab[0];
    xmlXPathFreeObject(o);
    return n;
}

/* An element as context: only its descendants match, and every compound of the selector must lie
 * inside it ("main p" from the article finds nothing: main is outside). */
static void test_element_context(void **state)
{
    static const struct {
        const char *ctx, *sel, *want;
    } rows[] = {
        {"story", "p", "byline,p1,p2,p3,q1,p4,p5"},
        {"story", "div > p", "p1,p2,p3,p4,p5"},
        {"story", "main p", ""},
        {"story", "article", ""},
        {"story", ":scope", NULL},   /* unsupported: an error, not a match */
        {"facts", "li:first-child", "f1"},
        {"facts", "li + li", "f2,f3,f4,f5"},
        {"facts", "*", "f1,f2,f3,f4,f5"},
        {"sections", "a, li", "s-news,l-news,s-sport,l-sport,s-opinion,l-opinion,s-weather,l-weather"},
        {"f5", "*", ""},
        {"body-text", "p:not(div > p)", "q1"},
    };
    htmlDocPtr doc = parse_page();
    struct mw_css_cache *c = mw_css_cache_new(4);
    char got[512];
    for (size_t r = 0; r < 2 * (sizeof rows / sizeof rows[0]); r++) {
        size_t i = r % (sizeof rows / sizeof rows[0]);
        select_fn fn = paths[r / (sizeof rows / sizeof rows[0])].fn;
        xmlNodePtr ctx = by_id(doc, rows[i].ctx);
        struct mw_err err = {0};
        xmlXPathObjectPtr o = fn(c, ctx, rows[i].sel, &err);
        if (!rows[i].want) {
            assert_null(o);
            assert_int_equal(err.code, MW_EPARSE);
            continue;
        }
        assert_non_null(o);
        assert_non_null(o->nodesetval);
        ids(o, got, sizeof got);
        xmlXPathFreeObject(o);
        if (strcmp(got, rows[i].want) != 0)
            print_error("%s: from #%s, %s: got \"%s\"\n", paths[r / (sizeof rows / sizeof rows[0])].name, rows[i].ctx,
                        rows[i].sel, got);
        assert_string_equal(got, rows[i].want);
    }
    /* the document as context sees the footer's paragraph too */
    struct mw_err err = {0};
    xmlXPathObjectPtr o = mw_css_select(c, (xmlNodePtr)doc, "p", &err);
    ids(o, got, sizeof got);
    assert_string_equal(got, "byline,p1,p2,p3,q1,p4,p5,copy");
    xmlXPathFreeObject(o);
    mw_css_cache_free(c);
    xmlFreeDoc(doc);
}

/* A subtree taken out of the document (node:remove()) and a text node as contexts: both paths agree. */
static void test_detached_context(void **state)
{
    static const char *const sels[] = {"*", "li:first-child", ":root", "li + li", "ul > li:last-child",
                                       ":only-child", "p:not(div > p)", "li:nth-last-child(2)"};
    htmlDocPtr doc = parse_page();
    xmlNodePtr facts = by_id(doc, "facts"), ctxs[3];
    xmlUnlinkNode(facts);
    ctxs[0] = facts;
    ctxs[1] = facts->children ? facts->children : facts;   /* the text before the first li */
    ctxs[2] = by_id(doc, "story");
    char a[512], b[512];
    for (size_t x = 0; x < 3; x++) {
        for (size_t i = 0; i < sizeof sels / sizeof sels[0]; i++) {
            struct mw_err err = {0};
            xmlXPathObjectPtr n = mw_css_select(NULL, ctxs[x], sels[i], &err);
            xmlXPathObjectPtr p = mw_css_select_xpath(NULL, ctxs[x], sels[i], &err);
            assert_non_null(n);
            assert_non_null(p);
            ids(n, a, sizeof a);
            ids(p, b, sizeof b);
            if (strcmp(a, b) != 0)
                print_error("context %zu, %s: native \"%s\", xpath \"%s\"\n", x, sels[i], a, b);
            assert_string_equal(a, b);
            xmlXPathFreeObject(n);
            xmlXPathFreeObject(p);
        }
    }
    struct mw_err err = {0};
    xmlXPathObjectPtr o = mw_css_select(NULL, facts, "li:first-child, li:only-child", &err);
    ids(o, a, sizeof a);
    assert_string_equal(a, "f1");   /* the removed list's items are still siblings of each other */
    xmlXPathFreeObject(o);
    xmlFreeNode(facts);
    xmlFreeDoc(doc);
}

static int cached(struct mw_css_cache *c, const char *sel) { return cache_find(c, sel, hash_str(sel)) != NULL; }

static void test_cache(void **state)
{
    struct mw_css_cache *c = mw_css_cache_new(3);
    assert_non_null(c);
    struct mw_err err = {0};
    int owned;
    struct entry *p1 = cache_get(c, "p", &owned, &err);
    assert_non_null(p1);
    assert_false(owned);
    assert_ptr_equal(cache_get(c, "p", &owned, &err), p1);   /* same selector, same expression */
    struct entry *d1 = cache_get(c, "div", &owned, &err);
    assert_ptr_not_equal(d1, p1);
    assert_non_null(cache_get(c, "a", &owned, &err));
    assert_int_equal(c->n, 3);

    assert_ptr_equal(cache_get(c, "p", &owned, &err), p1);   /* p is now the most recent: div is oldest */
    assert_non_null(cache_get(c, "span", &owned, &err));
    assert_int_equal(c->n, 3);
    assert_false(cached(c, "div"));
    assert_true(cached(c, "p") && cached(c, "a") && cached(c, "span"));

    assert_non_null(cache_get(c, "em", &owned, &err));   /* then a goes */
    assert_false(cached(c, "a"));
    assert_true(cached(c, "p") && cached(c, "span") && cached(c, "em"));
    assert_ptr_equal(cache_get(c, "p", &owned, &err), p1);

    /* a bad selector is reported and not cached */
    assert_null(cache_get(c, "a[", &owned, &err));
    assert_int_equal(err.code, MW_EPARSE);
    assert_int_equal(c->n, 3);
    assert_true(cached(c, "p") && cached(c, "span") && cached(c, "em"));
    mw_css_cache_free(c);

    /* max 0 keeps nothing: each call compiles and hands the entry back to be freed */
    c = mw_css_cache_new(0);
    mw_err_clear(&err);
    struct entry *e = cache_get(c, "p", &owned, &err);
    assert_non_null(e);
    assert_true(owned);
    assert_int_equal(c->n, 0);
    entry_free(e);

    /* selecting through a full cache, many distinct selectors, still gives right answers */
    htmlDocPtr doc = parse_page();
    char got[512];
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < 10; i++) {
            xmlXPathObjectPtr o = mw_css_select(c, (xmlNodePtr)doc, select_cases[i].sel, &err);
            assert_non_null(o);
            ids(o, got, sizeof got);
            assert_string_equal(got, select_cases[i].want);
            xmlXPathFreeObject(o);
        }
    }
    mw_css_cache_free(c);
    c = mw_css_cache_new(2);
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < 10; i++) {
            xmlXPathObjectPtr o = mw_css_select(c, (xmlNodePtr)doc, select_cases[i].sel, &err);
            assert_non_null(o);
            ids(o, got, sizeof got);
            assert_string_equal(got, select_cases[i].want);
            xmlXPathFreeObject(o);
            assert_true(c->n <= 2);
        }
    }
    mw_css_cache_free(c);
    mw_css_cache_free(NULL);
    xmlFreeDoc(doc);
}

/* ---- differential: native matcher vs XPath translation on generated documents and selectors ---- */

#define DIFF_SEED 0x5eed15c55ULL
#define DIFF_DOCS 60
#define DIFF_SELS 120

struct rng {
    uint64_t s;
};

static uint32_t rnd(struct rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 32);
}

static int pick(struct rng *r, int n) { return (int)(rnd(r) % (uint32_t)n); }
#define ONE_OF(r, a) ((a)[pick((r), (int)(sizeof(a) / sizeof(a)[0]))])

static void bput(struct mw_buf *b, const char *s) { assert_int_equal(mw_buf_appends(b, s), 0); }

/* Class tokens that are substrings, case variants and hyphen variants of each other. */
static const char *const TOKENS[] = {"a", "ab", "A", "a-b", "b", "lead", "lead-in", "Lead", "c"};
static const char *const SPACES[] = {" ", "  ", "\t", "\n", " \r\n ", "\f"};
static const char *const VALUES[] = {"", "v", "V", "v-w", "w v", "val", "x-v", "v w"};
static const char *const LANGS[] = {"en", "EN-us", "en-GB", "fr", "", "english"};
static const char *const WORDS[] = {"alpha", "Beta", "gamma", " ", "\n  ", "al", "pha"};
static const char *const TAGS[] = {"div", "p", "span", "a", "ul", "li", "section", "em", "input", "option",
                                   "h2", "fb:like", "area"};

static void gen_attrs(struct rng *r, struct mw_buf *b)
{
    char tmp[32];
    if (!pick(r, 3)) {
        snprintf(tmp, sizeof tmp, " id=\"x%d\"", pick(r, 6));
        bput(b, tmp);
    }
    if (pick(r, 3)) {
        bput(b, " class=\"");
        int n = pick(r, 4);
        if (!pick(r, 4))
            bput(b, ONE_OF(r, SPACES));
        for (int i = 0; i < n; i++) {
            if (i)
                bput(b, ONE_OF(r, SPACES));
            bput(b, ONE_OF(r, TOKENS));
        }
        if (!pick(r, 4))
            bput(b, ONE_OF(r, SPACES));
        bput(b, "\"");
    }
    if (!pick(r, 3)) {
        bput(b, " data-k=\"");
        bput(b, ONE_OF(r, VALUES));
        bput(b, "\"");
    }
    if (!pick(r, 5)) {
        bput(b, " lang=\"");
        bput(b, ONE_OF(r, LANGS));
        bput(b, "\"");
    }
    if (!pick(r, 4))
        bput(b, " href=\"/x\"");
    if (!pick(r, 6))
        bput(b, pick(r, 2) ? " type=\"checkbox\"" : " type=\"Radio\"");
    if (!pick(r, 6))
        bput(b, " checked");
    if (!pick(r, 8))
        bput(b, " selected");
}

static void gen_element(struct rng *r, struct mw_buf *b, int depth)
{
    const char *tag = ONE_OF(r, TAGS);
    bput(b, "<");
    bput(b, tag);
    gen_attrs(r, b);
    bput(b, ">");
    int kids = depth < 6 ? pick(r, 5) : 0;
    for (int i = 0; i < kids; i++) {
        int what = pick(r, 8);
        if (what < 5)
            gen_element(r, b, depth + 1);
        else if (what < 7)
            bput(b, ONE_OF(r, WORDS));
        else
            bput(b, "<!-- c -->");
    }
    bput(b, "</");
    bput(b, tag);
    bput(b, ">");
}

static htmlDocPtr gen_doc(struct rng *r)
{
    struct mw_buf b;
    mw_buf_init(&b, 0);
    bput(&b, "<!DOCTYPE html><html");
    gen_attrs(r, &b);
    bput(&b, "><body>");
    int n = 1 + pick(r, 6);
    for (int i = 0; i < n; i++)
        gen_element(r, &b, 0);
    bput(&b, "</body></html>");
    htmlDocPtr doc = htmlReadMemory(b.data, (int)b.len, "https://gen.example/", "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_COMPACT);
    mw_buf_free(&b);
    assert_non_null(doc);
    return doc;
}

static void gen_list(struct rng *r, struct mw_buf *b, int depth, int relative);

static void gen_compound(struct rng *r, struct mw_buf *b, int depth)
{
    static const char *const NTH[] = {"odd", "even", "3", "-n+2", "2n+1", "3n-1", "n+2", "0n+0", "-2n+3", "n",
                                      "-n+0", "+5", "2n", "-3n+7", "1"};
    static const char *const SIMPLE[] = {":first-child", ":last-child", ":only-child", ":empty", ":root", ":link",
                                         ":checked"};
    static const char *const TYPED[] = {":first-of-type", ":last-of-type", ":only-of-type"};
    static const char *const AOPS[] = {"=", "~=", "|=", "^=", "$=", "*=", "!="};
    static const char *const ANAMES[] = {"class", "data-k", "lang", "id", "href", "type"};
    char tmp[64];
    static const int NTESTS[] = {0, 0, 1, 1, 1, 2};
    int typed = 0, n = ONE_OF(r, NTESTS);
    int t = pick(r, 4);
    if (t == 0) {
        bput(b, "*");
    } else if (t < 3) {
        const char *tag = ONE_OF(r, TAGS);
        bput(b, strcmp(tag, "fb:like") ? tag : "fb\\:like");
        typed = 1;
    } else if (n == 0) {
        n = 1;   /* a compound needs something */
    }
    for (int i = 0; i < n; i++) {
        int k = pick(r, depth < 2 ? 10 : 8);   /* 8, 9: a functional pseudo-class, two levels at most */
        if (k == 0) {
            snprintf(tmp, sizeof tmp, "#x%d", pick(r, 6));
            bput(b, tmp);
        } else if (k <= 2) {
            bput(b, ".");
            bput(b, ONE_OF(r, TOKENS));
        } else if (k <= 4) {
            bput(b, "[");
            bput(b, ONE_OF(r, ANAMES));
            if (pick(r, 4)) {
                bput(b, ONE_OF(r, AOPS));
                bput(b, "\"");
                bput(b, pick(r, 2) ? ONE_OF(r, VALUES) : ONE_OF(r, TOKENS));
                bput(b, "\"");
                if (!pick(r, 3))
                    bput(b, " i");
            }
            bput(b, "]");
        } else if (k == 5) {
            bput(b, ONE_OF(r, SIMPLE));
        } else if (k == 6) {
            snprintf(tmp, sizeof tmp, ":nth%s-%s(%s)", pick(r, 2) ? "-last" : "", typed && pick(r, 2) ? "of-type" : "child",
                     ONE_OF(r, NTH));
            bput(b, tmp);
        } else if (k == 7) {
            if (typed)
                bput(b, ONE_OF(r, TYPED));
            else
                bput(b, pick(r, 2) ? ":contains(\"al\")" : ":lang(en)");
        } else {   /* functional, nested */
            static const char *const FN[] = {":not(", ":is(", ":has("};
            int f = pick(r, 3);
            bput(b, FN[f]);
            gen_list(r, b, depth + 1, f == 2);
            bput(b, ")");
        }
    }
}

static void gen_complex(struct rng *r, struct mw_buf *b, int depth, int relative)
{
    static const char *const COMBS[] = {" ", " > ", " + ", " ~ ", " ", ">"};
    if (relative && pick(r, 2))
        bput(b, ONE_OF(r, COMBS));
    static const int LEN[] = {1, 1, 2, 2, 3, 4};
    int n = depth ? 1 + pick(r, 2) : ONE_OF(r, LEN);
    for (int i = 0; i < n; i++) {
        if (i)
            bput(b, ONE_OF(r, COMBS));
        gen_compound(r, b, depth);
    }
}

static void gen_list(struct rng *r, struct mw_buf *b, int depth, int relative)
{
    int n = 1 + (pick(r, 4) == 0);
    for (int i = 0; i < n; i++) {
        if (i)
            bput(b, ", ");
        gen_complex(r, b, depth, relative);
    }
}

/* Same nodes in the same order, or the same error. */
static int same_result(xmlXPathObjectPtr a, xmlXPathObjectPtr b)
{
    if (!a || !b)
        return !a && !b;
    int n = a->nodesetval->nodeNr;
    if (n != b->nodesetval->nodeNr)
        return 0;
    for (int i = 0; i < n; i++)
        if (a->nodesetval->nodeTab[i] != b->nodesetval->nodeTab[i])
            return 0;
    return 1;
}

static void test_differential(void **state)
{
    struct rng r = {DIFF_SEED};
    print_message("differential: seed %#llx, %d documents x %d selectors, 4 contexts each\n",
                  (unsigned long long)DIFF_SEED, DIFF_DOCS, DIFF_SELS);
    struct mw_css_cache *c = mw_css_cache_new(64);
    size_t compared = 0, nonempty = 0, errors = 0;
    for (int d = 0; d < DIFF_DOCS; d++) {
        htmlDocPtr doc = gen_doc(&r);
        struct mw_err err = {0};
        xmlXPathObjectPtr all = mw_css_select_xpath(c, (xmlNodePtr)doc, ":has(*)", &err);   /* contexts */
        assert_non_null(all);
        for (int k = 0; k < DIFF_SELS; k++) {
            struct mw_buf sel;
            mw_buf_init(&sel, 0);
            gen_list(&r, &sel, 0, 0);
            for (int x = 0; x < 4; x++) {   /* the document, then random elements as context */
                xmlNodePtr ctx = x == 0 || !all->nodesetval->nodeNr
                                     ? (xmlNodePtr)doc
                                     : all->nodesetval->nodeTab[pick(&r, all->nodesetval->nodeNr)];
                struct mw_err e1 = {0}, e2 = {0};
                xmlXPathObjectPtr a = mw_css_select(c, ctx, sel.data, &e1);
                xmlXPathObjectPtr b = mw_css_select_xpath(c, ctx, sel.data, &e2);
                if (!same_result(a, b)) {
                    char ga[2048] = "", gb[2048] = "";
                    if (a)
                        ids(a, ga, sizeof ga);
                    if (b)
                        ids(b, gb, sizeof gb);
                    print_error("document %d, selector %d \"%s\" from <%s>: native \"%s\"%s, xpath \"%s\"%s\n", d, k,
                                sel.data, ctx->type == XML_ELEMENT_NODE ? (const char *)ctx->name : "document", ga,
                                a ? "" : e1.msg, gb, b ? "" : e2.msg);
                    fail();
                }
                nonempty += a && a->nodesetval->nodeNr > 0;
                errors += !a;
                compared++;
                xmlXPathFreeObject(a);
                xmlXPathFreeObject(b);
            }
            mw_buf_free(&sel);
        }
        xmlXPathFreeObject(all);
        xmlFreeDoc(doc);
    }
    print_message("differential: %zu comparisons, %zu with matches, %zu rejected by both\n", compared, nonempty,
                  errors);
    /* the generator must reach real matches, and write selectors the parser takes */
    assert_true(nonempty > compared / 8);
    assert_true(errors < compared / 20);
    mw_css_cache_free(c);
}

/* ---- issue 13: a selection's work and scratch memory are bounded by the limits it is given ---- */

/* pre + n times rep + post, parsed */
static htmlDocPtr repeat_doc(const char *pre, const char *rep, int n, const char *post)
{
    struct mw_buf b;
    mw_buf_init(&b, 0);
    bput(&b, pre);
    for (int i = 0; i < n; i++)
        bput(&b, rep);
    bput(&b, post);
    htmlDocPtr doc = htmlReadMemory(b.data, (int)b.len, NULL, "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    mw_buf_free(&b);
    assert_non_null(doc);
    return doc;
}

static const struct {
    const char *pre, *rep;
    int n;
    const char *post, *sel;
    unsigned long long max_ops;
    size_t max_bytes;
    int want;               /* matches, or -1: MW_ELIMIT with msg */
    const char *msg;
    unsigned long long ops_per_el;   /* when matched: the operations stay under this many per element */
} LIMIT_ROWS[] = {
    /* *-of-type walked the siblings from each element: 100,000 siblings took 150 s in one select */
    {"<div>", "<p>x</p><span>y</span>", 50000, "</div>", "p:nth-of-type(2n)", 5000000, 0, 25000, NULL, 40},
    {"<div>", "<p>x</p><span>y</span>", 50000, "</div>", "span:nth-last-of-type(n+2)", 5000000, 0, 49999, NULL, 40},
    {"<div>", "<p>x</p>", 100000, "</div>", "p:not(:first-of-type):not(:last-of-type)", 5000000, 0, 99998, NULL, 40},
    /* :contains reads each element's text: 255 nested elements over 1 MB of text is 255 MB read */
    {"", "<div>", 255, "", "div:contains('y')", 1000000, 0, -1,
     "selector \"div:contains('y')\" needs more than 1000000 operations", 0},
    /* nested :has() stays linear */
    {"<body>", "<div><p>x</p></div>", 2000, "</body>", "div:has(:has(:has(:has(:has(:has(p))))))", 1000000, 0, 0, NULL,
     400},
    /* scratch memory: the element index alone passes 64 KB */
    {"<body>", "<p>x</p>", 10000, "</body>", "body p", 0, 64 << 10, -1, "selector \"body p\" needs more than 64 KB of memory",
     0},
    {"<body>", "<p>x</p>", 10000, "</body>", "body p", 0, 0, 10000, NULL, 40},
};

/* The row's page at n repeats, with a megabyte of text in the deepest element for the :contains row. */
static htmlDocPtr limit_doc(size_t i, int n)
{
    htmlDocPtr doc = repeat_doc(LIMIT_ROWS[i].pre, LIMIT_ROWS[i].rep, n, LIMIT_ROWS[i].post);
    if (!strcmp(LIMIT_ROWS[i].sel, "div:contains('y')")) {
        xmlNodePtr deepest = xmlDocGetRootElement(doc);
        while (deepest->last && deepest->last->type == XML_ELEMENT_NODE)
            deepest = deepest->last;
        char *text = malloc(1 << 20);
        assert_non_null(text);
        memset(text, 'x', (1 << 20) - 1);
        text[(1 << 20) - 1] = '\0';
        xmlNodeAddContent(deepest, BAD_CAST text);
        free(text);
    }
    return doc;
}

/* The XPath translation takes quadratic time on the rows' long sibling lists: the reference runs on the
 * same page at REF_REPEATS repeats, the native matcher with no limits. */
#define REF_REPEATS 300

static void test_limits(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof LIMIT_ROWS / sizeof LIMIT_ROWS[0]; i++) {
        const char *sel = LIMIT_ROWS[i].sel;
        htmlDocPtr doc = limit_doc(i, LIMIT_ROWS[i].n);
        struct mw_css_limits lim = {.max_ops = LIMIT_ROWS[i].max_ops, .max_bytes = LIMIT_ROWS[i].max_bytes};
        struct mw_err err = {0};
        xmlXPathObjectPtr o = mw_css_select_limited(NULL, (xmlNodePtr)doc, sel, &lim, &err);
        if (LIMIT_ROWS[i].want < 0) {
            if (o || err.code != MW_ELIMIT || strcmp(err.msg, LIMIT_ROWS[i].msg))
                fail_msg("row %zu %s: want \"%s\", got %s (%s)", i, sel, LIMIT_ROWS[i].msg, o ? "a result" : "an error",
                         err.msg);
            assert_string_equal(err.stage, "css");
        } else {
            if (!o)
                fail_msg("row %zu %s: %s", i, sel, err.msg);
            int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
            if (n != LIMIT_ROWS[i].want)
                fail_msg("row %zu %s: %d matches, want %d", i, sel, n, LIMIT_ROWS[i].want);
            /* linear: the operations per element of the page stay under a small bound */
            unsigned long long els = (unsigned long long)LIMIT_ROWS[i].n * 2;
            if (lim.ops > els * LIMIT_ROWS[i].ops_per_el || lim.bytes == 0)
                fail_msg("row %zu %s: %llu operations, %zu bytes for %llu elements", i, sel, lim.ops, lim.bytes, els);
        }
        xmlXPathFreeObject(o);
        xmlFreeDoc(doc);
        /* the same selector on a smaller page: native (no limits) and the XPath translation agree */
        doc = limit_doc(i, LIMIT_ROWS[i].n < REF_REPEATS ? LIMIT_ROWS[i].n : REF_REPEATS);
        xmlXPathObjectPtr a = mw_css_select(NULL, (xmlNodePtr)doc, sel, &err);
        xmlXPathObjectPtr x = mw_css_select_xpath(NULL, (xmlNodePtr)doc, sel, &err);
        assert_non_null(a);
        assert_non_null(x);
        if (!same_result(a, x))
            fail_msg("row %zu %s: native and XPath differ on %d repeats", i, sel, REF_REPEATS);
        xmlXPathFreeObject(a);
        xmlXPathFreeObject(x);
        xmlFreeDoc(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_table),
        cmocka_unit_test(test_bad_selectors),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_xpath_text),
        cmocka_unit_test(test_element_context),
        cmocka_unit_test(test_detached_context),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_differential),
        cmocka_unit_test(test_limits),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
