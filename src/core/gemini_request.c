/*
 * gemini_request.c: builds the generateContent request body with cJSON
 * (see gemini_request.h). Field names follow the API's camelCase, as the
 * official SDKs send them. It never sees the API key. It also keeps the
 * body under the API's request limit (images that would take it over go
 * by the Files API as fileData, or give way to a note when it cannot take
 * them) and maps the thinking setting onto the model family's fields.
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

static void add_text(cJSON *parts, const char *text)
{
	cJSON *part = cJSON_CreateObject();
	cJSON_AddStringToObject(part, "text", text);
	cJSON_AddItemToArray(parts, part);
}

/* Per request: which images are not sent inline, to keep under the budget. */
struct build {
	const struct conv *c;
	const struct gemini_gen *gen;
	bool *omit; /* one per image of the conversation, in order; NULL: none */
	size_t nimages;
	size_t last_user;  /* the question's first image: its own are left out last, by file only */
	size_t notes;      /* images a note stands in for */
	const char *noted; /* what they are: "image", "PDF"..., "attachment" when mixed */
	size_t by_file;    /* images sent as fileData */
};

/* Whether an image's Files API copy may be named in this request. */
static bool file_live(const struct image *img, const struct gemini_gen *gen)
{
	return gen != NULL && gen->files && gen->files_error == NULL && img->file_uri != NULL &&
	       img->file_expires_ms > gen->now_ms + gen->file_margin_ms;
}

static void add_file_data(cJSON *parts, const struct image *img)
{
	cJSON *part = cJSON_CreateObject();
	cJSON *fd = cJSON_AddObjectToObject(part, "fileData");
	cJSON_AddStringToObject(fd, "mimeType", img->mime);
	cJSON_AddStringToObject(fd, "fileUri", img->file_uri);
	cJSON_AddItemToArray(parts, part);
}

/* What kind of file an attachment is, in the words a note uses for it. */
static const char *kind_noun(const char *mime)
{
	if (mime == NULL)
		return "attachment";
	if (strncmp(mime, "image/", 6) == 0)
		return "image";
	if (strcmp(mime, "application/pdf") == 0)
		return "PDF";
	if (strncmp(mime, "audio/", 6) == 0)
		return "audio file";
	if (strncmp(mime, "text/", 5) == 0)
		return "text file";
	return "attachment";
}

static void add_note(cJSON *parts, const struct image *img, struct build *b)
{
	const char *why = b->gen != NULL ? b->gen->files_error : NULL;
	const char *kind = kind_noun(img->mime);
	b->noted = b->noted == NULL || strcmp(b->noted, kind) == 0 ? kind : "attachment";
	b->notes++;
	char *note = xasprintf(
	    "[%s %s (%s, %zu KiB) left out of this request: with it the "
	    "request would pass the API's %d MB limit%s%s]",
	    kind, img->name, img->mime, (img->size + 1023) / 1024,
	    GEMINI_REQUEST_MAX_BYTES / 1000000,
	    why ? ", and the Files API, which would have taken it, failed: " : "", why ? why : "");
	add_text(parts, note);
	free(note);
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

static int add_parts(cJSON *parts, const struct msg *m, const bool *omit, struct build *b,
                     char **cause)
{
	/* Signatures and code execution go back exactly as they came. */
	if (add_raw_parts(parts, m))
		return 0;
	if (m->text.len > 0)
		add_text(parts, m->text.data);
	for (size_t i = 0; i < m->nimages; i++) {
		const struct image *img = &m->images[i];
		if (file_live(img, b->gen)) {
			/* Uploaded once: named from then on, never inline again. */
			add_file_data(parts, img);
			b->by_file++;
			continue;
		}
		if (omit != NULL && omit[i]) {
			add_note(parts, img, b); /* until it is uploaded, or for good */
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

static cJSON *build_root(struct build *b, char **cause)
{
	const struct conv *c = b->c;
	const struct gemini_gen *gen = b->gen;
	cJSON *root = cJSON_CreateObject();
	cJSON *contents = cJSON_AddArrayToObject(root, "contents");
	cJSON *parts = NULL;
	enum msg_role last_role = ROLE_NOTICE;
	size_t turns = 0, img = 0;
	b->notes = b->by_file = 0;

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
		if (add_parts(parts, m, omit, b, cause) == -1) {
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

/* What the caller must do before sending: every image that goes by the Files API. */
static void list_uploads(const struct build *b, struct gemini_request_info *info)
{
	const struct gemini_gen *gen = b->gen;
	if (info == NULL || gen == NULL || !gen->files || gen->files_error != NULL)
		return;
	for (size_t k = 0; k < b->nimages; k++) {
		struct image *img = (struct image *)image_at(b->c, k);
		if (!file_live(img, gen) && (b->omit == NULL || !b->omit[k]))
			continue;
		info->upload = xrealloc(info->upload, (info->nupload + 1) * sizeof(*info->upload));
		info->upload[info->nupload++] = img;
	}
}

/* Leaves out (oldest first) images sent inline until about excess bytes are saved. */
static size_t leave_out(struct build *b, size_t excess)
{
	bool files = b->gen != NULL && b->gen->files && b->gen->files_error == NULL;
	/* The question's own images may go only by file: a note would lose them. */
	size_t end = files ? b->nimages : b->last_user, saved = 0;
	if (b->omit == NULL && b->nimages > 0)
		b->omit = xcalloc(b->nimages, sizeof *b->omit);
	for (size_t k = 0; k < end && saved < excess; k++) {
		const struct image *img = image_at(b->c, k);
		if (b->omit[k] || file_live(img, b->gen))
			continue;
		b->omit[k] = true;
		saved += strlen(img->data_uri);
	}
	return saved;
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
	for (;;) {
		cJSON *root = build_root(&b, cause);
		char *json = root ? print_root(root, cause) : NULL;
		if (json == NULL)
			break;
		size_t len = strlen(json);
		if (len <= budget) {
			if (info != NULL) {
				info->body_bytes = len;
				info->images_left_out = b.notes;
				info->left_out_kind = b.noted;
				info->images_by_file = b.by_file;
				list_uploads(&b, info);
			}
			free(b.omit);
			return json;
		}
		free(json);
		if (leave_out(&b, len - budget) == 0) {
			const char *why = gen != NULL ? gen->files_error : NULL;
			set_cause(cause,
			          "the request would be %zu bytes, over the %zu the API takes (its "
			          "limit is %d MB)%s%s; attach fewer or smaller files",
			          len, budget, GEMINI_REQUEST_MAX_BYTES / 1000000,
			          why ? ", and the Files API failed: " : "", why ? why : "");
			break;
		}
	}
	free(b.omit);
	return NULL;
}

char *gemini_left_out_notice(const struct gemini_request_info *info, bool files_failed)
{
	if (info == NULL || info->images_left_out == 0)
		return NULL;
	size_t n = info->images_left_out;
	const char *kind = info->left_out_kind != NULL ? info->left_out_kind : "attachment";
	return xasprintf("%zu earlier %s%s %s left out of this request (a note stands in "
	                 "its place): with %s the request would pass the API's %d MB limit%s",
	                 n, kind, n == 1 ? "" : "s", n == 1 ? "is" : "are", n == 1 ? "it" : "them",
	                 GEMINI_REQUEST_MAX_BYTES / 1000000,
	                 files_failed ? ", and the Files API failed" : "");
}

void gemini_request_info_release(struct gemini_request_info *info)
{
	if (info == NULL)
		return;
	free(info->upload);
	info->upload = NULL;
	info->nupload = 0;
}

char *gemini_request_json(const struct conv *c, const struct gemini_gen *gen, char **cause)
{
	return gemini_request_build(c, gen, NULL, cause);
}
