/*
 * gemini_request.c: builds the generateContent request body with cJSON
 * (see gemini_request.h). Field names follow the API's camelCase, as the
 * official SDKs send them. It never sees the API key. It also keeps the
 * body under the API's request limit (earlier images give way to a note)
 * and maps the thinking setting onto the model family's fields.
 */
#include "jarvis/gemini_request.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jarvis/base64.h"
#include "jarvis/util.h"

/* "data:image/png;base64,AAAA" -> mime "image/png", data "AAAA". */
static int split_data_uri(const char *uri, char **mime, const char **data)
{
	if (strncmp(uri, "data:", 5) != 0)
		return -1;
	const char *semi = strstr(uri + 5, ";base64,");
	if (semi == NULL)
		return -1;
	*mime = xstrndup(uri + 5, (size_t)(semi - (uri + 5)));
	*data = semi + strlen(";base64,");
	return 0;
}

/* Per request: which earlier images were left out to keep under the budget. */
struct build {
	const struct conv *c;
	const struct gemini_gen *gen;
	bool *omit; /* one per image of the conversation, in order; NULL: none */
	size_t nimages;
	size_t last_user; /* images of this message (the question) are never left out */
};

static void add_text(cJSON *parts, const char *text)
{
	cJSON *part = cJSON_CreateObject();
	cJSON_AddStringToObject(part, "text", text);
	cJSON_AddItemToArray(parts, part);
}

/* An answer's raw parts, as the API sent them; false when there are none to use. */
static bool add_raw_parts(cJSON *parts, const struct msg *m)
{
	if (m->role != ROLE_MODEL || m->parts.len == 0)
		return false;
	cJSON *raw = cJSON_ParseWithLength(m->parts.data, m->parts.len);
	if (!cJSON_IsArray(raw)) {
		cJSON_Delete(raw); /* damaged: the text stands in */
		return false;
	}
	while (cJSON_GetArraySize(raw) > 0)
		cJSON_AddItemToArray(parts, cJSON_DetachItemFromArray(raw, 0));
	cJSON_Delete(raw);
	return true;
}

/* A text file's part: "File NAME:" and its text (attach.c made sure it is UTF-8). */
static int add_text_file(cJSON *parts, const struct image *img)
{
	size_t n = 0;
	const char *data = strstr(img->data_uri, ";base64,") + strlen(";base64,");
	unsigned char *raw = base64_decode(data, strlen(data), &n);
	if (raw == NULL)
		return -1;
	char *text = xasprintf("File %s:\n%.*s", img->name, (int)n, (const char *)raw);
	free(raw);
	add_text(parts, text);
	free(text);
	return 0;
}

static int add_parts(cJSON *parts, const struct msg *m, const bool *omit, char **cause)
{
	/* Signatures and code execution go back exactly as they came. */
	if (add_raw_parts(parts, m))
		return 0;
	if (m->text.len > 0)
		add_text(parts, m->text.data);
	for (size_t i = 0; i < m->nimages; i++) {
		const struct image *img = &m->images[i];
		if (omit != NULL && omit[i]) {
			char *note =
			    xasprintf("[image %s (%s, %zu KiB) left out of this request: "
			              "with it the request would pass the API's %d MB limit]",
			              img->name, img->mime, (img->size + 1023) / 1024,
			              GEMINI_REQUEST_MAX_BYTES / 1000000);
			add_text(parts, note);
			free(note);
			continue;
		}
		char *mime = NULL;
		const char *data = NULL;
		if (split_data_uri(img->data_uri, &mime, &data) == -1)
			return set_cause(cause, "attachment %s is not a base64 data URI",
			                 img->name);
		if (strcmp(mime, "text/plain") == 0) {
			/* A text file goes as text, under its name, as Gemini reads text best. */
			free(mime);
			if (add_text_file(parts, img) == -1)
				return set_cause(cause, "attachment %s is not valid base64",
				                 img->name);
			continue;
		}
		cJSON *part = cJSON_CreateObject();
		cJSON *inline_data = cJSON_AddObjectToObject(part, "inlineData");
		cJSON_AddStringToObject(inline_data, "mimeType", mime);
		cJSON_AddStringToObject(inline_data, "data", data);
		cJSON_AddItemToArray(parts, part);
		free(mime);
	}
	return 0;
}

/* --- thinking ------------------------------------------------------------ */

int gemini_thinking_parse(const char *s, struct gemini_thinking *out)
{
	static const struct {
		const char *name;
		enum gemini_think level;
	} names[] = {
	    {"auto", THINK_AUTO}, {"off", THINK_OFF},       {"minimal", THINK_MINIMAL},
	    {"low", THINK_LOW},   {"medium", THINK_MEDIUM}, {"high", THINK_HIGH},
	};
	struct gemini_thinking t = {THINK_AUTO, 0};
	if (s == NULL || *s == '\0') {
		*out = t;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			t.level = names[i].level;
			*out = t;
			return 0;
		}
	}
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < -1 || v > GEMINI_THINKING_BUDGET_MAX)
		return -1;
	t.level = THINK_BUDGET;
	t.budget = v;
	*out = t;
	return 0;
}

/* Gemini 2.x models take a token budget; 3.x and later take a level. */
static bool budget_family(const char *model)
{
	return model != NULL && strncmp(model, "gemini-2", 8) == 0;
}

static void add_thinking(cJSON *gc, const struct gemini_gen *gen)
{
	struct gemini_thinking t;
	if (gemini_thinking_parse(gen->thinking, &t) == -1)
		t.level = THINK_AUTO; /* the config and /think check it first */
	cJSON *tc = cJSON_AddObjectToObject(gc, "thinkingConfig");
	cJSON_AddBoolToObject(tc, "includeThoughts", t.level != THINK_OFF);
	static const long budgets[] = {
	    [THINK_AUTO] = -1,  [THINK_OFF] = 0,       [THINK_MINIMAL] = 512,
	    [THINK_LOW] = 1024, [THINK_MEDIUM] = 8192, [THINK_HIGH] = 24576,
	};
	static const char *const levels[] = {
	    [THINK_OFF] = "MINIMAL",   [THINK_MINIMAL] = "MINIMAL", [THINK_LOW] = "LOW",
	    [THINK_MEDIUM] = "MEDIUM", [THINK_HIGH] = "HIGH",
	};
	if (t.level == THINK_BUDGET)
		cJSON_AddNumberToObject(tc, "thinkingBudget", (double)t.budget);
	else if (budget_family(gen->model))
		cJSON_AddNumberToObject(tc, "thinkingBudget", (double)budgets[t.level]);
	else if (t.level != THINK_AUTO)
		cJSON_AddStringToObject(tc, "thinkingLevel", levels[t.level]);
}

/* Whether the question (the last user turn) holds a web address. */
static bool asks_about_url(const struct conv *c)
{
	for (size_t i = c->n; i-- > 0;) {
		const struct msg *m = c->msgs[i];
		if (m->role == ROLE_USER)
			return strstr(m->text.data, "https://") != NULL ||
			       strstr(m->text.data, "http://") != NULL;
	}
	return false;
}

/* Web grounding: Google Search when on; URL context then, or when the question links a page. */
static void add_tools(cJSON *root, const struct conv *c, const struct gemini_gen *gen)
{
	bool url = gen->web || asks_about_url(c);
	if (!url)
		return;
	cJSON *tools = cJSON_AddArrayToObject(root, "tools");
	if (gen->web) {
		cJSON *t = cJSON_CreateObject();
		cJSON_AddObjectToObject(t, "googleSearch");
		cJSON_AddItemToArray(tools, t);
	}
	cJSON *t = cJSON_CreateObject();
	cJSON_AddObjectToObject(t, "urlContext");
	cJSON_AddItemToArray(tools, t);
}

/* --- the body ------------------------------------------------------------ */

static cJSON *build_root(const struct build *b, char **cause)
{
	const struct conv *c = b->c;
	const struct gemini_gen *gen = b->gen;
	cJSON *root = cJSON_CreateObject();
	cJSON *contents = cJSON_AddArrayToObject(root, "contents");
	cJSON *parts = NULL;
	enum msg_role last_role = ROLE_NOTICE;
	size_t turns = 0, img = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct msg *m = c->msgs[i];
		/* What the model is told was said; conv.h says which turns are left out. */
		if (!conv_in_context(c, i))
			continue;
		if (parts == NULL || m->role != last_role) {
			cJSON *content = cJSON_CreateObject();
			cJSON_AddStringToObject(content, "role",
			                        m->role == ROLE_USER ? "user" : "model");
			parts = cJSON_AddArrayToObject(content, "parts");
			cJSON_AddItemToArray(contents, content);
			last_role = m->role;
			turns++;
		}
		const bool *omit = b->omit != NULL && m->nimages > 0 ? b->omit + img : NULL;
		img += m->nimages;
		if (add_parts(parts, m, omit, cause) == -1) {
			cJSON_Delete(root);
			return NULL;
		}
	}
	if (turns == 0 || last_role != ROLE_USER) {
		cJSON_Delete(root);
		set_cause(cause, "there is no question to send: type a message first");
		return NULL;
	}

	if (gen != NULL && gen->system_prompt != NULL && gen->system_prompt[0] != '\0') {
		cJSON *si = cJSON_AddObjectToObject(root, "systemInstruction");
		add_text(cJSON_AddArrayToObject(si, "parts"), gen->system_prompt);
	}
	if (gen != NULL) {
		cJSON *gc = cJSON_AddObjectToObject(root, "generationConfig");
		if (gen->has_temperature)
			cJSON_AddNumberToObject(gc, "temperature", gen->temperature);
		if (gen->max_output_tokens > 0)
			cJSON_AddNumberToObject(gc, "maxOutputTokens",
			                        (double)gen->max_output_tokens);
		add_thinking(gc, gen);
		add_tools(root, c, gen);
	}
	return root;
}

static char *print_root(cJSON *root, char **cause)
{
	char *json = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (json == NULL)
		set_cause(cause, "out of memory building the request");
	/* cJSON allocates with malloc, so the caller's free() is right. */
	return json;
}

/* Images in context, in request order; *last gets the index of the question's first. */
static size_t count_images(const struct conv *c, size_t *last)
{
	size_t n = 0;
	*last = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (!conv_in_context(c, i))
			continue;
		if (c->msgs[i]->role == ROLE_USER)
			*last = n;
		n += c->msgs[i]->nimages;
	}
	return n;
}

/* The image with request index k. */
static const struct image *image_at(const struct conv *c, size_t k)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!conv_in_context(c, i))
			continue;
		if (k < c->msgs[i]->nimages)
			return &c->msgs[i]->images[k];
		k -= c->msgs[i]->nimages;
	}
	return NULL;
}

char *gemini_request_build(const struct conv *c, const struct gemini_gen *gen,
                           struct gemini_request_info *info, char **cause)
{
	size_t budget =
	    gen != NULL && gen->max_body_bytes > 0 ? gen->max_body_bytes : GEMINI_REQUEST_MAX_BYTES;
	struct build b = {.c = c, .gen = gen};
	if (info != NULL)
		memset(info, 0, sizeof *info);
	b.nimages = count_images(c, &b.last_user);
	size_t left_out = 0;
	for (;;) {
		cJSON *root = build_root(&b, cause);
		char *json = root ? print_root(root, cause) : NULL;
		if (json == NULL)
			break;
		size_t len = strlen(json);
		if (len <= budget) {
			if (info != NULL) {
				info->body_bytes = len;
				info->images_left_out = left_out;
			}
			free(b.omit);
			return json;
		}
		free(json);
		/* Leave out the oldest earlier images until the excess is covered. */
		if (b.omit == NULL && b.nimages > 0)
			b.omit = xcalloc(b.nimages, sizeof *b.omit);
		size_t excess = len - budget, saved = 0, k = 0;
		for (; k < b.last_user && saved < excess; k++) {
			if (b.omit[k])
				continue;
			b.omit[k] = true;
			left_out++;
			saved += strlen(image_at(c, k)->data_uri);
		}
		if (saved == 0) {
			set_cause(cause,
			          "the request would be %zu bytes, over the %zu the API takes (its "
			          "limit is %d MB); attach fewer or smaller files",
			          len, budget, GEMINI_REQUEST_MAX_BYTES / 1000000);
			break;
		}
	}
	free(b.omit);
	return NULL;
}

char *gemini_request_json(const struct conv *c, const struct gemini_gen *gen, char **cause)
{
	return gemini_request_build(c, gen, NULL, cause);
}
