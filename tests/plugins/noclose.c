/* tests/plugins/noclose.c: a sink whose ops lack close. */
#include "plugin.h"

static int op(void **s, const char *c, char *e, size_t n) { (void)c, (void)e, (void)n; *s = 0; return 0; }
static const struct mw_sink_ops S = {op, 0, 0, 0, 0};
static const struct mw_plugin P = {MW_PLUGIN_ABI, "noclose", "1", &S, 0};
const struct mw_plugin *moonwire_plugin(void);
const struct mw_plugin *moonwire_plugin(void) { return &P; }
