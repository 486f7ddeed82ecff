/*
 * draw.c: colour pairs and width-aware text output for the terminal front
 * end. Widths come from the UTF-8 helpers (grapheme clusters), so a wide
 * or joined character is never split and never overruns its room.
 */
#include "draw.h"

#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "jarvis/buf.h"
#include "jarvis/syntax.h"
#include "jarvis/util.h"

#include "jarvis/utf8.h"

static bool colors_on, colors_wanted, syntax_pairs;

/* A code token's colour (on the default background) and attributes, by class. */
static const struct {
	short fg;
	attr_t attr, mono; /* mono: without colours */
} syntax_looks[SYN_CLASSES] = {
    [SYN_KEYWORD] = {COLOR_YELLOW, A_BOLD, A_BOLD},
    [SYN_TYPE] = {COLOR_CYAN, A_NORMAL, A_NORMAL},
    [SYN_STRING] = {COLOR_GREEN, A_NORMAL, A_NORMAL},
    [SYN_NUMBER] = {COLOR_RED, A_NORMAL, A_NORMAL},
    [SYN_COMMENT] = {-1, A_DIM, A_DIM},
    [SYN_META] = {COLOR_BLUE, A_NORMAL, A_NORMAL},
    [SYN_DIFF_ADD] = {COLOR_GREEN, A_NORMAL, A_BOLD},
    [SYN_DIFF_DEL] = {COLOR_RED, A_NORMAL, A_DIM},
    [SYN_DIFF_HUNK] = {COLOR_CYAN, A_NORMAL, A_UNDERLINE},
    [SYN_DIFF_FILE] = {-1, A_BOLD, A_BOLD},
};

bool tui_colors_start(bool wanted)
{
	colors_wanted = wanted;
	colors_on = wanted && has_colors();
	if (!colors_on)
		return false;
	start_color();
	use_default_colors();
	init_pair(PAIR_USER, COLOR_GREEN, -1);
	init_pair(PAIR_MODEL, COLOR_CYAN, -1);
	init_pair(PAIR_NOTICE, COLOR_YELLOW, -1);
	init_pair(PAIR_CODE, COLOR_MAGENTA, -1);
	init_pair(PAIR_HEADING, COLOR_BLUE, -1);
	init_pair(PAIR_LINK, COLOR_BLUE, -1);
	init_pair(PAIR_STATUS, -1, -1);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_SELECT, -1, -1);
	init_pair(PAIR_DIM, -1, -1);
	/* A terminal with too few pairs gets the looks of one without colours. */
	syntax_pairs = PAIR_SYNTAX + SYN_CLASSES - SYN_KEYWORD <= COLOR_PAIRS;
	for (unsigned c = SYN_KEYWORD; c < SYN_CLASSES && syntax_pairs; c++)
		init_pair((short)(PAIR_SYNTAX + c - SYN_KEYWORD), syntax_looks[c].fg, -1);
	return true;
}

attr_t tui_pair_attr(enum tui_pair p)
{
	return has_colors() ? COLOR_PAIR(p) : A_NORMAL;
}

attr_t tui_syntax_attr(unsigned cls)
{
	if (cls == SYN_PLAIN || cls >= SYN_CLASSES || !colors_wanted)
		return 0;
	if (!colors_on || !syntax_pairs)
		return syntax_looks[cls].mono;
	return COLOR_PAIR(PAIR_SYNTAX + (int)cls - SYN_KEYWORD) | syntax_looks[cls].attr;
}

int tui_palette(void)
{
	if (!colors_on)
		return 0;
	return COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : COLORS >= 8 ? 8 : 0;
}

/*
 * The pairs of image cells: one per (fg, bg) seen, numbered after the
 * fixed ones, found through a table of every combination (-1 to 255 each,
 * 132 KiB, made by the first image cell only).
 */
#define IMAGE_PAIR_FIRST (PAIR_SYNTAX + SYN_CLASSES - SYN_KEYWORD)
#define COLOUR_SLOTS 257
static short *image_pairs;
static int image_pairs_next = IMAGE_PAIR_FIRST;

static int image_pairs_limit(void)
{
	return COLOR_PAIRS < 32767 ? COLOR_PAIRS : 32767;
}

void tui_image_pairs_frame(void)
{
	/* A frame draws at most LINES * COLS cells: room for those, or start over. */
	if (image_pairs != NULL && image_pairs_next + LINES * COLS > image_pairs_limit()) {
		memset(image_pairs, 0, COLOUR_SLOTS * COLOUR_SLOTS * sizeof *image_pairs);
		image_pairs_next = IMAGE_PAIR_FIRST;
	}
}

static short image_pair(short fg, short bg)
{
	if (!colors_on || (fg < 0 && bg < 0) || fg >= COLORS || bg >= COLORS)
		return 0;
	if (image_pairs == NULL)
		image_pairs = xcalloc(COLOUR_SLOTS * COLOUR_SLOTS, sizeof *image_pairs);
	short *slot = &image_pairs[(fg + 1) * COLOUR_SLOTS + (bg + 1)];
	if (*slot == 0 && image_pairs_next < image_pairs_limit() &&
	    init_pair((short)image_pairs_next, fg, bg) == OK)
		*slot = (short)image_pairs_next++;
	return *slot;
}

void tui_put_cell(WINDOW *w, const char *text, short fg, short bg)
{
	wattr_set(w, A_NORMAL, image_pair(fg, bg), NULL);
	waddstr(w, text);
}

/*
 * Clusters curses cannot be told about. curses advances by wcwidth() of each
 * spacing piece and hangs zero-width pieces on the cell before, so it cannot
 * hold a ZWJ sequence the terminal joins into one glyph, nor a VS16 emoji
 * the terminal widens. For those it gets a placeholder exactly as wide as
 * the terminal draws the cluster (its first piece, padded with blanks), and
 * after each doupdate() the cluster itself is written over the placeholder,
 * wherever curses's screen still shows it (an overlay may cover it).
 */
struct joined {
	int y, x;     /* on the screen */
	wchar_t mark; /* the placeholder's first cell */
	attr_t attr;
	short pair;
	size_t off, len;         /* the cluster's bytes in joined_bytes */
	bool strike;             /* a decorated run (tui_put_decorated): SGR 9 ... */
	size_t url_off, url_len; /* ... and an OSC 8 target in joined_bytes (len 0: none) */
};
static struct joined *joined;
static size_t njoined, joined_cap;
static struct buf joined_bytes = BUF_INIT(BUF_LINE_MAX);

void tui_joined_reset(void)
{
	njoined = 0;
	buf_reset(&joined_bytes);
}

static void note_joined(WINDOW *w, const char *s, size_t n, wchar_t mark)
{
	if (njoined == joined_cap) {
		joined_cap = joined_cap ? 2 * joined_cap : 16;
		joined = xrealloc(joined, joined_cap * sizeof *joined);
	}
	struct joined *j = &joined[njoined++];
	j->y = getbegy(w) + getcury(w);
	j->x = getbegx(w) + getcurx(w);
	j->mark = mark;
	wattr_get(w, &j->attr, &j->pair, NULL);
	j->off = joined_bytes.len;
	j->len = n;
	j->strike = false;
	j->url_off = j->url_len = 0;
	buf_add(&joined_bytes, s, n);
}

/* The SGR for a cell's look: the attributes and the 8 basic colours. */
static void put_sgr(struct buf *out, attr_t a, short pair, bool strike)
{
	buf_addstr(out, "\033[0");
	if (strike)
		buf_addstr(out, ";9");
	if (a & A_ITALIC)
		buf_addstr(out, ";3");
	if (a & A_BOLD)
		buf_addstr(out, ";1");
	if (a & A_DIM)
		buf_addstr(out, ";2");
	if (a & A_UNDERLINE)
		buf_addstr(out, ";4");
	if (a & A_REVERSE)
		buf_addstr(out, ";7");
	short fg = -1, bg = -1;
	if (pair > 0 && pair_content(pair, &fg, &bg) == OK) {
		if (fg >= 0 && fg < 8)
			buf_addf(out, ";3%d", fg);
		if (bg >= 0 && bg < 8)
			buf_addf(out, ";4%d", bg);
	}
	buf_addstr(out, "m");
}

void tui_joined_flush(void)
{
	if (njoined == 0)
		return;
	struct buf out;
	buf_init(&out, BUF_LINE_MAX);
	for (size_t i = 0; i < njoined; i++) {
		const struct joined *j = &joined[i];
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t a;
		short pair;
		if (mvwin_wch(curscr, j->y, j->x, &cc) == ERR ||
		    getcchar(&cc, wch, &a, &pair, NULL) == ERR || wch[0] != j->mark)
			continue;
		buf_addf(&out, "\033[%d;%dH", j->y + 1, j->x + 1);
		put_sgr(&out, j->attr | (a & ~A_COLOR), pair ? pair : j->pair, j->strike);
		if (j->url_len > 0) {
			buf_addstr(&out, "\033]8;;");
			buf_add(&out, joined_bytes.data + j->url_off, j->url_len);
			buf_addstr(&out, "\033\\");
		}
		buf_add(&out, joined_bytes.data + j->off, j->len);
		if (j->url_len > 0)
			buf_addstr(&out, "\033]8;;\033\\");
	}
	if (out.len > 0) {
		int cy = -1, cx = -1;
		getsyx(cy, cx);
		buf_addstr(&out, "\033[0m");
		if (cy >= 0)
			buf_addf(&out, "\033[%d;%dH", cy + 1, cx + 1);
		for (size_t done = 0; done < out.len;) {
			ssize_t wr = write(STDOUT_FILENO, out.data + done, out.len - done);
			if (wr <= 0)
				break;
			done += (size_t)wr;
		}
	}
	buf_release(&out);
}

void tui_put_cluster(WINDOW *w, const char *s, size_t n, int cw)
{
	size_t off = 0;
	int pieces = 0, first = -1;
	wchar_t base = L' ';
	while (off < n) {
		uint32_t cp;
		off += utf8_decode(s + off, n - off, &cp);
		int pw = wcwidth((wchar_t)cp);
		if (first < 0) {
			first = pw;
			base = (wchar_t)cp;
		}
		pieces += pw > 0 ? pw : 0;
	}
	if (pieces == cw && first > 0) {
		waddnstr(w, s, (int)n);
		return;
	}
	int used = 0;
	wchar_t mark = L' ';
	if (first > 0 && first <= cw) {
		mark = base;
		used = first;
	}
	note_joined(w, s, n, mark);
	if (used > 0)
		waddnwstr(w, &base, 1);
	for (; used < cw; used++)
		waddch(w, ' ');
}

/*
 * A cluster of one code point that curses draws as wide as it is: printable
 * (no control, which curses would spell out), not zero-width; cp or 0.
 */
static wchar_t plain_cluster(const char *s, size_t n, int cw)
{
	uint32_t cp;
	if (cw < 1 || utf8_decode(s, n, &cp) != n || cp < 0xA0)
		return 0;
	return wcwidth((wchar_t)cp) == cw ? (wchar_t)cp : 0;
}

int tui_put(WINDOW *w, const char *s, size_t n, int width, attr_t attr)
{
	/*
	 * Plain clusters go to curses in runs, one waddnwstr each: a call a
	 * cluster (and waddnstr's byte-at-a-time decoding) cost more than
	 * everything else a streamed frame draws. The cells are the ones
	 * tui_put_cluster makes: each code point in a cell of its own width.
	 */
	wchar_t run[128];
	int nrun = 0, used = 0;
	size_t off = 0;
	wattr_on(w, attr, NULL);
	while (off < n && used < width) {
		unsigned char c = (unsigned char)s[off];
		/* Printable ASCII before ASCII (or the end) is a cluster of one column. */
		if (c >= 0x20 && c < 0x7F && (off + 1 >= n || (unsigned char)s[off + 1] < 0x80)) {
			run[nrun++] = (wchar_t)c;
			used++;
			off++;
		} else {
			size_t next = utf8_cluster_next(s, n, off);
			int cw = utf8_cluster_width(s, n, off, next);
			if (used + cw > width)
				break;
			wchar_t wc = plain_cluster(s + off, next - off, cw);
			if (wc != 0) {
				run[nrun++] = wc;
			} else {
				if (nrun > 0)
					waddnwstr(w, run, nrun);
				nrun = 0;
				tui_put_cluster(w, s + off, next - off, cw);
			}
			used += cw;
			off = next;
		}
		if (nrun == (int)ARRAY_LEN(run)) {
			waddnwstr(w, run, nrun);
			nrun = 0;
		}
	}
	if (nrun > 0)
		waddnwstr(w, run, nrun);
	wattr_off(w, attr, NULL);
	return used;
}

/* The first code point of s, as curses stores it in a cell. */
static wchar_t first_char(const char *s, size_t n)
{
	uint32_t cp = ' ';
	if (n > 0)
		utf8_decode(s, n, &cp);
	return (wchar_t)cp;
}

int tui_put_decorated(WINDOW *w, const char *s, size_t n, int width, attr_t attr, bool strike,
                      const char *url)
{
	if (!strike && url == NULL)
		return tui_put(w, s, n, width, attr);
	int y = getcury(w), x = getcurx(w);
	/* What fits: the bytes tui_put will draw. */
	size_t off = 0;
	int used = 0;
	while (off < n) {
		size_t next = utf8_cluster_next(s, n, off);
		int cw = utf8_cluster_width(s, n, off, next);
		if (used + cw > width)
			break;
		used += cw;
		off = next;
	}
	/* A control character would go out raw in the rewrite: leave those plain. */
	for (size_t i = 0; i < off; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return tui_put(w, s, n, width, attr);
	for (const char *u = url; u != NULL && *u != '\0'; u++)
		if ((unsigned char)*u < 0x20 || *u == 0x7f)
			url = NULL; /* a target with controls is no link */
	int drawn = tui_put(w, s, n, width, attr);
	if (off == 0 || (!strike && url == NULL))
		return drawn;
	/* Noted after the run's own clusters, so that it is written last. */
	int ey = getcury(w), ex = getcurx(w);
	wmove(w, y, x);
	wattr_on(w, attr, NULL);
	note_joined(w, s, off, first_char(s, off));
	wattr_off(w, attr, NULL);
	wmove(w, ey, ex);
	struct joined *j = &joined[njoined - 1];
	j->strike = strike;
	if (url != NULL) {
		j->url_off = joined_bytes.len;
		j->url_len = strlen(url);
		buf_add(&joined_bytes, url, j->url_len);
	}
	return drawn;
}

int tui_put_at(WINDOW *w, int y, int x, int width, const char *s, attr_t attr)
{
	wmove(w, y, x);
	return tui_put(w, s, strlen(s), width, attr);
}

void tui_fill(WINDOW *w, int n, attr_t attr)
{
	wattr_on(w, attr, NULL);
	for (int i = 0; i < n; i++)
		waddch(w, ' ');
	wattr_off(w, attr, NULL);
}

int tui_put_tail(WINDOW *w, int y, int end, int room, const char *s, attr_t attr)
{
	size_t len = strlen(s);
	int sw = (int)utf8_width(s, len);
	if (room < 1)
		return end;
	if (sw <= room) {
		tui_put_at(w, y, end - sw, sw, s, attr);
		return end - sw;
	}
	if (room < 2)
		return end;
	size_t from = 0;
	while (from < len && sw > room - 1) {
		size_t next = utf8_cluster_next(s, len, from);
		sw -= utf8_cluster_width(s, len, from, next);
		from = next;
	}
	tui_put_at(w, y, end - sw - 1, 1, "…", attr);
	tui_put(w, s + from, len - from, sw, attr);
	return end - sw - 1;
}
