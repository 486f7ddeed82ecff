/*
 * wrap_bench.c: what streaming costs the renderer. Appends 1 MiB of
 * markdown to one message in 4,000 pieces; after each piece the message is
 * re-rendered (md_update) and re-wrapped at 80 columns (wrap_cache_update
 * with the stable offset), as the TUI does per token burst. Prints the
 * total CPU time. Not part of `make`; build and run from the top with:
 *
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Iinclude bench/wrap_bench.c \
 *      src/core/markdown*.c src/core/wrap.c src/core/utf8.c src/core/util.c \
 *      src/core/buf.c $(pkg-config --cflags --libs md4c) -o build/wrap_bench
 *   ./build/wrap_bench
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jarvis/buf.h"
#include "jarvis/markdown.h"
#include "jarvis/wrap.h"

#define TOTAL (1024 * 1024)
#define PIECES 4000

/* A mix of what answers hold: prose, lists, code, a table, CJK and emoji. */
static const char *blocks[] = {
    "## Section heading\n\n",
    "Some prose with **bold**, *emphasis*, `inline code` and a [link](https://example.com/a). "
    "It goes on for a while so that it wraps over several rows at eighty columns, "
    "with mixed scripts 你好世界 and emoji 👍🏽 and a ZWJ family 👨\u200d👩\u200d👧 "
    "in "
    "it.\n\n",
    "- first item of a list\n- second item that is a good deal longer and so wraps "
    "under its own text rather than under the bullet\n  - nested item\n\n",
    "```c\nint main(void)\n{\n\tprintf(\"hello, world\\n\");\n\treturn 0;\n}\n```\n\n",
    "| Column | Value |\n|:-------|------:|\n| alpha | 1 |\n| 世界 | 22 |\n\n",
    "> A quotation that spans\n> two lines of the source.\n\n",
};

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	struct buf src;
	buf_init(&src, 0);
	for (size_t k = 0; src.len < TOTAL; k++)
		buf_addstr(&src, blocks[k % (sizeof(blocks) / sizeof(blocks[0]))]);
	size_t total = TOTAL;
	/* Cut at byte offsets as the network would, even inside a character. */
	size_t step = total / PIECES;

	struct md *m = md_new(true);
	struct wrap_cache *wc = wrap_cache_new();
	double t0 = cpu_ms();
	size_t have = 0, repaint_rows = 0;
	for (int i = 0; i < PIECES; i++) {
		have = i + 1 == PIECES ? total : have + step;
		size_t stable = md_update(m, src.data, have);
		size_t nspans;
		const struct span *sp = md_spans(m, &nspans);
		size_t first = wrap_cache_update(wc, md_text(m), md_len(m), sp, nspans, stable, 80);
		repaint_rows += wrap_cache_nrows(wc) - first;
	}
	double t1 = cpu_ms();
	printf("appended %zu bytes in %d pieces: %zu rendered bytes, %zu rows at 80 columns\n",
	       total, PIECES, md_len(m), wrap_cache_nrows(wc));
	printf("rows repainted per piece: %.1f on average\n", (double)repaint_rows / PIECES);
	printf("total CPU: %.1f ms (%.3f ms per piece)\n", t1 - t0, (t1 - t0) / PIECES);
	wrap_cache_free(wc);
	md_free(m);
	buf_release(&src);
	return 0;
}
