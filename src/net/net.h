/*
 * net.h: private glue between the loop, the HTTP front (http.c) and the
 * libcurl engine in the plugin jarvis-net.so (curl.c, the only file that
 * includes libcurl). libcurl and the ~30 libraries it pulls in are mapped
 * only when the first request starts, so `--version`, `--help`, the first
 * paint and the store-only modes never wait for them. Not for use outside
 * src/net/.
 */
#ifndef JARVIS_NET_H
#define JARVIS_NET_H

#include <poll.h>

#include "jarvis/http.h"
#include "jarvis/loop.h"

/* What jarvis-net.so exports as net_curl_engine. */
struct net_engine {
	/* A multi handle (libcurl initialised on the first call), or NULL with cause. */
	void *(*multi_new)(char **cause);
	/* Frees it; transfers still on it are abandoned without callbacks. */
	void (*multi_free)(void *multi);
	/* Waits like poll(2) on fds and on the transfers' sockets; sets revents. */
	void (*wait)(void *multi, struct pollfd *fds, unsigned nfds, int timeout_ms);
	/* Moves the transfers on, calls on_done of those that ended; returns how many run. */
	int (*perform)(void *multi);
	struct http_call *(*start)(void *multi, const struct http_request *req,
	                           const struct http_callbacks *cb, void *ud, char **cause);
	void (*cancel)(struct http_call *c);
};

extern const struct net_engine net_curl_engine;

/* The loop's multi handle and its engine, made (and the plugin loaded) on first use. */
void *loop_network(struct loop *l, const struct net_engine **engine, char **cause);

#endif
