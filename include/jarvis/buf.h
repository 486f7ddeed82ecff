/*
 * buf.h: the one growable byte buffer. Every buffer has a maximum size so
 * that nothing the network sends can make Jarvis grow without bound; data
 * is never NULL and always NUL-terminated, so it can be used as a C string
 * from buf_init on (an empty buffer points at a shared "").
 */
#ifndef JARVIS_BUF_H
#define JARVIS_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/util.h"

/*
 * The size limits, in one place; every buf_init names the one that says
 * what the buffer holds. A limit is far above what the program builds, so
 * reaching it means input that was not meant for us.
 */
/* One line made for a person: a screen row, the status line, a word. */
#define BUF_LINE_MAX ((size_t)1 << 20)
/* One text as large as a message: its copy, its rendering, an error body. */
#define BUF_TEXT_MAX ((size_t)64 << 20)
/* A whole file or stream kept in memory: a journal, an export, a request. */
#define BUF_FILE_MAX ((size_t)1 << 30)

#if defined(__GNUC__)
#define BUF_MUST_CHECK __attribute__((warn_unused_result))
#else
#define BUF_MUST_CHECK
#endif

struct buf {
	char *data; /* never NULL, NUL-terminated */
	size_t len;
	size_t cap;     /* 0 while data is the shared "" */
	size_t max;     /* the limit; 0 only in tests: unbounded */
	bool truncated; /* a buf_add* was refused: data misses something */
};

/* The shared "" of empty buffers; never written. */
extern char buf_empty[1];
/* An empty buffer as an initialiser, for one with static storage. */
#define BUF_INIT(max_)                                                                             \
	{                                                                                          \
		.data = buf_empty, .len = 0, .cap = 0, .max = (max_), .truncated = false           \
	}

/* Prepares an empty buffer that refuses to grow past max bytes. */
void buf_init(struct buf *b, size_t max);

/*
 * Appends n bytes; returns -1 (and appends nothing) when max would be
 * passed. Use these where the caller must act on a refusal.
 */
int buf_append(struct buf *b, const void *p, size_t n) BUF_MUST_CHECK;
int buf_puts(struct buf *b, const char *s) BUF_MUST_CHECK;
int buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3) BUF_MUST_CHECK;

/*
 * The same for text built from pieces whose sizes the caller bounds: a
 * refusal appends nothing and sets b->truncated, to look at once at the end
 * where it matters.
 */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_addstr(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * Room for n more bytes at data + len, to write in place (the NUL there
 * may be overwritten); NULL, and nothing changed, when max would be
 * passed. Nothing counts until buf_commit.
 */
char *buf_room(struct buf *b, size_t n) BUF_MUST_CHECK;
/* Counts n bytes written at data + len after buf_room (n 0: puts the NUL back). */
void buf_commit(struct buf *b, size_t n);

/* Keeps the first len bytes (len <= b->len). */
void buf_truncate(struct buf *b, size_t len);
/* Drops the first n bytes. */
void buf_consume(struct buf *b, size_t n);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Returns the contents as a new string (never NULL) and empties the buffer. */
char *buf_steal(struct buf *b);
/* Frees the memory; the buffer is empty and may be used again. */
void buf_release(struct buf *b);

#endif
