/*
 * vault.c: the front of vault.h. The cryptography is libsodium's, in the
 * plugin jarvis-sodium.so (sodium.c), loaded by the first call that needs
 * it: `--version`, `--help`, a guest's chat and the first paint of a
 * logged-in user's chat never map libsodium.
 *
 * What it must not do: touch a key itself (only the engine makes, reads
 * and frees them), or load the plugin for a call that needs no
 * cryptography (vault_is_sealed, vault_free(NULL)). A key in hand means
 * the engine is loaded, since only the engine makes keys.
 */
#include "jarvis/vault.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/plugin.h"
#include "jarvis/util.h"
#include "vault_engine.h"

/* Set once by the first caller; worker threads and the loop both get here. */
static _Atomic(const struct vault_engine *) loaded;

/* The engine, loaded on the first call; NULL with *cause when the plugin cannot be. */
static const struct vault_engine *engine(char **cause)
{
	const struct vault_engine *e = atomic_load_explicit(&loaded, memory_order_acquire);
	if (e != NULL)
		return e;
	char *why = NULL;
	/* plugin_symbol serialises the loading and returns the same address to everyone. */
	e = plugin_symbol("sodium", "vault_sodium_engine", &why);
	if (e == NULL) {
		set_cause(cause, "encryption is not available: %s", why);
		free(why);
		return NULL;
	}
	atomic_store_explicit(&loaded, e, memory_order_release);
	return e;
}

/* The engine behind a key in hand; a key without one is a bug, not a missing plugin. */
static const struct vault_engine *keyed(void)
{
	const struct vault_engine *e = atomic_load_explicit(&loaded, memory_order_acquire);
	if (e == NULL) {
		fputs("jarvis: a data key without libsodium's engine\n", stderr);
		abort();
	}
	return e;
}

int vault_ready(char **cause)
{
	return engine(cause) != NULL ? 0 : -1;
}

int vault_create(const char *password, const struct vault_cost *cost, struct vault **key_out,
                 char **envelope_out, char **auth_out, char **code_out, char **cause)
{
	const struct vault_engine *e = engine(cause);
	if (e == NULL)
		return -1;
	return e->create(password, cost, key_out, envelope_out, auth_out, code_out, cause);
}

int vault_auth(const char *envelope, const char *password, char **auth_out, char **cause)
{
	const struct vault_engine *e = engine(cause);
	if (e == NULL)
		return -1;
	return e->auth(envelope, password, auth_out, cause);
}

int vault_unlock(const char *envelope, const char *password, struct vault **key_out,
                 char **auth_out, char **cause)
{
	*key_out = NULL;
	*auth_out = NULL;
	const struct vault_engine *e = engine(cause);
	if (e == NULL)
		return -1;
	return e->unlock(envelope, password, key_out, auth_out, cause);
}

int vault_recover(const char *envelope, const char *code, struct vault **key_out, char **cause)
{
	*key_out = NULL;
	const struct vault_engine *e = engine(cause);
	if (e == NULL)
		return -1;
	return e->recover(envelope, code, key_out, cause);
}

int vault_rewrap(const struct vault *key, const char *old_envelope, const char *new_password,
                 const struct vault_cost *cost, char **envelope_out, char **auth_out, char **cause)
{
	const struct vault_engine *e = engine(cause);
	if (e == NULL)
		return -1;
	return e->rewrap(key, old_envelope, new_password, cost, envelope_out, auth_out, cause);
}

int vault_envelope_cost(const char *envelope, struct vault_cost *out)
{
	const struct vault_engine *e = engine(NULL);
	return e != NULL ? e->envelope_cost(envelope, out) : -1;
}

bool vault_is_sealed(const char *s, size_t len)
{
	size_t pl = strlen(VAULT_SEALED_PREFIX);
	return s != NULL && len >= pl && memcmp(s, VAULT_SEALED_PREFIX, pl) == 0;
}

char *vault_seal(const struct vault *key, const struct vault_place *place, const void *p, size_t n,
                 size_t *len_out)
{
	return keyed()->seal(key, place, p, n, len_out);
}

int vault_open(const struct vault *key, const struct vault_place *place, const char *sealed,
               size_t len, char **out, size_t *out_len)
{
	*out = NULL;
	if (key == NULL || !vault_is_sealed(sealed, len))
		return -1;
	return keyed()->open(key, place, sealed, len, out, out_len);
}

char *vault_export(const struct vault *key)
{
	return keyed()->export_key(key);
}

struct vault *vault_import(const char *text)
{
	if (text == NULL)
		return NULL;
	const struct vault_engine *e = engine(NULL);
	return e != NULL ? e->import_key(text) : NULL;
}

struct vault *vault_dup(const struct vault *key)
{
	return keyed()->dup(key);
}

bool vault_same(const struct vault *a, const struct vault *b)
{
	return a != NULL && b != NULL && keyed()->same(a, b);
}

void vault_free(struct vault *key)
{
	if (key != NULL)
		keyed()->free_key(key);
}
