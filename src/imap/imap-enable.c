/* Copyright (c) Cove authors. See AUTHORS. */

/* ENABLE (RFC 5161). The extensions that change how the server talks
   to a client only once the client asks for them (CONDSTORE, QRESYNC,
   UTF8=ACCEPT) each add one row to imap_enable_features. Unknown names
   are ignored, as the RFC says; the ENABLED reply lists what this
   command turned on. */

#include "lib.h"
#include "str.h"
#include "imap-commands.h"
#include "imap-condstore.h"

#include <strings.h>

struct imap_enable_feature {
	/* Capability name, upper case. */
	const char *name;
	/* Turns the feature on; returns false if it already was. */
	bool (*enable)(struct client *client);
};

static const struct imap_enable_feature imap_enable_features[] = {
	{ "CONDSTORE", imap_condstore_enable },
	{ "QRESYNC", imap_qresync_enable },
	{ NULL, NULL }
};

static const struct imap_enable_feature *
imap_enable_feature_find(const char *name)
{
	const struct imap_enable_feature *feature;

	for (feature = imap_enable_features; feature->name != NULL;
	     feature++) {
		if (strcasecmp(feature->name, name) == 0)
			return feature;
	}
	return NULL;
}

bool cmd_enable(struct client_command_context *cmd)
{
	const struct imap_arg *args = cmd->args;
	const struct imap_enable_feature *feature;
	string_t *reply = t_str_new(64);
	const char *name;

	if (imap_arg_is_eol(args)) {
		client_cmd_bad(cmd, "Missing arguments.");
		return true;
	}
	str_append(reply, "* ENABLED");
	for (; !imap_arg_is_eol(args); args++) {
		if (!imap_arg_get_atom(args, &name)) {
			client_cmd_bad(cmd, "Invalid arguments.");
			return true;
		}
	}
	for (args = cmd->args; !imap_arg_is_eol(args); args++) {
		(void)imap_arg_get_atom(args, &name);
		feature = imap_enable_feature_find(name);
		if (feature != NULL && feature->enable(cmd->client)) {
			str_append_c(reply, ' ');
			str_append(reply, feature->name);
		}
	}
	client_send_line(cmd->client, str_c(reply));
	client_cmd_reply(cmd, "OK Enabled.");
	return true;
}
