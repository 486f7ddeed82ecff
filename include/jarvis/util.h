/*
 * util.h: allocation that cannot fail silently, and the one way to fill a
 * `char **cause` error message. Nothing here touches the terminal.
 */
#ifndef JARVIS_UTIL_H
#define JARVIS_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Allocators that abort with a message on exhaustion: callers never check. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A newly allocated formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PRINTF_LIKE(1, 0);

/* Sets *cause (when cause is not NULL) to a new message and returns -1. */
int set_cause(char **cause, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * Wipe a secret in a way the compiler may not optimise away, then free it:
 * a string up to its NUL, or len bytes. NULL is a no-op.
 */
void secret_free(char *s);
void secret_free_len(void *p, size_t len);

/* Monotonic clock in milliseconds. */
long long now_ms(void);
/* Wall clock in milliseconds since the epoch. */
long long wall_ms(void);
/* The UTC date of wall-clock ms as "2026-12-01" ("" when it cannot be had). */
void utc_date(long long ms, char *out, size_t size);
/*
 * Local time of wall-clock ms as "14:05" when it falls on the same local
 * day as now_wall (ms), else "2026-11-30 14:05"; "" for no time (ms <= 0).
 */
void when_short(long long ms, long long now_wall, char *out, size_t size);

#endif
