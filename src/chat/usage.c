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
