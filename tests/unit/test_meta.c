/* tests/unit/test_meta.c: mw_meta_extract on small pages written for the test: JSON-LD shapes and breakage,
 * precedence between sources, title suffixes, lazy images, microdata, bylines, dates and zones, language. Rows
 * of one page shape (title suffixes, article:published_time) are tables of their own, the page made from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "doc/html.h"
#include "meta/meta.h"
#include "meta/jsonld.h"
#include "meta/lang.h"

#define LD(x) "<script type=\"application/ld+json\">" x "</script>"
#define URL "https://news.example.com/world/2020/01/14/story"

struct row {
    const char *name;
    const char *html;
    const char *tz;     /* opts.tz, NULL = none */
    const char *field;
    const char *want;   /* JSON text of the expected value; NULL = the field must be absent */
    const char *source; /* expected sources[field], NULL = not checked */
};

static const struct row rows[] = {
    {"graph", "<html><head>" LD("{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Example\"},"
              "{\"@type\":\"NewsArticle\",\"headline\":\"Graph headline\",\"datePublished\":\"2020-01-14T12:05:00+03:00\","
              "\"author\":[{\"@type\":\"Person\",\"name\":\"Ann Bell\"},{\"@type\":\"Person\",\"name\":\"Bo Chen\"}]}]}")
              "</head><body><h1>Graph headline</h1></body></html>",
     NULL, "authors", "[\"Ann Bell\",\"Bo Chen\"]", "jsonld"},
    {"graph date", "<html><head>" LD("{\"@graph\":[{\"@type\":\"NewsArticle\",\"headline\":\"G\",\"datePublished\":"
                   "\"2020-01-14T12:05:00+03:00\"}]}") "</head></html>",
     NULL, "published", "\"2020-01-14T12:05:00+03:00\"", "jsonld"},
    {"top-level array", "<html><head>" LD("[{\"@type\":\"BreadcrumbList\",\"name\":\"Crumbs\"},{\"@type\":\"Article\","
                        "\"headline\":\"Array headline\"}]") "</head></html>",
     NULL, "title", "\"Array headline\"", "jsonld"},
    {"broken json", "<html><head>" LD("<!-- {\"@type\":\"Organization\",\"name\":\"X\"}\n{\"@type\":\"NewsArticle\","
                    "\"headline\":\"Broken\n\tone\",\"author\":{\"@type\":\"Person\",\"name\":\"Cy Dee\",},} -->")
                    "</head></html>",
     NULL, "title", "\"Broken one\"", "jsonld"},
    {"broken json author", "<html><head>" LD("//<![CDATA[\n{\"@type\":\"BlogPosting\",\"headline\":\"It\\'s here\","
                           "\"author\":[\"Cy Dee\",],}\n//]]>") "</head></html>",
     NULL, "authors", "[\"Cy Dee\"]", "jsonld"},
    {"bad escape", "<html><head>" LD("{\"@type\":\"BlogPosting\",\"headline\":\"It\\'s here\"}") "</head></html>",
     NULL, "title", "\"It's here\"", "jsonld"},
    {"multiple scripts", "<html><head>" LD("{\"@type\":\"WebSite\",\"name\":\"Site\"}")
                         LD("{\"@type\":\"ReportageNewsArticle\",\"headline\":\"Second\",\"author\":{\"@type\":\"Person\","
                         "\"name\":\"Ed Fox\",\"url\":\"https://x.example/ed\"}}") "</head></html>",
     NULL, "authors", "[\"Ed Fox\"]", "jsonld"},
    {"org author only when nothing else", "<html><head>" LD("{\"@type\":\"NewsArticle\",\"headline\":\"H\","
                                          "\"author\":{\"@type\":\"Organization\",\"name\":\"Desk News\"}}")
                                          "</head><body><h1>H</h1></body></html>",
     NULL, "authors", "[\"Desk News\"]", "jsonld"},
    {"byline beats org author", "<html><head>" LD("{\"@type\":\"NewsArticle\",\"headline\":\"Headline text\","
                                "\"author\":{\"@type\":\"Organization\",\"name\":\"Desk News\"}}")
                                "</head><body><article><h1>Headline text</h1><div class=\"byline\">By Gil Ho and "
                                "Ida Ray, Staff Writers</div><p>Text.</p></article></body></html>",
     NULL, "authors", "[\"Gil Ho\",\"Ida Ray\"]", "byline"},
    {"jsonld byline key", "<html><head>" LD("{\"@type\":\"NewsArticle\",\"headline\":\"H\",\"author\":{\"@type\":"
                          "\"Person\",\"byline\":\"Jo Kay\"}}") "</head></html>",
     NULL, "authors", "[\"Jo Kay\"]", "jsonld"},
    {"og title over jsonld", "<html><head><meta property=\"og:title\" content=\"Social headline\">"
                             LD("{\"@type\":\"NewsArticle\",\"headline\":\"Structured headline\"}") "</head></html>",
     NULL, "title", "\"Social headline\"", "og"},
    {"jsonld date over og", "<html><head><meta property=\"article:published_time\" content=\"2021-05-05T10:00:00Z\">"
                            LD("{\"@type\":\"NewsArticle\",\"headline\":\"H\",\"datePublished\":\"2021-05-04T09:00:00Z\"}")
                            "</head></html>",
     NULL, "published", "\"2021-05-04T09:00:00+00:00\"", "jsonld"},
    /* two sources agree on an instant in UTC: the printed wall clock still tells the publisher's (WSJ, CBC, Mirror
     * and El Dia pages show this shape) */
    {"UTC agreed, local clock printed", "<html><head>" LD("{\"@type\":\"NewsArticle\",\"headline\":\"Storm hits\","
                                        "\"datePublished\":\"2020-01-14T03:28:00Z\"}") "<meta property=\"article:"
                                        "published_time\" content=\"2020-01-14T03:28:00Z\"></head><body><article><h1>"
                                        "Storm hits</h1><p>January 13, 2020 10:28 p.m.</p><p>The storm hit.</p>"
                                        "</article></body></html>",
     NULL, "published", "\"2020-01-13T22:28:00-05:00\"", "jsonld"},
    {"zone from a second source", "<html><head>" LD("{\"@type\":\"NewsArticle\",\"headline\":\"H\",\"datePublished\":"
                                  "\"2021-05-05T10:00:00\"}") "<meta name=\"date\" content=\"2021-05-05 10:00:00 +02:00\">"
                                  "</head></html>",
     NULL, "published", "\"2021-05-05T10:00:00+02:00\"", "jsonld"},
    {"kicker cut when the h1 gives the rest", "<html><head><meta property=\"og:title\" content=\"Economy | Rates rise again "
                                              "and again\"></head><body><h1>Rates rise again and again</h1></body></html>",
     NULL, "title", "\"Rates rise again and again\"", "og"},
    {"h1 in a breadcrumb is no headline", "<html><head></head><body><nav><ul><li><h1>Breadcrumb title</h1></li></ul></nav>"
                                          "<article><h1>Storm hits the coast</h1></article></body></html>",
     NULL, "title", "\"Storm hits the coast\"", "h1"},
    {"og rewritten for feeds: the candidate the h1 shows", "<html><head><meta property=\"og:title\" content=\"Palestinians "
     "fear the worst | Example News\">" LD("{\"@type\":\"NewsArticle\",\"headline\":\"What next for Gaza after the vote?\"}")
     "</head><body><h1>What next for Gaza after the vote?</h1></body></html>",
     NULL, "title", "\"What next for Gaza after the vote?\"", "jsonld"},
    {"og a shortened form of the h1 stays first", "<html><head><meta property=\"og:title\" content=\"Your old coin could "
     "be worth thousands\">" LD("{\"@type\":\"NewsArticle\",\"headline\":\"Your old coin could be worth thousands if it "
     "is rare\"}") "</head><body><h1>Your old coin could be worth thousands if it is rare</h1></body></html>",
     NULL, "title", "\"Your old coin could be worth thousands\"", "og"},
    {"og without the h1's kicker loses to the one with it", "<html><head><meta property=\"og:title\" content=\"Report: "
     "activist killed in custody\">" LD("{\"@type\":\"NewsArticle\",\"headline\":\"Protests of 2022: Report: activist "
     "killed in custody\"}") "</head><body><h1>Protests of 2022: Report: activist killed in custody</h1></body></html>",
     NULL, "title", "\"Protests of 2022: Report: activist killed in custody\"", "jsonld"},
    {"breadcrumb h1: the h2 shows the headline", "<html><head><meta property=\"og:title\" content=\"Blackout in the city: "
     "how safe is the grid?\">" LD("{\"@type\":\"NewsArticle\",\"headline\":\"Lights out, trains stop: how safe is our "
     "grid?\"}") "</head><body><nav><ul><li><h1>Blackout in the city: how safe is the grid?</h1></li></ul></nav>"
     "<aside><h2>Blackout in the city: how safe is the grid?</h2></aside>"
     "<hgroup><h2>Lights out, trains stop: how safe is our grid?</h2></hgroup></body></html>",
     NULL, "title", "\"Lights out, trains stop: how safe is our grid?\"", "jsonld"},
    {"breadcrumb h1: og's kicker stays when the h2 shows the rest", "<html><head><meta property=\"og:title\" "
     "content=\"Olympic Games: German guard impresses, France falls apart\">" LD("{\"@type\":\"NewsArticle\","
     "\"headline\":\"German guard impresses as hosts struggle\"}") "</head><body><nav><h1>German guard impresses as hosts "
     "struggle</h1></nav><h2>German guard impresses, France falls apart</h2></body></html>",
     NULL, "title", "\"Olympic Games: German guard impresses, France falls apart\"", "og"},
    {"visible headline plus an ellipsis", "<html><head><meta property=\"og:title\" content=\"Who is the striker's partner?\">"
     LD("{\"@type\":\"NewsArticle\",\"headline\":\"Who is the striker\xe2\x80\x99s partner and how long are they together?...\"}")
     "</head><body><h1>Who is the striker\xe2\x80\x99s partner and how long are they together?</h1></body></html>",
     NULL, "title", "\"Who is the striker\xe2\x80\x99s partner and how long are they together?...\"", "jsonld"},
    {"quote marks and soft hyphens compared folded, the candidate's own kept", "<html><head><meta property=\"og:title\" "
     "content=\"A different social line\">" LD("{\"@type\":\"NewsArticle\",\"headline\":\"\xe2\x80\x9e" "Devil met\xe2\x80\x9c: "
     "hostage tells of heli\xc2\xadport abuse\"}") "</head><body><h1>\"Devil met\": Hostage tells of heliport abuse</h1>"
     "</body></html>",
     NULL, "title", "\"\xe2\x80\x9e" "Devil met\xe2\x80\x9c: hostage tells of heli\xc2\xadport abuse\"", "jsonld"},
    {"section named by content_category, glued before the site", "<html><head><title>물가 다시 올라-경제ㅣ예시일보</title>"
     "<meta property=\"og:site_name\" content=\"예시일보\"><meta name=\"content_category\" content=\"경제\"></head></html>",
     NULL, "title", "\"물가 다시 올라\"", "title"},
    {"meta date key spelled with underscores (Washington Post)", "<html><head><meta property=\"article_published_time\" "
     "content=\"2020-01-14T15:24:04.336Z\"></head></html>",
     NULL, "published", "\"2020-01-14T15:24:04+00:00\"", "meta"},
    {"meta date key spelled with colons (Boersen-Zeitung)", "<html><head><meta property=\"article:published:time\" "
     "content=\"2020-01-14T15:48:15+01:00\"></head></html>",
     NULL, "published", "\"2020-01-14T15:48:15+01:00\"", "og"},
    {"the URL's day keeps the clock the page prints that day", "<html><body><h1>Storm hits the coast</h1><p>"
     "<span class=\"date\">14.01.2020, 09:30</span></p><p>Text of the story.</p></body></html>",
     NULL, "published", "\"2020-01-14T09:30:00\"", "url"},
    {"date only stays date only", "<html><head><meta name=\"date\" content=\"2025-04-05\"></head></html>",
     "+03:00", "published", "\"2025-04-05\"", "meta"},
    {"paywall", "<html><head>" LD("{\"@type\":\"NewsArticle\",\"headline\":\"H\",\"isAccessibleForFree\":\"False\"}")
                "</head></html>",
     NULL, "accessible", "false", "jsonld"},
    {"og title suffix by agreement", "<html><head><meta property=\"og:title\" content=\"Rates rise: what now? | EN | 28.04.2023\">"
                                     "</head><body><h1>Rates rise: what now?</h1></body></html>",
     NULL, "title", "\"Rates rise: what now?\"", "og"},
    {"title host name suffix", "<html><head><title>Storm hits coast - News Example</title></head></html>",
     NULL, "title", "\"Storm hits coast\"", "title"},
    {"h1 agreeing with title", "<html><head></head><body><h1>Logo</h1><article><h1>Storm hits coast</h1></article>"
                               "</body></html>",
     NULL, "title", "\"Storm hits coast\"", "h1"},
    {"lazy image", "<html><body><article><h1>H</h1><figure><img src=\"data:image/gif;base64,R0lGOD\" "
                   "data-src=\"/img/a.jpg\" alt=\"alt text\"><figcaption>The caption</figcaption></figure></article>"
                   "</body></html>",
     NULL, "images", "[{\"url\":\"https://news.example.com/img/a.jpg\",\"caption\":\"The caption\"}]", "page"},
    {"srcset image", "<html><body><article><h1>H</h1><img src=\"/blank.gif\" data-srcset=\"/s.jpg 320w, /l.jpg 1280w, "
                     "/m.jpg 640w\" alt=\"Alt\"></article></body></html>",
     NULL, "images", "[{\"url\":\"https://news.example.com/l.jpg\",\"caption\":\"Alt\"}]", "page"},
    {"og image first", "<html><head><meta property=\"og:image\" content=\"/og.jpg\">"
                       LD("{\"@type\":\"NewsArticle\",\"headline\":\"H\",\"image\":{\"@type\":\"ImageObject\","
                       "\"url\":\"https://cdn.example.com/ld.jpg\",\"caption\":\"LD caption\"}}") "</head></html>",
     NULL, "images", "[{\"url\":\"https://news.example.com/og.jpg\",\"caption\":null},"
                     "{\"url\":\"https://cdn.example.com/ld.jpg\",\"caption\":\"LD caption\"}]", "og"},
    {"microdata headline", "<html><body><div itemscope itemtype=\"http://schema.org/NewsArticle\">"
                           "<h2 itemprop=\"headline\">Micro headline</h2><time itemprop=\"datePublished\" "
                           "datetime=\"2021-03-04T05:06:07Z\">4 March</time><span itemprop=\"author\" itemscope>"
                           "<span itemprop=\"name\">Dee Eff</span></span></div></body></html>",
     NULL, "title", "\"Micro headline\"", "microdata"},
    {"microdata author", "<html><body><div itemscope itemtype=\"http://schema.org/NewsArticle\">"
                         "<h2 itemprop=\"headline\">Micro headline</h2><span itemprop=\"author\" itemscope>"
                         "<a href=\"/dee\"><span itemprop=\"name\">Dee Eff</span></a> (Reporter)</span></div></body></html>",
     NULL, "authors", "[\"Dee Eff\"]", "microdata"},
    {"microdata date", "<html><body><div itemscope><time itemprop=\"datePublished\" datetime=\"2021-03-04T05:06:07Z\">"
                       "4 March</time></div></body></html>",
     NULL, "published", "\"2021-03-04T05:06:07+00:00\"", "microdata"},
    {"time near h1", "<html><body><time datetime=\"2019-01-01T00:00:00Z\">old</time><article><header><h1>Headline</h1>"
                     "<time datetime=\"2022-02-02T08:00:00+01:00\">2 Feb</time></header></article></body></html>",
     NULL, "published", "\"2022-02-02T08:00:00+01:00\"", "time"},
    {"by line near headline", "<html><body><h1>Headline here</h1><p>By Nia Long, Correspondent</p><p>Body text.</p>"
                              "</body></html>",
     NULL, "authors", "[\"Nia Long\"]", "byline"},
    {"by prose is no byline", "<html><body><h1>Headline here</h1><p>By the time we arrived it was over.</p></body></html>",
     NULL, "authors", NULL, NULL},
    {"meta author not the site", "<html><head><meta name=\"author\" content=\"Example News (www.example.com)\">"
                                 "<meta property=\"og:site_name\" content=\"example.com\"></head></html>",
     NULL, "authors", NULL, NULL},
    {"meta article:author", "<html><head><meta name=\"article:author\" content=\"Ray Uno,Sol Dos\"></head></html>",
     NULL, "authors", "[\"Ray Uno\",\"Sol Dos\"]", "meta"},
    {"html lang", "<html lang=\"de-DE\"><head></head></html>", NULL, "lang", "\"de\"", "html"},
    {"og locale", "<html><head><meta property=\"og:locale\" content=\"pt_BR\"></head></html>", NULL, "lang", "\"pt\"", "og"},
    {"lang from text", "<html><body><h1>Заголовок</h1><p>Президент России встретился с премьер-министром, и это было "
                       "уже не в первый раз, что он говорил о том, как всё было.</p></body></html>",
     NULL, "lang", "\"ru\"", "text"},
    {"tags deduped", "<html><head><meta property=\"article:tag\" content=\"Economy\"><meta property=\"article:tag\" "
                     "content=\"economy\"><meta property=\"article:tag\" content=\"Rates, Banks\"></head></html>",
     NULL, "tags", "[\"Economy\",\"Rates\",\"Banks\"]", "og"},
    {"canonical", "<html><head><link rel=\"canonical\" href=\"/world/story\"><meta property=\"og:url\" "
                  "content=\"https://other.example/x\"></head></html>",
     NULL, "canonical_url", "\"https://news.example.com/world/story\"", "meta"},
    {"canonical unusable, og:url", "<html><head><link rel=\"canonical\" href=\"data:text/html,x\"><meta "
                                   "property=\"og:url\" content=\"https://other.example/x\"></head></html>",
     NULL, "canonical_url", "\"https://other.example/x\"", "og"},
    {"body from articleBody", "<html><head>" LD("{\"@type\":\"NewsArticle\",\"headline\":\"H\",\"articleBody\":"
                              "\"First  line.\\n\\n Second&amp;third.\"}") "</head></html>",
     NULL, "body", "\"First line. Second&third.\"", "jsonld"},
    {"lead from description", "<html><head><meta name=\"description\" content=\"A &lt;b&gt;short&lt;/b&gt; lead.\">"
                              "</head></html>",
     NULL, "lead", "\"A short lead.\"", "meta"},
    {"empty page", "<html></html>", NULL, "title", NULL, NULL},
};

static int check_row_at(const struct row *r, const char *url)
{
    struct mw_err err = {0};
    htmlDocPtr doc = mw_html_parse(r->html, strlen(r->html), url, &err);
    assert_non_null(doc);
    struct mw_meta_opts opts = {r->tz, NULL, 0};
    json_t *m = mw_meta_extract(doc, url, &opts, &err);
    assert_non_null(m);
    json_t *got = json_object_get(m, r->field);
    int bad = 0;
    if (!r->want) {
        bad = got != NULL;
    } else {
        json_t *want = json_loads(r->want, JSON_DECODE_ANY, NULL);
        assert_non_null(want);
        bad = !got || !json_equal(got, want);
        json_decref(want);
    }
    const char *src = json_string_value(json_object_get(json_object_get(m, "sources"), r->field));
    if (!bad && r->source && (!src || strcmp(src, r->source)))
        bad = 1;
    if (bad) {
        char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;
        print_error("%s: %s = %s (from %s), want %s (from %s)\n", r->name, r->field, g ? g : "absent",
                    src ? src : "-", r->want ? r->want : "absent", r->source ? r->source : "-");
        free(g);
    }
    json_decref(m);
    xmlFreeDoc(doc);
    return bad;
}

static int check_row(const struct row *r) { return check_row_at(r, URL); }

/* Title suffixes: <title>TITLE</title> beside og:site_name SITE (and article:section SECTION), in scripts
 * and separators of many languages; the title is what is left. */
static const struct { const char *name, *title, *site, *section, *want; } suffix_rows[] = {
    {"suffix latin", "Rates rise again | Example News", "Example News", NULL, "Rates rise again"},
    {"suffix cyrillic", "Цены снова растут — Пример Новости", "Пример Новости", NULL, "Цены снова растут"},
    {"suffix arabic", "ارتفاع الأسعار مجددا - أخبار المثال", "أخبار المثال", NULL, "ارتفاع الأسعار مجددا"},
    {"suffix greek", "Οι τιμές ανεβαίνουν ξανά | Παράδειγμα Ειδήσεις", "Παράδειγμα Ειδήσεις", NULL,
     "Οι τιμές ανεβαίνουν ξανά"},
    {"suffix hebrew", "המחירים עולים שוב | חדשות לדוגמה", "חדשות לדוגמה", NULL, "המחירים עולים שוב"},
    {"suffix devanagari", "कीमतें फिर बढ़ीं - उदाहरण समाचार", "उदाहरण समाचार", NULL, "कीमतें फिर बढ़ीं"},
    {"suffix thai", "ราคาขึ้นอีกครั้ง - ข่าวตัวอย่าง", "ข่าวตัวอย่าง", NULL, "ราคาขึ้นอีกครั้ง"},
    {"suffix han fullwidth bar", "物价再次上涨｜示例新闻网", "示例新闻网", NULL, "物价再次上涨"},
    {"suffix japanese fullwidth colon", "物価が再び上昇　政府が対策：例示新聞デジタル", "例示新聞デジタル", NULL,
     "物価が再び上昇 政府が対策"},   /* whitespace is folded, U+3000 too */
    {"suffix hangul section and site", "물가 다시 올라-경제ㅣ예시일보", "예시일보", "경제", "물가 다시 올라"},
    {"suffix credit", "Rates rise again | Example News | by Ann Bell", "Example News", NULL, "Rates rise again"},
    {"curly quotes kept", "Rates \xe2\x80\x9crise\xe2\x80\x9d again | Example News", "Example News", NULL,
     "Rates \xe2\x80\x9crise\xe2\x80\x9d again"},
    {"title section and site", "Rates rise again \xe2\x80\x94 Business \xe2\x80\x94 Example News", "Example News",
     "Business", "Rates rise again"},
    {"title keeps its own dash", "Rates rise - and stay high", "Example News", NULL, "Rates rise - and stay high"},
    {"site first: the first separator ends it", "Example News | Rates rise - and stay high", "Example News", NULL,
     "Rates rise - and stay high"},
};

static void test_title_suffixes(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof suffix_rows / sizeof *suffix_rows; i++) {
        char html[1024], section[256] = "", want[256];
        if (suffix_rows[i].section)
            snprintf(section, sizeof section, "<meta property=\"article:section\" content=\"%s\">",
                     suffix_rows[i].section);
        snprintf(html, sizeof html, "<html><head><title>%s</title><meta property=\"og:site_name\" content=\"%s\">%s"
                 "</head></html>", suffix_rows[i].title, suffix_rows[i].site, section);
        snprintf(want, sizeof want, "\"%s\"", suffix_rows[i].want);
        struct row r = {suffix_rows[i].name, html, NULL, "title", want, "title"};
        bad += check_row(&r);
    }
    assert_int_equal(bad, 0);
}

/* article:published_time as pages give it, with and without the outlet's zone (opts.tz); a CMS's default
 * (0001-01-01) is no date, and the day in the page's URL (URL, /2020/01/14/) is what is left. */
static const struct { const char *name, *content, *tz, *want, *source; } og_date_rows[] = {
    {"og date", "2021-05-05T10:00:00+02:00", NULL, "2021-05-05T10:00:00+02:00", "og"},
    {"no zone stays without", "2021-05-05T10:00:00", NULL, "2021-05-05T10:00:00", "og"},
    {"no zone takes opts tz", "2021-05-05T10:00:00", "+03:00", "2021-05-05T10:00:00+03:00", "og"},
    {"cms default date refused", "0001-01-01T00:00:00Z", NULL, "2020-01-14", "url"},
    {"utc stays the instant", "2020-03-17T17:27:41Z", "+03:00", "2020-03-17T17:27:41+00:00", "og"},
};

static void test_og_dates(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof og_date_rows / sizeof *og_date_rows; i++) {
        char html[256], want[64];
        snprintf(html, sizeof html, "<html><head><meta property=\"article:published_time\" content=\"%s\"></head>"
                 "</html>", og_date_rows[i].content);
        snprintf(want, sizeof want, "\"%s\"", og_date_rows[i].want);
        struct row r = {og_date_rows[i].name, html, og_date_rows[i].tz, "published", want, og_date_rows[i].source};
        bad += check_row(&r);
    }
    assert_int_equal(bad, 0);
}

/* Dates printed in the page, read on an address without a date in it. */
static const struct row page_rows[] = {
    {"printed date by the headline", "<html><body><article><h1>Storm hits the coast</h1><p class=\"meta\">Posted on "
                                     "March 1st, 2020 by Ann</p><p>Text.</p></article></body></html>",
     NULL, "published", "\"2020-03-01\"", "page"},
    {"comment dates do not count", "<html><body><article><h1>Storm hits the coast</h1><p>Text of the story, long enough "
                                   "to be text.</p></article><div id=\"comments\"><span class=\"date\">14.01.2019</span>"
                                   "</div></body></html>",
     NULL, "published", NULL, NULL},
    {"the page's own date against a lone meta date", "<html><head><meta name=\"date\" content=\"2021-06-01\"></head>"
                                         "<body><article><h1>Storm hits</h1><time datetime=\"2020-01-14T09:30:00+01:00\">"
                                         "14.01.2020</time><span class=\"date\">14.01.2020</span></article></body></html>",
     NULL, "published", "\"2020-01-14T09:30:00+01:00\"", "time"},
    {"the printed date, marked as a date and the first after the headline, outvotes a lone meta date",
     "<html><head><meta name=\"date\" content=\"2021-06-01\"></head><body><article><h1>Storm hits</h1>"
     "<p class=\"info\"><span class=\"date\">05.02.2020</span></p><p>Text of the story.</p></article></body></html>",
     NULL, "published", "\"2020-02-05\"", "page"},
    {"a date in another story's item is that story's", "<html><body><article><h1>Storm hits the coast</h1><p>Text "
     "of the story, long enough to be text.</p></article><ul class=\"more\"><li><a href=\"/news/ferry-timetable\">"
     "Ferry timetable changes for the winter season</a><span class=\"date\">09.08.2019</span></li></ul></body></html>",
     NULL, "published", NULL, NULL},
    {"an item's size is its own, not what follows it", "<html><body><article><h1>Storm hits the coast</h1><p>Text "
     "of the story, long enough to be text.</p></article><ul class=\"more\"><li><a href=\"/news/ferry-timetable\">"
     "Ferry timetable changes for the winter season</a><span class=\"date\">09.08.2019</span></li></ul><p>The "
     "harbour board met on Tuesday evening and talked about the ferries, the winter timetable, the new pier and the "
     "fish market for a long time, and then about the lighthouse, the storm shutters on the promenade, the school "
     "boats to the islands, the rope works by the quay, the moorings of the lifeboat and the price of diesel, long "
     "enough to make this one paragraph far longer than any item of a list of other stories.</p></body></html>",
     NULL, "published", NULL, NULL},
    {"a date beside the blog's own name is the page's", "<html><body><h1>Storm hits the coast</h1><div "
     "class=\"meta\"><a href=\"https://blog.example.com/fkk/\" rel=\"home\">Photos, art and capers of a harbour "
     "town</a><span class=\"date\">09.08.2019</span></div><p>Text of the story.</p></body></html>",
     NULL, "published", "\"2019-08-09\"", "page"},
    {"a date beside its author's link is the page's", "<html><body><h1>Storm hits the coast</h1><div "
     "class=\"byline\"><a href=\"/autoren/kathrin-harbour-684124\">Kathrin Harbour, harbour town reporter</a><span "
     "class=\"date\">09.08.2019</span></div><p>Text of the story.</p></body></html>",
     NULL, "published", "\"2019-08-09\"", "page"},
    {"no source states a date: the first one printed in the page, navigation passed over", "<html><body><nav><a "
     "href=\"/\">Home</a> <span>01.01.2015</span></nav><div class=\"content\"><p>The club met again and talked "
     "about the season, long enough to be text.</p><p class=\"info\">Aktualisiert: 30.12.2016</p></div></body></html>",
     NULL, "published", "\"2016-12-30\"", "page"},
    /* a label alone in its element: the date is in the element around it, or beside the label in the same
     * element; text before them with another date does not count */
    {"label in an element of its own, the date beside it", "<html><body><article><h1>Storm hits the coast</h1><p>The "
     "council met on 12 March 2023 and again last week, long enough to be text.</p><ul class=\"info\"><li>"
     "<strong>Datum</strong> 28.04.2023</li></ul></article></body></html>",
     NULL, "published", "\"2023-04-28\"", "page"},
    {"label with a space before its colon (French)", "<html><body><article><h1>Storm hits the coast</h1><p>The "
     "council met on 12 March 2023 and again last week, long enough to be text.</p><p><span>Publi\xc3\xa9 le :</span>"
     " 28/04/2023</p></article></body></html>",
     NULL, "published", "\"2023-04-28\"", "page"},
    {"label and date in one item of a long list", "<html><body><article><h1>Storm hits the coast</h1><p>The council "
     "met on 12 March 2023 and again last week, long enough to be text.</p><ul class=\"info\"><li>Rubrik <b>"
     "Wirtschaft und Hafen</b></li><li>Ort <b>Hamburg-Altona</b></li><li>Lesezeit <b>3 Minuten</b></li><li>Datum "
     "<b>28.04.2023</b></li></ul></article></body></html>",
     NULL, "published", "\"2023-04-28\"", "page"},
    {"a label word leading a long paragraph is prose", "<html><body><article><h1>Storm hits the coast</h1><p>The "
     "council met on 12 March 2023 and again last week, long enough to be text.</p><p><strong>Data</strong> from the "
     "harbour office show that the pier was closed on 28.04.2023 and stayed closed for most of the summer.</p>"
     "</article></body></html>",
     NULL, "published", "\"2023-03-12\"", "page"},
    {"a date in an embedded post (a blockquote) is the post's", "<html><body><article><h1>Storm hits the coast</h1>"
     "<blockquote class=\"twitter-tweet\"><p>Waves over the pier this morning</p>&mdash; Harbour Watch "
     "(@harbourwatch) <a href=\"https://twitter.com/harbourwatch/status/1\">March 2, 2019</a></blockquote><p>Text "
     "of the story, long enough to be text.</p></article></body></html>",
     NULL, "published", NULL, NULL},
    {"relative date without fetch time", "<html><body><article><h1>Storm hits the coast</h1><span class=\"date\">3 hours "
                                         "ago</span><p>Text.</p></article></body></html>",
     NULL, "published_relative", "\"3 hours ago\"", "page"},
};

static void test_page_dates(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof page_rows / sizeof *page_rows; i++)
        bad += check_row_at(&page_rows[i], "https://news.example.com/story/storm-hits");
    assert_int_equal(bad, 0);
}

/* The day a URL states, the page stating none. */
static const struct { const char *url, *want; } url_rows[] = {
    {"https://www.example.com/world/2019/nov/18/the-view-on-the-harbour", "\"2019-11-18\""},
    {"https://www.example.com/news/2023/Apr/28/governor-endorses-budget/?utm_source=rss", "\"2023-04-28\""},
    {"https://www.example.com/stories/2019/nov/meth-were-on-it/", NULL},   /* a month states no day */
    {"https://www.example.com/2020/02/17/storm", "\"2020-02-17\""},
    {"https://www.example.com/1995/12/04/first-web-edition", "\"1995-12-04\""},   /* the first year a URL may state */
    {"https://www.example.com/1994/12/04/archive-scan", NULL},
};

static void test_url_dates(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof url_rows / sizeof *url_rows; i++) {
        struct row r = {url_rows[i].url, "<html><body><p>No date here.</p></body></html>", NULL, "published",
                        url_rows[i].want, url_rows[i].want ? "url" : NULL};
        bad += check_row_at(&r, url_rows[i].url);
    }
    assert_int_equal(bad, 0);
}

static void test_table(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        bad += check_row(&rows[i]);
    assert_int_equal(bad, 0);
}

static void test_jsonld_concatenated(void **state)
{
    (void)state;
    const char *s = "{\"a\":1}{\"b\":2} ; [3,4,] garbage {\"c\":\"x\ny\"}";
    json_t *out = json_array();
    assert_int_equal(mw_jsonld_parse(s, strlen(s), out), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 3), "c")), "x\ny");
    json_decref(out);
}

/* Each repair next to text copied as it is: comments, markers and a trailing comma outside strings; a raw tab,
 * carriage return and control byte, an invalid escape and a cut \u escape inside; "//" and "-->" inside a
 * string kept. */
static void test_jsonld_repair(void **state)
{
    (void)state;
    const char *s = "<!--<![CDATA[{\"a\":\"one\ttwo\r\x01three\", // note\n \"b\":\"it\\'s http://x.org/ --> a\","
                    " /* block */ \"c\":[1,2,],\"d\":\"\\u12\", \"e\":\"\\u0041\\/\"}]]>-->";
    json_t *out = json_array();
    assert_int_equal(mw_jsonld_parse(s, strlen(s), out), 1);
    json_t *o = json_array_get(out, 0);
    assert_string_equal(json_string_value(json_object_get(o, "a")), "one\ttwo three");
    assert_string_equal(json_string_value(json_object_get(o, "b")), "it's http://x.org/ --> a");
    assert_int_equal(json_array_size(json_object_get(o, "c")), 2);
    assert_string_equal(json_string_value(json_object_get(o, "d")), "u12");
    assert_string_equal(json_string_value(json_object_get(o, "e")), "A/");
    json_decref(out);
}

static void test_jsonld_rank(void **state)
{
    (void)state;
    json_t *v = json_loads("[{\"@type\":\"WebPage\",\"headline\":\"p\"},{\"@type\":[\"Thing\",\"schema:NewsArticle\"],"
                           "\"headline\":\"n\"},{\"@type\":\"BlogPosting\",\"headline\":\"b\"}]", 0, NULL);
    assert_non_null(v);
    json_t *a = mw_jsonld_article(v);
    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "headline")), "n");
    json_decref(v);
}

static void test_lang(void **state)
{
    (void)state;
    static const struct { const char *text, *want; } langs[] = {
        {"The minister said that the plan was not ready and would be presented after the summer.", "en"},
        {"Der Minister sagte, dass der Plan noch nicht fertig sei und nach dem Sommer vorgestellt werde.", "de"},
        /* words too long to be stop words are passed over, however long */
        {"Die Donaudampfschifffahrtsgesellschaftskapitänsmützen und die Arbeiterunfallversicherungsgesetze sind "
         "auch in der Ausstellung.", "de"},
        {"Le ministre a dit que le plan n'est pas prêt et qu'il sera présenté après l'été.", "fr"},
        {"El ministro dijo que el plan no está listo y que se presentará después del verano.", "es"},
        {"Bakan, planın henüz hazır olmadığını ve yazdan sonra sunulacağını söyledi. Bu çok önemli bir adım.", "tr"},
        {"Міністр сказав, що план ще не готовий і його буде представлено після літа, але це також важливо.", "uk"},
        /* short Russian lines whose only stop words ("у", "до") are Ukrainian ones too: a letter Ukrainian
         * does not have (ы, э, ъ, ё) decides */
        {"Рыбаки у реки были до темноты", "ru"},
        {"Поэт у этой двери стоял до конца дуэли", "ru"},
        {"Объявление у подъезда висело до отъезда", "ru"},
        {"Ребёнок у ёлки ждёт до утра", "ru"},
        /* and Ukrainian lines without stop words: one letter Russian does not have (і, ї, є, ґ) tells them */
        {"Сніг падав цілий тиждень", "uk"},
        {"Поїзд прибув вчасно", "uk"},
        {"Синє море хвилює рибалок", "uk"},
        {"Наш ґрунт промерз глибоко", "uk"},
        {"قال الوزير إن الخطة ليست جاهزة بعد وسيتم تقديمها بعد الصيف", "ar"},
        {"部长表示，该计划尚未准备好，将在夏季之后提出。", "zh"},
        {"大臣は、計画はまだ準備ができておらず、夏の後に発表されると述べた。", "ja"},
        {"장관은 계획이 아직 준비되지 않았으며 여름 이후에 발표될 것이라고 말했다.", "ko"},
        {"Menteri berkata bahawa pelan itu belum siap kerana ia akan dibentangkan selepas musim panas oleh beliau.", "ms"},
        {"O ministro disse que o plano não está pronto e que será apresentado depois do verão.", "pt"},
        {"Il ministro ha detto che il piano non è pronto e che sarà presentato dopo l'estate.", "it"},
        {"ok", NULL},
    };
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
        const char *got = mw_lang_detect(langs[i].text, strlen(langs[i].text));
        if (langs[i].want == NULL)
            assert_null(got);
        else {
            if (!got || strcmp(got, langs[i].want))
                print_error("lang of \"%.30s\": %s, want %s\n", langs[i].text, got ? got : "NULL", langs[i].want);
            assert_non_null(got);
            assert_string_equal(got, langs[i].want);
        }
    }
    char code[3];
    assert_int_equal(mw_lang_normalize("en-GB", code), 0);
    assert_string_equal(code, "en");
    assert_int_equal(mw_lang_normalize("de_DE", code), 0);
    assert_string_equal(code, "de");
    assert_int_equal(mw_lang_normalize("utf-8", code), -1);
}

static void test_null_doc(void **state)
{
    (void)state;
    struct mw_err err = {0};
    json_t *m = mw_meta_extract(NULL, NULL, NULL, &err);
    assert_non_null(m);
    assert_non_null(json_object_get(m, "sources"));
    json_decref(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_title_suffixes),
        cmocka_unit_test(test_og_dates),
        cmocka_unit_test(test_page_dates),
        cmocka_unit_test(test_url_dates),
        cmocka_unit_test(test_jsonld_concatenated),
        cmocka_unit_test(test_jsonld_repair),
        cmocka_unit_test(test_jsonld_rank),
        cmocka_unit_test(test_lang),
        cmocka_unit_test(test_null_doc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
