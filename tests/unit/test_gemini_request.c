/* Unit tests for the request body and the model table. */
#include "jarvis/gemini_request.h"
#include "jarvis/models.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <string.h>

#include "jarvis/util.h"

#include "unit.h"

static cJSON *build(const struct conv *c, const struct gemini_gen *gen)
{
	char *cause = NULL;
	char *json = gemini_request_json(c, gen, &cause);
	ck_assert_msg(json != NULL, "%s", cause ? cause : "");
	cJSON *root = cJSON_Parse(json);
	free(json);
	ck_assert_ptr_nonnull(root);
	return root;
}

START_TEST(turns_roles_and_merging)
{
	struct conv *c = conv_new();
	conv_add(c, ROLE_NOTICE, "welcome");
	conv_add(c, ROLE_USER, "hi");
	conv_add(c, ROLE_MODEL, "a first answer, replaced by /retry");
	conv_add(c, ROLE_MODEL, "hello");
	struct msg *failed = conv_add(c, ROLE_MODEL, ""); /* an error before any text */
	failed->status = MSG_ERROR;
	conv_add(c, ROLE_USER, "first");
	/* A question followed by another with no answer between was passed over (issue 9, bug 3).
	 */
	conv_add(c, ROLE_USER, "second");
	cJSON *root = build(c, NULL);
	cJSON *contents = cJSON_GetObjectItem(root, "contents");
	ck_assert_int_eq(cJSON_GetArraySize(contents), 3);
	cJSON *last = cJSON_GetArrayItem(contents, 2);
	ck_assert_str_eq(cJSON_GetObjectItem(last, "role")->valuestring, "user");
	cJSON *parts = cJSON_GetObjectItem(last, "parts");
	ck_assert_int_eq(cJSON_GetArraySize(parts), 1);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(parts, 0), "text")->valuestring,
	                 "second");
	cJSON *answer = cJSON_GetArrayItem(contents, 1);
	ck_assert_str_eq(cJSON_GetObjectItem(answer, "role")->valuestring, "model");
	/* Only the newest answer to a question is sent. */
	cJSON *answer_parts = cJSON_GetObjectItem(answer, "parts");
	ck_assert_int_eq(cJSON_GetArraySize(answer_parts), 1);
	ck_assert_str_eq(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(answer_parts, 0), "text")->valuestring, "hello");
	ck_assert_ptr_null(cJSON_GetObjectItem(root, "systemInstruction"));
	ck_assert_ptr_null(cJSON_GetObjectItem(root, "generationConfig"));
	cJSON_Delete(root);
	conv_free(c);
}
END_TEST

START_TEST(system_generation_config_and_images)
{
	struct conv *c = conv_new();
	struct msg *m = conv_add(c, ROLE_USER, "what is this?");
	struct image img = {.name = "a.png",
	                    .mime = "image/png",
	                    .size = 3,
	                    .data_uri = "data:image/png;base64,AAEC"};
	msg_add_image(m, &img);
	struct gemini_gen gen = {.system_prompt = "be brief",
	                         .has_temperature = true,
	                         .temperature = 0.5,
	                         .max_output_tokens = 256};
	cJSON *root = build(c, &gen);
	cJSON *si = cJSON_GetObjectItem(root, "systemInstruction");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(si, "parts"), 0), "text")
	        ->valuestring,
	    "be brief");
	cJSON *gc = cJSON_GetObjectItem(root, "generationConfig");
	ck_assert(cJSON_GetObjectItem(gc, "temperature")->valuedouble == 0.5);
	ck_assert_int_eq(cJSON_GetObjectItem(gc, "maxOutputTokens")->valueint, 256);
	cJSON *parts = cJSON_GetObjectItem(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(root, "contents"), 0), "parts");
	cJSON *inline_data = cJSON_GetObjectItem(cJSON_GetArrayItem(parts, 1), "inlineData");
	ck_assert_str_eq(cJSON_GetObjectItem(inline_data, "mimeType")->valuestring, "image/png");
	ck_assert_str_eq(cJSON_GetObjectItem(inline_data, "data")->valuestring, "AAEC");
	cJSON_Delete(root);
	conv_free(c);
}
END_TEST

START_TEST(nothing_to_send_is_an_error)
{
	struct conv *c = conv_new();
	char *cause = NULL;
	ck_assert_ptr_null(gemini_request_json(c, NULL, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "no question"));
	conv_add(c, ROLE_USER, "q");
	conv_add(c, ROLE_MODEL, "a");
	/* The last turn is the model's: nothing new to ask. */
	ck_assert_ptr_null(gemini_request_json(c, NULL, &cause));
	free(cause);
	conv_free(c);
}
END_TEST

START_TEST(models_merge_the_api_list)
{
	struct model_list list;
	models_init(&list);
	ck_assert_ptr_nonnull(models_find(&list, MODELS_DEFAULT));
	ck_assert_ptr_nonnull(models_find(&list, "gemini-2.5-flash-lite"));
	const char *page = "{\"models\":[{\"name\":\"models/gemini-new\",\"description\":"
	                   "\"New one\\nsecond line\",\"supportedGenerationMethods\":"
	                   "[\"generateContent\",\"countTokens\"]},{\"name\":\"models/embed\","
	                   "\"supportedGenerationMethods\":[\"embedContent\"]}],"
	                   "\"nextPageToken\":\"p2\"}";
	char *next = NULL, *cause = NULL;
	ck_assert_int_eq(models_merge_remote(&list, page, strlen(page), &next, &cause), 0);
	ck_assert_str_eq(next, "p2");
	const struct model_info *m = models_find(&list, "gemini-new");
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->description, "New one");
	ck_assert(m->remote);
	ck_assert_ptr_null(models_find(&list, "embed"));
	models_override(&list, "gemini-new", 7, 70, NULL);
	ck_assert_int_eq(models_find(&list, "gemini-new")->rpm, 7);
	free(next);
	/* Ids that are not plain are dropped; descriptions lose control characters. */
	const char *evil = "{\"models\":[{\"name\":\"models/evil\\u001b[2J\","
	                   "\"supportedGenerationMethods\":[\"generateContent\"]},"
	                   "{\"name\":\"models/ok-1\",\"description\":\"a\\u001b]0;T\\u0007b\","
	                   "\"supportedGenerationMethods\":[\"generateContent\"]}]}";
	size_t before = list.n;
	ck_assert_int_eq(models_merge_remote(&list, evil, strlen(evil), &next, &cause), 0);
	ck_assert_uint_eq(list.n, before + 1);
	ck_assert_ptr_null(strchr(models_find(&list, "ok-1")->description, 0x1b));
	ck_assert_ptr_null(strchr(models_find(&list, "ok-1")->description, 0x07));
	ck_assert(!model_id_ok("a b") && !model_id_ok("") && model_id_ok("gemini-3.5-flash"));
	ck_assert_int_eq(models_merge_remote(&list, "not json", 8, &next, &cause), -1);
	free(next);
	free(cause);
	models_release(&list);
}
END_TEST

/* The thinkingConfig of a one-question request for model with thinking set to t. */
static cJSON *thinking_of(const char *model, const char *t, cJSON **root)
{
	struct conv *c = conv_new();
	conv_add(c, ROLE_USER, "why?");
	struct gemini_gen gen = {.model = model, .thinking = t};
	*root = build(c, &gen);
	conv_free(c);
	return cJSON_GetObjectItem(cJSON_GetObjectItem(*root, "generationConfig"),
	                           "thinkingConfig");
}

START_TEST(thinking_maps_per_model_family)
{
	static const struct {
		const char *model, *thinking;
		bool include;
		const char *level; /* NULL: none sent */
		long budget;       /* LONG_MIN: none sent */
	} cases[] = {
	    {"gemini-3.5-flash", "auto", true, NULL, LONG_MIN},
	    {"gemini-3.5-flash", NULL, true, NULL, LONG_MIN},
	    {"gemini-3.5-flash", "high", true, "HIGH", LONG_MIN},
	    {"gemini-3.7-flash", "Low", true, "LOW", LONG_MIN},
	    {"gemini-3.5-flash", "off", false, "MINIMAL", LONG_MIN},
	    {"gemini-3.5-flash", "2048", true, NULL, 2048},
	    {"gemini-2.5-flash", "auto", true, NULL, -1},
	    {"gemini-2.5-flash", "off", false, NULL, 0},
	    {"gemini-2.5-pro", "medium", true, NULL, 8192},
	    {"gemini-2.5-flash", "300", true, NULL, 300},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		cJSON *root;
		cJSON *tc = thinking_of(cases[i].model, cases[i].thinking, &root);
		ck_assert_msg(tc != NULL, "case %zu", i);
		ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(tc, "includeThoughts")) ==
		                  cases[i].include,
		              "case %zu", i);
		cJSON *lv = cJSON_GetObjectItem(tc, "thinkingLevel");
		if (cases[i].level == NULL)
			ck_assert_msg(lv == NULL, "case %zu: level sent", i);
		else
			ck_assert_str_eq(lv->valuestring, cases[i].level);
		cJSON *bg = cJSON_GetObjectItem(tc, "thinkingBudget");
		if (cases[i].budget == LONG_MIN)
			ck_assert_msg(bg == NULL, "case %zu: budget sent", i);
		else
			ck_assert_int_eq((long)bg->valuedouble, cases[i].budget);
		cJSON_Delete(root);
	}
	struct gemini_thinking t;
	ck_assert_int_eq(gemini_thinking_parse("-1", &t), 0);
	ck_assert_int_eq(t.level, THINK_BUDGET);
	ck_assert_int_eq(gemini_thinking_parse("lots", &t), -1);
	ck_assert_int_eq(gemini_thinking_parse("-2", &t), -1);
	ck_assert_int_eq(gemini_thinking_parse("40000", &t), -1);
}
END_TEST

/* A data URI of n bytes of base64 in a message, of the given type. */
static void add_big_file(struct msg *m, const char *name, const char *mime, size_t n)
{
	char *head = xasprintf("data:%s;base64,", mime);
	size_t h = strlen(head);
	char *uri = xcalloc(1, h + n + 1);
	memcpy(uri, head, h);
	memset(uri + h, 'A', n);
	struct image img = {
	    .name = (char *)name, .mime = (char *)mime, .size = n / 4 * 3, .data_uri = uri};
	msg_add_image(m, &img);
	free(uri);
	free(head);
}

/* The same for a PNG image. */
static void add_big_image(struct msg *m, const char *name, size_t n)
{
	add_big_file(m, name, "image/png", n);
}

START_TEST(earlier_images_give_way_to_a_note_under_the_budget)
{
	struct conv *c = conv_new();
	const char *names[] = {"one.png", "two.png", "three.png"};
	for (size_t i = 0; i < 3; i++) {
		struct msg *q = conv_add(c, ROLE_USER, "look");
		add_big_image(q, names[i], 1000);
		conv_add(c, ROLE_MODEL, "seen");
	}
	conv_add(c, ROLE_USER, "and now?");
	struct gemini_gen gen = {.max_body_bytes = 2600};
	struct gemini_request_info info;
	char *cause = NULL;
	char *json = gemini_request_build(c, &gen, &info, &cause);
	ck_assert_msg(json != NULL, "%s", cause ? cause : "");
	ck_assert_uint_le(strlen(json), 2600);
	ck_assert_uint_eq(info.body_bytes, strlen(json));
	ck_assert_uint_eq(info.images_left_out, 2);
	/* The oldest went first; the newest is still sent whole. */
	ck_assert_ptr_nonnull(strstr(json, "[image one.png (image/png, 1 KiB) left out"));
	ck_assert_ptr_nonnull(strstr(json, "[image two.png"));
	ck_assert_ptr_null(strstr(json, "[image three.png"));
	ck_assert_uint_eq(strspn(strstr(json, "AAAA"), "A"), 1000);
	free(json);

	/* The question's own images are never left out: too big is an error. */
	struct msg *q = conv_add(c, ROLE_USER, NULL);
	add_big_image(q, "huge.png", 5000);
	ck_assert_ptr_null(gemini_request_build(c, &gen, &info, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "over the 2600 the API takes"));
	free(cause);
	conv_free(c);
}
END_TEST

START_TEST(a_note_names_what_kind_of_file_it_stands_for)
{
	struct conv *c = conv_new();
	struct msg *q = conv_add(c, ROLE_USER, "read these");
	add_big_file(q, "paper.pdf", "application/pdf", 1000);
	add_big_file(q, "talk.mp3", "audio/mp3", 1000);
	conv_add(c, ROLE_MODEL, "read");
	conv_add(c, ROLE_USER, "and now?");
	struct gemini_gen gen = {.max_body_bytes = 1000};
	struct gemini_request_info info;
	char *cause = NULL;
	char *json = gemini_request_build(c, &gen, &info, &cause);
	ck_assert_msg(json != NULL, "%s", cause ? cause : "");
	ck_assert_ptr_nonnull(strstr(json, "[PDF paper.pdf (application/pdf, 1 KiB) left out"));
	ck_assert_ptr_nonnull(strstr(json, "[audio file talk.mp3 (audio/mp3, 1 KiB) left out"));
	/* Two kinds: the notice counts attachments. */
	char *notice = gemini_left_out_notice(&info, false);
	ck_assert_str_eq(notice, "2 earlier attachments are left out of this request (a note "
	                         "stands in its place): with them the request would pass the "
	                         "API's 20 MB limit");
	free(notice);
	gemini_request_info_release(&info);
	free(json);
	conv_free(c);

	/* One kind: named, and the Files API's failure said. */
	c = conv_new();
	q = conv_add(c, ROLE_USER, "read this");
	add_big_file(q, "paper.pdf", "application/pdf", 1000);
	conv_add(c, ROLE_MODEL, "read");
	conv_add(c, ROLE_USER, "and now?");
	json = gemini_request_build(c, &gen, &info, &cause);
	ck_assert_ptr_nonnull(json);
	notice = gemini_left_out_notice(&info, true);
	ck_assert_str_eq(notice, "1 earlier PDF is left out of this request (a note stands in "
	                         "its place): with it the request would pass the API's 20 MB "
	                         "limit, and the Files API failed");
	free(notice);
	gemini_request_info_release(&info);
	free(json);

	/* Nothing left out: no notice. */
	gen.max_body_bytes = 0;
	json = gemini_request_build(c, &gen, &info, &cause);
	ck_assert_ptr_null(gemini_left_out_notice(&info, false));
	gemini_request_info_release(&info);
	free(json);
	conv_free(c);
}
END_TEST

START_TEST(images_over_the_budget_go_by_the_files_api)
{
	struct conv *c = conv_new();
	const char *names[] = {"one.png", "two.png"};
	for (size_t i = 0; i < 2; i++) {
		struct msg *q = conv_add(c, ROLE_USER, "look");
		add_big_image(q, names[i], 1000);
		conv_add(c, ROLE_MODEL, "seen");
	}
	struct msg *q = conv_add(c, ROLE_USER, "and this?");
	add_big_image(q, "three.png", 1000);
	struct gemini_gen gen = {.max_body_bytes = 2600, .files = true, .now_ms = 1000000};
	struct gemini_request_info info;
	char *cause = NULL;
	char *json = gemini_request_build(c, &gen, &info, &cause);
	ck_assert_msg(json != NULL, "%s", cause ? cause : "");
	/* The oldest must go by file first: listed, a note until it is there. */
	ck_assert_uint_eq(info.nupload, 1);
	ck_assert_str_eq(info.upload[0]->name, "one.png");
	ck_assert_uint_eq(info.images_left_out, 1); /* the note stands in until it is uploaded */
	gemini_request_info_release(&info);
	free(json);

	/* Uploaded: named by fileData, never inline again, even with room to spare. */
	struct image *one = &c->msgs[0]->images[0];
	one->file_uri = xstrdup("https://api.test/v1beta/files/one");
	one->file_expires_ms = 1000000 + 3600000;
	gen.max_body_bytes = 0;
	json = gemini_request_build(c, &gen, &info, &cause);
	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_nonnull(strstr(json, "{\"fileData\":{\"mimeType\":\"image/png\","
	                                   "\"fileUri\":\"https://api.test/v1beta/files/one\"}}"));
	ck_assert_uint_eq(info.images_by_file, 1);
	ck_assert_uint_eq(info.nupload, 1); /* to be looked up before it is named */
	gemini_request_info_release(&info);
	free(json);

	/* About to expire: uploaded again (the margin), unless it was just looked up. */
	gen.file_margin_ms = 2 * 3600000;
	json = gemini_request_build(c, &gen, &info, &cause);
	ck_assert_ptr_null(strstr(json, "fileData"));
	ck_assert_uint_eq(info.nupload, 0); /* it fits inline now */
	gemini_request_info_release(&info);
	free(json);
	gen.file_margin_ms = 0;

	/* The Files API failed: no fileData, earlier images give way to a note saying so,
	 * and the question's own images cannot go at all. */
	gen.max_body_bytes = 2600;
	gen.files_error = "cannot connect to api.test";
	json = gemini_request_build(c, &gen, &info, &cause);
	ck_assert_msg(json != NULL, "%s", cause ? cause : "");
	ck_assert_ptr_null(strstr(json, "fileData"));
	ck_assert_ptr_nonnull(strstr(json,
	                             "[image one.png (image/png, 1 KiB) left out of this "
	                             "request: with it the request would pass the API's 20 MB "
	                             "limit, and the Files API, which would have taken it, "
	                             "failed: cannot connect to api.test]"));
	ck_assert_uint_eq(info.nupload, 0);
	gemini_request_info_release(&info);
	free(json);
	add_big_image(q, "four.png", 1000);
	ck_assert_ptr_null(gemini_request_build(c, &gen, &info, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "and the Files API failed: cannot connect"));
	free(cause);
	cause = NULL;

	/* With it, the question's own images may go by file too. */
	gen.files_error = NULL;
	json = gemini_request_build(c, &gen, &info, &cause);
	ck_assert_msg(json != NULL, "%s", cause ? cause : "");
	ck_assert_uint_ge(info.nupload, 2);
	gemini_request_info_release(&info);
	free(json);
	conv_free(c);
}
END_TEST

static Suite *request_suite(void)
{
	Suite *s = suite_create("gemini_request");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, turns_roles_and_merging);
	tcase_add_test(tc, system_generation_config_and_images);
	tcase_add_test(tc, nothing_to_send_is_an_error);
	tcase_add_test(tc, models_merge_the_api_list);
	tcase_add_test(tc, thinking_maps_per_model_family);
	tcase_add_test(tc, earlier_images_give_way_to_a_note_under_the_budget);
	tcase_add_test(tc, images_over_the_budget_go_by_the_files_api);
	tcase_add_test(tc, a_note_names_what_kind_of_file_it_stands_for);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(request_suite)
