/*
 * mongo_convs.c: the MongoDB engine's conversations: create, list (with
 * their message counts), read, set a field, delete (then their messages).
 * Every filter names the caller's user_id.
 */
#include <mongoc/mongoc.h>
#include <stdint.h>
#include <stdlib.h>

#include "mongo.h"
#include "jarvis/util.h"

int mg_conv_create(void *h, const char *user_id, const char *title, const char *model,
                   const char *system_prompt, const char *id, long long now, char **id_out,
                   char **cause)
{
	struct mg *g = h;
	bson_oid_t uid, cid;
	bson_error_t err;
	if (mg_oid_parse(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	/* SQLite refuses an unknown user through its foreign key; match that. */
	bson_t f = BSON_INITIALIZER, doc;
	BSON_APPEND_OID(&f, "_id", &uid);
	int found = mg_find_one(g->users, &f, NULL, &doc, &err);
	bson_destroy(&f);
	if (found < 0)
		return mg_fail(g, &err, cause);
	if (found == 0)
		return ENGINE_NO_ACCOUNT;
	bson_destroy(&doc);

	if (id == NULL)
		bson_oid_init(&cid, NULL);
	else if (mg_oid_parse(id, &cid) < 0)
		return set_cause(cause, "store: '%s' is not a conversation id", id), STORE_INVALID;
	bson_init(&doc);
	BSON_APPEND_OID(&doc, "_id", &cid);
	BSON_APPEND_OID(&doc, "user_id", &uid);
	BSON_APPEND_UTF8(&doc, "title", title);
	mg_put_str(&doc, "model", model);
	mg_put_str(&doc, "system_prompt", system_prompt);
	BSON_APPEND_DATE_TIME(&doc, "created_at", now);
	BSON_APPEND_DATE_TIME(&doc, "updated_at", now);
	BSON_APPEND_INT64(&doc, "last_seq", 0);
	bool ok = mongoc_collection_insert_one(g->convs, &doc, NULL, NULL, &err);
	bson_destroy(&doc);
	*id_out = mg_oid_str(&cid);
	if (!ok && err.code == DUPLICATE_KEY) /* only _id is unique here: made before */
		return STORE_EXISTS;
	if (!ok) {
		free(*id_out);
		*id_out = NULL;
		return mg_fail(g, &err, cause);
	}
	return STORE_OK;
}

/* A fork's two fields: its original's id (NULL: not a fork) and its question. */
static void fork_fields(const bson_t *doc, char **from, long *question)
{
	*from = mg_get_oid(doc, "forked_from");
	*question = *from != NULL ? (long)mg_get_num(doc, "fork_question") : 0;
}

int mg_conv_list(void *h, const char *user_id, size_t offset, size_t limit,
                 struct store_conv_list *out, char **cause)
{
	struct mg *g = h;
	bson_oid_t uid;
	if (mg_oid_parse(user_id, &uid) < 0)
		return STORE_OK;
	bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER, sort, proj;
	BSON_APPEND_OID(&filter, "user_id", &uid);
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
	BSON_APPEND_INT32(&sort, "updated_at", -1);
	BSON_APPEND_INT32(&sort, "_id", -1);
	bson_append_document_end(&opts, &sort);
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
	BSON_APPEND_INT32(&proj, "title", 1);
	BSON_APPEND_INT32(&proj, "model", 1);
	BSON_APPEND_INT32(&proj, "created_at", 1);
	BSON_APPEND_INT32(&proj, "updated_at", 1);
	BSON_APPEND_INT32(&proj, "forked_from", 1);
	BSON_APPEND_INT32(&proj, "fork_question", 1);
	bson_append_document_end(&opts, &proj);
	BSON_APPEND_INT64(&opts, "skip", offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
	BSON_APPEND_INT64(&opts, "limit", limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	mongoc_cursor_t *cur = mongoc_collection_find_with_opts(g->convs, &filter, &opts, NULL);
	bson_destroy(&filter);
	bson_destroy(&opts);
	const bson_t *doc;
	while (mongoc_cursor_next(cur, &doc)) {
		out->items = xrealloc(out->items, (out->n + 1) * sizeof(*out->items));
		struct store_conv_info *ci = &out->items[out->n++];
		ci->id = mg_get_oid(doc, "_id");
		ci->title = mg_get_str(doc, "title");
		ci->model = mg_get_str(doc, "model");
		ci->created_ms = mg_get_num(doc, "created_at");
		ci->updated_ms = mg_get_num(doc, "updated_at");
		fork_fields(doc, &ci->forked_from, &ci->fork_question);
		if (ci->id == NULL)
			ci->id = xstrdup("");
		if (ci->title == NULL)
			ci->title = xstrdup("");
	}
	bson_error_t err;
	int rc = STORE_OK;
	if (mongoc_cursor_error(cur, &err))
		rc = mg_fail(g, &err, cause);
	mongoc_cursor_destroy(cur);
	/* Counted, not kept in a field: FerretDB's $inc is not atomic between clients,
	 * so a stored counter drifts when two processes append at once. One count per
	 * listed conversation, served by the {conversation_id, seq} index on MongoDB. */
	for (size_t i = 0; i < out->n && rc == 0; i++) {
		bson_oid_t cid;
		if (mg_oid_parse(out->items[i].id, &cid) < 0)
			continue;
		bson_t q = BSON_INITIALIZER;
		BSON_APPEND_OID(&q, "conversation_id", &cid);
		rc = mg_count(g, g->msgs, &q, &out->items[i].nmessages, cause);
		bson_destroy(&q);
	}
	return rc;
}

int mg_conv_get(void *h, const char *user_id, const char *conv_id, struct conv **out, char **cause)
{
	struct mg *g = h;
	bson_t filter, doc;
	bson_error_t err;
	if (mg_conv_filter(&filter, user_id, conv_id) < 0)
		return ENGINE_NO_CONV;
	int found = mg_find_one(g->convs, &filter, NULL, &doc, &err);
	bson_destroy(&filter);
	if (found < 0)
		return mg_fail(g, &err, cause);
	if (found == 0)
		return ENGINE_NO_CONV;
	struct conv *c = conv_new();
	c->id = mg_get_oid(&doc, "_id");
	c->title = mg_get_str(&doc, "title");
	c->model = mg_get_str(&doc, "model");
	c->system_prompt = mg_get_str(&doc, "system_prompt");
	c->created_ms = mg_get_num(&doc, "created_at");
	c->updated_ms = mg_get_num(&doc, "updated_at");
	fork_fields(&doc, &c->forked_from, &c->fork_question);
	if (c->title == NULL)
		c->title = xstrdup("");
	bson_destroy(&doc);
	*out = c;
	return STORE_OK;
}

/* Applies $set to the caller's conversation: STORE_OK, ENGINE_NO_CONV or a failure. */
static int conv_set_fields(struct mg *g, const char *user_id, const char *conv_id,
                           const bson_t *set, char **cause)
{
	bson_t filter, update = BSON_INITIALIZER;
	bson_error_t err;
	if (mg_conv_filter(&filter, user_id, conv_id) < 0)
		return ENGINE_NO_CONV;
	BSON_APPEND_DOCUMENT(&update, "$set", set);
	int m = mg_update_matched(g->convs, &filter, &update, &err);
	bson_destroy(&filter);
	bson_destroy(&update);
	if (m < 0)
		return mg_fail(g, &err, cause);
	return m ? STORE_OK : ENGINE_NO_CONV;
}

int mg_conv_set(void *h, const char *user_id, const char *conv_id, const char *field,
                const char *value, char **cause)
{
	bson_t set = BSON_INITIALIZER;
	mg_put_str(&set, field, value);
	int rc = conv_set_fields(h, user_id, conv_id, &set, cause);
	bson_destroy(&set);
	return rc;
}

int mg_conv_delete(void *h, const char *user_id, const char *conv_id, char **cause)
{
	struct mg *g = h;
	bson_t filter, reply, q = BSON_INITIALIZER;
	bson_error_t err;
	if (mg_conv_filter(&filter, user_id, conv_id) < 0)
		return ENGINE_NO_CONV;
	bool ok = mongoc_collection_delete_one(g->convs, &filter, NULL, &reply, &err);
	long long deleted = ok ? mg_get_num(&reply, "deletedCount") : 0;
	bson_destroy(&filter);
	bson_destroy(&reply);
	if (!ok)
		return mg_fail(g, &err, cause);
	if (deleted == 0)
		return ENGINE_NO_CONV;
	/* No transactions on FerretDB: the conversation goes first, so a failure here
	 * leaves only messages nobody can reach (every read checks the conversation). */
	bson_oid_t cid;
	mg_oid_parse(conv_id, &cid);
	BSON_APPEND_OID(&q, "conversation_id", &cid);
	ok = mongoc_collection_delete_many(g->msgs, &q, NULL, NULL, &err);
	bson_destroy(&q);
	return ok ? STORE_OK : mg_fail(g, &err, cause);
}

int mg_conv_fork_mark(void *h, const char *user_id, const char *conv_id, const char *forked_from,
                      long fork_question, char **cause)
{
	bson_oid_t from;
	if (mg_oid_parse(forked_from, &from) < 0)
		return ENGINE_NO_CONV;
	bson_t set = BSON_INITIALIZER;
	BSON_APPEND_OID(&set, "forked_from", &from);
	BSON_APPEND_INT64(&set, "fork_question", fork_question);
	int rc = conv_set_fields(h, user_id, conv_id, &set, cause);
	bson_destroy(&set);
	return rc;
}
