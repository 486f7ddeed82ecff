/*
 * markdown.c: md4c callbacks that turn markdown into styled lines, and the
 * segmenting that lets a streaming message re-render only its last part
 * (see markdown.h). It must not draw, wrap or include curses: the output
 * is data for wrap.c.
 */
#include "jarvis/markdown.h"

#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

/* Styled text being built: the document, or one table cell. */
struct out {
	struct buf text;
	struct span *spans;
	size_t n, cap;
};

static void out_init(struct out *o)
{
	buf_init(&o->text, 0);
	o->spans = NULL;
	o->n = o->cap = 0;
}

static void out_free(struct out *o)
{
	buf_free(&o->text);
	free(o->spans);
	out_init(o);
}

static void out_truncate(struct out *o, size_t len, size_t nspans)
{
	o->text.len = len;
	if (o->text.data != NULL)
		o->text.data[len] = '\0';
	o->n = nspans;
	/* The last kept span may have grown past len by merging with later text. */
	if (nspans > 0 && o->spans[nspans - 1].off + o->spans[nspans - 1].len > len)
		o->spans[nspans - 1].len = len - o->spans[nspans - 1].off;
}

static void out_emit(struct out *o, const char *s, size_t n, unsigned style, unsigned level,
                     unsigned flags)
{
	if (n == 0)
		return;
	size_t off = o->text.len;
	buf_append(&o->text, s, n);
	if (o->n > 0) {
		struct span *last = &o->spans[o->n - 1];
		if (last->off + last->len == off && last->style == style && last->level == level &&
		    last->flags == flags) {
			last->len += n;
			return;
		}
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 32;
		o->spans = xrealloc(o->spans, o->cap * sizeof(*o->spans));
	}
	o->spans[o->n++] = (struct span){.off = off,
	                                 .len = n,
	                                 .style = style,
	                                 .level = (unsigned char)level,
	                                 .flags = (unsigned char)flags};
}

enum cont_kind { CONT_QUOTE, CONT_ITEM, CONT_CODE };

struct container {
	enum cont_kind kind;
	char marker[16]; /* list items: "• " or "12. " */
	bool marker_pending;
	bool started; /* its prefix is on some line: blank lines show its bar */
};

struct list {
	bool ordered, tight;
	unsigned next;
};

struct cell {
	struct out o;
	MD_ALIGN align;
};

struct table {
	struct cell *cells; /* rows * cols, row-major as they arrive */
	size_t ncells, cap;
	size_t rows, cols, col; /* col: cells so far in the current row */
	bool active;
};

#define MAX_DEPTH 32

/* The state of rendering one segment. */
struct render {
	struct out *doc, *sink;
	bool any;       /* the document has output before this point */
	bool line_open; /* the current line has its prefixes and some text */
	int pending_nl; /* line breaks owed before the next text */
	bool need_blank;
	struct container cont[MAX_DEPTH];
	int ncont;
	struct list lists[MAX_DEPTH];
	int nlists;
	unsigned style, level;
	unsigned styles[MAX_DEPTH];
	int nstyles;
	bool in_code;
	size_t link_start;
	char *link_href;
	struct table table;
	int depth_overflow; /* containers beyond MAX_DEPTH, ignored */
};

/* Quote bars for an empty line inside quotes. */
static void emit_bars(struct render *r)
{
	for (int i = 0; i < r->ncont; i++)
		if (r->cont[i].kind == CONT_QUOTE && r->cont[i].started)
			out_emit(r->doc, "│", strlen("│"), STYLE_QUOTE, 0, SPAN_PREFIX_REPEAT);
}

static void flush_newlines(struct render *r)
{
	if (r->pending_nl > 0 && r->any) {
		out_emit(r->doc, "\n", 1, 0, 0, 0);
		for (int i = 1; i < r->pending_nl; i++) {
			emit_bars(r);
			out_emit(r->doc, "\n", 1, 0, 0, 0);
		}
	}
	r->pending_nl = 0;
}

/* Opens a line if needed: owed line breaks, then every container's prefix. */
static void open_line(struct render *r)
{
	if (r->line_open)
		return;
	if (r->any && r->pending_nl == 0)
		r->pending_nl = 1;
	flush_newlines(r);
	for (int i = 0; i < r->ncont; i++) {
		struct container *c = &r->cont[i];
		c->started = true;
		if (c->kind == CONT_QUOTE) {
			out_emit(r->doc, "│ ", strlen("│ "), STYLE_QUOTE, 0, SPAN_PREFIX_REPEAT);
		} else if (c->kind == CONT_CODE) {
			out_emit(r->doc, "  ", 2, 0, 0, SPAN_PREFIX_BLANK);
		} else if (c->marker_pending) {
			out_emit(r->doc, c->marker, strlen(c->marker), STYLE_MARKER, 0,
			         SPAN_PREFIX_BLANK);
			c->marker_pending = false;
		} else {
			char sp[16];
			size_t w = utf8_strwidth(c->marker);
			memset(sp, ' ', w);
			out_emit(r->doc, sp, w, 0, 0, SPAN_PREFIX_BLANK);
		}
	}
	r->line_open = true;
	r->any = true;
}

/* Text in the current style, to the current cell or line. */
static void content_styled(struct render *r, const char *s, size_t n, unsigned style,
                           unsigned level, unsigned flags)
{
	if (n == 0)
		return;
	if (r->sink != r->doc) {
		out_emit(r->sink, s, n, style, level, flags);
		return;
	}
	open_line(r);
	out_emit(r->doc, s, n, style, level, flags);
}

static void content(struct render *r, const char *s, size_t n)
{
	content_styled(r, s, n, r->style, r->level, r->in_code ? SPAN_HARD : 0);
}

/* Ends the current line; an already empty line becomes a blank one. */
static void hard_newline(struct render *r)
{
	if (r->line_open) {
		r->line_open = false;
		r->pending_nl = 1;
	} else {
		r->pending_nl++;
	}
}

static void block_start(struct render *r)
{
	r->line_open = false;
	int want = r->need_blank ? 2 : 1;
	if (r->pending_nl < want)
		r->pending_nl = want;
	r->need_blank = false;
}

static void block_end(struct render *r)
{
	if (r->line_open) {
		r->line_open = false;
		r->pending_nl = 1;
	}
	r->need_blank = true;
}

static void push_cont(struct render *r, enum cont_kind kind, const char *marker)
{
	if (r->ncont == MAX_DEPTH) {
		r->depth_overflow++;
		return;
	}
	struct container *c = &r->cont[r->ncont++];
	c->kind = kind;
	snprintf(c->marker, sizeof(c->marker), "%s", marker ? marker : "");
	c->marker_pending = marker != NULL;
	c->started = false;
}

static void pop_cont(struct render *r)
{
	if (r->depth_overflow > 0)
		r->depth_overflow--;
	else if (r->ncont > 0)
		r->ncont--;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		out_free(&t->cells[i].o);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static void emit_spaces(struct render *r, size_t n)
{
	static const char sp[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		content_styled(r, sp, k, 0, 0, 0);
		n -= k;
	}
}

/* Draws a collected table: columns as wide as their widest cell. */
static void table_emit(struct render *r)
{
	struct table *t = &r->table;
	size_t cols = t->cols;
	if (cols == 0 || t->rows == 0)
		return;
	size_t *w = xcalloc(cols, sizeof(*w));
	for (size_t i = 0; i < t->ncells; i++) {
		size_t cw = utf8_width(t->cells[i].o.text.data ? t->cells[i].o.text.data : "",
		                       t->cells[i].o.text.len);
		if (cw > w[i % cols])
			w[i % cols] = cw;
	}
	for (size_t row = 0; row < t->rows; row++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = row * cols + c;
			if (c > 0)
				content_styled(r, " │ ", strlen(" │ "), STYLE_TABLE, 0, 0);
			struct cell *cell = i < t->ncells ? &t->cells[i] : NULL;
			size_t cw = cell ? utf8_width(cell->o.text.data ? cell->o.text.data : "",
			                              cell->o.text.len)
			                 : 0;
			size_t pad = w[c] - cw, left = 0;
			if (cell && cell->align == MD_ALIGN_RIGHT)
				left = pad;
			else if (cell && cell->align == MD_ALIGN_CENTER)
				left = pad / 2;
			emit_spaces(r, left);
			if (cell)
				for (size_t k = 0; k < cell->o.n; k++) {
					const struct span *sp = &cell->o.spans[k];
					content_styled(r, cell->o.text.data + sp->off, sp->len,
					               sp->style | (row == 0 ? STYLE_BOLD : 0),
					               sp->level, sp->flags);
				}
			if (c + 1 < cols)
				emit_spaces(r, pad - left);
			else
				open_line(r); /* an empty last cell still makes the line */
		}
		hard_newline(r);
		if (row == 0) {
			struct buf sep;
			buf_init(&sep, 0);
			for (size_t c = 0; c < cols; c++) {
				if (c > 0)
					buf_puts(&sep, "─┼─");
				for (size_t k = 0; k < w[c]; k++)
					buf_puts(&sep, "─");
			}
			content_styled(r, sep.data, sep.len, STYLE_TABLE, 0, 0);
			buf_free(&sep);
			hard_newline(r);
		}
	}
	free(w);
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *user)
{
	struct render *r = user;
	switch (type) {
	case MD_BLOCK_DOC:
	case MD_BLOCK_THEAD:
	case MD_BLOCK_TBODY:
		break;
	case MD_BLOCK_QUOTE:
		block_start(r);
		push_cont(r, CONT_QUOTE, NULL);
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		block_start(r);
		if (r->nlists < MAX_DEPTH) {
			struct list *l = &r->lists[r->nlists];
			l->ordered = type == MD_BLOCK_OL;
			l->tight = l->ordered ? ((MD_BLOCK_OL_DETAIL *)detail)->is_tight
			                      : ((MD_BLOCK_UL_DETAIL *)detail)->is_tight;
			l->next = l->ordered ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 1;
		}
		r->nlists++;
		break;
	case MD_BLOCK_LI: {
		block_start(r);
		char marker[16];
		if (r->nlists > 0 && r->nlists <= MAX_DEPTH && r->lists[r->nlists - 1].ordered)
			snprintf(marker, sizeof(marker), "%u. ", r->lists[r->nlists - 1].next++);
		else
			snprintf(marker, sizeof(marker), "• ");
		push_cont(r, CONT_ITEM, marker);
		break;
	}
	case MD_BLOCK_HR:
		block_start(r);
		content_styled(r, "─", strlen("─"), STYLE_RULE, 0, SPAN_FILL);
		break;
	case MD_BLOCK_H:
		block_start(r);
		r->style |= STYLE_BOLD | STYLE_HEADING;
		r->level = ((MD_BLOCK_H_DETAIL *)detail)->level;
		break;
	case MD_BLOCK_CODE:
		block_start(r);
		push_cont(r, CONT_CODE, NULL);
		r->in_code = true;
		r->style = STYLE_CODE_BLOCK;
		break;
	case MD_BLOCK_HTML:
	case MD_BLOCK_P:
		block_start(r);
		break;
	case MD_BLOCK_TABLE:
		block_start(r);
		table_free(&r->table);
		r->table.cols = ((MD_BLOCK_TABLE_DETAIL *)detail)->col_count;
		r->table.active = true;
		break;
	case MD_BLOCK_TR:
		r->table.rows++;
		r->table.col = 0;
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD: {
		struct table *t = &r->table;
		/* Keep the grid rectangular: pad short rows, drop extra cells. */
		if (t->ncells == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 16;
			t->cells = xrealloc(t->cells, t->cap * sizeof(*t->cells));
		}
		struct cell *c = &t->cells[t->ncells++];
		out_init(&c->o);
		c->align = ((MD_BLOCK_TD_DETAIL *)detail)->align;
		t->col++;
		r->sink = &c->o;
		break;
	}
	}
	return 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *user)
{
	(void)detail;
	struct render *r = user;
	switch (type) {
	case MD_BLOCK_DOC:
	case MD_BLOCK_THEAD:
	case MD_BLOCK_TBODY:
		break;
	case MD_BLOCK_QUOTE:
		block_end(r);
		pop_cont(r);
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		r->nlists--;
		block_end(r);
		break;
	case MD_BLOCK_LI: {
		bool tight =
		    r->nlists > 0 && r->nlists <= MAX_DEPTH && r->lists[r->nlists - 1].tight;
		block_end(r);
		pop_cont(r);
		r->need_blank = !tight;
		break;
	}
	case MD_BLOCK_H:
		r->style = 0;
		r->level = 0;
		block_end(r);
		break;
	case MD_BLOCK_CODE:
		r->in_code = false;
		r->style = 0;
		block_end(r);
		pop_cont(r);
		break;
	case MD_BLOCK_HR:
	case MD_BLOCK_HTML:
	case MD_BLOCK_P:
		block_end(r);
		break;
	case MD_BLOCK_TABLE:
		r->table.active = false;
		table_emit(r);
		table_free(&r->table);
		block_end(r);
		break;
	case MD_BLOCK_TR: {
		struct table *t = &r->table;
		while (t->col < t->cols) {
			on_enter_block(MD_BLOCK_TD, &(MD_BLOCK_TD_DETAIL){MD_ALIGN_DEFAULT}, r);
			r->sink = r->doc;
		}
		break;
	}
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		r->sink = r->doc;
		break;
	}
	return 0;
}

static void push_style(struct render *r, unsigned add)
{
	if (r->nstyles < MAX_DEPTH)
		r->styles[r->nstyles] = r->style;
	r->nstyles++;
	r->style |= add;
}

static void pop_style(struct render *r)
{
	if (r->nstyles > 0 && --r->nstyles < MAX_DEPTH)
		r->style = r->styles[r->nstyles];
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *user)
{
	struct render *r = user;
	switch (type) {
	case MD_SPAN_EM:
		push_style(r, STYLE_ITALIC);
		break;
	case MD_SPAN_STRONG:
		push_style(r, STYLE_BOLD);
		break;
	case MD_SPAN_CODE:
		push_style(r, STYLE_CODE);
		break;
	case MD_SPAN_DEL:
		push_style(r, STYLE_STRIKE);
		break;
	case MD_SPAN_A: {
		MD_SPAN_A_DETAIL *a = detail;
		push_style(r, STYLE_LINK);
		free(r->link_href);
		/* md4c gives a NULL text for an empty target, as in "[link]()". */
		r->link_href = a->href.size ? xstrndup(a->href.text, a->href.size) : xstrdup("");
		r->link_start = r->sink->text.len;
		break;
	}
	case MD_SPAN_IMG:
		push_style(r, STYLE_ITALIC);
		content(r, "[image: ", strlen("[image: "));
		break;
	default:
		push_style(r, 0);
		break;
	}
	return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *user)
{
	(void)detail;
	struct render *r = user;
	if (type == MD_SPAN_IMG)
		content(r, "]", 1);
	pop_style(r);
	if (type == MD_SPAN_A && r->link_href != NULL) {
		const char *h = r->link_href;
		size_t start =
		    r->link_start <= r->sink->text.len ? r->link_start : r->sink->text.len;
		const char *shown = r->sink->text.data ? r->sink->text.data + start : "";
		size_t n = r->sink->text.len - start;
		bool same = (strlen(h) == n && memcmp(h, shown, n) == 0) ||
		            (strncmp(h, "mailto:", 7) == 0 && strlen(h + 7) == n &&
		             memcmp(h + 7, shown, n) == 0);
		if (!same && h[0] != '\0') {
			content_styled(r, " (", 2, STYLE_URL, 0, 0);
			content_styled(r, h, strlen(h), STYLE_URL, 0, 0);
			content_styled(r, ")", 1, STYLE_URL, 0, 0);
		}
		free(r->link_href);
		r->link_href = NULL;
	}
	return 0;
}

/* The text of an entity, into out (at least 5 bytes); the raw entity when unknown. */
static size_t entity_decode(const char *s, size_t n, char *out, const char **use)
{
	static const struct {
		const char *name, *text;
	} named[] = {{"&amp;", "&"},    {"&lt;", "<"},        {"&gt;", ">"},    {"&quot;", "\""},
	             {"&apos;", "'"},   {"&nbsp;", "\u00a0"}, {"&mdash;", "—"}, {"&ndash;", "–"},
	             {"&hellip;", "…"}, {"&copy;", "©"}};
	for (size_t i = 0; i < ARRAY_LEN(named); i++)
		if (strlen(named[i].name) == n && memcmp(named[i].name, s, n) == 0) {
			*use = named[i].text;
			return strlen(named[i].text);
		}
	if (n > 3 && s[1] == '#') {
		unsigned long v = 0;
		bool hex = s[2] == 'x' || s[2] == 'X';
		for (size_t i = hex ? 3 : 2; i + 1 < n; i++) {
			char c = s[i];
			int d = c >= '0' && c <= '9'          ? c - '0'
			        : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
			        : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
			                                      : -1;
			if (d < 0 || v > 0x10FFFF)
				break;
			v = v * (hex ? 16 : 10) + (unsigned long)d;
		}
		if (v == 0 || v < 0x20 || (v >= 0x7F && v < 0xA0))
			v = UTF8_REPLACEMENT;
		*use = out;
		return utf8_encode((uint32_t)v, out);
	}
	*use = s;
	return n;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *user)
{
	struct render *r = user;
	switch (type) {
	case MD_TEXT_NULLCHAR:
		content(r, "\uFFFD", strlen("\uFFFD"));
		break;
	case MD_TEXT_BR:
		if (r->sink == r->doc)
			hard_newline(r);
		else
			content(r, " ", 1);
		break;
	case MD_TEXT_SOFTBR:
		content(r, " ", 1);
		break;
	case MD_TEXT_ENTITY: {
		char tmp[8];
		const char *use;
		size_t n = entity_decode(text, size, tmp, &use);
		content(r, use, n);
		break;
	}
	case MD_TEXT_CODE:
		if (!r->in_code) {
			content(r, text, size);
			break;
		}
		/* Code block lines: verbatim, tabs as spaces, '\n' ends a line. */
		for (size_t i = 0; i < size;) {
			size_t j = i;
			while (j < size && text[j] != '\n' && text[j] != '\t')
				j++;
			content(r, text + i, j - i);
			if (j < size && text[j] == '\t')
				content(r, "    ", 4);
			else if (j < size)
				hard_newline(r);
			i = j < size ? j + 1 : j;
		}
		break;
	default:
		content(r, text, size);
		break;
	}
	return 0;
}

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
	out_init(&m->doc);
	m->markdown = markdown;
	return m;
}

void md_free(struct md *m)
{
	if (m == NULL)
		return;
	out_free(&m->doc);
	free(m);
}

void md_reset(struct md *m)
{
	bool markdown = m->markdown;
	out_free(&m->doc);
	memset(m, 0, sizeof(*m));
	out_init(&m->doc);
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
	    .enter_block = on_enter_block,
	    .leave_block = on_leave_block,
	    .enter_span = on_enter_span,
	    .leave_span = on_leave_span,
	    .text = on_text,
	};
	/*
	 * md4c 0.4.8 reads the byte after the input (a link destination cut
	 * off at the end crashes it), so it gets a NUL-terminated copy.
	 */
	char *copy = xstrndup(src, n);
	md_parse(copy, (MD_SIZE)n, &p, &r);
	free(copy);
	table_free(&r.table);
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
		out_emit(&m->doc, src + m->src_len, n - m->src_len, 0, 0, 0);
		m->src_len = n;
		return m->stable;
	}
	m->stable = m->committed_len;
	size_t split;
	while ((split = next_split(m, src, n)) != 0) {
		out_truncate(&m->doc, m->committed_len, m->committed_spans);
		render_segment(m, src + m->seg_src, split - m->seg_src);
		m->committed_len = m->doc.text.len;
		m->committed_spans = m->doc.n;
		m->seg_src = split;
	}
	out_truncate(&m->doc, m->committed_len, m->committed_spans);
	render_segment(m, src + m->seg_src, n - m->seg_src);
	m->src_len = n;
	return m->stable;
}

const char *md_text(const struct md *m)
{
	return m->doc.text.data ? m->doc.text.data : "";
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
