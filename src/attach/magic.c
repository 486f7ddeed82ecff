/*
 * magic.c: the jarvis-magic plugin: libmagic reading a MIME type from
 * bytes. Its database is loaded once, on the first call. Only
 * attach_magic_mime leaves the plugin (src/plugin.map).
 */
#include <errno.h>
#include <magic.h>
#include <stddef.h>
#include <string.h>

#include "jarvis/util.h"

/* The MIME type of data (static storage of libmagic), or NULL with a cause. */
const char *attach_magic_mime(const void *data, size_t n, char **cause);

const char *attach_magic_mime(const void *data, size_t n, char **cause)
{
	static magic_t m;
	if (m == NULL) {
		m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
		if (m == NULL || magic_load(m, NULL) == -1) {
			set_cause(cause, "cannot load the file-type database: %s",
			          m ? magic_error(m) : strerror(errno));
			if (m != NULL)
				magic_close(m);
			m = NULL;
			return NULL;
		}
	}
	const char *mime = magic_buffer(m, data, n);
	if (mime == NULL)
		set_cause(cause, "%s", magic_error(m) ? magic_error(m) : "libmagic failed");
	return mime;
}
