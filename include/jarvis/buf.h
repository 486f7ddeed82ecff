/*
 * buf.h: the one growable byte buffer. Every buffer has a maximum size so
 * that nothing the network sends can make Jarvis grow without bound; data
 * is always NUL-terminated so it can be used as a C string.
 */
#ifndef JARVIS_BUF_H
#define JARVIS_BUF_H

#include <stddef.h>

#include "jarvis/util.h"

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* 0 means unbounded */
};

/* Prepares an empty buffer that refuses to grow past max bytes (0: no limit). */
void buf_init(struct buf *b, size_t max);
/* Appends n bytes; returns -1 (and appends nothing) when max would be passed. */
int buf_append(struct buf *b, const void *p, size_t n);
/* Appends a C string. */
int buf_puts(struct buf *b, const char *s);
/* Appends formatted text. */
int buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Drops the first n bytes. */
void buf_consume(struct buf *b, size_t n);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Returns the contents as a new string (never NULL) and empties the buffer. */
char *buf_steal(struct buf *b);
/* Releases the memory; the buffer may be reused after buf_init. */
void buf_release(struct buf *b);

#endif
