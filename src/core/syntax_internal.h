/*
 * syntax_internal.h: what a language is to the tokenizer (syntax.c) and
 * the tables that describe each one (syntax_langs.c). Not part of
 * syntax.h's contract; tests/unit/test_syntax.c reads it to check that
 * every table is sorted.
 */
#ifndef JARVIS_SYNTAX_INTERNAL_H
#define JARVIS_SYNTAX_INTERNAL_H

#include <stddef.h>

#include "jarvis/syntax.h"

/* Words of one class, sorted by strcmp (lower case for SYN_F_NOCASE). */
struct syn_words {
	const char *const *w;
	size_t n;
	enum syn_class cls;
};

/* What sets a language apart beyond its tables. */
enum {
	SYN_F_HASH_WORD = 1u << 0,  /* '#' starts a comment only at a word's start (shell) */
	SYN_F_PREPROC = 1u << 1,    /* '#' first on a line: a directive (C) */
	SYN_F_ATTR = 1u << 2,       /* #[...] and #![...] (Rust) */
	SYN_F_DECORATOR = 1u << 3,  /* @name (Python, TypeScript) */
	SYN_F_TRIPLE = 1u << 4,     /* ''' and """ strings span lines (Python) */
	SYN_F_STR_PREFIX = 1u << 5, /* r"", b'', f"" (Python; Rust's b"" and r"") */
	SYN_F_LIFETIME = 1u << 6,   /* 'a is a lifetime, 'a' a character (Rust) */
	SYN_F_VARS = 1u << 7,       /* $name, ${name}, $1 (shell) */
	SYN_F_NOCASE = 1u << 8,     /* words in any case (SQL) */
	SYN_F_NESTED = 1u << 9,     /* block comments nest (Rust) */
	SYN_F_DIFF = 1u << 10,      /* coloured by each line's first characters */
	SYN_F_DOLLAR = 1u << 11,    /* '$' is part of names (JavaScript) */
	SYN_F_DASH = 1u << 12,      /* '-' is part of words (shell: apt-get, --if) */
	SYN_F_CAPS = 1u << 13,      /* a name with a capital first is a type (Rust) */
	SYN_F_MACRO = 1u << 14,     /* name! is a macro (Rust) */
};

#define SYN_MAX_WORDS 4

struct syn_lang {
	const char *name;
	const char *const *aliases; /* NULL-terminated, name included, lower case */
	struct syn_words words[SYN_MAX_WORDS];
	const char *line_comment, *line_comment2; /* NULL: none */
	const char *block_open, *block_close;     /* NULL: none */
	const char *quotes;                       /* the characters that open a string */
	const char *multiline;                    /* the quotes a string may span lines in */
	const char *raw; /* the quotes inside which a backslash is only itself */
	unsigned flags;  /* SYN_F_* */
};

/* Every language, NULL-terminated. */
extern const struct syn_lang *const syn_langs[];

#endif
