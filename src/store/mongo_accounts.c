/*
 * mongo_accounts.c: the MongoDB engine's accounts, sessions, failed
 * logins and usage records (the requests counted against a quota).
 */
#include <mongoc/mongoc.h>
#include <stdlib.h>

#include "mongo.h"
#include "jarvis/util.h"

/* ---- users ---- */

int mg_user_create(void *h, const char *name, const char *email, const char *hash,
                   const char *vault, long long now, char **id_out, char **cause)
{
	struct mg *g = h;
	bson_oid_t oid;
	bson_oid_init(&oid, NULL);
	bson_t doc = BSON_INITIALIZER;
	bson_error_t err;
	BSON_APPEND_OID(&doc, "_id", &oid);
	BSON_APPEND_UTF8(&doc, "name", name);
	BSON_APPEND_UTF8(&doc, "email", email);
	BSON_APPEND_UTF8(&doc, "password_hash", hash);
	if (vault != NULL)
		BSON_APPEND_UTF8(&doc, "vault", vault);
	BSON_APPEND_DATE_TIME(&doc, "created_at", now);
	bool ok = mongoc_collection_insert_one(g->users, &doc, NULL, NULL, &err);
	bson_destroy(&doc);
	if (!ok) {
		if (err.code == DUPLICATE_KEY)
			return STORE_EXISTS;
		return mg_fail(g, &err, cause);
	}
	*id_out = mg_oid_str(&oid);
	return STORE_OK;
}

int mg_user_find(void *h, int by_email, const char *key, struct store_user **out, char **cause)
{
	struct mg *g = h;
	bson_t filter = BSON_INITIALIZER, doc;
	bson_error_t err;
	if (by_email) {
		BSON_APPEND_UTF8(&filter, "email", key);
	} else {
		bson_oid_t oid;
		if (mg_oid_parse(key, &oid) < 0) {
			bson_destroy(&filter);
			return ENGINE_NO_ACCOUNT;
		}
		BSON_APPEND_OID(&filter, "_id", &oid);
	}
	int found = mg_find_one(g->users, &filter, NULL, &doc, &err);
	bson_destroy(&filter);
	if (found < 0)
		return mg_fail(g, &err, cause);
	if (found == 0)
		return ENGINE_NO_ACCOUNT;
	struct store_user *u = xcalloc(1, sizeof(*u));
	u->id = mg_get_oid(&doc, "_id");
	u->name = mg_get_str(&doc, "name");
	u->email = mg_get_str(&doc, "email");
	u->password_hash = mg_get_str(&doc, "password_hash");
	u->vault = mg_get_str(&doc, "vault");
	u->created_ms = mg_get_num(&doc, "created_at");
	bson_destroy(&doc);
	*out = u;
	return STORE_OK;
}

int mg_user_set_secret(void *h, const char *id, const char *hash, const char *vault, char **cause)
{
	struct mg *g = h;
	bson_oid_t oid;
	if (mg_oid_parse(id, &oid) < 0)
		return ENGINE_NO_ACCOUNT;
	bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER, set, reply;
	bson_error_t err;
	BSON_APPEND_OID(&filter, "_id", &oid);
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
	BSON_APPEND_UTF8(&set, "password_hash", hash);
	if (vault != NULL)
		BSON_APPEND_UTF8(&set, "vault", vault);
	else
		BSON_APPEND_NULL(&set, "vault");
	bson_append_document_end(&update, &set);
	bool ok = mongoc_collection_update_one(g->users, &filter, &update, NULL, &reply, &err);
	long long matched = ok ? mg_get_num(&reply, "matchedCount") : 0;
	bson_destroy(&filter);
	bson_destroy(&update);
	bson_destroy(&reply);
	if (!ok)
		return mg_fail(g, &err, cause);
	return matched == 0 ? ENGINE_NO_ACCOUNT : STORE_OK;
}

/* ---- sessions ---- */

int mg_session_add(void *h, const char *jti, const char *user_id, long long expires, char **cause)
{
	struct mg *g = h;
	bson_oid_t uid;
	if (mg_oid_parse(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	bson_t doc = BSON_INITIALIZER;
	bson_error_t err;
	BSON_APPEND_UTF8(&doc, "jti", jti);
	BSON_APPEND_OID(&doc, "user_id", &uid);
	BSON_APPEND_DATE_TIME(&doc, "expires_at", expires);
	BSON_APPEND_BOOL(&doc, "revoked", false);
	bool ok = mongoc_collection_insert_one(g->sessions, &doc, NULL, NULL, &err);
	bson_destroy(&doc);
	if (!ok) {
		if (err.code == DUPLICATE_KEY)
			return STORE_EXISTS;
		return mg_fail(g, &err, cause);
	}
	return STORE_OK;
}

int mg_session_get(void *h, const char *jti, struct engine_session *out, char **cause)
{
	struct mg *g = h;
	bson_t filter = BSON_INITIALIZER, doc;
	bson_error_t err;
	BSON_APPEND_UTF8(&filter, "jti", jti);
	int found = mg_find_one(g->sessions, &filter, NULL, &doc, &err);
	bson_destroy(&filter);
	if (found < 0)
		return mg_fail(g, &err, cause);
	if (found == 0)
		return ENGINE_NO_SESSION;
	out->revoked = mg_get_num(&doc, "revoked") != 0;
	out->expires_ms = mg_get_num(&doc, "expires_at");
	out->user_id = mg_get_oid(&doc, "user_id");
	bson_destroy(&doc);
	return STORE_OK;
}

int mg_session_revoke(void *h, const char *jti, char **cause)
{
	struct mg *g = h;
	bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER, set;
	bson_error_t err;
	BSON_APPEND_UTF8(&filter, "jti", jti);
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
	BSON_APPEND_BOOL(&set, "revoked", true);
	bson_append_document_end(&update, &set);
	bool ok = mongoc_collection_update_one(g->sessions, &filter, &update, NULL, NULL, &err);
	bson_destroy(&filter);
	bson_destroy(&update);
	return ok ? STORE_OK : mg_fail(g, &err, cause);
}

/* ---- login throttling ---- */

/*
 * Takes slot k of an e-mail's limit: a document whose _id is "k/EMAIL".
 * Inserting it when absent, or moving its time when it left the window,
 * is one atomic step on one document, so two clients never both get it:
 * 1 taken, 0 busy, or a store code.
 */
static int take_slot(struct mg *g, const char *email, long k, long long at, long long since,
                     char **cause)
{
	char *id = xasprintf("%ld/%s", k, email);
	bson_t doc = BSON_INITIALIZER;
	bson_error_t err;
	BSON_APPEND_UTF8(&doc, "_id", id);
	BSON_APPEND_UTF8(&doc, "email", email);
	BSON_APPEND_DATE_TIME(&doc, "at", at);
	bool ok = mongoc_collection_insert_one(g->fails, &doc, NULL, NULL, &err);
	bson_destroy(&doc);
	int rc = 1;
	if (!ok && err.code != DUPLICATE_KEY) {
		rc = mg_fail(g, &err, cause);
	} else if (!ok) {
		bson_t filter = BSON_INITIALIZER, range, update = BSON_INITIALIZER, set, reply;
		BSON_APPEND_UTF8(&filter, "_id", id);
		BSON_APPEND_DOCUMENT_BEGIN(&filter, "at", &range);
		BSON_APPEND_DATE_TIME(&range, "$lt", since);
		bson_append_document_end(&filter, &range);
		BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
		BSON_APPEND_DATE_TIME(&set, "at", at);
		bson_append_document_end(&update, &set);
		ok = mongoc_collection_update_one(g->fails, &filter, &update, NULL, &reply, &err);
		bson_iter_t it;
		if (!ok)
			rc = mg_fail(g, &err, cause);
		else
			rc = bson_iter_init_find(&it, &reply, "modifiedCount") &&
			     bson_iter_as_int64(&it) == 1;
		bson_destroy(&filter);
		bson_destroy(&update);
		bson_destroy(&reply);
	}
	free(id);
	return rc;
}

int mg_fail_reserve(void *h, const char *email, long long at, long long since, long limit,
                    char **cause)
{
	struct mg *g = h;
	/* Records written before the slots (one document per failure) still count. */
	long n = 0;
	int rc = mg_fail_count(h, email, since, &n, cause);
	if (rc < 0)
		return rc;
	if (n >= limit)
		return STORE_EXISTS;
	for (long k = 0; k < limit; k++) {
		rc = take_slot(g, email, k, at, since, cause);
		if (rc != 0)
			return rc < 0 ? rc : STORE_OK;
	}
	return STORE_EXISTS;
}

int mg_fail_count(void *h, const char *email, long long since, long *count, char **cause)
{
	struct mg *g = h;
	bson_t q = BSON_INITIALIZER, range;
	BSON_APPEND_UTF8(&q, "email", email);
	BSON_APPEND_DOCUMENT_BEGIN(&q, "at", &range);
	BSON_APPEND_DATE_TIME(&range, "$gte", since);
	bson_append_document_end(&q, &range);
	int rc = mg_count(g, g->fails, &q, count, cause);
	bson_destroy(&q);
	return rc;
}

int mg_fail_clear(void *h, const char *email, char **cause)
{
	struct mg *g = h;
	bson_t q = BSON_INITIALIZER;
	bson_error_t err;
	BSON_APPEND_UTF8(&q, "email", email);
	bool ok = mongoc_collection_delete_many(g->fails, &q, NULL, NULL, &err);
	bson_destroy(&q);
	return ok ? STORE_OK : mg_fail(g, &err, cause);
}

/* ---- usage ---- */

int mg_usage_add(void *h, const char *user_id, const char *model, long long at, const char *id,
                 char **cause)
{
	struct mg *g = h;
	bson_oid_t uid, rid;
	if (mg_oid_parse(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	if (id == NULL)
		bson_oid_init(&rid, NULL);
	else if (mg_oid_parse(id, &rid) < 0)
		return set_cause(cause, "store: '%s' is not a record id", id), STORE_INVALID;
	bson_t doc = BSON_INITIALIZER;
	bson_error_t err;
	BSON_APPEND_OID(&doc, "_id", &rid);
	BSON_APPEND_OID(&doc, "user_id", &uid);
	BSON_APPEND_UTF8(&doc, "model", model);
	BSON_APPEND_DATE_TIME(&doc, "at", at);
	bool ok = mongoc_collection_insert_one(g->usage, &doc, NULL, NULL, &err);
	bson_destroy(&doc);
	if (!ok && err.code == DUPLICATE_KEY)
		return STORE_EXISTS;
	return ok ? STORE_OK : mg_fail(g, &err, cause);
}

int mg_usage_count(void *h, const char *user_id, const char *model, long long since, long *count,
                   char **cause)
{
	struct mg *g = h;
	bson_oid_t uid;
	if (mg_oid_parse(user_id, &uid) < 0)
		return STORE_OK;
	bson_t q = BSON_INITIALIZER, range;
	BSON_APPEND_OID(&q, "user_id", &uid);
	BSON_APPEND_UTF8(&q, "model", model);
	BSON_APPEND_DOCUMENT_BEGIN(&q, "at", &range);
	BSON_APPEND_DATE_TIME(&range, "$gte", since);
	bson_append_document_end(&q, &range);
	int rc = mg_count(g, g->usage, &q, count, cause);
	bson_destroy(&q);
	return rc;
}
