/*
 * editor_bench.c: what a very long input costs each key. Pastes 12 MiB of
 * prose lines into the input editor, then times, per key, what the TUI does
 * for it: Up and Down (editor_up/down, then the layout the next frame
 * draws), typing at the end of the paste and typing in its middle (an
 * insert, then the layout). Prints milliseconds per key. `make bench-editor`.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jarvis/buf.h"
#include "jarvis/editor.h"

#define PASTE ((size_t)12 << 20)
#define WIDTH 78
#define KEYS 50

static double clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void frame(struct editor *e)
{
	struct editor_layout l;
	editor_layout(e, WIDTH, &l);
}

static void report(const char *what, double ms)
{
	printf("  %-34s %9.3f ms per key\n", what, ms / KEYS);
}

int main(void)
{
	static const char line[] =
	    "A pasted log line, long enough to wrap once at eighty columns: request 42 took "
	    "17 ms and returned 200.\n";
	struct buf b;
	buf_init(&b, PASTE + sizeof line);
	while (b.len + sizeof line < PASTE)
		buf_add(&b, line, sizeof line - 1);
	struct editor *e = editor_new();
	double t0 = clock_ms();
	editor_insert(e, b.data, b.len);
	frame(e);
	printf("editor, %.1f MiB in the input, %d columns\n", b.len / 1048576.0, WIDTH);
	printf("  %-34s %9.3f ms\n", "paste, then its first frame", clock_ms() - t0);

	t0 = clock_ms();
	for (int i = 0; i < KEYS; i++) {
		editor_up(e, WIDTH);
		frame(e);
	}
	report("Up", clock_ms() - t0);
	t0 = clock_ms();
	for (int i = 0; i < KEYS; i++) {
		editor_down(e, WIDTH);
		frame(e);
	}
	report("Down", clock_ms() - t0);

	editor_set_cursor(e, editor_len(e));
	t0 = clock_ms();
	for (int i = 0; i < KEYS; i++) {
		editor_insert(e, "x", 1);
		frame(e);
	}
	report("typing at the end", clock_ms() - t0);

	editor_set_cursor(e, editor_len(e) / 2);
	t0 = clock_ms();
	for (int i = 0; i < KEYS; i++) {
		editor_insert(e, "y", 1);
		frame(e);
	}
	report("typing in the middle", clock_ms() - t0);
	editor_free(e);
	buf_release(&b);
	return 0;
}
