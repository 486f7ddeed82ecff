/*
 * models.c: the built-in model table and its merging (see models.h).
 * Limits are the free-tier figures published for the AI Studio rate-limit
 * page in 2026 (research/gemini-api.md §5); where none was published the
 * limit is 0 and Jarvis leaves it to the API's 429 answers.
 */
#include "jarvis/models.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/utf8.h"
#include "jarvis/util.h"

static const struct {
	const char *id;
	long rpm, rpd;
	const char *description;
} builtin[] = {
    {"gemini-3.5-flash", 5, 20, "fast, capable default for everyday chat"},
    {"gemini-3.5-flash-lite", 0, 0, "lightest 3.5 model: quickest and cheapest"},
    {"gemini-3.6-flash", 0, 0, "newer Flash generation"},
    {"gemini-3.7-flash", 0, 0, "newer Flash generation"},
    {"gemini-3.8-flash", 0, 0, "newest Flash model"},
    {"gemini-3-flash-preview", 5, 20, "Gemini 3 Flash preview"},
    {"gemini-3.1-pro-preview", 0, 0, "most capable 3.x model (preview; paid tier)"},
    {"gemini-3.1-flash-lite", 15, 500, "high-volume lite model with a generous free tier"},
    {"gemini-2.5-flash-lite", 10, 20, "older lite model, still served"},
};

/*
 * Models Google shut down or is shutting down, with the date and the model
 * the API routes them to (research/gemini-api.md §6, read Nov 2026); a
 * date of NULL: deprecated with no date announced.
 */
static const struct model_retirement retired[] = {
    {"gemini-2.5-pro", "2026-12-01", "gemini-3.8-flash"},
    {"gemini-2.5-flash", "2026-12-01", "gemini-3.5-flash-lite"},
    {"gemini-2.0-flash", "2026-06-01", "gemini-3.5-flash"},
    {"gemini-2.0-flash-001", "2026-06-01", "gemini-3.5-flash"},
    {"gemini-2.0-flash-lite", NULL, "gemini-3.1-flash-lite"},
    {"gemini-2.0-flash-lite-001", NULL, "gemini-3.1-flash-lite"},
};

const struct model_retirement *models_retirement(const char *id)
{
	for (size_t i = 0; id != NULL && i < ARRAY_LEN(retired); i++)
		if (strcmp(retired[i].id, id) == 0)
			return &retired[i];
	return NULL;
}

char *models_retired_notice(const char *id, const char *today, const char *how)
{
	const struct model_retirement *r = models_retirement(id);
	if (r == NULL)
		return NULL;
	if (r->shutdown == NULL)
		return xasprintf(
		    "%s is deprecated and will be shut down; %s %s uses its replacement", id, how,
		    r->replacement);
	bool gone = today != NULL && strcmp(today, r->shutdown) >= 0;
	return xasprintf("%s %s shut down on %s; %s %s uses its replacement", id,
	                 gone ? "was" : "will be", r->shutdown, how, r->replacement);
}

static struct model_info *find(struct model_list *list, const char *id)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->v[i].id, id) == 0)
			return &list->v[i];
	return NULL;
}

static struct model_info *add(struct model_list *list, const char *id)
{
	list->v = xrealloc(list->v, (list->n + 1) * sizeof(*list->v));
	struct model_info *m = &list->v[list->n++];
	memset(m, 0, sizeof(*m));
	m->id = xstrdup(id);
	m->description = xstrdup("");
	return m;
}

void models_init(struct model_list *list)
{
	list->v = NULL;
	list->n = 0;
	for (size_t i = 0; i < ARRAY_LEN(builtin); i++) {
		struct model_info *m = add(list, builtin[i].id);
		m->rpm = builtin[i].rpm;
		m->rpd = builtin[i].rpd;
		free(m->description);
		m->description = xstrdup(builtin[i].description);
		m->builtin = true;
	}
}

void models_release(struct model_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].id);
		free(list->v[i].description);
	}
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

void models_override(struct model_list *list, const char *id, long rpm, long rpd,
                     const char *description)
{
	struct model_info *m = find(list, id);
	if (m == NULL)
		m = add(list, id);
	if (rpm >= 0)
		m->rpm = rpm;
	if (rpd >= 0)
		m->rpd = rpd;
	if (description != NULL) {
		free(m->description);
		m->description = xstrdup(description);
	}
}

static bool supports_generate(const cJSON *model)
{
	const cJSON *methods =
	    cJSON_GetObjectItemCaseSensitive(model, "supportedGenerationMethods");
	const cJSON *it;
	cJSON_ArrayForEach(it, methods)
	{
		if (cJSON_IsString(it) && strcmp(it->valuestring, "generateContent") == 0)
			return true;
	}
	return false;
}

int models_merge_remote(struct model_list *list, const char *json, size_t len, char **next_page,
                        char **cause)
{
	*next_page = NULL;
	cJSON *root = cJSON_ParseWithLength(json, len);
	if (root == NULL)
		return set_cause(cause, "gemini: the model list is not valid JSON");
	const cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models");
	const cJSON *it;
	cJSON_ArrayForEach(it, models)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (!cJSON_IsString(name) || !supports_generate(it))
			continue;
		const char *id = name->valuestring;
		if (strncmp(id, "models/", 7) == 0)
			id += 7;
		/* Ids go into URLs and onto the screen: take only plain ones. */
		if (!model_id_ok(id))
			continue;
		struct model_info *m = find(list, id);
		if (m == NULL)
			m = add(list, id);
		m->remote = true;
		const cJSON *limit = cJSON_GetObjectItemCaseSensitive(it, "inputTokenLimit");
		if (cJSON_IsNumber(limit) && limit->valuedouble > 0 && limit->valuedouble < 1e12)
			m->input_tokens = (long)limit->valuedouble;
		const cJSON *desc = cJSON_GetObjectItemCaseSensitive(it, "description");
		const cJSON *display = cJSON_GetObjectItemCaseSensitive(it, "displayName");
		if (m->description[0] == '\0') {
			const cJSON *d =
			    cJSON_IsString(desc) && desc->valuestring[0] ? desc : display;
			if (cJSON_IsString(d)) {
				free(m->description);
				/* Descriptions can be paragraphs: keep the first line. */
				m->description =
				    utf8_sanitize(d->valuestring, strcspn(d->valuestring, "\r\n"));
			}
		}
	}
	const cJSON *token = cJSON_GetObjectItemCaseSensitive(root, "nextPageToken");
	if (cJSON_IsString(token) && token->valuestring[0] != '\0')
		*next_page = xstrdup(token->valuestring);
	cJSON_Delete(root);
	return 0;
}

bool model_id_ok(const char *id)
{
	if (id == NULL || id[0] == '\0' || strlen(id) > 128)
		return false;
	for (const char *p = id; *p; p++) {
		char ch = *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

const struct model_info *models_find(const struct model_list *list, const char *id)
{
	return find((struct model_list *)list, id);
}

static int by_id(const void *a, const void *b)
{
	const struct model_info *x = a, *y = b;
	return strcmp(x->id, y->id);
}

void models_sort(struct model_list *list)
{
	qsort(list->v, list->n, sizeof(*list->v), by_id);
}
