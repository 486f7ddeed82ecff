/*
 * Unit tests for the session core (chat.h) without a terminal: a real
 * SQLite store in a temp dir, a worker whose jobs the test steps by hand
 * (worker_new_manual) and a tiny HTTP server standing in for Gemini that
 * answers from a script and keeps every request body. Each of issue 9's
 * bugs has a case here besides its end-to-end test.
 */
#include "jarvis/chat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/config.h"
#include "jarvis/conv.h"
#include "jarvis/export.h"
#include "jarvis/exporter.h"
#include "jarvis/loop.h"
#include "jarvis/session.h"
#include "jarvis/store.h"
#include "jarvis/vault.h"
#include "jarvis/worker.h"
#include "unit.h"

/* ---- a scripted stand-in for the Gemini API ---------------------------- */

#define MAX_REQ 16
static int server_fd;
static pthread_t server_thread;
static pthread_mutex_t server_lock = PTHREAD_MUTEX_INITIALIZER;
static char *bodies[MAX_REQ];
static int nreq;
static const char *script[MAX_REQ]; /* "400" or the answer's text */

/* "big": an answer of 66 events of 1 MiB each, past what a message holds (MSG_TEXT_MAX). */
static void respond_big(int fd)
{
	const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: "
	                   "close\r\n\r\n";
	const char *pre = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{"
	                  "\"text\":\"";
	const char *post = "\"}]}}]}\r\n\r\n";
	size_t text = (size_t)1 << 20, n = strlen(pre) + text + strlen(post);
	char *ev = malloc(n);
	memcpy(ev, pre, strlen(pre));
	memset(ev + strlen(pre), 'x', text);
	memcpy(ev + strlen(pre) + text, post, strlen(post));
	/* The client hangs up once it stops the answer: no SIGPIPE, no complaint. */
	if (send(fd, head, strlen(head), MSG_NOSIGNAL) < 0)
		goto out;
	for (int i = 0; i < 66; i++)
		for (size_t off = 0; off < n;) {
			ssize_t k = send(fd, ev + off, n - off, MSG_NOSIGNAL);
			if (k <= 0)
				goto out;
			off += (size_t)k;
		}
	const char *end = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{"
	                  "\"text\":\".\"}]},\"finishReason\":\"STOP\"}]}\r\n\r\n";
	(void)!send(fd, end, strlen(end), MSG_NOSIGNAL);
out:
	free(ev);
}

static void respond(int fd, const char *what)
{
	char out[2048];
	if (strcmp(what, "big") == 0) {
		respond_big(fd);
		return;
	}
	if (strcmp(what, "400") == 0) {
		const char *b = "{\"error\":{\"code\":400,\"message\":\"bad request\","
		                "\"status\":\"INVALID_ARGUMENT\"}}";
		snprintf(out, sizeof out,
		         "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
		         "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		         strlen(b), b);
	} else {
		snprintf(out, sizeof out,
		         "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: "
		         "close\r\n\r\ndata: {\"candidates\":[{\"content\":{\"role\":\"model\","
		         "\"parts\":[{\"text\":\"%s\"}]},\"finishReason\":\"STOP\"}],"
		         "\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":1,"
		         "\"totalTokenCount\":2}}\r\n\r\n",
		         what);
	}
	(void)!write(fd, out, strlen(out));
}

static void serve_one(int fd)
{
	char *req = malloc(1 << 20);
	size_t len = 0;
	long want = -1;
	for (;;) {
		ssize_t n = read(fd, req + len, (1 << 20) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		req[len] = '\0';
		char *end = strstr(req, "\r\n\r\n");
		if (end == NULL)
			continue;
		if (want < 0) {
			char *cl = strcasestr(req, "content-length:");
			want = cl ? strtol(cl + 15, NULL, 10) : 0;
		}
		if ((long)(len - (size_t)(end + 4 - req)) >= want)
			break;
	}
	char *end = strstr(req, "\r\n\r\n");
	pthread_mutex_lock(&server_lock);
	int i = nreq < MAX_REQ ? nreq++ : MAX_REQ - 1;
	bodies[i] = strdup(end ? end + 4 : "");
	const char *what = script[i] ? script[i] : "fine";
	pthread_mutex_unlock(&server_lock);
	respond(fd, what);
	free(req);
}

static void *server_main(void *arg)
{
	for (;;) {
		int fd = accept(server_fd, NULL, NULL);
		if (fd < 0)
			return NULL;
		serve_one(fd);
		close(fd);
	}
}

static int server_start(void)
{
	server_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ck_assert_int_eq(bind(server_fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(server_fd, 8), 0);
	socklen_t al = sizeof a;
	getsockname(server_fd, (struct sockaddr *)&a, &al);
	pthread_create(&server_thread, NULL, server_main, NULL);
	return ntohs(a.sin_port);
}

static const char *body(int i)
{
	pthread_mutex_lock(&server_lock);
	const char *b = i < nreq ? bodies[i] : NULL;
	pthread_mutex_unlock(&server_lock);
	return b;
}

/* ---- the session under test -------------------------------------------- */

static char top[64];
static struct config cfg;
static struct loop *l;
static struct worker *w;
static struct chat *ch;

static void setup(void)
{
	snprintf(top, sizeof top, "/tmp/jarvis-chat-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	int port = server_start();
	char path[256], url[64];
	snprintf(path, sizeof path, "%s/config.ini", top);
	FILE *f = fopen(path, "w");
	fputs("[model \"unit-model\"]\nrpm = 2\n", f);
	fclose(f);
	chmod(path, 0600);
	setenv("JARVIS_CONFIG", path, 1);
	setenv("HOME", top, 1);
	snprintf(path, sizeof path, "%s/data", top);
	setenv("XDG_DATA_HOME", path, 1);
	snprintf(path, sizeof path, "%s/state", top);
	setenv("XDG_STATE_HOME", path, 1);
	snprintf(path, sizeof path, "%s/config", top);
	setenv("XDG_CONFIG_HOME", path, 1);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
	setenv("GEMINI_BASE_URL", url, 1);
	setenv("GEMINI_API_KEY", "unit-key", 1);
	setenv("JARVIS_MODEL", "unit-model", 1);
	char *cause = NULL;
	ck_assert_msg(config_load(&cfg, NULL, NULL, NULL, &cause) == 0, "%s", cause);
	l = loop_new(&cause);
	ck_assert_ptr_nonnull(l);
	w = worker_new_manual(l);
	ch = chat_new_with(l, &cfg, w);
}

static void teardown(void)
{
	chat_free(ch);
	loop_free(l);
	config_release(&cfg);
	shutdown(server_fd, SHUT_RDWR);
	close(server_fd);
	pthread_join(server_thread, NULL);
	for (int i = 0; i < nreq; i++)
		free(bodies[i]), bodies[i] = NULL;
	nreq = 0;
	memset(script, 0, sizeof script);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", top);
	ck_assert_int_eq(system(cmd), 0);
}

/* Runs jobs and the loop until nothing streams or waits (at most 10 s). */
static void settle(void)
{
	for (int i = 0; i < 1000; i++) {
		while (worker_step(w))
			;
		loop_run_once(l, 10);
		if (!chat_streaming(ch) && worker_pending(w) == 0)
			return;
	}
	ck_abort_msg("the session did not settle");
}

static void send_ok(const char *text)
{
	char *cause = NULL;
	ck_assert_msg(chat_send(ch, text, &cause) == 0, "%s", cause);
	settle();
}

static bool has_notice(const char *part)
{
	const struct conv *c = chat_conv(ch);
	for (size_t i = 0; i < c->n; i++)
		if (c->msgs[i]->role == ROLE_NOTICE && strstr(c->msgs[i]->text.data, part))
			return true;
	return false;
}

static struct store *open_store(void)
{
	char *cause = NULL;
	struct store *st = store_open(NULL, NULL, cfg.data_dir, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	return st;
}

/* Ann's id; the store is then given her data key from the session file, as a second run is. */
static char *user_id(struct store *st)
{
	struct store_user *u = NULL;
	ck_assert_int_eq(store_user_find_email(st, "ann@example.com", &u, NULL), 0);
	char *id = strdup(u->id);
	store_user_free(u);
	char *text = session_load_key(cfg.state_dir);
	struct vault *key = text ? vault_import(text) : NULL;
	ck_assert_ptr_nonnull(key);
	store_set_vault(st, id, key);
	vault_free(key);
	secret_free(text);
	return id;
}

static void sign_up(void)
{
	settle();
	ck_assert_int_eq(chat_signup(ch, "Ann", "ann@example.com", "password1", NULL), 0);
	settle();
	ck_assert_str_eq(chat_user(ch), "Ann");
}

/* Issue 9, bug 1: the quota line shows the stored usage, which the limiter enforces. */
START_TEST(quota_shown_is_the_quota_enforced)
{
	sign_up();
	struct store *st = open_store();
	char *uid = user_id(st);
	for (int i = 0; i < 2; i++) /* two runs of -p, or another window */
		ck_assert_int_eq(store_usage_add(st, uid, "unit-model", wall_ms(), NULL), 0);
	ck_assert_int_eq(chat_set_model(ch, "unit-model", NULL), 0);
	settle();
	char *line = chat_quota_line(ch);
	ck_assert_str_eq(line, "RPM 0/2");
	free(line);
	char *cause = NULL;
	ck_assert_int_eq(chat_send(ch, "one more", &cause), 0);
	settle();
	ck_assert(has_notice("this account made 2"));
	char *back = chat_take_restore(ch);
	ck_assert_str_eq(back, "one more");
	free(back);
	ck_assert_int_eq(nreq, 0);
	free(uid);
	store_close(st);
}
END_TEST

/*
 * Issue 9, bug 1: two windows on one store. Requests another window makes
 * after this one showed its quota are counted before the next question
 * leaves, and the quota line then shows them too.
 */
START_TEST(another_windows_requests_count_at_once)
{
	sign_up();
	ck_assert_int_eq(chat_set_model(ch, "unit-model", NULL), 0);
	settle();
	char *line = chat_quota_line(ch);
	ck_assert_str_eq(line, "RPM 2/2");
	free(line);
	struct store *st = open_store();
	char *uid = user_id(st);
	for (int i = 0; i < 2; i++) /* the other window's two questions */
		ck_assert_int_eq(store_usage_add(st, uid, "unit-model", wall_ms(), NULL), 0);
	ck_assert_int_eq(chat_send(ch, "one more", NULL), 0);
	settle();
	ck_assert(has_notice("this account made 2"));
	ck_assert_int_eq(nreq, 0);
	line = chat_quota_line(ch);
	ck_assert_str_eq(line, "RPM 0/2");
	free(line);
	free(uid);
	store_close(st);
}
END_TEST

/* Issue 9, bug 1: a guest's requests are counted on this machine, and shown so. */
START_TEST(guest_quota_counts_in_the_journal)
{
	send_ok("one");
	send_ok("two");
	char *line = chat_quota_line(ch);
	ck_assert_str_eq(line, "RPM 0/2");
	free(line);
	ck_assert_int_eq(chat_send(ch, "three", NULL), 0);
	settle();
	ck_assert(has_notice("this machine made 2"));
	ck_assert_int_eq(nreq, 2);
}
END_TEST

/* Issue 9, bug 3: after a failed question, the next request carries only the new one. */
START_TEST(failed_question_is_not_sent_again)
{
	script[0] = "400";
	send_ok("question A");
	send_ok("question B");
	ck_assert_int_eq(nreq, 2);
	ck_assert_ptr_null(strstr(body(1), "question A"));
	ck_assert_ptr_nonnull(strstr(body(1), "question B"));
	const struct conv *c = chat_conv(ch);
	for (size_t i = 0; i < c->n; i++)
		if (c->msgs[i]->role == ROLE_USER &&
		    strcmp(c->msgs[i]->text.data, "question A") == 0)
			ck_assert_int_eq(c->msgs[i]->status, MSG_ERROR); /* shown as failed */
}
END_TEST

static size_t count_role(const struct conv *c, enum msg_role role)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += c->msgs[i]->role == role;
	return n;
}

/* Issue 9, bug 4: /retry's replaced answer stays out of a reopen, the export and the context. */
START_TEST(retry_agrees_across_a_reopen)
{
	script[0] = "first answer";
	script[1] = "second answer";
	sign_up();
	ck_assert_int_eq(chat_set_model(ch, "unlimited-model", NULL), 0); /* three requests */
	send_ok("the question");
	ck_assert_int_eq(chat_retry(ch, NULL), 0);
	settle();
	char *id = strdup(chat_conv(ch)->id);
	ck_assert_int_eq(chat_new_conv(ch, NULL, NULL), 0);
	ck_assert_int_eq(chat_open_id(ch, id, NULL), 0);
	settle();
	const struct conv *c = chat_conv(ch);
	ck_assert_uint_eq(count_role(c, ROLE_MODEL), 1);
	for (size_t i = 0; i < c->n; i++)
		ck_assert_ptr_null(
		    strstr(c->msgs[i]->text.data ? c->msgs[i]->text.data : "", "first answer"));
	send_ok("next");
	ck_assert_int_eq(nreq, 3);
	ck_assert_ptr_null(strstr(body(2), "first answer"));
	ck_assert_ptr_nonnull(strstr(body(2), "second answer"));
	struct store *st = open_store();
	char *uid = user_id(st);
	struct conv *stored = NULL;
	ck_assert_int_eq(exporter_load(st, uid, id, &stored, NULL), 0);
	char *md = export_markdown(stored, (const struct msg *const *)stored->msgs, stored->n);
	ck_assert_ptr_null(strstr(md, "first answer"));
	ck_assert_ptr_nonnull(strstr(md, "second answer"));
	free(md);
	conv_free(stored);
	free(uid);
	free(id);
	store_close(st);
}
END_TEST

/* Issue 11: an answer past 64 MiB is stopped there and kept cut, never complete. */
START_TEST(answer_past_the_cap_is_kept_cut)
{
	script[0] = "big";
	sign_up();
	ck_assert_int_eq(chat_set_model(ch, "unlimited-model", NULL), 0);
	send_ok("write a lot");
	const struct conv *c = chat_conv(ch);
	const struct msg *a = NULL;
	for (size_t i = 0; i < c->n; i++)
		if (c->msgs[i]->role == ROLE_MODEL)
			a = c->msgs[i];
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->status, MSG_INTERRUPTED);
	ck_assert_uint_le(a->text.len, MSG_TEXT_MAX);
	ck_assert_uint_gt(a->text.len, MSG_TEXT_MAX - ((size_t)2 << 20));
	ck_assert(has_notice("the answer passed 64 MiB"));
	struct store *st = open_store();
	char *uid = user_id(st);
	struct conv *stored = NULL;
	ck_assert_int_eq(exporter_load(st, uid, c->id, &stored, NULL), 0);
	ck_assert_uint_eq(stored->n, 2);
	ck_assert_int_eq(stored->msgs[1]->status, MSG_INTERRUPTED);
	ck_assert_uint_eq(stored->msgs[1]->text.len, a->text.len);
	conv_free(stored);
	free(uid);
	store_close(st);
}
END_TEST

/* Issue 9, bug 4: /clear makes the model forget, and so do a reopen and the store. */
START_TEST(clear_starts_a_new_conversation)
{
	sign_up();
	send_ok("before the clear");
	char *first = strdup(chat_conv(ch)->id);
	chat_clear(ch);
	send_ok("after the clear");
	ck_assert_ptr_null(strstr(body(1), "before the clear"));
	ck_assert_ptr_nonnull(chat_conv(ch)->id);
	ck_assert_str_ne(chat_conv(ch)->id, first);
	ck_assert_int_eq(chat_open_id(ch, first, NULL), 0);
	settle();
	ck_assert_uint_eq(count_role(chat_conv(ch), ROLE_USER), 1);
	free(first);
}
END_TEST

/* Issue 9, bug 5: /export has the title and times, as --export does. */
START_TEST(export_has_title_and_times)
{
	char path[128];
	snprintf(path, sizeof path, "%s/guest.md", top);
	send_ok("a title from the question");
	ck_assert_int_eq(chat_export(ch, path, NULL, NULL), 0);
	settle();
	char *md = unit_slurp(path, NULL);
	ck_assert_msg(strncmp(md, "# a title from the question\n", 28) == 0, "%s", md);
	ck_assert_ptr_null(strstr(md, "unknown time"));
	free(md);
	sign_up(); /* adopts the guest conversation */
	snprintf(path, sizeof path, "%s/stored.md", top);
	ck_assert_int_eq(chat_export(ch, path, NULL, NULL), 0);
	settle();
	md = unit_slurp(path, NULL);
	ck_assert_msg(strncmp(md, "# a title from the question\n", 28) == 0, "%s", md);
	ck_assert_ptr_null(strstr(md, "unknown time"));
	free(md);
	/* The same file again is refused, not overwritten. */
	ck_assert_int_eq(chat_export(ch, path, NULL, NULL), 0);
	settle();
	ck_assert_ptr_nonnull(strstr(chat_error(ch), "already exists"));
}
END_TEST

/* Issue 9, bug 6: a conversation deleted in another window never costs the exchange. */
START_TEST(deleted_elsewhere_keeps_the_exchange)
{
	sign_up();
	send_ok("first");
	char *old = strdup(chat_conv(ch)->id);
	struct store *st = open_store();
	char *uid = user_id(st);
	ck_assert_int_eq(store_conv_delete(st, uid, old, NULL), 0);
	send_ok("second");
	ck_assert(has_notice("deleted elsewhere"));
	const char *now = chat_conv(ch)->id; /* SQLite may give the freed id again */
	ck_assert_ptr_nonnull(now);
	struct store_msgs v = {0};
	ck_assert_int_eq(store_msg_last(st, uid, now, 10, &v, NULL), 0);
	ck_assert_uint_eq(v.n, 2);
	ck_assert_str_eq(v.items[0]->text.data, "second");
	ck_assert_int_eq(v.items[1]->role, ROLE_MODEL);
	ck_assert_int_eq(v.items[1]->status, MSG_COMPLETE);
	store_msgs_release(&v);
	free(uid);
	free(old);
	store_close(st);
}
END_TEST

/* Issue 9, bug 6: deleted elsewhere while the answer streams, question and answer go on. */
START_TEST(deleted_while_streaming_keeps_the_exchange)
{
	sign_up();
	send_ok("first");
	char *old = strdup(chat_conv(ch)->id);
	ck_assert_int_eq(chat_send(ch, "second", NULL), 0);
	/* The question, then the answer stored as interrupted; the stream is not read yet. */
	ck_assert(worker_step(w));
	ck_assert(worker_step(w));
	struct store *st = open_store();
	char *uid = user_id(st);
	ck_assert_int_eq(store_conv_delete(st, uid, old, NULL), 0);
	settle();
	ck_assert(has_notice("deleted elsewhere"));
	ck_assert_ptr_null(strstr(chat_error(ch) ? chat_error(ch) : "", "not saved"));
	const char *now = chat_conv(ch)->id;
	ck_assert_ptr_nonnull(now);
	struct store_msgs v = {0};
	ck_assert_int_eq(store_msg_last(st, uid, now, 10, &v, NULL), 0);
	ck_assert_uint_eq(v.n, 2);
	ck_assert_int_eq(v.items[0]->role, ROLE_USER);
	ck_assert_str_eq(v.items[0]->text.data, "second");
	ck_assert_int_eq(v.items[1]->role, ROLE_MODEL);
	ck_assert_int_eq(v.items[1]->status, MSG_COMPLETE);
	ck_assert_str_eq(v.items[1]->text.data, "fine");
	store_msgs_release(&v);
	free(uid);
	free(old);
	store_close(st);
}
END_TEST

/* Issue 13: /edit forks at the question; the original stays whole. */
START_TEST(edit_forks_at_the_question_and_keeps_the_original)
{
	script[0] = "answer one";
	script[1] = "answer two";
	script[2] = "answer two again";
	sign_up();
	ck_assert_int_eq(chat_set_model(ch, "unlimited-model", NULL), 0);
	send_ok("question one");
	send_ok("question two");
	char *orig = strdup(chat_conv(ch)->id);
	char *text = NULL, *cause = NULL;
	ck_assert_int_eq(chat_edit(ch, 3, &text, &cause), -1);
	ck_assert_str_eq(cause, "there are 2 questions on screen; /edit N takes 1 to 2");
	free(cause), cause = NULL;
	ck_assert_msg(chat_edit(ch, 1, &text, &cause) == 0, "%s", cause);
	ck_assert_str_eq(text, "question two");
	ck_assert(chat_editing(ch));
	free(text);
	/* Left: nothing forked, and the next question goes on here. */
	ck_assert(chat_edit_cancel(ch));
	ck_assert(!chat_editing(ch));
	ck_assert(!chat_edit_cancel(ch));

	ck_assert_int_eq(chat_edit(ch, 1, &text, NULL), 0);
	free(text);
	send_ok("question two, changed");
	ck_assert(!chat_editing(ch));
	const struct conv *c = chat_conv(ch);
	ck_assert_ptr_nonnull(c->id);
	ck_assert_str_ne(c->id, orig);
	ck_assert_str_eq(c->forked_from, orig);
	ck_assert_int_eq(c->fork_question, 2);
	ck_assert(has_notice("↳ fork of «question one» at question 2"));
	const char *want[] = {"question one", "answer one", "question two, changed",
	                      "answer two again"};
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->msgs[i]->role != ROLE_NOTICE) {
			ck_assert_uint_lt(k, 4);
			ck_assert_str_eq(c->msgs[i]->text.data, want[k++]);
			ck_assert_ptr_nonnull(c->msgs[i]->id); /* stored in the fork */
		}
	ck_assert_uint_eq(k, 4);
	ck_assert_int_eq(nreq, 3);
	ck_assert_ptr_nonnull(strstr(body(2), "question two, changed"));
	ck_assert_ptr_null(strstr(body(2), "answer two\""));

	struct store *st = open_store();
	char *uid = user_id(st);
	struct store_msgs v = {0};
	ck_assert_int_eq(store_msg_last(st, uid, orig, 10, &v, NULL), 0);
	ck_assert_uint_eq(v.n, 4);
	ck_assert_str_eq(v.items[2]->text.data, "question two");
	ck_assert_str_eq(v.items[3]->text.data, "answer two");
	store_msgs_release(&v);
	ck_assert_int_eq(store_msg_last(st, uid, c->id, 10, &v, NULL), 0);
	ck_assert_uint_eq(v.n, 4);
	store_msgs_release(&v);
	free(uid);
	free(orig);
	store_close(st);
}
END_TEST

/* A fork that fails gives the text back and keeps the edit; /edit waits for an answer. */
START_TEST(edit_that_cannot_fork_loses_nothing)
{
	sign_up();
	ck_assert_int_eq(chat_set_model(ch, "unlimited-model", NULL), 0);
	char *text = NULL, *cause = NULL;
	ck_assert_int_eq(chat_edit(ch, 1, &text, &cause), -1);
	ck_assert_str_eq(cause, "no question to edit yet");
	free(cause), cause = NULL;
	send_ok("only question");
	char *orig = strdup(chat_conv(ch)->id);
	ck_assert_int_eq(chat_edit(ch, 1, &text, NULL), 0);
	free(text);
	struct store *st = open_store();
	char *uid = user_id(st);
	ck_assert_int_eq(store_conv_delete(st, uid, orig, NULL), 0); /* in another window */
	ck_assert_int_eq(chat_send(ch, "changed", NULL), 0);
	settle();
	ck_assert(has_notice("nothing was forked"));
	ck_assert(chat_editing(ch));
	char *back = chat_take_restore(ch);
	ck_assert_str_eq(back, "changed");
	free(back);
	ck_assert_int_eq(nreq, 1);
	ck_assert(chat_edit_cancel(ch));

	/* While an answer is on its way, /edit says to wait. */
	ck_assert_int_eq(chat_send(ch, "another", NULL), 0);
	ck_assert_int_eq(chat_edit(ch, 1, &text, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "an answer is still coming"));
	free(cause);
	settle();
	free(uid);
	free(orig);
	store_close(st);
}
END_TEST

static Suite *chat_suite(void)
{
	Suite *s = suite_create("chat");
	TCase *tc = tcase_create("session");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, quota_shown_is_the_quota_enforced);
	tcase_add_test(tc, another_windows_requests_count_at_once);
	tcase_add_test(tc, guest_quota_counts_in_the_journal);
	tcase_add_test(tc, failed_question_is_not_sent_again);
	tcase_add_test(tc, retry_agrees_across_a_reopen);
	tcase_add_test(tc, clear_starts_a_new_conversation);
	tcase_add_test(tc, export_has_title_and_times);
	tcase_add_test(tc, deleted_elsewhere_keeps_the_exchange);
	tcase_add_test(tc, deleted_while_streaming_keeps_the_exchange);
	tcase_add_test(tc, answer_past_the_cap_is_kept_cut);
	tcase_add_test(tc, edit_forks_at_the_question_and_keeps_the_original);
	tcase_add_test(tc, edit_that_cannot_fork_loses_nothing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(chat_suite)
