/*
 * fork.c: store_conv_fork (/edit), above both engines and written with the
 * dispatcher's own calls: it reads the original's messages (opened with the
 * user's data key), makes the new conversation and appends a copy of each,
 * which store_msg_append seals again for its new place. Copying the stored
 * ciphertext would not do: a sealed value is bound to its user,
 * conversation, seq, role and field (seal.c), so a copy would read as
 * tampered. The engines add only the mark (conv_fork_mark).
 */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "jarvis/store.h"
#include "jarvis/util.h"

/* Messages read at a time while gathering what the fork copies. */
#define FORK_PAGE 500

void store_fork_release(struct store_fork *f)
{
	if (f == NULL)
		return;
	free(f->conv_id);
	for (size_t i = 0; i < f->n; i++)
		free(f->msgs[i].id);
	free(f->msgs);
	memset(f, 0, sizeof *f);
}

/* Every message of conv_id up to and including seq at, oldest first. */
static int read_upto(struct store *st, const char *user_id, const char *conv_id, long at,
                     struct store_msgs *all, char **cause)
{
	long before = at + 1;
	all->items = NULL;
	all->n = 0;
	for (;;) {
		struct store_msgs page;
		int rc = store_msg_before(st, user_id, conv_id, before, FORK_PAGE, &page, cause);
		if (rc < 0) {
			store_msgs_release(all);
			return rc;
		}
		if (page.n == 0) {
			free(page.items);
			return STORE_OK;
		}
		/* The older page goes in front. */
		all->items = xrealloc(all->items, (all->n + page.n) * sizeof(*all->items));
		memmove(all->items + page.n, all->items, all->n * sizeof(*all->items));
		memcpy(all->items, page.items, page.n * sizeof(*page.items));
		all->n += page.n;
		before = page.items[0]->seq;
		bool last = page.n < FORK_PAGE || before <= 1;
		free(page.items);
		if (last)
			return STORE_OK;
	}
}

/* Appends a copy of each message but the last (the question forked at) to the fork. */
static int copy_msgs(struct store *st, const char *user_id, struct store_msgs *all,
                     struct store_fork *out, char **cause)
{
	out->msgs = xcalloc(all->n ? all->n : 1, sizeof(*out->msgs));
	for (size_t i = 0; i + 1 < all->n; i++) {
		struct msg *m = all->items[i];
		if (m->status == MSG_TAMPERED) {
			out->tampered++; /* never stored again (store_msg_append) */
			continue;
		}
		long from = m->seq;
		free(m->id);
		m->id = NULL;
		m->seq = 0;
		int rc = store_msg_append(st, user_id, out->conv_id, m, cause);
		if (rc < 0)
			return rc;
		struct store_fork_msg *f = &out->msgs[out->n++];
		f->from_seq = from;
		f->seq = m->seq;
		f->id = xstrdup(m->id);
	}
	return STORE_OK;
}

/* The question's number: the questions before it, plus one. */
static long question_number(const struct store_msgs *all)
{
	long n = 1;
	for (size_t i = 0; i + 1 < all->n; i++)
		n += all->items[i]->role == ROLE_USER;
	return n;
}

int store_conv_fork(struct store *st, const char *user_id, const char *conv_id, long at_seq,
                    struct store_fork *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (st->e->conv_fork_mark == NULL)
		return set_cause(cause, "store: this engine cannot fork"), STORE_INVALID;
	/* Each step goes to the engine itself: a fork is never half journaled. */
	if (st->ob != NULL && (!store_online(st) || store_pending_writes(st) > 0))
		return set_cause(cause,
		                 "store: cannot fork while MongoDB is away or writes wait in "
		                 "the outbox; try again when they are stored"),
		       STORE_OFFLINE;
	struct conv *orig = NULL;
	int rc = store_conv_get(st, user_id, conv_id, &orig, cause);
	if (rc < 0)
		return rc;
	struct store_msgs all = {0};
	if (at_seq >= 1)
		rc = read_upto(st, user_id, conv_id, at_seq, &all, cause);
	if (rc == 0 && (all.n == 0 || all.items[all.n - 1]->seq != at_seq ||
	                all.items[all.n - 1]->role != ROLE_USER)) {
		store_msgs_release(&all);
		set_cause(cause, "no such question");
		rc = STORE_NOTFOUND;
	}
	if (rc < 0) {
		conv_free(orig);
		return rc;
	}
	out->question = question_number(&all);
	rc = store_conv_create(st, user_id, orig->title, orig->model, orig->system_prompt,
	                       &out->conv_id, cause);
	if (rc == 0)
		rc = store_answer(st,
		                  st->e->conv_fork_mark(st->h, user_id, out->conv_id, conv_id,
		                                        out->question, &st->detail),
		                  "marking the fork", cause);
	if (rc == 0)
		rc = copy_msgs(st, user_id, &all, out, cause);
	if (rc < 0 && out->conv_id != NULL)
		store_conv_delete(st, user_id, out->conv_id, NULL);
	if (rc < 0)
		store_fork_release(out);
	store_msgs_release(&all);
	conv_free(orig);
	return rc;
}
