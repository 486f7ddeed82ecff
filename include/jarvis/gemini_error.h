/*
 * gemini_error.h: what a failed Gemini request said, read from whatever
 * body came back (Google RPC error JSON, an HTML page, plain text or
 * nothing), turned into one line for the user and a retry decision. Pure
 * data: no network, terminal or store code.
 */
#ifndef JARVIS_GEMINI_ERROR_H
#define JARVIS_GEMINI_ERROR_H

#include <stdbool.h>
#include <stddef.h>

struct gemini_error {
	long http_status; /* the HTTP status given to gemini_error_parse (200 mid-stream) */
	long code;        /* error.code, 0 when absent */
	char *status;     /* error.status, e.g. "RESOURCE_EXHAUSTED"; NULL when absent */
	char *message;    /* error.message, or a short excerpt of a non-JSON body; NULL if none */
	char *reason;     /* ErrorInfo.reason, e.g. "API_KEY_INVALID"; NULL when absent */
	char *quota_id;   /* QuotaFailure violation quotaId (a daily one first); NULL if none */
	long long retry_delay_ms; /* RetryInfo.retryDelay rounded up to ms; -1 when absent */
	bool per_day;             /* a violated quota is daily: waiting minutes will not help */
	bool rpc;                 /* the body was a Google RPC {"error": {...}} object */
};

/* Parses an error body of any kind; never fails. Free with gemini_error_release. */
int gemini_error_parse(long http_status, const char *body, size_t len, struct gemini_error *out);
/* Releases the strings; the struct may be parsed into again. NULL is a no-op. */
void gemini_error_release(struct gemini_error *e);
/* The line to show the user (caller frees); model may be NULL. */
char *gemini_error_describe(const struct gemini_error *e, const char *model);
/*
 * Whether a failed generation request may have failed for a Files API file
 * it named (expired or deleted): a 403 or 404 that no reason explains (a
 * key, an API not enabled) and that does not name a model.
 */
bool gemini_error_may_be_a_file(const struct gemini_error *e);
/* Whether sending the same request again later may succeed. */
bool gemini_error_retryable(const struct gemini_error *e);
/* Parses a protobuf Duration ("26s", "34.074824224s", "900ms") to ms, rounded up; -1 if bad. */
long long gemini_duration_ms(const char *s);

#endif
