/*
 * mongo_messages.c: the MongoDB engine's messages, their images inside
 * them, and how they are numbered.
 *
 * Message numbering: each conversation holds a counter (last_seq) that
 * findAndModify $inc hands out; the unique index {conversation_id, seq} is
 * the real guard, and a conflicting insert takes the next number. So seqs
 * are unique and increasing; a lost race can leave a gap. (FerretDB's
 * findAndModify is not atomic between clients, so there the index does
 * the work: tested with two processes appending at once.)
 */
#include <mongoc/mongoc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mongo.h"
#include "jarvis/util.h"

#define APPEND_TRIES 64

/*
 * Takes the next number from the conversation's counter, checking its
 * owner in the same step. 0 with *seq set, or NOTFOUND / ERROR.
 */
static int next_seq(struct mg *g, const bson_oid_t *uid, const bson_oid_t *cid, long *seq,
                    char **cause)
{
	bson_t cmd = BSON_INITIALIZER, q, upd, inc, reply;
	bson_error_t err;
	BSON_APPEND_UTF8(&cmd, "findAndModify", mongoc_collection_get_name(g->convs));
	BSON_APPEND_DOCUMENT_BEGIN(&cmd, "query", &q);
	BSON_APPEND_OID(&q, "_id", cid);
	BSON_APPEND_OID(&q, "user_id", uid);
	bson_append_document_end(&cmd, &q);
	BSON_APPEND_DOCUMENT_BEGIN(&cmd, "update", &upd);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$inc", &inc);
	BSON_APPEND_INT64(&inc, "last_seq", 1);
	bson_append_document_end(&upd, &inc);
	bson_append_document_end(&cmd, &upd);
	/* No "fields" projection: FerretDB v1 rejects it; the document is small. */
	BSON_APPEND_BOOL(&cmd, "new", true);
	bool ok = mongoc_collection_command_simple(g->convs, &cmd, NULL, &reply, &err);
	bson_destroy(&cmd);
	if (!ok) {
		bson_destroy(&reply);
		return mg_fail(g, &err, cause);
	}
	bson_iter_t it, v;
	int rc;
	if (bson_iter_init_find(&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it) &&
	    bson_iter_recurse(&it, &v) && bson_iter_find(&v, "last_seq") &&
	    BSON_ITER_HOLDS_NUMBER(&v)) {
		*seq = (long)bson_iter_as_int64(&v);
		rc = STORE_OK;
	} else {
		rc = ENGINE_NO_CONV;
	}
	bson_destroy(&reply);
	return rc;
}

/* The highest seq stored in a conversation (0 when empty). */
static int max_seq(struct mg *g, const bson_oid_t *cid, long *seq, char **cause)
{
	bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER, sub, doc;
	bson_error_t err;
	BSON_APPEND_OID(&filter, "conversation_id", cid);
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sub);
	BSON_APPEND_INT32(&sub, "seq", -1);
	bson_append_document_end(&opts, &sub);
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &sub);
	BSON_APPEND_INT32(&sub, "seq", 1);
	bson_append_document_end(&opts, &sub);
	BSON_APPEND_INT64(&opts, "limit", 1);
	int found = mg_find_one(g->msgs, &filter, &opts, &doc, &err);
	bson_destroy(&filter);
	bson_destroy(&opts);
	if (found < 0)
		return mg_fail(g, &err, cause);
	*seq = found ? (long)mg_get_num(&doc, "seq") : 0;
	if (found)
		bson_destroy(&doc);
	return STORE_OK;
}

/* One field of a record as BSON. */
static void put_field(bson_t *doc, const struct rec_field *f, const void *rec)
{
	size_t len;
	const char *s;
	if (!rec_is_text(f)) {
		long long v = rec_int(f, rec);
		if (f->type == REC_TIME)
			BSON_APPEND_DATE_TIME(doc, f->name, v);
		else if (f->type == REC_INT)
			BSON_APPEND_INT32(doc, f->name, (int32_t)v);
		else
			BSON_APPEND_INT64(doc, f->name, v);
	} else if ((s = rec_text(f, rec, &len)) == NULL) {
		bson_append_null(doc, f->name, -1);
	} else {
		bson_append_utf8(doc, f->name, -1, s, (int)len);
	}
}

/*
 * The fields of a record (those with all of `flags`) into doc, each group
 * ("usage") as a sub-document; a group's fields stand together in the table.
 */
static void put_record(bson_t *doc, const struct rec_table *t, const void *rec, unsigned flags)
{
	bson_t sub;
	const char *group = NULL;
	for (size_t i = 0; i < t->n; i++) {
		const struct rec_field *f = &t->fields[i];
		if ((f->flags & flags) != flags)
			continue;
		if (group != NULL && (f->group == NULL || strcmp(f->group, group) != 0)) {
			bson_append_document_end(doc, &sub);
			group = NULL;
		}
		if (f->group != NULL && group == NULL) {
			group = f->group;
			BSON_APPEND_DOCUMENT_BEGIN(doc, group, &sub);
		}
		put_field(group != NULL ? &sub : doc, f, rec);
	}
	if (group != NULL)
		bson_append_document_end(doc, &sub);
}

/* A record's fields from doc; what is missing reads as null or 0. */
static void get_record(const bson_t *doc, const struct rec_table *t, void *rec)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct rec_field *f = &t->fields[i];
		char path[128];
		bson_iter_t top, it;
		snprintf(path, sizeof(path), "%s%s%s", f->group ? f->group : "",
		         f->group ? "." : "", f->name);
		bool found =
		    bson_iter_init(&top, doc) && bson_iter_find_descendant(&top, path, &it);
		if (rec_is_text(f)) {
			uint32_t len = 0;
			const char *s =
			    found && BSON_ITER_HOLDS_UTF8(&it) ? bson_iter_utf8(&it, &len) : NULL;
			rec_set_text(f, rec, s, len);
		} else if (found && BSON_ITER_HOLDS_DATE_TIME(&it)) {
			rec_set_int(f, rec, bson_iter_date_time(&it));
		} else {
			rec_set_int(f, rec,
			            found && BSON_ITER_HOLDS_NUMBER(&it) ? bson_iter_as_int64(&it)
			                                                 : 0);
		}
	}
}

static void msg_doc(bson_t *doc, const bson_oid_t *mid, const bson_oid_t *cid,
                    const bson_oid_t *uid, long seq, const struct msg *m)
{
	bson_t arr, img;
	BSON_APPEND_OID(doc, "_id", mid);
	BSON_APPEND_OID(doc, "conversation_id", cid);
	BSON_APPEND_OID(doc, "user_id", uid);
	BSON_APPEND_INT64(doc, "seq", seq);
	put_record(doc, &msg_record, m, 0);
	BSON_APPEND_ARRAY_BEGIN(doc, "images", &arr);
	for (size_t i = 0; i < m->nimages; i++) {
		char key[24];
		const char *k;
		bson_uint32_to_string((uint32_t)i, &k, key, sizeof(key));
		BSON_APPEND_DOCUMENT_BEGIN(&arr, k, &img);
		put_record(&img, &image_record, &m->images[i], 0);
		bson_append_document_end(&arr, &img);
	}
	bson_append_array_end(doc, &arr);
}

/* 1 when a message with this _id is stored (m->id and m->seq then filled), 0 not, <0 error. */
static int msg_stored(struct mg *g, const bson_oid_t *mid, struct msg *m, char **cause)
{
	bson_t filter = BSON_INITIALIZER, doc;
	bson_error_t err;
	BSON_APPEND_OID(&filter, "_id", mid);
	int found = mg_find_one(g->msgs, &filter, NULL, &doc, &err);
	bson_destroy(&filter);
	if (found < 0)
		return mg_fail(g, &err, cause);
	if (found == 0)
		return 0;
	free(m->id);
	m->id = mg_oid_str(mid);
	m->seq = (long)mg_get_num(&doc, "seq");
	m->created_ms = mg_get_num(&doc, "created_at");
	bson_destroy(&doc);
	return 1;
}

int mg_msg_append(void *h, const char *user_id, const char *conv_id, struct msg *m, const char *id,
                  long long now, const struct rec_sealer *seal, char **cause)
{
	struct mg *g = h;
	bson_oid_t uid, cid, mid;
	bson_error_t err;
	if (mg_oid_parse(user_id, &uid) < 0 || mg_oid_parse(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (m->created_ms == 0)
		m->created_ms = now;
	if (id == NULL)
		bson_oid_init(&mid, NULL);
	else if (mg_oid_parse(id, &mid) < 0)
		return set_cause(cause, "store: '%s' is not a message id", id), STORE_INVALID;
	long seq = 0;
	int tries, rc = next_seq(g, &uid, &cid, &seq, cause);
	if (rc < 0)
		return rc;
	for (tries = 0; tries < APPEND_TRIES; tries++) {
		struct msg *sealed = seal ? seal->seal(seal, user_id, conv_id, m, seq) : NULL;
		if (seal != NULL && sealed == NULL)
			return ENGINE_NO_KEY;
		bson_t doc = BSON_INITIALIZER;
		msg_doc(&doc, &mid, &cid, &uid, seq, sealed ? sealed : m);
		msg_free(sealed);
		bool ok = mongoc_collection_insert_one(g->msgs, &doc, NULL, NULL, &err);
		bson_destroy(&doc);
		if (ok)
			break;
		if (err.code != DUPLICATE_KEY)
			return mg_fail(g, &err, cause);
		/* A client id may have been stored already (a replay after a crash, or a
		 * reply lost on the way back): then this is done, not a seq conflict. */
		if (id != NULL && (rc = msg_stored(g, &mid, m, cause)) != 0)
			return rc < 0 ? rc : STORE_EXISTS;
		/* The counter is behind the messages (a server whose findAndModify is not
		 * atomic, or messages written by another tool): number from the highest
		 * stored seq instead, after a short pause that breaks lock-step races. */
		struct timespec ts = {0, (long)(tries + 1) * 150000L * (1 + getpid() % 3)};
		nanosleep(&ts, NULL);
		if ((rc = max_seq(g, &cid, &seq, cause)) < 0)
			return rc;
		seq++;
	}
	if (tries == APPEND_TRIES)
		return set_cause(cause, "could not number it after %d tries; try again",
		                 APPEND_TRIES),
		       STORE_ERROR;

	bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER, sub;
	BSON_APPEND_OID(&filter, "_id", &cid);
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$max", &sub);
	BSON_APPEND_DATE_TIME(&sub, "updated_at", now);
	BSON_APPEND_INT64(&sub, "last_seq", seq); /* catch the counter up after a conflict */
	bson_append_document_end(&update, &sub);
	/* The insert above is the commit point: a failure to touch the conversation
	 * must not report the message unsaved, or a retry would store it twice. */
	mg_update_matched(g->convs, &filter, &update, &err);
	bson_destroy(&filter);
	bson_destroy(&update);
	free(m->id);
	m->id = mg_oid_str(&mid);
	m->seq = seq;
	return STORE_OK;
}

/* Whether the user owns the conversation: 0, NOTFOUND or ERROR. */
static int owns(struct mg *g, const char *user_id, const char *conv_id, char **cause)
{
	bson_t filter, opts = BSON_INITIALIZER, proj, doc;
	bson_error_t err;
	if (mg_conv_filter(&filter, user_id, conv_id) < 0) {
		bson_destroy(&opts);
		return ENGINE_NO_CONV;
	}
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
	BSON_APPEND_INT32(&proj, "_id", 1);
	bson_append_document_end(&opts, &proj);
	int found = mg_find_one(g->convs, &filter, &opts, &doc, &err);
	bson_destroy(&filter);
	bson_destroy(&opts);
	if (found < 0)
		return mg_fail(g, &err, cause);
	if (found == 0)
		return ENGINE_NO_CONV;
	bson_destroy(&doc);
	return STORE_OK;
}

/* Updates one message of the user's conversation; NOTFOUND when none matched. */
static int msg_set(struct mg *g, const char *user_id, const char *conv_id, const char *msg_id,
                   const bson_t *update, char **cause)
{
	bson_oid_t uid, cid, mid;
	bson_error_t err;
	if (mg_oid_parse(user_id, &uid) < 0 || mg_oid_parse(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (mg_oid_parse(msg_id, &mid) < 0) {
		int rc = owns(g, user_id, conv_id, cause);
		return rc < 0 ? rc : ENGINE_NO_MSG;
	}
	bson_t filter = BSON_INITIALIZER;
	BSON_APPEND_OID(&filter, "_id", &mid);
	BSON_APPEND_OID(&filter, "conversation_id", &cid);
	BSON_APPEND_OID(&filter, "user_id", &uid);
	int m = mg_update_matched(g->msgs, &filter, update, &err);
	bson_destroy(&filter);
	if (m < 0)
		return mg_fail(g, &err, cause);
	if (m == 0) {
		int rc = owns(g, user_id, conv_id, cause);
		return rc < 0 ? rc : ENGINE_NO_MSG;
	}
	return STORE_OK;
}

/* The stored seq of the user's message msg_id: 0, or ENGINE_NO_MSG / NO_CONV / ERROR. */
static int stored_seq(struct mg *g, const char *user_id, const char *conv_id, const char *msg_id,
                      long *seq, char **cause)
{
	bson_oid_t uid, cid, mid;
	bson_error_t err;
	if (mg_oid_parse(user_id, &uid) < 0 || mg_oid_parse(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (mg_oid_parse(msg_id, &mid) < 0)
		return ENGINE_NO_MSG;
	bson_t filter = BSON_INITIALIZER, doc;
	BSON_APPEND_OID(&filter, "_id", &mid);
	BSON_APPEND_OID(&filter, "conversation_id", &cid);
	BSON_APPEND_OID(&filter, "user_id", &uid);
	int found = mg_find_one(g->msgs, &filter, NULL, &doc, &err);
	bson_destroy(&filter);
	if (found < 0)
		return mg_fail(g, &err, cause);
	if (found == 0) {
		int rc = owns(g, user_id, conv_id, cause);
		return rc < 0 ? rc : ENGINE_NO_MSG;
	}
	*seq = (long)mg_get_num(&doc, "seq");
	bson_destroy(&doc);
	return STORE_OK;
}

int mg_msg_update(void *h, const char *user_id, const char *conv_id, const struct msg *m,
                  const struct rec_sealer *seal, char **cause)
{
	struct msg *sealed = NULL;
	if (seal != NULL) {
		long seq = 0;
		int rc = stored_seq(h, user_id, conv_id, m->id, &seq, cause);
		if (rc < 0)
			return rc;
		if ((sealed = seal->seal(seal, user_id, conv_id, m, seq)) == NULL)
			return ENGINE_NO_KEY;
	}
	bson_t update = BSON_INITIALIZER, set;
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
	put_record(&set, &msg_record, sealed ? sealed : m, REC_STATE);
	/* The Files API copies its images got, field by field ("images.0.file_uri"). */
	for (size_t k = 0; k < m->nimages; k++) {
		if (m->images[k].file_uri == NULL)
			continue;
		bson_t one = BSON_INITIALIZER;
		put_record(&one, &image_record, &m->images[k], REC_STATE);
		bson_iter_t it;
		if (bson_iter_init(&it, &one)) {
			while (bson_iter_next(&it)) {
				char *key = xasprintf("images.%zu.%s", k, bson_iter_key(&it));
				bson_append_value(&set, key, -1, bson_iter_value(&it));
				free(key);
			}
		}
		bson_destroy(&one);
	}
	bson_append_document_end(&update, &set);
	msg_free(sealed);
	int rc = msg_set(h, user_id, conv_id, m->id, &update, cause);
	bson_destroy(&update);
	return rc;
}

int mg_msg_feedback(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                    int feedback, char **cause)
{
	bson_t update = BSON_INITIALIZER, set;
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
	BSON_APPEND_INT32(&set, "feedback", feedback);
	bson_append_document_end(&update, &set);
	int rc = msg_set(h, user_id, conv_id, msg_id, &update, cause);
	bson_destroy(&update);
	return rc;
}

static struct msg *msg_from_doc(const bson_t *doc)
{
	struct msg *m = msg_new(ROLE_MODEL, NULL);
	get_record(doc, &msg_record, m);
	m->id = mg_get_oid(doc, "_id");
	m->seq = (long)mg_get_num(doc, "seq");
	bson_iter_t it, sub;
	if (bson_iter_init_find(&it, doc, "images") && BSON_ITER_HOLDS_ARRAY(&it) &&
	    bson_iter_recurse(&it, &sub)) {
		while (bson_iter_next(&sub)) {
			const uint8_t *data;
			uint32_t dlen;
			bson_t img;
			if (!BSON_ITER_HOLDS_DOCUMENT(&sub))
				continue;
			bson_iter_document(&sub, &dlen, &data);
			if (bson_init_static(&img, data, dlen))
				get_record(&img, &image_record, rec_add_image(m));
		}
	}
	return m;
}

int mg_msg_page(void *h, const char *user_id, const char *conv_id, long before_seq, size_t limit,
                struct store_msgs *out, char **cause)
{
	struct mg *g = h;
	int rc = owns(g, user_id, conv_id, cause);
	if (rc < 0 || limit == 0) /* a find limit of 0 would mean "all" */
		return rc;
	bson_oid_t cid;
	mg_oid_parse(conv_id, &cid);
	bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER, sub;
	BSON_APPEND_OID(&filter, "conversation_id", &cid);
	if (before_seq > 0) {
		BSON_APPEND_DOCUMENT_BEGIN(&filter, "seq", &sub);
		BSON_APPEND_INT64(&sub, "$lt", before_seq);
		bson_append_document_end(&filter, &sub);
	}
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sub);
	BSON_APPEND_INT32(&sub, "seq", -1);
	bson_append_document_end(&opts, &sub);
	BSON_APPEND_INT64(&opts, "limit", limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	mongoc_cursor_t *cur = mongoc_collection_find_with_opts(g->msgs, &filter, &opts, NULL);
	bson_destroy(&filter);
	bson_destroy(&opts);
	const bson_t *doc;
	while (mongoc_cursor_next(cur, &doc))
		store_msgs_push(out, msg_from_doc(doc));
	bson_error_t err;
	if (mongoc_cursor_error(cur, &err))
		rc = mg_fail(g, &err, cause);
	mongoc_cursor_destroy(cur);
	for (size_t i = 0; i < out->n / 2; i++) {
		struct msg *tmp = out->items[i];
		out->items[i] = out->items[out->n - 1 - i];
		out->items[out->n - 1 - i] = tmp;
	}
	return rc;
}

int mg_msg_image_set(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                     size_t index, const char *name, const char *data_uri, char **cause)
{
	char *kname = xasprintf("images.%zu.name", index);
	char *kdata = xasprintf("images.%zu.data_uri", index);
	bson_t update = BSON_INITIALIZER, set;
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
	BSON_APPEND_UTF8(&set, kname, name ? name : "");
	BSON_APPEND_UTF8(&set, kdata, data_uri ? data_uri : "");
	bson_append_document_end(&update, &set);
	int rc = msg_set(h, user_id, conv_id, msg_id, &update, cause);
	bson_destroy(&update);
	free(kname);
	free(kdata);
	return rc;
}
