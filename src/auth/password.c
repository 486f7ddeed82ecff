/*
 * password.c: bcrypt hashing (libxcrypt, in jarvis-crypt.so: bcrypt.c,
 * loaded on first use), and the validation of passwords, e-mail addresses
 * and names typed at signup.
 *
 * It must not keep any state between calls but the plugin's two entry
 * points, loaded once under a lock (callers hash on worker threads), and
 * must not truncate a password bcrypt would cut at 72 bytes.
 */
#include "jarvis/password.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "jarvis/plugin.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

/* Length in code points of a UTF-8 string (continuation bytes not counted). */
static size_t utf8_count(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Sets *start and *len to the part of s without surrounding ASCII white space. */
static void trim(const char *s, const char **start, size_t *len)
{
	size_t n = strlen(s);
	while (n > 0 && is_space((unsigned char)*s))
		s++, n--;
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	*start = s;
	*len = n;
}

int password_hash(const char *pw, char **hash_out, char **cause)
{
	return password_hash_cost(pw, PASSWORD_COST, hash_out, cause);
}

/* bcrypt's two calls in jarvis-crypt.so (bcrypt.c), loaded once by the first caller. */
struct crypt_calls {
	int (*hash)(const char *pw, int cost, char **hash_out, char **cause);
	int (*verify)(const char *pw, const char *hash);
};

static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;
static struct crypt_calls calls;

/* The calls, or NULL with *cause when the plugin cannot be loaded. */
static const struct crypt_calls *crypt_calls(char **cause)
{
	/* Worker threads hash; the lock makes the two pointers appear together. */
	pthread_mutex_lock(&calls_lock);
	if (calls.verify == NULL) {
		char *why = NULL;
		void *h = plugin_symbol("crypt", "password_crypt_hash", &why);
		void *v = h != NULL ? plugin_symbol("crypt", "password_crypt_verify", &why) : NULL;
		if (v != NULL) {
			*(void **)&calls.hash = h;
			*(void **)&calls.verify = v;
		} else {
			set_cause(cause, "passwords cannot be checked: %s", why);
		}
		free(why);
	}
	const struct crypt_calls *r = calls.verify != NULL ? &calls : NULL;
	pthread_mutex_unlock(&calls_lock);
	return r;
}

int password_ready(char **cause)
{
	return crypt_calls(cause) != NULL ? 0 : -1;
}

int password_hash_cost(const char *pw, int cost, char **hash_out, char **cause)
{
	*hash_out = NULL;
	if (password_check(pw, cause) != 0)
		return -1;
	if (cost < 4 || cost > 31)
		return set_cause(cause, "bcrypt cost %d is out of range (4 to 31)", cost);
	const struct crypt_calls *c = crypt_calls(cause);
	if (c == NULL)
		return -1;
	return c->hash(pw, cost, hash_out, cause);
}

int password_verify(const char *pw, const char *hash)
{
	if (pw == NULL || hash == NULL)
		return 0;
	/* Only bcrypt hashes are ever stored; anything else is refused. */
	if (strncmp(hash, "$2b$", 4) != 0 && strncmp(hash, "$2a$", 4) != 0 &&
	    strncmp(hash, "$2y$", 4) != 0)
		return 0;
	/* bcrypt would compare only the first 72 bytes of a longer password. */
	if (strlen(pw) > PASSWORD_MAX_BYTES)
		return 0;
	const struct crypt_calls *c = crypt_calls(NULL);
	return c != NULL && c->verify(pw, hash);
}

int password_check(const char *pw, char **cause)
{
	if (pw == NULL)
		return set_cause(cause, "a password is needed");
	size_t n = strlen(pw);
	if (n > PASSWORD_MAX_BYTES)
		return set_cause(cause,
		                 "password is %zu bytes long; bcrypt uses at most %d bytes, so "
		                 "choose a shorter one (accented letters and emoji take 2-4 bytes)",
		                 n, PASSWORD_MAX_BYTES);
	if (utf8_count(pw, n) < PASSWORD_MIN_CHARS)
		return set_cause(cause, "password is too short; use at least %d characters",
		                 PASSWORD_MIN_CHARS);
	return 0;
}

/* Checks the shape of the domain part: dot-separated non-empty labels. */
static int domain_ok(const char *d, size_t n)
{
	if (n == 0 || memchr(d, '.', n) == NULL)
		return 0;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i] == '.') {
			if (label == 0 || (i > 0 && d[i - 1] == '-'))
				return 0;
			label = 0;
			continue;
		}
		if (label == 0 && d[i] == '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && d[n - 1] != '-';
}

/*
 * Why the code point cp may not be in an e-mail address, or NULL. Spaces
 * and controls of any script, and the default-ignorable code points
 * (zero-width spaces and joiners, bidi controls, variation selectors, the
 * soft hyphen...), which show as nothing and would make look-alike
 * addresses of one account.
 */
static const char *email_bad_char(uint32_t cp)
{
	const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
	if (cp <= 0x20 || (cp >= 0x7F && cp < 0xA0) || p->category == UTF8PROC_CATEGORY_ZS ||
	    p->category == UTF8PROC_CATEGORY_ZL || p->category == UTF8PROC_CATEGORY_ZP)
		return "e-mail address must not contain spaces or control characters";
	if (p->ignorable)
		return "e-mail address must not contain invisible characters (zero-width "
		       "spaces or joiners, direction marks); retype it";
	return NULL;
}

/*
 * s[0..n) in the form accounts are keyed by: NFKC with case folding, so
 * "Élise", "élise", full-width "ｅｌｉｓｅ" and "ELISE" in any script's
 * case are one address. NULL with *cause when it is not acceptable UTF-8.
 */
static char *email_fold(const char *s, size_t n, char **cause)
{
	if (!utf8_valid(s, n)) {
		set_cause(cause, "e-mail address is not valid UTF-8; retype it");
		return NULL;
	}
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		const char *bad = email_bad_char(cp);
		if (bad != NULL) {
			set_cause(cause, "%s", bad);
			return NULL;
		}
	}
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t len =
	    utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &folded,
	                 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
	if (len < 0) {
		set_cause(cause, "e-mail address cannot be normalised (%s); retype it",
		          utf8proc_errmsg(len));
		return NULL;
	}
	char *r = xstrndup((const char *)folded, (size_t)len);
	free(folded);
	return r;
}

/* Why a normalised address s is not one, or NULL. */
static const char *email_shape(const char *s)
{
	size_t n = strlen(s);
	const char *at = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7F)
			return "e-mail address must not contain spaces or control characters";
		if (c == '@' && at != NULL)
			return "e-mail address must contain exactly one @";
		if (c == '@')
			at = s + i;
	}
	if (n > EMAIL_MAX_BYTES)
		return "e-mail address is too long once normalised; use a shorter one";
	if (at == NULL)
		return "e-mail address needs an @, as in name@example.com";
	size_t local = (size_t)(at - s);
	if (local == 0)
		return "e-mail address needs a name before the @";
	if (local > 64)
		return "the part of the e-mail address before the @ is longer than 64 bytes";
	if (!domain_ok(at + 1, n - local - 1))
		return "e-mail address needs a domain after the @, as in name@example.com";
	return NULL;
}

int email_normalize(const char *in, char **out, char **cause)
{
	*out = NULL;
	if (in == NULL)
		return set_cause(cause, "an e-mail address is needed");
	const char *t;
	size_t n;
	trim(in, &t, &n);
	if (n == 0)
		return set_cause(cause, "an e-mail address is needed");
	if (n > EMAIL_MAX_BYTES)
		return set_cause(cause, "e-mail address is longer than %d bytes; use a shorter one",
		                 EMAIL_MAX_BYTES);
	char *r = email_fold(t, n, cause);
	if (r == NULL)
		return -1;
	const char *why = email_shape(r);
	if (why != NULL) {
		free(r);
		return set_cause(cause, "%s", why);
	}
	*out = r;
	return 0;
}

int name_normalize(const char *in, char **out, char **cause)
{
	*out = NULL;
	if (in == NULL)
		return set_cause(cause, "a name is needed");
	const char *s;
	size_t n;
	trim(in, &s, &n);
	if (n == 0)
		return set_cause(cause, "a name is needed; use 1 to %d characters", NAME_MAX_CHARS);
	if (!utf8_valid(s, n))
		return set_cause(cause, "name is not valid UTF-8; retype it");
	size_t chars = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029)
			return set_cause(cause, "name must not contain control characters or "
			                        "line breaks");
		if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			return set_cause(cause, "name must not contain bidi overrides or "
			                        "isolates (U+202A..U+202E, U+2066..U+2069); "
			                        "retype it without them");
		i += len;
		chars++;
	}
	if (chars > NAME_MAX_CHARS)
		return set_cause(cause, "name is %zu characters long; use at most %d", chars,
		                 NAME_MAX_CHARS);
	*out = xstrndup(s, n);
	return 0;
}

int name_check(const char *name, char **cause)
{
	char *out;
	if (name_normalize(name, &out, cause) != 0)
		return -1;
	free(out);
	return 0;
}
