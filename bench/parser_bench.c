/*
 * parser_bench.c: throughput of the Gemini stream parser. Builds a 10 MiB
 * stream shaped like the live captures (one compact GenerateContentResponse
 * per `data:` line, \r\n\r\n separators, ~256-byte text parts with escapes
 * and UTF-8, usageMetadata on every chunk), feeds it in 16 KiB chunks and
 * prints the best of several runs: the framer alone, then framer + reply.
 * It must not touch the network; it measures only the pure core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jarvis/buf.h"
#include "jarvis/gemini_reply.h"
#include "jarvis/sse.h"
#include "jarvis/util.h"

#define STREAM_BYTES (10u * 1024 * 1024)
#define CHUNK (16u * 1024)
#define RUNS 7

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 256 bytes of JSON-escaped answer text: words, a quote, a newline and UTF-8. */
static void text_part(struct buf *b, unsigned seq)
{
	static const char *words[] = {
	    "the ",        "sky ",     "is ",    "blue ",         "because ",        "Rayleigh ",
	    "scattering ", "favours ", "short ", "wavelengths, ", "\\\"mostly\\\" ", "\\n",
	    "秋风 ",       "**bold** "};
	size_t start = b->len;
	for (unsigned i = seq; b->len - start < 250; i++)
		buf_addstr(b, words[i % ARRAY_LEN(words)]);
}

static struct buf make_stream(size_t *events)
{
	struct buf s;
	buf_init(&s, 0);
	*events = 0;
	while (s.len < STREAM_BYTES) {
		unsigned n = (unsigned)*events;
		buf_addstr(&s, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"");
		text_part(&s, n);
		buf_addf(&s,
		         "\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": "
		         "{\"promptTokenCount\": 7,\"candidatesTokenCount\": %u,"
		         "\"totalTokenCount\": %u,\"promptTokensDetails\": [{\"modality\": "
		         "\"TEXT\",\"tokenCount\": 7}]},\"modelVersion\": \"gemini-2.5-flash\","
		         "\"responseId\": \"qS77aMCqBu6mvr0PsJiykAw\"}\r\n\r\n",
		         60 * (n + 1), 60 * (n + 1) + 7);
		(*events)++;
	}
	/* A finished answer ends with a finish reason (without one it is unfinished). */
	buf_addstr(&s, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],"
	               "\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}]}\r\n\r\n");
	(*events)++;
	return s;
}

static int count_event(void *ud, const char *data, size_t len, char **cause)
{
	size_t *bytes = ud;
	*bytes += len;
	return 0;
}

static double run_framer(const struct buf *s, size_t *payload)
{
	double t0 = now_sec();
	struct sse *f = sse_new(1 << 20);
	*payload = 0;
	for (size_t at = 0; at < s->len; at += CHUNK) {
		size_t k = s->len - at < CHUNK ? s->len - at : CHUNK;
		if (sse_feed(f, s->data + at, k, count_event, payload, NULL) == -1)
			abort();
	}
	if (sse_finish(f, count_event, payload, NULL) == -1)
		abort();
	sse_free(f);
	return now_sec() - t0;
}

static double run_parser(const struct buf *s, size_t *text_len, size_t *events)
{
	double t0 = now_sec();
	struct gemini_parser *p = gemini_parser_new(1 << 20, NULL, NULL);
	char *cause = NULL;
	for (size_t at = 0; at < s->len; at += CHUNK) {
		size_t k = s->len - at < CHUNK ? s->len - at : CHUNK;
		if (gemini_parser_feed(p, s->data + at, k, &cause) == -1) {
			fprintf(stderr, "parser_bench: %s\n", cause);
			exit(1);
		}
	}
	if (gemini_parser_finish(p, &cause) == -1) {
		fprintf(stderr, "parser_bench: %s\n", cause);
		exit(1);
	}
	double t = now_sec() - t0;
	struct gemini_reply *r = gemini_parser_reply(p);
	*text_len = r->text.len;
	*events = r->events;
	if (gemini_reply_outcome(r) != GEMINI_COMPLETE || r->usage.prompt_tokens != 7)
		abort();
	gemini_parser_free(p);
	return t;
}

static void report(const char *what, size_t bytes, double best)
{
	double mib = (double)bytes / (1024.0 * 1024.0);
	printf("%s: %.1f MiB in %.1f ms = %.0f MiB/s\n", what, mib, best * 1000, mib / best);
}

int main(void)
{
	size_t nevents;
	struct buf s = make_stream(&nevents);
	double best_f = 1e9, best_p = 1e9;
	size_t payload = 0, text_len = 0, parsed = 0;
	for (int i = 0; i < RUNS; i++) {
		double t = run_framer(&s, &payload);
		if (t < best_f)
			best_f = t;
		t = run_parser(&s, &text_len, &parsed);
		if (t < best_p)
			best_p = t;
	}
	if (parsed != nevents) {
		fprintf(stderr, "parser_bench: parsed %zu events of %zu\n", parsed, nevents);
		return 1;
	}
	printf("stream: %zu events, %zu bytes, %zu bytes of answer text, %u-byte chunks, best "
	       "of %d\n",
	       nevents, s.len, text_len, CHUNK, RUNS);
	report("framer", s.len, best_f);
	report("parser", s.len, best_p);
	buf_release(&s);
	return 0;
}
