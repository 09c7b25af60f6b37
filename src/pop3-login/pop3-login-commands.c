/* Copyright (c) Cove authors. See AUTHORS. */
/* POP3 commands of the AUTHORIZATION state: CAPA (RFC 2449 5), USER,
   PASS, APOP and QUIT (RFC 1939 7), AUTH (RFC 5034 4) and STLS
   (RFC 2595 4).
   Everything else, including the TRANSACTION state's commands, is
   unknown here (RFC 1939 4 allows only these before login). */

#include "lib.h"
#include "str.h"
#include "base64.h"
#include "pop3-login-capability.h"
#include "pop3-login-client.h"
#include "pop3-login-commands.h"

#include <ctype.h>
#include <strings.h>

/* APOP's digest: hex MD5 */
#define POP3_LOGIN_APOP_DIGEST_LEN 32

struct pop3_login_command {
	const char *name;
	/* args: the rest of the line after the first space, or "" */
	void (*func)(struct pop3_client *client, const char *args);
};

static void cmd_capa(struct pop3_client *client, const char *args ATTR_UNUSED)
{
	string_t *str = t_str_new(256);

	str_append(str, "+OK\r\n");
	pop3_login_capability_append(str,
		client_starttls_available(&client->common),
		client_plaintext_allowed(&client->common),
		client_get_advertised_mechs(&client->common));
	str_append(str, ".\r\n");
	client_send_raw(&client->common, str_c(str));
}

static void cmd_quit(struct pop3_client *client, const char *args ATTR_UNUSED)
{
	pop3_client_send_ok(client, "Logging out");
	client_destroy(&client->common, "Logged out");
}

/* STLS (RFC 2595 4): +OK in plaintext, then the handshake. */
static void cmd_stls(struct pop3_client *client, const char *args ATTR_UNUSED)
{
	if (client->common.ssl) {
		pop3_client_send_err(client, "TLS is already active.");
		return;
	}
	if (!client_starttls_available(&client->common)) {
		pop3_client_send_err(client, "TLS support isn't enabled.");
		return;
	}
	pop3_client_send_ok(client, "Begin TLS negotiation now.");
	client_starttls(&client->common);
}

/* USER name: the whole rest of the line, spaces included. */
static void cmd_user(struct pop3_client *client, const char *args)
{
	if (!client_check_plaintext_auth(&client->common))
		return;
	i_free(client->last_user);
	client->last_user = i_strdup(args);
	pop3_client_send_ok(client, NULL);
}

/* PASS password: a PLAIN exchange with the auth server for USER's name.
   The user name is used once, whatever the outcome. */
static void cmd_pass(struct pop3_client *client, const char *args)
{
	const char *user;

	if (!client_check_plaintext_auth(&client->common))
		return;
	/* not a bad command: the client only got the order wrong */
	if (client->last_user == NULL) {
		pop3_client_send_err(client, "No username given.");
		return;
	}
	user = t_strdup(client->last_user);
	i_free(client->last_user);
	client_auth_begin_plain(&client->common, user, args);
}

static bool pop3_login_apop_digest_is_valid(const char *digest)
{
	unsigned int i;

	for (i = 0; i < POP3_LOGIN_APOP_DIGEST_LEN; i++) {
		if (!isxdigit((unsigned char)digest[i]))
			return false;
	}
	return digest[i] == '\0';
}

/* APOP name digest, the name being everything before the last space:
   an APOP request "timestamp NUL name NUL digest" to the auth server.
   Unknown unless the greeting had a timestamp. Allowed on insecure
   connections: the password does not travel. */
static void cmd_apop(struct pop3_client *client, const char *args)
{
	const char *space, *user;
	string_t *raw, *resp;

	if (client->apop_challenge == NULL) {
		pop3_client_send_bad(client, "Unknown command.");
		return;
	}
	space = strrchr(args, ' ');
	if (space == NULL || space == args ||
	    !pop3_login_apop_digest_is_valid(space + 1)) {
		pop3_client_send_bad(client, "Invalid parameters.");
		return;
	}
	user = t_strndup(args, space - args);
	raw = t_str_new(128);
	str_append(raw, client->apop_challenge);
	str_append_c(raw, '\0');
	str_append(raw, user);
	str_append_c(raw, '\0');
	str_append(raw, space + 1);
	resp = t_str_new(base64_encoded_size(str_len(raw)) + 1);
	base64_encode(str_data(raw), str_len(raw), resp);
	i_free(client->last_user);
	client_auth_begin_private(&client->common, "APOP", user, str_c(resp));
}

/* AUTH lists the mechanisms; AUTH mech [initial-response] authenticates,
   "=" being an empty initial response (RFC 5034 4). */
static void cmd_auth(struct pop3_client *client, const char *args)
{
	string_t *str;

	if (*args == '\0') {
		str = t_str_new(128);
		str_append(str, "+OK\r\n");
		pop3_login_capability_append_mechs(str,
			client_get_advertised_mechs(&client->common));
		str_append(str, ".\r\n");
		client_send_raw(&client->common, str_c(str));
		return;
	}
	client_auth_begin_args(&client->common, args);
}

static const struct pop3_login_command pop3_login_commands[] = {
	{ "CAPA", cmd_capa },
	{ "USER", cmd_user },
	{ "PASS", cmd_pass },
	{ "APOP", cmd_apop },
	{ "AUTH", cmd_auth },
	{ "STLS", cmd_stls },
	{ "QUIT", cmd_quit },
};

void pop3_login_commands_run(struct pop3_client *client, const char *line)
{
	const char *name = line, *args = "", *space;
	unsigned int i;

	space = strchr(line, ' ');
	if (space != NULL) {
		name = t_strndup(line, space - line);
		args = space + 1;
	}
	for (i = 0; i < N_ELEMENTS(pop3_login_commands); i++) {
		if (strcasecmp(pop3_login_commands[i].name, name) == 0) {
			pop3_login_commands[i].func(client, args);
			return;
		}
	}
	pop3_client_send_bad(client, "Unknown command.");
}
