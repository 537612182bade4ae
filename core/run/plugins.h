/* run/plugins.h: loading plugins (core/plugin.h ABI) with dlopen(RTLD_NOW | RTLD_LOCAL): the entry symbol
 * is looked up and the ABI version checked before anything else; a failure is one error naming the file and
 * the symbol. */
#ifndef MW_PLUGINS_H
#define MW_PLUGINS_H

#include "common/err.h"
#include "plugin.h"

struct mw_plugin_lib;

/* name: "warc" (searched as <dir>/warc.so in each of MOONWIRE_PLUGIN_PATH's ':'-separated dirs, then dirs,
 * NULL-terminated, may be NULL) or a path containing '/'. Owned: mw_plugin_unload. NULL with err. */
struct mw_plugin_lib *mw_plugin_load(const char *name, const char *const *dirs, struct mw_err *err);
/* The plugin's description (borrowed; valid until unload). */
const struct mw_plugin *mw_plugin_info(const struct mw_plugin_lib *lib);
/* The file that was loaded (borrowed). */
const char *mw_plugin_path(const struct mw_plugin_lib *lib);
void mw_plugin_unload(struct mw_plugin_lib *lib);

#endif
