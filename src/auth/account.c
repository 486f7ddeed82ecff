/*
 * account.c: the signup, login, logout and "who is logged in" flows, with
 * login throttling kept in the store so it holds across processes.
 *
 * It must not tell anyone whether an e-mail has an account: a wrong
 * password and an unknown e-mail give the same message and take the same
 * time (a bcrypt verify against a dummy hash). It must not keep passwords
 * or tokens in memory it frees, must not read the clock (callers pass
 * now_s), and must not be called on the event loop: everything here blocks.
 */
#include "jarvis/account.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "account_private.h"
#include "jarvis/password.h"
#include "jarvis/session.h"
#include "jarvis/store.h"
#include "jarvis/token.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "jarvis/vault.h"

/*
 * A cost-12 bcrypt hash of a password nobody types: verifying against it
 * takes as long as verifying against a real account's hash.
 */
static const char dummy_hash[] = "$2b$12$J9YEvDI31vb8jPw3er1Zs.JSLabQTl1j8w22i.a6yy3tEDGSr7B4u";

/*
 * An envelope of a data key nobody has (libsodium's interactive Argon2id
 * cost, as new accounts get): an unknown e-mail spends the same Argon2id
 * time on it as a real account's password does.
 */
static const char dummy_envelope[] =
    "v1$t=2$m=67108864$0QC0vIUJJlJoeKUSYjwIAQ==$wD0hdOrv2/AVTqpjFkVHzOghsMytBSUJI7eyC8wzGw3Hjpil"
    "Mi3lL3RE+Dov1tq20qlDEt0PLmbpV2NTnxRX7uyv8ie4I430$2On509RdyAAfWkbiZoKF6vMarMCulj6AbfiGHfjnk"
    "6a/mrSJWqVPeZBqEKk0unz3zrp1EV7NOcTOY4HuSjBG8/Jgc6mu22mT";

static const char wrong_login[] = "wrong e-mail or password";

void account_user_clear(struct account_user *u)
{
	if (u == NULL)
		return;
	free(u->id);
	free(u->name);
	free(u->email);
	free(u->jti);
	free(u->notice);
	secret_free(u->recovery_code);
	vault_free(u->key);
	memset(u, 0, sizeof *u);
}

static int env_check(const struct account_env *env, char **cause)
{
	if (env == NULL || env->store == NULL)
		set_cause(cause, "accounts need a store; check [store] uri or --store");
	else if (env->secret == NULL || env->secret_len == 0)
		set_cause(cause, "no signing key for login tokens; set JWT_SECRET_KEY");
	else if (env->state_dir == NULL || *env->state_dir == '\0')
		set_cause(cause, "no place for the session file; set XDG_STATE_HOME or HOME");
	else
		return ACCOUNT_OK;
	return ACCOUNT_FAILED;
}

/*
 * The jti of the saved session, or NULL. Only a token we signed counts (an
 * expired one too: it is dead anyway), so a forged jti cannot be used to
 * revoke someone else's session.
 */
static char *saved_jti(const struct account_env *env)
{
	char *token = NULL, *notice = NULL, *jti = NULL;
	if (session_load(env->state_dir, &token, &notice) == 0) {
		struct token_claims c;
		if (token_verify(env->secret, env->secret_len, token, 0, &c, NULL) == 0) {
			jti = c.jti;
			c.jti = NULL;
			token_claims_release(&c);
		}
	}
	secret_free(token);
	free(notice);
	return jti;
}

/*
 * Issues a token for user_id, records its jti in the store and saves the
 * session file; fills out->jti and out->expires_s. The session it replaces
 * (a login over a login, from any front end) is revoked; when that fails,
 * out->notice says so.
 */
static int session_start(const struct account_env *env, const char *user_id,
                         const struct vault *key, long long now_s, struct account_user *out,
                         char **cause)
{
	long long ttl = env->token_ttl_s > 0 ? env->token_ttl_s : ACCOUNT_DEFAULT_TTL_S;
	char *token = NULL, *jti = NULL, *why = NULL;
	if (token_issue(env->secret, env->secret_len, user_id, now_s, ttl, &token, &jti, cause) !=
	    0)
		return -1;
	int rc = -1;
	char *old = saved_jti(env);
	if (store_session_add(env->store, jti, user_id, (now_s + ttl) * 1000, &why) < 0) {
		set_cause(cause, "cannot record the login session: %s", why);
		goto out;
	}
	char *key_text = key != NULL ? vault_export(key) : NULL;
	int saved = session_save_key(env->state_dir, token, key_text, &why);
	secret_free(key_text);
	if (saved != 0) {
		/* An unsaved token must not stay valid: nobody could log it out. */
		char *ignored = NULL;
		store_session_revoke(env->store, jti, &ignored);
		free(ignored);
		set_cause(cause, "cannot save the login session: %s", why);
		goto out;
	}
	if (old != NULL && strcmp(old, jti) != 0 && store_session_revoke(env->store, old, &why) < 0)
		out->notice = xasprintf("the previous session could not be revoked: %s", why);
	out->jti = jti;
	jti = NULL;
	out->expires_s = now_s + ttl;
	/* The store seals and opens this user's data with the key from now on. */
	store_set_vault(env->store, user_id, key);
	rc = 0;
out:
	secret_free(token);
	free(jti);
	free(old);
	free(why);
	return rc;
}

/*
 * The name and e-mail are for showing: a record written before names were
 * checked may hold bidi overrides or controls, so they are neutralised.
 */
static void user_fill(struct account_user *out, const char *id, const char *name, const char *email)
{
	out->id = xstrdup(id);
	name = name != NULL ? name : "";
	email = email != NULL ? email : "";
	out->name = utf8_sanitize(name, strlen(name));
	out->email = utf8_sanitize(email, strlen(email));
}

static bool has_non_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

int account_find_email(const struct account_env *env, const char *email, struct store_user **out,
                       char **cause)
{
	*out = NULL;
	char *nemail = NULL;
	if (email_normalize(email, &nemail, cause) != 0)
		return STORE_INVALID;
	int rc = store_user_find_email(env->store, nemail, out, cause);
	/* Accounts made before NFKC folding were keyed by the address as typed,
	 * lower-cased for ASCII only (the store still does that much). */
	if (rc == STORE_NOTFOUND && has_non_ascii(email)) {
		free(*cause);
		*cause = NULL;
		rc = store_user_find_email(env->store, email, out, cause);
	}
	free(nemail);
	return rc;
}

int account_signup(const struct account_env *env, const char *name, const char *email,
                   const char *password, long long now_s, struct account_user *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (env_check(env, cause) != 0)
		return ACCOUNT_FAILED;
	char *nname = NULL, *nemail = NULL, *hash = NULL, *id = NULL, *why = NULL;
	char *envelope = NULL, *auth = NULL, *code = NULL;
	struct vault *key = NULL;
	int rc = ACCOUNT_INVALID;
	if (name_normalize(name, &nname, cause) != 0 ||
	    email_normalize(email, &nemail, cause) != 0 || password_check(password, cause) != 0)
		goto out;
	rc = ACCOUNT_FAILED;
	struct store_user *old = NULL;
	int frc = account_find_email(env, email, &old, &why);
	store_user_free(old);
	if (frc == 0) {
		set_cause(cause, "an account with that e-mail already exists; use /login");
		rc = ACCOUNT_EXISTS;
		goto out;
	}
	if (frc != STORE_NOTFOUND) {
		set_cause(cause, "cannot look up the account: %s", why);
		goto out;
	}
	free(why);
	why = NULL;
	int cost = env->bcrypt_cost > 0 ? env->bcrypt_cost : PASSWORD_COST;
	/* The bcrypt hash is taken over the Argon2id-derived value, never the password. */
	if (vault_create(password, env->vault_cost, &key, &envelope, &auth, &code, cause) != 0 ||
	    password_hash_cost(auth, cost, &hash, cause) != 0)
		goto out;
	int src = store_user_create_vault(env->store, nname, nemail, hash, envelope, &id, &why);
	if (src == STORE_EXISTS) {
		set_cause(cause, "an account with that e-mail already exists; use /login");
		rc = ACCOUNT_EXISTS;
		goto out;
	}
	if (src < 0) {
		set_cause(cause, "cannot create the account: %s", why);
		goto out;
	}
	if (session_start(env, id, key, now_s, out, &why) != 0) {
		set_cause(cause, "the account was created, but %s; log in with /login", why);
		goto out;
	}
	user_fill(out, id, nname, nemail);
	out->key = key;
	key = NULL;
	out->recovery_code = code;
	code = NULL;
	rc = ACCOUNT_OK;
out:
	vault_free(key);
	free(envelope);
	secret_free(auth);
	secret_free(code);
	free(nname);
	free(nemail);
	secret_free(hash);
	free(id);
	free(why);
	return rc;
}

/*
 * Seconds until a throttled e-mail may try again: until the
 * ACCOUNT_FAIL_LIMIT-th most recent failure leaves the window. The store
 * only counts, so the time of that failure is found by bisection (about
 * ten counts, and only when a login is being refused anyway).
 */
static long long throttle_wait(struct store *st, const char *email, long long now_s)
{
	long long lo = now_s - ACCOUNT_FAIL_WINDOW_S, hi = now_s + 1;
	while (hi - lo > 1) {
		long long mid = lo + (hi - lo) / 2;
		long count = 0;
		char *why = NULL;
		int rc = store_login_fail_count(st, email, mid * 1000, &count, &why);
		free(why);
		if (rc < 0)
			return ACCOUNT_FAIL_WINDOW_S;
		if (count >= ACCOUNT_FAIL_LIMIT)
			lo = mid;
		else
			hi = mid;
	}
	long long wait = lo + ACCOUNT_FAIL_WINDOW_S + 1 - now_s;
	return wait > 0 ? wait : 1;
}

/* What password_opens found. */
enum opens { OPENS_NOT, OPENS_OK, OPENS_TO_SEAL };

/*
 * Whether password is the account's: with an envelope, the bcrypt hash is
 * of the Argon2id-derived value and the envelope must open (*key then
 * holds the data key). OPENS_TO_SEAL: the account's data is still to be
 * sealed: made before 0.2 (a hash of the password itself, no envelope,
 * *key NULL), or its sealing stopped half-way (an envelope the password
 * opens, the hash still of the password: seal_old_data sets it last).
 */
static enum opens password_opens(const struct store_user *u, const char *password,
                                 struct vault **key)
{
	*key = NULL;
	if (u->vault == NULL || *u->vault == '\0')
		return password_verify(password, u->password_hash) ? OPENS_TO_SEAL : OPENS_NOT;
	char *auth = NULL;
	int rc = vault_unlock(u->vault, password, key, &auth, NULL);
	enum opens ok = OPENS_NOT;
	/* bcrypt runs whether or not the envelope opened: a wrong password takes as long as
	 * an unknown e-mail (test_account). */
	bool hashed = auth != NULL && password_verify(auth, u->password_hash);
	if (rc == 0 && hashed)
		ok = OPENS_OK;
	else if (rc == 0 && password_verify(password, u->password_hash))
		ok = OPENS_TO_SEAL;
	secret_free(auth);
	if (ok == OPENS_NOT) {
		vault_free(*key);
		*key = NULL;
	}
	return ok;
}

/*
 * The first login after the upgrade of an account made before 0.2 seals
 * what it stored in clear (issue 12): a data key and its envelope are
 * made (*code: the recovery code, shown once) and stored beside the old
 * hash, the data is sealed (store_seal_clear), and only then the hash
 * becomes the Argon2id-derived one. A failure half-way leaves an envelope
 * and the old hash: the next login with the password goes on from there.
 */
static int seal_old_data(const struct account_env *env, const struct store_user *u,
                         const char *password, struct vault **key, char **code, char **cause)
{
	char *envelope = NULL, *auth = NULL, *hash = NULL, *why = NULL;
	int rc = -1;
	if (*key == NULL) {
		if (vault_create(password, env->vault_cost, key, &envelope, &auth, code, cause) !=
		    0)
			return -1;
		if (store_user_set_secret(env->store, u->id, u->password_hash, envelope, &why) <
		    0) {
			set_cause(cause, "cannot store the account's new key: %s", why);
			goto out;
		}
	} else if (vault_auth(u->vault, password, &auth, cause) != 0) {
		goto out;
	}
	store_set_vault(env->store, u->id, *key);
	size_t convs = 0;
	if (store_seal_clear(env->store, u->id, &convs, &why) < 0) {
		set_cause(cause,
		          "cannot encrypt the conversations stored before 0.2 (%s); log in "
		          "again to finish",
		          why);
		goto out;
	}
	int cost = env->bcrypt_cost > 0 ? env->bcrypt_cost : PASSWORD_COST;
	free(why);
	why = NULL;
	if (password_hash_cost(auth, cost, &hash, cause) != 0)
		goto out;
	if (store_user_set_secret(env->store, u->id, hash, envelope ? envelope : u->vault, &why) <
	    0) {
		set_cause(cause, "cannot store the account's new password hash: %s", why);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		store_set_vault(env->store, NULL, NULL);
	free(envelope);
	secret_free(auth);
	secret_free(hash);
	free(why);
	return rc;
}

int account_login(const struct account_env *env, const char *email, const char *password,
                  long long now_s, struct account_user *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (env_check(env, cause) != 0)
		return ACCOUNT_FAILED;
	if (password == NULL || *password == '\0') {
		set_cause(cause, "a password is needed");
		return ACCOUNT_INVALID;
	}
	char *nemail = NULL, *why = NULL;
	struct store_user *u = NULL;
	struct vault *key = NULL;
	int rc = ACCOUNT_INVALID;
	if (email_normalize(email, &nemail, cause) != 0)
		goto out;
	rc = ACCOUNT_FAILED;
	/* A missing plugin must not pass for a wrong password, nor count as a failed login. */
	if (password_ready(cause) != 0 || vault_ready(cause) != 0)
		goto out;

	/*
	 * The attempt is recorded as failed before bcrypt runs, in one atomic
	 * step with the count, so parallel guesses cannot all pass the check
	 * before any of them is recorded; a good password clears it below.
	 */
	int src = store_login_fail_reserve(env->store, nemail, now_s * 1000,
	                                   (now_s - ACCOUNT_FAIL_WINDOW_S) * 1000,
	                                   ACCOUNT_FAIL_LIMIT, &why);
	if (src == STORE_EXISTS) {
		long long wait = throttle_wait(env->store, nemail, now_s);
		long long minutes = (wait + 59) / 60;
		set_cause(cause,
		          "too many failed logins for this e-mail; try again in %lld minute%s",
		          minutes, minutes == 1 ? "" : "s");
		rc = ACCOUNT_THROTTLED;
		goto out;
	}
	if (src < 0) {
		set_cause(cause, "cannot check recent failed logins: %s", why);
		goto out;
	}
	free(why);
	why = NULL;

	src = account_find_email(env, email, &u, &why);
	if (src == STORE_NOTFOUND) {
		/* Spend the same time as a real check so timing does not tell. */
		char *auth = NULL;
		if (vault_auth(dummy_envelope, password, &auth, NULL) == 0)
			(void)password_verify(auth, dummy_hash);
		secret_free(auth);
		set_cause(cause, "%s", wrong_login);
		rc = ACCOUNT_DENIED;
		goto out;
	}
	if (src < 0) {
		set_cause(cause, "cannot look up the account: %s", why);
		goto out;
	}
	enum opens opens = password_opens(u, password, &key);
	if (opens == OPENS_NOT) {
		set_cause(cause, "%s", wrong_login);
		rc = ACCOUNT_DENIED;
		goto out;
	}
	free(why);
	why = NULL;
	if (store_login_fail_clear(env->store, nemail, &why) < 0) {
		set_cause(cause, "cannot reset the failed-login count: %s", why);
		goto out;
	}
	char *code = NULL;
	if (opens == OPENS_TO_SEAL && seal_old_data(env, u, password, &key, &code, cause) != 0)
		goto out;
	if (session_start(env, u->id, key, now_s, out, cause) != 0) {
		secret_free(code);
		goto out;
	}
	user_fill(out, u->id, u->name, u->email);
	out->key = key;
	key = NULL;
	out->recovery_code = code;
	rc = ACCOUNT_OK;
out:
	vault_free(key);
	store_user_free(u);
	free(nemail);
	free(why);
	return rc;
}

int account_logout(const struct account_env *env, long long now_s, char **cause)
{
	if (env_check(env, cause) != 0)
		return ACCOUNT_FAILED;
	char *why = NULL, *jti = saved_jti(env);
	int rc = ACCOUNT_OK;
	if (jti != NULL && store_session_revoke(env->store, jti, &why) < 0) {
		set_cause(cause,
		          "the session file was removed, but the session could not be "
		          "revoked in the store: %s",
		          why);
		rc = ACCOUNT_FAILED;
	}
	store_set_vault(env->store, NULL, NULL);
	char *cleared = NULL;
	if (session_clear(env->state_dir, &cleared) != 0) {
		set_cause(cause, "%s", cleared);
		free(cleared);
		rc = ACCOUNT_FAILED;
	}
	free(jti);
	free(why);
	return rc;
}

/* A session that is over keeps its data key no longer than its token: the file goes. */
static void forget_key(const struct account_env *env)
{
	char *key = session_load_key(env->state_dir);
	if (key != NULL) {
		char *ignored = NULL;
		session_clear(env->state_dir, &ignored);
		free(ignored);
	}
	secret_free(key);
}

int account_current(const struct account_env *env, long long now_s, struct account_user *out,
                    char **notice)
{
	memset(out, 0, sizeof *out);
	if (notice != NULL)
		*notice = NULL;
	char *why = NULL;
	if (env_check(env, &why) != 0) {
		if (notice != NULL)
			*notice = why;
		else
			free(why);
		return 1;
	}
	char *token = NULL, *user_id = NULL;
	struct token_claims c = {0};
	struct store_user *u = NULL;
	int rc = 1;
	if (session_load(env->state_dir, &token, &why) != 0)
		goto out;
	char *bad = NULL;
	if (token_verify(env->secret, env->secret_len, token, now_s, &c, &bad) != 0) {
		why = xasprintf("not logged in: %s", bad);
		free(bad);
		forget_key(env);
		goto out;
	}
	int src = store_session_check(env->store, c.jti, now_s * 1000, &user_id, &bad);
	if (src == STORE_NOTFOUND) {
		why = xasprintf("not logged in: %s", bad);
		free(bad);
		forget_key(env);
		goto out;
	}
	if (src < 0) {
		why = xasprintf("cannot check the login session: %s", bad);
		free(bad);
		rc = -1;
		goto out;
	}
	if (user_id != NULL && strcmp(user_id, c.sub) != 0) {
		why = xstrdup("not logged in: the saved session does not match its account; log in "
		              "again");
		goto out;
	}
	src = store_user_find_id(env->store, c.sub, &u, &bad);
	if (src == STORE_NOTFOUND) {
		why = xstrdup("not logged in: the account of the saved session no longer exists");
		free(bad);
		goto out;
	}
	if (src < 0) {
		why = xasprintf("cannot load the logged-in account: %s", bad);
		free(bad);
		rc = -1;
		goto out;
	}
	/*
	 * The key is the session file's whenever it has one: an account recalled
	 * from the outbox while MongoDB is away has no envelope to show, and
	 * what it writes then must be sealed all the same.
	 */
	char *text = session_load_key(env->state_dir);
	/* A missing plugin must not pass for a session without a key. */
	char *no_engine = NULL;
	if (text != NULL && vault_ready(&no_engine) != 0) {
		secret_free(text);
		why = no_engine;
		rc = -1;
		goto out;
	}
	out->key = text ? vault_import(text) : NULL;
	secret_free(text);
	if (u->vault != NULL && *u->vault != '\0') {
		if (out->key == NULL) {
			why = xstrdup("not logged in: the saved session holds no data key (it was "
			              "saved by an older Jarvis); log in again");
			goto out;
		}
	}
	store_set_vault(env->store, u->id, out->key);
	user_fill(out, u->id, u->name, u->email);
	out->jti = xstrdup(c.jti);
	out->expires_s = c.exp;
	rc = 0;
out:
	store_user_free(u);
	token_claims_release(&c);
	secret_free(token);
	free(user_id);
	if (notice != NULL)
		*notice = why;
	else
		free(why);
	return rc;
}

/* ---- lent to passwd.c (account_private.h) ---- */

int account_env_check(const struct account_env *env, char **cause)
{
	return env_check(env, cause);
}

bool account_password_opens(const struct store_user *u, const char *password, struct vault **key)
{
	return password_opens(u, password, key) != OPENS_NOT;
}

int account_session_start(const struct account_env *env, const char *user_id,
                          const struct vault *key, long long now_s, struct account_user *out,
                          char **cause)
{
	return session_start(env, user_id, key, now_s, out, cause);
}

void account_user_fill(struct account_user *out, const char *id, const char *name,
                       const char *email)
{
	user_fill(out, id, name, email);
}
