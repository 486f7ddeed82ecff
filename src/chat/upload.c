/*
 * upload.c: a question's attachments through the Files API before its
 * request leaves (gemini_files.h), for images whose inline bytes would
 * take the request over [limits] max_request_bytes. The status line shows
 * the file on its way (chat_activity), the history says what was uploaded
 * and until when, and the new file URIs are stored with their messages
 * (JOB_FILES). send.c starts it and gets control back through `then`, so
 * this file never calls into send.c. Runs on the loop; never blocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "jarvis/config.h"
#include "jarvis/gemini_files.h"
#include "jarvis/util.h"

/* ---- storing the file URIs --------------------------------------------- */

static void files_work(struct job *j)
{
	struct job_edit *e = &j->u.edit;
	struct store *st = job_store(j);
	for (size_t i = 0; st != NULL && i < e->msgs.n && j->rc == 0; i++) {
		struct msg *m = e->msgs.copies[i];
		if (m->id != NULL &&
		    store_msg_update(st, j->ch->be.x.user_id, e->conv_id, m, &j->cause) < 0)
			j->rc = -1;
	}
}

static void files_done(struct job *j)
{
	if (j->rc < 0)
		store_failed(j->ch, j);
}

static void files_release(struct job *j)
{
	free(j->u.edit.conv_id);
	job_msgs_release(&j->u.edit.msgs);
}

static const struct job_kind JOB_FILES = {"files", true, files_work, files_done, files_release};

/* The messages whose images got a file go to the store (a guest's stay on screen). */
static void store_files(struct chat *ch)
{
	if (ch->user_name == NULL || ch->conv->id == NULL || ch->nfiles_msgs == 0) {
		ch->nfiles_msgs = 0;
		return;
	}
	struct job *j = job_new(ch, &JOB_FILES);
	j->u.edit.conv_id = xstrdup(ch->conv->id);
	for (size_t i = 0; i < ch->nfiles_msgs; i++)
		job_add_msg(&j->u.edit.msgs, ch->files_msgs[i]);
	ch->nfiles_msgs = 0;
	job_submit(ch, j);
}

/* ---- the batch --------------------------------------------------------- */

static struct msg *owner_of(struct chat *ch, const struct image *img)
{
	for (size_t i = 0; i < ch->conv->n; i++) {
		struct msg *m = ch->conv->msgs[i];
		if (m->nimages > 0 && img >= m->images && img < m->images + m->nimages)
			return m;
	}
	return NULL;
}

static void on_progress(void *ud, const struct image *img, size_t sent)
{
	struct chat *ch = ud;
	free(ch->activity);
	if (img->file_uri != NULL && img->file_expires_ms > wall_ms())
		ch->activity = xasprintf("checking %s with the Files API", img->name);
	else if (img->size < (1u << 20))
		ch->activity = xasprintf("uploading %s %zu/%zu KiB (%zu%%)", img->name, sent >> 10,
		                         img->size >> 10, img->size ? sent * 100 / img->size : 100);
	else
		ch->activity = xasprintf("uploading %s %.1f/%.1f MiB (%zu%%)", img->name,
		                         (double)sent / (1 << 20), (double)img->size / (1 << 20),
		                         sent * 100 / img->size);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

static void on_uploaded(void *ud, const struct image *img)
{
	struct chat *ch = ud;
	struct msg *m = owner_of(ch, img);
	if (m != NULL) {
		msg_changed(m);
		bool listed = false;
		for (size_t i = 0; i < ch->nfiles_msgs; i++)
			listed = listed || ch->files_msgs[i] == m;
		if (!listed) {
			ch->files_msgs = xrealloc(ch->files_msgs,
			                          (ch->nfiles_msgs + 1) * sizeof(*ch->files_msgs));
			ch->files_msgs[ch->nfiles_msgs++] = m;
		}
	}
	char when[32] = "";
	time_t t = (time_t)(img->file_expires_ms / 1000);
	struct tm tm;
	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	chat_notice(ch, "uploaded %s (%.1f MiB) to the Files API; it is sent by reference until %s",
	            img->name, (double)img->size / (1 << 20), when);
}

static void on_done(void *ud, const char *error)
{
	struct chat *ch = ud;
	void (*then)(struct chat *) = ch->files_then;
	ch->upload = NULL;
	ch->files_then = NULL;
	free(ch->activity);
	ch->activity = NULL;
	if (error != NULL) {
		ch->files_stage = FILES_FAILED;
		free(ch->files_error);
		ch->files_error = xstrdup(error);
		chat_notice(ch, "the Files API failed (%s); this request goes without it", error);
	} else {
		ch->files_stage = FILES_READY;
	}
	store_files(ch);
	chat_dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
	then(ch);
}

void chat_files_prepare(struct chat *ch, const struct gemini_target *t,
                        const struct gemini_request_info *sent, void (*then)(struct chat *ch))
{
	size_t fresh = 0;
	for (size_t i = 0; i < sent->nupload; i++)
		fresh += sent->upload[i]->file_uri == NULL ||
		         sent->upload[i]->file_expires_ms <= wall_ms() + GEMINI_FILE_MARGIN_MS;
	if (fresh > 0)
		chat_notice(ch,
		            "uploading %zu attachment%s to the Files API: inline, the request "
		            "would pass the %zu bytes of [limits] max_request_bytes",
		            fresh, fresh == 1 ? "" : "s", ch->cfg->max_request_bytes);
	static const struct gemini_uploads_events ev = {on_progress, on_uploaded, on_done};
	ch->files_then = then;
	ch->activity = xstrdup("Files API…");
	ch->upload = gemini_uploads_start(ch->loop, t, sent->upload, sent->nupload, &ev, ch);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

void chat_files_cancel(struct chat *ch)
{
	gemini_uploads_cancel(ch->upload);
	ch->upload = NULL;
	ch->files_then = NULL;
	ch->nfiles_msgs = 0;
	free(ch->activity);
	ch->activity = NULL;
	chat_files_reset(ch);
}

void chat_files_reset(struct chat *ch)
{
	ch->files_stage = FILES_NONE;
	free(ch->files_error);
	ch->files_error = NULL;
}

const char *chat_activity(const struct chat *ch)
{
	return ch->activity;
}
