/*
 * fuzz_syntax.c: libFuzzer harness for the code tokenizer (syntax.h).
 * The first byte picks the language and the feed chunk size; the rest is
 * a code block's text, sanitised as the TUI does. Tokenized line by line,
 * the runs must cover each line in order without gaps, differ from their
 * neighbours and never end inside a character; as a fenced block in a
 * message fed in chunks (streaming), it must render with exactly the
 * spans, classes included, of the message fed whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/markdown.h"
#include "jarvis/syntax.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"c",    "cpp", "python", "sh",  "javascript", "typescript",
                                    "json", "go",  "rust",   "sql", "diff",       "text"};

struct check {
	const char *s;
	size_t n, next, runs;
	enum syn_class last;
};

static void run(void *ud, size_t off, size_t len, enum syn_class cls)
{
	struct check *c = ud;
	if (off != c->next || len == 0 || off + len > c->n || cls >= SYN_CLASSES ||
	    (c->runs > 0 && cls == c->last))
		abort();
	if (off > 0 && ((unsigned char)c->s[off] & 0xC0) == 0x80)
		abort(); /* a run starts inside a character */
	c->next = off + len;
	c->last = cls;
	c->runs++;
}

static void tokenize(const struct syn_lang *lang, const char *src, size_t n)
{
	struct syn_state st = {0};
	for (size_t a = 0; a <= n;) {
		const char *nl = memchr(src + a, '\n', n - a);
		size_t e = nl != NULL ? (size_t)(nl - src) : n;
		struct check c = {src + a, e - a, 0, 0, SYN_PLAIN};
		syn_line(lang, &st, src + a, e - a, run, &c);
		if (c.next != e - a)
			abort(); /* the whole line */
		a = e + 1;
	}
}

static void same_spans(const struct md *a, const struct md *b)
{
	size_t na, nb;
	const struct span *x = md_spans(a, &na), *y = md_spans(b, &nb);
	if (md_len(a) != md_len(b) || memcmp(md_text(a), md_text(b), md_len(a)) != 0 || na != nb)
		abort();
	for (size_t i = 0; i < na; i++)
		if (x[i].off != y[i].off || x[i].len != y[i].len || x[i].style != y[i].style ||
		    x[i].level != y[i].level || x[i].flags != y[i].flags)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *name = names[data[0] % ARRAY_LEN(names)];
	size_t chunk = 1 + data[0] / ARRAY_LEN(names);
	char *src = utf8_sanitize((const char *)data + 1, size - 1);
	size_t n = strlen(src);
	tokenize(syn_lang_find(name, strlen(name)), src, n);

	struct buf doc;
	buf_init(&doc, BUF_TEXT_MAX);
	buf_addf(&doc, "Code:\n\n```%s\n%s", name, src);
	struct md *whole = md_new(true);
	md_finish(whole, doc.data, doc.len);
	struct md *stream = md_new(true);
	for (size_t at = 0; at < doc.len;) {
		at = at + chunk < doc.len ? at + chunk : doc.len;
		if (at < doc.len)
			md_update(stream, doc.data, at);
		else
			md_finish(stream, doc.data, at);
	}
	same_spans(stream, whole);
	md_free(stream);
	md_free(whole);
	buf_release(&doc);
	free(src);
	return 0;
}
