/*
 * preview.c: the way to the jarvis-chafa plugin (see preview.h). The plugin
 * is loaded by the first preview that is asked for; one that cannot be
 * loaded is not tried again, and every later preview fails at once.
 */
#include "jarvis/preview.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/imagesize.h"
#include "jarvis/plugin.h"
#include "jarvis/util.h"

/*
 * The most pixels decoded for a preview: a small file may claim a huge
 * size (a PNG of one colour compresses to almost nothing), and PNG is
 * decoded whole before it is scaled down.
 */
#define PREVIEW_MAX_PIXELS (64L * 1024 * 1024)

static preview_render_fn render;
static char *load_failure; /* why the plugin could not be loaded, once it could not */

bool preview_available(void)
{
	return load_failure == NULL;
}

int preview_render(const struct preview_request *rq, struct preview *p, char **cause)
{
	long w = 0, h = 0;
	if (image_size(rq->data, rq->len, &w, &h) && (w > PREVIEW_MAX_PIXELS / h)) {
		memset(p, 0, sizeof *p);
		return set_cause(cause, "the image is %ldx%ld pixels, too large to preview", w, h);
	}
	if (render == NULL && load_failure == NULL) {
		char *why = NULL;
		*(void **)&render = plugin_symbol("chafa", "image_chafa_render", &why);
		if (render == NULL)
			load_failure = why ? why : xstrdup("jarvis-chafa.so could not be loaded");
		else
			free(why);
	}
	if (render == NULL) {
		memset(p, 0, sizeof *p);
		return set_cause(cause, "%s", load_failure);
	}
	return render(rq, p, cause);
}

void preview_release(struct preview *p)
{
	free(p->cells);
	free(p->sixel);
	free(p->rgba);
	p->cells = NULL;
	p->sixel = NULL;
	p->rgba = NULL;
	p->sixel_len = 0;
	p->cols = p->rows = p->px_w = p->px_h = 0;
}
