/*
 * preview.h: an image drawn as character cells, for the history pane. The
 * decoding (gdk-pixbuf) and the drawing (libchafa) live in the plugin
 * jarvis-chafa.so (src/image/chafa.c), loaded by the first preview_render,
 * so Jarvis itself never links GLib or chafa. What comes back is plain
 * data: one UTF-8 symbol and two palette colours per cell, which the TUI
 * draws with curses colour pairs, and for a terminal that draws pixels
 * the same cells' worth of them: a sixel string or RGBA pixels (for the
 * kitty protocol, which the TUI encodes with kitty.h).
 */
#ifndef JARVIS_PREVIEW_H
#define JARVIS_PREVIEW_H

#include <stdbool.h>
#include <stddef.h>

/* The most rows a preview takes in the history pane. */
#define PREVIEW_MAX_ROWS 8

/* One cell: a symbol (one column wide) in fg on bg. */
struct preview_cell {
	char text[8]; /* UTF-8, NUL-terminated */
	short fg, bg; /* palette indexes (0-255), or -1 for the terminal's default */
};

/* Pixels besides the symbols: none, a sixel string, RGBA for kitty. */
enum preview_pixels { PREVIEW_SYMBOLS, PREVIEW_SIXEL, PREVIEW_KITTY };

/* What to draw: the image's bytes and the most cells it may take. */
struct preview_request {
	const void *data;
	size_t len;
	const char *mime; /* image/png, image/jpeg, ...: picks the decoder */
	int max_cols, max_rows;
	/* The terminal's palette: 256, 16 or 8 colours; 0 for none (symbols alone). */
	int colors;
	enum preview_pixels pixels;
	int cell_w, cell_h; /* a cell's size in pixels, for pixels (and its shape) */
};

struct preview {
	int cols, rows;             /* the cells drawn, at most max_cols x max_rows */
	int width, height;          /* the image's own size in pixels */
	struct preview_cell *cells; /* rows * cols, row by row */
	/*
	 * When pixels were asked for, the same cols x rows cells in pixels
	 * (NULL when they could not be made): PREVIEW_SIXEL a DCS string that
	 * draws them from the cursor; PREVIEW_KITTY px_w x px_h RGBA pixels.
	 */
	char *sixel;
	size_t sixel_len;
	unsigned char *rgba;
	int px_w, px_h;
};

/*
 * Draws rq's image into p (fields newly allocated; preview_release frees
 * them). -1 with a cause when the plugin cannot be loaded (then every
 * later call fails at once, see preview_available), the image cannot be
 * decoded, or its header claims more than 64 Mi pixels.
 */
int preview_render(const struct preview_request *rq, struct preview *p, char **cause);
/* False once the plugin failed to load: nothing will be drawn this run. */
bool preview_available(void);
void preview_release(struct preview *p);

/* The plugin's entry point (src/plugin.map), what preview_render calls. */
typedef int (*preview_render_fn)(const struct preview_request *rq, struct preview *p, char **cause);

#endif
