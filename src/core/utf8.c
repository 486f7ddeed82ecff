/*
 * utf8.c: UTF-8 decoding, sanitising, display widths and clusters (see
 * utf8.h). It must never write to a terminal or depend on curses: the TUI,
 * the wrapper and one-shot mode all measure text through here, so they agree
 * on every width.
 */
#include "jarvis/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	if (n == 0) {
		*cp = UTF8_REPLACEMENT;
		return 0;
	}
	const unsigned char *u = (const unsigned char *)s;
	unsigned char c = u[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		*cp = UTF8_REPLACEMENT;
		return 1;
	}
	if (n < len) {
		*cp = UTF8_REPLACEMENT;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*cp = UTF8_REPLACEMENT;
			return 1;
		}
		v = (v << 6) | (u[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = UTF8_REPLACEMENT;
		return 1;
	}
	*cp = v;
	return len;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (cp == UTF8_REPLACEMENT && l == 1 && (unsigned char)s[i] >= 0x80)
			return false;
		i += l;
	}
	return true;
}

/* True when s[0..n) is a proper prefix of some valid multi-byte sequence. */
static bool utf8_incomplete(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t need;
	if (n == 0)
		return false;
	if (u[0] >= 0xC2 && u[0] <= 0xDF)
		need = 2;
	else if (u[0] >= 0xE0 && u[0] <= 0xEF)
		need = 3;
	else if (u[0] >= 0xF0 && u[0] <= 0xF4)
		need = 4;
	else
		return false;
	if (n >= need)
		return false;
	for (size_t i = 1; i < n; i++)
		if ((u[i] & 0xC0) != 0x80)
			return false;
	if (n >= 2) {
		/* The second byte decides overlongs, surrogates and > U+10FFFF. */
		if (u[0] == 0xE0 && u[1] < 0xA0)
			return false;
		if (u[0] == 0xED && u[1] > 0x9F)
			return false;
		if (u[0] == 0xF0 && u[1] < 0x90)
			return false;
		if (u[0] == 0xF4 && u[1] > 0x8F)
			return false;
	}
	return true;
}

static int put_cp(struct buf *out, uint32_t cp)
{
	char e[4];
	size_t l = utf8_encode(cp, e);
	return buf_append(out, e, l);
}

/*
 * The explicit bidi embeddings, overrides and isolates (U+202A..U+202E,
 * U+2066..U+2069): text from elsewhere could use them to show itself in
 * another order than it is read (RLO makes "gpj.exe" look like "exe.jpg").
 */
static bool is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The one mapping behind utf8_sanitize() and the terminal neutraliser.
 * When final is false, a truncated sequence or a '\r' at the very end is
 * left unconsumed; *used says how much was taken.
 */
static int sanitize_into(struct buf *out, const char *s, size_t n, bool final, size_t *used)
{
	size_t i = 0, run = 0; /* run: start of a stretch copied verbatim */
	int rc = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t l;
		if (c < 0x80) {
			cp = c;
			l = 1;
		} else {
			l = utf8_decode(s + i, n - i, &cp);
			if (cp == UTF8_REPLACEMENT && l == 1 && !final &&
			    utf8_incomplete(s + i, n - i))
				break;
		}
		bool keep = cp == '\n' || cp == '\t' ||
		            (cp >= 0xA0 && !(cp == UTF8_REPLACEMENT && l == 1 && c >= 0x80) &&
		             !is_bidi_control(cp));
		if (keep) {
			i += l;
			continue;
		}
		if (cp == '\r' && i + 1 == n && !final)
			break;
		if (buf_append(out, s + run, i - run) == -1)
			rc = -1;
		if (cp == '\r' && i + 1 < n && s[i + 1] == '\n') {
			/* CRLF: drop the CR, the LF is copied with the next run */
		} else if (cp == 0 || (cp >= 0x80 && cp < 0xA0) || cp == UTF8_REPLACEMENT ||
		           is_bidi_control(cp)) {
			rc |= put_cp(out, UTF8_REPLACEMENT);
		} else if (cp == 0x7F) {
			rc |= put_cp(out, 0x2421);
		} else {
			rc |= put_cp(out, 0x2400 + cp);
		}
		i += l;
		run = i;
	}
	if (buf_append(out, s + run, i - run) == -1)
		rc = -1;
	*used = i;
	return rc == 0 ? 0 : -1;
}

char *utf8_sanitize(const char *s, size_t n)
{
	struct buf b;
	size_t used;
	buf_init(&b, BUF_TEXT_MAX);
	sanitize_into(&b, s, n, true, &used);
	return buf_steal(&b);
}

char *utf8_neutralize_for_terminal(const char *s, size_t n)
{
	return utf8_sanitize(s, n);
}

void utf8_stream_init(struct utf8_stream *st)
{
	st->npend = 0;
}

int utf8_stream_feed(struct utf8_stream *st, const char *s, size_t n, struct buf *out)
{
	int rc = 0;
	size_t used;
	if (st->npend > 0) {
		/* Complete the held-back piece with at most 4 new bytes first. */
		char tmp[8];
		size_t take = n < 4 ? n : 4;
		memcpy(tmp, st->pend, st->npend);
		memcpy(tmp + st->npend, s, take);
		size_t total = st->npend + take;
		rc = sanitize_into(out, tmp, total, false, &used);
		if (used < st->npend) {
			/* Still incomplete: everything fitted in tmp and is pending. */
			memcpy(st->pend, tmp + used, total - used);
			st->npend = total - used;
			return rc;
		}
		size_t from_new = used - st->npend;
		st->npend = 0;
		s += from_new;
		n -= from_new;
	}
	if (sanitize_into(out, s, n, false, &used) == -1)
		rc = -1;
	memcpy(st->pend, s + used, n - used);
	st->npend = n - used;
	return rc;
}

int utf8_stream_finish(struct utf8_stream *st, struct buf *out)
{
	size_t used;
	int rc = sanitize_into(out, st->pend, st->npend, true, &used);
	st->npend = 0;
	return rc;
}

/*
 * Clusters and widths come from utf8proc (Unicode 15): its grapheme break
 * rules are UAX #29's extended grapheme clusters, its widths East Asian
 * Width with emoji presentation. Two Unicode rules adjust its widths to what
 * terminals draw: a spacing mark (category Mc) advances one column, and the
 * medial vowels and final consonants of a conjoining Hangul syllable draw
 * inside the syllable's two columns.
 */
static const struct utf8_term term_joined = {true, true, 2, 2};
static const struct utf8_term term_split = {false, false, 1, 2};
static struct utf8_term term_now = {true, true, 2, 2};

const struct utf8_term *utf8_term_joined(void)
{
	return &term_joined;
}

const struct utf8_term *utf8_term_split(void)
{
	return &term_split;
}

void utf8_set_term(const struct utf8_term *t)
{
	term_now = *t;
}

const struct utf8_term *utf8_get_term(void)
{
	return &term_now;
}

static int boundclass(uint32_t cp)
{
	return utf8proc_get_property((utf8proc_int32_t)cp)->boundclass;
}

static bool is_regional(uint32_t cp)
{
	return boundclass(cp) == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR;
}

static bool is_modifier(uint32_t cp)
{
	return cp >= 0x1F3FB && cp <= 0x1F3FF; /* Emoji_Modifier: the five skin tones */
}

int utf8_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return cp == '\n' ? 0 : 1; /* controls show as one-column placeholders */
	if (cp < 0x7F)
		return 1;
	if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_MC)
		return 1;
	return utf8proc_charwidth((utf8proc_int32_t)cp);
}

size_t utf8_cluster_next(const char *s, size_t n, size_t off)
{
	if (off >= n)
		return n;
	uint32_t prev;
	size_t pos = off + utf8_decode(s + off, n - off, &prev);
	if (prev == '\n' ||
	    (prev < 0x80 && prev != '\r' && (pos >= n || (unsigned char)s[pos] < 0x80)))
		return pos;
	utf8proc_int32_t state = 0;
	while (pos < n) {
		uint32_t cp;
		size_t l = utf8_decode(s + pos, n - pos, &cp);
		if (utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev, (utf8proc_int32_t)cp,
		                                     &state))
			break;
		pos += l;
		prev = cp;
	}
	return pos;
}

/* The start of the code point that ends at, or runs across, q (0 < q <= n). */
static size_t cp_prev(const char *s, size_t n, size_t q)
{
	size_t p = q - 1;
	int k = 0;
	while (p > 0 && k < 3 && ((unsigned char)s[p] & 0xC0) == 0x80) {
		p--;
		k++;
	}
	uint32_t cp;
	if (p + utf8_decode(s + p, n - p, &cp) >= q)
		return p;
	return q - 1;
}

/*
 * True when a cluster surely starts at b, whatever comes before a: the pair
 * breaks on its own, and b is neither a regional indicator (which pairs by
 * count) nor a pictograph after a ZWJ (which joins an emoji sequence).
 */
static bool sure_break(uint32_t a, uint32_t b)
{
	utf8proc_int32_t state = 0;
	if (!utf8proc_grapheme_break_stateful((utf8proc_int32_t)a, (utf8proc_int32_t)b, &state))
		return false;
	if (is_regional(b))
		return false;
	return !(a == 0x200D && boundclass(b) == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC);
}

size_t utf8_cluster_prev(const char *s, size_t n, size_t off)
{
	if (off == 0)
		return 0;
	if (off > n)
		off = n;
	/* Walk back to a code point that surely starts a cluster... */
	size_t start = cp_prev(s, n, off);
	while (start > 0) {
		uint32_t cp, before;
		utf8_decode(s + start, n - start, &cp);
		size_t p = cp_prev(s, n, start);
		utf8_decode(s + p, n - p, &before);
		if (before == '\n' || sure_break(before, cp))
			break;
		start = p;
	}
	/* ...then step forward cluster by cluster to the one ending at off. */
	for (;;) {
		size_t next = utf8_cluster_next(s, n, start);
		if (next >= off)
			return start;
		start = next;
	}
}

int utf8_cluster_width(const char *s, size_t n, size_t off, size_t end)
{
	if (end > n)
		end = n;
	if (off >= end)
		return 0;
	uint32_t base, cp;
	size_t pos = off + utf8_decode(s + off, end - off, &base);
	int w = utf8_cp_width(base);
	bool pict = boundclass(base) == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
	const struct utf8_term *t = &term_now;
	if (pos >= end)
		return w;
	if (is_regional(base)) {
		utf8_decode(s + pos, end - pos, &cp);
		if (is_regional(cp))
			return t->flag; /* a flag: a pair of regional indicators */
	}
	uint32_t prev = base;
	for (; pos < end; prev = cp) {
		pos += utf8_decode(s + pos, end - pos, &cp);
		int bc = boundclass(cp);
		if (bc == UTF8PROC_BOUNDCLASS_V || bc == UTF8PROC_BOUNDCLASS_T)
			continue; /* inside a conjoining Hangul syllable */
		if (cp == 0xFE0F && pict && w == 1 && prev == base)
			w = t->vs16;
		else if (is_modifier(cp))
			w += t->modifier_joined ? 0 : utf8_cp_width(cp);
		else if (prev == 0x200D && bc == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC)
			w += t->zwj_joined ? 0 : utf8_cp_width(cp);
		else
			w += utf8_cp_width(cp);
	}
	return w;
}

bool utf8_is_boundary(const char *s, size_t n, size_t off)
{
	if (off == 0 || off >= n)
		return true;
	return utf8_cluster_next(s, n, utf8_cluster_prev(s, n, off)) == off;
}

/*
 * Whether the eight bytes at s are all printable ASCII (0x20..0x7E), a word
 * at a time: a byte with its top bit set, a byte below 0x20 (the "has a
 * byte less than" test, exact once no top bit is set) or 0x7F fails it.
 */
static bool printable8(const char *s)
{
	const uint64_t ones = 0x0101010101010101u, top = 0x8080808080808080u;
	uint64_t v;
	memcpy(&v, s, sizeof v);
	uint64_t del = v ^ (ones * 0x7F);
	uint64_t bad = (v & top) | ((v - ones * 0x20) & ~v & top) | ((del - ones) & ~del & top);
	return bad == 0;
}

size_t utf8_width(const char *s, size_t n)
{
	size_t w = 0, i = 0;
	while (i < n) {
		/* Long runs of ASCII (code, a line without spaces) eight columns at a
		 * time; the byte after the run must not start a combining mark. */
		if (i + 8 < n && printable8(s + i) && (unsigned char)s[i + 8] < 0x80) {
			w += 8;
			i += 8;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F && (i + 1 >= n || (unsigned char)s[i + 1] < 0x80)) {
			w++;
			i++;
			continue;
		}
		size_t next = utf8_cluster_next(s, n, i);
		w += (size_t)utf8_cluster_width(s, n, i, next);
		i = next;
	}
	return w;
}

size_t utf8_strwidth(const char *s)
{
	return utf8_width(s, strlen(s));
}
