/* Copyright (c) Cove authors. See AUTHORS. */
/* The IMAP side of a pre-login client: greeting, reading tagged commands
   with the lib-imap parser, and the replies for the SASL exchange. */

#include "lib.h"
#include "istream.h"
#include "str.h"
#include "ostream.h"
#include "imap-parser.h"
#include "imap-id.h"
#include "login-common.h"
#include "imap-login-settings.h"
#include "imap-login-capability.h"
#include "imap-login-commands.h"
#include "imap-login-client.h"

#include <strings.h>

const struct imap_login_settings *imap_login_set;

void imap_client_send_line(struct imap_client *client, const char *line)
{
	client_send_raw(&client->common, t_strconcat(line, "\r\n", NULL));
}

void imap_client_send_tagline(struct imap_client *client, const char *text)
{
	const char *tag = client->common.cmd_tag;

	i_assert(tag != NULL);
	client_send_raw(&client->common,
			t_strconcat(tag, " ", text, "\r\n", NULL));
}

void imap_client_send_bad(struct imap_client *client, const char *text)
{
	imap_client_send_tagline(client, t_strconcat("BAD ", text, NULL));
	(void)client_bad_command(&client->common);
}

const char *imap_client_get_capability(struct imap_client *client)
{
	string_t *str = t_str_new(128);

	imap_login_capability_append(str, imap_login_set->imap_capability,
		client_starttls_available(&client->common),
		client_plaintext_allowed(&client->common),
		client_get_advertised_mechs(&client->common));
	return str_c(str);
}

void imap_client_command_finish(struct imap_client *client)
{
	i_free(client->common.cmd_tag);
	i_free(client->cmd_name);
	imap_parser_reset(client->parser);
	client->cmd_start_offset = client->common.input->v_offset;
}

static void imap_client_input_too_long(struct client *client)
{
	imap_client_send_line((struct imap_client *)client,
			      "* BYE Input line too long.");
}

/* A parse error in the current command: BAD (after which the parser skips
   the rest of the line), or disconnect when the parser cannot recover (a
   non-synchronizing literal that is too large: its data would be taken
   for commands). */
static void imap_client_parse_error(struct imap_client *client)
{
	const char *error;
	bool fatal;

	error = imap_parser_get_error(client->parser, &fatal);
	if (fatal) {
		imap_client_input_too_long(&client->common);
		client_destroy(&client->common, error);
		return;
	}
	if (client->common.cmd_tag == NULL) {
		imap_client_send_line(client,
			"* BAD Error in IMAP command received by server.");
		(void)client_bad_command(&client->common);
	} else {
		imap_client_send_bad(client, error);
	}
	if (!client->common.destroyed)
		imap_client_command_finish(client);
}

/* Reads a word (tag or command name) into *word_r. Returns 1 when read,
   0 when more input is needed, -1 on a syntax error. */
static int imap_client_read_word(struct imap_client *client, char **word_r)
{
	const char *word;

	if (*word_r != NULL)
		return 1;
	word = imap_parser_read_word(client->parser);
	if (word == NULL)
		return 0;
	if (*word == '\0')
		return -1;
	*word_r = i_strdup(word);
	return 1;
}

/* Reads the tag, the command name, then the arguments. Returns 1 with
   args_r when the command is complete, 0 when more input is needed, -1
   on a parse error. */
static int imap_client_read_command(struct imap_client *client,
				    const struct imap_arg **args_r)
{
	int ret;

	ret = imap_client_read_word(client, &client->common.cmd_tag);
	if (ret > 0)
		ret = imap_client_read_word(client, &client->cmd_name);
	if (ret <= 0)
		return ret;
	ret = imap_parser_read_args(client->parser, 0, IMAP_PARSE_FLAG_NONE,
				    args_r);
	if (ret == -2)
		return 0;
	return ret < 0 ? -1 : 1;
}

static uoff_t imap_client_max_command_size(struct imap_client *client)
{
	if (client->cmd_name != NULL && strcasecmp(client->cmd_name, "ID") == 0)
		return IMAP_ID_MAX_ARGS_SIZE;
	return LOGIN_MAX_INBUF_SIZE;
}

/* Handles the next command. Returns true when it was handled (or failed
   to parse) and the next one may be read, false when more input is
   needed or the client is gone. */
static bool imap_client_input_command(struct imap_client *client)
{
	const struct imap_arg *args;
	int ret;

	ret = imap_client_read_command(client, &args);
	/* A pre-login command, literals included, fits in
	   LOGIN_MAX_INBUF_SIZE, except ID with the most and longest fields
	   RFC 2971 allows: a client sending more is not logging in. */
	if (client->common.input->v_offset - client->cmd_start_offset >
	    imap_client_max_command_size(client)) {
		imap_client_input_too_long(&client->common);
		client_destroy(&client->common, "Input line too long");
		return false;
	}
	if (ret == 0)
		return false;
	if (ret < 0) {
		imap_client_parse_error(client);
		return true;
	}
	imap_login_commands_run(client, client->cmd_name, args);
	/* an authentication keeps the tag until its result */
	if (!client_is_busy(&client->common))
		imap_client_command_finish(client);
	return true;
}

static void imap_client_input(struct client *client)
{
	struct imap_client *imap_client = (struct imap_client *)client;

	while (!client_is_busy(client) &&
	       imap_client_input_command(imap_client)) ;
}

static struct client *imap_client_alloc(pool_t pool)
{
	struct imap_client *client = p_new(pool, struct imap_client, 1);

	return &client->common;
}

static void imap_client_create(struct client *client)
{
	struct imap_client *imap_client = (struct imap_client *)client;

	/* The parser's line limit is only a backstop: the command length
	   check in imap_client_input_command() comes first. */
	imap_client->parser = imap_parser_create(client->input,
						 client->output,
						 IMAP_ID_MAX_ARGS_SIZE * 2,
						 LOGIN_MAX_INBUF_SIZE);
}

static void imap_client_starttls(struct client *client)
{
	struct imap_client *imap_client = (struct imap_client *)client;

	imap_parser_destroy(&imap_client->parser);
	imap_client_create(client);
}

static void imap_client_destroy(struct client *client)
{
	struct imap_client *imap_client = (struct imap_client *)client;

	imap_parser_destroy(&imap_client->parser);
	i_free(imap_client->cmd_name);
}

static void imap_client_send_greeting(struct client *client)
{
	struct imap_client *imap_client = (struct imap_client *)client;
	const char *greeting = login_set->login_greeting;

	/* Until the auth server has told its mechanisms the list would be
	   incomplete: leave it out and let the client ask later. */
	if (auth_client_is_connected(auth_client)) {
		greeting = t_strdup_printf("[CAPABILITY %s] %s",
			imap_client_get_capability(imap_client), greeting);
	}
	imap_client_send_line(imap_client,
			      t_strconcat("* OK ", greeting, NULL));
}

static void imap_client_notify_disconnect(struct client *client,
					  const char *text)
{
	imap_client_send_line((struct imap_client *)client,
			      t_strconcat("* BYE ", text, NULL));
}

static void imap_client_auth_send_challenge(struct client *client,
					    const char *data_base64)
{
	imap_client_send_line((struct imap_client *)client,
			      t_strconcat("+ ", data_base64, NULL));
}

static const char *const imap_client_auth_result_prefixes[] = {
	[CLIENT_AUTH_RESULT_AUTHFAILED] = "NO [AUTHENTICATIONFAILED]",
	[CLIENT_AUTH_RESULT_TEMPFAIL] = "NO [UNAVAILABLE]",
	[CLIENT_AUTH_RESULT_ABORTED] = "BAD",
	[CLIENT_AUTH_RESULT_INVALID_BASE64] = "BAD",
	[CLIENT_AUTH_RESULT_MECH_INVALID] = "NO",
	[CLIENT_AUTH_RESULT_SSL_REQUIRED] = "NO [PRIVACYREQUIRED]",
	[CLIENT_AUTH_RESULT_INTERNAL_ERROR] = "NO [UNAVAILABLE]",
	[CLIENT_AUTH_RESULT_LIMIT] = "NO [LIMIT]",
	[CLIENT_AUTH_RESULT_AUTHFAILED_REASON] = "NO [ALERT]",
	[CLIENT_AUTH_RESULT_NOLOGIN] = "NO [CONTACTADMIN]",
};

static void imap_client_auth_result(struct client *client,
				    enum client_auth_result result,
				    const char *text)
{
	struct imap_client *imap_client = (struct imap_client *)client;

	i_assert(result < N_ELEMENTS(imap_client_auth_result_prefixes));
	imap_client_send_tagline(imap_client, t_strconcat(
		imap_client_auth_result_prefixes[result], " ", text, NULL));
	imap_client_command_finish(imap_client);
}

const struct client_vfuncs imap_client_vfuncs = {
	.alloc = imap_client_alloc,
	.create = imap_client_create,
	.destroy = imap_client_destroy,
	.send_greeting = imap_client_send_greeting,
	.input = imap_client_input,
	.notify_disconnect = imap_client_notify_disconnect,
	.input_too_long = imap_client_input_too_long,
	.auth_send_challenge = imap_client_auth_send_challenge,
	.auth_result = imap_client_auth_result,
	.starttls = imap_client_starttls,
};
