/*
 * syntax.c: the tokenizer behind syntax.h. One pass over a line, left to
 * right, each byte looked at a bounded number of times; what it needs to
 * know of a language (words, comment forms, quotes, a few flags) is in
 * syntax_langs.c. Tokens start and end on ASCII bytes only (a byte of a
 * multi-byte character is always part of a name, a string or a comment),
 * so no run splits a character.
 */
#include "jarvis/syntax.h"

#include <string.h>

#include "syntax_internal.h"

enum { MODE_CODE, MODE_COMMENT, MODE_STRING };

/* Names and keywords longer than this are never looked up. */
#define WORD_MAX 32

/* One line being tokenized: where the pending run starts and its class. */
struct tok {
	const struct syn_lang *l;
	struct syn_state *st;
	const char *s;
	size_t n;
	syn_emit_fn *emit;
	void *ud;
	size_t lead; /* where the line's first byte other than a blank is */
	size_t run;
	enum syn_class cls;
};

/* [from, to) is of class c; from is where the last call ended. */
static void put(struct tok *t, size_t from, size_t to, enum syn_class c)
{
	if (to <= from)
		return;
	if (c != t->cls && from > t->run) {
		t->emit(t->ud, t->run, from - t->run, t->cls);
		t->run = from;
	}
	t->cls = c;
}

static bool has(const char *set, unsigned char c)
{
	return set != NULL && c != 0 && strchr(set, c) != NULL;
}

static bool at(const struct tok *t, size_t i, const char *w)
{
	size_t k = strlen(w);
	return w[0] != '\0' && i + k <= t->n && memcmp(t->s + i, w, k) == 0;
}

static bool alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool name_start(const struct tok *t, unsigned char c)
{
	return alpha(c) || (c == '$' && (t->l->flags & SYN_F_DOLLAR));
}

static bool name_char(const struct tok *t, unsigned char c)
{
	return name_start(t, c) || digit(c) || (c == '-' && (t->l->flags & SYN_F_DASH));
}

/* --- words ----------------------------------------------------------------- */

static bool in_words(const struct syn_words *w, const char *s, size_t k)
{
	size_t lo = 0, hi = w->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = w->w[mid];
		int c = strncmp(s, e, k);
		if (c == 0 && e[k] != '\0')
			c = -1;
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* The class of the name s[0..k): a listed word's, or plain. */
static enum syn_class word_class(const struct syn_lang *l, const char *s, size_t k)
{
	if (k > WORD_MAX)
		return SYN_PLAIN;
	char low[WORD_MAX];
	if (l->flags & SYN_F_NOCASE) {
		for (size_t i = 0; i < k; i++)
			low[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		s = low;
	}
	for (size_t i = 0; i < SYN_MAX_WORDS && l->words[i].w != NULL; i++)
		if (in_words(&l->words[i], s, k))
			return l->words[i].cls;
	if ((l->flags & SYN_F_CAPS) && s[0] >= 'A' && s[0] <= 'Z')
		return SYN_TYPE;
	return SYN_PLAIN;
}

/* --- comments and strings -------------------------------------------------- */

/* Inside a block comment from i: to its end (or the line's). */
static size_t comment_body(struct tok *t, size_t i)
{
	const struct syn_lang *l = t->l;
	size_t a = i;
	while (i < t->n) {
		if ((l->flags & SYN_F_NESTED) && at(t, i, l->block_open)) {
			if (t->st->depth < 255)
				t->st->depth++;
			i += strlen(l->block_open);
		} else if (at(t, i, l->block_close)) {
			i += strlen(l->block_close);
			if (t->st->depth > 0)
				t->st->depth--;
			if (t->st->depth == 0) {
				t->st->mode = MODE_CODE;
				break;
			}
		} else {
			i++;
		}
	}
	put(t, a, i, SYN_COMMENT);
	return i;
}

/* Inside a string from i: to its closing quote (or the line's end). */
static size_t string_body(struct tok *t, size_t i)
{
	unsigned char q = t->st->quote;
	bool raw = has(t->l->raw, q), triple = t->st->triple;
	size_t a = i;
	while (i < t->n) {
		unsigned char c = (unsigned char)t->s[i];
		if (c == '\\' && !raw) {
			i += i + 1 < t->n ? 2 : 1;
			continue;
		}
		i++;
		if (c != q)
			continue;
		if (!triple) {
			t->st->mode = MODE_CODE;
			break;
		}
		if (i + 1 < t->n && t->s[i] == (char)q && t->s[i + 1] == (char)q) {
			i += 2;
			t->st->mode = MODE_CODE;
			break;
		}
	}
	put(t, a, i, SYN_STRING);
	/* Only some strings go on to the next line. */
	if (t->st->mode == MODE_STRING && !triple && !has(t->l->multiline, q))
		t->st->mode = MODE_CODE;
	return i;
}

/* A string opening at i with quote s[i]. */
static size_t string_open(struct tok *t, size_t i)
{
	unsigned char q = (unsigned char)t->s[i];
	size_t a = i;
	t->st->mode = MODE_STRING;
	t->st->quote = q;
	t->st->triple = 0;
	i++;
	if ((t->l->flags & SYN_F_TRIPLE) && i + 1 < t->n && t->s[i] == (char)q &&
	    t->s[i + 1] == (char)q) {
		t->st->triple = 1;
		i += 2;
	}
	put(t, a, i, SYN_STRING);
	return string_body(t, i);
}

static size_t comment_open(struct tok *t, size_t i)
{
	t->st->mode = MODE_COMMENT;
	t->st->depth = 1;
	size_t a = i;
	i += strlen(t->l->block_open);
	put(t, a, i, SYN_COMMENT);
	return comment_body(t, i);
}

/* --- the other tokens -------------------------------------------------------- */

static size_t number(struct tok *t, size_t i)
{
	size_t a = i;
	bool hex = t->s[i] == '0' && i + 1 < t->n && (t->s[i + 1] == 'x' || t->s[i + 1] == 'X');
	while (i < t->n) {
		unsigned char c = (unsigned char)t->s[i];
		if (digit(c) || (c < 0x80 && alpha(c)) || c == '.') {
			i++;
			if (!hex && (c == 'e' || c == 'E') && i < t->n &&
			    (t->s[i] == '+' || t->s[i] == '-'))
				i++;
		} else {
			break;
		}
	}
	put(t, a, i, SYN_NUMBER);
	return i;
}

/* Whether the name s[a, i) is a string's prefix (r, b, f, rb, ...) before a quote. */
static bool string_prefix(const struct tok *t, size_t a, size_t i)
{
	if (!(t->l->flags & SYN_F_STR_PREFIX) || i - a > 3 || i >= t->n ||
	    !has(t->l->quotes, (unsigned char)t->s[i]))
		return false;
	for (size_t k = a; k < i; k++)
		if (!has("rRbBfFuU", (unsigned char)t->s[k]))
			return false;
	return true;
}

static size_t name(struct tok *t, size_t i)
{
	size_t a = i;
	i++;
	while (i < t->n && name_char(t, (unsigned char)t->s[i]))
		i++;
	if (string_prefix(t, a, i)) {
		put(t, a, i, SYN_STRING);
		return string_open(t, i);
	}
	enum syn_class c = word_class(t->l, t->s + a, i - a);
	if (c == SYN_PLAIN && (t->l->flags & SYN_F_MACRO) && i < t->n && t->s[i] == '!' &&
	    (i + 1 >= t->n || t->s[i + 1] != '=')) {
		i++;
		c = SYN_META;
	}
	put(t, a, i, c);
	return i;
}

/* '#' first on a line: the directive's name, and <header> after #include. */
static size_t directive(struct tok *t, size_t i)
{
	size_t a = i++;
	while (i < t->n && (t->s[i] == ' ' || t->s[i] == '\t'))
		i++;
	size_t w = i;
	while (i < t->n && alpha((unsigned char)t->s[i]))
		i++;
	bool include = i - w == 7 && memcmp(t->s + w, "include", 7) == 0;
	put(t, a, i, SYN_META);
	size_t k = i;
	while (k < t->n && t->s[k] == ' ')
		k++;
	if (include && k < t->n && t->s[k] == '<') {
		const char *e = memchr(t->s + k, '>', t->n - k);
		size_t end = e != NULL ? (size_t)(e - t->s) + 1 : t->n;
		put(t, i, k, SYN_PLAIN);
		put(t, k, end, SYN_STRING);
		return end;
	}
	return i;
}

/* #[...] or #![...]: to its closing bracket on this line. */
static size_t attribute(struct tok *t, size_t i)
{
	size_t a = i, depth = 0;
	i += t->s[i + 1] == '!' ? 2 : 1;
	for (; i < t->n; i++) {
		if (t->s[i] == '[') {
			depth++;
		} else if (t->s[i] == ']' && --depth == 0) {
			i++;
			break;
		}
	}
	put(t, a, i, SYN_META);
	return i;
}

/* @name or @a.b: a decorator. */
static size_t decorator(struct tok *t, size_t i)
{
	size_t a = i++;
	while (i < t->n && (name_char(t, (unsigned char)t->s[i]) || t->s[i] == '.'))
		i++;
	put(t, a, i, SYN_META);
	return i;
}

/* $name, ${...}, $1, $? ...: a shell variable. */
static size_t variable(struct tok *t, size_t i)
{
	size_t a = i++;
	if (t->s[i] == '{') {
		const char *e = memchr(t->s + i, '}', t->n - i);
		i = e != NULL ? (size_t)(e - t->s) + 1 : t->n;
	} else if (alpha((unsigned char)t->s[i])) {
		while (i < t->n && (alpha((unsigned char)t->s[i]) || digit((unsigned char)t->s[i])))
			i++;
	} else {
		i++; /* $1, $?, $@, $#, $$ ... */
	}
	put(t, a, i, SYN_META);
	return i;
}

/* ' in Rust: a character literal ('a', '\n') or a lifetime ('a, 'static). */
static size_t quote_or_lifetime(struct tok *t, size_t i)
{
	size_t k = i + 1;
	if (k < t->n && t->s[k] != '\\') {
		k++;
		while (k < t->n && ((unsigned char)t->s[k] & 0xC0) == 0x80)
			k++;
		if ((k >= t->n || t->s[k] != '\'') && alpha((unsigned char)t->s[i + 1])) {
			size_t e = i + 1;
			while (e < t->n && name_char(t, (unsigned char)t->s[e]))
				e++;
			put(t, i, e, SYN_META);
			return e;
		}
	}
	return string_open(t, i);
}

static bool word_start(const struct tok *t, size_t i)
{
	return i == 0 || has(" \t;|&(", (unsigned char)t->s[i - 1]);
}

/* The special forms that start with c at i; 0 when none does. */
static size_t special(struct tok *t, size_t i, unsigned char c)
{
	const struct syn_lang *l = t->l;
	unsigned char next = i + 1 < t->n ? (unsigned char)t->s[i + 1] : 0;
	if (c == '#' && (l->flags & SYN_F_PREPROC) && i == t->lead)
		return directive(t, i);
	if (c == '#' && (l->flags & SYN_F_ATTR) &&
	    (next == '[' || (next == '!' && i + 2 < t->n && t->s[i + 2] == '[')))
		return attribute(t, i);
	if (c == '@' && (l->flags & SYN_F_DECORATOR) && alpha(next))
		return decorator(t, i);
	if (c == '$' && (l->flags & SYN_F_VARS) && next != 0 && next != '(' && next != ' ')
		return variable(t, i);
	if (c == '\'' && (l->flags & SYN_F_LIFETIME))
		return quote_or_lifetime(t, i);
	return 0;
}

/* One token at i in code; returns where the next starts. */
static size_t token(struct tok *t, size_t i)
{
	const struct syn_lang *l = t->l;
	unsigned char c = (unsigned char)t->s[i];
	bool comment_here = !(l->flags & SYN_F_HASH_WORD) || c != '#' || word_start(t, i);
	if (comment_here && l->line_comment != NULL &&
	    (at(t, i, l->line_comment) ||
	     (l->line_comment2 != NULL && at(t, i, l->line_comment2)))) {
		put(t, i, t->n, SYN_COMMENT);
		return t->n;
	}
	if (l->block_open != NULL && at(t, i, l->block_open))
		return comment_open(t, i);
	size_t e = special(t, i, c);
	if (e > i)
		return e;
	if (has(l->quotes, c))
		return string_open(t, i);
	if (digit(c) || (c == '.' && i + 1 < t->n && digit((unsigned char)t->s[i + 1])))
		return number(t, i);
	if (name_start(t, c) ||
	    (c == '-' && (l->flags & SYN_F_DASH) && i + 1 < t->n && t->s[i + 1] == '-'))
		return name(t, i);
	put(t, i, i + 1, SYN_PLAIN);
	return i + 1;
}

/* --- lines ------------------------------------------------------------------- */

static enum syn_class diff_class(const char *s, size_t n)
{
	if ((n >= 4 && (memcmp(s, "+++ ", 4) == 0 || memcmp(s, "--- ", 4) == 0)) ||
	    (n >= 5 && memcmp(s, "diff ", 5) == 0))
		return SYN_DIFF_FILE;
	if (n >= 2 && memcmp(s, "@@", 2) == 0)
		return SYN_DIFF_HUNK;
	if (s[0] == '+')
		return SYN_DIFF_ADD;
	if (s[0] == '-')
		return SYN_DIFF_DEL;
	return SYN_PLAIN;
}

void syn_line(const struct syn_lang *lang, struct syn_state *st, const char *s, size_t n,
              syn_emit_fn *emit, void *ud)
{
	if (n == 0)
		return;
	if (lang == NULL || (lang->flags & SYN_F_DIFF)) {
		emit(ud, 0, n, lang == NULL ? SYN_PLAIN : diff_class(s, n));
		return;
	}
	size_t lead = 0;
	while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
		lead++;
	struct tok t = {lang, st, s, n, emit, ud, lead, 0, SYN_PLAIN};
	if (st->mode == MODE_COMMENT && lang->block_close == NULL)
		st->mode = MODE_CODE;
	for (size_t i = 0; i < n;) {
		if (st->mode == MODE_COMMENT)
			i = comment_body(&t, i);
		else if (st->mode == MODE_STRING)
			i = string_body(&t, i);
		else
			i = token(&t, i);
	}
	emit(ud, t.run, n - t.run, t.cls);
}
