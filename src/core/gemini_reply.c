/*
 * gemini_reply.c: folds the JSON events of one streamed Gemini answer into
 * struct gemini_reply, reports what each event added, classifies how the
 * answer ended, and (struct gemini_parser) joins the SSE framer to all of
 * this. Only candidates[0] is read; unknown fields, enum values and part
 * kinds are tolerated. It must not talk to the network, the terminal or
 * the store, and cJSON objects never leave this file.
 */
#include "jarvis/gemini_reply.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gemini_reply_internal.h"
#include "jarvis/grounding.h"
#include "jarvis/sse.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

void gemini_reply_init(struct gemini_reply *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->text, GEMINI_REPLY_MAX_BYTES);
	buf_init(&r->thoughts, GEMINI_REPLY_MAX_BYTES);
	buf_init(&r->parts, 2 * (size_t)GEMINI_REPLY_MAX_BYTES);
	r->error.retry_delay_ms = -1;
}

void gemini_reply_release(struct gemini_reply *r)
{
	if (r == NULL)
		return;
	buf_release(&r->text);
	buf_release(&r->thoughts);
	buf_release(&r->parts);
	free(r->raw);
	r->raw = NULL;
	r->nraw = 0;
	free(r->finish_reason);
	free(r->finish_message);
	free(r->block_reason);
	free(r->block_message);
	free(r->model_version);
	free(r->response_id);
	free(r->grounding);
	r->grounding = NULL;
	free(r->drawn);
	r->drawn = NULL;
	r->ndrawn = 0;
	free(r->fast_memo);
	r->fast_memo = NULL;
	gemini_error_release(&r->error);
	r->finish_reason = r->finish_message = r->block_reason = r->block_message = NULL;
	r->model_version = r->response_id = NULL;
	r->has_error = false;
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Replaces *dst with a copy of v unless they are equal (most chunks repeat the value). */
static void keep_str(char **dst, const char *v)
{
	if (v == NULL || (*dst != NULL && strcmp(*dst, v) == 0))
		return;
	free(*dst);
	*dst = xstrdup(v);
}

static void keep_count(long *dst, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15)
		*dst = (long)v->valuedouble;
}

/* A short, control-free start of a bad payload for an error message. */
static char *payload_excerpt(const char *p, size_t n)
{
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	buf_addstr(&b, "");
	for (size_t i = 0; i < n && b.len < 60; i++) {
		unsigned char c = (unsigned char)p[i];
		buf_add(&b, c < 0x20 || c == 0x7f ? " " : &p[i], 1);
	}
	if (n > 60)
		buf_addstr(&b, "...");
	return buf_steal(&b);
}

/* Whether a part carries something other than text and thought markers. */
static bool part_is_other(const cJSON *part)
{
	const cJSON *k;
	cJSON_ArrayForEach(k, part)
	{
		if (k->string != NULL && strcmp(k->string, "thought") != 0 &&
		    strcmp(k->string, "thoughtSignature") != 0)
			return true;
	}
	return false;
}

/* The answer's length so far, in text_total's count (inside an event too). */
static size_t text_at(const struct gemini_reply *r)
{
	return r->text_origin + r->text.len;
}

/*
 * Keeps one raw part, after the plain text since the last one (noted by its
 * place in the answer, not copied); -1 when the raw parts would pass their
 * maximum (a cut part would not replay).
 */
static int keep_part(struct gemini_reply *r, const cJSON *part)
{
	char *s = cJSON_PrintUnformatted(part);
	size_t off = r->parts.len;
	buf_addstr(&r->parts, s);
	free(s);
	if (r->parts.truncated)
		return -1;
	r->raw = xrealloc(r->raw, (r->nraw + 1) * sizeof *r->raw);
	r->raw[r->nraw++] =
	    (struct gemini_raw_part){r->plain_from, text_at(r), off, r->parts.len - off};
	r->parts_kept = true;
	return 0;
}

/* How a part that is not text reads in the answer: Markdown the screen and -p show. */
static void render_part(struct gemini_reply *r, const cJSON *part)
{
	struct buf *b = &r->text;
	size_t len0 = b->len;
	/* The text may have been handed out and forgotten: its last byte is kept. */
	char last = b->len > 0 ? b->data[b->len - 1] : r->text_last;
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(part, "executableCode");
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(part, "codeExecutionResult");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(part, "inlineData");
	const char *nl = last != '\0' && last != '\n' ? "\n" : "";
	if (cJSON_IsObject(code)) {
		const char *lang = json_str(code, "language");
		const char *src = json_str(code, "code");
		char *low = xstrdup(lang ? lang : "");
		for (char *p = low; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		size_t n = src ? strlen(src) : 0;
		buf_addf(b, "%s\n```%s\n%s%s```\n\n", nl, low, src ? src : "",
		         n > 0 && src[n - 1] != '\n' ? "\n" : "");
		free(low);
	} else if (cJSON_IsObject(result)) {
		const char *outcome = json_str(result, "outcome");
		const char *out = json_str(result, "output");
		size_t n = out ? strlen(out) : 0;
		buf_addf(b, "%sOutput (%s):\n\n```\n%s%s```\n\n", nl,
		         outcome ? outcome : "no outcome", out ? out : "",
		         n > 0 && out[n - 1] != '\n' ? "\n" : "");
	} else if (cJSON_IsObject(data)) {
		const char *mime = json_str(data, "mimeType");
		const char *b64 = json_str(data, "data");
		size_t bytes = b64 ? strlen(b64) / 4 * 3 : 0;
		buf_addf(b, "%s\n" MSG_IMAGE_NOTE "%s, %zu KiB]\n\n", nl,
		         mime ? mime : "unknown type", (bytes + 1023) / 1024);
	}
	/* The model's text offsets (groundingSupports) do not count these bytes. */
	if (b->len > len0) {
		r->drawn = xrealloc(r->drawn, (r->ndrawn + 1) * sizeof *r->drawn);
		r->drawn[r->ndrawn++] =
		    (struct grounding_shift){r->model_text_total, b->len - len0};
	}
}

/* A grounded answer's citations, searches and fetched pages (grounding.h). */
static void reply_grounding(struct gemini_reply *r, const cJSON *cand)
{
	const cJSON *gm = cJSON_GetObjectItemCaseSensitive(cand, "groundingMetadata");
	const cJSON *ucm = cJSON_GetObjectItemCaseSensitive(cand, "urlContextMetadata");
	if (!cJSON_IsObject(gm) && !cJSON_IsObject(ucm))
		return;
	char *g = cJSON_IsObject(gm) ? cJSON_PrintUnformatted(gm) : NULL;
	char *u = cJSON_IsObject(ucm) ? cJSON_PrintUnformatted(ucm) : NULL;
	grounding_fold(&r->grounding, g, u, r->drawn, r->ndrawn);
	free(g);
	free(u);
}

static int parts_too_big(const struct gemini_reply *r, char **cause)
{
	return set_cause(cause,
	                 "gemini: the answer's raw parts passed %zu bytes; the rest was dropped",
	                 r->parts.max);
}

/* One part of candidates[0]: into the text or thoughts, and kept raw when it must replay. */
static int reply_part(struct gemini_reply *r, const cJSON *part, char **cause)
{
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(part, "text");
	bool thought = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(part, "thought"));
	const char *sig = json_str(part, "thoughtSignature");
	bool raw = false;
	if (thought && sig != NULL) {
		/* The thought is never sent back; its signature must be, unchanged. */
		cJSON *keep = cJSON_CreateObject();
		cJSON_AddStringToObject(keep, "text", "");
		cJSON_AddStringToObject(keep, "thoughtSignature", sig);
		int kept = keep_part(r, keep);
		cJSON_Delete(keep);
		if (kept == -1)
			return parts_too_big(r, cause);
		raw = true;
	} else if (!thought && cJSON_IsObject(part) &&
	           (sig != NULL || (!cJSON_IsString(text) && part_is_other(part)))) {
		if (keep_part(r, part) == -1)
			return parts_too_big(r, cause);
		raw = true;
	}
	int rc = 0;
	if (!cJSON_IsString(text)) {
		if (cJSON_IsObject(part) && part_is_other(part)) {
			r->other_parts++;
			render_part(r, part);
		}
	} else {
		struct buf *b = thought ? &r->thoughts : &r->text;
		if (!thought)
			r->model_text_total += strlen(text->valuestring);
		if (buf_puts(b, text->valuestring) == -1)
			rc = set_cause(cause,
			               "gemini: the %s passed %zu bytes; the rest was dropped",
			               thought ? "thoughts" : "answer", b->max);
	}
	/* A raw part's own text, or how it was drawn, is in the part: not plain text. */
	if (raw)
		r->plain_from = text_at(r);
	return rc;
}

static int reply_candidate(struct gemini_reply *r, const cJSON *cand, char **cause)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(cand, "content");
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(content, "parts");
	const cJSON *part;
	if (!cJSON_IsArray(parts))
		parts = NULL;
	cJSON_ArrayForEach(part, parts)
	{
		if (reply_part(r, part, cause) == -1)
			return -1;
	}
	keep_str(&r->finish_reason, json_str(cand, "finishReason"));
	keep_str(&r->finish_message, json_str(cand, "finishMessage"));
	reply_grounding(r, cand);
	return 0;
}

static void reply_usage(struct gemini_reply *r, const cJSON *u)
{
	if (!cJSON_IsObject(u))
		return;
	r->has_usage = true;
	keep_count(&r->usage.prompt_tokens, u, "promptTokenCount");
	keep_count(&r->usage.candidates_tokens, u, "candidatesTokenCount");
	keep_count(&r->usage.thoughts_tokens, u, "thoughtsTokenCount");
	keep_count(&r->usage.total_tokens, u, "totalTokenCount");
	keep_count(&r->usage.cached_tokens, u, "cachedContentTokenCount");
}

/*
 * A copy of the event with each "\u0000" escape made "\uFFFD" (same length),
 * or NULL when it has none. cJSON keeps strings NUL-terminated, so a NUL
 * inside a text part silently dropped the rest of the part.
 */
static char *without_nul_escapes(const char *json, size_t len)
{
	char *copy = NULL;
	size_t backslashes = 0;
	for (size_t i = 0; i < len; i++) {
		if (json[i] != '\\') {
			backslashes = 0;
			continue;
		}
		backslashes++;
		/* An escaping backslash (odd run) followed by u0000. */
		if (backslashes % 2 == 1 && len - i >= 6 && memcmp(json + i + 1, "u0000", 5) == 0) {
			if (copy == NULL)
				copy = xstrndup(json, len);
			memcpy(copy + i + 1, "uFFFD", 5);
			backslashes = 0;
			i += 5;
		}
	}
	return copy;
}

/* One event through cJSON: everything the fast path leaves alone. */
static int event_in_full(struct gemini_reply *r, const char *json, size_t len, char **cause)
{
	char *fixed = without_nul_escapes(json, len);
	cJSON *root = cJSON_ParseWithLength(fixed ? fixed : json, len);
	free(fixed);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		char *ex = payload_excerpt(json, len);
		set_cause(cause,
		          "gemini: a streamed event is not a JSON object (it starts \"%s\"); the "
		          "response was cut or did not come from the Gemini API",
		          ex);
		free(ex);
		return -1;
	}
	r->events++;
	if (cJSON_GetObjectItemCaseSensitive(root, "error") != NULL) {
		/* Some proxies send the error as a data: event; the stream is over. */
		cJSON_Delete(root);
		gemini_error_release(&r->error);
		gemini_error_parse(200, json, len, &r->error);
		r->has_error = true;
		return 0;
	}
	int rc = 0;
	const cJSON *cands = cJSON_GetObjectItemCaseSensitive(root, "candidates");
	const cJSON *cand = cJSON_IsArray(cands) ? cJSON_GetArrayItem(cands, 0) : NULL;
	if (cJSON_IsObject(cand))
		rc = reply_candidate(r, cand, cause);
	const cJSON *fb = cJSON_GetObjectItemCaseSensitive(root, "promptFeedback");
	keep_str(&r->block_reason, json_str(fb, "blockReason"));
	keep_str(&r->block_message, json_str(fb, "blockReasonMessage"));
	reply_usage(r, cJSON_GetObjectItemCaseSensitive(root, "usageMetadata"));
	keep_str(&r->model_version, json_str(root, "modelVersion"));
	keep_str(&r->response_id, json_str(root, "responseId"));
	cJSON_Delete(root);
	return rc;
}

int gemini_reply_event(struct gemini_reply *r, const char *json, size_t len,
                       struct gemini_delta *delta, char **cause)
{
	if (delta != NULL)
		memset(delta, 0, sizeof *delta);
	size_t text0 = r->text.len, thought0 = r->thoughts.len;
	r->text_origin = r->text_total - r->text.len;
	int rc = gemini_reply_event_fast(r, json, len, cause);
	if (rc == 0)
		rc = event_in_full(r, json, len, cause);
	else if (rc == 1)
		rc = 0;
	r->text_total += r->text.len - text0;
	r->thoughts_total += r->thoughts.len - thought0;
	if (delta != NULL) {
		delta->text = r->text.data + text0;
		delta->text_len = r->text.len - text0;
		delta->thought = r->thoughts.data + thought0;
		delta->thought_len = r->thoughts.len - thought0;
	}
	return rc;
}

/* {"text": text[from, to)} after a comma when b holds a part already; nothing when empty. */
static void add_text_part(struct buf *b, const char *text, size_t len, size_t from, size_t to)
{
	if (to > len)
		to = len;
	if (from >= to)
		return;
	char *plain = xstrndup(text + from, to - from);
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "text", plain);
	char *s = cJSON_PrintUnformatted(t);
	cJSON_Delete(t);
	free(plain);
	buf_addf(b, "%s%s", b->len > 1 ? "," : "", s);
	free(s);
}

char *gemini_reply_parts(const struct gemini_reply *r, const char *text, size_t len)
{
	if (!r->parts_kept)
		return NULL;
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	buf_addstr(&b, "[");
	for (size_t i = 0; i < r->nraw; i++) {
		const struct gemini_raw_part *p = &r->raw[i];
		add_text_part(&b, text, len, p->text_from, p->text_to);
		if (b.len > 1)
			buf_addstr(&b, ",");
		buf_add(&b, r->parts.data + p->json_off, p->json_len);
	}
	add_text_part(&b, text, len, r->plain_from, len);
	buf_addstr(&b, "]");
	return buf_steal(&b);
}

void gemini_reply_forget(struct gemini_reply *r)
{
	if (r->text.len > 0)
		r->text_last = r->text.data[r->text.len - 1];
	buf_reset(&r->text);
	buf_reset(&r->thoughts);
}

static bool reason_is(const char *reason, const char *name)
{
	return reason != NULL && strcmp(reason, name) == 0;
}

enum gemini_outcome gemini_reply_outcome(const struct gemini_reply *r)
{
	if (r->has_error)
		return GEMINI_ERROR;
	if (r->block_reason != NULL || r->block_message != NULL)
		return GEMINI_BLOCKED_PROMPT;
	const char *f = r->finish_reason;
	bool said = r->text_total > 0 || r->other_parts > 0;
	/*
	 * The model always ends a finished answer with a finishReason; a body
	 * that closed (cleanly, at EOF, or after an empty last chunk) without
	 * one was cut off on the way, however complete it looks.
	 */
	if (f == NULL)
		return said ? GEMINI_UNFINISHED : GEMINI_EMPTY;
	if (reason_is(f, "STOP") || reason_is(f, "FINISH_REASON_UNSPECIFIED"))
		return said ? GEMINI_COMPLETE : GEMINI_EMPTY;
	if (reason_is(f, "MAX_TOKENS"))
		return GEMINI_CUT;
	/* SAFETY, RECITATION, LANGUAGE, OTHER, BLOCKLIST, ..., and values not known yet. */
	return GEMINI_STOPPED;
}

/* Network text made safe for one terminal line. */
static char *one_line(const char *s)
{
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	buf_addstr(&b, "");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		buf_add(&b, c < 0x20 || c == 0x7f ? " " : s, 1);
	}
	return buf_steal(&b);
}

static char *notice(const struct gemini_reply *r, const char *model)
{
	const char *why;
	char *line = NULL;
	switch (gemini_reply_outcome(r)) {
	case GEMINI_COMPLETE:
		return NULL;
	case GEMINI_ERROR:
		return gemini_error_describe(&r->error, model);
	case GEMINI_CUT:
		return xstrdup("gemini: the answer was cut off at the output token limit "
		               "(MAX_TOKENS); raise max_output_tokens or ask it to go on");
	case GEMINI_UNFINISHED:
		return xstrdup("gemini: the answer is incomplete: the stream ended with no "
		               "finish reason; ask again");
	case GEMINI_EMPTY:
		if (r->thoughts_total > 0)
			return xstrdup(
			    "gemini: the model only sent its thoughts, no answer; try again");
		if (r->events == 0)
			return xstrdup(
			    "gemini: the API sent an empty response (no events); try again");
		return xstrdup("gemini: the model sent an empty answer; try again");
	case GEMINI_BLOCKED_PROMPT:
		why = r->block_message ? r->block_message : "";
		line = one_line(why);
		char *out = xasprintf("gemini: the prompt was blocked (%s)%s%s; rephrase it and "
		                      "try again",
		                      r->block_reason ? r->block_reason : "no reason given",
		                      *line ? ": " : "", line);
		free(line);
		return out;
	case GEMINI_STOPPED:
		why = r->finish_message ? r->finish_message : "";
		line = one_line(why);
		char *stop = xasprintf("gemini: the model stopped the answer early (%s)%s%s",
		                       r->finish_reason, *line ? ": " : "", line);
		free(line);
		return stop;
	}
	return NULL;
}

/* finishReason, blockReason and their messages came from the network: neutralised. */
char *gemini_reply_notice(const struct gemini_reply *r, const char *model)
{
	char *raw = notice(r, model);
	if (raw == NULL)
		return NULL;
	char *line = utf8_neutralize_for_terminal(raw, strlen(raw));
	free(raw);
	return line;
}

struct gemini_parser {
	struct sse *sse;
	struct gemini_reply reply;
	gemini_delta_fn on_delta;
	void *ud;
};

static int parser_event(void *ud, const char *data, size_t len, char **cause)
{
	struct gemini_parser *p = ud;
	struct gemini_delta d;
	if (gemini_reply_event(&p->reply, data, len, &d, cause) == -1)
		return -1;
	if (p->on_delta != NULL && (d.text_len > 0 || d.thought_len > 0))
		return p->on_delta(p->ud, &d, cause);
	return 0;
}

struct gemini_parser *gemini_parser_new(size_t max_event_bytes, gemini_delta_fn on_delta, void *ud)
{
	struct gemini_parser *p = xcalloc(1, sizeof *p);
	p->sse = sse_new(max_event_bytes);
	gemini_reply_init(&p->reply);
	p->on_delta = on_delta;
	p->ud = ud;
	return p;
}

void gemini_parser_free(struct gemini_parser *p)
{
	if (p == NULL)
		return;
	sse_free(p->sse);
	gemini_reply_release(&p->reply);
	free(p);
}

int gemini_parser_feed(struct gemini_parser *p, const char *bytes, size_t n, char **cause)
{
	return sse_feed(p->sse, bytes, n, parser_event, p, cause);
}

int gemini_parser_finish(struct gemini_parser *p, char **cause)
{
	if (sse_finish(p->sse, parser_event, p, cause) == -1)
		return -1;
	const char *stray = sse_stray(p->sse);
	if (*stray == '\0' || p->reply.has_error)
		return 0;
	/*
	 * Text outside data: lines is how the API reports an error after a 200:
	 * a raw error JSON at the end of the body. With no event at all, any
	 * text is the reply, and it is not one Gemini sends.
	 */
	struct gemini_error e;
	gemini_error_parse(200, stray, strlen(stray), &e);
	if (e.rpc || (p->reply.events == 0 && e.message != NULL)) {
		gemini_error_release(&p->reply.error);
		p->reply.error = e;
		p->reply.has_error = true;
	} else {
		gemini_error_release(&e);
	}
	return 0;
}

struct gemini_reply *gemini_parser_reply(struct gemini_parser *p)
{
	return &p->reply;
}
