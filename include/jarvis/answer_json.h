/*
 * answer_json.h: the JSON that -p --output-format json and stream-json
 * write. One answer becomes one object (json), or a line per event ending
 * with the same object under "type": "result" (stream-json):
 *
 *   {"type":"start","model":"..."}
 *   {"type":"thought","text":"..."}   {"type":"text","text":"..."}
 *   {"type":"notice","message":"..."}
 *   {"type":"result","status":"complete","text":"...","thoughts":"...",
 *    "finishReason":"STOP","model":"...","modelVersion":"...","responseId":"...",
 *    "usage":{"promptTokenCount":N,...},"sources":[{"title","uri"}],
 *    "citations":[{"end":N,"sources":[1,2]}],"searchQueries":[...],
 *    "urls":[{"url","status"}],"conversation":"...","error":"..."}
 *
 * Every string is escaped by the JSON writer, so nothing the model sent can
 * reach a terminal as a control sequence. Pure data: no I/O.
 */
#ifndef JARVIS_ANSWER_JSON_H
#define JARVIS_ANSWER_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/conv.h"

struct answer_summary {
	const char
	    *status; /* complete, cut, incomplete, blocked, stopped, empty, error, interrupted */
	const char *text;
	size_t text_len;
	const char *thoughts;
	size_t thoughts_len;
	const char *finish_reason; /* NULL: none came */
	const char *model;         /* the model asked */
	const char *model_version; /* what the API said answered */
	const char *response_id;
	const struct usage *usage; /* NULL: the API sent none */
	const char *grounding;     /* grounding.h's object, or NULL */
	const char *conversation;  /* the stored conversation's id, or NULL */
	const char *error;         /* why it is not complete, or NULL */
};

/* One event line without its newline: {"type": TYPE, KEY: the n bytes at s} (caller frees). */
char *answer_json_event(const char *type, const char *key, const char *s, size_t n);
/* The result object; with type, it carries "type": TYPE first (caller frees). */
char *answer_json_result(const struct answer_summary *a, const char *type);

#endif
