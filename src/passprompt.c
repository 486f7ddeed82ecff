/*
 * passprompt.c: reading a password (see passprompt.h). On the terminal the
 * line is read from /dev/tty with ECHO off (canonical mode stays on, so the
 * user can still erase with Backspace); the saved settings are put back on
 * every return and, from a signal handler, when a signal would end the
 * program while echo is off.
 *
 * What it must not do: echo the password, keep it in memory that is freed
 * without being wiped (no stdio, no growing buffers: fixed arrays wiped with
 * explicit_bzero), or read it from anywhere but the terminal or stdin.
 */
#include "jarvis/passprompt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "jarvis/util.h"

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

/* What the signal handler needs to put the terminal back. */
static volatile sig_atomic_t echo_off;
static int tty_fd = -1;
static struct termios tty_saved;

static void restore_and_die(int signo)
{
	if (echo_off) {
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
		echo_off = 0;
		(void)!write(tty_fd, "\n", 1);
	}
	/* Die of the signal as if we had never caught it (the shell sees 128+n). */
	signal(signo, SIG_DFL);
	raise(signo);
}

static void write_str(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/*
 * Reads one line from fd into line (size bytes, NUL-terminated, newline and a
 * CR before it stripped). Returns its length, -1 on a read error (errno set),
 * -2 when the line was too long (the rest of it is read and dropped), -3
 * at end of input before any byte and -4 when it holds a NUL byte (as a C
 * string it would end there: the password would be silently cut).
 */
static ssize_t read_line(int fd, char *line, size_t size)
{
	size_t n = 0;
	int too_long = 0, any = 0, nul = 0;
	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		any = 1;
		if (ch == '\n')
			break;
		if (ch == '\0')
			nul = 1;
		if (n + 1 < size)
			line[n++] = ch;
		else
			too_long = 1;
		ch = 0;
	}
	line[n] = '\0';
	if (too_long)
		return -2;
	if (nul)
		return -4;
	if (!any)
		return -3;
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	return (ssize_t)n;
}

static int line_error(ssize_t r, const char *where, char **cause)
{
	if (r == -1)
		return set_cause(cause, "cannot read the password from %s: %s", where,
		                 strerror(errno));
	if (r == -2)
		return set_cause(cause, "the password is over %d bytes; choose a shorter one",
		                 PASSPROMPT_MAX_BYTES);
	if (r == -3)
		return set_cause(cause, "no password on %s", where);
	if (r == -4)
		return set_cause(cause,
		                 "the password from %s holds a NUL byte, which Jarvis "
		                 "cannot keep; choose one without it",
		                 where);
	return set_cause(cause, "the password is empty; type one");
}

static char *read_stdin(char **cause)
{
	char line[PASSPROMPT_MAX_BYTES + 1];
	ssize_t r = read_line(STDIN_FILENO, line, sizeof line);
	char *pw = NULL;
	if (r > 0)
		pw = xstrdup(line);
	else
		line_error(r, "standard input", cause);
	explicit_bzero(line, sizeof line);
	return pw;
}

/* Asks once on the terminal with echo off; the terminal is restored before returning. */
static char *ask_tty(int fd, const char *prompt, char **cause)
{
	struct termios quiet;
	if (tcgetattr(fd, &tty_saved) != 0) {
		set_cause(cause, "cannot read the terminal settings: %s; use --password-stdin",
		          strerror(errno));
		return NULL;
	}
	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ECHONL | ICANON;

	struct sigaction sa, old[ARRAY_LEN(caught)];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = restore_and_die;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_LEN(caught); i++)
		sigaddset(&sa.sa_mask, caught[i]);
	tty_fd = fd;
	for (size_t i = 0; i < ARRAY_LEN(caught); i++)
		sigaction(caught[i], &sa, &old[i]);

	char *pw = NULL;
	write_str(fd, prompt);
	echo_off = 1;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
		echo_off = 0;
		set_cause(cause, "cannot turn off echo on the terminal: %s; use --password-stdin",
		          strerror(errno));
	} else {
		char line[PASSPROMPT_MAX_BYTES + 1];
		ssize_t r = read_line(fd, line, sizeof line);
		tcsetattr(fd, TCSAFLUSH, &tty_saved);
		echo_off = 0;
		if (r > 0)
			pw = xstrdup(line);
		else
			line_error(r, "the terminal", cause);
		explicit_bzero(line, sizeof line);
	}
	for (size_t i = 0; i < ARRAY_LEN(caught); i++)
		sigaction(caught[i], &old[i], NULL);
	tty_fd = -1;
	return pw;
}

char *passprompt_read(const char *prompt, bool from_stdin, char **cause)
{
	if (from_stdin)
		return read_stdin(cause);
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		set_cause(cause, "no terminal to ask for the password on; pipe it in with "
		                 "--password-stdin");
		return NULL;
	}
	char *pw = ask_tty(fd, prompt, cause);
	close(fd);
	return pw;
}
