/*
 * bidi.c: paragraph direction and the visual order of a line (see bidi.h).
 * The direction comes from utf8proc's bidi classes, so left-to-right text
 * never loads the FriBidi plugin.
 */
#include "jarvis/bidi.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "jarvis/plugin.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

typedef int line_fn(const uint32_t *par, size_t npar, size_t from, size_t to, int rtl,
                    uint32_t *vis, size_t *map);

enum bidi_mode bidi_mode_parse(const char *value)
{
	if (value != NULL && strcmp(value, "on") == 0)
		return BIDI_ON;
	if (value != NULL && strcmp(value, "off") == 0)
		return BIDI_OFF;
	return BIDI_AUTO;
}

bool bidi_wanted(enum bidi_mode mode)
{
	if (mode != BIDI_AUTO)
		return mode == BIDI_ON;
	const char *vte = getenv("VTE_VERSION");
	if (vte != NULL && strtol(vte, NULL, 10) >= 5800)
		return false;
	const char *konsole = getenv("KONSOLE_VERSION"), *mlterm = getenv("MLTERM");
	return !(konsole != NULL && konsole[0]) && !(mlterm != NULL && mlterm[0]);
}

bool bidi_par_is_rtl(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		if (cp < 0x80) {
			if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
				return false;
			continue;
		}
		int bc = utf8proc_get_property((utf8proc_int32_t)cp)->bidi_class;
		if (bc == UTF8PROC_BIDI_CLASS_L)
			return false;
		if (bc == UTF8PROC_BIDI_CLASS_R || bc == UTF8PROC_BIDI_CLASS_AL)
			return true;
	}
	return false;
}

int bidi_visual(const char *par, size_t n, size_t from, size_t to, struct buf *out, size_t **offs,
                size_t *n_out, char **cause)
{
	static line_fn *line;
	*offs = NULL;
	*n_out = 0;
	if (line == NULL) {
		line = (line_fn *)plugin_symbol("bidi", "bidi_fribidi_line", cause);
		if (line == NULL)
			return -1;
	}
	/* The paragraph as code points, and where each starts in par. */
	uint32_t *cps = xmalloc((n + 1) * sizeof *cps);
	size_t *at = xmalloc((n + 1) * sizeof *at);
	size_t ncp = 0, cfrom = 0, cto = 0;
	for (size_t i = 0; i < n;) {
		if (i == from)
			cfrom = ncp;
		if (i == to)
			cto = ncp;
		at[ncp] = i;
		i += utf8_decode(par + i, n - i, &cps[ncp]);
		ncp++;
	}
	if (to >= n)
		cto = ncp;
	uint32_t *vis = xmalloc((cto - cfrom + 1) * sizeof *vis);
	size_t *map = xmalloc((cto - cfrom + 1) * sizeof *map);
	int rc = line(cps, ncp, cfrom, cto, 1, vis, map);
	if (rc == 0) {
		*offs = xmalloc((cto - cfrom + 1) * sizeof **offs);
		for (size_t k = 0; k < cto - cfrom; k++) {
			char e[4];
			buf_add(out, e, utf8_encode(vis[k], e));
			(*offs)[k] = at[map[k]];
		}
		*n_out = cto - cfrom;
	} else {
		set_cause(cause, "out of memory while reordering right-to-left text");
	}
	free(vis);
	free(map);
	free(cps);
	free(at);
	return rc;
}
