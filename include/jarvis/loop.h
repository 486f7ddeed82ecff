/*
 * loop.h: the one place Jarvis blocks. The loop waits in curl_multi_poll()
 * with the watched file descriptors (the terminal, a signal self-pipe) and
 * the next timer as its timeout. Signal handlers only write a byte; the
 * handler callbacks run later, on the loop, like everything else. Worker
 * threads hand results back with loop_post(), which wakes the loop.
 */
#ifndef JARVIS_LOOP_H
#define JARVIS_LOOP_H

#include <stdbool.h>

struct loop;

struct loop *loop_new(char **cause);
/* Frees the loop; transfers still running are abandoned without callbacks. */
void loop_free(struct loop *l);

/* Calls fn when fd has any of the poll(2) events asked for. At most 8 fds. */
int loop_add_fd(struct loop *l, int fd, short events, void (*fn)(void *ud, int fd, short revents),
                void *ud);

/* Calls fn once after delay_ms; returns an id (never 0) for loop_timer_cancel. */
unsigned loop_timer_add(struct loop *l, long long delay_ms, void (*fn)(void *ud), void *ud);
/* Cancels a timer that has not fired yet; 0 and fired ids are ignored. */
void loop_timer_cancel(struct loop *l, unsigned id);

/* Routes signo through the self-pipe to fn, which runs on the loop. */
int loop_catch_signal(struct loop *l, int signo, void (*fn)(void *ud, int signo), void *ud);

/* From any thread: runs fn(ud) on the loop soon, and wakes it if it is waiting. */
void loop_post(struct loop *l, void (*fn)(void *ud), void *ud);

/* Waits for one round of events (or at most max_wait_ms; -1 waits for ever) and runs them. */
void loop_run_once(struct loop *l, long long max_wait_ms);

/* True while a timer or a transfer is pending (posts from threads are not counted). */
bool loop_busy(const struct loop *l);

#endif
