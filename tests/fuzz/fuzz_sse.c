/*
 * fuzz_sse.c: libFuzzer harness for the Gemini stream parser (SSE framer +
 * reply parser) and the error-body parser. The first input byte says how
 * many of the next bytes are chunk sizes; the rest is the response body.
 * The body is fed once in those chunks and once whole: both must agree,
 * and what the deltas showed must be exactly the kept text.
 * Built and run by `make fuzz` (clang -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/gemini_error.h"
#include "jarvis/gemini_reply.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small, so that the size limits are reached too. */
#define FUZZ_EVENT_MAX 4096

struct shown {
	struct buf text;
	struct buf thoughts;
};

static int on_delta(void *ud, const struct gemini_delta *d, char **cause)
{
	struct shown *s = ud;
	buf_add(&s->text, d->text, d->text_len);
	buf_add(&s->thoughts, d->thought, d->thought_len);
	return 0;
}

struct run {
	int rc;
	char *text;
	char *finish;
	enum gemini_outcome outcome;
};

static void fuzz_run(struct run *out, const char *body, size_t n, const uint8_t *sizes,
                     size_t nsizes)
{
	struct shown shown;
	buf_init(&shown.text, 0);
	buf_init(&shown.thoughts, 0);
	struct gemini_parser *p = gemini_parser_new(FUZZ_EVENT_MAX, on_delta, &shown);
	char *cause = NULL;
	int rc = 0;
	size_t at = 0, i = 0;
	while (at < n && rc == 0) {
		size_t k = nsizes ? (size_t)sizes[i++ % nsizes] + 1 : n;
		if (k > n - at)
			k = n - at;
		rc = gemini_parser_feed(p, body + at, k, &cause);
		at += k;
	}
	if (rc == 0)
		rc = gemini_parser_finish(p, &cause);
	if (rc == -1 && (cause == NULL || *cause == '\0'))
		abort(); /* every failure must say why */
	struct gemini_reply *r = gemini_parser_reply(p);
	const char *text = r->text.data ? r->text.data : "";
	if (shown.text.len != r->text.len ||
	    memcmp(shown.text.data ? shown.text.data : "", text, r->text.len) != 0)
		abort();
	if (shown.thoughts.len != r->thoughts.len)
		abort();
	out->rc = rc;
	out->text = xstrdup(text);
	out->finish = r->finish_reason ? xstrdup(r->finish_reason) : NULL;
	out->outcome = gemini_reply_outcome(r);
	free(gemini_reply_notice(r, "gemini-2.5-flash"));
	if (r->has_error) {
		free(gemini_error_describe(&r->error, NULL));
		(void)gemini_error_retryable(&r->error);
	}
	free(cause);
	buf_release(&shown.text);
	buf_release(&shown.thoughts);
	gemini_parser_free(p);
}

static void run_free(struct run *r)
{
	free(r->text);
	free(r->finish);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t nsizes = data[0] % 16;
	if (nsizes > size - 1)
		nsizes = size - 1;
	const uint8_t *sizes = data + 1;
	const char *body = (const char *)data + 1 + nsizes;
	size_t n = size - 1 - nsizes;

	struct run cut, whole;
	fuzz_run(&cut, body, n, sizes, nsizes);
	fuzz_run(&whole, body, n, NULL, 0);
	if (cut.rc != whole.rc || strcmp(cut.text, whole.text) != 0 ||
	    (cut.finish == NULL) != (whole.finish == NULL) ||
	    (cut.finish != NULL && strcmp(cut.finish, whole.finish) != 0) ||
	    cut.outcome != whole.outcome)
		abort();
	run_free(&cut);
	run_free(&whole);

	struct gemini_error e;
	gemini_error_parse(404, body, n, &e);
	free(gemini_error_describe(&e, "m"));
	(void)gemini_error_retryable(&e);
	gemini_error_release(&e);
	char *s = xstrndup(body, n < 64 ? n : 64);
	(void)gemini_duration_ms(s);
	free(s);
	return 0;
}
