/* Unit tests for the loop (timers, posts from threads) and the worker. */
#include "jarvis/loop.h"
#include "jarvis/worker.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "jarvis/util.h"
#include "unit.h"

struct record {
	char order[16];
	size_t n;
	pthread_t done_thread;
	pthread_t work_thread;
};

static void note(struct record *r, char c)
{
	if (r->n + 1 < sizeof r->order)
		r->order[r->n++] = c;
}

static void timer_a(void *ud)
{
	note(ud, 'a');
}

static void timer_b(void *ud)
{
	note(ud, 'b');
}

static void timer_c(void *ud)
{
	note(ud, 'c');
}

START_TEST(timers_fire_in_due_order_and_cancel)
{
	struct loop *l = loop_new(NULL);
	ck_assert_ptr_nonnull(l);
	struct record r = {0};
	loop_timer_add(l, 30, timer_c, &r);
	loop_timer_add(l, 10, timer_a, &r);
	unsigned b = loop_timer_add(l, 20, timer_b, &r);
	loop_timer_cancel(l, b);
	long long start = now_ms();
	while (loop_busy(l) && now_ms() - start < 2000)
		loop_run_once(l, 1000);
	ck_assert_str_eq(r.order, "ac");
	/* The loop slept until the timers were due instead of spinning. */
	ck_assert_int_ge(now_ms() - start, 25);
	loop_free(l);
}
END_TEST

struct poster {
	struct loop *loop;
	struct record *r;
};

static void posted(void *ud)
{
	note(ud, 'p');
}

static void *post_from_thread(void *arg)
{
	struct poster *p = arg;
	loop_post(p->loop, posted, p->r);
	return NULL;
}

START_TEST(post_from_another_thread_wakes_the_loop)
{
	struct loop *l = loop_new(NULL);
	struct record r = {0};
	struct poster p = {l, &r};
	pthread_t t;
	pthread_create(&t, NULL, post_from_thread, &p);
	long long start = now_ms();
	/* Waits "for ever": only the post can end the wait quickly. */
	while (r.n == 0 && now_ms() - start < 5000)
		loop_run_once(l, 5000);
	pthread_join(t, NULL);
	ck_assert_str_eq(r.order, "p");
	ck_assert_int_lt(now_ms() - start, 4000);
	loop_free(l);
}
END_TEST

struct job_arg {
	struct record *r;
	char c;
};

static void job_work(void *ud)
{
	struct job_arg *a = ud;
	a->r->work_thread = pthread_self();
	note(a->r, a->c);
}

static void job_done(void *ud)
{
	struct job_arg *a = ud;
	a->r->done_thread = pthread_self();
	note(a->r, (char)(a->c - 'a' + 'A'));
}

static void slow_work(void *ud)
{
	struct timespec ts = {0, 300 * 1000000L};
	nanosleep(&ts, NULL);
}

START_TEST(worker_runs_jobs_in_order_and_reports_on_the_loop)
{
	struct loop *l = loop_new(NULL);
	struct worker *w = worker_new(l, NULL);
	struct record r = {0};
	struct job_arg a = {&r, 'x'}, b = {&r, 'y'};
	worker_submit(w, job_work, job_done, &a);
	worker_submit(w, job_work, job_done, &b);
	ck_assert_uint_eq(worker_pending(w), 2);
	long long start = now_ms();
	while (worker_pending(w) > 0 && now_ms() - start < 5000)
		loop_run_once(l, 1000);
	ck_assert_uint_eq(worker_pending(w), 0);
	/* Work in order on the worker; each done after its work, on this thread. */
	ck_assert_ptr_nonnull(strchr(r.order, 'x'));
	ck_assert(strchr(r.order, 'x') < strchr(r.order, 'y'));
	ck_assert(strchr(r.order, 'x') < strchr(r.order, 'X'));
	ck_assert(strchr(r.order, 'X') < strchr(r.order, 'Y'));
	ck_assert(pthread_equal(r.done_thread, pthread_self()));
	ck_assert(!pthread_equal(r.work_thread, pthread_self()));
	ck_assert(worker_drain(w, 100));
	/* A slow job: not drained within 20 ms, drained within 5 s. */
	worker_submit(w, slow_work, NULL, NULL);
	ck_assert(!worker_drain(w, 20));
	ck_assert(worker_drain(w, 5000));
	worker_free(w);
	loop_free(l);
}
END_TEST

START_TEST(a_later_worker_runs_nothing_until_it_starts)
{
	struct loop *l = loop_new(NULL);
	struct worker *w = worker_new_later(l);
	struct record r = {0};
	struct job_arg a = {&r, 'x'};
	worker_submit(w, job_work, job_done, &a);
	/* Queued, not run: the TUI paints first. */
	loop_run_once(l, 50);
	ck_assert_str_eq(r.order, "");
	ck_assert_uint_eq(worker_pending(w), 1);
	ck_assert_int_eq(worker_start(w, NULL), 0);
	ck_assert_int_eq(worker_start(w, NULL), 0); /* a second start is a no-op */
	long long start = now_ms();
	while (worker_pending(w) > 0 && now_ms() - start < 5000)
		loop_run_once(l, 1000);
	ck_assert_str_eq(r.order, "xX");
	ck_assert(!pthread_equal(r.work_thread, pthread_self()));
	worker_free(w);
	loop_free(l);
}
END_TEST

START_TEST(a_worker_never_started_runs_its_queue_when_freed)
{
	struct loop *l = loop_new(NULL);
	struct worker *w = worker_new_later(l);
	struct record r = {0};
	struct job_arg a = {&r, 'x'}, b = {&r, 'y'};
	worker_submit(w, job_work, job_done, &a);
	worker_submit(w, job_work, job_done, &b);
	/* Nothing queued is lost (a write to the store) when the TUI quits before starting it. */
	ck_assert(worker_drain(w, 100));
	ck_assert_str_eq(r.order, "xXyY");
	worker_submit(w, job_work, job_done, &a);
	worker_free(w);
	ck_assert_str_eq(r.order, "xXyYxX");
	ck_assert(pthread_equal(r.work_thread, pthread_self()));
	loop_free(l);
}
END_TEST

static Suite *loop_suite(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, timers_fire_in_due_order_and_cancel);
	tcase_add_test(tc, post_from_another_thread_wakes_the_loop);
	tcase_add_test(tc, worker_runs_jobs_in_order_and_reports_on_the_loop);
	tcase_add_test(tc, a_later_worker_runs_nothing_until_it_starts);
	tcase_add_test(tc, a_worker_never_started_runs_its_queue_when_freed);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(loop_suite)
