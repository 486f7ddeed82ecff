/*
 * store_bench.c: how fast the two things a user waits on are, against a
 * 10,000-message conversation: opening the store and reading the last 50
 * messages (the first screenful of a long conversation; target <= 20 ms)
 * and appending one message (target <= 2 ms). SQLite always, on a
 * temporary file; MongoDB too when JARVIS_TEST_MONGO_URI is set (a fresh
 * database, dropped afterwards). Prints median and p95 per engine.
 *
 * Usage: store_bench [MESSAGES [REPEATS]]   (defaults 10000 and 50)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jarvis/store.h"
#include "jarvis/util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *engine, const char *what, double *ms, size_t n, double target)
{
	qsort(ms, n, sizeof(*ms), cmp_double);
	double median = ms[n / 2];
	double p95 = ms[(n * 95 + 99) / 100 - 1];
	printf("%s: %s median %.2f ms p95 %.2f ms (target <= %.0f ms, %zu runs)%s\n", engine, what,
	       median, p95, target, n, median <= target ? "" : "  ABOVE TARGET");
}

static double now_msf(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static struct store *open_or_die(const char *uri, const char *db)
{
	char *cause = NULL;
	struct store *st = store_open(uri, db, NULL, &cause);
	if (st == NULL) {
		fprintf(stderr, "store_bench: %s\n", cause);
		exit(1);
	}
	return st;
}

static void append_or_die(struct store *st, const char *uid, const char *cid, long i)
{
	char *cause = NULL;
	char text[400];
	/* A few lines of ordinary chat text, different every time. */
	snprintf(text, sizeof(text),
	         "message %ld: the quick brown fox jumps over the lazy dog; "
	         "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85 "
	         "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb lorem ipsum dolor sit amet, "
	         "consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.",
	         i);
	struct msg *m = msg_new(i % 2 ? ROLE_MODEL : ROLE_USER, text);
	if (i % 2) {
		m->model = xstrdup("gemini-3.5-flash");
		m->finish_reason = xstrdup("STOP");
		m->usage = (struct usage){120, 80, 0, 200};
	}
	if (store_msg_append(st, uid, cid, m, &cause) < 0) {
		fprintf(stderr, "store_bench: append: %s\n", cause);
		exit(1);
	}
	msg_free(m);
}

static void bench(const char *engine, const char *uri, const char *db, long nmsgs, size_t reps)
{
	char *cause = NULL, *uid = NULL, *cid = NULL;
	struct store *st = open_or_die(uri, db);
	char *email = xasprintf("bench.%d@example.org", (int)getpid());
	if (store_user_create(st, "Bench", email, "$2b$12$x", &uid, &cause) < 0 ||
	    store_conv_create(st, uid, "ten thousand", "gemini-3.5-flash", NULL, &cid, &cause) <
	        0) {
		fprintf(stderr, "store_bench: %s\n", cause);
		exit(1);
	}
	double t0 = now_msf();
	for (long i = 0; i < nmsgs; i++)
		append_or_die(st, uid, cid, i);
	printf("%s: built a %ld-message conversation in %.1f s\n", engine, nmsgs,
	       (now_msf() - t0) / 1e3);
	store_close(st);

	double *ms = xcalloc(reps > 200 ? reps : 200, sizeof(double));
	for (size_t r = 0; r < reps; r++) {
		struct store_msgs v;
		double a = now_msf();
		struct store *s2 = open_or_die(uri, db);
		if (store_msg_last(s2, uid, cid, 50, &v, &cause) < 0 || v.n != 50) {
			fprintf(stderr, "store_bench: read: %s\n", cause ? cause : "short page");
			exit(1);
		}
		ms[r] = now_msf() - a;
		store_msgs_release(&v);
		store_close(s2);
	}
	report(engine, "open+last50", ms, reps, 20);

	st = open_or_die(uri, db);
	size_t appends = 200;
	for (size_t r = 0; r < appends; r++) {
		double a = now_msf();
		append_or_die(st, uid, cid, nmsgs + (long)r);
		ms[r] = now_msf() - a;
	}
	report(engine, "append", ms, appends, 2);

	if (db != NULL && store_destroy(st, &cause) < 0)
		fprintf(stderr, "store_bench: could not drop %s: %s\n", db, cause);
	store_close(st);
	free(ms);
	free(email);
	free(uid);
	free(cid);
}

int main(int argc, char **argv)
{
	long nmsgs = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	size_t reps = argc > 2 ? (size_t)strtol(argv[2], NULL, 10) : 50;
	if (nmsgs < 50 || reps < 1) {
		fprintf(stderr, "usage: store_bench [MESSAGES>=50 [REPEATS>=1]]\n");
		return 2;
	}
	char dir[] = "/tmp/jarvis-bench-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		perror("store_bench: mkdtemp");
		return 1;
	}
	char *uri = xasprintf("sqlite:%s/jarvis.db", dir);
	bench("sqlite", uri, NULL, nmsgs, reps);
	const char *sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
		char *p = xasprintf("%s/jarvis.db%s", dir, sfx[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
	free(uri);

	const char *mongo = getenv("JARVIS_TEST_MONGO_URI");
	if (mongo != NULL && *mongo != '\0') {
		char *db = xasprintf("jarvis_bench_%d", (int)getpid());
		bench("mongodb", mongo, db, nmsgs, reps);
		free(db);
	} else {
		printf("mongodb: skipped (JARVIS_TEST_MONGO_URI unset)\n");
	}
	return 0;
}
