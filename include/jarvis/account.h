/*
 * account.h: signing up, logging in and out, and finding out who is logged
 * in, on top of the store, the password hash, the login token and the
 * session file. Every call blocks (a bcrypt hash takes about 250 ms, the
 * store may be remote): run them on a worker thread, never on the loop.
 * Passwords stay the caller's: wipe them with secret_free() afterwards.
 */
#ifndef JARVIS_ACCOUNT_H
#define JARVIS_ACCOUNT_H

#include <stddef.h>

struct store_user;

struct store;
struct vault;
struct vault_cost;

/* Failed logins allowed for one e-mail within the window before tries are refused. */
#define ACCOUNT_FAIL_LIMIT 5
#define ACCOUNT_FAIL_WINDOW_S (15 * 60)
/* Token lifetime when the configuration does not say ([auth] token_ttl = 7d). */
#define ACCOUNT_DEFAULT_TTL_S (7 * 24 * 60 * 60)

/*
 * What a failed account call was about. Callers choose what to do (an exit
 * status, a retry) from this, never from the wording of *cause, so a message
 * can be reworded freely. All failures are negative, as with enum store_rc.
 */
enum account_rc {
	ACCOUNT_OK = 0,
	ACCOUNT_INVALID = -1,   /* what was typed is wrong: e-mail, name, short or no password */
	ACCOUNT_EXISTS = -2,    /* signup: an account with that e-mail already exists */
	ACCOUNT_DENIED = -3,    /* login: wrong e-mail or password */
	ACCOUNT_THROTTLED = -4, /* login: too many failed tries; wait */
	ACCOUNT_FAILED = -5,    /* the store, the signing key or the session file failed */
};

/* What the account calls need; all borrowed, none freed by them. */
struct account_env {
	struct store *store;
	const char *state_dir;       /* holds the session file: $XDG_STATE_HOME/jarvis */
	const unsigned char *secret; /* signing key from secret_load() */
	size_t secret_len;
	long long token_ttl_s; /* 0: ACCOUNT_DEFAULT_TTL_S */
	int bcrypt_cost;       /* 0: PASSWORD_COST; only tests set a lower one */
	/* Argon2id cost of new envelopes; NULL: libsodium's interactive cost. */
	const struct vault_cost *vault_cost;
};

/*
 * What signup says with the recovery code (a printf format taking it):
 * plainly, that the password or this code are the only ways to the data.
 */
#define ACCOUNT_RECOVERY_NOTE                                                                      \
	"recovery code: %s. Write it down now: it is shown only this once. Your conversations "    \
	"are encrypted with a key that only your password or this code can open; without "         \
	"either, they are gone for good, and nobody (no operator either) can get them back."

/* The logged-in user; fields are owned by the struct (account_user_clear). */
struct account_user {
	char *id;
	char *name;
	char *email;
	char *jti;           /* the session's token id */
	long long expires_s; /* when the session's token expires */
	char *notice;        /* after signup or login: a session replaced but not revoked */
	/*
	 * The account's data key (vault.h), also given to env->store and kept
	 * in the session file; NULL for an account made before 0.2.
	 */
	struct vault *key;
	char *recovery_code; /* after signup only: shown once, never stored (a secret) */
};

/*
 * Checks the input, creates the account, logs it in and saves the session
 * file. Returns 0 or an enum account_rc with *cause: ACCOUNT_INVALID for bad
 * input, ACCOUNT_EXISTS ("an account with that e-mail already exists; use
 * /login") when taken, ACCOUNT_FAILED when the store or the session failed.
 */
int account_signup(const struct account_env *env, const char *name, const char *email,
                   const char *password, long long now_s, struct account_user *out, char **cause);
/*
 * Checks the password, logs in and saves the session file, revoking the
 * session it replaces (user->notice says so if that fails). A wrong password
 * and an unknown e-mail give the same ACCOUNT_DENIED "wrong e-mail or
 * password"; after ACCOUNT_FAIL_LIMIT failures within ACCOUNT_FAIL_WINDOW_S
 * tries are refused with ACCOUNT_THROTTLED; no password or a bad e-mail is
 * ACCOUNT_INVALID; a store failure ACCOUNT_FAILED.
 */
int account_login(const struct account_env *env, const char *email, const char *password,
                  long long now_s, struct account_user *out, char **cause);
/*
 * The account of an e-mail as typed (normalised here: NFKC, case folded),
 * or of its form before that normalisation, so accounts made earlier with
 * non-ASCII letters are still found. STORE_INVALID (with why) for an
 * address email_normalize refuses; otherwise as store_user_find_email.
 */
int account_find_email(const struct account_env *env, const char *email, struct store_user **out,
                       char **cause);

/*
 * Changes the logged-in account's password (passwd.c): the data key is
 * re-wrapped under the new one (nothing is encrypted again; sessions stay
 * valid). ACCOUNT_DENIED when nobody is logged in or old_password is wrong,
 * ACCOUNT_INVALID for a new password password_check refuses.
 */
int account_passwd(const struct account_env *env, const char *old_password,
                   const char *new_password, long long now_s, char **cause);
/*
 * Sets a new password with the recovery code shown at signup (the lost
 * password is not needed) and logs in, as account_login does.
 * ACCOUNT_DENIED for an unknown e-mail, a code that does not open the
 * account's key or an account made before recovery codes.
 */
int account_recover(const struct account_env *env, const char *email, const char *code,
                    const char *new_password, long long now_s, struct account_user *out,
                    char **cause);

/* Revokes the saved session in the store and removes the session file (ACCOUNT_FAILED). */
int account_logout(const struct account_env *env, long long now_s, char **cause);
/*
 * Who is logged in: 0 with *out filled; 1 when nobody is (then *notice may
 * say why, e.g. an expired or revoked session); -1 when the store failed
 * (*notice says how).
 */
int account_current(const struct account_env *env, long long now_s, struct account_user *out,
                    char **notice);
/* Frees the fields of a user filled by the calls above; the struct is the caller's. */
void account_user_clear(struct account_user *u);

#endif
