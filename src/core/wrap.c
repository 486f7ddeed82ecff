/*
 * wrap.c: greedy wrapping of styled text into rows of pieces, with a cache
 * that re-wraps only the tail of a growing message (see wrap.h). It must
 * not draw, and it never owns the text: rows hold offsets into it.
 *
 * Why re-wrapping from the row before the first changed byte is enough: a
 * row's end is decided by the bytes up to the first cluster that does not
 * fit, which lies inside the next row; so a change at offset p can alter
 * the row containing p and the one before it (if that one ended softly),
 * never an earlier one. Lines ('\n') are independent.
 */
#include "jarvis/wrap.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/utf8.h"
#include "jarvis/util.h"

/* Re-wrapped rows beyond this many are not compared with the old ones. */
#define WRAP_COMPARE_MAX 1024

struct wrap_cache {
	struct wrap_row *rows;
	size_t nrows, caprows;
	struct wrap_piece *pieces;
	size_t npieces, cappieces;
	int width;
	bool valid;
	size_t rewrapped;
};

/* What one wrapping pass reads. */
struct wrap_src {
	const char *text;
	size_t len;
	const struct span *spans;
	size_t nspans;
	struct span whole; /* used when the caller gave no spans */
	int width;
	size_t hint; /* last span index found, to make forward lookups O(1) */
};

struct wrap_cache *wrap_cache_new(void)
{
	struct wrap_cache *wc = xcalloc(1, sizeof(*wc));
	/* Never NULL: text of empty lines has rows but no pieces, and NULL + 0
	 * (wc->pieces + row->piece) is undefined behaviour. */
	wc->caprows = wc->cappieces = 64;
	wc->rows = xmalloc(wc->caprows * sizeof(*wc->rows));
	wc->pieces = xmalloc(wc->cappieces * sizeof(*wc->pieces));
	return wc;
}

void wrap_cache_free(struct wrap_cache *wc)
{
	if (wc == NULL)
		return;
	free(wc->rows);
	free(wc->pieces);
	free(wc);
}

void wrap_cache_invalidate(struct wrap_cache *wc)
{
	wc->valid = false;
	wc->nrows = 0;
	wc->npieces = 0;
}

size_t wrap_cache_nrows(const struct wrap_cache *wc)
{
	return wc->nrows;
}

const struct wrap_row *wrap_cache_row(const struct wrap_cache *wc, size_t i)
{
	return &wc->rows[i];
}

const struct wrap_piece *wrap_cache_pieces(const struct wrap_cache *wc, const struct wrap_row *row)
{
	return wc->pieces + row->piece;
}

size_t wrap_cache_rewrapped(const struct wrap_cache *wc)
{
	return wc->rewrapped;
}

/* The index of the first span that ends after x (== nspans when none). */
static size_t span_find(struct wrap_src *src, size_t x)
{
	size_t k = src->hint;
	if (k < src->nspans && src->spans[k].off <= x && x < src->spans[k].off + src->spans[k].len)
		return k;
	if (k + 1 < src->nspans && src->spans[k + 1].off <= x &&
	    x < src->spans[k + 1].off + src->spans[k + 1].len)
		return src->hint = k + 1;
	size_t lo = 0, hi = src->nspans;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (src->spans[mid].off + src->spans[mid].len <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < src->nspans)
		src->hint = lo;
	return lo;
}

/* The flags of the span covering x, 0 in a gap. */
static unsigned span_flags_at(struct wrap_src *src, size_t x)
{
	size_t k = span_find(src, x);
	if (k < src->nspans && src->spans[k].off <= x)
		return src->spans[k].flags;
	return 0;
}

static struct wrap_piece *piece_push(struct wrap_cache *wc)
{
	if (wc->npieces == wc->cappieces) {
		wc->cappieces = wc->cappieces ? wc->cappieces * 2 : 64;
		wc->pieces = xrealloc(wc->pieces, wc->cappieces * sizeof(*wc->pieces));
	}
	struct wrap_piece *p = &wc->pieces[wc->npieces++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* The prefix of the line at ls: leading spans flagged SPAN_PREFIX_*. */
struct prefix {
	size_t first, count; /* span indices */
	size_t end;          /* byte offset where the content starts */
	int width;
	bool use; /* false when too wide to repeat on continuation rows */
};

static void prefix_find(struct wrap_src *src, size_t ls, size_t le, struct prefix *pf)
{
	pf->first = span_find(src, ls);
	pf->count = 0;
	pf->end = ls;
	pf->width = 0;
	for (size_t k = pf->first; k < src->nspans; k++) {
		const struct span *sp = &src->spans[k];
		if (sp->off != pf->end || sp->off + sp->len > le ||
		    !(sp->flags & (SPAN_PREFIX_REPEAT | SPAN_PREFIX_BLANK)))
			break;
		pf->count++;
		pf->end = sp->off + sp->len;
		pf->width += (int)utf8_width(src->text + sp->off, sp->len);
	}
	pf->use = pf->count > 0 && pf->width * 2 <= src->width;
}

/* Appends the row [start, end) drawn in width columns, with its pieces. */
static struct wrap_row *row_emit(struct wrap_cache *wc, struct wrap_src *src,
                                 const struct prefix *pf, size_t line, bool cont, size_t start,
                                 size_t end)
{
	if (wc->nrows == wc->caprows) {
		wc->caprows = wc->caprows ? wc->caprows * 2 : 64;
		wc->rows = xrealloc(wc->rows, wc->caprows * sizeof(*wc->rows));
	}
	struct wrap_row *r = &wc->rows[wc->nrows++];
	r->off = start;
	r->len = end - start;
	r->line = line;
	r->cont = cont;
	r->nowrap = false;
	r->piece = wc->npieces;
	int col = 0;
	if (cont && pf->use) {
		for (size_t k = pf->first; k < pf->first + pf->count; k++) {
			const struct span *sp = &src->spans[k];
			struct wrap_piece *p = piece_push(wc);
			p->off = sp->off;
			p->len = sp->len;
			p->width = (int)utf8_width(src->text + sp->off, sp->len);
			if (sp->flags & SPAN_PREFIX_REPEAT) {
				p->kind = WRAP_PIECE_TEXT;
				p->style = sp->style;
				p->level = sp->level;
			} else {
				p->kind = WRAP_PIECE_BLANK;
			}
			col += p->width;
		}
	}
	size_t x = start;
	while (x < end) {
		size_t k = span_find(src, x);
		size_t stop = end;
		struct wrap_piece *p = piece_push(wc);
		if (k < src->nspans && src->spans[k].off <= x) {
			const struct span *sp = &src->spans[k];
			if (sp->off + sp->len < stop)
				stop = sp->off + sp->len;
			p->style = sp->style;
			p->level = sp->level;
			if (sp->flags & SPAN_FILL) {
				p->kind = WRAP_PIECE_FILL;
				p->width = src->width - col > 1 ? src->width - col : 1;
			}
		} else if (k < src->nspans && src->spans[k].off < stop) {
			stop = src->spans[k].off;
		}
		p->off = x;
		p->len = stop - x;
		if (p->kind != WRAP_PIECE_FILL)
			p->width = (int)utf8_width(src->text + x, stop - x);
		col += p->width;
		x = stop;
	}
	r->width = col;
	r->npieces = wc->npieces - r->piece;
	return r;
}

/* Wraps the line [ls, le) from pos (ls, or a row start inside it when cont). */
static void wrap_line(struct wrap_cache *wc, struct wrap_src *src, size_t ls, size_t le, size_t pos,
                      bool cont)
{
	struct prefix pf;
	const char *t = src->text;
	int width = src->width;
	prefix_find(src, ls, le, &pf);
	if (ls == le) {
		row_emit(wc, src, &pf, ls, false, ls, ls);
		return;
	}
	if (pf.end < le && !cont && (span_flags_at(src, pf.end) & SPAN_NOWRAP)) {
		row_emit(wc, src, &pf, ls, false, ls, le)->nowrap = true;
		return;
	}
	size_t start = pos;
	int col = cont && pf.use ? pf.width : 0;
	size_t content = cont ? pos : pf.end; /* no break point before this */
	bool word = false;                    /* a non-space cluster since content */
	size_t brk_end = 0, brk_next = 0;     /* the last break point on this row */
	int brk_col = 0;
	bool have_brk = false;
	size_t i = pos;
	while (i < le) {
		unsigned flags = span_flags_at(src, i);
		if (t[i] == ' ' && i >= content && word && !(flags & SPAN_HARD)) {
			size_t j = i;
			while (j < le && t[j] == ' ' && !(span_flags_at(src, j) & SPAN_HARD))
				j++;
			have_brk = true;
			brk_end = i;
			brk_next = j;
			brk_col = col;
			col += (int)(j - i); /* trailing spaces may hang past the margin */
			i = j;
			continue;
		}
		size_t nx = utf8_cluster_next(t, le, i);
		int w;
		if (flags & SPAN_FILL)
			w = 1;
		else if (nx == i + 1 && (unsigned char)t[i] < 0x80 && (unsigned char)t[i] >= 0x20)
			w = 1; /* a letter alone: not one a spacing mark follows */
		else
			w = utf8_cluster_width(t, le, i, nx);
		if (col + w > width && i > start) {
			size_t end, next;
			if (have_brk) {
				end = brk_end;
				next = brk_next;
			} else {
				end = i;
				next = i;
			}
			row_emit(wc, src, &pf, ls, cont, start, end);
			(void)brk_col;
			cont = true;
			start = next;
			i = next;
			col = pf.use ? pf.width : 0;
			content = next;
			word = false;
			have_brk = false;
			continue;
		}
		col += w;
		if (i >= content && t[i] != ' ')
			word = true;
		i = nx;
	}
	/* Spaces hanging at the end of the line are not drawn. */
	size_t end = le;
	if (col > width && have_brk && brk_next == le)
		end = brk_end;
	row_emit(wc, src, &pf, ls, cont, start, end);
}

/* Wraps from pos (a row start recorded as line/cont) to the end of the text. */
static void wrap_from(struct wrap_cache *wc, struct wrap_src *src, size_t pos, size_t line,
                      bool cont)
{
	size_t ls = line;
	for (;;) {
		/* No '\n' lies between a line's start and a row start inside it: a
		 * long line is not searched from its start again on each update. */
		const char *nl = memchr(src->text + pos, '\n', src->len - pos);
		size_t le = nl ? (size_t)(nl - src->text) : src->len;
		wrap_line(wc, src, ls, le, pos, cont);
		if (nl == NULL)
			break;
		ls = le + 1;
		pos = ls;
		cont = false;
	}
}

static bool rows_equal(const struct wrap_row *a, const struct wrap_piece *pa,
                       const struct wrap_row *b, const struct wrap_piece *pb)
{
	if (a->off != b->off || a->len != b->len || a->width != b->width ||
	    a->npieces != b->npieces || a->cont != b->cont || a->nowrap != b->nowrap)
		return false;
	for (size_t k = 0; k < a->npieces; k++) {
		const struct wrap_piece *x = &pa[k], *y = &pb[k];
		if (x->off != y->off || x->len != y->len || x->width != y->width ||
		    x->style != y->style || x->level != y->level || x->kind != y->kind)
			return false;
	}
	return true;
}

size_t wrap_cache_update(struct wrap_cache *wc, const char *text, size_t len,
                         const struct span *spans, size_t nspans, size_t stable, int width)
{
	struct wrap_src src = {
	    .text = text, .len = len, .spans = spans, .nspans = nspans, .width = width};
	if (src.width < 1)
		src.width = 1;
	if (spans == NULL || nspans == 0) {
		src.whole = (struct span){.off = 0, .len = len};
		src.spans = &src.whole;
		src.nspans = 1;
	}
	if (!wc->valid || wc->width != src.width || wc->nrows == 0)
		wrap_cache_invalidate(wc);
	size_t r = 0;
	if (wc->nrows > 0) {
		size_t p = stable < len ? stable : len; /* the text may have shrunk */
		if (wc->rows[wc->nrows - 1].off < p)
			p = wc->rows[wc->nrows - 1].off;
		/* The last row starting at or before p... */
		size_t lo = 0, hi = wc->nrows;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (wc->rows[mid].off <= p)
				lo = mid + 1;
			else
				hi = mid;
		}
		r = lo > 0 ? lo - 1 : 0;
		/* ...and the one before it, whose end depended on r's first word. */
		if (r > 0 && wc->rows[r].cont)
			r--;
	}
	/* Keep the old tail to tell the caller which rows really changed
	 * (not when it is long: a copy of a whole table's rows is not worth it). */
	size_t oldn = wc->nrows - r;
	if (oldn > WRAP_COMPARE_MAX)
		oldn = 0;
	struct wrap_row *old = NULL;
	struct wrap_piece *oldp = NULL;
	size_t p0 = r < wc->nrows ? wc->rows[r].piece : wc->npieces;
	size_t oldnp = oldn > 0 ? wc->npieces - p0 : 0;
	bool compared = oldn > 0 || r == wc->nrows;
	if (oldn > 0) {
		old = xmalloc(oldn * sizeof(*old));
		memcpy(old, wc->rows + r, oldn * sizeof(*old));
		oldp = xmalloc((oldnp ? oldnp : 1) * sizeof(*oldp));
		if (oldnp > 0)
			memcpy(oldp, wc->pieces + p0, oldnp * sizeof(*oldp));
	}
	size_t pos = 0, line = 0;
	bool cont = false;
	if (r < wc->nrows) {
		pos = wc->rows[r].off;
		line = wc->rows[r].line;
		cont = wc->rows[r].cont;
	}
	wc->nrows = r;
	wc->npieces = p0;
	wc->width = src.width;
	wc->valid = true;
	wrap_from(wc, &src, pos, line, cont);
	wc->rewrapped = len - pos;
	size_t first = r;
	while (first - r < oldn && first < wc->nrows &&
	       rows_equal(&old[first - r], oldp + (old[first - r].piece - p0), &wc->rows[first],
	                  wc->pieces + wc->rows[first].piece))
		first++;
	if (compared && first - r == oldn && first == wc->nrows)
		first = wc->nrows; /* nothing changed */
	free(old);
	free(oldp);
	return first;
}

size_t wrap_text(const char *s, size_t n, int width, struct wrap_row **rows)
{
	struct wrap_cache *wc = wrap_cache_new();
	wrap_cache_update(wc, s, n, NULL, 0, 0, width);
	size_t count = wc->nrows;
	*rows = xmalloc(count * sizeof(**rows));
	memcpy(*rows, wc->rows, count * sizeof(**rows));
	for (size_t i = 0; i < count; i++) {
		(*rows)[i].piece = 0;
		(*rows)[i].npieces = 0;
	}
	wrap_cache_free(wc);
	return count;
}
