/*
 * passwd.c: changing the password (/passwd, jarvis --passwd) and setting
 * a new one with the recovery code shown at signup (jarvis --recover).
 * Both re-wrap the account's data key under the new password (vault_rewrap)
 * and keep its recovery wrap: the key, and so every sealed value, stays
 * as it is, and nothing is encrypted again.
 *
 * What it must not do: change an account without its current password or
 * its recovery code, keep a password or a code (they are the caller's and
 * wiped), or leave the account with a hash and an envelope of different
 * passwords (both are written in one store call).
 */
#include <stdlib.h>
#include <string.h>

#include "account_private.h"
#include "jarvis/account.h"
#include "jarvis/password.h"
#include "jarvis/store.h"
#include "jarvis/util.h"
#include "jarvis/vault.h"

/*
 * Writes new_password's envelope of key (the old envelope's recovery wrap
 * kept) and its hash to u. An account made before sealing (no envelope, no
 * key) gets a bcrypt hash of the password itself, as it had.
 */
static int set_password(const struct account_env *env, const struct store_user *u,
                        const struct vault *key, const char *new_password, char **cause)
{
	char *envelope = NULL, *auth = NULL, *hash = NULL, *why = NULL;
	int cost = env->bcrypt_cost > 0 ? env->bcrypt_cost : PASSWORD_COST;
	int rc = ACCOUNT_FAILED;
	if (key != NULL && vault_rewrap(key, u->vault, new_password, env->vault_cost, &envelope,
	                                &auth, cause) != 0)
		goto out;
	if (password_hash_cost(key != NULL ? auth : new_password, cost, &hash, cause) != 0)
		goto out;
	if (store_user_set_secret(env->store, u->id, hash, envelope, &why) < 0) {
		set_cause(cause, "cannot change the password: %s", why);
		goto out;
	}
	rc = ACCOUNT_OK;
out:
	free(envelope);
	secret_free(auth);
	secret_free(hash);
	free(why);
	return rc;
}

int account_passwd(const struct account_env *env, const char *old_password,
                   const char *new_password, long long now_s, char **cause)
{
	if (account_env_check(env, cause) != 0)
		return ACCOUNT_FAILED;
	if (old_password == NULL || *old_password == '\0') {
		set_cause(cause, "the current password is needed");
		return ACCOUNT_INVALID;
	}
	if (password_check(new_password, cause) != 0)
		return ACCOUNT_INVALID;
	/* A missing plugin must not pass for a wrong current password. */
	if (password_ready(cause) != 0 || vault_ready(cause) != 0)
		return ACCOUNT_FAILED;
	struct account_user me = {0};
	struct store_user *u = NULL;
	struct vault *key = NULL;
	char *why = NULL;
	int rc = account_current(env, now_s, &me, &why);
	if (rc != 0) {
		set_cause(cause, "%s", why ? why : "not logged in; log in first");
		rc = rc < 0 ? ACCOUNT_FAILED : ACCOUNT_DENIED;
		goto out;
	}
	free(why);
	why = NULL;
	if (store_user_find_id(env->store, me.id, &u, &why) < 0) {
		set_cause(cause, "cannot look up the account: %s", why);
		rc = ACCOUNT_FAILED;
		goto out;
	}
	if (!account_password_opens(u, old_password, &key)) {
		set_cause(cause, "the current password is wrong; nothing was changed");
		rc = ACCOUNT_DENIED;
		goto out;
	}
	rc = set_password(env, u, key, new_password, cause);
out:
	vault_free(key);
	store_user_free(u);
	account_user_clear(&me);
	free(why);
	return rc;
}

int account_recover(const struct account_env *env, const char *email, const char *code,
                    const char *new_password, long long now_s, struct account_user *out,
                    char **cause)
{
	memset(out, 0, sizeof *out);
	if (account_env_check(env, cause) != 0)
		return ACCOUNT_FAILED;
	if (password_check(new_password, cause) != 0)
		return ACCOUNT_INVALID;
	struct store_user *u = NULL;
	struct vault *key = NULL;
	char *why = NULL;
	int rc = ACCOUNT_DENIED;
	int src = account_find_email(env, email, &u, &why);
	if (src == STORE_INVALID) {
		set_cause(cause, "%s", why);
		rc = ACCOUNT_INVALID;
		goto out;
	}
	if (src == STORE_NOTFOUND) {
		set_cause(cause, "no account with that e-mail");
		goto out;
	}
	if (src < 0) {
		set_cause(cause, "cannot look up the account: %s", why);
		rc = ACCOUNT_FAILED;
		goto out;
	}
	if (u->vault == NULL || *u->vault == '\0') {
		set_cause(cause, "this account was made before recovery codes; log in with its "
		                 "password");
		goto out;
	}
	if (vault_recover(u->vault, code, &key, cause) != 0)
		goto out;
	if ((rc = set_password(env, u, key, new_password, cause)) != ACCOUNT_OK)
		goto out;
	rc = ACCOUNT_FAILED;
	if (account_session_start(env, u->id, key, now_s, out, cause) != 0)
		goto out;
	account_user_fill(out, u->id, u->name, u->email);
	out->key = key;
	key = NULL;
	rc = ACCOUNT_OK;
out:
	vault_free(key);
	store_user_free(u);
	free(why);
	return rc;
}
