/* Copyright (c) Cove authors. See AUTHORS. */

/* CONDSTORE and QRESYNC (RFC 7162) helpers, see imap-condstore.h. The
   mod-sequences themselves come from the mailbox (mail_record.modseq,
   mailbox_status.highest_modseq); this file only speaks the protocol. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "strfuncs.h"
#include "mail-storage.h"
#include "imap-modseq.h"
#include "imap-keywords.h"
#include "imap-commands.h"
#include "imap-condstore.h"

#include <strings.h>

bool imap_condstore_check_modseqs(struct client *client,
				  const char **error_r)
{
	struct mailbox_status status;

	mailbox_get_status(client->mailbox, &status);
	if (status.highest_modseq != 0)
		return true;
	*error_r = "Mailbox has no modsequences (NOMODSEQ)";
	return false;
}

void imap_condstore_turn_on(struct client *client)
{
	struct mailbox_status status;

	if (client->condstore_enabled)
		return;
	client->condstore_enabled = true;
	if (client->mailbox == NULL)
		return;
	mailbox_get_status(client->mailbox, &status);
	if (status.highest_modseq != 0) {
		client_send_line(client, t_strdup_printf(
			"* OK [HIGHESTMODSEQ %llu] Highest",
			(unsigned long long)status.highest_modseq));
	}
}

bool imap_condstore_enable(struct client *client)
{
	if (client->condstore_enabled)
		return false;
	imap_condstore_turn_on(client);
	return true;
}

bool imap_qresync_enable(struct client *client)
{
	if (client->qresync_enabled)
		return false;
	client->qresync_enabled = true;
	imap_condstore_turn_on(client);
	return true;
}

bool imap_condstore_parse_modseq(const struct imap_arg *arg, bool allow_zero,
				 uint64_t *modseq_r)
{
	const char *str;

	return imap_arg_get_atom(arg, &str) &&
		imap_modseq_parse(str, allow_zero, modseq_r);
}

/* Parses "(uidvalidity modseq [known-uids [(seqs uids)]])". The
   seq-match data is checked but not used: it only saves work for a
   server that has no expunged UIDs to report. */
static int imap_condstore_parse_qresync(const struct imap_arg *list,
					struct imap_condstore_select *sel,
					const char **error_r)
{
	ARRAY_TYPE(seq_range) match_set;
	const struct imap_arg *match;
	const char *str;

	*error_r = "Invalid QRESYNC parameters";
	/* a modseq of 0 is taken as Dovecot does: everything changed */
	if (!imap_arg_get_atom(&list[0], &str) ||
	    str_to_uint32(str, &sel->uidvalidity) < 0 ||
	    sel->uidvalidity == 0 ||
	    !imap_condstore_parse_modseq(&list[1], true, &sel->modseq))
		return -1;
	list += 2;
	if (imap_arg_get_atom(list, &str)) {
		if (imap_seqset_parse(str, (uint32_t)-1, &sel->known_uids,
				      error_r) < 0)
			return -1;
		list++;
	}
	if (imap_arg_get_list(list, &match)) {
		t_array_init(&match_set, 4);
		for (unsigned int i = 0; i < 2; i++) {
			if (!imap_arg_get_atom(&match[i], &str) ||
			    imap_seqset_parse(str, (uint32_t)-1, &match_set,
					      error_r) < 0)
				return -1;
		}
		if (!imap_arg_is_eol(&match[2]))
			return -1;
		list++;
	}
	return imap_arg_is_eol(list) ? 0 : -1;
}

int imap_condstore_select_parse(struct client *client,
				const struct imap_arg *args,
				struct imap_condstore_select *sel_r,
				const char **error_r)
{
	const struct imap_arg *list, *qlist;
	const char *name;

	i_zero(sel_r);
	t_array_init(&sel_r->known_uids, 4);
	if (imap_arg_is_eol(args))
		return 0;
	if (!imap_arg_get_list(args, &list) || !imap_arg_is_eol(&args[1])) {
		*error_r = "Invalid arguments.";
		return -1;
	}
	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_arg_get_atom(list, &name)) {
			*error_r = "Invalid SELECT parameters";
			return -1;
		}
		if (strcasecmp(name, "CONDSTORE") == 0) {
			sel_r->condstore = true;
			continue;
		}
		if (strcasecmp(name, "QRESYNC") != 0) {
			*error_r = t_strdup_printf(
				"Unknown SELECT parameter %s", name);
			return -1;
		}
		if (!client->qresync_enabled) {
			*error_r = "QRESYNC not enabled";
			return -1;
		}
		if (sel_r->qresync || !imap_arg_get_list(++list, &qlist) ||
		    imap_condstore_parse_qresync(qlist, sel_r, error_r) < 0) {
			*error_r = "Invalid QRESYNC parameters";
			return -1;
		}
		sel_r->qresync = true;
	}
	return 0;
}

void imap_condstore_set_init(struct imap_condstore_set *set, string_t *str)
{
	i_zero(set);
	set->str = str;
}

static void imap_condstore_set_flush(struct imap_condstore_set *set)
{
	if (set->first == 0)
		return;
	if (set->written)
		str_append_c(set->str, ',');
	set->written = true;
	str_printfa(set->str, "%u", set->first);
	if (set->last != set->first)
		str_printfa(set->str, ":%u", set->last);
}

void imap_condstore_set_add(struct imap_condstore_set *set, uint32_t num)
{
	i_assert(num > set->last);
	if (set->first != 0 && num == set->last + 1) {
		set->last = num;
		return;
	}
	imap_condstore_set_flush(set);
	set->first = set->last = num;
}

bool imap_condstore_set_finish(struct imap_condstore_set *set)
{
	imap_condstore_set_flush(set);
	set->first = set->last = 0;
	return set->written;
}

/* Adds the UIDs uid1..uid2 that are not in the view to set. */
static void imap_condstore_add_missing(struct imap_condstore_set *set,
				       struct mailbox *box, uint32_t uid1,
				       uint32_t uid2)
{
	uint32_t seq, seq1, seq2, rec_uid, uid = uid1;

	if (mailbox_get_seq_range(box, uid1, uid2, &seq1, &seq2)) {
		for (seq = seq1; seq <= seq2; seq++) {
			rec_uid = mailbox_get_record_flags(box, seq)->uid;
			for (; uid < rec_uid; uid++)
				imap_condstore_set_add(set, uid);
			uid = rec_uid + 1;
		}
	}
	for (; uid <= uid2; uid++)
		imap_condstore_set_add(set, uid);
}

void imap_condstore_send_vanished_earlier(struct client *client,
					  const ARRAY_TYPE(seq_range) *uids,
					  uint64_t modseq)
{
	struct mailbox *box = client->mailbox;
	struct imap_condstore_set set;
	struct mailbox_status status;
	string_t *str;

	if (modseq >= mailbox_get_expunge_modseq(box))
		return;
	mailbox_get_status(box, &status);
	if (status.uidnext <= 1)
		return;
	str = t_str_new(128);
	str_append(str, "* VANISHED (EARLIER) ");
	imap_condstore_set_init(&set, str);
	if (uids == NULL || array_count(uids) == 0) {
		imap_condstore_add_missing(&set, box, 1, status.uidnext - 1);
	} else {
		array_foreach(uids, range) {
			if (range->seq1 >= status.uidnext)
				break;
			imap_condstore_add_missing(&set, box, range->seq1,
				I_MIN(range->seq2, status.uidnext - 1));
		}
	}
	if (imap_condstore_set_finish(&set))
		client_send_line(client, str_c(str));
}

void imap_condstore_append_modseq(string_t *str,
				  const struct mail_record *rec)
{
	/* a record the backend could not give one keeps the lowest */
	str_printfa(str, "MODSEQ (%llu)",
		    (unsigned long long)I_MAX(rec->modseq, 1));
}

/* QRESYNC: FETCH (UID FLAGS MODSEQ) of the messages changed since
   sel->modseq among the known UIDs. */
static void
imap_condstore_send_changed(struct client *client,
			    const struct imap_condstore_select *sel)
{
	struct mailbox *box = client->mailbox;
	const struct mail_record *rec;
	uint32_t seq, count = mailbox_get_count(box);
	string_t *str;

	for (seq = 1; seq <= count; seq++) T_BEGIN {
		rec = mailbox_get_record_flags(box, seq);
		if (rec->modseq > sel->modseq &&
		    (array_count(&sel->known_uids) == 0 ||
		     imap_seqset_contains(&sel->known_uids, rec->uid))) {
			str = t_str_new(128);
			str_printfa(str, "* %u FETCH (UID %u FLAGS ", seq,
				    rec->uid);
			imap_keywords_write_record(str, box, seq);
			str_append_c(str, ' ');
			imap_condstore_append_modseq(str, rec);
			str_append_c(str, ')');
			client_send_line(client, str_c(str));
		}
	} T_END;
}

void imap_condstore_select_send(struct client *client,
				const struct imap_condstore_select *sel)
{
	struct mailbox_status status;

	mailbox_get_status(client->mailbox, &status);
	if (status.highest_modseq == 0) {
		client_send_line(client, "* OK [NOMODSEQ] "
				 "No permanent modsequences");
		return;
	}
	client_send_line(client, t_strdup_printf(
		"* OK [HIGHESTMODSEQ %llu] Highest",
		(unsigned long long)status.highest_modseq));
	if (!sel->qresync || sel->uidvalidity != status.uidvalidity)
		return;
	imap_condstore_send_vanished_earlier(client, &sel->known_uids,
					     sel->modseq);
	imap_condstore_send_changed(client, sel);
}

const char *imap_condstore_tagged_reply(struct client *client,
					const char *reply)
{
	struct mailbox_status status;

	if (!client->vanished_sent)
		return reply;
	client->vanished_sent = false;
	if (client->mailbox == NULL || strncmp(reply, "OK ", 3) != 0 ||
	    reply[3] == '[')
		return reply;
	mailbox_get_status(client->mailbox, &status);
	return t_strdup_printf("OK [HIGHESTMODSEQ %llu] %s",
			       (unsigned long long)status.highest_modseq,
			       reply + 3);
}
