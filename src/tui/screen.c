/*
 * screen.c: handing the terminal to another program (the editor of
 * compose.c, the shell on Ctrl-Z) and taking it back, and the terminal
 * modes the chat asks for while it has the screen. Below tui.c and
 * compose.c, so neither calls the other for it.
 */
#include <curses.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "jarvis/loop.h"

#include "graphics.h"
#include "state.h"

/*
 * Bracketed paste, and keys that tell Shift-Enter from Enter: the kitty
 * keyboard protocol pushed with flags 1 (disambiguate: Esc, Ctrl-x, Alt-x
 * as CSI-u) and 4 (the shifted and base-layout key beside it, so Alt-> and
 * a Cyrillic Ctrl-C read right on any layout), and xterm's modifyOtherKeys
 * level 1 (tmux takes it as the request to pass on extended keys). Both
 * are asked for on the alternate screen, which kitty gives a stack of its
 * own, and undone before it is left: the shell never gets CSI-u keys. A
 * terminal that knows neither ignores them.
 */
void tui_term_modes(bool on)
{
	fputs(on ? "\033[?2004h\033[>5u\033[>4;1m" : "\033[>4m\033[<u\033[?2004l", stdout);
	fflush(stdout);
}

void tui_leave_screen(struct tui *t)
{
	tui_term_modes(false); /* the shell or the editor asks for its own */
	tui_gfx_clear();       /* drawn again, whole, when the screen is back */
	endwin();
}

void tui_resume_screen(struct tui *t)
{
	/* The next refresh takes the terminal back; everything is drawn again. */
	clearok(curscr, TRUE);
	refresh();
	tui_term_modes(true); /* after refresh: on the alternate screen it has entered */
	t->need_render = true;
}

void tui_suspend(struct tui *t)
{
	tui_leave_screen(t);
	/* Stopped here until the shell's fg (or any SIGCONT) lets the process go on. */
	signal(SIGTSTP, SIG_DFL);
	kill(getpid(), SIGTSTP);
	loop_catch_signal(t->loop, SIGTSTP, tui_on_stop_signal, t);
	tui_resume_screen(t);
}

void tui_on_stop_signal(void *ud, int signo)
{
	tui_suspend(ud);
}
