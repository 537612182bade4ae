/* tests/plugins/nullentry.c: an entry point that returns NULL. */
#include "plugin.h"

const struct mw_plugin *moonwire_plugin(void);
const struct mw_plugin *moonwire_plugin(void) { return 0; }
