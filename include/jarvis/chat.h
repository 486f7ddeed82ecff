/*
 * chat.h: the interactive session as data and actions, with no drawing:
 * the conversation on screen, the model, the answer streaming in, the
 * images waiting to be sent, the account and the store. Slash commands and
 * keys call these actions; the TUI reads the state after each loop round
 * and repaints what changed. Actions never block: store work and password
 * hashing run on a worker thread and come back through the loop.
 */
#ifndef JARVIS_CHAT_H
#define JARVIS_CHAT_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/conv.h"
#include "jarvis/models.h"

struct loop;
struct config;
struct chat;

/* What changed since the TUI last looked (chat_take_dirty). */
#define CHAT_DIRTY_HISTORY 0x01u /* messages added, removed or replaced */
#define CHAT_DIRTY_STATUS 0x02u  /* anything on the status line */
#define CHAT_DIRTY_CONVS 0x04u   /* the conversation list (F3) was reloaded */
#define CHAT_DIRTY_MODELS 0x08u  /* the model list was merged with the API's */
#define CHAT_DIRTY_QUIT 0x10u    /* /quit */

/* Conversation list rows for F3 and /convs. */
struct chat_conv_row {
	char *id;
	char *title;
	long long updated_ms;
	long nmessages;
	char *text; /* the messages' text, for F3's filter; NULL until it arrives */
	char *fork; /* a fork's link (conv_fork_label), or NULL */
};

/*
 * A session whose worker waits: the jobs it queues (who is logged in, the
 * quota, -C's conversation) run once chat_start is called.
 */
struct chat *chat_new(struct loop *l, const struct config *cfg);
/*
 * Starts the worker; the TUI calls it right after its first paint, so the
 * store, the login token and the data key (and their plugins) are never
 * loaded before it.
 */
void chat_start(struct chat *ch);
/*
 * The same with a worker the caller made (the chat frees it): the session
 * tests pass worker_new_manual() and step its jobs by hand.
 */
struct worker;
struct chat *chat_new_with(struct loop *l, const struct config *cfg, struct worker *w);
/* Stops any answer (kept, marked interrupted), waits for pending store writes, frees. */
void chat_free(struct chat *ch);

/* ---- state for the screen ---- */
const struct conv *chat_conv(const struct chat *ch);
/*
 * Changes whenever messages of chat_conv() are freed (a new or reopened
 * conversation, /clear, /retry): a screen that caches by message pointer
 * must drop its caches, since a new message may reuse a freed one's address.
 */
unsigned chat_epoch(const struct chat *ch);
/* Changes each time another conversation takes the screen's place (/select, F3, /new). */
unsigned chat_conv_serial(const struct chat *ch);
const char *chat_model(const struct chat *ch);
const struct model_list *chat_models(const struct chat *ch);
/* The logged-in user's name, or NULL for a guest. */
const char *chat_user(const struct chat *ch);
bool chat_streaming(const struct chat *ch);
/* Tokens (estimated from bytes) per second of the answer streaming now; 0 when idle. */
double chat_rate(const struct chat *ch);
/* "RPM 3/5 RPD 7/20" or "" when the model has no known limits. */
char *chat_quota_line(const struct chat *ch);
/* "ctx 41k/1M": the last request's tokens of the model's input limit; "" before any count. */
char *chat_context_line(const struct chat *ch);
/* The context in a sentence for /quota: tokens of the last request, cached, the next, the limit. */
char *chat_context_detail(const struct chat *ch);
/* Store state: "" when fine or guest, else e.g. "store offline, 3 writes waiting". */
const char *chat_store_state(const struct chat *ch);
/* What the session is busy with besides an answer ("uploading a.png 2.0/5.0 MiB"), or NULL. */
const char *chat_activity(const struct chat *ch);
/* The last error, shown until the next key (chat_clear_error). */
const char *chat_error(const struct chat *ch);
void chat_clear_error(struct chat *ch);
/*
 * Puts the error line in the history as a notice (once), for a status line
 * too narrow to show it whole; before an answer that has no text yet, so
 * the answer stays last.
 */
void chat_post_error(struct chat *ch);
/* A notice in the history, before the answer when it has no text yet (it stays last). */
void chat_notice_above_answer(struct chat *ch, const char *line);
/*
 * The ms until a retry's next try while the answer waits for it (0: not
 * waiting); *try_no of *tries is that try.
 */
long long chat_wait_left(const struct chat *ch, int *try_no, int *tries);
/* Whether the error line is in the history (chat_post_error, or put there with it). */
bool chat_error_posted(const struct chat *ch);
/* Images attached for the next message. */
size_t chat_pending_images(const struct chat *ch);
/* Conversation list from the last chat_load_convs. */
const struct chat_conv_row *chat_conv_rows(const struct chat *ch, size_t *n);
/*
 * Whether `what` (a list number as /convs showed it, or an id) is the
 * conversation on screen or one of the list last loaded, with its title
 * (the one /convs shows). false: the chat cannot vouch for it (the list may
 * be stale or not loaded); chat_delete_probe asks the store.
 */
bool chat_conv_known(const struct chat *ch, const char *what, const char **title);
/*
 * /delete of what the chat cannot vouch for: the store is asked whether it
 * names a conversation of the user's. If not, the error says so and the
 * line comes back (chat_take_restore); if so, chat_take_delete_ask hands
 * its id and title, for the question. Nothing is deleted here.
 */
int chat_delete_probe(struct chat *ch, const char *what, char **cause);
/* The conversation a probe found: its exact id and title (caller frees); false: none. */
bool chat_take_delete_ask(struct chat *ch, char **id, char **title);
/*
 * Pages older messages of a stored conversation in (the chat opens with the
 * last CHAT_LOAD_MESSAGES). Returns true when a page was asked for; they
 * arrive later, prepended (chat_take_prepended says how many).
 */
bool chat_load_older(struct chat *ch);
/* A sent question that came back (refused by the stored quota) for the input; caller frees. */
char *chat_take_restore(struct chat *ch);
/* How many messages were put in front of the conversation since last asked. */
size_t chat_take_prepended(struct chat *ch);
/* Takes and clears the CHAT_DIRTY_* bits. */
unsigned chat_take_dirty(struct chat *ch);

/* ---- actions (0, or -1 with *cause for the status line) ---- */
/* Sends text (with pending images) to the model; refused while streaming. */
int chat_send(struct chat *ch, const char *text, char **cause);
/*
 * Leaves the N oldest turns out of what is sent (/trim [N]; NULL: as many as
 * the last refused question needed, else one more); 0 sends them all again.
 * The turns stay on screen and in the store; a notice says what was left out.
 */
int chat_trim(struct chat *ch, const char *n, char **cause);
/*
 * /edit [N]: question N, counted back from the last as /copy N counts
 * answers (1: the last), into *text (a new string) for the input, its
 * attachments back among those waiting. The next chat_send then forks:
 * a new stored conversation holding the messages before that question
 * takes the screen, and the text is asked there; the original stays as
 * it is. Refused while an answer streams, for a guest and for a
 * conversation not stored.
 */
int chat_edit(struct chat *ch, size_t n, char **text, char **cause);
/* Leaves a pending /edit (Esc, an emptied input): nothing is forked. False when none was. */
bool chat_edit_cancel(struct chat *ch);
/* Whether an /edit waits for its text to be sent. */
bool chat_editing(const struct chat *ch);
/* Stops the answer streaming now; what arrived stays, marked interrupted. */
int chat_stop(struct chat *ch, char **cause);
/*
 * Sends the last question again; the answers after it leave the screen and
 * are marked replaced in the store, so a reopen and an export leave them out.
 */
int chat_retry(struct chat *ch, char **cause);
/* Adds a notice (a local system line) to the history. */
void chat_notice(struct chat *ch, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Starts over: the screen empties and the model forgets what was said; the
 * next question starts a new stored conversation, the old one stays listed.
 */
void chat_clear(struct chat *ch);
/* Starts a new conversation (title may be NULL). */
int chat_new_conv(struct chat *ch, const char *title, char **cause);
/*
 * Opens a stored conversation: a number N is row N of the list last shown
 * (/convs, F3), else of the current list, else an id; the screen changes
 * when it arrives (the latest /select wins).
 */
int chat_select(struct chat *ch, const char *id_or_index, char **cause);
/* -C ID: opens conversation id once the worker knows who is logged in (a guest
 * is told that it needs a login); call it right after chat_new. */
void chat_open_at_start(struct chat *ch, const char *id);
/* Opens a stored conversation by its exact id (from chat_conv_rows). */
int chat_open_id(struct chat *ch, const char *id, char **cause);
int chat_rename(struct chat *ch, const char *title, char **cause);
/* Renames any of the user's stored conversations. */
int chat_rename_id(struct chat *ch, const char *id, const char *title, char **cause);
/* Deletes a stored conversation (NULL: the current one; a number: as for chat_select). */
int chat_delete(struct chat *ch, const char *id, char **cause);
/* Deletes a stored conversation by its exact id (from chat_conv_rows). */
int chat_delete_id(struct chat *ch, const char *id, char **cause);
/* Lists the conversations as notices when they arrive (/convs). */
int chat_list_convs(struct chat *ch, char **cause);
/*
 * What the store is being read for while the user waits (/convs: "listing
 * conversations…", *brief "listing…"), or NULL; CHAT_DIRTY_STATUS when it ends.
 */
const char *chat_reading(const struct chat *ch, const char **brief);
/*
 * Merges the API's model list in the background (CHAT_DIRTY_MODELS when it
 * lands), once: the model picker (F2) asks for it, so the
 * first paint and an idle chat never load the network engine.
 */
void chat_fetch_models(struct chat *ch);
/* Reloads the conversation list (arrives later: CHAT_DIRTY_CONVS). */
int chat_load_convs(struct chat *ch, char **cause);
int chat_set_model(struct chat *ch, const char *id, char **cause);
/* Sets or (with NULL) clears the system prompt of this conversation. */
int chat_set_system(struct chat *ch, const char *prompt, char **cause);
const char *chat_system(const struct chat *ch);
/* Sets how hard the model thinks in this conversation (/think; gemini_thinking_parse). */
int chat_set_thinking(struct chat *ch, const char *level, char **cause);
/* This conversation's thinking setting, else [gemini] thinking. */
const char *chat_thinking(const struct chat *ch);
/* This conversation's own setting (/think now, or stored with its questions), or NULL. */
const char *chat_conv_thinking(const struct chat *ch);
/* Turns web grounding on or off in this conversation (/web on|off). */
int chat_set_web(struct chat *ch, const char *on_off, char **cause);
/* This conversation's own /web ("on", "off", now or stored with its questions), or NULL. */
const char *chat_conv_web(const struct chat *ch);
/* Whether the next question is grounded with Google Search. */
bool chat_web(const struct chat *ch);
/* Shows or hides the thought summaries in full (/thoughts, Ctrl-T); returns the new state. */
bool chat_toggle_thoughts(struct chat *ch);
/* Whether the thought summaries are shown in full rather than as one line. */
bool chat_thoughts_open(const struct chat *ch);
/* The history pane's width in columns, so that lists such as /convs fit one row an entry. */
void chat_set_cols(struct chat *ch, int cols);
/* The thought summary of the last answer, or NULL when it has none. */
const char *chat_last_thoughts(const struct chat *ch);
int chat_attach(struct chat *ch, const char *path, char **cause);
void chat_detach(struct chat *ch);
/* Feedback on the last answer: +1 like, -1 dislike. */
int chat_feedback(struct chat *ch, int value, char **cause);
/*
 * Writes the conversation as Markdown to a new file at path, as --export
 * does (later); the notice names path. line: what the user typed, given
 * back to the input if the write fails (chat_take_restore), or NULL.
 */
int chat_export(struct chat *ch, const char *path, const char *line, char **cause);
/* Account actions; the password is wiped by the caller after the call returns. */
int chat_signup(struct chat *ch, const char *name, const char *email, const char *password,
                char **cause);
int chat_login(struct chat *ch, const char *email, const char *password, char **cause);
int chat_logout(struct chat *ch, char **cause);
/* /passwd: re-wraps the data key under the new password, on the worker. */
int chat_passwd(struct chat *ch, const char *old_password, const char *new_password, char **cause);
void chat_whoami(struct chat *ch);
void chat_quit(struct chat *ch);

#endif
