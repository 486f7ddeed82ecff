/*
 * accounts.c: the account, session and login-throttle calls of store.h,
 * with the policy both engines share: e-mail normalisation, the checks of
 * an account record, and whether a stored session is valid. Dispatched
 * through the handle of store.c (dispatch.h); no engine code here.
 */
#include "jarvis/store.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "jarvis/util.h"
#include "outbox.h"

/* Lower-cases (ASCII) and trims an e-mail address; the caller frees it. */
static char *email_lower(const char *email)
{
	if (email == NULL)
		return xstrdup("");
	while (*email != '\0' && isspace((unsigned char)*email))
		email++;
	size_t n = strlen(email);
	while (n > 0 && isspace((unsigned char)email[n - 1]))
		n--;
	char *s = xstrndup(email, n);
	/* ASCII only: the domain is case-insensitive and the local part is treated so by
	 * every provider users meet; non-ASCII bytes are kept as they are. */
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

int store_user_create(struct store *st, const char *name, const char *email,
                      const char *password_hash, char **id_out, char **cause)
{
	return store_user_create_vault(st, name, email, password_hash, NULL, id_out, cause);
}

int store_user_create_vault(struct store *st, const char *name, const char *email,
                            const char *password_hash, const char *vault, char **id_out,
                            char **cause)
{
	int rc;
	if ((rc = store_need("name", name, cause)) < 0 ||
	    (rc = store_need("e-mail", email, cause)) < 0 ||
	    (rc = store_need("password hash", password_hash, cause)) < 0)
		return rc;
	char *norm = email_lower(email);
	char *id = NULL;
	if (*norm == '\0' || strchr(norm, '@') == NULL) {
		rc = STORE_INVALID;
		set_cause(cause, "store: '%s' is not an e-mail address", norm);
	} else {
		rc = store_read_gate(st, cause);
		if (rc == 0)
			rc = store_answer(st,
			                  st->e->user_create(st->h, name, norm, password_hash,
			                                     vault, wall_ms(), &id, &st->detail),
			                  "creating an account", cause);
		if (rc == STORE_EXISTS)
			set_cause(cause, "an account with that e-mail already exists");
	}
	free(norm);
	if (rc == 0 && id_out != NULL)
		*id_out = id;
	else
		free(id);
	return rc;
}

/* An account as the engine read it, checked for the fields every record has. */
static int user_checked(int rc, struct store_user **out, char **cause)
{
	struct store_user *u = *out;
	if (rc < 0 || u == NULL)
		return rc;
	if (u->id == NULL || u->email == NULL || u->password_hash == NULL) {
		store_user_free(u);
		*out = NULL;
		return set_cause(cause, "store: the account record is damaged (missing fields)"),
		       STORE_ERROR;
	}
	if (u->name == NULL)
		u->name = xstrdup("");
	return STORE_OK;
}

int store_user_find_email(struct store *st, const char *email, struct store_user **out,
                          char **cause)
{
	int rc;
	*out = NULL;
	if ((rc = store_need("e-mail", email, cause)) < 0)
		return rc;
	if ((rc = store_read_gate(st, cause)) < 0)
		return rc;
	char *norm = email_lower(email);
	rc = store_answer(st, st->e->user_find(st->h, 1, norm, out, &st->detail),
	                  "looking up an account", cause);
	free(norm);
	if (rc == STORE_NOTFOUND)
		set_cause(cause, "no account with that e-mail");
	return user_checked(rc, out, cause);
}

int store_user_find_id(struct store *st, const char *id, struct store_user **out, char **cause)
{
	*out = NULL;
	if (id == NULL || *id == '\0')
		return set_cause(cause, NO_ACCOUNT), STORE_NOTFOUND;
	int rc = store_read_gate(st, cause);
	if (rc == 0)
		rc = user_checked(store_answer(st, st->e->user_find(st->h, 0, id, out, &st->detail),
		                               "looking up an account", cause),
		                  out, cause);
	if (rc == 0)
		outbox_remember_user(st->ob, *out);
	if (rc == STORE_OFFLINE && (*out = outbox_recall_user(st->ob, id)) != NULL) {
		/* The account as last seen online, so its owner can go on working. */
		store_drop_cause(cause);
		rc = STORE_OK;
	}
	return rc;
}

int store_user_set_secret(struct store *st, const char *id, const char *password_hash,
                          const char *vault, char **cause)
{
	int rc;
	if ((rc = store_need("user id", id, cause)) < 0 ||
	    (rc = store_need("password hash", password_hash, cause)) < 0)
		return rc;
	if ((rc = store_read_gate(st, cause)) < 0)
		return rc;
	return store_answer(st,
	                    st->e->user_set_secret(st->h, id, password_hash, vault, &st->detail),
	                    "changing the password", cause);
}

int store_session_add(struct store *st, const char *jti, const char *user_id, long long expires_ms,
                      char **cause)
{
	int rc;
	if ((rc = store_need("session id", jti, cause)) < 0 ||
	    (rc = store_need("user id", user_id, cause)) < 0)
		return rc;
	if ((rc = store_read_gate(st, cause)) < 0)
		return rc;
	rc = store_answer(st, st->e->session_add(st->h, jti, user_id, expires_ms, &st->detail),
	                  "recording a session", cause);
	if (rc == STORE_EXISTS)
		set_cause(cause, "store: session id already recorded");
	if (rc == 0 && st->ob != NULL) {
		/* Remembered now, not at the next run's check: that run may find the
		 * server gone and must still work as this user, through the outbox. */
		outbox_remember_session(st->ob, jti, user_id);
		struct store_user *u = NULL;
		char *ignored = NULL;
		store_user_find_id(st, user_id, &u, &ignored); /* remembers the name and e-mail */
		store_user_free(u);
		free(ignored);
	}
	return rc;
}

/*
 * The policy for a stored session, the same for every engine: revoked
 * first (a revoked session says so even when it has expired since), then
 * a record without a user (damaged: never valid), then expiry.
 */
static int session_valid(struct store *st, const char *jti, long long now, char **uid, char **cause)
{
	struct engine_session s = {0};
	int rc = store_answer(st, st->e->session_get(st->h, jti, &s, &st->detail),
	                      "checking a session", cause);
	if (rc < 0)
		return rc;
	const char *why = NULL;
	if (s.revoked)
		why = "session revoked; log in again";
	else if (s.user_id == NULL)
		why = "the session's record is damaged; log in again";
	else if (s.expires_ms <= now)
		why = "session expired; log in again";
	if (why != NULL) {
		set_cause(cause, "%s", why);
		rc = STORE_NOTFOUND;
	}
	if (rc == 0)
		*uid = s.user_id;
	else
		free(s.user_id);
	return rc;
}

int store_session_check(struct store *st, const char *jti, long long now_ms, char **user_id_out,
                        char **cause)
{
	if (user_id_out != NULL)
		*user_id_out = NULL;
	if (jti == NULL || *jti == '\0')
		return set_cause(cause, NO_SESSION), STORE_NOTFOUND;
	char *uid = NULL;
	int rc = store_read_gate(st, cause);
	if (rc == 0)
		rc = session_valid(st, jti, now_ms, &uid, cause);
	if (rc == 0)
		outbox_remember_session(st->ob, jti, uid);
	else if (rc == STORE_NOTFOUND)
		outbox_remember_session(st->ob, NULL, NULL);
	else if (rc == STORE_OFFLINE && outbox_recall_session(st->ob, jti, &uid) == 0) {
		/* Checked online before; a revocation elsewhere shows once back online. */
		store_drop_cause(cause);
		rc = STORE_OK;
	}
	if (rc == 0 && user_id_out != NULL)
		*user_id_out = uid;
	else
		free(uid);
	return rc;
}

int store_session_revoke(struct store *st, const char *jti, char **cause)
{
	int rc;
	if ((rc = store_need("session id", jti, cause)) < 0)
		return rc;
	if ((rc = store_read_gate(st, cause)) < 0)
		return rc;
	rc = store_answer(st, st->e->session_revoke(st->h, jti, &st->detail), "revoking a session",
	                  cause);
	/* Forgotten only if it is the one remembered: a login revokes the
	 * session it replaces after recording (and remembering) its own. */
	char *uid = NULL;
	if (rc == 0 && outbox_recall_session(st->ob, jti, &uid) == 0)
		outbox_remember_session(st->ob, NULL, NULL);
	free(uid);
	return rc;
}

int store_login_fail_reserve(struct store *st, const char *email, long long at_ms,
                             long long since_ms, long limit, char **cause)
{
	int rc = store_read_gate(st, cause);
	if (rc < 0)
		return rc;
	if (limit < 1)
		return set_cause(cause, "store: a login attempt limit must be at least 1"),
		       STORE_INVALID;
	char *norm = email_lower(email);
	rc = st->e->fail_reserve(st->h, norm, at_ms, since_ms, limit, &st->detail);
	if (rc == STORE_EXISTS) {
		free(st->detail);
		st->detail = NULL;
		set_cause(cause, "too many failed logins for this e-mail");
	} else {
		rc = store_answer(st, rc, "reserving a login attempt", cause);
	}
	free(norm);
	return rc;
}

int store_login_fail_count(struct store *st, const char *email, long long since_ms, long *count,
                           char **cause)
{
	*count = 0;
	int rc = store_read_gate(st, cause);
	if (rc < 0)
		return rc;
	char *norm = email_lower(email);
	rc = store_answer(st, st->e->fail_count(st->h, norm, since_ms, count, &st->detail),
	                  "counting failed logins", cause);
	free(norm);
	return rc;
}

int store_login_fail_clear(struct store *st, const char *email, char **cause)
{
	int rc = store_read_gate(st, cause);
	if (rc < 0)
		return rc;
	char *norm = email_lower(email);
	rc = store_answer(st, st->e->fail_clear(st->h, norm, &st->detail), "clearing failed logins",
	                  cause);
	free(norm);
	return rc;
}
