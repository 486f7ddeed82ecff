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
 *
 * The events of one answer are alike but for their text and token counts:
 * an event whose bytes around its text are those of the last one, counts
 * aside, is read by comparing it with that one (struct gemini_fast_memo)
 * rather than key by key. It must never fold an event otherwise than the
 * plan would: whatever else differs sends it to the plan.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "gemini_reply_internal.h"
#include "jarvis/json_scan.h"
#include "jarvis/util.h"

/* A string value's place: from its opening quote to just past its closing one. */
struct span {
	const char *at, *end; /* at NULL: absent */
	bool escaped;         /* it holds an escape: its bytes are not its value */
};

/* What one event holds; nothing here has changed the reply yet but the text. */
struct plan {
	struct buf *text_out;       /* where candidates[0].content.parts[0].text goes */
	bool refused;               /* text_out could not take it all */
	struct span finish_reason;  /* candidates[0].finishReason */
	struct span finish_message; /* candidates[0].finishMessage */
	bool has_usage;             /* usageMetadata came */
	struct usage usage;         /* the counts it gave: those in usage_seen */
	unsigned usage_seen;        /* count_slot's bits */
	struct span model_version;  /* modelVersion */
	struct span response_id;    /* responseId */
	const char *text_at;        /* the text's opening quote, NULL when no text came */
	const char *text_end;       /* just past its closing quote */
	unsigned ncounts;           /* the counts read, in order: */
	struct {
		const char *at; /* the first digit */
		const char *end;
		unsigned bit; /* count_slot's */
	} counts[5];
};

/* The most of an event around its text that is kept to compare the next one with. */
#define MEMO_PREFIX_MAX 256
#define MEMO_SUFFIX_MAX 1024

/*
 * The last event the plan took, but for its text and its counts: the
 * bytes before the text's opening quote, the bytes after its closing
 * quote, and where in those the counts were. An event whose bytes are the
 * same (the text and the counts' digits aside) is read the same way, to
 * the same values but for those: it needs no plan. The values it would
 * keep are those the last event kept, and nothing changed them since (the
 * memo is dropped whenever an event goes another way).
 */
struct gemini_fast_memo {
	bool valid;
	size_t prefix_len, suffix_len;
	unsigned ncounts;
	struct {
		size_t off, len; /* in suffix */
		unsigned bit;
	} counts[5];
	char prefix[MEMO_PREFIX_MAX];
	char suffix[MEMO_SUFFIX_MAX];
};

/* Whether key (n bytes, not NUL-terminated) is the literal name. */
#define KEY_IS(key, n, name)                                                                       \
	((n) == sizeof(name) - 1 && memcmp((key), (name), sizeof(name) - 1) == 0)

/* Whether the next key is the literal name, as the API writes it ("name": ); consumed if so. */
#define KEY_NEXT(s, name) json_scan_key_is((s), "\"" name "\":", sizeof(name) + 2)

/* Reads the next key into *key, *n, trying name first: the key that usually comes there. */
#define KEY_LIKELY(s, name, key, n)                                                                \
	(KEY_NEXT((s), name) ? (*(key) = (name), *(n) = sizeof(name) - 1, true)                    \
	                     : json_scan_key_ref((s), (key), (n)))

/* Reads a string value once per key: false when the key came before or it is no string. */
static bool note_string(struct span *slot, struct json_scan *s)
{
	if (slot->at != NULL || json_scan_peek(s) != '"')
		return false;
	slot->at = s->p;
	/* The usual value (a model name, an id) has no escape: its quote ends it. */
	const char *q = json_scan_plain_end(s->p + 1, s->end);
	if (q < s->end && *q == '"') {
		s->p = q + 1;
	} else {
		slot->escaped = true;
		if (!json_scan_string(s, NULL, NULL))
			return false;
	}
	slot->end = s->p;
	return true;
}

/* {"text": "..."}: the only part this path takes, decoded as it is read. */
static bool plan_part(struct json_scan *s, struct plan *pl)
{
	const char *key;
	size_t n;
	if (!(json_scan_take(s, '{') &&
	      (KEY_NEXT(s, "text") || (json_scan_key_ref(s, &key, &n) && KEY_IS(key, n, "text"))) &&
	      json_scan_peek(s) == '"'))
		return false;
	pl->text_at = s->p;
	if (!json_scan_string(s, pl->text_out, &pl->refused))
		return false;
	pl->text_end = s->p;
	return json_scan_take(s, '}');
}

static bool plan_content(struct json_scan *s, struct plan *pl)
{
	const char *key;
	size_t n;
	bool more = true, parts = false;
	if (!json_scan_take(s, '{'))
		return false;
	if (json_scan_take(s, '}'))
		return true;
	while (more) {
		bool read =
		    parts ? KEY_LIKELY(s, "role", &key, &n) : KEY_LIKELY(s, "parts", &key, &n);
		if (!read)
			return false;
		if (KEY_IS(key, n, "parts")) {
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

/* A candidate's key after its content: finishReason and index are the usual ones. */
static bool candidate_key(struct json_scan *s, const char **key, size_t *n)
{
	if (KEY_NEXT(s, "index")) {
		*key = "index";
		*n = 5;
		return true;
	}
	return KEY_LIKELY(s, "finishReason", key, n);
}

static bool plan_candidate(struct json_scan *s, struct plan *pl)
{
	const char *key;
	size_t n;
	bool more = true, content = false;
	if (!json_scan_take(s, '{'))
		return false;
	if (json_scan_take(s, '}'))
		return true;
	while (more) {
		bool ok;
		if (!(content ? candidate_key(s, &key, &n) : KEY_LIKELY(s, "content", &key, &n)))
			return false;
		if (KEY_IS(key, n, "content")) {
			ok = !content && plan_content(s, pl);
			content = true;
		} else if (KEY_IS(key, n, "finishReason")) {
			ok = note_string(&pl->finish_reason, s);
		} else if (KEY_IS(key, n, "finishMessage")) {
			ok = note_string(&pl->finish_message, s);
		} else if (KEY_IS(key, n, "groundingMetadata") ||
		           KEY_IS(key, n, "urlContextMetadata")) {
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

/* Where the count under key goes (and its bit in seen), or NULL for another key. */
static long *count_slot(struct usage *u, const char *key, size_t n, unsigned *bit)
{
	/* KEY_IS tests the length first: a key that is no count costs a compare or two. */
	if (KEY_IS(key, n, "promptTokenCount")) {
		*bit = 1u;
		return &u->prompt_tokens;
	}
	if (KEY_IS(key, n, "candidatesTokenCount")) {
		*bit = 2u;
		return &u->candidates_tokens;
	}
	if (KEY_IS(key, n, "totalTokenCount")) {
		*bit = 4u;
		return &u->total_tokens;
	}
	if (KEY_IS(key, n, "thoughtsTokenCount")) {
		*bit = 8u;
		return &u->thoughts_tokens;
	}
	if (KEY_IS(key, n, "cachedContentTokenCount")) {
		*bit = 16u;
		return &u->cached_tokens;
	}
	return NULL;
}

/* The count count_slot gives bit for. */
static long *count_slot_of(struct usage *u, unsigned bit)
{
	switch (bit) {
	case 1u:
		return &u->prompt_tokens;
	case 2u:
		return &u->candidates_tokens;
	case 4u:
		return &u->total_tokens;
	case 8u:
		return &u->thoughts_tokens;
	default:
		return &u->cached_tokens;
	}
}

/* A key of usageMetadata: the counts come in this order, some of them left out. */
static bool usage_key(struct json_scan *s, unsigned seen, const char **key, size_t *n)
{
	if (!(seen & 1u) && KEY_NEXT(s, "promptTokenCount")) {
		*key = "promptTokenCount";
		*n = sizeof("promptTokenCount") - 1;
		return true;
	}
	if (!(seen & 2u) && KEY_NEXT(s, "candidatesTokenCount")) {
		*key = "candidatesTokenCount";
		*n = sizeof("candidatesTokenCount") - 1;
		return true;
	}
	return KEY_LIKELY(s, "totalTokenCount", key, n);
}

/* usageMetadata, read once; false when a count is not a plain count, or comes twice. */
static bool plan_usage(struct json_scan *s, struct plan *pl)
{
	const char *key;
	size_t n;
	bool more = true;
	unsigned seen = 0, bit = 0;
	if (pl->has_usage || json_scan_peek(s) != '{')
		return false;
	pl->has_usage = true;
	pl->usage_seen = 0;
	json_scan_take(s, '{');
	if (json_scan_take(s, '}'))
		return true;
	while (more) {
		if (!usage_key(s, seen, &key, &n))
			return false;
		long *slot = count_slot(&pl->usage, key, n, &bit);
		if (slot != NULL) {
			json_scan_peek(s);
			const char *at = s->p;
			if ((seen & bit) || !json_scan_count(s, slot))
				return false;
			seen |= bit;
			pl->usage_seen = seen;
			/* At most one of each count: five. */
			pl->counts[pl->ncounts].at = at;
			pl->counts[pl->ncounts].end = s->p;
			pl->counts[pl->ncounts++].bit = bit;
		} else if (!json_scan_skip(s)) {
			return false;
		}
		if (!json_scan_next(s, '}', &more))
			return false;
	}
	return true;
}

/* A key of the event: candidates, usageMetadata, modelVersion and responseId come in this order. */
static bool event_key(struct json_scan *s, bool cands, const struct plan *pl, const char **key,
                      size_t *n)
{
	if (!cands)
		return KEY_LIKELY(s, "candidates", key, n);
	if (!pl->has_usage)
		return KEY_LIKELY(s, "usageMetadata", key, n);
	if (pl->model_version.at == NULL)
		return KEY_LIKELY(s, "modelVersion", key, n);
	return KEY_LIKELY(s, "responseId", key, n);
}

static bool plan_event(struct json_scan *s, struct plan *pl)
{
	const char *key;
	size_t n;
	bool more = true, cands = false;
	if (!json_scan_take(s, '{'))
		return false;
	if (json_scan_take(s, '}'))
		return json_scan_done(s);
	while (more) {
		bool ok;
		if (!event_key(s, cands, pl, &key, &n))
			return false;
		if (KEY_IS(key, n, "candidates")) {
			ok = !cands && plan_candidates(s, pl);
			cands = true;
		} else if (KEY_IS(key, n, "usageMetadata")) {
			ok = plan_usage(s, pl);
		} else if (KEY_IS(key, n, "modelVersion")) {
			ok = note_string(&pl->model_version, s);
		} else if (KEY_IS(key, n, "responseId")) {
			ok = note_string(&pl->response_id, s);
		} else if (KEY_IS(key, n, "error") || KEY_IS(key, n, "promptFeedback")) {
			ok = false;
		} else {
			ok = json_scan_skip(s);
		}
		if (!ok || !json_scan_next(s, '}', &more))
			return false;
	}
	return json_scan_done(s);
}

/* keep_str for a noted string: a repeated value (the usual case) costs no copy. */
static void keep_at(char **dst, struct span v)
{
	if (v.at == NULL)
		return;
	const char *raw = v.at + 1;
	size_t n = (size_t)(v.end - 1 - raw);
	if (!v.escaped) {
		/* The value holds no NUL, so strncmp stops only at the end of *dst. */
		if (*dst == NULL || strncmp(*dst, raw, n) != 0 || (*dst)[n] != '\0') {
			free(*dst);
			*dst = xstrndup(raw, n);
		}
		return;
	}
	char *d = NULL;
	struct json_scan s;
	json_scan_init(&s, v.at, (size_t)(v.end - v.at));
	json_scan_string_dup(&s, &d);
	if (*dst != NULL && strcmp(*dst, d) == 0) {
		free(d);
		return;
	}
	free(*dst);
	*dst = d;
}

/* The counts of src that seen names (count_slot's bits) into dst. */
static void keep_counts(struct usage *dst, const struct usage *src, unsigned seen)
{
	if (seen & 1u)
		dst->prompt_tokens = src->prompt_tokens;
	if (seen & 2u)
		dst->candidates_tokens = src->candidates_tokens;
	if (seen & 4u)
		dst->total_tokens = src->total_tokens;
	if (seen & 8u)
		dst->thoughts_tokens = src->thoughts_tokens;
	if (seen & 16u)
		dst->cached_tokens = src->cached_tokens;
}

/* Keeps what the next event is compared with (pl: the plan that took json); or drops the memo. */
static void memo_keep(struct gemini_reply *r, const char *json, size_t len, const struct plan *pl)
{
	struct gemini_fast_memo *m = r->fast_memo;
	if (m != NULL)
		m->valid = false;
	if (pl->text_at == NULL)
		return;
	size_t prefix = (size_t)(pl->text_at - json), suffix = (size_t)(json + len - pl->text_end);
	if (prefix > MEMO_PREFIX_MAX || suffix > MEMO_SUFFIX_MAX)
		return;
	/* Counts before the text would be compared as bytes: they are not expected there. */
	for (unsigned i = 0; i < pl->ncounts; i++)
		if (pl->counts[i].at < pl->text_end)
			return;
	if (m == NULL)
		m = r->fast_memo = xmalloc(sizeof *m);
	memcpy(m->prefix, json, prefix);
	memcpy(m->suffix, pl->text_end, suffix);
	m->prefix_len = prefix;
	m->suffix_len = suffix;
	m->ncounts = pl->ncounts;
	for (unsigned i = 0; i < pl->ncounts; i++) {
		m->counts[i].off = (size_t)(pl->counts[i].at - pl->text_end);
		m->counts[i].len = (size_t)(pl->counts[i].end - pl->counts[i].at);
		m->counts[i].bit = pl->counts[i].bit;
	}
	m->valid = true;
}

/*
 * Whether p..end is the memo's suffix but for the counts' digits, which go
 * into u (their bits into *seen).
 */
static bool memo_suffix(const struct gemini_fast_memo *m, const char *p, const char *end,
                        struct usage *u, unsigned *seen)
{
	size_t from = 0;
	*seen = 0;
	for (unsigned i = 0; i < m->ncounts; i++) {
		size_t same = m->counts[i].off - from;
		if ((size_t)(end - p) < same || memcmp(p, m->suffix + from, same) != 0)
			return false;
		p += same;
		/* What json_scan_count reads there, but with no white space first: that was
		 * compared. */
		struct json_scan s = {.p = p, .end = end};
		unsigned bit = m->counts[i].bit;
		long *slot = count_slot_of(u, bit);
		if (p >= end || *p < '0' || *p > '9' || !json_scan_count(&s, slot))
			return false;
		*seen |= bit;
		p = s.p;
		from = m->counts[i].off + m->counts[i].len;
	}
	size_t rest = m->suffix_len - from;
	return (size_t)(end - p) == rest && memcmp(p, m->suffix + from, rest) == 0;
}

/* An event like the last one (struct gemini_fast_memo): 1 when folded, else 0 and r unchanged. */
static int memo_event(struct gemini_reply *r, const char *json, size_t len)
{
	const struct gemini_fast_memo *m = r->fast_memo;
	if (m == NULL || !m->valid || len <= m->prefix_len ||
	    memcmp(json, m->prefix, m->prefix_len) != 0)
		return 0;
	struct json_scan s;
	json_scan_init(&s, json + m->prefix_len, len - m->prefix_len);
	size_t before = r->text.len;
	bool refused = false;
	struct usage u;
	unsigned seen;
	if (!json_scan_string(&s, &r->text, &refused) || refused ||
	    !memo_suffix(m, s.p, json + len, &u, &seen)) {
		buf_truncate(&r->text, before);
		return 0;
	}
	r->model_text_total += r->text.len - before;
	r->events++;
	keep_counts(&r->usage, &u, seen);
	return 1;
}

int gemini_reply_event_fast(struct gemini_reply *r, const char *json, size_t len, char **cause)
{
	if (memo_event(r, json, len))
		return 1;
	/* Field by field: zeroing the whole plan (rep stos) cost more than a short event's keys. */
	struct plan pl;
	pl.text_out = &r->text;
	pl.refused = false;
	pl.finish_reason.at = pl.finish_message.at = pl.model_version.at = pl.response_id.at = NULL;
	pl.finish_reason.escaped = pl.finish_message.escaped = false;
	pl.model_version.escaped = pl.response_id.escaped = false;
	pl.has_usage = false;
	pl.text_at = NULL;
	pl.ncounts = 0;
	struct json_scan s;
	size_t before = r->text.len;
	json_scan_init(&s, json, len);
	/* At the answer's bound the full parser knows what to keep and what to say. */
	if (!plan_event(&s, &pl) || pl.refused) {
		buf_truncate(&r->text, before);
		/* The full parser may change what the memo's event kept. */
		if (r->fast_memo != NULL)
			r->fast_memo->valid = false;
		return 0;
	}
	memo_keep(r, json, len, &pl);
	r->model_text_total += r->text.len - before;
	r->events++;
	keep_at(&r->finish_reason, pl.finish_reason);
	keep_at(&r->finish_message, pl.finish_message);
	if (pl.has_usage) {
		/* Count by count: a copy of the whole struct read it back in pieces other than
		 * those the scan had just stored, which the CPU cannot forward. */
		r->has_usage = true;
		keep_counts(&r->usage, &pl.usage, pl.usage_seen);
	}
	keep_at(&r->model_version, pl.model_version);
	keep_at(&r->response_id, pl.response_id);
	return 1;
}
