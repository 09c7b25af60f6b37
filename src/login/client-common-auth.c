/* Copyright (c) Cove authors. See AUTHORS. */
/* The SASL exchange of a pre-login client with the auth server, and the
   handoff of an authenticated client to the post-login worker.

   While a request is at the auth server the client's input is not read
   (CLIENT_AUTH_STATE_WAIT_SERVER); after a challenge, the next client
   line is the response (CLIENT_AUTH_STATE_WAIT_CLIENT). The auth client
   library may call our callback before auth_client_request_new() or
   auth_client_request_continue() returns (e.g. with ABORT when auth is
   down); the input loop in client-common.c copes with that because the
   callback only resumes input when input was stopped. */

#include "lib.h"
#include "istream.h"
#include "str.h"
#include "ostream.h"
#include "login-handoff.h"
#include "login-common.h"
#include "login-sasl.h"
#include "login-ssl.h"
#include "client-common.h"

static const char *const client_auth_result_texts[] = {
	[CLIENT_AUTH_RESULT_AUTHFAILED] = "Authentication failed.",
	[CLIENT_AUTH_RESULT_TEMPFAIL] = "Temporary authentication failure.",
	[CLIENT_AUTH_RESULT_ABORTED] = "Authentication aborted by client.",
	[CLIENT_AUTH_RESULT_INVALID_BASE64] =
		"Invalid base64 data in response.",
	[CLIENT_AUTH_RESULT_MECH_INVALID] =
		"Unsupported authentication mechanism.",
	[CLIENT_AUTH_RESULT_SSL_REQUIRED] =
		"Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
	[CLIENT_AUTH_RESULT_INTERNAL_ERROR] =
		"Internal error occurred. Refer to server log for more information.",
	[CLIENT_AUTH_RESULT_LIMIT] = "Connection limit reached.",
	/* these two show auth's reason */
	[CLIENT_AUTH_RESULT_AUTHFAILED_REASON] = "Authentication failed.",
	[CLIENT_AUTH_RESULT_NOLOGIN] = "Login is disabled.",
};

static void client_auth_reply(struct client *client,
			      enum client_auth_result result)
{
	i_assert(result < N_ELEMENTS(client_auth_result_texts));
	client->v->auth_result(client, result,
			       client_auth_result_texts[result]);
}

static void client_auth_set_user(struct client *client, const char *user)
{
	i_free(client->auth_user);
	client->auth_user = i_strdup(user);
}

bool client_check_plaintext_auth(struct client *client)
{
	if (client_plaintext_allowed(client))
		return true;
	client->auth_tried_disallowed_plaintext = true;
	client_auth_reply(client, CLIENT_AUTH_RESULT_SSL_REQUIRED);
	return false;
}

void client_auth_abort(struct client *client)
{
	if (client->auth_request != NULL)
		auth_client_request_abort(&client->auth_request);
	client->auth_state = CLIENT_AUTH_STATE_NONE;
}

static int client_handoff(struct client *client, const char *user,
			  const char *cookie, const char **error_r)
{
	struct login_handoff handoff = {
		.cookie = cookie,
		.username = user,
		.session_id = client->session_id,
		.tag = client->cmd_tag == NULL ? "" : client->cmd_tag,
		.local_ip = client->local_ip,
		.remote_ip = client->remote_ip,
		.local_port = client->local_port,
		.remote_port = client->remote_port,
	};
	int ret;

	/* Whatever we still owe the client must arrive before the worker's
	   first reply. Not waiting for a client that does not read: that
	   would block every client of this process. */
	o_stream_uncork(client->output);
	ret = o_stream_flush(client->output);
	if (ret < 0) {
		*error_r = t_strdup_printf("write(client) failed: %s",
					   o_stream_get_error(client->output));
		return -1;
	}
	if (ret == 0) {
		*error_r = "Client does not read its output";
		return -1;
	}
	/* pipelined commands after the login go to the worker */
	handoff.input = i_stream_get_data(client->input, &handoff.input_size);
	return login_handoff_send(login_binary->protocol, client->fd,
				  &handoff, LOGIN_HANDOFF_TIMEOUT_MSECS,
				  error_r);
}

static void client_auth_success(struct client *client,
				const char *const *args)
{
	const char *user = auth_fields_find(args, "user");
	const char *cookie = auth_fields_find(args, "cookie");
	const char *error;
	int ret;

	if (user == NULL || *user == '\0' || cookie == NULL ||
	    *cookie == '\0') {
		i_error("Auth server's OK reply lacks user or cookie");
		client_auth_reply(client, CLIENT_AUTH_RESULT_INTERNAL_ERROR);
		return;
	}
	client_auth_set_user(client, user);
	ret = client_handoff(client, user, cookie, &error);
	if (ret < 0) {
		i_error("Handoff to %s failed: %s", login_binary->protocol,
			error);
		client_auth_reply(client, CLIENT_AUTH_RESULT_INTERNAL_ERROR);
		return;
	}
	if (ret > 0) {
		/* as Dovecot: the reason, then the connection ends */
		client->v->auth_result(client, CLIENT_AUTH_RESULT_LIMIT, error);
		client_destroy(client, error);
		return;
	}
	client_log_login(client);
	client_destroy_handed_off(client);
}

static void client_auth_fail(struct client *client, const char *const *args)
{
	const char *user = auth_fields_find(args, "user");
	const char *reason = auth_fields_find(args, "reason");

	if (user != NULL && *user != '\0')
		client_auth_set_user(client, user);
	if (auth_fields_find(args, "temp") != NULL) {
		client_auth_reply(client, CLIENT_AUTH_RESULT_TEMPFAIL);
		return;
	}
	client->auth_failures++;
	/* as Dovecot: auth's reason is for the user */
	if (auth_fields_find(args, "nologin") != NULL) {
		client->v->auth_result(client, CLIENT_AUTH_RESULT_NOLOGIN,
			reason != NULL && *reason != '\0' ? reason :
			client_auth_result_texts[CLIENT_AUTH_RESULT_NOLOGIN]);
	} else if (reason != NULL && *reason != '\0') {
		client->v->auth_result(client,
				       CLIENT_AUTH_RESULT_AUTHFAILED_REASON,
				       reason);
	} else {
		client_auth_reply(client, CLIENT_AUTH_RESULT_AUTHFAILED);
	}
	if (client->auth_failures >= LOGIN_MAX_AUTH_FAILURES) {
		client_disconnect(client, "Too many authentication failures.",
				  "Too many authentication failures");
	}
}

static void
client_auth_callback(struct auth_client_request *request ATTR_UNUSED,
		     enum auth_request_status status, const char *data_base64,
		     const char *const *args, void *context)
{
	struct client *client = context;

	if (status != AUTH_REQUEST_STATUS_CONTINUE) {
		/* the library frees the request after we return */
		client->auth_request = NULL;
		client->auth_state = CLIENT_AUTH_STATE_NONE;
	}
	if (client->destroyed)
		return;

	client_ref(client);
	o_stream_cork(client->output);
	switch (status) {
	case AUTH_REQUEST_STATUS_CONTINUE:
		client->auth_state = CLIENT_AUTH_STATE_WAIT_CLIENT;
		client->v->auth_send_challenge(client, data_base64);
		break;
	case AUTH_REQUEST_STATUS_OK:
		client_auth_success(client, args);
		break;
	case AUTH_REQUEST_STATUS_FAIL:
		client_auth_fail(client, args);
		break;
	case AUTH_REQUEST_STATUS_ABORT:
		client_auth_reply(client, CLIENT_AUTH_RESULT_TEMPFAIL);
		break;
	}
	if (!client->destroyed) {
		if (o_stream_is_corked(client->output))
			o_stream_uncork(client->output);
		/* input was stopped while auth worked: resume it, handling
		   what the client pipelined meanwhile */
		if (client->io == NULL)
			client_input_buffered(client);
	}
	client_unref(&client);
}

static void client_auth_request(struct client *client, const char *mech,
				const char *initial_resp_base64)
{
	struct auth_request_info info = {
		.mech = mech,
		.service = login_binary->protocol,
		.session_id = client->session_id,
		.local_ip = client->local_ip,
		.remote_ip = client->remote_ip,
		.local_port = client->local_port,
		.remote_port = client->remote_port,
		.initial_resp_base64 = initial_resp_base64,
		.secured = client->secured,
		/* a proxy's own failures are not penalised, those of the
		   clients it names are */
		.no_penalty = client->trusted && !client->proxied_remote,
	};
	struct auth_client_request *request;

	if (client->ssl && login_set->ssl_verify_client_cert) {
		info.valid_client_cert = login_ssl_proxy_get_client_cert(
			client->fd, login_set->ssl_cert_username_field,
			&info.cert_username);
	}

	i_assert(client->auth_state == CLIENT_AUTH_STATE_NONE);
	i_free(client->auth_mech);
	client->auth_mech = i_strdup(mech);
	client->auth_attempts++;
	client->auth_state = CLIENT_AUTH_STATE_WAIT_SERVER;
	request = auth_client_request_new(auth_client, &info,
					  client_auth_callback, client);
	/* unless the callback already ended it */
	if (client->auth_state != CLIENT_AUTH_STATE_NONE)
		client->auth_request = request;
}

void client_auth_begin_args(struct client *client, const char *args)
{
	const char *mech = args, *ir = NULL, *space = strchr(args, ' ');

	if (space != NULL) {
		mech = t_strndup(args, space - args);
		ir = space + 1;
		if (strcmp(ir, "=") == 0)
			ir = "";
	}
	client_auth_begin(client, mech, ir);
}

void client_auth_begin(struct client *client, const char *mech,
		       const char *initial_resp_base64)
{
	const char *const *mechs = auth_client_get_mechs(auth_client);

	mech = t_str_ucase(mech);
	if ((mechs != NULL && !login_sasl_mech_is_offered(mechs, mech)) ||
	    login_sasl_mech_is_private(mech)) {
		client_auth_reply(client, CLIENT_AUTH_RESULT_MECH_INVALID);
		return;
	}
	if (login_sasl_mech_is_plaintext(mech) &&
	    !client_check_plaintext_auth(client))
		return;
	if (initial_resp_base64 != NULL &&
	    !login_sasl_is_base64(initial_resp_base64)) {
		client_auth_reply(client, CLIENT_AUTH_RESULT_INVALID_BASE64);
		return;
	}
	client_auth_request(client, mech, initial_resp_base64);
}

void client_auth_begin_private(struct client *client, const char *mech,
			       const char *user, const char *resp_base64)
{
	i_assert(login_sasl_mech_is_private(mech));

	client_auth_set_user(client, user);
	if (!login_sasl_mech_is_offered(auth_client_get_mechs(auth_client),
					mech)) {
		client_auth_reply(client, CLIENT_AUTH_RESULT_MECH_INVALID);
		return;
	}
	client_auth_request(client, mech, resp_base64);
}

void client_auth_begin_plain(struct client *client, const char *user,
			     const char *password)
{
	string_t *resp;

	client_auth_set_user(client, user);
	if (!client_check_plaintext_auth(client))
		return;
	/* Not checked against the offered mechanisms: the auth server
	   decides whether a LOGIN-style PLAIN request is acceptable. */
	resp = t_str_new(128);
	login_sasl_plain_response(resp, user, password);
	client_auth_request(client, "PLAIN", str_c(resp));
	safe_memset(str_c_modifiable(resp), 0, str_len(resp));
}

void client_auth_input_line(struct client *client, const char *line)
{
	i_assert(client->auth_state == CLIENT_AUTH_STATE_WAIT_CLIENT);

	if (strcmp(line, "*") == 0) {
		client_auth_abort(client);
		client->auth_aborted = true;
		client_auth_reply(client, CLIENT_AUTH_RESULT_ABORTED);
		return;
	}
	if (!login_sasl_is_base64(line)) {
		client_auth_abort(client);
		client_auth_reply(client, CLIENT_AUTH_RESULT_INVALID_BASE64);
		return;
	}
	client->auth_state = CLIENT_AUTH_STATE_WAIT_SERVER;
	auth_client_request_continue(client->auth_request, line);
}
