/* tests/plugins/badabi.c: a plugin built for ABI 7. Its other fields are junk on purpose: the loader must
 * look at abi before anything else. */
#include "plugin.h"

static const struct mw_plugin P = {7, NULL, NULL, (const struct mw_sink_ops *)1, (const struct mw_source_ops *)1};
const struct mw_plugin *moonwire_plugin(void);
const struct mw_plugin *moonwire_plugin(void) { return &P; }
