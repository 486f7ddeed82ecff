/*
 * util.c: allocation helpers and error messages. Out-of-memory is treated
 * as fatal, as in tmux and htop: a chat client cannot do anything useful
 * after malloc fails, and checking every call hides the real logic.
 */
#include "jarvis/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(void)
{
	fputs("jarvis: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	char probe[1];
	int n = vsnprintf(probe, sizeof probe, fmt, aq);
	va_end(aq);
	if (n < 0)
		return xstrdup("(unformattable message)");
	char *s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int set_cause(char **cause, const char *fmt, ...)
{
	if (cause == NULL)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	free(*cause);
	*cause = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

void secret_free(char *s)
{
	if (s != NULL)
		secret_free_len(s, strlen(s));
}

void secret_free_len(void *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	free(p);
}

long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void utc_date(long long ms, char *out, size_t size)
{
	if (size == 0)
		return;
	out[0] = '\0';
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL || strftime(out, size, "%Y-%m-%d", &tm) == 0)
		out[0] = '\0';
}

void when_short(long long ms, long long now_wall, char *out, size_t size)
{
	if (size == 0)
		return;
	out[0] = '\0';
	time_t t = (time_t)(ms / 1000), now = (time_t)(now_wall / 1000);
	struct tm tm, today;
	if (ms <= 0 || localtime_r(&t, &tm) == NULL || localtime_r(&now, &today) == NULL)
		return;
	bool same_day = tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday;
	if (strftime(out, size, same_day ? "%H:%M" : "%Y-%m-%d %H:%M", &tm) == 0)
		out[0] = '\0';
}
