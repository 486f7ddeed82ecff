/*
 * worker.c: the background thread (see worker.h). A mutex-guarded FIFO;
 * the thread sleeps on a condition variable, never the loop.
 */
#include "jarvis/worker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "jarvis/loop.h"
#include "jarvis/util.h"

struct job {
	void (*work)(void *ud);
	void (*done)(void *ud);
	void *ud;
	struct worker *w;
	struct job *next;
};

struct worker {
	struct loop *loop;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_cond_t idle; /* signalled when the thread has no work left */
	size_t unfinished;   /* jobs queued or running on the thread (under lock) */
	struct job *head, *tail;
	bool stopping;
	bool started;   /* the thread runs (worker_start) */
	bool manual;    /* no thread: worker_step runs the jobs (tests) */
	size_t pending; /* touched on the loop thread only */
};

static void job_done(void *ud)
{
	struct job *j = ud;
	j->w->pending--;
	if (j->done != NULL)
		j->done(j->ud);
	free(j);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		struct job *j = w->head;
		if (j == NULL) {
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		w->head = j->next;
		if (w->head == NULL)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		j->work(j->ud);
		loop_post(w->loop, job_done, j);
		pthread_mutex_lock(&w->lock);
		if (--w->unfinished == 0)
			pthread_cond_broadcast(&w->idle);
		pthread_mutex_unlock(&w->lock);
	}
}

struct worker *worker_new_later(struct loop *l)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	w->loop = l;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_cond_init(&w->idle, NULL);
	return w;
}

/* Runs the first queued job here, on the calling thread; false when none is queued. */
static bool run_next(struct worker *w)
{
	struct job *j = w->head;
	if (j == NULL)
		return false;
	w->head = j->next;
	if (w->head == NULL)
		w->tail = NULL;
	w->unfinished--;
	j->work(j->ud);
	job_done(j);
	return true;
}

/* A worker whose thread never started: its queue runs here, on the loop thread. */
static void run_here(struct worker *w)
{
	while (run_next(w))
		;
}

int worker_start(struct worker *w, char **cause)
{
	if (w->manual || w->started || w->stopping)
		return 0;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		/* Nothing may wait for ever: what is queued, and what comes, runs here. */
		run_here(w);
		w->stopping = true;
		return set_cause(cause, "cannot start the background thread");
	}
	w->started = true;
	return 0;
}

static void worker_destroy(struct worker *w)
{
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->idle);
	free(w);
}

struct worker *worker_new(struct loop *l, char **cause)
{
	struct worker *w = worker_new_later(l);
	if (worker_start(w, cause) != 0) {
		worker_destroy(w);
		return NULL;
	}
	return w;
}

struct worker *worker_new_manual(struct loop *l)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	w->loop = l;
	w->manual = true;
	return w;
}

bool worker_step(struct worker *w)
{
	return w->manual && run_next(w);
}

void worker_submit(struct worker *w, void (*work)(void *ud), void (*done)(void *ud), void *ud)
{
	struct job *j = xcalloc(1, sizeof(*j));
	j->work = work;
	j->done = done;
	j->ud = ud;
	j->w = w;
	w->pending++;
	if (w->manual) {
		w->unfinished++;
		if (w->tail != NULL)
			w->tail->next = j;
		else
			w->head = j;
		w->tail = j;
		return;
	}
	if (w->stopping) {
		/* The thread is gone (worker_free): run it here so nothing waits forever. */
		work(ud);
		loop_post(w->loop, job_done, j);
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->unfinished++;
	if (w->tail != NULL)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

size_t worker_pending(const struct worker *w)
{
	return w->pending;
}

bool worker_drain(struct worker *w, long long ms)
{
	if (w->manual) {
		while (worker_step(w))
			;
		return true;
	}
	if (!w->started) {
		run_here(w);
		return true;
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&w->lock);
	while (w->unfinished > 0)
		if (pthread_cond_timedwait(&w->idle, &w->lock, &until) != 0)
			break;
	bool done = w->unfinished == 0;
	pthread_mutex_unlock(&w->lock);
	return done;
}

void worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	if (w->manual) {
		while (worker_step(w))
			;
		free(w);
		return;
	}
	if (!w->started) {
		run_here(w);
		w->stopping = true;
	} else {
		pthread_mutex_lock(&w->lock);
		w->stopping = true;
		pthread_cond_signal(&w->wake);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
	}
	/* The done callbacks were posted to the loop; run them now. */
	while (w->pending > 0)
		loop_run_once(w->loop, 0);
	worker_destroy(w);
}
