/*
 * chafa.c: the jarvis-chafa plugin: an image's bytes decoded by gdk-pixbuf
 * (scaled down while decoding, so a large JPEG costs little) and drawn by
 * libchafa into character cells of the terminal's palette. Only
 * image_chafa_render leaves the plugin (src/plugin.map); GLib, gdk-pixbuf
 * and chafa are mapped only by the process that loads it.
 */
#include <chafa.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "jarvis/preview.h"
#include "jarvis/util.h"

int image_chafa_render(const struct preview_request *rq, struct preview *p, char **cause);

/* Pixels per cell worth decoding: chafa reads 8x8 per symbol. */
#define CELL_PX_W 8
#define CELL_PX_H 16

struct want {
	int max_w, max_h;  /* the most pixels worth decoding */
	int width, height; /* the image's own size, as the decoder read it */
};

/* Called once the decoder knows the size: scale down to what the cells can show. */
static void on_size_prepared(GdkPixbufLoader *ld, gint w, gint h, gpointer ud)
{
	struct want *want = ud;
	want->width = w;
	want->height = h;
	if (w <= want->max_w && h <= want->max_h)
		return;
	double sx = (double)want->max_w / w, sy = (double)want->max_h / h;
	double s = sx < sy ? sx : sy;
	int nw = (int)(w * s), nh = (int)(h * s);
	gdk_pixbuf_loader_set_size(ld, nw > 0 ? nw : 1, nh > 0 ? nh : 1);
}

static GdkPixbuf *decode(const struct preview_request *rq, struct want *want, char **cause)
{
	GError *err = NULL;
	GdkPixbufLoader *ld = gdk_pixbuf_loader_new_with_mime_type(rq->mime, &err);
	if (ld == NULL) {
		set_cause(cause, "no decoder for %s: %s", rq->mime, err ? err->message : "?");
		g_clear_error(&err);
		return NULL;
	}
	g_signal_connect(ld, "size-prepared", G_CALLBACK(on_size_prepared), want);
	gboolean ok = gdk_pixbuf_loader_write(ld, rq->data, rq->len, &err);
	/* Closed whatever happened: a loader must be closed before it is freed. */
	gboolean closed = gdk_pixbuf_loader_close(ld, ok ? &err : NULL);
	GdkPixbuf *pb = NULL;
	if (ok && closed)
		pb = gdk_pixbuf_loader_get_pixbuf(ld);
	if (pb != NULL)
		g_object_ref(pb);
	else
		set_cause(cause, "cannot decode the %s image: %s", rq->mime,
		          err ? err->message : "the data ends early");
	g_clear_error(&err);
	g_object_unref(ld);
	return pb;
}

static ChafaCanvasMode mode_for(int colors)
{
	if (colors >= 256)
		return CHAFA_CANVAS_MODE_INDEXED_240; /* the 16 the user may have redefined left out
		                                       */
	if (colors >= 16)
		return CHAFA_CANVAS_MODE_INDEXED_16;
	if (colors >= 8)
		return CHAFA_CANVAS_MODE_INDEXED_8;
	return CHAFA_CANVAS_MODE_FGBG;
}

/* The canvas for cols x rows cells: block symbols only, which every terminal font has. */
static ChafaCanvas *new_canvas(int cols, int rows, int colors)
{
	ChafaSymbolMap *sm = chafa_symbol_map_new();
	chafa_symbol_map_add_by_tags(sm, CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_SPACE);
	chafa_symbol_map_remove_by_tags(sm, CHAFA_SYMBOL_TAG_WIDE);
	ChafaCanvasConfig *cfg = chafa_canvas_config_new();
	chafa_canvas_config_set_canvas_mode(cfg, mode_for(colors));
	chafa_canvas_config_set_pixel_mode(cfg, CHAFA_PIXEL_MODE_SYMBOLS);
	chafa_canvas_config_set_geometry(cfg, cols, rows);
	chafa_canvas_config_set_symbol_map(cfg, sm);
	ChafaCanvas *cv = chafa_canvas_new(cfg);
	chafa_canvas_config_unref(cfg);
	chafa_symbol_map_unref(sm);
	return cv;
}

/* A raw canvas colour as a palette index; -1 for transparent or the default. */
static short palette_index(gint raw, int colors)
{
	if (colors == 0 || raw < 0 || raw > 255)
		return -1;
	return (short)raw;
}

static void read_cells(ChafaCanvas *cv, const struct preview_request *rq, struct preview *p)
{
	p->cells = xcalloc((size_t)p->cols * (size_t)p->rows, sizeof *p->cells);
	for (int y = 0; y < p->rows; y++)
		for (int x = 0; x < p->cols; x++) {
			struct preview_cell *c = &p->cells[(size_t)y * (size_t)p->cols + (size_t)x];
			gunichar ch = chafa_canvas_get_char_at(cv, x, y);
			gint fg = -1, bg = -1;
			chafa_canvas_get_raw_colors_at(cv, x, y, &fg, &bg);
			int n = g_unichar_validate(ch) && g_unichar_iswide(ch) == FALSE
			            ? g_unichar_to_utf8(ch, c->text)
			            : 0;
			if (n <= 0) {
				c->text[0] = ' ';
				n = 1;
			}
			c->text[n] = '\0';
			c->fg = palette_index(fg, rq->colors);
			c->bg = palette_index(bg, rq->colors);
		}
}

int image_chafa_render(const struct preview_request *rq, struct preview *p, char **cause)
{
	memset(p, 0, sizeof *p);
	if (rq->max_cols < 1 || rq->max_rows < 1)
		return set_cause(cause, "no room for a preview");
	/* One thread: a pool would outlive the call for a few cells' work. */
	chafa_set_n_threads(1);
	struct want want = {rq->max_cols * CELL_PX_W, rq->max_rows * CELL_PX_H, 0, 0};
	GdkPixbuf *pb = decode(rq, &want, cause);
	if (pb == NULL)
		return -1;
	int w = gdk_pixbuf_get_width(pb), h = gdk_pixbuf_get_height(pb);
	gint cols = rq->max_cols, rows = rq->max_rows;
	/* Cells are about twice as tall as wide. */
	chafa_calc_canvas_geometry(w, h, &cols, &rows, 0.5f, TRUE, FALSE);
	p->cols = cols > 0 ? cols : 1;
	p->rows = rows > 0 ? rows : 1;
	p->width = want.width > 0 ? want.width : w;
	p->height = want.height > 0 ? want.height : h;
	ChafaCanvas *cv = new_canvas(p->cols, p->rows, rq->colors);
	bool alpha = gdk_pixbuf_get_has_alpha(pb);
	chafa_canvas_draw_all_pixels(cv, alpha ? CHAFA_PIXEL_RGBA8_UNASSOCIATED : CHAFA_PIXEL_RGB8,
	                             gdk_pixbuf_read_pixels(pb), w, h,
	                             gdk_pixbuf_get_rowstride(pb));
	read_cells(cv, rq, p);
	chafa_canvas_unref(cv);
	g_object_unref(pb);
	return 0;
}
