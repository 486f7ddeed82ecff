/* The floor the TUI's first paint is held against (bench/startup.py): the
 * least an ncursesw program of Jarvis's shape does before the user sees it,
 * the locale's character type set, the screen taken, a status line and an
 * input prompt drawn; it leaves at the first key. */
#include <curses.h>
#include <locale.h>

int main(void)
{
	setlocale(LC_CTYPE, "");
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	mvaddstr(LINES - 2, 0, "guest · gemini-2.5-flash · F1 help");
	mvaddstr(LINES - 1, 0, "\u203a ");
	refresh();
	getch();
	endwin();
	return 0;
}
