/*
 * Unit tests for signup, login, throttling, logout and the current user:
 * the same cases on a temp SQLite store and, when JARVIS_TEST_MONGO_URI is
 * set (make unit starts FerretDB), on a fresh MongoDB database.
 */
#include "jarvis/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/password.h"
#include "jarvis/session.h"
#include "jarvis/store.h"
#include "jarvis/util.h"
#include "jarvis/vault.h"
#include "unit.h"

#define T0 1700000000LL

static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
static char top[64], db[128], state[128];
static const struct vault_cost cheap_vault = {1, 8192}; /* tests only: the minimum Argon2id */
static const char *mongo_uri;                           /* NULL: the SQLite file db */
static char mongo_db[64];
static struct store *st;
static struct account_env env;

/* Another handle on the same store, as a second process would have. */
static struct store *open_again(char **cause)
{
	if (mongo_uri != NULL)
		return store_open(mongo_uri, mongo_db, top, cause);
	return store_open(db, NULL, top, cause);
}

static void setup(void)
{
	snprintf(top, sizeof top, "/tmp/jarvis-account-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(db, sizeof db, "%s/jarvis.db", top);
	snprintf(state, sizeof state, "%s/state/jarvis", top);
	snprintf(mongo_db, sizeof mongo_db, "jarvis_account_%d_%ld", (int)getpid(), (long)random());
	char *cause = NULL;
	st = open_again(&cause);
	ck_assert_msg(st != NULL, "store_open: %s", cause);
	memset(&env, 0, sizeof env);
	env.store = st;
	env.state_dir = state;
	env.secret = key;
	env.secret_len = sizeof key - 1;
	env.token_ttl_s = 3600;
	env.bcrypt_cost = 4; /* cost 12 takes ~250 ms per hash */
	env.vault_cost = &cheap_vault;
}

static void setup_mongo(void)
{
	mongo_uri = getenv("JARVIS_TEST_MONGO_URI");
	setup();
}

static void teardown(void)
{
	if (mongo_uri != NULL)
		store_destroy(st, NULL);
	store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", top);
	ck_assert_int_eq(system(cmd), 0);
}

static void signup_ok(const char *name, const char *email, const char *pw)
{
	struct account_user u;
	char *cause = NULL;
	ck_assert_msg(account_signup(&env, name, email, pw, T0, &u, &cause) == 0, "signup: %s",
	              cause);
	account_user_clear(&u);
}

/* The enum account_rc of the last login_msg. */
static int last_rc;

/* Logs in and returns the message (NULL on success). */
static char *login_msg(const char *email, const char *pw, long long now)
{
	struct account_user u;
	char *cause = NULL;
	int rc = account_login(&env, email, pw, now, &u, &cause);
	last_rc = rc;
	if (rc == 0) {
		ck_assert_ptr_nonnull(u.id);
		account_user_clear(&u);
		return NULL;
	}
	ck_assert_int_lt(rc, 0);
	ck_assert_ptr_null(u.id);
	ck_assert_ptr_nonnull(cause);
	return cause;
}

static void assert_login_fails(const char *email, const char *pw, long long now, const char *msg)
{
	char *m = login_msg(email, pw, now);
	ck_assert_msg(m != NULL, "login of %s succeeded", email);
	ck_assert_str_eq(m, msg);
	free(m);
}

START_TEST(signup_logs_in_and_saves_the_session)
{
	struct account_user u;
	char *cause = NULL, *notice = NULL;
	ck_assert_int_eq(account_current(&env, T0, &u, &notice), 1);
	ck_assert_ptr_null(notice);
	ck_assert_int_eq(account_signup(&env, "  Ada Lovelace ", " Ada@Example.COM ", "analytical",
	                                T0, &u, &cause),
	                 0);
	ck_assert_str_eq(u.name, "Ada Lovelace");
	ck_assert_str_eq(u.email, "ada@example.com");
	ck_assert_int_eq(u.expires_s, T0 + 3600);
	char *id = xstrdup(u.id);
	account_user_clear(&u);

	char path[200];
	struct stat sb;
	snprintf(path, sizeof path, "%s/session", state);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);

	/* The next start finds the user logged in. */
	ck_assert_int_eq(account_current(&env, T0 + 60, &u, &notice), 0);
	ck_assert_str_eq(u.id, id);
	ck_assert_str_eq(u.name, "Ada Lovelace");
	ck_assert_str_eq(u.email, "ada@example.com");
	account_user_clear(&u);

	/* The stored hash is bcrypt, never the password. */
	struct store_user *su = NULL;
	ck_assert_int_eq(store_user_find_email(st, "ada@example.com", &su, &cause), 0);
	ck_assert_msg(strncmp(su->password_hash, "$2b$", 4) == 0, "%s", su->password_hash);
	ck_assert_ptr_null(strstr(su->password_hash, "analytical"));
	store_user_free(su);
	free(id);
}
END_TEST

START_TEST(duplicate_email_is_refused)
{
	signup_ok("Ada", "ada@example.com", "analytical");
	struct account_user u;
	char *cause = NULL;
	ck_assert_int_eq(
	    account_signup(&env, "Other Ada", "ADA@example.com", "different1", T0, &u, &cause),
	    ACCOUNT_EXISTS);
	ck_assert_str_eq(cause, "an account with that e-mail already exists; use /login");
	free(cause);
	/* The first account's password still works; the second one's does not. */
	ck_assert_ptr_null(login_msg("ada@example.com", "analytical", T0 + 1));
	assert_login_fails("ada@example.com", "different1", T0 + 2, "wrong e-mail or password");
}
END_TEST

START_TEST(look_alike_emails_are_one_account)
{
	signup_ok("\xc3\x89lise", "\xc3\x89lise@example.com", "analytical"); /* Élise */
	const char *alikes[] = {
	    "\xc3\xa9lise@example.com",  /* élise */
	    "E\xcc\x81LISE@EXAMPLE.COM", /* E + U+0301 */
	    "\xef\xbc\xa5\xcc\x81lise\xef\xbc\xa0"
	    "example.com", /* full-width */
	};
	for (size_t i = 0; i < sizeof alikes / sizeof alikes[0]; i++) {
		struct account_user u;
		char *cause = NULL;
		ck_assert_int_eq(
		    account_signup(&env, "Mallory", alikes[i], "different1", T0, &u, &cause),
		    ACCOUNT_EXISTS);
		free(cause);
		ck_assert_ptr_null(login_msg(alikes[i], "analytical", T0 + 1 + (long long)i));
	}
	/* A zero-width character is refused, not made into a second account. */
	struct account_user u;
	char *cause = NULL;
	ck_assert_int_eq(account_signup(&env, "Mallory", "\xc3\xa9li\xe2\x80\x8bse@example.com",
	                                "different1", T0, &u, &cause),
	                 ACCOUNT_INVALID);
	ck_assert_ptr_nonnull(strstr(cause, "invisible"));
	free(cause);
}
END_TEST

/* An account stored before folding: the address as typed, ASCII lower-cased. */
static void legacy_account(const char *name, const char *email, const char *pw)
{
	char *hash = NULL, *id = NULL, *cause = NULL;
	ck_assert_int_eq(password_hash_cost(pw, 4, &hash, &cause), 0);
	ck_assert_msg(store_user_create(st, name, email, hash, &id, &cause) == 0, "%s", cause);
	free(hash);
	free(id);
}

START_TEST(accounts_made_before_folding_still_log_in)
{
	legacy_account("\xc3\x89mile", "\xc3\x89mile@Example.com", "analytical");
	struct account_user u;
	char *cause = NULL;
	ck_assert_msg(
	    account_login(&env, "\xc3\x89mile@example.com", "analytical", T0, &u, &cause) == 0,
	    "login: %s", cause);
	ck_assert_str_eq(u.email, "\xc3\x89mile@example.com");
	account_user_clear(&u);
	/* ...and no look-alike is created beside it. */
	ck_assert_int_eq(account_signup(&env, "Mallory", "\xc3\x89mile@example.com", "different1",
	                                T0, &u, &cause),
	                 ACCOUNT_EXISTS);
	free(cause);
}
END_TEST

START_TEST(stored_bidi_overrides_are_neutralised_when_shown)
{
	/* Written before names were checked: U+202E would reverse the rest of the line. */
	legacy_account("Ada \xe2\x80\xae"
	               "evil\x1b[2J",
	               "ada@example.com", "analytical");
	struct account_user u;
	char *cause = NULL;
	ck_assert_int_eq(account_login(&env, "ada@example.com", "analytical", T0, &u, &cause), 0);
	ck_assert_ptr_null(strstr(u.name, "\xe2\x80\xae"));
	ck_assert_ptr_null(strchr(u.name, '\x1b'));
	ck_assert_ptr_nonnull(strstr(u.name, "evil"));
	account_user_clear(&u);
}
END_TEST

START_TEST(bad_signup_input_creates_nothing)
{
	struct account_user u;
	char *cause = NULL;
	ck_assert_int_eq(account_signup(&env, "Bob", "bob@example.com", "short", T0, &u, &cause),
	                 ACCOUNT_INVALID);
	ck_assert_ptr_nonnull(strstr(cause, "at least 8 characters"));
	free(cause), cause = NULL;
	ck_assert_int_eq(
	    account_signup(&env, "Bob", "bob-at-example.com", "long enough", T0, &u, &cause),
	    ACCOUNT_INVALID);
	ck_assert_ptr_nonnull(strstr(cause, "@"));
	free(cause), cause = NULL;
	ck_assert_int_eq(account_signup(&env, "", "bob@example.com", "long enough", T0, &u, &cause),
	                 ACCOUNT_INVALID);
	ck_assert_ptr_nonnull(strstr(cause, "name"));
	free(cause), cause = NULL;
	struct store_user *su = NULL;
	ck_assert_int_eq(store_user_find_email(st, "bob@example.com", &su, &cause), STORE_NOTFOUND);
	free(cause);
	char *notice = NULL;
	ck_assert_int_eq(account_current(&env, T0, &u, &notice), 1);
}
END_TEST

START_TEST(login_right_and_wrong)
{
	signup_ok("Ada", "ada@example.com", "analytical");
	char *cause = NULL;
	ck_assert_int_eq(session_clear(state, &cause), 0);

	struct account_user u;
	ck_assert_int_eq(account_login(&env, " ADA@example.com", "analytical", T0 + 10, &u, &cause),
	                 0);
	ck_assert_str_eq(u.email, "ada@example.com");
	ck_assert_str_eq(u.name, "Ada");
	ck_assert_int_eq(u.expires_s, T0 + 10 + 3600);
	char *id = xstrdup(u.id);
	account_user_clear(&u);
	char *notice = NULL;
	ck_assert_int_eq(account_current(&env, T0 + 20, &u, &notice), 0);
	ck_assert_str_eq(u.id, id);
	account_user_clear(&u);
	free(id);

	/* Wrong password and unknown e-mail read exactly the same. */
	assert_login_fails("ada@example.com", "analyticaL", T0 + 30, "wrong e-mail or password");
	ck_assert_int_eq(last_rc, ACCOUNT_DENIED);
	assert_login_fails("nobody@example.com", "analytical", T0 + 31, "wrong e-mail or password");
	ck_assert_int_eq(last_rc, ACCOUNT_DENIED);
}
END_TEST

/*
 * Issue 9, bug 7: callers pick exit statuses from the kind of failure, so
 * every failure names its kind whatever its wording.
 */
START_TEST(every_failure_has_a_kind)
{
	signup_ok("Ada", "ada@example.com", "analytical");
	char *m = login_msg("ada@example.com", "", T0 + 1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(last_rc, ACCOUNT_INVALID);
	free(m);
	m = login_msg("not-an-email", "analytical", T0 + 1);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(last_rc, ACCOUNT_INVALID);
	free(m);
	struct account_env none = env;
	none.store = NULL;
	struct account_user u;
	char *cause = NULL;
	ck_assert_int_eq(account_login(&none, "ada@example.com", "analytical", T0, &u, &cause),
	                 ACCOUNT_FAILED);
	free(cause), cause = NULL;
	ck_assert_int_eq(
	    account_signup(&none, "Bob", "bob@example.com", "babbage1", T0, &u, &cause),
	    ACCOUNT_FAILED);
	free(cause), cause = NULL;
	ck_assert_int_eq(account_logout(&none, T0, &cause), ACCOUNT_FAILED);
	free(cause);
}
END_TEST

START_TEST(five_failures_lock_the_email_for_fifteen_minutes)
{
	signup_ok("Ada", "ada@example.com", "analytical");
	for (int i = 0; i < ACCOUNT_FAIL_LIMIT; i++)
		assert_login_fails("ada@example.com", "guess", T0 + 100 + i,
		                   "wrong e-mail or password");
	/* Now even the right password is refused, and the message says how long. */
	assert_login_fails("ada@example.com", "analytical", T0 + 105,
	                   "too many failed logins for this e-mail; try again in 15 minutes");
	assert_login_fails("Ada@Example.com", "analytical", T0 + 100 + 600,
	                   "too many failed logins for this e-mail; try again in 6 minutes");
	/* Another process (another store handle on the same file) sees the lock too. */
	char *cause = NULL;
	struct store *st2 = open_again(&cause);
	ck_assert_ptr_nonnull(st2);
	struct account_env env2 = env;
	env2.store = st2;
	struct account_user u;
	ck_assert_int_eq(
	    account_login(&env2, "ada@example.com", "analytical", T0 + 700, &u, &cause),
	    ACCOUNT_THROTTLED);
	ck_assert_ptr_nonnull(strstr(cause, "too many failed logins"));
	free(cause), cause = NULL;
	store_close(st2);
	/* Other e-mails are not affected. */
	signup_ok("Bob", "bob@example.com", "babbage1");
	ck_assert_ptr_null(login_msg("bob@example.com", "babbage1", T0 + 700));

	/* The window passes once the oldest of the five failures is 15 minutes old. */
	assert_login_fails("ada@example.com", "analytical", T0 + 100 + ACCOUNT_FAIL_WINDOW_S,
	                   "too many failed logins for this e-mail; try again in 1 minute");
	ck_assert_ptr_null(
	    login_msg("ada@example.com", "analytical", T0 + 100 + ACCOUNT_FAIL_WINDOW_S + 1));
	/* Success cleared the count: four new failures do not lock the e-mail. */
	long long t = T0 + 2000;
	for (int i = 0; i < ACCOUNT_FAIL_LIMIT - 1; i++)
		assert_login_fails("ada@example.com", "guess", t + i, "wrong e-mail or password");
	ck_assert_ptr_null(login_msg("ada@example.com", "analytical", t + 10));
}
END_TEST

START_TEST(unknown_emails_are_throttled_too)
{
	for (int i = 0; i < ACCOUNT_FAIL_LIMIT; i++)
		assert_login_fails("ghost@example.com", "whatever1", T0 + i,
		                   "wrong e-mail or password");
	assert_login_fails("ghost@example.com", "whatever1", T0 + 10,
	                   "too many failed logins for this e-mail; try again in 15 minutes");
}
END_TEST

START_TEST(logout_revokes_a_saved_copy_of_the_token)
{
	signup_ok("Ada", "ada@example.com", "analytical");
	char *cause = NULL, *old = NULL, *notice = NULL;
	ck_assert_int_eq(session_load(state, &old, &notice), 0);

	ck_assert_int_eq(account_logout(&env, T0 + 5, &cause), 0);
	ck_assert_ptr_null(cause);
	struct account_user u;
	ck_assert_int_eq(account_current(&env, T0 + 6, &u, &notice), 1);
	ck_assert_ptr_null(notice); /* no file: plainly logged out */

	/* Someone kept a copy of the token and puts it back: it no longer works. */
	ck_assert_int_eq(session_save(state, old, &cause), 0);
	ck_assert_int_eq(account_current(&env, T0 + 7, &u, &notice), 1);
	ck_assert_ptr_null(u.id);
	ck_assert_ptr_nonnull(notice);
	ck_assert_msg(strstr(notice, "revoked") != NULL, "notice: %s", notice);
	free(notice);
	free(old);

	/* Logging out again (nothing saved) is fine. */
	ck_assert_int_eq(account_logout(&env, T0 + 8, &cause), 0);
	ck_assert_int_eq(account_logout(&env, T0 + 9, &cause), 0);
}
END_TEST

START_TEST(a_new_login_revokes_the_session_it_replaces)
{
	signup_ok("Ada", "ada@example.com", "analytical");
	char *first = NULL, *notice = NULL;
	ck_assert_int_eq(session_load(state, &first, &notice), 0);
	ck_assert_ptr_null(login_msg("ada@example.com", "analytical", T0 + 5));
	/* A kept copy of the replaced token no longer logs anyone in. */
	char *cause = NULL;
	ck_assert_int_eq(session_save(state, first, &cause), 0);
	struct account_user u;
	ck_assert_int_eq(account_current(&env, T0 + 6, &u, &notice), 1);
	ck_assert_msg(notice && strstr(notice, "revoked"), "notice: %s", notice);
	free(notice);
	free(first);
}
END_TEST

START_TEST(the_data_key_comes_from_the_password_and_the_session)
{
	struct account_user su, lu, cu;
	char *cause = NULL, *notice = NULL;
	ck_assert_msg(
	    account_signup(&env, "Ada", "ada@example.com", "analytical", T0, &su, &cause) == 0,
	    "%s", cause);
	ck_assert_ptr_nonnull(su.key);
	ck_assert_ptr_nonnull(su.recovery_code);
	/* The stored hash is not a hash of the password: a copied database offers no
	 * guess cheaper than Argon2id. The envelope is there, the key is not. */
	struct store_user *rec = NULL;
	ck_assert_int_eq(store_user_find_email(st, "ada@example.com", &rec, &cause), 0);
	ck_assert_ptr_nonnull(rec->vault);
	ck_assert(!password_verify("analytical", rec->password_hash));
	char *exported = vault_export(su.key);
	ck_assert_ptr_null(strstr(rec->vault, exported));
	secret_free(exported);
	struct vault *rk = NULL;
	ck_assert_int_eq(vault_recover(rec->vault, su.recovery_code, &rk, &cause), 0);
	ck_assert(vault_same(rk, su.key));
	vault_free(rk);
	store_user_free(rec);

	ck_assert_int_eq(account_login(&env, "ada@example.com", "analytical", T0 + 1, &lu, &cause),
	                 0);
	ck_assert(vault_same(lu.key, su.key));
	ck_assert_ptr_null(lu.recovery_code);
	ck_assert_int_eq(account_current(&env, T0 + 2, &cu, &notice), 0);
	ck_assert(vault_same(cu.key, su.key));
	account_user_clear(&su);
	account_user_clear(&lu);
	account_user_clear(&cu);

	/* The session file holds the key; /logout forgets it with the file. */
	char *k = session_load_key(state);
	ck_assert_ptr_nonnull(k);
	secret_free(k);
	ck_assert_int_eq(account_logout(&env, T0 + 3, &cause), 0);
	ck_assert_ptr_null(session_load_key(state));
}
END_TEST

/* /passwd and --passwd: the same data key, wrapped under the new password only. */
START_TEST(passwd_rewraps_the_same_key)
{
	struct account_user su, lu;
	char *cause = NULL;
	ck_assert_int_eq(
	    account_signup(&env, "Ada", "ada@example.com", "analytical", T0, &su, &cause), 0);
	ck_assert_int_eq(account_passwd(&env, "not it", "difference", T0 + 1, &cause),
	                 ACCOUNT_DENIED);
	ck_assert_str_eq(cause, "the current password is wrong; nothing was changed");
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(login_msg("ada@example.com", "analytical", T0 + 2));
	ck_assert_int_eq(account_passwd(&env, "analytical", "short", T0 + 3, &cause),
	                 ACCOUNT_INVALID);
	free(cause);
	cause = NULL;
	ck_assert_msg(account_passwd(&env, "analytical", "difference", T0 + 4, &cause) == 0, "%s",
	              cause);
	assert_login_fails("ada@example.com", "analytical", T0 + 5, "wrong e-mail or password");
	ck_assert_int_eq(account_login(&env, "ada@example.com", "difference", T0 + 6, &lu, &cause),
	                 0);
	ck_assert(vault_same(lu.key, su.key));
	account_user_clear(&lu);
	/* The recovery wrap was kept: the code still opens the same key. */
	struct store_user *rec = NULL;
	struct vault *rk = NULL;
	ck_assert_int_eq(store_user_find_email(st, "ada@example.com", &rec, &cause), 0);
	ck_assert_int_eq(vault_recover(rec->vault, su.recovery_code, &rk, &cause), 0);
	ck_assert(vault_same(rk, su.key));
	vault_free(rk);
	store_user_free(rec);
	/* Logged out, nothing changes. */
	ck_assert_int_eq(account_logout(&env, T0 + 7, &cause), 0);
	ck_assert_int_eq(account_passwd(&env, "difference", "third one", T0 + 8, &cause),
	                 ACCOUNT_DENIED);
	free(cause);
	account_user_clear(&su);
}
END_TEST

/* --recover: the code sets a new password for the same key and logs in. */
START_TEST(the_recovery_code_sets_a_new_password)
{
	struct account_user su, ru, lu;
	char *cause = NULL;
	ck_assert_int_eq(
	    account_signup(&env, "Ada", "ada@example.com", "analytical", T0, &su, &cause), 0);
	ck_assert_int_eq(account_logout(&env, T0 + 1, &cause), 0);
	ck_assert_int_eq(account_recover(&env, "ada@example.com",
	                                 "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-"
	                                 "HHHH",
	                                 "forgotten1", T0 + 2, &ru, &cause),
	                 ACCOUNT_DENIED);
	ck_assert_str_eq(cause, "that recovery code does not open this account's key");
	free(cause);
	cause = NULL;
	ck_assert_int_eq(account_recover(&env, "nobody@example.com", su.recovery_code, "forgotten1",
	                                 T0 + 3, &ru, &cause),
	                 ACCOUNT_DENIED);
	free(cause);
	cause = NULL;
	/* Dashes, spaces and case do not matter. */
	char *typed = xstrdup(su.recovery_code);
	for (char *p = typed; *p; p++)
		*p = *p == '-' ? ' ' : (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
	ck_assert_msg(
	    account_recover(&env, "ada@example.com", typed, "forgotten1", T0 + 4, &ru, &cause) == 0,
	    "%s", cause);
	free(typed);
	ck_assert(vault_same(ru.key, su.key));
	ck_assert_str_eq(ru.email, "ada@example.com");
	account_user_clear(&ru);
	assert_login_fails("ada@example.com", "analytical", T0 + 5, "wrong e-mail or password");
	ck_assert_int_eq(account_login(&env, "ada@example.com", "forgotten1", T0 + 6, &lu, &cause),
	                 0);
	ck_assert(vault_same(lu.key, su.key));
	account_user_clear(&lu);
	account_user_clear(&su);
}
END_TEST

/*
 * An account from before the vault logs in with its old hash, and that
 * first login seals it: a key and an envelope, the recovery code shown,
 * the hash no longer of the password; what it stored in clear is sealed.
 */
START_TEST(an_account_from_before_the_vault_still_logs_in)
{
	char *hash = NULL, *cause = NULL, *id = NULL, *cid = NULL;
	ck_assert_int_eq(password_hash_cost("analytical", 4, &hash, &cause), 0);
	ck_assert_int_eq(store_user_create(st, "Old", "old@example.com", hash, &id, &cause), 0);
	ck_assert_int_eq(store_conv_create(st, id, "old title", NULL, "old prompt", &cid, &cause),
	                 0);
	struct msg *m = msg_new(ROLE_USER, "an old question");
	ck_assert_int_eq(store_msg_append(st, id, cid, m, &cause), 0);
	msg_free(m);
	struct account_user u, cu;
	char *notice = NULL;
	ck_assert_int_eq(account_login(&env, "old@example.com", "analytical", T0, &u, &cause), 0);
	ck_assert_ptr_nonnull(u.key);
	ck_assert_ptr_nonnull(u.recovery_code);
	struct store_user *rec = NULL;
	ck_assert_int_eq(store_user_find_email(st, "old@example.com", &rec, &cause), 0);
	ck_assert_ptr_nonnull(rec->vault);
	ck_assert(!password_verify("analytical", rec->password_hash));
	store_user_free(rec);
	/* Read back opened with the key: nothing is tampered. */
	struct conv *c = NULL;
	ck_assert_int_eq(store_conv_get(st, id, cid, &c, &cause), 0);
	ck_assert_str_eq(c->title, "old title");
	ck_assert_str_eq(c->system_prompt, "old prompt");
	conv_free(c);
	struct store_msgs v = {0};
	ck_assert_int_eq(store_msg_last(st, id, cid, 10, &v, &cause), 0);
	ck_assert_int_eq(v.n, 1);
	ck_assert_str_eq(v.items[0]->text.data, "an old question");
	store_msgs_release(&v);
	free(cid);
	ck_assert_int_eq(account_current(&env, T0 + 1, &cu, &notice), 0);
	ck_assert_str_eq(cu.id, id);
	account_user_clear(&u);
	account_user_clear(&cu);
	secret_free(hash);
	free(id);
}
END_TEST

START_TEST(expired_or_foreign_session_is_logged_out)
{
	signup_ok("Ada", "ada@example.com", "analytical");
	struct account_user u;
	char *notice = NULL;
	ck_assert_int_eq(account_current(&env, T0 + 3599, &u, &notice), 0);
	account_user_clear(&u);
	ck_assert_int_eq(account_current(&env, T0 + 3600, &u, &notice), 1);
	ck_assert_ptr_nonnull(strstr(notice, "expired"));
	free(notice);
	/* The data key is kept no longer than the token: the expired session's file is gone. */
	ck_assert_ptr_null(session_load_key(state));
	ck_assert_ptr_null(login_msg("ada@example.com", "analytical", T0 + 3601));
	char *saved = session_load_key(state);
	ck_assert_ptr_nonnull(saved);
	secret_free(saved);

	/* A different signing key (JWT_SECRET_KEY changed) does not crash; it logs out. */
	static const unsigned char other[] = "another signing key of 32 bytes!";
	struct account_env env2 = env;
	env2.secret = other;
	env2.secret_len = sizeof other - 1;
	ck_assert_int_eq(account_current(&env2, T0 + 3602, &u, &notice), 1);
	ck_assert_ptr_nonnull(strstr(notice, "signature"));
	free(notice);
}
END_TEST

/* Time of one failed login in ms. */
static long long timed_failure(const char *email, long long now)
{
	long long t = now_ms();
	assert_login_fails(email, "not the password", now, "wrong e-mail or password");
	return now_ms() - t;
}

START_TEST(unknown_email_takes_as_long_as_a_wrong_password)
{
	env.bcrypt_cost = 0;   /* the production cost, as the dummy hash uses */
	env.vault_cost = NULL; /* and the production Argon2id cost, as the dummy envelope */
	signup_ok("Ada", "ada@example.com", "analytical");
	/* The faster of two each: one run on a loaded machine can take twice as long. */
	long long wrong = timed_failure("ada@example.com", T0 + 1);
	long long unknown = timed_failure("nobody@example.com", T0 + 2);
	long long w2 = timed_failure("ada@example.com", T0 + 3);
	long long u2 = timed_failure("nobody@example.com", T0 + 4);
	wrong = w2 < wrong ? w2 : wrong;
	unknown = u2 < unknown ? u2 : unknown;
	ck_assert_msg(wrong > 50 && unknown > 50, "wrong %lld ms, unknown %lld ms", wrong, unknown);
	ck_assert_msg(unknown * 2 > wrong && wrong * 2 > unknown, "wrong %lld ms, unknown %lld ms",
	              wrong, unknown);
}
END_TEST

static void add_flows(TCase *tc)
{
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, signup_logs_in_and_saves_the_session);
	tcase_add_test(tc, duplicate_email_is_refused);
	tcase_add_test(tc, look_alike_emails_are_one_account);
	tcase_add_test(tc, accounts_made_before_folding_still_log_in);
	tcase_add_test(tc, stored_bidi_overrides_are_neutralised_when_shown);
	tcase_add_test(tc, bad_signup_input_creates_nothing);
	tcase_add_test(tc, login_right_and_wrong);
	tcase_add_test(tc, every_failure_has_a_kind);
	tcase_add_test(tc, five_failures_lock_the_email_for_fifteen_minutes);
	tcase_add_test(tc, unknown_emails_are_throttled_too);
	tcase_add_test(tc, logout_revokes_a_saved_copy_of_the_token);
	tcase_add_test(tc, a_new_login_revokes_the_session_it_replaces);
	tcase_add_test(tc, expired_or_foreign_session_is_logged_out);
	tcase_add_test(tc, the_data_key_comes_from_the_password_and_the_session);
	tcase_add_test(tc, an_account_from_before_the_vault_still_logs_in);
	tcase_add_test(tc, passwd_rewraps_the_same_key);
	tcase_add_test(tc, the_recovery_code_sets_a_new_password);
	tcase_add_test(tc, unknown_email_takes_as_long_as_a_wrong_password);
}

static Suite *account_suite(void)
{
	Suite *s = suite_create("account");
	TCase *tc = tcase_create("sqlite");
	tcase_add_checked_fixture(tc, setup, teardown);
	add_flows(tc);
	suite_add_tcase(s, tc);
	if (getenv("JARVIS_TEST_MONGO_URI") != NULL) {
		TCase *mc = tcase_create("mongodb");
		tcase_add_checked_fixture(mc, setup_mongo, teardown);
		add_flows(mc);
		suite_add_tcase(s, mc);
	} else {
		fputs("account: MONGODB FLOWS SKIPPED (JARVIS_TEST_MONGO_URI unset)\n", stderr);
	}
	return s;
}

UNIT_MAIN(account_suite)
