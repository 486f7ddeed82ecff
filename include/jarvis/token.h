/*
 * token.h: the login token (an HS256 JWT with sub, iat, exp and jti) and
 * the key that signs it. Time is passed in, never read here, so tests can
 * move the clock. Revocation (is this jti still valid?) is the caller's
 * job against the store.
 */
#ifndef JARVIS_TOKEN_H
#define JARVIS_TOKEN_H

#include <stddef.h>

/* Bytes in a generated signing key; configured keys shorter than this draw a warning. */
#define SECRET_BYTES 32

/* The claims of a verified token; strings are owned by the struct. */
struct token_claims {
	char *sub; /* user id */
	char *jti; /* 32 hex characters */
	long long iat;
	long long exp;
};

/* Signs a token for user_id valid from now_s for ttl_s seconds; *jti_out gets its id. */
int token_issue(const unsigned char *secret, size_t secret_len, const char *user_id,
                long long now_s, long long ttl_s, char **token_out, char **jti_out, char **cause);
/*
 * Checks algorithm (HS256 only), header, signature, expiry, issue time (not
 * more than a minute ahead of now_s) and claims; fills *out on success.
 * now_s 0 skips the two time checks.
 */
int token_verify(const unsigned char *secret, size_t secret_len, const char *token, long long now_s,
                 struct token_claims *out, char **cause);
/* Frees the strings of claims filled by token_verify; the struct itself is the caller's. */
void token_claims_release(struct token_claims *c);

/*
 * Loads the signing key: the configured secret (JWT_SECRET_KEY or [auth]
 * jwt_secret) as its bytes when not NULL or empty, with *warning set when
 * it is shorter than SECRET_BYTES; otherwise data_dir/jwt_secret, made with
 * SECRET_BYTES random bytes (0600, directory 0700) on first use. A key file
 * of the wrong size or open to other users is refused, not replaced. Wipe
 * and free the key with secret_free_len() (util.h).
 */
int secret_load(const char *configured, const char *data_dir, unsigned char **key, size_t *len,
                char **warning, char **cause);

#endif
