/*
 * buf.c: growable, bounded byte buffer (see buf.h).
 */
#include "jarvis/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What every empty buffer points at; never written (cap stays 0). */
char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->truncated = false;
}

static int buf_reserve(struct buf *b, size_t extra)
{
	if (b->max != 0 && (extra > b->max || b->len > b->max - extra))
		return -1;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = b->cap ? xrealloc(b->data, cap) : xmalloc(cap);
	if (b->cap == 0)
		b->data[0] = '\0';
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (buf_reserve(b, n) == -1)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

char *buf_room(struct buf *b, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return NULL;
	return b->cap > 0 ? b->data + b->len : NULL;
}

void buf_commit(struct buf *b, size_t n)
{
	if (b->cap == 0)
		return;
	b->len += n;
	b->data[b->len] = '\0';
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	int rc = buf_puts(b, s);
	free(s);
	return rc;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_append(b, p, n) == -1)
		b->truncated = true;
}

void buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_addstr(b, s);
	free(s);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0'; /* len < old len, so cap > 0 */
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->truncated = false;
	if (b->cap > 0)
		b->data[0] = '\0';
}

char *buf_steal(struct buf *b)
{
	char *s = b->cap > 0 ? b->data : xstrdup("");
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
	return s;
}

void buf_release(struct buf *b)
{
	if (b->cap > 0)
		free(b->data);
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
	b->truncated = false;
}
