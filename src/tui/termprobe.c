/*
 * termprobe.c: asks the terminal how wide it draws emoji sequences (see
 * termprobe.h).
 *
 * One write asks everything at once, so the answers cost one round trip:
 * DECRQM for DEC mode 2027 (grapheme clustering: Contour, WezTerm, foot,
 * Ghostty answer it) and for DEC mode 2026 (synchronized output: kitty,
 * WezTerm, foot, iTerm2, Alacritty, Windows Terminal...), then for each sample a carriage return,
 * the sample (concealed) and a cursor position report request (CPR), then the line erased again,
 * then primary device attributes (DA1). Every terminal that answers anything answers DA1, and it
 * comes last, so the answers are complete when it arrives; without it the budget ends the wait. The
 * sample's width is the column the cursor reached minus one.
 *
 * The answer is cached per TERM and TERM_PROGRAM in
 * $XDG_CACHE_HOME/jarvis/terminal-widths, one line each:
 *   TERM <tab> TERM_PROGRAM <tab> zwj_joined modifier_joined vs16 flag sync
 * or "none" in place of the numbers when the terminal did not answer. A
 * line of an older version without sync reads as a terminal without it.
 */
#include "termprobe.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jarvis/buf.h"
#include "jarvis/fs.h"
#include "jarvis/util.h"

#define BUDGET_MS 25 /* the most a start waits for answers */
#define CACHE_FILE "terminal-widths"

/* The samples, in the order their answers come back. */
enum { S_ZWJ, S_VS16, S_FLAG, S_CJK, S_MOD, NSAMPLES };
static const char *const samples[NSAMPLES] = {
    "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7", /* 👩‍👩‍👧
                                                                                 */
    "\xE2\x98\xBA\xEF\xB8\x8F",                                                 /* ☺️ */
    "\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8",                                         /* 🇺🇸 */
    "\xE4\xBD\xA0",                                                             /* 你 */
    "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",                                         /* 👍🏽 */
};

enum termprobe_mode termprobe_mode_parse(const char *value)
{
	if (value == NULL || strcmp(value, "auto") == 0)
		return TERMPROBE_AUTO;
	if (strcmp(value, "terminal-probe") == 0)
		return TERMPROBE_ALWAYS;
	if (strcmp(value, "joined") == 0)
		return TERMPROBE_JOINED;
	return TERMPROBE_SPLIT;
}

static double clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool write_whole(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* ---- the cache ---------------------------------------------------------- */

static char *cache_key(void)
{
	const char *term = getenv("TERM"), *prog = getenv("TERM_PROGRAM");
	return xasprintf("%s\t%s\t", term ? term : "", prog ? prog : "");
}

/* 1: found (*found_term set, or none), 0: not cached. */
static int cache_read(const char *dir, struct utf8_term *t, bool *answered, bool *sync)
{
	if (dir == NULL)
		return 0;
	char *path = xasprintf("%s/%s", dir, CACHE_FILE), *key = cache_key();
	FILE *f = fopen(path, "r");
	free(path);
	int found = 0;
	char line[512];
	while (f != NULL && found == 0 && fgets(line, sizeof line, f)) {
		if (strncmp(line, key, strlen(key)) != 0)
			continue;
		const char *v = line + strlen(key);
		int z, m, vs, fl, sy = 0;
		if (strncmp(v, "none", 4) == 0) {
			*answered = false;
			found = 1;
		} else if (sscanf(v, "%d %d %d %d %d", &z, &m, &vs, &fl, &sy) >= 4 && vs >= 1 &&
		           vs <= 2 && fl >= 1 && fl <= 4) {
			*t = (struct utf8_term){z != 0, m != 0, vs, fl};
			*answered = true;
			*sync = sy == 1;
			found = 1;
		}
	}
	if (f != NULL)
		fclose(f);
	free(key);
	return found;
}

/* Replaces this terminal's line; a cache that cannot be written is only slower. */
static void cache_write(const char *dir, const struct utf8_term *t, bool answered, bool sync)
{
	if (dir == NULL)
		return;
	if (fs_mkdir_p(dir, NULL) != 0)
		return;
	char *path = xasprintf("%s/%s", dir, CACHE_FILE), *key = cache_key();
	struct buf out;
	buf_init(&out, BUF_LINE_MAX);
	FILE *f = fopen(path, "r");
	char line[512];
	while (f != NULL && fgets(line, sizeof line, f))
		if (strncmp(line, key, strlen(key)) != 0 && strchr(line, '\n'))
			buf_addstr(&out, line);
	if (f != NULL)
		fclose(f);
	if (answered)
		buf_addf(&out, "%s%d %d %d %d %d\n", key, t->zwj_joined, t->modifier_joined,
		         t->vs16, t->flag, sync);
	else
		buf_addf(&out, "%snone\n", key);
	(void)fs_write_private(path, out.data, out.len, 0, "the terminal cache", NULL);
	buf_release(&out);
	free(path);
	free(key);
}

/* ---- asking ------------------------------------------------------------- */

struct answers {
	int col[NSAMPLES]; /* cursor column after each sample, 0 when unanswered */
	int ncpr;
	int mode2027; /* DECRPM's Ps, -1 when unanswered */
	int mode2026;
	bool done;        /* DA1 arrived */
	struct buf typed; /* everything that is not an answer: keys typed meanwhile */
};

/*
 * Takes the answers out of s[0..n) and returns how many bytes were used;
 * a sequence cut at the end is left for the next read.
 */
static size_t parse_answers(struct answers *a, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && !a->done) {
		if (s[i] != '\033') {
			buf_add(&a->typed, s + i, 1);
			i++;
			continue;
		}
		if (i + 1 >= n)
			break;
		if (s[i + 1] != '[') {
			buf_add(&a->typed, s + i, 1);
			i++;
			continue;
		}
		size_t j = i + 2;
		while (j < n &&
		       ((s[j] >= '0' && s[j] <= '9') || s[j] == ';' || s[j] == '?' || s[j] == '$'))
			j++;
		if (j >= n)
			break;
		char fin = s[j];
		const char *p = s + i + 2;
		int row, col, mode, ps;
		if (fin == 'R' && sscanf(p, "%d;%d", &row, &col) == 2 && a->ncpr < NSAMPLES) {
			a->col[a->ncpr++] = col;
		} else if (fin == 'y' && sscanf(p, "?%d;%d", &mode, &ps) == 2 && mode == 2027) {
			a->mode2027 = ps;
		} else if (fin == 'y' && sscanf(p, "?%d;%d", &mode, &ps) == 2 && mode == 2026) {
			a->mode2026 = ps;
		} else if (fin == 'c' && p[0] == '?') {
			a->done = true;
		} else {
			buf_add(&a->typed, s + i, j + 1 - i); /* a key's own sequence */
		}
		i = j + 1;
	}
	return i;
}

/* Hands the keys typed during the probe back to curses, first key first. */
static void give_back_typed(const struct buf *typed)
{
	wint_t keys[256];
	size_t nk = 0, off = 0;
	while (off < typed->len && nk < 256) {
		uint32_t cp;
		off += utf8_decode(typed->data + off, typed->len - off, &cp);
		keys[nk++] = (wint_t)cp;
	}
	while (nk > 0)
		unget_wch((wchar_t)keys[--nk]);
}

static bool ask_terminal(struct answers *a)
{
	struct buf q;
	buf_init(&q, BUF_LINE_MAX);
	buf_addstr(&q, "\033[H\033[8m\033[?2027$p\033[?2026$p");
	for (int i = 0; i < NSAMPLES; i++)
		buf_addf(&q, "\r%s\033[6n", samples[i]);
	buf_addstr(&q, "\r\033[0m\033[2K\033[c");
	bool wrote = write_whole(STDOUT_FILENO, q.data, q.len);
	buf_release(&q);
	if (!wrote)
		return false;
	char in[512];
	size_t have = 0;
	double deadline = clock_ms() + BUDGET_MS;
	while (!a->done) {
		int left = (int)(deadline - clock_ms());
		struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		ssize_t r = read(STDIN_FILENO, in + have, sizeof in - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		size_t used = parse_answers(a, in, have);
		memmove(in, in + used, have - used);
		have -= used;
		if (have == sizeof in)
			have = 0; /* no answer is this long */
	}
	buf_add(&a->typed, in, have);
	return a->done;
}

/* The widths the answers describe; false when they make no sense. */
static bool read_widths(const struct answers *a, struct utf8_term *t)
{
	if (a->mode2027 == 1 || a->mode2027 == 3) {
		*t = *utf8_term_joined();
		return true;
	}
	if (a->ncpr != NSAMPLES)
		return false;
	int w[NSAMPLES];
	for (int i = 0; i < NSAMPLES; i++)
		w[i] = a->col[i] - 1;
	/* A terminal that does not draw CJK two columns wide is not in UTF-8 mode. */
	if (w[S_CJK] != 2 || w[S_VS16] < 1 || w[S_VS16] > 2 || w[S_FLAG] < 1 || w[S_FLAG] > 4)
		return false;
	t->zwj_joined = w[S_ZWJ] == 2;
	t->modifier_joined = w[S_MOD] == 2;
	t->vs16 = w[S_VS16];
	t->flag = w[S_FLAG];
	return true;
}

/* ---- what the environment says ------------------------------------------ */

static bool env_is(const char *name, const char *value)
{
	const char *v = getenv(name);
	return v != NULL && strcmp(v, value) == 0;
}

static bool env_set(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0';
}

/* "3.4" or "3.4a": major and minor. */
static bool version_at_least(const char *v, int major, int minor)
{
	int a = 0, b = 0;
	if (v == NULL || sscanf(v, "%d.%d", &a, &b) < 1)
		return false;
	return a > major || (a == major && b >= minor);
}

bool termprobe_hyperlinks(void)
{
	const char *term = getenv("TERM");
	if (term == NULL || strcmp(term, "dumb") == 0)
		return false;
	/* In tmux the outer terminal's variables leak in: only tmux's own count. */
	if (env_set("TMUX") || strncmp(term, "tmux", 4) == 0 || strncmp(term, "screen", 6) == 0)
		return env_is("TERM_PROGRAM", "tmux") &&
		       version_at_least(getenv("TERM_PROGRAM_VERSION"), 3, 4);
	static const char *const programs[] = {"WezTerm", "iTerm.app", "vscode", "ghostty",
	                                       "rio",     "contour",   "Tabby"};
	for (size_t i = 0; i < ARRAY_LEN(programs); i++)
		if (env_is("TERM_PROGRAM", programs[i]))
			return true;
	const char *vte = getenv("VTE_VERSION");
	if (vte != NULL && strtol(vte, NULL, 10) >= 5000)
		return true;
	return env_set("KITTY_WINDOW_ID") || env_set("WT_SESSION") || env_set("KONSOLE_VERSION") ||
	       strcmp(term, "xterm-kitty") == 0 || strncmp(term, "foot", 4) == 0 ||
	       strcmp(term, "alacritty") == 0 || strcmp(term, "xterm-ghostty") == 0;
}

bool termprobe_strike(void)
{
	const char *term = getenv("TERM");
	if (term == NULL)
		return false;
	static const char *const old[] = {"dumb", "linux", "screen", "vt", "ansi", "cons", "sun"};
	for (size_t i = 0; i < ARRAY_LEN(old); i++)
		if (strncmp(term, old[i], strlen(old[i])) == 0)
			return env_set("TMUX"); /* "screen" inside tmux is tmux, which can */
	return true;
}

static bool is_terminal(void)
{
	const char *term = getenv("TERM");
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && term != NULL && term[0] &&
	       strcmp(term, "dumb") != 0;
}

static bool term_starts(const char *term, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(term, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

enum termprobe_graphics termprobe_graphics(void)
{
	const char *term = getenv("TERM");
	if (!is_terminal() || strcmp(term, "linux") == 0)
		return TERMPROBE_GFX_NONE;
	if (env_set("TMUX") || strncmp(term, "tmux", 4) == 0 || strncmp(term, "screen", 6) == 0)
		return TERMPROBE_GFX_NONE;
	if (strcmp(term, "xterm-kitty") == 0 || strcmp(term, "xterm-ghostty") == 0 ||
	    strcmp(term, "wezterm") == 0 || env_set("KITTY_WINDOW_ID") ||
	    env_is("TERM_PROGRAM", "WezTerm") || env_is("TERM_PROGRAM", "ghostty"))
		return TERMPROBE_GFX_KITTY;
	static const char *const sixel_terms[] = {"foot", "mlterm", "contour", "yaft"};
	if (term_starts(term, sixel_terms, ARRAY_LEN(sixel_terms)) ||
	    env_is("TERM_PROGRAM", "iTerm.app") || env_is("TERM_PROGRAM", "contour"))
		return TERMPROBE_GFX_SIXEL;
	return TERMPROBE_GFX_ASK;
}

void termprobe_start(enum termprobe_mode mode, const char *cache_dir, struct termprobe_result *out)
{
	memset(out, 0, sizeof *out);
	out->term = *utf8_term_joined();
	if (mode == TERMPROBE_SPLIT)
		out->term = *utf8_term_split();
	if (mode == TERMPROBE_JOINED || mode == TERMPROBE_SPLIT || !is_terminal()) {
		utf8_set_term(&out->term);
		return;
	}
	bool answered = false;
	if (mode == TERMPROBE_AUTO &&
	    cache_read(cache_dir, &out->term, &answered, &out->mode2026)) {
		out->measured = answered;
		out->from_cache = true;
		utf8_set_term(&out->term);
		return;
	}
	double t0 = clock_ms();
	refresh(); /* curses clears the screen first, so the samples land on an empty line */
	struct answers a = {.mode2027 = -1, .mode2026 = -1};
	buf_init(&a.typed, BUF_TEXT_MAX);
	if (ask_terminal(&a) && read_widths(&a, &out->term)) {
		out->measured = true;
		out->mode2027 = a.mode2027 == 1 || a.mode2027 == 3;
	}
	/* DECRPM: 1 set, 2 reset (both known), 0 not recognised, 4 permanently reset. */
	out->mode2026 = a.mode2026 == 1 || a.mode2026 == 2;
	give_back_typed(&a.typed);
	buf_release(&a.typed);
	out->ms = clock_ms() - t0;
	cache_write(cache_dir, &out->term, out->measured, out->mode2026);
	utf8_set_term(&out->term);
}
