/*
 * markdown.c: markdown into styled lines (see markdown.h): the document
 * being built, the segmenting that lets a streaming message re-render only
 * its last part, and one md4c parse per segment. The callbacks that
 * md4c calls are in markdown_block.c, markdown_inline.c and
 * markdown_table.c, which write through markdown_line.c. No file of the renderer may draw, wrap or
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

/* Where the source is cut into segments, and how far it has been scanned. */
struct md {
	bool markdown;
	struct out doc;
	size_t committed_len, committed_spans; /* output of finished segments */
	size_t seg_src;                        /* source start of the last segment */
	size_t scan;                           /* start of the first unscanned line */
	bool prev_blank, in_fence;
	char fence_ch;
	size_t fence_len;
	size_t src_len; /* source length at the previous update */
	size_t stable;
};

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
	mdout_release(&m->doc);
	free(m);
}

void md_reset(struct md *m)
{
	bool markdown = m->markdown;
	mdout_release(&m->doc);
	memset(m, 0, sizeof(*m));
	mdout_init(&m->doc);
	m->markdown = markdown;
}

/* Appends the rendering of one segment to the document. */
static void render_segment(struct md *m, const char *src, size_t n)
{
	struct render r;
	memset(&r, 0, sizeof(r));
	r.doc = r.sink = &m->doc;
	r.any = m->doc.text.len > 0;
	r.pending_nl = r.any ? 2 : 0;
	MD_PARSER p = {
	    .abi_version = 0,
	    .flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_NOHTML |
	             MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS,
	    .enter_block = mdr_enter_block,
	    .leave_block = mdr_leave_block,
	    .enter_span = mdr_enter_span,
	    .leave_span = mdr_leave_span,
	    .text = mdr_text,
	};
	/*
	 * md4c 0.4.8 reads the byte after the input (a link destination cut
	 * off at the end crashes it), so it gets a NUL-terminated copy.
	 */
	char *copy = xstrndup(src, n);
	md_parse(copy, (MD_SIZE)n, &p, &r);
	free(copy);
	mdr_table_release(&r.table);
	free(r.link_href);
}

/* Whether a line starting with c after a blank line surely begins a new top-level block. */
static bool starts_new_block(char c)
{
	if (c == ' ' || c == '\t' || c == '>' || c == '-' || c == '+' || c == '*' || c == '|')
		return false;
	return !(c >= '0' && c <= '9');
}

/* The length of a fence run (``` or ~~~) at s after up to 3 spaces; 0 if none. */
static size_t fence_at(const char *s, size_t n, char *ch)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != '`' && s[i] != '~'))
		return 0;
	size_t j = i;
	while (j < n && s[j] == s[i])
		j++;
	if (j - i < 3)
		return 0;
	*ch = s[i];
	return j - i;
}

/* Scans newly complete lines for segment boundaries; returns one, or 0 when none yet. */
static size_t next_split(struct md *m, const char *src, size_t n)
{
	while (m->scan < n) {
		const char *nl = memchr(src + m->scan, '\n', n - m->scan);
		if (nl == NULL) {
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
		char ch;
		size_t run;
		if (m->in_fence) {
			run = fence_at(line, len, &ch);
			if (run >= m->fence_len && ch == m->fence_ch) {
				size_t k = strspn(line, " ") + run;
				while (k < len && (line[k] == ' ' || line[k] == '\r'))
					k++;
				if (k == len)
					m->in_fence = false;
			}
			m->prev_blank = false;
			continue;
		}
		size_t split = 0;
		if (m->prev_blank && !blank && starts_new_block(line[0]) && a > m->seg_src)
			split = a;
		run = fence_at(line, len, &ch);
		if (run > 0 && !(ch == '`' && memchr(line + run, '`', len - run) != NULL)) {
			m->in_fence = true;
			m->fence_ch = ch;
			m->fence_len = run;
		}
		m->prev_blank = blank;
		if (split)
			return split;
	}
	return 0;
}

size_t md_update(struct md *m, const char *src, size_t n)
{
	if (n < m->src_len)
		md_reset(m);
	if (!m->markdown) {
		m->stable = m->doc.text.len;
		mdout_emit(&m->doc, src + m->src_len, n - m->src_len, 0, 0, 0);
		m->src_len = n;
		return m->stable;
	}
	m->stable = m->committed_len;
	size_t split;
	while ((split = next_split(m, src, n)) != 0) {
		mdout_truncate(&m->doc, m->committed_len, m->committed_spans);
		render_segment(m, src + m->seg_src, split - m->seg_src);
		m->committed_len = m->doc.text.len;
		m->committed_spans = m->doc.n;
		m->seg_src = split;
	}
	mdout_truncate(&m->doc, m->committed_len, m->committed_spans);
	render_segment(m, src + m->seg_src, n - m->seg_src);
	m->src_len = n;
	return m->stable;
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
