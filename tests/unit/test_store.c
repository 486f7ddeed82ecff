/*
 * The store contract: one set of cases run with the same expectations
 * against the SQLite engine (always, on a temporary file) and the MongoDB
 * engine (when JARVIS_TEST_MONGO_URI is set; each run uses a fresh random
 * database and drops it at the end). Every test makes its own accounts,
 * so tests sharing the database cannot see each other's rows. Without that variable the MongoDB
 * half is skipped loudly, and under CI=true its absence is a failure.
 *
 * The raw-row checks (messages really gone after a delete) read the
 * engines' own files and collections directly, on purpose.
 */
#include "jarvis/store.h"

#include <errno.h>
#include <fcntl.h>
#include <mongoc/mongoc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/store/record.h"
#include "jarvis/util.h"
#include "unit.h"

/* How the running test opens its store: set by the tcase's fixture. */
static struct {
	int mongo;
	char *uri;
	char *db;
	char *dir; /* SQLite: the temporary directory */
} E;

static struct store *S;

static unsigned rand32(void)
{
	unsigned v = 0;
	int fd = open("/dev/urandom", O_RDONLY);
	if (fd < 0 || read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		v = (unsigned)getpid() ^ (unsigned)wall_ms();
	if (fd >= 0)
		close(fd);
	return v;
}

static struct store *open_store(void)
{
	char *cause = NULL;
	struct store *st = store_open(E.uri, E.db, NULL, &cause);
	ck_assert_msg(st != NULL, "store_open(%s): %s", E.uri, cause ? cause : "?");
	return st;
}

/*
 * Unchecked fixtures (run once per engine in the parent) make and remove
 * the temporary file or database, so a failing test leaves nothing behind;
 * checked fixtures (in each test's process) open and close the handle.
 */
static void make_sqlite(void)
{
	E.mongo = 0;
	E.dir = xstrdup("/tmp/jarvis-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(E.dir));
	E.uri = xasprintf("sqlite:%s/jarvis.db", E.dir);
	E.db = NULL;
}

static void rm_tree(const char *dir)
{
	const char *names[] = {"jarvis.db", "jarvis.db-wal", "jarvis.db-shm"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

static void remove_sqlite(void)
{
	rm_tree(E.dir);
	free(E.dir);
	free(E.uri);
}

static void make_mongo(void)
{
	E.mongo = 1;
	E.uri = xstrdup(getenv("JARVIS_TEST_MONGO_URI"));
	E.db = xasprintf("jarvis_test_%d_%08x", (int)getpid(), rand32());
	E.dir = NULL;
}

static void drop_mongo(void)
{
	char *cause = NULL;
	struct store *st = store_open(E.uri, E.db, NULL, &cause);
	if (st == NULL || store_destroy(st, &cause) < 0)
		fprintf(stderr, "store test: could not drop %s: %s\n", E.db, cause);
	free(cause);
	store_close(st);
	free(E.uri);
	free(E.db);
}

static void open_fixture(void)
{
	S = open_store();
	ck_assert_str_eq(store_engine(S), E.mongo ? "mongodb" : "sqlite");
	ck_assert(store_is_local(S) == !E.mongo);
}

static void close_fixture(void)
{
	store_close(S);
	S = NULL;
}

/* A new account with a unique e-mail; returns its id. */
static char *mkuser(const char *name)
{
	static unsigned n;
	char *email = xasprintf("%s.%u.%08x@example.org", name, n++, rand32());
	char *id = NULL, *cause = NULL;
	int rc = store_user_create(S, name, email, "$2b$12$hash", &id, &cause);
	ck_assert_msg(rc == 0, "user_create: %s", cause);
	free(email);
	return id;
}

static char *mkconv(const char *uid, const char *title)
{
	char *id = NULL, *cause = NULL;
	int rc = store_conv_create(S, uid, title, "gemini-3.5-flash", NULL, &id, &cause);
	ck_assert_msg(rc == 0, "conv_create: %s", cause);
	return id;
}

static struct msg *append(struct store *st, const char *uid, const char *cid, enum msg_role role,
                          const char *text)
{
	char *cause = NULL;
	struct msg *m = msg_new(role, text);
	int rc = store_msg_append(st, uid, cid, m, &cause);
	ck_assert_msg(rc == 0, "msg_append: %s", cause);
	return m;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void expect_no_conv(int rc, char *cause)
{
	ck_assert_int_eq(rc, STORE_NOTFOUND);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, "no such conversation");
	free(cause);
}

/* Runs a call that must fail as "no such conversation"; uses the caller's `cause`. */
#define EXPECT_NO_CONV(call)                                                                       \
	do {                                                                                       \
		cause = NULL;                                                                      \
		int rc_ = (call);                                                                  \
		expect_no_conv(rc_, cause);                                                        \
		cause = NULL;                                                                      \
	} while (0)

/* ---- users ---- */

START_TEST(email_is_unique_and_lower_cased)
{
	char *id = NULL, *cause = NULL;
	ck_assert_int_eq(
	    store_user_create(S, "Ada", "  Ada.Lovelace@Example.COM ", "$2b$12$x", &id, &cause), 0);
	struct store_user *u = NULL;
	ck_assert_int_eq(store_user_find_email(S, "ada.lovelace@example.com", &u, &cause), 0);
	ck_assert_str_eq(u->email, "ada.lovelace@example.com");
	ck_assert_str_eq(u->name, "Ada");
	ck_assert_str_eq(u->password_hash, "$2b$12$x");
	ck_assert_str_eq(u->id, id);
	store_user_free(u);

	ck_assert_int_eq(store_user_find_id(S, id, &u, &cause), 0);
	ck_assert_str_eq(u->email, "ada.lovelace@example.com");
	store_user_free(u);

	char *id2 = NULL;
	int rc =
	    store_user_create(S, "Other", "ADA.LOVELACE@example.com", "$2b$12$y", &id2, &cause);
	ck_assert_int_eq(rc, STORE_EXISTS);
	ck_assert_str_eq(cause, "an account with that e-mail already exists");
	ck_assert_ptr_null(id2);
	free(cause);
	cause = NULL;

	ck_assert_int_eq(store_user_find_email(S, "nobody@example.com", &u, &cause),
	                 STORE_NOTFOUND);
	ck_assert_ptr_null(u);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(store_user_find_id(S, "nonsense", &u, &cause), STORE_NOTFOUND);
	free(cause);
	free(id);
}
END_TEST

/* ---- isolation ---- */

START_TEST(users_cannot_touch_each_others_conversations)
{
	char *a = mkuser("alice"), *b = mkuser("bob");
	char *ca = mkconv(a, "alice's secret plans");
	struct msg *m = append(S, a, ca, ROLE_USER, "top secret");
	char *cause = NULL;
	struct conv *c = NULL;

	EXPECT_NO_CONV(store_conv_get(S, b, ca, &c, &cause));
	ck_assert_ptr_null(c);
	EXPECT_NO_CONV(store_conv_get_index(S, b, 1, &c, &cause));
	EXPECT_NO_CONV(store_conv_rename(S, b, ca, "pwned", &cause));
	EXPECT_NO_CONV(store_conv_set_model(S, b, ca, "x", &cause));
	EXPECT_NO_CONV(store_conv_set_system(S, b, ca, "x", &cause));
	EXPECT_NO_CONV(store_conv_delete(S, b, ca, &cause));
	struct msg *evil = msg_new(ROLE_USER, "injected");
	EXPECT_NO_CONV(store_msg_append(S, b, ca, evil, &cause));
	ck_assert_ptr_null(evil->id);
	buf_reset(&m->text);
	buf_addstr(&m->text, "overwritten");
	EXPECT_NO_CONV(store_msg_update(S, b, ca, m, &cause));
	EXPECT_NO_CONV(store_msg_feedback(S, b, ca, m->id, -1, &cause));
	struct store_msgs v;
	EXPECT_NO_CONV(store_msg_last(S, b, ca, 10, &v, &cause));
	ck_assert_uint_eq(v.n, 0);
	EXPECT_NO_CONV(store_msg_before(S, b, ca, 5, 10, &v, &cause));

	/* An unknown id and a malformed one read exactly like a foreign one. */
	char *gone = mkconv(a, "to be deleted");
	ck_assert_int_eq(store_conv_delete(S, a, gone, &cause), 0);
	EXPECT_NO_CONV(store_conv_get(S, a, gone, &c, &cause));
	EXPECT_NO_CONV(store_conv_get(S, a, "../../etc", &c, &cause));
	EXPECT_NO_CONV(store_msg_append(S, a, gone, evil, &cause));

	struct store_conv_list l;
	ck_assert_int_eq(store_conv_list(S, b, 0, 10, &l, &cause), 0);
	ck_assert_uint_eq(l.n, 0);
	store_conv_list_release(&l);

	/* Alice's conversation is as she left it. */
	ck_assert_int_eq(store_conv_get(S, a, ca, &c, &cause), 0);
	ck_assert_str_eq(c->title, "alice's secret plans");
	ck_assert_str_eq(c->model, "gemini-3.5-flash");
	ck_assert_ptr_null(c->system_prompt);
	conv_free(c);
	ck_assert_int_eq(store_msg_last(S, a, ca, 10, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 1);
	ck_assert_str_eq(v.items[0]->text.data, "top secret");
	ck_assert_int_eq(v.items[0]->feedback, 0);
	store_msgs_release(&v);
	ck_assert_int_eq(store_conv_list(S, a, 0, 10, &l, &cause), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.items[0].nmessages, 1);
	store_conv_list_release(&l);

	msg_free(evil);
	msg_free(m);
	free(a), free(b), free(ca), free(gone);
}
END_TEST

/* ---- conversations ---- */

START_TEST(conversations_list_newest_first_in_pages)
{
	char *u = mkuser("carol");
	char *ids[5];
	char title[32];
	for (int i = 0; i < 5; i++) {
		snprintf(title, sizeof(title), "conv %d", i);
		ids[i] = mkconv(u, title);
		sleep_ms(3);
	}
	char *cause = NULL;
	struct store_conv_list l;
	/* Newest first: conv 4, 3, 2, 1, 0, in pages of two. */
	const char *want[] = {"conv 4", "conv 3", "conv 2", "conv 1", "conv 0"};
	for (size_t off = 0; off < 6; off += 2) {
		ck_assert_int_eq(store_conv_list(S, u, off, 2, &l, &cause), 0);
		ck_assert_uint_eq(l.n, off < 4 ? 2 : 1);
		for (size_t i = 0; i < l.n; i++) {
			ck_assert_str_eq(l.items[i].title, want[off + i]);
			ck_assert_int_eq(l.items[i].nmessages, 0);
		}
		store_conv_list_release(&l);
	}
	ck_assert_int_eq(store_conv_list(S, u, 10, 2, &l, &cause), 0);
	ck_assert_uint_eq(l.n, 0);

	/* A new message moves a conversation to the top and counts in the listing. */
	sleep_ms(3);
	struct msg *m1 = append(S, u, ids[1], ROLE_USER, "hello");
	struct msg *m2 = append(S, u, ids[1], ROLE_MODEL, "hi there");
	ck_assert_int_eq(store_conv_list(S, u, 0, 10, &l, &cause), 0);
	ck_assert_uint_eq(l.n, 5);
	ck_assert_str_eq(l.items[0].id, ids[1]);
	ck_assert_str_eq(l.items[0].title, "conv 1");
	ck_assert_int_eq(l.items[0].nmessages, 2);
	ck_assert_str_eq(l.items[1].title, "conv 4");
	ck_assert(l.items[0].updated_ms >= l.items[1].updated_ms);
	ck_assert_str_eq(l.items[0].model, "gemini-3.5-flash");
	store_conv_list_release(&l);

	struct conv *c = NULL;
	ck_assert_int_eq(store_conv_get_index(S, u, 1, &c, &cause), 0);
	ck_assert_str_eq(c->id, ids[1]);
	conv_free(c);
	ck_assert_int_eq(store_conv_get_index(S, u, 2, &c, &cause), 0);
	ck_assert_str_eq(c->title, "conv 4");
	conv_free(c);
	EXPECT_NO_CONV(store_conv_get_index(S, u, 6, &c, &cause));
	EXPECT_NO_CONV(store_conv_get_index(S, u, 0, &c, &cause));

	msg_free(m1), msg_free(m2);
	for (int i = 0; i < 5; i++)
		free(ids[i]);
	free(u);
}
END_TEST

START_TEST(rename_model_and_system_prompt_stick)
{
	char *u = mkuser("dave"), *cause = NULL;
	char *id = mkconv(u, "untitled");
	ck_assert_int_eq(store_conv_rename(S, u, id, "Trip to Esfahan", &cause), 0);
	ck_assert_int_eq(store_conv_set_model(S, u, id, "gemini-2.5-pro", &cause), 0);
	ck_assert_int_eq(store_conv_set_system(S, u, id, "answer in verse", &cause), 0);
	struct conv *c = NULL;
	ck_assert_int_eq(store_conv_get(S, u, id, &c, &cause), 0);
	ck_assert_str_eq(c->id, id);
	ck_assert_str_eq(c->title, "Trip to Esfahan");
	ck_assert_str_eq(c->model, "gemini-2.5-pro");
	ck_assert_str_eq(c->system_prompt, "answer in verse");
	ck_assert_uint_eq(c->n, 0);
	ck_assert(c->created_ms > 0 && c->updated_ms >= c->created_ms);
	conv_free(c);
	ck_assert_int_eq(store_conv_set_system(S, u, id, NULL, &cause), 0);
	ck_assert_int_eq(store_conv_get(S, u, id, &c, &cause), 0);
	ck_assert_ptr_null(c->system_prompt);
	conv_free(c);
	struct store_conv_list l;
	ck_assert_int_eq(store_conv_list(S, u, 0, 10, &l, &cause), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.items[0].title, "Trip to Esfahan");
	store_conv_list_release(&l);
	free(u), free(id);
}
END_TEST

/*
 * Messages of a conversation as the engine itself holds them, bypassing
 * store.h; for SQLite plus any image row whose message is gone.
 */
static long raw_message_count(const char *conv_id)
{
	long n = -1;
	if (!E.mongo) {
		char *path = xasprintf("%s/jarvis.db", E.dir);
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db,
		                                    "SELECT (SELECT COUNT(*) FROM messages WHERE "
		                                    "conversation_id = ?1) + (SELECT COUNT(*) FROM "
		                                    "images WHERE message_id NOT IN "
		                                    "(SELECT id FROM messages))",
		                                    -1, &st, NULL),
		                 SQLITE_OK);
		sqlite3_bind_int64(st, 1, strtoll(conv_id, NULL, 10));
		if (sqlite3_step(st) == SQLITE_ROW)
			n = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
		free(path);
		return n;
	}
	bson_error_t err;
	mongoc_client_t *cl = mongoc_client_new(E.uri);
	ck_assert_ptr_nonnull(cl);
	mongoc_collection_t *coll = mongoc_client_get_collection(cl, E.db, "messages");
	bson_oid_t oid;
	bson_oid_init_from_string(&oid, conv_id);
	bson_t cmd = BSON_INITIALIZER, q, reply;
	BSON_APPEND_UTF8(&cmd, "count", "messages");
	BSON_APPEND_DOCUMENT_BEGIN(&cmd, "query", &q);
	BSON_APPEND_OID(&q, "conversation_id", &oid);
	bson_append_document_end(&cmd, &q);
	if (mongoc_collection_command_simple(coll, &cmd, NULL, &reply, &err)) {
		bson_iter_t it;
		if (bson_iter_init_find(&it, &reply, "n"))
			n = (long)bson_iter_as_int64(&it);
	}
	bson_destroy(&cmd);
	bson_destroy(&reply);
	mongoc_collection_destroy(coll);
	mongoc_client_destroy(cl);
	return n;
}

START_TEST(delete_removes_the_messages_too)
{
	char *u = mkuser("erin"), *cause = NULL;
	char *keep = mkconv(u, "keep");
	char *id = mkconv(u, "doomed");
	struct msg *k = append(S, u, keep, ROLE_USER, "stays");
	struct msg *m = msg_new(ROLE_USER, "look");
	struct image img = {.name = "a.png",
	                    .mime = "image/png",
	                    .size = 3,
	                    .data_uri = "data:image/png;base64,AAAA"};
	msg_add_image(m, &img);
	ck_assert_int_eq(store_msg_append(S, u, id, m, &cause), 0);
	for (int i = 0; i < 4; i++)
		msg_free(append(S, u, id, ROLE_MODEL, "reply"));
	ck_assert_int_eq(raw_message_count(id), 5);
	ck_assert_int_eq(store_conv_delete(S, u, id, &cause), 0);
	ck_assert_int_eq(raw_message_count(id), 0);
	EXPECT_NO_CONV(store_conv_delete(S, u, id, &cause));
	struct store_msgs v;
	EXPECT_NO_CONV(store_msg_last(S, u, id, 10, &v, &cause));
	/* The other conversation is untouched. */
	ck_assert_int_eq(store_msg_last(S, u, keep, 10, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 1);
	ck_assert_str_eq(v.items[0]->text.data, "stays");
	store_msgs_release(&v);
	msg_free(k), msg_free(m);
	free(u), free(keep), free(id);
}
END_TEST

/*
 * An id once given is never given again, even after the conversation with
 * the highest id is deleted: `jarvis -C ID` must not open a newer one.
 */
START_TEST(deleted_conversation_ids_are_never_reused)
{
	char *u = mkuser("ivy"), *cause = NULL;
	char *low = mkconv(u, "low");
	char *high = mkconv(u, "high");
	ck_assert_int_eq(store_conv_delete(S, u, high, &cause), 0);
	char *next = mkconv(u, "next");
	ck_assert_str_ne(next, high);
	ck_assert_str_ne(next, low);
	/* Another handle (another process) does not reuse it either. */
	struct store *other = open_store();
	ck_assert_int_eq(store_conv_delete(other, u, next, &cause), 0);
	char *again = NULL;
	ck_assert_int_eq(store_conv_create(other, u, "again", NULL, NULL, &again, &cause), 0);
	ck_assert_str_ne(again, next);
	ck_assert_str_ne(again, high);
	store_close(other);
	struct conv *c = NULL;
	EXPECT_NO_CONV(store_conv_get(S, u, high, &c, &cause));
	free(u), free(low), free(high), free(next), free(again);
}
END_TEST

/* ---- messages ---- */

START_TEST(messages_page_from_the_end_and_upwards)
{
	char *u = mkuser("frank"), *cause = NULL;
	char *id = mkconv(u, "long");
	char text[32];
	long prev = 0;
	for (int i = 1; i <= 25; i++) {
		snprintf(text, sizeof(text), "m%d", i);
		struct msg *m = append(S, u, id, i % 2 ? ROLE_USER : ROLE_MODEL, text);
		ck_assert_ptr_nonnull(m->id);
		ck_assert(m->seq > prev);
		prev = m->seq;
		msg_free(m);
	}
	struct store_msgs v;
	ck_assert_int_eq(store_msg_last(S, u, id, 10, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 10);
	for (size_t i = 0; i < v.n; i++) {
		snprintf(text, sizeof(text), "m%zu", 16 + i);
		ck_assert_str_eq(v.items[i]->text.data, text);
		ck_assert_int_eq(v.items[i]->role, (16 + i) % 2 ? ROLE_USER : ROLE_MODEL);
		if (i > 0)
			ck_assert(v.items[i]->seq > v.items[i - 1]->seq);
	}
	long first = v.items[0]->seq;
	store_msgs_release(&v);

	ck_assert_int_eq(store_msg_before(S, u, id, first, 10, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 10);
	ck_assert_str_eq(v.items[0]->text.data, "m6");
	ck_assert_str_eq(v.items[9]->text.data, "m15");
	first = v.items[0]->seq;
	store_msgs_release(&v);

	ck_assert_int_eq(store_msg_before(S, u, id, first, 10, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 5);
	ck_assert_str_eq(v.items[0]->text.data, "m1");
	ck_assert_str_eq(v.items[4]->text.data, "m5");
	first = v.items[0]->seq;
	store_msgs_release(&v);

	ck_assert_int_eq(store_msg_before(S, u, id, first, 10, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 0);
	ck_assert_int_eq(store_msg_last(S, u, id, 1000, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 25);
	store_msgs_release(&v);
	free(u), free(id);
}
END_TEST

START_TEST(streaming_checkpoints_final_state_and_feedback)
{
	char *u = mkuser("grace"), *cause = NULL;
	char *id = mkconv(u, "stream");
	struct msg *q = append(S, u, id, ROLE_USER, "why is the sky blue?");
	struct msg *a = msg_new(ROLE_MODEL, "Ray");
	a->status = MSG_STREAMING;
	a->model = xstrdup("gemini-3.5-flash");
	a->thinking = xstrdup("high");
	a->web = xstrdup("on");
	ck_assert_int_eq(store_msg_append(S, u, id, a, &cause), 0);
	ck_assert(a->seq > q->seq);
	buf_addstr(&a->text, "leigh scattering.");
	ck_assert_int_eq(store_msg_update(S, u, id, a, &cause), 0);
	struct store_msgs v;
	ck_assert_int_eq(store_msg_last(S, u, id, 1, &v, &cause), 0);
	ck_assert_str_eq(v.items[0]->text.data, "Rayleigh scattering.");
	ck_assert_int_eq(v.items[0]->status, MSG_STREAMING);
	store_msgs_release(&v);

	a->status = MSG_INTERRUPTED;
	a->finish_reason = xstrdup("STOP");
	buf_addstr(&a->thoughts, "thinking about light");
	a->usage = (struct usage){
	    .prompt_tokens = 12, .candidates_tokens = 34, .thoughts_tokens = 5, .total_tokens = 51};
	a->grounding = xstrdup("{\"sources\":[]}");
	ck_assert_int_eq(store_msg_update(S, u, id, a, &cause), 0);
	ck_assert_int_eq(store_msg_feedback(S, u, id, a->id, +1, &cause), 0);
	ck_assert_int_eq(store_msg_feedback(S, u, id, a->id, 2, &cause), STORE_INVALID);
	free(cause), cause = NULL;
	ck_assert_int_eq(store_msg_feedback(S, u, id, "nonsense", 1, &cause), STORE_NOTFOUND);
	free(cause), cause = NULL;

	ck_assert_int_eq(store_msg_last(S, u, id, 2, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 2);
	struct msg *r = v.items[1];
	ck_assert_str_eq(v.items[0]->text.data, "why is the sky blue?");
	ck_assert_int_eq(v.items[0]->status, MSG_COMPLETE);
	ck_assert_int_eq(v.items[0]->feedback, 0);
	ck_assert_str_eq(r->id, a->id);
	ck_assert_int_eq(r->seq, a->seq);
	ck_assert_str_eq(r->text.data, "Rayleigh scattering.");
	ck_assert_str_eq(r->thoughts.data, "thinking about light");
	ck_assert_int_eq(r->status, MSG_INTERRUPTED);
	ck_assert_str_eq(r->finish_reason, "STOP");
	ck_assert_str_eq(r->model, "gemini-3.5-flash");
	ck_assert_str_eq(r->thinking, "high");
	ck_assert_str_eq(r->web, "on");
	ck_assert_str_eq(r->grounding, "{\"sources\":[]}");
	ck_assert_ptr_null(v.items[0]->thinking);
	ck_assert_int_eq(r->usage.prompt_tokens, 12);
	ck_assert_int_eq(r->usage.candidates_tokens, 34);
	ck_assert_int_eq(r->usage.thoughts_tokens, 5);
	ck_assert_int_eq(r->usage.total_tokens, 51);
	ck_assert_int_eq(r->feedback, 1);
	ck_assert_int_eq(r->created_ms, a->created_ms);
	store_msgs_release(&v);

	ck_assert_int_eq(store_msg_feedback(S, u, id, a->id, -1, &cause), 0);
	ck_assert_int_eq(store_msg_last(S, u, id, 1, &v, &cause), 0);
	ck_assert_int_eq(v.items[0]->feedback, -1);
	store_msgs_release(&v);

	struct msg *n = msg_new(ROLE_NOTICE, "a local notice");
	ck_assert_int_eq(store_msg_append(S, u, id, n, &cause), STORE_INVALID);
	free(cause);
	msg_free(n), msg_free(q), msg_free(a);
	free(u), free(id);
}
END_TEST

START_TEST(unicode_round_trips_byte_for_byte)
{
	/* Persian with ZWNJ, emoji with ZWJ and skin tone and flags, CJK, combining marks,
	 * right-to-left mark, a 4-byte CJK extension character. */
	static const char *const texts[] = {
	    "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85 "
	    "\xd9\x86\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb4\xd9\x88\xd8\xaf",
	    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f"
	    "\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7\xe2\x80\x8d\xf0\x9f\x91\xa6 \xf0\x9f\x91\x8d"
	    "\xf0\x9f\x8f\xbd \xf0\x9f\x8f\xb3\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x8c\x88 "
	    "\xf0\x9f\x87\xae\xf0\x9f\x87\xb7",
	    "\xe6\xbc\xa2\xe5\xad\x97\xe3\x81\x8b\xe3\x81\xaa\xed\x95\x9c\xea\xb5\xad\xec\x96"
	    "\xb4 \xf0\xa0\x80\x8b",
	    "e\xcc\x81 a\xcc\x88\xcc\xa3 \xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8 \xe2\x80\x8f"
	    "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d\t\"quoted\" 'single' \\ back",
	};
	char *u = mkuser("hafez"), *cause = NULL;
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		char *id = mkconv(u, texts[i]);
		struct msg *m = append(S, u, id, ROLE_USER, texts[i]);
		struct conv *c = NULL;
		ck_assert_int_eq(store_conv_get(S, u, id, &c, &cause), 0);
		ck_assert_uint_eq(strlen(c->title), strlen(texts[i]));
		ck_assert(memcmp(c->title, texts[i], strlen(texts[i])) == 0);
		conv_free(c);
		struct store_msgs v;
		ck_assert_int_eq(store_msg_last(S, u, id, 5, &v, &cause), 0);
		ck_assert_uint_eq(v.n, 1);
		ck_assert_uint_eq(v.items[0]->text.len, strlen(texts[i]));
		ck_assert(memcmp(v.items[0]->text.data, texts[i], strlen(texts[i])) == 0);
		store_msgs_release(&v);
		msg_free(m);
		free(id);
	}
	/* And in an account name, via the listing too. */
	char *id = NULL;
	ck_assert_int_eq(store_user_create(S, texts[0], "RTL@Example.org", "h", &id, &cause), 0);
	struct store_user *user = NULL;
	ck_assert_int_eq(store_user_find_id(S, id, &user, &cause), 0);
	ck_assert_str_eq(user->name, texts[0]);
	store_user_free(user);
	struct store_conv_list l;
	ck_assert_int_eq(store_conv_list(S, u, 0, 10, &l, &cause), 0);
	ck_assert_uint_eq(l.n, ARRAY_LEN(texts));
	ck_assert_str_eq(l.items[0].title, texts[ARRAY_LEN(texts) - 1]);
	store_conv_list_release(&l);
	free(id);
	free(u);
}
END_TEST

START_TEST(large_images_round_trip)
{
	char *u = mkuser("ivan"), *cause = NULL;
	char *id = mkconv(u, "pictures");
	/* 6 MiB of base64 (4.5 MiB of raw image), in a pattern that shows misplaced bytes. */
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *prefix = "data:image/png;base64,";
	size_t body = 6u * 1024 * 1024, plen = strlen(prefix);
	char *big = xmalloc(plen + body + 1);
	memcpy(big, prefix, plen);
	for (size_t i = 0; i < body; i++)
		big[plen + i] = b64[(i * 7 + i / 4096) % 64];
	big[plen + body] = '\0';

	struct msg *m = msg_new(ROLE_USER, "what is in these pictures?");
	struct image i1 = {
	    .name = "cat photo.png", .mime = "image/png", .size = body / 4 * 3, .data_uri = big};
	struct image i2 = {.name = "tiny.webp",
	                   .mime = "image/webp",
	                   .size = 3,
	                   .data_uri = "data:image/webp;base64,AAAA"};
	msg_add_image(m, &i1);
	msg_add_image(m, &i2);
	ck_assert_int_eq(store_msg_append(S, u, id, m, &cause), 0);
	struct store_msgs v;
	ck_assert_int_eq(store_msg_last(S, u, id, 10, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 1);
	struct msg *r = v.items[0];
	ck_assert_uint_eq(r->nimages, 2);
	ck_assert_str_eq(r->images[0].name, "cat photo.png");
	ck_assert_str_eq(r->images[0].mime, "image/png");
	ck_assert_uint_eq(r->images[0].size, body / 4 * 3);
	ck_assert_uint_eq(strlen(r->images[0].data_uri), plen + body);
	ck_assert(memcmp(r->images[0].data_uri, big, plen + body) == 0);
	ck_assert_str_eq(r->images[1].name, "tiny.webp");
	ck_assert_str_eq(r->images[1].mime, "image/webp");
	ck_assert_uint_eq(r->images[1].size, 3);
	ck_assert_str_eq(r->images[1].data_uri, "data:image/webp;base64,AAAA");
	ck_assert_str_eq(r->text.data, "what is in these pictures?");
	store_msgs_release(&v);
	msg_free(m);
	free(big);
	free(u), free(id);
}
END_TEST

/* Appends n messages to one conversation from a new handle; the child's exit status. */
static int child_appends(const char *uid, const char *cid, int n, const char *tag)
{
	char *cause = NULL;
	struct store *st = store_open(E.uri, E.db, NULL, &cause);
	if (st == NULL) {
		fprintf(stderr, "child %s: open: %s\n", tag, cause);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char text[32];
		snprintf(text, sizeof(text), "%s %d", tag, i);
		struct msg *m = msg_new(ROLE_USER, text);
		if (store_msg_append(st, uid, cid, m, &cause) < 0) {
			fprintf(stderr, "child %s: append %d: %s\n", tag, i, cause);
			return 1;
		}
		msg_free(m);
	}
	store_close(st);
	return 0;
}

/* The keys of a record table's top level: its ungrouped fields' names and its groups. */
static int record_has_key(const struct rec_table *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++) {
		const char *k = t->fields[i].group ? t->fields[i].group : t->fields[i].name;
		if (strcmp(k, key) == 0)
			return 1;
	}
	return 0;
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* Every column of an SQLite table is an engine key or a field of t, and every field has one. */
static void columns_are_the_record(sqlite3 *db, const char *table, const struct rec_table *t,
                                   const char *const *keys)
{
	char *sql = xasprintf("SELECT name FROM pragma_table_info('%s')", table);
	sqlite3_stmt *q;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	size_t fields = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(q, 0);
		int field = 0;
		for (size_t i = 0; i < t->n; i++)
			field |= strcmp(t->fields[i].name, col) == 0;
		ck_assert_msg(field || in_list(keys, col), "%s.%s is in no record table", table,
		              col);
		fields += field;
	}
	sqlite3_finalize(q);
	ck_assert_msg(fields == t->n, "%s: %zu of %zu record fields have a column", table, fields,
	              t->n);
	free(sql);
}

/*
 * One description of a stored message (src/store/record.h): the SQLite
 * columns and the MongoDB document keys are the table's fields and the
 * engine's own keys, nothing else, so a field cannot be added to one
 * serialiser and not the others.
 */
START_TEST(files_api_copy_is_stored_and_rewritten)
{
	char *u = mkuser("fay"), *id = mkconv(u, "files"), *cause = NULL;
	struct msg *m = msg_new(ROLE_USER, "two pictures");
	struct image a = {.name = "a.png",
	                  .mime = "image/png",
	                  .size = 3,
	                  .data_uri = "data:image/png;base64,AAAA"};
	struct image b = {.name = "b.png",
	                  .mime = "image/png",
	                  .size = 3,
	                  .data_uri = "data:image/png;base64,BBBB",
	                  .file_uri = "https://x.test/v1beta/files/b1",
	                  .file_expires_ms = 1700000000123LL};
	msg_add_image(m, &a);
	msg_add_image(m, &b);
	ck_assert_int_eq(store_msg_append(S, u, id, m, &cause), 0);
	struct store_msgs v;
	ck_assert_int_eq(store_msg_last(S, u, id, 10, &v, &cause), 0);
	ck_assert_ptr_null(v.items[0]->images[0].file_uri);
	ck_assert_int_eq(v.items[0]->images[0].file_expires_ms, 0);
	ck_assert_str_eq(v.items[0]->images[1].file_uri, "https://x.test/v1beta/files/b1");
	ck_assert_int_eq(v.items[0]->images[1].file_expires_ms, 1700000000123LL);
	store_msgs_release(&v);

	/* Uploaded later (and b again): an update rewrites the copies, nothing else of the images.
	 */
	m->images[0].file_uri = xstrdup("https://x.test/v1beta/files/a1");
	m->images[0].file_expires_ms = 1800000000000LL;
	free(m->images[1].file_uri);
	m->images[1].file_uri = xstrdup("https://x.test/v1beta/files/b2");
	m->images[1].file_expires_ms = 1900000000000LL;
	ck_assert_int_eq(store_msg_update(S, u, id, m, &cause), 0);
	ck_assert_int_eq(store_msg_last(S, u, id, 10, &v, &cause), 0);
	struct msg *r = v.items[0];
	ck_assert_uint_eq(r->nimages, 2);
	ck_assert_str_eq(r->images[0].file_uri, "https://x.test/v1beta/files/a1");
	ck_assert_int_eq(r->images[0].file_expires_ms, 1800000000000LL);
	ck_assert_str_eq(r->images[1].file_uri, "https://x.test/v1beta/files/b2");
	ck_assert_int_eq(r->images[1].file_expires_ms, 1900000000000LL);
	ck_assert_str_eq(r->images[0].data_uri, "data:image/png;base64,AAAA");
	ck_assert_str_eq(r->images[1].data_uri, "data:image/png;base64,BBBB");
	ck_assert_str_eq(r->images[1].name, "b.png");
	store_msgs_release(&v);
	msg_free(m);
	free(u), free(id);
}
END_TEST

START_TEST(stored_message_is_the_record_table)
{
	char *u = mkuser("rita"), *c = mkconv(u, "t"), *cause = NULL;
	struct msg *m = msg_new(ROLE_USER, "hi");
	struct image img = {.name = "a.png",
	                    .mime = "image/png",
	                    .size = 3,
	                    .data_uri = "data:image/png;base64,AAAA"};
	msg_add_image(m, &img);
	ck_assert_int_eq(store_msg_append(S, u, c, m, &cause), 0);
	if (!E.mongo) {
		static const char *const msg_keys[] = {"id", "conversation_id", "user_id", "seq",
		                                       NULL};
		static const char *const img_keys[] = {"message_id", "idx", NULL};
		char *path = xasprintf("%s/jarvis.db", E.dir);
		sqlite3 *db;
		ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
		columns_are_the_record(db, "messages", &msg_record, msg_keys);
		columns_are_the_record(db, "images", &image_record, img_keys);
		sqlite3_close(db);
		free(path);
	} else {
		static const char *const keys[] = {"_id", "conversation_id", "user_id",
		                                   "seq", "images",          NULL};
		mongoc_client_t *cl = mongoc_client_new(E.uri);
		mongoc_collection_t *coll = mongoc_client_get_collection(cl, E.db, "messages");
		bson_t filter = BSON_INITIALIZER;
		bson_oid_t oid;
		bson_oid_init_from_string(&oid, m->id);
		BSON_APPEND_OID(&filter, "_id", &oid);
		mongoc_cursor_t *cur = mongoc_collection_find_with_opts(coll, &filter, NULL, NULL);
		const bson_t *doc;
		ck_assert(mongoc_cursor_next(cur, &doc));
		bson_iter_t it;
		size_t n = 0;
		ck_assert(bson_iter_init(&it, doc));
		while (bson_iter_next(&it)) {
			const char *k = bson_iter_key(&it);
			ck_assert_msg(in_list(keys, k) || record_has_key(&msg_record, k),
			              "messages.%s is in no record table", k);
			n += !in_list(keys, k);
		}
		ck_assert(bson_iter_init_find(&it, doc, "usage") && BSON_ITER_HOLDS_DOCUMENT(&it));
		ck_assert_uint_gt(n, 0);
		mongoc_cursor_destroy(cur);
		bson_destroy(&filter);
		mongoc_collection_destroy(coll);
		mongoc_client_destroy(cl);
	}
	msg_free(m);
	free(u), free(c);
}
END_TEST

START_TEST(two_processes_appending_get_distinct_seqs)
{
	char *u = mkuser("judy"), *cause = NULL;
	char *id = mkconv(u, "busy");
	enum { PER_CHILD = 200 };
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		ck_assert_int_ge(kids[k], 0);
		if (kids[k] == 0)
			_exit(child_appends(u, id, PER_CHILD, k ? "B" : "A"));
	}
	for (int k = 0; k < 2; k++) {
		int status = 0;
		ck_assert_int_eq(waitpid(kids[k], &status, 0), kids[k]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		              "child %d failed (status %d)", k, status);
	}
	struct store_msgs v;
	ck_assert_int_eq(store_msg_last(S, u, id, 1000, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 2 * PER_CHILD);
	int next[2] = {0, 0};
	for (size_t i = 0; i < v.n; i++) {
		if (i > 0)
			ck_assert_msg(v.items[i]->seq > v.items[i - 1]->seq, "seq %ld after %ld",
			              v.items[i]->seq, v.items[i - 1]->seq);
		/* Each child's messages keep their own order. */
		int k = v.items[i]->text.data[0] == 'B';
		char want[32];
		snprintf(want, sizeof(want), "%c %d", k ? 'B' : 'A', next[k]++);
		ck_assert_str_eq(v.items[i]->text.data, want);
	}
	ck_assert_int_eq(next[0], PER_CHILD);
	ck_assert_int_eq(next[1], PER_CHILD);
	store_msgs_release(&v);
	struct store_conv_list l;
	ck_assert_int_eq(store_conv_list(S, u, 0, 1, &l, &cause), 0);
	ck_assert_int_eq(l.items[0].nmessages, 2 * PER_CHILD);
	store_conv_list_release(&l);
	free(u), free(id);
}
END_TEST

/* ---- sessions, throttling, usage ---- */

START_TEST(sessions_expire_and_revoke)
{
	char *u = mkuser("ken"), *cause = NULL, *who = NULL;
	long long now = wall_ms();
	ck_assert_int_eq(store_session_add(S, "jti-1", u, now + 60000, &cause), 0);
	ck_assert_int_eq(store_session_add(S, "jti-2", u, now + 60000, &cause), 0);
	ck_assert_int_eq(store_session_check(S, "jti-1", now, &who, &cause), 0);
	ck_assert_str_eq(who, u);
	free(who);
	ck_assert_int_eq(store_session_add(S, "jti-1", u, now + 60000, &cause), STORE_EXISTS);
	free(cause), cause = NULL;

	ck_assert_int_eq(store_session_check(S, "jti-1", now + 60000, &who, &cause),
	                 STORE_NOTFOUND);
	ck_assert_ptr_null(who);
	ck_assert_str_eq(cause, "session expired; log in again");
	free(cause), cause = NULL;

	ck_assert_int_eq(store_session_revoke(S, "jti-1", &cause), 0);
	ck_assert_int_eq(store_session_check(S, "jti-1", now, &who, &cause), STORE_NOTFOUND);
	ck_assert_str_eq(cause, "session revoked; log in again");
	free(cause), cause = NULL;
	/* Revoking one session leaves the other. */
	ck_assert_int_eq(store_session_check(S, "jti-2", now, NULL, &cause), 0);

	ck_assert_int_eq(store_session_check(S, "jti-unknown", now, &who, &cause), STORE_NOTFOUND);
	free(cause), cause = NULL;
	ck_assert_int_eq(store_session_revoke(S, "jti-unknown", &cause), 0);
	free(u);
}
END_TEST

/* Takes the user out of a stored session, behind the store's back (a damaged record). */
static void raw_damage_session(const char *jti)
{
	if (!E.mongo) {
		char *path = xasprintf("%s/jarvis.db", E.dir);
		sqlite3 *db;
		sqlite3_stmt *st;
		ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
		ck_assert_int_eq(
		    sqlite3_prepare_v2(db, "UPDATE sessions SET user_id = 'gone' WHERE jti = ?", -1,
		                       &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(st, 1, jti, -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		ck_assert_int_eq(sqlite3_changes(db), 1);
		sqlite3_finalize(st);
		sqlite3_close(db);
		free(path);
		return;
	}
	bson_error_t err;
	mongoc_client_t *cl = mongoc_client_new(E.uri);
	ck_assert_ptr_nonnull(cl);
	mongoc_collection_t *coll = mongoc_client_get_collection(cl, E.db, "sessions");
	bson_t filter = BSON_INITIALIZER, update = BSON_INITIALIZER, unset, reply;
	BSON_APPEND_UTF8(&filter, "jti", jti);
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$unset", &unset);
	BSON_APPEND_UTF8(&unset, "user_id", "");
	bson_append_document_end(&update, &unset);
	ck_assert_msg(mongoc_collection_update_one(coll, &filter, &update, NULL, &reply, &err),
	              "%s", err.message);
	bson_destroy(&filter), bson_destroy(&update), bson_destroy(&reply);
	mongoc_collection_destroy(coll);
	mongoc_client_destroy(cl);
}

/*
 * Both engines hand back the raw record and store.c decides: a session
 * whose record lost its user is never valid, and says so; revoked wins.
 */
START_TEST(damaged_session_is_refused_alike)
{
	char *u = mkuser("lena"), *cause = NULL, *who = NULL;
	long long now = wall_ms();
	ck_assert_int_eq(store_session_add(S, "jti-dmg-1", u, now + 60000, &cause), 0);
	ck_assert_int_eq(store_session_add(S, "jti-dmg-2", u, now + 60000, &cause), 0);
	ck_assert_int_eq(store_session_revoke(S, "jti-dmg-2", &cause), 0);
	raw_damage_session("jti-dmg-1");
	raw_damage_session("jti-dmg-2");
	ck_assert_int_eq(store_session_check(S, "jti-dmg-1", now, &who, &cause), STORE_NOTFOUND);
	ck_assert_ptr_null(who);
	ck_assert_str_eq(cause, "the session's record is damaged; log in again");
	ck_assert_int_eq(store_session_check(S, "jti-dmg-2", now, &who, &cause), STORE_NOTFOUND);
	ck_assert_ptr_null(who);
	ck_assert_str_eq(cause, "session revoked; log in again");
	free(cause);
	free(u);
}
END_TEST

START_TEST(login_failures_count_across_handles)
{
	char *cause = NULL;
	struct store *other = open_store();
	long long t = wall_ms();
	long n = -1;
	ck_assert_int_eq(store_login_fail_reserve(S, "Bob@Example.com ", t - 10000, 0, 5, &cause),
	                 0);
	ck_assert_int_eq(store_login_fail_reserve(S, "bob@example.com", t - 5000, 0, 5, &cause), 0);
	ck_assert_int_eq(store_login_fail_reserve(other, "BOB@example.COM", t, 0, 5, &cause), 0);
	ck_assert_int_eq(store_login_fail_reserve(other, "eve@example.com", t, 0, 5, &cause), 0);
	ck_assert_int_eq(store_login_fail_count(other, "bob@example.com", t - 6000, &n, &cause), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(store_login_fail_count(S, " bob@EXAMPLE.com", 0, &n, &cause), 0);
	ck_assert_int_eq(n, 3);
	/* The limit counts within the window only: the old tries left it. */
	ck_assert_int_eq(store_login_fail_reserve(S, "bob@example.com", t, 0, 3, &cause),
	                 STORE_EXISTS);
	ck_assert_str_eq(cause, "too many failed logins for this e-mail");
	ck_assert_int_eq(store_login_fail_reserve(S, "bob@example.com", t, t - 1000, 3, &cause), 0);
	ck_assert_int_eq(store_login_fail_count(S, "bob@example.com", t - 1000, &n, &cause), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(store_login_fail_clear(other, "bob@example.com", &cause), 0);
	ck_assert_int_eq(store_login_fail_count(S, "bob@example.com", 0, &n, &cause), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_login_fail_count(S, "eve@example.com", 0, &n, &cause), 0);
	ck_assert_int_eq(n, 1);
	free(cause);
	store_close(other);
}
END_TEST

/* One process's login guesses: how many were let through to the password check. */
static int child_reserves(const char *email, long long t, int tries)
{
	struct store *st = open_store();
	char *cause = NULL;
	int got = 0;
	for (int i = 0; i < tries; i++) {
		int rc = store_login_fail_reserve(st, email, t, t - 60000, 5, &cause);
		if (rc == 0)
			got++;
		else if (rc != STORE_EXISTS)
			got = 100; /* a store failure: the parent sees too many */
	}
	free(cause);
	store_close(st);
	return got;
}

START_TEST(parallel_login_attempts_get_the_limit_only)
{
	enum { KIDS = 8, TRIES = 5 };
	long long t = wall_ms();
	pid_t kids[KIDS];
	for (int k = 0; k < KIDS; k++) {
		kids[k] = fork();
		ck_assert_int_ge(kids[k], 0);
		if (kids[k] == 0)
			_exit(child_reserves("race@example.com", t, TRIES));
	}
	int through = 0;
	for (int k = 0; k < KIDS; k++) {
		int status = 0;
		ck_assert_int_eq(waitpid(kids[k], &status, 0), kids[k]);
		ck_assert(WIFEXITED(status));
		through += WEXITSTATUS(status);
	}
	ck_assert_int_eq(through, 5);
	long n = -1;
	char *cause = NULL;
	ck_assert_int_eq(store_login_fail_count(S, "race@example.com", 0, &n, &cause), 0);
	ck_assert_int_eq(n, 5);
}
END_TEST

START_TEST(usage_counts_per_user_model_and_window)
{
	char *u = mkuser("lena"), *w = mkuser("mallory"), *cause = NULL;
	long long t = wall_ms(), day = 86400000LL;
	const long long ago[] = {day + 1000, 3600000, 120000, 30000, 10000, 0};
	for (size_t i = 0; i < ARRAY_LEN(ago); i++)
		ck_assert_int_eq(store_usage_add(S, u, "gemini-3.5-flash", t - ago[i], &cause), 0);
	ck_assert_int_eq(store_usage_add(S, u, "gemini-2.5-pro", t, &cause), 0);
	ck_assert_int_eq(store_usage_add(S, w, "gemini-3.5-flash", t, &cause), 0);
	long n = -1;
	ck_assert_int_eq(store_usage_count(S, u, "gemini-3.5-flash", t - 60000, &n, &cause), 0);
	ck_assert_int_eq(n, 3); /* the last minute: RPM */
	ck_assert_int_eq(store_usage_count(S, u, "gemini-3.5-flash", t - day, &n, &cause), 0);
	ck_assert_int_eq(n, 5); /* the last day: RPD */
	ck_assert_int_eq(store_usage_count(S, u, "gemini-2.5-pro", t - day, &n, &cause), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_usage_count(S, w, "gemini-3.5-flash", 0, &n, &cause), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_usage_count(S, u, "no-such-model", 0, &n, &cause), 0);
	ck_assert_int_eq(n, 0);
	free(u), free(w);
}
END_TEST

/* ---- engine-specific checks (no fixture) ---- */

START_TEST(sqlite_file_is_private_and_versioned)
{
	char *top = xstrdup("/tmp/jarvis-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	char *data = xasprintf("%s/data/jarvis", top);
	char *cause = NULL;
	/* The default: no URI, the data directory (created, 0700) holds jarvis.db (0600). */
	struct store *st = store_open(NULL, NULL, data, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	ck_assert_str_eq(store_engine(st), "sqlite");
	store_close(st);
	struct stat sb;
	ck_assert_int_eq(stat(data, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	char *path = xasprintf("%s/jarvis.db", data);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);

	sqlite3 *db;
	sqlite3_stmt *q;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(q, 0), 8);
	sqlite3_finalize(q);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	/* A file from a newer Jarvis is refused, not damaged. */
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = store_open(path, NULL, NULL, &cause);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(cause, "schema version 99") && strstr(cause, "upgrade Jarvis"), "%s",
	              cause);
	free(cause);
	cause = NULL;

	ck_assert_ptr_null(store_open("sqlite:", NULL, NULL, &cause));
	free(cause), cause = NULL;
	ck_assert_ptr_null(store_open("redis://x", NULL, NULL, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "unknown store URI scheme"));
	free(cause);

	rm_tree(data);
	char *mid = xasprintf("%s/data", top);
	rmdir(mid);
	rmdir(top);
	free(mid), free(path), free(data), free(top);
}
END_TEST

/*
 * A version 7 file (conversations without AUTOINCREMENT) moves to 8 with
 * its conversations, messages and images whole, and from then on the
 * highest id is not reused after a delete.
 */
START_TEST(sqlite_upgrade_to_unreused_ids_keeps_the_data)
{
	char *dir = xstrdup("/tmp/jarvis-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *path = xasprintf("%s/jarvis.db", dir), *cause = NULL;
	S = store_open(path, NULL, NULL, &cause);
	ck_assert_msg(S != NULL, "%s", cause);
	char *uid = mkuser("old"), *keep = mkconv(uid, "kept"), *top = mkconv(uid, "top");
	struct msg *m = msg_new(ROLE_USER, "still here");
	struct image img = {.name = "a.png", .mime = "image/png", .size = 1, .data_uri = "data:,"};
	msg_add_image(m, &img);
	ck_assert_int_eq(store_msg_append(S, uid, keep, m, &cause), 0);
	store_close(S);
	S = NULL;
	/* Back to what version 7 made: a plain INTEGER PRIMARY KEY. */
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	const char *v7 =
	    "PRAGMA foreign_keys = OFF;"
	    "BEGIN;"
	    "CREATE TABLE c7 (id INTEGER PRIMARY KEY,"
	    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	    " title TEXT NOT NULL, model TEXT, system_prompt TEXT, created_at INTEGER NOT NULL,"
	    " updated_at INTEGER NOT NULL, forked_from INTEGER,"
	    " fork_question INTEGER NOT NULL DEFAULT 0);"
	    "INSERT INTO c7 SELECT * FROM conversations;"
	    "DROP TABLE conversations;"
	    "ALTER TABLE c7 RENAME TO conversations;"
	    "CREATE INDEX conversations_user_updated ON conversations(user_id, updated_at DESC,"
	    " id DESC);"
	    "DELETE FROM sqlite_sequence;"
	    "PRAGMA user_version = 7;"
	    "COMMIT;";
	char *err = NULL;
	ck_assert_msg(sqlite3_exec(db, v7, NULL, NULL, &err) == SQLITE_OK, "%s", err);
	sqlite3_close(db);

	S = store_open(path, NULL, NULL, &cause);
	ck_assert_msg(S != NULL, "%s", cause);
	struct store_msgs v;
	ck_assert_int_eq(store_msg_last(S, uid, keep, 10, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 1);
	ck_assert_str_eq(v.items[0]->text.data, "still here");
	ck_assert_uint_eq(v.items[0]->nimages, 1);
	store_msgs_release(&v);
	struct conv *c = NULL;
	ck_assert_int_eq(store_conv_get(S, uid, top, &c, &cause), 0);
	ck_assert_str_eq(c->title, "top");
	conv_free(c);
	ck_assert_int_eq(store_conv_delete(S, uid, top, &cause), 0);
	char *next = mkconv(uid, "next");
	ck_assert_str_ne(next, top);
	store_close(S);
	S = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *q;
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	                                    "SELECT sql LIKE '%AUTOINCREMENT%' FROM sqlite_master "
	                                    "WHERE name = 'conversations'",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(q, 0), 1);
	sqlite3_finalize(q);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA foreign_key_list(messages)", -1, &q, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(q, 2), "conversations");
	sqlite3_finalize(q);
	sqlite3_close(db);
	msg_free(m);
	free(uid), free(keep), free(top), free(next);
	rm_tree(dir);
	free(path), free(dir);
}
END_TEST

/* How many of this process's descriptors are open on a file whose path starts with prefix. */
static int fds_on(const char *prefix)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++) {
		char link[64], target[4096];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		ssize_t len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		n += strncmp(target, prefix, strlen(prefix)) == 0;
	}
	return n;
}

/*
 * Every prepared statement is finalised at close, so the file is really
 * closed (sqlite3_close_v2 would otherwise keep a "zombie" connection, and
 * its descriptors, until the last statement went).
 */
START_TEST(sqlite_close_releases_the_file)
{
	char *dir = xstrdup("/tmp/jarvis-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *path = xasprintf("%s/jarvis.db", dir), *cause = NULL;
	S = store_open(path, NULL, NULL, &cause);
	ck_assert_msg(S != NULL, "%s", cause);
	char *uid = mkuser("closer"), *cid = mkconv(uid, "t");
	struct msg *m = msg_new(ROLE_USER, "hello");
	struct image img = {.name = "a.png", .mime = "image/png", .size = 1, .data_uri = "data:,"};
	msg_add_image(m, &img);
	ck_assert_int_eq(store_msg_append(S, uid, cid, m, &cause), 0);
	ck_assert_int_eq(store_msg_feedback(S, uid, cid, m->id, 1, &cause), 0);
	struct store_msgs v;
	ck_assert_int_eq(store_msg_last(S, uid, cid, 10, &v, &cause), 0);
	ck_assert_uint_eq(v.n, 1);
	store_msgs_release(&v);
	ck_assert_int_gt(fds_on(path), 0);
	store_close(S);
	S = NULL;
	ck_assert_int_eq(fds_on(path), 0);
	msg_free(m);
	free(uid), free(cid);
	rm_tree(dir);
	free(path), free(dir);
}
END_TEST

START_TEST(unreachable_mongodb_says_so)
{
	char *cause = NULL;
	long long t0 = now_ms();
	struct store *st =
	    store_open("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1500", NULL, NULL, &cause);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(cause, "store: cannot reach MongoDB at 127.0.0.1:1: ") != NULL &&
	                  strstr(cause, "is it running?") != NULL,
	              "%s", cause);
	ck_assert_int_lt(now_ms() - t0, 5000);
	free(cause);
}
END_TEST

START_TEST(mongodb_contract_required_in_ci)
{
	ck_abort_msg("CI=true but JARVIS_TEST_MONGO_URI is unset: run the tests under "
	             "`python3 tests/ferretdb.py run -- make unit`");
}
END_TEST

static void add_contract(TCase *tc)
{
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, email_is_unique_and_lower_cased);
	tcase_add_test(tc, users_cannot_touch_each_others_conversations);
	tcase_add_test(tc, conversations_list_newest_first_in_pages);
	tcase_add_test(tc, rename_model_and_system_prompt_stick);
	tcase_add_test(tc, delete_removes_the_messages_too);
	tcase_add_test(tc, deleted_conversation_ids_are_never_reused);
	tcase_add_test(tc, messages_page_from_the_end_and_upwards);
	tcase_add_test(tc, streaming_checkpoints_final_state_and_feedback);
	tcase_add_test(tc, unicode_round_trips_byte_for_byte);
	tcase_add_test(tc, large_images_round_trip);
	tcase_add_test(tc, files_api_copy_is_stored_and_rewritten);
	tcase_add_test(tc, stored_message_is_the_record_table);
	tcase_add_test(tc, two_processes_appending_get_distinct_seqs);
	tcase_add_test(tc, sessions_expire_and_revoke);
	tcase_add_test(tc, damaged_session_is_refused_alike);
	tcase_add_test(tc, login_failures_count_across_handles);
	tcase_add_test(tc, parallel_login_attempts_get_the_limit_only);
	tcase_add_test(tc, usage_counts_per_user_model_and_window);
}

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("sqlite");
	tcase_add_unchecked_fixture(tc, make_sqlite, remove_sqlite);
	tcase_add_checked_fixture(tc, open_fixture, close_fixture);
	add_contract(tc);
	suite_add_tcase(s, tc);

	tc = tcase_create("engines");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, sqlite_file_is_private_and_versioned);
	tcase_add_test(tc, sqlite_close_releases_the_file);
	tcase_add_test(tc, sqlite_upgrade_to_unreused_ids_keeps_the_data);
	tcase_add_test(tc, unreachable_mongodb_says_so);
	suite_add_tcase(s, tc);

	const char *uri = getenv("JARVIS_TEST_MONGO_URI");
	if (uri != NULL && *uri != '\0') {
		tc = tcase_create("mongodb");
		tcase_add_unchecked_fixture(tc, make_mongo, drop_mongo);
		tcase_add_checked_fixture(tc, open_fixture, close_fixture);
		add_contract(tc);
		suite_add_tcase(s, tc);
	} else {
		fprintf(stderr, "store: MONGODB CONTRACT SKIPPED (JARVIS_TEST_MONGO_URI unset)\n");
		const char *ci = getenv("CI");
		if (ci != NULL && strcmp(ci, "true") == 0) {
			tc = tcase_create("mongodb");
			tcase_add_test(tc, mongodb_contract_required_in_ci);
			suite_add_tcase(s, tc);
		}
	}
	return s;
}

UNIT_MAIN(store_suite)
