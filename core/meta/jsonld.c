/* meta/jsonld.c: repairing and parsing JSON-LD script text, and ranking the objects found in it.
 * Reading fields (headline, author, dates) out of the chosen object is meta/meta.c's job. */
#include "meta/jsonld.h"
#include "common/buf.h"

#include <string.h>
#include <strings.h>

#define MAX_VALUES 64

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* A backslash inside a string (s[*i], with a byte after it): a valid escape as it is, \u without four hex
 * digits as a plain u, an escaped control character as \n or a space, any other ("\'") as the character. */
static int repair_escape(const char *s, size_t n, size_t *i, struct mw_buf *b)
{
    char e = s[*i + 1];
    int rc;
    if (strchr("\"\\/bfnrtu", e)) {
        if (e == 'u') {
            int ok = *i + 5 < n;
            for (size_t k = 2; ok && k < 6; k++)
                ok = strchr("0123456789abcdefABCDEF", s[*i + k]) != NULL;
            if (!ok) {
                *i += 2;
                return mw_buf_append(b, "u", 1) ? -1 : 0;
            }
        }
        rc = mw_buf_append(b, s + *i, 2);
    } else if ((unsigned char)e < 0x20) {
        rc = mw_buf_appends(b, e == '\n' ? "\\n" : " ");
    } else {
        rc = mw_buf_append(b, &e, 1);
    }
    *i += 2;
    return rc ? -1 : 0;
}

/* Inside a string, from s[*i]: escapes, runs of plain bytes, the closing quote, raw control characters. */
static int repair_in_string(const char *s, size_t n, size_t *i, int *in_str, struct mw_buf *b)
{
    char c = s[*i];
    if (c == '\\' && *i + 1 < n)
        return repair_escape(s, n, i, b);
    if (c != '"' && (unsigned char)c >= 0x20) {   /* a run of plain bytes: copied at once */
        size_t k = *i + 1;
        while (k < n && s[k] != '"' && s[k] != '\\' && (unsigned char)s[k] >= 0x20)
            k++;
        if (mw_buf_append(b, s + *i, k - *i))
            return -1;
        *i = k;
        return 0;
    }
    if (c == '"')
        *in_str = 0;
    (*i)++;
    if ((unsigned char)c < 0x20)
        return mw_buf_appends(b, c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "" : " ") ? -1 : 0;
    return mw_buf_append(b, &c, 1) ? -1 : 0;
}

/* Outside strings, at s[i]: where what is dropped there ends (comments, HTML comment and CDATA markers, a
 * comma before a closing bracket), or i itself when nothing is. */
static size_t skip_outside(const char *s, size_t n, size_t i)
{
    char c = s[i];
    if (c == '<' && n - i >= 4 && !strncmp(s + i, "<!--", 4))
        return i + 4;
    if (c == '-' && n - i >= 3 && !strncmp(s + i, "-->", 3))
        return i + 3;
    if (c == '<' && n - i >= 9 && !strncmp(s + i, "<![CDATA[", 9))
        return i + 9;
    if (c == ']' && n - i >= 3 && !strncmp(s + i, "]]>", 3))
        return i + 3;
    if (c == '/' && i + 1 < n && s[i + 1] == '/') {
        while (i < n && s[i] != '\n')
            i++;
        return i;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
        for (size_t k = i + 2; k + 1 < n; k++)
            if (s[k] == '*' && s[k + 1] == '/')
                return k + 2;
        return n;
    }
    if (c == ',') {
        size_t k = i + 1;
        while (k < n && is_ws(s[k]))
            k++;
        if (k < n && (s[k] == '}' || s[k] == ']'))
            return i + 1;
    }
    return i;
}

/* Rewrite text into JSON that jansson accepts: what is outside strings loses comments, HTML comment and CDATA
 * markers and commas before a closing bracket; what is inside strings gets its raw control characters escaped
 * and invalid escapes ("\'") reduced to the character. */
static int repair(const char *s, size_t n, struct mw_buf *b)
{
    size_t i = 0;
    int in_str = 0;
    while (i < n) {
        if (in_str) {
            if (repair_in_string(s, n, &i, &in_str, b))
                return -1;
            continue;
        }
        char c = s[i];
        size_t to = c == '"' ? i : skip_outside(s, n, i);
        if (to != i) {
            i = to;
            continue;
        }
        in_str = c == '"';
        size_t k = i + 1;   /* the run of bytes up to the next that may start something to rewrite */
        while (c != '"' && k < n && !strchr("\"<-]/,", s[k]))
            k++;
        if (mw_buf_append(b, s + i, k - i))
            return -1;
        i = k;
    }
    return 0;
}

int mw_jsonld_parse(const char *text, size_t n, json_t *out)
{
    struct mw_buf b;
    mw_buf_init(&b, 64u << 20);
    if (!text || mw_buf_reserve(&b, n + 1) || repair(text, n, &b) || !b.data) {
        mw_buf_free(&b);
        return 0;
    }
    int count = 0;
    size_t off = 0;
    while (off < b.len && count < MAX_VALUES) {
        while (off < b.len && (is_ws(b.data[off]) || b.data[off] == ',' || b.data[off] == ';'))
            off++;
        if (off >= b.len)
            break;
        json_error_t e;
        json_t *v = json_loadb(b.data + off, b.len - off, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &e);
        if (v) {
            if (json_is_object(v) || json_is_array(v)) {
                json_array_append_new(out, v);
                count++;
            } else
                json_decref(v);
            off += e.position > 0 ? (size_t)e.position : 1;
            continue;
        }
        /* Skip what could not be read to the next value that may start an object. */
        size_t k = off + 1;
        while (k < b.len && b.data[k] != '{' && b.data[k] != '[')
            k++;
        off = k;
    }
    mw_buf_free(&b);
    return count;
}

static const char *short_type(const char *t)
{
    const char *p = strrchr(t, '/');
    if (p)
        t = p + 1;
    p = strrchr(t, ':');
    return p ? p + 1 : t;
}

int mw_jsonld_is_type(json_t *obj, const char *type)
{
    json_t *t = json_object_get(obj, "@type");
    if (json_is_string(t))
        return strcasecmp(short_type(json_string_value(t)), type) == 0;
    size_t i;
    json_t *v;
    json_array_foreach(t, i, v) {
        if (json_is_string(v) && strcasecmp(short_type(json_string_value(v)), type) == 0)
            return 1;
    }
    return 0;
}

static int rank_name(const char *t)
{
    static const char *const news[] = {"NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
                                       "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle",
                                       "AskPublicNewsArticle", NULL};
    static const char *const art[] = {"Article", "BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle",
                                      "TechArticle", "SatiricalArticle", "SocialMediaPosting", "DiscussionForumPosting",
                                      "Posting", NULL};
    static const char *const page[] = {"WebPage", "ItemPage", "AboutPage", "FAQPage", "QAPage", NULL};
    t = short_type(t);
    for (int i = 0; news[i]; i++)
        if (!strcasecmp(t, news[i])) return 10;
    for (int i = 0; art[i]; i++)
        if (!strcasecmp(t, art[i])) return 8;
    if (!strcasecmp(t, "ClaimReview") || !strcasecmp(t, "Review")) return 7;
    for (int i = 0; page[i]; i++)
        if (!strcasecmp(t, page[i])) return 3;
    return 0;
}

int mw_jsonld_rank(json_t *obj)
{
    if (!json_is_object(obj))
        return 0;
    json_t *t = json_object_get(obj, "@type");
    int best = 0;
    if (json_is_string(t))
        best = rank_name(json_string_value(t));
    size_t i;
    json_t *v;
    json_array_foreach(t, i, v) {
        if (json_is_string(v) && rank_name(json_string_value(v)) > best)
            best = rank_name(json_string_value(v));
    }
    int has_headline = json_is_string(json_object_get(obj, "headline"));
    if (best == 3 && !has_headline && !json_object_get(obj, "datePublished"))
        return 0; /* a WebPage that says nothing about an article */
    if (best == 0 && has_headline)
        best = 1;
    return best;
}

struct pick {
    json_t *best;
    int score;
};

static void consider(json_t *v, struct pick *p, int depth)
{
    if (depth > 6 || !v)
        return;
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) consider(x, p, depth + 1);
        return;
    }
    if (!json_is_object(v))
        return;
    int r = mw_jsonld_rank(v);
    if (r) {
        int s = r * 4 + json_is_string(json_object_get(v, "headline")) + (json_object_get(v, "datePublished") != NULL) +
                (json_object_get(v, "author") != NULL);
        if (s > p->score) {
            p->score = s;
            p->best = v;
        }
    }
    consider(json_object_get(v, "@graph"), p, depth + 1);
    consider(json_object_get(v, "mainEntity"), p, depth + 1);
}

json_t *mw_jsonld_article(json_t *values)
{
    struct pick p = {NULL, 0};
    consider(values, &p, 0);
    return p.best;
}
