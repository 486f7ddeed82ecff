/*
 * markdown_internal.h: what the files of the markdown renderer share (not
 * part of markdown.h's contract). markdown.c owns the document and cuts
 * the source into segments; each segment is parsed by md4c with the
 * callbacks of markdown_block.c (blocks: containers, prefixes, line
 * breaks), markdown_inline.c (spans and text) and markdown_table.c (cells
 * collected, then drawn as a grid), all writing through struct render.
 * markdown_open.c extends the last segment of a streaming message
 * instead of parsing all of it again (a code block's lines, a table's rows).
 * Names: mdout_ builds styled text (struct out), mdr_ works on the state
 * of one segment's rendering (struct render).
 */
#ifndef JARVIS_MARKDOWN_INTERNAL_H
#define JARVIS_MARKDOWN_INTERNAL_H

#include <md4c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jarvis/buf.h"
#include "jarvis/markdown.h"
#include "jarvis/syntax.h"
#include "jarvis/wrap.h"

/* Styled text being built: the document, or a table's cells. */
struct out {
	struct buf text;
	struct span *spans;
	size_t n, cap;
	size_t seal;           /* spans before this index are never merged into (a cell's start) */
	struct md_link *links; /* md_set_hyperlinks: where links are and go, in order */
	size_t nlinks, links_cap;
};

void mdout_init(struct out *o);
void mdout_release(struct out *o);
/* Keeps the first len bytes and nspans spans (and the links within len). */
void mdout_truncate(struct out *o, size_t len, size_t nspans);
/* Notes that text[off, off+len) is a link to href. */
void mdout_link(struct out *o, size_t off, size_t len, const char *href);
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

/* One cell: where its text and spans start in the table's shared out. */
struct cell {
	size_t off, span;
	MD_ALIGN align;
};

struct table {
	struct out text;    /* every cell's text, one after the other */
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
	bool hyperlinks; /* links into doc's list instead of " (URL)" (md_set_hyperlinks) */
	struct table table;
	int depth_overflow; /* containers beyond MAX_DEPTH, ignored */
	bool keep_table;    /* at its end a table is kept for the caller, not drawn */
	int blocks;         /* blocks entered other than the document and table parts */
	int tables;         /* tables entered */
	size_t *widths;     /* the column widths of the last table drawn (owned) */
	size_t nwidths;
	char *code_line; /* the code line being gathered (markdown_code.c; owned) */
	size_t code_len, code_cap;
	size_t code_measured, code_col;  /* its display columns up to code_measured */
	const struct syn_lang *syn_lang; /* the code block's language (NULL: not coloured) */
	struct syn_state syn;            /* the tokenizer's state after the lines written */
};

/* --- markdown_line.c: the current line ------------------------------------ */

/* Opens a line if needed: owed line breaks, then every container's prefix. */
void mdr_open_line(struct render *r);
/* Text in the given style, to the current cell or line. */
void mdr_content_styled(struct render *r, const char *s, size_t n, unsigned style, unsigned level,
                        unsigned flags);
/* Ends the current line; an already empty line becomes a blank one. */
void mdr_hard_newline(struct render *r);

/* --- markdown_code.c: a code block's lines ------------------------------- */

/* Code text (pieces of lines; '\n' ends each): gathered, each line written whole. */
void mdr_code_text(struct render *r, const char *s, size_t n);
/* Writes the line gathered so far (a render ending inside a line). */
void mdr_code_flush(struct render *r);
/* Frees the line buffer: every render that may meet code calls it at its end. */
void mdr_code_release(struct render *r);

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
/* The display width of cell i of a collected table. */
size_t mdr_cell_width(const struct table *t, size_t i);
/* Columns as wide as their widest cell in rows [from, to): w[c] raised to it. */
void mdr_table_widths(const struct table *t, size_t from, size_t to, size_t *w);
/* Draws row `row` of a collected table at widths w; bold when header. */
void mdr_table_draw_row(struct render *r, const struct table *t, size_t row, const size_t *w,
                        bool header);
/* Draws the "─┼─" line under the header. */
void mdr_table_draw_rule(struct render *r, const size_t *w, size_t cols);
/* Cell i's text and spans end at *end and *span_end. */
void mdr_cell_range(const struct table *t, size_t i, size_t *end, size_t *span_end);

/* --- markdown_grid.c: tables laid out only when drawn (md_set_lazy_tables) */

/* In a grid's cell widths: the cell has a cluster wider than one column. */
#define GRID_WIDE 0x8000u
#define GRID_WIDTH_MAX 0x7fffu

enum grid_mode { GRID_FIT, GRID_SHRINK, GRID_LIST };

/*
 * A table kept as an index into the source, not as text: per row the
 * source offset of its line and the display width of each cell; laid out
 * at a width only when asked (the layout is a cache: the mode, the column
 * widths and the first screen line of every row).
 */
struct grid {
	size_t off;            /* its placeholder's offset in the document */
	size_t head, head_len; /* the header and delimiter lines in the source */
	size_t cols;
	size_t rows, cap; /* rows indexed, the header (row 0) included */
	size_t complete;  /* rows before this are whole lines; the others still grow */
	uint32_t *src;    /* rows: where each row's line starts in the source */
	uint16_t *cw;     /* rows * cols: cell widths (clamped to GRID_WIDTH_MAX) | GRID_WIDE */
	uint16_t *max;    /* cols: the widest cell of each column over complete rows */
	bool open;        /* the open segment still extends it */
	/* The layout at lw columns (lw 0: none yet). */
	int lw;
	enum grid_mode mode;
	bool lone;       /* made for a header alone */
	uint16_t *lmax;  /* cols: the column maxima it was made for */
	uint16_t *w;     /* cols: the columns' widths */
	uint32_t *start; /* rows + 1: the first screen line of each row; start[rows] = height */
	size_t lvalid;   /* start[0..lvalid] are known */
	size_t scap;
	uint32_t id;    /* unique in its md (a dropped grid's id is not reused) */
	uint32_t stamp; /* changes when the mode or the columns' widths change */
};

/* Rows kept laid out (md_table_lines): more than a screen shows. */
#define GRID_SLOTS 64
/*
 * Rows laid out in one parse (behind one copy of the header) when the
 * cache misses: a streamed table's new rows come several a frame. Small
 * next to GRID_SLOTS, so that the rows it replaces are a screen away.
 */
#define GRID_BATCH 8

/* One laid-out row: what it is of, its lines, and them wrapped one a row. */
struct grid_slot {
	uint32_t id, stamp; /* its grid's (id 0: empty) */
	int width;
	size_t row;
	bool whole; /* the row was complete then (else it is laid out again) */
	struct md *lines;
	struct wrap_cache *wc;
};

/* A new grid at the document's end, open: its placeholder is the caller's. */
struct grid *mdg_open(struct md *m, size_t head, size_t head_len, size_t cols);
/* The open grid (the last, still extended), or NULL. */
struct grid *mdg_current(struct md *m);
/* Forgets the open grid (its segment is rendered otherwise after all). */
void mdg_drop_open(struct md *m);
void mdg_free_all(struct md *m);
/* Keeps only the first rows rows. */
void mdg_truncate(struct grid *g, size_t rows);
/* Indexes row `row` of the parsed table t, whose line starts at src_off. */
void mdg_add_row(struct grid *g, size_t src_off, const struct table *t, size_t row, bool complete);

/* --- markdown.c: segments ------------------------------------------------- */

/* How the open (last) segment of a streaming message is brought up to date. */
enum open_kind {
	OPEN_NONE,  /* not classified yet: rendered whole each update */
	OPEN_FULL,  /* rendered whole each update */
	OPEN_CODE,  /* a fenced code block: finished lines kept, new lines appended */
	OPEN_TABLE, /* a table: finished rows kept, new rows parsed alone */
	OPEN_RAW,   /* large: re-rendered as it doubles, raw text appended between */
};

struct md {
	bool markdown;
	bool hyperlinks; /* md_set_hyperlinks */
	struct out doc;
	size_t committed_len, committed_spans; /* output of finished segments */
	size_t seg_src;                        /* source start of the last segment */
	size_t scan;                           /* start of the first unscanned line */
	size_t nl_from; /* no '\n' in [scan, nl_from): a partial line searched already */
	bool prev_blank, in_fence, fence_top;
	char fence_ch;
	size_t fence_len, fence_indent;
	size_t split_after; /* a split owed after a line already scanned */
	size_t para;        /* start of the current paragraph, as far as the scan knows */
	bool pipes;         /* a line of it has a '|': it may be a table */
	bool confused;      /* a table's extent is unclear: no more splits */
	size_t src_len;     /* source length at the previous update */
	size_t stable;
	/* The open segment (markdown_open.c). */
	enum open_kind open;
	size_t open_src;             /* source end of what its kept output renders */
	size_t open_len, open_spans; /* the document's length after that output */
	bool open_exact;             /* the kept output is what a whole render gives */
	size_t parsed;               /* OPEN_RAW: source end of the last whole render */
	char *head;                  /* OPEN_TABLE: the header and delimiter lines */
	size_t head_len;
	size_t *widths; /* OPEN_TABLE: the column widths drawn */
	size_t cols;
	int pend; /* OPEN_CODE: the render's state after the kept lines */
	/* OPEN_CODE, a long last line still growing: how much of it (from
	 * open_src) was rendered whole, 0 for none, and the source end of its
	 * output, the rest appended plain (markdown_open.c). */
	size_t line_whole, line_end;
	bool lopen, any;
	/* The language of the last code block md_render_segment entered: for
	 * OPEN_CODE, the open block's, and the tokenizer's state after its kept lines. */
	const struct syn_lang *code_lang;
	struct syn_state code_syn;
	bool lazy;          /* md_set_lazy_tables */
	struct grid *grids; /* lazily laid-out tables, in document order */
	size_t ngrids, grids_cap;
	uint32_t grid_ids;       /* the last id given to a grid */
	struct grid_slot *slots; /* GRID_SLOTS, by row: rows laid out for drawing */
	size_t layouts;          /* rows laid out into slots (md_table_layouts) */
};

/* Renders src[0..n) in one md4c parse, no segments (for tests). */
struct md *md_render_single(const char *src, size_t n);

/* --- markdown_parse.c: one parse, fence lines ------------------------------ */

/* Renders src[0..n) as one segment, appended to the document; *widths
 * (if not NULL) gets the last table's column widths (the caller frees). */
void md_render_segment(struct md *m, const char *src, size_t n, size_t **widths, size_t *cols);
/* Parses src[0..n) into r only to look at it: r->table keeps the last
 * table (mdr_table_release it), r->blocks and r->tables count. */
void md_probe(const char *src, size_t n, struct render *r);
/* The length of a fence run (``` or ~~~) at s after up to 3 spaces; 0 if none. */
size_t md_fence_at(const char *s, size_t n, char *ch);
/* Whether the line s[0..n) opens a fence at its first column: *ch and *len of the run. */
bool md_fence_opens(const char *s, size_t n, char *ch, size_t *len);
/* Whether the line s[0..n) closes a fence of len ch's. */
bool md_fence_closes(const char *s, size_t n, char ch, size_t len);

/* --- markdown_open.c: the open segment ------------------------------------ */

/* Forgets the open segment's state (a new one starts). */
void md_open_reset(struct md *m);
/*
 * Brings the open segment [m->seg_src, n) up to date; final renders it
 * whole. Returns the document offset before which nothing changed.
 */
size_t md_open_update(struct md *m, const char *src, size_t n, bool final);
/*
 * The open segment ends at split: true when its kept output is already
 * exactly its rendering (only blank lines or a closing fence follow).
 */
bool md_open_commit(struct md *m, const char *src, size_t split);

#endif
