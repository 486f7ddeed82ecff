/*
 * answer_json.c: the objects -p writes in its JSON output formats (see
 * answer_json.h). Texts may hold any byte the stream carried; they are cut
 * at the first NUL, which the reply parser never lets through anyway.
 */
#include "jarvis/answer_json.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jarvis/grounding.h"
#include "jarvis/util.h"

static void add_text(cJSON *o, const char *key, const char *s, size_t n)
{
	char *copy = xstrndup(s ? s : "", s ? n : 0);
	cJSON_AddStringToObject(o, key, copy);
	free(copy);
}

static void add_opt(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

char *answer_json_event(const char *type, const char *key, const char *s, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", type);
	add_text(o, key, s, n);
	char *line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return line;
}

static void add_usage(cJSON *o, const struct usage *u)
{
	if (u == NULL) {
		cJSON_AddNullToObject(o, "usage");
		return;
	}
	cJSON *j = cJSON_AddObjectToObject(o, "usage");
	cJSON_AddNumberToObject(j, "promptTokenCount", (double)u->prompt_tokens);
	cJSON_AddNumberToObject(j, "candidatesTokenCount", (double)u->candidates_tokens);
	cJSON_AddNumberToObject(j, "thoughtsTokenCount", (double)u->thoughts_tokens);
	cJSON_AddNumberToObject(j, "totalTokenCount", (double)u->total_tokens);
}

/* Sources, citations (sources counted from 1, as the markers read), searches and URLs. */
static void add_grounding(cJSON *o, const char *json)
{
	struct grounding g;
	if (grounding_parse(json, &g) == -1)
		memset(&g, 0, sizeof g);
	cJSON *src = cJSON_AddArrayToObject(o, "sources");
	for (size_t i = 0; i < g.nsources; i++) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "title", g.sources[i].title);
		cJSON_AddStringToObject(s, "uri", g.sources[i].uri);
		cJSON_AddItemToArray(src, s);
	}
	cJSON *cit = cJSON_AddArrayToObject(o, "citations");
	for (size_t i = 0; i < g.nsupports; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "end", (double)g.supports[i].end);
		cJSON *l = cJSON_AddArrayToObject(c, "sources");
		for (size_t k = 0; k < g.supports[i].nsources; k++)
			cJSON_AddItemToArray(
			    l, cJSON_CreateNumber((double)g.supports[i].sources[k] + 1));
		cJSON_AddItemToArray(cit, c);
	}
	cJSON *q = cJSON_AddArrayToObject(o, "searchQueries");
	for (size_t i = 0; i < g.nqueries; i++)
		cJSON_AddItemToArray(q, cJSON_CreateString(g.queries[i]));
	cJSON *u = cJSON_AddArrayToObject(o, "urls");
	for (size_t i = 0; i < g.nurls; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "url", g.urls[i].url);
		cJSON_AddStringToObject(x, "status", g.urls[i].status);
		cJSON_AddItemToArray(u, x);
	}
	grounding_release(&g);
}

char *answer_json_result(const struct answer_summary *a, const char *type)
{
	cJSON *o = cJSON_CreateObject();
	if (type != NULL)
		cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "status", a->status);
	add_text(o, "text", a->text, a->text_len);
	add_text(o, "thoughts", a->thoughts, a->thoughts_len);
	add_opt(o, "finishReason", a->finish_reason);
	add_opt(o, "model", a->model);
	add_opt(o, "modelVersion", a->model_version);
	add_opt(o, "responseId", a->response_id);
	add_usage(o, a->usage);
	add_grounding(o, a->grounding);
	add_opt(o, "conversation", a->conversation);
	add_opt(o, "error", a->error);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}
