/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MAIL_DELIVER_H
#define MAIL_DELIVER_H

/* Delivery of one spooled message to one user, shared by lmtp and
   cove-deliver: the uid checks and the temporary switch to the user's
   uid when running as root, opening the user's storage and mailbox,
   the trace headers (Return-Path, Delivered-To and optionally Received)
   and the save, which fsyncs the file and moves it into new/ before it
   returns. */

struct smtp_spool;
struct auth_user_reply;
struct mail_storage_settings;

struct mail_deliver_context {
	const struct mail_storage_settings *mail_set;
	struct smtp_spool *spool;
	/* Log prefix ("<session id>: "), or "" */
	const char *log_prefix;
	/* Message-ID for the log (mail_deliver_get_msgid()) */
	const char *msgid;
	/* Return-Path address without the brackets; "" for the null
	   sender */
	const char *sender;
	/* Delivered-To address, or NULL to add no Delivered-To */
	const char *rcpt_to;
	/* The whole Received header (name, folded value and final CRLF),
	   or NULL for none */
	const char *received;
	/* Mailbox to save to when it exists (else INBOX), or NULL */
	const char *mailbox;
	/* lda_mailbox_autocreate: create a missing mailbox (when its name
	   is invalid, INBOX is used and the log says why). */
	bool mailbox_autocreate;
};

/* The Message-ID of the spooled message, sanitised for logging, or
   "unspecified". */
const char *mail_deliver_get_msgid(struct smtp_spool *spool);

/* True if the header of the spooled message (its first 64 KB) has a
   Delivered-To for address ("addr" or "<addr>", compared
   case-insensitively): the MTA added it already (Postfix's local, or
   pipe with flag D). */
bool mail_deliver_has_delivered_to(struct smtp_spool *spool,
				   const char *address);

/* A Received header for an LMTP delivery:
   "Received: from HELO ([IP])\r\n\tby HOSTNAME with LMTP id ID\r\n"
   "\tfor <RCPT>; DATE\r\n". remote_ip may be NULL (unix socket). */
const char *mail_deliver_lmtp_received(const char *helo,
				       const char *remote_ip,
				       const char *hostname,
				       const char *session_id,
				       const char *rcpt_to);

/* Delivers the spooled message to user and logs the result ("saved mail
   to INBOX", or the failure naming the user and mailbox). Returns 0 once
   the message is on disk, or -1 with error_r (*mailbox_r names the
   mailbox for the caller's own message). */
int mail_deliver(const struct mail_deliver_context *ctx,
		 const struct auth_user_reply *user,
		 const char **mailbox_r, const char **error_r);

#endif
