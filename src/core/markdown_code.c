/*
 * markdown_code.c: the lines of a code block. md4c hands a code line over
 * in pieces (its indentation, the rest, then "\n"); they are gathered here
 * into the whole line, tabs expanded to every fourth column, and the line
 * is written when its '\n' comes (or when the render ends on a line still
 * growing): SPAN_NOWRAP runs, so the wrapper leaves it one row however
 * wide, one run per class the tokenizer (syntax.h) finds in it, the class
 * in the span's level (the state it carries from line to line is the
 * render's). Below the inline callbacks, above markdown_line.c.
 */
#include <stdlib.h>
#include <string.h>

#include "jarvis/markdown.h"
#include "jarvis/syntax.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "markdown_internal.h"

#define TAB_STOP 4

static void line_add(struct render *r, const char *s, size_t n)
{
	if (r->code_len + n + 1 > r->code_cap) {
		size_t cap = r->code_cap ? r->code_cap : 128;
		while (cap < r->code_len + n + 1)
			cap *= 2;
		r->code_line = xrealloc(r->code_line, cap);
		r->code_cap = cap;
	}
	memcpy(r->code_line + r->code_len, s, n);
	r->code_len += n;
}

/* A tab: blanks to the next stop, columns counted over what the line holds so far. */
static void line_tab(struct render *r)
{
	r->code_col += utf8_width(r->code_line + r->code_measured, r->code_len - r->code_measured);
	size_t blanks = TAB_STOP - r->code_col % TAB_STOP;
	line_add(r, "    ", blanks);
	r->code_col += blanks;
	r->code_measured = r->code_len;
}

/* One run of the line the tokenizer classed: its class is the span's level. */
static void code_run(void *ud, size_t off, size_t len, enum syn_class cls)
{
	struct render *r = ud;
	mdr_content_styled(r, r->code_line + off, len, r->style, (unsigned)cls, SPAN_NOWRAP);
}

void mdr_code_flush(struct render *r)
{
	if (r->code_len > 0)
		syn_line(r->syn_lang, &r->syn, r->code_line, r->code_len, code_run, r);
	r->code_len = r->code_measured = r->code_col = 0;
}

void mdr_code_text(struct render *r, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != '\n' && s[j] != '\t')
			j++;
		line_add(r, s + i, j - i);
		if (j < n && s[j] == '\t') {
			line_tab(r);
		} else if (j < n) {
			mdr_code_flush(r);
			mdr_hard_newline(r);
		}
		i = j < n ? j + 1 : j;
	}
}

void mdr_code_release(struct render *r)
{
	free(r->code_line);
	r->code_line = NULL;
	r->code_len = r->code_cap = r->code_measured = r->code_col = 0;
}
