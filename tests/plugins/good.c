/* tests/plugins/good.c: a minimal valid sink; -DTAG="..." sets its version, so tests can tell which copy of
 * several on the search path was loaded. */
#include "plugin.h"

#ifndef TAG
#define TAG "good"
#endif
static int op(void **s, const char *c, char *e, size_t n) { (void)c, (void)e, (void)n; *s = 0; return 0; }
static void cl(void *s) { (void)s; }
static const struct mw_sink_ops S = {op, 0, 0, 0, cl};
static const struct mw_plugin P = {MW_PLUGIN_ABI, "good", TAG, &S, 0};
const struct mw_plugin *moonwire_plugin(void);
const struct mw_plugin *moonwire_plugin(void) { return &P; }
