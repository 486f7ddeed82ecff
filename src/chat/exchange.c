/*
 * exchange.c: one question and its answer (see exchange.h).
 *
 * What it must not do: send anything (the caller starts the request once
 * the question is stored), touch the screen or stdout, or lose an
 * exchange because its conversation vanished: STORE_NOTFOUND on an append
 * or an update makes a new conversation, which gets the question again.
 */
#include "jarvis/exchange.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/config.h"
#include "jarvis/gemini_request.h"
#include "jarvis/store.h"
#include "jarvis/util.h"

/* One write kept for lack of space (see exchange.h). */
struct exchange_held {
	struct msg *m; /* what to write: a copy */
	char *conv_id; /* its conversation */
	bool update;   /* rewrite m (by m->id); else append it */
	bool answer;   /* the first write of the answer of generation gen */
	unsigned gen;
};

static void held_release(struct exchange_held *h)
{
	msg_free(h->m);
	free(h->conv_id);
}

static void hold(struct exchange *x, const struct msg *m, bool update, bool answer)
{
	x->held = xrealloc(x->held, (x->nheld + 1) * sizeof *x->held);
	struct exchange_held *h = &x->held[x->nheld++];
	h->m = msg_clone(m);
	h->conv_id = xstrdup(x->conv_id);
	h->update = update;
	h->answer = answer;
	h->gen = x->answer_gen;
}

size_t exchange_held(const struct exchange *x)
{
	return x->nheld;
}

size_t exchange_flush(struct exchange *x, char **cause)
{
	size_t done = 0;
	for (; done < x->nheld; done++) {
		struct exchange_held *h = &x->held[done];
		char *why = NULL;
		int rc = h->update ? store_msg_update(x->st, x->user_id, h->conv_id, h->m, &why)
		                   : store_msg_append(x->st, x->user_id, h->conv_id, h->m, &why);
		if (rc < 0 && rc != STORE_NOTFOUND) {
			if (cause != NULL)
				*cause = why;
			else
				free(why);
			break;
		}
		free(why);
		/* The answer still streaming learns its id: its updates go there now. */
		if (rc == 0 && h->answer && x->answer_held && h->gen == x->answer_gen) {
			x->answer_held = false;
			free(x->answer_id);
			x->answer_id = xstrdup(h->m->id);
		}
		held_release(h);
	}
	/* x->held is NULL while nothing was ever held: memmove may not be given it. */
	if (done > 0) {
		memmove(x->held, x->held + done, (x->nheld - done) * sizeof *x->held);
		x->nheld -= done;
	}
	return x->nheld;
}

void exchange_init(struct exchange *x, struct store *st, const char *user_id, const char *conv_id)
{
	memset(x, 0, sizeof *x);
	x->st = st;
	x->user_id = user_id ? xstrdup(user_id) : NULL;
	x->conv_id = conv_id ? xstrdup(conv_id) : NULL;
}

/* Forgets the question kept for a re-creation (its answer is done, or another conversation is on).
 */
static void forget_question(struct exchange *x)
{
	msg_free(x->question);
	free(x->title);
	free(x->model);
	free(x->system_prompt);
	x->question = NULL;
	x->title = x->model = x->system_prompt = NULL;
}

void exchange_clear(struct exchange *x)
{
	forget_question(x);
	for (size_t i = 0; i < x->nheld; i++)
		held_release(&x->held[i]);
	free(x->held);
	free(x->user_id);
	free(x->conv_id);
	free(x->answer_id);
	memset(x, 0, sizeof *x);
}

void exchange_set_conv(struct exchange *x, const char *conv_id)
{
	forget_question(x);
	free(x->conv_id);
	x->conv_id = conv_id ? xstrdup(conv_id) : NULL;
	free(x->answer_id);
	x->answer_id = NULL;
	x->answer_held = false; /* what is held keeps its own conversation */
}

int exchange_request(const struct config *cfg, const struct conv *c, const char *system_prompt,
                     const char *model, const char *thinking, const struct exchange_files *files,
                     char **body, struct gemini_target *t, struct gemini_request_info *info,
                     char **cause)
{
	struct gemini_gen gen = {
	    .system_prompt = system_prompt && *system_prompt ? system_prompt : cfg->system_prompt,
	    .has_temperature = cfg->has_temperature,
	    .temperature = cfg->temperature,
	    .max_output_tokens = cfg->has_max_output_tokens ? cfg->max_output_tokens : 0,
	    .model = model,
	    .thinking = thinking ? thinking : cfg->thinking,
	    .web = conv_web(c) ? strcmp(conv_web(c), "on") == 0 : cfg->web,
	    .max_body_bytes = cfg->max_request_bytes,
	    .files = true,
	    .files_error = files ? files->error : NULL,
	    .now_ms = wall_ms(),
	    /* Just looked up: named as they are; else one about to expire goes again. */
	    .file_margin_ms = files && files->ready ? 0 : GEMINI_FILE_MARGIN_MS,
	};
	*body = gemini_request_build(c, &gen, info, cause);
	if (*body == NULL)
		return -1;
	memset(t, 0, sizeof *t);
	t->base_url = cfg->base_url;
	t->api_key = cfg->api_key;
	t->timeout_s = cfg->timeout;
	t->stall_timeout_ms = cfg->stall_timeout * 1000;
	return 0;
}

int exchange_check_size(const struct config *cfg, size_t text_len, const struct image *images,
                        size_t nimages, const char *hint, char **cause)
{
	size_t size = text_len;
	for (size_t i = 0; i < nimages; i++)
		size += strlen(images[i].data_uri);
	if (size <= cfg->max_message_bytes)
		return 0;
	if (nimages == 0)
		return set_cause(cause,
		                 "the message is %zu bytes, over the %zu of [limits] "
		                 "max_message_bytes",
		                 size, cfg->max_message_bytes);
	return set_cause(cause,
	                 "the message with its images is %zu bytes, over the %zu of [limits] "
	                 "max_message_bytes; %s",
	                 size, cfg->max_message_bytes, hint);
}

const char *exchange_conv(struct exchange *x, const struct exchange_conv *meta,
                          const struct msg *first, char **cause)
{
	if (x->conv_id != NULL)
		return x->conv_id;
	char *title = meta->title ? xstrdup(meta->title) : msg_title(first);
	int rc = store_conv_create(x->st, x->user_id, title, meta->model, meta->system_prompt,
	                           &x->conv_id, cause);
	free(title);
	return rc < 0 ? NULL : x->conv_id;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/*
 * The conversation was deleted elsewhere: a new one, made as the old one
 * was, holds the exchange from its question on (stored again when m is
 * not that question). x->recreated says so.
 */
static int recreate(struct exchange *x, const struct exchange_conv *meta, const struct msg *m,
                    char **cause)
{
	free(x->conv_id);
	x->conv_id = NULL;
	free(x->answer_id);
	x->answer_id = NULL;
	x->recreated = true;
	struct exchange_conv again = {x->title, x->model, x->system_prompt};
	bool have_question = x->question != NULL && x->question != m;
	if (exchange_conv(x, have_question ? &again : meta, have_question ? x->question : m,
	                  cause) == NULL)
		return -1;
	if (!have_question)
		return 0;
	struct msg *q = msg_clone(x->question);
	free(q->id);
	q->id = NULL;
	int rc = store_msg_append(x->st, x->user_id, x->conv_id, q, cause) < 0 ? -1 : 0;
	msg_free(q);
	return rc;
}

/*
 * Appends m; a conversation deleted meanwhile is made again (see recreate).
 * 1 when m is held for lack of space (behind earlier held writes, to keep
 * their order).
 */
static int append(struct exchange *x, const struct exchange_conv *meta, struct msg *m, bool answer,
                  char **cause)
{
	if (exchange_conv(x, meta, m, cause) == NULL)
		return -1;
	char *why = NULL;
	int rc = x->nheld > 0 && exchange_flush(x, NULL) > 0
	             ? STORE_FULL
	             : store_msg_append(x->st, x->user_id, x->conv_id, m, &why);
	if (rc == STORE_FULL) {
		free(why);
		hold(x, m, false, answer);
		return 1;
	}
	if (rc != STORE_NOTFOUND) {
		if (rc < 0)
			*cause = why;
		else
			free(why);
		return rc < 0 ? -1 : 0;
	}
	free(why);
	if (recreate(x, meta, m, cause) < 0)
		return -1;
	return store_msg_append(x->st, x->user_id, x->conv_id, m, cause) < 0 ? -1 : 0;
}

int exchange_save_question(struct exchange *x, const struct exchange_conv *meta, struct msg *q,
                           char **cause)
{
	if (x->st == NULL)
		return 0;
	forget_question(x);
	if (append(x, meta, q, false, cause) < 0)
		return -1;
	x->question = msg_clone(q);
	x->title = dup_or_null(meta->title);
	x->model = dup_or_null(meta->model);
	x->system_prompt = dup_or_null(meta->system_prompt);
	return 0;
}

int exchange_start_answer(struct exchange *x, const struct quota_source *src, struct msg *answer,
                          char **cause)
{
	int rc = 0;
	if (x->st != NULL) {
		struct msg *copy = msg_clone(answer);
		copy->status = MSG_INTERRUPTED; /* what a crash would leave */
		free(copy->id);
		copy->id = NULL;
		struct exchange_conv meta = {.model = answer->model};
		free(x->answer_id);
		x->answer_id = NULL;
		x->answer_gen++;
		x->answer_held = false;
		rc = append(x, &meta, copy, true, cause);
		if (rc == 1) {
			x->answer_held = true; /* its updates rewrite the held copy */
			rc = 0;
		} else if (rc == 0) {
			x->answer_id = xstrdup(copy->id);
			free(answer->id);
			answer->id = xstrdup(copy->id);
			answer->seq = copy->seq;
		}
		msg_free(copy);
	}
	/* The request is counted even when the answer could not be stored. */
	char *why = NULL;
	int qrc = quota_record(src, answer->model ? answer->model : "", wall_ms(), &why);
	/* No room for the record: the request goes uncounted here (the API's own
	 * limit stays the backstop); the messages are what must not be lost. */
	if (qrc < 0 && qrc != STORE_FULL && rc == 0) {
		rc = -1;
		set_cause(cause, "%s", why);
	}
	free(why);
	return rc;
}

/*
 * The held write that copy replaces: the answer's first write while it is
 * held, else a held rewrite of the same message; NULL when none.
 */
static struct exchange_held *held_for(struct exchange *x, const struct msg *copy)
{
	for (size_t i = x->nheld; i-- > 0;) {
		struct exchange_held *h = &x->held[i];
		if (x->answer_held && h->answer && h->gen == x->answer_gen)
			return h;
		if (h->update && copy->id != NULL && h->m->id != NULL &&
		    strcmp(h->m->id, copy->id) == 0)
			return h;
	}
	return NULL;
}

static void held_replace(struct exchange_held *h, const struct msg *copy)
{
	msg_free(h->m);
	h->m = msg_clone(copy);
}

static int update(struct exchange *x, struct msg *answer, bool final, char **cause)
{
	if (x->st == NULL || x->conv_id == NULL)
		return 0;
	if (x->nheld > 0)
		exchange_flush(x, NULL);
	if (x->answer_id == NULL && !x->answer_held)
		return 0;
	struct msg *copy = msg_clone(answer);
	free(copy->id);
	copy->id = x->answer_held ? NULL : xstrdup(x->answer_id);
	if (!final && copy->status == MSG_STREAMING)
		copy->status = MSG_INTERRUPTED;
	struct exchange_held *h = held_for(x, copy);
	if (h != NULL) {
		/* Still waiting for room: the newest state replaces the held one. */
		held_replace(h, copy);
		msg_free(copy);
		return 0;
	}
	char *why = NULL;
	int rc = store_msg_update(x->st, x->user_id, x->conv_id, copy, &why);
	if (rc == STORE_FULL) {
		free(why);
		hold(x, copy, true, false);
		msg_free(copy);
		return 0;
	}
	if (rc == STORE_NOTFOUND) {
		/* Deleted elsewhere while it streamed: question and answer go on in a new one. */
		free(why);
		why = NULL;
		struct exchange_conv meta = {.model = answer->model};
		free(copy->id);
		copy->id = NULL;
		rc = recreate(x, &meta, copy, &why);
		if (rc == 0)
			rc = store_msg_append(x->st, x->user_id, x->conv_id, copy, &why);
		if (rc == 0) {
			x->answer_id = xstrdup(copy->id);
			free(answer->id);
			answer->id = xstrdup(copy->id);
			answer->seq = copy->seq;
		}
	}
	if (rc < 0 && cause != NULL)
		*cause = why;
	else
		free(why);
	msg_free(copy);
	return rc < 0 ? -1 : 0;
}

int exchange_checkpoint(struct exchange *x, struct msg *answer, char **cause)
{
	return update(x, answer, false, cause);
}

int exchange_finish(struct exchange *x, struct msg *answer, char **cause)
{
	int rc = update(x, answer, true, cause);
	free(x->answer_id);
	x->answer_id = NULL;
	x->answer_held = false; /* a held first write keeps the final state */
	forget_question(x);
	return rc;
}
