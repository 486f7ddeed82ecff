/*
 * http.c: the HTTP calls of http.h, handed to the libcurl engine in
 * jarvis-net.so (see net.h), which the loop loads with the first request.
 */
#include "net.h"

#include <string.h>

#include "jarvis/util.h"

/* The engine that started each call is the one loaded for the process. */
static const struct net_engine *started_by;

struct http_call *http_start(struct loop *l, const struct http_request *req,
                             const struct http_callbacks *cb, void *ud, char **cause)
{
	const struct net_engine *engine = NULL;
	void *multi = loop_network(l, &engine, cause);
	if (multi == NULL)
		return NULL;
	started_by = engine;
	return engine->start(multi, req, cb, ud, cause);
}

void http_cancel(struct http_call *c)
{
	if (c != NULL && started_by != NULL)
		started_by->cancel(c);
}

/* RFC 3986: everything but the unreserved characters is %XX, as curl_easy_escape does. */
char *http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(3 * strlen(s) + 1);
	char *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
