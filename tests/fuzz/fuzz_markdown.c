/*
 * fuzz_markdown.c: libFuzzer harness for markdown rendering and wrapping.
 * The first byte picks the width and the feed chunk size; the rest is a
 * message, sanitised as the TUI does. Fed in chunks (streaming) it must
 * render exactly as fed whole, and the incrementally kept rows must equal
 * a fresh wrap of the final text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/markdown.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "jarvis/wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_rows(const struct wrap_cache *a, const struct wrap_cache *b)
{
	if (wrap_cache_nrows(a) != wrap_cache_nrows(b))
		abort();
	for (size_t i = 0; i < wrap_cache_nrows(a); i++) {
		const struct wrap_row *x = wrap_cache_row(a, i), *y = wrap_cache_row(b, i);
		if (x->off != y->off || x->len != y->len || x->width != y->width ||
		    x->npieces != y->npieces || x->nowrap != y->nowrap)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int width = 1 + data[0] % 40;
	size_t chunk = 1 + data[0] / 8;
	bool markdown = (data[0] & 1) == 0;
	char *src = utf8_sanitize((const char *)data + 1, size - 1);
	size_t n = strlen(src);

	struct md *whole = md_new(markdown);
	md_finish(whole, src, n);

	struct md *stream = md_new(markdown);
	struct wrap_cache *wc = wrap_cache_new();
	for (size_t at = 0; at < n;) {
		at = at + chunk < n ? at + chunk : n;
		size_t stable = at < n ? md_update(stream, src, at) : md_finish(stream, src, at);
		size_t ns;
		const struct span *sp = md_spans(stream, &ns);
		wrap_cache_update(wc, md_text(stream), md_len(stream), sp, ns, stable, width);
	}
	if (n > 0 && strcmp(md_text(stream), md_text(whole)) != 0)
		abort();

	size_t ns;
	const struct span *sp = md_spans(whole, &ns);
	for (size_t i = 0, at = 0; i < ns; at += sp[i].len, i++)
		if (sp[i].off != at)
			abort(); /* spans in order, without gaps */
	struct wrap_cache *fresh = wrap_cache_new();
	wrap_cache_update(fresh, md_text(whole), md_len(whole), sp, ns, 0, width);
	if (n > 0)
		same_rows(wc, fresh);
	for (size_t i = 0; i < wrap_cache_nrows(fresh); i++) {
		const struct wrap_row *r = wrap_cache_row(fresh, i);
		/* Nothing drawn past the margin, but for a lone cluster wider
		 * than the whole width (a CJK character at width 1) and a code
		 * line (never wrapped: the TUI cuts it). */
		const char *t = md_text(whole);
		bool lone =
		    r->len > 0 && utf8_cluster_next(t, r->off + r->len, r->off) == r->off + r->len;
		if (r->width > width && !(lone && r->width <= 2) && !r->nowrap)
			abort();
	}

	wrap_cache_free(fresh);
	wrap_cache_free(wc);
	md_free(stream);
	md_free(whole);
	free(src);
	return 0;
}
