/*
 * markdown.c: markdown into styled lines (see markdown.h): the document
 * being built and the segmenting that lets a streaming message re-render
 * only its last part (markdown_open.c extends that part). One md4c parse
 * of a segment is markdown_parse.c; the callbacks md4c calls are in
 * markdown_block.c, markdown_inline.c and markdown_table.c, which write
 * through markdown_line.c. No file of the renderer may draw, wrap or
 * include curses: the output is data for wrap.c.
 */
#include "jarvis/markdown.h"

#include <md4c.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/util.h"
#include "markdown_internal.h"

/* --- segments ------------------------------------------------------------ */

struct md *md_new(bool markdown)
{
	struct md *m = xcalloc(1, sizeof(*m));
	mdout_init(&m->doc);
	m->markdown = markdown;
	return m;
}

void md_free(struct md *m)
{
	if (m == NULL)
		return;
	md_open_reset(m);
	mdg_free_all(m);
	mdout_release(&m->doc);
	free(m);
}

void md_reset(struct md *m)
{
	bool markdown = m->markdown, hyperlinks = m->hyperlinks, lazy = m->lazy;
	md_open_reset(m);
	mdg_free_all(m);
	mdout_release(&m->doc);
	memset(m, 0, sizeof(*m));
	mdout_init(&m->doc);
	m->markdown = markdown;
	m->hyperlinks = hyperlinks;
	m->lazy = lazy;
}

void md_set_hyperlinks(struct md *m, bool on)
{
	m->hyperlinks = on;
}

const struct md_link *md_links(const struct md *m, size_t *nlinks)
{
	*nlinks = m->doc.nlinks;
	return m->doc.links;
}

struct md *md_render_single(const char *src, size_t n)
{
	struct md *m = md_new(true);
	md_render_segment(m, src, n, NULL, NULL);
	m->src_len = n;
	return m;
}

/* Whether a line starting with c after a blank line surely begins a new top-level block. */
static bool starts_new_block(char c)
{
	if (c == ' ' || c == '\t' || c == '>' || c == '-' || c == '+' || c == '*')
		return false;
	return !(c >= '0' && c <= '9');
}

/* Whether the line s[0..n) is an ATX heading starting at its first column. */
static bool atx_heading(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && k < 7 && s[k] == '#')
		k++;
	return k >= 1 && k <= 6 && (k == n || s[k] == ' ' || s[k] == '\t');
}

enum row_kind { ROW_NOT, ROW_YES, ROW_UNSURE };

/*
 * Whether the line [a, b) would be a row of a table above it (md4c takes a
 * fence or a heading there for a row): parsed with the paragraph it ends.
 * Unsure when a table is there but not as the paragraph's only block.
 */
static enum row_kind table_row(struct md *m, const char *src, size_t a, size_t b)
{
	char ch;
	if (md_fence_at(src + a, b - a, &ch) == 0 && !atx_heading(src + a, b - a))
		return ROW_NOT; /* no split could come of it */
	struct render r;
	size_t start = m->para > m->seg_src ? m->para : m->seg_src;
	size_t lines = 0;
	for (size_t i = start; i <= b; i++)
		lines += src[i] == '\n';
	md_probe(src + start, b + 1 - start, &r);
	bool row = r.blocks == 1 && r.tables == 1 && r.table.rows + 1 == lines;
	mdr_table_release(&r.table);
	if (row)
		return ROW_YES;
	md_probe(src + start, a - start, &r);
	mdr_table_release(&r.table);
	return r.tables == 0 ? ROW_NOT : ROW_UNSURE;
}

/* Whether a line opens a fence, and where it splits the source. */
static size_t scan_opener(struct md *m, const char *line, size_t len, size_t a, size_t b)
{
	char ch;
	size_t run = md_fence_at(line, len, &ch);
	size_t info = run > 0 ? strspn(line, " ") + run : 0; /* after the fence's run */
	if (run > 0 && !(ch == '`' && memchr(line + info, '`', len - info) != NULL)) {
		m->in_fence = true;
		m->fence_ch = ch;
		m->fence_len = run;
		m->fence_indent = info - run;
		/* A fence at the first column always starts a block of its own. */
		m->fence_top = line[0] == ch;
		return m->fence_top && a > m->seg_src ? a : 0;
	}
	if (atx_heading(line, len)) {
		/* So does a heading, and what follows it starts afresh. */
		m->para = b + 1;
		m->pipes = false;
		if (a > m->seg_src) {
			m->split_after = b + 1;
			return a;
		}
		return b + 1;
	}
	return 0;
}

/*
 * Scans newly complete lines for segment boundaries; returns one, or 0 when
 * none yet. Boundaries: a blank line before a line that surely starts a new
 * top-level block, before and after a fence opened at the first column,
 * before and after a heading at the first column.
 */
static size_t next_split(struct md *m, const char *src, size_t n)
{
	if (m->split_after != 0) {
		size_t s = m->split_after;
		m->split_after = 0;
		if (s > m->seg_src)
			return s;
	}
	if (m->confused)
		return 0;
	while (m->scan < n) {
		/* A line still growing is searched from where the last search ended,
		 * or one long line would be searched whole on every update. */
		size_t from = m->nl_from > m->scan && m->nl_from <= n ? m->nl_from : m->scan;
		const char *nl = memchr(src + from, '\n', n - from);
		if (nl == NULL) {
			m->nl_from = n;
			/* A partial line: its first character already decides. */
			if (m->prev_blank && !m->in_fence && starts_new_block(src[m->scan]) &&
			    m->scan > m->seg_src)
				return m->scan;
			return 0;
		}
		size_t a = m->scan, b = (size_t)(nl - src);
		m->scan = b + 1;
		const char *line = src + a;
		size_t len = b - a;
		bool blank = line[strspn(line, " \t\r")] == '\n' || len == 0;
		if (m->in_fence) {
			m->prev_blank = false;
			if (!m->fence_top && !blank && strspn(line, " ") < m->fence_indent) {
				/* Inside a list item a line indented less ends the item
				 * and its fence: too unclear to split on any more. */
				m->confused = true;
				return 0;
			}
			if (md_fence_closes(line, len, m->fence_ch, m->fence_len)) {
				m->in_fence = false;
				m->para = b + 1;
				m->pipes = false;
				if (m->fence_top)
					return b + 1; /* the block is complete */
			}
			continue;
		}
		size_t split = 0;
		if (m->prev_blank && !blank && starts_new_block(line[0]) && a > m->seg_src)
			split = a;
		bool pipes = m->pipes;
		m->pipes = m->pipes || memchr(line, '|', len) != NULL;
		if (blank) {
			m->para = b + 1;
			m->pipes = false;
		}
		size_t s = 0;
		enum row_kind k = pipes ? table_row(m, src, a, b) : ROW_NOT;
		if (k == ROW_UNSURE) {
			m->confused = true;
			return 0;
		}
		if (k == ROW_NOT)
			s = scan_opener(m, line, len, a, b);
		m->prev_blank = blank;
		if (s)
			split = s;
		if (split)
			return split;
	}
	return 0;
}

static size_t update(struct md *m, const char *src, size_t n, bool final)
{
	if (n < m->src_len)
		md_reset(m);
	if (!m->markdown) {
		m->stable = m->doc.text.len;
		mdout_emit(&m->doc, src + m->src_len, n - m->src_len, 0, 0, 0);
		m->src_len = n;
		return m->stable;
	}
	size_t stable = m->committed_len;
	bool moved = false;
	size_t split;
	while ((split = next_split(m, src, n)) != 0) {
		/*
		 * A lazy table is kept lazily however the text arrived: a segment
		 * that ends before it was ever the open one is classified now.
		 */
		const char *nl = memchr(src + m->seg_src, '\n', split - m->seg_src);
		if (m->lazy && m->open == OPEN_NONE && nl != NULL &&
		    memchr(src + m->seg_src, '|', (size_t)(nl - src) - m->seg_src) != NULL)
			md_open_update(m, src, split, false);
		if (md_open_commit(m, src, split)) {
			struct grid *g = mdg_current(m);
			if (g != NULL)
				g->open = false; /* the table is complete: it stays as it is */
		} else {
			mdg_drop_open(m); /* rendered here instead */
			mdout_truncate(&m->doc, m->committed_len, m->committed_spans);
			md_render_segment(m, src + m->seg_src, split - m->seg_src, NULL, NULL);
		}
		m->committed_len = m->doc.text.len;
		m->committed_spans = m->doc.n;
		m->seg_src = split;
		md_open_reset(m);
		moved = true;
	}
	size_t open = md_open_update(m, src, n, final);
	m->stable = moved ? stable : open;
	m->src_len = n;
	return m->stable;
}

size_t md_update(struct md *m, const char *src, size_t n)
{
	return update(m, src, n, false);
}

size_t md_finish(struct md *m, const char *src, size_t n)
{
	return update(m, src, n, true);
}

const char *md_text(const struct md *m)
{
	return m->doc.text.data;
}

size_t md_len(const struct md *m)
{
	return m->doc.text.len;
}

const struct span *md_spans(const struct md *m, size_t *nspans)
{
	*nspans = m->doc.n;
	return m->doc.spans;
}

size_t md_stable(const struct md *m)
{
	return m->stable;
}

size_t md_source_stable(const struct md *m)
{
	return m->seg_src;
}
