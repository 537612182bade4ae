/* tests/fuzz/fuzz_css.c: a selector compiled (doc/css.c) and matched on a small page both natively
 * (doc/css_match.c) and through its XPath translation: the two must select the same nodes. */
#include "fuzz.h"
#include "doc/css.h"
#include "doc/html.h"

#include <stdio.h>

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
        xmlNodePtr root = xmlDocGetRootElement(doc);
        xmlNodePtr ctxs[] = {(xmlNodePtr)doc, root ? root : (xmlNodePtr)doc};
        for (int k = 0; k < 2; k++) {
            struct mw_err e1 = {0}, e2 = {0};
            xmlXPathObjectPtr a = mw_css_select(k ? NULL : cache, ctxs[k], sel, &e1);
            xmlXPathObjectPtr b = mw_css_select_xpath(cache, ctxs[k], sel, &e2);
            if (a && b) {
                xmlNodeSetPtr x = a->nodesetval, y = b->nodesetval;
                int nx = x ? x->nodeNr : 0, ny = y ? y->nodeNr : 0;
                if (nx != ny) {
                    fprintf(stderr, "\"%s\": native %d nodes, XPath %d\n", sel, nx, ny);
                    abort();
                }
                for (int i = 0; i < nx; i++)
                    if (x->nodeTab[i] != y->nodeTab[i])
                        abort();
            }
            xmlXPathFreeObject(a);
            xmlXPathFreeObject(b);
        }
    }
    free(sel);
    return 0;
}
