/*
 * imagesize.h: an image's width and height read from its header (PNG,
 * JPEG, GIF, WebP), without decoding it, for the one-line placeholder the
 * history pane shows when no preview is drawn. Pure.
 */
#ifndef JARVIS_IMAGESIZE_H
#define JARVIS_IMAGESIZE_H

#include <stdbool.h>
#include <stddef.h>

/* The size in pixels of the image in p[0..n); false when the header is not read. */
bool image_size(const unsigned char *p, size_t n, long *width, long *height);

#endif
