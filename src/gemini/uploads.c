/*
 * uploads.c: the attachments of one request through the Files API, one
 * after another (see gemini_files.h): a file that should still be there
 * is looked up, a missing or never-uploaded one is uploaded from the
 * bytes the message keeps. Each image gets its file URI and expiry here.
 */
#include <stdlib.h>
#include <string.h>

#include "jarvis/base64.h"
#include "jarvis/gemini_files.h"
#include "jarvis/loop.h"
#include "jarvis/util.h"

struct gemini_uploads {
	struct loop *loop;
	struct gemini_target target;
	struct gemini_uploads_events ev;
	void *ud;
	struct image **imgs;
	size_t n, i;
	struct gemini_upload *cur;
	unsigned timer;
	char *error;
};

static void next(struct gemini_uploads *u);

static void batch_free(struct gemini_uploads *u)
{
	if (u->timer != 0)
		loop_timer_cancel(u->loop, u->timer);
	gemini_upload_cancel(u->cur);
	free(u->imgs);
	free(u->error);
	free(u);
}

static void end(struct gemini_uploads *u, const char *error)
{
	u->cur = NULL;
	u->ev.on_done(u->ud, error);
	batch_free(u);
}

static void end_later(void *ud)
{
	struct gemini_uploads *u = ud;
	u->timer = 0;
	if (u->error != NULL) {
		char *e = u->error;
		u->error = NULL;
		end(u, e);
		free(e);
		return;
	}
	next(u);
}

static void set_file(struct image *img, const struct gemini_file *f)
{
	if (img->file_uri == NULL || strcmp(img->file_uri, f->uri) != 0) {
		free(img->file_uri);
		img->file_uri = xstrdup(f->uri);
	}
	img->file_expires_ms = f->expires_ms;
}

static void uploaded(void *ud, const struct gemini_file *f, const char *error)
{
	struct gemini_uploads *u = ud;
	struct image *img = u->imgs[u->i];
	u->cur = NULL;
	if (f == NULL) {
		char *line = xasprintf("%s could not be uploaded: %s", img->name, error);
		end(u, line);
		free(line);
		return;
	}
	set_file(img, f);
	if (u->ev.on_uploaded != NULL)
		u->ev.on_uploaded(u->ud, img);
	u->i++;
	next(u);
}

static void progress(void *ud, size_t sent, size_t total)
{
	struct gemini_uploads *u = ud;
	if (u->ev.on_progress != NULL)
		u->ev.on_progress(u->ud, u->imgs[u->i], sent);
}

/* "data:MIME;base64,DATA" decoded; NULL when it is not that. */
static unsigned char *image_bytes(const struct image *img, size_t *len)
{
	const char *comma = img->data_uri ? strstr(img->data_uri, ";base64,") : NULL;
	if (comma == NULL)
		return NULL;
	const char *data = comma + strlen(";base64,");
	return base64_decode(data, strlen(data), len);
}

static void upload(struct gemini_uploads *u, struct image *img)
{
	size_t len = 0;
	unsigned char *bytes = image_bytes(img, &len);
	if (bytes == NULL) {
		char *line =
		    xasprintf("%s could not be uploaded: its stored copy is damaged", img->name);
		end(u, line);
		free(line);
		return;
	}
	static const struct gemini_upload_events ev = {progress, uploaded};
	char *cause = NULL;
	u->cur = gemini_upload_start(u->loop, &u->target, img->name, img->mime, bytes, len, &ev, u,
	                             &cause);
	free(bytes);
	if (u->cur == NULL) {
		char *line = xasprintf("%s could not be uploaded: %s", img->name, cause);
		free(cause);
		end(u, line);
		free(line);
	}
}

static void checked(void *ud, const struct gemini_file *f, const char *error)
{
	struct gemini_uploads *u = ud;
	struct image *img = u->imgs[u->i];
	u->cur = NULL;
	if (f != NULL) {
		set_file(img, f);
		u->i++;
		next(u);
		return;
	}
	if (strcmp(error, GEMINI_FILE_MISSING) != 0) {
		end(u, error);
		return;
	}
	/* Gone (expired early, deleted): again from the stored copy. */
	free(img->file_uri);
	img->file_uri = NULL;
	img->file_expires_ms = 0;
	upload(u, img);
}

static void next(struct gemini_uploads *u)
{
	if (u->i == u->n) {
		end(u, NULL);
		return;
	}
	struct image *img = u->imgs[u->i];
	if (img->file_uri == NULL || img->file_expires_ms <= wall_ms()) {
		upload(u, img);
		return;
	}
	static const struct gemini_upload_events ev = {NULL, checked};
	char *cause = NULL;
	u->cur = gemini_file_check(u->loop, &u->target, img->file_uri, &ev, u, &cause);
	if (u->cur == NULL) {
		/* A URI that cannot be looked up is as good as none. */
		free(cause);
		free(img->file_uri);
		img->file_uri = NULL;
		upload(u, img);
	}
}

struct gemini_uploads *gemini_uploads_start(struct loop *l, const struct gemini_target *t,
                                            struct image *const *imgs, size_t n,
                                            const struct gemini_uploads_events *ev, void *ud)
{
	struct gemini_uploads *u = xcalloc(1, sizeof(*u));
	u->loop = l;
	u->target = *t;
	u->ev = *ev;
	u->ud = ud;
	u->imgs = xcalloc(n + 1, sizeof(*u->imgs));
	for (size_t i = 0; i < n; i++)
		u->imgs[i] = imgs[i];
	u->n = n;
	/* From the loop, so on_done never runs inside this call. */
	u->timer = loop_timer_add(l, 0, end_later, u);
	return u;
}

void gemini_uploads_cancel(struct gemini_uploads *u)
{
	if (u != NULL)
		batch_free(u);
}
