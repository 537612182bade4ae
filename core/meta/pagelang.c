/* meta/pagelang.c: the "lang" field: what the markup says (html lang, og:locale, content-language, JSON-LD),
 * else a guess from the text (meta/lang.c). */
#include "meta/internal.h"
#include "common/buf.h"
#include "doc/text.h"
#include "meta/lang.h"

#include <stdlib.h>
#include <string.h>

static char *sample_text(struct mw_meta_ctx *c)
{
    struct mw_buf b;
    mw_buf_init(&b, 16384);
    static const char *const keys[] = {"body", "lead", "title", NULL};
    for (int i = 0; keys[i]; i++) {
        const char *s = json_string_value(json_object_get(c->out, keys[i]));
        if (s && (mw_buf_appends(&b, s) || mw_buf_appendc(&b, ' ')))
            break;
    }
    if (b.len < 400) {
        for (xmlNodePtr n = c->sc->root; n && b.len < 4000;) {
            if (mw_meta_name_is(n, "p")) {
                char *t = mw_text_inline(n);
                if (t) {
                    mw_buf_appends(&b, t);
                    mw_buf_appendc(&b, ' ');
                }
                free(t);
            }
            n = mw_meta_next(n, mw_meta_code_or_p);
        }
    }
    /* an empty buffer is not stolen: mw_buf_steal hands out unterminated memory then */
    char *out = b.len ? mw_buf_steal(&b, NULL) : NULL;
    mw_buf_free(&b);
    return out;
}

void mw_meta_lang(struct mw_meta_ctx *c)
{
    char code[3];
    struct mw_meta_scan *sc = c->sc;
    if (c->opts && c->opts->lang && !mw_lang_normalize(c->opts->lang, code)) {
        mw_meta_set(c, "lang", json_string(code), "opts", "the rule's lang");
        return;
    }
    struct { const char *v; const char *src, *detail; } tags[] = {
        {sc->html_lang, "html", "<html lang>"}, {mw_meta_get(sc, "og:locale"), "og", "og:locale"},
        {mw_meta_get(sc, "content-language"), "meta", "content-language"},
        {mw_meta_get(sc, "language"), "meta", "<meta name=language>"},
        {mw_meta_get(sc, "dc.language"), "meta", "dc.language"},
        {c->art ? mw_meta_ld_str(json_object_get(c->art, "inLanguage")) : NULL, "jsonld", "JSON-LD inLanguage"}};
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
        if (tags[i].v && !mw_lang_normalize(tags[i].v, code)) {
            mw_meta_set(c, "lang", json_string(code), tags[i].src, tags[i].detail);
            return;
        }
    char *t = sample_text(c);
    const char *l = t ? mw_lang_detect(t, strlen(t)) : NULL;
    if (l)
        mw_meta_set(c, "lang", json_string(l), "text", "guessed from the text (script and stop words)");
    free(t);
}
