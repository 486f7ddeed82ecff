/*
 * imagesize.c: the size of an image from its header (see imagesize.h).
 * Every read is checked against the length: the bytes may come from the
 * network (an image the model sent) as well as from a file.
 */
#include "jarvis/imagesize.h"

#include <string.h>

static unsigned long be16(const unsigned char *p)
{
	return (unsigned long)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

static unsigned long le16(const unsigned char *p)
{
	return (unsigned long)p[1] << 8 | p[0];
}

static unsigned long le24(const unsigned char *p)
{
	return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

static bool give(unsigned long w, unsigned long h, long *width, long *height)
{
	if (w == 0 || h == 0 || w > 0x7fffffffUL || h > 0x7fffffffUL)
		return false;
	*width = (long)w;
	*height = (long)h;
	return true;
}

static bool png_size(const unsigned char *p, size_t n, long *w, long *h)
{
	/* The signature, then IHDR first: length, type, width, height. */
	if (n < 24 || memcmp(p + 12, "IHDR", 4) != 0)
		return false;
	return give(be32(p + 16), be32(p + 20), w, h);
}

/* A start-of-frame marker: C0 to CF but DHT (C4), JPG (C8) and DAC (CC). */
static bool is_sof(unsigned char m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static bool jpeg_size(const unsigned char *p, size_t n, long *w, long *h)
{
	size_t i = 2;
	while (i + 4 <= n) {
		if (p[i] != 0xff)
			return false;
		unsigned char m = p[i + 1];
		if (m == 0xff) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xd8 || (m >= 0xd0 && m <= 0xd7) || m == 0x01) { /* no length */
			i += 2;
			continue;
		}
		size_t len = be16(p + i + 2);
		if (len < 2)
			return false;
		if (is_sof(m)) {
			if (i + 9 > n || len < 7)
				return false;
			return give(be16(p + i + 7), be16(p + i + 5), w, h);
		}
		if (m == 0xda || m == 0xd9) /* scan data or the end, and no frame yet */
			return false;
		i += 2 + len;
	}
	return false;
}

static bool webp_size(const unsigned char *p, size_t n, long *w, long *h)
{
	if (n < 30)
		return false;
	const unsigned char *c = p + 12;
	if (memcmp(c, "VP8 ", 4) == 0 && c[11] == 0x9d && c[12] == 0x01 && c[13] == 0x2a)
		return give(le16(c + 14) & 0x3fff, le16(c + 16) & 0x3fff, w, h);
	if (memcmp(c, "VP8L", 4) == 0 && c[8] == 0x2f) {
		unsigned long b = be32((const unsigned char[]){c[12], c[11], c[10], c[9]});
		return give((b & 0x3fff) + 1, ((b >> 14) & 0x3fff) + 1, w, h);
	}
	if (memcmp(c, "VP8X", 4) == 0)
		return give(le24(c + 12) + 1, le24(c + 15) + 1, w, h);
	return false;
}

bool image_size(const unsigned char *p, size_t n, long *width, long *height)
{
	if (p == NULL)
		return false;
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return png_size(p, n, width, height);
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return jpeg_size(p, n, width, height);
	if (n >= 10 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return give(le16(p + 6), le16(p + 8), width, height);
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return webp_size(p, n, width, height);
	return false;
}
