/*
 * fuzz_markdown.c: libFuzzer harness for markdown rendering and wrapping.
 * The first byte picks the width and the feed chunk size; the rest is a
 * message, sanitised as the TUI does. Fed in chunks (streaming) it must
 * render exactly as fed whole, and the incrementally kept rows must equal
 * a fresh wrap of the final text. With lazy tables (md_set_lazy_tables) it
 * must stream as fed whole too, every table must draw as many lines as
 * its height says, none past the width but for a lone wide cluster; and a
 * message that is one table, drawn where its columns fit, must read as the
 * eager render when the columns are as wide (the rule under the header
 * says so).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
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

/* Renders src lazily, in chunks, then whole; checks what its tables draw. */
static void lazy_tables(const char *src, size_t n, size_t chunk, int width, const struct md *eager)
{
	struct md *whole = md_new(true), *stream = md_new(true), *out = md_new(false);
	md_set_lazy_tables(whole, true);
	md_set_lazy_tables(stream, true);
	md_finish(whole, src, n);
	for (size_t at = 0; at < n;) {
		at = at + chunk < n ? at + chunk : n;
		if (at < n)
			md_update(stream, src, at);
		else
			md_finish(stream, src, at);
		/* The rows kept laid out are the rows laid out afresh, as the table grows. */
		for (size_t t = 0; t < md_ntables(stream); t++) {
			size_t h = md_table_height(stream, t, width);
			size_t lines[] = {0, h / 2, h - 1};
			for (size_t k = 0; k < 3; k++) {
				struct md *got;
				struct wrap_cache *wc;
				size_t f =
				    md_table_lines(stream, t, src, at, width, lines[k], &got, &wc);
				if (md_table_draw(stream, t, src, at, width, lines[k], out) != f ||
				    strcmp(md_text(got), md_text(out)) != 0)
					abort();
			}
		}
	}
	if (n > 0 && (strcmp(md_text(stream), md_text(whole)) != 0 ||
	              md_ntables(stream) != md_ntables(whole)))
		abort();
	struct buf all;
	buf_init(&all, BUF_TEXT_MAX);
	for (size_t t = 0; t < md_ntables(whole); t++) {
		if (md_table_height(stream, t, width) != md_table_height(whole, t, width))
			abort();
		int widths[] = {width, 1 << 14};
		for (size_t k = 0; k < 2; k++) {
			size_t h = md_table_height(whole, t, widths[k]), line = 0;
			buf_reset(&all);
			while (line < h) {
				if (md_table_draw(whole, t, src, n, widths[k], line, out) != line)
					abort();
				struct wrap_row *rows;
				size_t nr = wrap_text(md_text(out), md_len(out), 1 << 20, &rows);
				for (size_t r = 0; r < nr && k == 0; r++) {
					const char *x = md_text(out);
					bool lone = rows[r].len > 0 &&
					            utf8_cluster_next(x, rows[r].off + rows[r].len,
					                              rows[r].off) ==
					                rows[r].off + rows[r].len;
					if (md_table_form(whole, t, width) != MD_TABLE_GRID &&
					    rows[r].width > width && !(lone && rows[r].width <= 2))
						abort();
				}
				free(rows);
				if (line > 0)
					buf_addstr(&all, "\n");
				buf_add(&all, md_text(out), md_len(out));
				line += nr;
			}
			if (line != h)
				abort(); /* drawn as many lines as counted */
		}
		/* The straightforward render, where the columns are the same. */
		const char *e = md_text(eager), *l = all.data;
		const char *e2 = strchr(e, '\n'), *l2 = strchr(l, '\n');
		if (md_ntables(whole) == 1 && strcmp(md_text(whole), "▦") == 0 &&
		    md_table_form(whole, t, 1 << 14) == MD_TABLE_GRID && e2 && l2) {
			const char *e3 = strchr(e2 + 1, '\n'), *l3 = strchr(l2 + 1, '\n');
			size_t el = e3 ? (size_t)(e3 - e2) : strlen(e2);
			size_t ll = l3 ? (size_t)(l3 - l2) : strlen(l2);
			if (el == ll && memcmp(e2, l2, el) == 0 && strcmp(e, l) != 0)
				abort();
		}
	}
	buf_release(&all);
	md_free(out);
	md_free(stream);
	md_free(whole);
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

	if (markdown)
		lazy_tables(src, n, chunk, width, whole);

	wrap_cache_free(fresh);
	wrap_cache_free(wc);
	md_free(stream);
	md_free(whole);
	free(src);
	return 0;
}
