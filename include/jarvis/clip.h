/*
 * clip.h: what /copy copies, and the OSC 52 sequence that puts it on the
 * terminal's clipboard. Pure: picking the text and encoding it; writing it
 * to the terminal or to xclip/wl-copy is the TUI's (src/tui/clipboard.c).
 */
#ifndef JARVIS_CLIP_H
#define JARVIS_CLIP_H

#include <stddef.h>

#include "jarvis/conv.h"

/*
 * The n-th answer counting back from the newest (n = 1: the last one),
 * skipping answers /retry replaced and empty ones; NULL when there are
 * fewer. *count is set to how many answers there are.
 */
const struct msg *clip_answer(const struct conv *c, size_t n, size_t *count);
/*
 * The n-th fenced code block (1: the first) of Markdown text, as its
 * content alone (no fence, no info string, the fence's indentation taken
 * off), in a new string; NULL when there are fewer. *count is set to how
 * many there are. An unclosed fence runs to the end.
 */
char *clip_code_block(const char *md, size_t len, size_t n, size_t *count);
/* "\033]52;c;BASE64\a": sets the clipboard in terminals that take OSC 52 (caller frees). */
char *clip_osc52(const char *text, size_t len);

#endif
