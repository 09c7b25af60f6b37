/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_CONDSTORE_H
#define IMAP_CONDSTORE_H

/* CONDSTORE and QRESYNC (RFC 7162): turning them on, mod-sequence
   arguments, the SELECT/EXAMINE parameters and what SELECT sends for
   them, and VANISHED replies. The per-command parts (FETCH CHANGEDSINCE,
   STORE UNCHANGEDSINCE, STATUS HIGHESTMODSEQ) live with their commands
   and use these helpers. */

#include "str.h"
#include "imap-client.h"

struct mail_record;

/* Parsed SELECT/EXAMINE parameters. */
struct imap_condstore_select {
	bool condstore;
	/* QRESYNC (uidvalidity modseq [known-uids [seq-match]]) */
	bool qresync;
	uint32_t uidvalidity;
	uint64_t modseq;
	/* known-uids, as UIDs (empty: every UID, RFC 7162 3.2.5) */
	ARRAY_TYPE(seq_range) known_uids;
};

/* ENABLE features; return false if the feature was on already. QRESYNC
   turns on CONDSTORE too (RFC 7162 3.2.3). */
bool imap_condstore_enable(struct client *client);
bool imap_qresync_enable(struct client *client);
/* Returns false with error_r (for BAD, RFC 7162 3.1.2.2) if the
   selected mailbox has no mod-sequences (NOMODSEQ). */
bool imap_condstore_check_modseqs(struct client *client,
				  const char **error_r);
/* Turns CONDSTORE on for a command that uses it (RFC 7162 3.1); if it
   was off and a mailbox is selected, its HIGHESTMODSEQ is sent, as
   SELECT would have (3.1.2.1). */
void imap_condstore_turn_on(struct client *client);

/* Parses a mod-sequence: a number from 1 (0 too if allow_zero, as for
   UNCHANGEDSINCE) up to 2^63-1. Returns false if arg is not one. */
bool imap_condstore_parse_modseq(const struct imap_arg *arg, bool allow_zero,
				 uint64_t *modseq_r);

/* Parses the optional SELECT/EXAMINE parameter list args (at the
   argument after the mailbox name, up to EOL). Returns 0, or -1 with
   error_r (for a BAD reply). QRESYNC without ENABLE QRESYNC is an
   error. */
int imap_condstore_select_parse(struct client *client,
				const struct imap_arg *args,
				struct imap_condstore_select *sel_r,
				const char **error_r);
/* Sends the HIGHESTMODSEQ (or NOMODSEQ) line of SELECT/EXAMINE and, for
   QRESYNC with the mailbox's UIDVALIDITY, VANISHED (EARLIER) and the
   FETCH replies of what changed since sel->modseq. */
void imap_condstore_select_send(struct client *client,
				const struct imap_condstore_select *sel);

/* Sends "* VANISHED (EARLIER) set" of the UIDs in uids (1:* if NULL)
   that are not in the view, if modseq is below the mailbox's last
   expunge (the expunged UIDs themselves are not kept: see
   mailbox_get_expunge_modseq()). */
void imap_condstore_send_vanished_earlier(struct client *client,
					  const ARRAY_TYPE(seq_range) *uids,
					  uint64_t modseq);

/* Builds a set of ascending numbers ("1:3,7") one number at a time. */
struct imap_condstore_set {
	string_t *str;
	/* the pending range (first 0: none) */
	uint32_t first, last;
	bool written;
};
void imap_condstore_set_init(struct imap_condstore_set *set, string_t *str);
void imap_condstore_set_add(struct imap_condstore_set *set, uint32_t num);
/* Appends what is pending; returns false if the set is empty. */
bool imap_condstore_set_finish(struct imap_condstore_set *set);

/* Appends "MODSEQ (n)" for rec. */
void imap_condstore_append_modseq(string_t *str,
				  const struct mail_record *rec);
/* The tagged reply of a command, with "[HIGHESTMODSEQ n]" added to an
   OK without a response code if it sent VANISHED (RFC 7162 3.2.10);
   resets that state. From the temporary frame, or reply itself. */
const char *imap_condstore_tagged_reply(struct client *client,
					const char *reply);

#endif
