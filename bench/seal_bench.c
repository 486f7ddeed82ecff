/*
 * seal_bench.c: what the encryption of issue 12 costs. Per value: sealing
 * and opening a short message (200 B), a long answer (16 KiB) and an image
 * (1 MiB data URI) with the data key (XChaCha20-Poly1305, vault.c). Per
 * message through the store, on a temporary SQLite file: appending and
 * reading back messages with the key open against the same without one.
 * Per login: the Argon2id derivation at the cost new accounts get
 * (libsodium's interactive: 2 passes, 64 MiB), the bcrypt check (cost 12)
 * and a whole account_login; and signup's vault_create. Prints medians.
 *
 * Usage: seal_bench [REPEATS]   (default 200 for values, 5 for logins)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jarvis/account.h"
#include "jarvis/password.h"
#include "jarvis/store.h"
#include "jarvis/util.h"
#include "jarvis/vault.h"

static double now_msf(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void die(const char *what, const char *cause)
{
	fprintf(stderr, "seal_bench: %s: %s\n", what, cause ? cause : "failed");
	exit(1);
}

/* Sealing and opening one value of n bytes, reps times each. */
static void bench_value(const struct vault *key, const char *name, size_t n, int reps)
{
	char *text = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		text[i] = (char)('a' + i % 26);
	text[n] = '\0';
	struct vault_place pl = {"msg", "1", "1", 7, "model", "text", 0};
	double *s = xcalloc((size_t)reps, sizeof(double)),
	       *o = xcalloc((size_t)reps, sizeof(double));
	for (int r = 0; r < reps; r++) {
		double t0 = now_msf();
		size_t len = 0;
		char *sealed = vault_seal(key, &pl, text, n, &len);
		double t1 = now_msf();
		char *out = NULL;
		size_t out_len = 0;
		if (vault_open(key, &pl, sealed, len, &out, &out_len) != 0 || out_len != n)
			die("vault_open", "a value did not open");
		double t2 = now_msf();
		s[r] = t1 - t0;
		o[r] = t2 - t1;
		free(sealed);
		free(out);
	}
	printf("value %-20s seal %8.3f ms  open %8.3f ms  (median of %d)\n", name,
	       median(s, (size_t)reps), median(o, (size_t)reps), reps);
	free(s), free(o), free(text);
}

/* Appending n messages and reading them back through the store, with or without a key. */
static void bench_store(const struct vault *key, int n)
{
	char dir[] = "/tmp/seal_bench.XXXXXX";
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", "no temporary directory");
	char *uri = xasprintf("sqlite:%s/bench.db", dir);
	char *cause = NULL, *uid = NULL, *cid = NULL;
	struct store *st = store_open(uri, NULL, NULL, &cause);
	if (st == NULL)
		die("store_open", cause);
	if (store_user_create(st, "Bench", "bench@example.org", "$2b$12$x", &uid, &cause) != 0)
		die("store_user_create", cause);
	for (int sealed = 0; sealed <= 1; sealed++) {
		store_set_vault(st, uid, sealed ? key : NULL);
		if (store_conv_create(st, uid, "bench", NULL, NULL, &cid, &cause) != 0)
			die("store_conv_create", cause);
		double t0 = now_msf();
		for (int i = 0; i < n; i++) {
			char text[400];
			snprintf(
			    text, sizeof text,
			    "message %d: the quick brown fox jumps over the lazy dog, and a few "
			    "more words make it an ordinary line of chat of about two hundred "
			    "bytes, give or take a word or two here.",
			    i);
			struct msg *m = msg_new(i % 2 ? ROLE_MODEL : ROLE_USER, text);
			if (store_msg_append(st, uid, cid, m, &cause) != 0)
				die("store_msg_append", cause);
			msg_free(m);
		}
		double t1 = now_msf();
		struct store_msgs v = {0};
		if (store_msg_last(st, uid, cid, (size_t)n, &v, &cause) != 0 || v.n != (size_t)n)
			die("store_msg_last", cause);
		double t2 = now_msf();
		for (size_t i = 0; i < v.n; i++)
			if (v.items[i]->status == MSG_TAMPERED)
				die("store_msg_last", "a message read back tampered");
		store_msgs_release(&v);
		printf(
		    "store %-20s append %6.3f ms/msg  read %6.3f ms/msg  (%d messages, SQLite)\n",
		    sealed ? "sealed" : "in clear", (t1 - t0) / n, (t2 - t1) / n, n);
		free(cid);
		cid = NULL;
	}
	store_destroy(st, &cause);
	store_close(st);
	free(uid), free(uri);
	rmdir(dir);
}

/* Signup's and login's cryptography at the production costs, and a whole login. */
static void bench_login(int reps)
{
	char dir[] = "/tmp/seal_bench.XXXXXX";
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", "no temporary directory");
	char *uri = xasprintf("sqlite:%s/login.db", dir);
	char *cause = NULL;
	struct store *st = store_open(uri, NULL, NULL, &cause);
	if (st == NULL)
		die("store_open", cause);
	static const unsigned char secret[] = "a signing key of at least 32 bytes!";
	struct account_env env = {.store = st,
	                          .state_dir = dir,
	                          .secret = secret,
	                          .secret_len = sizeof secret - 1,
	                          .token_ttl_s = 3600};
	struct account_user u;
	double t0 = now_msf();
	if (account_signup(&env, "Bench", "bench@example.org", "a fine password", 1, &u, &cause))
		die("account_signup", cause);
	double signup = now_msf() - t0;
	account_user_clear(&u);
	struct store_user *rec = NULL;
	if (store_user_find_email(st, "bench@example.org", &rec, &cause) != 0)
		die("store_user_find_email", cause);
	struct vault_cost cost;
	vault_envelope_cost(rec->vault, &cost);
	double *a = xcalloc((size_t)reps, sizeof(double)),
	       *b = xcalloc((size_t)reps, sizeof(double));
	double *l = xcalloc((size_t)reps, sizeof(double));
	for (int r = 0; r < reps; r++) {
		struct vault *key = NULL;
		char *auth = NULL;
		double s0 = now_msf();
		if (vault_unlock(rec->vault, "a fine password", &key, &auth, &cause) != 0)
			die("vault_unlock", cause);
		double s1 = now_msf();
		if (!password_verify(auth, rec->password_hash))
			die("password_verify", "the hash does not match");
		double s2 = now_msf();
		if (account_login(&env, "bench@example.org", "a fine password", 2 + r, &u, &cause))
			die("account_login", cause);
		double s3 = now_msf();
		account_user_clear(&u);
		a[r] = s1 - s0;
		b[r] = s2 - s1;
		l[r] = s3 - s2;
		vault_free(key);
		secret_free(auth);
	}
	printf("login Argon2id (t=%llu, %zu MiB) %7.1f ms  bcrypt cost %d %7.1f ms  "
	       "account_login %7.1f ms  (median of %d)\n",
	       cost.ops, cost.mem_bytes >> 20, median(a, (size_t)reps), PASSWORD_COST,
	       median(b, (size_t)reps), median(l, (size_t)reps), reps);
	printf("signup (vault_create + bcrypt + session) %7.1f ms  (once)\n", signup);
	store_user_free(rec);
	store_destroy(st, &cause);
	store_close(st);
	free(a), free(b), free(l), free(uri);
	char *session = xasprintf("%s/session", dir);
	unlink(session);
	free(session);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 200;
	if (reps < 1)
		reps = 1;
	char *envelope = NULL, *auth = NULL, *code = NULL, *cause = NULL;
	struct vault *key = NULL;
	struct vault_cost cheap = {1, 8 << 20}; /* the key only: the login is measured below */
	if (vault_create("bench password", &cheap, &key, &envelope, &auth, &code, &cause) != 0)
		die("vault_create", cause);
	bench_value(key, "200 B message", 200, reps);
	bench_value(key, "16 KiB answer", 16 << 10, reps);
	bench_value(key, "1 MiB image bytes", 1 << 20, reps / 10 > 0 ? reps / 10 : 1);
	bench_store(key, 500);
	bench_login(5);
	vault_free(key);
	free(envelope);
	secret_free(auth);
	secret_free(code);
	return 0;
}
