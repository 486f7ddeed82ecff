/*
 * utf8.c: UTF-8 decoding, sanitising, display widths and clusters (see
 * utf8.h). It must never write to a terminal or depend on curses: the TUI,
 * the wrapper and one-shot mode all measure text through here, so they agree
 * on every width.
 */
#include "jarvis/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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
		            (cp >= 0xA0 && !(cp == UTF8_REPLACEMENT && l == 1 && c >= 0x80));
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
		} else if (cp == 0 || (cp >= 0x80 && cp < 0xA0) || cp == UTF8_REPLACEMENT) {
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
	buf_init(&b, 0);
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

static bool in_range(uint32_t cp, uint32_t lo, uint32_t hi)
{
	return cp >= lo && cp <= hi;
}

static bool is_pictographic(uint32_t cp)
{
	return in_range(cp, 0x1F000, 0x1FAFF) || in_range(cp, 0x2600, 0x27BF) ||
	       in_range(cp, 0x2B00, 0x2BFF) || in_range(cp, 0x2300, 0x23FF) || cp == 0xA9 ||
	       cp == 0xAE || cp == 0x203C || cp == 0x2049 || cp == 0x2122 || cp == 0x2139;
}

static bool is_regional(uint32_t cp)
{
	return in_range(cp, 0x1F1E6, 0x1F1FF);
}

/* Zero-width code points that wcwidth() may not know or may call printable. */
static bool is_zero_width_format(uint32_t cp)
{
	return in_range(cp, 0x200B, 0x200F) || in_range(cp, 0x2060, 0x2064) ||
	       in_range(cp, 0xFE00, 0xFE0F) || in_range(cp, 0xE0100, 0xE01EF) ||
	       in_range(cp, 0xE0000, 0xE007F) || cp == 0x20E3 || cp == 0xFEFF;
}

int utf8_cp_width(uint32_t cp)
{
	if (cp < 0x20 || in_range(cp, 0x7F, 0x9F))
		return cp == '\n' ? 0 : 1;
	if (cp < 0x7F)
		return 1;
	if (is_zero_width_format(cp))
		return 0;
	int w = wcwidth((wchar_t)cp);
	if (w >= 0)
		return w > 2 ? 2 : w;
	if (is_pictographic(cp) || in_range(cp, 0x20000, 0x3FFFD))
		return 2;
	return 1;
}

bool utf8_cp_extends(uint32_t cp)
{
	if (cp < 0x300)
		return false;
	if (is_zero_width_format(cp) || in_range(cp, 0x1F3FB, 0x1F3FF))
		return true;
	return wcwidth((wchar_t)cp) == 0;
}

size_t utf8_cluster_next(const char *s, size_t n, size_t off)
{
	if (off >= n)
		return n;
	uint32_t base;
	size_t pos = off + utf8_decode(s + off, n - off, &base);
	if (base == '\n' || (base < 0x80 && (pos >= n || (unsigned char)s[pos] < 0x80)))
		return pos;
	bool ri = is_regional(base), after_zwj = false;
	while (pos < n) {
		uint32_t cp;
		size_t l = utf8_decode(s + pos, n - pos, &cp);
		if (utf8_cp_extends(cp)) {
			after_zwj = cp == 0x200D;
		} else if (after_zwj && is_pictographic(cp)) {
			after_zwj = false;
		} else if (ri && is_regional(cp)) {
			ri = false;
		} else {
			break;
		}
		if (!is_regional(cp))
			ri = false;
		pos += l;
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

size_t utf8_cluster_prev(const char *s, size_t n, size_t off)
{
	if (off == 0)
		return 0;
	if (off > n)
		off = n;
	/* Walk back to a code point that surely starts a cluster... */
	size_t start = off;
	for (;;) {
		size_t p = cp_prev(s, n, start);
		uint32_t cp;
		utf8_decode(s + p, n - p, &cp);
		start = p;
		if (p == 0 || cp == '\n')
			break;
		if (utf8_cp_extends(cp) || is_regional(cp))
			continue;
		size_t pp = cp_prev(s, n, p);
		uint32_t before;
		utf8_decode(s + pp, n - pp, &before);
		if (before != 0x200D)
			break;
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
	if (off >= end || off >= n)
		return 0;
	uint32_t base;
	size_t l = utf8_decode(s + off, end - off, &base);
	if (is_regional(base) && off + l < end)
		return 2;
	return utf8_cp_width(base);
}

bool utf8_is_boundary(const char *s, size_t n, size_t off)
{
	if (off == 0 || off >= n)
		return true;
	return utf8_cluster_next(s, n, utf8_cluster_prev(s, n, off)) == off;
}

size_t utf8_width(const char *s, size_t n)
{
	size_t w = 0, i = 0;
	while (i < n) {
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
