/*
 * client.c: streamed generateContent calls and the model list over the
 * loop (see gemini.h). Bytes flow one way: http -> gemini_parser -> the
 * caller's on_delta. Retries happen only before anything was shown, so a
 * user never sees text twice.
 */
#include "jarvis/gemini.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "jarvis/buf.h"
#include "jarvis/gemini_error.h"
#include "jarvis/http.h"
#include "jarvis/loop.h"
#include "jarvis/models.h"
#include "jarvis/util.h"

#define MAX_TRIES 3
#define MAX_WAIT_MS 60000LL
#define ERROR_BODY_MAX (256u * 1024)

struct gemini_call {
	struct loop *loop;
	struct gemini_target target;
	struct gemini_events ev;
	void *ud;
	char *model;
	char *url;
	char *key_header;
	char *body;
	size_t body_len;

	struct http_call *http;
	unsigned retry_timer;
	int tries;
	long long waited_ms;
	long long deadline_ms; /* [gemini] timeout over every try; 0: none */
	long status;
	bool shown;                   /* some text or thought reached the caller */
	struct gemini_parser *parser; /* for a 2xx body */
	struct buf error_body;        /* for any other status */
	struct gemini_reply empty;    /* handed out when no parser exists */
	char *parse_failure;          /* why the parser stopped the body */
	bool may_be_a_file;           /* the error could be a named file gone */
};

static void start_try(struct gemini_call *c);

static void call_free(struct gemini_call *c)
{
	gemini_parser_free(c->parser);
	gemini_reply_release(&c->empty);
	free(c->parse_failure);
	buf_release(&c->error_body);
	free(c->model);
	free(c->url);
	secret_free(c->key_header);
	free(c->body);
	free(c);
}

static struct gemini_reply *current_reply(struct gemini_call *c)
{
	return c->parser ? gemini_parser_reply(c->parser) : &c->empty;
}

/* Ends the call: on_done, then free. */
static void finish(struct gemini_call *c, enum gemini_end end, const char *error)
{
	struct gemini_result r = {0};
	r.end = end;
	r.reply = current_reply(c);
	r.outcome = gemini_reply_outcome(r.reply);
	r.error = error;
	r.http_status = c->status;
	r.tries = c->tries;
	r.may_be_a_file = c->may_be_a_file;
	if (c->retry_timer != 0)
		loop_timer_cancel(c->loop, c->retry_timer);
	c->ev.on_done(c->ud, &r);
	call_free(c);
}

static int on_parsed_delta(void *ud, const struct gemini_delta *d, char **cause)
{
	struct gemini_call *c = ud;
	if (d->text_len == 0 && d->thought_len == 0)
		return 0;
	c->shown = true;
	if (c->ev.on_delta != NULL)
		c->ev.on_delta(c->ud, d);
	/* The caller keeps what it needs; a long answer is not held twice. */
	gemini_reply_forget(gemini_parser_reply(c->parser));
	return 0;
}

static void stream_status(void *ud, long status)
{
	struct gemini_call *c = ud;
	c->status = status;
	if (status >= 200 && status < 300)
		c->parser = gemini_parser_new(GEMINI_EVENT_MAX_BYTES, on_parsed_delta, c);
}

static int stream_body(void *ud, const char *p, size_t n)
{
	struct gemini_call *c = ud;
	if (c->parser != NULL) {
		char *cause = NULL;
		if (gemini_parser_feed(c->parser, p, n, &cause) == -1) {
			free(c->parse_failure);
			c->parse_failure = cause;
			return -1;
		}
		return 0;
	}
	/* Keep the start of an error body; the rest adds nothing. */
	size_t room = ERROR_BODY_MAX - c->error_body.len;
	buf_add(&c->error_body, p, n < room ? n : room);
	return 0;
}

static void retry_now(void *ud)
{
	struct gemini_call *c = ud;
	c->retry_timer = 0;
	start_try(c);
}

static long long backoff_ms(const struct gemini_call *c)
{
	long long base = c->target.retry_base_ms > 0 ? c->target.retry_base_ms : 1000;
	long long delay = base << (c->tries - 1);
	unsigned r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (unsigned)now_ms();
	/* Full range jitter of ±25% keeps many clients from retrying in step. */
	return delay * 3 / 4 + (long long)(r % (unsigned)(delay / 2 + 1));
}

/* Schedules another try when the rules allow; returns 0 if it did. */
static int maybe_retry(struct gemini_call *c, long long delay_ms, const char *why)
{
	if (c->shown || c->tries >= MAX_TRIES || c->waited_ms + delay_ms > MAX_WAIT_MS)
		return -1;
	if (c->deadline_ms != 0 && now_ms() + delay_ms >= c->deadline_ms)
		return -1;
	c->waited_ms += delay_ms;
	if (c->ev.on_wait != NULL)
		c->ev.on_wait(c->ud, delay_ms, c->tries + 1, MAX_TRIES);
	if (c->ev.on_notice != NULL) {
		/* "… rate-limits." and "; retrying": the sentence's own stop goes. */
		size_t wn = strlen(why);
		while (wn > 0 && (why[wn - 1] == '.' || why[wn - 1] == ' '))
			wn--;
		char *line = xasprintf("%.*s; retrying in %.1f s (try %d of %d)", (int)wn, why,
		                       (double)delay_ms / 1000.0, c->tries + 1, MAX_TRIES);
		c->ev.on_notice(c->ud, line);
		free(line);
	}
	gemini_parser_free(c->parser);
	c->parser = NULL;
	buf_reset(&c->error_body);
	c->retry_timer = loop_timer_add(c->loop, delay_ms, retry_now, c);
	return 0;
}

static void handle_http_error(struct gemini_call *c)
{
	struct gemini_error e;
	gemini_error_parse(c->status, c->error_body.data, c->error_body.len, &e);
	char *line = gemini_error_describe(&e, c->model);
	if (gemini_error_retryable(&e)) {
		long long delay = e.retry_delay_ms >= 0 ? e.retry_delay_ms : backoff_ms(c);
		if (maybe_retry(c, delay, line) == 0) {
			free(line);
			gemini_error_release(&e);
			return;
		}
		if (e.retry_delay_ms >= 0) {
			char *longer = xasprintf("%s (the API asked to retry in %.0f s)", line,
			                         (double)e.retry_delay_ms / 1000.0);
			free(line);
			line = longer;
		}
	}
	c->may_be_a_file = gemini_error_may_be_a_file(&e);
	gemini_error_release(&e);
	finish(c, GEMINI_END_FAILED, line);
	free(line);
}

static void stream_done(void *ud, const struct http_result *r)
{
	struct gemini_call *c = ud;
	c->http = NULL;
	if (r->failure == HTTP_ABORTED) {
		char *line =
		    xasprintf("gemini: %s", c->parse_failure ? c->parse_failure : "cancelled");
		finish(c, GEMINI_END_FAILED, line);
		free(line);
		return;
	}
	if (r->failure == HTTP_TIMEOUT) {
		/* The whole exchange ran out of time: another try cannot help. */
		if (c->parser != NULL)
			gemini_parser_finish(c->parser, NULL);
		char *line =
		    xasprintf("gemini: no complete answer within the %ld s timeout "
		              "([gemini] timeout)%s",
		              c->target.timeout_s, c->shown ? "; the answer so far is kept" : "");
		finish(c, GEMINI_END_FAILED, line);
		free(line);
		return;
	}
	if (r->failure != HTTP_OK) {
		char *line = xasprintf("gemini: %s", r->message);
		if (c->parser != NULL) {
			/* Whatever complete events arrived before the drop still count. */
			gemini_parser_finish(c->parser, NULL);
		}
		if (maybe_retry(c, backoff_ms(c), line) == 0) {
			free(line);
			return;
		}
		if (c->shown) {
			char *kept = xasprintf("%s; the answer so far is kept", line);
			free(line);
			line = kept;
		}
		finish(c, GEMINI_END_FAILED, line);
		free(line);
		return;
	}
	if (c->parser == NULL) {
		handle_http_error(c);
		return;
	}
	char *cause = NULL;
	if (gemini_parser_finish(c->parser, &cause) == -1) {
		char *line = xasprintf("gemini: %s", cause);
		free(cause);
		finish(c, GEMINI_END_FAILED, line);
		free(line);
		return;
	}
	struct gemini_reply *reply = gemini_parser_reply(c->parser);
	if (reply->has_error) {
		char *line = gemini_error_describe(&reply->error, c->model);
		if (gemini_error_retryable(&reply->error) &&
		    maybe_retry(c, backoff_ms(c), line) == 0) {
			free(line);
			return;
		}
		finish(c, GEMINI_END_REPLY, line);
		free(line);
		return;
	}
	char *notice = gemini_reply_notice(reply, c->model);
	finish(c, GEMINI_END_REPLY, notice);
	free(notice);
}

static void start_try(struct gemini_call *c)
{
	c->tries++;
	c->status = 0;
	long long remaining = 0;
	if (c->deadline_ms != 0) {
		remaining = c->deadline_ms - now_ms();
		if (remaining <= 0) {
			char *line = xasprintf("gemini: no answer within the %ld s timeout "
			                       "([gemini] timeout)",
			                       c->target.timeout_s);
			finish(c, GEMINI_END_FAILED, line);
			free(line);
			return;
		}
	}
	const char *headers[] = {c->key_header, "Content-Type: application/json",
	                         "Accept: text/event-stream", NULL};
	struct http_request req = {
	    .method = "POST",
	    .url = c->url,
	    .headers = headers,
	    .body = c->body,
	    .body_len = c->body_len,
	    .connect_timeout_ms = c->target.connect_timeout_ms,
	    .stall_timeout_ms = c->target.stall_timeout_ms,
	    .total_timeout_ms = remaining,
	};
	static const struct http_callbacks cb = {
	    .on_status = stream_status, .on_body = stream_body, .on_done = stream_done};
	char *cause = NULL;
	c->http = http_start(c->loop, &req, &cb, c, &cause);
	if (c->http == NULL) {
		char *line = xasprintf("gemini: %s", cause);
		free(cause);
		finish(c, GEMINI_END_FAILED, line);
		free(line);
	}
}

struct gemini_call *gemini_stream_start(struct loop *l, const struct gemini_target *t,
                                        const char *model, const char *body,
                                        const struct gemini_events *ev, void *ud, char **cause)
{
	if (t->api_key == NULL || t->api_key[0] == '\0') {
		set_cause(cause, "gemini: no API key: set GEMINI_API_KEY or [gemini] api_key "
		                 "(get one at https://aistudio.google.com/apikey)");
		return NULL;
	}
	if (!model_id_ok(model)) {
		set_cause(cause, "gemini: \"%s\" is not a model id; see jarvis --list-models",
		          model);
		return NULL;
	}
	struct gemini_call *c = xcalloc(1, sizeof(*c));
	c->loop = l;
	c->target = *t;
	c->ev = *ev;
	c->ud = ud;
	c->model = xstrdup(model);
	c->url = xasprintf("%s/v1beta/models/%s:streamGenerateContent?alt=sse", t->base_url, model);
	c->key_header = xasprintf("x-goog-api-key: %s", t->api_key);
	c->body = xstrdup(body);
	c->body_len = strlen(body);
	if (t->timeout_s > 0)
		c->deadline_ms = now_ms() + t->timeout_s * 1000;
	buf_init(&c->error_body, ERROR_BODY_MAX);
	gemini_reply_init(&c->empty);
	/* The first try starts from the loop, so on_done never runs inside this call. */
	c->retry_timer = loop_timer_add(l, 0, retry_now, c);
	return c;
}

void gemini_stream_cancel(struct gemini_call *c)
{
	if (c == NULL)
		return;
	if (c->http != NULL) {
		http_cancel(c->http);
		c->http = NULL;
	}
	finish(c, GEMINI_END_INTERRUPTED, NULL);
}

/* Safety and policy stops are "blocked"; any other early stop is an error. */
static bool blocking_reason(const char *r)
{
	static const char *const reasons[] = {
	    "SAFETY", "RECITATION",   "BLOCKLIST", "PROHIBITED_CONTENT",
	    "SPII",   "IMAGE_SAFETY", "LANGUAGE"};
	for (size_t i = 0; r != NULL && i < ARRAY_LEN(reasons); i++)
		if (strcmp(r, reasons[i]) == 0)
			return true;
	return false;
}

void gemini_result_apply(const struct gemini_result *r, struct msg *a)
{
	const struct gemini_reply *rep = r->reply;
	if (rep->finish_reason != NULL)
		a->finish_reason = xstrdup(rep->finish_reason);
	else if (rep->block_reason != NULL)
		a->finish_reason = xstrdup(rep->block_reason);
	if (rep->has_usage)
		a->usage = rep->usage;
	if (rep->grounding != NULL) {
		free(a->grounding);
		a->grounding = xstrdup(rep->grounding);
	}
	char *parts = gemini_reply_parts(rep, a->text.data, a->text.len);
	if (parts != NULL) {
		buf_reset(&a->parts);
		buf_addstr(&a->parts, parts);
		free(parts);
		/* Too big, the array is refused whole (a cut one would not replay): msg_cut says
		 * so. */
	}
	switch (r->end) {
	case GEMINI_END_INTERRUPTED:
		a->status = MSG_INTERRUPTED;
		return;
	case GEMINI_END_FAILED:
		a->status = MSG_ERROR;
		return;
	case GEMINI_END_REPLY:
		break;
	}
	switch (r->outcome) {
	case GEMINI_COMPLETE:
	case GEMINI_CUT: /* complete as far as the API goes; the finish reason says MAX_TOKENS */
		a->status = MSG_COMPLETE;
		return;
	case GEMINI_UNFINISHED: /* cut off on the way: never "complete" */
		a->status = MSG_INTERRUPTED;
		return;
	case GEMINI_BLOCKED_PROMPT:
		a->status = MSG_BLOCKED;
		return;
	case GEMINI_STOPPED:
		a->status = blocking_reason(rep->finish_reason) ? MSG_BLOCKED : MSG_ERROR;
		return;
	case GEMINI_ERROR:
	case GEMINI_EMPTY:
		a->status = MSG_ERROR;
		return;
	}
}

/* ---- the model list ---------------------------------------------------- */

struct models_fetch {
	struct loop *loop;
	struct gemini_target target;
	char *key_header;
	struct model_list *list;
	void (*on_done)(void *ud, const char *error);
	void *ud;
	long status;
	struct buf body;
	int pages;
};

static void fetch_page(struct models_fetch *f, const char *page_token);

static void fetch_status(void *ud, long status)
{
	((struct models_fetch *)ud)->status = status;
}

static int fetch_body(void *ud, const char *p, size_t n)
{
	struct models_fetch *f = ud;
	return buf_append(&f->body, p, n);
}

static void fetch_end(struct models_fetch *f, const char *error)
{
	f->on_done(f->ud, error);
	secret_free(f->key_header);
	buf_release(&f->body);
	free(f);
}

static void fetch_done(void *ud, const struct http_result *r)
{
	struct models_fetch *f = ud;
	char *line = NULL;
	if (r->failure != HTTP_OK) {
		line = xasprintf("gemini: %s", r->message);
	} else if (f->status < 200 || f->status >= 300) {
		struct gemini_error e;
		gemini_error_parse(f->status, f->body.data, f->body.len, &e);
		line = gemini_error_describe(&e, NULL);
		gemini_error_release(&e);
	} else {
		char *next = NULL;
		char *cause = NULL;
		if (models_merge_remote(f->list, f->body.data, f->body.len, &next, &cause) == -1) {
			line = cause;
		} else if (next != NULL && ++f->pages < 20) {
			buf_reset(&f->body);
			fetch_page(f, next);
			free(next);
			return;
		}
		free(next);
	}
	fetch_end(f, line);
	free(line);
}

static void fetch_page(struct models_fetch *f, const char *page_token)
{
	char *token = page_token ? http_escape(page_token) : NULL;
	char *url = token ? xasprintf("%s/v1beta/models?pageSize=1000&pageToken=%s",
	                              f->target.base_url, token)
	                  : xasprintf("%s/v1beta/models?pageSize=1000", f->target.base_url);
	free(token);
	const char *headers[] = {f->key_header, NULL};
	struct http_request req = {
	    .method = "GET",
	    .url = url,
	    .headers = headers,
	    .connect_timeout_ms = f->target.connect_timeout_ms,
	    .stall_timeout_ms = f->target.stall_timeout_ms,
	    .total_timeout_ms = 30000,
	};
	static const struct http_callbacks cb = {
	    .on_status = fetch_status, .on_body = fetch_body, .on_done = fetch_done};
	char *cause = NULL;
	f->status = 0;
	if (http_start(f->loop, &req, &cb, f, &cause) == NULL) {
		char *line = xasprintf("gemini: %s", cause);
		free(cause);
		fetch_end(f, line);
		free(line);
	}
	free(url);
}

int gemini_fetch_models(struct loop *l, const struct gemini_target *t, struct model_list *list,
                        void (*on_done)(void *ud, const char *error), void *ud, char **cause)
{
	if (t->api_key == NULL || t->api_key[0] == '\0')
		return set_cause(cause, "gemini: no API key to list the models with");
	struct models_fetch *f = xcalloc(1, sizeof(*f));
	f->loop = l;
	f->target = *t;
	f->key_header = xasprintf("x-goog-api-key: %s", t->api_key);
	f->list = list;
	f->on_done = on_done;
	f->ud = ud;
	buf_init(&f->body, 16u * 1024 * 1024);
	fetch_page(f, NULL);
	return 0;
}
