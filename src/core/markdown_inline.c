/*
 * markdown_inline.c: what lies inside a block. Spans (emphasis, strong,
 * inline code, strikethrough, links, images) push and pop styles; a
 * link's URL follows its text unless the text is the URL (or, for a
 * terminal with OSC 8 hyperlinks, is recorded instead); images show as
 * "[image: ALT]"; entities are decoded; code block text goes to
 * markdown_code.c, which writes it verbatim, line by line.
 */
#include <md4c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/markdown.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "markdown_internal.h"

static void content(struct render *r, const char *s, size_t n)
{
	mdr_content_styled(r, s, n, r->style, r->level, 0);
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

int mdr_enter_span(MD_SPANTYPE type, void *detail, void *user)
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

int mdr_leave_span(MD_SPANTYPE type, void *detail, void *user)
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
		const char *shown = r->sink->text.data + start;
		size_t n = r->sink->text.len - start;
		bool same = (strlen(h) == n && memcmp(h, shown, n) == 0) ||
		            (strncmp(h, "mailto:", 7) == 0 && strlen(h + 7) == n &&
		             memcmp(h + 7, shown, n) == 0);
		/* A hyperlink carries its URL; in a table cell it is written out. */
		bool hyper = r->hyperlinks && r->sink == r->doc && h[0] != '\0' && n > 0;
		if (hyper)
			mdout_link(r->doc, start, n, h);
		if (!same && !hyper && h[0] != '\0') {
			mdr_content_styled(r, " (", 2, STYLE_URL, 0, 0);
			mdr_content_styled(r, h, strlen(h), STYLE_URL, 0, 0);
			mdr_content_styled(r, ")", 1, STYLE_URL, 0, 0);
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

int mdr_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *user)
{
	struct render *r = user;
	switch (type) {
	case MD_TEXT_NULLCHAR:
		if (r->in_code)
			mdr_code_text(r, "\uFFFD", strlen("\uFFFD"));
		else
			content(r, "\uFFFD", strlen("\uFFFD"));
		break;
	case MD_TEXT_BR:
		if (r->sink == r->doc)
			mdr_hard_newline(r);
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
		mdr_code_text(r, text, size); /* code block lines (markdown_code.c) */
		break;
	default:
		content(r, text, size);
		break;
	}
	return 0;
}
