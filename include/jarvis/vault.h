/*
 * vault.h: the one place Jarvis does cryptography on what users write
 * (libsodium, in the plugin jarvis-sodium.so, loaded by the first call
 * that needs it). Each account has a random 32-byte data key. It is kept in
 * the store only inside an envelope: wrapped (XChaCha20-Poly1305) by a key
 * derived from the password with Argon2id, whose parameters and salt the
 * envelope carries, and wrapped a second time by a key made from a
 * recovery code shown once at signup. The same password derivation gives
 * the value the account's bcrypt hash is taken over (vault_unlock's
 * `auth`), so a copied database offers no guess cheaper than Argon2id.
 *
 * A field of a record is sealed with the data key and its place as
 * associated data (struct vault_place): opened anywhere else (another
 * user, conversation, seq, role or field) it fails, and so does any
 * change to a byte. Sealed values are text ("jv1:" and base64), so every
 * engine stores them where the plain text was.
 *
 * What it must not do: let the data key out of memory it wipes (the key
 * lives in sodium_malloc'd, locked pages and leaves only through
 * vault_export, for the 0600 session file), keep a password, or accept a
 * sealed value it could not authenticate. Thread-safe: no state but the
 * plugin, loaded once, and libsodium's one-time initialisation.
 */
#ifndef JARVIS_VAULT_H
#define JARVIS_VAULT_H

#include <stdbool.h>
#include <stddef.h>

/* An opened data key; opaque. */
struct vault;

/* Argon2id cost of a new envelope; 0 for either means libsodium's "interactive" default. */
struct vault_cost {
	unsigned long long ops;
	size_t mem_bytes;
};

/* Where a sealed value belongs: every member goes into the associated data. */
struct vault_place {
	const char *kind;  /* "msg", "image", "conv", "journal" */
	const char *user;  /* the owner's user id */
	const char *conv;  /* the conversation id, or NULL */
	long seq;          /* the message's seq, or 0 */
	const char *role;  /* "user" or "model", or NULL */
	const char *field; /* the field's name ("text", "title", ...) */
	long index;        /* an image's position in its message, or 0 */
};

/* Length of the prefix every sealed value starts with ("jv1:"). */
#define VAULT_SEALED_PREFIX "jv1:"

/*
 * Loads jarvis-sodium.so: 0, or -1 with *cause saying what to do. The
 * calls below that have a cause load it themselves; call this first where
 * a missing plugin must not pass for a wrong password or a key that is
 * not one (vault_unlock without a cause, vault_import).
 */
int vault_ready(char **cause);

/*
 * Signup: a new data key in *key_out, its envelope (*envelope_out, stored
 * with the account), the value to bcrypt for the password hash
 * (*auth_out, a secret: secret_free it) and the recovery code to show
 * once (*code_out, a secret). 0, or -1 with *cause.
 */
int vault_create(const char *password, const struct vault_cost *cost, struct vault **key_out,
                 char **envelope_out, char **auth_out, char **code_out, char **cause);
/*
 * Login: derives from the password with the envelope's parameters. Fills
 * *auth_out (to check against the bcrypt hash) and, when the password
 * opens the envelope, *key_out. 0 when both were made; -1 with *cause
 * when the envelope is malformed or the password does not open it
 * (*auth_out is still filled when the envelope could be read).
 */
int vault_unlock(const char *envelope, const char *password, struct vault **key_out,
                 char **auth_out, char **cause);
/* Recovery: opens the envelope with the recovery code (spaces, dashes and case ignored). */
int vault_recover(const char *envelope, const char *code, struct vault **key_out, char **cause);
/*
 * Password change: a new envelope for key under new_password (fresh salt,
 * cost as given), keeping the recovery wrap of the old envelope; the new
 * bcrypt input in *auth_out. The data key and every sealed value stay.
 */
int vault_rewrap(const struct vault *key, const char *old_envelope, const char *new_password,
                 const struct vault_cost *cost, char **envelope_out, char **auth_out, char **cause);
/*
 * A legacy account (no envelope yet) or a lost envelope: the value a
 * password's bcrypt hash is taken over under this envelope, without a key.
 */
int vault_auth(const char *envelope, const char *password, char **auth_out, char **cause);

/* The Argon2id cost an envelope records (for the bench and tests). */
int vault_envelope_cost(const char *envelope, struct vault_cost *out);

/* Seals n bytes at p for place into a new string ("jv1:..."); never fails. */
char *vault_seal(const struct vault *key, const struct vault_place *place, const void *p, size_t n,
                 size_t *len_out);
/*
 * Opens a sealed value of len bytes for place into a new NUL-terminated
 * buffer (*out, *out_len). -1 when it is not sealed, malformed, or was
 * sealed for another place or with another key: the caller calls that
 * tampered.
 */
int vault_open(const struct vault *key, const struct vault_place *place, const char *sealed,
               size_t len, char **out, size_t *out_len);
/* Whether len bytes at s look like a sealed value (the prefix only; no key). */
bool vault_is_sealed(const char *s, size_t len);

/* The data key as base64 for the session file (a secret: secret_free it). */
char *vault_export(const struct vault *key);
/* The key back from vault_export's text; NULL when it is not one (or see vault_ready). */
struct vault *vault_import(const char *text);
/* A second handle on the same key. */
struct vault *vault_dup(const struct vault *key);
/* Whether two handles hold the same key (constant time). */
bool vault_same(const struct vault *a, const struct vault *b);
/* Wipes and frees a key; NULL is a no-op. */
void vault_free(struct vault *key);

#endif
