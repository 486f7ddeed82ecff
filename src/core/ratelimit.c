/* ratelimit.c: sliding-window request quotas (see ratelimit.h). */
#include "jarvis/ratelimit.h"

#include <stdlib.h>

#include "jarvis/util.h"

void ratelimit_init(struct ratelimit *r)
{
	r->times = NULL;
	r->n = 0;
	r->cap = 0;
}

void ratelimit_release(struct ratelimit *r)
{
	free(r->times);
	ratelimit_init(r);
}

static void forget_before(struct ratelimit *r, long long cutoff)
{
	size_t drop = 0;
	while (drop < r->n && r->times[drop] <= cutoff)
		drop++;
	for (size_t i = drop; i < r->n; i++)
		r->times[i - drop] = r->times[i];
	r->n -= drop;
}

void ratelimit_add(struct ratelimit *r, long long now_ms)
{
	forget_before(r, now_ms - RATELIMIT_DAY_MS);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->times = xrealloc(r->times, r->cap * sizeof(*r->times));
	}
	r->times[r->n++] = now_ms;
}

size_t ratelimit_count(const struct ratelimit *r, long long now_ms, long long window_ms)
{
	size_t count = 0;
	for (size_t i = r->n; i-- > 0 && r->times[i] > now_ms - window_ms;)
		count++;
	return count;
}

/* When the oldest of the last `limit` requests in the window leaves it. */
static long long wait_for(const struct ratelimit *r, long long now_ms, long long window_ms,
                          long limit)
{
	size_t in_window = ratelimit_count(r, now_ms, window_ms);
	if (limit <= 0 || in_window < (size_t)limit)
		return 0;
	/* The request that must expire is the (in_window - limit + 1)-th oldest in the window. */
	size_t first = r->n - in_window;
	long long t = r->times[first + (in_window - (size_t)limit)];
	return t + window_ms - now_ms;
}

int ratelimit_check(const struct ratelimit *r, long long now_ms, long rpm, long rpd,
                    long long *wait_ms)
{
	long long a = wait_for(r, now_ms, RATELIMIT_MINUTE_MS, rpm);
	long long b = wait_for(r, now_ms, RATELIMIT_DAY_MS, rpd);
	long long w = a > b ? a : b;
	*wait_ms = w;
	return w > 0 ? -1 : 0;
}
