/*
 * search.c: Ctrl-R, the reverse search of the input history. While it
 * runs, what is typed goes into the query (shown in the prompt) and the
 * input shows the newest earlier line holding it; Ctrl-R again goes to an
 * older one. Enter keeps the line in the input to edit or send; Esc,
 * Ctrl-G or Ctrl-C put back what was there before; any other key keeps
 * the line and then does what it always does.
 */
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/editor.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

#include "keycode.h"
#include "state.h"

#define QUERY_MAX 256 /* bytes of a query: more is not typed on purpose */
#define SEARCH_HINT "Ctrl-R older · Enter keep · Esc cancel"

static void set_label(struct tui *t)
{
	free(t->search_label);
	t->search_label =
	    xasprintf("%s \"%s\":", t->search_failed ? "no match" : "search", t->search_query);
	input_hint(t, SEARCH_HINT);
}

/* Looks for the query in entries older than before; shows the match when there is one. */
static void find(struct tui *t, size_t before)
{
	size_t index, at;
	t->search_failed = !recall_search(t->inputs, t->search_query, before, &index, &at);
	if (!t->search_failed) {
		t->search_index = index;
		editor_set_text(t->editor, recall_get(t->inputs, index));
		editor_set_cursor(t->editor, at);
	}
	if (t->search_query[0] == '\0')
		t->search_failed = false; /* nothing asked yet */
	set_label(t);
}

void search_start(struct tui *t)
{
	if (t->ctx.then != NULL || t->searching)
		return; /* an answer to a question has no history */
	if (input_secret(t))
		input_wipe(t); /* a password line is never put back */
	t->searching = true;
	t->search_failed = false;
	t->search_query = xstrdup("");
	t->search_index = recall_count(t->inputs);
	t->search_saved = editor_get_text(t->editor);
	set_label(t);
}

void search_end(struct tui *t, bool keep)
{
	if (!t->searching)
		return;
	t->searching = false;
	if (!keep)
		editor_set_text(t->editor, t->search_saved);
	free(t->search_query);
	free(t->search_saved);
	free(t->search_label);
	t->search_query = t->search_saved = t->search_label = NULL;
	input_hint(t, NULL);
}

static void add_to_query(struct tui *t, int key)
{
	char utf[4];
	size_t n = utf8_encode((uint32_t)key, utf), len = strlen(t->search_query);
	if (len + n > QUERY_MAX)
		return;
	t->search_query = xrealloc(t->search_query, len + n + 1);
	memcpy(t->search_query + len, utf, n);
	t->search_query[len + n] = '\0';
	/* A longer query may still match the line shown: look from it on. */
	size_t shown = t->search_index < recall_count(t->inputs) ? t->search_index + 1
	                                                         : recall_count(t->inputs);
	find(t, shown);
}

static void drop_from_query(struct tui *t)
{
	size_t len = strlen(t->search_query);
	if (len == 0)
		return;
	t->search_query[utf8_cluster_prev(t->search_query, len, len)] = '\0';
	find(t, recall_count(t->inputs));
}

bool search_key(struct tui *t, int key)
{
	if (!t->searching)
		return false;
	switch (key) {
	case CTRL('R'):
		if (t->search_query[0] == '\0' && t->search_index == recall_count(t->inputs))
			return true;
		find(t, t->search_index);
		return true;
	case KEY_DEL_CHAR:
	case CTRL('H'):
	case CODE(KEY_BACKSPACE):
		drop_from_query(t);
		return true;
	case KEY_ESCAPE:
	case CTRL('G'):
	case CTRL('C'):
		search_end(t, false);
		return true;
	case '\r':
	case CODE(KEY_ENTER):
		search_end(t, true);
		return true;
	default:
		break;
	}
	if (key >= 32 && !(key & (KEY_IS_CODE | KEY_IS_ALT))) {
		add_to_query(t, key);
		return true;
	}
	search_end(t, true); /* the line stays; the key does what it always does */
	return false;
}
