/*
 * json_scan.c: a pull scanner over one JSON text (see json_scan.h). It
 * refuses what it is not sure of; the caller's fallback decides.
 */
#include "jarvis/json_scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/utf8.h"
#include "jarvis/util.h"

/* Nesting the skipper follows; deeper values are left to the full parser. */
#define JSON_SCAN_DEPTH 64

void json_scan_init(struct json_scan *s, const char *json, size_t len)
{
	s->p = json;
	s->end = json + len;
	s->depth = JSON_SCAN_DEPTH;
}

char json_scan_peek(struct json_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
	return s->p < s->end ? *s->p : '\0';
}

bool json_scan_take(struct json_scan *s, char c)
{
	if (json_scan_peek(s) != c)
		return false;
	s->p++;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits after "\u" at s->p, or -1. */
static long hex4(struct json_scan *s)
{
	if (s->end - s->p < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(s->p[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	s->p += 4;
	return v;
}

/* One escape after its backslash, decoded into out[] (4 bytes); its length or 0. */
static size_t escape(struct json_scan *s, char *out)
{
	if (s->p >= s->end)
		return 0;
	char c = *s->p++;
	switch (c) {
	case '"':
	case '\\':
	case '/':
		out[0] = c;
		return 1;
	case 'b':
		out[0] = '\b';
		return 1;
	case 'f':
		out[0] = '\f';
		return 1;
	case 'n':
		out[0] = '\n';
		return 1;
	case 'r':
		out[0] = '\r';
		return 1;
	case 't':
		out[0] = '\t';
		return 1;
	case 'u':
		break;
	default:
		return 0;
	}
	long cp = hex4(s);
	if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
		return 0;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
			return 0;
		s->p += 2;
		long lo = hex4(s);
		if (lo < 0xDC00 || lo > 0xDFFF)
			return 0;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	/* A NUL would end the text for every C string that holds it later. */
	return utf8_encode(cp == 0 ? UTF8_REPLACEMENT : (uint32_t)cp, out);
}

/* A byte a JSON string holds as itself: no quote, backslash or control byte. */
static inline bool plain_byte(char c)
{
	unsigned char u = (unsigned char)c;
	return u >= 0x20 && u != '"' && u != '\\';
}

/*
 * Whether all eight bytes at p are plain, tested together: a byte below
 * 0x20 or equal to '"' or '\\' sets its top bit in the result (exact for
 * whether any does, which is all that is asked).
 */
static inline bool plain_word(const char *p)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t x;
	memcpy(&x, p, sizeof x);
	uint64_t quote = x ^ (ones * '"'), slash = x ^ (ones * '\\');
	uint64_t low = (x - ones * 0x20) & ~x;
	uint64_t zq = (quote - ones) & ~quote, zs = (slash - ones) & ~slash;
	return ((low | zq | zs) & highs) == 0;
}

static void put(struct buf *out, const char *p, size_t n, bool *truncated)
{
	if (out != NULL && n > 0 && buf_append(out, p, n) == -1 && truncated != NULL)
		*truncated = true;
}

bool json_scan_string(struct json_scan *s, struct buf *out, bool *truncated)
{
	if (!json_scan_take(s, '"'))
		return false;
	const char *run = s->p;
	while (s->p < s->end) {
		/* Most of an answer is plain bytes: step over them eight at a time. */
		while (s->end - s->p >= 8 && plain_word(s->p))
			s->p += 8;
		while (s->p < s->end && plain_byte(*s->p))
			s->p++;
		if (s->p >= s->end)
			break;
		unsigned char c = (unsigned char)*s->p;
		put(out, run, (size_t)(s->p - run), truncated);
		if (c == '"') {
			s->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		s->p++;
		char dec[4];
		size_t n = escape(s, dec);
		if (n == 0)
			return false;
		put(out, dec, n, truncated);
		run = s->p;
	}
	return false;
}

bool json_scan_string_dup(struct json_scan *s, char **out)
{
	struct buf b;
	/* A decoded string is never longer than what is left of the text. */
	buf_init(&b, (size_t)(s->end - s->p) + 1);
	if (!json_scan_string(s, &b, NULL)) {
		buf_release(&b);
		return false;
	}
	*out = buf_steal(&b);
	return true;
}

bool json_scan_key(struct json_scan *s, char *key, size_t cap)
{
	if (!json_scan_take(s, '"'))
		return false;
	size_t n = 0;
	while (s->p < s->end && *s->p != '"') {
		unsigned char c = (unsigned char)*s->p;
		if (c < 0x20 || c == '\\' || n + 1 >= cap)
			return false;
		key[n++] = (char)c;
		s->p++;
	}
	if (s->p >= s->end)
		return false;
	s->p++;
	key[n] = '\0';
	return json_scan_take(s, ':');
}

static bool is_digit(const struct json_scan *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static bool skip_digits(struct json_scan *s)
{
	if (!is_digit(s))
		return false;
	while (is_digit(s))
		s->p++;
	return true;
}

static bool skip_number(struct json_scan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (!skip_digits(s))
		return false;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!skip_digits(s))
			return false;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!skip_digits(s))
			return false;
	}
	return true;
}

bool json_scan_count(struct json_scan *s, long *out)
{
	json_scan_peek(s);
	long v = 0;
	int digits = 0;
	while (is_digit(s)) {
		if (++digits > 15)
			return false;
		v = v * 10 + (*s->p++ - '0');
	}
	if (digits == 0 || (digits > 1 && s->p[-digits] == '0'))
		return false;
	/* A fraction or exponent follows: not a plain count. */
	if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
		return false;
	*out = v;
	return true;
}

static bool skip_word(struct json_scan *s, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return false;
	s->p += n;
	return true;
}

static bool skip_container(struct json_scan *s, char closer)
{
	if (--s->depth < 0)
		return false;
	s->p++;
	bool ok = true;
	if (json_scan_take(s, closer)) {
		s->depth++;
		return true;
	}
	for (bool more = true; ok && more;) {
		if (closer == '}' && !(json_scan_string(s, NULL, NULL) && json_scan_take(s, ':')))
			return false;
		ok = json_scan_skip(s) && json_scan_next(s, closer, &more);
	}
	s->depth++;
	return ok;
}

bool json_scan_skip(struct json_scan *s)
{
	switch (json_scan_peek(s)) {
	case '"':
		return json_scan_string(s, NULL, NULL);
	case '{':
		return skip_container(s, '}');
	case '[':
		return skip_container(s, ']');
	case 't':
		return skip_word(s, "true");
	case 'f':
		return skip_word(s, "false");
	case 'n':
		return skip_word(s, "null");
	default:
		return skip_number(s);
	}
}

bool json_scan_next(struct json_scan *s, char closer, bool *more)
{
	char c = json_scan_peek(s);
	if (c != ',' && c != closer)
		return false;
	s->p++;
	*more = c == ',';
	return true;
}

bool json_scan_done(struct json_scan *s)
{
	return json_scan_peek(s) == '\0' && s->p == s->end;
}
