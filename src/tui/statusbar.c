/*
 * statusbar.c: the status line between the history and the input. Its
 * items give way by priority when the line is short (core/statusline.c):
 * the title is shortened first, the streaming state and the quota stay
 * longest. An error too long for its room goes to the history, where it
 * can be read whole, and the line keeps the part that says what happens
 * next or points there; a hint (a completion list, "a message is queued
 * already…") is shown whole or put in the history, except a brief one
 * ("press Ctrl-C again to quit"), which others make room for or is not shown. While a retry waits,
 * the streaming state counts down to it ("⠇ retry in 6 s (try 2 of 3)"),
 * and while a command waits for the store it says so in the same place
 * ("listing conversations…").
 */
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/chat.h"
#include "jarvis/conv.h"
#include "jarvis/statusline.h"
#include "jarvis/util.h"

#include "draw.h"
#include "state.h"

#define SEE_ABOVE "↑ see above"

enum item {
	I_USER,
	I_MODEL,
	I_TITLE,
	I_IMAGES,
	I_ERROR,
	I_HINT,
	I_STREAM,
	I_QUOTA,
	I_CTX,
	I_STORE,
	I_HELP,
	NITEMS
};

/* The part of an error after its last "; ": what happens next, or NULL. */
static const char *error_tail(const char *err)
{
	const char *last = NULL;
	for (const char *p = strstr(err, "; "); p != NULL; p = strstr(p + 2, "; "))
		last = p + 2;
	return last != NULL && last[0] != '\0' ? last : NULL;
}

/* Draws one item: its form, or the form cut to its width with "…". */
static void put_item(WINDOW *w, const struct status_item *it, attr_t attr)
{
	const char *s = it->form[it->shown];
	size_t n = status_cut_bytes(s, it->width);
	int used = tui_put(w, s, n, it->width, attr);
	if (n < strlen(s) && used < it->width)
		tui_put(w, "…", strlen("…"), 1, attr);
}

static void put_side(struct tui *t, const struct status_item *items, bool right, attr_t base)
{
	bool first = true;
	for (int i = 0; i < NITEMS; i++) {
		const struct status_item *it = &items[i];
		if (it->shown < 0 || it->right != right)
			continue;
		if (!first)
			tui_put(t->status_win, " │ ", strlen(" │ "), 3, base);
		first = false;
		attr_t a = base;
		if (i == I_ERROR)
			a = base | A_BOLD | tui_pair_attr(PAIR_ERROR);
		else if (!right)
			a = base | A_BOLD;
		put_item(t->status_win, it, a);
	}
}

static int side_width(const struct status_item *items, bool right)
{
	int w = 0, n = 0;
	for (int i = 0; i < NITEMS; i++)
		if (items[i].shown >= 0 && items[i].right == right) {
			w += items[i].width;
			n++;
		}
	return n ? w + 3 * (n - 1) : 0;
}

void tui_draw_status(struct tui *t)
{
	WINDOW *w = t->status_win;
	attr_t base = A_REVERSE;
	werase(w);
	wmove(w, 0, 0);
	tui_fill(w, t->cols, base);

	const char *user = chat_user(t->chat);
	const struct conv *c = chat_conv(t->chat);
	const char *err = chat_error(t->chat);
	size_t nimg = chat_pending_images(t->chat);
	char *images = nimg ? xasprintf("+%zu image%s", nimg, nimg == 1 ? "" : "s") : NULL;
	char *images_short = nimg ? xasprintf("+%zu", nimg) : NULL;
	char *stream[3] = {NULL, NULL, NULL};
	if (chat_streaming(t->chat)) {
		static const char *const frames[] = {"⠋", "⠙", "⠹", "⠸", "⠼",
		                                     "⠴", "⠦", "⠧", "⠇", "⠏"};
		const char *f = frames[t->spin % 10];
		double rate = chat_rate(t->chat);
		const char *doing = chat_activity(t->chat); /* an upload before the answer */
		int try_no = 0, tries = 0;
		long long wait = chat_wait_left(t->chat, &try_no, &tries);
		if (wait > 0) {
			long long s = (wait + 999) / 1000;
			stream[0] =
			    xasprintf("%s retry in %lld s (try %d of %d)", f, s, try_no, tries);
			stream[1] = xasprintf("%s retry in %lld s", f, s);
			stream[2] = xasprintf("%s %lld s", f, s);
		} else {
			stream[0] = doing ? xasprintf("%s %s", f, doing)
			                  : xasprintf("%s streaming %.0f tok/s", f, rate);
			stream[1] = doing ? xasprintf("%s uploading", f)
			                  : xasprintf("%s %.0f tok/s", f, rate);
			stream[2] = xstrdup(f);
		}
	} else {
		/* The store read a command waits for (/convs): said where the spinner goes. */
		const char *brief = NULL;
		const char *reading = chat_reading(t->chat, &brief);
		if (reading != NULL) {
			stream[0] = xstrdup(reading);
			stream[1] = xstrdup(brief ? brief : "…");
		}
	}
	char *quota = chat_quota_line(t->chat);
	char *ctx = chat_context_line(t->chat); /* whole or not at all: "41k/1M" says nothing */

	struct status_item items[NITEMS] = {
	    [I_USER] = {{user ? user : "guest"}, 0, 0, PRIO_USER_DROP, false, I_USER, 0, 0},
	    [I_MODEL] =
	        {{chat_model(t->chat)}, 10, PRIO_MODEL_CUT, PRIO_MODEL_DROP, false, I_MODEL, 0, 0},
	    [I_TITLE] = {{c->title}, 10, PRIO_TITLE_CUT, PRIO_TITLE_DROP, false, I_TITLE, 0, 0},
	    [I_IMAGES] = {{images, images_short},
	                  0,
	                  PRIO_IMAGES_DROP,
	                  PRIO_IMAGES_DROP,
	                  false,
	                  I_IMAGES,
	                  0,
	                  0},
	    [I_ERROR] = {{err}, 0, PRIO_ERROR_CUT, STATUS_KEEP, true, I_ERROR, 0, 0},
	    [I_HINT] = {{t->hint}, 0, PRIO_HINT_DROP, PRIO_HINT_DROP, true, I_HINT, 0, 0},
	    [I_STREAM] = {{stream[0], stream[1], stream[2]},
	                  0,
	                  PRIO_STREAM_CUT,
	                  STATUS_KEEP,
	                  true,
	                  I_STREAM,
	                  0,
	                  0},
	    [I_QUOTA] = {{quota}, 0, PRIO_QUOTA_DROP, PRIO_QUOTA_DROP, true, I_QUOTA, 0, 0},
	    [I_CTX] = {{ctx}, 0, PRIO_CTX_DROP, PRIO_CTX_DROP, true, I_CTX, 0, 0},
	    [I_STORE] = {{chat_store_state(t->chat)},
	                 0,
	                 PRIO_STORE_DROP,
	                 PRIO_STORE_DROP,
	                 true,
	                 I_STORE,
	                 0,
	                 0},
	    [I_HELP] = {{"F1 help"}, 0, PRIO_HELP_DROP, PRIO_HELP_DROP, true, I_HELP, 0, 0},
	};
	if (err != NULL) {
		const char *tail = error_tail(err);
		int k = 1;
		if (tail != NULL)
			items[I_ERROR].form[k++] = tail;
		items[I_ERROR].form[k] = SEE_ABOVE;
	}
	if (t->hint_brief)
		items[I_HINT].drop_prio = PRIO_BRIEF_HINT_DROP;
	status_layout(items, NITEMS, t->cols);
	/* An error not shown whole is read in the history. */
	if (err != NULL && items[I_ERROR].shown > 0)
		chat_post_error(t->chat);
	/*
	 * So is a hint with no room (a search's legend is no notice, and a brief
	 * one would stay there long after its moment).
	 */
	if (t->hint != NULL && items[I_HINT].shown < 0 && !t->hint_posted && !t->searching &&
	    !t->hint_brief) {
		t->hint_posted = true;
		chat_notice(t->chat, "%s", t->hint);
	}

	wmove(w, 0, 1);
	put_side(t, items, false, base);
	int rw = side_width(items, true);
	if (rw > 0) {
		int x = t->cols - 1 - rw;
		wmove(w, 0, x > 0 ? x : 0);
		put_side(t, items, true, base);
	}
	free(images);
	free(images_short);
	for (int i = 0; i < 3; i++)
		free(stream[i]);
	free(quota);
	free(ctx);
}
