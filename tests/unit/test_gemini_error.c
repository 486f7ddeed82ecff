/*
 * Unit tests for Gemini error bodies: the recorded RPC errors, HTML and
 * empty bodies, a 429 with RetryInfo and quotas, Duration strings, the
 * line shown to the user and the retry decision.
 */
#include "jarvis/gemini_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/util.h"
#include "unit.h"

#define FIXTURES "tests/fixtures/gemini"

static void parse_file(long status, const char *rel, struct gemini_error *e)
{
	char *path = xasprintf("%s/%s", FIXTURES, rel);
	size_t n;
	char *body = unit_slurp(path, &n);
	ck_assert_int_eq(gemini_error_parse(status, body, n, e), 0);
	free(body);
	free(path);
}

static void parse_str(long status, const char *body, struct gemini_error *e)
{
	ck_assert_int_eq(gemini_error_parse(status, body, strlen(body), e), 0);
}

static void assert_describe(const struct gemini_error *e, const char *model, const char *want)
{
	char *line = gemini_error_describe(e, model);
	ck_assert_str_eq(line, want);
	free(line);
}

START_TEST(bad_api_key)
{
	struct gemini_error e;
	parse_file(400, "googleai/unary-failure-api-key.json", &e);
	ck_assert(e.rpc);
	ck_assert_int_eq(e.http_status, 400);
	ck_assert_int_eq(e.code, 400);
	ck_assert_str_eq(e.status, "INVALID_ARGUMENT");
	ck_assert_str_eq(e.reason, "API_KEY_INVALID");
	ck_assert_int_eq(e.retry_delay_ms, -1);
	ck_assert(!gemini_error_retryable(&e));
	assert_describe(&e, "gemini-2.5-flash",
	                "gemini: 400 INVALID_ARGUMENT: API key not valid. Please pass a valid API "
	                "key.");
	gemini_error_release(&e);
	/* The same error served on the streaming endpoint. */
	parse_file(400, "vertexai/streaming-failure-api-key.txt", &e);
	ck_assert_str_eq(e.reason, "API_KEY_INVALID");
	gemini_error_release(&e);
}
END_TEST

START_TEST(api_not_enabled_and_location)
{
	struct gemini_error e;
	parse_file(403, "googleai/unary-failure-generativelanguage-api-not-enabled.json", &e);
	ck_assert_str_eq(e.status, "PERMISSION_DENIED");
	ck_assert_str_eq(e.reason, "SERVICE_DISABLED");
	ck_assert(!gemini_error_retryable(&e));
	gemini_error_release(&e);
	parse_file(400, "vertexai/unary-failure-unsupported-user-location.json", &e);
	assert_describe(&e, NULL,
	                "gemini: 400 FAILED_PRECONDITION: User location is not supported for the "
	                "API use.");
	gemini_error_release(&e);
	parse_file(400, "googleai/streaming-failure-image-rejected.txt", &e);
	assert_describe(&e, NULL,
	                "gemini: 400 INVALID_ARGUMENT: Request contains an invalid argument.");
	gemini_error_release(&e);
}
END_TEST

START_TEST(unknown_model_points_at_the_model_list)
{
	struct gemini_error e;
	parse_file(404, "googleai/unary-failure-unknown-model.json", &e);
	ck_assert_int_eq(e.code, 404);
	ck_assert_str_eq(e.status, "NOT_FOUND");
	ck_assert(!gemini_error_retryable(&e));
	assert_describe(&e, "gemini-5.0-flash",
	                "gemini: model \"gemini-5.0-flash\" was not found (404 NOT_FOUND: "
	                "models/gemini-5.0-flash is not found for API version v1, or is not "
	                "supported for generateContent. Call ListModels to see the list of "
	                "available models and their supported methods.); see jarvis --list-models "
	                "or press F2");
	gemini_error_release(&e);
	parse_file(404, "vertexai/streaming-failure-unknown-model.txt", &e);
	ck_assert_str_eq(e.status, "NOT_FOUND");
	gemini_error_release(&e);
}
END_TEST

START_TEST(old_style_quota_error_is_retryable)
{
	struct gemini_error e;
	parse_file(429, "vertexai/unary-failure-quota-exceeded.json", &e);
	ck_assert_str_eq(e.status, "RESOURCE_EXHAUSTED");
	ck_assert_str_eq(e.reason, "RATE_LIMIT_EXCEEDED");
	ck_assert_int_eq(e.retry_delay_ms, -1);
	ck_assert(!e.per_day);
	ck_assert(gemini_error_retryable(&e));
	gemini_error_release(&e);
}
END_TEST

static const char quota_429[] =
    "{\n  \"error\": {\n    \"code\": 429,\n    \"message\": \"You exceeded your current quota, "
    "please check your plan and billing details.\",\n    \"status\": \"RESOURCE_EXHAUSTED\",\n"
    "    \"details\": [\n      {\"@type\": \"type.googleapis.com/google.rpc.QuotaFailure\",\n"
    "       \"violations\": [{\"quotaMetric\": "
    "\"generativelanguage.googleapis.com/generate_content_free_tier_input_token_count\",\n"
    "         \"quotaId\": \"%s\",\n"
    "         \"quotaDimensions\": {\"location\": \"global\", \"model\": \"gemini-2.5-flash\"},\n"
    "         \"quotaValue\": \"250000\"}]},\n"
    "      {\"@type\": \"type.googleapis.com/google.rpc.Help\", \"links\": []},\n"
    "      {\"@type\": \"type.googleapis.com/google.rpc.RetryInfo\", \"retryDelay\": \"%s\"}\n"
    "    ]\n  }\n}\n";

START_TEST(rate_limit_with_retry_info)
{
	const struct {
		const char *delay;
		long long ms;
	} cases[] = {{"26s", 26000}, {"900ms", 900}, {"34.074824224s", 34075}};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *body =
		    xasprintf(quota_429, "GenerateContentInputTokensPerModelPerMinute-FreeTier",
		              cases[i].delay);
		struct gemini_error e;
		parse_str(429, body, &e);
		ck_assert_int_eq(e.retry_delay_ms, cases[i].ms);
		ck_assert_str_eq(e.quota_id,
		                 "GenerateContentInputTokensPerModelPerMinute-FreeTier");
		ck_assert(!e.per_day);
		ck_assert(gemini_error_retryable(&e));
		assert_describe(&e, "gemini-2.5-flash",
		                "gemini: 429 RESOURCE_EXHAUSTED: You exceeded your current quota, "
		                "please check your plan and billing details.");
		gemini_error_release(&e);
		free(body);
	}
}
END_TEST

START_TEST(daily_quota_is_not_retried)
{
	char *body =
	    xasprintf(quota_429, "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "20s");
	struct gemini_error e;
	parse_str(429, body, &e);
	ck_assert(e.per_day);
	ck_assert_str_eq(e.quota_id, "GenerateRequestsPerDayPerProjectPerModel-FreeTier");
	ck_assert_int_eq(e.retry_delay_ms, 20000);
	ck_assert(!gemini_error_retryable(&e));
	assert_describe(&e, NULL,
	                "gemini: 429 RESOURCE_EXHAUSTED: You exceeded your current quota, please "
	                "check your plan and billing details; the daily quota is used up: try "
	                "again tomorrow or pick another model (F2)");
	gemini_error_release(&e);
	free(body);
}
END_TEST

/*
 * Only a failure a gone file explains sends the files up again: the API's
 * 403 for a named file, not an unknown model's 404, a disabled API's 403
 * (its reason says so) or a web server's 404 page.
 */
START_TEST(only_a_file_failure_may_be_a_file)
{
	struct gemini_error e;
	parse_str(403,
	          "{\"error\": {\"code\": 403, \"status\": \"PERMISSION_DENIED\", \"message\": "
	          "\"You do not have permission to access the File abc123 or it may not exist.\"}}",
	          &e);
	ck_assert(gemini_error_may_be_a_file(&e));
	gemini_error_release(&e);
	parse_file(404, "googleai/unary-failure-unknown-model.json", &e);
	ck_assert(!gemini_error_may_be_a_file(&e));
	gemini_error_release(&e);
	parse_file(403, "googleai/unary-failure-generativelanguage-api-not-enabled.json", &e);
	ck_assert(!gemini_error_may_be_a_file(&e));
	gemini_error_release(&e);
	parse_file(404, "vertexai/unary-failure-invalid-location-url-not-found.html", &e);
	ck_assert(!gemini_error_may_be_a_file(&e));
	gemini_error_release(&e);
	parse_file(400, "googleai/unary-failure-api-key.json", &e);
	ck_assert(!gemini_error_may_be_a_file(&e));
	gemini_error_release(&e);
}
END_TEST

START_TEST(html_page_gives_its_title)
{
	struct gemini_error e;
	parse_file(404, "vertexai/unary-failure-invalid-location-url-not-found.html", &e);
	ck_assert(!e.rpc);
	ck_assert_str_eq(e.message, "Error 404 (Not Found)!!1");
	/* Not the API's JSON: the base URL is the likely cause, and where to set it is named. */
	assert_describe(&e, "gemini-2.5-flash",
	                "gemini: HTTP 404: Error 404 (Not Found)!!1; check the base URL ([gemini] "
	                "base_url or GEMINI_BASE_URL): it is the API's root, like "
	                "https://generativelanguage.googleapis.com");
	gemini_error_release(&e);
	parse_str(502, "<html><body><h1>502\r\nBad   Gateway</h1>\n<p>nginx</p></body></html>", &e);
	assert_describe(&e, NULL, "gemini: HTTP 502: 502 Bad Gateway nginx");
	ck_assert(gemini_error_retryable(&e));
	gemini_error_release(&e);
}
END_TEST

START_TEST(empty_and_plain_bodies)
{
	struct gemini_error e;
	parse_str(503, "", &e);
	ck_assert(!e.rpc);
	ck_assert_ptr_null(e.message);
	assert_describe(&e, NULL, "gemini: HTTP 503 with an empty body");
	ck_assert(gemini_error_retryable(&e));
	gemini_error_release(&e);
	ck_assert_int_eq(gemini_error_parse(500, NULL, 0, &e), 0);
	assert_describe(&e, NULL, "gemini: HTTP 500 with an empty body");
	gemini_error_release(&e);
	parse_str(500, "  \n\tupstream connect error\x1b[31m or\n disconnect\n", &e);
	assert_describe(&e, NULL, "gemini: HTTP 500: upstream connect error [31m or disconnect");
	gemini_error_release(&e);
	/* JSON, but not an RPC error: shown as text. */
	parse_str(400, "{\"foo\": 1}", &e);
	ck_assert(!e.rpc);
	assert_describe(&e, NULL, "gemini: HTTP 400: {\"foo\": 1}");
	gemini_error_release(&e);
	/* An RPC error whose message has line breaks stays one line. */
	parse_str(429,
	          "{\"error\":{\"code\":429,\"message\":\"* Quota exceeded\\nPlease retry in "
	          "20.2s.\",\"status\":\"RESOURCE_EXHAUSTED\"}}",
	          &e);
	assert_describe(&e, NULL,
	                "gemini: 429 RESOURCE_EXHAUSTED: * Quota exceeded Please retry in 20.2s.");
	ck_assert_int_eq(e.retry_delay_ms, -1);
	gemini_error_release(&e);
}
END_TEST

START_TEST(long_text_is_cut_on_a_character_boundary)
{
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 150; i++)
		buf_addstr(&b, "é");
	struct gemini_error e;
	parse_str(500, b.data, &e);
	/* 200 bytes is 100 two-byte characters, then the ellipsis. */
	ck_assert_uint_eq(strlen(e.message), 203);
	ck_assert(strncmp(e.message, b.data, 200) == 0);
	ck_assert_str_eq(e.message + 200, "...");
	gemini_error_release(&e);
	buf_release(&b);
}
END_TEST

START_TEST(error_json_inside_stray_text)
{
	struct gemini_error e;
	parse_str(200,
	          "\n{\n  \"error\": {\n    \"code\": 499,\n    \"message\": \"The operation was "
	          "cancelled.\",\n    \"status\": \"CANCELLED\"\n  }\n}\n\n",
	          &e);
	ck_assert(e.rpc);
	ck_assert_int_eq(e.code, 499);
	ck_assert(gemini_error_retryable(&e));
	assert_describe(&e, NULL, "gemini: 499 CANCELLED: The operation was cancelled.");
	gemini_error_release(&e);
	parse_str(200, "garbage {\"error\":{\"status\":\"UNAVAILABLE\"}} more", &e);
	ck_assert(e.rpc);
	ck_assert(gemini_error_retryable(&e));
	assert_describe(&e, NULL, "gemini: UNAVAILABLE");
	gemini_error_release(&e);
	/* The array form of the non-SSE stream. */
	parse_str(
	    400, "[{\"error\":{\"code\":400,\"message\":\"bad\",\"status\":\"INVALID_ARGUMENT\"}}]",
	    &e);
	assert_describe(&e, NULL, "gemini: 400 INVALID_ARGUMENT: bad");
	gemini_error_release(&e);
}
END_TEST

START_TEST(retry_decisions_by_status)
{
	const struct {
		long status;
		bool retry;
	} cases[] = {{400, false}, {401, false}, {403, false}, {404, false},
	             {408, true},  {429, true},  {499, true},  {500, true},
	             {501, false}, {502, true},  {503, true},  {504, true}};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct gemini_error e;
		parse_str(cases[i].status, "", &e);
		ck_assert_msg(gemini_error_retryable(&e) == cases[i].retry, "status %ld",
		              cases[i].status);
		gemini_error_release(&e);
	}
	gemini_error_release(NULL);
}
END_TEST

START_TEST(durations_parse_exactly)
{
	const struct {
		const char *s;
		long long ms;
	} cases[] = {
	    {"26s", 26000},
	    {"0s", 0},
	    {"1.5s", 1500},
	    {"0.0001s", 1},
	    {"1.000000001s", 1001},
	    {"1.0000000001s", 1001},
	    {"1.0000000000s", 1000},
	    {"34.074824224s", 34075},
	    {"900ms", 900},
	    {"1.5ms", 2},
	    {"12", -1},
	    {"-1s", -1},
	    {"s", -1},
	    {"1.s", -1},
	    {"", -1},
	    {"3m", -1},
	    {"1s ", -1},
	    {"99999999999999999999s", -1},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		ck_assert_msg(gemini_duration_ms(cases[i].s) == cases[i].ms, "\"%s\": %lld",
		              cases[i].s, gemini_duration_ms(cases[i].s));
	ck_assert_int_eq(gemini_duration_ms(NULL), -1);
}
END_TEST

static Suite *gemini_error_suite(void)
{
	Suite *s = suite_create("gemini_error");
	TCase *tc = tcase_create("bodies");
	tcase_add_test(tc, bad_api_key);
	tcase_add_test(tc, api_not_enabled_and_location);
	tcase_add_test(tc, unknown_model_points_at_the_model_list);
	tcase_add_test(tc, old_style_quota_error_is_retryable);
	tcase_add_test(tc, rate_limit_with_retry_info);
	tcase_add_test(tc, daily_quota_is_not_retried);
	tcase_add_test(tc, html_page_gives_its_title);
	tcase_add_test(tc, empty_and_plain_bodies);
	tcase_add_test(tc, long_text_is_cut_on_a_character_boundary);
	tcase_add_test(tc, error_json_inside_stray_text);
	tcase_add_test(tc, retry_decisions_by_status);
	tcase_add_test(tc, durations_parse_exactly);
	tcase_add_test(tc, only_a_file_failure_may_be_a_file);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(gemini_error_suite)
