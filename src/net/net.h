/*
 * net.h: private glue between loop.c and http.c, the only two files that
 * include libcurl. Not for use outside src/net/.
 */
#ifndef JARVIS_NET_H
#define JARVIS_NET_H

#include <curl/curl.h>

#include "jarvis/loop.h"

/*
 * What a transfer on the loop's multi handle hands the loop: its
 * CURLOPT_PRIVATE points at one of these. When libcurl reports the transfer
 * done, the loop removes the handle and calls done() (never from inside a
 * libcurl callback), so the loop needs to know nothing of who started it.
 */
struct loop_transfer {
	void (*done)(struct loop_transfer *t, CURLcode rc);
};

/* The loop's multi handle. */
CURLM *loop_multi(struct loop *l);

#endif
