/*
 * The store's outbox against a real MongoDB peer (JARVIS_TEST_MONGO_URI,
 * FerretDB under tests/ferretdb.py). A unit test cannot kill the server it
 * was given, so the outage is a URI to a closed port (127.0.0.1:1) with the
 * same database name and state directory; the replay phase then opens the
 * real URI. What is checked is what a user would notice: the writes made
 * while offline are in the store afterwards, in order, exactly once, even
 * when the replay is repeated after a crash; the journal is private.
 * Without the variable the suite is skipped loudly (a failure under CI).
 */
#include "jarvis/store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/buf.h"
#include "jarvis/util.h"
#include "unit.h"

#define OFFLINE_URI "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"

static char *URI, *DB, *DIR_;

static char *in_dir(const char *name)
{
	return xasprintf("%s/%s", DIR_, name);
}

static void setup(void)
{
	URI = xstrdup(getenv("JARVIS_TEST_MONGO_URI"));
	DB = xasprintf("jarvis_outbox_%d_%lld", (int)getpid(), now_ms() % 100000000);
	char *base = xstrdup("/tmp/jarvis-outbox-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	/* A state directory that does not exist yet: the outbox makes it. */
	DIR_ = xasprintf("%s/state/jarvis", base);
	free(base);
}

static void teardown(void)
{
	char *cause = NULL;
	struct store *st = store_open(URI, DB, NULL, &cause);
	if (st != NULL)
		store_destroy(st, &cause);
	store_close(st);
	free(cause);
	const char *names[] = {"outbox.jsonl", "outbox.lock", "outbox.rejected.jsonl",
	                       "outbox-session.json", "copy.jsonl"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char *p = in_dir(names[i]);
		unlink(p);
		free(p);
	}
	rmdir(DIR_);
	char *up = xstrdup(DIR_);
	*strrchr(up, '/') = '\0';
	rmdir(up);
	*strrchr(up, '/') = '\0';
	rmdir(up);
	free(up);
	free(URI);
	free(DB);
	free(DIR_);
}

/* Makes dir and its parents (the state directory before the outbox first opens it). */
static int mkdir_p_for_test(const char *dir)
{
	char *d = xstrdup(dir);
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(d, 0700);
		*p = '/';
	}
	int rc = mkdir(d, 0700) == 0 || access(d, F_OK) == 0 ? 0 : -1;
	free(d);
	return rc;
}

static struct store *open_online(void)
{
	char *cause = NULL;
	struct store *st = store_open_outbox(URI, DB, NULL, DIR_, &cause);
	ck_assert_msg(st != NULL, "store_open_outbox(%s): %s", URI, cause);
	return st;
}

static struct store *open_offline(void)
{
	char *cause = NULL;
	struct store *st = store_open_outbox(OFFLINE_URI, DB, NULL, DIR_, &cause);
	ck_assert_msg(st != NULL, "offline open: %s", cause);
	ck_assert(!store_online(st));
	return st;
}

static char *mkuser(struct store *st)
{
	static unsigned n;
	char *email = xasprintf("outbox.%d.%u@example.org", (int)getpid(), n++);
	char *id = NULL, *cause = NULL;
	ck_assert_msg(store_user_create(st, "Ada", email, "$2b$12$hash", &id, &cause) == 0, "%s",
	              cause);
	free(email);
	return id;
}

/* Every message of a conversation, read through a store without an outbox. */
static struct store_msgs read_all(const char *uid, const char *cid)
{
	char *cause = NULL;
	struct store *st = store_open(URI, DB, NULL, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	struct store_msgs v = {0};
	ck_assert_msg(store_msg_last(st, uid, cid, 100, &v, &cause) == 0, "%s", cause);
	store_close(st);
	return v;
}

static size_t count_convs(const char *uid)
{
	char *cause = NULL;
	struct store *st = store_open(URI, DB, NULL, &cause);
	struct store_conv_list l = {0};
	ck_assert_msg(store_conv_list(st, uid, 0, 100, &l, &cause) == 0, "%s", cause);
	size_t n = l.n;
	store_conv_list_release(&l);
	store_close(st);
	return n;
}

static void copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
	ck_assert(a && b);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, a)) > 0)
		fwrite(buf, 1, n, b);
	fclose(a);
	fclose(b);
}

START_TEST(offline_writes_replay_in_order_exactly_once)
{
	char *cause = NULL;
	struct store *on = open_online();
	char *uid = mkuser(on);
	store_close(on);

	struct store *st = open_offline();
	char *cid = NULL;
	ck_assert_msg(
	    store_conv_create(st, uid, "offline talk", "gemini-3.5-flash", NULL, &cid, &cause) == 0,
	    "%s", cause);
	ck_assert_int_eq(strlen(cid), 24);
	struct msg *m[5];
	char *ids[5];
	long long t0 = now_ms();
	for (int i = 0; i < 5; i++) {
		char text[32];
		snprintf(text, sizeof text, "message %d", i + 1);
		m[i] = msg_new(i % 2 ? ROLE_MODEL : ROLE_USER, text);
		ck_assert_msg(store_msg_append(st, uid, cid, m[i], &cause) == 0, "%s", cause);
		ck_assert_ptr_nonnull(m[i]->id);
		ck_assert_int_eq(m[i]->seq, i + 1); /* provisional */
		ids[i] = xstrdup(m[i]->id);
	}
	/* Within the back-off no write waits for the dead server's timeout. */
	ck_assert_int_lt(now_ms() - t0, 1000);
	ck_assert_int_eq(store_pending_writes(st), 6);
	ck_assert(!store_online(st));
	/* Reads say so, at once. */
	struct store_msgs v = {0};
	ck_assert_int_eq(store_msg_last(st, uid, cid, 10, &v, &cause), STORE_OFFLINE);
	ck_assert_msg(strstr(cause, "offline") && strstr(cause, "6 writes wait"), "%s", cause);
	free(cause);
	cause = NULL;
	store_close(st);

	/* Private: 0600 in a 0700 directory. */
	char *path = in_dir("outbox.jsonl"), *copy = in_dir("copy.jsonl");
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(stat(DIR_, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	copy_file(path, copy);

	/* Still pending across a restart; replayed once the server answers. */
	st = open_offline();
	ck_assert_int_eq(store_pending_writes(st), 6);
	store_close(st);
	st = open_online();
	ck_assert(store_online(st));
	ck_assert_int_eq(store_pending_writes(st), 0);
	store_close(st);

	v = read_all(uid, cid);
	ck_assert_int_eq(v.n, 5);
	for (size_t i = 0; i < v.n; i++) {
		char text[32];
		snprintf(text, sizeof text, "message %zu", i + 1);
		ck_assert_str_eq(v.items[i]->text.data, text);
		ck_assert_str_eq(v.items[i]->id, ids[i]);
		ck_assert_int_eq(v.items[i]->role, i % 2 ? ROLE_MODEL : ROLE_USER);
		if (i > 0)
			ck_assert_int_gt(v.items[i]->seq, v.items[i - 1]->seq);
	}
	store_msgs_release(&v);

	/* A crash after the apply but before the compaction: the same lines again. */
	ck_assert_int_eq(rename(copy, path), 0);
	st = open_online();
	ck_assert_int_eq(store_pending_writes(st), 0);
	store_close(st);
	v = read_all(uid, cid);
	ck_assert_int_eq(v.n, 5);
	store_msgs_release(&v);
	ck_assert_int_eq(count_convs(uid), 1);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);

	for (int i = 0; i < 5; i++) {
		msg_free(m[i]);
		free(ids[i]);
	}
	free(path), free(copy), free(uid), free(cid);
}
END_TEST

START_TEST(updates_and_renames_of_offline_rows_apply_after_them)
{
	char *cause = NULL;
	struct store *on = open_online();
	char *uid = mkuser(on);
	/* A conversation made online, then continued offline. */
	char *cid = NULL;
	ck_assert(store_conv_create(on, uid, "before", NULL, NULL, &cid, &cause) == 0);
	struct msg *q = msg_new(ROLE_USER, "online question");
	ck_assert(store_msg_append(on, uid, cid, q, &cause) == 0);
	store_close(on);

	struct store *st = open_offline();
	struct msg *a = msg_new(ROLE_MODEL, "partial");
	a->status = MSG_INTERRUPTED;
	ck_assert(store_msg_append(st, uid, cid, a, &cause) == 0);
	buf_addstr(&a->text, " and the rest");
	a->status = MSG_COMPLETE;
	ck_assert(store_msg_update(st, uid, cid, a, &cause) == 0);
	ck_assert(store_msg_feedback(st, uid, cid, a->id, 1, &cause) == 0);
	ck_assert(store_conv_rename(st, uid, cid, "after", &cause) == 0);
	ck_assert(store_usage_add(st, uid, "gemini-3.5-flash", wall_ms(), &cause) == 0);
	ck_assert_int_eq(store_pending_writes(st), 5);
	store_close(st);

	st = open_online();
	ck_assert_int_eq(store_pending_writes(st), 0);
	struct conv *c = NULL;
	ck_assert(store_conv_get(st, uid, cid, &c, &cause) == 0);
	ck_assert_str_eq(c->title, "after");
	long n = 0;
	ck_assert(store_usage_count(st, uid, "gemini-3.5-flash", 0, &n, &cause) == 0);
	ck_assert_int_eq(n, 1);
	store_close(st);
	struct store_msgs v = read_all(uid, cid);
	ck_assert_int_eq(v.n, 2);
	ck_assert_str_eq(v.items[0]->text.data, "online question");
	ck_assert_str_eq(v.items[1]->text.data, "partial and the rest");
	ck_assert_int_eq(v.items[1]->status, MSG_COMPLETE);
	ck_assert_int_eq(v.items[1]->feedback, 1);
	ck_assert_int_gt(v.items[1]->seq, v.items[0]->seq);
	store_msgs_release(&v);
	conv_free(c);
	msg_free(q), msg_free(a), free(uid), free(cid);
}
END_TEST

/* A fresh 24-hex ObjectId-shaped id (unique per call in this process). */
static char *oid_hex(void)
{
	static unsigned n;
	return xasprintf("%08x%08x%08x", (unsigned)(wall_ms() / 1000), (unsigned)getpid(), ++n);
}

/* The whole journal as a string. */
static char *journal_text(void)
{
	char *p = in_dir("outbox.jsonl");
	char *s = unit_slurp(p, NULL);
	free(p);
	return s;
}

/*
 * A journal left by Jarvis 0.1 ("v":1 lines, usage keys "prompt",
 * "candidates", "thoughts", "total", the message time as "at") is
 * replayed with every field; lines written now are "v":2 and use the
 * record's names (prompt_tokens, created_at). The 0.1 lines below are in
 * the exact shape 0.1's outbox.c printed them.
 */
START_TEST(journal_of_0_1_replays_every_field)
{
	char *cause = NULL;
	struct store *on = open_online();
	char *uid = mkuser(on);
	store_close(on);
	char *cid = oid_hex(), *m1 = oid_hex(), *m2 = oid_hex();
	char *pre = xasprintf("{\"v\":1,\"store\":\"mongodb/%s\",", DB);
	char *lines = xasprintf(
	    "%s\"op\":\"conv_create\",\"user\":\"%s\",\"id\":\"%s\",\"title\":\"old\","
	    "\"model\":\"gemini-3.5-flash\",\"system_prompt\":null,\"at\":1700000000000}\n"
	    "%s\"op\":\"msg_append\",\"user\":\"%s\",\"conv\":\"%s\",\"id\":\"%s\","
	    "\"role\":\"user\",\"text\":\"look at this\",\"thoughts\":\"\",\"model\":null,"
	    "\"status\":\"complete\",\"finish_reason\":null,\"usage\":{\"prompt\":0,"
	    "\"candidates\":0,\"thoughts\":0,\"total\":0},\"feedback\":0,\"at\":1700000000001,"
	    "\"images\":[{\"name\":\"a.png\",\"mime\":\"image/png\",\"size\":3,"
	    "\"data_uri\":\"data:image/png;base64,AAAA\"}]}\n"
	    "%s\"op\":\"msg_append\",\"user\":\"%s\",\"conv\":\"%s\",\"id\":\"%s\","
	    "\"role\":\"model\",\"text\":\"part\",\"thoughts\":\"\",\"model\":\"gemini-3.5-flash\","
	    "\"status\":\"interrupted\",\"finish_reason\":null,\"usage\":{\"prompt\":1,"
	    "\"candidates\":2,\"thoughts\":3,\"total\":6},\"feedback\":0,\"at\":1700000000002,"
	    "\"images\":[]}\n"
	    "%s\"op\":\"msg_update\",\"user\":\"%s\",\"conv\":\"%s\",\"id\":\"%s\","
	    "\"text\":\"part and whole\",\"thoughts\":\"mulled\",\"model\":\"gemini-3.5-flash\","
	    "\"status\":\"complete\",\"finish_reason\":\"STOP\",\"usage\":{\"prompt\":11,"
	    "\"candidates\":22,\"thoughts\":33,\"total\":66}}\n",
	    pre, uid, cid, pre, uid, cid, m1, pre, uid, cid, m2, pre, uid, cid, m2);
	ck_assert_int_eq(mkdir_p_for_test(DIR_), 0);
	char *path = in_dir("outbox.jsonl");
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs(lines, f);
	fclose(f);
	chmod(path, 0600);

	struct store *st = open_online(); /* replays at open */
	ck_assert_int_eq(store_pending_writes(st), 0);
	store_close(st);
	char *rej = in_dir("outbox.rejected.jsonl");
	ck_assert_int_ne(access(rej, F_OK), 0);
	struct store_msgs v = read_all(uid, cid);
	ck_assert_int_eq(v.n, 2);
	const struct msg *q = v.items[0], *a = v.items[1];
	ck_assert_int_eq(q->role, ROLE_USER);
	ck_assert_str_eq(q->text.data, "look at this");
	ck_assert_int_eq(q->created_ms, 1700000000001LL);
	ck_assert_uint_eq(q->nimages, 1);
	ck_assert_str_eq(q->images[0].name, "a.png");
	ck_assert_str_eq(q->images[0].mime, "image/png");
	ck_assert_uint_eq(q->images[0].size, 3);
	ck_assert_str_eq(q->images[0].data_uri, "data:image/png;base64,AAAA");
	ck_assert_int_eq(a->role, ROLE_MODEL);
	ck_assert_str_eq(a->text.data, "part and whole");
	ck_assert_str_eq(a->thoughts.data, "mulled");
	ck_assert_int_eq(a->status, MSG_COMPLETE);
	ck_assert_str_eq(a->finish_reason, "STOP");
	ck_assert_int_eq(a->usage.prompt_tokens, 11);
	ck_assert_int_eq(a->usage.candidates_tokens, 22);
	ck_assert_int_eq(a->usage.thoughts_tokens, 33);
	ck_assert_int_eq(a->usage.total_tokens, 66);
	ck_assert_int_eq(a->created_ms, 1700000000002LL);
	store_msgs_release(&v);

	/* Lines written now: version 2, the record's names. */
	st = open_offline();
	struct msg *m = msg_new(ROLE_MODEL, "offline");
	m->usage.prompt_tokens = 5;
	ck_assert(store_msg_append(st, uid, cid, m, &cause) == 0);
	store_close(st);
	char *j = journal_text();
	ck_assert_msg(strstr(j, "{\"v\":2,") == j && strstr(j, "\"prompt_tokens\":5") &&
	                  strstr(j, "\"created_at\":") && !strstr(j, "\"prompt\":"),
	              "%s", j);
	st = open_online();
	ck_assert_int_eq(store_pending_writes(st), 0);
	store_close(st);
	v = read_all(uid, cid);
	ck_assert_int_eq(v.n, 3);
	ck_assert_int_eq(v.items[2]->usage.prompt_tokens, 5);
	ck_assert_int_eq(v.items[2]->created_ms, m->created_ms);
	store_msgs_release(&v);
	msg_free(m);
	free(j), free(rej), free(path), free(lines), free(pre);
	free(cid), free(m1), free(m2), free(uid);
}
END_TEST

START_TEST(torn_last_line_is_ignored)
{
	char *cause = NULL;
	struct store *on = open_online();
	char *uid = mkuser(on);
	store_close(on);
	struct store *st = open_offline();
	char *cid = NULL;
	ck_assert(store_conv_create(st, uid, "torn", NULL, NULL, &cid, &cause) == 0);
	struct msg *m = msg_new(ROLE_USER, "kept");
	ck_assert(store_msg_append(st, uid, cid, m, &cause) == 0);
	store_close(st);

	/* A crash in the middle of the next write. */
	char *path = in_dir("outbox.jsonl");
	int fd = open(path, O_WRONLY | O_APPEND);
	char *torn = xasprintf("{\"v\":1,\"store\":\"mongodb/%s\",\"op\":\"msg_append\",\"us", DB);
	ck_assert_int_eq(write(fd, torn, strlen(torn)), (ssize_t)strlen(torn));
	close(fd);

	st = open_offline();
	ck_assert_int_eq(store_pending_writes(st), 2);
	struct msg *m2 = msg_new(ROLE_MODEL, "after the crash");
	ck_assert(store_msg_append(st, uid, cid, m2, &cause) == 0);
	ck_assert_int_eq(store_pending_writes(st), 3);
	store_close(st);

	st = open_online();
	ck_assert_int_eq(store_pending_writes(st), 0);
	store_close(st);
	struct store_msgs v = read_all(uid, cid);
	ck_assert_int_eq(v.n, 2);
	ck_assert_str_eq(v.items[0]->text.data, "kept");
	ck_assert_str_eq(v.items[1]->text.data, "after the crash");
	store_msgs_release(&v);
	/* Nothing was refused: the torn line was never a write. */
	char *rej = in_dir("outbox.rejected.jsonl");
	ck_assert_int_ne(access(rej, F_OK), 0);
	free(rej), free(torn), free(path), free(uid), free(cid);
	msg_free(m), msg_free(m2);
}
END_TEST

/* Found by fuzzing: (long long)1e23 is undefined (on x86 it gave LLONG_MIN). */
START_TEST(a_time_out_of_range_is_replaced_not_converted)
{
	char *cause = NULL;
	struct store *on = open_online();
	char *uid = mkuser(on);
	store_close(on);
	struct store *st = open_offline();
	char *cid = NULL;
	ck_assert(store_conv_create(st, uid, "when", NULL, NULL, &cid, &cause) == 0);
	struct msg *m = msg_new(ROLE_USER, "from the far future");
	ck_assert(store_msg_append(st, uid, cid, m, &cause) == 0);
	store_close(st);

	/* Every time of the journal ("at", a message's "created_at") becomes 1e23. */
	char *path = in_dir("outbox.jsonl");
	char *s = unit_slurp(path, NULL);
	struct buf out;
	buf_init(&out, 0);
	for (const char *p = s; *p;) {
		const char *at = strstr(p, "\"at\":"), *cat = strstr(p, "\"created_at\":");
		if (at == NULL || (cat != NULL && cat < at))
			at = cat;
		if (at == NULL) {
			buf_add(&out, p, strlen(p));
			break;
		}
		const char *colon = strchr(at, ':');
		buf_add(&out, p, (size_t)(colon + 1 - p));
		buf_add(&out, "1e23", 4);
		p = colon + 1;
		while (*p == '-' || (*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == '+')
			p++;
	}
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(out.data, 1, out.len, f);
	fclose(f);

	long long before = wall_ms();
	st = open_online();
	ck_assert_int_eq(store_pending_writes(st), 0);
	store_close(st);
	struct store_msgs v = read_all(uid, cid);
	ck_assert_int_eq(v.n, 1);
	ck_assert_str_eq(v.items[0]->text.data, "from the far future");
	ck_assert_int_ge(v.items[0]->created_ms, before);
	ck_assert_int_le(v.items[0]->created_ms, wall_ms());
	store_msgs_release(&v);
	buf_release(&out);
	free(s), free(path), free(uid), free(cid);
	msg_free(m);
}
END_TEST

START_TEST(two_processes_share_the_outbox)
{
	char *cause = NULL;
	struct store *on = open_online();
	char *uid = mkuser(on);
	store_close(on);
	/* Two handles on one state directory, as the TUI and a `jarvis -p` would be. */
	struct store *a = open_offline(), *b = open_offline();
	char *cid = NULL;
	ck_assert(store_conv_create(a, uid, "shared", NULL, NULL, &cid, &cause) == 0);
	struct msg *m1 = msg_new(ROLE_USER, "from a");
	ck_assert(store_msg_append(a, uid, cid, m1, &cause) == 0);
	struct msg *m2 = msg_new(ROLE_USER, "from b");
	ck_assert(store_msg_append(b, uid, cid, m2, &cause) == 0);
	ck_assert_int_eq(store_pending_writes(b), 3);
	/* A third replays and compacts: b's journal is renamed away under it... */
	struct store *c = open_online();
	ck_assert_int_eq(store_pending_writes(c), 0);
	store_close(c);
	/* ...and b's next write still lands in the journal that counts. */
	struct msg *m3 = msg_new(ROLE_USER, "from b again");
	ck_assert(store_msg_append(b, uid, cid, m3, &cause) == 0);
	store_close(a);
	store_close(b);
	c = open_online();
	ck_assert_int_eq(store_pending_writes(c), 0);
	store_close(c);
	struct store_msgs v = read_all(uid, cid);
	ck_assert_int_eq(v.n, 3);
	ck_assert_str_eq(v.items[0]->text.data, "from a");
	ck_assert_str_eq(v.items[1]->text.data, "from b");
	ck_assert_str_eq(v.items[2]->text.data, "from b again");
	store_msgs_release(&v);
	msg_free(m1), msg_free(m2), msg_free(m3), free(uid), free(cid);
}
END_TEST

START_TEST(a_checked_session_keeps_working_offline)
{
	char *cause = NULL, *who = NULL;
	struct store *st = open_online();
	char *uid = mkuser(st);
	ck_assert(store_session_add(st, "jti-outbox", uid, wall_ms() + 60000, &cause) == 0);
	ck_assert(store_session_check(st, "jti-outbox", wall_ms(), &who, &cause) == 0);
	free(who);
	struct store_user *u = NULL;
	ck_assert(store_user_find_id(st, uid, &u, &cause) == 0);
	store_user_free(u);
	store_close(st);

	st = open_offline();
	ck_assert_msg(store_session_check(st, "jti-outbox", wall_ms(), &who, &cause) == 0, "%s",
	              cause);
	ck_assert_str_eq(who, uid);
	free(who);
	ck_assert(store_user_find_id(st, uid, &u, &cause) == 0);
	ck_assert_str_eq(u->name, "Ada");
	ck_assert_str_eq(u->password_hash, ""); /* never kept */
	store_user_free(u);
	/* Anything else needs the server. */
	ck_assert_int_eq(store_session_check(st, "other-jti", wall_ms(), &who, &cause),
	                 STORE_OFFLINE);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(store_user_find_email(st, "x@example.org", &u, &cause), STORE_OFFLINE);
	free(cause);
	store_close(st);
	free(uid);
}
END_TEST

START_TEST(without_an_outbox_an_outage_is_an_error)
{
	char *cause = NULL;
	struct store *st = store_open(OFFLINE_URI, DB, NULL, &cause);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(cause, "cannot reach MongoDB") != NULL, "%s", cause);
	free(cause);
}
END_TEST

START_TEST(sqlite_needs_no_outbox)
{
	char *cause = NULL;
	char *uri = xasprintf("sqlite:%s/jarvis.db", DIR_);
	struct store *st = store_open_outbox(uri, NULL, NULL, DIR_, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	ck_assert(store_online(st));
	ck_assert_int_eq(store_pending_writes(st), 0);
	ck_assert_int_eq(store_sync(st, &cause), 0);
	store_close(st);
	char *p = in_dir("outbox.jsonl");
	ck_assert_int_ne(access(p, F_OK), 0);
	free(p);
	const char *sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
		p = xasprintf("%s/jarvis.db%s", DIR_, sfx[i]);
		unlink(p);
		free(p);
	}
	free(uri);
}
END_TEST

START_TEST(mongodb_required_in_ci)
{
	ck_abort_msg("CI=true but JARVIS_TEST_MONGO_URI is unset: run under "
	             "`python3 tests/ferretdb.py run -- make unit`");
}
END_TEST

static Suite *outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("mongodb");
	const char *uri = getenv("JARVIS_TEST_MONGO_URI");
	if (uri == NULL || *uri == '\0') {
		fprintf(stderr, "outbox: MONGODB TESTS SKIPPED (JARVIS_TEST_MONGO_URI unset)\n");
		const char *ci = getenv("CI");
		if (ci != NULL && strcmp(ci, "true") == 0) {
			tcase_add_test(tc, mongodb_required_in_ci);
			suite_add_tcase(s, tc);
		}
		return s;
	}
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, offline_writes_replay_in_order_exactly_once);
	tcase_add_test(tc, updates_and_renames_of_offline_rows_apply_after_them);
	tcase_add_test(tc, torn_last_line_is_ignored);
	tcase_add_test(tc, a_time_out_of_range_is_replaced_not_converted);
	tcase_add_test(tc, journal_of_0_1_replays_every_field);
	tcase_add_test(tc, two_processes_share_the_outbox);
	tcase_add_test(tc, a_checked_session_keeps_working_offline);
	tcase_add_test(tc, without_an_outbox_an_outage_is_an_error);
	tcase_add_test(tc, sqlite_needs_no_outbox);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(outbox_suite)
