/*
 * plugin.c: loading the optional plugins (see plugin.h). Each is opened
 * once and kept for the life of the process; nothing is ever unloaded.
 */
#include "jarvis/plugin.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
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

/* Room for every plugin the Makefile builds (PLUGIN_NAMES), with some to spare. */
static struct loaded loaded[16];
static size_t nloaded;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * True for the programs of the build itself: the jarvis it linked and what
 * lies under its build directory (tests, the sanitizer build). A copy made
 * by make install, even into a staging tree, is neither.
 */
static bool running_from_build(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	/*
	 * A make that relinks jarvis while it runs unlinks the file it was started
	 * from, and the kernel then names it "PATH (deleted)": it is still the
	 * build's, and its plugins are still the build tree's.
	 */
	static const char deleted[] = " (deleted)";
	size_t dn = sizeof deleted - 1;
	if ((size_t)n > dn && strcmp(exe + n - dn, deleted) == 0)
		exe[n - dn] = '\0';
	size_t root = strlen(JARVIS_BUILD_ROOT);
	return strcmp(exe, JARVIS_BUILD_BIN) == 0 ||
	       (strncmp(exe, JARVIS_BUILD_ROOT, root) == 0 && exe[root] == '/');
}

/* A plugin from another build could lay out struct store_engine differently. */
static bool same_abi(void *h)
{
	const char *abi = dlsym(h, "jarvis_plugin_abi");
	return abi != NULL && strcmp(abi, JARVIS_PLUGIN_ABI) == 0;
}

static void *open_plugin(const char *name, char **cause)
{
	for (size_t i = 0; i < nloaded; i++)
		if (strcmp(loaded[i].name, name) == 0)
			return loaded[i].handle;
	const char *dirs[] = {secure_getenv("JARVIS_LIBDIR"),
	                      running_from_build() ? JARVIS_BUILD_LIBDIR : NULL,
	                      JARVIS_INSTALL_LIBDIR};
	struct buf tried;
	buf_init(&tried, BUF_LINE_MAX);
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		char *path = xasprintf("%s/jarvis-%s.so", dirs[i], name);
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (h != NULL && !same_abi(h)) {
			dlclose(h);
			buf_addf(&tried, "%s%s (from another version of Jarvis)",
			         tried.len ? "; " : "", path);
			free(path);
			continue;
		}
		if (h != NULL && nloaded < ARRAY_LEN(loaded)) {
			free(path);
			buf_release(&tried);
			loaded[nloaded].name = xstrdup(name);
			loaded[nloaded].handle = h;
			return loaded[nloaded++].handle;
		}
		/* A plugin that exists but cannot load says why (a missing library). */
		const char *why = h == NULL ? dlerror() : "too many plugins";
		buf_addf(&tried, "%s%s (%s)", tried.len ? "; " : "", path, why ? why : "?");
		free(path);
	}
	set_cause(cause, "jarvis-%s.so could not be loaded: %s; run make install", name,
	          tried.len > 0 ? tried.data : "no directory to look in");
	buf_release(&tried);
	return NULL;
}

void *plugin_symbol(const char *name, const char *symbol, char **cause)
{
	/* The worker (store) and the loop (attachments) may both get here. */
	pthread_mutex_lock(&lock);
	void *h = open_plugin(name, cause);
	pthread_mutex_unlock(&lock);
	if (h == NULL)
		return NULL;
	void *sym = dlsym(h, symbol);
	if (sym == NULL)
		set_cause(cause, "jarvis-%s.so has no %s: reinstall Jarvis", name, symbol);
	return sym;
}
