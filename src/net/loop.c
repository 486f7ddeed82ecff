/*
 * loop.c: the single blocking point (see loop.h). It waits with poll(2) on
 * the watched fds, a self-pipe for signals and one for posts, with the
 * nearest timer as the timeout. The first request loads the libcurl engine
 * (net.h) and makes the multi handle; from then on the engine's wait
 * (curl_multi_poll) waits on the transfers as well. It never draws and
 * knows nothing about Gemini.
 */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/plugin.h"
#include "jarvis/util.h"

#define LOOP_MAX_FDS 8

struct loop_fd {
	int fd;
	short events;
	void (*fn)(void *ud, int fd, short revents);
	void *ud;
};

struct loop_timer {
	unsigned id;
	long long due_ms;
	void (*fn)(void *ud);
	void *ud;
	struct loop_timer *next;
};

struct loop_post {
	void (*fn)(void *ud);
	void *ud;
	struct loop_post *next;
};

struct loop {
	const struct net_engine *net; /* NULL until the first request */
	void *multi;
	int wake[2]; /* loop_post writes a byte: poll returns */
	struct loop_fd fds[LOOP_MAX_FDS];
	size_t nfds;
	struct loop_timer *timers; /* sorted by due time */
	unsigned next_timer_id;
	int running_transfers;

	pthread_mutex_t post_lock;
	struct loop_post *posts; /* newest first; reversed when run */

	void (*signal_fn[NSIG])(void *ud, int signo);
	void *signal_ud[NSIG];
};

/* The self-pipe is process-wide: a signal handler cannot know which loop. */
static int signal_pipe[2] = {-1, -1};

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;
	if (write(signal_pipe[1], &b, 1) < 0) {
		/* The pipe is full: enough wake-ups are queued already. */
	}
	errno = saved;
}

static void drain_signals(void *ud, int fd, short revents)
{
	struct loop *l = ud;
	unsigned char sigs[64];
	ssize_t n;
	while ((n = read(fd, sigs, sizeof sigs)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			int signo = sigs[i];
			if (signo < NSIG && l->signal_fn[signo] != NULL)
				l->signal_fn[signo](l->signal_ud[signo], signo);
		}
	}
}

static void drain_wake(void *ud, int fd, short revents)
{
	char junk[64];
	while (read(fd, junk, sizeof junk) > 0) {
		/* the posts themselves are run after the fds */
	}
}

struct loop *loop_new(char **cause)
{
	struct loop *l = xcalloc(1, sizeof(*l));
	pthread_mutex_init(&l->post_lock, NULL);
	if (pipe2(l->wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		l->wake[0] = l->wake[1] = -1;
		loop_free(l);
		set_cause(cause, "loop: cannot make the wake-up pipe: %s", strerror(errno));
		return NULL;
	}
	loop_add_fd(l, l->wake[0], POLLIN, drain_wake, l);
	if (signal_pipe[0] == -1) {
		if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
			loop_free(l);
			set_cause(cause, "loop: cannot make the signal pipe: %s", strerror(errno));
			return NULL;
		}
	}
	loop_add_fd(l, signal_pipe[0], POLLIN, drain_signals, l);
	return l;
}

void loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	while (l->timers != NULL) {
		struct loop_timer *t = l->timers;
		l->timers = t->next;
		free(t);
	}
	while (l->posts != NULL) {
		struct loop_post *p = l->posts;
		l->posts = p->next;
		free(p);
	}
	if (l->multi != NULL)
		l->net->multi_free(l->multi);
	if (l->wake[0] != -1) {
		close(l->wake[0]);
		close(l->wake[1]);
	}
	pthread_mutex_destroy(&l->post_lock);
	free(l);
}

void *loop_network(struct loop *l, const struct net_engine **engine, char **cause)
{
	if (l->multi == NULL) {
		const struct net_engine *net = plugin_symbol("net", "net_curl_engine", cause);
		if (net == NULL)
			return NULL;
		l->multi = net->multi_new(cause);
		if (l->multi == NULL)
			return NULL;
		l->net = net;
	}
	*engine = l->net;
	return l->multi;
}

int loop_add_fd(struct loop *l, int fd, short events, void (*fn)(void *ud, int fd, short revents),
                void *ud)
{
	if (l->nfds == LOOP_MAX_FDS)
		return -1;
	l->fds[l->nfds++] = (struct loop_fd){fd, events, fn, ud};
	return 0;
}

unsigned loop_timer_add(struct loop *l, long long delay_ms, void (*fn)(void *ud), void *ud)
{
	struct loop_timer *t = xcalloc(1, sizeof(*t));
	t->id = ++l->next_timer_id ? l->next_timer_id : ++l->next_timer_id;
	t->due_ms = now_ms() + (delay_ms > 0 ? delay_ms : 0);
	t->fn = fn;
	t->ud = ud;
	struct loop_timer **p = &l->timers;
	while (*p != NULL && (*p)->due_ms <= t->due_ms)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	return t->id;
}

void loop_timer_cancel(struct loop *l, unsigned id)
{
	for (struct loop_timer **p = &l->timers; *p != NULL; p = &(*p)->next) {
		if ((*p)->id == id) {
			struct loop_timer *t = *p;
			*p = t->next;
			free(t);
			return;
		}
	}
}

int loop_catch_signal(struct loop *l, int signo, void (*fn)(void *ud, int signo), void *ud)
{
	if (signo <= 0 || signo >= NSIG)
		return -1;
	l->signal_fn[signo] = fn;
	l->signal_ud[signo] = ud;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(signo, &sa, NULL);
}

void loop_post(struct loop *l, void (*fn)(void *ud), void *ud)
{
	struct loop_post *p = xmalloc(sizeof(*p));
	p->fn = fn;
	p->ud = ud;
	pthread_mutex_lock(&l->post_lock);
	p->next = l->posts;
	l->posts = p;
	pthread_mutex_unlock(&l->post_lock);
	if (write(l->wake[1], "", 1) < 0) {
		/* The pipe is full: the loop is awake already. */
	}
}

static void run_posts(struct loop *l)
{
	pthread_mutex_lock(&l->post_lock);
	struct loop_post *list = l->posts;
	l->posts = NULL;
	pthread_mutex_unlock(&l->post_lock);

	struct loop_post *ordered = NULL; /* oldest first */
	while (list != NULL) {
		struct loop_post *next = list->next;
		list->next = ordered;
		ordered = list;
		list = next;
	}
	while (ordered != NULL) {
		struct loop_post *p = ordered;
		ordered = p->next;
		p->fn(p->ud);
		free(p);
	}
}

static void run_timers(struct loop *l)
{
	long long now = now_ms();
	/* Only timers due now: a callback that adds a 0 ms timer runs it next round. */
	while (l->timers != NULL && l->timers->due_ms <= now) {
		struct loop_timer *t = l->timers;
		l->timers = t->next;
		void (*fn)(void *) = t->fn;
		void *ud = t->ud;
		free(t);
		fn(ud);
	}
}

static void run_transfers(struct loop *l)
{
	if (l->multi != NULL)
		l->running_transfers = l->net->perform(l->multi);
}

void loop_run_once(struct loop *l, long long max_wait_ms)
{
	long long wait = max_wait_ms;
	if (l->timers != NULL) {
		long long until = l->timers->due_ms - now_ms();
		if (until < 0)
			until = 0;
		if (wait < 0 || until < wait)
			wait = until;
	}
	pthread_mutex_lock(&l->post_lock);
	if (l->posts != NULL)
		wait = 0;
	pthread_mutex_unlock(&l->post_lock);
	/* Both waits take an int; a day is "for ever" enough. */
	if (wait < 0 || wait > 86400000)
		wait = 86400000;

	struct pollfd wfds[LOOP_MAX_FDS];
	size_t n = l->nfds;
	for (size_t i = 0; i < n; i++)
		wfds[i] = (struct pollfd){.fd = l->fds[i].fd, .events = l->fds[i].events};
	if (l->multi != NULL)
		l->net->wait(l->multi, wfds, (unsigned)n, (int)wait);
	else if (poll(wfds, n, (int)wait) == -1)
		n = 0; /* EINTR: a signal's byte is in its pipe for the next round */

	run_transfers(l);
	/* Copy first: a callback may add or remove fds. */
	struct loop_fd ready[LOOP_MAX_FDS];
	short revents[LOOP_MAX_FDS];
	size_t nready = 0;
	for (size_t i = 0; i < n; i++) {
		if (wfds[i].revents != 0) {
			ready[nready] = l->fds[i];
			revents[nready++] = wfds[i].revents;
		}
	}
	for (size_t i = 0; i < nready; i++)
		ready[i].fn(ready[i].ud, ready[i].fd, revents[i]);
	run_posts(l);
	run_timers(l);
	run_transfers(l);
}

bool loop_busy(const struct loop *l)
{
	return l->timers != NULL || l->running_transfers > 0;
}
