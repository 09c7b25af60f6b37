/* Copyright (c) Cove authors. See AUTHORS. */

/* Sequence sets of commands mapped onto the selected mailbox, including
   "$", the saved search result of SEARCHRES (RFC 5182). */

#include "lib.h"
#include "array.h"
#include "mail-storage.h"
#include "imap-client.h"
#include "imap-msgset.h"

static int imap_msgset_parse_seqs(struct mailbox *box, const char *str,
				  ARRAY_TYPE(seq_range) *seqs_r,
				  const char **error_r)
{
	uint32_t count = mailbox_get_count(box);
	unsigned int n;

	if (imap_seqset_parse(str, count, seqs_r, error_r) < 0)
		return -1;
	if (count == 0 && strchr(str, '*') != NULL) {
		/* "1:*" in an empty mailbox: nothing, as clients expect */
		array_clear(seqs_r);
		return 0;
	}
	n = array_count(seqs_r);
	if (n == 0 || array_idx(seqs_r, 0)->seq1 == 0 ||
	    array_idx(seqs_r, n - 1)->seq2 > count) {
		*error_r = "Invalid messageset";
		return -1;
	}
	return 0;
}

/* Maps the UID ranges onto the sequence ranges of the messages that
   exist. */
static void imap_msgset_uids_to_seqs(struct mailbox *box,
				     const ARRAY_TYPE(seq_range) *uids,
				     ARRAY_TYPE(seq_range) *seqs_r)
{
	struct seq_range seqs;

	array_clear(seqs_r);
	array_foreach(uids, range) {
		if (mailbox_get_seq_range(box, range->seq1, range->seq2,
					  &seqs.seq1, &seqs.seq2))
			array_push_back(seqs_r, &seqs);
	}
}

static int imap_msgset_parse_uids(struct mailbox *box, const char *str,
				  ARRAY_TYPE(seq_range) *seqs_r,
				  const char **error_r)
{
	ARRAY_TYPE(seq_range) uids;
	uint32_t count = mailbox_get_count(box);
	uint32_t last_uid = count == 0 ? 0 :
		mailbox_get_record(box, count)->uid;

	t_array_init(&uids, 8);
	if (imap_seqset_parse(str, last_uid, &uids, error_r) < 0)
		return -1;
	imap_msgset_uids_to_seqs(box, &uids, seqs_r);
	return 0;
}

int imap_msgset_parse(struct client *client, bool uid, const char *str,
		      ARRAY_TYPE(seq_range) *seqs_r, const char **error_r)
{
	if (strcmp(str, "$") == 0) {
		imap_msgset_uids_to_seqs(client->mailbox,
					 &client->search_saved_uids, seqs_r);
		return 0;
	}
	if (uid) {
		return imap_msgset_parse_uids(client->mailbox, str, seqs_r,
					      error_r);
	}
	return imap_msgset_parse_seqs(client->mailbox, str, seqs_r, error_r);
}
