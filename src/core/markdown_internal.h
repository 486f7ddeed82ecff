/*
 * markdown_internal.h: what the files of the markdown renderer share (not
 * part of markdown.h's contract). markdown.c owns the document and cuts
 * the source into segments; each segment is parsed by md4c with the
 * callbacks of markdown_block.c (blocks: containers, prefixes, line
 * breaks), markdown_inline.c (spans and text) and markdown_table.c (cells
 * collected, then drawn as a grid), all writing through struct render.
 * Names: mdout_ builds styled text (struct out), mdr_ works on the state
 * of one segment's rendering (struct render).
 */
#ifndef JARVIS_MARKDOWN_INTERNAL_H
#define JARVIS_MARKDOWN_INTERNAL_H

#include <md4c.h>
#include <stdbool.h>
#include <stddef.h>

#include "jarvis/buf.h"
#include "jarvis/wrap.h"

/* Styled text being built: the document, or one table cell. */
struct out {
	struct buf text;
	struct span *spans;
	size_t n, cap;
};

void mdout_init(struct out *o);
void mdout_release(struct out *o);
/* Keeps the first len bytes and nspans spans. */
void mdout_truncate(struct out *o, size_t len, size_t nspans);
/* Appends s[0..n) in one style, merged into the last span when it matches. */
void mdout_emit(struct out *o, const char *s, size_t n, unsigned style, unsigned level,
                unsigned flags);

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

/* --- markdown_line.c: the current line ------------------------------------ */

/* Opens a line if needed: owed line breaks, then every container's prefix. */
void mdr_open_line(struct render *r);
/* Text in the given style, to the current cell or line. */
void mdr_content_styled(struct render *r, const char *s, size_t n, unsigned style, unsigned level,
                        unsigned flags);
/* Ends the current line; an already empty line becomes a blank one. */
void mdr_hard_newline(struct render *r);

/* --- markdown_block.c: blocks --------------------------------------------- */

int mdr_enter_block(MD_BLOCKTYPE type, void *detail, void *user);
int mdr_leave_block(MD_BLOCKTYPE type, void *detail, void *user);

/* --- markdown_inline.c: spans and text ----------------------------------- */

int mdr_enter_span(MD_SPANTYPE type, void *detail, void *user);
int mdr_leave_span(MD_SPANTYPE type, void *detail, void *user);
int mdr_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *user);

/* --- markdown_table.c: tables -------------------------------------------- */

/* A table of cols columns starts: its cells are collected until it ends. */
void mdr_table_begin(struct render *r, unsigned cols);
void mdr_table_row(struct render *r);
/* A cell starts: text goes to it until the cell ends (r->sink = r->doc). */
void mdr_table_cell(struct render *r, MD_ALIGN align);
/* A row ends: short rows are padded with empty cells. */
void mdr_table_row_end(struct render *r);
/* The table ends: drawn into the document, columns as wide as their widest cell. */
void mdr_table_end(struct render *r);
void mdr_table_release(struct table *t);

#endif
