/*
 * escape.c: what follows an ESC that curses did not recognise. Alt-x
 * arrives as ESC x; a lone ESC has nothing after it. Anything else is a
 * sequence: the ones a terminal sends for keys its terminfo entry does not
 * name (Shift-Enter as CSI-u ESC[13;2u or modifyOtherKeys ESC[27;2;13~,
 * Ctrl-Left as ESC[1;5D, End as ESC[4~) become keys, a DA1 answer that
 * names sixel graphics KEY_SIXEL_ANSWER; the rest (focus
 * events ESC[I and ESC[O, late answers to the start-up probe such as
 * ESC[?1;2c, OSC replies, unknown function keys) are read to their end and
 * swallowed, so no part of one is ever typed into the input.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "keycode.h"

#define SEQ_WAIT_MS 30  /* the rest of a sequence is on its way: wait this long for it */
#define SEQ_MAX 64      /* a CSI longer than this is not a key */
#define STRING_MAX 4096 /* an OSC or DCS string longer than this is dropped */

/* Modifier bits of the xterm convention: the parameter is 1 + these. */
enum { MOD_SHIFT = 1, MOD_ALT = 2, MOD_CTRL = 4 };

/* The next character of a sequence (false: none came, or a curses code did). */
static bool next_char(WINDOW *w, wint_t *c)
{
	int rc = wget_wch(w, c);
	if (rc == ERR) {
		wtimeout(w, SEQ_WAIT_MS);
		rc = wget_wch(w, c);
		nodelay(w, TRUE);
	}
	return rc == OK;
}

/* A character with modifiers (CSI-u, modifyOtherKeys) as the key the table knows. */
static int modified_char(int ch, int mods)
{
	if (ch == '\r' || ch == '\n') {
		if (mods & MOD_CTRL)
			return CODE(KEY_CTRL_ENTER);
		if (mods & MOD_SHIFT)
			return CODE(KEY_SHIFT_ENTER);
		return mods & MOD_ALT ? ALT('\r') : '\r';
	}
	/* kitty numbers its functional keys (keypad, media, F13...) in the private use area. */
	if (ch <= 0 || ch > 0x10FFFF || (ch >= 0xE000 && ch <= 0xF8FF))
		return KEY_SWALLOWED;
	if ((mods & MOD_CTRL) && ch >= '@' && ch <= 0x7e)
		ch = CTRL(ch);
	else if (mods & MOD_CTRL)
		return KEY_SWALLOWED;
	return mods & MOD_ALT ? ALT(ch) : ch;
}

/* ESC [ 1 ~ and its kin (the vt220 editing keys), unmodified. */
static int tilde_key(int n)
{
	switch (n) {
	case 1:
	case 7:
		return CODE(KEY_HOME);
	case 4:
	case 8:
		return CODE(KEY_END);
	case 3:
		return CODE(KEY_DC);
	case 5:
		return CODE(KEY_PPAGE);
	case 6:
		return CODE(KEY_NPAGE);
	default:
		return KEY_SWALLOWED;
	}
}

/* ESC [ (1;mods) A..D, H, F: the cursor keys. */
static int cursor_key(int final, int mods)
{
	if (mods & (MOD_CTRL | MOD_ALT)) {
		if (final == 'C')
			return CODE(KEY_CTRL_RIGHT);
		if (final == 'D')
			return CODE(KEY_CTRL_LEFT);
		return KEY_SWALLOWED;
	}
	if (mods == MOD_SHIFT && (final == 'C' || final == 'D'))
		return CODE(final == 'C' ? KEY_SRIGHT : KEY_SLEFT);
	if (mods != 0)
		return KEY_SWALLOWED;
	switch (final) {
	case 'A':
		return CODE(KEY_UP);
	case 'B':
		return CODE(KEY_DOWN);
	case 'C':
		return CODE(KEY_RIGHT);
	case 'D':
		return CODE(KEY_LEFT);
	case 'H':
		return CODE(KEY_HOME);
	case 'F':
		return CODE(KEY_END);
	default:
		return KEY_SWALLOWED;
	}
}

/* A DA1 answer's attributes (ESC[?62;4;22c): 4 is sixel graphics. */
static int device_attributes(const char *params)
{
	for (const char *s = params + 1; *s != '\0';) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s)
			break;
		if (v == 4)
			return CODE(KEY_SIXEL_ANSWER);
		s = *end == ';' ? end + 1 : end;
	}
	return KEY_SWALLOWED;
}

/* A complete CSI: its parameter bytes and its final byte. */
static int csi_key(WINDOW *w, const char *params, int final)
{
	if (final == 'M' && params[0] == '\0') { /* an X10 mouse report: three bytes follow */
		wint_t c;
		for (int i = 0; i < 3 && next_char(w, &c); i++)
			;
		return KEY_SWALLOWED;
	}
	if (final == 'c' && params[0] == '?')
		return device_attributes(params);
	/* Private parameters (ESC[?1;2c, ESC[<0;1;1M) and intermediates are answers, not keys. */
	if (strspn(params, "0123456789;") != strlen(params))
		return KEY_SWALLOWED;
	int p[3] = {0, 0, 0}, n = 0;
	for (const char *s = params; *s != '\0' && n < 3; n++) {
		char *end;
		long v = strtol(s, &end, 10);
		p[n] = v > 0 && v <= 0x10FFFF ? (int)v : 0;
		s = *end == ';' ? end + 1 : end + strlen(end);
	}
	int mods = n >= 2 && p[1] > 0 ? p[1] - 1 : 0;
	switch (final) {
	case 'u':
		return modified_char(p[0], mods);
	case '~':
		if (p[0] == 27 && n == 3)
			return modified_char(p[2], p[1] > 0 ? p[1] - 1 : 0);
		return mods == 0 ? tilde_key(p[0]) : KEY_SWALLOWED;
	case 'A':
	case 'B':
	case 'C':
	case 'D':
	case 'H':
	case 'F':
		return cursor_key(final, mods);
	default:
		return KEY_SWALLOWED;
	}
}

static int read_csi(WINDOW *w)
{
	char params[SEQ_MAX + 1];
	size_t np = 0;
	wint_t c;
	while (next_char(w, &c)) {
		if (c >= 0x40 && c <= 0x7e) {
			params[np] = '\0';
			return csi_key(w, params, (int)c);
		}
		if (c < 0x20 || c > 0x3f || np == SEQ_MAX) {
			/* Not a CSI byte: the sequence was cut; what came after it is a key again.
			 */
			if (c < 0x20 || c > 0x7e)
				unget_wch(c);
			return KEY_SWALLOWED;
		}
		params[np++] = (char)c;
	}
	return KEY_SWALLOWED;
}

/* ESC O x: the cursor and keypad keys in application mode. */
static int read_ss3(WINDOW *w)
{
	wint_t c;
	if (!next_char(w, &c))
		return ALT('O');
	if (c == 'M')
		return '\r';
	if (c >= 'P' && c <= 'S')
		return CODE(KEY_F(1 + (int)c - 'P'));
	return cursor_key((int)c, 0);
}

/* OSC, DCS, APC: a string up to BEL or ESC \, never a key. */
static int read_string(WINDOW *w, int intro)
{
	wint_t c;
	if (!next_char(w, &c))
		return ALT(intro);
	for (int i = 0; i < STRING_MAX; i++) {
		if (c == 7)
			break;
		if (c == KEY_ESCAPE) {
			next_char(w, &c); /* the '\' of ST */
			break;
		}
		if (!next_char(w, &c))
			break;
	}
	return KEY_SWALLOWED;
}

int escape_read(WINDOW *w)
{
	wint_t next;
	int rc = wget_wch(w, &next);
	if (rc == ERR)
		return KEY_ESCAPE;
	if (rc == KEY_CODE_YES) {
		if (next == KEY_BACKSPACE)
			return ALT(KEY_DEL_CHAR); /* Alt-Backspace where terminfo names ^? */
		/* ESC then a key curses knows (Alt-Up in some terminals): the key alone. */
		ungetch((int)next);
		return KEY_SWALLOWED;
	}
	switch (next) {
	case '[':
		return read_csi(w);
	case 'O':
		return read_ss3(w);
	case ']':
	case 'P':
	case '_':
		return read_string(w, (int)next);
	case KEY_ESCAPE:
		/* Esc pressed twice, or Esc before a sequence: the first is a lone Esc. */
		unget_wch(next);
		return KEY_ESCAPE;
	default:
		return ALT((int)next);
	}
}
