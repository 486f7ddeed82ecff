/*
 * exchange.h: one question and its answer, as both front ends run it. The
 * request set-up (target, generation settings, system prompt, the size
 * check) and the storing protocol live here once, for `jarvis -p` and the
 * chat alike:
 *
 *   1. exchange_save_question: creates the conversation when it has no id
 *      yet and stores the question, before the request leaves;
 *   2. exchange_start_answer: stores the answer as "interrupted" (so a
 *      crash leaves it so) and records the request for the quota;
 *   3. exchange_checkpoint: rewrites the answer's text at most every
 *      CHECKPOINT_MS while it streams;
 *   4. exchange_finish: its final status, finish reason and usage.
 *
 * The store calls block: -p makes them between loop rounds, the chat on
 * its worker thread. A conversation deleted meanwhile (another window),
 * before the answer is stored or while it streams, never costs the
 * exchange: the question and the answer go to a new conversation and
 * x->recreated says so.
 */
#ifndef JARVIS_EXCHANGE_H
#define JARVIS_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/conv.h"
#include "jarvis/gemini.h"
#include "jarvis/gemini_request.h"
#include "jarvis/quota.h"

struct config;
struct store;

/* How often an answer streaming in is written to the store. */
#define CHECKPOINT_MS 1000

/* The stored side of one exchange; ids are owned. */
struct exchange {
	struct store *st; /* NULL: nothing is stored (guest, --no-save) */
	char *user_id;
	char *conv_id;   /* the stored conversation; NULL until created */
	char *answer_id; /* the stored answer being streamed */
	bool recreated;  /* conv_id was gone: a new conversation holds the exchange */
	/* The question stored last and what its conversation was made with, to
	 * store them again should the conversation vanish before the answer ends. */
	struct msg *question;
	char *title, *model, *system_prompt;
	/* Writes that failed for lack of space (STORE_FULL), oldest first, kept
	 * here and retried before the next write and by exchange_flush. */
	struct exchange_held *held;
	size_t nheld;
	bool answer_held;    /* the current answer's first write is among them */
	unsigned answer_gen; /* which answer is current (one per start_answer) */
};

/* What a conversation the exchange creates is made with (all may be NULL). */
struct exchange_conv {
	const char *title; /* NULL: from the question (msg_title) */
	const char *model;
	const char *system_prompt;
};

void exchange_init(struct exchange *x, struct store *st, const char *user_id, const char *conv_id);
void exchange_clear(struct exchange *x);
/* Forgets the stored conversation (another one is on screen now). */
void exchange_set_conv(struct exchange *x, const char *conv_id);

/* Where the Files API stands for the request being built (NULL: not asked yet). */
struct exchange_files {
	bool ready;        /* its attachments were just looked up or uploaded: name them */
	const char *error; /* it failed: none goes by file, the notes say this */
};

/*
 * The request for conversation c (its last turn the question) to model:
 * *body and *t (pointing into cfg). system_prompt NULL or "": the
 * config's; thinking NULL: [gemini] thinking. info (may be NULL) says how
 * big the body is, how many earlier images gave way to the size limit and,
 * in info->upload, which go by the Files API: when that is not empty and
 * files is NULL, look them up or upload them (gemini_uploads_start) and
 * build again with files->ready (or ->error). Release info after.
 */
int exchange_request(const struct config *cfg, const struct conv *c, const char *system_prompt,
                     const char *model, const char *thinking, const struct exchange_files *files,
                     char **body, struct gemini_target *t, struct gemini_request_info *info,
                     char **cause);
/*
 * The size check: text plus images (as sent, base64) within [limits]
 * max_message_bytes; hint says what to do about it ("/detach some images").
 */
int exchange_check_size(const struct config *cfg, size_t text_len, const struct image *images,
                        size_t nimages, const char *hint, char **cause);

/* The conversation (created on first need); its id, or NULL with *cause. */
const char *exchange_conv(struct exchange *x, const struct exchange_conv *meta,
                          const struct msg *first, char **cause);
/* Stores q (q->id and q->seq are set). */
int exchange_save_question(struct exchange *x, const struct exchange_conv *meta, struct msg *q,
                           char **cause);
/*
 * Stores a copy of answer as interrupted (answer->id is set) and counts the
 * request in src (quota.h), which may be the journal when x stores nothing.
 */
int exchange_start_answer(struct exchange *x, const struct quota_source *src, struct msg *answer,
                          char **cause);
/*
 * Rewrites the stored answer (a streaming one is stored as interrupted).
 * When its conversation was deleted meanwhile, the question and the answer
 * are stored in a new one (answer->id then changes).
 */
int exchange_checkpoint(struct exchange *x, struct msg *answer, char **cause);
/* The final state of the answer, as exchange_checkpoint stores it. */
int exchange_finish(struct exchange *x, struct msg *answer, char **cause);

/*
 * A message write that fails because the disk (or the outbox's) is full is
 * not lost: the exchange keeps a copy, the call succeeds (an appended
 * message then has no id yet), and the write is tried again, in order,
 * before the exchange's next write and whenever exchange_flush is called.
 * exchange_held says how many wait; exchange_flush returns how many still
 * do (0: all stored), with *cause (may be NULL) saying why when some do.
 * A write whose conversation was deleted meanwhile is dropped.
 */
size_t exchange_held(const struct exchange *x);
size_t exchange_flush(struct exchange *x, char **cause);

#endif
