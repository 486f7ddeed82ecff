/*
 * oneshot.h: `jarvis -p PROMPT` and `-p -`: one question, the answer
 * streamed to standard output as it arrives, diagnostics on standard error,
 * and the exit status of the contract.
 */
#ifndef JARVIS_ONESHOT_H
#define JARVIS_ONESHOT_H

struct cli;
struct config;

/* Runs one-shot mode; returns the exit status. */
int oneshot_run(const struct cli *cli, const struct config *cfg);

#endif
