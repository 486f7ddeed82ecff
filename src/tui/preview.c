/*
 * preview.c: the images of a message in the history pane (see preview.h).
 * Each image is found once (the message's attachments, or the inlineData
 * parts of an answer), and drawn again only when the pane's width changes.
 * Its bytes are not kept: the message holds them (base64), and a resize
 * decodes them again. A preview that cannot be drawn (the plugin missing,
 * bytes that are no image) leaves the image's line alone. In a terminal
 * that draws pixels (graphics.h) an image in full view is drawn in them,
 * its rows left blank here; one cut by the pane's edge is drawn in
 * symbols, which the cells hold too.
 */
#include "preview.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/base64.h"
#include "jarvis/imagesize.h"
#include "jarvis/preview.h"
#include "jarvis/util.h"

#include "draw.h"
#include "graphics.h"

/* The base64 read for the size in the header alone (a JPEG's EXIF comes first). */
#define HEADER_B64 (256u * 1024)

struct picture {
	char *caption;       /* [image: name, WxH, N KiB] */
	char *name, *mime;   /* name: the file's, or "from the model" */
	size_t part;         /* which inlineData part of an answer; (size_t)-1: an attachment */
	size_t image;        /* which of the message's images, for an attachment */
	size_t bytes;        /* its size, for the caption */
	long width, height;  /* from its header; 0 when unknown */
	struct preview view; /* drawn for view_width; no cells when it could not be */
	int view_width;      /* 0: not drawn yet */
	enum preview_pixels view_pixels;
	int view_cell_w, view_cell_h; /* what it was drawn for besides the width */
	uint32_t gfx_id;              /* its pixels' id (graphics.h), new at each drawing */
	bool shown;                   /* previews were on when it was last laid out */
};

struct pictures {
	struct picture *pics;
	size_t n;
	size_t nimages, parts_len; /* what they were found from */
	bool found;
};

struct pictures *pictures_new(void)
{
	return xcalloc(1, sizeof(struct pictures));
}

static void pictures_clear(struct pictures *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->pics[i].caption);
		free(p->pics[i].name);
		free(p->pics[i].mime);
		preview_release(&p->pics[i].view);
	}
	free(p->pics);
	p->pics = NULL;
	p->n = 0;
}

void pictures_free(struct pictures *p)
{
	if (p == NULL)
		return;
	pictures_clear(p);
	free(p);
}

/* The base64 of a data URI, or NULL. */
static const char *uri_base64(const char *uri, size_t *len)
{
	const char *b = uri ? strstr(uri, ";base64,") : NULL;
	if (b == NULL)
		return NULL;
	b += strlen(";base64,");
	*len = strlen(b);
	return b;
}

/* The base64 of picture pic of m (into the message's own text); NULL when gone. */
static const char *pic_base64(const struct picture *pic, const struct msg *m, size_t *len,
                              cJSON **tree)
{
	*tree = NULL;
	if (pic->part == (size_t)-1)
		return pic->image < m->nimages ? uri_base64(m->images[pic->image].data_uri, len)
		                               : NULL;
	*tree = cJSON_ParseWithLength(m->parts.data, m->parts.len);
	const cJSON *part = cJSON_GetArrayItem(*tree, (int)pic->part);
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(part, "inlineData"), "data");
	if (!cJSON_IsString(data))
		return NULL;
	*len = strlen(data->valuestring);
	return data->valuestring;
}

static void set_caption(struct picture *pic)
{
	free(pic->caption);
	size_t kib = (pic->bytes + 1023) / 1024;
	if (pic->width > 0)
		pic->caption = xasprintf("[image: %s, %ldx%ld, %zu KiB]", pic->name, pic->width,
		                         pic->height, kib);
	else
		pic->caption = xasprintf("[image: %s, %zu KiB]", pic->name, kib);
}

/* A new picture named name, its size read from the head of its base64. */
static void add(struct pictures *p, const char *name, const char *mime, const char *b64,
                size_t b64_len, size_t part, size_t image)
{
	p->pics = xrealloc(p->pics, (p->n + 1) * sizeof *p->pics);
	struct picture *pic = &p->pics[p->n++];
	memset(pic, 0, sizeof *pic);
	pic->name = xstrdup(name);
	pic->mime = xstrdup(mime);
	pic->part = part;
	pic->image = image;
	pic->bytes = b64_len / 4 * 3;
	size_t head_len = b64_len < HEADER_B64 ? b64_len : HEADER_B64;
	head_len -= head_len % 4;
	size_t n = 0;
	unsigned char *head = b64 ? base64_decode(b64, head_len, &n) : NULL;
	if (head != NULL && !image_size(head, n, &pic->width, &pic->height))
		pic->width = pic->height = 0;
	free(head);
	set_caption(pic);
}

static bool is_image(const char *mime)
{
	return mime != NULL && strncmp(mime, "image/", 6) == 0;
}

/* The images of m: its attachments, and the inlineData images of an answer's parts. */
static void find(struct pictures *p, const struct msg *m)
{
	pictures_clear(p);
	for (size_t i = 0; i < m->nimages; i++) {
		const struct image *img = &m->images[i];
		size_t len = 0;
		const char *b64 = uri_base64(img->data_uri, &len);
		if (is_image(img->mime))
			add(p, img->name ? img->name : "image", img->mime, b64, len, (size_t)-1, i);
		if (is_image(img->mime) && img->size > 0)
			p->pics[p->n - 1].bytes = img->size;
	}
	if (m->role == ROLE_MODEL && m->parts.len > 0) {
		cJSON *parts = cJSON_ParseWithLength(m->parts.data, m->parts.len);
		size_t k = 0;
		const cJSON *part;
		cJSON_ArrayForEach(part, parts)
		{
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(part, "inlineData");
			const cJSON *mime = cJSON_GetObjectItemCaseSensitive(d, "mimeType");
			const cJSON *data = cJSON_GetObjectItemCaseSensitive(d, "data");
			if (cJSON_IsString(mime) && is_image(mime->valuestring) &&
			    cJSON_IsString(data))
				add(p, "from the model", mime->valuestring, data->valuestring,
				    strlen(data->valuestring), k, 0);
			k++;
		}
		cJSON_Delete(parts);
	}
	p->nimages = m->nimages;
	p->parts_len = m->parts.len;
	p->found = true;
}

/* Draws pic's preview for width columns (its cells stay empty when it cannot be). */
static void draw_view(struct picture *pic, const struct msg *m, int width)
{
	preview_release(&pic->view);
	pic->view_width = width;
	pic->view_pixels = tui_gfx_mode();
	tui_gfx_cell_size(&pic->view_cell_w, &pic->view_cell_h);
	pic->gfx_id = tui_gfx_new_id();
	if (!preview_available())
		return;
	size_t len = 0;
	cJSON *tree = NULL;
	const char *b64 = pic_base64(pic, m, &len, &tree);
	size_t n = 0;
	unsigned char *bytes = b64 ? base64_decode(b64, len, &n) : NULL;
	cJSON_Delete(tree);
	if (bytes == NULL)
		return;
	struct preview_request rq = {.data = bytes,
	                             .len = n,
	                             .mime = pic->mime,
	                             .max_cols = width,
	                             .max_rows = PREVIEW_MAX_ROWS,
	                             .colors = tui_palette(),
	                             .pixels = pic->view_pixels,
	                             .cell_w = pic->view_cell_w,
	                             .cell_h = pic->view_cell_h};
	char *cause = NULL;
	if (preview_render(&rq, &pic->view, &cause) == 0) {
		pic->width = pic->view.width;
		pic->height = pic->view.height;
		pic->bytes = n;
		set_caption(pic);
	}
	free(cause);
	free(bytes);
}

/* Whether pic's view is the one to show at width, as the terminal draws now. */
static bool drawn_for(const struct picture *pic, int width)
{
	int cw, ch;
	tui_gfx_cell_size(&cw, &ch);
	return pic->view_width == width && pic->view_pixels == tui_gfx_mode() &&
	       (pic->view_pixels == PREVIEW_SYMBOLS ||
	        (pic->view_cell_w == cw && pic->view_cell_h == ch));
}

/* Whether pic's view has the pixels its mode asks for. */
static bool has_pixels(const struct picture *pic)
{
	if (pic->view_pixels == PREVIEW_SIXEL)
		return pic->view.sixel != NULL;
	if (pic->view_pixels == PREVIEW_KITTY)
		return pic->view.rgba != NULL;
	return false;
}

size_t pictures_rows(struct pictures *p, const struct msg *m, int width, bool show)
{
	if (!p->found || p->nimages != m->nimages || p->parts_len != m->parts.len)
		find(p, m);
	size_t rows = 0;
	for (size_t i = 0; i < p->n; i++) {
		struct picture *pic = &p->pics[i];
		if (show && !drawn_for(pic, width))
			draw_view(pic, m, width);
		pic->shown = show;
		rows += 1 + (show ? (size_t)pic->view.rows : 0);
	}
	return rows;
}

size_t pictures_count(const struct pictures *p)
{
	return p->n;
}

const char *pictures_model_mime(const struct pictures *p, size_t i)
{
	return i < p->n && p->pics[i].part != (size_t)-1 ? p->pics[i].mime : NULL;
}

size_t pictures_rows_of(const struct pictures *p, size_t i)
{
	if (i >= p->n)
		return 0;
	return 1 + (p->pics[i].shown ? (size_t)p->pics[i].view.rows : 0);
}

void pictures_draw_row(const struct pictures *p, size_t i, WINDOW *w, size_t r, int col, int width,
                       int height)
{
	if (i >= p->n)
		return;
	const struct picture *pic = &p->pics[i];
	if (r == 0) {
		tui_put_at(w, getcury(w), col, width - col, pic->caption, tui_pair_attr(PAIR_LINK));
		return;
	}
	r--;
	size_t rows = pic->shown ? (size_t)pic->view.rows : 0;
	if (r >= rows)
		return;
	/* In pixels when all of it is in view: its top row says where. */
	int top = getcury(w) - (int)r;
	if (tui_gfx_allowed() && has_pixels(pic) && top >= 0 && top + pic->view.rows <= height &&
	    col + pic->view.cols <= width) {
		if (r == 0)
			tui_gfx_place(getbegy(w) + top, getbegx(w) + col, pic->gfx_id, &pic->view);
		return;
	}
	wmove(w, getcury(w), col);
	const struct preview_cell *cells = pic->view.cells + r * (size_t)pic->view.cols;
	for (int x = 0; x < pic->view.cols && col + x < width; x++)
		tui_put_cell(w, cells[x].text, cells[x].fg, cells[x].bg);
	wattr_set(w, A_NORMAL, 0, NULL);
}
