/*
 * rtl.c: right-to-left rows in visual order (see rtl.h). The wrapper has
 * already cut the paragraph into rows by logical width; each row is
 * reordered as a line of its paragraph (FriBidi resolves the levels over
 * the whole paragraph), drawn cluster by cluster with each code point's
 * attributes, and aligned to the right edge. A hanging indent, which is on
 * the left in logical order, goes to the right, where the line starts.
 */
#include "rtl.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/utf8.h"

#include "draw.h"

static bool enabled;
static bool failed; /* the plugin could not be loaded: draw logical order */

void tui_rtl_setup(enum bidi_mode mode)
{
	enabled = bidi_wanted(mode);
}

/* The piece of row that holds source byte off, or NULL (a prefix copy). */
static const struct wrap_piece *piece_at(const struct wrap_row *row,
                                         const struct wrap_piece *pieces, size_t off)
{
	for (size_t i = 0; i < row->npieces; i++) {
		const struct wrap_piece *p = &pieces[i];
		if (p->kind == WRAP_PIECE_TEXT && off >= p->off && off < p->off + p->len)
			return p;
	}
	return NULL;
}

bool tui_rtl_row(WINDOW *w, const char *text, size_t n, const struct wrap_row *row,
                 const struct wrap_piece *pieces, int width,
                 attr_t (*attr_of)(const struct wrap_piece *p, void *ud), void *ud)
{
	if (!enabled || failed || row->len == 0)
		return false;
	size_t from = (size_t)-1, to = 0;
	int indent = 0;
	for (size_t i = 0; i < row->npieces; i++) {
		const struct wrap_piece *p = &pieces[i];
		if (p->kind == WRAP_PIECE_FILL)
			return false; /* a rule: no direction */
		if (p->kind == WRAP_PIECE_BLANK) {
			indent += p->width;
			continue;
		}
		if (p->off < from)
			from = p->off;
		if (p->off + p->len > to)
			to = p->off + p->len;
	}
	if (from >= to || row->line > from || to > n)
		return false;
	const char *par = text + row->line;
	const char *nl = memchr(text + to, '\n', n - to);
	size_t plen = (nl ? (size_t)(nl - text) : n) - row->line;
	if (!bidi_par_is_rtl(par, plen))
		return false;
	struct buf vis;
	buf_init(&vis, BUF_TEXT_MAX);
	size_t *offs, nvis;
	char *cause = NULL;
	if (bidi_visual(par, plen, from - row->line, to - row->line, &vis, &offs, &nvis, &cause) <
	    0) {
		free(cause);
		buf_release(&vis);
		failed = true;
		return false;
	}
	/* Which code point of vis each byte starts, to find its source offset. */
	int vw = (int)utf8_width(vis.data, vis.len);
	int col = width - vw - indent;
	if (col < 1)
		col = 1;
	wmove(w, getcury(w), col);
	size_t off = 0, k = 0;
	while (off < vis.len && col < width) {
		size_t next = utf8_cluster_next(vis.data, vis.len, off);
		int cw = utf8_cluster_width(vis.data, vis.len, off, next);
		if (col + cw > width)
			break;
		const struct wrap_piece *p = piece_at(row, pieces, row->line + offs[k]);
		attr_t a = p ? attr_of(p, ud) : A_NORMAL;
		wattr_on(w, a, NULL);
		tui_put_cluster(w, vis.data + off, next - off, cw);
		wattr_off(w, a, NULL);
		col += cw;
		/* step k over the code points of this cluster */
		for (size_t i = off; i < next; k++) {
			uint32_t cp;
			i += utf8_decode(vis.data + i, next - i, &cp);
		}
		off = next;
	}
	for (int i = 0; i < indent && col < width; i++, col++)
		waddch(w, ' ');
	free(offs);
	buf_release(&vis);
	return true;
}
