/*
 * history.c: the history pane. Each message keeps its own render cache:
 * the sanitised source, the markdown renderer and the wrap cache at the
 * current width. A streaming token extends the source, markdown re-renders
 * only its last block and the wrapper re-wraps only from there. The view
 * is an anchor (message, row) when scrolled, so new text below never
 * moves what the reader is looking at; following, it is rebuilt from the
 * bottom each draw.
 */
#include "history.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jarvis/buf.h"
#include "jarvis/grounding.h"
#include "jarvis/markdown.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "jarvis/wrap.h"

#include "draw.h"
#include "preview.h"
#include "rtl.h"

/* One rendered text: its sanitised source, the markdown renderer, the wrap cache. */
struct render {
	size_t src_len; /* bytes of the source already sanitised into clean */
	struct buf clean;
	struct md *md;
	struct wrap_cache *wc;
};

/* An image the model sent, drawn in place of body rows [row, row + nrows): its note. */
struct place {
	size_t pic;        /* which of the message's pictures (preview.h) */
	size_t row, nrows; /* the note's rows, in the body's rows on screen */
};

struct hist_item {
	const struct msg *msg;
	unsigned generation;
	struct render body;     /* msg->text (for a grounded answer: display) */
	struct buf display;     /* a grounded answer with its markers and Sources */
	struct render thoughts; /* msg->thoughts, drawn dim when the block is open */
	struct pictures *pics;  /* its images: the model's in place of their notes, others under */
	struct place *places;   /* where the model's images go in the body, in order */
	size_t nplaces;
	unsigned places_generation; /* what places were found for */
	int places_width;
	size_t places_pics;
	bool places_found;
	int width;
	bool open;  /* the thoughts block was drawn open */
	bool fresh; /* never rendered */
};

struct hist {
	struct hist_item *items;
	size_t n;
	size_t cap;
	bool markdown;
	bool hyperlinks;    /* links as OSC 8 hyperlinks: their text alone, clickable */
	bool strike;        /* strikethrough drawn as such (SGR 9) */
	bool thoughts_open; /* thought summaries shown in full, not as one line */
	bool images;        /* images previewed ([ui] images), not only named */
	int view_height;    /* the rows hist_draw fills */
	bool following;
	size_t anchor_msg; /* when not following: the top row of the view */
	size_t anchor_row;
	size_t below;
	unsigned epoch;
	int hscroll;     /* code lines are drawn from this column of their content */
	int hscroll_max; /* the most any code line drawn last was cut by */
};

struct hist *hist_new(bool markdown)
{
	struct hist *h = xcalloc(1, sizeof(*h));
	h->markdown = markdown;
	h->following = true;
	return h;
}

void hist_set_terminal(struct hist *h, bool hyperlinks, bool strike)
{
	h->hyperlinks = hyperlinks;
	h->strike = strike;
}

void hist_show_images(struct hist *h, bool on)
{
	h->images = on;
}

static void render_init(struct render *r, bool markdown, bool hyperlinks)
{
	r->src_len = 0;
	buf_init(&r->clean, BUF_TEXT_MAX);
	r->md = md_new(markdown);
	md_set_hyperlinks(r->md, hyperlinks);
	md_set_lazy_tables(r->md, true); /* a long table costs what is drawn of it */
	r->wc = wrap_cache_new();
}

static void render_release(struct render *r)
{
	buf_release(&r->clean);
	md_free(r->md);
	wrap_cache_free(r->wc);
}

static void item_release(struct hist_item *it)
{
	render_release(&it->body);
	render_release(&it->thoughts);
	buf_release(&it->display);
	pictures_free(it->pics);
	free(it->places);
	memset(it, 0, sizeof(*it));
}

static void item_init(struct hist *h, struct hist_item *it, const struct msg *m)
{
	memset(it, 0, sizeof(*it));
	it->msg = m;
	render_init(&it->body, h->markdown && m->role == ROLE_MODEL, h->hyperlinks);
	buf_init(&it->display, BUF_TEXT_MAX);
	render_init(&it->thoughts, h->markdown && m->role == ROLE_MODEL, h->hyperlinks);
	it->pics = pictures_new();
	it->fresh = true;
}

void hist_free(struct hist *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++)
		item_release(&h->items[i]);
	free(h->items);
	free(h);
}

void hist_sync(struct hist *h, const struct conv *c, unsigned epoch)
{
	if (epoch != h->epoch) {
		/* Messages were freed: a pointer may now name a different message. */
		for (size_t i = 0; i < h->n; i++)
			item_release(&h->items[i]);
		h->n = 0;
		h->epoch = epoch;
		h->hscroll = 0;
	}
	if (h->cap < c->n) {
		h->cap = c->n + 64;
		h->items = xrealloc(h->items, h->cap * sizeof(*h->items));
	}
	size_t keep = 0;
	while (keep < h->n && keep < c->n && h->items[keep].msg == c->msgs[keep])
		keep++;
	for (size_t i = keep; i < h->n; i++)
		item_release(&h->items[i]);
	for (size_t i = keep; i < c->n; i++)
		item_init(h, &h->items[i], c->msgs[i]);
	h->n = c->n;
	if (h->anchor_msg >= h->n) {
		h->following = true;
		h->anchor_msg = 0;
		h->anchor_row = 0;
	}
}

/* Forgets what was rendered: the next update starts from the source's start. */
static void render_reset(struct render *r)
{
	md_reset(r->md);
	buf_reset(&r->clean);
	r->src_len = 0;
	wrap_cache_invalidate(r->wc);
}

/*
 * Brings one rendered text up to date with its source: a source that grew
 * extends it (markdown re-renders its last block only), one that shrank
 * starts it again. final: the source is complete (rendered exactly).
 */
static void render_update(struct render *r, const struct buf *src, int width, bool final)
{
	if (src->len < r->src_len)
		render_reset(r);
	if (src->len > r->src_len) {
		char *clean = utf8_sanitize(src->data + r->src_len, src->len - r->src_len);
		buf_addstr(&r->clean, clean);
		free(clean);
		r->src_len = src->len;
	}
	size_t stable = final ? md_finish(r->md, r->clean.data, r->clean.len)
	                      : md_update(r->md, r->clean.data, r->clean.len);
	size_t nspans = 0;
	const struct span *spans = md_spans(r->md, &nspans);
	wrap_cache_update(r->wc, md_text(r->md), md_len(r->md), spans, nspans, stable, width);
}

/*
 * The wrap row of table t's placeholder line (lazy tables: one row in the
 * wrap cache that stands for the table's lines), or SIZE_MAX.
 */
static size_t table_row(const struct render *rd, size_t t)
{
	size_t off = md_table_off(rd->md, t), lo = 0, hi = wrap_cache_nrows(rd->wc);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (wrap_cache_row(rd->wc, mid)->off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < wrap_cache_nrows(rd->wc) && wrap_cache_row(rd->wc, lo)->off == off ? lo
	                                                                               : SIZE_MAX;
}

/* Screen rows of a rendered text: its wrapped rows, each table's placeholder as its lines. */
static size_t render_rows(const struct render *rd, int width)
{
	size_t rows = wrap_cache_nrows(rd->wc);
	for (size_t t = 0; t < md_ntables(rd->md); t++)
		if (table_row(rd, t) != SIZE_MAX)
			rows += md_table_height(rd->md, t, width) - 1;
	return rows;
}

/*
 * Where screen row r of a rendered text is: a wrap row (*table SIZE_MAX)
 * or line *row of table *table.
 */
static void render_locate(const struct render *rd, size_t r, int width, size_t *table, size_t *row)
{
	size_t adj = 0; /* screen rows the tables before add */
	for (size_t t = 0; t < md_ntables(rd->md); t++) {
		size_t p = table_row(rd, t);
		if (p == SIZE_MAX)
			continue;
		size_t h = md_table_height(rd->md, t, width);
		if (r < p + adj)
			break;
		if (r < p + adj + h) {
			*table = t;
			*row = r - p - adj;
			return;
		}
		adj += h - 1;
	}
	*table = SIZE_MAX;
	*row = r - adj;
}

/* The screen row of wrap row w: the tables above it take their lines. */
static size_t render_screen_row(const struct render *rd, size_t w, int width)
{
	size_t r = w;
	for (size_t t = 0; t < md_ntables(rd->md); t++) {
		size_t p = table_row(rd, t);
		if (p != SIZE_MAX && p < w)
			r += md_table_height(rd->md, t, width) - 1;
	}
	return r;
}

/* Brings a message's rows up to date for this width; returns its body rows. */
static size_t item_update(struct hist *h, struct hist_item *it, int width)
{
	const struct msg *m = it->msg;
	int body = width - 2 > 1 ? width - 2 : 1;
	if (!it->fresh && it->generation == m->generation && it->width == body &&
	    it->open == h->thoughts_open)
		return render_rows(&it->body, body);
	bool final = m->status != MSG_STREAMING;
	if (m->grounding != NULL && final) {
		/* Markers go inside the text: rendered afresh, not extended. */
		buf_reset(&it->display);
		grounding_render(m->text.data, m->text.len, m->grounding, &it->display);
		render_reset(&it->body);
		render_update(&it->body, &it->display, body, final);
	} else {
		render_update(&it->body, &m->text, body, final);
	}
	if (h->thoughts_open && m->thoughts.len > 0)
		render_update(&it->thoughts, &m->thoughts, body > 3 ? body - 2 : body, final);
	it->generation = m->generation;
	it->width = body;
	it->open = h->thoughts_open;
	it->fresh = false;
	return render_rows(&it->body, body);
}

/* Rows of the thoughts block: its one line, and the summary itself when open. */
static size_t thought_rows(const struct hist_item *it)
{
	if (it->msg->thoughts.len == 0)
		return 0;
	return 1 + (it->open ? wrap_cache_nrows(it->thoughts.wc) : 0);
}

/* The body's rows as drawn: a message with no text shows "…" while it streams. */
static size_t body_rows(const struct hist_item *it)
{
	const struct msg *m = it->msg;
	if (m->role != ROLE_NOTICE && m->text.len == 0 && m->thoughts.len == 0)
		return m->status == MSG_STREAMING ? 1 : 0;
	return render_rows(&it->body, it->width > 1 ? it->width : 1); /* as item_update made them */
}

/* The columns an image may take: the body's, from column 1. */
static int picture_width(int width)
{
	return width - 2 > 1 ? width - 2 : 1;
}

/* Whether the body's rendered line at off is the note for an image of type mime. */
static bool is_note(const char *text, size_t len, size_t off, const char *mime)
{
	size_t pre = strlen(MSG_IMAGE_NOTE), n = strlen(mime);
	return off + pre + n + 1 <= len && memcmp(text + off, MSG_IMAGE_NOTE, pre) == 0 &&
	       memcmp(text + off + pre, mime, n) == 0 && text[off + pre + n] == ',';
}

/*
 * Finds where the model's images go: each in place of the rows of its note
 * in the body ("[image from the model: TYPE, N KiB]", the k-th image's the
 * k-th note of its type), so it is named once, where it came in the answer.
 * An image whose note is not found (an attachment, text cut short) goes
 * under the body.
 */
static void find_places(struct hist_item *it)
{
	const struct msg *m = it->msg;
	size_t npics = pictures_count(it->pics);
	if (it->places_found && it->places_generation == m->generation &&
	    it->places_width == it->width && it->places_pics == npics)
		return;
	it->places_found = true;
	it->places_generation = m->generation;
	it->places_width = it->width;
	it->places_pics = npics;
	it->nplaces = 0;
	size_t pic = 0;
	while (pic < npics && pictures_model_mime(it->pics, pic) == NULL)
		pic++;
	if (pic == npics || m->role != ROLE_MODEL || m->text.len == 0)
		return;
	const char *text = md_text(it->body.md);
	size_t len = md_len(it->body.md), rows = wrap_cache_nrows(it->body.wc);
	for (size_t r = 0; r < rows && pic < npics; r++) {
		const struct wrap_row *row = wrap_cache_row(it->body.wc, r);
		if (row->cont || row->nowrap ||
		    !is_note(text, len, row->line, pictures_model_mime(it->pics, pic)))
			continue;
		size_t end = r + 1;
		while (end < rows && wrap_cache_row(it->body.wc, end)->cont)
			end++;
		/* A place is in screen rows, as the body is drawn: a table above
		 * the note is one wrap row but all its lines on screen. */
		it->places = xrealloc(it->places, (it->nplaces + 1) * sizeof *it->places);
		it->places[it->nplaces++] =
		    (struct place){pic, render_screen_row(&it->body, r, it->width), end - r};
		r = end - 1;
		do
			pic++;
		while (pic < npics && pictures_model_mime(it->pics, pic) == NULL);
	}
}

/* Whether picture i has its place in the body. */
static bool placed(const struct hist_item *it, size_t i)
{
	for (size_t k = 0; k < it->nplaces; k++)
		if (it->places[k].pic == i)
			return true;
	return false;
}

/* The rows of the body with the model's images in place of their notes, and the others after. */
static size_t content_rows(const struct hist_item *it)
{
	size_t rows = body_rows(it);
	for (size_t k = 0; k < it->nplaces; k++)
		rows -= it->places[k].nrows;
	for (size_t i = 0; i < pictures_count(it->pics); i++)
		rows += pictures_rows_of(it->pics, i);
	return rows;
}

/*
 * Rows a message takes: header, thoughts, body with its images, blank line
 * after. Notices have no header.
 */
static size_t item_rows(struct hist *h, struct hist_item *it, int width)
{
	size_t body = item_update(h, it, width);
	if (it->msg->role == ROLE_NOTICE)
		return body + 1;
	pictures_rows(it->pics, it->msg, picture_width(width), h->images);
	find_places(it);
	return 1 + thought_rows(it) + content_rows(it) + 1;
}

/*
 * Heading levels look different, with colour or without: 1 bold and
 * underlined, 2 bold, 3 bold italic, 4 to 6 italic; 1 and 2 in the
 * heading colour.
 */
static attr_t heading_attr(unsigned level)
{
	switch (level) {
	case 1:
		return A_BOLD | A_UNDERLINE | tui_pair_attr(PAIR_HEADING);
	case 2:
		return A_BOLD | tui_pair_attr(PAIR_HEADING);
	case 3:
		return A_BOLD | A_ITALIC;
	default:
		return A_ITALIC;
	}
}

/* Code: a token of a coloured block in its class's look, the rest in the code colour. */
static attr_t code_attr(unsigned style, unsigned level)
{
	attr_t a = style & STYLE_CODE_BLOCK ? tui_syntax_attr(level) : 0;
	return a != 0 ? a : tui_pair_attr(PAIR_CODE);
}

static attr_t style_attr(unsigned style, unsigned level, bool strike)
{
	attr_t a = A_NORMAL;
	if ((style & STYLE_BOLD) && !(style & STYLE_HEADING)) /* a heading's level decides */
		a |= A_BOLD;
	if (style & STYLE_ITALIC)
		a |= A_ITALIC;
	if (style & STYLE_HEADING)
		a |= heading_attr(level);
	if (style & (STYLE_CODE | STYLE_CODE_BLOCK))
		a |= code_attr(style, level);
	if (style & STYLE_LINK)
		a |= A_UNDERLINE | tui_pair_attr(PAIR_LINK);
	if (style & (STYLE_URL | STYLE_QUOTE | STYLE_RULE | STYLE_TABLE))
		a |= A_DIM;
	if ((style & STYLE_STRIKE) && !strike)
		a |= A_DIM; /* where it cannot be struck through */
	if (style & STYLE_MARKER)
		a |= tui_pair_attr(PAIR_MODEL);
	if (style & STYLE_LABEL)
		a |= A_DIM | A_ITALIC;
	return a;
}

static attr_t piece_attr(const struct wrap_piece *p, void *ud)
{
	return *(const attr_t *)ud | style_attr(p->style, p->level, false);
}

/* The target of the link whose text holds offset off, or NULL. */
static const char *link_at(const struct render *rd, size_t off)
{
	size_t n;
	const struct md_link *l = md_links(rd->md, &n);
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l[mid].off + l[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && l[lo].off <= off ? l[lo].href : NULL;
}

/*
 * Draws text[0..n) of a piece from content column skip on (a wide cluster
 * cut by the left edge shows as blanks), at most room columns; returns
 * the columns drawn.
 */
static int put_from(WINDOW *w, const char *s, size_t n, int skip, int room, attr_t a)
{
	size_t off = 0;
	int x = 0, col = 0;
	while (off < n && x < skip) {
		size_t next = utf8_cluster_next(s, n, off);
		x += utf8_cluster_width(s, n, off, next);
		off = next;
	}
	for (; x > skip && col < room; x--, col++) /* the part of a wide cluster past the edge */
		tui_fill(w, 1, a);
	return col + tui_put(w, s + off, n - off, room - col, a);
}

/*
 * A code line (a SPAN_NOWRAP row): its prefix, then its content from column
 * h->hscroll, cut before column end with a dim "→" there when more follows
 * and a dim "←" just before it when the start is scrolled out of view.
 */
static void draw_code_row(struct hist *h, WINDOW *w, struct render *rd, const struct wrap_row *row,
                          const struct wrap_piece *pieces, int col, int end, attr_t base)
{
	const char *text = md_text(rd->md);
	int y = getcury(w), prefix = 0;
	size_t i = 0;
	wmove(w, y, col);
	for (; i < row->npieces && !(pieces[i].style & STYLE_CODE_BLOCK); i++) {
		const struct wrap_piece *p = &pieces[i];
		if (p->kind == WRAP_PIECE_TEXT)
			tui_put(w, text + p->off, p->len, end - col - prefix,
			        base | style_attr(p->style, p->level, h->strike));
		else
			tui_fill(w, p->width < end - col - prefix ? p->width : end - col - prefix,
			         A_NORMAL);
		prefix += p->width;
	}
	int c0 = col + prefix, room = end - c0, content = row->width - prefix;
	/* Blanks at the line's end are nothing to scroll to. */
	for (size_t e = row->off + row->len; e > row->off && text[e - 1] == ' ' && content > 0; e--)
		content--;
	if (room < 1)
		return;
	if (content - room > h->hscroll_max)
		h->hscroll_max = content - room;
	int skip = h->hscroll, x = 0, drawn = 0;
	for (; i < row->npieces && drawn < room; i++) {
		const struct wrap_piece *p = &pieces[i];
		if (x + p->width > skip)
			drawn += put_from(w, text + p->off, p->len, skip > x ? skip - x : 0,
			                  room - drawn,
			                  base | style_attr(p->style, p->level, h->strike));
		x += p->width;
	}
	if (content - skip > room)
		tui_put_at(w, y, end, 1, "→", A_DIM);
	if (skip > 0 && content > 0 && prefix > 0)
		tui_put_at(w, y, c0 - 1, 1, "←", A_DIM);
}

/* Row r of a rendered text from column col, every piece with base added. */
static void draw_render_row(struct hist *h, WINDOW *w, struct render *rd, size_t r, int col,
                            int width, attr_t base)
{
	const struct wrap_row *row = wrap_cache_row(rd->wc, r);
	const struct wrap_piece *pieces = wrap_cache_pieces(rd->wc, row);
	const char *text = md_text(rd->md);
	if (row->nowrap) {
		/* Rows were wrapped at width - 1 - col: the last column is the marker's. */
		draw_code_row(h, w, rd, row, pieces, col, width - 1, base);
		return;
	}
	if (tui_rtl_row(w, text, md_len(rd->md), row, pieces, width, piece_attr, &base))
		return;
	wmove(w, getcury(w), col);
	for (size_t i = 0; i < row->npieces && col < width; i++) {
		const struct wrap_piece *p = &pieces[i];
		attr_t a = base | style_attr(p->style, p->level, h->strike);
		if (p->kind == WRAP_PIECE_BLANK) {
			for (int k = 0; k < p->width && col < width; k++, col++)
				waddch(w, ' ');
		} else if (p->kind == WRAP_PIECE_FILL) {
			for (int k = 0; k < p->width && col < width; k++)
				col += tui_put(w, text + p->off, p->len, width - col, a);
		} else {
			bool strike = h->strike && (p->style & STYLE_STRIKE);
			const char *url = (p->style & STYLE_LINK) ? link_at(rd, p->off) : NULL;
			col += tui_put_decorated(w, text + p->off, p->len, width - col, a, strike,
			                         url);
		}
	}
}

static void draw_body_row(struct hist *h, WINDOW *w, struct hist_item *it, size_t r, int width)
{
	attr_t base =
	    it->msg->role == ROLE_NOTICE ? (A_DIM | tui_pair_attr(PAIR_NOTICE)) : A_NORMAL;
	int body = width - 2 > 1 ? width - 2 : 1;
	size_t t, row;
	render_locate(&it->body, r, body, &t, &row);
	if (t == SIZE_MAX) {
		draw_render_row(h, w, &it->body, row, 1, width, base);
		return;
	}
	/* A table's line: its row as laid out for this width (the renderer keeps the rows on
	 * screen). */
	const struct buf *src = &it->body.clean;
	struct render lines;
	memset(&lines, 0, sizeof(lines));
	size_t first =
	    md_table_lines(it->body.md, t, src->data, src->len, body, row, &lines.md, &lines.wc);
	if (row - first < wrap_cache_nrows(lines.wc))
		draw_render_row(h, w, &lines, row - first, 1, width, base);
}

/* The thoughts block's line: what it is, how long, and how to open or close it. */
static void draw_thoughts_line(WINDOW *w, const struct hist_item *it, int width)
{
	const struct msg *m = it->msg;
	bool thinking = m->status == MSG_STREAMING && m->text.len == 0;
	char *t = it->open ? xasprintf("▾ thoughts, %zu characters; not part of the answer "
	                               "(Ctrl-T or /thoughts hides them)",
	                               m->thoughts.len)
	                   : xasprintf("▸ %s for %zu characters; not part of the answer "
	                               "(Ctrl-T or /thoughts shows them)",
	                               thinking ? "thinking" : "thought", m->thoughts.len);
	wmove(w, getcury(w), 1);
	tui_put(w, t, strlen(t), width - 1, A_DIM | A_ITALIC);
	free(t);
}

static void draw_header(WINDOW *w, const struct msg *m, int width)
{
	int col = 1;
	wmove(w, getcury(w), col);
	if (m->role == ROLE_USER) {
		col += tui_put(w, "you", 3, width - col, A_BOLD | tui_pair_attr(PAIR_USER));
	} else {
		const char *name = m->model ? m->model : "gemini";
		col +=
		    tui_put(w, name, strlen(name), width - col, A_BOLD | tui_pair_attr(PAIR_MODEL));
	}
	/* The time, with the date when it is not today. */
	char when[40] = " · ";
	when_short(m->created_ms, wall_ms(), when + strlen(when), sizeof when - strlen(when));
	if (strlen(when) > strlen(" · "))
		col += tui_put(w, when, strlen(when), width - col, A_DIM);
	const char *mark = NULL;
	enum tui_pair pair = PAIR_WARN;
	switch (m->status) {
	case MSG_STREAMING:
		mark = " · streaming";
		pair = PAIR_DIM;
		break;
	case MSG_INTERRUPTED:
		mark = " · interrupted";
		break;
	case MSG_ERROR:
		mark = " · error";
		pair = PAIR_ERROR;
		break;
	case MSG_BLOCKED:
		mark = " · blocked";
		pair = PAIR_ERROR;
		break;
	case MSG_REPLACED:
		mark = " · replaced";
		break;
	case MSG_TAMPERED:
		mark = " · tampered";
		pair = PAIR_ERROR;
		break;
	case MSG_COMPLETE:
		if (m->finish_reason != NULL && strcmp(m->finish_reason, "MAX_TOKENS") == 0)
			mark = " · cut at the token limit";
		break;
	}
	if (mark != NULL)
		col += tui_put(w, mark, strlen(mark), width - col, A_BOLD | tui_pair_attr(pair));
	if (m->feedback != 0) {
		const char *f = m->feedback > 0 ? " · liked" : " · disliked";
		col += tui_put(w, f, strlen(f), width - col, A_DIM);
	}
	/* Images have their own lines under the message (preview.c); other files are named here. */
	for (size_t i = 0; i < m->nimages && col < width; i++) {
		if (m->images[i].mime != NULL && strncmp(m->images[i].mime, "image/", 6) == 0)
			continue;
		char *img = xasprintf(" [%s, %s, %zu KiB]", m->images[i].name, m->images[i].mime,
		                      (m->images[i].size + 1023) / 1024);
		col += tui_put(w, img, strlen(img), width - col, tui_pair_attr(PAIR_LINK));
		free(img);
	}
}

/* Draws row r of message i at the current line. */
static void draw_row(struct hist *h, WINDOW *w, struct hist_item *it, size_t r, int width)
{
	const struct msg *m = it->msg;
	size_t body = render_rows(&it->body, width - 2 > 1 ? width - 2 : 1);
	if (m->role == ROLE_NOTICE) {
		if (r < body)
			draw_body_row(h, w, it, r, width);
		return;
	}
	if (r == 0) {
		draw_header(w, m, width);
		return;
	}
	r--;
	size_t thoughts = thought_rows(it);
	if (r < thoughts) {
		if (r == 0)
			draw_thoughts_line(w, it, width);
		else
			draw_render_row(h, w, &it->thoughts, r - 1, 3, width, A_DIM);
		return;
	}
	r -= thoughts;
	int pic_end = 1 + picture_width(width);
	size_t shown = body_rows(it);
	if (m->text.len == 0 && r < shown) {
		if (r == 0 && m->status == MSG_STREAMING) {
			wmove(w, getcury(w), 1);
			tui_put(w, "…", strlen("…"), width - 1, A_DIM);
		}
		return;
	}
	/* The body, each image the model sent in place of its note. */
	size_t from = 0;
	for (size_t k = 0; k < it->nplaces && m->text.len > 0; k++) {
		const struct place *p = &it->places[k];
		if (r < p->row - from) {
			draw_body_row(h, w, it, from + r, width);
			return;
		}
		r -= p->row - from;
		size_t rows = pictures_rows_of(it->pics, p->pic);
		if (r < rows) {
			pictures_draw_row(it->pics, p->pic, w, r, 1, pic_end, h->view_height);
			return;
		}
		r -= rows;
		from = p->row + p->nrows;
	}
	if (from + r < shown) {
		if (from + r < body)
			draw_body_row(h, w, it, from + r, width);
		return;
	}
	r -= shown > from ? shown - from : 0;
	/* The images that have no place in it, under it. */
	for (size_t i = 0; i < pictures_count(it->pics); i++) {
		if (placed(it, i))
			continue;
		size_t rows = pictures_rows_of(it->pics, i);
		if (r < rows) {
			pictures_draw_row(it->pics, i, w, r, 1, pic_end, h->view_height);
			return;
		}
		r -= rows;
	}
}

void hist_scroll(struct hist *h, const struct conv *c, int rows, int height, int width)
{
	if (h->n == 0)
		return;
	if (h->following) {
		/* Start from the top row of the view as drawn from the bottom. */
		size_t i = h->n - 1;
		long need = height;
		size_t r = item_rows(h, &h->items[i], width);
		while ((long)r < need && i > 0) {
			need -= (long)r;
			r = item_rows(h, &h->items[--i], width);
		}
		h->anchor_msg = i;
		h->anchor_row = (long)r > need ? r - (size_t)need : 0;
		h->following = false;
	}
	if (rows < 0) {
		size_t up = (size_t)-rows;
		while (up > 0) {
			if (h->anchor_row >= up) {
				h->anchor_row -= up;
				break;
			}
			up -= h->anchor_row;
			if (h->anchor_msg == 0) {
				h->anchor_row = 0;
				break;
			}
			h->anchor_msg--;
			h->anchor_row = item_rows(h, &h->items[h->anchor_msg], width);
		}
	} else {
		size_t down = (size_t)rows;
		while (down > 0) {
			size_t n = item_rows(h, &h->items[h->anchor_msg], width);
			if (h->anchor_row + down < n) {
				h->anchor_row += down;
				break;
			}
			down -= n - h->anchor_row;
			if (h->anchor_msg + 1 >= h->n) {
				h->following = true;
				break;
			}
			h->anchor_msg++;
			h->anchor_row = 0;
		}
	}
	/* Within a screen of the end: follow again. */
	if (!h->following) {
		size_t rest = item_rows(h, &h->items[h->anchor_msg], width) - h->anchor_row;
		for (size_t i = h->anchor_msg + 1; i < h->n && rest <= (size_t)height; i++)
			rest += item_rows(h, &h->items[i], width);
		if (rest <= (size_t)height)
			h->following = true;
	}
}

void hist_follow(struct hist *h)
{
	h->following = true;
}

void hist_top(struct hist *h)
{
	if (h->n == 0)
		return;
	h->following = false;
	h->anchor_msg = 0;
	h->anchor_row = 0;
}

bool hist_at_top(const struct hist *h)
{
	return h->n == 0 || (!h->following && h->anchor_msg == 0 && h->anchor_row == 0);
}

void hist_shift(struct hist *h, size_t n)
{
	/* Messages came in front: the one being read moved down by n. */
	if (!h->following)
		h->anchor_msg += n;
}

bool hist_following(const struct hist *h)
{
	return h->following;
}

size_t hist_below(const struct hist *h)
{
	return h->following ? 0 : h->below;
}

void hist_draw(struct hist *h, WINDOW *w, const struct conv *c, int height, int width)
{
	werase(w);
	h->hscroll_max = 0;
	h->view_height = height;
	tui_image_pairs_frame();
	if (h->n == 0 || height <= 0)
		return;
	size_t i, r;
	if (h->following) {
		/* Walk up from the end to find the top row of a full screen. */
		i = h->n - 1;
		long need = height;
		size_t rows = item_rows(h, &h->items[i], width);
		while ((long)rows < need && i > 0) {
			need -= (long)rows;
			rows = item_rows(h, &h->items[--i], width);
		}
		r = (long)rows > need ? rows - (size_t)need : 0;
	} else {
		i = h->anchor_msg;
		r = h->anchor_row;
	}
	int y = 0;
	while (y < height && i < h->n) {
		struct hist_item *it = &h->items[i];
		size_t rows = item_rows(h, it, width);
		for (; r < rows && y < height; r++, y++) {
			wmove(w, y, 0);
			draw_row(h, w, it, r, width);
		}
		if (r >= rows) {
			i++;
			r = 0;
		}
	}
	/* What is left below the view, for the "N more lines" marker. */
	size_t below = 0;
	if (!h->following && i < h->n) {
		below = item_rows(h, &h->items[i], width) - r;
		for (size_t k = i + 1; k < h->n; k++)
			below += item_rows(h, &h->items[k], width);
	}
	h->below = below;
}

bool hist_hscroll(struct hist *h, int dir, int width)
{
	int step = width / 2 > 8 ? width / 2 : 8;
	int max = h->hscroll_max > 0 ? h->hscroll_max : 0;
	int was = h->hscroll;
	if (h->hscroll > max)
		h->hscroll = max;
	if (dir > 0)
		h->hscroll = h->hscroll + step < max ? h->hscroll + step : max;
	else
		h->hscroll = h->hscroll > step ? h->hscroll - step : 0;
	return h->hscroll != was;
}

int hist_hscrolled(const struct hist *h)
{
	return h->hscroll;
}

void hist_show_thoughts(struct hist *h, bool open)
{
	h->thoughts_open = open;
}
