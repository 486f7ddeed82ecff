/*
 * fuzz_editor.c: libFuzzer harness for the line editor and the input
 * history. Each input byte is a command (insert, kills, yank, moves, undo,
 * history recall...); an insert takes the bytes after it. After every
 * command the text must be valid UTF-8 and the cursor inside it; at the
 * end the history must come back unchanged from its file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/editor.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "jarvis/wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The text the harness lets yanks grow (see case 15). */
#define FUZZ_TEXT_MAX ((size_t)256 << 10)

/*
 * The layout kept between edits (re-wrapped only from the first byte an edit
 * touched) must be exactly what wrapping the whole text again gives.
 */
static void check_layout(struct editor *e, int width)
{
	struct editor_layout l;
	editor_layout(e, width, &l);
	struct wrap_row *fresh;
	size_t n = wrap_text(editor_text(e), editor_len(e), width, &fresh);
	if (l.nrows != n + (l.has_extra ? 1 : 0))
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct wrap_row *a = editor_layout_row(&l, i), *b = &fresh[i];
		if (a->off != b->off || a->len != b->len || a->width != b->width ||
		    a->line != b->line || a->cont != b->cont)
			abort();
	}
	free(fresh);
}

static void check(struct editor *e, int width)
{
	const char *t = editor_text(e);
	size_t n = strlen(t);
	if (editor_cursor(e) > n || !utf8_valid(t, n) || n > EDITOR_YANK_MAX + 4096)
		abort();
	check_layout(e, width);
}

static void command(struct editor *e, struct recall *h, const uint8_t *d, size_t *i, size_t size)
{
	uint8_t op = d[(*i)++];
	switch (op % 24) {
	case 0: { /* insert the next op/24 + 1 bytes */
		size_t k = (size_t)op / 24 + 1;
		if (k > size - *i)
			k = size - *i;
		editor_insert(e, (const char *)d + *i, k);
		*i += k;
		break;
	}
	case 1:
		editor_newline(e);
		break;
	case 2:
		editor_delete_back(e);
		break;
	case 3:
		editor_delete_forward(e);
		break;
	case 4:
		editor_left(e);
		break;
	case 5:
		editor_right(e);
		break;
	case 6:
		editor_word_left(e);
		break;
	case 7:
		editor_word_right(e);
		break;
	case 8:
		editor_home(e);
		break;
	case 9:
		editor_end(e);
		break;
	case 10:
		editor_up(e, 1 + op / 20);
		break;
	case 11:
		editor_down(e, 1 + op / 20);
		break;
	case 12:
		editor_kill_eol(e);
		break;
	case 13:
		editor_kill_bol(e);
		break;
	case 14:
		editor_kill_word_back(e);
		break;
	case 15:
		/*
		 * Yanking doubles the text up to EDITOR_YANK_MAX (12 MiB), and
		 * Up/Down re-wrap all of it (known: ~1 s each at that size), so a
		 * few dozen bytes of input would time out on size alone; the harness
		 * looks for wrong behaviour, so it yanks into a smaller text only.
		 */
		if (strlen(editor_text(e)) < FUZZ_TEXT_MAX)
			editor_yank(e);
		break;
	case 16:
		recall_add(h, editor_text(e));
		editor_clear(e);
		break;
	case 17: {
		const char *t = recall_up(h, editor_text(e));
		if (t != NULL)
			editor_set_text(e, t);
		break;
	}
	case 18: {
		const char *t = recall_down(h, editor_text(e));
		if (t != NULL)
			editor_set_text(e, t);
		break;
	}
	case 19:
		editor_undo(e);
		break;
	case 20:
		editor_kill_prev_word(e);
		break;
	case 21:
		editor_kill_next_word(e);
		break;
	case 22:
		editor_undo_group(e, op / 24 % 2 == 0);
		break;
	default:
		editor_set_cursor(e, (size_t)op * 3);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct editor *e = editor_new();
	struct recall *h = recall_new(8);
	for (size_t i = 0; i < size;) {
		command(e, h, data, &i, size);
		/* Mostly one width, as in the TUI; now and then a resize. */
		check(e, i % 16 == 0 ? 3 : 7);
	}

	char path[64];
	snprintf(path, sizeof path, "/tmp/jarvis-fuzz-history-%d", (int)getpid());
	char *cause = NULL;
	if (recall_save(h, path, &cause) != 0)
		abort();
	struct recall *back = recall_new(8);
	if (recall_load(back, path, &cause) != 0 || recall_count(back) != recall_count(h))
		abort();
	for (size_t i = 0; i < recall_count(h); i++)
		if (strcmp(recall_get(h, i), recall_get(back, i)) != 0)
			abort();
	unlink(path);
	recall_free(back);
	recall_free(h);
	editor_free(e);
	return 0;
}
