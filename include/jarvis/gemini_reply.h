/*
 * gemini_reply.h: one streamed Gemini answer, built event by event from
 * the JSON payloads of a streamGenerateContent?alt=sse response, and the
 * stream parser that joins the SSE framer to it so the network layer only
 * pushes bytes. Pure data: no network, terminal or store code.
 */
#ifndef JARVIS_GEMINI_REPLY_H
#define JARVIS_GEMINI_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/buf.h"
#include "jarvis/conv.h"
#include "jarvis/gemini_error.h"
#include "jarvis/grounding.h"

/* Default bound on the answer text and on the thoughts of one reply. */
#define GEMINI_REPLY_MAX_BYTES (32u * 1024 * 1024)
/* Default bound on one streamed event (a data: line may hold an inline image). */
#define GEMINI_EVENT_MAX_BYTES (32u * 1024 * 1024)

/*
 * One raw part kept for replay: its JSON in gemini_reply.parts, and the
 * plain text that came before it (after the raw part before), as offsets
 * into the answer text as handed out (text_total's count). The text itself
 * is not copied: the caller holds the answer (gemini_reply_parts).
 */
struct gemini_raw_part {
	size_t text_from, text_to; /* the plain text before it */
	size_t json_off, json_len; /* the part, in parts */
};

struct gemini_fast_memo;

struct gemini_reply {
	struct buf text;       /* the answer, UTF-8; max may be lowered after init */
	struct buf thoughts;   /* thought summaries (parts with "thought": true) */
	char *finish_reason;   /* the last finishReason seen, NULL when none */
	char *finish_message;  /* candidates[0].finishMessage */
	char *block_reason;    /* promptFeedback.blockReason */
	char *block_message;   /* promptFeedback.blockReasonMessage */
	struct usage usage;    /* usageMetadata, each count as last sent (0 when never) */
	bool has_usage;        /* some usageMetadata was seen */
	char *model_version;   /* modelVersion */
	char *response_id;     /* responseId */
	size_t text_total;     /* answer bytes ever added (kept after gemini_reply_forget) */
	size_t thoughts_total; /* thought bytes ever added */
	size_t events;         /* JSON events parsed */
	size_t other_parts;    /* parts that are not text (functionCall, inlineData, ...) */
	struct buf parts;      /* raw non-thought parts so far, back to back (JSON objects) */
	bool parts_kept;       /* a part other than plain text came (worth replaying) */
	char text_last;        /* the answer's last byte before gemini_reply_forget, or 0 */
	char *grounding;       /* citations and searches (grounding.h), NULL when none */
	size_t
	    model_text_total; /* bytes of the model's text parts (grounding offsets count these) */
	struct grounding_shift *drawn; /* where parts drawn as text went in (grounding.h) */
	size_t ndrawn;
	struct gemini_raw_part *raw; /* each raw part kept, and the plain text before it */
	size_t nraw;
	size_t plain_from;  /* where the text after the last raw part starts (text_total's count) */
	size_t text_origin; /* text_total's count of text.data[0] while an event is read */
	bool has_error;     /* the stream carried an error object */
	struct gemini_fast_memo *fast_memo; /* the fast path's last event (gemini_event_fast.c) */
	struct gemini_error error;          /* that error, when has_error */
};

/* What one event added; the pointers are into the reply and valid until the next event. */
struct gemini_delta {
	const char *text;
	size_t text_len;
	const char *thought;
	size_t thought_len;
};

enum gemini_outcome {
	GEMINI_COMPLETE,       /* STOP (or FINISH_REASON_UNSPECIFIED) with an answer */
	GEMINI_CUT,            /* MAX_TOKENS: the answer is incomplete */
	GEMINI_UNFINISHED,     /* text, but the stream ended with no finishReason at all */
	GEMINI_BLOCKED_PROMPT, /* promptFeedback blocked the prompt: no answer */
	GEMINI_STOPPED,        /* SAFETY, RECITATION, OTHER, unknown...: stopped early */
	GEMINI_ERROR,          /* an error object arrived in the stream */
	GEMINI_EMPTY,          /* no answer text and no reason (an empty 200 body) */
};

/* Prepares an empty reply. */
void gemini_reply_init(struct gemini_reply *r);
/* Releases everything; the reply may be initialised again. NULL is a no-op. */
void gemini_reply_release(struct gemini_reply *r);
/* Adds one event's JSON; fills delta (may be NULL). Fails on JSON that is not an object. */
int gemini_reply_event(struct gemini_reply *r, const char *json, size_t len,
                       struct gemini_delta *delta, char **cause);
/*
 * Drops the text and thoughts kept so far (the totals stay), for callers
 * that keep their own copy of what each delta handed them.
 */
void gemini_reply_forget(struct gemini_reply *r);
/*
 * The answer's parts as a JSON array to send back in later turns (thought
 * parts left out, their signatures kept, neighbouring plain text merged),
 * or NULL when the answer was plain text only (caller frees). text is the
 * whole answer as the deltas handed it out (the caller's copy: the reply
 * does not keep a second one); what is past len is left out.
 */
char *gemini_reply_parts(const struct gemini_reply *r, const char *text, size_t len);
/* Classifies the reply as it stands. */
enum gemini_outcome gemini_reply_outcome(const struct gemini_reply *r);
/* A line telling the user why the answer is not complete (caller frees); NULL if complete. */
char *gemini_reply_notice(const struct gemini_reply *r, const char *model);

/* Called for every event that added text or thoughts; -1 (with *cause) stops the stream. */
typedef int (*gemini_delta_fn)(void *ud, const struct gemini_delta *d, char **cause);

struct gemini_parser;

/* A parser for one response body; on_delta may be NULL. */
struct gemini_parser *gemini_parser_new(size_t max_event_bytes, gemini_delta_fn on_delta, void *ud);
/* Releases the parser and its reply; NULL is a no-op. */
void gemini_parser_free(struct gemini_parser *p);
/* Pushes n bytes of the body, in any cut. */
int gemini_parser_feed(struct gemini_parser *p, const char *bytes, size_t n, char **cause);
/* Ends the body: the last unterminated event, then any stray error JSON. */
int gemini_parser_finish(struct gemini_parser *p, char **cause);
/* The reply built so far (owned by the parser; its buffers may be stolen). */
struct gemini_reply *gemini_parser_reply(struct gemini_parser *p);

#endif
