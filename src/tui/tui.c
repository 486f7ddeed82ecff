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

#include "jarvis/chat.h"
#include "jarvis/cmd.h"
#include "jarvis/config.h"
#include "jarvis/editor.h"
#include "jarvis/exit.h"
#include "jarvis/loop.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "jarvis/version.h"

#include "draw.h"
#include "graphics.h"
#include "history.h"
#include "keys.h"
#include "panels.h"
#include "rtl.h"
#include "state.h"
#include "termprobe.h"

#define RENDER_EVERY_MS 16
/*
 * While an answer streams in and nothing else asks for a frame, at most
 * one frame this often: the live API sends an event every ~17 ms, and a
 * frame each costs more in curses and terminal writes than the text does.
 */
#define RENDER_STREAM_MS 33
#define SPIN_EVERY_MS 120
#define MIN_COLS 20
#define MIN_LINES 6
#define RECALL_MAX 1000

static bool curses_active;

static void restore_terminal(void)
{
	if (!curses_active)
		return;
	curses_active = false;
	/*
	 * Bracketed paste, the keyboard reports and mouse reporting off, images
	 * away, then curses' own restore.
	 */
	tui_term_modes(false);
	tui_gfx_clear();
	endwin();
}

static void start_colors(struct tui *t)
{
	t->colors = tui_colors_start(t->cfg->color);
}

/* ---- layout and drawing ------------------------------------------------ */

static void layout(struct tui *t)
{
	getmaxyx(stdscr, t->lines, t->cols);
	int width = t->cols - input_prompt_width(t);
	if (width < 1)
		width = 1;
	struct editor_layout el;
	editor_layout(t->editor, width, &el);
	int max_h = t->lines / 3 > 1 ? t->lines / 3 : 1;
	int h = (int)el.nrows < max_h ? (int)el.nrows : max_h;
	if (h < 1)
		h = 1;
	int queue_h = t->queued != NULL && t->lines - h - 1 > 2 ? 1 : 0;
	int hist_h = t->lines - h - 1 - queue_h;
	if (hist_h < 1)
		hist_h = 1;
	if (queue_h == 0 && t->queue_win != NULL) {
		delwin(t->queue_win);
		t->queue_win = NULL;
	} else if (queue_h == 1 && t->queue_win == NULL) {
		t->queue_win = newwin(1, t->cols, hist_h, 0);
	} else if (queue_h == 1) {
		wresize(t->queue_win, 1, t->cols);
		mvwin(t->queue_win, hist_h, 0);
	}
	if (t->hist_win == NULL) {
		t->hist_win = newwin(hist_h, t->cols, 0, 0);
		t->status_win = newwin(1, t->cols, hist_h, 0);
		t->input_win = newwin(h, t->cols, hist_h + 1, 0);
		/* Once: keypad() writes the terminal's keypad mode and flushes it,
		 * which on every frame would be a write of its own. */
		keypad(t->input_win, TRUE);
		nodelay(t->input_win, TRUE);
	} else if (h != t->input_h || getmaxx(t->hist_win) != t->cols ||
	           getmaxy(t->hist_win) != hist_h) {
		wresize(t->hist_win, hist_h, t->cols);
		wresize(t->status_win, 1, t->cols);
		mvwin(t->status_win, hist_h + queue_h, 0);
		wresize(t->input_win, h, t->cols);
		mvwin(t->input_win, hist_h + queue_h + 1, 0);
	}
	t->input_h = h;
	chat_set_cols(t->chat, t->cols);
}

/* The queued message's row: its first line, and how to take it back. */
static void draw_queued(struct tui *t)
{
	WINDOW *w = t->queue_win;
	if (w == NULL)
		return;
	werase(w);
	const char *q = t->queued;
	size_t n = strcspn(q, "\n");
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	buf_addf(&b, " queued: %.*s%s", (int)n, q, q[n] ? " …" : "");
	const char *tail = "  (sent when the answer ends; Esc takes it back) ";
	wmove(w, 0, 0);
	int col = tui_put(w, b.data, b.len, t->cols, A_DIM | tui_pair_attr(PAIR_USER));
	tui_put_tail(w, 0, t->cols, t->cols - col - 1, tail, A_DIM);
	buf_release(&b);
	wnoutrefresh(w);
}

/* Draws the input with masking for passwords; leaves the cursor where it belongs. */
static void draw_input(struct tui *t)
{
	WINDOW *w = t->input_win;
	werase(w);
	int pw = input_prompt_width(t);
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
	tui_put(w, input_prompt(t), strlen(input_prompt(t)), pw,
	        A_BOLD | tui_pair_attr(t->ctx.ask_label || t->searching ? PAIR_WARN : PAIR_USER));
	for (int y = 0; y < t->input_h && (size_t)(top + y) < el.nrows; y++) {
		const struct wrap_row *row = editor_layout_row(&el, (size_t)(top + y));
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
	/* Rows out of view are counted on the top and bottom rows, as the history does. */
	size_t below =
	    el.nrows > (size_t)(top + t->input_h) ? el.nrows - (size_t)(top + t->input_h) : 0;
	for (int k = 0; k < 2 && t->input_h > 1; k++) {
		size_t n = k == 0 ? (size_t)top : below;
		if (n == 0)
			continue;
		char *mark =
		    xasprintf(" %s %zu more line%s ", k == 0 ? "↑" : "↓", n, n == 1 ? "" : "s");
		int mw = (int)utf8_strwidth(mark);
		if (mw < t->cols - pw) {
			wmove(w, k == 0 ? 0 : t->input_h - 1, t->cols - mw - 1);
			tui_put(w, mark, strlen(mark), mw, A_REVERSE);
		}
		free(mark);
	}
	wmove(w, (int)el.cur_row - top, pw + el.cur_col);
}

/*
 * Synchronized output (DEC mode 2026): the terminal holds what a frame
 * writes and shows it whole, so a fast stream never tears. Only for a
 * terminal that said it knows the mode; curses has flushed its own output
 * by the time doupdate() returns.
 */
static void frame_sync(const struct tui *t, bool begin)
{
	if (!t->sync)
		return;
	const char *seq = begin ? "\033[?2026h" : "\033[?2026l";
	size_t n = strlen(seq);
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, seq, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		seq += w;
		n -= (size_t)w;
	}
}

/* Sends the frame: curses's changes, then what is written over them, as one. */
static void frame_send(const struct tui *t)
{
	frame_sync(t, true);
	tui_gfx_before_update();
	doupdate();
	tui_joined_flush();
	tui_gfx_flush();
	frame_sync(t, false);
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
		tui_gfx_begin(false);
		wnoutrefresh(stdscr);
		frame_send(t);
		return;
	}
	layout(t);
	const struct conv *c = chat_conv(t->chat);
	int hist_h = getmaxy(t->hist_win);
	/* First: an error too long for it goes to the history, drawn in this frame. */
	tui_draw_status(t);
	if (chat_conv_serial(t->chat) != t->conv_serial) {
		/* Another conversation opens at its end, not where the last one was read. */
		t->conv_serial = chat_conv_serial(t->chat);
		hist_follow(t->hist);
	}
	hist_shift(t->hist, chat_take_prepended(t->chat));
	hist_sync(t->hist, c, chat_epoch(t->chat));
	hist_show_thoughts(t->hist, chat_thoughts_open(t->chat));
	/* Scrolled up, the last row is the marker's: history stops one row short. */
	bool following = hist_following(t->hist);
	int rows = following || hist_h < 2 ? hist_h : hist_h - 1;
	/* An open panel covers the history: its images are drawn in symbols under it. */
	tui_gfx_begin(!panel_is_open(t->panel));
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
	draw_queued(t);
	draw_input(t);
	wnoutrefresh(t->hist_win);
	wnoutrefresh(t->status_win);
	if (panel_is_open(t->panel)) {
		/* Under the panel too: after a resize its old frame is on the input row. */
		wnoutrefresh(t->input_win);
		panel_draw(t->panel, t->chat, t->lines, getbegy(t->status_win), t->cols);
		curs_set(0);
	} else {
		curs_set(1);
		wnoutrefresh(t->input_win); /* last, so the cursor ends in the input */
	}
	frame_send(t);
}

static void render_now(void *ud)
{
	struct tui *t = ud;
	t->render_timer = 0;
	render(t);
}

/* Renders now, or soon when the last render was less than every ms ago. */
static void request_render(struct tui *t, long long every)
{
	long long now = now_ms(), due = t->last_render_ms + every;
	if (t->render_timer != 0) {
		if (due >= t->render_due)
			return;
		loop_timer_cancel(t->loop, t->render_timer); /* a key: sooner */
		t->render_timer = 0;
	}
	if (now >= due) {
		render(t);
	} else {
		t->render_due = due;
		t->render_timer = loop_timer_add(t->loop, due - now, render_now, t);
	}
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

/* ---- signals and life cycle -------------------------------------------- */

static void on_quit_signal(void *ud, int signo)
{
	struct tui *t = ud;
	t->quit = true;
	if (t->quit_signal == 0)
		t->quit_signal = signo;
}

static void on_winch(void *ud, int signo)
{
	struct tui *t = ud;
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	tui_gfx_update_cell_size(); /* the font may have changed too */
	clearok(curscr, TRUE);
	t->need_render = true;
}

/*
 * How images are drawn: [ui] images names it, or auto asks the environment
 * (termprobe_graphics); when that cannot tell, the terminal is asked after
 * the first paint (DA1: a 4 among its answer's attributes means sixel), and
 * the keys decoder hands the answer back (KEY_SIXEL_ANSWER).
 */
static void images_setup(struct tui *t)
{
	const char *im = t->cfg->images;
	enum preview_pixels px = PREVIEW_SYMBOLS;
	if (strcmp(im, "kitty") == 0) {
		px = PREVIEW_KITTY;
	} else if (strcmp(im, "sixel") == 0) {
		px = PREVIEW_SIXEL;
	} else if (strcmp(im, "auto") == 0) {
		enum termprobe_graphics g = termprobe_graphics();
		px = g == TERMPROBE_GFX_KITTY   ? PREVIEW_KITTY
		     : g == TERMPROBE_GFX_SIXEL ? PREVIEW_SIXEL
		                                : PREVIEW_SYMBOLS;
		t->gfx_ask = g == TERMPROBE_GFX_ASK;
	}
	tui_gfx_set_mode(px);
	tui_gfx_update_cell_size();
}

static int start_curses(struct tui *t)
{
	if (newterm(NULL, stdout, stdin) == NULL)
		return -1;
	curses_active = true;
	atexit(restore_terminal);
	/*
	 * Until a screen has been through endwin() once, ncurses (6.4) takes it
	 * for a low-level terminfo user and writes out after every cursor
	 * move: a streamed frame went out as dozens of small writes, each a
	 * system call and a wakeup of the terminal. Leaving and taking the
	 * screen back at once, before anything is drawn, makes each frame one
	 * write; what the terminal shows is the same.
	 */
	endwin();
	refresh();
	raw();
	noecho();
	nonl();
	struct termprobe_result widths;
	termprobe_start(termprobe_mode_parse(t->cfg->emoji_width), t->cfg->cache_dir, &widths);
	t->sync = widths.mode2026;
	hist_set_terminal(t->hist, t->cfg->markdown && termprobe_hyperlinks(), termprobe_strike());
	hist_show_images(t->hist, strcmp(t->cfg->images, "off") != 0);
	images_setup(t);
	tui_rtl_setup(bidi_mode_parse(t->cfg->bidi));
	set_escdelay(25);
	start_colors(t);
	keys_setup();
	/*
	 * Any mask makes the terminal report presses (never motion: no
	 * REPORT_MOUSE_POSITION), so its own selection needs Shift-drag; off
	 * leaves the mouse to the terminal.
	 */
	mmask_t mask = BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
	mask |= BUTTON5_PRESSED;
#endif
	if (strcmp(t->cfg->mouse, "full") == 0)
		mask |= BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED;
	if (strcmp(t->cfg->mouse, "off") != 0) {
		mouseinterval(0); /* a press is acted on at once, not held back for a click */
		mousemask(mask, NULL);
	}
	return 0;
}

int tui_run(const struct config *cfg, const char *conv_id)
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
	t.chat = chat_new(t.loop, cfg);
	t.ctx.chat = t.chat;
	if (conv_id != NULL)
		chat_open_at_start(t.chat, conv_id); /* after the login check, on the worker */
	t.hist = hist_new(cfg->markdown);
	t.panel = panel_new();
	t.editor = editor_new();
	t.inputs = recall_new(RECALL_MAX);
	t.recall_path = xasprintf("%s/history", cfg->state_dir);
	recall_load(t.inputs, t.recall_path, NULL);

	if (start_curses(&t) == -1) {
		/* newterm fails for a TERM without a terminfo entry (e.g. xterm-kitty on a
		 * machine without kitty's): name it, and say the two ways out. */
		const char *term = getenv("TERM");
		if (term == NULL || term[0] == '\0')
			fputs(
			    "jarvis: cannot start the terminal interface: TERM is not set; set it "
			    "to your terminal's type (e.g. TERM=xterm-256color)\n",
			    stderr);
		else
			fprintf(stderr,
			        "jarvis: cannot start the terminal interface: TERM=%s has no "
			        "terminfo entry on this system; run with TERM=xterm-256color, or "
			        "install the entry (Debian: ncurses-term, or kitty-terminfo for "
			        "kitty)\n",
			        term);
		chat_free(t.chat); /* nothing was started: only what was made goes */
		hist_free(t.hist);
		panel_free(t.panel);
		editor_free(t.editor);
		recall_free(t.inputs);
		free(t.recall_path);
		loop_free(t.loop);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	loop_catch_signal(t.loop, SIGTERM, on_quit_signal, &t);
	loop_catch_signal(t.loop, SIGHUP, on_quit_signal, &t);
	loop_catch_signal(t.loop, SIGINT, on_quit_signal, &t);
	loop_catch_signal(t.loop, SIGWINCH, on_winch, &t);
	/* Stopped by kill -STOP and continued: whatever the shell drew is painted over. */
	loop_catch_signal(t.loop, SIGCONT, on_winch, &t);
	loop_catch_signal(t.loop, SIGTSTP, tui_on_stop_signal, &t);
	loop_add_fd(t.loop, STDIN_FILENO, POLLIN, keys_read, &t);
	chat_notice(t.chat,
	            "Jarvis " JARVIS_VERSION ". Type a message and press Enter; F1 for help.");
	if (cfg->api_key == NULL || cfg->api_key[0] == '\0')
		chat_notice(t.chat, "no API key yet: set GEMINI_API_KEY (or [gemini] api_key in "
		                    "the config) and start Jarvis again");
	layout(&t);
	render(&t);
	/* After the first frame: on the alternate screen (kitty keeps flags per screen). */
	tui_term_modes(true);
	/* After the first paint, so the start never waits for the store or the login. */
	chat_start(t.chat);
	if (t.gfx_ask) {
		/* After the first paint, so the start never waits for it. */
		ssize_t w = write(STDOUT_FILENO, "\033[c", 3);
		t.gfx_ask = w == 3;
	}

	while (!t.quit) {
		loop_run_once(t.loop, -1);
		bool asked = t.need_render; /* by a key, a resize or the spinner */
		unsigned d = chat_take_dirty(t.chat);
		char *back = chat_take_restore(t.chat);
		if (back != NULL) {
			/* While a question holds the input, the draft is the parked one. */
			if (t.asking && (t.parked == NULL || t.parked[0] == '\0')) {
				free(t.parked);
				free(t.offered);
				t.parked = back;
				back = NULL;
			} else if (!t.asking && editor_len(t.editor) == 0) {
				editor_set_text(t.editor, back);
			}
			free(back);
		}
		char *del_id, *del_title;
		if (chat_take_delete_ask(t.chat, &del_id, &del_title)) {
			/* /delete ID checked with the store: now the question (none if one is
			 * open). */
			if (t.ctx.then == NULL) {
				cmd_ask_delete(&t.ctx, del_id, del_title);
				input_sync_ask(&t);
				t.need_render = true;
			}
			free(del_id);
			free(del_title);
		}
		if (d & CHAT_DIRTY_QUIT)
			t.quit = true;
		input_send_queued(&t);
		if (d != 0)
			t.need_render = true;
		if (chat_streaming(t.chat) && t.spin_timer == 0)
			t.spin_timer = loop_timer_add(t.loop, SPIN_EVERY_MS, spin, &t);
		/* The network is up now: the model list brings the input limit (ctx). */
		if (chat_streaming(t.chat))
			chat_fetch_models(t.chat);
		if (t.need_render && !t.quit) {
			request_render(&t, asked || !chat_streaming(t.chat) ? RENDER_EVERY_MS
			                                                    : RENDER_STREAM_MS);
			t.need_render = false; /* rendered, or its timer will */
		}
	}

	if (t.render_timer)
		loop_timer_cancel(t.loop, t.render_timer);
	if (t.spin_timer)
		loop_timer_cancel(t.loop, t.spin_timer);
	if (t.ctrl_c_timer)
		loop_timer_cancel(t.loop, t.ctrl_c_timer);
	if (t.hint_timer)
		loop_timer_cancel(t.loop, t.hint_timer);
	restore_terminal();
	input_keep_at_quit(&t);
	/* Stops a stream (kept as interrupted) and waits for the store writes. */
	chat_free(t.chat);
	cmd_ctx_reset(&t.ctx);
	hist_free(t.hist);
	panel_free(t.panel);
	input_wipe(&t);
	editor_free(t.editor);
	recall_free(t.inputs);
	free(t.recall_path);
	free(t.hint);
	free(t.parked);
	free(t.queued);
	search_end(&t, true);
	if (t.hist_win)
		delwin(t.hist_win);
	if (t.status_win)
		delwin(t.status_win);
	if (t.input_win)
		delwin(t.input_win);
	if (t.queue_win)
		delwin(t.queue_win);
	loop_free(t.loop);
	/* Ended by a signal: the shell's convention, 128 + its number (SIGTERM: 143). */
	return t.quit_signal != 0 ? 128 + t.quit_signal : EXIT_OK;
}
