/*
 * curl.c: the libcurl engine of the plugin jarvis-net.so (see net.h): the
 * loop's multi handle and asynchronous HTTP on it (see http.h). It turns
 * libcurl's codes into words at this edge and never removes a handle from
 * inside a libcurl callback.
 */
#include "net.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/http.h"
#include "jarvis/util.h"
#include "jarvis/version.h"

/* Depth of libcurl callbacks on the stack: no handle may be removed inside one. */
static int in_libcurl_callback;

struct http_call {
	CURLM *multi; /* the loop's */
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	char *host; /* for messages */
	struct http_callbacks cb;
	void *ud;
	long status;
	bool status_sent;
	bool cancelled; /* no more callbacks; aborted at the next chance */
	bool aborted;   /* a body callback asked to stop */
	long stall_timeout_ms;
	long total_timeout_ms;
	long long started_ms;
	long long last_byte_ms;
	curl_off_t sent_reported; /* body bytes last told to on_sent */
	char errbuf[CURL_ERROR_SIZE];
};

static void call_free(struct http_call *c)
{
	curl_slist_free_all(c->headers);
	if (c->easy != NULL)
		curl_easy_cleanup(c->easy);
	free(c->body);
	free(c->host);
	free(c);
}

static void send_status(struct http_call *c)
{
	if (c->status_sent || c->cancelled)
		return;
	c->status_sent = true;
	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &c->status);
	if (c->cb.on_status != NULL)
		c->cb.on_status(c->ud, c->status);
}

/* "Name: value\r\n" to the caller's on_header, both trimmed. */
static void pass_header(struct http_call *c, const char *p, size_t len)
{
	const char *colon = memchr(p, ':', len);
	if (colon == NULL || colon == p)
		return;
	const char *v = colon + 1, *end = p + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	char *name = xstrndup(p, (size_t)(colon - p));
	char *value = xstrndup(v, (size_t)(end - v));
	c->cb.on_header(c->ud, name, value);
	free(name);
	free(value);
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct http_call *c = ud;
	size_t len = size * n;
	if (c->cb.on_header != NULL && !c->cancelled && len > 2) {
		in_libcurl_callback++;
		pass_header(c, p, len);
		in_libcurl_callback--;
	}
	/* The blank line ends a header block; skip interim 1xx blocks. */
	if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) {
		long code = 0;
		curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 200) {
			in_libcurl_callback++;
			send_status(c);
			in_libcurl_callback--;
		}
	}
	return c->cancelled ? 0 : len;
}

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
	struct http_call *c = ud;
	size_t len = size * n;
	if (c->cancelled)
		return 0;
	c->last_byte_ms = now_ms();
	in_libcurl_callback++;
	send_status(c);
	int rc = 0;
	if (!c->cancelled && c->cb.on_body != NULL)
		rc = c->cb.on_body(c->ud, p, len);
	in_libcurl_callback--;
	if (rc == -1)
		c->aborted = true;
	return (rc == -1 || c->cancelled) ? 0 : len;
}

static int on_xfer(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                   curl_off_t ulnow)
{
	struct http_call *c = ud;
	if (c->cancelled)
		return 1;
	if (ulnow > 0 && ulnow != c->sent_reported) {
		c->sent_reported = ulnow;
		in_libcurl_callback++;
		c->cb.on_sent(c->ud, (size_t)ulnow, (size_t)(ultotal > 0 ? ultotal : ulnow));
		in_libcurl_callback--;
	}
	return c->cancelled ? 1 : 0;
}

static void call_done(struct http_call *c, CURLcode rc);

static char *host_of(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	return xstrndup(p, n);
}

static struct http_call *curl_start(void *multi, const struct http_request *req,
                                    const struct http_callbacks *cb, void *ud, char **cause)
{
	struct http_call *c = xcalloc(1, sizeof(*c));
	c->multi = multi;
	c->cb = *cb;
	c->ud = ud;
	c->host = host_of(req->url);
	c->easy = curl_easy_init();
	if (c->easy == NULL) {
		call_free(c);
		set_cause(cause, "network: libcurl could not make a request");
		return NULL;
	}
	CURL *e = c->easy;
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, c);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
	/* A long answer arrives faster than it is shown: fewer, larger reads (default 16 KiB). */
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 128L * 1024);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "jarvis/" JARVIS_VERSION);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");

	long connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 10000;
	c->stall_timeout_ms = req->stall_timeout_ms > 0 ? req->stall_timeout_ms : 60000;
	c->total_timeout_ms = req->total_timeout_ms;
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	/* Stall: less than one byte a second for the whole stall window. */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (c->stall_timeout_ms + 999) / 1000);
	if (c->total_timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->total_timeout_ms);

	if (req->headers != NULL)
		for (const char *const *h = req->headers; *h != NULL; h++)
			c->headers = curl_slist_append(c->headers, *h);
	/* No "Expect: 100-continue" round trip for large bodies. */
	c->headers = curl_slist_append(c->headers, "Expect:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);

	if (req->method != NULL && strcmp(req->method, "POST") == 0) {
		c->body = xmalloc(req->body_len + 1);
		if (req->body_len > 0)
			memcpy(c->body, req->body, req->body_len);
		c->body[req->body_len] = '\0';
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	if (cb->on_sent != NULL) {
		curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_xfer);
		curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
		curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	}

	c->started_ms = c->last_byte_ms = now_ms();
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		call_free(c);
		set_cause(cause, "network: libcurl refused the request");
		return NULL;
	}
	return c;
}

static void curl_cancel(struct http_call *c)
{
	if (c == NULL || c->cancelled)
		return;
	c->cancelled = true;
	if (in_libcurl_callback > 0)
		return; /* its callbacks return 0; call_done frees it */
	curl_multi_remove_handle(c->multi, c->easy);
	call_free(c);
}

static void describe(struct http_call *c, CURLcode rc, struct http_result *r, char **msg)
{
	const char *detail = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_OK:
		r->failure = HTTP_OK;
		*msg = xstrdup("");
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		r->failure = HTTP_DNS;
		*msg = xasprintf("cannot resolve host %s (DNS): %s", c->host, detail);
		return;
	case CURLE_COULDNT_CONNECT:
		r->failure = HTTP_CONNECT;
		*msg = xasprintf("cannot connect to %s: %s", c->host, detail);
		return;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		r->failure = HTTP_TLS;
		*msg = xasprintf("TLS with %s failed: %s", c->host, detail);
		return;
	case CURLE_OPERATION_TIMEDOUT: {
		long long now = now_ms();
		if (r->status == 0 && c->last_byte_ms == c->started_ms &&
		    (c->total_timeout_ms == 0 || now - c->started_ms < c->total_timeout_ms)) {
			double connect = 0;
			curl_easy_getinfo(c->easy, CURLINFO_CONNECT_TIME, &connect);
			if (connect == 0) {
				r->failure = HTTP_CONNECT;
				*msg = xasprintf("timed out connecting to %s", c->host);
				return;
			}
		}
		if (c->total_timeout_ms > 0 && now - c->started_ms >= c->total_timeout_ms) {
			r->failure = HTTP_TIMEOUT;
			*msg = xasprintf("%s did not finish within %ld s (timeout)", c->host,
			                 c->total_timeout_ms / 1000);
		} else {
			r->failure = HTTP_STALL;
			*msg = xasprintf("%s sent nothing for %ld s (stalled)", c->host,
			                 c->stall_timeout_ms / 1000);
		}
		return;
	}
	case CURLE_WRITE_ERROR:
		if (c->aborted || c->cancelled) {
			r->failure = HTTP_ABORTED;
			*msg = xstrdup("cancelled");
			return;
		}
		break;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2_STREAM:
		r->failure = HTTP_DROPPED;
		*msg = xasprintf("the connection to %s dropped: %s", c->host, detail);
		return;
	default:
		break;
	}
	r->failure = HTTP_OTHER;
	*msg = xasprintf("request to %s failed: %s", c->host, detail);
}

/* The transfer is over: its handle is off the multi handle already. */
static void call_done(struct http_call *c, CURLcode rc)
{
	CURL *easy = c->easy;
	if (c->cancelled) {
		call_free(c);
		return;
	}
	struct http_result r = {0};
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
	if (rc == CURLE_OK)
		send_status(c);
	char *msg = NULL;
	describe(c, rc, &r, &msg);
	r.message = msg;
	/* The call is finished: a cancel from on_done must not free it twice. */
	c->cancelled = true;
	if (c->cb.on_done != NULL)
		c->cb.on_done(c->ud, &r);
	free(msg);
	call_free(c);
}

static void *curl_multi_new(char **cause)
{
	static int curl_ready;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			set_cause(cause, "network: libcurl could not be initialised");
			return NULL;
		}
		curl_ready = 1;
	}
	CURLM *m = curl_multi_init();
	if (m == NULL)
		set_cause(cause, "network: libcurl could not make a multi handle");
	return m;
}

static void curl_multi_free(void *multi)
{
	curl_multi_cleanup(multi);
}

static void curl_wait(void *multi, struct pollfd *fds, unsigned nfds, int timeout_ms)
{
	struct curl_waitfd wfds[16];
	if (nfds > 16)
		nfds = 16;
	for (unsigned i = 0; i < nfds; i++) {
		wfds[i].fd = fds[i].fd;
		wfds[i].events = fds[i].events;
		wfds[i].revents = 0; /* libcurl 7.88 does not clear it */
	}
	curl_multi_poll(multi, wfds, nfds, timeout_ms, NULL);
	for (unsigned i = 0; i < nfds; i++)
		fds[i].revents = wfds[i].revents;
}

static int curl_perform(void *multi)
{
	int running = 0;
	curl_multi_perform(multi, &running);
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		CURL *easy = msg->easy_handle;
		CURLcode rc = msg->data.result;
		struct http_call *c = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&c);
		curl_multi_remove_handle(multi, easy);
		if (c != NULL)
			call_done(c, rc);
	}
	return running;
}

const struct net_engine net_curl_engine = {
    .multi_new = curl_multi_new,
    .multi_free = curl_multi_free,
    .wait = curl_wait,
    .perform = curl_perform,
    .start = curl_start,
    .cancel = curl_cancel,
};
