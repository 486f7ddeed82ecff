/* plugin_abi.c: linked into every plugin; plugin.c refuses one that differs. */
#include "jarvis/plugin.h"

extern const char jarvis_plugin_abi[];
const char jarvis_plugin_abi[] = JARVIS_PLUGIN_ABI;
