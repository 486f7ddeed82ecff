/* Unit tests for bcrypt hashing and the signup input checks. */
#include "jarvis/password.h"

#include <stdlib.h>
#include <string.h>

#include "unit.h"

START_TEST(production_hash_is_bcrypt_2b_cost_12)
{
	char *hash = NULL, *cause = NULL;
	ck_assert_int_eq(password_hash("correct horse", &hash, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_msg(strncmp(hash, "$2b$12$", 7) == 0, "hash %s", hash);
	ck_assert_uint_eq(strlen(hash), 60);
	ck_assert_int_eq(password_verify("correct horse", hash), 1);
	ck_assert_int_eq(password_verify("correct horsf", hash), 0);
	free(hash);
}
END_TEST

START_TEST(right_and_wrong_passwords)
{
	char *h1 = NULL, *h2 = NULL, *cause = NULL;
	ck_assert_int_eq(password_hash_cost("s3cret-passw0rd", 4, &h1, &cause), 0);
	ck_assert_int_eq(password_hash_cost("s3cret-passw0rd", 4, &h2, &cause), 0);
	ck_assert_msg(strncmp(h1, "$2b$04$", 7) == 0, "hash %s", h1);
	/* A fresh salt each time: the same password never gives the same hash. */
	ck_assert_str_ne(h1, h2);
	ck_assert_int_eq(password_verify("s3cret-passw0rd", h1), 1);
	ck_assert_int_eq(password_verify("s3cret-passw0rd", h2), 1);
	ck_assert_int_eq(password_verify("s3cret-passw0rD", h1), 0);
	ck_assert_int_eq(password_verify("", h1), 0);
	ck_assert_int_eq(password_verify(NULL, h1), 0);
	free(h1);
	free(h2);
}
END_TEST

START_TEST(malformed_hash_never_matches)
{
	char *h = NULL, *cause = NULL;
	ck_assert_int_eq(password_hash_cost("abcdefgh", 4, &h, &cause), 0);
	ck_assert_int_eq(password_verify("abcdefgh", ""), 0);
	ck_assert_int_eq(password_verify("abcdefgh", NULL), 0);
	ck_assert_int_eq(password_verify("abcdefgh", "$2b$04$short"), 0);
	ck_assert_int_eq(password_verify("abcdefgh", "plain text password"), 0);
	ck_assert_int_eq(password_verify("abcdefgh", "abcdefgh"), 0);
	/* A legacy DES or MD5 crypt hash is not accepted even when it matches. */
	ck_assert_int_eq(password_verify("abcdefgh", "$1$saltsalt$3Ewpdh9K1JORZB8UvgRCC0"), 0);
	/* The hash cut short by one character. */
	char *cut = strndup(h, strlen(h) - 1);
	ck_assert_int_eq(password_verify("abcdefgh", cut), 0);
	free(cut);
	free(h);
}
END_TEST

START_TEST(seventy_two_bytes_is_the_limit)
{
	char pw72[73], pw73[74];
	memset(pw72, 'x', 72);
	pw72[72] = '\0';
	memset(pw73, 'x', 73);
	pw73[73] = '\0';
	char *h = NULL, *cause = NULL;
	ck_assert_int_eq(password_hash_cost(pw72, 4, &h, &cause), 0);
	ck_assert_int_eq(password_verify(pw72, h), 1);
	/* bcrypt would ignore byte 73; verification must not let it pass. */
	ck_assert_int_eq(password_verify(pw73, h), 0);
	free(h);

	char *h2 = NULL;
	ck_assert_int_eq(password_hash_cost(pw73, 4, &h2, &cause), -1);
	ck_assert_ptr_null(h2);
	ck_assert_ptr_nonnull(strstr(cause, "72 bytes"));
	free(cause), cause = NULL;
	cause = NULL;
	ck_assert_int_eq(password_check(pw73, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "73 bytes"));
	free(cause), cause = NULL;
}
END_TEST

START_TEST(password_length_rules)
{
	char *cause = NULL;
	ck_assert_int_eq(password_check("1234567", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "at least 8 characters"));
	free(cause), cause = NULL;
	cause = NULL;
	ck_assert_int_eq(password_check("12345678", &cause), 0);
	/* Eight characters of two bytes each count as eight, not sixteen. */
	ck_assert_int_eq(password_check("éééééééé", &cause), 0);
	ck_assert_int_eq(password_check("ééééééé", &cause), -1);
	free(cause), cause = NULL;
	cause = NULL;
	/* 24 three-byte characters are 72 bytes: fine; 25 are not. */
	char buf[128] = "";
	for (int i = 0; i < 24; i++)
		memcpy(buf + 3 * i, "€", 3);
	ck_assert_int_eq(password_check(buf, &cause), 0);
	memcpy(buf + 72, "€", 4);
	ck_assert_int_eq(password_check(buf, &cause), -1);
	free(cause), cause = NULL;
}
END_TEST

static const struct {
	const char *in;
	const char *out; /* NULL: refused */
	const char *why; /* a piece of the message when refused */
} emails[] = {
    {"ada@example.com", "ada@example.com", NULL},
    {"  Ada.Lovelace@Example.COM \n", "ada.lovelace@example.com", NULL},
    {"a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk", NULL},
    {"", NULL, "needed"},
    {"   ", NULL, "needed"},
    {"ada.example.com", NULL, "needs an @"},
    {"ada@@example.com", NULL, "exactly one @"},
    {"a@b@example.com", NULL, "exactly one @"},
    {"@example.com", NULL, "before the @"},
    {"ada@", NULL, "domain"},
    {"ada@localhost", NULL, "domain"},
    {"ada@example.", NULL, "domain"},
    {"ada@.example.com", NULL, "domain"},
    {"ada@example..com", NULL, "domain"},
    {"ada lovelace@example.com", NULL, "spaces"},
    {"ada@exam\tple.com", NULL, "spaces"},
    {"ada\x1b[31m@example.com", NULL, "control"},
    /* One account however the letters are typed: NFKC and case folding. */
    {"\xc3\x89lise@Example.com", "\xc3\xa9lise@example.com", NULL},  /* Élise */
    {"\xc3\x89LISE@example.com", "\xc3\xa9lise@example.com", NULL},  /* ÉLISE */
    {"E\xcc\x81lise@example.com", "\xc3\xa9lise@example.com", NULL}, /* E + U+0301 */
    {"\xef\xbd\x85\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x93\xef\xbd\x85\xef\xbc\xa0"
     "example.com",
     "elise@example.com", NULL}, /* full-width letters and @ */
    {"\xce\xa3\xce\xbf\xcf\x86\xce\xaf\xce\xb1@example.gr",
     "\xcf\x83\xce\xbf\xcf\x86\xce\xaf\xce\xb1@example.gr", NULL}, /* Σοφία */
    /* Nothing invisible, no broken UTF-8, no space of another script. */
    {"eli\xe2\x80\x8bse@example.com", NULL, "invisible"}, /* U+200B zero-width space */
    {"eli\xe2\x80\x8dse@example.com", NULL, "invisible"}, /* U+200D zero-width joiner */
    {"eli\xc2\xadse@example.com", NULL, "invisible"},     /* U+00AD soft hyphen */
    {"\xef\xbb\xbf"
     "elise@example.com",
     NULL, "invisible"}, /* U+FEFF */
    {"\xe2\x80\xae"
     "elise@example.com",
     NULL, "invisible"}, /* U+202E RLO */
    {"eli\xffse@example.com", NULL, "UTF-8"},
    {"eli\xc3se@example.com", NULL, "UTF-8"},
    {"eli\xc2\xa0se@example.com", NULL, "spaces"},     /* U+00A0 */
    {"eli\xe3\x80\x80se@example.com", NULL, "spaces"}, /* U+3000 */
    {"eli\xc2\x9bse@example.com", NULL, "control"},    /* U+009B CSI */
};

START_TEST(email_table)
{
	for (size_t i = 0; i < sizeof emails / sizeof emails[0]; i++) {
		char *out = NULL, *cause = NULL;
		int rc = email_normalize(emails[i].in, &out, &cause);
		if (emails[i].out != NULL) {
			ck_assert_msg(rc == 0, "%s refused: %s", emails[i].in, cause);
			ck_assert_str_eq(out, emails[i].out);
		} else {
			ck_assert_msg(rc == -1, "%s accepted", emails[i].in);
			ck_assert_ptr_null(out);
			ck_assert_msg(strstr(cause, emails[i].why) != NULL, "%s: message '%s'",
			              emails[i].in, cause);
		}
		free(out);
		free(cause), cause = NULL;
	}
}
END_TEST

START_TEST(email_length_limit)
{
	char buf[300];
	char *out = NULL, *cause = NULL;
	/* 64 + 1 + 189 = 254 bytes: the longest address accepted. */
	memset(buf, 'a', 64);
	buf[64] = '@';
	memset(buf + 65, 'b', 185);
	memcpy(buf + 250, ".com", 5);
	ck_assert_uint_eq(strlen(buf), 254);
	/* Labels are at most 63 bytes: put dots into the long domain. */
	buf[65 + 60] = '.';
	buf[65 + 120] = '.';
	buf[65 + 180] = '.';
	ck_assert_int_eq(email_normalize(buf, &out, &cause), 0);
	free(out);
	memcpy(buf + 250, "x.com", 6);
	ck_assert_int_eq(email_normalize(buf, &out, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "254"));
	free(cause), cause = NULL;
}
END_TEST

START_TEST(name_table)
{
	char *out = NULL, *cause = NULL;
	ck_assert_int_eq(name_normalize("  Ada Lovelace  ", &out, &cause), 0);
	ck_assert_str_eq(out, "Ada Lovelace");
	free(out);
	ck_assert_int_eq(name_check("Zoë", &cause), 0);
	ck_assert_int_eq(name_check("A", &cause), 0);

	ck_assert_int_eq(name_check("", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "needed"));
	free(cause), cause = NULL;
	ck_assert_int_eq(name_check(" \t ", &cause), -1);
	free(cause), cause = NULL;
	ck_assert_int_eq(name_check("Ada\nLovelace", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "control"));
	free(cause), cause = NULL;
	ck_assert_int_eq(name_check("Ada\x1b[2J", &cause), -1);
	free(cause), cause = NULL;
	/* Bidi overrides and isolates would turn the name around where shown. */
	ck_assert_int_eq(name_check("Ada \xe2\x80\xae"
	                            "ecalevol",
	                            &cause),
	                 -1);
	ck_assert_ptr_nonnull(strstr(cause, "bidi"));
	free(cause), cause = NULL;
	ck_assert_int_eq(name_check("Ada \xe2\x81\xa7x\xe2\x81\xa9", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "bidi"));
	free(cause), cause = NULL;
	ck_assert_int_eq(name_check("\xd7\x93\xd7\x95\xd7\x93 David", &cause),
	                 0); /* RTL letters are fine */
	ck_assert_int_eq(name_check("bad \xff byte", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "UTF-8"));
	free(cause), cause = NULL;

	/* 100 two-byte characters are fine; 101 are too many. */
	char buf[256] = "";
	for (int i = 0; i < 100; i++)
		memcpy(buf + 2 * i, "é", 2);
	ck_assert_int_eq(name_check(buf, &cause), 0);
	memcpy(buf + 200, "é", 3);
	ck_assert_int_eq(name_check(buf, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "101 characters"));
	free(cause), cause = NULL;
}
END_TEST

static Suite *password_suite(void)
{
	Suite *s = suite_create("password");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, production_hash_is_bcrypt_2b_cost_12);
	tcase_add_test(tc, right_and_wrong_passwords);
	tcase_add_test(tc, malformed_hash_never_matches);
	tcase_add_test(tc, seventy_two_bytes_is_the_limit);
	tcase_add_test(tc, password_length_rules);
	tcase_add_test(tc, email_table);
	tcase_add_test(tc, email_length_limit);
	tcase_add_test(tc, name_table);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(password_suite)
