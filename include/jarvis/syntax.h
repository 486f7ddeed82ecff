/*
 * syntax.h: colouring the lines of a fenced code block by a small tokenizer
 * of our own. Pure data: a line in, runs of bytes with a class out; the
 * markdown renderer (markdown_code.c) turns them into spans and the TUI
 * maps the classes to colours. No curses here.
 *
 * The language comes from the fence's info string (its first word, any
 * case): c, h (also cpp, c++, cc, hpp), python/py, sh/bash/shell/zsh/
 * console, javascript/js/jsx/mjs, typescript/ts/tsx, json, go/golang,
 * rust/rs, sql, diff/patch. Any other: no colour.
 *
 * A line is tokenized alone, from a small state carried from the line
 * before (inside a block comment, inside a string that may span lines:
 * Python's triple quotes, JavaScript's and Go's backticks, Rust's and the
 * shell's quotes), so a block tokenized line by line as it streams in
 * gets exactly what it gets tokenized whole, and each line costs its own
 * length only.
 *
 * What is recognised: keywords, type names, constants (true, None, NULL:
 * coloured as numbers), strings and character literals, numbers, line and
 * block comments, and a "meta" class for C's preprocessor directives,
 * Rust's #[attributes], Python's and TypeScript's @decorators, Rust's
 * 'lifetimes and the shell's $variables. A diff is coloured by each
 * line's first characters: "+" added, "-" removed, "@@" a hunk's head,
 * "+++ ", "--- " and "diff " a file's head.
 */
#ifndef JARVIS_SYNTAX_H
#define JARVIS_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

/* What a run of code is; SYN_PLAIN is 0, so a span's level 0 means plain. */
enum syn_class {
	SYN_PLAIN = 0,
	SYN_KEYWORD,
	SYN_TYPE,
	SYN_STRING,
	SYN_NUMBER, /* numbers and constants */
	SYN_COMMENT,
	SYN_META, /* preprocessor, attribute, decorator, lifetime, shell variable */
	SYN_DIFF_ADD,
	SYN_DIFF_DEL,
	SYN_DIFF_HUNK,
	SYN_DIFF_FILE,
	SYN_CLASSES /* how many */
};

/* A language's tables (opaque: syntax_langs.c). */
struct syn_lang;

/* What a line leaves to the next one. All zero: the start of a block. */
struct syn_state {
	unsigned char mode;   /* 0 code, 1 in a block comment, 2 in a string */
	unsigned char quote;  /* the string's delimiter */
	unsigned char triple; /* a triple-quoted (Python) string */
	unsigned char depth;  /* block comments open (Rust nests them) */
};

/*
 * The language named by a fence's info string s[0..n) (its first word is
 * used, compared without case), or NULL when it is not one we colour.
 */
const struct syn_lang *syn_lang_find(const char *s, size_t n);
/* The language's name as syntax.h lists it first ("c", "python", ...). */
const char *syn_lang_name(const struct syn_lang *lang);

/* Receives one run: s[off, off+len) is of class cls. */
typedef void syn_emit_fn(void *ud, size_t off, size_t len, enum syn_class cls);

/*
 * Tokenizes one line s[0..n) (without its '\n') of a block in lang,
 * starting from *st, which it leaves for the next line. emit gets runs in
 * order that cover the line without gaps (none for an empty line);
 * adjacent runs differ in class, and runs start and end on character
 * boundaries of valid UTF-8. lang NULL: the whole line one plain run.
 */
void syn_line(const struct syn_lang *lang, struct syn_state *st, const char *s, size_t n,
              syn_emit_fn *emit, void *ud);

#endif
