/* tests/unit/test_generic.c: the generic extractor (extract/generic.c) on small pages written for these
 * tests: boilerplate out, article text in, images resolved, the hint, the document left as it was, and what
 * mw_generic_pick tells `moonwire new`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLtree.h>

#include "common/buf.h"
#include "doc/html.h"
#include "extract/generic.h"

#define P1 "<p>The harbour council voted on Tuesday to rebuild the old stone pier, which storms damaged twice last winter, at a cost the town will share with the province.</p>"
#define P2 "<p>Fishermen, who have tied up at a temporary pontoon since March, said the decision came late but was welcome, and that work should start before the autumn gales.</p>"
#define P3 "<p>The engineer in charge, a native of the town, expects the new pier to stand for a century, provided that the breakwater beyond it is raised by a metre as well.</p>"

struct row {
    const char *name;
    const char *html;
    const char *hint;
    const char *want[6];     /* substrings the body must hold */
    const char *unwanted[8]; /* substrings it must not */
};

static const struct row rows[] = {
    {"boilerplate stripped",
     "<html><body><nav><a href='/'>Home</a> <a href='/world'>World news and more sections</a></nav>"
     "<header><h1>Pier to be rebuilt</h1></header>"
     "<div class='share-bar'><a href='#'>Share on Facebook</a> <a href='#'>Share on X, formerly Twitter</a></div>"
     "<article><div class='story-body'>" P1
     "<figure><img src='/pier.jpg'><figcaption>The pier after the January storm, seen from the lighthouse.</figcaption></figure>"
     P2 P3 "</div>"
     "<div class='newsletter-signup'><p>Get the morning briefing, every weekday, straight into your inbox.</p></div>"
     "<div class='related-stories'><h3>Related</h3><ul><li><a href='/a'>Lighthouse keeper retires after forty years on the rock</a></li>"
     "<li><a href='/b'>Ferry timetable changes for the winter season announced</a></li></ul></div>"
     "</article>"
     "<section id='comments'><p>Reader one, who writes a lot of long comments, thinks this is a waste of public money entirely.</p></section>"
     "<footer><p>Copyright the Harbour Gazette, all rights reserved, since the year of its founding.</p></footer>"
     "</body></html>",
     NULL,
     {"rebuild the old stone pier", "temporary pontoon", "stand for a century"},
     {"Home", "Share on", "morning briefing", "Lighthouse keeper", "Reader one", "Copyright", "January storm",
      "Pier to be rebuilt"}},
    {"br-separated text",
     "<html><body><div class='nav'><a href='/'>Home</a></div><div id='main'><h1>Notice</h1><div class='txt'>"
     "The ferry to the island will not sail on Sunday, because the crew is needed for a rescue exercise in the bay.<br><br>"
     "Passengers holding tickets, including season tickets, may travel on Monday instead, or ask for a refund at the office.<br><br>"
     "The harbour master, in a short statement, apologised for the late notice and thanked islanders for their patience."
     "</div></div></body></html>",
     NULL,
     {"will not sail on Sunday", "ask for a refund", "apologised for the late notice"},
     {"Home", "Notice"}},
    {"two-paragraph flash",
     "<html><body><ul class='menu'><li><a href='/1'>Politics</a></li><li><a href='/2'>Business</a></li></ul>"
     "<div class='article'><h1>Quake off the coast</h1>"
     "<p>An earthquake of magnitude 5.1 struck off the northern coast early on Friday, the seismological institute said.</p>"
     "<p>There were no immediate reports of damage or injuries.</p></div>"
     "<div class='sidebar'><a href='/x'>Most read: the ten best beaches of the region this summer</a></div></body></html>",
     NULL,
     {"magnitude 5.1 struck", "no immediate reports of damage"},
     {"Politics", "Most read", "Quake off the coast"}},
    {"split containers merged",
     "<html><body><main><h1>Pier</h1><div class='grid'><div class='col'><div class='text'>" P1 P2 "</div></div>"
     "<div class='ad-slot'><a href='/ad'>Buy a boat today</a></div>"
     "<div class='col'><div class='text'>" P3
     "<p>Council members, meeting again next month, will choose the contractor from four bidders, two of them local.</p></div></div>"
     "</div></main></body></html>",
     NULL,
     {"rebuild the old stone pier", "temporary pontoon", "stand for a century", "four bidders"},
     {"Buy a boat"}},
    {"list, blockquote and subheading kept",
     "<html><body><article><h1>Pier plans</h1>" P1
     "<h2>What the plan includes</h2>"
     "<ul><li>A new deck of reinforced concrete along the full length</li><li>Lighting and railings on both sides of the deck</li>"
     "<li>A slipway for the lifeboat at the seaward end</li></ul>" P2
     "<blockquote><p>We have waited long enough for this, and now the work must be done well, said the oldest skipper.</p></blockquote>"
     P3 "</article></body></html>",
     NULL,
     {"What the plan includes", "reinforced concrete", "slipway for the lifeboat", "waited long enough",
      "stand for a century"},
     {"Pier plans"}},
    {"byline and subscribe lines dropped",
     "<html><body><article><h1>Pier</h1><p class='byline'>By Anna Example</p>" P1 P2
     "<p>Subscribe to our newsletter for more local news.</p></article></body></html>",
     NULL,
     {"rebuild the old stone pier", "temporary pontoon"},
     {"Anna Example", "Subscribe"}},
    {"hint used when the markup is thin",
     "<html><body><article><h1>Pier</h1><p>Subscribers can read this story in full.</p></article></body></html>",
     "The harbour council voted on Tuesday to rebuild the old stone pier.\nFishermen said the decision came late "
     "but was welcome, and that work should start before the autumn gales.",
     {"rebuild the old stone pier", "before the autumn gales", "pier.\n\nFishermen"},
     {"Subscribers can read"}},
    {"hint ignored when the markup is fuller",
     "<html><body><article><h1>Pier</h1>" P1 P2 P3 "</article></body></html>",
     "The harbour council voted to rebuild the pier.",
     {"rebuild the old stone pier", "temporary pontoon", "stand for a century"},
     {"voted to rebuild the pier."}},
    {"empty page", "<html><body></body></html>", NULL, {NULL}, {NULL}},
    /* libxml2 leaves a sidebar's unclosed <div>s open past </aside>: the story ends up inside the aside */
    {"article nested in an unclosed aside",
     "<html><body><div class='row'><aside id='secondary'><div class='inner'><div class='socialbar'>Follow us</div>"
     "<p>Advertisement</p></aside><section id='content'><article><div class='article-text'>" P1 P2 P3
     "</div></article></section></div></body></html>",
     NULL,
     {"rebuild the old stone pier", "temporary pontoon", "stand for a century"},
     {NULL}},
    {"a real sidebar aside still dropped",
     "<html><body><article><h1>Pier</h1>" P1 P2 P3 "</article><aside><p>Lighthouse keeper retires after forty years "
     "on the rock, and the town throws him a party on the quay with music and a brass band.</p></aside></body></html>",
     NULL,
     {"rebuild the old stone pier"},
     {"Lighthouse keeper"}},
    /* recovered markup can put a login dialog's form inside the article's container */
    {"form inputs in the text's box",
     "<html><body><div class='wrap'><div class='inner'><div class='col-main'>" P1 P2 P3 "</div>"
     "<div class='login'><input type='text'><input type='password'><input type='checkbox'><input type='radio'>"
     "<input type='radio'><input type='hidden'></div></div></div></body></html>",
     NULL,
     {"rebuild the old stone pier", "stand for a century"},
     {NULL}},
    {"soft hyphens are the page's",
     "<html><body><article><h1>Pier</h1><p>The harbour council voted to rebuild the Hafen\xc2\xadmauer this year, at a "
     "cost the town will share with the province and the fishermen.</p>" P2 "</article></body></html>",
     NULL,
     {"Hafen\xc2\xadmauer"},
     {NULL}},
    /* infinite scroll: the next story, longer than the page's own, is preloaded below it in its own <article> */
    {"next story preloaded below the article",
     "<html><body><article id='main'><h1>Pier to be rebuilt</h1><div class='bodytext'>" P1 P2 P3
     "<p>Work will start in May, once the council has chosen a contractor from the four bidders.</p><p>The old pier, "
     "built in 1872, will stay open to walkers until then, except on days of gales.</p></div></article>"
     "<article id='second'><h1>Ferry timetable changes</h1><div class='bodytext'>"
     "<p>The ferry company, which runs four boats to the islands, will cut the winter timetable to two crossings a day, "
     "citing the cost of fuel and a shortage of crew.</p><p>Islanders, who depend on the early boat to reach the "
     "mainland school and the hospital, said the change, announced without consultation, would cut them off.</p>"
     "<p>The company's manager, speaking on local radio, promised a review in the spring, once the new boat, which "
     "is being built at the yard in the north, has been delivered and tested.</p><p>The council, which owns the "
     "harbour, said it would ask the province, which licenses the route, to step in before December.</p></div>"
     "</article></body></html>",
     NULL,
     {"rebuild the old stone pier", "stand for a century"},
     {"ferry company", "Islanders"}},
    {"articles of a listing without a long first one are all kept",
     "<html><body><article><h1>Pier</h1><p>Short teaser.</p></article><article><h1>Pier, the story</h1>" P1 P2 P3
     "</article></body></html>",
     NULL,
     {"rebuild the old stone pier", "stand for a century"},
     {NULL}},
    {"class=hidden boxes are not shown",
     "<html><body><article><h1>Pier</h1>" P1 P2 "<div class='article-block article-content__sign-in hidden'>"
     "<p>Create an account or sign in to continue with your reading experience, and get the newsletters too.</p>"
     "<ul><li>Access articles from across the country with one account.</li></ul></div>"
     "<div class='story-text hidden lg:block'><p>The lifeboat crew, who train on the pier every week, welcomed the vote.</p></div>"
     P3 "</article></body></html>",
     NULL,
     {"rebuild the old stone pier", "stand for a century", "lifeboat crew"},
     {"Create an account", "Access articles"}},
    {"ad labels and stamp lines in several languages",
     "<html><body><article><h1>Pier</h1><p>Stand: 22.04.2024, 06:00 Uhr</p><p>Uppdaterad 15.59 | Publicerad 14.14</p>"
     "<p>Published Jun 05, 2026 â¢ 6 minute read</p>" P1 "<p>Publicidad</p>" P2 "<p>REKLAM</p>" P3
     "<p>Published in 1872, the first map of the pier still hangs in the harbour office, beside the tide tables and "
     "the old lifeboat's bell.</p></article></body></html>",
     NULL,
     {"rebuild the old stone pier", "stand for a century", "Published in 1872"},
     {"Stand:", "Uppdaterad", "minute read", "Publicidad", "REKLAM"}},
    {"a sentence that links its names is text, a label and its link is not",
     "<html><body><article><h1>Pier</h1>" P1 "<p><a href='/crew'>The lifeboat crew of the harbour</a> rescued "
     "<a href='/kayak'>two kayakers off the point</a> on Sunday night.</p>" P2
     "<p>Related: <a href='/keeper'>Lighthouse keeper retires after forty years on the rock</a></p>"
     "<p><a href='/ferry'>Ferry timetable changes for the winter season are announced.</a></p>" P3
     "</article></body></html>",
     NULL,
     {"rebuild the old stone pier", "rescued two kayakers off the point on Sunday night.", "stand for a century"},
     {"Lighthouse keeper", "Ferry timetable"}},
    {"a line of up to 160 characters naming the newsletter is furniture, a longer one is prose",
     "<html><body><article><h1>Pier</h1>" P1 "<p>Sign up for our free newsletter to get the harbour news, the tide tables and the ferry timetable sent to your inbox each morning, with offers from our partners.</p>" P2 "<p>The council's newsletter, which goes to every household in the town, will carry the plans and a map of the new pier in its spring issue, the mayor said in April.</p>" P3
     "</article></body></html>",
     NULL,
     {"rebuild the old stone pier", "the mayor said in April.", "stand for a century"},
     {"Sign up for our free newsletter"}},
    {"a Japanese block of linked names is text by its ideographic commas",
     "<html lang='ja'><body><article><h1>新しい港が完成</h1><p>新しい港の完成を祝う式典が十四日、市内で開かれ、関係者およそ三百人が、"
     "工事に携わった人たちの労をねぎらった。港は、来月から、大型の貨物船を受け入れる。</p><p>市によると、新しい岸壁は長さ四百メートルで、"
     "これまでの二倍の船を同時に係留できる。総事業費は、およそ二百億円で、国と県と市が、三分の一ずつを負担した。</p>"
     "<div class='attendees'><p>式典には、東京都の<a href='/p/1'>小池百合子知事</a>、大阪府の<a href='/p/2'>吉村洋文知事</a>、"
     "愛知県の<a href='/p/3'>大村秀章知事</a>、北海道の<a href='/p/4'>鈴木直道知事</a>、福岡県の<a href='/p/5'>服部誠太郎知事</a>、"
     "京都府の<a href='/p/6'>西脇隆俊知事</a>のほか、商工会議所、経団連、同友会の代表らが、出席した。</p></div>"
     "<p>市長は式典で、港の完成は、地域の経済にとって大きな一歩だと述べ、今後は、観光船の誘致にも力を入れる考えを示した。"
     "地元の漁業者からは、歓迎の声が上がった。</p></article></body></html>",
     NULL,
     {"新しい港の完成を祝う", "西脇隆俊知事のほか", "歓迎の声が上がった"},
     {NULL}},
};

/* The late variant on the same page: no "body" in its result, the same text handed back, the rest equal. */
static void same_late(htmlDocPtr doc, const char *url, const char *hint, const json_t *o)
{
    struct mw_err err = {0};
    char *body = (char *)1;
    json_t *l = mw_generic_extract_late(doc, url, hint, &body, &err);
    assert_non_null(l);
    assert_non_null(body);
    assert_null(json_object_get(l, "body"));
    assert_string_equal(body, json_string_value(json_object_get(o, "body")));
    json_object_set_new(l, "body", json_string(body));
    assert_true(json_equal(l, (json_t *)o));
    free(body);
    json_decref(l);
}

static json_t *run(const char *html, const char *url, const char *hint)
{
    struct mw_err err = {0};
    htmlDocPtr doc = mw_html_parse(html, strlen(html), url, &err);
    assert_non_null(doc);
    json_t *o = mw_generic_extract(doc, url, hint, &err);
    assert_non_null(o);
    assert_int_equal(err.code, MW_OK);
    same_late(doc, url, hint, o);
    xmlFreeDoc(doc);
    return o;
}

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const struct row *r = &rows[i];
        json_t *o = run(r->html, "https://example.org/news/pier.html", r->hint);
        const char *body = json_string_value(json_object_get(o, "body"));
        assert_non_null(body);
        for (int k = 0; k < 6 && r->want[k]; k++)
            if (!strstr(body, r->want[k]))
                fail_msg("%s: body lacks \"%s\":\n%s", r->name, r->want[k], body);
        for (int k = 0; k < 8 && r->unwanted[k]; k++)
            if (strstr(body, r->unwanted[k]))
                fail_msg("%s: body holds \"%s\":\n%s", r->name, r->unwanted[k], body);
        assert_true(json_is_array(json_object_get(o, "images")));
        json_decref(o);
    }
}

static void test_paragraphs_and_lead(void **state)
{
    (void)state;
    json_t *o = run("<html><body><article><h1>T</h1>" P1 P2 "</article></body></html>", NULL, NULL);
    const char *body = json_string_value(json_object_get(o, "body"));
    assert_string_equal(body,
                        "The harbour council voted on Tuesday to rebuild the old stone pier, which storms damaged "
                        "twice last winter, at a cost the town will share with the province.\n\nFishermen, who have "
                        "tied up at a temporary pontoon since March, said the decision came late but was welcome, "
                        "and that work should start before the autumn gales.");
    assert_string_equal(json_string_value(json_object_get(o, "lead")),
                        "The harbour council voted on Tuesday to rebuild the old stone pier, which storms damaged "
                        "twice last winter, at a cost the town will share with the province.");
    json_decref(o);

    o = run("<html><body></body></html>", NULL, NULL);
    assert_string_equal(json_string_value(json_object_get(o, "body")), "");
    assert_true(json_is_null(json_object_get(o, "lead")));
    json_decref(o);
}

static void test_images(void **state)
{
    (void)state;
    json_t *o = run("<html><body><article><h1>T</h1>" P1
                    "<figure><img src='data:image/gif;base64,R0lGOD' data-src='/img/pier-large.jpg'>"
                    "<figcaption>The pier at dawn.</figcaption></figure>" P2
                    "<img srcset='small.jpg 320w, big.jpg 1280w, mid.jpg 640w'>"
                    "<img src='https://cdn.example.net/x.png' width='1' height='1'>" P3 "</article></body></html>",
                    "https://example.org/news/2024/pier.html", NULL);
    json_t *imgs = json_object_get(o, "images");
    assert_int_equal(json_array_size(imgs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(imgs, 0), "url")),
                        "https://example.org/img/pier-large.jpg");
    assert_string_equal(json_string_value(json_object_get(json_array_get(imgs, 0), "caption")), "The pier at dawn.");
    assert_string_equal(json_string_value(json_object_get(json_array_get(imgs, 1), "url")),
                        "https://example.org/news/2024/big.jpg");
    assert_true(json_is_null(json_object_get(json_array_get(imgs, 1), "caption")));
    const char *body = json_string_value(json_object_get(o, "body"));
    assert_null(strstr(body, "pier at dawn"));
    json_decref(o);
}

static void test_state_blob(void **state)
{
    (void)state;
    /* The markup shows only the headline; the paragraphs are in the page's Next.js state. */
    json_t *o = run("<html><head><title>Pier to be rebuilt after storms | Gazette</title></head><body>"
                    "<div id='__next'><h1>Pier to be rebuilt after storms</h1><p>Loading the story for you.</p></div>"
                    "<script id='__NEXT_DATA__' type='application/json'>{\"props\":{\"pageProps\":{\"story\":{"
                    "\"headline\":\"Pier to be rebuilt after storms\",\"blocks\":["
                    "{\"type\":\"paragraph\",\"text\":\"The harbour council voted on Tuesday to rebuild the old stone pier, which storms damaged twice.\"},"
                    "{\"type\":\"paragraph\",\"text\":\"Fishermen, who have tied up at a temporary pontoon since March, said the decision came late.\"},"
                    "{\"type\":\"paragraph\",\"text\":\"The engineer in charge expects the new pier to stand for a century, if the breakwater is raised.\"},"
                    "{\"type\":\"paragraph\",\"text\":\"Council members will choose the contractor from four bidders next month, <b>two of them</b> local.\"},"
                    "{\"type\":\"paragraph\",\"text\":\"Work on the slipway for the lifeboat will begin first, in the spring, weather permitting.\"},"
                    "{\"type\":\"paragraph\",\"text\":\"The province, which pays half of the cost, must still approve the plan at its June session.\"}"
                    "]},\"related\":[]}}}</script></body></html>",
                    NULL, NULL);
    const char *body = json_string_value(json_object_get(o, "body"));
    assert_non_null(strstr(body, "rebuild the old stone pier"));
    assert_non_null(strstr(body, "June session"));
    assert_non_null(strstr(body, "two of them local"));
    json_decref(o);

    /* A second blob, another story's (a longer one), whose blank caption names nothing: not the article. */
    o = run("<html><head><title>Pier to be rebuilt after storms | Gazette</title></head><body>"
            "<div id='__next'><h1>Pier to be rebuilt after storms</h1><p>Loading the story for you.</p></div>"
            "<script id='__NEXT_DATA__' type='application/json'>{\"props\":{\"pageProps\":{\"story\":{"
            "\"headline\":\"Pier to be rebuilt after storms\",\"blocks\":["
            "{\"type\":\"paragraph\",\"text\":\"The harbour council voted on Tuesday to rebuild the old stone pier, which storms damaged twice.\"},"
            "{\"type\":\"paragraph\",\"text\":\"Fishermen, who have tied up at a temporary pontoon since March, said the decision came late.\"},"
            "{\"type\":\"paragraph\",\"text\":\"The engineer in charge expects the new pier to stand for a century, if the breakwater is raised.\"},"
            "{\"type\":\"paragraph\",\"text\":\"Council members will choose the contractor from four bidders next month, two of them local.\"},"
            "{\"type\":\"paragraph\",\"text\":\"The province, which pays half of the cost, must still approve the plan at its June session.\"}"
            "]}}}}</script>"
            "<script type='application/json'>{\"teaser\":{\"headline\":\"Ferry timetable changes for the winter\","
            "\"caption\":\"                \",\"blocks\":["
            "{\"type\":\"paragraph\",\"text\":\"The ferry company will run two boats a day to the island from November, one fewer than in summer.\"},"
            "{\"type\":\"paragraph\",\"text\":\"The first boat leaves the harbour at seven, the second at four, and both return within the hour.\"},"
            "{\"type\":\"paragraph\",\"text\":\"Islanders, who asked for a third boat on Fridays, were told the crews are needed for repairs.\"},"
            "{\"type\":\"paragraph\",\"text\":\"The summer timetable, with three boats a day and an evening crossing, returns in the spring.\"},"
            "{\"type\":\"paragraph\",\"text\":\"Tickets bought for the summer crossings can be used on any winter boat until the end of the year.\"},"
            "{\"type\":\"paragraph\",\"text\":\"The company said it would look again at the Friday boat once the repairs to the older ferry are done.\"}"
            "]}}</script></body></html>",
            NULL, NULL);
    body = json_string_value(json_object_get(o, "body"));
    assert_non_null(strstr(body, "rebuild the old stone pier"));
    assert_non_null(strstr(body, "June session"));
    assert_null(strstr(body, "ferry company"));
    json_decref(o);
}

static void test_document_unchanged(void **state)
{
    (void)state;
    const char *html = "<html><body><nav><a href='/'>Home</a></nav><article><h1>T</h1>" P1
                       "<div class='share'>Share</div>" P2 P3 "</article><footer>F</footer></body></html>";
    struct mw_err err = {0};
    htmlDocPtr doc = mw_html_parse(html, strlen(html), NULL, &err);
    xmlChar *before = NULL, *after = NULL;
    int nb = 0, na = 0;
    htmlDocDumpMemory(doc, &before, &nb);
    json_t *o = mw_generic_extract(doc, NULL, NULL, &err);
    assert_non_null(o);
    htmlDocDumpMemory(doc, &after, &na);
    assert_int_equal(nb, na);
    assert_string_equal((char *)before, (char *)after);
    xmlFree(before);
    xmlFree(after);
    json_decref(o);
    xmlFreeDoc(doc);
}

/* A long article (some thousand paragraphs, headings, links, tables, boxes of linked list items): the node
 * table is shrunk before the body is built, which must not change what the body is. */
static void test_long_article(void **state)
{
    (void)state;
    struct mw_buf b;
    mw_buf_init(&b, 0);
    mw_buf_appends(&b, "<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav><article><h1>Long</h1>");
    for (int i = 0; i < 3000; i++) {
        if (i % 40 == 0)
            mw_buf_printf(&b, "<h2>Part %d of the long report</h2>\n", i / 40);
        mw_buf_printf(&b, "<p>Paragraph %d: the council, which met <b>late</b> on <a href='/m'>Monday</a>, said "
                          "the pier would be rebuilt, and the ferry, the port and the harbour would stay open.</p>\n", i);
        if (i % 300 == 7)
            mw_buf_appends(&b, "<div><ul><li>Tide table 0 for the week is printed, ask at the <a href='/t0'>desk of "
                               "the harbour master</a></li><li>Tide table 1 for the week is printed, ask at the <a "
                               "href='/t1'>desk of the harbour master</a></li><li>Tide table 2 for the week is "
                               "printed, ask at the <a href='/t2'>desk of the harbour master</a></li></ul></div>"
                               "<table><tr><td>Cost</td><td>4 million</td></tr></table>");
    }
    mw_buf_appends(&b, "</article><footer>Footer</footer></body></html>");
    json_t *o = run(b.data, "https://example.org/news/long.html", NULL);
    const char *body = json_string_value(json_object_get(o, "body"));
    assert_non_null(strstr(body, "Paragraph 0: the council, which met late on Monday, said"));
    assert_non_null(strstr(body, "Paragraph 2999:"));
    assert_non_null(strstr(body, "Part 74 of the long report\n\nParagraph 2960:"));
    assert_non_null(strstr(body, "stay open.\n\nCost\n\n4 million\n\nParagraph 8:"));
    assert_null(strstr(body, "Tide table"));   /* a box of list items, a third link, inside the content: junk */
    assert_null(strstr(body, "Home"));
    assert_null(strstr(body, "Footer"));
    json_decref(o);
    mw_buf_free(&b);
}

/* What `moonwire new` is told the extractor chose: the content root, and the boilerplate inside it as elements,
 * outermost only; the article's own paragraphs are none of them. */
static void test_pick(void **state)
{
    (void)state;
    const char *html = rows[0].html;
    struct mw_err err = {0};
    htmlDocPtr doc = mw_html_parse(html, strlen(html), NULL, &err);
    assert_non_null(doc);
    struct mw_generic_pick pick;
    assert_int_equal(mw_generic_pick(doc, &pick), MW_OK);
    assert_non_null(pick.root);
    int newsletter = 0, related = 0;
    for (size_t i = 0; i < pick.ndropped; i++) {
        xmlNodePtr n = pick.dropped[i];
        assert_int_equal(n->type, XML_ELEMENT_NODE);
        xmlChar *cls = xmlGetProp(n, BAD_CAST "class"), *text = xmlNodeGetContent(n);
        newsletter += cls && !strcmp((char *)cls, "newsletter-signup");
        related += cls && !strcmp((char *)cls, "related-stories");
        if (text && (strstr((char *)text, "rebuild the old stone pier") || strstr((char *)text, "stand for a century")))
            fail_msg("dropped <%s class='%s'> holds the article's text", n->name, cls ? (char *)cls : "");
        xmlFree(cls);
        xmlFree(text);
        for (xmlNodePtr p = n->parent; p && p != pick.root; p = p->parent)
            for (size_t k = 0; k < pick.ndropped; k++)
                if (pick.dropped[k] == p)
                    fail_msg("dropped <%s> is inside another dropped element", n->name);
    }
    assert_int_equal(newsletter, 1);
    assert_int_equal(related, 1);
    mw_generic_pick_free(&pick);
    xmlFreeDoc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_paragraphs_and_lead),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_state_blob),
        cmocka_unit_test(test_document_unchanged),
        cmocka_unit_test(test_long_article),
        cmocka_unit_test(test_pick),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
