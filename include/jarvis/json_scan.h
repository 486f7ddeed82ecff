/*
 * json_scan.h: a pull scanner over one JSON text that builds no tree, for
 * the hot paths that need a few fields of a known shape (a streamed
 * Gemini event) and can hand anything unusual to cJSON instead.
 *
 * Every function moves past what it read and returns false, leaving the
 * position undefined, on input it does not accept: broken JSON, and also
 * valid JSON it chooses not to handle (a raw control byte in a string, an
 * escaped lone surrogate). The caller then falls back to a full parser, so
 * the scanner may refuse more than JSON does but never accepts less.
 */
#ifndef JARVIS_JSON_SCAN_H
#define JARVIS_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "jarvis/buf.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

struct json_scan {
	const char *p;
	const char *end;
	int depth; /* nesting left to the skipper before it refuses */
};

/* Starts a scan of json[0..len). */
void json_scan_init(struct json_scan *s, const char *json, size_t len);

/*
 * The small steps below are inline: a streamed event is some sixty of
 * them around one string, and a call each cost more than the step.
 */

/* json_scan_peek past white space (not to call directly). */
char json_scan_peek_slow(struct json_scan *s);
/* Skips white space; the next byte, or 0 at the end. */
static inline char json_scan_peek(struct json_scan *s)
{
	/* Inline for the common cases: no white space, or one blank (as after ':'). */
	if (s->p < s->end && *s->p == ' ')
		s->p++;
	if (s->p < s->end && (unsigned char)*s->p > ' ')
		return *s->p;
	return json_scan_peek_slow(s);
}

/* Consumes c (after white space) when it is next. */
static inline bool json_scan_take(struct json_scan *s, char c)
{
	/* Most often c itself is next, with no white space to step over. */
	if (!(s->p < s->end && *s->p == c) && json_scan_peek(s) != c)
		return false;
	s->p++;
	return true;
}

/* A bit for each of the sixteen bytes at p: a quote, a backslash or a control byte. */
static inline unsigned json_scan_special16(const char *p)
{
#if defined(__SSE2__)
	const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\');
	const __m128i ctl = _mm_set1_epi8(0x1f);
	__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, slash)),
	                           _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x));
	return (unsigned)_mm_movemask_epi8(hit);
#else
	unsigned mask = 0;
	for (unsigned i = 0; i < 16; i++) {
		unsigned char u = (unsigned char)p[i];
		if (u < 0x20 || u == '"' || u == '\\')
			mask |= 1u << i;
	}
	return mask;
#endif
}

/* The first byte at or after p that is a quote, a backslash or a control byte, or end. */
static inline const char *json_scan_plain_end(const char *p, const char *end)
{
	while (end - p >= 16) {
		unsigned mask = json_scan_special16(p);
		if (mask != 0)
			return p + __builtin_ctz(mask);
		p += 16;
	}
	while (p < end && (unsigned char)*p >= 0x20 && *p != '"' && *p != '\\')
		p++;
	return p;
}

/*
 * Reads a string; with out non-NULL appends its decoded bytes there
 * ("\u0000" becomes U+FFFD, so the text stays NUL-free). *truncated is set
 * when out refused bytes (its max); the scan itself still goes on.
 */
bool json_scan_string(struct json_scan *s, struct buf *out, bool *truncated);
/* Reads a string into a fresh NUL-terminated copy (caller frees). */
bool json_scan_string_dup(struct json_scan *s, char **out);
/* Reads a key and its ':' into key (at most cap-1 bytes, no escapes). */
bool json_scan_key(struct json_scan *s, char *key, size_t cap);

/* The same without a copy: *key points into the text, *n bytes (no escapes). */
static inline bool json_scan_key_ref(struct json_scan *s, const char **key, size_t *n)
{
	if (!json_scan_take(s, '"'))
		return false;
	const char *k = s->p;
	const char *q = json_scan_plain_end(k, s->end);
	/* An escape or a control byte ends it short of its quote: refused. */
	if (q >= s->end || *q != '"')
		return false;
	*key = k;
	*n = (size_t)(q - k);
	s->p = q + 1;
	if (!json_scan_take(s, ':'))
		return false;
	/* The blank that usually follows, so that the value's first byte is next. */
	if (s->p < s->end && *s->p == ' ')
		s->p++;
	return true;
}

/*
 * json_scan_key_ref for the key the caller expects: consumes quoted (n
 * bytes: the key's JSON text with its quotes and colon, no escape in it)
 * and a blank after it when they come next exactly so; false, and nothing
 * consumed, otherwise (white space first, another key), for the caller to
 * read the key with json_scan_key_ref. With n a constant the compare is a
 * few loads, where finding a key's end costs a scan and a mispredicted
 * branch or two.
 */
static inline bool json_scan_key_is(struct json_scan *s, const char *quoted, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, quoted, n) != 0)
		return false;
	s->p += n;
	if (s->p < s->end && *s->p == ' ')
		s->p++;
	return true;
}

/* Reads a plain non-negative integer below 1e15 (no fraction, exponent or sign). */
static inline bool json_scan_count(struct json_scan *s, long *out)
{
	json_scan_peek(s);
	const char *p = s->p, *end = s->end;
	long v = 0;
	int digits = 0;
	while (p < end && *p >= '0' && *p <= '9') {
		if (++digits > 15)
			return false;
		v = v * 10 + (*p++ - '0');
	}
	if (digits == 0 || (digits > 1 && p[-digits] == '0'))
		return false;
	/* A fraction or exponent follows: not a plain count. */
	if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
		return false;
	s->p = p;
	*out = v;
	return true;
}

/* Skips any one value. */
bool json_scan_skip(struct json_scan *s);
/*
 * After a member or element: consumes ',' (true, *more set) or the closer
 * (true, *more cleared).
 */
static inline bool json_scan_next(struct json_scan *s, char closer, bool *more)
{
	char c = s->p < s->end ? *s->p : '\0';
	if (c != ',' && c != closer)
		c = json_scan_peek(s); /* white space came first */
	if (c != ',' && c != closer)
		return false;
	s->p++;
	*more = c == ',';
	return true;
}
/* Only white space is left. */
bool json_scan_done(struct json_scan *s);

#endif
