/*
 * state.h: the terminal front end's state, private to src/tui/. tui.c owns
 * it (windows, drawing, the life cycle), keys.c turns keys into actions
 * through the key table, input.c does what the input line does with its
 * text (send, run a command, complete, recall, wipe a password).
 */
#ifndef JARVIS_TUI_STATE_H
#define JARVIS_TUI_STATE_H

#include <curses.h>
#include <stdbool.h>

#include "jarvis/cmd.h"

struct config;
struct loop;
struct chat;
struct hist;
struct panel;
struct panel_ops;
struct editor;
struct recall;

struct tui {
	const struct config *cfg;
	struct loop *loop;
	struct chat *chat;
	struct hist *hist;
	struct panel *panel;
	struct editor *editor;
	struct recall *inputs;
	char *recall_path;
	struct cmd_ctx ctx;

	WINDOW *hist_win, *status_win, *input_win;
	WINDOW *queue_win; /* the queued message's row above the status line, while there is one */
	int lines, cols, input_h;
	bool colors;
	bool sync;    /* the terminal takes synchronized output (DEC mode 2026) */
	bool gfx_ask; /* the terminal was asked whether it draws sixel (DA1) */

	bool quit;
	int quit_signal; /* the signal that ended the chat (exit 128 + it), or 0 */
	bool need_render;
	long long last_render_ms;
	unsigned conv_serial; /* chat_conv_serial() at the last frame */
	unsigned render_timer;
	long long render_due; /* when the render_timer fires */
	unsigned spin_timer;
	unsigned ctrl_c_timer; /* ends the second Ctrl-C's window and its hint */
	unsigned spin;
	bool pasting;
	long long ctrl_c_ms; /* when Ctrl-C was pressed on an empty idle line */
	char *hint;          /* a short status hint until the next key or HINT_MS */
	bool hint_posted;    /* it did not fit the status line: it is in the history */
	bool hint_brief;     /* it lasts a moment (Ctrl-C's window): never put in the history */
	unsigned hint_timer; /* clears the hint after HINT_MS */
	bool asking;         /* a command's question (ctx.then) holds the input */
	char *parked;        /* the draft put aside while it does */
	char *offered;       /* a /line that is no command: Enter again sends it as a message */

	char *queued;        /* Enter while an answer streams: sent when it ends */
	bool ctrl_x;         /* Ctrl-X was pressed: the next key completes it */
	bool searching;      /* Ctrl-R: keys go to the query (search.c) */
	bool search_failed;  /* no earlier line holds the query */
	char *search_query;  /* what is searched for */
	char *search_saved;  /* the input before the search, for Esc */
	char *search_label;  /* the prompt while searching */
	size_t search_index; /* the entry shown (recall_count: none yet) */
};

/* statusbar.c */
/* Draws the status line: its items by priority, a long error moved to the history. */
void tui_draw_status(struct tui *t);

/* screen.c */
/* Bracketed paste and the keyboard reports (kitty, modifyOtherKeys) on or off again. */
void tui_term_modes(bool on);
/* Gives the terminal to another program (an editor, the shell on Ctrl-Z). */
void tui_leave_screen(struct tui *t);
/* Takes it back and draws everything again. */
void tui_resume_screen(struct tui *t);
/* Ctrl-Z: the screen back to the shell, the process stopped until fg, then redrawn. */
void tui_suspend(struct tui *t);
/* SIGTSTP from elsewhere (kill -TSTP): the same, run by the loop. */
void tui_on_stop_signal(void *ud, int signo);

/* compose.c */
/* Ctrl-X Ctrl-E, Ctrl-G: the input edited in $VISUAL or $EDITOR, back unsent. */
void compose_in_editor(struct tui *t);

/* clipboard.c */
/* Puts text on the clipboard (OSC 52, else wl-copy or xclip) and says so; frees both. */
void tui_copy(struct tui *t, char *text, char *what);

/* search.c */
/* Ctrl-R: starts the reverse search of the input history. */
void search_start(struct tui *t);
/* While searching: takes the key (true), or ends the search keeping the line (false). */
bool search_key(struct tui *t, int key);
/* Ends a search; keep: the line found stays in the input, else the old input comes back. */
void search_end(struct tui *t, bool keep);

/* input.c */
/* What the input line starts with ("›", or the question asking for it). */
const char *input_prompt(const struct tui *t);
/* Columns the prompt takes before the text. */
int input_prompt_width(const struct tui *t);
/*
 * A short hint on the status line until the next key or HINT_MS (NULL:
 * none); one that does not fit is put in the history whole.
 */
#define HINT_MS 5000
void input_hint(struct tui *t, const char *hint);
/*
 * A hint that is over in a moment (its caller clears it): it takes the
 * place of other items on the status line, and when even that leaves no
 * room it is not shown at all, never written to the history for good.
 */
void input_hint_brief(struct tui *t, const char *hint);
/* Inserts one typed character. */
void input_insert(struct tui *t, unsigned wc);
/* True while the input holds (or is about to hold) a password. */
bool input_secret(const struct tui *t);
/* Overwrites the input's bytes before emptying it: a password must not linger. */
void input_wipe(struct tui *t);
/* Esc or Ctrl-C at a question (a form step): ends it, with a line saying so. */
void input_cancel_ask(struct tui *t);
/* Quitting: keeps the queued message and the unsent input in the input history. */
void input_keep_at_quit(struct tui *t);
/* Enter: answers a question, runs a command or sends the message. */
void input_submit(struct tui *t);
/* Tab: completes a command or a path. */
void input_complete(struct tui *t);
/* Sends the queued message once the answer has ended. */
void input_send_queued(struct tui *t);
/* Leaves a pending /edit (Esc, an emptied input) and says why in the history. */
void input_leave_edit(struct tui *t, const char *why);
/* Esc: takes the queued message back into the input; false when none was queued. */
bool input_unqueue(struct tui *t);
/* Up/Down on the first/last row: recall the input history. */
void input_recall(struct tui *t, bool up);
/* After a key: park or give back the draft around a command's question. */
void input_sync_ask(struct tui *t);
/* Saves the input history (when it has a file). */
void input_save_recall(struct tui *t);

#endif
