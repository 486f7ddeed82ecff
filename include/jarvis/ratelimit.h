/*
 * ratelimit.h: per-model request quotas (requests per minute and per day)
 * as sliding windows over the times of earlier requests. Pure.
 */
#ifndef JARVIS_RATELIMIT_H
#define JARVIS_RATELIMIT_H

#include <stddef.h>

#define RATELIMIT_MINUTE_MS 60000LL
#define RATELIMIT_DAY_MS 86400000LL

struct ratelimit {
	long long *times; /* request times in ms, oldest first, within the last day */
	size_t n;
	size_t cap;
};

void ratelimit_init(struct ratelimit *r);
void ratelimit_release(struct ratelimit *r);
/* Records a request at now_ms and forgets those older than a day. */
void ratelimit_add(struct ratelimit *r, long long now_ms);
/* Requests in the window (ms) ending at now_ms. */
size_t ratelimit_count(const struct ratelimit *r, long long now_ms, long long window_ms);
/*
 * 0 when a request at now_ms keeps within rpm and rpd (0 = no limit);
 * otherwise -1 and *wait_ms says how long until one is free again.
 */
int ratelimit_check(const struct ratelimit *r, long long now_ms, long rpm, long rpd,
                    long long *wait_ms);

#endif
