/* Copyright (c) Cove authors. See AUTHORS. */
/* The SMTP side of a pre-login submission client: the 220 greeting,
   reading command lines (bounded by LOGIN_MAX_INBUF_SIZE), and the
   replies of the SASL exchange (RFC 4954 4, 6). Commands stop being read
   once AUTH starts, so what a client sends after it stays buffered and
   goes to the worker with the handoff. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "master-service.h"
#include "master-service-settings.h"
#include "smtp-reply.h"
#include "login-common.h"
#include "submission-login-commands.h"
#include "submission-login-client.h"

const char *submission_client_hostname(void)
{
	return master_service_settings_get_hostname(
		master_service_get_common_settings(master_service));
}

void submission_client_reply(struct submission_client *client,
			     unsigned int code, const char *enhanced_code,
			     const char *text)
{
	string_t *str = t_str_new(128);

	smtp_reply_append(str, code, enhanced_code, text);
	client_send_raw(&client->common, str_c(str));
}

void submission_client_reply_bad(struct submission_client *client,
				 unsigned int code, const char *enhanced_code,
				 const char *text)
{
	submission_client_reply(client, code, enhanced_code, text);
	(void)client_bad_command(&client->common);
}

static void submission_client_input(struct client *client)
{
	struct submission_client *sclient = (struct submission_client *)client;
	const char *line;

	while (!client_is_busy(client) &&
	       (line = i_stream_next_line(client->input)) != NULL) {
		T_BEGIN {
			submission_login_commands_run(sclient, line);
		} T_END;
	}
}

static struct client *submission_client_alloc(pool_t pool)
{
	struct submission_client *client =
		p_new(pool, struct submission_client, 1);

	return &client->common;
}

/* The SMTP part holds nothing of its own to free. */
static void submission_client_destroy(struct client *client ATTR_UNUSED)
{
}

/* RFC 5321 4.2: "220 domain text"; the "ESMTP" word is customary. */
static void submission_client_send_greeting(struct client *client)
{
	submission_client_reply((struct submission_client *)client, 220, NULL,
		t_strconcat(submission_client_hostname(), " ",
			    login_set->login_greeting, NULL));
}

/* RFC 5321 3.8: 421 when the server closes the connection. */
static void submission_client_notify_disconnect(struct client *client,
						const char *text)
{
	submission_client_reply((struct submission_client *)client, 421,
				"4.4.2", text);
}

static void submission_client_input_too_long(struct client *client)
{
	submission_client_reply((struct submission_client *)client, 500,
				"5.5.2", "Line too long");
}

static void submission_client_auth_send_challenge(struct client *client,
						  const char *data_base64)
{
	client_send_raw(client, t_strconcat("334 ", data_base64, "\r\n",
					    NULL));
}

/* RFC 4954 6 and RFC 3463 codes per outcome. */
static const struct {
	unsigned int code;
	const char *enhanced_code;
} submission_client_auth_replies[] = {
	[CLIENT_AUTH_RESULT_AUTHFAILED] = { 535, "5.7.8" },
	[CLIENT_AUTH_RESULT_TEMPFAIL] = { 454, "4.7.0" },
	[CLIENT_AUTH_RESULT_ABORTED] = { 501, "5.5.2" },
	[CLIENT_AUTH_RESULT_INVALID_BASE64] = { 501, "5.5.2" },
	[CLIENT_AUTH_RESULT_MECH_INVALID] = { 504, "5.5.4" },
	[CLIENT_AUTH_RESULT_SSL_REQUIRED] = { 538, "5.7.11" },
	[CLIENT_AUTH_RESULT_INTERNAL_ERROR] = { 454, "4.7.0" },
	[CLIENT_AUTH_RESULT_LIMIT] = { 454, "4.7.0" },
	[CLIENT_AUTH_RESULT_AUTHFAILED_REASON] = { 535, "5.7.8" },
	[CLIENT_AUTH_RESULT_NOLOGIN] = { 535, "5.7.8" },
};

static void submission_client_auth_result(struct client *client,
					  enum client_auth_result result,
					  const char *text)
{
	i_assert(result < N_ELEMENTS(submission_client_auth_replies));
	/* RFC 3207 4: what a server that wants TLS first says */
	if (result == CLIENT_AUTH_RESULT_SSL_REQUIRED &&
	    client_starttls_available(client)) {
		submission_client_reply((struct submission_client *)client,
			530, "5.7.0", "Must issue a STARTTLS command first");
		return;
	}
	submission_client_reply((struct submission_client *)client,
		submission_client_auth_replies[result].code,
		submission_client_auth_replies[result].enhanced_code, text);
}

const struct client_vfuncs submission_client_vfuncs = {
	.alloc = submission_client_alloc,
	.destroy = submission_client_destroy,
	.send_greeting = submission_client_send_greeting,
	.input = submission_client_input,
	.notify_disconnect = submission_client_notify_disconnect,
	.input_too_long = submission_client_input_too_long,
	.auth_send_challenge = submission_client_auth_send_challenge,
	.auth_result = submission_client_auth_result,
};
