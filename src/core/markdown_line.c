/*
 * markdown_line.c: what the renderer writes into, below the block, inline
 * and table callbacks that all use it: the styled text being built (struct
 * out) and the current line of a render, with its prefixes (quote bars, a
 * list marker or its hanging indent) and the line breaks it owes. It calls
 * no other file of the renderer, so block and table code can share it
 * without calling each other back.
 */
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/markdown.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "markdown_internal.h"

/* --- the styled text being built ------------------------------------------ */

void mdout_init(struct out *o)
{
	buf_init(&o->text, BUF_TEXT_MAX);
	o->spans = NULL;
	o->n = o->cap = 0;
	o->seal = 0;
	o->links = NULL;
	o->nlinks = o->links_cap = 0;
}

void mdout_release(struct out *o)
{
	buf_release(&o->text);
	free(o->spans);
	for (size_t i = 0; i < o->nlinks; i++)
		free(o->links[i].href);
	free(o->links);
	mdout_init(o);
}

void mdout_link(struct out *o, size_t off, size_t len, const char *href)
{
	if (o->nlinks == o->links_cap) {
		o->links_cap = o->links_cap ? 2 * o->links_cap : 8;
		o->links = xrealloc(o->links, o->links_cap * sizeof(*o->links));
	}
	o->links[o->nlinks++] = (struct md_link){off, len, xstrdup(href)};
}

void mdout_truncate(struct out *o, size_t len, size_t nspans)
{
	buf_truncate(&o->text, len);
	while (o->nlinks > 0 && o->links[o->nlinks - 1].off >= len)
		free(o->links[--o->nlinks].href);
	if (o->nlinks > 0 && o->links[o->nlinks - 1].off + o->links[o->nlinks - 1].len > len)
		o->links[o->nlinks - 1].len = len - o->links[o->nlinks - 1].off;
	o->n = nspans;
	if (o->seal > nspans)
		o->seal = nspans;
	/* The last kept span may have grown past len by merging with later text. */
	if (nspans > 0 && o->spans[nspans - 1].off + o->spans[nspans - 1].len > len)
		o->spans[nspans - 1].len = len - o->spans[nspans - 1].off;
}

void mdout_emit(struct out *o, const char *s, size_t n, unsigned style, unsigned level,
                unsigned flags)
{
	if (n == 0)
		return;
	size_t off = o->text.len;
	buf_add(&o->text, s, n);
	if (o->n > o->seal) {
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

/* --- the current line of a render ----------------------------------------- */

/* Quote bars for an empty line inside quotes. */
static void emit_bars(struct render *r)
{
	for (int i = 0; i < r->ncont; i++)
		if (r->cont[i].kind == CONT_QUOTE && r->cont[i].started)
			mdout_emit(r->doc, "│", strlen("│"), STYLE_QUOTE, 0, SPAN_PREFIX_REPEAT);
}

static void flush_newlines(struct render *r)
{
	if (r->pending_nl > 0 && r->any) {
		mdout_emit(r->doc, "\n", 1, 0, 0, 0);
		for (int i = 1; i < r->pending_nl; i++) {
			emit_bars(r);
			mdout_emit(r->doc, "\n", 1, 0, 0, 0);
		}
	}
	r->pending_nl = 0;
}

/* Opens a line if needed: owed line breaks, then every container's prefix. */
void mdr_open_line(struct render *r)
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
			mdout_emit(r->doc, "│ ", strlen("│ "), STYLE_QUOTE, 0, SPAN_PREFIX_REPEAT);
		} else if (c->kind == CONT_CODE) {
			mdout_emit(r->doc, "  ", 2, 0, 0, SPAN_PREFIX_BLANK);
		} else if (c->marker_pending) {
			mdout_emit(r->doc, c->marker, strlen(c->marker), STYLE_MARKER, 0,
			           SPAN_PREFIX_BLANK);
			c->marker_pending = false;
		} else {
			char sp[16];
			size_t w = utf8_strwidth(c->marker);
			memset(sp, ' ', w);
			mdout_emit(r->doc, sp, w, 0, 0, SPAN_PREFIX_BLANK);
		}
	}
	r->line_open = true;
	r->any = true;
}

/* Text in the current style, to the current cell or line. */
void mdr_content_styled(struct render *r, const char *s, size_t n, unsigned style, unsigned level,
                        unsigned flags)
{
	if (n == 0)
		return;
	if (r->sink != r->doc) {
		mdout_emit(r->sink, s, n, style, level, flags);
		return;
	}
	mdr_open_line(r);
	mdout_emit(r->doc, s, n, style, level, flags);
}

/* Ends the current line; an already empty line becomes a blank one. */
void mdr_hard_newline(struct render *r)
{
	if (r->line_open) {
		r->line_open = false;
		r->pending_nl = 1;
	} else {
		r->pending_nl++;
	}
}
