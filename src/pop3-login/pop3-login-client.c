/* Copyright (c) Cove authors. See AUTHORS. */
/* The POP3 side of a pre-login client: greeting, reading command lines,
   and the replies for the SASL exchange with RFC 3206 response codes.
   Commands are read one line at a time and stop as soon as an
   authentication starts, so what the client pipelined after a successful
   PASS or AUTH stays buffered and goes to the worker with the handoff. */

#include "lib.h"
#include "istream.h"
#include "hex-binary.h"
#include "randgen.h"
#include "master-service.h"
#include "master-service-settings.h"
#include "login-common.h"
#include "login-sasl.h"
#include "pop3-login-commands.h"
#include "pop3-login-client.h"

#include <time.h>

/* Random bytes in the APOP timestamp */
#define POP3_CLIENT_APOP_RANDOM_SIZE 8

static void pop3_client_send_line(struct pop3_client *client,
				  const char *line)
{
	client_send_raw(&client->common, t_strconcat(line, "\r\n", NULL));
}

void pop3_client_send_ok(struct pop3_client *client, const char *text)
{
	pop3_client_send_line(client, text == NULL ? "+OK" :
			      t_strconcat("+OK ", text, NULL));
}

void pop3_client_send_err(struct pop3_client *client, const char *text)
{
	pop3_client_send_line(client, t_strconcat("-ERR ", text, NULL));
}

void pop3_client_send_bad(struct pop3_client *client, const char *text)
{
	pop3_client_send_err(client, text);
	(void)client_bad_command(&client->common);
}

static void pop3_client_input(struct client *client)
{
	struct pop3_client *pop3_client = (struct pop3_client *)client;
	const char *line;

	while (!client_is_busy(client) &&
	       (line = i_stream_next_line(client->input)) != NULL) {
		T_BEGIN {
			pop3_login_commands_run(pop3_client, line);
		} T_END;
	}
}

static struct client *pop3_client_alloc(pool_t pool)
{
	struct pop3_client *client = p_new(pool, struct pop3_client, 1);

	return &client->common;
}

static void pop3_client_destroy(struct client *client)
{
	struct pop3_client *pop3_client = (struct pop3_client *)client;

	i_free(pop3_client->last_user);
	i_free(pop3_client->apop_challenge);
}

/* RFC 1939 7: a msg-id unique to this greeting, "<PID.TIME.RANDOM@HOST>"
   (temporary frame). */
static const char *pop3_client_apop_challenge(void)
{
	unsigned char rand[POP3_CLIENT_APOP_RANDOM_SIZE];
	const char *hostname = master_service_settings_get_hostname(
		master_service_get_common_settings(master_service));

	random_fill(rand, sizeof(rand));
	return t_strdup_printf("<%ld.%lld.%s@%s>", (long)getpid(),
			       (long long)time(NULL),
			       binary_to_hex(rand, sizeof(rand)), hostname);
}

/* RFC 1939 4; when the auth server offers APOP, the greeting ends with
   the timestamp that APOP's digest covers. */
static void pop3_client_send_greeting(struct client *client)
{
	struct pop3_client *pop3_client = (struct pop3_client *)client;
	const char *challenge;

	if (!login_sasl_mech_is_offered(auth_client_get_mechs(auth_client),
					"APOP")) {
		pop3_client_send_ok(pop3_client, login_set->login_greeting);
		return;
	}
	challenge = pop3_client_apop_challenge();
	i_free(pop3_client->apop_challenge);
	pop3_client->apop_challenge = i_strdup(challenge);
	pop3_client_send_ok(pop3_client, t_strconcat(
		login_set->login_greeting, " ", challenge, NULL));
}

static void pop3_client_notify_disconnect(struct client *client,
					  const char *text)
{
	pop3_client_send_err((struct pop3_client *)client, text);
}

static void pop3_client_input_too_long(struct client *client)
{
	pop3_client_send_err((struct pop3_client *)client,
			     "Input line too long.");
}

static void pop3_client_auth_send_challenge(struct client *client,
					    const char *data_base64)
{
	/* RFC 5034 4: "+ " and the base64 challenge */
	client_send_raw(client, t_strconcat("+ ", data_base64, "\r\n", NULL));
}

/* RFC 3206: [AUTH] when the credentials (or how they were sent) are the
   problem, [SYS/TEMP] when trying again later may work. */
static const char *const pop3_client_auth_result_prefixes[] = {
	[CLIENT_AUTH_RESULT_AUTHFAILED] = "[AUTH] ",
	[CLIENT_AUTH_RESULT_TEMPFAIL] = "[SYS/TEMP] ",
	[CLIENT_AUTH_RESULT_ABORTED] = "",
	[CLIENT_AUTH_RESULT_INVALID_BASE64] = "[AUTH] ",
	[CLIENT_AUTH_RESULT_MECH_INVALID] = "[AUTH] ",
	[CLIENT_AUTH_RESULT_SSL_REQUIRED] = "[AUTH] ",
	[CLIENT_AUTH_RESULT_INTERNAL_ERROR] = "[SYS/TEMP] ",
	[CLIENT_AUTH_RESULT_LIMIT] = "[IN-USE] ",
	[CLIENT_AUTH_RESULT_AUTHFAILED_REASON] = "[AUTH] ",
	[CLIENT_AUTH_RESULT_NOLOGIN] = "[AUTH] ",
};

static void pop3_client_auth_result(struct client *client,
				    enum client_auth_result result,
				    const char *text)
{
	struct pop3_client *pop3_client = (struct pop3_client *)client;

	i_assert(result < N_ELEMENTS(pop3_client_auth_result_prefixes));
	/* a failed attempt forgets USER: PASS needs a new one */
	i_free(pop3_client->last_user);
	pop3_client_send_err(pop3_client, t_strconcat(
		pop3_client_auth_result_prefixes[result], text, NULL));
}

const struct client_vfuncs pop3_client_vfuncs = {
	.alloc = pop3_client_alloc,
	.destroy = pop3_client_destroy,
	.send_greeting = pop3_client_send_greeting,
	.input = pop3_client_input,
	.notify_disconnect = pop3_client_notify_disconnect,
	.input_too_long = pop3_client_input_too_long,
	.auth_send_challenge = pop3_client_auth_send_challenge,
	.auth_result = pop3_client_auth_result,
};
