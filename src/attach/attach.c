/*
 * attach.c: image attachments (see attach.h). libmagic lives in a plugin
 * (src/attach/magic.c) loaded on the first attachment, so starting Jarvis
 * never pays for it.
 */
#include "jarvis/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/base64.h"
#include "jarvis/plugin.h"
#include "jarvis/util.h"

static const char *const accepted[] = {"image/png", "image/jpeg", "image/webp", "image/heic",
                                       "image/heif"};

int attach_mime_ok(const char *mime)
{
	for (size_t i = 0; i < ARRAY_LEN(accepted); i++)
		if (strcmp(mime, accepted[i]) == 0)
			return 1;
	return 0;
}

/* The MIME type libmagic reads from the bytes (in the jarvis-magic plugin). */
static const char *sniff(const void *data, size_t n, char **cause)
{
	static const char *(*magic_mime)(const void *, size_t, char **);
	if (magic_mime == NULL) {
		*(void **)&magic_mime = plugin_symbol("magic", "attach_magic_mime", cause);
		if (magic_mime == NULL)
			return NULL;
	}
	return magic_mime(data, n, cause);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int read_all(int fd, unsigned char *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

int attach_load(const char *path, size_t max_bytes, struct image *img, char **cause)
{
	memset(img, 0, sizeof(*img));
	/* Non-blocking until it is known to be a regular file: a FIFO must not hang us. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1)
		return set_cause(cause, "attach: cannot open %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return set_cause(cause, "attach: %s is not a regular file", path);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	size_t size = (size_t)st.st_size;
	if (size == 0) {
		close(fd);
		return set_cause(cause, "attach: %s is empty", path);
	}
	if (size > max_bytes) {
		close(fd);
		return set_cause(cause,
		                 "attach: %s is %zu bytes, over the %zu-byte limit "
		                 "([limits] max_image_bytes)",
		                 path, size, max_bytes);
	}
	unsigned char *data = xmalloc(size);
	if (read_all(fd, data, size) == -1) {
		close(fd);
		free(data);
		return set_cause(cause, "attach: cannot read %s: %s", path, strerror(errno));
	}
	close(fd);

	char *why = NULL;
	const char *mime = sniff(data, size, &why);
	if (mime == NULL && why != NULL) {
		set_cause(cause, "attach: cannot tell the type of %s: %s", path, why);
		free(why);
		free(data);
		return -1;
	}
	if (mime == NULL || !attach_mime_ok(mime)) {
		set_cause(cause,
		          "attach: %s is %s; Gemini takes PNG, JPEG, WebP, HEIC or HEIF images",
		          path, mime ? mime : "of an unknown type");
		free(data);
		return -1;
	}
	char *b64 = base64_encode(data, size);
	free(data);
	img->name = xstrdup(base_name(path));
	img->mime = xstrdup(mime);
	img->size = size;
	img->data_uri = xasprintf("data:%s;base64,%s", mime, b64);
	free(b64);
	return 0;
}

void attach_image_release(struct image *img)
{
	free(img->name);
	free(img->mime);
	free(img->data_uri);
	memset(img, 0, sizeof(*img));
}
