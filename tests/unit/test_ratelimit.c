/* Unit tests for the sliding-window quotas. */
#include "jarvis/ratelimit.h"

#include "unit.h"

START_TEST(minute_window_refuses_and_says_when)
{
	struct ratelimit r;
	ratelimit_init(&r);
	long long t0 = 1000000000LL, wait = 0;
	for (int i = 0; i < 5; i++)
		ratelimit_add(&r, t0 + i * 1000);
	ck_assert_int_eq(ratelimit_check(&r, t0 + 5000, 5, 0, &wait), -1);
	/* The first request (t0) leaves the minute at t0 + 60 s. */
	ck_assert_int_eq(wait, 55000);
	ck_assert_int_eq(ratelimit_check(&r, t0 + 60000, 5, 0, &wait), 0);
	ck_assert_int_eq(ratelimit_check(&r, t0 + 5000, 6, 0, &wait), 0);
	ck_assert_int_eq(ratelimit_check(&r, t0 + 5000, 0, 0, &wait), 0);
	ck_assert_uint_eq(ratelimit_count(&r, t0 + 5000, RATELIMIT_MINUTE_MS), 5);
	ratelimit_release(&r);
}
END_TEST

START_TEST(day_window_outlasts_the_minute)
{
	struct ratelimit r;
	ratelimit_init(&r);
	long long t0 = 5000000000LL, wait = 0;
	for (int i = 0; i < 20; i++)
		ratelimit_add(&r, t0 + i * 120000LL);
	long long now = t0 + 20 * 120000LL;
	ck_assert_int_eq(ratelimit_check(&r, now, 5, 20, &wait), -1);
	ck_assert_int_eq(wait, t0 + RATELIMIT_DAY_MS - now);
	/* A day later the oldest is forgotten when a new one is added. */
	ratelimit_add(&r, t0 + RATELIMIT_DAY_MS + 1);
	ck_assert_uint_eq(r.n, 20);
	ratelimit_release(&r);
}
END_TEST

static Suite *ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, minute_window_refuses_and_says_when);
	tcase_add_test(tc, day_window_outlasts_the_minute);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(ratelimit_suite)
