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

#include "jarvis/buf.h"

struct json_scan {
	const char *p;
	const char *end;
	int depth; /* nesting left to the skipper before it refuses */
};

/* Starts a scan of json[0..len). */
void json_scan_init(struct json_scan *s, const char *json, size_t len);
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
bool json_scan_take(struct json_scan *s, char c);
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
bool json_scan_key_ref(struct json_scan *s, const char **key, size_t *n);
/* Reads a plain non-negative integer below 1e15 (no fraction, exponent or sign). */
bool json_scan_count(struct json_scan *s, long *out);
/* Skips any one value. */
bool json_scan_skip(struct json_scan *s);
/*
 * After a member or element: consumes ',' (true, *more set) or the closer
 * (true, *more cleared).
 */
bool json_scan_next(struct json_scan *s, char closer, bool *more);
/* Only white space is left. */
bool json_scan_done(struct json_scan *s);

#endif
