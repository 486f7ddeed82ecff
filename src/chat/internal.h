/*
 * internal.h: what the files of the chat session (src/chat/) share. The
 * loop thread owns struct chat (the conversation on screen, the status);
 * the worker thread owns struct backend (the profile with the store, the
 * exchange being stored). They meet only through jobs.
 *
 * A job is typed: its kind (struct job_kind) names it, says whether it
 * writes to the store, and gives its work (on the worker: touches only
 * the job and the backend) and its done (on the loop: brings the result
 * to the screen). Each kind's arguments and results are one member struct
 * of the union in struct job, and each kind is defined next to the action
 * that submits it. A done checks j->serial (the conversation it was made
 * for) and j->epoch (whether the screen's messages it points to are
 * still alive) before touching the screen.
 */
#ifndef JARVIS_CHAT_INTERNAL_H
#define JARVIS_CHAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/account.h"
#include "jarvis/chat.h"
#include "jarvis/conv.h"
#include "jarvis/exchange.h"
#include "jarvis/models.h"
#include "jarvis/quota.h"
#include "jarvis/store.h"

struct worker;
struct gemini_call;
struct gemini_uploads;
struct job;

/* Messages read when a stored conversation is opened. */
#define CHAT_LOAD_MESSAGES 500
#define CHAT_LIST_LIMIT 200
#define CHAT_TEXT_INDEX_MESSAGES 400     /* F3 filters on this many last messages... */
#define CHAT_TEXT_INDEX_MAX (256 * 1024) /* ...and at most this much of their text */
#define SYNC_EVERY_MS 5000
/* Messages paged in at a time when scrolling up past the first one loaded. */
#define CHAT_OLDER_PAGE 200
/* How often the quota line is counted again while requests are in its window. */
#define QUOTA_REFRESH_MS 10000
/* ... and while only the day's window has some. */
#define QUOTA_IDLE_MS 60000

/* Worker-side state: only jobs' work functions touch it. */
struct backend {
	const struct config *cfg;
	struct profile *profile;
	struct exchange x;    /* x.user_id: the logged-in user; x.conv_id, x.answer_id */
	unsigned conv_serial; /* the conversation x.conv_id belongs to */
	char *notices;        /* the profile's notices, taken by the next done */
};

/* A pending /edit (edit.c): the question to fork at, once the edited text is sent. */
struct chat_edit {
	char *conv_id;       /* NULL: none pending */
	long seq;            /* the question's seq there */
	size_t pending_from; /* where the question's attachments are among those waiting */
	size_t pending_n;    /* and how many */
	/* edit.c's send, which chat_send (send.c, below it) hands the text to. */
	int (*send)(struct chat *ch, const char *text, char **cause);
};

struct chat {
	struct loop *loop;
	const struct config *cfg;
	struct worker *worker;
	struct backend be;

	struct conv *conv;
	unsigned serial;     /* bumped whenever another conversation is put on screen */
	unsigned epoch_base; /* chat_epoch: this plus conv->epoch, raised past it on replace */
	struct model_list models;
	bool models_asked;   /* chat_fetch_models ran */
	bool models_pending; /* its request is still out */
	char *model;
	char *system_prompt; /* this conversation's; NULL: the config's */
	char *thinking;      /* /think for this conversation; NULL: [gemini] thinking */
	char *web;           /* /web for this conversation ("on", "off"); NULL: as stored */

	struct gemini_call *call;
	struct msg *answer;
	long long stream_started_ms;
	size_t stream_bytes;
	unsigned checkpoint_timer;
	unsigned cut_timer;   /* stops an answer that passed what a message holds */
	bool awaiting_store;  /* the question is being stored or checked; the request waits */
	bool answer_by_file;  /* the request streaming named uploaded files (fileData) */
	bool refiled;         /* it is the one retry after those files were gone (send.c) */
	unsigned send_ticket; /* the send whose question is being stored */

	struct image *pending;
	size_t npending;

	/* The Files API for the question being sent (upload.c). */
	struct gemini_uploads *upload;       /* its attachments on their way; NULL: none */
	void (*files_then)(struct chat *ch); /* what runs when they are there */
	enum { FILES_NONE, FILES_READY, FILES_FAILED } files_stage;
	char *files_error;       /* FILES_FAILED: why */
	struct msg **files_msgs; /* messages whose images got a file, to store */
	size_t nfiles_msgs;
	char *activity; /* chat_activity: the file on its way */

	char *user_name; /* NULL: guest */
	char *user_id;
	bool closing;            /* chat_free has begun: start no new work */
	long long wait_until_ms; /* a retry's next try starts then (now_ms); 0: no wait */
	int wait_try, wait_tries;
	bool error_posted;      /* the error line is in the history too */
	bool older_loading;     /* an OLDER job is on its way */
	bool older_done;        /* the conversation on screen starts at its first message */
	bool thoughts_open;     /* thought summaries shown in full (/thoughts, Ctrl-T) */
	int cols;               /* the history's width (chat_set_cols); 0: not known */
	unsigned listing;       /* /convs lists being read from the store (chat_reading) */
	size_t prepended;       /* messages put in front since the TUI last asked */
	unsigned select_ticket; /* the latest /select; older answers are dropped */
	char *restore;          /* a question taken back, for the input */
	unsigned probe_ticket;  /* the latest /delete checked with the store */
	char *delete_id;        /* it exists: its id and title, for the question */
	char *delete_title;
	char *error;
	char *store_state;
	size_t store_failures; /* writes lost since the store last worked */
	size_t pending_writes; /* writes handed to the worker, not back yet */
	bool store_online;     /* as the worker last saw it */
	bool store_local;      /* an SQLite file: "online" means nothing there */
	size_t outbox_writes;  /* writes waiting in the outbox for the store */
	size_t held_writes;    /* messages kept in memory for lack of space (exchange.h) */
	unsigned sync_timer;   /* armed only while the outbox or the exchange holds writes */

	struct quota_use quota; /* the model's requests as last counted (quota.h) */
	char *quota_model;      /* the model quota was counted for */
	unsigned quota_timer;
	size_t trim_suggest; /* the /trim the last question needed to fit, or 0 */

	struct chat_conv_row *rows;
	size_t nrows;
	bool rows_known; /* rows are this user's list (chat_conv_known), loaded since the login */
	unsigned dirty;
	struct chat_edit edit;
};

struct job_kind {
	const char *name;
	bool writes; /* counted in pending_writes while on its way */
	void (*work)(struct job *j);
	void (*done)(struct job *j);
	void (*release)(struct job *j); /* frees the kind's member; may be NULL */
};

/* Copies of screen messages handed to the worker, and the originals (loop side only). */
struct job_msgs {
	struct msg **copies;
	struct msg **targets;
	size_t n;
};

/* What a job that may create the stored conversation needs (owned strings). */
struct job_meta {
	char *conv_id; /* the screen's conversation id, or NULL: create */
	char *title;
	char *model;
	char *system_prompt;
};

struct job_account {
	char *name, *email, *password; /* the password is wiped */
	int who;                       /* WHOAMI: 0 logged in, 1 guest, -1 failed */
	struct account_user user;
};

struct job_adopt {
	struct job_meta meta;
	struct job_msgs msgs;
	bool streaming; /* the last message is the answer still streaming */
	char *conv_id;  /* result: the conversation made */
};

struct job_question {
	struct job_meta meta;
	struct job_msgs msgs; /* the question */
	long rpm, rpd;
	unsigned ticket;
	char *refused; /* the quota said no: nothing was stored */
	char *conv_id; /* result: the conversation made or used */
	bool recreated;
	struct quota_use use;
};

struct job_answer {
	struct job_meta meta;
	struct job_msgs msgs; /* the answer; UPDATE: its state now */
	bool final;
	char *conv_id;
	bool recreated;
};

struct job_quota {
	char *model;
	long rpm, rpd;
	struct quota_use use;
};

struct job_list {
	bool show; /* also as notices (/convs) */
	struct store_conv_list list;
	char **texts; /* JOB_LIST_TEXT: each conversation's text, as list.items */
};

struct job_open {
	char *what;  /* what the user typed, or an exact id */
	char *typed; /* /select: the argument as typed, or NULL */
	bool exact;
	bool at_start; /* -C: an id, and the hint names jarvis --convs */
	unsigned ticket;
	struct conv *conv;
	struct store_msgs loaded;
};

/* RENAME, SET_MODEL, SET_SYSTEM, FEEDBACK, REPLACED: one change to a stored conversation. */
struct job_edit {
	char *conv_id;
	char *value; /* the title, model or prompt (NULL: cleared) */
	char *msg_id;
	int feedback;
	struct job_msgs msgs; /* REPLACED: the answers /retry replaced */
};

struct job_older {
	char *conv_id;
	long before;
	struct store_msgs loaded;
};

struct job_fork {
	char *from;           /* the conversation forked */
	long seq;             /* at its question of this seq */
	char *text;           /* the edited question */
	struct image *images; /* its attachments, back in the chat's once it is asked */
	size_t nimages;
	char *thinking, *web; /* the /think and /web given meanwhile */
	unsigned ticket;
	struct store_fork made;
	struct conv *conv; /* the fork as stored, and its messages */
	struct store_msgs loaded;
};

struct job_export {
	char *path;
	char *line;        /* the command as typed, back to the input on a failure */
	struct conv *conv; /* a guest's: a copy of the screen's; else read from the store */
	size_t nmsgs;
};

struct job {
	const struct job_kind *kind;
	struct chat *ch;
	unsigned serial;
	unsigned epoch;
	bool counted;

	int rc;
	char *cause;
	bool has_store; /* the store's state after the job, read on the worker */
	bool online;
	bool local;
	size_t outbox;
	size_t held;
	char *held_cause; /* why the held writes still wait, when some do */
	char *notices;    /* the profile's, moved from the backend */

	union {
		struct job_account account;
		struct job_adopt adopt;
		struct job_question question;
		struct job_answer answer;
		struct job_quota quota;
		struct job_list list;
		struct job_open open;
		struct job_edit edit;
		struct job_older older;
		struct job_export export;
		struct job_fork fork;
	} u;
};

/* jobs.c */
struct job *job_new(struct chat *ch, const struct job_kind *kind);
void job_submit(struct chat *ch, struct job *j);
void job_add_msg(struct job_msgs *v, struct msg *m);
void job_msgs_release(struct job_msgs *v);
void job_give_ids(struct job *j, struct job_msgs *v);
struct profile *backend_profile(struct backend *be);
void job_meta_fill(struct chat *ch, struct job_meta *m);
void job_meta_release(struct job_meta *m);
/* Whether the screen's messages a job points to are alive and the conversation its own. */
bool job_current(const struct job *j);
bool job_targets_alive(const struct job *j);
/* The store for the logged-in user (NULL with j->rc/-1 and j->cause when it fails or none). */
struct store *job_store(struct job *j);
/* Where the current user's requests are counted. */
struct quota_source backend_quota(struct backend *be);
void backend_set_user(struct backend *be, const char *id);
/* The stored conversation for this job's serial, from meta or created. */
const char *backend_conv(struct backend *be, struct job *j, struct job_meta *meta,
                         const struct msg *first);
void store_failed(struct chat *ch, struct job *j);
/* A read that failed: says so and what could not be read; nothing went unsaved. */
void store_read_failed(struct chat *ch, struct job *j, const char *what);

/* upload.c: looks up or uploads sent->upload, then calls then(ch) (files_stage says how). */
struct gemini_target;
struct gemini_request_info;
void chat_files_prepare(struct chat *ch, const struct gemini_target *t,
                        const struct gemini_request_info *sent, void (*then)(struct chat *ch));
/* Stops what is on its way (then never runs) and forgets the stage. */
void chat_files_cancel(struct chat *ch);
/* Forgets the stage once the request is built. */
void chat_files_reset(struct chat *ch);
void update_store_state(struct chat *ch);

/* state.c */
void chat_dirty(struct chat *ch, unsigned bits);
void chat_set_error(struct chat *ch, const char *msg);
bool chat_blank(const char *s);
int chat_need_login(struct chat *ch, char **cause);
void chat_set_rows(struct chat *ch, const struct store_conv_list *list);
/* Forgets a pending /edit (another conversation is on screen, or it was sent). */
void chat_edit_forget(struct chat *ch);
/* Gives the rows of these conversations their text (texts[i] taken, as list->items[i]). */
void chat_set_row_texts(struct chat *ch, const struct store_conv_list *list, char **texts);

/* usage.c */
/* The model's requests per minute and per day (0: no limit). */
void chat_limits(const struct chat *ch, const char *model, long *rpm, long *rpd);
void chat_count_quota(struct chat *ch);
/* The model's input limit as the API listed it, or 0. */
long chat_input_limit(const struct chat *ch);
/* 0 when a question of text (with the files pending) fits the model's input, else -1. */
int chat_check_context(struct chat *ch, const char *text, char **cause);

/* send.c */
void chat_catch_up(struct chat *ch, const struct job_meta *created);
void chat_arm_checkpoint(struct chat *ch);

/* account.c */
void chat_adopt(struct chat *ch);
void chat_set_user(struct chat *ch, const struct account_user *u);
extern const struct job_kind JOB_WHOAMI;

/* convs.c */
void chat_replace_conv(struct chat *ch, struct conv *c);
/* c's link to the conversation it was forked from (conv_fork_label), or NULL. */
char *chat_fork_label(const struct chat *ch, const struct conv *c);
/* Moves loaded messages into c (in front with front), leaving out answers /retry replaced. */
void chat_take_loaded(struct conv *c, struct store_msgs *v, bool front);
extern const struct job_kind JOB_LIST, JOB_RENAME, JOB_SET_MODEL, JOB_SET_SYSTEM;

#endif
