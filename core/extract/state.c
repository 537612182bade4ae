/* extract/state.c: the article text of a page's inline script state (JSON in <script>): which blobs are read,
 * which array in them is the article's paragraphs, and that array as text. Choosing the body from the markup
 * is extract/generic.c; JSON-LD is meta/jsonld.c. */
#include "extract/state.h"
#include "common/buf.h"
#include "doc/text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *attr(xmlNodePtr x, const char *name)
{
    for (xmlAttrPtr a = x->properties; a; a = a->next)
        if (a->name && !xmlStrcasecmp(a->name, BAD_CAST name))
            return a->children && a->children->content ? (const char *)a->children->content : "";
    return NULL;
}

static int prose(const char *s, size_t n)
{
    if (n < 40)
        return 0;
    int spaces = 0;
    for (size_t i = 0; i < n && spaces < 3; i++)
        if (s[i] == ' ')
            spaces++;
    return spaces >= 3 && strncmp(s, "http", 4);
}

/* The longest prose string in v, looking no deeper than depth. */
static json_t *prose_in(json_t *v, int depth)
{
    if (json_is_string(v))
        return prose(json_string_value(v), json_string_length(v)) ? v : NULL;
    if (depth <= 0)
        return NULL;
    json_t *best = NULL, *x;
    const char *k;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, k, x) {
            json_t *p = prose_in(x, depth - 1);
            if (p && (!best || json_string_length(p) > json_string_length(best)))
                best = p;
        }
    } else if (json_is_array(v) && depth > 1) {
        json_array_foreach(v, i, x) {
            json_t *p = prose_in(x, depth - 1);
            if (p && (!best || json_string_length(p) > json_string_length(best)))
                best = p;
        }
    }
    return best;
}

/* The array whose elements read as consecutive paragraphs, the longest of them (the article's blocks). */
/* 1 when obj has a string member (or one a level down) that is the page's headline: a state blob
 * also carries other stories, and only the one the page shows is its article. */
static int names_title(json_t *obj, const char *title, int depth)
{
    const char *k;
    json_t *x;
    json_object_foreach(obj, k, x) {
        if (json_is_string(x) && json_string_length(x) >= 12 && json_string_length(x) < 400) {
            char *f = mw_text_fold(json_string_value(x), json_string_length(x), 0);
            int hit = f && strlen(f) >= 12 && strcasestr(title, f);
            free(f);
            if (hit)
                return 1;
        } else if (depth > 0 && json_is_object(x) && names_title(x, title, depth - 1)) {
            return 1;
        }
    }
    return 0;
}

struct state_pick {
    const char *title;
    json_t *objs[48];   /* the objects enclosing the walk's position */
    int nobj;
    json_t *best;
    size_t best_len;
};

static void best_array(json_t *v, struct state_pick *sp, int depth)
{
    if (depth > 40)
        return;
    json_t *x;
    const char *k;
    size_t i;
    if (json_is_object(v)) {
        sp->objs[sp->nobj++] = v;
        json_object_foreach(v, k, x)
            best_array(x, sp, depth + 1);
        sp->nobj--;
    } else if (json_is_array(v)) {
        size_t sum = 0, np = 0;
        json_array_foreach(v, i, x) {
            json_t *p = prose_in(x, 3);
            if (p) {
                sum += json_string_length(p);
                np++;
            }
            best_array(x, sp, depth + 1);
        }
        if (np >= 3 && sum > sp->best_len) {
            int titled = 0;
            for (int o = sp->nobj - 1; o >= 0 && o >= sp->nobj - 3 && !titled; o--)
                titled = names_title(sp->objs[o], sp->title, 1);
            if (titled) {
                sp->best = v;
                sp->best_len = sum;
            }
        }
    }
}

/* Markup inside a JSON string ("<p>Text &amp; more</p>") as plain text. */
static void append_plain(struct mw_buf *b, const char *s)
{
    static const struct { const char *e; const char *r; } ents[] = {
        {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&#039;", "'"}, {"&lt;", "<"}, {"&gt;", ">"},
        {"&nbsp;", " "}, {"&apos;", "'"}};
    while (*s) {
        if (*s == '<') {
            const char *e = strchr(s, '>');
            if (e) {
                mw_buf_appendc(b, ' ');
                s = e + 1;
                continue;
            }
        }
        if (*s == '&') {
            size_t k;
            for (k = 0; k < sizeof ents / sizeof *ents; k++)
                if (!strncmp(s, ents[k].e, strlen(ents[k].e)))
                    break;
            if (k < sizeof ents / sizeof *ents) {
                mw_buf_appends(b, ents[k].r);
                s += strlen(ents[k].e);
                continue;
            }
        }
        mw_buf_appendc(b, *s++);
    }
}

/* Every inline script in document order, the first 16 that may hold JSON parsed (see state.h). */
char *mw_state_text(xmlDocPtr doc, const char *title, size_t *chars)
{
    struct mw_buf out;
    mw_buf_init(&out, 0);
    size_t best_len = 0;
    int tries = 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr x = root;
    while (x && tries < 16) {
        if (x->type == XML_ELEMENT_NODE && !xmlStrcasecmp(x->name, BAD_CAST "script") && !attr(x, "src") &&
            x->children && x->children->content) {
            const char *t = (const char *)x->children->content;
            const char *type = attr(x, "type");
            size_t tl = strlen(t);
            const char *start = NULL;
            if (tl > 400 && !(type && strstr(type, "ld+json"))) {
                if (type && strstr(type, "json"))
                    start = t;
                else {
                    const char *eq = strstr(t, "={");
                    const char *eq2 = strstr(t, "= {");
                    start = eq && (!eq2 || eq < eq2) ? eq + 1 : eq2 ? eq2 + 2 : NULL;
                }
            }
            if (start) {
                tries++;
                json_error_t je;
                json_t *j = json_loadb(start, tl - (size_t)(start - t), JSON_DISABLE_EOF_CHECK, &je);
                struct state_pick sp = {.title = title, .best_len = best_len};
                if (j)
                    best_array(j, &sp, 0);
                json_t *arr = sp.best;
                if (arr && sp.best_len > best_len) {
                    best_len = sp.best_len;
                    mw_buf_reset(&out);
                    size_t i;
                    json_t *e;
                    json_array_foreach(arr, i, e) {
                        json_t *p = prose_in(e, 3);
                        if (!p)
                            continue;
                        if (out.len)
                            mw_buf_appends(&out, "\n\n");
                        append_plain(&out, json_string_value(p));
                    }
                }
                json_decref(j);
            }
        }
        if (x->type == XML_ELEMENT_NODE && x->children && xmlStrcasecmp(x->name, BAD_CAST "script")) {
            x = x->children;
            continue;
        }
        while (x && x != root && !x->next)
            x = x->parent;
        if (!x || x == root)
            break;
        x = x->next;
    }
    if (!out.len) {
        mw_buf_free(&out);
        return NULL;
    }
    char *f = mw_text_fold(out.data, out.len, 1);
    mw_buf_free(&out);
    *chars = f ? strlen(f) : 0;
    return f;
}

