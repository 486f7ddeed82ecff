/*
 * syntax_langs.c: the languages syntax.c colours, one table each: names,
 * words by class (each list sorted by strcmp: tests/unit/test_syntax.c
 * checks it), comment forms, quotes, flags; and finding one by a fence's
 * info string.
 */
#include <stddef.h>
#include <string.h>

#include "jarvis/syntax.h"
#include "syntax_internal.h"

#define WORDS(list, c)                                                                             \
	{                                                                                          \
		list, sizeof(list) / sizeof(list[0]), c                                            \
	}

/* --- C and C++ --------------------------------------------------------------- */

static const char *const c_keywords[] = {
    "_Alignas",      "_Alignof",     "_Atomic", "_Generic", "_Noreturn",     "_Static_assert",
    "_Thread_local", "alignas",      "alignof", "auto",     "break",         "case",
    "const",         "continue",     "default", "do",       "else",          "enum",
    "extern",        "for",          "goto",    "if",       "inline",        "register",
    "restrict",      "return",       "sizeof",  "static",   "static_assert", "struct",
    "switch",        "thread_local", "typedef", "union",    "volatile",      "while",
};
static const char *const cpp_keywords[] = {
    "catch",   "class",     "constexpr", "decltype", "delete",   "explicit", "final",   "friend",
    "mutable", "namespace", "new",       "noexcept", "operator", "override", "private", "protected",
    "public",  "template",  "this",      "throw",    "try",      "typename", "using",   "virtual",
};
static const char *const c_types[] = {
    "FILE",    "_Bool",     "_Complex", "bool",    "char",     "double",   "float",    "int",
    "int16_t", "int32_t",   "int64_t",  "int8_t",  "intptr_t", "long",     "off_t",    "ptrdiff_t",
    "short",   "signed",    "size_t",   "ssize_t", "time_t",   "uint16_t", "uint32_t", "uint64_t",
    "uint8_t", "uintptr_t", "unsigned", "void",    "wchar_t",
};
static const char *const c_constants[] = {"EOF", "NULL", "false", "nullptr", "true"};

static const char *const c_names[] = {"c", "h", NULL};
static const struct syn_lang lang_c = {
    .name = "c",
    .aliases = c_names,
    .words = {WORDS(c_keywords, SYN_KEYWORD), WORDS(c_types, SYN_TYPE),
              WORDS(c_constants, SYN_NUMBER)},
    .line_comment = "//",
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'",
    .flags = SYN_F_PREPROC,
};

static const char *const cpp_names[] = {"cpp", "c++", "cc", "cxx", "hpp", "hh", "hxx", NULL};
static const struct syn_lang lang_cpp = {
    .name = "cpp",
    .aliases = cpp_names,
    .words = {WORDS(c_keywords, SYN_KEYWORD), WORDS(cpp_keywords, SYN_KEYWORD),
              WORDS(c_types, SYN_TYPE), WORDS(c_constants, SYN_NUMBER)},
    .line_comment = "//",
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'",
    .flags = SYN_F_PREPROC,
};

/* --- Python ------------------------------------------------------------------ */

static const char *const py_keywords[] = {
    "and",  "as",     "assert", "async", "await",  "break",   "case",     "class", "continue",
    "def",  "del",    "elif",   "else",  "except", "finally", "for",      "from",  "global",
    "if",   "import", "in",     "is",    "lambda", "match",   "nonlocal", "not",   "or",
    "pass", "raise",  "return", "try",   "while",  "with",    "yield",
};
static const char *const py_types[] = {
    "bool", "bytearray", "bytes",  "complex", "dict", "float", "frozenset",
    "int",  "list",      "object", "set",     "str",  "tuple", "type",
};
static const char *const py_constants[] = {"Ellipsis", "False", "None", "NotImplemented", "True"};

static const char *const py_names[] = {"python", "py", "python3", "py3", NULL};
static const struct syn_lang lang_python = {
    .name = "python",
    .aliases = py_names,
    .words = {WORDS(py_keywords, SYN_KEYWORD), WORDS(py_types, SYN_TYPE),
              WORDS(py_constants, SYN_NUMBER)},
    .line_comment = "#",
    .quotes = "\"'",
    .flags = SYN_F_TRIPLE | SYN_F_STR_PREFIX | SYN_F_DECORATOR,
};

/* --- shell ------------------------------------------------------------------- */

static const char *const sh_keywords[] = {
    "case",     "do", "done", "elif",   "else", "esac", "fi",    "for",
    "function", "if", "in",   "select", "then", "time", "until", "while",
};
static const char *const sh_builtins[] = {
    "alias", "cd",       "declare", "echo", "eval",  "exec",   "exit", "export", "local", "printf",
    "read",  "readonly", "return",  "set",  "shift", "source", "test", "trap",   "unset",
};

static const char *const sh_names[] = {"sh",      "bash", "shell",         "zsh",
                                       "console", "ksh",  "shell-session", NULL};
static const struct syn_lang lang_shell = {
    .name = "sh",
    .aliases = sh_names,
    .words = {WORDS(sh_keywords, SYN_KEYWORD), WORDS(sh_builtins, SYN_TYPE)},
    .line_comment = "#",
    .quotes = "\"'`",
    .multiline = "\"'`",
    .raw = "'",
    .flags = SYN_F_HASH_WORD | SYN_F_VARS | SYN_F_DASH,
};

/* --- JavaScript and TypeScript --------------------------------------------- */

static const char *const js_keywords[] = {
    "async",    "await",   "break",    "case",   "catch",  "class",  "const",      "continue",
    "debugger", "default", "delete",   "do",     "else",   "export", "extends",    "finally",
    "for",      "from",    "function", "if",     "import", "in",     "instanceof", "let",
    "new",      "of",      "return",   "static", "super",  "switch", "this",       "throw",
    "try",      "typeof",  "var",      "void",   "while",  "with",   "yield",
};
static const char *const ts_keywords[] = {
    "abstract",  "as",        "declare", "enum",     "implements", "infer",
    "interface", "is",        "keyof",   "module",   "namespace",  "override",
    "private",   "protected", "public",  "readonly", "satisfies",  "type",
};
static const char *const js_types[] = {
    "Array",  "BigInt", "Boolean", "Date",   "Error", "JSON",   "Map",    "Math",
    "Number", "Object", "Promise", "RegExp", "Set",   "String", "Symbol",
};
static const char *const ts_types[] = {
    "any", "bigint", "boolean", "never", "number", "object", "string", "symbol", "unknown",
};
static const char *const js_constants[] = {"Infinity", "NaN", "false", "null", "true", "undefined"};

static const char *const js_names[] = {"javascript", "js", "jsx", "mjs", "cjs", "node", NULL};
static const struct syn_lang lang_js = {
    .name = "javascript",
    .aliases = js_names,
    .words = {WORDS(js_keywords, SYN_KEYWORD), WORDS(js_types, SYN_TYPE),
              WORDS(js_constants, SYN_NUMBER)},
    .line_comment = "//",
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'`",
    .multiline = "`",
    .flags = SYN_F_DOLLAR,
};

static const char *const ts_names[] = {"typescript", "ts", "tsx", "mts", "cts", NULL};
static const struct syn_lang lang_ts = {
    .name = "typescript",
    .aliases = ts_names,
    .words = {WORDS(js_keywords, SYN_KEYWORD), WORDS(ts_keywords, SYN_KEYWORD),
              WORDS(ts_types, SYN_TYPE), WORDS(js_constants, SYN_NUMBER)},
    .line_comment = "//",
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'`",
    .multiline = "`",
    .flags = SYN_F_DOLLAR | SYN_F_DECORATOR,
};

/* --- JSON -------------------------------------------------------------------- */

static const char *const json_constants[] = {"false", "null", "true"};

static const char *const json_names[] = {"json", "jsonc", "json5", "geojson", NULL};
static const struct syn_lang lang_json = {
    .name = "json",
    .aliases = json_names,
    .words = {WORDS(json_constants, SYN_NUMBER)},
    .line_comment = "//", /* JSON has none, but JSONC and JSON5 do */
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"",
};

/* --- Go ---------------------------------------------------------------------- */

static const char *const go_keywords[] = {
    "break",  "case",        "chan", "const",   "continue", "default", "defer",
    "else",   "fallthrough", "for",  "func",    "go",       "goto",    "if",
    "import", "interface",   "map",  "package", "range",    "return",  "select",
    "struct", "switch",      "type", "var",
};
static const char *const go_types[] = {
    "any",     "bool",   "byte",   "comparable", "complex128", "complex64", "error", "float32",
    "float64", "int",    "int16",  "int32",      "int64",      "int8",      "rune",  "string",
    "uint",    "uint16", "uint32", "uint64",     "uint8",      "uintptr",
};
static const char *const go_constants[] = {"false", "iota", "nil", "true"};

static const char *const go_names[] = {"go", "golang", NULL};
static const struct syn_lang lang_go = {
    .name = "go",
    .aliases = go_names,
    .words = {WORDS(go_keywords, SYN_KEYWORD), WORDS(go_types, SYN_TYPE),
              WORDS(go_constants, SYN_NUMBER)},
    .line_comment = "//",
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'`",
    .multiline = "`",
    .raw = "`",
};

/* --- Rust -------------------------------------------------------------------- */

static const char *const rust_keywords[] = {
    "as",     "async",  "await", "break", "const", "continue", "crate",  "dyn",   "else",
    "enum",   "extern", "fn",    "for",   "if",    "impl",     "in",     "let",   "loop",
    "match",  "mod",    "move",  "mut",   "pub",   "ref",      "return", "self",  "static",
    "struct", "super",  "trait", "type",  "union", "unsafe",   "use",    "where", "while",
};
static const char *const rust_types[] = {
    "bool",  "char", "f32",  "f64", "i128", "i16", "i32", "i64",   "i8",
    "isize", "str",  "u128", "u16", "u32",  "u64", "u8",  "usize",
};
static const char *const rust_constants[] = {"false", "true"};

static const char *const rust_names[] = {"rust", "rs", NULL};
static const struct syn_lang lang_rust = {
    .name = "rust",
    .aliases = rust_names,
    .words = {WORDS(rust_keywords, SYN_KEYWORD), WORDS(rust_types, SYN_TYPE),
              WORDS(rust_constants, SYN_NUMBER)},
    .line_comment = "//",
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'",
    .multiline = "\"",
    .flags =
        SYN_F_ATTR | SYN_F_LIFETIME | SYN_F_NESTED | SYN_F_CAPS | SYN_F_MACRO | SYN_F_STR_PREFIX,
};

/* --- SQL --------------------------------------------------------------------- */

static const char *const sql_keywords[] = {
    "add",        "all",         "alter",    "and",      "as",      "asc",    "begin",
    "between",    "by",          "case",     "check",    "column",  "commit", "constraint",
    "create",     "cross",       "database", "default",  "delete",  "desc",   "distinct",
    "drop",       "else",        "end",      "exists",   "foreign", "from",   "full",
    "group",      "having",      "if",       "in",       "index",   "inner",  "insert",
    "into",       "is",          "join",     "key",      "left",    "like",   "limit",
    "not",        "offset",      "on",       "or",       "order",   "outer",  "primary",
    "references", "returning",   "right",    "rollback", "select",  "set",    "table",
    "then",       "transaction", "trigger",  "truncate", "union",   "unique", "update",
    "using",      "values",      "view",     "when",     "where",   "with",
};
static const char *const sql_types[] = {
    "bigint", "blob",     "boolean", "char",    "date",      "datetime", "decimal",
    "double", "float",    "int",     "integer", "json",      "numeric",  "real",
    "serial", "smallint", "text",    "time",    "timestamp", "uuid",     "varchar",
};
static const char *const sql_constants[] = {"false", "null", "true"};

static const char *const sql_names[] = {"sql",   "sqlite", "postgresql", "postgres",
                                        "mysql", "plsql",  NULL};
static const struct syn_lang lang_sql = {
    .name = "sql",
    .aliases = sql_names,
    .words = {WORDS(sql_keywords, SYN_KEYWORD), WORDS(sql_types, SYN_TYPE),
              WORDS(sql_constants, SYN_NUMBER)},
    .line_comment = "--",
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "'\"`",
    .multiline = "'",
    .raw = "'\"`",
    .flags = SYN_F_NOCASE,
};

/* --- diff -------------------------------------------------------------------- */

static const char *const diff_names[] = {"diff", "patch", "udiff", NULL};
static const struct syn_lang lang_diff = {
    .name = "diff",
    .aliases = diff_names,
    .flags = SYN_F_DIFF,
};

const struct syn_lang *const syn_langs[] = {
    &lang_c,    &lang_cpp, &lang_python, &lang_shell, &lang_js,   &lang_ts,
    &lang_json, &lang_go,  &lang_rust,   &lang_sql,   &lang_diff, NULL,
};

/* --- finding one ------------------------------------------------------------- */

#define NAME_MAX_LEN 16

const struct syn_lang *syn_lang_find(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && s[k] != ' ' && s[k] != '\t' && s[k] != '{' && s[k] != ',')
		k++;
	if (k == 0 || k >= NAME_MAX_LEN)
		return NULL;
	char low[NAME_MAX_LEN];
	for (size_t i = 0; i < k; i++)
		low[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	low[k] = '\0';
	if (memchr(low, '\0', k) != NULL)
		return NULL;
	for (size_t i = 0; syn_langs[i] != NULL; i++)
		for (const char *const *a = syn_langs[i]->aliases; *a != NULL; a++)
			if (strcmp(*a, low) == 0)
				return syn_langs[i];
	return NULL;
}

const char *syn_lang_name(const struct syn_lang *lang)
{
	return lang->name;
}
