/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_CLIENT_H
#define IMAP_CLIENT_H

/* One logged-in IMAP connection: reads command lines with the lib-imap
   parser, runs one command at a time, and writes the replies. A command
   that has much to send (FETCH of large bodies) continues from the
   output stream's flush callback; input is not read meanwhile. */

#include "imap-parser.h"
#include "imap-seqset.h"
#include "mail-worker-client.h"

struct client;
struct client_command_context;
struct imap_search_update;
struct imap_notify;
struct login_handoff;
struct mail_user;
struct mailbox;
struct imap_settings;
struct imap_command;

enum client_state {
	/* Authenticated, no mailbox selected. */
	CLIENT_STATE_AUTH,
	CLIENT_STATE_SELECTED,
};

/* Called again when a command could not finish at once; returns true
   when it has finished (the tagged reply is then sent). */
typedef bool client_command_func_t(struct client_command_context *cmd);

struct client_command_context {
	struct client *client;
	/* Freed when the command finishes. */
	pool_t pool;
	const char *tag;
	/* Upper-case name as the client sent it ("FETCH"). */
	const char *name;
	/* The command was prefixed with UID. */
	bool uid;
	const struct imap_arg *args;
	const struct imap_command *command;

	/* Set by a command that continues later. */
	client_command_func_t *func;
	/* Frees what the command holds (called also if the client
	   disconnects before it finishes). */
	void (*deinit)(struct client_command_context *cmd);
	/* Set by a command that reads the client's next lines itself
	   (IDLE waits for DONE); input goes on while it runs. Called with
	   each line: its first word and the rest (word NULL if the line
	   does not parse); the command's own args are gone by then.
	   Returns true when the command has finished. */
	bool (*input)(struct client_command_context *cmd, const char *word,
		      const struct imap_arg *args);
	void *context;

	/* Tagged reply without the tag ("OK Fetch completed."). */
	const char *reply;
	bool reply_bad;
};

struct client {
	/* First member: the shared part, with the streams. */
	struct mail_worker_client worker;
	struct imap_parser *parser;
	const struct imap_settings *set;

	struct mailbox *mailbox;
	enum client_state state;
	/* EXISTS and RECENT as last told to the client. */
	uint32_t messages_count;
	uint32_t recent_count;
	/* Keyword names in the FLAGS list last sent. */
	unsigned int keywords_count;
	/* SEARCHRES (RFC 5182): UIDs of the last SEARCH RETURN (SAVE), the
	   "$" of sequence sets; emptied when a mailbox is closed. */
	ARRAY_TYPE(seq_range) search_saved_uids;
	/* CONTEXT=SEARCH: the searches made with RETURN (UPDATE). */
	ARRAY(struct imap_search_update *) search_updates;
	/* NOTIFY SET (RFC 5465); NULL without one. */
	struct imap_notify *notify;

	/* Command being read (strings from the parser). */
	const char *cmd_tag;
	const char *cmd_name;
	bool cmd_uid;
	/* Command still running (waiting for output to drain). */
	struct client_command_context *cmd;

	/* RFC 7162: CONDSTORE is on (ENABLE, or a command that uses it);
	   QRESYNC (which implies it) is on. */
	bool condstore_enabled;
	bool qresync_enabled;
	/* QRESYNC: the command sent VANISHED (its tagged OK then gets
	   [HIGHESTMODSEQ]). */
	bool vanished_sent;

	unsigned int bad_counter;
	/* LOGOUT: disconnect after the tagged reply. */
	bool logout;
	/* COMPRESS: start compressing after the tagged reply; it is on. */
	bool compress_start;
	bool compress_active;
};

/* The worker's client_start (see mail-worker.h): takes ownership of fd
   and user, sends the tagged OK of the LOGIN command (handoff->tag) and
   starts reading, first the input the login process read after LOGIN
   (handoff->input). set: struct imap_settings. */
struct mail_worker_client *
client_start(int fd, const void *set, struct mail_user *user,
	     const struct login_handoff *handoff);
/* Continues the session on fd (COMPRESS's filter): see
   mail_worker_client_replace_fd(); the command parser starts afresh. */
void client_replace_fd(struct client *client, int fd);
/* See mail_worker_client_disconnect(). */
void client_disconnect(struct client *client, const char *reason);

/* The CAPABILITY list (imap_capability setting applied). */
const char *client_get_capability(const struct client *client);

/* Sends one line; CRLF is appended. */
void client_send_line(struct client *client, const char *line);
/* Sets the tagged reply ("OK ...", "NO ...") of cmd. */
void client_cmd_reply(struct client_command_context *cmd, const char *reply);
/* Sets the tagged reply to "BAD Error in IMAP command [UID ]NAME: error". */
void client_cmd_bad(struct client_command_context *cmd, const char *error);
/* Tagged NO for a storage failure: logs error, tells the client less. */
void client_cmd_storage_error(struct client_command_context *cmd,
			      const char *error);

/* Syncs the mailbox, sends the tagged reply and frees cmd. */
void client_command_finish(struct client_command_context *cmd);
/* Frees cmd without replying. */
void client_command_free(struct client_command_context *cmd);

/* Deselects the mailbox (if any): closes it without expunging. */
void client_close_mailbox(struct client *client);

#endif
