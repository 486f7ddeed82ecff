/*
 * tui.c: the terminal front end. It owns the windows, turns keys into
 * editor moves, commands and chat actions, and repaints after each loop
 * round when something changed (at most about 60 times a second while an
 * answer streams). It never blocks: the loop waits for the terminal, the
 * network, the worker and timers together. No timer runs while idle.
 */
#include "jarvis/tui.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "jarvis/app.h"
#include "jarvis/chat.h"
#include "jarvis/cmd.h"
#include "jarvis/config.h"
#include "jarvis/editor.h"
#include "jarvis/loop.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "jarvis/version.h"

#include "draw.h"
#include "history.h"
#include "panels.h"
#include "rtl.h"
#include "termprobe.h"

#define KEY_ESC 27
#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END (KEY_MAX + 2)
#define RENDER_EVERY_MS 16
#define SPIN_EVERY_MS 120
#define MIN_COLS 20
#define MIN_LINES 6
#define HISTORY_MAX 1000

struct tui {
	const struct config *cfg;
	struct loop *loop;
	struct chat *chat;
	struct hist *hist;
	struct panel *panel;
	struct editor *editor;
	struct history *inputs;
	char *history_path;
	struct cmd_ctx ctx;

	WINDOW *hist_win, *status_win, *input_win;
	int lines, cols, input_h;
	bool colors;

	bool quit;
	bool need_render;
	long long last_render_ms;
	unsigned render_timer;
	unsigned spin_timer;
	unsigned spin;
	bool pasting;
	long long ctrl_c_ms; /* when Ctrl-C was pressed on an empty idle line */
	char *hint;          /* a short status hint until the next key */
	bool asking;         /* a command's question (ctx.then) holds the input */
	char *parked;        /* the draft put aside while it does */
};

static bool curses_active;

static const struct help_key help_keys[] = {
    {"Enter", "send the message"},
    {"Alt-Enter, C-j", "new line in the message"},
    {"C-a C-e C-b C-f", "start, end, back, forward"},
    {"Alt-b Alt-f", "word back, word forward"},
    {"C-d C-k C-u C-w", "delete; kill to end, to start, word"},
    {"C-y", "yank what was killed"},
    {"Up Down", "recall earlier messages"},
    {"PgUp PgDn wheel", "scroll the history"},
    {"Home End", "(empty input) top, bottom of history"},
    {"Tab", "complete a command or a path"},
    {"Esc, C-c", "stop the answer; keep what came"},
    {"C-c C-c, C-d", "quit (on an empty line)"},
    {"C-l", "redraw the screen"},
    {"F1 F2 F3", "help, models, conversations"},
};

static void open_panel(struct tui *t, const struct panel_ops *ops)
{
	panel_open(t->panel, ops, t->chat);
	if (panel_shows(t->panel, &help_panel))
		help_set_keys(t->panel, help_keys, ARRAY_LEN(help_keys));
}

static void restore_terminal(void)
{
	if (!curses_active)
		return;
	curses_active = false;
	/* Bracketed paste and mouse reporting off, then curses' own restore. */
	fputs("\033[?2004l", stdout);
	fflush(stdout);
	endwin();
}

static void start_colors(struct tui *t)
{
	t->colors = tui_colors_start(t->cfg->color);
}

/* ---- layout and drawing ------------------------------------------------ */

static const char *prompt_label(const struct tui *t)
{
	return t->ctx.ask_label ? t->ctx.ask_label : "›";
}

static int prompt_width(const struct tui *t)
{
	return (int)utf8_strwidth(prompt_label(t)) + 1;
}

static void layout(struct tui *t)
{
	getmaxyx(stdscr, t->lines, t->cols);
	int width = t->cols - prompt_width(t);
	if (width < 1)
		width = 1;
	struct editor_layout el;
	editor_layout(t->editor, width, &el);
	int max_h = t->lines / 3 > 1 ? t->lines / 3 : 1;
	int h = (int)el.nrows < max_h ? (int)el.nrows : max_h;
	editor_layout_free(&el);
	if (h < 1)
		h = 1;
	int hist_h = t->lines - h - 1;
	if (hist_h < 1)
		hist_h = 1;
	if (t->hist_win == NULL) {
		t->hist_win = newwin(hist_h, t->cols, 0, 0);
		t->status_win = newwin(1, t->cols, hist_h, 0);
		t->input_win = newwin(h, t->cols, hist_h + 1, 0);
	} else if (h != t->input_h || getmaxx(t->hist_win) != t->cols ||
	           getmaxy(t->hist_win) != hist_h) {
		wresize(t->hist_win, hist_h, t->cols);
		wresize(t->status_win, 1, t->cols);
		mvwin(t->status_win, hist_h, 0);
		wresize(t->input_win, h, t->cols);
		mvwin(t->input_win, hist_h + 1, 0);
	}
	keypad(t->input_win, TRUE);
	nodelay(t->input_win, TRUE);
	t->input_h = h;
}

static void draw_status(struct tui *t)
{
	WINDOW *w = t->status_win;
	werase(w);
	attr_t base = A_REVERSE;
	wmove(w, 0, 0);
	tui_fill(w, t->cols, base);
	wmove(w, 0, 0);
	const char *user = chat_user(t->chat);
	const struct conv *c = chat_conv(t->chat);
	struct buf left;
	buf_init(&left, 0);
	buf_printf(&left, " %s │ %s", user ? user : "guest", chat_model(t->chat));
	if (c->title != NULL)
		buf_printf(&left, " │ %s", c->title);
	if (chat_pending_images(t->chat) > 0)
		buf_printf(&left, " │ +%zu image%s", chat_pending_images(t->chat),
		           chat_pending_images(t->chat) == 1 ? "" : "s");
	int col = tui_put(w, left.data, left.len, t->cols, base | A_BOLD);
	buf_free(&left);

	struct buf right;
	buf_init(&right, 0);
	const char *err = chat_error(t->chat);
	attr_t ra = base;
	if (err != NULL) {
		buf_printf(&right, "%s ", err);
		ra = base | A_BOLD | tui_pair_attr(PAIR_ERROR);
	} else if (t->hint != NULL) {
		buf_printf(&right, "%s ", t->hint);
	} else {
		if (chat_streaming(t->chat)) {
			static const char *const frames[] = {"⠋", "⠙", "⠹", "⠸", "⠼",
			                                     "⠴", "⠦", "⠧", "⠇", "⠏"};
			buf_printf(&right, "%s streaming %.0f tok/s │ ", frames[t->spin % 10],
			           chat_rate(t->chat));
		}
		char *quota = chat_quota_line(t->chat);
		if (quota[0])
			buf_printf(&right, "%s │ ", quota);
		free(quota);
		const char *store = chat_store_state(t->chat);
		if (store[0])
			buf_printf(&right, "%s │ ", store);
		buf_puts(&right, "F1 help ");
	}
	tui_put_tail(w, 0, t->cols, t->cols - col - 1, right.data, ra);
	buf_free(&right);
}

/* Draws the input with masking for passwords; leaves the cursor where it belongs. */
static void draw_input(struct tui *t)
{
	WINDOW *w = t->input_win;
	werase(w);
	int pw = prompt_width(t);
	int width = t->cols - pw > 1 ? t->cols - pw : 1;
	const char *text = editor_text(t->editor);
	size_t len = editor_len(t->editor);
	size_t mask_from = len + 1;
	if (t->ctx.ask_secret)
		mask_from = 0;
	else if (!cmd_secret_offset(text, &mask_from))
		mask_from = len + 1;
	struct editor_layout el;
	editor_layout(t->editor, width, &el);
	int top = 0;
	if ((int)el.cur_row >= t->input_h)
		top = (int)el.cur_row - t->input_h + 1;
	wmove(w, 0, 0);
	tui_put(w, prompt_label(t), strlen(prompt_label(t)), pw,
	        A_BOLD | tui_pair_attr(t->ctx.ask_label ? PAIR_WARN : PAIR_USER));
	for (int y = 0; y < t->input_h && (size_t)(top + y) < el.nrows; y++) {
		const struct wrap_row *row = &el.rows[top + y];
		wmove(w, y, pw);
		size_t off = row->off, end = row->off + row->len;
		while (off < end) {
			size_t next = utf8_cluster_next(text, len, off);
			int cw = utf8_cluster_width(text, len, off, next);
			if (off >= mask_from) {
				for (int k = 0; k < cw; k++)
					waddstr(w, "•");
			} else if (text[off] == '\t') {
				waddch(w, ' ');
			} else {
				tui_put_cluster(w, text + off, next - off, cw);
			}
			off = next;
		}
	}
	wmove(w, (int)el.cur_row - top, pw + el.cur_col);
	editor_layout_free(&el);
}

static void render(struct tui *t)
{
	t->need_render = false;
	t->last_render_ms = now_ms();
	tui_joined_reset();
	int lines, cols;
	getmaxyx(stdscr, lines, cols);
	if (cols < MIN_COLS || lines < MIN_LINES) {
		werase(stdscr);
		/* Word by word, so that even a very narrow terminal shows it. */
		static const char *const words[] = {"terminal", "too",  "small:", "make",
		                                    "it",       "20x6", "or",     "more"};
		int y = 0, x = 0;
		for (size_t i = 0; i < ARRAY_LEN(words) && y < lines; i++) {
			int n = (int)strlen(words[i]);
			if (x > 0 && x + 1 + n > cols) {
				y++;
				x = 0;
			}
			if (y >= lines)
				break;
			mvaddnstr(y, x + (x > 0), words[i], cols - x - (x > 0));
			x += n + (x > 0);
		}
		curs_set(0);
		wnoutrefresh(stdscr);
		doupdate();
		tui_joined_flush();
		return;
	}
	layout(t);
	const struct conv *c = chat_conv(t->chat);
	int hist_h = getmaxy(t->hist_win);
	hist_shift(t->hist, chat_take_prepended(t->chat));
	hist_sync(t->hist, c, chat_epoch(t->chat));
	/* Scrolled up, the last row is the marker's: history stops one row short. */
	bool following = hist_following(t->hist);
	int rows = following || hist_h < 2 ? hist_h : hist_h - 1;
	hist_draw(t->hist, t->hist_win, c, rows, t->cols);
	size_t below = hist_below(t->hist);
	if (below > 0) {
		char *mark = xasprintf(" ↓ %zu more line%s (End) ", below, below == 1 ? "" : "s");
		int mw = (int)utf8_strwidth(mark);
		if (mw > t->cols)
			mw = t->cols;
		wmove(t->hist_win, hist_h - 1, 0);
		wclrtoeol(t->hist_win);
		wmove(t->hist_win, hist_h - 1, t->cols - mw - 1 > 0 ? t->cols - mw - 1 : 0);
		tui_put(t->hist_win, mark, strlen(mark), mw, A_REVERSE);
		free(mark);
	}
	draw_status(t);
	draw_input(t);
	wnoutrefresh(t->hist_win);
	wnoutrefresh(t->status_win);
	if (panel_is_open(t->panel)) {
		panel_draw(t->panel, t->chat, t->lines, t->cols);
		curs_set(0);
	} else {
		curs_set(1);
		wnoutrefresh(t->input_win); /* last, so the cursor ends in the input */
	}
	doupdate();
	tui_joined_flush();
}

static void render_now(void *ud)
{
	struct tui *t = ud;
	t->render_timer = 0;
	render(t);
}

/* Renders now, or soon when the last render was very recent. */
static void request_render(struct tui *t)
{
	if (t->render_timer != 0)
		return;
	long long since = now_ms() - t->last_render_ms;
	if (since >= RENDER_EVERY_MS)
		render(t);
	else
		t->render_timer = loop_timer_add(t->loop, RENDER_EVERY_MS - since, render_now, t);
}

static void spin(void *ud)
{
	struct tui *t = ud;
	t->spin_timer = 0;
	if (!chat_streaming(t->chat))
		return;
	t->spin++;
	t->need_render = true;
	t->spin_timer = loop_timer_add(t->loop, SPIN_EVERY_MS, spin, t);
}

/* ---- keys -------------------------------------------------------------- */

static void set_hint(struct tui *t, const char *hint)
{
	free(t->hint);
	t->hint = hint ? xstrdup(hint) : NULL;
}

static void insert_key(struct tui *t, wint_t wc)
{
	char utf[4];
	size_t n = utf8_encode((uint32_t)wc, utf);
	editor_insert(t->editor, utf, n);
}

/* True while the input holds (or is about to hold) a password. */
static bool input_secret(const struct tui *t)
{
	size_t off;
	return t->ctx.ask_secret || cmd_secret_offset(editor_text(t->editor), &off);
}

/* Overwrites the input's bytes before emptying it: a password must not linger. */
static void wipe_input(struct tui *t)
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

/* Deletes without the kill ring, for lines holding a password. */
static void secret_kill(struct tui *t, int key)
{
	if (key == 21) {
		wipe_input(t);
	} else if (key == 11) {
		while (editor_delete_forward(t->editor))
			;
	} else if (key == 23) {
		const char *s = editor_text(t->editor);
		while (editor_cursor(t->editor) > 0 && s[editor_cursor(t->editor) - 1] == ' ')
			editor_delete_back(t->editor);
		while (editor_cursor(t->editor) > 0 && s[editor_cursor(t->editor) - 1] != ' ')
			editor_delete_back(t->editor);
	}
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
	if (t->ctx.show_help) {
		t->ctx.show_help = false;
		open_panel(t, &help_panel);
	}
	if (t->ctx.show_models) {
		t->ctx.show_models = false;
		open_panel(t, &model_panel);
	}
}

static void save_history(struct tui *t)
{
	if (t->history_path != NULL)
		history_save(t->inputs, t->history_path, NULL);
}

static void submit(struct tui *t)
{
	char *text = editor_get_text(t->editor);
	char *cause = NULL;
	if (t->ctx.then != NULL) {
		/* An answer to a question (maybe a password): never kept anywhere. */
		wipe_input(t);
		if (cmd_answer(&t->ctx, text, &cause) == -1) {
			show_cause(t, cause);
			cmd_ctx_reset(&t->ctx);
		}
		free_secret(text);
		after_command(t);
		return;
	}
	/* A command with blanks before it is still a command (and maybe a password). */
	if (text[strspn(text, " \t")] == '/') {
		size_t off;
		bool secret = cmd_secret_offset(text, &off);
		int rc = cmd_run(&t->ctx, text, &cause);
		/* A line that named no command may be a mistyped password command. */
		if (!secret && cmd_known(text)) {
			history_add(t->inputs, text);
			save_history(t);
		}
		if (secret)
			wipe_input(t);
		else if (rc == 0)
			editor_clear(t->editor);
		if (rc == -1)
			show_cause(t, cause);
		free_secret(text);
		after_command(t);
		return;
	}
	if (chat_send(t->chat, text, &cause) == -1) {
		/* Not sent: the text stays in the input to fix or send again. */
		show_cause(t, cause);
		free(text);
		return;
	}
	history_add(t->inputs, text);
	save_history(t);
	history_reset(t->inputs);
	editor_clear(t->editor);
	hist_follow(t->hist);
	free(text);
}

static void complete(struct tui *t)
{
	const char *text = editor_text(t->editor);
	if (text[0] != '/' || editor_cursor(t->editor) != editor_len(t->editor))
		return;
	char *cands[64];
	size_t n = cmd_complete(text, cands, ARRAY_LEN(cands));
	if (n == 0) {
		set_hint(t, "no completions");
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
	const char *space = strrchr(text, ' ');
	size_t word_start = space ? (size_t)(space - text) + 1 : 0;
	struct buf b;
	buf_init(&b, 0);
	buf_append(&b, text, word_start);
	buf_append(&b, cands[0], common);
	if (n == 1 && cands[0][common - 1] != '/')
		buf_puts(&b, " ");
	editor_set_text(t->editor, b.data);
	buf_free(&b);
	if (n > 1) {
		struct buf list;
		buf_init(&list, 4096);
		for (size_t i = 0; i < n; i++)
			buf_printf(&list, "%s%s", i ? "  " : "", cands[i]);
		set_hint(t, list.data);
		buf_free(&list);
	}
	for (size_t i = 0; i < n; i++)
		free(cands[i]);
}

static bool cursor_on_first_row(struct tui *t)
{
	const char *text = editor_text(t->editor);
	return memchr(text, '\n', editor_cursor(t->editor)) == NULL;
}

static bool cursor_on_last_row(struct tui *t)
{
	const char *text = editor_text(t->editor);
	return strchr(text + editor_cursor(t->editor), '\n') == NULL;
}

static void history_move(struct tui *t, bool up)
{
	if (t->ctx.then != NULL)
		return; /* answers to questions have no history */
	if (input_secret(t))
		wipe_input(t); /* never parked as a draft */
	char *current = editor_get_text(t->editor);
	const char *line = up ? history_up(t->inputs, current) : history_down(t->inputs, current);
	if (line != NULL)
		editor_set_text(t->editor, line);
	free(current);
}

static void key_ctrl_c(struct tui *t)
{
	if (t->ctx.then != NULL) {
		cmd_ctx_reset(&t->ctx);
		wipe_input(t);
		return;
	}
	if (chat_streaming(t->chat)) {
		chat_stop(t->chat, NULL);
		return;
	}
	if (editor_len(t->editor) > 0) {
		wipe_input(t);
		return;
	}
	long long now = now_ms();
	if (t->ctrl_c_ms != 0 && now - t->ctrl_c_ms < 2000) {
		t->quit = true;
		return;
	}
	t->ctrl_c_ms = now;
	set_hint(t, "press Ctrl-C again to quit");
}

static void key_alt(struct tui *t, wint_t wc)
{
	switch (wc) {
	case '\r':
	case '\n':
		editor_newline(t->editor);
		break;
	case 'b':
		editor_word_left(t->editor);
		break;
	case 'f':
		editor_word_right(t->editor);
		break;
	default:
		break;
	}
}

/* At the top of what is loaded: ask the store for the page before it. */
static void maybe_load_older(struct tui *t)
{
	if (hist_at_top(t->hist))
		chat_load_older(t->chat);
}

static void key_code(struct tui *t, int key)
{
	int page = t->hist_win ? getmaxy(t->hist_win) - 1 : 10;
	const struct conv *c = chat_conv(t->chat);
	switch (key) {
	case KEY_RESIZE:
		break;
	case KEY_PASTE_BEGIN:
		t->pasting = true;
		break;
	case KEY_PASTE_END:
		t->pasting = false;
		break;
	case KEY_F(1):
		open_panel(t, &help_panel);
		break;
	case KEY_F(2):
		open_panel(t, &model_panel);
		break;
	case KEY_F(3):
		open_panel(t, &conv_panel);
		break;
	case KEY_ENTER:
		submit(t);
		break;
	case KEY_LEFT:
		editor_left(t->editor);
		break;
	case KEY_RIGHT:
		editor_right(t->editor);
		break;
	case KEY_UP:
		if (cursor_on_first_row(t))
			history_move(t, true);
		else
			editor_up(t->editor, t->cols - prompt_width(t));
		break;
	case KEY_DOWN:
		if (cursor_on_last_row(t))
			history_move(t, false);
		else
			editor_down(t->editor, t->cols - prompt_width(t));
		break;
	case KEY_HOME:
		if (editor_len(t->editor) > 0)
			editor_home(t->editor);
		else
			hist_top(t->hist);
		if (editor_len(t->editor) == 0)
			maybe_load_older(t);
		break;
	case KEY_END:
		if (editor_len(t->editor) > 0)
			editor_end(t->editor);
		else
			hist_follow(t->hist);
		break;
	case KEY_PPAGE:
		hist_scroll(t->hist, c, -page, getmaxy(t->hist_win), t->cols);
		maybe_load_older(t);
		break;
	case KEY_NPAGE:
		hist_scroll(t->hist, c, page, getmaxy(t->hist_win), t->cols);
		break;
	case KEY_BACKSPACE:
		editor_delete_back(t->editor);
		break;
	case KEY_DC:
		editor_delete_forward(t->editor);
		break;
	case KEY_MOUSE: {
		MEVENT ev;
		if (getmouse(&ev) == OK) {
			if (ev.bstate & BUTTON4_PRESSED) {
				hist_scroll(t->hist, c, -3, getmaxy(t->hist_win), t->cols);
				maybe_load_older(t);
			}
#ifdef BUTTON5_PRESSED
			else if (ev.bstate & BUTTON5_PRESSED)
				hist_scroll(t->hist, c, 3, getmaxy(t->hist_win), t->cols);
#endif
		}
		break;
	}
	default:
		break;
	}
}

static void key_char(struct tui *t, wint_t wc)
{
	if (t->pasting) {
		/* Pasted text is inserted as it is: Enter never sends from a paste. */
		if (wc == '\r' || wc == '\n')
			editor_newline(t->editor);
		else if (wc == '\t' || wc >= 32)
			insert_key(t, wc);
		return;
	}
	if ((wc == 11 || wc == 21 || wc == 23 || wc == 25) && input_secret(t)) {
		secret_kill(t, (int)wc);
		return;
	}
	switch (wc) {
	case '\r':
		submit(t);
		return;
	case '\n': /* Ctrl-J */
		editor_newline(t->editor);
		return;
	case 1:
		editor_home(t->editor);
		return;
	case 2:
		editor_left(t->editor);
		return;
	case 3:
		key_ctrl_c(t);
		return;
	case 4:
		if (editor_len(t->editor) == 0 && t->ctx.then == NULL)
			t->quit = true;
		else
			editor_delete_forward(t->editor);
		return;
	case 5:
		editor_end(t->editor);
		return;
	case 6:
		editor_right(t->editor);
		return;
	case 8:
	case 127:
		editor_delete_back(t->editor);
		return;
	case '\t':
		complete(t);
		return;
	case 11:
		editor_kill_eol(t->editor);
		return;
	case 12:
		clearok(curscr, TRUE);
		return;
	case 21:
		editor_kill_bol(t->editor);
		return;
	case 23:
		editor_kill_word_back(t->editor);
		return;
	case 25:
		editor_yank(t->editor);
		return;
	default:
		if (wc >= 32)
			insert_key(t, wc);
		return;
	}
}

static void key_escape(struct tui *t)
{
	if (t->ctx.then != NULL) {
		cmd_ctx_reset(&t->ctx);
		wipe_input(t);
		chat_notice(t->chat, "cancelled");
	} else if (chat_streaming(t->chat)) {
		chat_stop(t->chat, NULL);
	}
}

/*
 * A question (a password, F3's new title) borrows the input line: the
 * draft being typed is put aside when it starts and given back, as it was,
 * when it is answered or cancelled. A question never eats a draft.
 */
static void sync_ask(struct tui *t)
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

static void read_keys(void *ud, int fd, short revents)
{
	struct tui *t = ud;
	wint_t wc;
	int rc;
	while (t->input_win != NULL && (rc = wget_wch(t->input_win, &wc)) != ERR) {
		bool is_code = rc == KEY_CODE_YES;
		chat_clear_error(t->chat);
		if (!(!is_code && wc == 3))
			set_hint(t, NULL);
		if (!is_code && wc != 3)
			t->ctrl_c_ms = 0;
		if (!is_code && wc == KEY_ESC && !t->pasting) {
			/* Alt-x arrives as ESC x; a lone ESC has nothing after it. */
			wint_t next;
			int rc2 = wget_wch(t->input_win, &next);
			if (rc2 == ERR) {
				if (!panel_key(t->panel, KEY_ESC, false, t->chat, &t->ctx))
					key_escape(t);
			} else if (rc2 == OK) {
				key_alt(t, next);
			}
		} else if (!panel_key(t->panel, (int)wc, is_code, t->chat, &t->ctx)) {
			if (is_code)
				key_code(t, (int)wc);
			else
				key_char(t, wc);
		}
		sync_ask(t);
		t->need_render = true;
	}
}

/* ---- signals and life cycle -------------------------------------------- */

static void on_quit_signal(void *ud, int signo)
{
	struct tui *t = ud;
	t->quit = true;
}

static void on_winch(void *ud, int signo)
{
	struct tui *t = ud;
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	t->need_render = true;
}

static int start_curses(struct tui *t)
{
	if (newterm(NULL, stdout, stdin) == NULL)
		return -1;
	curses_active = true;
	atexit(restore_terminal);
	raw();
	noecho();
	nonl();
	struct termprobe_result widths;
	termprobe_start(termprobe_mode_parse(t->cfg->emoji_width), t->cfg->cache_dir, &widths);
	tui_rtl_setup(bidi_mode_parse(t->cfg->bidi));
	set_escdelay(25);
	start_colors(t);
	/* Bracketed paste: the terminal wraps pastes in these two sequences. */
	define_key("\033[200~", KEY_PASTE_BEGIN);
	define_key("\033[201~", KEY_PASTE_END);
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	if (t->cfg->mouse)
		mousemask(BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		              | BUTTON5_PRESSED
#endif
		          ,
		          NULL);
	return 0;
}

int tui_run(const struct config *cfg)
{
	struct tui t;
	memset(&t, 0, sizeof t);
	t.cfg = cfg;
	char *cause = NULL;
	t.loop = loop_new(&cause);
	if (t.loop == NULL) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	t.chat = chat_new(t.loop, cfg, &cause);
	if (t.chat == NULL) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		loop_free(t.loop);
		return EXIT_USAGE;
	}
	t.ctx.chat = t.chat;
	t.hist = hist_new(cfg->markdown);
	t.panel = panel_new();
	t.editor = editor_new();
	t.inputs = history_new(HISTORY_MAX);
	t.history_path = xasprintf("%s/history", cfg->state_dir);
	history_load(t.inputs, t.history_path, NULL);

	if (start_curses(&t) == -1) {
		fputs("jarvis: cannot start the terminal interface (is TERM set?)\n", stderr);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	loop_catch_signal(t.loop, SIGTERM, on_quit_signal, &t);
	loop_catch_signal(t.loop, SIGHUP, on_quit_signal, &t);
	loop_catch_signal(t.loop, SIGINT, on_quit_signal, &t);
	loop_catch_signal(t.loop, SIGWINCH, on_winch, &t);
	loop_add_fd(t.loop, STDIN_FILENO, POLLIN, read_keys, &t);
	chat_notice(t.chat,
	            "Jarvis " JARVIS_VERSION ". Type a message and press Enter; F1 for help.");
	if (cfg->api_key == NULL || cfg->api_key[0] == '\0')
		chat_notice(t.chat, "no API key yet: set GEMINI_API_KEY (or [gemini] api_key in "
		                    "the config) and start Jarvis again");
	chat_fetch_models(t.chat);
	layout(&t);
	render(&t);

	while (!t.quit) {
		loop_run_once(t.loop, -1);
		unsigned d = chat_take_dirty(t.chat);
		char *back = chat_take_restore(t.chat);
		if (back != NULL) {
			/* While a question holds the input, the draft is the parked one. */
			if (t.asking && (t.parked == NULL || t.parked[0] == '\0')) {
				free(t.parked);
				t.parked = back;
				back = NULL;
			} else if (!t.asking && editor_len(t.editor) == 0) {
				editor_set_text(t.editor, back);
			}
			free(back);
		}
		if (d & CHAT_DIRTY_QUIT)
			t.quit = true;
		if (d != 0)
			t.need_render = true;
		if (chat_streaming(t.chat) && t.spin_timer == 0)
			t.spin_timer = loop_timer_add(t.loop, SPIN_EVERY_MS, spin, &t);
		if (t.need_render && !t.quit)
			request_render(&t);
	}

	if (t.render_timer)
		loop_timer_cancel(t.loop, t.render_timer);
	if (t.spin_timer)
		loop_timer_cancel(t.loop, t.spin_timer);
	restore_terminal();
	save_history(&t);
	/* Stops a stream (kept as interrupted) and waits for the store writes. */
	chat_free(t.chat);
	cmd_ctx_reset(&t.ctx);
	hist_free(t.hist);
	panel_free(t.panel);
	wipe_input(&t);
	editor_free(t.editor);
	history_free(t.inputs);
	free(t.history_path);
	free(t.hint);
	free(t.parked);
	if (t.hist_win)
		delwin(t.hist_win);
	if (t.status_win)
		delwin(t.status_win);
	if (t.input_win)
		delwin(t.input_win);
	loop_free(t.loop);
	return EXIT_OK;
}
