/*
 * wrap.h: breaking styled UTF-8 text into screen rows of at most W columns.
 * Pure data in, rows out: nothing here draws. The text is a sequence of
 * spans (byte ranges with a style) in which '\n' ends a line; each row is a
 * list of pieces the TUI draws left to right. Rows break after spaces when
 * they can, break long words hard at the margin, and never split a cluster
 * (see utf8.h) or put a wide character across the margin. A line whose
 * content starts with a SPAN_NOWRAP span (code) is one row, as wide as it is.
 *
 * A wrap cache keeps one message's rows at one width. When the message only
 * changed after a known offset (streaming appends, or markdown re-rendering
 * its last block) it re-wraps from the start of the row before that offset,
 * not from the top, and says which row is the first that changed.
 */
#ifndef JARVIS_WRAP_H
#define JARVIS_WRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Styles a span may carry (OR-ed); the TUI maps them to attributes. */
#define STYLE_BOLD 0x0001u
#define STYLE_ITALIC 0x0002u
#define STYLE_CODE 0x0004u       /* inline `code` */
#define STYLE_CODE_BLOCK 0x0008u /* a line of a fenced or indented code block */
#define STYLE_HEADING 0x0010u    /* with span.level 1..6 */
#define STYLE_LINK 0x0020u       /* a link's text */
#define STYLE_URL 0x0040u        /* the " (URL)" after a link's text */
#define STYLE_QUOTE 0x0080u      /* the "│ " bar of a block quote */
#define STYLE_MARKER 0x0100u     /* a list's "• " or "1. " */
#define STYLE_RULE 0x0200u       /* a horizontal rule */
#define STYLE_TABLE 0x0400u      /* a table's separators */
#define STYLE_STRIKE 0x0800u
#define STYLE_LABEL 0x1000u /* a fenced code block's language, on its first line */
#define STYLE_GRID 0x2000u  /* the placeholder line of a lazily laid-out table (markdown.h) */

/* Span flags that steer the wrapper. */
#define SPAN_PREFIX_REPEAT 0x01u /* at a line's start: repeated on its continuation rows */
#define SPAN_PREFIX_BLANK 0x02u  /* at a line's start: blanks of its width on continuation rows */
#define SPAN_HARD 0x04u /* spaces inside are not break points (code): break at the margin */
#define SPAN_FILL 0x08u /* one glyph drawn repeatedly to the end of the row (rules) */
/*
 * At the start of a line's content (after its prefix): the line is never
 * wrapped, it is one row however wide (a code block's line); the TUI cuts
 * it at the pane's edge and scrolls it sideways.
 */
#define SPAN_NOWRAP 0x10u

/*
 * Offsets are 32-bit: a message's text is at most BUF_TEXT_MAX (64 MiB),
 * and a long answer has a span and a few pieces per row, so their size is
 * most of what its rendering takes in memory.
 */
struct span {
	uint32_t off; /* byte offset into the text */
	uint32_t len;
	uint16_t style;
	unsigned char level; /* heading level (STYLE_HEADING), or a code line's syntax class
	                      * (STYLE_CODE_BLOCK: enum syn_class, syntax.h); 0 otherwise */
	unsigned char flags; /* SPAN_* */
};

enum wrap_piece_kind {
	WRAP_PIECE_TEXT,  /* draw text[off..off+len) */
	WRAP_PIECE_BLANK, /* draw width spaces (a list item's hanging indent) */
	WRAP_PIECE_FILL,  /* draw the glyph text[off..off+len) width times */
};

struct wrap_piece {
	uint32_t off;
	uint32_t len;
	int width; /* display columns this piece takes */
	uint16_t style;
	unsigned char level;
	unsigned char kind; /* enum wrap_piece_kind */
};

struct wrap_row {
	uint32_t off;   /* the source bytes this row shows, prefix copies excluded */
	uint32_t len;   /* (spaces swallowed at a soft break and '\n' are not in it) */
	int width;      /* display columns of all its pieces, <= the width (unless
	                 * the row is one cluster wider than the width: 你 at 1) */
	uint32_t line;  /* offset of the start of the line (after '\n') it belongs to */
	uint32_t piece; /* index of its first piece (wrap_cache_pieces) */
	uint32_t npieces;
	bool cont;   /* a continuation row of a wrapped line */
	bool nowrap; /* a whole SPAN_NOWRAP line: width may exceed the wrap width */
};

/*
 * Wraps unstyled s[0..n) at width columns (width < 1 counts as 1). Returns
 * the number of rows (at least 1: empty text is one empty row) and sets
 * *rows to a new array the caller frees.
 */
size_t wrap_text(const char *s, size_t n, int width, struct wrap_row **rows);

struct wrap_cache;

/* A new empty cache. */
struct wrap_cache *wrap_cache_new(void);
/* Frees the cache; NULL is a no-op. */
void wrap_cache_free(struct wrap_cache *wc);
/* Forgets every row: the next update wraps from the top. */
void wrap_cache_invalidate(struct wrap_cache *wc);
/*
 * Brings the rows up to date for text[0..len) styled by spans (sorted by
 * offset, not overlapping; NULL/0 means one unstyled span) at width columns.
 * stable is the caller's promise that text[0..stable) and the spans over it
 * are what they were at the previous update (for a pure append: the old
 * length; for markdown: md_stable()). A different width re-wraps all.
 * Returns the index of the first row that differs from before (the row
 * count when nothing changed), from which the TUI must repaint; when more
 * than a thousand rows were wrapped again, the first of them.
 */
size_t wrap_cache_update(struct wrap_cache *wc, const char *text, size_t len,
                         const struct span *spans, size_t nspans, size_t stable, int width);
/* The number of rows. */
size_t wrap_cache_nrows(const struct wrap_cache *wc);
/* Row i (i < wrap_cache_nrows). */
const struct wrap_row *wrap_cache_row(const struct wrap_cache *wc, size_t i);
/* The pieces of a row: row->npieces of them. */
const struct wrap_piece *wrap_cache_pieces(const struct wrap_cache *wc, const struct wrap_row *row);
/* Bytes of text the last update walked over (to check it stayed incremental). */
size_t wrap_cache_rewrapped(const struct wrap_cache *wc);

#endif
