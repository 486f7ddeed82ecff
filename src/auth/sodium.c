/*
 * sodium.c: the data key, its envelope and sealed fields (vault.h), in the
 * plugin jarvis-sodium.so (vault.c loads it on first use, so a run that
 * never opens an account's data never maps libsodium), on libsodium
 * alone: Argon2id (crypto_pwhash) for the password, BLAKE2b
 * (crypto_generichash) to split its output into a wrapping key and the
 * bcrypt input, XChaCha20-Poly1305 (crypto_aead_xchacha20poly1305_ietf)
 * with a random 192-bit nonce for every wrap and every sealed value.
 *
 * The envelope, one line of text stored with the account:
 *   v1$t=OPS$m=BYTES$SALT$PASSWORD_WRAP$RECOVERY_WRAP
 * (base64 parts; each wrap is nonce + ciphertext of the data key). A
 * sealed value: "jv1:" + base64(nonce + ciphertext), whose associated
 * data spells out its place (see place_ad).
 *
 * What it must not do: write the data key, a derived key or a password
 * anywhere but sodium_malloc'd memory or stack buffers it wipes, accept a
 * value it could not authenticate, or reuse a nonce (all are random).
 */
#include "jarvis/vault.h"

#include "vault_engine.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/util.h"

#define KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SALT_BYTES crypto_pwhash_SALTBYTES
#define WRAP_BYTES (NONCE_BYTES + KEY_BYTES + TAG_BYTES)
#define CODE_BYTES 20 /* 160 bits: 32 base32 characters */
#define B64 sodium_base64_VARIANT_ORIGINAL

/* Associated data of the two wraps of a data key. */
static const char wrap_ad_password[] = "jarvis/key/password";
static const char wrap_ad_recovery[] = "jarvis/key/recovery";
/* Base32 (RFC 4648) for recovery codes: no 0/1/8/9 to mistake for O/I/B/g. */
static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

struct vault {
	unsigned char *k; /* KEY_BYTES in sodium_malloc'd memory */
};

/* libsodium's one-time set-up (thread-safe, idempotent); aborts if it cannot run. */
static void ready(void)
{
	if (sodium_init() < 0) {
		fputs("jarvis: libsodium could not be initialised\n", stderr);
		abort();
	}
}

static struct vault *key_alloc(void)
{
	struct vault *v = xmalloc(sizeof(*v));
	v->k = sodium_malloc(KEY_BYTES);
	if (v->k == NULL) {
		fputs("jarvis: out of locked memory for a key\n", stderr);
		abort();
	}
	return v;
}

static void sv_free(struct vault *key)
{
	if (key == NULL)
		return;
	sodium_free(key->k); /* wipes */
	free(key);
}

static struct vault *sv_dup(const struct vault *key)
{
	struct vault *v = key_alloc();
	memcpy(v->k, key->k, KEY_BYTES);
	return v;
}

static bool sv_same(const struct vault *a, const struct vault *b)
{
	return a != NULL && b != NULL && sodium_memcmp(a->k, b->k, KEY_BYTES) == 0;
}

static char *b64_encode(const unsigned char *p, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, B64);
	char *s = xmalloc(len);
	sodium_bin2base64(s, len, p, n, B64);
	return s;
}

/* Decodes exactly `want` bytes of base64 (n chars at s) into out; -1 otherwise. */
static int b64_decode_exact(const char *s, size_t n, unsigned char *out, size_t want)
{
	size_t got = 0;
	if (sodium_base642bin(out, want, s, n, NULL, &got, NULL, B64) != 0 || got != want)
		return -1;
	return 0;
}

/* ---- the envelope ---- */

struct envelope {
	unsigned long long ops;
	size_t mem;
	unsigned char salt[SALT_BYTES];
	unsigned char pw_wrap[WRAP_BYTES];
	unsigned char rc_wrap[WRAP_BYTES];
};

static void cost_pick(const struct vault_cost *cost, unsigned long long *ops, size_t *mem)
{
	*ops = cost && cost->ops ? cost->ops : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	*mem = cost && cost->mem_bytes ? cost->mem_bytes : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (*ops < crypto_pwhash_OPSLIMIT_MIN)
		*ops = crypto_pwhash_OPSLIMIT_MIN;
	if (*mem < crypto_pwhash_MEMLIMIT_MIN)
		*mem = crypto_pwhash_MEMLIMIT_MIN;
}

static char *envelope_text(const struct envelope *e)
{
	char *salt = b64_encode(e->salt, sizeof e->salt);
	char *pw = b64_encode(e->pw_wrap, sizeof e->pw_wrap);
	char *rc = b64_encode(e->rc_wrap, sizeof e->rc_wrap);
	char *s = xasprintf("v1$t=%llu$m=%zu$%s$%s$%s", e->ops, e->mem, salt, pw, rc);
	free(salt);
	free(pw);
	free(rc);
	return s;
}

/* Splits the next '$'-separated part off *p: its start and length. */
static const char *next_part(const char **p, size_t *len)
{
	const char *s = *p;
	if (s == NULL)
		return NULL;
	const char *d = strchr(s, '$');
	*len = d ? (size_t)(d - s) : strlen(s);
	*p = d ? d + 1 : NULL;
	return s;
}

static int parse_num(const char *s, size_t n, const char *prefix, unsigned long long *out)
{
	size_t pl = strlen(prefix);
	if (n <= pl || n - pl > 20 || memcmp(s, prefix, pl) != 0)
		return -1;
	unsigned long long v = 0;
	for (size_t i = pl; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int envelope_parse(const char *text, struct envelope *e, char **cause)
{
	const char *p = text, *s;
	size_t n;
	unsigned long long mem = 0;
	memset(e, 0, sizeof *e);
	if (text == NULL || (s = next_part(&p, &n)) == NULL || n != 2 || memcmp(s, "v1", 2) != 0)
		goto bad;
	if ((s = next_part(&p, &n)) == NULL || parse_num(s, n, "t=", &e->ops) < 0)
		goto bad;
	if ((s = next_part(&p, &n)) == NULL || parse_num(s, n, "m=", &mem) < 0)
		goto bad;
	e->mem = (size_t)mem;
	if (e->ops < crypto_pwhash_OPSLIMIT_MIN || e->ops > crypto_pwhash_OPSLIMIT_MAX ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > (1ULL << 32))
		goto bad; /* a planted envelope must not make us allocate without bound */
	if ((s = next_part(&p, &n)) == NULL || b64_decode_exact(s, n, e->salt, sizeof e->salt) < 0)
		goto bad;
	if ((s = next_part(&p, &n)) == NULL ||
	    b64_decode_exact(s, n, e->pw_wrap, sizeof e->pw_wrap) < 0)
		goto bad;
	if ((s = next_part(&p, &n)) == NULL ||
	    b64_decode_exact(s, n, e->rc_wrap, sizeof e->rc_wrap) < 0 || p != NULL)
		goto bad;
	return 0;
bad:
	return set_cause(cause, "the account's key envelope is damaged; use the recovery code "
	                        "or ask whoever runs the database");
}

/*
 * Argon2id of the password into the wrapping key and the bcrypt input
 * (both KEY_BYTES, in locked memory the caller wipes).
 */
static int derive(const char *password, const struct envelope *e, unsigned char *kek,
                  unsigned char *auth, char **cause)
{
	unsigned char *master = sodium_malloc(KEY_BYTES);
	if (master == NULL)
		return set_cause(cause, "out of locked memory for the password key");
	int rc = crypto_pwhash(master, KEY_BYTES, password, strlen(password), e->salt, e->ops,
	                       e->mem, crypto_pwhash_ALG_ARGON2ID13);
	if (rc != 0) {
		sodium_free(master);
		return set_cause(cause,
		                 "deriving the password key needs %zu MiB of memory; "
		                 "free some and try again",
		                 e->mem >> 20);
	}
	crypto_generichash(kek, KEY_BYTES, (const unsigned char *)"jarvis/wrap", 11, master,
	                   KEY_BYTES);
	crypto_generichash(auth, KEY_BYTES, (const unsigned char *)"jarvis/auth", 11, master,
	                   KEY_BYTES);
	sodium_free(master);
	return 0;
}

static void wrap(unsigned char out[WRAP_BYTES], const unsigned char *data_key,
                 const unsigned char *kek, const char *ad)
{
	randombytes_buf(out, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + NONCE_BYTES, NULL, data_key, KEY_BYTES,
	                                           (const unsigned char *)ad, strlen(ad), NULL, out,
	                                           kek);
}

static int unwrap(const unsigned char in[WRAP_BYTES], const unsigned char *kek, const char *ad,
                  struct vault **out)
{
	struct vault *v = key_alloc();
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
	        v->k, NULL, NULL, in + NONCE_BYTES, WRAP_BYTES - NONCE_BYTES,
	        (const unsigned char *)ad, strlen(ad), in, kek) != 0) {
		sv_free(v);
		return -1;
	}
	*out = v;
	return 0;
}

/* The wrapping key of a recovery code's bytes. */
static void recovery_key(unsigned char *rk, const unsigned char code[CODE_BYTES])
{
	static const unsigned char ctx[16] = "jarvis/recovery1";
	crypto_generichash(rk, KEY_BYTES, code, CODE_BYTES, ctx, sizeof ctx);
}

static char *code_text(const unsigned char code[CODE_BYTES])
{
	/* 160 bits = 32 characters of 5 bits, shown in groups of four. */
	char *s = xmalloc(32 + 7 + 1), *o = s;
	for (int i = 0; i < 32; i++) {
		int bit = i * 5, v = 0;
		for (int b = 0; b < 5; b++, bit++)
			v = v << 1 | (code[bit / 8] >> (7 - bit % 8) & 1);
		if (i > 0 && i % 4 == 0)
			*o++ = '-';
		*o++ = b32[v];
	}
	*o = '\0';
	return s;
}

static int code_parse(const char *text, unsigned char code[CODE_BYTES])
{
	int nchars = 0;
	memset(code, 0, CODE_BYTES);
	for (const char *p = text; p && *p; p++) {
		char c = *p;
		if (c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		const char *at = strchr(b32, c);
		if (c == '\0' || at == NULL || nchars >= 32)
			return -1;
		int v = (int)(at - b32);
		for (int b = 4; b >= 0; b--) {
			int bit = nchars * 5 + (4 - b);
			if (v >> b & 1)
				code[bit / 8] |= (unsigned char)(0x80 >> (bit % 8));
		}
		nchars++;
	}
	return nchars == 32 ? 0 : -1;
}

static int sv_create(const char *password, const struct vault_cost *cost, struct vault **key_out,
                     char **envelope_out, char **auth_out, char **code_out, char **cause)
{
	ready();
	struct envelope e;
	memset(&e, 0, sizeof e);
	cost_pick(cost, &e.ops, &e.mem);
	randombytes_buf(e.salt, sizeof e.salt);
	unsigned char *kek = sodium_malloc(2 * KEY_BYTES);
	if (kek == NULL)
		return set_cause(cause, "out of locked memory for the password key");
	unsigned char *auth = kek + KEY_BYTES;
	if (derive(password, &e, kek, auth, cause) < 0) {
		sodium_free(kek);
		return -1;
	}
	struct vault *v = key_alloc();
	crypto_aead_xchacha20poly1305_ietf_keygen(v->k);
	wrap(e.pw_wrap, v->k, kek, wrap_ad_password);

	unsigned char code[CODE_BYTES];
	randombytes_buf(code, sizeof code);
	recovery_key(kek, code); /* kek is done with: reuse it for the recovery key */
	wrap(e.rc_wrap, v->k, kek, wrap_ad_recovery);

	*code_out = code_text(code);
	sodium_memzero(code, sizeof code);
	*auth_out = b64_encode(auth, KEY_BYTES);
	sodium_free(kek);
	*envelope_out = envelope_text(&e);
	*key_out = v;
	return 0;
}

static int sv_auth(const char *envelope, const char *password, char **auth_out, char **cause)
{
	ready();
	struct envelope e;
	if (envelope_parse(envelope, &e, cause) < 0)
		return -1;
	unsigned char *kek = sodium_malloc(2 * KEY_BYTES);
	if (kek == NULL)
		return set_cause(cause, "out of locked memory for the password key");
	int rc = derive(password, &e, kek, kek + KEY_BYTES, cause);
	if (rc == 0)
		*auth_out = b64_encode(kek + KEY_BYTES, KEY_BYTES);
	sodium_free(kek);
	return rc;
}

static int sv_unlock(const char *envelope, const char *password, struct vault **key_out,
                     char **auth_out, char **cause)
{
	ready();
	struct envelope e;
	*key_out = NULL;
	*auth_out = NULL;
	if (envelope_parse(envelope, &e, cause) < 0)
		return -1;
	unsigned char *kek = sodium_malloc(2 * KEY_BYTES);
	if (kek == NULL)
		return set_cause(cause, "out of locked memory for the password key");
	int rc = derive(password, &e, kek, kek + KEY_BYTES, cause);
	if (rc == 0) {
		*auth_out = b64_encode(kek + KEY_BYTES, KEY_BYTES);
		if (unwrap(e.pw_wrap, kek, wrap_ad_password, key_out) < 0)
			rc = set_cause(cause, "the password does not open the account's key");
	}
	sodium_free(kek);
	return rc;
}

static int sv_recover(const char *envelope, const char *code, struct vault **key_out, char **cause)
{
	ready();
	struct envelope e;
	unsigned char bytes[CODE_BYTES];
	*key_out = NULL;
	if (envelope_parse(envelope, &e, cause) < 0)
		return -1;
	if (code_parse(code, bytes) < 0)
		return set_cause(cause, "a recovery code is 32 letters and digits (2-7), as "
		                        "shown at signup");
	unsigned char *rk = sodium_malloc(KEY_BYTES);
	if (rk == NULL)
		return set_cause(cause, "out of locked memory for the recovery key");
	recovery_key(rk, bytes);
	sodium_memzero(bytes, sizeof bytes);
	int rc = unwrap(e.rc_wrap, rk, wrap_ad_recovery, key_out);
	sodium_free(rk);
	if (rc < 0)
		return set_cause(cause, "that recovery code does not open this account's key");
	return 0;
}

static int sv_rewrap(const struct vault *key, const char *old_envelope, const char *new_password,
                     const struct vault_cost *cost, char **envelope_out, char **auth_out,
                     char **cause)
{
	ready();
	struct envelope e;
	if (envelope_parse(old_envelope, &e, cause) < 0)
		return -1;
	cost_pick(cost, &e.ops, &e.mem);
	randombytes_buf(e.salt, sizeof e.salt);
	unsigned char *kek = sodium_malloc(2 * KEY_BYTES);
	if (kek == NULL)
		return set_cause(cause, "out of locked memory for the password key");
	if (derive(new_password, &e, kek, kek + KEY_BYTES, cause) < 0) {
		sodium_free(kek);
		return -1;
	}
	wrap(e.pw_wrap, key->k, kek, wrap_ad_password);
	*auth_out = b64_encode(kek + KEY_BYTES, KEY_BYTES);
	sodium_free(kek);
	*envelope_out = envelope_text(&e);
	return 0;
}

static int sv_envelope_cost(const char *envelope, struct vault_cost *out)
{
	struct envelope e;
	if (envelope_parse(envelope, &e, NULL) < 0)
		return -1;
	out->ops = e.ops;
	out->mem_bytes = e.mem;
	return 0;
}

/* ---- sealed fields ---- */

static void ad_put(unsigned char **p, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	memcpy(*p, s ? s : "", n);
	(*p)[n] = '\0';
	*p += n + 1;
}

/*
 * The associated data of a place: its members, NUL-separated (none of
 * them can hold a NUL: ids, names and decimal numbers), after a version.
 */
static unsigned char *place_ad(const struct vault_place *pl, size_t *len)
{
	char seq[24], idx[24];
	snprintf(seq, sizeof seq, "%ld", pl->seq);
	snprintf(idx, sizeof idx, "%ld", pl->index);
	const char *parts[] = {"jarvis/1", pl->kind, pl->user,  pl->conv,
	                       seq,        pl->role, pl->field, idx};
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_LEN(parts); i++)
		n += (parts[i] ? strlen(parts[i]) : 0) + 1;
	unsigned char *ad = xmalloc(n), *p = ad;
	for (size_t i = 0; i < ARRAY_LEN(parts); i++)
		ad_put(&p, parts[i]);
	*len = n;
	return ad;
}

static bool is_sealed(const char *s, size_t len)
{
	size_t pl = strlen(VAULT_SEALED_PREFIX);
	return s != NULL && len >= pl && memcmp(s, VAULT_SEALED_PREFIX, pl) == 0;
}

static char *sv_seal(const struct vault *key, const struct vault_place *place, const void *p,
                     size_t n, size_t *len_out)
{
	ready();
	size_t adlen, clen = NONCE_BYTES + n + TAG_BYTES;
	unsigned char *ad = place_ad(place, &adlen);
	unsigned char *c = xmalloc(clen);
	randombytes_buf(c, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(c + NONCE_BYTES, NULL, p ? p : (const void *)"",
	                                           n, ad, adlen, NULL, c, key->k);
	free(ad);
	size_t pl = strlen(VAULT_SEALED_PREFIX);
	size_t blen = sodium_base64_encoded_len(clen, B64);
	char *s = xmalloc(pl + blen);
	memcpy(s, VAULT_SEALED_PREFIX, pl);
	sodium_bin2base64(s + pl, blen, c, clen, B64);
	free(c);
	if (len_out != NULL)
		*len_out = strlen(s);
	return s;
}

static int sv_open(const struct vault *key, const struct vault_place *place, const char *sealed,
                   size_t len, char **out, size_t *out_len)
{
	ready();
	*out = NULL;
	if (key == NULL || !is_sealed(sealed, len))
		return -1;
	size_t pl = strlen(VAULT_SEALED_PREFIX);
	const char *b = sealed + pl;
	size_t blen = len - pl;
	size_t cap = blen / 4 * 3 + 3, clen = 0;
	unsigned char *c = xmalloc(cap > 0 ? cap : 1);
	if (sodium_base642bin(c, cap, b, blen, NULL, &clen, NULL, B64) != 0 ||
	    clen < NONCE_BYTES + TAG_BYTES) {
		free(c);
		return -1;
	}
	size_t adlen;
	unsigned char *ad = place_ad(place, &adlen);
	size_t mlen = clen - NONCE_BYTES - TAG_BYTES;
	unsigned char *m = xmalloc(mlen + 1);
	unsigned long long got = 0;
	int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
	    m, &got, NULL, c + NONCE_BYTES, clen - NONCE_BYTES, ad, adlen, c, key->k);
	free(ad);
	free(c);
	if (rc != 0) {
		free(m);
		return -1;
	}
	m[got] = '\0';
	*out = (char *)m;
	if (out_len != NULL)
		*out_len = (size_t)got;
	return 0;
}

/* ---- the session file's copy ---- */

static char *sv_export(const struct vault *key)
{
	ready();
	return b64_encode(key->k, KEY_BYTES);
}

static struct vault *sv_import(const char *text)
{
	ready();
	if (text == NULL)
		return NULL;
	struct vault *v = key_alloc();
	if (b64_decode_exact(text, strlen(text), v->k, KEY_BYTES) < 0) {
		sv_free(v);
		return NULL;
	}
	return v;
}

/* The plugin's entry point (src/plugin.map); vault.c calls it through plugin_symbol. */
extern const struct vault_engine vault_sodium_engine;
const struct vault_engine vault_sodium_engine = {
    .create = sv_create,
    .auth = sv_auth,
    .unlock = sv_unlock,
    .recover = sv_recover,
    .rewrap = sv_rewrap,
    .envelope_cost = sv_envelope_cost,
    .seal = sv_seal,
    .open = sv_open,
    .export_key = sv_export,
    .import_key = sv_import,
    .dup = sv_dup,
    .same = sv_same,
    .free_key = sv_free,
};
