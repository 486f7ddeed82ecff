/*
 * vault_engine.h: private glue between vault.c, which every part of Jarvis
 * calls, and the libsodium engine in the plugin jarvis-sodium.so
 * (sodium.c, the only file that includes libsodium). Each member does what
 * the vault.h call of the same name says. Not for use outside src/auth/.
 */
#ifndef JARVIS_VAULT_ENGINE_H
#define JARVIS_VAULT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/vault.h"

/* What jarvis-sodium.so exports as vault_sodium_engine. */
struct vault_engine {
	int (*create)(const char *password, const struct vault_cost *cost, struct vault **key_out,
	              char **envelope_out, char **auth_out, char **code_out, char **cause);
	int (*auth)(const char *envelope, const char *password, char **auth_out, char **cause);
	int (*unlock)(const char *envelope, const char *password, struct vault **key_out,
	              char **auth_out, char **cause);
	int (*recover)(const char *envelope, const char *code, struct vault **key_out,
	               char **cause);
	int (*rewrap)(const struct vault *key, const char *old_envelope, const char *new_password,
	              const struct vault_cost *cost, char **envelope_out, char **auth_out,
	              char **cause);
	int (*envelope_cost)(const char *envelope, struct vault_cost *out);
	char *(*seal)(const struct vault *key, const struct vault_place *place, const void *p,
	              size_t n, size_t *len_out);
	int (*open)(const struct vault *key, const struct vault_place *place, const char *sealed,
	            size_t len, char **out, size_t *out_len);
	char *(*export_key)(const struct vault *key);
	struct vault *(*import_key)(const char *text);
	struct vault *(*dup)(const struct vault *key);
	bool (*same)(const struct vault *a, const struct vault *b);
	void (*free_key)(struct vault *key);
};

#endif
