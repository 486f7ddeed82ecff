/* base64.h: standard base64 (RFC 4648 §4, with padding). Pure. */
#ifndef JARVIS_BASE64_H
#define JARVIS_BASE64_H

#include <stddef.h>

/* Encodes n bytes into a new NUL-terminated string (caller frees). */
char *base64_encode(const unsigned char *p, size_t n);
/* The encoded length of n bytes, without the NUL. */
size_t base64_encoded_len(size_t n);
/* The bytes of n characters of base64 (padding optional), NUL-terminated; NULL if not base64. */
unsigned char *base64_decode(const char *s, size_t n, size_t *len);

#endif
