/*
 * termprobe.h: how wide this terminal draws emoji sequences, and whether it
 * takes synchronized output (DEC mode 2026) (termprobe.c).
 * Terminals disagree: some join a ZWJ sequence, a skin tone or a VS16 emoji
 * into one glyph, others draw the pieces. The wrapper, the editor's cursor
 * and curses must all use the widths the terminal uses, or lines overflow
 * and the cursor lands inside an emoji.
 */
#ifndef JARVIS_TUI_TERMPROBE_H
#define JARVIS_TUI_TERMPROBE_H

#include <stdbool.h>

#include "jarvis/utf8.h"

/* [ui] emoji_width */
enum termprobe_mode {
	TERMPROBE_AUTO,   /* the cached answer for this terminal, else measure it */
	TERMPROBE_ALWAYS, /* "terminal-probe": measure at every start */
	TERMPROBE_JOINED, /* every sequence one glyph, no measuring */
	TERMPROBE_SPLIT,  /* every piece by itself, no measuring */
};

/* The mode an emoji_width value names (config.c has checked it). */
enum termprobe_mode termprobe_mode_parse(const char *value);

/* What the terminal was found to do. */
struct termprobe_result {
	struct utf8_term term;
	bool measured;   /* the terminal answered (now or in the cache) */
	bool mode2027;   /* it reported grapheme clustering (DEC mode 2027) */
	bool mode2026;   /* it knows synchronized output (DEC mode 2026): frames are wrapped */
	bool from_cache; /* taken from the cache without asking */
	double ms;       /* time spent asking, 0 when nothing was asked */
};

/*
 * Decides the widths for this terminal and sets them (utf8_set_term). Call
 * after newterm() and raw(), before the first paint. When it asks the
 * terminal, it paints the still empty screen first, writes the samples
 * concealed on its top line, reads the answers for at most a few
 * milliseconds and erases them again; keys typed meanwhile are handed back
 * to curses. Nothing is asked when stdin or stdout is not a terminal.
 * cache_dir ($XDG_CACHE_HOME/jarvis) may be NULL: then nothing is cached.
 */
void termprobe_start(enum termprobe_mode mode, const char *cache_dir, struct termprobe_result *out);

/*
 * Whether the terminal makes OSC 8 hyperlinks clickable. No terminal
 * answers a question about it, so this goes by what the environment says
 * the terminal is (TERM, TERM_PROGRAM, VTE_VERSION, ...); inside tmux only
 * tmux 3.4 and later pass them on. A terminal that does not know OSC 8
 * ignores it, but then the URL would not be seen at all.
 */
bool termprobe_hyperlinks(void);
/* What the environment says the terminal draws images with ([ui] images = auto). */
enum termprobe_graphics {
	TERMPROBE_GFX_NONE,  /* symbols only: tmux or screen (which would not pass them on), dumb */
	TERMPROBE_GFX_KITTY, /* the kitty graphics protocol: kitty, WezTerm, Ghostty */
	TERMPROBE_GFX_SIXEL, /* sixel: foot, mlterm, contour, yaft, iTerm2 */
	TERMPROBE_GFX_ASK,   /* cannot tell: ask the terminal (DA1) */
};
/*
 * By TERM, TERM_PROGRAM and KITTY_WINDOW_ID; inside tmux (TMUX, or a TERM
 * of tmux or screen) always none, as the outer terminal's variables leak in.
 */
enum termprobe_graphics termprobe_graphics(void);
/* Whether it draws SGR 9 (strikethrough): all but the Linux console, GNU screen and the old ones.
 */
bool termprobe_strike(void);

#endif
