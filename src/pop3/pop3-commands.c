/* Copyright (c) Cove authors. See AUTHORS. */

/* The TRANSACTION state commands (RFC 1939 5: STAT, LIST, RETR, DELE,
   NOOP, RSET, QUIT, TOP, UIDL; RFC 2449 5: CAPA) and the UPDATE state
   that QUIT enters. Replies are worded as Dovecot words them, which
   clients and scripts have come to expect. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "ostream.h"
#include "mail-storage.h"
#include "pop3-settings.h"
#include "pop3-client.h"
#include "pop3-commands.h"

#include <ctype.h>

/* RFC 2449 6: the capabilities after login. */
static const char pop3_capability_reply[] =
	"+OK\r\n"
	"CAPA\r\n"
	"TOP\r\n"
	"UIDL\r\n"
	"RESP-CODES\r\n"
	"PIPELINING\r\n"
	"AUTH-RESP-CODE\r\n"
	".\r\n";

struct pop3_command {
	const char *name;
	int (*func)(struct client *client, const char *args);
};

static int client_error(struct client *client, const char *error)
{
	client_send_line(client, t_strconcat("-ERR ", error, NULL));
	return -1;
}

/* Parses a decimal number at *p, moving *p past its digits. Returns 1,
   0 if there is no number, -1 if it overflows. */
static int pop3_parse_number(const char **p, uoff_t max, uoff_t *num_r)
{
	const char *s = *p;
	uoff_t num = 0;
	bool overflow = false;

	if (!isdigit((unsigned char)*s))
		return 0;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned int digit = *s - '0';

		if (num > (max - digit) / 10)
			overflow = true;
		else
			num = num * 10 + digit;
	}
	*p = s;
	*num_r = num;
	return overflow ? -1 : 1;
}

/* Parses the message number at the start of *args. last_arg: nothing
   may follow; else a space must, and *args is moved to what follows it.
   Returns 0 with the existing, undeleted message's seq_r, or -1 after
   replying -ERR. */
static int client_get_msgnum(struct client *client, const char **args,
			     bool last_arg, uint32_t *seq_r)
{
	const char *p = *args;
	uoff_t num;
	int ret;

	ret = pop3_parse_number(&p, UINT32_MAX, &num);
	if (ret == 0) {
		return client_error(client, t_strconcat(
			"Invalid message number: ", *args, NULL));
	}
	if (ret < 0) {
		return client_error(client, t_strconcat(
			"Message number too large: ", p, NULL));
	}
	if (num == 0 || num > client->messages_count) {
		return client_error(client, t_strdup_printf(
			"There's no message %llu.", (unsigned long long)num));
	}
	if (client->deleted[num - 1])
		return client_error(client, "Message is deleted.");
	if (last_arg ? *p != '\0' : *p != ' ') {
		return client_error(client, t_strconcat(
			"Noise after message number: ", p, NULL));
	}
	while (*p == ' ')
		p++;
	*args = p;
	*seq_r = num;
	return 0;
}

static int cmd_capa(struct client *client, const char *args ATTR_UNUSED)
{
	o_stream_nsend_str(client->worker.output, pop3_capability_reply);
	return 0;
}

static int cmd_dele(struct client *client, const char *args)
{
	uint32_t seq;

	if (client_get_msgnum(client, &args, true, &seq) < 0)
		return -1;
	client->deleted[seq - 1] = true;
	client->deleted_count++;
	client->deleted_size += client->sizes[seq - 1];
	client_send_line(client, "+OK Marked to be deleted.");
	return 0;
}

static int cmd_list(struct client *client, const char *args)
{
	string_t *str;
	uint32_t seq;

	if (args[0] != '\0') {
		if (client_get_msgnum(client, &args, true, &seq) < 0)
			return -1;
		client_send_line(client, t_strdup_printf("+OK %u %llu", seq,
			(unsigned long long)client->sizes[seq - 1]));
		return 0;
	}
	str = t_str_new(client->messages_count * 16 + 64);
	str_printfa(str, "+OK %u messages:\r\n",
		    client->messages_count - client->deleted_count);
	for (seq = 1; seq <= client->messages_count; seq++) {
		if (!client->deleted[seq - 1]) {
			str_printfa(str, "%u %llu\r\n", seq,
				    (unsigned long long)client->sizes[seq - 1]);
		}
	}
	str_append(str, ".\r\n");
	o_stream_nsend(client->worker.output, str_data(str), str_len(str));
	return 0;
}

static int cmd_noop(struct client *client, const char *args ATTR_UNUSED)
{
	client_send_line(client, "+OK");
	return 0;
}

/* RFC 1939 6: the UPDATE state removes the messages marked as deleted;
   the retrieved ones that stay get \Seen first. */
static int cmd_quit(struct client *client, const char *args ATTR_UNUSED)
{
	const char *error;

	client->quit = true;
	if (client->seen_pending != NULL)
		client_update_seen(client);
	if (client->deleted_count == 0) {
		client_send_line(client, "+OK Logging out.");
		return 0;
	}
	if (mailbox_expunge_marked(client->mailbox, client->deleted, NULL,
				   NULL, &error) < 0) {
		client_send_storage_error(client, t_strconcat(
			"Expunging deleted messages failed: ", error, NULL));
		return -1;
	}
	client_send_line(client, "+OK Logging out, messages deleted.");
	return 0;
}

/* Opens message seq and starts sending it after reply. */
static int client_send_message(struct client *client, uint32_t seq,
			       const char *reply, bool top, uoff_t top_lines)
{
	struct istream *input;
	const char *error;
	int ret;

	ret = mailbox_open_mail_stream(client->mailbox, seq, &input, &error);
	if (ret < 0) {
		client_send_storage_error(client, error);
		return -1;
	}
	if (ret == 0)
		return client_error(client, "Message was expunged.");
	client_send_line(client, reply);
	client_send_mail(client, input, top, top_lines);
	return 0;
}

static int cmd_retr(struct client *client, const char *args)
{
	uint32_t seq;

	if (client_get_msgnum(client, &args, true, &seq) < 0)
		return -1;
	if (client_send_message(client, seq, t_strdup_printf(
			"+OK %llu octets",
			(unsigned long long)client->sizes[seq - 1]),
			false, 0) < 0)
		return -1;
	client->retr_count++;
	if (!client->set->pop3_no_flag_updates)
		client->seen_pending[seq - 1] = true;
	return 0;
}

static int cmd_rset(struct client *client, const char *args ATTR_UNUSED)
{
	memset(client->deleted, 0, client->messages_count * sizeof(bool));
	client->deleted_count = 0;
	client->deleted_size = 0;
	if (client->seen_pending != NULL) {
		memset(client->seen_pending, 0,
		       client->messages_count * sizeof(bool));
	}
	client_send_line(client, "+OK");
	return 0;
}

static int cmd_stat(struct client *client, const char *args ATTR_UNUSED)
{
	client_send_line(client, t_strdup_printf("+OK %u %llu",
		client->messages_count - client->deleted_count,
		(unsigned long long)(client->total_size -
				     client->deleted_size)));
	return 0;
}

static int cmd_top(struct client *client, const char *args)
{
	const char *p;
	uint32_t seq;
	uoff_t lines;
	int ret;

	if (client_get_msgnum(client, &args, false, &seq) < 0)
		return -1;
	p = args;
	ret = pop3_parse_number(&p, UINT64_MAX, &lines);
	if (ret == 0)
		return client_error(client, t_strconcat("Invalid size: ",
							args, NULL));
	if (ret < 0)
		return client_error(client, t_strconcat("Size too large: ",
							args, NULL));
	if (*p != '\0')
		return client_error(client, t_strconcat("Noise after size: ",
							p, NULL));
	if (client_send_message(client, seq, "+OK", true, lines) < 0)
		return -1;
	client->top_count++;
	return 0;
}

/* Appends "<seq> <uidl>\r\n". */
static void client_append_uidl(struct client *client, string_t *str,
			       uint32_t seq)
{
	const struct mail_record *rec = mailbox_get_record(client->mailbox,
							   seq);
	const char *error;

	str_printfa(str, "%u ", seq);
	/* the format was checked with the settings */
	if (pop3_uidl_expand(str, client->set->pop3_uidl_format, rec->uid,
			     client->uidvalidity, &error) < 0)
		i_panic("pop3_uidl_format: %s", error);
	str_append(str, "\r\n");
}

static int cmd_uidl(struct client *client, const char *args)
{
	string_t *str;
	uint32_t seq;

	str = t_str_new(client->messages_count * 24 + 64);
	if (args[0] != '\0') {
		if (client_get_msgnum(client, &args, true, &seq) < 0)
			return -1;
		str_append(str, "+OK ");
		client_append_uidl(client, str, seq);
	} else {
		str_append(str, "+OK\r\n");
		for (seq = 1; seq <= client->messages_count; seq++) {
			if (!client->deleted[seq - 1])
				client_append_uidl(client, str, seq);
		}
		str_append(str, ".\r\n");
	}
	o_stream_nsend(client->worker.output, str_data(str), str_len(str));
	return 0;
}

static const struct pop3_command pop3_commands[] = {
	{ "CAPA", cmd_capa },
	{ "DELE", cmd_dele },
	{ "LIST", cmd_list },
	{ "NOOP", cmd_noop },
	{ "QUIT", cmd_quit },
	{ "RETR", cmd_retr },
	{ "RSET", cmd_rset },
	{ "STAT", cmd_stat },
	{ "TOP", cmd_top },
	{ "UIDL", cmd_uidl },
};

int client_command_execute(struct client *client, const char *name,
			   const char *args)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(pop3_commands); i++) {
		if (strcmp(pop3_commands[i].name, name) == 0)
			return pop3_commands[i].func(client, args);
	}
	if (name[0] == '\0')
		return client_error(client, "Unknown command.");
	return client_error(client, t_strconcat("Unknown command: ", name,
						NULL));
}
