/*
 * input.c: what the input line does with its text: send it as a message,
 * run it as a command, answer a command's question, complete it, recall
 * the input history, and wipe it when it holds a password. Keys reach
 * these through the key table (keys.c); nothing here reads keys or draws.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/chat.h"
#include "jarvis/cmd.h"
#include "jarvis/editor.h"
#include "jarvis/loop.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

#include "history.h"
#include "panels.h"
#include "state.h"

/* A hint is over after a few seconds, except a search's legend while it lasts. */
static void hint_expired(void *ud)
{
	struct tui *t = ud;
	t->hint_timer = 0;
	if (t->hint == NULL)
		return;
	if (t->searching) {
		t->hint_timer = loop_timer_add(t->loop, HINT_MS, hint_expired, t);
		return;
	}
	free(t->hint);
	t->hint = NULL;
	t->need_render = true;
}

void input_hint(struct tui *t, const char *hint)
{
	free(t->hint);
	t->hint = hint ? xstrdup(hint) : NULL;
	t->hint_posted = false;
	t->hint_brief = false;
	if (t->hint_timer != 0)
		loop_timer_cancel(t->loop, t->hint_timer);
	t->hint_timer = hint ? loop_timer_add(t->loop, HINT_MS, hint_expired, t) : 0;
}

void input_hint_brief(struct tui *t, const char *hint)
{
	input_hint(t, hint);
	t->hint_brief = hint != NULL;
}

void input_insert(struct tui *t, unsigned wc)
{
	char utf[4];
	size_t n = utf8_encode((uint32_t)wc, utf);
	editor_insert(t->editor, utf, n);
}

bool input_secret(const struct tui *t)
{
	size_t off;
	return t->ctx.ask_secret || cmd_secret_offset(editor_text(t->editor), &off);
}

void input_wipe(struct tui *t)
{
	size_t n = editor_len(t->editor);
	if (n > 0) {
		char *blank = xmalloc(n + 1);
		memset(blank, ' ', n);
		blank[n] = '\0';
		editor_set_text(t->editor, blank);
		free(blank);
	}
	editor_clear(t->editor);
}

const char *input_prompt(const struct tui *t)
{
	if (t->searching)
		return t->search_label;
	if (t->ctx.ask_label != NULL)
		return t->ctx.ask_label;
	return chat_editing(t->chat) ? "edit›" : "›"; /* /edit: Enter forks */
}

int input_prompt_width(const struct tui *t)
{
	return (int)utf8_strwidth(input_prompt(t)) + 1;
}

static void show_cause(struct tui *t, char *cause)
{
	if (cause != NULL) {
		chat_notice(t->chat, "%s", cause);
		free(cause);
	}
}

static void after_command(struct tui *t)
{
	if (t->ctx.copy_text != NULL) {
		tui_copy(t, t->ctx.copy_text, t->ctx.copy_what);
		t->ctx.copy_text = NULL;
		t->ctx.copy_what = NULL;
	}
	if (t->ctx.input_text != NULL) {
		/* /edit: the question back in the input, unsent, the cursor at its end. */
		editor_set_text(t->editor, t->ctx.input_text);
		free(t->ctx.input_text);
		t->ctx.input_text = NULL;
	}
}

void input_save_recall(struct tui *t)
{
	if (t->recall_path != NULL)
		recall_save(t->inputs, t->recall_path, NULL);
}

/*
 * Quitting: what was typed and never sent goes into the input history (saved
 * just after), and the shell is told so, once the terminal is back. A
 * password being typed is the only thing never kept.
 */
void input_keep_at_quit(struct tui *t)
{
	bool kept = false;
	if (t->queued != NULL) {
		/* queue() put it in the history already. */
		fputs("jarvis: the queued message was not sent; Up brings it back\n", stderr);
	}
	const char *draft = t->ctx.then != NULL ? t->parked : editor_text(t->editor);
	if (draft != NULL && draft[strspn(draft, " \t\r\n")] != '\0' &&
	    (t->ctx.then != NULL || !input_secret(t))) {
		recall_add(t->inputs, draft);
		kept = true;
	}
	if (kept)
		fputs("jarvis: the unsent input is kept; Up brings it back\n", stderr);
	input_save_recall(t);
}

/* Esc or Ctrl-C at a question: the form ends, and the history says so. */
void input_cancel_ask(struct tui *t)
{
	cmd_ctx_reset(&t->ctx);
	input_wipe(t);
	chat_notice(t->chat, "cancelled; nothing of what was answered is kept");
}

/* An answer to a question (maybe a password): never kept anywhere. */
static void submit_answer(struct tui *t, char *text)
{
	char *cause = NULL;
	input_wipe(t);
	/* A bad answer asks again (ctx.then still set): the form is not over. */
	if (cmd_answer(&t->ctx, text, &cause) == -1)
		show_cause(t, cause);
	secret_free(text);
	after_command(t);
}

static void submit_command(struct tui *t, char *text)
{
	char *cause = NULL;
	size_t off;
	bool secret = cmd_secret_offset(text, &off);
	int rc = cmd_run(&t->ctx, text, &cause);
	/* A line that named no command may be a mistyped password command. */
	if (!secret && cmd_known(text)) {
		recall_add(t->inputs, text);
		input_save_recall(t);
	}
	if (secret)
		input_wipe(t);
	else if (rc == 0)
		editor_clear(t->editor);
	if (rc == -1)
		show_cause(t, cause);
	secret_free(text);
	after_command(t);
}

/*
 * A line like "/etc/hosts explain" names no command: the first Enter says
 * so and offers it, a second Enter on the same line sends it as a message.
 * A line that may hide a password (a mistyped /login) is never offered.
 */
static bool offer_as_message(struct tui *t, const char *text)
{
	size_t off;
	if (!cmd_unknown(text) || cmd_secret_offset(text, &off))
		return false;
	if (t->offered != NULL && strcmp(t->offered, text) == 0)
		return false; /* the second Enter: send it */
	free(t->offered);
	t->offered = xstrdup(text);
	size_t n = strcspn(text + strspn(text, " \t"), " \t\n");
	chat_notice(t->chat,
	            "%.*s is no command: Enter again sends the line as a message (a line "
	            "starting with // is sent with one /)",
	            (int)n, text + strspn(text, " \t"));
	return true;
}

#define QUEUED_HINT "a message is queued already: Esc takes it back to edit"

/* Enter while an answer streams: the message waits for it to end (one at a time). */
static void queue(struct tui *t, char *text)
{
	if (t->queued != NULL) {
		input_hint(t, QUEUED_HINT);
		free(text);
		return;
	}
	if (text[strspn(text, " \t\r\n")] == '\0' && chat_pending_images(t->chat) == 0) {
		input_hint(t, "type a message first");
		free(text);
		return;
	}
	recall_add(t->inputs, text);
	input_save_recall(t);
	recall_reset(t->inputs);
	editor_clear(t->editor);
	t->queued = text;
}

void input_send_queued(struct tui *t)
{
	if (t->queued == NULL || chat_streaming(t->chat))
		return;
	char *text = t->queued, *cause = NULL;
	t->queued = NULL;
	if (t->hint != NULL && strcmp(t->hint, QUEUED_HINT) == 0)
		input_hint(t, NULL); /* no longer so */
	if (chat_send(t->chat, text, &cause) == -1) {
		chat_notice(t->chat, "the queued message was not sent: %s", cause);
		free(cause);
		/* Never lost: back into the input, or shown in the history when that is in use. */
		if (editor_len(t->editor) == 0)
			editor_set_text(t->editor, text);
		else
			chat_notice(t->chat, "it was: %s", text);
	} else {
		hist_follow(t->hist);
	}
	free(text);
	t->need_render = true;
}

bool input_unqueue(struct tui *t)
{
	if (t->queued == NULL)
		return false;
	if (editor_len(t->editor) > 0) {
		/* What is being typed stays; the queued text goes before it. */
		char *now = editor_get_text(t->editor);
		char *both = xasprintf("%s\n%s", t->queued, now);
		editor_set_text(t->editor, both);
		free(both);
		free(now);
	} else {
		editor_set_text(t->editor, t->queued);
	}
	free(t->queued);
	t->queued = NULL;
	input_hint(t, "the queued message is back in the input");
	return true;
}

void input_submit(struct tui *t)
{
	char *text = editor_get_text(t->editor);
	char *cause = NULL;
	if (t->ctx.then != NULL) {
		submit_answer(t, text);
		return;
	}
	const char *lead = text + strspn(text, " \t");
	bool offered_again = t->offered != NULL && strcmp(t->offered, text) == 0;
	if (lead[0] == '/' && lead[1] != '/' && offer_as_message(t, text)) {
		free(text);
		return;
	}
	/* A command with blanks before it is still a command (and maybe a password). */
	if (lead[0] == '/' && lead[1] != '/' && !offered_again) {
		submit_command(t, text);
		return;
	}
	if (lead[0] == '/' && lead[1] == '/')
		memmove(text, lead + 1, strlen(lead + 1) + 1); /* "//text" sends "/text" */
	free(t->offered);
	t->offered = NULL;
	if (chat_streaming(t->chat)) {
		queue(t, text);
		return;
	}
	if (chat_send(t->chat, text, &cause) == -1) {
		/* Not sent: the text stays in the input to fix or send again. */
		show_cause(t, cause);
		free(text);
		return;
	}
	recall_add(t->inputs, text);
	input_save_recall(t);
	recall_reset(t->inputs);
	editor_clear(t->editor);
	hist_follow(t->hist);
	free(text);
}

void input_complete(struct tui *t)
{
	const char *text = editor_text(t->editor);
	if (text[0] != '/' || editor_cursor(t->editor) != editor_len(t->editor))
		return;
	char *cands[64], *labels[64] = {NULL};
	size_t word_start;
	size_t n = cmd_complete_at(t->chat, text, &word_start, cands, labels, ARRAY_LEN(cands));
	if (n == 0) {
		input_hint(t, "no completions");
		return;
	}
	/* The longest common prefix of all candidates replaces the word. */
	size_t common = strlen(cands[0]);
	for (size_t i = 1; i < n; i++) {
		size_t k = 0;
		while (k < common && cands[i][k] == cands[0][k])
			k++;
		common = k;
	}
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	buf_add(&b, text, word_start);
	if (common == 0) /* nothing shared (titles matched by a piece): the word stays */
		buf_addstr(&b, text + word_start);
	else
		buf_add(&b, cands[0], common);
	if (n == 1 && cands[0][common - 1] != '/')
		buf_addstr(&b, " ");
	editor_set_text(t->editor, b.data);
	buf_release(&b);
	if (n > 1) {
		struct buf list;
		buf_init(&list, 4096);
		for (size_t i = 0; i < n; i++)
			buf_addf(&list, "%s%s", i ? "  " : "", labels[i] ? labels[i] : cands[i]);
		input_hint(t, list.data);
		buf_release(&list);
	}
	for (size_t i = 0; i < n; i++) {
		free(cands[i]);
		free(labels[i]);
	}
}

void input_recall(struct tui *t, bool up)
{
	if (t->ctx.then != NULL)
		return; /* answers to questions have no history */
	if (input_secret(t))
		input_wipe(t); /* never parked as a draft */
	char *current = editor_get_text(t->editor);
	const char *line = up ? recall_up(t->inputs, current) : recall_down(t->inputs, current);
	if (line != NULL)
		editor_set_text(t->editor, line);
	free(current);
}

/*
 * A question (a password, F3's new title) borrows the input line: the
 * draft being typed is put aside when it starts and given back, as it was,
 * when it is answered or cancelled. A question never eats a draft.
 */
void input_leave_edit(struct tui *t, const char *why)
{
	if (chat_edit_cancel(t->chat))
		chat_notice(t->chat, "edit left (%s); nothing was forked", why);
}

void input_sync_ask(struct tui *t)
{
	if (t->ctx.then != NULL && !t->asking) {
		t->asking = true;
		free(t->parked);
		t->parked = editor_get_text(t->editor);
		editor_clear(t->editor);
	} else if (t->ctx.then == NULL && t->asking) {
		t->asking = false;
		if (t->parked != NULL && editor_len(t->editor) == 0)
			editor_set_text(t->editor, t->parked);
		free(t->parked);
		t->parked = NULL;
	}
}
