/*
 * gemini_error.c: reads a failed Gemini response body into struct
 * gemini_error (see gemini_error.h). The API answers errors with a Google
 * RPC object ({"error": {code, message, status, details[]}}) whatever the
 * Content-Type says, but proxies and wrong URLs answer with HTML or plain
 * text, so parsing never fails: what is not RPC JSON becomes a short,
 * control-free excerpt. It must not talk to the network or the terminal.
 */
#include "jarvis/gemini_error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "jarvis/buf.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

/* The longest excerpt of a non-JSON body that is shown. */
#define EXCERPT_MAX 200
/* How much of a non-JSON body is searched for a <title>. */
#define SCAN_MAX (64 * 1024)

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool type_is(const cJSON *detail, const char *kind)
{
	const char *t = json_str(detail, "@type");
	if (t == NULL)
		return false;
	size_t tl = strlen(t), kl = strlen(kind);
	return tl >= kl && strcmp(t + tl - kl, kind) == 0;
}

long long gemini_duration_ms(const char *s)
{
	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	const char *p = s;
	unsigned long long secs = 0;
	while (isdigit((unsigned char)*p)) {
		if (secs > 1000000000000ULL)
			return -1;
		secs = secs * 10 + (unsigned)(*p++ - '0');
	}
	/* The fraction is kept in nanoseconds; finer digits only matter for rounding up. */
	unsigned long long frac_ns = 0;
	int digits = 0;
	bool finer = false;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			if (digits < 9) {
				frac_ns = frac_ns * 10 + (unsigned)(*p - '0');
				digits++;
			} else if (*p != '0') {
				finer = true;
			}
			p++;
		}
		for (; digits < 9; digits++)
			frac_ns *= 10;
	}
	if (strcmp(p, "s") == 0) {
		bool part = frac_ns % 1000000 != 0 || finer;
		return (long long)(secs * 1000 + frac_ns / 1000000 + (part ? 1 : 0));
	}
	if (strcmp(p, "ms") == 0)
		return (long long)(secs + ((frac_ns != 0 || finer) ? 1 : 0));
	return -1;
}

/* RetryInfo.retryDelay as JSON: a Duration string, or {seconds, nanos} from some proxies. */
static long long retry_delay(const cJSON *d)
{
	if (cJSON_IsString(d))
		return gemini_duration_ms(d->valuestring);
	if (!cJSON_IsObject(d))
		return -1;
	const cJSON *sec = cJSON_GetObjectItemCaseSensitive(d, "seconds");
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(d, "nanos");
	double s = cJSON_IsNumber(sec)   ? sec->valuedouble
	           : cJSON_IsString(sec) ? strtod(sec->valuestring, NULL)
	                                 : 0;
	double n = cJSON_IsNumber(ns) ? ns->valuedouble : 0;
	if (s < 0 || n < 0 || s > 1e12)
		return -1;
	return (long long)(s * 1000) + (long long)((n + 999999) / 1000000);
}

static bool quota_is_daily(const char *id)
{
	return strstr(id, "PerDay") != NULL || strstr(id, "Daily") != NULL;
}

static void error_details(struct gemini_error *e, const cJSON *details)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, details)
	{
		if (type_is(d, "google.rpc.RetryInfo")) {
			long long ms =
			    retry_delay(cJSON_GetObjectItemCaseSensitive(d, "retryDelay"));
			if (ms >= 0)
				e->retry_delay_ms = ms;
		} else if (type_is(d, "google.rpc.QuotaFailure")) {
			const cJSON *v;
			cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(d, "violations"))
			{
				const char *id = json_str(v, "quotaId");
				if (id == NULL)
					continue;
				bool daily = quota_is_daily(id);
				/* The daily violation names the quota that decides what to do. */
				if (e->quota_id == NULL || (daily && !e->per_day)) {
					free(e->quota_id);
					e->quota_id = xstrdup(id);
				}
				e->per_day = e->per_day || daily;
			}
		} else if (type_is(d, "google.rpc.ErrorInfo")) {
			const char *r = json_str(d, "reason");
			if (r != NULL && e->reason == NULL)
				e->reason = xstrdup(r);
		}
	}
}

/* Fills e from a parsed body when it is an RPC error; false otherwise. */
static bool error_from_json(struct gemini_error *e, const cJSON *root)
{
	/* The non-SSE streaming endpoint wraps every response in an array. */
	if (cJSON_IsArray(root))
		root = cJSON_GetArrayItem(root, 0);
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (cJSON_IsString(err)) {
		/* Some proxies answer {"error": "text"}. */
		e->message = xstrdup(err->valuestring);
		e->rpc = true;
		return true;
	}
	if (!cJSON_IsObject(err))
		return false;
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(err, "code");
	if (cJSON_IsNumber(code) && code->valuedouble > 0 && code->valuedouble < 1000)
		e->code = (long)code->valuedouble;
	const char *s = json_str(err, "status");
	if (s != NULL && *s != '\0')
		e->status = xstrdup(s);
	s = json_str(err, "message");
	if (s != NULL && *s != '\0')
		e->message = xstrdup(s);
	error_details(e, cJSON_GetObjectItemCaseSensitive(err, "details"));
	e->rpc = true;
	return true;
}

static bool try_json(struct gemini_error *e, const char *p, size_t n)
{
	cJSON *root = cJSON_ParseWithLength(p, n);
	if (root == NULL)
		return false;
	bool ok = error_from_json(e, root);
	cJSON_Delete(root);
	return ok;
}

static const char *find_nocase(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(p + i, needle, k) == 0)
			return p + i;
	return NULL;
}

/*
 * Appends text with every run of whitespace and control bytes made one
 * space, so nothing from the network can move the cursor or ring a bell.
 */
static void excerpt_add(struct buf *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n && b->len < EXCERPT_MAX + 8; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7f || c == ' ') {
			if (b->len > 0 && b->data[b->len - 1] != ' ')
				buf_add(b, " ", 1);
			continue;
		}
		buf_add(b, &p[i], 1);
	}
}

/* Trims, cuts at EXCERPT_MAX on a UTF-8 boundary, and returns it or NULL if empty. */
static char *excerpt_finish(struct buf *b)
{
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->len--;
	if (b->len > EXCERPT_MAX) {
		size_t cut = EXCERPT_MAX;
		while (cut > 0 && ((unsigned char)b->data[cut] & 0xC0) == 0x80)
			cut--;
		b->len = cut;
		buf_add(b, "...", 3);
	}
	if (b->len == 0) {
		buf_release(b);
		return NULL;
	}
	b->data[b->len] = '\0';
	return buf_steal(b);
}

static char *body_excerpt(const char *p, size_t n)
{
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	size_t scan = n < SCAN_MAX ? n : SCAN_MAX;
	const char *t = find_nocase(p, scan, "<title");
	if (t != NULL) {
		const char *gt = memchr(t, '>', (size_t)(p + scan - t));
		const char *close = gt ? find_nocase(gt, (size_t)(p + scan - gt), "</title") : NULL;
		if (close != NULL) {
			excerpt_add(&b, gt + 1, (size_t)(close - gt - 1));
			if (b.len > 0 && !(b.len == 1 && b.data[0] == ' '))
				return excerpt_finish(&b);
			buf_reset(&b);
		}
	}
	bool html = false;
	for (size_t i = 0; i < scan; i++)
		if (!isspace((unsigned char)p[i])) {
			html = p[i] == '<';
			break;
		}
	if (!html) {
		excerpt_add(&b, p, scan);
		return excerpt_finish(&b);
	}
	/* HTML without a title: the text between the tags. */
	size_t i = 0;
	while (i < scan && b.len < EXCERPT_MAX + 8) {
		if (p[i] == '<') {
			const char *gt = memchr(p + i, '>', scan - i);
			if (gt == NULL)
				break;
			i = (size_t)(gt - p) + 1;
			excerpt_add(&b, " ", 1);
			continue;
		}
		const char *lt = memchr(p + i, '<', scan - i);
		size_t run = lt ? (size_t)(lt - p) - i : scan - i;
		excerpt_add(&b, p + i, run);
		i += run;
	}
	if (b.len > 0 && b.data[0] == ' ')
		buf_consume(&b, 1);
	return excerpt_finish(&b);
}

int gemini_error_parse(long http_status, const char *body, size_t len, struct gemini_error *out)
{
	memset(out, 0, sizeof *out);
	out->http_status = http_status;
	out->retry_delay_ms = -1;
	if (body == NULL || len == 0)
		return 0;
	if (try_json(out, body, len))
		return 0;
	/* An error object with text around it (stray stream text): try its braces. */
	const char *open = memchr(body, '{', len);
	const char *close = NULL;
	for (const char *q = body + len; q > body; q--)
		if (q[-1] == '}') {
			close = q;
			break;
		}
	if (open != NULL && close != NULL && close > open &&
	    try_json(out, open, (size_t)(close - open)))
		return 0;
	out->message = body_excerpt(body, len);
	return 0;
}

void gemini_error_release(struct gemini_error *e)
{
	if (e == NULL)
		return;
	free(e->status);
	free(e->message);
	free(e->reason);
	free(e->quota_id);
	e->status = e->message = e->reason = e->quota_id = NULL;
}

/* The status that counts: the HTTP one, or the body's code mid-stream (HTTP 200). */
static long error_number(const struct gemini_error *e)
{
	if (e->http_status >= 400 || e->code == 0)
		return e->http_status;
	return e->code;
}

static char *flatten(const char *s)
{
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	buf_addstr(&b, "");
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f) {
			if (b.len > 0 && b.data[b.len - 1] != ' ')
				buf_add(&b, " ", 1);
			continue;
		}
		buf_add(&b, p, 1);
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	return buf_steal(&b);
}

static char *describe(const struct gemini_error *e, const char *model)
{
	long num = error_number(e);
	if (!e->rpc) {
		if (e->message == NULL)
			return xasprintf("gemini: HTTP %ld with an empty body", num);
		if (num >= 200 && num < 300)
			return xasprintf("gemini: the server sent something that is not a Gemini "
			                 "reply: %s",
			                 e->message);
		/* Not Google's JSON: most often a base URL that is not the API's root. */
		if (num == 404)
			return xasprintf(
			    "gemini: HTTP 404: %s; check the base URL ([gemini] base_url "
			    "or GEMINI_BASE_URL): it is the API's root, like "
			    "https://generativelanguage.googleapis.com",
			    e->message);
		return xasprintf("gemini: HTTP %ld: %s", num, e->message);
	}
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	/* A mid-stream error came with HTTP 200: that number says nothing. */
	if (num != 0 && (num < 200 || num >= 300))
		buf_addf(&b, "%ld", num);
	if (e->status != NULL)
		buf_addf(&b, "%s%s", b.len ? " " : "", e->status);
	if (e->message != NULL) {
		char *m = flatten(e->message);
		buf_addf(&b, "%s%s", b.len ? ": " : "", m);
		free(m);
	}
	if (b.len == 0)
		buf_addstr(&b, "an error without details");
	char *what = buf_steal(&b);
	char *line;
	if (num == 404 && model != NULL)
		line =
		    xasprintf("gemini: model \"%s\" was not found (%s); see jarvis --list-models "
		              "or press F2",
		              model, what);
	else if (e->per_day) {
		/* "… billing details." and "; the daily quota": the sentence's own stop goes. */
		size_t wn = strlen(what);
		while (wn > 0 && (what[wn - 1] == '.' || what[wn - 1] == ' '))
			wn--;
		line = xasprintf("gemini: %.*s; the daily quota is used up: try again tomorrow or "
		                 "pick another model (F2)",
		                 (int)wn, what);
	} else
		line = xasprintf("gemini: %s", what);
	free(what);
	return line;
}

/* Every part of the line came from the network: no escape sequence may reach a terminal. */
char *gemini_error_describe(const struct gemini_error *e, const char *model)
{
	char *raw = describe(e, model);
	char *line = utf8_neutralize_for_terminal(raw, strlen(raw));
	free(raw);
	return line;
}

bool gemini_error_may_be_a_file(const struct gemini_error *e)
{
	long num = error_number(e);
	return e->rpc && (num == 403 || num == 404) && e->reason == NULL &&
	       (e->message == NULL || strstr(e->message, "models/") == NULL);
}

/*
 * Retry what is transient: 429 unless the daily quota is gone (gemini-cli
 * treats PerDay/Daily quota ids as terminal), 408 and 5xx overload/internal
 * errors (what js-genai and python-genai retry), and 499 CANCELLED, which
 * Google sends when it abandons a stream itself (our own cancel never
 * produces a body), so gemini-cli retries it too. 400/403/404 never change
 * by waiting.
 */
bool gemini_error_retryable(const struct gemini_error *e)
{
	long num = error_number(e);
	switch (num) {
	case 408:
	case 499:
	case 500:
	case 502:
	case 503:
	case 504:
		return true;
	case 429:
		return !e->per_day;
	case 0:
	case 200:
		break;
	default:
		return false;
	}
	/* A mid-stream error without a code: go by its status name. */
	const char *s = e->status ? e->status : "";
	if (strcmp(s, "RESOURCE_EXHAUSTED") == 0)
		return !e->per_day;
	return strcmp(s, "UNAVAILABLE") == 0 || strcmp(s, "INTERNAL") == 0 ||
	       strcmp(s, "DEADLINE_EXCEEDED") == 0 || strcmp(s, "CANCELLED") == 0;
}
