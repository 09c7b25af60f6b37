/* Copyright (c) Cove authors. See AUTHORS. */
/* SMTP commands before authentication: EHLO/HELO (RFC 5321 4.1.1.1),
   AUTH (RFC 4954 4), STARTTLS (RFC 3207), RSET, NOOP and QUIT. The mail
   transaction commands need authentication first (530 5.7.0, RFC 4954
   6); anything else is unknown. */

#include "lib.h"
#include "str.h"
#include "smtp-reply.h"
#include "login-common.h"
#include "submission-login-client.h"
#include "submission-login-commands.h"

#include <strings.h>

struct submission_login_command {
	const char *name;
	/* args: the rest of the line after the first space, or "" */
	void (*func)(struct submission_client *client, const char *args);
};

/* RFC 5321 4.1.1.1 and the extensions the worker serves; STARTTLS
   (RFC 3207) while TLS can still start, AUTH with the mechanisms usable
   on this connection, if any. */
static void cmd_ehlo(struct submission_client *client, const char *args)
{
	const char *lines[8];
	const char *const *mechs;
	unsigned int count = 0;
	string_t *auth, *str;

	if (*args == '\0') {
		submission_client_reply_bad(client, 501, "5.5.4",
					    "Missing hostname");
		return;
	}
	auth = t_str_new(64);
	str_append(auth, "AUTH");
	for (mechs = client_get_advertised_mechs(&client->common);
	     *mechs != NULL; mechs++)
		str_printfa(auth, " %s", *mechs);

	lines[count++] = submission_client_hostname();
	if (str_len(auth) > strlen("AUTH"))
		lines[count++] = str_c(auth);
	lines[count++] = "PIPELINING";
	lines[count++] = "SIZE";
	lines[count++] = "ENHANCEDSTATUSCODES";
	lines[count++] = "8BITMIME";
	if (client_starttls_available(&client->common))
		lines[count++] = "STARTTLS";
	i_assert(count < N_ELEMENTS(lines));
	lines[count] = NULL;

	str = t_str_new(256);
	smtp_reply_append_lines(str, 250, NULL, lines);
	client_send_raw(&client->common, str_c(str));
}

static void cmd_helo(struct submission_client *client, const char *args)
{
	if (*args == '\0') {
		submission_client_reply_bad(client, 501, "5.5.4",
					    "Missing hostname");
		return;
	}
	submission_client_reply(client, 250, NULL,
				submission_client_hostname());
}

/* AUTH mech [initial-response]; "=" is an empty initial response. */
static void cmd_auth(struct submission_client *client, const char *args)
{
	if (*args == '\0') {
		submission_client_reply_bad(client, 501, "5.5.4",
					    "Missing mechanism");
		return;
	}
	client_auth_begin_args(&client->common, args);
}

/* STARTTLS (RFC 3207 4): the 220 goes out in plaintext, then the
   handshake; the client starts over with EHLO. */
static void cmd_starttls(struct submission_client *client, const char *args)
{
	if (*args != '\0') {
		submission_client_reply_bad(client, 501, "5.5.4",
					    "Invalid parameters");
		return;
	}
	if (client->common.ssl) {
		submission_client_reply_bad(client, 502, "5.5.1",
					    "TLS is already active");
		return;
	}
	if (!client_starttls_available(&client->common)) {
		submission_client_reply(client, 454, "4.7.0",
					"TLS not available");
		return;
	}
	submission_client_reply(client, 220, "2.0.0", "Ready to start TLS");
	client_starttls(&client->common);
}

static void cmd_need_auth(struct submission_client *client,
			  const char *args ATTR_UNUSED)
{
	submission_client_reply_bad(client, 530, "5.7.0",
				    "Authentication required");
}

static void cmd_ok(struct submission_client *client,
		   const char *args ATTR_UNUSED)
{
	submission_client_reply(client, 250, "2.0.0", "OK");
}

static void cmd_quit(struct submission_client *client,
		     const char *args ATTR_UNUSED)
{
	submission_client_reply(client, 221, "2.0.0", "Bye");
	client_destroy(&client->common, "Logged out");
}

static const struct submission_login_command submission_login_commands[] = {
	{ "EHLO", cmd_ehlo },
	{ "HELO", cmd_helo },
	{ "AUTH", cmd_auth },
	{ "STARTTLS", cmd_starttls },
	{ "MAIL", cmd_need_auth },
	{ "RCPT", cmd_need_auth },
	{ "DATA", cmd_need_auth },
	{ "BDAT", cmd_need_auth },
	{ "VRFY", cmd_need_auth },
	{ "RSET", cmd_ok },
	{ "NOOP", cmd_ok },
	{ "QUIT", cmd_quit },
};

void submission_login_commands_run(struct submission_client *client,
				   const char *line)
{
	const char *name = line, *args = "", *space;
	unsigned int i;

	space = strchr(line, ' ');
	if (space != NULL) {
		name = t_strndup(line, space - line);
		args = space + 1;
	}
	for (i = 0; i < N_ELEMENTS(submission_login_commands); i++) {
		if (strcasecmp(submission_login_commands[i].name, name) == 0) {
			submission_login_commands[i].func(client, args);
			return;
		}
	}
	submission_client_reply_bad(client, 500, "5.5.2", "Unknown command");
}
