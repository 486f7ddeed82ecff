/*
 * worker.h: one background thread for the slow calls (the store, bcrypt)
 * so typing never freezes. Jobs run in the order given; each job's done
 * callback runs afterwards on the loop (through loop_post), where it may
 * touch the screen's state. A job's work function must touch only what it
 * was handed and the worker-side state it owns.
 */
#ifndef JARVIS_WORKER_H
#define JARVIS_WORKER_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct worker;

/* A worker with its thread running, or NULL with *cause. */
struct worker *worker_new(struct loop *l, char **cause);
/*
 * A worker whose thread waits for worker_start: jobs submitted before it
 * queue up. The TUI starts it after its first paint, so that paint never
 * shares the processor with the store, the login check or their plugins.
 */
struct worker *worker_new_later(struct loop *l);
/*
 * Starts the thread (a no-op when it runs, or for a manual worker). -1
 * with *cause when it cannot: the queue, and every job after it, then runs
 * on the caller's thread, so nothing waits for ever.
 */
int worker_start(struct worker *w, char **cause);
/*
 * A worker without a thread, for tests of the session: jobs wait in the
 * queue until worker_step runs the first one's work and done on the
 * caller's thread; false when none waits.
 */
struct worker *worker_new_manual(struct loop *l);
bool worker_step(struct worker *w);
/* Queues work(ud) for the thread; done(ud) (may be NULL) then runs on the loop. */
void worker_submit(struct worker *w, void (*work)(void *ud), void (*done)(void *ud), void *ud);
/* Jobs queued or running whose done has not run yet. */
size_t worker_pending(const struct worker *w);
/* Waits up to ms for the thread to finish its queue; false when it has not. */
bool worker_drain(struct worker *w, long long ms);
/*
 * Runs the jobs still queued (on this thread when it never started), joins
 * the thread, runs their done callbacks, frees.
 */
void worker_free(struct worker *w);

#endif
