/*
 * screen.c: handing the terminal to another program (the editor of
 * compose.c, the shell on Ctrl-Z) and taking it back. Below tui.c and
 * compose.c, so neither calls the other for it.
 */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "jarvis/loop.h"

#include "graphics.h"
#include "state.h"

void tui_leave_screen(struct tui *t)
{
	fputs("\033[?2004l", stdout); /* bracketed paste off: the shell or editor asks itself */
	fflush(stdout);
	tui_gfx_clear(); /* drawn again, whole, when the screen is back */
	endwin();
}

void tui_resume_screen(struct tui *t)
{
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	/* The next refresh takes the terminal back; everything is drawn again. */
	clearok(curscr, TRUE);
	refresh();
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
