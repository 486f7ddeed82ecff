/*
 * usage.c: the request counts of the chat. chat_count_quota asks the
 * worker for the count of the model in use (QUOTA: the store's usage
 * records for a logged-in user, the journal for a guest, through quota.h),
 * counts again while the minute has requests, and chat_quota_line shows
 * it on the status line; send.c checks a question against the same count.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jarvis/config.h"
#include "jarvis/context.h"
#include "jarvis/loop.h"
#include "jarvis/util.h"

/* ---- the quota line and the count behind it --------------------------- */

void chat_limits(const struct chat *ch, const char *model, long *rpm, long *rpd)
{
	const struct model_info *mi = models_find(&ch->models, model);
	*rpm = mi ? mi->rpm : 0;
	*rpd = mi ? mi->rpd : 0;
}

static void quota_work(struct job *j)
{
	struct job_quota *q = &j->u.quota;
	job_store(j);
	j->rc = 0; /* a store that cannot count shows the last count */
	struct quota_source src = backend_quota(&j->ch->be);
	j->rc = quota_count(&src, q->model, q->rpm, q->rpd, wall_ms(), &q->use, &j->cause);
}

static void quota_refresh(void *ud);

static void quota_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct job_quota *q = &j->u.quota;
	if (j->rc < 0 || ch->closing || strcmp(q->model, ch->model) != 0)
		return;
	ch->quota = q->use;
	free(ch->quota_model);
	ch->quota_model = xstrdup(q->model);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
	/*
	 * Requests leave the window as time passes, and other runs add to it:
	 * count again soon while the minute has some, now and then otherwise.
	 */
	if ((q->use.minute > 0 || q->use.day > 0) && ch->quota_timer == 0)
		ch->quota_timer =
		    loop_timer_add(ch->loop, q->use.minute > 0 ? QUOTA_REFRESH_MS : QUOTA_IDLE_MS,
		                   quota_refresh, ch);
}

static void quota_release(struct job *j)
{
	free(j->u.quota.model);
}

static const struct job_kind JOB_QUOTA = {"quota", false, quota_work, quota_done, quota_release};

void chat_count_quota(struct chat *ch)
{
	long rpm, rpd;
	chat_limits(ch, ch->model, &rpm, &rpd);
	if ((rpm <= 0 && rpd <= 0) || ch->closing)
		return;
	struct job *j = job_new(ch, &JOB_QUOTA);
	j->u.quota.model = xstrdup(ch->model);
	j->u.quota.rpm = rpm;
	j->u.quota.rpd = rpd;
	job_submit(ch, j);
}

static void quota_refresh(void *ud)
{
	struct chat *ch = ud;
	ch->quota_timer = 0;
	chat_count_quota(ch);
}

char *chat_quota_line(const struct chat *ch)
{
	long rpm, rpd;
	chat_limits(ch, ch->model, &rpm, &rpd);
	if (rpm <= 0 && rpd <= 0)
		return xstrdup("");
	/* Until the count for this model arrives, none is known to be used. */
	struct quota_use none = {0};
	bool known = ch->quota_model != NULL && strcmp(ch->quota_model, ch->model) == 0;
	return quota_line(known ? &ch->quota : &none, rpm, rpd);
}

/* ---- the context window ------------------------------------------------ */

static const char *system_of(const struct chat *ch)
{
	return ch->system_prompt && *ch->system_prompt ? ch->system_prompt : ch->cfg->system_prompt;
}

long chat_input_limit(const struct chat *ch)
{
	const struct model_info *mi = models_find(&ch->models, ch->model);
	return mi ? mi->input_tokens : 0;
}

char *chat_context_line(const struct chat *ch)
{
	long limit = chat_input_limit(ch);
	long used = context_last_prompt(ch->conv, NULL);
	if (used <= 0) /* nothing counted yet: nothing to show */
		return xstrdup("");
	char u[16], l[16];
	context_format(used, u, sizeof u);
	context_format(limit, l, sizeof l);
	return limit > 0 ? xasprintf("ctx %s/%s", u, l) : xasprintf("ctx %s", u);
}

char *chat_context_detail(const struct chat *ch)
{
	long cached, limit = chat_input_limit(ch);
	long used = context_last_prompt(ch->conv, &cached);
	long next = context_tokens(ch->conv, system_of(ch));
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	if (used > 0)
		buf_addf(&b, "the last request was %ld tokens", used);
	else
		buf_addstr(&b, "no request counted yet");
	if (cached > 0)
		buf_addf(&b, " (%ld of them cached)", cached);
	buf_addf(&b, "; the next sends about %ld before the question", next);
	if (limit > 0)
		buf_addf(&b, ", of the model's %ld input tokens", limit);
	size_t trimmed = conv_trimmed_turns(ch->conv);
	if (trimmed > 0)
		buf_addf(&b, "; the %zu oldest turn%s left out (/trim 0 puts them back)", trimmed,
		         trimmed == 1 ? " is" : "s are");
	return buf_steal(&b);
}

int chat_check_context(struct chat *ch, const char *text, char **cause)
{
	long limit = chat_input_limit(ch);
	if (limit <= 0)
		return 0;
	long question = context_question_tokens(strlen(text), ch->npending);
	long need = context_tokens(ch->conv, system_of(ch)) + question;
	if (need <= limit)
		return 0;
	long turns = context_trim_needed(ch->conv, system_of(ch), question, limit);
	ch->trim_suggest = turns > 0 ? (size_t)turns : 0;
	if (turns <= 0)
		return set_cause(cause,
		                 "not sent: this question alone is about %ld tokens, over %s's "
		                 "input limit of %ld; shorten it or /detach files",
		                 question, ch->model, limit);
	return set_cause(cause,
	                 "not sent: the request would be about %ld tokens, over %s's input "
	                 "limit of %ld; /trim %ld leaves the %ld oldest turn%s out of what is "
	                 "sent (kept in the store), or /new starts afresh",
	                 need, ch->model, limit, turns, turns, turns == 1 ? "" : "s");
}

int chat_trim(struct chat *ch, const char *arg, char **cause)
{
	if (ch->call != NULL || ch->awaiting_store)
		return set_cause(cause, "an answer is still coming; press Esc to stop it first");
	size_t turns = conv_turns(ch->conv);
	long n;
	if (arg == NULL) {
		n = ch->trim_suggest > 0 ? (long)ch->trim_suggest
		                         : (long)conv_trimmed_turns(ch->conv) + 1;
	} else {
		char *end;
		n = strtol(arg, &end, 10);
		if (end == arg || *end != '\0' || n < 0)
			return set_cause(cause, "/trim takes a number of turns, e.g. /trim 2 "
			                        "(0 sends every turn again)");
	}
	if ((size_t)n > turns)
		n = (long)turns;
	long before = context_tokens(ch->conv, system_of(ch));
	size_t upto = conv_trim(ch->conv, (size_t)n), left = 0;
	for (size_t i = 0; i < upto; i++)
		left += ch->conv->msgs[i]->role != ROLE_NOTICE;
	long after = context_tokens(ch->conv, system_of(ch));
	ch->trim_suggest = 0;
	chat_dirty(ch, CHAT_DIRTY_STATUS);
	if (n == 0) {
		chat_notice(ch, "every turn is sent again (about %ld tokens)", after);
		return 0;
	}
	chat_notice(ch,
	            "the %ld oldest turn%s (%zu message%s, about %ld tokens) %s left out of "
	            "what is sent; %s stay%s stored and on screen; /trim 0 puts %s back",
	            n, n == 1 ? "" : "s", left, left == 1 ? "" : "s",
	            before > after ? before - after : 0, n == 1 ? "is" : "are",
	            n == 1 ? "it" : "they", n == 1 ? "s" : "", n == 1 ? "it" : "them");
	return 0;
}
