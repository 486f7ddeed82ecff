/*
 * fribidi.c: the bidi plugin, jarvis-bidi.so (see include/jarvis/bidi.h).
 * GNU FriBidi resolves the embedding levels of a whole paragraph (UAX #9
 * rules P2 to I1, with brackets), then reorders one line of it (L1 to L3,
 * combining marks kept after their base) and mirrors the brackets and other
 * mirrored characters that end up right-to-left (L4). Arabic shaping is left
 * to the terminal.
 */
#include <fribidi.h>
#include <stdint.h>
#include <stdlib.h>

int bidi_fribidi_line(const uint32_t *par, size_t npar, size_t from, size_t to, int rtl,
                      uint32_t *vis, size_t *map);

/*
 * The code points of par[from..to) in visual order into vis[0..to-from),
 * mirrored where right-to-left; map[i] is the index in par of vis[i].
 * rtl: 1 right-to-left paragraph, 0 left-to-right. Returns 0, or -1 when
 * memory ran out.
 */
int bidi_fribidi_line(const uint32_t *par, size_t npar, size_t from, size_t to, int rtl,
                      uint32_t *vis, size_t *map)
{
	if (from >= to || to > npar)
		return 0;
	FriBidiCharType *types = malloc(npar * sizeof *types);
	FriBidiBracketType *brackets = malloc(npar * sizeof *brackets);
	FriBidiLevel *levels = malloc(npar * sizeof *levels);
	FriBidiStrIndex *m = malloc(npar * sizeof *m);
	FriBidiChar *line = malloc(npar * sizeof *line); /* indexed as the paragraph */
	int rc = -1;
	if (types == NULL || brackets == NULL || levels == NULL || m == NULL || line == NULL)
		goto out;
	const FriBidiChar *s = (const FriBidiChar *)par;
	FriBidiParType dir = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
	fribidi_get_bidi_types(s, (FriBidiStrIndex)npar, types);
	fribidi_get_bracket_types(s, (FriBidiStrIndex)npar, types, brackets);
	if (fribidi_get_par_embedding_levels_ex(types, brackets, (FriBidiStrIndex)npar, &dir,
	                                        levels) == 0)
		goto out;
	size_t n = to - from;
	for (size_t i = 0; i < npar; i++) {
		m[i] = (FriBidiStrIndex)i;
		line[i] = par[i];
	}
	/* The line's part of line[] and m[] is reordered in place. */
	if (fribidi_reorder_line(FRIBIDI_FLAGS_DEFAULT, types, (FriBidiStrIndex)n,
	                         (FriBidiStrIndex)from, dir, levels, line, m) == 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		vis[i] = line[from + i];
		map[i] = (size_t)m[from + i];
		FriBidiChar mirror;
		if (FRIBIDI_LEVEL_IS_RTL(levels[map[i]]) &&
		    fribidi_get_mirror_char(vis[i], &mirror))
			vis[i] = mirror;
	}
	rc = 0;
out:
	free(types);
	free(brackets);
	free(levels);
	free(m);
	free(line);
	return rc;
}
