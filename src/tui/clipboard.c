/*
 * clipboard.c: /copy's text to the clipboard. OSC 52 first: it reaches the
 * terminal the user sits at, over SSH and through tmux (set-clipboard on).
 * When the terminfo entry does not offer it (no Ms capability), wl-copy or
 * xclip takes the text if installed; the text is written to it by a
 * detached process, so a slow tool never holds up the screen.
 */
#include <curses.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jarvis/chat.h"
#include "jarvis/clip.h"
#include "jarvis/util.h"

#include "state.h"

static bool terminal_takes_osc52(void)
{
	char *ms = tigetstr("Ms");
	return ms != NULL && ms != (char *)-1 && ms[0] != '\0';
}

static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	while (path != NULL && *path != '\0') {
		size_t n = strcspn(path, ":");
		char *full = xasprintf("%.*s/%s", (int)n, path, name);
		bool found = n > 0 && access(full, X_OK) == 0;
		free(full);
		if (found)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* The clipboard tool for this session, or NULL. */
static const char *const *clipboard_tool(void)
{
	static const char *const wl[] = {"wl-copy", NULL};
	static const char *const xclip[] = {"xclip", "-selection", "clipboard", NULL};
	const char *wayland = getenv("WAYLAND_DISPLAY"), *x = getenv("DISPLAY");
	if (wayland != NULL && wayland[0] != '\0' && in_path(wl[0]))
		return wl;
	if (x != NULL && x[0] != '\0' && in_path(xclip[0]))
		return xclip;
	return NULL;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* The tool in a grandchild we never wait for: the first child leaves at once. */
static void run_tool(const char *const *argv, const char *text, size_t len)
{
	pid_t first = fork();
	if (first != 0) {
		if (first > 0)
			waitpid(first, NULL, 0);
		return;
	}
	if (fork() != 0)
		_exit(0);
	int fds[2];
	if (pipe(fds) == -1)
		_exit(1);
	pid_t tool = fork();
	if (tool == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(fds[0], STDIN_FILENO);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		close(fds[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	write_all(fds[1], text, len);
	close(fds[1]);
	_exit(0);
}

void tui_copy(struct tui *t, char *text, char *what)
{
	size_t len = strlen(text);
	const char *const *tool = terminal_takes_osc52() ? NULL : clipboard_tool();
	if (tool != NULL) {
		run_tool(tool, text, len);
		chat_notice(t->chat, "copied %s (%zu bytes) to the clipboard with %s", what, len,
		            tool[0]);
	} else {
		char *seq = clip_osc52(text, len);
		fputs(seq, stdout);
		fflush(stdout);
		free(seq);
		if (terminal_takes_osc52())
			chat_notice(t->chat, "copied %s (%zu bytes) to the clipboard (OSC 52)",
			            what, len);
		else
			chat_notice(
			    t->chat,
			    "sent %s (%zu bytes) to the terminal's clipboard (OSC 52); this "
			    "terminal may not take it: install wl-copy or xclip",
			    what, len);
	}
	free(text);
	free(what);
}
