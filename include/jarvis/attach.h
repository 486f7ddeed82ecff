/*
 * attach.h: a file turned into a data URI for a message. The type is read
 * from the bytes (libmagic), never from the file name, and only the types
 * Gemini documents are accepted.
 */
#ifndef JARVIS_ATTACH_H
#define JARVIS_ATTACH_H

#include <stddef.h>

#include "jarvis/conv.h"

/* The kinds of file Gemini takes, each with its own size limit. */
enum attach_kind { ATTACH_NONE, ATTACH_IMAGE, ATTACH_PDF, ATTACH_AUDIO, ATTACH_TEXT };

/* The largest file of each kind ([limits] max_image_bytes, max_pdf_bytes, ...). */
struct attach_limits {
	size_t image, pdf, audio, text;
};

struct config;
/* The limits the configuration sets. */
struct attach_limits attach_limits_of(const struct config *cfg);

/*
 * Reads path into img (fields newly allocated; free with attach_image_release):
 * an image, a PDF, audio (WAV, MP3, AIFF, AAC, OGG, FLAC, named as Gemini
 * names them: audio/wav, audio/mp3, ...) or UTF-8 text (any text/ flavour,
 * kept as text/plain and sent as a text part with its name).
 */
int attach_load(const char *path, const struct attach_limits *lim, struct image *img, char **cause);
/* The kind of a MIME type as attach_load keeps it. */
enum attach_kind attach_kind_of(const char *mime);
void attach_image_release(struct image *img);
/* Whether Gemini accepts this MIME type for inline images. */
int attach_mime_ok(const char *mime);

#endif
