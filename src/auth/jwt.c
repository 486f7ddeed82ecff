/*
 * jwt.c: issuing and verifying the login JWT with libjwt 1.x, in the
 * plugin jarvis-jwt.so (token.c loads it on first use, so a run that never
 * sees a login token never maps libjwt and libcrypto).
 *
 * It must accept no algorithm but HS256: libjwt 1.x's jwt_decode() checks
 * a signature with whatever HMAC algorithm the token's own header names,
 * so the header is checked here before and after the signature. It must
 * not read the clock (the caller passes it).
 */
#include "jarvis/token.h"

#include <errno.h>
#include <cjson/cJSON.h>
#include <jwt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/fs.h"
#include "jarvis/util.h"

/* The plugin's entry points (src/plugin.map); token.c calls them through plugin_symbol. */
int token_jwt_issue(const unsigned char *secret, size_t secret_len, const char *user_id,
                    long long now_s, long long ttl_s, char **token_out, char **jti_out,
                    char **cause);
int token_jwt_verify(const unsigned char *secret, size_t secret_len, const char *token,
                     long long now_s, struct token_claims *out, char **cause);

/* Longer than any token this program issues by far; anything bigger is garbage. */
#define TOKEN_MAX_BYTES 4096
#define JTI_BYTES 16

/* Writes n bytes as 2n lower-case hex digits and a NUL into out. */
static void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0F];
	}
	out[2 * n] = '\0';
}

int token_jwt_issue(const unsigned char *secret, size_t secret_len, const char *user_id,
                    long long now_s, long long ttl_s, char **token_out, char **jti_out,
                    char **cause)
{
	*token_out = NULL;
	if (jti_out != NULL)
		*jti_out = NULL;
	if (secret == NULL || secret_len == 0 || secret_len > INT_MAX)
		return set_cause(cause, "no usable signing key for the login token");
	if (user_id == NULL || *user_id == '\0')
		return set_cause(cause, "cannot issue a login token without a user id");
	if (ttl_s <= 0)
		return set_cause(cause, "token lifetime must be positive; check [auth] token_ttl");

	unsigned char raw[JTI_BYTES];
	char jti[2 * JTI_BYTES + 1];
	if (random_bytes(raw, sizeof raw, cause) != 0)
		return -1;
	hex_encode(raw, sizeof raw, jti);

	jwt_t *j = NULL;
	int rc = -1;
	char *enc = NULL;
	if (jwt_new(&j) != 0) {
		set_cause(cause, "cannot create a login token: %s", strerror(errno));
		goto out;
	}
	if (jwt_set_alg(j, JWT_ALG_HS256, secret, (int)secret_len) != 0 ||
	    jwt_add_grant(j, "sub", user_id) != 0 ||
	    jwt_add_grant_int(j, "iat", (long)now_s) != 0 ||
	    jwt_add_grant_int(j, "exp", (long)(now_s + ttl_s)) != 0 ||
	    jwt_add_grant(j, "jti", jti) != 0) {
		set_cause(cause, "cannot fill in the login token");
		goto out;
	}
	enc = jwt_encode_str(j);
	if (enc == NULL) {
		set_cause(cause, "cannot sign the login token: %s", strerror(errno));
		goto out;
	}
	*token_out = xstrdup(enc);
	if (jti_out != NULL)
		*jti_out = xstrdup(jti);
	rc = 0;
out:
	free(enc);
	jwt_free(j);
	return rc;
}

/* Clocks of the machines sharing a store may differ by this much. */
#define TOKEN_IAT_SKEW_S 60

/*
 * Whether the header holds only what token_jwt_issue() writes (alg, typ): a
 * "crit" names extensions we do not implement (RFC 7515 says refuse), and
 * a "kid" would pick a key we do not have.
 */
static bool header_is_ours(jwt_t *j)
{
	char *json = jwt_get_headers_json(j, NULL);
	cJSON *h = json ? cJSON_Parse(json) : NULL;
	free(json);
	bool ok = cJSON_IsObject(h);
	const cJSON *f;
	cJSON_ArrayForEach(f, h)
	{
		if (f->string == NULL ||
		    (strcmp(f->string, "alg") != 0 && strcmp(f->string, "typ") != 0))
			ok = false;
	}
	cJSON_Delete(h);
	return ok;
}

int token_jwt_verify(const unsigned char *secret, size_t secret_len, const char *token,
                     long long now_s, struct token_claims *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (secret == NULL || secret_len == 0 || secret_len > INT_MAX)
		return set_cause(cause, "no usable signing key to check the login token");
	if (token == NULL || *token == '\0')
		return set_cause(cause, "no login token; log in");
	if (strlen(token) > TOKEN_MAX_BYTES)
		return set_cause(cause, "login token is too long to be one of ours; log in again");

	/* First parse without a key, only to read the algorithm the header names. */
	jwt_t *j = NULL;
	if (jwt_decode(&j, token, NULL, 0) != 0 || j == NULL)
		return set_cause(cause, "login token is not a valid JWT; log in again");
	/* Without a key libjwt reports every token as "none": read the header itself. */
	const char *alg = jwt_get_header(j, "alg");
	if (alg == NULL || strcmp(alg, "HS256") != 0) {
		/* The name comes from the token: show it only when it is short and plain. */
		int plain =
		    alg != NULL && strlen(alg) <= 16 &&
		    strspn(alg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
		        strlen(alg);
		set_cause(cause,
		          "login token uses algorithm %s, only HS256 is accepted; log in again",
		          plain ? alg : "(unreadable)");
		jwt_free(j);
		return -1;
	}
	jwt_free(j);
	j = NULL;

	if (jwt_decode(&j, token, secret, (int)secret_len) != 0 || j == NULL)
		return set_cause(cause, "login token signature does not match (tampered, or the "
		                        "signing key changed); log in again");
	int rc = -1;
	const char *alg2 = jwt_get_header(j, "alg");
	if (jwt_get_alg(j) != JWT_ALG_HS256 || alg2 == NULL || strcmp(alg2, "HS256") != 0) {
		set_cause(cause, "login token is not HS256; log in again");
		goto out;
	}
	if (!header_is_ours(j)) {
		set_cause(cause,
		          "login token has header fields Jarvis does not set (crit, kid...); "
		          "log in again");
		goto out;
	}

	const char *sub = jwt_get_grant(j, "sub");
	const char *jti = jwt_get_grant(j, "jti");
	errno = 0;
	long exp = jwt_get_grant_int(j, "exp");
	int have_exp = errno == 0;
	errno = 0;
	long iat = jwt_get_grant_int(j, "iat");
	if (errno != 0)
		iat = 0;
	if (sub == NULL || *sub == '\0' || jti == NULL || *jti == '\0' || !have_exp) {
		set_cause(cause, "login token lacks its user, expiry or id; log in again");
		goto out;
	}
	if ((long long)exp <= now_s) {
		set_cause(cause, "login session has expired; log in again");
		goto out;
	}
	/* now_s 0 asks for no time checks (revoking a saved token, expired or not). */
	if (now_s > 0 && (long long)iat > now_s + TOKEN_IAT_SKEW_S) {
		set_cause(cause, "login token was issued in the future (has the clock moved "
		                 "back?); log in again");
		goto out;
	}
	out->sub = xstrdup(sub);
	out->jti = xstrdup(jti);
	out->exp = exp;
	out->iat = iat;
	rc = 0;
out:
	jwt_free(j);
	return rc;
}
