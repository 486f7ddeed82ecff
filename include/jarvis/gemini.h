/*
 * gemini.h: talking to the Gemini API on the loop: one streamed answer at
 * a time per call, with the retry rules of research/gemini-api.md §4 (429
 * after RetryInfo's delay, 5xx and network failures with backoff, and
 * never once any text has been shown), and the model list.
 */
#ifndef JARVIS_GEMINI_H
#define JARVIS_GEMINI_H

#include <stdbool.h>

#include "jarvis/gemini_reply.h"

struct loop;
struct model_list;
struct gemini_call;

/* Where and how to reach the API. Strings are borrowed for the call's life. */
struct gemini_target {
	const char *base_url; /* no trailing slash */
	const char *api_key;  /* sent only in the x-goog-api-key header */
	long timeout_s;       /* the whole exchange; 0: none */
	long connect_timeout_ms;
	long stall_timeout_ms;
	long retry_base_ms; /* first backoff delay; 0: 1000 */
};

enum gemini_end {
	GEMINI_END_REPLY,       /* the stream ended: see outcome */
	GEMINI_END_FAILED,      /* the API or the network failed: see error */
	GEMINI_END_INTERRUPTED, /* gemini_stream_cancel() */
};

struct gemini_result {
	enum gemini_end end;
	enum gemini_outcome outcome; /* when end == GEMINI_END_REPLY */
	struct gemini_reply *reply;  /* never NULL; its text went out through on_delta only */
	const char *error;           /* one line for the user, or NULL */
	long http_status;
	int tries;
	bool may_be_a_file; /* the failure a gone Files API file gives (gemini_error.h) */
};

struct gemini_events {
	/* Text or thoughts that just arrived. */
	void (*on_delta)(void *ud, const struct gemini_delta *d);
	/* A line about what is going on (a retry and its wait). */
	void (*on_notice)(void *ud, const char *line);
	/* Exactly once; the call and result->reply are freed after it returns. */
	void (*on_done)(void *ud, const struct gemini_result *result);
	/* Optional, before a retry's notice: try try_no of tries starts in delay_ms. */
	void (*on_wait)(void *ud, long long delay_ms, int try_no, int tries);
};

/* Starts streaming the answer to body (a request built by gemini_request_json). */
struct gemini_call *gemini_stream_start(struct loop *l, const struct gemini_target *t,
                                        const char *model, const char *body,
                                        const struct gemini_events *ev, void *ud, char **cause);
/*
 * Sets an answer's final status, finish reason (or the prompt's block
 * reason) and usage from a result: complete (also when cut at MAX_TOKENS),
 * interrupted (also a stream that ended without a finish reason), blocked
 * (a safety or policy stop) or error.
 */
void gemini_result_apply(const struct gemini_result *r, struct msg *m);

/*
 * Stops the call; on_done runs (GEMINI_END_INTERRUPTED) before this returns.
 * Call it from the loop (a key, a timer, a signal callback), never from
 * inside this call's own on_delta.
 */
void gemini_stream_cancel(struct gemini_call *c);

/*
 * Fetches GET /v1beta/models (every page) into list; on_done gets NULL or
 * an error line.
 */
int gemini_fetch_models(struct loop *l, const struct gemini_target *t, struct model_list *list,
                        void (*on_done)(void *ud, const char *error), void *ud, char **cause);

#endif
