/*
 * files.c: one file through the Gemini Files API (see gemini_files.h):
 * the resumable upload, then looking the file up until it is ACTIVE. One
 * HTTP request at a time on the loop; the chunk in flight is the only copy
 * of the bytes libcurl holds. The API key goes only to the base URL's
 * host: a session URL elsewhere is pre-authorised and gets none.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jarvis/buf.h"
#include "jarvis/gemini_error.h"
#include "jarvis/gemini_files.h"
#include "jarvis/http.h"
#include "jarvis/loop.h"
#include "jarvis/util.h"

#define ANSWER_MAX ((size_t)1 << 20)
#define POLL_MS 250
#define PROCESSING_MAX_MS 120000LL

enum step { STEP_START, STEP_CHUNK, STEP_LOOKUP };

struct gemini_upload {
	struct loop *loop;
	char *base_url;
	char *key_header;
	long connect_timeout_ms, stall_timeout_ms;
	struct gemini_upload_events ev;
	void *ud;
	char *display_name, *mime;
	unsigned char *data;
	size_t len;
	char *session_url;
	size_t offset;    /* bytes the API has */
	size_t chunk_len; /* bytes of the chunk on its way */
	enum step step;
	bool check_only; /* gemini_file_check: a 403 or 404 means "missing" */
	struct http_call *http;
	unsigned timer;
	long status;
	struct buf answer;
	char *name, *uri;
	long long expires_ms;
	long long lookup_deadline_ms;
};

static void upload_free(struct gemini_upload *u)
{
	if (u->timer != 0)
		loop_timer_cancel(u->loop, u->timer);
	free(u->base_url);
	secret_free(u->key_header);
	free(u->display_name);
	free(u->mime);
	free(u->data);
	free(u->session_url);
	buf_release(&u->answer);
	free(u->name);
	free(u->uri);
	free(u);
}

static void finish(struct gemini_upload *u, const char *error)
{
	struct gemini_file f = {u->name, u->uri, u->expires_ms};
	u->ev.on_done(u->ud, error == NULL ? &f : NULL, error);
	upload_free(u);
}

/* "Files API: " and what failed. */
static void fail(struct gemini_upload *u, const char *detail)
{
	char *line = xasprintf("Files API: %s", detail);
	finish(u, line);
	free(line);
}

/* ---- HTTP -------------------------------------------------------------- */

static void on_status(void *ud, long status)
{
	struct gemini_upload *u = ud;
	u->status = status;
	buf_reset(&u->answer);
}

static void on_header(void *ud, const char *name, const char *value)
{
	struct gemini_upload *u = ud;
	if (u->step == STEP_START && strcasecmp(name, "x-goog-upload-url") == 0) {
		free(u->session_url);
		u->session_url = xstrdup(value);
	}
}

static int on_body(void *ud, const char *p, size_t n)
{
	struct gemini_upload *u = ud;
	return buf_append(&u->answer, p, n) == 0 ? 0 : -1;
}

static void on_sent(void *ud, size_t sent, size_t total)
{
	struct gemini_upload *u = ud;
	if (u->step == STEP_CHUNK && u->ev.on_progress != NULL && sent <= u->chunk_len)
		u->ev.on_progress(u->ud, u->offset + sent, u->len);
}

static void on_done(void *ud, const struct http_result *r);

/* Whether url is on the base URL's scheme, host and port. */
static bool same_origin(const char *url, const char *base)
{
	const char *b = strstr(base, "://");
	if (b == NULL)
		return false;
	size_t n = (size_t)(b + 3 - base) + strcspn(b + 3, "/?#");
	return strncmp(url, base, n) == 0 && strchr("/?#", url[n]) != NULL;
}

static int send_request(struct gemini_upload *u, const char *method, const char *url,
                        const char *const *extra, const char *body, size_t body_len, char **cause)
{
	const char *headers[8];
	size_t n = 0;
	if (same_origin(url, u->base_url))
		headers[n++] = u->key_header;
	for (; extra != NULL && *extra != NULL && n < ARRAY_LEN(headers) - 1; extra++)
		headers[n++] = *extra;
	headers[n] = NULL;
	struct http_request req = {
	    .method = method,
	    .url = url,
	    .headers = headers,
	    .body = body,
	    .body_len = body_len,
	    .connect_timeout_ms = u->connect_timeout_ms,
	    .stall_timeout_ms = u->stall_timeout_ms,
	};
	static const struct http_callbacks cb = {
	    .on_status = on_status,
	    .on_body = on_body,
	    .on_done = on_done,
	    .on_header = on_header,
	    .on_sent = on_sent,
	};
	u->status = 0;
	buf_reset(&u->answer);
	u->http = http_start(u->loop, &req, &cb, u, cause);
	return u->http == NULL ? -1 : 0;
}

static void send_start(struct gemini_upload *u)
{
	char *url = xasprintf("%s/upload/v1beta/files", u->base_url);
	char *length = xasprintf("X-Goog-Upload-Header-Content-Length: %zu", u->len);
	char *type = xasprintf("X-Goog-Upload-Header-Content-Type: %s", u->mime);
	const char *extra[] = {"X-Goog-Upload-Protocol: resumable",
	                       "X-Goog-Upload-Command: start",
	                       length,
	                       type,
	                       "Content-Type: application/json",
	                       NULL};
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(cJSON_AddObjectToObject(root, "file"), "display_name",
	                        u->display_name);
	char *body = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	char *cause = NULL;
	u->step = STEP_START;
	int rc = send_request(u, "POST", url, extra, body, strlen(body), &cause);
	free(url);
	free(length);
	free(type);
	free(body);
	if (rc < 0) {
		fail(u, cause);
		free(cause);
	}
}

static void send_chunk(struct gemini_upload *u)
{
	size_t left = u->len - u->offset;
	u->chunk_len = left < GEMINI_UPLOAD_CHUNK ? left : GEMINI_UPLOAD_CHUNK;
	bool last = u->offset + u->chunk_len == u->len;
	char *offset = xasprintf("X-Goog-Upload-Offset: %zu", u->offset);
	const char *extra[] = {last ? "X-Goog-Upload-Command: upload, finalize"
	                            : "X-Goog-Upload-Command: upload",
	                       offset, "Content-Type: application/octet-stream", NULL};
	char *cause = NULL;
	u->step = STEP_CHUNK;
	if (u->ev.on_progress != NULL)
		u->ev.on_progress(u->ud, u->offset, u->len);
	int rc = send_request(u, "POST", u->session_url, extra, (const char *)u->data + u->offset,
	                      u->chunk_len, &cause);
	free(offset);
	if (rc < 0) {
		fail(u, cause);
		free(cause);
	}
}

static void send_lookup(void *ud)
{
	struct gemini_upload *u = ud;
	u->timer = 0;
	char *url = xasprintf("%s/v1beta/%s", u->base_url, u->name);
	char *cause = NULL;
	u->step = STEP_LOOKUP;
	int rc = send_request(u, "GET", url, NULL, NULL, 0, &cause);
	free(url);
	if (rc < 0) {
		fail(u, cause);
		free(cause);
	}
}

/* ---- answers ----------------------------------------------------------- */

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Takes name, uri, expiry from a File object; its state, or NULL when it is not one. */
static const char *take_file(struct gemini_upload *u, const cJSON *f)
{
	const char *name = str_of(f, "name"), *uri = str_of(f, "uri");
	if (name == NULL || uri == NULL || strncmp(name, "files/", 6) != 0)
		return NULL;
	free(u->name);
	u->name = xstrdup(name);
	free(u->uri);
	u->uri = xstrdup(uri);
	const char *exp = str_of(f, "expirationTime");
	long long t = exp ? gemini_time_ms(exp) : -1;
	u->expires_ms = t > 0 ? t : wall_ms() + GEMINI_FILE_TTL_MS;
	const char *state = str_of(f, "state");
	return state ? state : "ACTIVE";
}

/* The file is made or looked up: done, or looked up again while it is PROCESSING. */
static void file_state(struct gemini_upload *u, const char *state)
{
	if (strcmp(state, "ACTIVE") == 0) {
		finish(u, NULL);
		return;
	}
	if (strcmp(state, "PROCESSING") != 0 && strcmp(state, "STATE_UNSPECIFIED") != 0) {
		char *line = xasprintf("the API could not process the file (state %s)", state);
		fail(u, line);
		free(line);
		return;
	}
	if (u->lookup_deadline_ms == 0)
		u->lookup_deadline_ms = now_ms() + PROCESSING_MAX_MS;
	if (now_ms() >= u->lookup_deadline_ms) {
		char *line = xasprintf("%s was still processing after two minutes", u->name);
		fail(u, line);
		free(line);
		return;
	}
	u->timer = loop_timer_add(u->loop, POLL_MS, send_lookup, u);
}

static void http_failed(struct gemini_upload *u)
{
	struct gemini_error e;
	gemini_error_parse(u->status, u->answer.data, u->answer.len, &e);
	char *line = gemini_error_describe(&e, NULL);
	gemini_error_release(&e);
	fail(u, line);
	free(line);
}

static void on_done(void *ud, const struct http_result *r)
{
	struct gemini_upload *u = ud;
	u->http = NULL;
	if (r->failure != HTTP_OK) {
		fail(u, r->message);
		return;
	}
	if (u->check_only && u->step == STEP_LOOKUP && (u->status == 403 || u->status == 404)) {
		finish(u, GEMINI_FILE_MISSING);
		return;
	}
	if (u->status < 200 || u->status >= 300) {
		http_failed(u);
		return;
	}
	if (u->step == STEP_START) {
		if (u->session_url == NULL) {
			finish(u, "Files API: the upload start came back without an upload URL");
			return;
		}
		send_chunk(u);
		return;
	}
	if (u->step == STEP_CHUNK && u->offset + u->chunk_len < u->len) {
		u->offset += u->chunk_len;
		send_chunk(u);
		return;
	}
	cJSON *root = cJSON_ParseWithLength(u->answer.data, u->answer.len);
	const cJSON *f =
	    u->step == STEP_CHUNK ? cJSON_GetObjectItemCaseSensitive(root, "file") : root;
	const char *state = take_file(u, f);
	char *copy = state ? xstrdup(state) : NULL;
	cJSON_Delete(root);
	if (copy == NULL) {
		finish(u, "Files API: the answer does not describe a file");
		return;
	}
	if (u->step == STEP_CHUNK && u->ev.on_progress != NULL)
		u->ev.on_progress(u->ud, u->len, u->len);
	file_state(u, copy);
	free(copy);
}

/* ---- starting ---------------------------------------------------------- */

static struct gemini_upload *upload_new(struct loop *l, const struct gemini_target *t,
                                        const struct gemini_upload_events *ev, void *ud,
                                        char **cause)
{
	if (t->api_key == NULL || t->api_key[0] == '\0') {
		set_cause(cause, "Files API: no API key: set GEMINI_API_KEY or [gemini] api_key");
		return NULL;
	}
	struct gemini_upload *u = xcalloc(1, sizeof(*u));
	u->loop = l;
	u->base_url = xstrdup(t->base_url);
	u->key_header = xasprintf("x-goog-api-key: %s", t->api_key);
	u->connect_timeout_ms = t->connect_timeout_ms;
	u->stall_timeout_ms = t->stall_timeout_ms;
	u->ev = *ev;
	u->ud = ud;
	buf_init(&u->answer, ANSWER_MAX);
	return u;
}

static void start_now(void *ud)
{
	struct gemini_upload *u = ud;
	u->timer = 0;
	if (u->check_only)
		send_lookup(u);
	else
		send_start(u);
}

struct gemini_upload *gemini_upload_start(struct loop *l, const struct gemini_target *t,
                                          const char *display_name, const char *mime,
                                          const void *data, size_t len,
                                          const struct gemini_upload_events *ev, void *ud,
                                          char **cause)
{
	struct gemini_upload *u = upload_new(l, t, ev, ud, cause);
	if (u == NULL)
		return NULL;
	u->display_name = xstrdup(display_name ? display_name : "");
	u->mime = xstrdup(mime);
	u->data = xmalloc(len + 1);
	if (len > 0)
		memcpy(u->data, data, len);
	u->len = len;
	/* From the loop, so on_done never runs inside this call. */
	u->timer = loop_timer_add(l, 0, start_now, u);
	return u;
}

struct gemini_upload *gemini_file_check(struct loop *l, const struct gemini_target *t,
                                        const char *uri, const struct gemini_upload_events *ev,
                                        void *ud, char **cause)
{
	/* Looked up under the base URL, so the key never follows a stored URI elsewhere. */
	const char *name = uri ? strstr(uri, "files/") : NULL;
	if (name == NULL || name[6] == '\0' || strpbrk(name + 6, "/?#") != NULL) {
		set_cause(cause, "Files API: \"%s\" is not a file URI", uri ? uri : "");
		return NULL;
	}
	struct gemini_upload *u = upload_new(l, t, ev, ud, cause);
	if (u == NULL)
		return NULL;
	u->check_only = true;
	u->name = xstrdup(name);
	u->timer = loop_timer_add(l, 0, start_now, u);
	return u;
}

void gemini_upload_cancel(struct gemini_upload *u)
{
	if (u == NULL)
		return;
	if (u->http != NULL)
		http_cancel(u->http);
	upload_free(u);
}

/* ---- time -------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

long long gemini_time_ms(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (s == NULL ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	const char *p = s + n;
	long long ms = 0;
	if (*p == '.') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*p - '0');
		for (; digits < 3; digits++)
			ms *= 10;
	}
	if (strcmp(p, "Z") != 0)
		return -1;
	long long days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	return ((days * 24 + h) * 60 + mi) * 60000LL + sec * 1000LL + ms;
}
