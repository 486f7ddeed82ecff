/*
 * http.h: asynchronous HTTP requests on the loop, through one libcurl
 * multi handle (so connections are reused). Callbacks run on the loop and
 * must not block. Nothing outside src/net/ sees a libcurl type.
 */
#ifndef JARVIS_HTTP_H
#define JARVIS_HTTP_H

#include <stddef.h>

struct loop;
struct http_call;

/* Why a transfer ended; words for the user come from http_result.message. */
enum http_failure {
	HTTP_OK,      /* a response arrived (any status) and ended normally */
	HTTP_DNS,     /* the host name could not be resolved */
	HTTP_CONNECT, /* the connection was refused or could not be made */
	HTTP_TLS,     /* TLS handshake or certificate failure */
	HTTP_TIMEOUT, /* the overall timeout passed */
	HTTP_STALL,   /* no bytes arrived for stall_timeout_ms */
	HTTP_DROPPED, /* the connection closed before the response was complete */
	HTTP_ABORTED, /* cancelled by us (http_cancel or a callback returning -1) */
	HTTP_OTHER,
};

struct http_result {
	enum http_failure failure;
	long status;         /* HTTP status, 0 if none arrived */
	const char *message; /* what failed, in words; "" when failure == HTTP_OK */
};

struct http_request {
	const char *method; /* "GET" or "POST" */
	const char *url;
	const char *const *headers; /* NULL-terminated "Name: value" lines */
	const char *body;           /* POST body, may be NULL */
	size_t body_len;
	long connect_timeout_ms; /* 0: 10 s */
	long stall_timeout_ms;   /* 0: 60 s without a byte ends the transfer */
	long total_timeout_ms;   /* 0: none */
};

struct http_callbacks {
	/* The status line and headers have arrived. */
	void (*on_status)(void *ud, long status);
	/* Body bytes; return -1 to abort (on_done then reports HTTP_ABORTED). */
	int (*on_body)(void *ud, const char *p, size_t n);
	/* Always called exactly once, unless the call was cancelled with http_cancel. */
	void (*on_done)(void *ud, const struct http_result *r);
	/* One response header, name and value trimmed (may be NULL). */
	void (*on_header)(void *ud, const char *name, const char *value);
	/* Request body bytes sent so far of total, as they leave (may be NULL). */
	void (*on_sent)(void *ud, size_t sent, size_t total);
};

/* Starts a request; copies everything in req. Returns NULL with cause on failure. */
struct http_call *http_start(struct loop *l, const struct http_request *req,
                             const struct http_callbacks *cb, void *ud, char **cause);
/* s percent-encoded for a URL query value (caller frees). */
char *http_escape(const char *s);
/* Stops a call; no callback runs afterwards. Safe from inside its own callbacks. */
void http_cancel(struct http_call *c);

#endif
