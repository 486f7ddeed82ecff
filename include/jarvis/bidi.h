/*
 * bidi.h: right-to-left text in visual order, for terminals that draw
 * characters in the order they arrive (tmux, xterm, kitty, Alacritty).
 * Text is stored, edited and sent in logical order; only display reorders,
 * one wrapped row at a time (the wrapper measures logical text, and widths
 * do not change with order). The reordering itself is GNU FriBidi's, in the
 * plugin jarvis-bidi.so, loaded the first time a right-to-left row is drawn.
 */
#ifndef JARVIS_BIDI_H
#define JARVIS_BIDI_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/buf.h"

/* [ui] bidi */
enum bidi_mode { BIDI_AUTO, BIDI_ON, BIDI_OFF };
enum bidi_mode bidi_mode_parse(const char *value);
/*
 * Whether Jarvis reorders: on, off, or for auto off in terminals that do
 * bidi themselves (VTE >= 0.58 by VTE_VERSION, Konsole by KONSOLE_VERSION,
 * mlterm by MLTERM) and on elsewhere.
 */
bool bidi_wanted(enum bidi_mode mode);

/* True when paragraph s[0..n)'s first strong character is right-to-left (UAX #9 P2, P3). */
bool bidi_par_is_rtl(const char *s, size_t n);

/*
 * The bytes [from, to) of the right-to-left paragraph par[0..n) in visual
 * order: out gets their UTF-8, and *offs (n_out entries, freed by the
 * caller) the offset in par of each code point written. from and to must
 * be code point boundaries. Returns -1 with a cause when the plugin cannot
 * be loaded or memory ran out.
 */
int bidi_visual(const char *par, size_t n, size_t from, size_t to, struct buf *out, size_t **offs,
                size_t *n_out, char **cause);

#endif
