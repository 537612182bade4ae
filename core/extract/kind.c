/* extract/kind.c: the page's kind (article, paywalled, listing, consent, error) from one walk over the document
 * (visible text, links that read as headlines, consent and error wording) and what metadata and the record say.
 * Finding the text itself is extract/generic.c; reading the metadata meta/. */
#include "extract/kind.h"
#include "doc/text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEXT_CAP 20000   /* visible characters read: enough to judge, cheap on long pages */

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
    "pagina non trovata", "página não encontrada", "страница не найдена", "Страница не найдена",
    "сторінку не знайдено", "Сторінку не знайдено", "sayfa bulunamadı",
    "الصفحة غير موجودة", "ページが見つかりません", "页面不存在", "找不到页面", "페이지를 찾을 수 없습니다", NULL};

static int count_in(const char *s, const char *const *words)
{
    int n = 0;
    for (int i = 0; words[i]; i++)
        for (const char *p = s; (p = strcasestr(p, words[i])) != NULL; p += strlen(words[i]))
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

static int words(const char *s)
{
    int n = 0, in = 0;
    for (; *s; s++) {
        int sp = *s == ' ';
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

static void walk(xmlNodePtr root, struct walk *w)
{
    /* the HTML parser wraps an XML sitemap or feed in <html><body>: its elements are there all the same */
    static const char *const feeds[] = {"urlset", "sitemapindex", "rss", "rdf:rdf", NULL};
    for (xmlNodePtr n = root; n;) {
        for (int i = 0; feeds[i] && n->type == XML_ELEMENT_NODE; i++)
            if (!xmlStrcasecmp(n->name, BAD_CAST feeds[i]))
                w->feed = 1;
        int enter = n->type == XML_ELEMENT_NODE && !skipped(n);
        if (n->type == XML_TEXT_NODE && n->content && w->text < TEXT_CAP) {
            char *t = mw_text_fold((const char *)n->content, strlen((const char *)n->content), 0);
            if (t && *t) {
                w->text += (long)strlen(t);
                w->consent += count_in(t, consent_words);
            }
            free(t);
        }
        if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST "a")) {
            char *t = mw_text_inline(n);
            if (t && strlen(t) >= 20 && words(t) >= 4)
                w->teasers++;
            free(t);
        }
        if (enter && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
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
    struct walk w = {0};
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root)
        walk(root, &w);
    size_t body = len_of(rec, "body");
    int art = article_meta(meta, rec);
    if (w.feed)
        return "listing";
    /* an error page says so in its title or headline and has little else */
    const char *title = json_string_value(json_object_get(rec, "title"));
    if (!title)
        title = json_string_value(json_object_get(meta, "title"));
    if (title && count_in(title, error_words) && body < 1500 && !len_of(rec, "published"))
        return "error";
    /* a consent wall: consent wording and little other text, no story behind it */
    if (w.consent >= 3 && w.text < 6000 && body < 1500 && !art)
        return "consent";
    if (json_is_false(json_object_get(meta, "accessible")))
        return "paywalled";
    /* a section front: many headline links, little text of its own, nothing saying it is one story */
    if (!art && w.teasers >= 8 && body < 2000 && (long)body * 4 < w.text)
        return "listing";
    if (!art && !body && w.teasers >= 3)
        return "listing";
    return "article";
}
