/*
 * reply_twin.h: a differential check of the streamed-event fast path
 * (src/core/gemini_event_fast.c) against the full cJSON parser, for the
 * unit tests and the fuzz harness. Each event goes into two replies: once
 * as it is, and once with a "promptFeedback": {} member put first, which
 * the full parser reads as nothing at all but which the fast path always
 * leaves to it. The two replies must then hold the same things.
 */
#ifndef JARVIS_TESTS_REPLY_TWIN_H
#define JARVIS_TESTS_REPLY_TWIN_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/gemini_reply.h"
#include "jarvis/util.h"

struct reply_twin {
	struct gemini_reply fast; /* events as they came */
	struct gemini_reply full; /* the same events, each forced through cJSON */
};

static inline void reply_twin_init(struct reply_twin *t)
{
	gemini_reply_init(&t->fast);
	gemini_reply_init(&t->full);
}

static inline void reply_twin_release(struct reply_twin *t)
{
	gemini_reply_release(&t->fast);
	gemini_reply_release(&t->full);
}

/* The event with the no-op member first, or a plain copy when it is no object. */
static inline char *reply_twin_forced(const char *json, size_t len, size_t *out_len)
{
	struct buf b;
	buf_init(&b, 0);
	size_t i = 0;
	/* cJSON takes every byte up to 0x20 for white space. */
	while (i < len && (unsigned char)json[i] <= 0x20)
		i++;
	if (i < len && json[i] == '{') {
		size_t j = i + 1;
		while (j < len && (unsigned char)json[j] <= 0x20)
			j++;
		buf_add(&b, json, i + 1);
		buf_addstr(&b, j < len && json[j] == '}' ? "\"promptFeedback\":{}"
		                                         : "\"promptFeedback\":{},");
		buf_add(&b, json + i + 1, len - i - 1);
	} else {
		buf_add(&b, json, len);
	}
	*out_len = b.len;
	return buf_steal(&b);
}

static inline bool reply_twin_same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * Folds one event into both; NULL when they agree, else the name of the
 * first thing that differs. A repeated "promptFeedback" would make the two
 * inputs mean different things, so such events are only folded.
 */
static inline const char *reply_twin_event(struct reply_twin *t, const char *json, size_t len)
{
	size_t flen;
	char *forced = reply_twin_forced(json, len, &flen);
	char *c1 = NULL, *c2 = NULL;
	int rc1 = gemini_reply_event(&t->fast, json, len, NULL, &c1);
	int rc2 = gemini_reply_event(&t->full, forced, flen, NULL, &c2);
	free(forced);
	free(c1);
	free(c2);
	if (memmem(json, len, "promptFeedback", 14) != NULL)
		return NULL;
	const struct gemini_reply *a = &t->fast, *b = &t->full;
	if (rc1 != rc2)
		return "return code";
	if (a->text.len != b->text.len || memcmp(a->text.data, b->text.data, a->text.len) != 0)
		return "text";
	if (a->plain_from != b->plain_from || a->nraw != b->nraw ||
	    (a->nraw > 0 && memcmp(a->raw, b->raw, a->nraw * sizeof *a->raw) != 0))
		return "raw part places";
	if (a->thoughts.len != b->thoughts.len ||
	    memcmp(a->thoughts.data, b->thoughts.data, a->thoughts.len) != 0)
		return "thoughts";
	if (!reply_twin_same_str(a->finish_reason, b->finish_reason))
		return "finish_reason";
	if (!reply_twin_same_str(a->finish_message, b->finish_message))
		return "finish_message";
	if (!reply_twin_same_str(a->model_version, b->model_version))
		return "model_version";
	if (!reply_twin_same_str(a->response_id, b->response_id))
		return "response_id";
	if (!reply_twin_same_str(a->grounding, b->grounding))
		return "grounding";
	if (a->has_usage != b->has_usage || memcmp(&a->usage, &b->usage, sizeof a->usage) != 0)
		return "usage";
	if (a->model_text_total != b->model_text_total || a->ndrawn != b->ndrawn ||
	    (a->ndrawn > 0 && memcmp(a->drawn, b->drawn, a->ndrawn * sizeof *a->drawn) != 0))
		return "text offsets";
	if (a->events != b->events || a->other_parts != b->other_parts ||
	    a->parts_kept != b->parts_kept || a->has_error != b->has_error)
		return "counts";
	if (a->parts.len != b->parts.len || memcmp(a->parts.data, b->parts.data, a->parts.len) != 0)
		return "parts";
	return NULL;
}

#endif
