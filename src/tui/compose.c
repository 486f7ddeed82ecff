/*
 * compose.c: Ctrl-X Ctrl-E and Ctrl-G, the message composed in the user's
 * own editor ($VISUAL, else $EDITOR, else vi). The input goes to a private
 * temporary file, the screen is handed to the editor (endwin) and taken
 * back after it (a full repaint), and what the file holds then comes back
 * into the input, unsent, as one undoable step. The loop waits meanwhile,
 * so composing waits for a streaming answer to end. When the editor fails
 * its file is kept, and the notice says where.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jarvis/chat.h"
#include "jarvis/config.h"
#include "jarvis/editor.h"
#include "jarvis/fs.h"
#include "jarvis/util.h"

#include "state.h"

/* The editor's command: a shell line, so "code --wait" works. */
static const char *editor_command(void)
{
	const char *names[] = {"VISUAL", "EDITOR"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		const char *v = getenv(names[i]);
		if (v != NULL && v[strspn(v, " \t")] != '\0')
			return v;
	}
	return "vi";
}

/* A private file holding the input; its path is new, NULL (with a notice) on failure. */
static char *write_draft(struct tui *t)
{
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/jarvis-message-XXXXXX.md", tmp && tmp[0] ? tmp : "/tmp");
	int fd = mkstemps(path, 3); /* mode 0600 */
	if (fd == -1) {
		chat_notice(t->chat, "cannot make a file for the editor in %s: %s (set TMPDIR)",
		            tmp && tmp[0] ? tmp : "/tmp", strerror(errno));
		free(path);
		return NULL;
	}
	const char *text = editor_text(t->editor);
	size_t n = editor_len(t->editor), off = 0;
	while (off < n) {
		ssize_t w = write(fd, text + off, n - off);
		if (w <= 0) {
			chat_notice(t->chat, "cannot write %s for the editor: %s", path,
			            strerror(errno));
			close(fd);
			unlink(path);
			free(path);
			return NULL;
		}
		off += (size_t)w;
	}
	/* Editors end the last line; so does the file, and it is taken off again. */
	if (n > 0 && text[n - 1] != '\n' && write(fd, "\n", 1) != 1) {
		close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* Runs the editor on path with the terminal its own; its exit status, or -1. */
static int run_editor(const char *cmd, const char *path)
{
	/* As git does: the command is shell text ("code --wait", quotes and all). */
	char *script = xasprintf("%s \"$@\"", cmd);
	/* As system(3) does: the editor's Ctrl-C and Ctrl-\ are its own, not ours. */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	int status = -1;
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", script, "sh", path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	free(script);
	if (pid < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* What the editor left in path into the input (one trailing line break dropped); false if not. */
static bool read_back(struct tui *t, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	size_t max = t->cfg->max_message_bytes ? t->cfg->max_message_bytes : EDITOR_YANK_MAX;
	switch (fs_read_private(path, max, true, &data, &len)) {
	case FS_READ_OK:
		break;
	case FS_READ_TOO_BIG:
		chat_notice(t->chat,
		            "the editor left %zu bytes, more than a message may hold (%zu); the "
		            "input is unchanged and the text is kept in %s",
		            len, max, path);
		return false;
	default:
		chat_notice(t->chat, "cannot read back %s: the input is unchanged", path);
		return false;
	}
	if (len > 0 && data[len - 1] == '\n')
		data[--len] = '\0';
	if (len > 0 && data[len - 1] == '\r')
		data[--len] = '\0';
	editor_set_text(t->editor, data);
	free(data);
	return true;
}

void compose_in_editor(struct tui *t)
{
	if (t->ctx.then != NULL || input_secret(t)) {
		input_hint(t, "not for a password or a question's answer");
		return;
	}
	/* The loop waits for the editor: a streaming answer would stall and time out. */
	if (chat_streaming(t->chat)) {
		input_hint(t, "wait for the answer to end (or Esc to stop it), then compose");
		return;
	}
	char *path = write_draft(t);
	if (path == NULL)
		return;
	const char *cmd = editor_command();
	tui_leave_screen(t);
	int rc = run_editor(cmd, path);
	tui_resume_screen(t);
	/* What the user wrote in the editor is only removed once it is in the input. */
	bool done = rc == 127;
	if (rc == 0)
		done = read_back(t, path);
	else if (rc == 127)
		chat_notice(t->chat, "cannot run the editor \"%s\": set VISUAL or EDITOR", cmd);
	else if (rc < 0)
		chat_notice(t->chat,
		            "the editor \"%s\" did not end normally; the input is unchanged and "
		            "what the editor left is kept in %s",
		            cmd, path);
	else
		chat_notice(t->chat,
		            "the editor \"%s\" failed (status %d); the input is unchanged and what "
		            "the editor left is kept in %s",
		            cmd, rc, path);
	if (done)
		unlink(path);
	free(path);
}
