/*
 * sqlite_messages.c: the SQLite engine's messages and their images:
 * append (numbered under the write lock), rewrite, feedback, and read a
 * page. The statements are named in sqlite.h and written in sqlite.c.
 * Each checks first that the conversation is the caller's.
 */
#include <stdint.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "sqlite.h"
#include "jarvis/util.h"

/* 0 when the conversation exists and is the user's, else NOTFOUND or ERROR. */
static int owns(struct sq *s, sqlite3_int64 uid, sqlite3_int64 cid, char **cause)
{
	sqlite3_stmt *st = sq_prep(s, ST_CONV_OWNED, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, uid);
	int rc = sqlite3_step(st);
	sq_done(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? ENGINE_NO_CONV : sq_stmt_fail(s, ST_CONV_OWNED, cause);
}

/* What is stored for m at seq: its sealed copy (*w, to free) or m itself; NULL: refused. */
static const struct msg *stored_form(const struct rec_sealer *seal, const char *user_id,
                                     const char *conv_id, const struct msg *m, long seq,
                                     struct msg **w)
{
	*w = NULL;
	if (seal == NULL)
		return m;
	*w = seal->seal(seal, user_id, conv_id, m, seq);
	return *w;
}

/* Inserts w (the stored form of a message) and its images at seq; the new row id in *mid. */
static int insert_locked(struct sq *s, sqlite3_int64 uid, sqlite3_int64 cid, long seq,
                         const struct msg *w, sqlite3_int64 *mid, char **cause)
{
	sqlite3_stmt *st = sq_prep(s, ST_MSG_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_int64(st, 3, seq);
	sq_bind_record(st, ST_MSG_INSERT, 4, w);
	int rc = sq_run(s, ST_MSG_INSERT, cause); /* STORE_FULL too: large images */
	if (rc < 0)
		return rc;
	*mid = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < w->nimages; i++) {
		st = sq_prep(s, ST_IMAGE_INSERT, cause);
		if (st == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(st, 1, *mid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sq_bind_record(st, ST_IMAGE_INSERT, 3, &w->images[i]);
		if ((rc = sq_run(s, ST_IMAGE_INSERT, cause)) < 0)
			return rc;
	}
	return STORE_OK;
}

static int append_locked(struct sq *s, const char *user_id, const char *conv_id, struct msg *m,
                         long long now, const struct rec_sealer *seal, char **cause)
{
	sqlite3_int64 uid, cid, mid = 0;
	if (sq_parse_id(user_id, &uid) < 0 || sq_parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	int rc = owns(s, uid, cid, cause);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = sq_prep(s, ST_MSG_NEXT_SEQ, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sq_done(st);
		return sq_stmt_fail(s, ST_MSG_NEXT_SEQ, cause);
	}
	long seq = (long)sqlite3_column_int64(st, 0);
	sq_done(st);

	if (m->created_ms == 0)
		m->created_ms = now;
	struct msg *sealed;
	const struct msg *w = stored_form(seal, user_id, conv_id, m, seq, &sealed);
	if (w == NULL)
		return ENGINE_NO_KEY;
	rc = insert_locked(s, uid, cid, seq, w, &mid, cause);
	msg_free(sealed);
	if (rc < 0)
		return rc;

	st = sq_prep(s, ST_CONV_TOUCH, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, cid);
	if (sq_run(s, ST_CONV_TOUCH, cause) < 0)
		return STORE_ERROR;
	free(m->id);
	m->id = sq_id_str(mid);
	m->seq = seq;
	return STORE_OK;
}

int sq_msg_append(void *h, const char *user_id, const char *conv_id, struct msg *m, const char *id,
                  long long now, const struct rec_sealer *seal, char **cause)
{
	struct sq *s = h;
	(void)id;
	/* IMMEDIATE takes the write lock before reading MAX(seq), so two processes
	 * cannot both pick the same next seq. */
	int rc = sq_exec(s, "BEGIN IMMEDIATE", "starting to store a message", cause);
	if (rc < 0)
		return rc;
	rc = append_locked(s, user_id, conv_id, m, now, seal, cause);
	if (rc == 0)
		rc = sq_exec(s, "COMMIT", "committing a message", cause);
	if (rc < 0)
		sq_rollback(s);
	return rc;
}

/* The stored seq of message mid of the user's conversation: 0, or ENGINE_NO_MSG / NO_CONV. */
static int stored_seq(struct sq *s, sqlite3_int64 uid, sqlite3_int64 cid, sqlite3_int64 mid,
                      long *seq, char **cause)
{
	sqlite3_stmt *st = sq_prep(s, ST_MSG_SEQ, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, mid);
	sqlite3_bind_int64(st, 2, cid);
	sqlite3_bind_int64(st, 3, uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = (long)sqlite3_column_int64(st, 0);
	sq_done(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc != SQLITE_DONE)
		return sq_stmt_fail(s, ST_MSG_SEQ, cause);
	rc = owns(s, uid, cid, cause);
	return rc < 0 ? rc : ENGINE_NO_MSG;
}

int sq_msg_update(void *h, const char *user_id, const char *conv_id, const struct msg *m,
                  const struct rec_sealer *seal, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid, mid;
	if (sq_parse_id(user_id, &uid) < 0 || sq_parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (sq_parse_id(m->id, &mid) < 0)
		return ENGINE_NO_MSG;
	long seq = m->seq;
	int rc = seal != NULL ? stored_seq(s, uid, cid, mid, &seq, cause) : STORE_OK;
	if (rc < 0)
		return rc;
	struct msg *sealed;
	const struct msg *w = stored_form(seal, user_id, conv_id, m, seq, &sealed);
	if (w == NULL)
		return ENGINE_NO_KEY;
	sqlite3_stmt *st = sq_prep(s, ST_MSG_UPDATE, cause);
	if (st == NULL) {
		msg_free(sealed);
		return STORE_ERROR;
	}
	int i = sq_bind_record(st, ST_MSG_UPDATE, 1, w);
	sqlite3_bind_int64(st, i, mid);
	sqlite3_bind_int64(st, i + 1, cid);
	sqlite3_bind_int64(st, i + 2, uid);
	rc = sq_run(s, ST_MSG_UPDATE, cause);
	msg_free(sealed);
	if (rc < 0)
		return rc;
	if (sqlite3_changes(s->db) == 0) {
		rc = owns(s, uid, cid, cause);
		return rc < 0 ? rc : ENGINE_NO_MSG;
	}
	/* The Files API copies its images got (the message is the caller's: checked above). */
	for (size_t k = 0; k < m->nimages; k++) {
		if (m->images[k].file_uri == NULL)
			continue;
		st = sq_prep(s, ST_IMAGE_UPDATE, cause);
		if (st == NULL)
			return STORE_ERROR;
		i = sq_bind_record(st, ST_IMAGE_UPDATE, 1, &m->images[k]);
		sqlite3_bind_int64(st, i, mid);
		sqlite3_bind_int64(st, i + 1, (sqlite3_int64)k);
		if (sq_run(s, ST_IMAGE_UPDATE, cause) < 0)
			return STORE_ERROR;
	}
	return STORE_OK;
}

int sq_msg_feedback(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                    int feedback, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid, mid;
	if (sq_parse_id(user_id, &uid) < 0 || sq_parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (sq_parse_id(msg_id, &mid) < 0)
		return ENGINE_NO_MSG;
	sqlite3_stmt *st = sq_prep(s, ST_MSG_FEEDBACK, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(st, 1, feedback);
	sqlite3_bind_int64(st, 2, mid);
	sqlite3_bind_int64(st, 3, cid);
	sqlite3_bind_int64(st, 4, uid);
	if (sq_run(s, ST_MSG_FEEDBACK, cause) < 0)
		return STORE_ERROR;
	if (sqlite3_changes(s->db) == 0) {
		int rc = owns(s, uid, cid, cause);
		return rc < 0 ? rc : ENGINE_NO_MSG;
	}
	return STORE_OK;
}

static int load_images(struct sq *s, sqlite3_int64 mid, struct msg *m, char **cause)
{
	sqlite3_stmt *st = sq_prep(s, ST_IMAGE_LIST, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, mid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sq_read_record(st, ST_IMAGE_LIST, 0, rec_add_image(m));
	}
	sq_done(st);
	if (rc != SQLITE_DONE)
		return sq_stmt_fail(s, ST_IMAGE_LIST, cause);
	return STORE_OK;
}

int sq_msg_page(void *h, const char *user_id, const char *conv_id, long before_seq, size_t limit,
                struct store_msgs *out, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid;
	if (sq_parse_id(user_id, &uid) < 0 || sq_parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	/* One read transaction, so the page is one consistent snapshot. */
	if (sq_exec(s, "BEGIN", "starting to read messages", cause) < 0)
		return STORE_ERROR;
	int rc = owns(s, uid, cid, cause);
	if (rc < 0 || limit == 0)
		goto out;
	sqlite3_stmt *st = sq_prep(s, ST_MSG_PAGE, cause);
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, before_seq > 0 ? before_seq : INT64_MAX);
	sqlite3_bind_int64(st, 3, sq_clamp64(limit));
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct msg *m = msg_new(ROLE_MODEL, NULL);
		m->id = sq_id_str(sqlite3_column_int64(st, 0));
		m->seq = (long)sqlite3_column_int64(st, 1);
		sq_read_record(st, ST_MSG_PAGE, 2, m);
		store_msgs_push(out, m);
	}
	sq_done(st);
	if (step != SQLITE_DONE) {
		rc = sq_stmt_fail(s, ST_MSG_PAGE, cause);
		goto out;
	}
	/* Read newest first to use the index from the end; hand back oldest first. */
	for (size_t i = 0; i < out->n / 2; i++) {
		struct msg *tmp = out->items[i];
		out->items[i] = out->items[out->n - 1 - i];
		out->items[out->n - 1 - i] = tmp;
	}
	for (size_t i = 0; i < out->n && rc == 0; i++) {
		sqlite3_int64 mid;
		sq_parse_id(out->items[i]->id, &mid);
		rc = load_images(s, mid, out->items[i], cause);
	}
out:
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int sq_msg_image_set(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                     size_t index, const char *name, const char *data_uri, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid, mid;
	if (sq_parse_id(user_id, &uid) < 0 || sq_parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (sq_parse_id(msg_id, &mid) < 0)
		return ENGINE_NO_MSG;
	sqlite3_stmt *st = sq_prep(s, ST_IMAGE_SET, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, name ? name : "");
	sq_bind_str(st, 2, data_uri ? data_uri : "");
	sqlite3_bind_int64(st, 3, mid);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)index);
	sqlite3_bind_int64(st, 5, mid);
	sqlite3_bind_int64(st, 6, cid);
	sqlite3_bind_int64(st, 7, uid);
	return sq_run_changing(s, ST_IMAGE_SET, ENGINE_NO_MSG, cause);
}
