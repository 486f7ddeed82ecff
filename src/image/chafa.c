/*
 * chafa.c: the jarvis-chafa plugin: an image's bytes decoded by gdk-pixbuf
 * (scaled down while decoding, so a large JPEG costs little) and drawn by
 * libchafa into character cells of the terminal's palette and, when the
 * terminal draws pixels, into a sixel string (libchafa again) or the
 * cells' RGBA pixels for the kitty protocol (gdk-pixbuf scales). Only
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

/* The most pixels sent for the kitty protocol: the terminal scales them to the cells. */
#define KITTY_MAX_W 1024
#define KITTY_MAX_H 512

/* The sixel string that draws pb over p's cells (rq->cell_w x rq->cell_h pixels each). */
static void draw_sixel(GdkPixbuf *pb, const struct preview_request *rq, struct preview *p)
{
	ChafaCanvasConfig *cfg = chafa_canvas_config_new();
	chafa_canvas_config_set_canvas_mode(cfg, CHAFA_CANVAS_MODE_TRUECOLOR);
	chafa_canvas_config_set_pixel_mode(cfg, CHAFA_PIXEL_MODE_SIXELS);
	chafa_canvas_config_set_geometry(cfg, p->cols, p->rows);
	chafa_canvas_config_set_cell_geometry(cfg, rq->cell_w, rq->cell_h);
	ChafaCanvas *cv = chafa_canvas_new(cfg);
	chafa_canvas_config_unref(cfg);
	if (cv == NULL)
		return;
	bool alpha = gdk_pixbuf_get_has_alpha(pb);
	chafa_canvas_draw_all_pixels(cv, alpha ? CHAFA_PIXEL_RGBA8_UNASSOCIATED : CHAFA_PIXEL_RGB8,
	                             gdk_pixbuf_read_pixels(pb), gdk_pixbuf_get_width(pb),
	                             gdk_pixbuf_get_height(pb), gdk_pixbuf_get_rowstride(pb));
	/* The DCS itself, without asking chafa's terminal database about this terminal. */
	ChafaTermInfo *ti = chafa_term_info_new();
	chafa_term_info_set_seq(ti, CHAFA_TERM_SEQ_BEGIN_SIXELS, "\033P%1;%2;%3q", NULL);
	chafa_term_info_set_seq(ti, CHAFA_TERM_SEQ_END_SIXELS, "\033\\", NULL);
	GString *gs = chafa_canvas_print(cv, ti);
	if (gs != NULL && gs->len > 0) {
		p->sixel = xmalloc(gs->len + 1);
		memcpy(p->sixel, gs->str, gs->len + 1);
		p->sixel_len = gs->len;
	}
	if (gs != NULL)
		g_string_free(gs, TRUE);
	chafa_term_info_unref(ti);
	chafa_canvas_unref(cv);
}

/* pb scaled to p's cells (at most KITTY_MAX_W x KITTY_MAX_H), as RGBA pixels. */
static void draw_rgba(GdkPixbuf *pb, const struct preview_request *rq, struct preview *p)
{
	double w = (double)p->cols * rq->cell_w, h = (double)p->rows * rq->cell_h;
	double s = 1.0;
	if (w > KITTY_MAX_W)
		s = KITTY_MAX_W / w;
	if (h * s > KITTY_MAX_H)
		s = KITTY_MAX_H / h;
	int pw = (int)(w * s) > 0 ? (int)(w * s) : 1, ph = (int)(h * s) > 0 ? (int)(h * s) : 1;
	GdkPixbuf *scaled = gdk_pixbuf_scale_simple(pb, pw, ph, GDK_INTERP_BILINEAR);
	if (scaled == NULL)
		return;
	GdkPixbuf *rgba = gdk_pixbuf_add_alpha(scaled, FALSE, 0, 0, 0);
	g_object_unref(scaled);
	if (rgba == NULL)
		return;
	int stride = gdk_pixbuf_get_rowstride(rgba);
	const guint8 *src = gdk_pixbuf_read_pixels(rgba);
	p->rgba = xmalloc((size_t)pw * (size_t)ph * 4);
	for (int y = 0; y < ph; y++)
		memcpy(p->rgba + (size_t)y * (size_t)pw * 4, src + (size_t)y * (size_t)stride,
		       (size_t)pw * 4);
	p->px_w = pw;
	p->px_h = ph;
	g_object_unref(rgba);
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
	bool pixels = rq->pixels != PREVIEW_SYMBOLS && rq->cell_w > 0 && rq->cell_h > 0;
	int cell_w = pixels && rq->cell_w > CELL_PX_W ? rq->cell_w : CELL_PX_W;
	int cell_h = pixels && rq->cell_h > CELL_PX_H ? rq->cell_h : CELL_PX_H;
	struct want want = {rq->max_cols * cell_w, rq->max_rows * cell_h, 0, 0};
	GdkPixbuf *pb = decode(rq, &want, cause);
	if (pb == NULL)
		return -1;
	int w = gdk_pixbuf_get_width(pb), h = gdk_pixbuf_get_height(pb);
	gint cols = rq->max_cols, rows = rq->max_rows;
	/* Cells are about twice as tall as wide, or as the terminal says they are. */
	float shape = pixels ? (float)rq->cell_w / (float)rq->cell_h : 0.5f;
	chafa_calc_canvas_geometry(w, h, &cols, &rows, shape, TRUE, FALSE);
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
	if (pixels && rq->pixels == PREVIEW_SIXEL)
		draw_sixel(pb, rq, p);
	else if (pixels && rq->pixels == PREVIEW_KITTY)
		draw_rgba(pb, rq, p);
	g_object_unref(pb);
	return 0;
}
