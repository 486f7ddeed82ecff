/*
 * attach.h: an image file turned into a data URI for a message. The type
 * is read from the bytes (libmagic), never from the file name, and only
 * the types Gemini documents are accepted.
 */
#ifndef JARVIS_ATTACH_H
#define JARVIS_ATTACH_H

#include <stddef.h>

#include "jarvis/conv.h"

/* Reads path into img (fields newly allocated; free with attach_image_release). */
int attach_load(const char *path, size_t max_bytes, struct image *img, char **cause);
void attach_image_release(struct image *img);
/* Whether Gemini accepts this MIME type for inline images. */
int attach_mime_ok(const char *mime);

#endif
