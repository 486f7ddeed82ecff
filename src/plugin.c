/*
 * plugin.c: loading the optional plugins (see plugin.h). Each is opened
 * once and kept for the life of the process; nothing is ever unloaded.
 */
#include "jarvis/plugin.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/buf.h"
#include "jarvis/util.h"
#include "paths.h"

struct loaded {
	char *name;
	void *handle;
};

static struct loaded loaded[8];
static size_t nloaded;

/* True when this executable lies inside the source tree it was built from. */
static bool running_from_source(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	size_t root = strlen(JARVIS_SOURCE_ROOT);
	return strncmp(exe, JARVIS_SOURCE_ROOT, root) == 0 && exe[root] == '/';
}

static void *open_plugin(const char *name, char **cause)
{
	for (size_t i = 0; i < nloaded; i++)
		if (strcmp(loaded[i].name, name) == 0)
			return loaded[i].handle;
	const char *dirs[] = {getenv("JARVIS_LIBDIR"),
	                      running_from_source() ? JARVIS_BUILD_LIBDIR : NULL,
	                      JARVIS_INSTALL_LIBDIR};
	struct buf tried;
	buf_init(&tried, 0);
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		char *path = xasprintf("%s/jarvis-%s.so", dirs[i], name);
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (h != NULL && nloaded < ARRAY_LEN(loaded)) {
			free(path);
			buf_free(&tried);
			loaded[nloaded].name = xstrdup(name);
			loaded[nloaded].handle = h;
			return loaded[nloaded++].handle;
		}
		/* A plugin that exists but cannot load says why (a missing library). */
		const char *why = h == NULL ? dlerror() : "too many plugins";
		buf_printf(&tried, "%s%s (%s)", tried.len ? "; " : "", path, why ? why : "?");
		free(path);
	}
	set_cause(cause, "jarvis-%s.so could not be loaded: %s; run make install", name,
	          tried.data ? tried.data : "no directory to look in");
	buf_free(&tried);
	return NULL;
}

void *plugin_symbol(const char *name, const char *symbol, char **cause)
{
	void *h = open_plugin(name, cause);
	if (h == NULL)
		return NULL;
	void *sym = dlsym(h, symbol);
	if (sym == NULL)
		set_cause(cause, "jarvis-%s.so has no %s: reinstall Jarvis", name, symbol);
	return sym;
}
