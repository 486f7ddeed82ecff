/*
 * gemini_event_fast.c: folds the common streamed event, one plain text
 * part and the usual bookkeeping around it, into a reply without building
 * a cJSON tree (see gemini_reply_internal.h). Almost every event of a long
 * answer has this shape; the tree cost several times what the bytes did.
 *
 * It reads the event once: the text part is decoded straight onto the end
 * of the answer as the scan passes it, the other wanted values are noted
 * where they are; when the event turns out not to be of the plain shape,
 * the answer is cut back to where it was and nothing else was changed, so
 * the full parser starts from the same reply. Anything else (thoughts,
 * signatures, other part kinds, grounding, errors, prompt feedback, a key
 * given twice, a value of an unexpected type) goes to the full parser.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "gemini_reply_internal.h"
#include "jarvis/json_scan.h"
#include "jarvis/util.h"

/* Where the wanted values of one event are; NULL when absent. */
struct plan {
	struct buf *text_out;       /* where candidates[0].content.parts[0].text goes */
	bool has_text;              /* it was there */
	bool refused;               /* text_out could not take it all */
	const char *finish_reason;  /* candidates[0].finishReason */
	const char *finish_message; /* candidates[0].finishMessage */
	const char *usage;          /* usageMetadata */
	const char *model_version;  /* modelVersion */
	const char *response_id;    /* responseId */
};

/* Notes a value's position once; false when the key came before. */
static bool note(const char **slot, const struct json_scan *s)
{
	if (*slot != NULL)
		return false;
	*slot = s->p;
	return true;
}

/* Whether the next value is a string, noting where it starts. */
static bool note_string(const char **slot, struct json_scan *s)
{
	return json_scan_peek(s) == '"' && note(slot, s) && json_scan_string(s, NULL, NULL);
}

/* {"text": "..."}: the only part this path takes, decoded as it is read. */
static bool plan_part(struct json_scan *s, struct plan *pl)
{
	char key[8];
	if (!(json_scan_take(s, '{') && json_scan_key(s, key, sizeof key) &&
	      strcmp(key, "text") == 0 && json_scan_peek(s) == '"'))
		return false;
	pl->has_text = true;
	return json_scan_string(s, pl->text_out, &pl->refused) && json_scan_take(s, '}');
}

static bool plan_content(struct json_scan *s, struct plan *pl)
{
	char key[32];
	bool more = true, parts = false;
	if (!json_scan_take(s, '{'))
		return false;
	if (json_scan_take(s, '}'))
		return true;
	while (more) {
		if (!json_scan_key(s, key, sizeof key))
			return false;
		if (strcmp(key, "parts") == 0) {
			/* One part at most: several would need the full parser's merging. */
			if (parts || !json_scan_take(s, '['))
				return false;
			parts = true;
			if (!json_scan_take(s, ']') &&
			    !(plan_part(s, pl) && json_scan_take(s, ']')))
				return false;
		} else if (!json_scan_skip(s)) {
			return false;
		}
		if (!json_scan_next(s, '}', &more))
			return false;
	}
	return true;
}

static bool plan_candidate(struct json_scan *s, struct plan *pl)
{
	char key[32];
	bool more = true, content = false;
	if (!json_scan_take(s, '{'))
		return false;
	if (json_scan_take(s, '}'))
		return true;
	while (more) {
		bool ok;
		if (!json_scan_key(s, key, sizeof key))
			return false;
		if (strcmp(key, "content") == 0) {
			ok = !content && plan_content(s, pl);
			content = true;
		} else if (strcmp(key, "finishReason") == 0) {
			ok = note_string(&pl->finish_reason, s);
		} else if (strcmp(key, "finishMessage") == 0) {
			ok = note_string(&pl->finish_message, s);
		} else if (strcmp(key, "groundingMetadata") == 0 ||
		           strcmp(key, "urlContextMetadata") == 0) {
			ok = false;
		} else {
			ok = json_scan_skip(s);
		}
		if (!ok || !json_scan_next(s, '}', &more))
			return false;
	}
	return true;
}

static bool plan_candidates(struct json_scan *s, struct plan *pl)
{
	bool more = true;
	if (!json_scan_take(s, '['))
		return false;
	if (json_scan_take(s, ']'))
		return true;
	/* Only the first candidate is read; the others are skipped as JSON. */
	if (!plan_candidate(s, pl) || !json_scan_next(s, ']', &more))
		return false;
	while (more)
		if (!json_scan_skip(s) || !json_scan_next(s, ']', &more))
			return false;
	return true;
}

static bool plan_event(struct json_scan *s, struct plan *pl)
{
	char key[32];
	bool more = true, cands = false;
	if (!json_scan_take(s, '{'))
		return false;
	if (json_scan_take(s, '}'))
		return json_scan_done(s);
	while (more) {
		bool ok;
		if (!json_scan_key(s, key, sizeof key))
			return false;
		if (strcmp(key, "candidates") == 0) {
			ok = !cands && plan_candidates(s, pl);
			cands = true;
		} else if (strcmp(key, "usageMetadata") == 0) {
			ok = json_scan_peek(s) == '{' && note(&pl->usage, s) && json_scan_skip(s);
		} else if (strcmp(key, "modelVersion") == 0) {
			ok = note_string(&pl->model_version, s);
		} else if (strcmp(key, "responseId") == 0) {
			ok = note_string(&pl->response_id, s);
		} else if (strcmp(key, "error") == 0 || strcmp(key, "promptFeedback") == 0) {
			ok = false;
		} else {
			ok = json_scan_skip(s);
		}
		if (!ok || !json_scan_next(s, '}', &more))
			return false;
	}
	return json_scan_done(s);
}

/* The usage counts; false (nothing kept) when one is not a plain count. */
static bool plan_usage(const char *at, const char *end, struct usage *u)
{
	static const struct {
		const char *key;
		size_t offset;
	} counts[] = {
	    {"promptTokenCount", offsetof(struct usage, prompt_tokens)},
	    {"candidatesTokenCount", offsetof(struct usage, candidates_tokens)},
	    {"thoughtsTokenCount", offsetof(struct usage, thoughts_tokens)},
	    {"totalTokenCount", offsetof(struct usage, total_tokens)},
	    {"cachedContentTokenCount", offsetof(struct usage, cached_tokens)},
	};
	struct json_scan s;
	json_scan_init(&s, at, (size_t)(end - at));
	char key[40];
	bool more = true;
	unsigned seen = 0;
	json_scan_take(&s, '{');
	if (json_scan_take(&s, '}'))
		return true;
	while (more) {
		if (!json_scan_key(&s, key, sizeof key))
			return false;
		size_t i = 0;
		while (i < sizeof counts / sizeof counts[0] && strcmp(key, counts[i].key) != 0)
			i++;
		if (i < sizeof counts / sizeof counts[0]) {
			long v;
			if ((seen & (1u << i)) || !json_scan_count(&s, &v))
				return false;
			seen |= 1u << i;
			*(long *)(void *)((char *)u + counts[i].offset) = v;
		} else if (!json_scan_skip(&s)) {
			return false;
		}
		if (!json_scan_next(&s, '}', &more))
			return false;
	}
	return true;
}

/* keep_str for a string at `at`: a repeated value (the usual case) costs no copy. */
static void keep_at(char **dst, const char *at, const char *end)
{
	if (at == NULL)
		return;
	struct json_scan s;
	json_scan_init(&s, at, (size_t)(end - at));
	json_scan_string(&s, NULL, NULL);
	const char *raw = at + 1;
	size_t n = (size_t)(s.p - 1 - raw);
	if (memchr(raw, '\\', n) == NULL) {
		if (*dst == NULL || strlen(*dst) != n || memcmp(*dst, raw, n) != 0) {
			free(*dst);
			*dst = xstrndup(raw, n);
		}
		return;
	}
	char *v = NULL;
	json_scan_init(&s, at, (size_t)(end - at));
	json_scan_string_dup(&s, &v);
	if (*dst != NULL && strcmp(*dst, v) == 0) {
		free(v);
		return;
	}
	free(*dst);
	*dst = v;
}

int gemini_reply_event_fast(struct gemini_reply *r, const char *json, size_t len, char **cause)
{
	struct plan pl = {.text_out = &r->text};
	struct json_scan s;
	const char *end = json + len;
	size_t before = r->text.len;
	json_scan_init(&s, json, len);
	bool plain = plan_event(&s, &pl);
	struct usage usage = r->usage;
	if (plain && pl.usage != NULL && !plan_usage(pl.usage, end, &usage))
		plain = false;
	/* At the answer's bound the full parser knows what to keep and what to say. */
	if (!plain || pl.refused) {
		buf_truncate(&r->text, before);
		return 0;
	}
	r->model_text_total += r->text.len - before;
	r->events++;
	keep_at(&r->finish_reason, pl.finish_reason, end);
	keep_at(&r->finish_message, pl.finish_message, end);
	if (pl.usage != NULL) {
		r->has_usage = true;
		r->usage = usage;
	}
	keep_at(&r->model_version, pl.model_version, end);
	keep_at(&r->response_id, pl.response_id, end);
	return 1;
}
