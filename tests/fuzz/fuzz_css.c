/* tests/fuzz/fuzz_css.c: a selector -> XPath (doc/css.c), then evaluated on a small page with an
 * operation limit. */
#include "fuzz.h"
#include "doc/css.h"
#include "doc/html.h"

#define PAGE "<html><head><title>t</title></head><body><nav><a href='/'>Home</a></nav>" \
             "<article id='a' class='story main' lang='en-GB'><h1>H</h1><p class='lead'>L <b>b</b></p><p>P</p>" \
             "<ul><li>1</li><li>2</li><li>3</li></ul><div><div><span data-x='y z'>deep</span></div></div>" \
             "<img src='i.jpg'></article><fb:like></fb:like><footer>F</footer></body></html>"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static htmlDocPtr doc;
    static struct mw_css_cache *cache;
    if (!doc) {
        struct mw_err e = {0};
        doc = mw_html_parse(PAGE, strlen(PAGE), NULL, &e);
        cache = mw_css_cache_new(16);
    }
    char *sel = fz_dup(data, size);
    char *xp = NULL;
    struct mw_err err = {0};
    if (mw_css_to_xpath(sel, &xp, &err) == 0) {
        free(xp);
        mw_err_clear(&err);
        unsigned long ops = 0;
        xmlXPathObjectPtr r = mw_css_select_limit(cache, (xmlNodePtr)doc, sel, 2000000, &ops, &err);
        xmlXPathFreeObject(r);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        r = mw_css_select_limit(NULL, root ? root : (xmlNodePtr)doc, sel, 2000000, &ops, &err);
        xmlXPathFreeObject(r);
    }
    free(sel);
    return 0;
}
