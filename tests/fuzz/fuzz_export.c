/*
 * fuzz_export.c: libFuzzer harness for the Markdown export and the
 * terminal neutraliser. The input, split at NUL bytes, is a title, a
 * system prompt and messages. Whatever they hold, the neutralised text has
 * no ESC, no other C0 control but \n and \t, no DEL and no C1 control; fed
 * in pieces it comes out exactly as fed whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/conv.h"
#include "jarvis/export.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void assert_inert(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		if ((u[i] < 0x20 && u[i] != '\n' && u[i] != '\t') || u[i] == 0x7f)
			abort();
		if (u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)
			abort(); /* a C1 control, U+0080..U+009F */
	}
	if (!utf8_valid(s, n))
		abort();
}

static void neutralise(const char *s, size_t n, size_t piece)
{
	char *whole = utf8_neutralize_for_terminal(s, n);
	assert_inert(whole, strlen(whole));
	struct buf out;
	buf_init(&out, 0);
	struct utf8_stream st;
	utf8_stream_init(&st);
	for (size_t at = 0; at < n; at += piece)
		utf8_stream_feed(&st, s + at, piece < n - at ? piece : n - at, &out);
	utf8_stream_finish(&st, &out);
	if (out.len != strlen(whole) || memcmp(out.data ? out.data : "", whole, out.len) != 0)
		abort();
	free(whole);
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t piece = 1 + data[0] % 7;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	neutralise(s, n, piece);

	struct conv *c = conv_new();
	const char *end = s + n, *p = s;
	for (int field = 0; p <= end; field++) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		size_t k = z ? (size_t)(z - p) : (size_t)(end - p);
		char *f = xstrndup(p, k);
		if (field == 0)
			c->title = f;
		else if (field == 1)
			c->system_prompt = f;
		else {
			conv_push(c, msg_new(field % 2 ? ROLE_USER : ROLE_MODEL, f));
			free(f);
		}
		if (z == NULL)
			break;
		p = z + 1;
	}
	char *md = export_markdown(c, (const struct msg *const *)c->msgs, c->n);
	neutralise(md, strlen(md), piece);
	free(md);
	conv_free(c);
	return 0;
}
