/*
 * gemini_files.h: the Gemini Files API on the loop, for attachments whose
 * inline form would take a request over its size limit (research/
 * peers-ecosystem.md §2): a resumable upload (start, then 8 MiB chunks
 * with "upload" and a last "upload, finalize"), waiting while the file is
 * PROCESSING, and a look-up that says whether an uploaded file is still
 * there. Nothing here blocks; callbacks run on the loop.
 */
#ifndef JARVIS_GEMINI_FILES_H
#define JARVIS_GEMINI_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/conv.h"
#include "jarvis/gemini.h"

struct loop;
struct gemini_upload;
struct gemini_uploads;

/* Bytes per upload request; the API's chunk granularity. */
#define GEMINI_UPLOAD_CHUNK ((size_t)8 << 20)
/* How long an uploaded file stays when the API does not say (it keeps them 48 h). */
#define GEMINI_FILE_TTL_MS (48LL * 3600 * 1000)

/* What the API made of an upload; strings owned by the library for the callback's time. */
struct gemini_file {
	const char *name; /* "files/abc123" */
	const char *uri;  /* what a fileData part names */
	long long expires_ms;
};

struct gemini_upload_events {
	/* Body bytes sent so far of the file's total (may be NULL). */
	void (*on_progress)(void *ud, size_t sent, size_t total);
	/* Exactly once: the file (ACTIVE), or NULL with a line for the user. */
	void (*on_done)(void *ud, const struct gemini_file *f, const char *error);
};

/*
 * Uploads len bytes of type mime, shown as display_name; copies what it
 * needs. NULL with cause when nothing could start (on_done then never runs).
 */
struct gemini_upload *gemini_upload_start(struct loop *l, const struct gemini_target *t,
                                          const char *display_name, const char *mime,
                                          const void *data, size_t len,
                                          const struct gemini_upload_events *ev, void *ud,
                                          char **cause);
/*
 * Looks up an uploaded file by its URI: on_done gets it when it is there
 * and ACTIVE (after waiting out PROCESSING), NULL with error "missing"
 * (GEMINI_FILE_MISSING) when the API no longer has it, else another error.
 */
struct gemini_upload *gemini_file_check(struct loop *l, const struct gemini_target *t,
                                        const char *uri, const struct gemini_upload_events *ev,
                                        void *ud, char **cause);
/* The error text of a file the API does not have (expired, deleted, never made). */
#define GEMINI_FILE_MISSING "missing"
/* Stops it; no callback runs afterwards. NULL is a no-op. */
void gemini_upload_cancel(struct gemini_upload *u);

/*
 * The attachments of one request that go by the Files API: each with a
 * file is looked up, each without one (or whose file is gone) uploaded;
 * img->file_uri and img->file_expires_ms are set on the way. The images
 * must outlive the batch (cancel it before freeing them).
 */
struct gemini_uploads_events {
	/* The file now being uploaded, with bytes sent (0 when it starts). */
	void (*on_progress)(void *ud, const struct image *img, size_t sent);
	/* img was uploaded (its file fields are set); may be NULL. */
	void (*on_uploaded)(void *ud, const struct image *img);
	/* Exactly once: NULL when every image has a live file, else why not. */
	void (*on_done)(void *ud, const char *error);
};

struct gemini_uploads *gemini_uploads_start(struct loop *l, const struct gemini_target *t,
                                            struct image *const *imgs, size_t n,
                                            const struct gemini_uploads_events *ev, void *ud);
/* Stops the batch; no callback runs afterwards. NULL is a no-op. */
void gemini_uploads_cancel(struct gemini_uploads *u);

/* "2026-12-04T20:25:00.123456Z" as ms since the epoch; -1 when it is not that. */
long long gemini_time_ms(const char *rfc3339);

#endif
