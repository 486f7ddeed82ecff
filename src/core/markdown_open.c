/*
 * markdown_open.c: the open (last) segment of a streaming message, brought
 * up to date without re-parsing all of it on every update. Rendering a
 * segment whole costs its length, so a segment that keeps growing (one long
 * code block, table or paragraph) would cost the square of its length
 * over a stream. Three shapes are extended instead:
 *
 * - a fence opened at the first column: its finished lines are kept and
 *   each new line is rendered alone, as md4c hands code lines over; a last
 *   line past CODE_LINE_LONG bytes (minified code, a base64 blob) is
 *   rendered again only as it grows by a quarter, its new text appended
 *   uncoloured in between (it is one row, cut at the pane's edge);
 * - a table (a header and a delimiter line first): its finished rows are
 *   kept; new rows are parsed alone behind a copy of the header and drawn
 *   at the kept column widths, and only a row wider than a column makes
 *   the table be drawn again (the widths only grow);
 * - anything else past OPEN_RAW_MIN bytes: rendered whole when it has grown
 *   by a quarter since the last time, the new text appended unstyled in
 *   between (so the total work is a few times the length).
 *
 * The kept output of a code block or table is what rendering the segment
 * whole gives; the raw text is not, so the final update (md_finish)
 * renders a raw segment whole.
 */
#include <md4c.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/markdown.h"
#include "jarvis/util.h"
#include "markdown_internal.h"

/* A lazy table's line in the document (md_set_lazy_tables). */
#define GRID_SLOT "▦"

/* A segment at least this long is re-rendered only as it grows by a quarter. */
#define OPEN_RAW_MIN ((size_t)32 << 10)
/* So is the last line of a code block at least this long. */
#define CODE_LINE_LONG ((size_t)4 << 10)

void md_open_reset(struct md *m)
{
	free(m->head);
	free(m->widths);
	m->head = NULL;
	m->widths = NULL;
	m->head_len = m->cols = 0;
	m->open = OPEN_NONE;
	m->open_src = m->seg_src;
	m->open_len = m->committed_len;
	m->open_spans = m->committed_spans;
	m->open_exact = false;
	m->parsed = 0;
	m->line_whole = m->line_end = 0;
	m->code_lang = NULL;
	memset(&m->code_syn, 0, sizeof(m->code_syn));
}

/* Keeps the open segment's output up to here. */
static void keep(struct md *m, size_t src_end)
{
	m->open_src = src_end;
	m->open_len = m->doc.text.len;
	m->open_spans = m->doc.n;
}

/* Renders the open segment [seg_src, n) whole; returns where it starts. */
static size_t whole(struct md *m, const char *src, size_t n)
{
	mdout_truncate(&m->doc, m->committed_len, m->committed_spans);
	md_render_segment(m, src + m->seg_src, n - m->seg_src, NULL, NULL);
	return m->committed_len;
}

/* Whether [a, b) holds a byte md4c maps before handing it over ('\r', NUL). */
static bool unusual(const char *src, size_t a, size_t b)
{
	return memchr(src + a, '\r', b - a) != NULL || memchr(src + a, '\0', b - a) != NULL;
}

/* --- a fenced code block --------------------------------------------------- */

/* Renders code lines s[0..n) ('\n' ends each) as md4c hands them to mdr_text. */
static void code_text(struct md *m, const char *s, size_t n, bool save)
{
	struct render r;
	memset(&r, 0, sizeof(r));
	r.doc = r.sink = &m->doc;
	r.any = m->any;
	r.pending_nl = m->pend;
	r.line_open = m->lopen;
	r.cont[0].kind = CONT_CODE;
	r.ncont = 1;
	r.in_code = true;
	r.style = STYLE_CODE_BLOCK;
	r.syn_lang = m->code_lang;
	r.syn = m->code_syn;
	mdr_text(MD_TEXT_CODE, s, (MD_SIZE)n, &r);
	mdr_code_flush(&r); /* a line still growing */
	mdr_code_release(&r);
	if (save) {
		m->any = r.any;
		m->pend = r.pending_nl;
		m->lopen = r.line_open;
		m->code_syn = r.syn;
	}
}

/* The complete lines [open_src, end) are code lines: rendered and kept. */
static void code_lines(struct md *m, const char *src, size_t end)
{
	if (end > m->open_src) {
		code_text(m, src + m->open_src, end - m->open_src, true);
		keep(m, end);
	}
}

static size_t code_update(struct md *m, const char *src, size_t n, bool final)
{
	size_t stable = m->open_len;
	code_lines(m, src, m->scan);
	if (m->scan < n) {
		const char *line = src + m->scan;
		size_t len = n - m->scan;
		/* A closing fence without its '\n' yet closes the block all the same. */
		if (!md_fence_closes(line, len, m->fence_ch, m->fence_len))
			code_text(m, line, len, final);
		m->line_whole = len >= CODE_LINE_LONG ? len : 0;
		m->line_end = n;
	} else {
		m->line_whole = 0;
	}
	return stable;
}

/*
 * The last line of the block grew, and no more than by a quarter since it
 * was rendered whole: its new text is appended as plain code. False when
 * it must be rendered again (a line ended, the quarter is reached, the new
 * text holds a tab, which is expanded by column, or a byte md4c maps).
 */
static bool code_line_extend(struct md *m, const char *src, size_t n, size_t *stable)
{
	size_t len = n - m->open_src;
	if (m->line_whole == 0 || m->scan != m->open_src || n < m->line_end ||
	    len >= m->line_whole + m->line_whole / 4)
		return false;
	const char *tail = src + m->line_end;
	size_t k = n - m->line_end;
	if (memchr(tail, '\n', k) != NULL || memchr(tail, '\t', k) != NULL ||
	    unusual(src, m->line_end, n))
		return false;
	*stable = m->doc.text.len;
	mdout_emit(&m->doc, tail, k, STYLE_CODE_BLOCK, SYN_PLAIN, SPAN_NOWRAP);
	m->line_end = n;
	return true;
}

/* --- a table -------------------------------------------------------------- */

/* Parses the header copy followed by src[a, b), keeping the table. */
static bool parse_rows(struct md *m, const char *src, size_t a, size_t b, struct render *r)
{
	struct buf in;
	buf_init(&in, BUF_TEXT_MAX);
	buf_add(&in, m->head, m->head_len);
	buf_add(&in, src + a, b - a);
	bool cut = in.truncated;
	md_probe(in.data, in.len, r);
	buf_release(&in);
	/* One table, every line a row of it (the header is row 0). */
	size_t lines = 0;
	for (size_t i = a; i < b; i++)
		lines += src[i] == '\n';
	if (b > a && src[b - 1] != '\n')
		lines++;
	return r->blocks == 1 && r->table.cols == m->cols && r->table.rows == 1 + lines &&
	       r->table.ncells == r->table.rows * r->table.cols && !cut;
}

/* Draws rows [from, to) of a parsed table at the kept widths. */
static void draw_rows(struct md *m, const struct table *t, size_t from, size_t to)
{
	struct render r;
	memset(&r, 0, sizeof(r));
	r.doc = r.sink = &m->doc;
	r.any = true;
	r.pending_nl = 1;
	for (size_t row = from; row < to; row++)
		mdr_table_draw_row(&r, t, row, m->widths, false);
}

/* The segment starts with a table: its header drawn, its widths kept. */
static bool table_start(struct md *m, const char *src, size_t head_end)
{
	m->cols = 0;
	m->head_len = 0;
	struct render r;
	/* parse_rows wants the header in m->head: parse it as "rows" of nothing. */
	m->head = xstrndup(src + m->seg_src, head_end - m->seg_src);
	m->head_len = head_end - m->seg_src;
	parse_rows(m, src, head_end, head_end, &r);
	bool ok = r.blocks == 1 && r.table.rows == 1 && r.table.cols > 0 &&
	          r.table.ncells == r.table.cols;
	if (ok && m->lazy) {
		/* One placeholder line in the document; the rows go to the index. */
		mdout_truncate(&m->doc, m->committed_len, m->committed_spans);
		struct render p;
		memset(&p, 0, sizeof(p));
		p.doc = p.sink = &m->doc;
		p.any = m->doc.text.len > 0;
		p.pending_nl = p.any ? 2 : 0;
		mdr_content_styled(&p, GRID_SLOT, strlen(GRID_SLOT), STYLE_GRID, 0, 0);
		m->cols = r.table.cols;
		struct grid *g = mdg_open(m, m->seg_src, m->head_len, m->cols);
		g->off = m->doc.text.len - strlen(GRID_SLOT);
		mdg_add_row(g, m->seg_src, &r.table, 0, true);
		mdr_table_release(&r.table);
		keep(m, head_end);
		return true;
	}
	mdr_table_release(&r.table);
	if (!ok)
		return false;
	mdout_truncate(&m->doc, m->committed_len, m->committed_spans);
	md_render_segment(m, m->head, m->head_len, &m->widths, &m->cols);
	keep(m, head_end);
	return m->widths != NULL;
}

/* Where the source ends once blank lines at its end are left out. */
static size_t before_blank_lines(const char *src, size_t from, size_t n)
{
	size_t e = n;
	while (e > from) {
		size_t ls = e;
		if (src[ls - 1] == '\n')
			ls--;
		while (ls > from && src[ls - 1] != '\n')
			ls--;
		size_t k = ls;
		while (k < e && (src[k] == ' ' || src[k] == '\t' || src[k] == '\n'))
			k++;
		if (k < e)
			break;
		e = ls;
	}
	return e;
}

/* Indexes the rows of the parsed table r, whose lines start at `at`. */
static void grid_rows(struct grid *g, const char *src, size_t at, size_t n, const struct table *t,
                      bool complete)
{
	for (size_t row = 1; row < t->rows; row++) {
		mdg_add_row(g, at, t, row, complete);
		const char *nl = memchr(src + at, '\n', n - at);
		at = nl != NULL ? (size_t)(nl - src) + 1 : n;
	}
}

/*
 * table_update for a lazy table: new rows measured into its index, the
 * document unchanged. Only complete rows decide whether the table goes
 * on (a row cut short may parse as something else for now), so it ends
 * where it would end however the text arrived.
 */
static size_t grid_update(struct md *m, const char *src, size_t n, bool final)
{
	size_t stable = m->doc.text.len;
	struct grid *g = mdg_current(m);
	mdg_truncate(g, g->complete); /* a row still growing is measured again */
	n = before_blank_lines(src, m->open_src, n);
	if (n == m->open_src)
		return stable;
	if (unusual(src, m->open_src, n)) {
		mdg_drop_open(m);
		m->open = OPEN_FULL;
		return stable;
	}
	/* Complete rows (the last one too when the message is complete). */
	size_t end = final || m->scan > n ? n : m->scan;
	struct render r;
	if (end > m->open_src) {
		if (!parse_rows(m, src, m->open_src, end, &r)) {
			mdr_table_release(&r.table);
			mdg_drop_open(m);
			m->open = OPEN_FULL; /* the table ended: whatever follows is parsed whole */
			return stable;
		}
		grid_rows(g, src, m->open_src, end, &r.table, true);
		mdr_table_release(&r.table);
		keep(m, end);
	}
	if (end < n) {
		if (parse_rows(m, src, end, n, &r))
			grid_rows(g, src, end, n, &r.table, false);
		mdr_table_release(&r.table);
	}
	return stable;
}

static size_t table_update(struct md *m, const char *src, size_t n, bool final)
{
	if (mdg_current(m) != NULL)
		return grid_update(m, src, n, final);
	size_t stable = m->open_len;
	/* Blank lines end the table; they add nothing at the segment's end. */
	n = before_blank_lines(src, m->open_src, n);
	if (n == m->open_src)
		return stable;
	struct render r;
	/* r is filled by parse_rows only: an unusual tail never reaches it. */
	bool usual = !unusual(src, m->open_src, n);
	if (!usual || !parse_rows(m, src, m->open_src, n, &r)) {
		if (usual)
			mdr_table_release(&r.table);
		m->open = OPEN_FULL; /* the table ended: whatever follows is parsed whole */
		return stable;
	}
	/* Complete rows (the last one too when the message is complete). */
	size_t end = final || m->scan > n ? n : m->scan;
	size_t rows = 0;
	for (size_t i = m->open_src; i < end; i++)
		rows += src[i] == '\n';
	if (end > m->open_src && src[end - 1] != '\n')
		rows++;
	if (rows > 0) {
		size_t *w = xmalloc(m->cols * sizeof(*w));
		memcpy(w, m->widths, m->cols * sizeof(*w));
		mdr_table_widths(&r.table, 1, 1 + rows, w);
		if (memcmp(w, m->widths, m->cols * sizeof(*w)) != 0) {
			/* A column widened: the whole table again, which says its widths. */
			size_t cols = 0;
			free(m->widths);
			m->widths = NULL;
			stable = m->committed_len;
			mdout_truncate(&m->doc, m->committed_len, m->committed_spans);
			md_render_segment(m, src + m->seg_src, end - m->seg_src, &m->widths, &cols);
			if (m->widths == NULL || cols != m->cols) {
				free(w);
				mdr_table_release(&r.table);
				m->open = OPEN_FULL;
				return whole(m, src, n);
			}
		} else {
			draw_rows(m, &r.table, 1, 1 + rows);
		}
		free(w);
		keep(m, end);
	}
	if (end < n)
		draw_rows(m, &r.table, 1 + rows, r.table.rows);
	mdr_table_release(&r.table);
	return stable;
}

/* --- classifying and updating --------------------------------------------- */

/* Decides how the open segment is updated, once its first lines are complete. */
static void classify(struct md *m, const char *src, size_t n)
{
	size_t a = m->seg_src;
	const char *nl1 = memchr(src + a, '\n', n - a);
	if (nl1 == NULL)
		return;
	size_t e1 = (size_t)(nl1 - src);
	char ch;
	size_t len;
	if (md_fence_opens(src + a, e1 - a, &ch, &len) && m->in_fence && m->fence_top) {
		m->open = OPEN_CODE;
		mdout_truncate(&m->doc, m->committed_len, m->committed_spans);
		m->any = m->doc.text.len > 0;
		m->pend = m->any ? 2 : 1; /* what the block's start owes */
		m->lopen = false;
		/* The opening line alone: its language label, if it has one,
		 * and its language (m->code_lang), whose tokenizer starts afresh. */
		md_render_segment(m, src + a, e1 + 1 - a, NULL, NULL);
		memset(&m->code_syn, 0, sizeof(m->code_syn));
		if (m->doc.text.len > m->committed_len) {
			m->any = true;
			m->pend = 1; /* after the label's line */
		}
		keep(m, e1 + 1);
		return;
	}
	if (memchr(src + a, '|', e1 - a) == NULL) {
		m->open = OPEN_FULL;
		return;
	}
	const char *nl2 = memchr(src + e1 + 1, '\n', n - e1 - 1);
	if (nl2 == NULL)
		return;
	size_t head_end = (size_t)(nl2 - src) + 1;
	if (!unusual(src, a, head_end) && table_start(m, src, head_end))
		m->open = OPEN_TABLE;
	else
		m->open = OPEN_FULL;
}

static size_t raw_update(struct md *m, const char *src, size_t n)
{
	size_t grown = n - m->seg_src, had = m->parsed - m->seg_src;
	if (grown >= had + had / 4) {
		size_t stable = whole(m, src, n);
		m->parsed = n;
		keep(m, n);
		return stable;
	}
	size_t stable = m->doc.text.len;
	mdout_emit(&m->doc, src + m->open_src, n - m->open_src, 0, 0, 0);
	m->open_src = n;
	return stable;
}

/*
 * Whether an open table's rows, drawn as they came, are how it reads whole.
 * A lazy table's are: each row is laid out on its own either way. An
 * eager one's need not be, for md4c reads a table's inlines as one run,
 * so a bracket or a star in one row can pair with a mark rows later; it
 * is parsed whole once it is complete.
 */
static bool settled_table(struct md *m)
{
	return m->open != OPEN_TABLE || mdg_current(m) != NULL;
}

static bool same_span(const struct span *a, const struct span *b)
{
	return a->off == b->off && a->len == b->len && a->style == b->style &&
	       a->level == b->level && a->flags == b->flags;
}

/*
 * Renders the open segment whole, as whole(); returns where its output
 * first differs from what was shown, so that the rows that read the same
 * (nearly always all of them) stay stable and are not wrapped again.
 */
static size_t whole_again(struct md *m, const char *src, size_t n)
{
	size_t from = m->committed_len, s0 = m->committed_spans;
	size_t old_len = m->doc.text.len - from, old_n = m->doc.n - s0;
	char *old = xmalloc(old_len + 1);
	memcpy(old, m->doc.text.data + from, old_len);
	struct span *olds = xmalloc((old_n + 1) * sizeof(*olds));
	if (old_n > 0) /* (spans is NULL until the first span) */
		memcpy(olds, m->doc.spans + s0, old_n * sizeof(*olds));
	whole(m, src, n);
	size_t new_len = m->doc.text.len - from, new_n = m->doc.n - s0;
	size_t same = 0;
	while (same < old_len && same < new_len && old[same] == m->doc.text.data[from + same])
		same++;
	size_t stable = from + same;
	for (size_t i = 0; i < old_n && i < new_n; i++) {
		const struct span *a = &olds[i], *b = &m->doc.spans[s0 + i];
		if (!same_span(a, b)) {
			size_t at = a->off < b->off ? a->off : b->off;
			if (at < stable)
				stable = at;
			break;
		}
	}
	free(olds);
	free(old);
	return stable;
}

/* md_open_update once its kind is known. */
static size_t open_update(struct md *m, const char *src, size_t n, bool final)
{
	size_t kept;
	if (m->open == OPEN_CODE && !final && code_line_extend(m, src, n, &kept))
		return kept;
	if (m->open == OPEN_CODE || m->open == OPEN_TABLE) {
		mdout_truncate(&m->doc, m->open_len, m->open_spans);
		if (final && !settled_table(m)) {
			m->open = OPEN_FULL;
			return whole_again(m, src, n);
		}
		if (unusual(src, m->open_src, n)) {
			mdg_drop_open(m);
			m->open = OPEN_FULL;
		} else if (m->open == OPEN_CODE) {
			return code_update(m, src, n, final);
		} else {
			size_t stable = table_update(m, src, n, final);
			if (m->open == OPEN_TABLE)
				return stable;
		}
	}
	if (final)
		return whole(m, src, n);
	if (m->open == OPEN_RAW)
		return raw_update(m, src, n);
	if (n - m->seg_src >= OPEN_RAW_MIN) {
		m->open = OPEN_RAW;
		m->parsed = m->seg_src;
		return raw_update(m, src, n);
	}
	return whole(m, src, n);
}

size_t md_open_update(struct md *m, const char *src, size_t n, bool final)
{
	if (m->open != OPEN_NONE)
		return open_update(m, src, n, final);
	/* Just classified: what was shown of the segment may all change. */
	classify(m, src, n);
	open_update(m, src, n, final);
	return m->committed_len;
}

bool md_open_commit(struct md *m, const char *src, size_t split)
{
	if (m->open != OPEN_CODE && m->open != OPEN_TABLE)
		return false;
	/* The last line before the split: a closing fence, or the last row. */
	size_t end = split;
	if (m->open == OPEN_CODE) {
		size_t ls = split - 1;
		while (ls > m->open_src && src[ls - 1] != '\n')
			ls--;
		if (ls < m->open_src || unusual(src, m->open_src, split) ||
		    !md_fence_closes(src + ls, split - 1 - ls, m->fence_ch, m->fence_len))
			return false;
		mdout_truncate(&m->doc, m->open_len, m->open_spans);
		code_lines(m, src, ls);
		return true;
	}
	/* A table: rows, then only blank lines. */
	if (!settled_table(m))
		return false;
	while (end > m->open_src) {
		size_t ls = end - 1;
		while (ls > m->open_src && src[ls - 1] != '\n')
			ls--;
		if (src[ls + strspn(src + ls, " \t")] != '\n')
			break;
		end = ls;
	}
	mdout_truncate(&m->doc, m->open_len, m->open_spans);
	size_t scan = m->scan;
	m->scan = end;
	table_update(m, src, end, false);
	m->scan = scan;
	if (m->open != OPEN_TABLE || m->open_src != end)
		return false;
	mdout_truncate(&m->doc, m->open_len, m->open_spans);
	return true;
}
