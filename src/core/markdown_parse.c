/*
 * markdown_parse.c: one md4c parse of a segment with the renderer's
 * callbacks (rendered into the document, or only looked at), and the
 * fence lines that both the segmenter (markdown.c) and the open segment
 * (markdown_open.c) must recognise alike. Below both of them.
 */
#include <md4c.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/markdown.h"
#include "jarvis/util.h"
#include "markdown_internal.h"

static const MD_PARSER parser = {
    .abi_version = 0,
    .flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS | MD_FLAG_NOHTML |
             MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS,
    .enter_block = mdr_enter_block,
    .leave_block = mdr_leave_block,
    .enter_span = mdr_enter_span,
    .leave_span = mdr_leave_span,
    .text = mdr_text,
};

void md_render_segment(struct md *m, const char *src, size_t n, size_t **widths, size_t *cols)
{
	struct render r;
	memset(&r, 0, sizeof(r));
	r.doc = r.sink = &m->doc;
	r.hyperlinks = m->hyperlinks;
	r.any = m->doc.text.len > 0;
	r.pending_nl = r.any ? 2 : 0;
	/*
	 * md4c 0.4.8 reads the byte after the input (a link destination cut
	 * off at the end crashes it), so it gets a NUL-terminated copy.
	 */
	char *copy = xstrndup(src, n);
	md_parse(copy, (MD_SIZE)n, &parser, &r);
	free(copy);
	m->code_lang = r.syn_lang;
	mdr_table_release(&r.table);
	mdr_code_release(&r);
	free(r.link_href);
	if (widths != NULL) {
		*widths = r.widths;
		*cols = r.nwidths;
	} else {
		free(r.widths);
	}
}

void md_probe(const char *src, size_t n, struct render *r)
{
	memset(r, 0, sizeof(*r));
	struct out scratch;
	mdout_init(&scratch);
	r->doc = r->sink = &scratch;
	r->keep_table = true;
	char *copy = xstrndup(src, n);
	md_parse(copy, (MD_SIZE)n, &parser, r);
	free(copy);
	mdr_code_release(r);
	mdout_release(&scratch);
	free(r->link_href);
	free(r->widths);
	r->link_href = NULL;
	r->widths = NULL;
	r->doc = r->sink = NULL;
}

size_t md_fence_at(const char *s, size_t n, char *ch)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != '`' && s[i] != '~'))
		return 0;
	size_t j = i;
	while (j < n && s[j] == s[i])
		j++;
	if (j - i < 3)
		return 0;
	*ch = s[i];
	return j - i;
}

bool md_fence_opens(const char *s, size_t n, char *ch, size_t *len)
{
	size_t run = md_fence_at(s, n, ch);
	if (run == 0 || s[0] != *ch)
		return false;
	if (*ch == '`' && memchr(s + run, '`', n - run) != NULL)
		return false; /* a backtick fence's info string has none */
	*len = run;
	return true;
}

bool md_fence_closes(const char *s, size_t n, char ch, size_t len)
{
	char c;
	size_t run = md_fence_at(s, n, &c);
	if (run < len || c != ch)
		return false;
	size_t k = 0;
	while (k < n && s[k] == ' ')
		k++;
	k += run;
	while (k < n && (s[k] == ' ' || s[k] == '\r'))
		k++;
	return k == n;
}
