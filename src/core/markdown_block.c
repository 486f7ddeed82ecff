/*
 * markdown_block.c: the block structure of a segment. md4c's block
 * callbacks open and close containers (quotes, list items, code blocks),
 * and this file turns them into lines: the prefixes each line starts with
 * ("│ ", a list marker or its hanging indent, the code indent), the line
 * breaks owed between blocks and the blank line that separates them.
 * Tables are handed to markdown_table.c; lines are written through
 * markdown_line.c.
 */
#include <md4c.h>
#include <stdio.h>
#include <string.h>

#include "jarvis/markdown.h"
#include "jarvis/syntax.h"
#include "jarvis/utf8.h"
#include "markdown_internal.h"

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

int mdr_enter_block(MD_BLOCKTYPE type, void *detail, void *user)
{
	struct render *r = user;
	if (type != MD_BLOCK_DOC && type != MD_BLOCK_THEAD && type != MD_BLOCK_TBODY &&
	    type != MD_BLOCK_TR && type != MD_BLOCK_TH && type != MD_BLOCK_TD)
		r->blocks++;
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
		const MD_BLOCK_LI_DETAIL *li = detail;
		if (li != NULL && li->is_task)
			snprintf(marker, sizeof(marker), "%s",
			         li->task_mark == ' ' ? "☐ " : "☑ "); /* a task list item */
		else if (r->nlists > 0 && r->nlists <= MAX_DEPTH && r->lists[r->nlists - 1].ordered)
			snprintf(marker, sizeof(marker), "%u. ", r->lists[r->nlists - 1].next++);
		else
			snprintf(marker, sizeof(marker), "• ");
		push_cont(r, CONT_ITEM, marker);
		break;
	}
	case MD_BLOCK_HR:
		block_start(r);
		mdr_content_styled(r, "─", strlen("─"), STYLE_RULE, 0, SPAN_FILL);
		break;
	case MD_BLOCK_H:
		block_start(r);
		r->style |= STYLE_BOLD | STYLE_HEADING;
		r->level = ((MD_BLOCK_H_DETAIL *)detail)->level;
		break;
	case MD_BLOCK_CODE: {
		block_start(r);
		push_cont(r, CONT_CODE, NULL);
		const MD_BLOCK_CODE_DETAIL *code = detail;
		if (code->fence_char != 0 && code->lang.size > 0) {
			/* The language on a line of its own, above the code. */
			mdr_content_styled(r, code->lang.text, code->lang.size, STYLE_LABEL, 0, 0);
			mdr_hard_newline(r);
		}
		r->in_code = true;
		r->style = STYLE_CODE_BLOCK;
		/* Fenced code in a language we know is coloured (syntax.h). */
		r->syn_lang =
		    code->fence_char != 0 ? syn_lang_find(code->lang.text, code->lang.size) : NULL;
		memset(&r->syn, 0, sizeof(r->syn));
		break;
	}
	case MD_BLOCK_HTML:
	case MD_BLOCK_P:
		block_start(r);
		break;
	case MD_BLOCK_TABLE:
		block_start(r);
		r->tables++;
		mdr_table_begin(r, ((MD_BLOCK_TABLE_DETAIL *)detail)->col_count);
		break;
	case MD_BLOCK_TR:
		mdr_table_row(r);
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		mdr_table_cell(r, ((MD_BLOCK_TD_DETAIL *)detail)->align);
		break;
	}
	return 0;
}

int mdr_leave_block(MD_BLOCKTYPE type, void *detail, void *user)
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
		mdr_code_flush(r);
		r->in_code = false;
		r->style = 0;
		/* Blank lines at its end are not carried to what follows: a block
		 * then looks the same whether or not it ends a segment. */
		if (r->pending_nl > 1)
			r->pending_nl = 1;
		block_end(r);
		pop_cont(r);
		break;
	case MD_BLOCK_HR:
	case MD_BLOCK_HTML:
	case MD_BLOCK_P:
		block_end(r);
		break;
	case MD_BLOCK_TABLE:
		mdr_table_end(r);
		block_end(r);
		break;
	case MD_BLOCK_TR:
		mdr_table_row_end(r);
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		r->sink = r->doc;
		break;
	}
	return 0;
}
