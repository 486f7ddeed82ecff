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

char json_scan_peek_slow(struct json_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
	return s->p < s->end ? *s->p : '\0';
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

/*
 * Copies the plain bytes at *p to *w and moves both past them. w has room
 * for all that is left of the text, so whole blocks of sixteen
 * are stored ahead of what counts (later bytes overwrite the excess).
 */
static inline void copy_plain(const char **p, const char *end, char **w)
{
	const char *r = *p;
	char *o = *w;
	while (end - r >= 16) {
		memcpy(o, r, 16);
		unsigned mask = json_scan_special16(r);
		if (mask != 0) {
			*p = r + __builtin_ctz(mask);
			*w = o + __builtin_ctz(mask);
			return;
		}
		r += 16;
		o += 16;
	}
	const char *q = json_scan_plain_end(r, end);
	memcpy(o, r, (size_t)(q - r));
	*w = o + (q - r);
	*p = q;
}

static void put(struct buf *out, const char *p, size_t n, bool *truncated)
{
	if (out != NULL && n > 0 && buf_append(out, p, n) == -1 && truncated != NULL)
		*truncated = true;
}

/* The one-byte meaning of a short escape's letter, or 0 (\\u, or not an escape). */
static inline char short_escape(char c)
{
	/* A table, not a switch: an answer has an escape every fifty bytes or so. */
	static const char meaning[256] = {
	    ['"'] = '"',  ['\\'] = '\\', ['/'] = '/',  ['n'] = '\n',
	    ['t'] = '\t', ['r'] = '\r',  ['b'] = '\b', ['f'] = '\f',
	};
	return meaning[(unsigned char)c];
}

/*
 * The rest of a string (after its quote) decoded into dst, which has room
 * for all that is left of the text (a decoded string is never longer than
 * its JSON); its length in *n.
 */
static bool string_into(struct json_scan *s, char *dst, size_t *n)
{
	const char *p = s->p, *end = s->end;
	char *w = dst;
	for (;;) {
		copy_plain(&p, end, &w);
		if (p >= end || (unsigned char)*p < 0x20)
			return false;
		if (*p++ == '"') {
			s->p = p;
			*n = (size_t)(w - dst);
			return true;
		}
		char c = p < end ? short_escape(*p) : 0;
		if (c != 0) {
			*w++ = c;
			p++;
			continue;
		}
		s->p = p;
		size_t k = escape(s, w);
		if (k == 0)
			return false;
		w += k;
		p = s->p;
	}
}

/* Steps over the rest of a string (after its quote), checking its escapes. */
static bool string_skip(struct json_scan *s)
{
	char dec[4];
	for (;;) {
		s->p = json_scan_plain_end(s->p, s->end);
		if (s->p >= s->end || (unsigned char)*s->p < 0x20)
			return false;
		if (*s->p++ == '"')
			return true;
		if (escape(s, dec) == 0)
			return false;
	}
}

/* json_scan_string piece by piece, for an out too close to its max to take the rest whole. */
static bool string_pieces(struct json_scan *s, struct buf *out, bool *truncated)
{
	const char *run = s->p;
	while (s->p < s->end) {
		s->p = json_scan_plain_end(s->p, s->end);
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

bool json_scan_string(struct json_scan *s, struct buf *out, bool *truncated)
{
	if (!json_scan_take(s, '"'))
		return false;
	size_t n = 0;
	if (out == NULL)
		return string_skip(s);
	/* Room for the rest of the text at once, so the bytes are copied with no check each. */
	char *dst = buf_room(out, (size_t)(s->end - s->p));
	if (dst == NULL)
		return string_pieces(s, out, truncated);
	bool ok = string_into(s, dst, &n);
	buf_commit(out, ok ? n : 0);
	return ok;
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
	const char *k;
	size_t n;
	if (!json_scan_key_ref(s, &k, &n) || n >= cap)
		return false;
	memcpy(key, k, n);
	key[n] = '\0';
	return true;
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

bool json_scan_done(struct json_scan *s)
{
	return json_scan_peek(s) == '\0' && s->p == s->end;
}
