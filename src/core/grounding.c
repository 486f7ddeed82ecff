/*
 * grounding.c: the citations of a grounded answer (see grounding.h). The
 * API's groundingMetadata is large (rendered HTML, confidence scores, the
 * segment texts); only what a reader needs is kept, in a small object of
 * our own that the store, the export and -p json share. Indices and offsets
 * from the network are checked before use: a support that points past the
 * sources or the text is dropped, never followed.
 */
#include "jarvis/grounding.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jarvis/util.h"

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *fold_queries(const cJSON *gm)
{
	const cJSON *qs = cJSON_GetObjectItemCaseSensitive(gm, "webSearchQueries");
	if (!cJSON_IsArray(qs))
		return NULL;
	cJSON *out = cJSON_CreateArray();
	const cJSON *q;
	cJSON_ArrayForEach(q, qs)
	{
		if (cJSON_IsString(q))
			cJSON_AddItemToArray(out, cJSON_CreateString(q->valuestring));
	}
	return out;
}

static cJSON *fold_sources(const cJSON *gm)
{
	const cJSON *chunks = cJSON_GetObjectItemCaseSensitive(gm, "groundingChunks");
	if (!cJSON_IsArray(chunks))
		return NULL;
	cJSON *out = cJSON_CreateArray();
	const cJSON *c;
	cJSON_ArrayForEach(c, chunks)
	{
		/* web for Search, retrievedContext for other stores: keep the place in the list. */
		const cJSON *web = cJSON_GetObjectItemCaseSensitive(c, "web");
		if (!cJSON_IsObject(web))
			web = cJSON_GetObjectItemCaseSensitive(c, "retrievedContext");
		const char *uri = str_of(web, "uri"), *title = str_of(web, "title");
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "title", title ? title : (uri ? uri : "untitled"));
		cJSON_AddStringToObject(s, "uri", uri ? uri : "");
		cJSON_AddItemToArray(out, s);
	}
	return out;
}

/* An end in the model's text parts, as a place in the text Jarvis keeps. */
static double shifted(double end, const struct grounding_shift *shifts, size_t nshifts)
{
	/* A part drawn right at the end comes after the cited segment: not counted. */
	for (size_t i = 0; i < nshifts && (double)shifts[i].at < end; i++)
		end += (double)shifts[i].len;
	return end;
}

static cJSON *fold_supports(const cJSON *gm, const struct grounding_shift *shifts, size_t nshifts)
{
	const cJSON *sups = cJSON_GetObjectItemCaseSensitive(gm, "groundingSupports");
	if (!cJSON_IsArray(sups))
		return NULL;
	cJSON *out = cJSON_CreateArray();
	const cJSON *s;
	cJSON_ArrayForEach(s, sups)
	{
		const cJSON *seg = cJSON_GetObjectItemCaseSensitive(s, "segment");
		const cJSON *end = cJSON_GetObjectItemCaseSensitive(seg, "endIndex");
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(s, "groundingChunkIndices");
		if (!cJSON_IsNumber(end) || end->valuedouble < 0 || end->valuedouble > 1e12 ||
		    !cJSON_IsArray(idx))
			continue;
		cJSON *o = cJSON_CreateObject();
		double at = shifted((double)(long long)end->valuedouble, shifts, nshifts);
		cJSON_AddNumberToObject(o, "end", at);
		cJSON *list = cJSON_AddArrayToObject(o, "sources");
		const cJSON *i;
		cJSON_ArrayForEach(i, idx)
		{
			if (cJSON_IsNumber(i) && i->valuedouble >= 0 && i->valuedouble < 1e6)
				cJSON_AddItemToArray(
				    list, cJSON_CreateNumber((double)(int)i->valuedouble));
		}
		cJSON_AddItemToArray(out, o);
	}
	return out;
}

static cJSON *fold_urls(const cJSON *ucm)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(ucm, "urlMetadata");
	if (!cJSON_IsArray(list))
		return NULL;
	cJSON *out = cJSON_CreateArray();
	const cJSON *u;
	cJSON_ArrayForEach(u, list)
	{
		const char *url = str_of(u, "retrievedUrl"), *st = str_of(u, "urlRetrievalStatus");
		if (url == NULL)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "url", url);
		cJSON_AddStringToObject(o, "status", st ? st : "");
		cJSON_AddItemToArray(out, o);
	}
	return out;
}

static void put(cJSON *obj, const char *key, cJSON *v)
{
	if (v == NULL)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	cJSON_AddItemToObject(obj, key, v);
}

void grounding_fold(char **dst, const char *gm_json, const char *ucm_json,
                    const struct grounding_shift *shifts, size_t nshifts)
{
	cJSON *obj = *dst ? cJSON_Parse(*dst) : NULL;
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		obj = cJSON_CreateObject();
	}
	cJSON *gm = gm_json ? cJSON_Parse(gm_json) : NULL;
	cJSON *ucm = ucm_json ? cJSON_Parse(ucm_json) : NULL;
	put(obj, "queries", fold_queries(gm));
	put(obj, "sources", fold_sources(gm));
	put(obj, "supports", fold_supports(gm, shifts, nshifts));
	put(obj, "urls", fold_urls(ucm));
	cJSON_Delete(gm);
	cJSON_Delete(ucm);
	free(*dst);
	*dst = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
}

static void read_strings(const cJSON *arr, char ***out, size_t *n)
{
	*n = 0;
	*out = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof **out);
	const cJSON *q;
	cJSON_ArrayForEach(q, arr)
	{
		if (cJSON_IsString(q))
			(*out)[(*n)++] = xstrdup(q->valuestring);
	}
}

static void read_sources(const cJSON *arr, struct grounding *g)
{
	g->sources = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *g->sources);
	const cJSON *s;
	cJSON_ArrayForEach(s, arr)
	{
		const char *t = str_of(s, "title"), *u = str_of(s, "uri");
		g->sources[g->nsources].title = xstrdup(t ? t : "");
		g->sources[g->nsources].uri = xstrdup(u ? u : "");
		g->nsources++;
	}
}

static void read_supports(const cJSON *arr, struct grounding *g)
{
	g->supports = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *g->supports);
	const cJSON *s;
	cJSON_ArrayForEach(s, arr)
	{
		const cJSON *end = cJSON_GetObjectItemCaseSensitive(s, "end");
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(s, "sources");
		if (!cJSON_IsNumber(end) || end->valuedouble < 0 || !cJSON_IsArray(idx))
			continue;
		struct grounding_support *sp = &g->supports[g->nsupports++];
		sp->end = (size_t)end->valuedouble;
		sp->sources = xcalloc((size_t)cJSON_GetArraySize(idx) + 1, sizeof *sp->sources);
		const cJSON *i;
		cJSON_ArrayForEach(i, idx)
		{
			/* An index past the sources points at nothing: dropped. */
			if (cJSON_IsNumber(i) && i->valuedouble >= 0 &&
			    i->valuedouble < (double)g->nsources)
				sp->sources[sp->nsources++] = (size_t)i->valuedouble;
		}
	}
}

static void read_urls(const cJSON *arr, struct grounding *g)
{
	g->urls = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *g->urls);
	const cJSON *u;
	cJSON_ArrayForEach(u, arr)
	{
		const char *url = str_of(u, "url"), *st = str_of(u, "status");
		if (url == NULL)
			continue;
		g->urls[g->nurls].url = xstrdup(url);
		g->urls[g->nurls].status = xstrdup(st ? st : "");
		g->nurls++;
	}
}

int grounding_parse(const char *json, struct grounding *g)
{
	memset(g, 0, sizeof *g);
	cJSON *obj = json ? cJSON_Parse(json) : NULL;
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		return -1;
	}
	read_strings(cJSON_GetObjectItemCaseSensitive(obj, "queries"), &g->queries, &g->nqueries);
	read_sources(cJSON_GetObjectItemCaseSensitive(obj, "sources"), g);
	read_supports(cJSON_GetObjectItemCaseSensitive(obj, "supports"), g);
	read_urls(cJSON_GetObjectItemCaseSensitive(obj, "urls"), g);
	cJSON_Delete(obj);
	return 0;
}

void grounding_release(struct grounding *g)
{
	for (size_t i = 0; i < g->nqueries; i++)
		free(g->queries[i]);
	for (size_t i = 0; i < g->nsources; i++) {
		free(g->sources[i].title);
		free(g->sources[i].uri);
	}
	for (size_t i = 0; i < g->nsupports; i++)
		free(g->supports[i].sources);
	for (size_t i = 0; i < g->nurls; i++) {
		free(g->urls[i].url);
		free(g->urls[i].status);
	}
	free(g->queries);
	free(g->sources);
	free(g->supports);
	free(g->urls);
	memset(g, 0, sizeof *g);
}

int grounding_empty(const struct grounding *g)
{
	return g->nqueries == 0 && g->nsources == 0 && g->nurls == 0;
}

static int by_end(const void *a, const void *b)
{
	const struct grounding_support *x = *(const struct grounding_support *const *)a;
	const struct grounding_support *y = *(const struct grounding_support *const *)b;
	return x->end < y->end ? -1 : x->end > y->end;
}

void grounding_mark(const char *text, size_t len, const struct grounding *g, struct buf *out)
{
	const struct grounding_support **order = xcalloc(g->nsupports + 1, sizeof *order);
	for (size_t i = 0; i < g->nsupports; i++)
		order[i] = &g->supports[i];
	qsort(order, g->nsupports, sizeof *order, by_end);
	size_t at = 0;
	for (size_t i = 0; i < g->nsupports; i++) {
		size_t end = order[i]->end;
		if (end > len || order[i]->nsources == 0)
			continue;
		/* Never inside a character: on to the next boundary. */
		while (end < len && ((unsigned char)text[end] & 0xC0) == 0x80)
			end++;
		if (end < at)
			end = at;
		buf_add(out, text + at, end - at);
		at = end;
		for (size_t k = 0; k < order[i]->nsources; k++)
			buf_addf(out, "[%zu]", order[i]->sources[k] + 1);
	}
	buf_add(out, text + at, len - at);
	free(order);
}

/*
 * Network text for one line: controls become spaces; in Markdown the
 * characters that would start markup are escaped, so they read as typed.
 */
static void put_line_text(struct buf *out, const char *s, bool md)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			buf_addstr(out, " ");
		else if (md && strchr("[]*_`\\<>", c) != NULL)
			buf_addf(out, "\\%c", c);
		else
			buf_add(out, s, 1);
	}
}

void grounding_sources(const struct grounding *g, bool markdown, struct buf *out)
{
	const char *br = markdown ? "  \n" : "\n";
	if (g->nsources > 0) {
		buf_addstr(out, markdown ? "Sources:\n\n" : "Sources:\n");
		for (size_t i = 0; i < g->nsources; i++) {
			buf_addf(out, markdown ? "\\[%zu\\] " : "[%zu] ", i + 1);
			put_line_text(out, g->sources[i].title, markdown);
			if (g->sources[i].uri[0] != '\0') {
				buf_addstr(out, " (");
				put_line_text(out, g->sources[i].uri, markdown);
				buf_addstr(out, ")");
			}
			buf_addstr(out, br);
		}
		buf_addstr(out, "\n");
	}
	if (g->nqueries > 0) {
		buf_addstr(out, "Searched for: ");
		for (size_t i = 0; i < g->nqueries; i++) {
			buf_addstr(out, i > 0 ? "; " : "");
			put_line_text(out, g->queries[i], markdown);
		}
		buf_addstr(out, "\n\n");
	}
	for (size_t i = 0; i < g->nurls; i++) {
		const char *st = g->urls[i].status;
		bool ok = strcmp(st, "URL_RETRIEVAL_STATUS_SUCCESS") == 0;
		buf_addstr(out, ok ? "Fetched: " : "Not fetched: ");
		put_line_text(out, g->urls[i].url, markdown);
		if (!ok) {
			buf_addstr(out, " (");
			put_line_text(out, *st ? st : "no status", markdown);
			buf_addstr(out, ")");
		}
		buf_addstr(out, br);
	}
	if (g->nurls > 0)
		buf_addstr(out, "\n");
}

void grounding_render(const char *text, size_t len, const char *json, struct buf *out)
{
	struct grounding g;
	if (json == NULL || grounding_parse(json, &g) == -1) {
		buf_add(out, text, len);
		return;
	}
	grounding_mark(text, len, &g, out);
	if (!grounding_empty(&g)) {
		buf_addstr(out, len > 0 && text[len - 1] == '\n' ? "\n" : "\n\n");
		grounding_sources(&g, true, out);
	}
	grounding_release(&g);
}
