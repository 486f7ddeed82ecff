/*
 * Unit tests for the escape-sequence decoder (src/tui/escape.c): every key
 * a terminal in the kitty keyboard protocol (flags 1 and 4) or in xterm's
 * modifyOtherKeys sends as a CSI becomes the key its legacy byte is, so no
 * key a user has stops working when the terminal takes the request.
 */
#include <string.h>

#include "jarvis/util.h"
#include "unit.h"

#include "../../src/tui/escape.h"
#include "../../src/tui/keycode.h"

struct want {
	const char *seq; /* what follows ESC [ , its final byte last */
	int key;
};

static void check_all(const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(w[i].seq);
		char params[64];
		ck_assert_uint_lt(len, sizeof params);
		memcpy(params, w[i].seq, len - 1);
		params[len - 1] = '\0';
		int got = escape_csi_key(params, w[i].seq[len - 1]);
		ck_assert_msg(got == w[i].key, "ESC[%s gave %#x, not %#x", w[i].seq, (unsigned)got,
		              (unsigned)w[i].key);
	}
}

/* kitty's disambiguate flag: what the chat's keys arrive as, and what they must be. */
START_TEST(kitty_keys_are_their_legacy_bytes)
{
	static const struct want w[] = {
	    {"27u", KEY_ESCAPE},             /* Esc */
	    {"27;3u", KEY_ESCAPE},           /* Alt-Esc: ESC ESC, a lone Esc first */
	    {"99;5u", CTRL('C')},            /* Ctrl-C quits or stops, as 0x03 */
	    {"97;5u", CTRL('A')},            /* Ctrl-A .. Ctrl-Z */
	    {"122;5u", CTRL('Z')},           /* Ctrl-Z suspends */
	    {"114;5u", CTRL('R')},           /* Ctrl-R */
	    {"120;5u", CTRL('X')},           /* Ctrl-X (Ctrl-E next) */
	    {"101;5u", CTRL('E')},           /* */
	    {"106;5u", CTRL('J')},           /* Ctrl-J: a new line */
	    {"105;5u", '\t'},                /* Ctrl-I is Tab, as ever */
	    {"99;6u", CTRL('C')},            /* Ctrl-Shift-C */
	    {"99:67;6u", CTRL('C')},         /* the same with its shifted key */
	    {"1089::99;5u", CTRL('C')},      /* Ctrl-С on a Cyrillic layout */
	    {"1089;5u", KEY_SWALLOWED},      /* ... without the base key: no legacy byte */
	    {"95;5u", CTRL('_')},            /* Ctrl-_ undoes */
	    {"45;6u", CTRL('_')},            /* Ctrl-Shift-minus, a US keyboard's Ctrl-_ */
	    {"45:95;6u", CTRL('_')},         /* the same, the shifted key reported */
	    {"47;5u", CTRL('_')},            /* Ctrl-/, 0x1f as in xterm */
	    {"91;5u", KEY_ESCAPE},           /* Ctrl-[ */
	    {"32;5u", 0},                    /* Ctrl-Space: NUL */
	    {"44;5u", ','},                  /* Ctrl-, has no control byte: the key */
	    {"98;3u", ALT('b')},             /* Alt-B, Alt-F, Alt-D */
	    {"100;3u", ALT('d')},            /* */
	    {"98;7u", ALT(CTRL('B'))},       /* Ctrl-Alt-B: ESC ^B */
	    {"98;4u", ALT('B')},             /* Shift-Alt-B: ESC B */
	    {"44;4u", ALT('<')},             /* Alt-< on a US keyboard */
	    {"46;4u", ALT('>')},             /* Alt-> */
	    {"60:62;4u", ALT('>')},          /* Alt-> where < is a key of its own */
	    {"60;3u", ALT('<')},             /* Alt-< there */
	    {"13u", '\r'},                   /* Enter */
	    {"13;3u", ALT('\r')},            /* Alt-Enter: a new line */
	    {"13;2u", CODE(KEY_SHIFT_ENTER)},
	    {"13;5u", CODE(KEY_CTRL_ENTER)},
	    {"13;2:1u", CODE(KEY_SHIFT_ENTER)}, /* an explicit press */
	    {"13;2:2u", CODE(KEY_SHIFT_ENTER)}, /* a repeat is a press again */
	    {"13;2:3u", KEY_SWALLOWED},         /* a release is no key */
	    {"13;66u", CODE(KEY_SHIFT_ENTER)},  /* Caps Lock changes nothing */
	    {"99;133u", CTRL('C')},             /* nor Num Lock */
	    {"99;9u", KEY_SWALLOWED},           /* Super-C: no legacy key */
	    {"9u", '\t'},                       /* Tab */
	    {"9;2u", CODE(KEY_BTAB)},           /* Shift-Tab, as CSI Z */
	    {"9;3u", ALT('\t')},                /* */
	    {"127u", KEY_DEL_CHAR},             /* Backspace */
	    {"127;3u", ALT(KEY_DEL_CHAR)},      /* Alt-Backspace kills a word */
	    {"127;5u", CTRL('H')},              /* Ctrl-Backspace: ^H */
	    {"127;7u", ALT(CTRL('H'))},         /* */
	    {"127;2u", KEY_DEL_CHAR},           /* Shift-Backspace */
	};
	check_all(w, ARRAY_LEN(w));
}
END_TEST

/* The keypad is reported as keys of its own under the disambiguate flag. */
START_TEST(kitty_keypad_is_the_keys_it_stands_for)
{
	static const struct want w[] = {
	    {"57414u", '\r'},                      /* KP_Enter sends */
	    {"57414;2u", CODE(KEY_SHIFT_ENTER)},   /* */
	    {"57399u", '0'},                       /* KP_0 */
	    {"57408u", '9'},                       /* KP_9 */
	    {"57409u", '.'},                       /* */
	    {"57413u", '+'},                       /* */
	    {"57415u", '='},                       /* */
	    {"57416u", ','},                       /* */
	    {"57417u", CODE(KEY_LEFT)},            /* */
	    {"57417;5u", CODE(KEY_CTRL_LEFT)},     /* */
	    {"57419u", CODE(KEY_UP)},              /* */
	    {"57421u", CODE(KEY_PPAGE)},           /* */
	    {"57424u", CODE(KEY_END)},             /* */
	    {"57426u", CODE(KEY_DC)},              /* */
	    {"57427u", KEY_SWALLOWED},             /* KP_Begin */
	    {"57376u", KEY_SWALLOWED},             /* F13 */
	    {"57441u", KEY_SWALLOWED},             /* Left Shift */
	};
	check_all(w, ARRAY_LEN(w));
}
END_TEST

/* Function keys as kitty may send them, and what is no key at all. */
START_TEST(function_keys_and_answers)
{
	static const struct want w[] = {
	    {"P", CODE(KEY_F(1))},           /* */
	    {"1P", CODE(KEY_F(1))},          /* */
	    {"Q", CODE(KEY_F(2))},           /* */
	    {"13~", CODE(KEY_F(3))},         /* F3 */
	    {"R", CODE(KEY_F(3))},           /* */
	    {"1;5R", KEY_SWALLOWED},         /* a cursor position report */
	    {"S", CODE(KEY_F(4))},           /* */
	    {"15~", CODE(KEY_F(5))},         /* */
	    {"24~", CODE(KEY_F(12))},        /* */
	    {"1;2P", KEY_SWALLOWED},         /* Shift-F1 */
	    {"3~", CODE(KEY_DC)},            /* */
	    {"3;5~", KEY_SWALLOWED},         /* */
	    {"1;5D", CODE(KEY_CTRL_LEFT)},   /* */
	    {"1;5:3D", KEY_SWALLOWED},       /* its release */
	    {"?1u", KEY_SWALLOWED},          /* the answer to CSI ? u */
	    {"?62;22c", KEY_SWALLOWED},      /* DA1 */
	    {"?62;4;22c", CODE(KEY_SIXEL_ANSWER)},
	    {"99999999999;5u", KEY_SWALLOWED}, /* past Unicode */
	    {"0u", KEY_SWALLOWED},           /* */
	};
	check_all(w, ARRAY_LEN(w));
}
END_TEST

/* xterm's modifyOtherKeys (and tmux's extended keys): ESC[27;mods;char~. */
START_TEST(modify_other_keys_are_their_legacy_bytes)
{
	static const struct want w[] = {
	    {"27;2;13~", CODE(KEY_SHIFT_ENTER)},
	    {"27;5;13~", CODE(KEY_CTRL_ENTER)},
	    {"27;3;13~", ALT('\r')},         /* */
	    {"27;5;99~", CTRL('C')},         /* */
	    {"27;6;67~", CTRL('C')},         /* Ctrl-Shift-C as the character it types */
	    {"27;5;9~", '\t'},               /* Ctrl-Tab */
	    {"27;2;9~", CODE(KEY_BTAB)},     /* */
	    {"27;5;27~", KEY_ESCAPE},        /* */
	    {"27;3;127~", ALT(KEY_DEL_CHAR)},
	    {"27;5;95~", CTRL('_')},         /* */
	    {"27;6;95~", CTRL('_')},         /* Ctrl-Shift-minus, its character typed */
	    {"27;4;62~", ALT('>')},          /* the character, already shifted */
	    {"27;5;44~", ','},               /* */
	};
	check_all(w, ARRAY_LEN(w));
}
END_TEST

static Suite *escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("csi");
	tcase_add_test(tc, kitty_keys_are_their_legacy_bytes);
	tcase_add_test(tc, kitty_keypad_is_the_keys_it_stands_for);
	tcase_add_test(tc, function_keys_and_answers);
	tcase_add_test(tc, modify_other_keys_are_their_legacy_bytes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(escape_suite)
