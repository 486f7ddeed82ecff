/*
 * markdown.h: a message's markdown rendered to styled text for the wrapper
 * (wrap.h): plain UTF-8 lines plus spans that say how each byte is drawn.
 * Pure data: nothing here draws; md4c does the parsing.
 *
 * What a message looks like rendered: headings bold (span level = 1..6);
 * emphasis, strong, strikethrough and inline code as styles; fenced and
 * indented code blocks indented by 2, lines verbatim (tabs to every fourth
 * column), each line SPAN_NOWRAP runs: never wrapped, the TUI cuts it
 * at the pane's edge; a fenced block in a language syntax.h knows is
 * coloured: one run per token class, the class (enum syn_class) in the
 * span's level, carried from line to line so that a block coloured as it
 * streams in is coloured as it is whole; "• " and "1. " list markers with a hanging
 * indent, "☐ " and "☑ " for task list items; "│ " before block quote
 * lines; links as their text plus " (URL)" (not when the text is the URL;
 * never with md_set_hyperlinks); images as "[image: ALT]";
 * horizontal rules as a "─" that fills the row; tables as columns aligned
 * by display width (padded to 40 at most: a longer cell pushes the rest of
 * its row right), separated by " │ ", with a "─┼─" line under the header;
 * blocks separated by one blank line. Raw HTML is shown as text.
 *
 * Streaming: the source may end anywhere (an unclosed ``` fence renders as
 * a code block so far). The source is cut into top-level segments at blank
 * lines that surely end a block (outside fences, before a line that cannot
 * continue a list or a quote), around fences opened at the first column
 * and around headings at the first column; finished segments are rendered
 * once. The last segment is extended rather than re-rendered when it is a
 * code block (new lines only) or a table (new rows only, the whole table
 * again only when a column widens); any other last segment is re-rendered
 * whole while small, and past 32 KiB only as it grows by a quarter, the
 * text in between shown unstyled until then. md_finish() renders the last
 * segment exactly: a finished message looks the same however it arrived.
 * Reference-style link definitions are resolved within their own segment
 * only.
 *
 * Lazy tables (md_set_lazy_tables, for the TUI): a table that starts a
 * top-level block is not written into md_text() but kept as an index into
 * the source (per row the offset of its line and each cell's display
 * width, so a few bytes a row) and laid out at a width only when a row is
 * drawn: columns as wide as their widest cell when the table fits; else
 * the widest columns narrowed, their cells broken across lines, down to
 * GRID_MIN_COL columns; else, when even that does not fit, every row as a
 * list of "header: value" lines (one a cell, broken at the width) with a
 * "─" line between rows. md_text() holds one placeholder line for such a
 * table (one STYLE_GRID span); md_table_height() and md_table_draw() give
 * its screen lines.
 *
 * The source should already be sanitised (utf8_sanitize): control
 * characters are passed through as they are.
 */
#ifndef JARVIS_MARKDOWN_H
#define JARVIS_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/wrap.h"

struct md;

/* A new renderer; markdown false means plain text: one unstyled span. */
struct md *md_new(bool markdown);
/*
 * For a terminal that takes OSC 8 hyperlinks: a link is its text alone
 * (no " (URL)"), and md_links() says where each one is and where it goes.
 * Links inside table cells keep " (URL)". Set before the first update.
 */
void md_set_hyperlinks(struct md *m, bool on);

/* A link's text in md_text(), and its target. */
struct md_link {
	size_t off, len;
	char *href;
};
/* The links over md_text(), in order (none unless md_set_hyperlinks). */
const struct md_link *md_links(const struct md *m, size_t *nlinks);
/* Frees it; NULL is a no-op. */
void md_free(struct md *m);
/* Forgets everything rendered (the message was replaced, not appended to). */
void md_reset(struct md *m);

/*
 * Renders src[0..n), which must extend the source of the previous update
 * (md_reset otherwise). Returns the rendered offset before which nothing
 * changed since the previous update: pass it to wrap_cache_update().
 */
size_t md_update(struct md *m, const char *src, size_t n);
/* The same for a complete message: the last segment rendered exactly. */
size_t md_finish(struct md *m, const char *src, size_t n);
/* The rendered text (NUL-terminated, borrowed until the next update). */
const char *md_text(const struct md *m);
size_t md_len(const struct md *m);
/* The spans over md_text(), in order and without gaps. */
const struct span *md_spans(const struct md *m, size_t *nspans);
/* What the last md_update() or md_finish() returned. */
size_t md_stable(const struct md *m);
/* The source offset where the segment that is re-rendered on each update starts. */
size_t md_source_stable(const struct md *m);

/* Tables laid out when drawn (see above); set before the first update. */
void md_set_lazy_tables(struct md *m, bool on);
/* The lazily laid-out tables, in document order. */
size_t md_ntables(const struct md *m);
/* Where table i's placeholder line starts in md_text(). */
size_t md_table_off(const struct md *m, size_t i);
/* The screen lines table i takes at width columns (at least 1). */
size_t md_table_height(struct md *m, size_t i, int width);
enum md_table_form { MD_TABLE_GRID, MD_TABLE_NARROWED, MD_TABLE_LIST };
/* How table i is laid out at width columns. */
enum md_table_form md_table_form(struct md *m, size_t i, int width);
/*
 * Renders into out (a plain md_new(false), its text replaced) the screen
 * lines of the row of table i that holds screen line `line` at width
 * columns, '\n' between them; src[0..n) is the source last passed to the
 * update. Returns the screen line of the first of them.
 */
size_t md_table_draw(struct md *m, size_t i, const char *src, size_t n, int width, size_t line,
                     struct md *out);
/*
 * The same lines from a small cache of laid-out rows (for drawing): *lines
 * holds them as md_table_draw() writes them, *wc wraps them one a row.
 * A row is laid out again only when the width, the table's mode or its
 * columns' widths changed, when another row took its place in the cache,
 * or while it is still growing; one that is laid out brings a few
 * complete rows after it along, parsed with it. Both stay m's and are
 * good until the next call on m. Returns the screen line of the first of
 * them.
 */
size_t md_table_lines(struct md *m, size_t i, const char *src, size_t n, int width, size_t line,
                      struct md **lines, struct wrap_cache **wc);
/*
 * Cache misses of md_table_lines() so far (for tests): each lays out the
 * row asked for, with the complete rows after it that the cache lacks.
 */
size_t md_table_layouts(const struct md *m);
/* Bytes table i's index and layout take (for tests: a few a row). */
size_t md_table_index_bytes(const struct md *m, size_t i);

#endif
