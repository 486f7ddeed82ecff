/*
 * Unit tests for the code tokenizer (src/core/syntax.c, syntax_langs.c):
 * for each language a sample line gives the expected classes, the state
 * carried across lines (block comments, Python's triple quotes, Rust's
 * nested comments, shell strings) colours the lines after, diff lines
 * go by their first characters, fence info strings find their language,
 * and every word table is sorted (the lookup is a binary search).
 */
#include "jarvis/syntax.h"

#include <stdlib.h>
#include <string.h>

#include "../../src/core/syntax_internal.h"
#include "jarvis/util.h"
#include "unit.h"

/* One letter per class, so that a line's classes read as a string. */
static const char letters[SYN_CLASSES + 1] = ".KTSNCM+-@F";

struct picture {
	char *s;
	size_t n, next;
	enum syn_class last;
	size_t runs;
};

static void paint(void *ud, size_t off, size_t len, enum syn_class cls)
{
	struct picture *p = ud;
	ck_assert_uint_eq(off, p->next); /* in order, without gaps */
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_le(off + len, p->n);
	ck_assert_int_lt(cls, SYN_CLASSES);
	if (p->runs > 0)
		ck_assert_int_ne(cls, p->last); /* adjacent runs differ */
	memset(p->s + off, letters[cls], len);
	p->next = off + len;
	p->last = cls;
	p->runs++;
}

/* The classes of line in lang from *st, one letter a byte (static until the next call). */
static const char *classes_from(const char *lang, struct syn_state *st, const char *line)
{
	static char out[512];
	const struct syn_lang *l = lang ? syn_lang_find(lang, strlen(lang)) : NULL;
	ck_assert_msg(lang == NULL || l != NULL, "no language %s", lang);
	size_t n = strlen(line);
	ck_assert_uint_lt(n, sizeof out);
	struct picture p = {out, n, 0, SYN_PLAIN, 0};
	syn_line(l, st, line, n, paint, &p);
	ck_assert_uint_eq(p.next, n); /* the whole line */
	out[n] = '\0';
	return out;
}

static const char *classes(const char *lang, const char *line)
{
	struct syn_state st = {0};
	return classes_from(lang, &st, line);
}

START_TEST(c_line)
{
	ck_assert_str_eq(classes("c", "int x = 42; // hi"), "TTT.....NN..CCCCC");
	ck_assert_str_eq(classes("c", "if (p == NULL) return 'a';"), "KK.......NNNN..KKKKKK.SSS.");
	ck_assert_str_eq(classes("c", "#include <stdio.h>"), "MMMMMMMM.SSSSSSSSS");
	ck_assert_str_eq(classes("c", "  # define N 0x1Fu"), "..MMMMMMMM...NNNNN");
	ck_assert_str_eq(classes("c", "s = \"a\\\"b\"; x /= 2.5e-3;"), "....SSSSSS.......NNNNNN.");
	ck_assert_str_eq(classes("c", "a /* b */ c"), "..CCCCCCC..");
	ck_assert_str_eq(classes("cpp", "class A { virtual ~A(); };"),
	                 "KKKKK.....KKKKKKK.........");
	ck_assert_str_eq(classes("c", "class A"), "......."); /* C++'s words are not C's */
}
END_TEST

START_TEST(c_block_comment_across_lines)
{
	struct syn_state st = {0};
	ck_assert_str_eq(classes_from("c", &st, "int a; /* one"), "TTT....CCCCCC");
	ck_assert_str_eq(classes_from("c", &st, "still if while"), "CCCCCCCCCCCCCC");
	ck_assert_str_eq(classes_from("c", &st, "done */ return 1;"), "CCCCCCC.KKKKKK.N.");
	ck_assert_str_eq(classes_from("c", &st, "int b;"), "TTT...");
	/* a string does not go on to the next line in C */
	ck_assert_str_eq(classes_from("c", &st, "x = \"open"), "....SSSSS");
	ck_assert_str_eq(classes_from("c", &st, "int c;"), "TTT...");
}
END_TEST

START_TEST(python_line_and_triple_quotes)
{
	ck_assert_str_eq(classes("py", "def f(x): return None  # done"),
	                 "KKK.......KKKKKK.NNNN..CCCCCC");
	ck_assert_str_eq(classes("python", "print(f'{x}', r\"\\d\", b'')"),
	                 "......SSSSSS..SSSSS..SSS.");
	ck_assert_str_eq(classes("python", "@app.route('/')"), "MMMMMMMMMM.SSS.");
	ck_assert_str_eq(classes("python", "x = 1_000 if y is True else 0.5"),
	                 "....NNNNN.KK...KK.NNNN.KKKK.NNN");
	struct syn_state st = {0};
	ck_assert_str_eq(classes_from("python", &st, "s = \"\"\"doc 'q'"), "....SSSSSSSSSS");
	ck_assert_str_eq(classes_from("python", &st, "if while \"\" x"), "SSSSSSSSSSSSS");
	ck_assert_str_eq(classes_from("python", &st, "end\"\"\" + 'y'"), "SSSSSS...SSS");
	ck_assert_str_eq(classes_from("python", &st, "return"), "KKKKKK");
	ck_assert_str_eq(classes_from("python", &st, "t = '''a'''"), "....SSSSSSS");
	ck_assert_str_eq(classes_from("python", &st, "pass"), "KKKK");
}
END_TEST

START_TEST(shell_line)
{
	ck_assert_str_eq(classes("sh", "if [ -f \"$HOME\" ]; then echo hi # note; fi"),
	                 "KK......SSSSSSS....KKKK.TTTT....CCCCCCCCCC");
	ck_assert_str_eq(classes("bash", "apt-get install x-if ${A}b $1"),
	                 ".....................MMMM..MM");
	ck_assert_str_eq(classes("console", "echo a#b 'it\\' $x"), "TTTT.....SSSSS.MM");
	struct syn_state st = {0};
	ck_assert_str_eq(classes_from("zsh", &st, "msg='two"), "....SSSS");
	ck_assert_str_eq(classes_from("zsh", &st, "lines' done"), "SSSSSS.KKKK");
}
END_TEST

START_TEST(javascript_and_typescript_lines)
{
	ck_assert_str_eq(classes("js", "const $el = await fetch(`a`); // x"),
	                 "KKKKK.......KKKKK.......SSS...CCCC");
	ck_assert_str_eq(classes("js", "let n = null ?? undefined;"), "KKK.....NNNN....NNNNNNNNN.");
	ck_assert_str_eq(classes("javascript", "type T = number"), "..............."); /* JS */
	ck_assert_str_eq(classes("ts", "type T = number"), "KKKK.....TTTTTT");
	ck_assert_str_eq(classes("tsx", "@Component({}) class A implements B {}"),
	                 "MMMMMMMMMM.....KKKKK...KKKKKKKKKK.....");
	struct syn_state st = {0};
	ck_assert_str_eq(classes_from("typescript", &st, "s = `one"), "....SSSS");
	ck_assert_str_eq(classes_from("typescript", &st, "two` + 'x'"), "SSSS...SSS");
}
END_TEST

START_TEST(json_line)
{
	ck_assert_str_eq(classes("json", "{\"a\": [1, -2.5e3, true, null], \"b\": \"x\\\"\"}"),
	                 ".SSS...N...NNNNN..NNNN..NNNN...SSS..SSSSS.");
}
END_TEST

START_TEST(go_line_and_raw_string)
{
	ck_assert_str_eq(classes("go", "func f(e error) int { return nil }"),
	                 "KKKK.....TTTTT..TTT...KKKKKK.NNN..");
	struct syn_state st = {0};
	ck_assert_str_eq(classes_from("golang", &st, "s := `raw \\"), ".....SSSSSS");
	ck_assert_str_eq(classes_from("golang", &st, "lines` // c"), "SSSSSS.CCCC");
}
END_TEST

START_TEST(rust_line_and_nested_comments)
{
	ck_assert_str_eq(classes("rust", "#[derive(Debug)] pub fn f<'a>(x: &'a str) -> Vec<u8> {"),
	                 "MMMMMMMMMMMMMMMM.KKK.KK...MM......MM.TTT.....TTT.TT...");
	ck_assert_str_eq(classes("rs", "println!(\"{}\", 'c', b'x', 1u32 != 2);"),
	                 "MMMMMMMM.SSSS..SSS..SSSS..NNNN....N..");
	ck_assert_str_eq(classes("rs", "let s = r\"raw\"; Some(true)"),
	                 "KKK.....SSSSSS..TTTT.NNNN.");
	struct syn_state st = {0};
	ck_assert_str_eq(classes_from("rust", &st, "/* a /* b */ c"), "CCCCCCCCCCCCCC");
	ck_assert_str_eq(classes_from("rust", &st, "d */ fn"), "CCCC.KK");
	ck_assert_str_eq(classes_from("rust", &st, "let s = \"multi"), "KKK.....SSSSSS");
	ck_assert_str_eq(classes_from("rust", &st, "line\"; loop"), "SSSSS..KKKK");
}
END_TEST

START_TEST(sql_line)
{
	ck_assert_str_eq(classes("sql", "SELECT id, 'it''s' FROM t WHERE x IS NULL; -- c"),
	                 "KKKKKK.....SSSSSSS.KKKK...KKKKK...KK.NNNN..CCCC");
	ck_assert_str_eq(classes("SQL", "create table t (n integer) /* x */"),
	                 "KKKKKK.KKKKK......TTTTTTT..CCCCCCC");
}
END_TEST

START_TEST(diff_lines)
{
	ck_assert_str_eq(classes("diff", "diff --git a/x b/x"), "FFFFFFFFFFFFFFFFFF");
	ck_assert_str_eq(classes("diff", "--- a/x"), "FFFFFFF");
	ck_assert_str_eq(classes("patch", "+++ b/x"), "FFFFFFF");
	ck_assert_str_eq(classes("diff", "@@ -1,2 +1,3 @@ int f()"), "@@@@@@@@@@@@@@@@@@@@@@@");
	ck_assert_str_eq(classes("diff", "+int x; /* new"), "++++++++++++++");
	ck_assert_str_eq(classes("diff", "-int y;"), "-------");
	ck_assert_str_eq(classes("diff", " context"), "........");
}
END_TEST

START_TEST(unknown_language_and_plain)
{
	ck_assert_ptr_null(syn_lang_find("brainfuck", 9));
	ck_assert_ptr_null(syn_lang_find("", 0));
	ck_assert_ptr_null(syn_lang_find(" c", 2));
	ck_assert_str_eq(classes(NULL, "int x = 1; // c"), "...............");
	/* an empty line: no run, and the state is kept */
	struct syn_state st = {0};
	classes_from("c", &st, "/* open");
	ck_assert_str_eq(classes_from("c", &st, ""), "");
	ck_assert_str_eq(classes_from("c", &st, "x */"), "CCCC");
}
END_TEST

START_TEST(info_strings_find_their_language)
{
	struct {
		const char *info, *name;
	} cases[] = {
	    {"c", "c"},
	    {"C", "c"},
	    {"h", "c"},
	    {"cpp", "cpp"},
	    {"c++", "cpp"},
	    {"python", "python"},
	    {"py", "python"},
	    {"Python3", "python"},
	    {"sh", "sh"},
	    {"bash", "sh"},
	    {"shell", "sh"},
	    {"zsh", "sh"},
	    {"console", "sh"},
	    {"js", "javascript"},
	    {"jsx", "javascript"},
	    {"javascript", "javascript"},
	    {"ts", "typescript"},
	    {"tsx", "typescript"},
	    {"typescript", "typescript"},
	    {"json", "json"},
	    {"go", "go"},
	    {"golang", "go"},
	    {"rust", "rust"},
	    {"rs", "rust"},
	    {"sql", "sql"},
	    {"diff", "diff"},
	    {"patch", "diff"},
	    {"python title=\"x.py\"", "python"},
	    {"rust,ignore", "rust"},
	    {"js{1,3}", "javascript"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct syn_lang *l = syn_lang_find(cases[i].info, strlen(cases[i].info));
		ck_assert_msg(l != NULL, "%s found no language", cases[i].info);
		ck_assert_str_eq(syn_lang_name(l), cases[i].name);
	}
}
END_TEST

START_TEST(word_tables_are_sorted)
{
	for (size_t i = 0; syn_langs[i] != NULL; i++) {
		const struct syn_lang *l = syn_langs[i];
		for (size_t k = 0; k < SYN_MAX_WORDS && l->words[k].w != NULL; k++) {
			const struct syn_words *w = &l->words[k];
			for (size_t j = 1; j < w->n; j++)
				ck_assert_msg(strcmp(w->w[j - 1], w->w[j]) < 0,
				              "%s: \"%s\" before \"%s\"", l->name, w->w[j - 1],
				              w->w[j]);
			/* every word is found as itself */
			for (size_t j = 0; j < w->n; j++) {
				struct syn_state st = {0};
				char want[64];
				size_t n = strlen(w->w[j]);
				memset(want, letters[w->cls], n);
				want[n] = '\0';
				ck_assert_str_eq(classes_from(l->name, &st, w->w[j]), want);
			}
		}
	}
}
END_TEST

/* Runs end on character boundaries, and long or odd lines are safe. */
START_TEST(utf8_and_long_lines)
{
	const char *line = "s = \"日本\" + é_name /* ü */ 'ß'";
	const struct syn_lang *l = syn_lang_find("c", 1);
	struct syn_state st = {0};
	char out[128];
	struct picture p = {out, strlen(line), 0, SYN_PLAIN, 0};
	syn_line(l, &st, line, strlen(line), paint, &p);
	for (size_t i = 1; i < p.n; i++)
		if (out[i] != out[i - 1])
			ck_assert_msg(((unsigned char)line[i] & 0xC0) != 0x80,
			              "a run ends inside a "
			              "character at %zu",
			              i);
	size_t big = 1 << 20;
	char *s = xmalloc(big);
	for (size_t i = 0; i < big; i++)
		s[i] = "  #'\"/*$@x1\\"[i % 12];
	char *pic = xmalloc(big);
	for (size_t i = 0; syn_langs[i] != NULL; i++) {
		struct syn_state st2 = {0};
		struct picture q = {pic, big, 0, SYN_PLAIN, 0};
		syn_line(syn_langs[i], &st2, s, big, paint, &q);
		ck_assert_uint_eq(q.next, big);
	}
	free(pic);
	free(s);
}
END_TEST

static Suite *syntax_suite(void)
{
	Suite *s = suite_create("syntax");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, c_line);
	tcase_add_test(tc, c_block_comment_across_lines);
	tcase_add_test(tc, python_line_and_triple_quotes);
	tcase_add_test(tc, shell_line);
	tcase_add_test(tc, javascript_and_typescript_lines);
	tcase_add_test(tc, json_line);
	tcase_add_test(tc, go_line_and_raw_string);
	tcase_add_test(tc, rust_line_and_nested_comments);
	tcase_add_test(tc, sql_line);
	tcase_add_test(tc, diff_lines);
	tcase_add_test(tc, unknown_language_and_plain);
	tcase_add_test(tc, info_strings_find_their_language);
	tcase_add_test(tc, word_tables_are_sorted);
	tcase_add_test(tc, utf8_and_long_lines);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(syntax_suite)
