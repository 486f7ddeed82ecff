/*
 * utf8.h: decoding, sanitising and measuring UTF-8 text for display. Pure
 * functions of bytes: nothing here touches the terminal.
 *
 * Clusters are Unicode's extended grapheme clusters (UAX #29, from
 * utf8proc): what the cursor steps over and what the wrapper never splits.
 * '\n' is always a cluster of its own. Nothing here normalises text: the
 * bytes the user typed or received (ZWNJ, Arabic and Persian yeh and kaf)
 * are kept exactly.
 *
 * Widths: a code point's width is utf8proc's (East Asian Width, emoji
 * presentation), a spacing mark counting one column. A cluster's width
 * depends on how the terminal draws emoji sequences, which differs between
 * terminals: struct utf8_term says how (the TUI measures it at start-up,
 * src/tui/termprobe.c); until told otherwise every sequence is one glyph.
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
 *     and the bidi embedding, override and isolate controls (U+202A..U+202E,
 *     U+2066..U+2069) become U+FFFD.
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
 * Display columns of one code point on its own: 0 for combining marks, ZWNJ,
 * ZWJ, variation selectors and other zero-width characters; 2 for East
 * Asian wide characters and emoji presentation; 1 otherwise (also for the
 * controls, which are shown as one-column placeholders; '\n' counts 0).
 */
int utf8_cp_width(uint32_t cp);

/* How the terminal draws the clusters whose width terminals disagree on. */
struct utf8_term {
	bool zwj_joined;      /* an emoji ZWJ sequence is one glyph as wide as its first emoji */
	bool modifier_joined; /* a skin-tone modifier merges into the emoji before it */
	int vs16;             /* columns of a narrow pictograph made emoji by U+FE0F (1 or 2) */
	int flag;             /* columns of a regional-indicator pair (a flag) */
};
/* Every sequence one glyph (kitty, WezTerm, foot, mode 2027): {1, 1, 2, 2}. */
const struct utf8_term *utf8_term_joined(void);
/* Every piece drawn by itself (xterm, VTE): {0, 0, 1, 2}. */
const struct utf8_term *utf8_term_split(void);
/* Sets the model utf8_cluster_width() and everything built on it use. */
void utf8_set_term(const struct utf8_term *t);
const struct utf8_term *utf8_get_term(void);

/* The offset just past the cluster that starts at off (off < n), never past n. */
size_t utf8_cluster_next(const char *s, size_t n, size_t off);
/* The start of the cluster that ends at off (0 < off <= n); 0 when off is 0. */
size_t utf8_cluster_prev(const char *s, size_t n, size_t off);
/* The display width of the cluster at s[off..end) on the terminal utf8_set_term() describes. */
int utf8_cluster_width(const char *s, size_t n, size_t off, size_t end);
/* True when off is 0, n, or between two clusters. */
bool utf8_is_boundary(const char *s, size_t n, size_t off);
/* Display columns of s[0..n), cluster by cluster ('\n' counts 0). */
size_t utf8_width(const char *s, size_t n);
/* Display columns of a NUL-terminated string. */
size_t utf8_strwidth(const char *s);

#endif
