/*
 * plugin.h: the optional heavy dependencies (the MongoDB and SQLite store
 * engines, libmagic) live in small shared objects loaded on first use, so a
 * run that never needs one never maps it: `jarvis -p` as a guest maps
 * neither libmongoc and ICU, nor SQLite, nor libmagic.
 *
 * A plugin jarvis-NAME.so is searched in $JARVIS_LIBDIR, then in the build
 * tree (only by the build's own programs, so an installed copy never loads
 * from a build directory), then in the install directory ($(LIBDIR)/jarvis).
 * One from another build (a different JARVIS_PLUGIN_ABI) is refused.
 */
#ifndef JARVIS_PLUGIN_H
#define JARVIS_PLUGIN_H

/* What every plugin exports as jarvis_plugin_abi; bump when a plugin interface changes. */
#define JARVIS_PLUGIN_ABI "jarvis-plugin-1"

/* The address of symbol in plugin jarvis-NAME.so, or NULL with a cause. */
void *plugin_symbol(const char *name, const char *symbol, char **cause);

#endif
