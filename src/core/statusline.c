/*
 * statusline.c: fitting the status line's items to its width (see
 * statusline.h). Pure: widths come from the UTF-8 helpers.
 */
#include "jarvis/statusline.h"

#include <string.h>

#include "jarvis/utf8.h"

#define SEP_W 3 /* " │ " */

static int form_width(const char *s)
{
	return s ? (int)utf8_strwidth(s) : 0;
}

static int nforms(const struct status_item *it)
{
	int n = 0;
	while (n < STATUS_FORMS && it->form[n] != NULL)
		n++;
	return n;
}

static int total_width(const struct status_item *items, size_t n)
{
	int side[2] = {0, 0}, count[2] = {0, 0};
	for (size_t i = 0; i < n; i++) {
		if (items[i].shown < 0)
			continue;
		side[items[i].right] += items[i].width;
		count[items[i].right]++;
	}
	int w = 0;
	for (int s = 0; s < 2; s++)
		if (count[s] > 0)
			w += side[s] + SEP_W * (count[s] - 1) + 1; /* the outer blank */
	if (count[0] > 0 && count[1] > 0)
		w += 1; /* at least one blank between the sides */
	return w;
}

/* Whether the item can still take a shorter form or be cut further. */
static bool can_shorten(const struct status_item *it)
{
	if (it->shown + 1 < nforms(it))
		return true;
	return it->cut_min > 0 && it->width > it->cut_min;
}

static void grow_back(struct status_item *items, size_t n, int cols);

void status_layout(struct status_item *items, size_t n, int cols)
{
	for (size_t i = 0; i < n; i++) {
		struct status_item *it = &items[i];
		bool empty = it->form[0] == NULL || it->form[0][0] == '\0';
		it->shown = empty ? -1 : 0;
		it->width = empty ? 0 : form_width(it->form[0]);
	}
	for (int excess = total_width(items, n) - cols; excess > 0;
	     excess = total_width(items, n) - cols) {
		struct status_item *pick = NULL;
		int best = 0;
		bool shorten = false;
		for (size_t i = 0; i < n; i++) {
			struct status_item *it = &items[i];
			if (it->shown < 0)
				continue;
			bool s = can_shorten(it);
			int prio = s ? it->cut_prio : it->drop_prio;
			if (!s && prio >= STATUS_KEEP)
				continue;
			if (pick == NULL || prio < best) {
				pick = it;
				best = prio;
				shorten = s;
			}
		}
		if (pick == NULL)
			break; /* only what must stay is left; the caller cuts the rest */
		if (!shorten) {
			pick->shown = -1;
			pick->width = 0;
		} else if (pick->shown + 1 < nforms(pick)) {
			pick->shown++;
			pick->width = form_width(pick->form[pick->shown]);
		} else {
			int w = pick->width - excess;
			pick->width = w > pick->cut_min ? w : pick->cut_min;
		}
	}
	grow_back(items, n, cols);
}

/* How much an item's longer forms matter: the later it gave them up, the more. */
static int weight(const struct status_item *it)
{
	return it->cut_prio;
}

/*
 * Space that dropping freed goes back to the items that matter most: each
 * shown item, the most important first, takes back its longer forms (or
 * columns of its cut form) while they fit, so nothing stays cut next to
 * blank columns.
 */
static void grow_back(struct status_item *items, size_t n, int cols)
{
	bool done[64] = {false};
	for (size_t round = 0; round < n && round < 64; round++) {
		struct status_item *pick = NULL;
		size_t at = 0;
		for (size_t i = 0; i < n && i < 64; i++) {
			if (done[i] || items[i].shown < 0)
				continue;
			if (pick == NULL || weight(&items[i]) > weight(pick)) {
				pick = &items[i];
				at = i;
			}
		}
		if (pick == NULL)
			return;
		done[at] = true;
		for (;;) {
			int slack = cols - total_width(items, n);
			if (slack <= 0)
				return;
			int full = form_width(pick->form[pick->shown]);
			if (pick->width < full) { /* cut: widen it */
				int more = full - pick->width;
				pick->width += more < slack ? more : slack;
				continue;
			}
			if (pick->shown == 0)
				break;
			int longer = form_width(pick->form[pick->shown - 1]);
			if (longer - pick->width > slack)
				break;
			pick->shown--;
			pick->width = longer;
		}
	}
}

size_t status_cut_bytes(const char *s, int width)
{
	size_t len = strlen(s);
	if ((int)utf8_width(s, len) <= width)
		return len;
	int room = width - 1, used = 0; /* one column for "…" */
	size_t off = 0;
	while (off < len) {
		size_t next = utf8_cluster_next(s, len, off);
		int cw = utf8_cluster_width(s, len, off, next);
		if (used + cw > room)
			break;
		used += cw;
		off = next;
	}
	return off;
}
