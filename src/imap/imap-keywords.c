/* Copyright (c) Cove authors. See AUTHORS. */

/* Keywords in FETCH FLAGS, FLAGS and PERMANENTFLAGS. */

#include "lib.h"
#include "str.h"
#include "mail-storage.h"
#include "imap-flags.h"
#include "imap-client.h"
#include "imap-keywords.h"

void imap_keywords_write_record(string_t *dest, struct mailbox *box,
				uint32_t seq)
{
	const struct mail_record *rec = mailbox_get_record_flags(box, seq);
	const char *const *names;
	unsigned int count;

	names = mailbox_get_keywords(box, &count);
	imap_flags_write_keywords(dest, rec->flags, rec->keywords, names,
				  count);
}

/* Returns how many keyword names box has. */
static unsigned int imap_keywords_count(struct mailbox *box)
{
	const char *const *names;
	unsigned int i, count, used = 0;

	names = mailbox_get_keywords(box, &count);
	for (i = 0; i < count; i++) {
		if (names[i] != NULL)
			used++;
	}
	return used;
}

void imap_keywords_write_mailbox(string_t *dest, struct mailbox *box,
				 bool permanent)
{
	const char *const *names;
	unsigned int i, count;

	str_append(dest, "(" IMAP_FLAGS_PERMANENT);
	names = mailbox_get_keywords(box, &count);
	for (i = 0; i < count; i++) {
		if (names[i] != NULL)
			str_printfa(dest, " %s", names[i]);
	}
	if (permanent && imap_keywords_count(box) < MAIL_KEYWORDS_MAX)
		str_append(dest, " \\*");
	str_append_c(dest, ')');
}

void imap_keywords_send(struct client *client, bool force)
{
	struct mailbox *box = client->mailbox;
	unsigned int count = imap_keywords_count(box);
	string_t *str;

	if (!force && count == client->keywords_count)
		return;
	client->keywords_count = count;
	str = t_str_new(256);
	str_append(str, "* FLAGS ");
	imap_keywords_write_mailbox(str, box, false);
	client_send_line(client, str_c(str));
	if (mailbox_is_readonly(box)) {
		client_send_line(client,
			"* OK [PERMANENTFLAGS ()] Read-only mailbox.");
		return;
	}
	str_truncate(str, 0);
	str_append(str, "* OK [PERMANENTFLAGS ");
	imap_keywords_write_mailbox(str, box, true);
	str_append(str, "] Flags permitted.");
	client_send_line(client, str_c(str));
}

int imap_keywords_lookup(struct mailbox *box,
			 const ARRAY_TYPE(const_string) *names,
			 uint32_t *keywords_r, const char **error_r)
{
	unsigned int count;
	const char *const *arr = array_get(names, &count);

	return mailbox_keywords_lookup(box, arr, count, keywords_r, error_r);
}
