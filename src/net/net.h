/*
 * net.h: private glue between loop.c and http.c, the only two files that
 * include libcurl. Not for use outside src/net/.
 */
#ifndef JARVIS_NET_H
#define JARVIS_NET_H

#include <curl/curl.h>

#include "jarvis/loop.h"

/* The loop's multi handle. */
CURLM *loop_multi(struct loop *l);
/* Called by the loop (never from a libcurl callback) for every finished transfer. */
void http_finished(CURL *easy, CURLcode rc);

#endif
