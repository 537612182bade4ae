/* extract/kind.c: the page's kind (article, paywalled, listing, consent, error) from one walk over the document
 * (visible text, links that read as headlines, consent and error wording) and what metadata and the record say.
 * Finding the text itself is extract/generic.c; reading the metadata meta/. */
#include "extract/kind.h"
#include "common/buf.h"
#include "doc/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEXT_CAP 20000     /* visible characters read: enough to judge, cheap on long pages */
#define TEASERS_ENOUGH 8   /* headline links that make a listing, when the text is thin */

struct walk {
    long text;       /* visible characters (capped) */
    int teasers;     /* links whose text reads as a headline (four words or more) */
    int consent;     /* consent wording met */
    int feed;        /* the root is a sitemap or a feed */
};

static const char *const consent_words[] = {
    "cookie", "consent", "gdpr", "einwilligung", "zustimmen", "zustimmung", "datenschutzeinstellungen",
    "alle akzeptieren", "accept all", "tout accepter", "aceptar todo", "accetta tutto", "aceitar tudo",
    "before you continue", "bevor sie fortfahren", "avant de continuer", "manage preferences",
    "privacy settings", "our partners", "unsere partner", "nos partenaires", "vendors", NULL};

static const char *const error_words[] = {
    "404", "not found", "page not found", "error 500", "server error", "seite nicht gefunden",
    "nicht gefunden", "seite existiert nicht", "page introuvable", "page non trouvée", "página no encontrada",
    "pagina non trovata", "página não encontrada", "траница не найдена", "торінку не знайдено", /* first letter off: it may be a capital */ "sayfa bulunamadı",
    "الصفحة غير موجودة", "ページが見つかりません", "页面不存在", "找不到页面", "페이지를 찾을 수 없습니다", NULL};

/* Occurrences of words (lower case) in s, which is lowered (ASCII) in place: strstr is many times faster
 * than strcasestr on a page's text. */
static int count_in(char *s, const char *const *words)
{
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    int n = 0;
    for (int i = 0; words[i]; i++)
        for (const char *p = s; (p = strstr(p, words[i])) != NULL; p += strlen(words[i]))
            n++;
    return n;
}

static int skipped(xmlNodePtr n)
{
    static const char *const names[] = {"script", "style", "noscript", "template", "head", "svg", NULL};
    for (int i = 0; names[i]; i++)
        if (!xmlStrcasecmp(n->name, BAD_CAST names[i]))
            return 1;
    return 0;
}

/* Visible characters (not spaces) and words of a link's text, read in place: no copies. */
static void link_text(xmlNodePtr a, int *chars, int *nwords)
{
    *chars = *nwords = 0;
    int budget = 200;
    for (xmlNodePtr n = a->children; n && budget-- > 0;) {   /* text nodes in document order, inside a */
        if (n->type == XML_TEXT_NODE && n->content) {
            int in = 0;
            for (const xmlChar *p = n->content; *p; p++) {
                int sp = *p <= ' ';
                if (!sp) {
                    (*chars)++;
                    if (!in)
                        (*nwords)++;
                }
                in = !sp;
            }
        }
        n = mw_html_next(n, a, n->type == XML_ELEMENT_NODE);
    }
}

static int is_feed(xmlNodePtr n)
{
    static const char *const feeds[] = {"urlset", "sitemapindex", "rss", "rdf:rdf", NULL};
    for (int i = 0; feeds[i]; i++)
        if (!xmlStrcasecmp(n->name, BAD_CAST feeds[i]))
            return 1;
    return 0;
}

static void walk(xmlNodePtr root, struct walk *w, struct mw_buf *text)
{
    int depth = 0;
    for (xmlNodePtr n = root; n;) {
        /* the HTML parser wraps an XML sitemap or feed in <html><body>: its root element is a few levels down */
        if (n->type == XML_ELEMENT_NODE && depth <= 3 && is_feed(n))
            w->feed = 1;
        int enter = n->type == XML_ELEMENT_NODE && !skipped(n);
        if (n->type == XML_TEXT_NODE && n->content && w->text < TEXT_CAP) {
            const char *t = (const char *)n->content;
            for (const char *p = t; *p; p++)
                w->text += (unsigned char)*p > ' ';
            if (text->len < TEXT_CAP) {
                mw_buf_appends(text, t);
                mw_buf_appendc(text, ' ');
            }
        }
        if (n->type == XML_ELEMENT_NODE && (n->name[0] | 0x20) == 'a' && !n->name[1]) {
            int chars, nw;
            link_text(n, &chars, &nw);
            if (chars >= 16 && nw >= 4)
                w->teasers++;
        }
        if (w->text >= TEXT_CAP && w->teasers >= TEASERS_ENOUGH)
            break;   /* nothing more can change the verdict */
        if (enter && n->children) {
            n = n->children;
            depth++;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            depth--;
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    /* consent wording matters only on short pages (a wall stands in for the page): only they are searched */
    if (w->text < 6000 && text->len)
        w->consent = count_in(text->data, consent_words);
}

static size_t len_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? strlen(s) : 0;
}

/* Article signs in the metadata: a publication date, an Article-kin JSON-LD object, og:type article. */
static int article_meta(const json_t *meta, const json_t *rec)
{
    const char *type = json_string_value(json_object_get(meta, "type"));
    return len_of(meta, "published") || len_of(rec, "published") || json_is_true(json_object_get(meta, "article")) ||
           (type && (strcasestr(type, "article") || strcasestr(type, "posting") || strcasestr(type, "report")));
}

const char *mw_kind_of(xmlDocPtr doc, const json_t *meta, const json_t *rec)
{
    return mw_kind_of_len(doc, meta, rec, len_of(rec, "body"));
}

const char *mw_kind_of_len(xmlDocPtr doc, const json_t *meta, const json_t *rec, size_t body)
{
    struct walk w = {0};
    int art = article_meta(meta, rec);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root && !art) {   /* with article metadata only the title and the metadata can say otherwise */
        struct mw_buf text;
        mw_buf_init(&text, TEXT_CAP + 4096);
        walk(root, &w, &text);
        mw_buf_free(&text);
    }
    if (w.feed)
        return "listing";
    /* an error page says so in its title or headline and has little else */
    const char *title = json_string_value(json_object_get(rec, "title"));
    if (!title)
        title = json_string_value(json_object_get(meta, "title"));
    if (title && body < 1500 && !len_of(rec, "published")) {
        char low[512];
        snprintf(low, sizeof low, "%s", title);
        if (count_in(low, error_words))
            return "error";
    }
    /* a consent wall: consent wording and little other text, no story behind it */
    if (w.consent >= 3 && w.text < 6000 && body < 1500 && !art)
        return "consent";
    if (json_is_false(json_object_get(meta, "accessible")))
        return "paywalled";
    /* a section front: many headline links, little text of its own, nothing saying it is one story */
    if (!art && w.teasers >= TEASERS_ENOUGH && body < 2000 && (long)body * 4 < w.text)
        return "listing";
    if (!art && !body && w.teasers >= 3)
        return "listing";
    return "article";
}
