/*
 * utf8.h: decoding, sanitising and measuring UTF-8 text for display. Pure
 * functions of bytes: nothing here touches the terminal. Widths come from
 * wcwidth(3), so the caller must have set a UTF-8 locale (setlocale(LC_ALL,
 * "") in the program, "C.UTF-8" in tests).
 *
 * Clusters: a "cluster" here is what the cursor steps over and what the
 * wrapper never splits: one base code point followed by every zero-width
 * code point (combining marks, ZWNJ U+200C, ZWJ U+200D, variation selectors,
 * emoji skin-tone modifiers U+1F3FB..U+1F3FF, tag characters, the keycap
 * U+20E3), plus, after a ZWJ, the next code point (emoji ZWJ sequences such
 * as U+1F468 U+200D U+1F469), plus a second regional indicator after a first
 * one (flags). A cluster's width is its base's width, except a flag, which
 * is 2. '\n' is always a cluster of its own.
 */
#ifndef JARVIS_UTF8_H
#define JARVIS_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jarvis/buf.h"

#define UTF8_REPLACEMENT 0xFFFDu

/*
 * Decodes the code point at s (n > 0 bytes available) into *cp and returns
 * the bytes it took. Invalid, overlong, surrogate or truncated sequences give
 * U+FFFD and consume exactly one byte. Returns 0 only when n == 0.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp (invalid ones as U+FFFD) into out; returns 1..4. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* True when s[0..n) is entirely valid UTF-8. */
bool utf8_valid(const char *s, size_t n);

/*
 * A new NUL-terminated copy of s[0..n) that is safe to show: valid UTF-8
 * with no control characters except '\n' and '\t'. Exactly:
 *   - invalid bytes become U+FFFD (one per byte that cannot start or finish
 *     a sequence), and so does a NUL byte;
 *   - "\r\n" becomes "\n"; any other C0 control (U+0001..U+001F except \t
 *     and \n) becomes its visible Control Picture U+2400+c (ESC shows as
 *     "␛", a lone CR as "␍", BEL as "␇"), and DEL (U+007F) becomes "␡";
 *   - C1 controls (U+0080..U+009F, which some terminals obey as CSI, OSC...)
 *     become U+FFFD.
 * Everything else, including the text of a neutralised escape sequence
 * ("[2J" after the "␛"), is kept as it is. The caller frees the result.
 */
char *utf8_sanitize(const char *s, size_t n);

/*
 * For one-shot mode writing to a terminal: the same mapping as
 * utf8_sanitize(), so the output contains no byte below 0x20 except '\n' and
 * '\t', no 0x7F, and no C1 control in any encoding: no escape sequence (CSI,
 * OSC such as OSC 52 clipboard writes, DCS, or a bare ESC) can reach the
 * terminal; it prints as visible text starting with "␛" instead. The caller
 * frees the result.
 */
char *utf8_neutralize_for_terminal(const char *s, size_t n);

/*
 * The streaming form of utf8_neutralize_for_terminal() for text that arrives
 * in pieces: a UTF-8 sequence or a "\r\n" split between two pieces is held
 * back until the next feed instead of being replaced.
 */
struct utf8_stream {
	char pend[4]; /* a truncated sequence, or a '\r' waiting for its '\n' */
	size_t npend;
};

/* Prepares an empty stream. */
void utf8_stream_init(struct utf8_stream *st);
/* Appends the neutralised form of s[0..n) to out; returns -1 when out is full. */
int utf8_stream_feed(struct utf8_stream *st, const char *s, size_t n, struct buf *out);
/* Flushes anything held back (a truncated sequence becomes U+FFFD). */
int utf8_stream_finish(struct utf8_stream *st, struct buf *out);

/*
 * Display columns of one code point: 0 for combining marks, ZWNJ, ZWJ,
 * variation selectors and other zero-width characters; 2 for East Asian
 * wide characters and emoji; 1 otherwise. Where wcwidth() knows nothing (-1)
 * emoji and CJK planes count 2, other zero-width format characters 0, and
 * the rest (controls, which are shown as a placeholder) 1.
 */
int utf8_cp_width(uint32_t cp);
/* True for code points that join the cluster before them (see above). */
bool utf8_cp_extends(uint32_t cp);

/* The offset just past the cluster that starts at off (off < n), never past n. */
size_t utf8_cluster_next(const char *s, size_t n, size_t off);
/* The start of the cluster that ends at off (0 < off <= n); 0 when off is 0. */
size_t utf8_cluster_prev(const char *s, size_t n, size_t off);
/* The display width of the cluster at s[off..end). */
int utf8_cluster_width(const char *s, size_t n, size_t off, size_t end);
/* True when off is 0, n, or between two clusters. */
bool utf8_is_boundary(const char *s, size_t n, size_t off);
/* Display columns of s[0..n), cluster by cluster ('\n' counts 0). */
size_t utf8_width(const char *s, size_t n);
/* Display columns of a NUL-terminated string. */
size_t utf8_strwidth(const char *s);

#endif
