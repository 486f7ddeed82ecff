/*
 * gemini_request.c: builds the generateContent request body with cJSON
 * (see gemini_request.h). Field names follow the API's camelCase, as the
 * official SDKs send them. It never sees the API key.
 */
#include "jarvis/gemini_request.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

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

static int add_parts(cJSON *parts, const struct msg *m, char **cause)
{
	if (m->text.len > 0) {
		cJSON *part = cJSON_CreateObject();
		cJSON_AddStringToObject(part, "text", m->text.data);
		cJSON_AddItemToArray(parts, part);
	}
	for (size_t i = 0; i < m->nimages; i++) {
		char *mime = NULL;
		const char *data = NULL;
		if (split_data_uri(m->images[i].data_uri, &mime, &data) == -1)
			return set_cause(cause, "attachment %s is not a base64 data URI",
			                 m->images[i].name);
		cJSON *part = cJSON_CreateObject();
		cJSON *inline_data = cJSON_AddObjectToObject(part, "inlineData");
		cJSON_AddStringToObject(inline_data, "mimeType", mime);
		cJSON_AddStringToObject(inline_data, "data", data);
		cJSON_AddItemToArray(parts, part);
		free(mime);
	}
	return 0;
}

char *gemini_request_json(const struct conv *c, const struct gemini_gen *gen, char **cause)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *contents = cJSON_AddArrayToObject(root, "contents");
	cJSON *parts = NULL;
	enum msg_role last_role = ROLE_NOTICE;
	size_t turns = 0;

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
		if (add_parts(parts, m, cause) == -1) {
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
		cJSON *si_parts = cJSON_AddArrayToObject(si, "parts");
		cJSON *part = cJSON_CreateObject();
		cJSON_AddStringToObject(part, "text", gen->system_prompt);
		cJSON_AddItemToArray(si_parts, part);
	}
	if (gen != NULL && (gen->has_temperature || gen->max_output_tokens > 0)) {
		cJSON *gc = cJSON_AddObjectToObject(root, "generationConfig");
		if (gen->has_temperature)
			cJSON_AddNumberToObject(gc, "temperature", gen->temperature);
		if (gen->max_output_tokens > 0)
			cJSON_AddNumberToObject(gc, "maxOutputTokens",
			                        (double)gen->max_output_tokens);
	}
	char *json = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (json == NULL) {
		set_cause(cause, "out of memory building the request");
		return NULL;
	}
	/* cJSON allocates with malloc, so the caller's free() is right. */
	return json;
}
