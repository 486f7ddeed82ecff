/* base64.c: standard base64 encoding for image data URIs (see base64.h). */
#include "jarvis/base64.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/util.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

char *base64_encode(const unsigned char *p, size_t n)
{
	char *out = xmalloc(base64_encoded_len(n) + 1);
	char *o = out;
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = alphabet[v >> 6 & 63];
		*o++ = alphabet[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = alphabet[v >> 6 & 63];
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int value_of(char c)
{
	const char *p = c != '\0' ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

unsigned char *base64_decode(const char *s, size_t n, size_t *len)
{
	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return NULL;
	unsigned char *out = xmalloc(n / 4 * 3 + 3);
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = value_of(s[i]);
		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6 | (unsigned)v) & 0xFFFFFFu;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits & 0xFF);
		}
	}
	out[o] = '\0';
	*len = o;
	return out;
}
