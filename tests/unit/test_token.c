/* Unit tests for the login JWT (injected clock) and the signing key file. */
#include "jarvis/token.h"

#include <errno.h>
#include <fcntl.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/util.h"

#include "unit.h"

static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
#define KEYLEN (sizeof key - 1)
#define NOW 1700000000LL
#define TTL 604800LL

static char *b64url(const char *s)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(s);
	char *out = malloc(n * 4 / 3 + 4), *o = out;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v =
		    p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		*o++ = a[v >> 18 & 63];
		*o++ = a[v >> 12 & 63];
		if (i + 1 < n)
			*o++ = a[v >> 6 & 63];
		if (i + 2 < n)
			*o++ = a[v & 63];
	}
	*o = '\0';
	return out;
}

static char *issue(void)
{
	char *tok = NULL, *jti = NULL, *cause = NULL;
	ck_assert_int_eq(token_issue(key, KEYLEN, "user-42", NOW, TTL, &tok, &jti, &cause), 0);
	free(jti);
	return tok;
}

/* Verifies tok at now and returns the message (NULL when it was accepted). */
static char *verify_msg(const char *tok, long long now)
{
	struct token_claims c;
	char *cause = NULL;
	int rc = token_verify(key, KEYLEN, tok, now, &c, &cause);
	if (rc == 0) {
		ck_assert_ptr_null(cause);
		token_claims_release(&c);
		return NULL;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(c.sub);
	ck_assert_ptr_nonnull(cause);
	return cause;
}

static void assert_refused(const char *tok, long long now, const char *piece)
{
	char *m = verify_msg(tok, now);
	ck_assert_msg(m != NULL, "token accepted: %s", tok);
	ck_assert_msg(strstr(m, piece) != NULL, "message '%s' lacks '%s'", m, piece);
	free(m);
}

START_TEST(valid_token_round_trip)
{
	char *tok = NULL, *jti = NULL, *cause = NULL;
	ck_assert_int_eq(token_issue(key, KEYLEN, "user-42", NOW, TTL, &tok, &jti, &cause), 0);
	ck_assert_uint_eq(strlen(jti), 32);
	ck_assert_uint_eq(strspn(jti, "0123456789abcdef"), 32);
	struct token_claims c;
	ck_assert_int_eq(token_verify(key, KEYLEN, tok, NOW + 10, &c, &cause), 0);
	ck_assert_str_eq(c.sub, "user-42");
	ck_assert_str_eq(c.jti, jti);
	ck_assert_int_eq(c.iat, NOW);
	ck_assert_int_eq(c.exp, NOW + TTL);
	token_claims_release(&c);

	/* Two tokens for the same user at the same second still get distinct ids. */
	char *tok2 = NULL, *jti2 = NULL;
	ck_assert_int_eq(token_issue(key, KEYLEN, "user-42", NOW, TTL, &tok2, &jti2, &cause), 0);
	ck_assert_str_ne(jti, jti2);
	free(tok);
	free(jti);
	free(tok2);
	free(jti2);
}
END_TEST

START_TEST(expired_token_is_refused)
{
	char *tok = issue();
	ck_assert_ptr_null(verify_msg(tok, NOW + TTL - 1));
	assert_refused(tok, NOW + TTL, "expired");
	assert_refused(tok, NOW + TTL + 3600, "expired");
	free(tok);
}
END_TEST

START_TEST(tampered_payload_is_refused)
{
	char *tok = issue();
	char *dot1 = strchr(tok, '.'), *dot2 = strchr(dot1 + 1, '.');
	char *payload = b64url("{\"sub\":\"admin\",\"iat\":1700000000,\"exp\":1800000000,"
	                       "\"jti\":\"00000000000000000000000000000000\"}");
	char forged[2048];
	snprintf(forged, sizeof forged, "%.*s.%s%s", (int)(dot1 - tok), tok, payload, dot2);
	assert_refused(forged, NOW, "signature");
	free(payload);
	free(tok);
}
END_TEST

START_TEST(tampered_signature_is_refused)
{
	char *tok = issue();
	char *sig = strrchr(tok, '.') + 1;
	sig[0] = sig[0] == 'A' ? 'B' : 'A';
	assert_refused(tok, NOW, "signature");
	/* No signature at all. */
	sig[0] = '\0';
	assert_refused(tok, NOW, "");
	free(tok);
}
END_TEST

START_TEST(wrong_secret_is_refused)
{
	char *tok = issue();
	static const unsigned char other[] = "another key entirely, 32 bytes!!";
	struct token_claims c;
	char *cause = NULL;
	ck_assert_int_eq(token_verify(other, sizeof other - 1, tok, NOW, &c, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "signature"));
	free(cause);
	free(tok);
}
END_TEST

START_TEST(alg_none_is_refused)
{
	char *h = b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
	char *p = b64url("{\"sub\":\"user-42\",\"iat\":1700000000,\"exp\":1800000000,"
	                 "\"jti\":\"0123456789abcdef0123456789abcdef\"}");
	char tok[1024];
	snprintf(tok, sizeof tok, "%s.%s.", h, p);
	assert_refused(tok, NOW, "only HS256");
	/* The same with a leftover signature from a real token. */
	char *real = issue();
	snprintf(tok, sizeof tok, "%s.%s.%s", h, p, strrchr(real, '.') + 1);
	assert_refused(tok, NOW, "only HS256");
	/* Other spellings of "none", as seen in attacks. */
	free(h);
	h = b64url("{\"alg\":\"None\"}");
	snprintf(tok, sizeof tok, "%s.%s.", h, p);
	assert_refused(tok, NOW, "only HS256");
	free(h);
	free(p);
	free(real);
}
END_TEST

/* A token signed by libjwt with alg and key, with or without a jti. */
static char *libjwt_token(jwt_alg_t alg, const unsigned char *k, size_t klen, int with_jti)
{
	jwt_t *j = NULL;
	ck_assert_int_eq(jwt_new(&j), 0);
	ck_assert_int_eq(jwt_set_alg(j, alg, k, (int)klen), 0);
	jwt_add_grant(j, "sub", "user-42");
	jwt_add_grant_int(j, "iat", (long)NOW);
	jwt_add_grant_int(j, "exp", (long)(NOW + TTL));
	if (with_jti)
		jwt_add_grant(j, "jti", "0123456789abcdef0123456789abcdef");
	char *t = jwt_encode_str(j);
	ck_assert_ptr_nonnull(t);
	jwt_free(j);
	return t;
}

START_TEST(hs512_with_same_secret_is_refused)
{
	char *t = libjwt_token(JWT_ALG_HS512, key, KEYLEN, 1);
	/* libjwt itself accepts it with our key: the check must be ours. */
	jwt_t *j = NULL;
	ck_assert_int_eq(jwt_decode(&j, t, key, (int)KEYLEN), 0);
	jwt_free(j);
	assert_refused(t, NOW, "HS256");
	free(t);
	t = libjwt_token(JWT_ALG_HS384, key, KEYLEN, 1);
	assert_refused(t, NOW, "HS256");
	free(t);
	/* The same claims as HS256 pass, so the refusal above is about the algorithm. */
	t = libjwt_token(JWT_ALG_HS256, key, KEYLEN, 1);
	ck_assert_ptr_null(verify_msg(t, NOW));
	free(t);
}
END_TEST

/* An HS256 token signed with our key, with the given iat and extra header JSON. */
static char *token_with(long iat, const char *header_json)
{
	jwt_t *j = NULL;
	ck_assert_int_eq(jwt_new(&j), 0);
	ck_assert_int_eq(jwt_set_alg(j, JWT_ALG_HS256, key, (int)KEYLEN), 0);
	if (header_json != NULL)
		ck_assert_int_eq(jwt_add_headers_json(j, header_json), 0);
	jwt_add_grant(j, "sub", "user-42");
	jwt_add_grant_int(j, "iat", iat);
	jwt_add_grant_int(j, "exp", (long)(NOW + TTL));
	jwt_add_grant(j, "jti", "0123456789abcdef0123456789abcdef");
	char *t = jwt_encode_str(j);
	ck_assert_ptr_nonnull(t);
	jwt_free(j);
	return t;
}

/* Issue 12: a token from the future, or with crit or kid, was accepted. */
START_TEST(future_iat_crit_and_kid_are_refused)
{
	char *t = token_with((long)NOW + 3600, NULL);
	assert_refused(t, NOW, "issued in the future");
	free(t);
	t = token_with((long)NOW + 30, NULL); /* within the clock skew */
	ck_assert_ptr_null(verify_msg(t, NOW));
	free(t);
	t = token_with((long)NOW, "{\"crit\":[\"exp\"]}");
	assert_refused(t, NOW, "crit");
	free(t);
	t = token_with((long)NOW, "{\"kid\":\"other-key\"}");
	assert_refused(t, NOW, "kid");
	free(t);
	t = token_with((long)NOW, NULL);
	ck_assert_ptr_null(verify_msg(t, NOW));
	free(t);
}
END_TEST

START_TEST(missing_claims_are_refused)
{
	char *t = libjwt_token(JWT_ALG_HS256, key, KEYLEN, 0);
	assert_refused(t, NOW, "lacks");
	free(t);
}
END_TEST

START_TEST(garbage_is_refused)
{
	static const char *bad[] = {"",         "abc",      "a.b.c",     "...",
	                            "eyJ.eyJ.", "\xff\xfe", "a.b.c.d.e", "%%%.%%%.%%%"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_refused(bad[i], NOW, "");
	struct token_claims c;
	char *cause = NULL;
	ck_assert_int_eq(token_verify(key, KEYLEN, NULL, NOW, &c, &cause), -1);
	free(cause);
	char big[8000];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_refused(big, NOW, "too long");
}
END_TEST

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/jarvis-token-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return strdup(tmpl);
}

START_TEST(configured_secret_is_used_as_bytes)
{
	unsigned char *k = NULL;
	size_t len = 0;
	char *warning = NULL, *cause = NULL;
	ck_assert_int_eq(secret_load("a fine long configured secret, 40 bytes.", "/nonexistent", &k,
	                             &len, &warning, &cause),
	                 0);
	ck_assert_uint_eq(len, 40);
	ck_assert_int_eq(memcmp(k, "a fine long", 11), 0);
	ck_assert_ptr_null(warning);
	secret_free_len(k, len);

	/* Issue 12: a short configured secret is refused, not only warned about. */
	ck_assert_int_eq(secret_load("short", "/nonexistent", &k, &len, &warning, &cause), -1);
	ck_assert_ptr_null(k);
	ck_assert_ptr_null(warning);
	ck_assert_ptr_nonnull(strstr(cause, "only 5 bytes"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(secret_load("0123456789abcdef0123456789abcde", "/nonexistent", &k, &len,
	                             &warning, &cause),
	                 -1); /* 31 bytes */
	free(cause);
}
END_TEST

START_TEST(secret_file_is_made_private_and_reused)
{
	char *top = tmpdir();
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/data/jarvis", top);
	snprintf(path, sizeof path, "%s/jwt_secret", dir);
	unsigned char *k1 = NULL, *k2 = NULL;
	size_t l1 = 0, l2 = 0;
	char *warning = NULL, *cause = NULL;
	ck_assert_int_eq(secret_load(NULL, dir, &k1, &l1, &warning, &cause), 0);
	ck_assert_uint_eq(l1, 32);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, 32);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);

	/* An empty configured value means "not configured": the file is used again. */
	ck_assert_int_eq(secret_load("", dir, &k2, &l2, &warning, &cause), 0);
	ck_assert_uint_eq(l2, 32);
	ck_assert_int_eq(memcmp(k1, k2, 32), 0);
	secret_free_len(k2, l2);

	/* A token signed before "restart" verifies after it. */
	char *tok = NULL, *jti = NULL;
	ck_assert_int_eq(token_issue(k1, l1, "u1", NOW, TTL, &tok, &jti, &cause), 0);
	ck_assert_int_eq(secret_load(NULL, dir, &k2, &l2, &warning, &cause), 0);
	struct token_claims c;
	ck_assert_int_eq(token_verify(k2, l2, tok, NOW, &c, &cause), 0);
	token_claims_release(&c);
	secret_free_len(k1, l1);
	secret_free_len(k2, l2);
	free(tok);
	free(jti);

	/* Only the key file is left in the directory (no temporary files). */
	char cmd[700];
	snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = jwt_secret", dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", top);
	system(cmd);
	free(top);
}
END_TEST

START_TEST(untrusted_secret_file_is_refused)
{
	char *dir = tmpdir();
	char path[600];
	snprintf(path, sizeof path, "%s/jwt_secret", dir);
	unsigned char *k = NULL;
	size_t len = 0;
	char *warning = NULL, *cause = NULL;
	ck_assert_int_eq(secret_load(NULL, dir, &k, &len, &warning, &cause), 0);
	unsigned char before[32];
	memcpy(before, k, 32);
	secret_free_len(k, len);

	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(secret_load(NULL, dir, &k, &len, &warning, &cause), -1);
	ck_assert_ptr_null(k);
	ck_assert_ptr_nonnull(strstr(cause, "chmod 600"));
	free(cause), cause = NULL;
	/* The file was not replaced: fixing the mode brings the same key back. */
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(secret_load(NULL, dir, &k, &len, &warning, &cause), 0);
	ck_assert_int_eq(memcmp(k, before, 32), 0);
	secret_free_len(k, len);

	/* Wrong size. */
	int fd = open(path, O_WRONLY | O_APPEND);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ck_assert_int_eq(secret_load(NULL, dir, &k, &len, &warning, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "33 bytes"));
	ck_assert_ptr_nonnull(strstr(cause, "delete it"));
	free(cause), cause = NULL;

	/* A symbolic link. */
	unlink(path);
	ck_assert_int_eq(symlink("/etc/hostname", path), 0);
	ck_assert_int_eq(secret_load(NULL, dir, &k, &len, &warning, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "symbolic link"));
	free(cause), cause = NULL;
	unlink(path);
	rmdir(dir);
	free(dir);
}
END_TEST

START_TEST(racing_processes_agree_on_one_key)
{
	char *dir = tmpdir();
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	enum { N = 8 };
	for (int i = 0; i < N; i++) {
		if (fork() == 0) {
			unsigned char *k = NULL;
			size_t len = 0;
			char *w = NULL, *c = NULL;
			if (secret_load(NULL, dir, &k, &len, &w, &c) != 0 || len != 32)
				_exit(1);
			ssize_t n = write(fds[1], k, 32);
			_exit(n == 32 ? 0 : 1);
		}
	}
	close(fds[1]);
	unsigned char first[32], got[32];
	for (int i = 0; i < N; i++) {
		size_t have = 0;
		while (have < 32) {
			ssize_t n = read(fds[0], got + have, 32 - have);
			ck_assert_int_gt(n, 0);
			have += (size_t)n;
		}
		if (i == 0)
			memcpy(first, got, 32);
		else
			ck_assert_int_eq(memcmp(first, got, 32), 0);
	}
	close(fds[0]);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	system(cmd);
	free(dir);
}
END_TEST

static Suite *token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("jwt");
	tcase_add_test(tc, valid_token_round_trip);
	tcase_add_test(tc, expired_token_is_refused);
	tcase_add_test(tc, tampered_payload_is_refused);
	tcase_add_test(tc, tampered_signature_is_refused);
	tcase_add_test(tc, wrong_secret_is_refused);
	tcase_add_test(tc, alg_none_is_refused);
	tcase_add_test(tc, hs512_with_same_secret_is_refused);
	tcase_add_test(tc, missing_claims_are_refused);
	tcase_add_test(tc, future_iat_crit_and_kid_are_refused);
	tcase_add_test(tc, garbage_is_refused);
	suite_add_tcase(s, tc);
	TCase *ts = tcase_create("secret");
	tcase_add_test(ts, configured_secret_is_used_as_bytes);
	tcase_add_test(ts, secret_file_is_made_private_and_reused);
	tcase_add_test(ts, untrusted_secret_file_is_refused);
	tcase_add_test(ts, racing_processes_agree_on_one_key);
	suite_add_tcase(s, ts);
	return s;
}

UNIT_MAIN(token_suite)
