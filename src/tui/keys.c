/*
 * keys.c: the key table and the dispatcher. A key read from the terminal
 * goes to an open panel first, then to its row in the table; a key with no
 * row does nothing. The actions are small: editing is the editor's
 * (editor.h), sending and recalling are input.c's, scrolling the history's.
 */
#include "keys.h"

#include <stdbool.h>
#include <string.h>

#include "jarvis/chat.h"
#include "jarvis/cmd.h"
#include "jarvis/editor.h"
#include "jarvis/loop.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

#include "escape.h"
#include "graphics.h"
#include "history.h"
#include "panels.h"
#include "state.h"

/* ---- actions ------------------------------------------------------------ */

/* Opens a panel; F1's help gets the key table. */
static void open_panel(struct tui *t, const struct panel_ops *ops)
{
	panel_open(t->panel, ops, t->chat);
	if (panel_shows(t->panel, &help_panel)) {
		size_t n;
		const struct key_binding *keys = keys_table(&n);
		help_set_keys(t->panel, keys, n);
	}
}

/* A line is sent; /help and /model ask for their panel through t->ctx. */
static void act_submit(struct tui *t)
{
	input_submit(t);
	if (t->ctx.show_help) {
		t->ctx.show_help = false;
		open_panel(t, &help_panel);
	}
	if (t->ctx.show_models) {
		t->ctx.show_models = false;
		open_panel(t, &model_panel);
	}
}

static void act_newline(struct tui *t)
{
	editor_newline(t->editor);
}

static void act_home(struct tui *t)
{
	editor_home(t->editor);
}

static void act_end(struct tui *t)
{
	editor_end(t->editor);
}

/* The thought summaries: in full above each answer, or folded to one line. */
static void act_thoughts(struct tui *t)
{
	chat_toggle_thoughts(t->chat);
}

/* At the top of what is loaded: ask the store for the page before it. */
static void maybe_load_older(struct tui *t)
{
	if (hist_at_top(t->hist))
		chat_load_older(t->chat);
}

/* Home on an empty line: the top of the history. */
static void act_home_or_top(struct tui *t)
{
	if (editor_len(t->editor) > 0) {
		editor_home(t->editor);
		return;
	}
	hist_top(t->hist);
	maybe_load_older(t);
}

/* End on an empty line: back to the newest line of the history. */
static void act_end_or_bottom(struct tui *t)
{
	if (editor_len(t->editor) > 0)
		editor_end(t->editor);
	else
		hist_follow(t->hist);
}

static void act_left(struct tui *t)
{
	editor_left(t->editor);
}

static void act_right(struct tui *t)
{
	editor_right(t->editor);
}

static void act_word_left(struct tui *t)
{
	editor_word_left(t->editor);
}

static void act_word_right(struct tui *t)
{
	editor_word_right(t->editor);
}

static void act_backspace(struct tui *t)
{
	editor_delete_back(t->editor);
}

static void act_delete(struct tui *t)
{
	editor_delete_forward(t->editor);
}

/* Ctrl-D: deletes forward, or leaves on an empty line. */
static void act_ctrl_d(struct tui *t)
{
	if (editor_len(t->editor) == 0 && t->ctx.then == NULL)
		t->quit = true;
	else
		editor_delete_forward(t->editor);
}

/* A line holding a password is deleted without the kill ring. */
static void act_kill_eol(struct tui *t)
{
	if (!input_secret(t)) {
		editor_kill_eol(t->editor);
		return;
	}
	while (editor_delete_forward(t->editor))
		;
}

static void act_kill_bol(struct tui *t)
{
	if (input_secret(t))
		input_wipe(t);
	else
		editor_kill_bol(t->editor);
}

static void act_kill_word(struct tui *t)
{
	if (!input_secret(t)) {
		editor_kill_word_back(t->editor);
		return;
	}
	const char *s = editor_text(t->editor);
	while (editor_cursor(t->editor) > 0 && s[editor_cursor(t->editor) - 1] == ' ')
		editor_delete_back(t->editor);
	while (editor_cursor(t->editor) > 0 && s[editor_cursor(t->editor) - 1] != ' ')
		editor_delete_back(t->editor);
}

static void act_kill_prev_word(struct tui *t)
{
	if (input_secret(t))
		act_kill_word(t);
	else
		editor_kill_prev_word(t->editor);
}

static void act_kill_next_word(struct tui *t)
{
	if (!input_secret(t)) {
		editor_kill_next_word(t->editor);
		return;
	}
	const char *s = editor_text(t->editor);
	while (s[editor_cursor(t->editor)] != '\0' && s[editor_cursor(t->editor)] != ' ')
		editor_delete_forward(t->editor);
}

static void act_undo(struct tui *t)
{
	if (!editor_undo(t->editor))
		input_hint(t, "nothing to undo");
}

static void act_search(struct tui *t)
{
	search_start(t);
}

/* Ctrl-X: the first key of Ctrl-X Ctrl-E (compose) and Ctrl-X Ctrl-U (undo). */
static void act_ctrl_x(struct tui *t)
{
	t->ctrl_x = true;
}

static void act_compose(struct tui *t)
{
	compose_in_editor(t);
}

static void act_yank(struct tui *t)
{
	if (!input_secret(t)) /* a password's line takes nothing from the kill ring */
		editor_yank(t->editor);
}

static bool cursor_on_first_row(const struct tui *t)
{
	return memchr(editor_text(t->editor), '\n', editor_cursor(t->editor)) == NULL;
}

static bool cursor_on_last_row(const struct tui *t)
{
	return strchr(editor_text(t->editor) + editor_cursor(t->editor), '\n') == NULL;
}

static void act_up(struct tui *t)
{
	if (cursor_on_first_row(t))
		input_recall(t, true);
	else
		editor_up(t->editor, t->cols - input_prompt_width(t));
}

static void act_down(struct tui *t)
{
	if (cursor_on_last_row(t))
		input_recall(t, false);
	else
		editor_down(t->editor, t->cols - input_prompt_width(t));
}

static void scroll_history(struct tui *t, int rows)
{
	hist_scroll(t->hist, chat_conv(t->chat), rows, getmaxy(t->hist_win), t->cols);
	if (rows < 0)
		maybe_load_older(t);
}

static int page_rows(const struct tui *t)
{
	return t->hist_win ? getmaxy(t->hist_win) - 1 : 10;
}

static void act_page_up(struct tui *t)
{
	scroll_history(t, -page_rows(t));
}

static void act_page_down(struct tui *t)
{
	scroll_history(t, page_rows(t));
}

/* Shift-Right, Shift-Left: code lines cut at the edge, sideways. */
static void scroll_code(struct tui *t, int dir)
{
	if (!hist_hscroll(t->hist, dir, t->cols))
		input_hint(t,
		           dir > 0 ? "no more code to the right" : "code is shown from its start");
}

static void act_code_right(struct tui *t)
{
	scroll_code(t, 1);
}

static void act_code_left(struct tui *t)
{
	scroll_code(t, -1);
}

/* [ui] mouse = full: a click on the input puts the cursor there. */
static void click_input(struct tui *t, int y, int x)
{
	int top, left;
	getbegyx(t->input_win, top, left);
	int pw = input_prompt_width(t);
	if (y < top || y >= top + t->input_h || x < left)
		return;
	int width = t->cols - pw > 1 ? t->cols - pw : 1;
	struct editor_layout el;
	editor_layout(t->editor, width, &el);
	size_t first = (int)el.cur_row >= t->input_h ? el.cur_row - (size_t)t->input_h + 1 : 0;
	size_t row = first + (size_t)(y - top);
	if (row < el.nrows) {
		const struct wrap_row *r = editor_layout_row(&el, row);
		const char *s = editor_text(t->editor);
		size_t off = r->off, end = r->off + r->len;
		int col = 0, want = x - left - pw;
		while (off < end && s[off] != '\n') {
			size_t next = utf8_cluster_next(s, end, off);
			int w = utf8_cluster_width(s, end, off, next);
			if (col + w > want)
				break;
			col += w;
			off = next;
		}
		editor_set_cursor(t->editor, off);
	}
}

static void act_mouse(struct tui *t)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		scroll_history(t, -3);
#ifdef BUTTON5_PRESSED
	else if (ev.bstate & BUTTON5_PRESSED)
		scroll_history(t, 3);
#endif
	else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		click_input(t, ev.y, ev.x);
}

static void act_complete(struct tui *t)
{
	input_complete(t);
}

static void act_escape(struct tui *t)
{
	if (t->ctx.then != NULL) {
		input_cancel_ask(t);
	} else if (input_unqueue(t)) {
		return; /* the next Esc stops the answer */
	} else if (chat_editing(t->chat)) {
		input_wipe(t);
		input_leave_edit(t, "Esc");
	} else if (chat_streaming(t->chat)) {
		chat_stop(t->chat, NULL);
	}
}

#define CTRL_C_WINDOW_MS 2000
#define CTRL_C_HINT "press Ctrl-C again to quit"

/* The second Ctrl-C's window closed: the hint goes with it. */
static void ctrl_c_expired(void *ud)
{
	struct tui *t = ud;
	t->ctrl_c_timer = 0;
	t->ctrl_c_ms = 0;
	if (t->hint != NULL && strcmp(t->hint, CTRL_C_HINT) == 0) {
		input_hint(t, NULL);
		t->need_render = true;
	}
}

/* Ctrl-C: cancels a question, stops an answer, empties the line, or (twice) quits. */
static void act_ctrl_c(struct tui *t)
{
	if (t->ctx.then != NULL) {
		input_cancel_ask(t);
		return;
	}
	if (chat_streaming(t->chat)) {
		chat_stop(t->chat, NULL);
		return;
	}
	if (editor_len(t->editor) > 0) {
		if (input_secret(t))
			input_wipe(t);
		else
			editor_set_text(t->editor, ""); /* Ctrl-_ brings it back */
		return;
	}
	long long now = now_ms();
	if (t->ctrl_c_ms != 0 && now - t->ctrl_c_ms < CTRL_C_WINDOW_MS) {
		t->quit = true;
		return;
	}
	t->ctrl_c_ms = now;
	input_hint_brief(t, CTRL_C_HINT);
	if (t->ctrl_c_timer != 0)
		loop_timer_cancel(t->loop, t->ctrl_c_timer);
	t->ctrl_c_timer = loop_timer_add(t->loop, CTRL_C_WINDOW_MS, ctrl_c_expired, t);
}

static void act_suspend(struct tui *t)
{
	tui_suspend(t);
}

static void act_redraw(struct tui *t)
{
	clearok(curscr, TRUE);
}

static void act_help(struct tui *t)
{
	open_panel(t, &help_panel);
}

static void act_models(struct tui *t)
{
	open_panel(t, &model_panel);
}

static void act_convs(struct tui *t)
{
	open_panel(t, &conv_panel);
}

/* ---- the table ------------------------------------------------------------ */

static const struct key_binding table[] = {
    {'\r', "Enter", act_submit, "send the message"},
    {CODE(KEY_ENTER), "Enter", act_submit, "send the message"},
    {ALT('\r'), "Alt-Enter", act_newline, "new line in the message"},
    {ALT('\n'), "Alt-Enter", act_newline, "new line in the message"},
    {CTRL('J'), "Ctrl-J", act_newline, "new line in the message"},
    {CODE(KEY_SHIFT_ENTER), "Shift-Enter", act_newline, "new line in the message"},
    {CODE(KEY_CTRL_ENTER), "Ctrl-Enter", act_newline, "new line in the message"},
    {CTRL('A'), "Ctrl-A", act_home, "start of the line"},
    {CTRL('E'), "Ctrl-E", act_end, "end of the line"},
    {CODE(KEY_HOME), "Home", act_home_or_top, "start of the line; empty: top of history"},
    {CODE(KEY_END), "End", act_end_or_bottom, "end of the line; empty: newest history"},
    {CTRL('B'), "Ctrl-B", act_left, "back one character"},
    {CODE(KEY_LEFT), "Left", act_left, "back one character"},
    {CTRL('F'), "Ctrl-F", act_right, "forward one character"},
    {CODE(KEY_RIGHT), "Right", act_right, "forward one character"},
    {ALT('b'), "Alt-B", act_word_left, "back one word"},
    {CODE(KEY_CTRL_LEFT), "Ctrl-Left", act_word_left, "back one word"},
    {ALT('f'), "Alt-F", act_word_right, "forward one word"},
    {CODE(KEY_CTRL_RIGHT), "Ctrl-Right", act_word_right, "forward one word"},
    {KEY_DEL_CHAR, "Backspace", act_backspace, "delete the character before"},
    {CTRL('H'), "Backspace", act_backspace, "delete the character before"},
    {CODE(KEY_BACKSPACE), "Backspace", act_backspace, "delete the character before"},
    {CODE(KEY_DC), "Delete", act_delete, "delete the character under the cursor"},
    {CTRL('D'), "Ctrl-D", act_ctrl_d, "delete the character; empty line: quit"},
    {CTRL('K'), "Ctrl-K", act_kill_eol, "kill to the end of the line"},
    {CTRL('U'), "Ctrl-U", act_kill_bol, "kill to the start of the line"},
    {CTRL('W'), "Ctrl-W", act_kill_word, "kill the word before"},
    {ALT(KEY_DEL_CHAR), "Alt-Backspace", act_kill_prev_word, "kill the word before"},
    {ALT(CTRL('H')), "Alt-Backspace", act_kill_prev_word, "kill the word before"},
    {ALT('d'), "Alt-D", act_kill_next_word, "kill the word after"},
    {CTRL('Y'), "Ctrl-Y", act_yank, "yank what was killed"},
    {CTRL('_'), "Ctrl-_", act_undo, "undo the last edit (Ctrl-X Ctrl-U too)"},
    {CTRL('R'), "Ctrl-R", act_search, "search the input history"},
    {CTRL('X'), "Ctrl-X Ctrl-E", act_ctrl_x, "compose in $VISUAL or $EDITOR"},
    {CTRL('G'), "Ctrl-G", act_compose, "compose in $VISUAL or $EDITOR"},
    {CODE(KEY_UP), "Up", act_up, "earlier message (input history)"},
    {CODE(KEY_DOWN), "Down", act_down, "later message (input history)"},
    {CODE(KEY_PPAGE), "PgUp", act_page_up, "scroll the history up"},
    {CODE(KEY_NPAGE), "PgDn", act_page_down, "scroll the history down"},
    {CODE(KEY_SRIGHT), "Shift-Right", act_code_right, "scroll cut code lines to the right"},
    {ALT('>'), "Alt->", act_code_right, "scroll cut code lines to the right"},
    {CODE(KEY_SLEFT), "Shift-Left", act_code_left, "scroll code lines back to the left"},
    {ALT('<'), "Alt-<", act_code_left, "scroll code lines back to the left"},
    {CODE(KEY_MOUSE), "mouse wheel", act_mouse, "scroll the history ([ui] mouse)"},
    {'\t', "Tab", act_complete,
     "complete what is typed: a command (also after /help), a path after /attach, a model "
     "id, a conversation after /select, a question after /edit"},
    {KEY_ESCAPE, "Esc", act_escape,
     "take back a queued message; else leave /edit; else stop the answer; cancel a "
     "question"},
    {CTRL('C'), "Ctrl-C", act_ctrl_c, "stop; empty the line; twice: quit"},
    {CTRL('L'), "Ctrl-L", act_redraw, "redraw the screen"},
    {CTRL('Z'), "Ctrl-Z", act_suspend, "suspend (fg resumes)"},
    {CTRL('T'), "Ctrl-T", act_thoughts, "show or fold the thought summaries"},
    {CODE(KEY_F(1)), "F1", act_help, "this help"},
    {CODE(KEY_F(2)), "F2", act_models, "pick a model"},
    {CODE(KEY_F(3)), "F3", act_convs, "browse the stored conversations"},
};

const struct key_binding *keys_table(size_t *n)
{
	*n = ARRAY_LEN(table);
	return table;
}

static const struct key_binding *find(int key)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++)
		if (table[i].key == key)
			return &table[i];
	return NULL;
}

/* ---- reading ----------------------------------------------------------- */

void keys_setup(void)
{
	/* Bracketed paste: the terminal wraps pastes in these two sequences. */
	define_key("\033[200~", KEY_PASTE_BEGIN);
	define_key("\033[201~", KEY_PASTE_END);
	/* Ctrl-Left/Right: terminfo may name them (kLFT5) with a code of its own. */
	static const struct {
		const char *seq;
		int code;
	} more[] = {
	    {"\033[1;5D", KEY_CTRL_LEFT},
	    {"\033[1;5C", KEY_CTRL_RIGHT},
	    {"\033[1;3D", KEY_CTRL_LEFT},
	    {"\033[1;3C", KEY_CTRL_RIGHT},
	};
	for (size_t i = 0; i < ARRAY_LEN(more); i++) {
		define_key(more[i].seq, 0);
		define_key(more[i].seq, more[i].code);
	}
}

/* Pasted text is inserted as it is: Enter never sends from a paste. */
static void paste_char(struct tui *t, int key)
{
	if (key == '\r' || key == '\n')
		editor_newline(t->editor);
	else if (key == '\t' || (key >= 32 && key != KEY_DEL_CHAR && !(key & KEY_IS_CODE)))
		input_insert(t, (unsigned)key);
}

static void dispatch(struct tui *t, int key)
{
	if (key == CODE(KEY_PASTE_BEGIN) || key == CODE(KEY_PASTE_END)) {
		t->pasting = key == CODE(KEY_PASTE_BEGIN);
		if (t->pasting)
			search_end(t, true);
		editor_undo_group(t->editor, t->pasting); /* Ctrl-_ takes a paste back whole */
		return;
	}
	if (t->pasting) {
		paste_char(t, key);
		return;
	}
	if (search_key(t, key))
		return;
	if (t->ctrl_x) {
		t->ctrl_x = false;
		if (key == CTRL('E') || key == CTRL('U')) {
			(key == CTRL('E') ? act_compose : act_undo)(t);
			return;
		}
	}
	/* A panel sees plain keys and curses codes first; Alt-keys are the input's. */
	if (!(key & KEY_IS_ALT)) {
		bool is_code = key & KEY_IS_CODE;
		if (panel_key(t->panel, key & ~KEY_IS_CODE, is_code, t->chat, &t->ctx))
			return;
	} else if (panel_is_open(t->panel)) {
		return;
	}
	const struct key_binding *b = find(key);
	if (b != NULL)
		b->action(t);
	else if (key >= 32 && !(key & (KEY_IS_CODE | KEY_IS_ALT)))
		input_insert(t, (unsigned)key);
}

void keys_read(void *ud, int fd, short revents)
{
	struct tui *t = ud;
	wint_t wc;
	int rc;
	while (t->input_win != NULL && (rc = wget_wch(t->input_win, &wc)) != ERR) {
		int key = rc == KEY_CODE_YES ? CODE((int)wc) : (int)wc;
		if (key == KEY_ESCAPE && !t->pasting)
			key = escape_read(t->input_win);
		if (key == KEY_SWALLOWED)
			continue;
		if (key == CODE(KEY_SIXEL_ANSWER)) {
			/* The terminal answered images_setup's question: sixel, from this frame on.
			 */
			if (t->gfx_ask)
				tui_gfx_set_mode(PREVIEW_SIXEL);
			t->gfx_ask = false;
			t->need_render = true;
			continue;
		}
		chat_clear_error(t->chat);
		if (key != CTRL('C')) {
			input_hint(t, NULL);
			t->ctrl_c_ms = 0;
		}
		size_t had = editor_len(t->editor);
		dispatch(t, key);
		/* Emptying the input leaves an /edit, as Esc does (sending it forked already). */
		if (had > 0 && editor_len(t->editor) == 0 && chat_editing(t->chat))
			input_leave_edit(t, "the input was emptied");
		input_sync_ask(t);
		t->need_render = true;
	}
}
