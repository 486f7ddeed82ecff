/*
 * attach.c: attachments (see attach.h): images, PDF, audio and text files,
 * each kind told from the bytes and held to its own size limit. libmagic
 * lives in a plugin
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
#include "jarvis/config.h"
#include "jarvis/plugin.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

static const char *const images[] = {"image/png", "image/jpeg", "image/webp", "image/heic",
                                     "image/heif"};

/* What libmagic names an audio type, and the name Gemini documents for it. */
static const struct {
	const char *magic, *gemini;
} audio[] = {
    {"audio/x-wav", "audio/wav"},     {"audio/wav", "audio/wav"},
    {"audio/vnd.wave", "audio/wav"},  {"audio/mpeg", "audio/mp3"},
    {"audio/mp3", "audio/mp3"},       {"audio/x-aiff", "audio/aiff"},
    {"audio/aiff", "audio/aiff"},     {"audio/x-hx-aac-adts", "audio/aac"},
    {"audio/aac", "audio/aac"},       {"audio/ogg", "audio/ogg"},
    {"application/ogg", "audio/ogg"}, {"audio/flac", "audio/flac"},
    {"audio/x-flac", "audio/flac"},
};

int attach_mime_ok(const char *mime)
{
	for (size_t i = 0; i < ARRAY_LEN(images); i++)
		if (strcmp(mime, images[i]) == 0)
			return 1;
	return 0;
}

enum attach_kind attach_kind_of(const char *mime)
{
	if (mime == NULL)
		return ATTACH_NONE;
	if (attach_mime_ok(mime))
		return ATTACH_IMAGE;
	if (strcmp(mime, "application/pdf") == 0)
		return ATTACH_PDF;
	for (size_t i = 0; i < ARRAY_LEN(audio); i++)
		if (strcmp(mime, audio[i].gemini) == 0)
			return ATTACH_AUDIO;
	if (strcmp(mime, "text/plain") == 0)
		return ATTACH_TEXT;
	return ATTACH_NONE;
}

/* The type to send for what libmagic read, or NULL when Gemini takes no such file. */
static const char *send_type(const char *magic)
{
	if (attach_mime_ok(magic) || strcmp(magic, "application/pdf") == 0)
		return magic;
	for (size_t i = 0; i < ARRAY_LEN(audio); i++)
		if (strcmp(magic, audio[i].magic) == 0)
			return audio[i].gemini;
	/* Text of any flavour (source code, CSV, JSON...) goes as plain text. */
	if (strncmp(magic, "text/", 5) == 0 || strcmp(magic, "application/json") == 0)
		return "text/plain";
	return NULL;
}

static const struct {
	enum attach_kind kind;
	const char *key, *what;
} limit_names[] = {
    {ATTACH_IMAGE, "max_image_bytes", "an image"},
    {ATTACH_PDF, "max_pdf_bytes", "a PDF"},
    {ATTACH_AUDIO, "max_audio_bytes", "an audio file"},
    {ATTACH_TEXT, "max_text_file_bytes", "a text file"},
};

static size_t limit_of(const struct attach_limits *l, enum attach_kind k)
{
	switch (k) {
	case ATTACH_IMAGE:
		return l->image;
	case ATTACH_PDF:
		return l->pdf;
	case ATTACH_AUDIO:
		return l->audio;
	case ATTACH_TEXT:
		return l->text;
	case ATTACH_NONE:
		break;
	}
	return 0;
}

struct attach_limits attach_limits_of(const struct config *cfg)
{
	return (struct attach_limits){cfg->max_image_bytes, cfg->max_pdf_bytes,
	                              cfg->max_audio_bytes, cfg->max_text_file_bytes};
}

static size_t largest(const struct attach_limits *l)
{
	size_t m = l->image;
	m = l->pdf > m ? l->pdf : m;
	m = l->audio > m ? l->audio : m;
	return l->text > m ? l->text : m;
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

int attach_load(const char *path, const struct attach_limits *lim, struct image *img, char **cause)
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
	/* Past every kind's limit nothing is read; each kind's own is checked below. */
	if (size > largest(lim)) {
		close(fd);
		return set_cause(cause,
		                 "attach: %s is %zu bytes, over every attachment limit ([limits] "
		                 "max_image_bytes, max_pdf_bytes, max_audio_bytes, "
		                 "max_text_file_bytes)",
		                 path, size);
	}
	unsigned char *data = xmalloc(size);
	if (read_all(fd, data, size) == -1) {
		close(fd);
		free(data);
		return set_cause(cause, "attach: cannot read %s: %s", path, strerror(errno));
	}
	close(fd);

	char *why = NULL;
	const char *magic = sniff(data, size, &why);
	if (magic == NULL && why != NULL) {
		set_cause(cause, "attach: cannot tell the type of %s: %s", path, why);
		free(why);
		free(data);
		return -1;
	}
	const char *mime = magic ? send_type(magic) : NULL;
	enum attach_kind kind = attach_kind_of(mime);
	if (kind == ATTACH_TEXT && !utf8_valid((const char *)data, size))
		kind = ATTACH_NONE, magic = "text in another encoding than UTF-8";
	if (kind == ATTACH_NONE) {
		set_cause(cause,
		          "attach: %s is %s; Gemini takes PNG, JPEG, WebP, HEIC or HEIF images, "
		          "PDF, audio (WAV, MP3, AIFF, AAC, OGG, FLAC) and UTF-8 text files",
		          path, magic ? magic : "of an unknown type");
		free(data);
		return -1;
	}
	if (size > limit_of(lim, kind)) {
		for (size_t i = 0; i < ARRAY_LEN(limit_names); i++)
			if (limit_names[i].kind == kind)
				set_cause(cause,
				          "attach: %s is %zu bytes, over the %zu-byte limit for %s "
				          "([limits] %s)",
				          path, size, limit_of(lim, kind), limit_names[i].what,
				          limit_names[i].key);
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
	free(img->file_uri);
	memset(img, 0, sizeof(*img));
}
