/*
 * bcrypt.c: bcrypt through libxcrypt's reentrant calls, in the plugin
 * jarvis-crypt.so (password.c loads it on first use, so a run that never
 * signs up, logs in or changes a password never maps libcrypt).
 *
 * It must not keep any state between calls (callers hash on worker
 * threads), and must leave no copy of a password or its hash work area in
 * memory it frees. password.c has checked the password and the cost.
 */
#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/util.h"

/* The plugin's entry points (src/plugin.map); password.c calls them through plugin_symbol. */
int password_crypt_hash(const char *pw, int cost, char **hash_out, char **cause);
int password_crypt_verify(const char *pw, const char *hash);

int password_crypt_hash(const char *pw, int cost, char **hash_out, char **cause)
{
	*hash_out = NULL;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	/* NULL random bytes: libxcrypt reads the operating system's generator. */
	if (crypt_gensalt_rn("$2b$", (unsigned long)cost, NULL, 0, salt, sizeof salt) == NULL)
		return set_cause(cause, "cannot make a bcrypt salt: %s", strerror(errno));

	/* struct crypt_data is about 32 KiB: keep it off worker-thread stacks. */
	struct crypt_data *cd = xcalloc(1, sizeof *cd);
	const char *out = crypt_rn(pw, salt, cd, (int)sizeof *cd);
	int rc;
	if (out == NULL || strncmp(out, "$2b$", 4) != 0) {
		rc = set_cause(cause, "bcrypt hashing failed: %s", strerror(errno));
	} else {
		*hash_out = xstrdup(out);
		rc = 0;
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	explicit_bzero(salt, sizeof salt);
	return rc;
}

int password_crypt_verify(const char *pw, const char *hash)
{
	struct crypt_data *cd = xcalloc(1, sizeof *cd);
	const char *out = crypt_rn(pw, hash, cd, (int)sizeof *cd);
	int match = 0;
	if (out != NULL && out[0] != '*') {
		size_t n = strlen(hash);
		if (strlen(out) == n) {
			/* Constant time over the whole hash: no early exit on a mismatch. */
			unsigned char diff = 0;
			for (size_t i = 0; i < n; i++)
				diff |= (unsigned char)(out[i] ^ hash[i]);
			match = diff == 0;
		}
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return match;
}
