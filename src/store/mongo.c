/*
 * mongo.c: the MongoDB storage engine on mongo-c-driver 1.23. Collections
 * users, conversations, messages, sessions, usage and login_failures, with
 * the contract's indexes made at open. Kept to what FerretDB v1.24 (the
 * test server) implements: plain find with filter/sort/skip/limit/
 * projection, insert, update with $set/$inc/$max, delete, findAndModify,
 * count and createIndexes. No aggregation pipelines (so no $lookup,
 * $group or countDocuments, which the driver builds from aggregate), no
 * transactions, no change streams.
 *
 * Message numbering: each conversation holds a counter (last_seq) that
 * findAndModify $inc hands out; the unique index {conversation_id, seq} is
 * the real guard, and a conflicting insert takes the next number. So seqs
 * are unique and increasing; a lost race can leave a gap. (FerretDB's
 * findAndModify is not atomic between clients, so there the index does
 * the work: tested with two processes appending at once.)
 *
 * What it must not do: let a bson_t or mongoc type leave this file, or
 * touch a conversation without the caller's user_id in the filter.
 */
#include <mongoc/mongoc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "record.h"
#include "jarvis/util.h"

#define DUPLICATE_KEY 11000
#define APPEND_TRIES 64

struct mg {
	mongoc_client_t *client;
	mongoc_database_t *db;
	mongoc_collection_t *users, *convs, *msgs, *sessions, *usage, *fails;
	char *host;   /* for messages: the first host of the URI */
	char *where;  /* "MongoDB at HOST" */
	bool indexed; /* the contract's indexes are made (not yet when opened offline) */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/*
 * The driver logs to stderr by default, which would scribble over the
 * terminal (FerretDB alone draws an "endSessions" warning at every close).
 * Every failure that matters comes back as a bson_error_t, so the log is
 * dropped.
 */
static void quiet_log(mongoc_log_level_t level, const char *domain, const char *message, void *data)
{
}

static void mongo_init(void)
{
	mongoc_log_set_handler(quiet_log, NULL);
	mongoc_init();
}

static int server_unreachable(const bson_error_t *e)
{
	return e->domain == MONGOC_ERROR_SERVER_SELECTION || e->domain == MONGOC_ERROR_STREAM;
}

/*
 * STORE_OFFLINE when the server could not be reached, so the outbox can
 * keep the write; else STORE_ERROR with the driver's detail for store.c.
 */
static int mfail(struct mg *g, const bson_error_t *e, char **cause)
{
	if (server_unreachable(e)) {
		set_cause(cause, "store: cannot reach MongoDB at %s: %s; is it running?", g->host,
		          e->message);
		return STORE_OFFLINE;
	}
	set_cause(cause, "%s", e->message);
	return STORE_ERROR;
}

static int oid_parse(const char *s, bson_oid_t *o)
{
	if (s == NULL || strlen(s) != 24 || !bson_oid_is_valid(s, 24))
		return -1;
	bson_oid_init_from_string(o, s);
	return 0;
}

static char *oid_str(const bson_oid_t *o)
{
	char hex[25];
	bson_oid_to_string(o, hex);
	return xstrdup(hex);
}

static void put_str(bson_t *b, const char *key, const char *v)
{
	if (v == NULL)
		bson_append_null(b, key, -1);
	else
		bson_append_utf8(b, key, -1, v, -1);
}

/* A field as a new string; NULL when missing or not a string. */
static char *get_str(const bson_t *doc, const char *key)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_UTF8(&it))
		return NULL;
	uint32_t len;
	const char *s = bson_iter_utf8(&it, &len);
	return xstrndup(s, len);
}

/* A numeric or date field as an integer; 0 when missing. */
static long long get_num(const bson_t *doc, const char *key)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, doc, key))
		return 0;
	if (BSON_ITER_HOLDS_DATE_TIME(&it))
		return bson_iter_date_time(&it);
	if (BSON_ITER_HOLDS_NUMBER(&it))
		return bson_iter_as_int64(&it);
	if (BSON_ITER_HOLDS_BOOL(&it))
		return bson_iter_bool(&it);
	return 0;
}

static char *get_oid(const bson_t *doc, const char *key)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_OID(&it))
		return NULL;
	return oid_str(bson_iter_oid(&it));
}

/*
 * Runs a find and copies the first document into *out (initialised only
 * when found). 1 found, 0 none, -1 error.
 */
static int find_one(mongoc_collection_t *c, const bson_t *filter, const bson_t *opts, bson_t *out,
                    bson_error_t *err)
{
	mongoc_cursor_t *cur = mongoc_collection_find_with_opts(c, filter, opts, NULL);
	const bson_t *doc;
	int found = 0;
	if (mongoc_cursor_next(cur, &doc)) {
		bson_copy_to(doc, out);
		found = 1;
	} else if (mongoc_cursor_error(cur, err)) {
		found = -1;
	}
	mongoc_cursor_destroy(cur);
	return found;
}

/* Runs the count command (not countDocuments, which needs aggregate). */
static int count_cmd(struct mg *g, mongoc_collection_t *c, const bson_t *query, long *count,
                     char **cause)
{
	bson_t cmd = BSON_INITIALIZER, reply;
	bson_error_t err;
	BSON_APPEND_UTF8(&cmd, "count", mongoc_collection_get_name(c));
	BSON_APPEND_DOCUMENT(&cmd, "query", query);
	bool ok = mongoc_collection_command_simple(c, &cmd, NULL, &reply, &err);
	bson_destroy(&cmd);
	if (!ok) {
		bson_destroy(&reply);
		return mfail(g, &err, cause);
	}
	*count = (long)get_num(&reply, "n");
	bson_destroy(&reply);
	return STORE_OK;
}

static int create_index(struct mg *g, mongoc_collection_t *c, const char *name, const bson_t *keys,
                        bool unique, char **cause)
{
	bson_t cmd = BSON_INITIALIZER, indexes, index, reply;
	bson_error_t err;
	BSON_APPEND_UTF8(&cmd, "createIndexes", mongoc_collection_get_name(c));
	BSON_APPEND_ARRAY_BEGIN(&cmd, "indexes", &indexes);
	BSON_APPEND_DOCUMENT_BEGIN(&indexes, "0", &index);
	BSON_APPEND_DOCUMENT(&index, "key", keys);
	BSON_APPEND_UTF8(&index, "name", name);
	if (unique)
		BSON_APPEND_BOOL(&index, "unique", true);
	bson_append_document_end(&indexes, &index);
	bson_append_array_end(&cmd, &indexes);
	bool ok = mongoc_database_write_command_with_opts(g->db, &cmd, NULL, &reply, &err);
	bson_destroy(&cmd);
	bson_destroy(&reply);
	if (!ok)
		return mfail(g, &err, cause);
	return STORE_OK;
}

static int make_indexes(struct mg *g, char **cause)
{
	bson_t k;
	int rc = 0;

	bson_init(&k);
	BSON_APPEND_INT32(&k, "email", 1);
	rc = rc < 0 ? rc : create_index(g, g->users, "email_1", &k, true, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "user_id", 1);
	BSON_APPEND_INT32(&k, "updated_at", -1);
	rc = rc < 0 ? rc : create_index(g, g->convs, "user_id_1_updated_at_-1", &k, false, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "conversation_id", 1);
	BSON_APPEND_INT32(&k, "seq", 1);
	rc = rc < 0 ? rc : create_index(g, g->msgs, "conversation_id_1_seq_1", &k, true, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "jti", 1);
	rc = rc < 0 ? rc : create_index(g, g->sessions, "jti_1", &k, true, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "user_id", 1);
	BSON_APPEND_INT32(&k, "model", 1);
	BSON_APPEND_INT32(&k, "at", 1);
	rc = rc < 0 ? rc : create_index(g, g->usage, "user_id_1_model_1_at_1", &k, false, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "email", 1);
	BSON_APPEND_INT32(&k, "at", 1);
	rc = rc < 0 ? rc : create_index(g, g->fails, "email_1_at_1", &k, false, cause);
	bson_destroy(&k);
	return rc;
}

static void mg_close(void *h)
{
	struct mg *g = h;
	if (g == NULL)
		return;
	mongoc_collection_destroy(g->users);
	mongoc_collection_destroy(g->convs);
	mongoc_collection_destroy(g->msgs);
	mongoc_collection_destroy(g->sessions);
	mongoc_collection_destroy(g->usage);
	mongoc_collection_destroy(g->fails);
	mongoc_database_destroy(g->db);
	mongoc_client_destroy(g->client);
	free(g->host);
	free(g->where);
	free(g);
}

static void default_timeout(mongoc_uri_t *uri, const char *key, int32_t ms)
{
	if (!mongoc_uri_has_option(uri, key))
		mongoc_uri_set_option_as_int32(uri, key, ms);
}

static int mg_ping(void *h, char **cause)
{
	struct mg *g = h;
	bson_t ping = BSON_INITIALIZER, reply;
	bson_error_t err;
	BSON_APPEND_INT32(&ping, "ping", 1);
	bool ok = mongoc_client_command_simple(g->client, "admin", &ping, NULL, &reply, &err);
	bson_destroy(&ping);
	bson_destroy(&reply);
	if (!ok) {
		int rc = mfail(g, &err, cause);
		return rc;
	}
	if (!g->indexed) {
		int rc = make_indexes(g, cause);
		if (rc < 0)
			return rc;
		g->indexed = true;
	}
	return STORE_OK;
}

static char *mg_new_id(void *h)
{
	bson_oid_t oid;
	bson_oid_init(&oid, NULL);
	return oid_str(&oid);
}

void *store_mongo_open(const char *uristr, const char *dbname, int offline_ok, int *offline,
                       char **cause)
{
	if (offline != NULL)
		*offline = 0;
	pthread_once(&init_once, mongo_init);
	bson_error_t err;
	mongoc_uri_t *uri = mongoc_uri_new_with_error(uristr, &err);
	if (uri == NULL) {
		set_cause(cause, "store: bad MongoDB URI: %s; see --store", err.message);
		return NULL;
	}
	/* A terminal program must not hang for the driver's 30 s defaults. */
	default_timeout(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 3000);
	default_timeout(uri, MONGOC_URI_CONNECTTIMEOUTMS, 3000);
	default_timeout(uri, MONGOC_URI_SOCKETTIMEOUTMS, 20000);
	if (!mongoc_uri_has_option(uri, MONGOC_URI_RETRYWRITES))
		mongoc_uri_set_option_as_bool(uri, MONGOC_URI_RETRYWRITES, true);

	struct mg *g = xcalloc(1, sizeof(*g));
	const mongoc_host_list_t *hosts = mongoc_uri_get_hosts(uri);
	if (hosts != NULL)
		g->host = xstrdup(hosts->host_and_port);
	else if (mongoc_uri_get_srv_hostname(uri) != NULL)
		g->host = xstrdup(mongoc_uri_get_srv_hostname(uri));
	else
		g->host = xstrdup("(no host)");

	g->where = xasprintf("MongoDB at %s", g->host);
	g->client = mongoc_client_new_from_uri_with_error(uri, &err);
	mongoc_uri_destroy(uri);
	if (g->client == NULL) {
		set_cause(cause, "store: bad MongoDB URI: %s; see --store", err.message);
		mg_close(g);
		return NULL;
	}
	mongoc_client_set_error_api(g->client, MONGOC_ERROR_API_VERSION_2);
	mongoc_client_set_appname(g->client, "jarvis");
	g->db = mongoc_client_get_database(g->client, dbname);
	g->users = mongoc_database_get_collection(g->db, "users");
	g->convs = mongoc_database_get_collection(g->db, "conversations");
	g->msgs = mongoc_database_get_collection(g->db, "messages");
	g->sessions = mongoc_database_get_collection(g->db, "sessions");
	g->usage = mongoc_database_get_collection(g->db, "usage");
	g->fails = mongoc_database_get_collection(g->db, "login_failures");

	char *why = NULL;
	int rc = mg_ping(g, &why);
	if (rc == STORE_OFFLINE && offline_ok) {
		/* The outbox keeps the writes until the server answers again. */
		free(why);
		*offline = 1;
		return g;
	}
	if (rc < 0) {
		/* Offline: mfail's whole message; else the driver's detail. */
		if (rc == STORE_OFFLINE)
			set_cause(cause, "%s", why);
		else
			set_cause(cause, "store: setting up %s failed: %s", g->where,
			          why ? why : "?");
		free(why);
		mg_close(g);
		return NULL;
	}
	return g;
}

static const char *mg_where(void *h)
{
	return ((struct mg *)h)->where;
}

static int mg_destroy(void *h, char **cause)
{
	struct mg *g = h;
	bson_error_t err;
	if (!mongoc_database_drop_with_opts(g->db, NULL, &err))
		return mfail(g, &err, cause);
	return STORE_OK;
}

/* ---- users ---- */

static int mg_user_create(void *h, const char *name, const char *email, const char *hash,
                          long long now, char **id_out, char **cause)
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
	BSON_APPEND_DATE_TIME(&doc, "created_at", now);
	bool ok = mongoc_collection_insert_one(g->users, &doc, NULL, NULL, &err);
	bson_destroy(&doc);
	if (!ok) {
		if (err.code == DUPLICATE_KEY)
			return STORE_EXISTS;
		return mfail(g, &err, cause);
	}
	*id_out = oid_str(&oid);
	return STORE_OK;
}

static int mg_user_find(void *h, int by_email, const char *key, struct store_user **out,
                        char **cause)
{
	struct mg *g = h;
	bson_t filter = BSON_INITIALIZER, doc;
	bson_error_t err;
	if (by_email) {
		BSON_APPEND_UTF8(&filter, "email", key);
	} else {
		bson_oid_t oid;
		if (oid_parse(key, &oid) < 0) {
			bson_destroy(&filter);
			return ENGINE_NO_ACCOUNT;
		}
		BSON_APPEND_OID(&filter, "_id", &oid);
	}
	int found = find_one(g->users, &filter, NULL, &doc, &err);
	bson_destroy(&filter);
	if (found < 0)
		return mfail(g, &err, cause);
	if (found == 0)
		return ENGINE_NO_ACCOUNT;
	struct store_user *u = xcalloc(1, sizeof(*u));
	u->id = get_oid(&doc, "_id");
	u->name = get_str(&doc, "name");
	u->email = get_str(&doc, "email");
	u->password_hash = get_str(&doc, "password_hash");
	u->created_ms = get_num(&doc, "created_at");
	bson_destroy(&doc);
	*out = u;
	return STORE_OK;
}

/* ---- sessions ---- */

static int mg_session_add(void *h, const char *jti, const char *user_id, long long expires,
                          char **cause)
{
	struct mg *g = h;
	bson_oid_t uid;
	if (oid_parse(user_id, &uid) < 0)
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
		return mfail(g, &err, cause);
	}
	return STORE_OK;
}

static int mg_session_get(void *h, const char *jti, struct engine_session *out, char **cause)
{
	struct mg *g = h;
	bson_t filter = BSON_INITIALIZER, doc;
	bson_error_t err;
	BSON_APPEND_UTF8(&filter, "jti", jti);
	int found = find_one(g->sessions, &filter, NULL, &doc, &err);
	bson_destroy(&filter);
	if (found < 0)
		return mfail(g, &err, cause);
	if (found == 0)
		return ENGINE_NO_SESSION;
	out->revoked = get_num(&doc, "revoked") != 0;
	out->expires_ms = get_num(&doc, "expires_at");
	out->user_id = get_oid(&doc, "user_id");
	bson_destroy(&doc);
	return STORE_OK;
}

static int mg_session_revoke(void *h, const char *jti, char **cause)
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
	return ok ? STORE_OK : mfail(g, &err, cause);
}

/* ---- login throttling ---- */

static int mg_fail_add(void *h, const char *email, long long at, char **cause)
{
	struct mg *g = h;
	bson_t doc = BSON_INITIALIZER;
	bson_error_t err;
	BSON_APPEND_UTF8(&doc, "email", email);
	BSON_APPEND_DATE_TIME(&doc, "at", at);
	bool ok = mongoc_collection_insert_one(g->fails, &doc, NULL, NULL, &err);
	bson_destroy(&doc);
	return ok ? STORE_OK : mfail(g, &err, cause);
}

static int mg_fail_count(void *h, const char *email, long long since, long *count, char **cause)
{
	struct mg *g = h;
	bson_t q = BSON_INITIALIZER, range;
	BSON_APPEND_UTF8(&q, "email", email);
	BSON_APPEND_DOCUMENT_BEGIN(&q, "at", &range);
	BSON_APPEND_DATE_TIME(&range, "$gte", since);
	bson_append_document_end(&q, &range);
	int rc = count_cmd(g, g->fails, &q, count, cause);
	bson_destroy(&q);
	return rc;
}

static int mg_fail_clear(void *h, const char *email, char **cause)
{
	struct mg *g = h;
	bson_t q = BSON_INITIALIZER;
	bson_error_t err;
	BSON_APPEND_UTF8(&q, "email", email);
	bool ok = mongoc_collection_delete_many(g->fails, &q, NULL, NULL, &err);
	bson_destroy(&q);
	return ok ? STORE_OK : mfail(g, &err, cause);
}

/* ---- conversations ---- */

/* Fills a filter {_id: conv, user_id: user}; -1 when either id is malformed. */
static int conv_filter(bson_t *f, const char *user_id, const char *conv_id)
{
	bson_oid_t uid, cid;
	if (oid_parse(user_id, &uid) < 0 || oid_parse(conv_id, &cid) < 0)
		return -1;
	bson_init(f);
	BSON_APPEND_OID(f, "_id", &cid);
	BSON_APPEND_OID(f, "user_id", &uid);
	return 0;
}

static int mg_conv_create(void *h, const char *user_id, const char *title, const char *model,
                          const char *system_prompt, const char *id, long long now, char **id_out,
                          char **cause)
{
	struct mg *g = h;
	bson_oid_t uid, cid;
	bson_error_t err;
	if (oid_parse(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	/* SQLite refuses an unknown user through its foreign key; match that. */
	bson_t f = BSON_INITIALIZER, doc;
	BSON_APPEND_OID(&f, "_id", &uid);
	int found = find_one(g->users, &f, NULL, &doc, &err);
	bson_destroy(&f);
	if (found < 0)
		return mfail(g, &err, cause);
	if (found == 0)
		return ENGINE_NO_ACCOUNT;
	bson_destroy(&doc);

	if (id == NULL)
		bson_oid_init(&cid, NULL);
	else if (oid_parse(id, &cid) < 0)
		return set_cause(cause, "store: '%s' is not a conversation id", id), STORE_INVALID;
	bson_init(&doc);
	BSON_APPEND_OID(&doc, "_id", &cid);
	BSON_APPEND_OID(&doc, "user_id", &uid);
	BSON_APPEND_UTF8(&doc, "title", title);
	put_str(&doc, "model", model);
	put_str(&doc, "system_prompt", system_prompt);
	BSON_APPEND_DATE_TIME(&doc, "created_at", now);
	BSON_APPEND_DATE_TIME(&doc, "updated_at", now);
	BSON_APPEND_INT64(&doc, "last_seq", 0);
	bool ok = mongoc_collection_insert_one(g->convs, &doc, NULL, NULL, &err);
	bson_destroy(&doc);
	*id_out = oid_str(&cid);
	if (!ok && err.code == DUPLICATE_KEY) /* only _id is unique here: made before */
		return STORE_EXISTS;
	if (!ok) {
		free(*id_out);
		*id_out = NULL;
		return mfail(g, &err, cause);
	}
	return STORE_OK;
}

static int mg_conv_list(void *h, const char *user_id, size_t offset, size_t limit,
                        struct store_conv_list *out, char **cause)
{
	struct mg *g = h;
	bson_oid_t uid;
	if (oid_parse(user_id, &uid) < 0)
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
		ci->id = get_oid(doc, "_id");
		ci->title = get_str(doc, "title");
		ci->model = get_str(doc, "model");
		ci->created_ms = get_num(doc, "created_at");
		ci->updated_ms = get_num(doc, "updated_at");
		if (ci->id == NULL)
			ci->id = xstrdup("");
		if (ci->title == NULL)
			ci->title = xstrdup("");
	}
	bson_error_t err;
	int rc = STORE_OK;
	if (mongoc_cursor_error(cur, &err))
		rc = mfail(g, &err, cause);
	mongoc_cursor_destroy(cur);
	/* Counted, not kept in a field: FerretDB's $inc is not atomic between clients,
	 * so a stored counter drifts when two processes append at once. One count per
	 * listed conversation, served by the {conversation_id, seq} index on MongoDB. */
	for (size_t i = 0; i < out->n && rc == 0; i++) {
		bson_oid_t cid;
		if (oid_parse(out->items[i].id, &cid) < 0)
			continue;
		bson_t q = BSON_INITIALIZER;
		BSON_APPEND_OID(&q, "conversation_id", &cid);
		rc = count_cmd(g, g->msgs, &q, &out->items[i].nmessages, cause);
		bson_destroy(&q);
	}
	return rc;
}

static int mg_conv_get(void *h, const char *user_id, const char *conv_id, struct conv **out,
                       char **cause)
{
	struct mg *g = h;
	bson_t filter, doc;
	bson_error_t err;
	if (conv_filter(&filter, user_id, conv_id) < 0)
		return ENGINE_NO_CONV;
	int found = find_one(g->convs, &filter, NULL, &doc, &err);
	bson_destroy(&filter);
	if (found < 0)
		return mfail(g, &err, cause);
	if (found == 0)
		return ENGINE_NO_CONV;
	struct conv *c = conv_new();
	c->id = get_oid(&doc, "_id");
	c->title = get_str(&doc, "title");
	c->model = get_str(&doc, "model");
	c->system_prompt = get_str(&doc, "system_prompt");
	c->created_ms = get_num(&doc, "created_at");
	c->updated_ms = get_num(&doc, "updated_at");
	if (c->title == NULL)
		c->title = xstrdup("");
	bson_destroy(&doc);
	*out = c;
	return STORE_OK;
}

/* Runs update_one and says whether a document matched: 1, 0, or -1 on error. */
static int update_matched(mongoc_collection_t *c, const bson_t *filter, const bson_t *update,
                          bson_error_t *err)
{
	bson_t reply;
	bool ok = mongoc_collection_update_one(c, filter, update, NULL, &reply, err);
	long long matched = ok ? get_num(&reply, "matchedCount") : 0;
	bson_destroy(&reply);
	if (!ok)
		return -1;
	return matched > 0;
}

static int mg_conv_set(void *h, const char *user_id, const char *conv_id, const char *field,
                       const char *value, char **cause)
{
	struct mg *g = h;
	bson_t filter, update = BSON_INITIALIZER, set;
	bson_error_t err;
	if (conv_filter(&filter, user_id, conv_id) < 0)
		return ENGINE_NO_CONV;
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
	put_str(&set, field, value);
	bson_append_document_end(&update, &set);
	int m = update_matched(g->convs, &filter, &update, &err);
	bson_destroy(&filter);
	bson_destroy(&update);
	if (m < 0)
		return mfail(g, &err, cause);
	return m ? STORE_OK : ENGINE_NO_CONV;
}

static int mg_conv_delete(void *h, const char *user_id, const char *conv_id, char **cause)
{
	struct mg *g = h;
	bson_t filter, reply, q = BSON_INITIALIZER;
	bson_error_t err;
	if (conv_filter(&filter, user_id, conv_id) < 0)
		return ENGINE_NO_CONV;
	bool ok = mongoc_collection_delete_one(g->convs, &filter, NULL, &reply, &err);
	long long deleted = ok ? get_num(&reply, "deletedCount") : 0;
	bson_destroy(&filter);
	bson_destroy(&reply);
	if (!ok)
		return mfail(g, &err, cause);
	if (deleted == 0)
		return ENGINE_NO_CONV;
	/* No transactions on FerretDB: the conversation goes first, so a failure here
	 * leaves only messages nobody can reach (every read checks the conversation). */
	bson_oid_t cid;
	oid_parse(conv_id, &cid);
	BSON_APPEND_OID(&q, "conversation_id", &cid);
	ok = mongoc_collection_delete_many(g->msgs, &q, NULL, NULL, &err);
	bson_destroy(&q);
	return ok ? STORE_OK : mfail(g, &err, cause);
}

/* ---- messages ---- */

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
		return mfail(g, &err, cause);
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
	int found = find_one(g->msgs, &filter, &opts, &doc, &err);
	bson_destroy(&filter);
	bson_destroy(&opts);
	if (found < 0)
		return mfail(g, &err, cause);
	*seq = found ? (long)get_num(&doc, "seq") : 0;
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
	int found = find_one(g->msgs, &filter, NULL, &doc, &err);
	bson_destroy(&filter);
	if (found < 0)
		return mfail(g, &err, cause);
	if (found == 0)
		return 0;
	free(m->id);
	m->id = oid_str(mid);
	m->seq = (long)get_num(&doc, "seq");
	m->created_ms = get_num(&doc, "created_at");
	bson_destroy(&doc);
	return 1;
}

static int mg_msg_append(void *h, const char *user_id, const char *conv_id, struct msg *m,
                         const char *id, long long now, char **cause)
{
	struct mg *g = h;
	bson_oid_t uid, cid, mid;
	bson_error_t err;
	if (oid_parse(user_id, &uid) < 0 || oid_parse(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (m->created_ms == 0)
		m->created_ms = now;
	if (id == NULL)
		bson_oid_init(&mid, NULL);
	else if (oid_parse(id, &mid) < 0)
		return set_cause(cause, "store: '%s' is not a message id", id), STORE_INVALID;
	long seq = 0;
	int tries, rc = next_seq(g, &uid, &cid, &seq, cause);
	if (rc < 0)
		return rc;
	for (tries = 0; tries < APPEND_TRIES; tries++) {
		bson_t doc = BSON_INITIALIZER;
		msg_doc(&doc, &mid, &cid, &uid, seq, m);
		bool ok = mongoc_collection_insert_one(g->msgs, &doc, NULL, NULL, &err);
		bson_destroy(&doc);
		if (ok)
			break;
		if (err.code != DUPLICATE_KEY)
			return mfail(g, &err, cause);
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
	update_matched(g->convs, &filter, &update, &err);
	bson_destroy(&filter);
	bson_destroy(&update);
	free(m->id);
	m->id = oid_str(&mid);
	m->seq = seq;
	return STORE_OK;
}

/* Whether the user owns the conversation: 0, NOTFOUND or ERROR. */
static int owns(struct mg *g, const char *user_id, const char *conv_id, char **cause)
{
	bson_t filter, opts = BSON_INITIALIZER, proj, doc;
	bson_error_t err;
	if (conv_filter(&filter, user_id, conv_id) < 0) {
		bson_destroy(&opts);
		return ENGINE_NO_CONV;
	}
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
	BSON_APPEND_INT32(&proj, "_id", 1);
	bson_append_document_end(&opts, &proj);
	int found = find_one(g->convs, &filter, &opts, &doc, &err);
	bson_destroy(&filter);
	bson_destroy(&opts);
	if (found < 0)
		return mfail(g, &err, cause);
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
	if (oid_parse(user_id, &uid) < 0 || oid_parse(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (oid_parse(msg_id, &mid) < 0) {
		int rc = owns(g, user_id, conv_id, cause);
		return rc < 0 ? rc : ENGINE_NO_MSG;
	}
	bson_t filter = BSON_INITIALIZER;
	BSON_APPEND_OID(&filter, "_id", &mid);
	BSON_APPEND_OID(&filter, "conversation_id", &cid);
	BSON_APPEND_OID(&filter, "user_id", &uid);
	int m = update_matched(g->msgs, &filter, update, &err);
	bson_destroy(&filter);
	if (m < 0)
		return mfail(g, &err, cause);
	if (m == 0) {
		int rc = owns(g, user_id, conv_id, cause);
		return rc < 0 ? rc : ENGINE_NO_MSG;
	}
	return STORE_OK;
}

static int mg_msg_update(void *h, const char *user_id, const char *conv_id, const struct msg *m,
                         char **cause)
{
	bson_t update = BSON_INITIALIZER, set;
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
	put_record(&set, &msg_record, m, REC_STATE);
	bson_append_document_end(&update, &set);
	int rc = msg_set(h, user_id, conv_id, m->id, &update, cause);
	bson_destroy(&update);
	return rc;
}

static int mg_msg_feedback(void *h, const char *user_id, const char *conv_id, const char *msg_id,
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
	m->id = get_oid(doc, "_id");
	m->seq = (long)get_num(doc, "seq");
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

static int mg_msg_page(void *h, const char *user_id, const char *conv_id, long before_seq,
                       size_t limit, struct store_msgs *out, char **cause)
{
	struct mg *g = h;
	int rc = owns(g, user_id, conv_id, cause);
	if (rc < 0 || limit == 0) /* a find limit of 0 would mean "all" */
		return rc;
	bson_oid_t cid;
	oid_parse(conv_id, &cid);
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
		rc = mfail(g, &err, cause);
	mongoc_cursor_destroy(cur);
	for (size_t i = 0; i < out->n / 2; i++) {
		struct msg *tmp = out->items[i];
		out->items[i] = out->items[out->n - 1 - i];
		out->items[out->n - 1 - i] = tmp;
	}
	return rc;
}

/* ---- usage ---- */

static int mg_usage_add(void *h, const char *user_id, const char *model, long long at,
                        const char *id, char **cause)
{
	struct mg *g = h;
	bson_oid_t uid, rid;
	if (oid_parse(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	if (id == NULL)
		bson_oid_init(&rid, NULL);
	else if (oid_parse(id, &rid) < 0)
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
	return ok ? STORE_OK : mfail(g, &err, cause);
}

static int mg_usage_count(void *h, const char *user_id, const char *model, long long since,
                          long *count, char **cause)
{
	struct mg *g = h;
	bson_oid_t uid;
	if (oid_parse(user_id, &uid) < 0)
		return STORE_OK;
	bson_t q = BSON_INITIALIZER, range;
	BSON_APPEND_OID(&q, "user_id", &uid);
	BSON_APPEND_UTF8(&q, "model", model);
	BSON_APPEND_DOCUMENT_BEGIN(&q, "at", &range);
	BSON_APPEND_DATE_TIME(&range, "$gte", since);
	bson_append_document_end(&q, &range);
	int rc = count_cmd(g, g->usage, &q, count, cause);
	bson_destroy(&q);
	return rc;
}

const struct store_engine store_mongo_engine = {
    .name = "mongodb",
    .where = mg_where,
    .new_id = mg_new_id,
    .ping = mg_ping,
    .close = mg_close,
    .destroy = mg_destroy,
    .user_create = mg_user_create,
    .user_find = mg_user_find,
    .session_add = mg_session_add,
    .session_get = mg_session_get,
    .session_revoke = mg_session_revoke,
    .fail_add = mg_fail_add,
    .fail_count = mg_fail_count,
    .fail_clear = mg_fail_clear,
    .conv_create = mg_conv_create,
    .conv_list = mg_conv_list,
    .conv_get = mg_conv_get,
    .conv_set = mg_conv_set,
    .conv_delete = mg_conv_delete,
    .msg_append = mg_msg_append,
    .msg_update = mg_msg_update,
    .msg_feedback = mg_msg_feedback,
    .msg_page = mg_msg_page,
    .usage_add = mg_usage_add,
    .usage_count = mg_usage_count,
};
