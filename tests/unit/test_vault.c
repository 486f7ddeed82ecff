/* Unit tests for the data key, its envelope and sealed fields (vault.c). */
#include "jarvis/vault.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/util.h"
#include "unit.h"

/* The cheapest Argon2id libsodium allows: the tests check logic, not cost. */
static const struct vault_cost cheap = {1, 8192};

static const struct vault_place here = {"msg", "u1", "c1", 3, "user", "text", 0};

struct made {
	struct vault *key;
	char *envelope, *auth, *code;
};

static struct made make(const char *pw)
{
	struct made m = {0};
	char *cause = NULL;
	ck_assert_int_eq(vault_create(pw, &cheap, &m.key, &m.envelope, &m.auth, &m.code, &cause),
	                 0);
	ck_assert_ptr_null(cause);
	return m;
}

static void made_free(struct made *m)
{
	vault_free(m->key);
	free(m->envelope);
	secret_free(m->auth);
	secret_free(m->code);
}

/* Seals with a and opens with b: whether b reads a's value. */
static int reads_same(const struct vault *a, const struct vault *b)
{
	char *s = vault_seal(a, &here, "secret words", 12, NULL), *out = NULL;
	size_t n = 0;
	int rc = vault_open(b, &here, s, strlen(s), &out, &n);
	int same = rc == 0 && n == 12 && memcmp(out, "secret words", 12) == 0;
	free(s);
	free(out);
	return same;
}

START_TEST(password_opens_the_key_and_gives_the_same_auth)
{
	struct made m = make("correct horse");
	ck_assert(strncmp(m.envelope, "v1$t=1$m=8192$", 14) == 0);
	struct vault *k = NULL;
	char *auth = NULL, *cause = NULL;
	ck_assert_int_eq(vault_unlock(m.envelope, "correct horse", &k, &auth, &cause), 0);
	ck_assert(vault_same(k, m.key));
	ck_assert(reads_same(m.key, k));
	ck_assert_str_eq(auth, m.auth);
	vault_free(k);
	secret_free(auth);

	/* A wrong password opens nothing but still yields an auth value, a different one. */
	ck_assert_int_eq(vault_unlock(m.envelope, "correct horsf", &k, &auth, &cause), -1);
	ck_assert_ptr_null(k);
	ck_assert_ptr_nonnull(auth);
	ck_assert_str_ne(auth, m.auth);
	ck_assert_ptr_nonnull(strstr(cause, "does not open"));
	secret_free(auth);
	free(cause);
	cause = NULL;

	ck_assert_int_eq(vault_auth(m.envelope, "correct horse", &auth, &cause), 0);
	ck_assert_str_eq(auth, m.auth);
	secret_free(auth);
	made_free(&m);
}
END_TEST

START_TEST(two_accounts_have_different_keys_and_salts)
{
	struct made a = make("same password"), b = make("same password");
	ck_assert(!vault_same(a.key, b.key));
	ck_assert_str_ne(a.envelope, b.envelope);
	ck_assert_str_ne(a.auth, b.auth); /* salted: same password, different bcrypt input */
	ck_assert_str_ne(a.code, b.code);
	ck_assert(!reads_same(a.key, b.key));
	made_free(&a);
	made_free(&b);
}
END_TEST

START_TEST(recovery_code_opens_the_key)
{
	struct made m = make("pw for recovery");
	ck_assert_uint_eq(strlen(m.code), 39); /* 8 groups of 4 and 7 dashes */
	struct vault *k = NULL;
	char *cause = NULL;
	ck_assert_int_eq(vault_recover(m.envelope, m.code, &k, &cause), 0);
	ck_assert(vault_same(k, m.key));
	vault_free(k);

	/* Typed in lower case, without dashes, with spaces: the same code. */
	char loose[64], *o = loose;
	for (const char *p = m.code; *p; p++)
		if (*p != '-')
			*o++ = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	memcpy(o, " \n", 3);
	ck_assert_int_eq(vault_recover(m.envelope, loose, &k, &cause), 0);
	ck_assert(vault_same(k, m.key));
	vault_free(k);

	/* One character off. */
	char *wrong = xstrdup(m.code);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(vault_recover(m.envelope, wrong, &k, &cause), -1);
	ck_assert_ptr_null(k);
	ck_assert_ptr_nonnull(strstr(cause, "does not open"));
	free(wrong);
	ck_assert_int_eq(vault_recover(m.envelope, "ABCD", &k, &cause), -1);
	ck_assert_int_eq(vault_recover(m.envelope, m.envelope, &k, &cause), -1);
	free(cause);
	made_free(&m);
}
END_TEST

START_TEST(rewrap_changes_the_password_only)
{
	struct made m = make("old password");
	char *env2 = NULL, *auth2 = NULL, *cause = NULL, *auth = NULL;
	ck_assert_int_eq(
	    vault_rewrap(m.key, m.envelope, "new password", &cheap, &env2, &auth2, &cause), 0);
	struct vault *k = NULL;
	ck_assert_int_eq(vault_unlock(env2, "old password", &k, &auth, &cause), -1);
	secret_free(auth);
	ck_assert_int_eq(vault_unlock(env2, "new password", &k, &auth, &cause), 0);
	ck_assert_str_eq(auth, auth2);
	ck_assert(vault_same(k, m.key)); /* same data key: nothing stored is re-sealed */
	vault_free(k);
	secret_free(auth);
	/* The recovery code of the signup still opens the new envelope. */
	ck_assert_int_eq(vault_recover(env2, m.code, &k, &cause), 0);
	ck_assert(vault_same(k, m.key));
	vault_free(k);
	free(cause);
	free(env2);
	secret_free(auth2);
	made_free(&m);
}
END_TEST

START_TEST(sealed_value_opens_only_in_its_place)
{
	struct made m = make("pw");
	const char text[] = "hello\0world"; /* byte-exact, NUL included */
	size_t len = 0;
	char *s = vault_seal(m.key, &here, text, sizeof text - 1, &len), *out = NULL;
	ck_assert(vault_is_sealed(s, len));
	ck_assert_uint_eq(len, strlen(s));
	ck_assert_ptr_null(memmem(s, len, "hello", 5));
	size_t n = 0;
	ck_assert_int_eq(vault_open(m.key, &here, s, len, &out, &n), 0);
	ck_assert_uint_eq(n, sizeof text - 1);
	ck_assert_mem_eq(out, text, n);
	ck_assert_int_eq(out[n], '\0');
	free(out);

	/* Every member of the place is bound. */
	struct vault_place moved[] = {
	    {"image", "u1", "c1", 3, "user", "text", 0},
	    {"msg", "u2", "c1", 3, "user", "text", 0},
	    {"msg", "u1", "c2", 3, "user", "text", 0},
	    {"msg", "u1", "c1", 4, "user", "text", 0},
	    {"msg", "u1", "c1", 3, "model", "text", 0},
	    {"msg", "u1", "c1", 3, "user", "thoughts", 0},
	    {"msg", "u1", "c1", 3, "user", "text", 1},
	    {"msg", "u1", NULL, 3, "user", "text", 0},
	    {"msg", "u", "1c1", 3, "user", "text", 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(moved); i++) {
		ck_assert_msg(vault_open(m.key, &moved[i], s, len, &out, &n) == -1, "place %zu", i);
		ck_assert_ptr_null(out);
	}

	/* Any changed byte after the prefix, and a cut value, fail. */
	for (size_t i = strlen(VAULT_SEALED_PREFIX); i < len; i++) {
		char *t = xstrdup(s);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		ck_assert_int_eq(vault_open(m.key, &here, t, len, &out, &n), -1);
		free(t);
	}
	ck_assert_int_eq(vault_open(m.key, &here, s, len - 4, &out, &n), -1);
	ck_assert_int_eq(vault_open(m.key, &here, "jv1:", 4, &out, &n), -1);
	ck_assert_int_eq(vault_open(m.key, &here, "plain text", 10, &out, &n), -1);
	ck_assert_int_eq(vault_open(NULL, &here, s, len, &out, &n), -1);

	/* Another account's key. */
	struct made other = make("pw");
	ck_assert_int_eq(vault_open(other.key, &here, s, len, &out, &n), -1);
	made_free(&other);

	/* The same plain text twice seals differently (random nonces). */
	char *s2 = vault_seal(m.key, &here, text, sizeof text - 1, NULL);
	ck_assert_str_ne(s, s2);
	free(s2);
	/* An empty value is sealed too, and opens empty. */
	char *e = vault_seal(m.key, &here, NULL, 0, &len);
	ck_assert_int_eq(vault_open(m.key, &here, e, len, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(out);
	free(e);
	free(s);
	made_free(&m);
}
END_TEST

START_TEST(export_import_round_trip)
{
	struct made m = make("pw");
	char *t = vault_export(m.key);
	struct vault *k = vault_import(t);
	ck_assert(vault_same(k, m.key));
	ck_assert(reads_same(m.key, k));
	struct vault *d = vault_dup(k);
	ck_assert(vault_same(d, m.key));
	vault_free(d);
	vault_free(k);
	ck_assert_ptr_null(vault_import("not base64!"));
	ck_assert_ptr_null(vault_import("QUJD")); /* too short */
	ck_assert_ptr_null(vault_import(NULL));
	secret_free(t);
	vault_free(NULL);
	made_free(&m);
}
END_TEST

START_TEST(damaged_envelopes_are_refused)
{
	struct made m = make("pw");
	struct vault *k = NULL;
	char *auth = NULL, *cause = NULL;
	const char *bad[] = {
	    "",
	    "v2$t=1$m=8192$a$b$c",
	    "v1$t=x$m=8192$a$b$c",
	    "v1$t=1$m=99999999999999$a$b$c", /* a planted cost must not allocate without bound */
	    "v1$t=0$m=8192$a$b$c",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		ck_assert_int_eq(vault_unlock(bad[i], "pw", &k, &auth, &cause), -1);
		ck_assert_ptr_nonnull(strstr(cause, "damaged"));
	}
	/* Cut or extended. */
	char *cut = xstrndup(m.envelope, strlen(m.envelope) - 3);
	ck_assert_int_eq(vault_unlock(cut, "pw", &k, &auth, &cause), -1);
	char *more = xasprintf("%s$x", m.envelope);
	ck_assert_int_eq(vault_unlock(more, "pw", &k, &auth, &cause), -1);
	ck_assert_int_eq(vault_unlock(NULL, "pw", &k, &auth, &cause), -1);
	free(cut);
	free(more);
	free(cause);

	struct vault_cost c;
	ck_assert_int_eq(vault_envelope_cost(m.envelope, &c), 0);
	ck_assert_uint_eq(c.ops, 1);
	ck_assert_uint_eq(c.mem_bytes, 8192);
	made_free(&m);
}
END_TEST

START_TEST(default_cost_is_argon2id_interactive)
{
	struct vault *k = NULL;
	char *env = NULL, *auth = NULL, *code = NULL, *cause = NULL;
	ck_assert_int_eq(vault_create("pw", NULL, &k, &env, &auth, &code, &cause), 0);
	struct vault_cost c;
	ck_assert_int_eq(vault_envelope_cost(env, &c), 0);
	ck_assert_uint_eq(c.ops, crypto_pwhash_OPSLIMIT_INTERACTIVE);
	ck_assert_uint_eq(c.mem_bytes, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	vault_free(k);
	free(env);
	secret_free(auth);
	secret_free(code);
}
END_TEST

static Suite *vault_suite(void)
{
	Suite *s = suite_create("vault");
	TCase *tc = tcase_create("vault");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, password_opens_the_key_and_gives_the_same_auth);
	tcase_add_test(tc, two_accounts_have_different_keys_and_salts);
	tcase_add_test(tc, recovery_code_opens_the_key);
	tcase_add_test(tc, rewrap_changes_the_password_only);
	tcase_add_test(tc, sealed_value_opens_only_in_its_place);
	tcase_add_test(tc, export_import_round_trip);
	tcase_add_test(tc, damaged_envelopes_are_refused);
	tcase_add_test(tc, default_cost_is_argon2id_interactive);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(vault_suite)
