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
 * This file connects, makes the indexes, holds the BSON helpers the
 * engine's files share (mongo.h); the engine's table is mongo_engine.c,
 * and the operations are in mongo_accounts.c (accounts, sessions, login
 * throttling, usage), mongo_convs.c (conversations) and mongo_messages.c
 * (messages, and how they are numbered).
 *
 * What it must not do: let a bson_t or mongoc type leave these files, or
 * touch a conversation without the caller's user_id in the filter.
 */
#include <mongoc/mongoc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mongo.h"
#include "jarvis/util.h"

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
int mg_fail(struct mg *g, const bson_error_t *e, char **cause)
{
	if (server_unreachable(e)) {
		set_cause(cause, "store: cannot reach MongoDB at %s: %s; is it running?", g->host,
		          e->message);
		return STORE_OFFLINE;
	}
	set_cause(cause, "%s", e->message);
	return STORE_ERROR;
}

int mg_oid_parse(const char *s, bson_oid_t *o)
{
	if (s == NULL || strlen(s) != 24 || !bson_oid_is_valid(s, 24))
		return -1;
	bson_oid_init_from_string(o, s);
	return 0;
}

char *mg_oid_str(const bson_oid_t *o)
{
	char hex[25];
	bson_oid_to_string(o, hex);
	return xstrdup(hex);
}

void mg_put_str(bson_t *b, const char *key, const char *v)
{
	if (v == NULL)
		bson_append_null(b, key, -1);
	else
		bson_append_utf8(b, key, -1, v, -1);
}

/* A field as a new string; NULL when missing or not a string. */
char *mg_get_str(const bson_t *doc, const char *key)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_UTF8(&it))
		return NULL;
	uint32_t len;
	const char *s = bson_iter_utf8(&it, &len);
	return xstrndup(s, len);
}

/* A numeric or date field as an integer; 0 when missing. */
long long mg_get_num(const bson_t *doc, const char *key)
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

char *mg_get_oid(const bson_t *doc, const char *key)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_OID(&it))
		return NULL;
	return mg_oid_str(bson_iter_oid(&it));
}

/*
 * Runs a find and copies the first document into *out (initialised only
 * when found). 1 found, 0 none, -1 error.
 */
/*
 * Runs a find and copies the first document into *out (initialised only
 * when found). 1 found, 0 none, -1 error.
 */
/* Runs update_one and says whether a document matched: 1, 0, or -1 on error. */
int mg_update_matched(mongoc_collection_t *c, const bson_t *filter, const bson_t *update,
                      bson_error_t *err)
{
	bson_t reply;
	bool ok = mongoc_collection_update_one(c, filter, update, NULL, &reply, err);
	long long matched = ok ? mg_get_num(&reply, "matchedCount") : 0;
	bson_destroy(&reply);
	if (!ok)
		return -1;
	return matched > 0;
}

/* Fills a filter {_id: conv, user_id: user}; -1 when either id is malformed. */
int mg_conv_filter(bson_t *f, const char *user_id, const char *conv_id)
{
	bson_oid_t uid, cid;
	if (mg_oid_parse(user_id, &uid) < 0 || mg_oid_parse(conv_id, &cid) < 0)
		return -1;
	bson_init(f);
	BSON_APPEND_OID(f, "_id", &cid);
	BSON_APPEND_OID(f, "user_id", &uid);
	return 0;
}

int mg_find_one(mongoc_collection_t *c, const bson_t *filter, const bson_t *opts, bson_t *out,
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
int mg_count(struct mg *g, mongoc_collection_t *c, const bson_t *query, long *count, char **cause)
{
	bson_t cmd = BSON_INITIALIZER, reply;
	bson_error_t err;
	BSON_APPEND_UTF8(&cmd, "count", mongoc_collection_get_name(c));
	BSON_APPEND_DOCUMENT(&cmd, "query", query);
	bool ok = mongoc_collection_command_simple(c, &cmd, NULL, &reply, &err);
	bson_destroy(&cmd);
	if (!ok) {
		bson_destroy(&reply);
		return mg_fail(g, &err, cause);
	}
	*count = (long)mg_get_num(&reply, "n");
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
	/* A least-privilege user (man page, SECURITY) may not make indexes:
	 * the administrator made them; 1 says to stop trying. */
	if (!ok && err.code == UNAUTHORIZED)
		return 1;
	if (!ok)
		return mg_fail(g, &err, cause);
	return STORE_OK;
}

static int make_indexes(struct mg *g, char **cause)
{
	bson_t k;
	int rc = 0;

	bson_init(&k);
	BSON_APPEND_INT32(&k, "email", 1);
	rc = rc != 0 ? rc : create_index(g, g->users, "email_1", &k, true, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "user_id", 1);
	BSON_APPEND_INT32(&k, "updated_at", -1);
	rc = rc != 0 ? rc : create_index(g, g->convs, "user_id_1_updated_at_-1", &k, false, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "conversation_id", 1);
	BSON_APPEND_INT32(&k, "seq", 1);
	rc = rc != 0 ? rc : create_index(g, g->msgs, "conversation_id_1_seq_1", &k, true, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "jti", 1);
	rc = rc != 0 ? rc : create_index(g, g->sessions, "jti_1", &k, true, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "user_id", 1);
	BSON_APPEND_INT32(&k, "model", 1);
	BSON_APPEND_INT32(&k, "at", 1);
	rc = rc != 0 ? rc : create_index(g, g->usage, "user_id_1_model_1_at_1", &k, false, cause);
	bson_destroy(&k);

	bson_init(&k);
	BSON_APPEND_INT32(&k, "email", 1);
	BSON_APPEND_INT32(&k, "at", 1);
	rc = rc != 0 ? rc : create_index(g, g->fails, "email_1_at_1", &k, false, cause);
	bson_destroy(&k);
	return rc > 0 ? STORE_OK : rc;
}

void mg_close(void *h)
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

int mg_ping(void *h, char **cause)
{
	struct mg *g = h;
	bson_t ping = BSON_INITIALIZER, reply;
	bson_error_t err;
	BSON_APPEND_INT32(&ping, "ping", 1);
	bool ok = mongoc_client_command_simple(g->client, "admin", &ping, NULL, &reply, &err);
	bson_destroy(&ping);
	bson_destroy(&reply);
	if (!ok) {
		int rc = mg_fail(g, &err, cause);
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

char *mg_new_id(void *h)
{
	bson_oid_t oid;
	bson_oid_init(&oid, NULL);
	return mg_oid_str(&oid);
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

const char *mg_where(void *h)
{
	return ((struct mg *)h)->where;
}

int mg_destroy(void *h, char **cause)
{
	struct mg *g = h;
	bson_error_t err;
	if (!mongoc_database_drop_with_opts(g->db, NULL, &err))
		return mg_fail(g, &err, cause);
	return STORE_OK;
}
