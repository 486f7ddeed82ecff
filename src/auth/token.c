/*
 * token.c: the login JWT, signed and checked by jarvis-jwt.so (jwt.c)
 * loaded on first use, and the signing key kept beside the embedded store.
 *
 * It must not replace a key file it cannot trust: doing so would silently
 * log everyone out.
 */
#include "jarvis/token.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/fs.h"
#include "jarvis/plugin.h"
#include "jarvis/util.h"

int token_issue(const unsigned char *secret, size_t secret_len, const char *user_id,
                long long now_s, long long ttl_s, char **token_out, char **jti_out, char **cause)
{
	static int (*issue)(const unsigned char *, size_t, const char *, long long, long long,
	                    char **, char **, char **);
	*token_out = NULL;
	if (jti_out != NULL)
		*jti_out = NULL;
	if (issue == NULL) {
		*(void **)&issue = plugin_symbol("jwt", "token_jwt_issue", cause);
		if (issue == NULL)
			return -1;
	}
	return issue(secret, secret_len, user_id, now_s, ttl_s, token_out, jti_out, cause);
}

int token_verify(const unsigned char *secret, size_t secret_len, const char *token, long long now_s,
                 struct token_claims *out, char **cause)
{
	static int (*verify)(const unsigned char *, size_t, const char *, long long,
	                     struct token_claims *, char **);
	memset(out, 0, sizeof *out);
	if (verify == NULL) {
		*(void **)&verify = plugin_symbol("jwt", "token_jwt_verify", cause);
		if (verify == NULL)
			return -1;
	}
	return verify(secret, secret_len, token, now_s, out, cause);
}

void token_claims_release(struct token_claims *c)
{
	if (c == NULL)
		return;
	free(c->sub);
	free(c->jti);
	c->sub = NULL;
	c->jti = NULL;
}

/* Reads a key file: 0 with the key, 1 when it does not exist, -1 when it cannot be trusted. */
static int secret_read(const char *path, unsigned char **key, size_t *len, char **cause)
{
	char *data = NULL;
	size_t n = 0;
	switch (fs_read_private(path, SECRET_BYTES, false, &data, &n)) {
	case FS_READ_OK:
		break;
	case FS_READ_MISSING:
		return 1;
	case FS_READ_LINK:
		return set_cause(cause,
		                 "%s is a symbolic link; replace it with the key file "
		                 "itself, or delete it to make a new key (this logs "
		                 "everyone out)",
		                 path);
	case FS_READ_NOT_FILE:
		return set_cause(cause, "%s is not a regular file; delete it to make a new key",
		                 path);
	case FS_READ_NOT_MINE:
		return set_cause(cause,
		                 "the signing key %s belongs to another user; delete it to make "
		                 "a new key (this logs everyone out)",
		                 path);
	case FS_READ_OPEN:
		return set_cause(cause,
		                 "the signing key %s can be read by other users; run chmod 600 %s "
		                 "(or delete it to make a new key, which logs everyone out)",
		                 path, path);
	case FS_READ_TOO_BIG:
		break;
	case FS_READ_FAILED:
		return set_cause(cause, "cannot read the signing key %s: %s", path,
		                 strerror(errno));
	}
	if (data == NULL || n != SECRET_BYTES) {
		secret_free_len(data, n);
		return set_cause(cause,
		                 "the signing key %s holds %zu bytes instead of %d; delete it to "
		                 "make a new key (this logs everyone out)",
		                 path, n, SECRET_BYTES);
	}
	*key = (unsigned char *)data;
	*len = SECRET_BYTES;
	return 0;
}

/*
 * Makes a new key file without ever showing a half-written one, and keeps
 * the key of another process that wins the race (FS_KEEP): then both use
 * the winner's key.
 */
static int secret_create(const char *path, char **cause)
{
	unsigned char key[SECRET_BYTES];
	if (random_bytes(key, sizeof key, cause) != 0)
		return -1;
	int rc = fs_write_private(path, key, sizeof key, FS_KEEP, "the signing key", cause);
	explicit_bzero(key, sizeof key);
	return rc < 0 ? -1 : 0;
}

int secret_load(const char *configured, const char *data_dir, unsigned char **key, size_t *len,
                char **warning, char **cause)
{
	*key = NULL;
	*len = 0;
	if (warning != NULL)
		*warning = NULL;
	if (configured != NULL && *configured != '\0') {
		size_t n = strlen(configured);
		if (n < SECRET_BYTES)
			return set_cause(
			    cause,
			    "the configured JWT secret is only %zu bytes; use at least "
			    "%d random bytes (for example the output of: openssl rand "
			    "-base64 32), or unset it to let Jarvis make one",
			    n, SECRET_BYTES);
		*key = xmalloc(n);
		memcpy(*key, configured, n);
		*len = n;
		return 0;
	}
	if (data_dir == NULL || *data_dir == '\0')
		return set_cause(cause, "no place to keep the signing key; set JWT_SECRET_KEY or "
		                        "XDG_DATA_HOME");
	if (fs_private_dir(data_dir, cause) != 0)
		return -1;
	char *path = xasprintf("%s/jwt_secret", data_dir);
	int rc = -1;
	/* Three rounds: read; create (or lose a race); read what is there now. */
	for (int round = 0; round < 3; round++) {
		rc = secret_read(path, key, len, cause);
		if (rc != 1)
			break;
		if (secret_create(path, cause) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 1)
		rc = set_cause(
		    cause, "the signing key %s keeps disappearing; check what deletes it", path);
	free(path);
	return rc;
}
