/*
 * oneshot_files.c: `jarvis -p` puts the attachments that would take its
 * request over [limits] max_request_bytes through the Files API before the
 * request leaves (gemini_files.h), saying on stderr what is uploaded, and
 * stores the new file URIs of earlier messages (the question is stored
 * afterwards, with its own). It runs the loop itself until they are there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jarvis/config.h"
#include "jarvis/gemini_files.h"
#include "jarvis/gemini_request.h"
#include "jarvis/loop.h"
#include "jarvis/oneshot.h"
#include "jarvis/store.h"
#include "jarvis/util.h"

struct files_run {
	const struct conv *c;
	struct msg **changed; /* messages whose images got a file */
	size_t nchanged;
	const struct image *announced; /* the last image "uploading" was said for */
	bool done;
	char *error;
};

static void on_progress(void *ud, const struct image *img, size_t sent)
{
	struct files_run *r = ud;
	if (r->announced == img || (img->file_uri != NULL && img->file_expires_ms > wall_ms()))
		return;
	r->announced = img;
	fprintf(stderr, "jarvis: uploading %s (%.1f MiB) to the Files API\n", img->name,
	        (double)img->size / (1 << 20));
}

static void on_uploaded(void *ud, const struct image *img)
{
	struct files_run *r = ud;
	char when[32] = "";
	time_t t = (time_t)(img->file_expires_ms / 1000);
	struct tm tm;
	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	fprintf(stderr, "jarvis: uploaded %s; it is sent by reference until %s\n", img->name, when);
	for (size_t i = 0; i < r->c->n; i++) {
		struct msg *m = r->c->msgs[i];
		if (m->nimages == 0 || img < m->images || img >= m->images + m->nimages)
			continue;
		for (size_t k = 0; k < r->nchanged; k++)
			if (r->changed[k] == m)
				return;
		r->changed = xrealloc(r->changed, (r->nchanged + 1) * sizeof(*r->changed));
		r->changed[r->nchanged++] = m;
		return;
	}
}

static void on_done(void *ud, const char *error)
{
	struct files_run *r = ud;
	r->done = true;
	r->error = error ? xstrdup(error) : NULL;
}

int oneshot_files(struct loop *l, const struct oneshot_store *where, const struct conv *c,
                  const struct gemini_target *t, const struct gemini_request_info *sent,
                  char **error)
{
	struct files_run r = {.c = c};
	static const struct gemini_uploads_events ev = {on_progress, on_uploaded, on_done};
	gemini_uploads_start(l, t, sent->upload, sent->nupload, &ev, &r);
	while (!r.done)
		loop_run_once(l, -1);
	/* Earlier messages are stored already: their images' new files go there too. */
	for (size_t i = 0; where->st != NULL && where->conv_id != NULL && i < r.nchanged; i++) {
		struct msg *m = r.changed[i];
		char *cause = NULL;
		if (m->id != NULL &&
		    store_msg_update(where->st, where->user_id, where->conv_id, m, &cause) < 0) {
			fprintf(stderr,
			        "jarvis: the file of an earlier attachment was not saved: %s\n",
			        cause);
			free(cause);
		}
	}
	free(r.changed);
	if (r.error != NULL) {
		fprintf(stderr, "jarvis: the Files API failed (%s); this request goes without it\n",
		        r.error);
		*error = r.error;
		return -1;
	}
	return 0;
}
