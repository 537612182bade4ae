/* story/html.c: a comparison (compare.c's JSON) as one self-contained HTML page: the outlets as columns, each
 * with its time, lag, title, dateline, sources, quotes and spellings above its text; a sentence shared with
 * other outlets links to them (hover or click highlights them), a sentence only this outlet has is marked.
 * Inline CSS and script only: the page works offline and fetches nothing. */
#include "story/story.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

static void esc(struct mw_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': mw_buf_appends(b, "&lt;"); break;
        case '>': mw_buf_appends(b, "&gt;"); break;
        case '&': mw_buf_appends(b, "&amp;"); break;
        case '"': mw_buf_appends(b, "&quot;"); break;
        default: mw_buf_appendc(b, *s);
        }
    }
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static const char CSS[] =
    "body{margin:0;font:14px/1.45 system-ui,sans-serif;background:#eef0f3;color:#1b1b1b}"
    "header{padding:14px 20px;background:#fff;border-bottom:1px solid #ccd}"
    "header h1{margin:0 0 4px;font-size:20px}header p{margin:2px 0;color:#444}"
    ".legend span{display:inline-block;padding:0 6px;margin-right:8px;border-radius:3px}"
    ".cols{display:grid;gap:14px;padding:14px 20px;align-items:start}"
    ".col{background:#fff;border:1px solid #ccd;border-radius:6px;overflow:hidden;min-width:0}"
    ".head{background:#1d3557;color:#fff;padding:10px 12px}.head h2{margin:0;font-size:16px}"
    ".head p{margin:2px 0 0;font-size:12px;color:#dfe7f2}"
    ".meta{padding:8px 12px;border-bottom:1px solid #e3e3ea}.meta h3{margin:0 0 6px;font-size:15px}"
    ".meta dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:1px 8px;font-size:12px}"
    ".meta dt{color:#666}.meta dd{margin:0}"
    ".block{padding:6px 12px;border-bottom:1px solid #e3e3ea;font-size:12.5px}"
    ".block h4{margin:0 0 4px;font-size:11px;text-transform:uppercase;color:#666;letter-spacing:.04em}"
    ".block ul{margin:0;padding-left:16px}.chips{list-style:none;padding:0!important}"
    ".chips li{display:inline-block;margin:0 4px 4px 0;padding:1px 7px;border-radius:10px;background:#e8ecf5}"
    ".chips li.agency{background:#ffe3b3}.chips li.outlet{background:#d9f0d9}"
    ".text{padding:8px 12px}.s{display:block;margin:0 0 6px;padding:2px 4px;border-radius:3px;cursor:pointer}"
    ".s.u{background:#fff1a8}.s.sh{border-left:3px solid #7aa2d8}.s.hot{background:#c7dcff!important}"
    ".s .k{font-size:10px;color:#4a6fa5;margin-left:4px}";

static const char SCRIPT[] =
    "document.querySelectorAll('.s').forEach(function(e){"
    "function mark(on){(e.dataset.links||'').split(' ').forEach(function(id){var o=document.getElementById(id);"
    "if(o)o.classList.toggle('hot',on)});e.classList.toggle('hot',on)}"
    "e.addEventListener('mouseenter',function(){mark(true)});e.addEventListener('mouseleave',function(){mark(false)});"
    "e.addEventListener('click',function(){var f=(e.dataset.links||'').split(' ')[0];var o=f&&document.getElementById(f);"
    "if(o)o.scrollIntoView({behavior:'smooth',block:'center'})})});";

static void head(struct mw_buf *b, const json_t *m)
{
    mw_buf_appends(b, "<div class=\"head\"><h2>");
    esc(b, jstr(m, "outlet"));
    mw_buf_appends(b, "</h2><p>");
    const char *utc = jstr(m, "published_utc");
    if (*utc) {
        mw_buf_printf(b, "%.10s %.5s UTC", utc, utc + 11);
        if (*jstr(m, "lag"))
            mw_buf_printf(b, " · %s", jstr(m, "lag"));
    } else {
        mw_buf_appends(b, "no date");
    }
    mw_buf_appends(b, "</p></div>");
}

static void meta(struct mw_buf *b, const json_t *m)
{
    mw_buf_appends(b, "<div class=\"meta\"><h3>");
    esc(b, *jstr(m, "title") ? jstr(m, "title") : "(no title)");
    mw_buf_appends(b, "</h3><dl>");
    if (*jstr(m, "dateline")) {
        mw_buf_appends(b, "<dt>dateline</dt><dd>");
        esc(b, jstr(m, "dateline"));
        mw_buf_appends(b, "</dd>");
    }
    json_t *a = json_object_get(m, "authors");
    if (json_array_size(a)) {
        mw_buf_appends(b, "<dt>by</dt><dd>");
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) {
            if (i)
                mw_buf_appends(b, ", ");
            esc(b, json_string_value(v));
        }
        mw_buf_appends(b, "</dd>");
    }
    mw_buf_printf(b, "<dt>length</dt><dd>%lld words</dd>", (long long)json_integer_value(json_object_get(m, "words")));
    if (*jstr(m, "url")) {
        mw_buf_appends(b, "<dt>url</dt><dd>");
        esc(b, jstr(m, "url"));
        mw_buf_appends(b, "</dd>");
    }
    mw_buf_appends(b, "</dl></div>");
}

static void blocks(struct mw_buf *b, const json_t *m)
{
    size_t i;
    json_t *v;
    mw_buf_appends(b, "<div class=\"block sources\"><h4>Sources cited</h4><ul class=\"chips\">");
    json_array_foreach(json_object_get(m, "sources"), i, v) {
        mw_buf_printf(b, "<li class=\"%s\" title=\"", jstr(v, "kind"));
        esc(b, jstr(v, "cue"));
        mw_buf_appends(b, "\">");
        esc(b, jstr(v, "source"));
        long long n = json_integer_value(json_object_get(v, "count"));
        if (n > 1)
            mw_buf_printf(b, " ×%lld", n);
        mw_buf_appends(b, "</li>");
    }
    if (!json_array_size(json_object_get(m, "sources")))
        mw_buf_appends(b, "<li>none named</li>");
    mw_buf_appends(b, "</ul></div><div class=\"block quotes\"><h4>Quotes</h4><ul>");
    json_array_foreach(json_object_get(m, "quotes"), i, v) {
        mw_buf_appends(b, "<li>“");
        esc(b, jstr(v, "quote"));
        mw_buf_appends(b, "” — <b>");
        esc(b, *jstr(v, "speaker") ? jstr(v, "speaker") : "unattributed");
        mw_buf_appends(b, "</b></li>");
    }
    mw_buf_appends(b, "</ul></div>");
    json_t *names = json_object_get(m, "names");
    if (json_array_size(names)) {
        mw_buf_appends(b, "<div class=\"block names\"><h4>Names spelled</h4><ul>");
        json_array_foreach(names, i, v) {
            mw_buf_appends(b, "<li>");
            size_t k;
            json_t *s;
            json_array_foreach(json_object_get(v, "spelled"), k, s) {
                if (k)
                    mw_buf_appends(b, " / ");
                esc(b, json_string_value(s));
            }
            mw_buf_appends(b, " <span style=\"color:#777\">(");
            esc(b, jstr(v, "name"));
            mw_buf_appends(b, ")</span></li>");
        }
        mw_buf_appends(b, "</ul></div>");
    }
}

static void text(struct mw_buf *b, const json_t *m, size_t self, size_t others)
{
    size_t i;
    json_t *s;
    mw_buf_printf(b, "<div class=\"text\"><h4 style=\"margin:0 0 6px;font-size:11px;color:#666\">TEXT · %lld only "
                     "here · %lld shared</h4>",
                  (long long)json_integer_value(json_object_get(m, "unique_sentences")),
                  (long long)json_integer_value(json_object_get(m, "shared_sentences")));
    json_array_foreach(json_object_get(m, "sentences"), i, s) {
        long long k = json_integer_value(json_object_get(s, "k"));
        mw_buf_printf(b, "<span class=\"s %s\" id=\"m%zus%zu\" data-links=\"", k ? "sh" : "u", self, i);
        size_t j;
        json_t *w;
        json_array_foreach(json_object_get(s, "shared_with"), j, w)
            mw_buf_printf(b, "%sm%llds%lld", j ? " " : "", (long long)json_integer_value(json_array_get(w, 0)),
                          (long long)json_integer_value(json_array_get(w, 1)));
        mw_buf_printf(b, "\" title=\"%s\">", k ? "shared with other outlets" : "only this outlet");
        esc(b, jstr(s, "text"));
        if (k)
            mw_buf_printf(b, "<span class=\"k\">%lld/%zu</span>", k, others);
        mw_buf_appends(b, "</span>");
    }
    mw_buf_appends(b, "</div>");
}

char *mw_story_html(const json_t *cmp)
{
    struct mw_buf b;
    mw_buf_init(&b, 0);
    json_t *members = json_object_get(cmp, "members");
    size_t n = json_array_size(members), i;
    json_t *m;
    mw_buf_printf(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>moonwire story %lld</title>"
                      "<style>%s</style></head><body>\n<header><h1>Story %lld</h1><p>%zu articles",
                  (long long)json_integer_value(json_object_get(cmp, "story")), CSS,
                  (long long)json_integer_value(json_object_get(cmp, "story")), n);
    if (*jstr(cmp, "first_published"))
        mw_buf_printf(&b, " · first published %s", jstr(cmp, "first_published"));
    mw_buf_appends(&b, "</p><p class=\"legend\"><span style=\"background:#fff1a8\">only this outlet</span>"
                       "<span style=\"border-left:3px solid #7aa2d8\">shared (hover: where)</span>"
                       "<span style=\"background:#ffe3b3\">agency</span><span style=\"background:#d9f0d9\">outlet"
                       "</span></p></header>\n");
    mw_buf_printf(&b, "<main class=\"cols\" style=\"grid-template-columns:repeat(%zu,minmax(240px,1fr))\">\n",
                  n ? n : 1);
    json_array_foreach(members, i, m) {
        const char *lang = jstr(m, "lang");
        mw_buf_printf(&b, "<section class=\"col\" id=\"m%zu\" lang=\"%s\"%s>", i, lang,
                      !strcmp(lang, "ar") || !strcmp(lang, "fa") || !strcmp(lang, "he") ? " dir=\"rtl\"" : "");
        head(&b, m);
        meta(&b, m);
        blocks(&b, m);
        text(&b, m, i, n - 1);
        mw_buf_appends(&b, "</section>\n");
    }
    mw_buf_printf(&b, "</main>\n<script>%s</script>\n</body></html>\n", SCRIPT);
    return mw_buf_steal(&b, NULL);
}
