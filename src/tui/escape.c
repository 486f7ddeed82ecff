/*
 * escape.c: what follows an ESC that curses did not recognise. Alt-x
 * arrives as ESC x; a lone ESC has nothing after it. Anything else is a
 * sequence: the ones a terminal sends for keys its terminfo entry does not
 * name (Shift-Enter as CSI-u ESC[13;2u or modifyOtherKeys ESC[27;2;13~,
 * Ctrl-Left as ESC[1;5D, End as ESC[4~) become keys, a DA1 answer that
 * names sixel graphics KEY_SIXEL_ANSWER. Since Jarvis asks for the kitty
 * keyboard protocol and modifyOtherKeys (screen.c), a terminal that takes
 * either sends Esc, Ctrl-x, Alt-x, Shift-Tab, Alt-Backspace and the keypad
 * as sequences too: each becomes the key the legacy byte would have been,
 * so Ctrl-C is 0x03 whichever way it came. The rest (focus
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

/*
 * Modifier bits of the xterm convention (the parameter is 1 + these), with
 * the kitty keyboard protocol's super, hyper, meta and lock keys above them.
 */
enum {
	MOD_SHIFT = 1,
	MOD_ALT = 2,
	MOD_CTRL = 4,
	MOD_SUPER = 8,
	MOD_HYPER = 16,
	MOD_META = 32,
	MOD_LOCKS = 64 | 128, /* Caps Lock, Num Lock: they change no key here */
};

/* kitty's numbers for the keypad, in the private use area (its functional key table). */
enum {
	KP_0 = 57399,
	KP_9 = 57408,
	KP_ENTER = 57414,
	KP_LEFT = 57417,
	KP_BEGIN = 57427,
};

/* A CSI's parameters: up to 3 fields of up to 3 colon-separated sub-fields; 0 if absent. */
struct csi_params {
	int v[3][3];
	int n; /* fields present */
};

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

/* Digits, ';' and ':' into fields; false for anything else (an answer, not a key). */
static bool parse_params(const char *s, struct csi_params *p)
{
	memset(p, 0, sizeof *p);
	if (strspn(s, "0123456789;:") != strlen(s))
		return false;
	int field = 0, sub = 0;
	p->n = s[0] != '\0';
	for (; *s != '\0'; s++) {
		if (*s == ';') {
			field++;
			sub = 0;
			if (field < 3)
				p->n = field + 1;
		} else if (*s == ':') {
			sub++;
		} else if (field < 3 && sub < 3) {
			int d = *s - '0';
			int *v = &p->v[field][sub];
			*v = *v > 0x10FFFF / 10 ? 0x110000 : *v * 10 + d; /* past Unicode: no key */
		}
	}
	return true;
}

/* The xterm modifier parameter as bits, locks dropped; -1 for a key release. */
static int mods_of(const struct csi_params *p)
{
	if (p->v[1][1] == 3) /* kitty's event type: 1 press, 2 repeat, 3 release */
		return -1;
	return p->v[1][0] > 1 ? (p->v[1][0] - 1) & ~MOD_LOCKS : 0;
}

/*
 * What Ctrl does to an ASCII key on a terminal of the legacy kind (kitty's
 * table, a superset of the VT100's): letters and @[\]^_ to C0, and the
 * digits 2..8, space, / and ? and ~ as xterm has them; the rest untouched.
 */
static int ctrl_byte(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= '@' && c <= '_'))
		return c & 0x1f;
	switch (c) {
	case ' ':
	case '2':
		return 0;
	case '3':
		return 27;
	case '4':
		return 28;
	case '5':
		return 29;
	case '6':
	case '~':
		return 30;
	case '7':
	case '/':
		return 31;
	case '8':
	case '?':
		return 127;
	default:
		return c;
	}
}

/* What Shift makes of a key on a US keyboard: kitty reports the unshifted key. */
static int us_shifted(int c)
{
	static const char plain[] = "`1234567890-=[]\\;',./";
	static const char shifted[] = "~!@#$%^&*()_+{}|:\"<>?";
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 'A';
	const char *at = c > 0 && c < 0x80 ? strchr(plain, c) : NULL;
	return at != NULL ? shifted[at - plain] : c;
}

/* Enter with modifiers: Shift-Enter and Ctrl-Enter are keys of their own. */
static int enter_key(int mods)
{
	if (mods & MOD_CTRL)
		return CODE(KEY_CTRL_ENTER);
	if (mods & MOD_SHIFT)
		return CODE(KEY_SHIFT_ENTER);
	return mods & MOD_ALT ? ALT('\r') : '\r';
}

/* ESC [ n ~ (the vt220 editing keys, F1..F12), unmodified. */
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
	case 11:
	case 12:
	case 13:
	case 14:
	case 15:
		return CODE(KEY_F(n - 10));
	case 17:
	case 18:
	case 19:
	case 20:
	case 21:
		return CODE(KEY_F(n - 11));
	case 23:
	case 24:
		return CODE(KEY_F(n - 12));
	default:
		return KEY_SWALLOWED;
	}
}

/* ESC [ (1;mods) A..D, H, F: the cursor keys. */
static int cursor_key(int final, int mods)
{
	if (mods < 0)
		return KEY_SWALLOWED;
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

/*
 * A key with modifiers sent as CSI-u (kitty: the unshifted key, maybe with
 * its shifted and base-layout alternates) or as modifyOtherKeys (xterm,
 * tmux: the character the key types) becomes what the same key sends in a
 * legacy terminal: Ctrl-C stays 0x03, Alt-x ESC x, Shift-Tab CSI Z.
 */
static int modified_key(int ch, int shifted, int base, int mods, bool kitty)
{
	if (mods < 0 || (mods & (MOD_SUPER | MOD_HYPER | MOD_META)))
		return KEY_SWALLOWED; /* a release, or a modifier no legacy key has */
	switch (ch) {
	case 13:
	case KP_ENTER:
		return enter_key(mods);
	case 27:
		return KEY_ESCAPE;
	case 9:
		if (mods & MOD_SHIFT)
			return CODE(KEY_BTAB);
		return mods & MOD_ALT ? ALT('\t') : '\t';
	case 8:
	case 127: {
		int bs = mods & MOD_CTRL ? CTRL('H') : KEY_DEL_CHAR;
		return mods & MOD_ALT ? ALT(bs) : bs;
	}
	default:
		break;
	}
	if (ch >= KP_0 && ch <= KP_9)
		ch = '0' + ch - KP_0;
	else if (ch > KP_9 && ch < KP_ENTER)
		ch = "./*-+"[ch - KP_9 - 1];
	else if (ch == KP_ENTER + 1 || ch == KP_ENTER + 2)
		ch = ch == KP_ENTER + 1 ? '=' : ',';
	else if (ch >= KP_LEFT && ch < KP_BEGIN) {
		/* The keypad's cursor and editing keys, as the keys they stand for. */
		static const char finals[] = "DCAB~~HF~~";
		static const char tildes[] = {0, 0, 0, 0, 5, 6, 0, 0, 2, 3};
		int k = ch - KP_LEFT;
		if (finals[k] != '~')
			return cursor_key(finals[k], mods);
		return mods == 0 ? tilde_key(tildes[k]) : KEY_SWALLOWED;
	}
	/* The rest of the private use area: F13.., media and modifier keys. */
	if (ch <= 0 || ch > 0x10FFFF || (ch >= 0xE000 && ch <= 0xF8FF))
		return KEY_SWALLOWED;
	if (mods & MOD_SHIFT) {
		if (shifted > 0)
			ch = shifted;
		else if (kitty || (ch >= 'a' && ch <= 'z'))
			ch = us_shifted(ch);
	}
	if (mods & MOD_CTRL) {
		/* A Cyrillic Ctrl-С is Ctrl-C where the terminal names the key's place. */
		if (ch >= 0x80 && base > 0 && base < 0x80)
			ch = base;
		if (ch >= 0x80)
			return KEY_SWALLOWED;
		ch = ctrl_byte(ch);
	}
	if (ch == KEY_ESCAPE) /* Ctrl-[ */
		return KEY_ESCAPE;
	return mods & MOD_ALT ? ALT(ch) : ch;
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

int escape_csi_key(const char *params, int final)
{
	if (final == 'c' && params[0] == '?')
		return device_attributes(params);
	/* Private parameters (ESC[?1;2c, ESC[<0;1;1M, ESC[?1u) and intermediates are answers. */
	struct csi_params p;
	if (!parse_params(params, &p))
		return KEY_SWALLOWED;
	int mods = mods_of(&p);
	switch (final) {
	case 'u':
		return modified_key(p.v[0][0], p.v[0][1], p.v[0][2], mods, true);
	case '~':
		if (p.v[0][0] == 27 && p.n == 3) /* modifyOtherKeys: ESC[27;mods;char~ */
			return modified_key(p.v[2][0], 0, 0, mods, false);
		return mods == 0 ? tilde_key(p.v[0][0]) : KEY_SWALLOWED;
	case 'A':
	case 'B':
	case 'C':
	case 'D':
	case 'H':
	case 'F':
		return cursor_key(final, mods);
	case 'P':
	case 'Q':
	case 'S':
		/* F1, F2, F4 as CSI (kitty); F3 is ESC[13~ there, ESC[1;5R a cursor report. */
		return mods == 0 && p.v[0][0] <= 1 ? CODE(KEY_F(1 + final - 'P')) : KEY_SWALLOWED;
	case 'R':
		return p.n == 0 ? CODE(KEY_F(3)) : KEY_SWALLOWED;
	default:
		return KEY_SWALLOWED;
	}
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
	return escape_csi_key(params, final);
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
