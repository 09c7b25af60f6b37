/* Copyright (c) Cove authors. See AUTHORS. */
/* IMAP commands before login: CAPABILITY, NOOP, LOGOUT (RFC 3501 6.1),
   STARTTLS, AUTHENTICATE with SASL-IR (RFC 4959), LOGIN (6.2) and ID
   (RFC 2971). */

#include "lib.h"
#include "net.h"
#include "imap-parser.h"
#include "imap-id.h"
#include "imap-login-client.h"
#include "imap-login-commands.h"

#include <strings.h>

struct imap_login_command {
	const char *name;
	void (*func)(struct imap_client *client, const struct imap_arg *args);
};

/* Commands of the later states: answered with "Please login first". */
static const char *const imap_login_commands_after_login[] = {
	"APPEND", "CHECK", "CLOSE", "COPY", "CREATE", "DELETE", "ENABLE",
	"EXAMINE", "EXPUNGE", "FETCH", "GETQUOTA", "GETQUOTAROOT", "IDLE",
	"LIST", "LSUB", "MOVE", "NAMESPACE", "RENAME", "SEARCH", "SELECT",
	"STATUS", "STORE", "SUBSCRIBE", "UID", "UNSELECT", "UNSUBSCRIBE",
	NULL
};

static void cmd_capability(struct imap_client *client,
			   const struct imap_arg *args ATTR_UNUSED)
{
	imap_client_send_line(client, t_strconcat(
		"* CAPABILITY ", imap_client_get_capability(client), NULL));
	imap_client_send_tagline(client,
		"OK Pre-login capabilities listed, post-login capabilities have more.");
}

static void cmd_noop(struct imap_client *client,
		     const struct imap_arg *args ATTR_UNUSED)
{
	imap_client_send_tagline(client, "OK NOOP completed.");
}

static void cmd_logout(struct imap_client *client,
		       const struct imap_arg *args ATTR_UNUSED)
{
	imap_client_send_line(client, "* BYE Logging out");
	imap_client_send_tagline(client, "OK Logout completed.");
	client_destroy(&client->common, "Logged out");
}

/* STARTTLS (RFC 9051 6.2.1): the OK goes out in plaintext, then the
   handshake; the client must ask for CAPABILITY again. */
static void cmd_starttls(struct imap_client *client,
			 const struct imap_arg *args ATTR_UNUSED)
{
	if (client->common.ssl) {
		imap_client_send_bad(client, "TLS is already active.");
		return;
	}
	if (!client_starttls_available(&client->common)) {
		imap_client_send_bad(client, "TLS support isn't enabled.");
		return;
	}
	imap_client_send_tagline(client, "OK Begin TLS negotiation now.");
	client_starttls(&client->common);
}

/* LOGIN userid password: a PLAIN exchange with the auth server. */
static void cmd_login(struct imap_client *client,
		      const struct imap_arg *args)
{
	const char *user, *password;

	if (!imap_arg_get_astring(&args[0], &user) ||
	    !imap_arg_get_astring(&args[1], &password) ||
	    !imap_arg_is_eol(&args[2])) {
		imap_client_send_bad(client, "Invalid arguments.");
		return;
	}
	client_auth_begin_plain(&client->common, user, password);
}

/* AUTHENTICATE mech [initial-response]; "=" is an empty response. */
static void cmd_authenticate(struct imap_client *client,
			     const struct imap_arg *args)
{
	const char *mech, *ir = NULL;

	if (!imap_arg_get_atom(&args[0], &mech)) {
		imap_client_send_bad(client, "Invalid arguments.");
		return;
	}
	if (!imap_arg_is_eol(&args[1])) {
		if (!imap_arg_get_astring(&args[1], &ir) ||
		    !imap_arg_is_eol(&args[2])) {
			imap_client_send_bad(client, "Invalid arguments.");
			return;
		}
		if (strcmp(ir, "=") == 0)
			ir = "";
	}
	client_auth_begin(&client->common, mech, ir);
}

/* x-originating-ip and x-originating-port, as a proxy in front of Cove
   (another Cove or Dovecot, nginx) sends them. */
static void cmd_id_proxy_fields(struct imap_client *client,
				const struct imap_arg *args)
{
	const struct imap_arg *list;
	const char *name, *value, *ip = NULL, *port = NULL;

	if (!imap_arg_get_list(&args[0], &list))
		return;
	for (; !imap_arg_is_eol(list); list += 2) {
		if (!imap_arg_get_string(&list[0], &name) ||
		    !imap_arg_get_nstring(&list[1], &value) || value == NULL)
			continue;
		if (strcasecmp(name, "x-originating-ip") == 0)
			ip = value;
		else if (strcasecmp(name, "x-originating-port") == 0)
			port = value;
	}
	if (ip != NULL)
		client_set_proxied_remote(&client->common, ip, port);
}

static void cmd_id(struct imap_client *client, const struct imap_arg *args)
{
	const char *log, *error;

	if (imap_id_parse_args(args, &log, &error) < 0) {
		imap_client_send_bad(client, error);
		return;
	}
	if (log[0] != '\0') {
		i_info("ID sent: %s (rip=%s, session=<%s>)", log,
		       net_ip2addr(&client->common.remote_ip),
		       client->common.session_id);
	}
	cmd_id_proxy_fields(client, args);
	imap_client_send_line(client, IMAP_ID_REPLY);
	imap_client_send_tagline(client, "OK ID completed.");
}

static const struct imap_login_command imap_login_commands[] = {
	{ "CAPABILITY", cmd_capability },
	{ "NOOP", cmd_noop },
	{ "LOGOUT", cmd_logout },
	{ "STARTTLS", cmd_starttls },
	{ "LOGIN", cmd_login },
	{ "AUTHENTICATE", cmd_authenticate },
	{ "ID", cmd_id },
};

static bool imap_login_command_is_after_login(const char *name)
{
	const char *const *cmd;

	for (cmd = imap_login_commands_after_login; *cmd != NULL; cmd++) {
		if (strcasecmp(*cmd, name) == 0)
			return true;
	}
	return false;
}

void imap_login_commands_run(struct imap_client *client, const char *name,
			     const struct imap_arg *args)
{
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(imap_login_commands); i++) {
		if (strcasecmp(imap_login_commands[i].name, name) == 0) {
			imap_login_commands[i].func(client, args);
			return;
		}
	}
	if (imap_login_command_is_after_login(name))
		imap_client_send_bad(client, "Please login first");
	else {
		imap_client_send_bad(client,
			"Error in IMAP command received by server.");
	}
}
