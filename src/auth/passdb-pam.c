/* Copyright (c) Cove authors. See AUTHORS. */

/* passdb driver "pam": args "[max_requests=N] [cache_key=K]
   [failure_show_msg=yes] [SERVICE]" (Dovecot's; the first three are
   accepted and have no effect here), SERVICE default "cove", "%s" for
   the protocol (imap, pop3). PAM runs in the auth process: its failure
   delay is taken over (the auth process has its own, on a timer), so a
   wrong password does not stall other logins; pam_unix reads
   /etc/shadow directly thanks to the shadow group auth gets. */

#include "lib.h"
#include "net.h"
#include "auth-request.h"
#include "auth-system-db.h"
#include "passdb.h"

#include <security/pam_appl.h>

#define PASSDB_PAM_NAME "pam"
#define PASSDB_PAM_DEFAULT_SERVICE "cove"

struct passdb_pam {
	const char *service;
};

struct passdb_pam_conv_context {
	struct auth_request *request;
};

static int passdb_pam_init(struct passdb_module *module, const char *args,
			   const char **error_r)
{
	struct passdb_pam *ctx = p_new(module->pool, struct passdb_pam, 1);
	const char *const *argv = t_strsplit_spaces(args, " ");

	ctx->service = PASSDB_PAM_DEFAULT_SERVICE;
	for (; *argv != NULL; argv++) {
		if (str_begins(*argv, "max_requests=") ||
		    str_begins(*argv, "cache_key=") ||
		    strcmp(*argv, "failure_show_msg=yes") == 0)
			continue;
		if (strchr(*argv, '=') != NULL || argv[1] != NULL) {
			*error_r = t_strdup_printf(
				"passdb pam: Unsupported args: %s (only "
				"max_requests=, cache_key=, failure_show_msg=yes "
				"and the PAM service name)", *argv);
			return -1;
		}
		ctx->service = p_strdup(module->pool, *argv);
	}
	module->context = ctx;
	return 0;
}

/* Answers PAM's prompts: the password where echo is off, the user name
   where it is on; messages are logged at debug level. */
static int passdb_pam_conv(int count, const struct pam_message **msgs,
			   struct pam_response **resp_r, void *context)
{
	struct auth_request *request = context;
	struct pam_response *resp;

	resp = calloc(count, sizeof(*resp));
	if (resp == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < count; i++) {
		const char *answer = NULL;

		switch (msgs[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			answer = request->password;
			break;
		case PAM_PROMPT_ECHO_ON:
			answer = request->user;
			break;
		default:
			auth_request_log_debug(request, PASSDB_PAM_NAME,
					       "PAM says: %s", msgs[i]->msg);
			continue;
		}
		/* PAM frees the answers with free() */
		resp[i].resp = strdup(answer == NULL ? "" : answer);
		if (resp[i].resp == NULL) {
			for (int j = 0; j < i; j++) {
				if (resp[j].resp != NULL) {
					safe_memset(resp[j].resp, 0,
						    strlen(resp[j].resp));
					free(resp[j].resp);
				}
			}
			free(resp);
			return PAM_BUF_ERR;
		}
	}
	*resp_r = resp;
	return PAM_SUCCESS;
}

static void passdb_pam_no_delay(int retval ATTR_UNUSED,
				unsigned usec_delay ATTR_UNUSED,
				void *appdata ATTR_UNUSED)
{
}

static enum passdb_result
passdb_pam_result(struct auth_request *request, pam_handle_t *pamh,
		  const char *step, int ret)
{
	switch (ret) {
	case PAM_SUCCESS:
		return PASSDB_RESULT_OK;
	case PAM_USER_UNKNOWN:
		return PASSDB_RESULT_USER_UNKNOWN;
	case PAM_AUTH_ERR:
	case PAM_CRED_INSUFFICIENT:
	case PAM_MAXTRIES:
		return PASSDB_RESULT_PASSWORD_MISMATCH;
	case PAM_ACCT_EXPIRED:
	case PAM_NEW_AUTHTOK_REQD:
	case PAM_PERM_DENIED:
		auth_request_log_info(request, PASSDB_PAM_NAME, "%s: %s",
				      step, pam_strerror(pamh, ret));
		return PASSDB_RESULT_PASSWORD_MISMATCH;
	default:
		auth_request_log_error(request, PASSDB_PAM_NAME, "%s: %s",
				       step, pam_strerror(pamh, ret));
		return PASSDB_RESULT_INTERNAL_FAILURE;
	}
}

static void passdb_pam_verify(struct passdb_module *module,
			      struct auth_request *request,
			      passdb_callback_t *callback)
{
	struct passdb_pam *ctx = module->context;
	struct pam_conv conv = { passdb_pam_conv, request };
	enum passdb_result result;
	pam_handle_t *pamh;
	const char *service;
	int ret;

	service = strcmp(ctx->service, "%s") == 0 ? request->service :
		ctx->service;
	ret = pam_start(service, request->user, &conv, &pamh);
	if (ret != PAM_SUCCESS) {
		auth_request_log_error(request, PASSDB_PAM_NAME,
				       "pam_start(%s) failed: %s", service,
				       pam_strerror(NULL, ret));
		callback(PASSDB_RESULT_INTERNAL_FAILURE, request);
		return;
	}
	(void)pam_set_item(pamh, PAM_FAIL_DELAY,
			   (const void *)passdb_pam_no_delay);
	(void)pam_set_item(pamh, PAM_RHOST, net_ip2addr(&request->remote_ip));
	ret = pam_authenticate(pamh, PAM_SILENT);
	result = passdb_pam_result(request, pamh, "pam_authenticate()", ret);
	if (result == PASSDB_RESULT_OK) {
		ret = pam_acct_mgmt(pamh, PAM_SILENT);
		result = passdb_pam_result(request, pamh, "pam_acct_mgmt()",
					   ret);
	}
	(void)pam_end(pamh, ret);
	callback(result, request);
}

/* PAM cannot tell whether a user exists without a password: the system
   user database answers instead. */
static void passdb_pam_lookup(struct passdb_module *module ATTR_UNUSED,
			      struct auth_request *request,
			      passdb_callback_t *callback)
{
	struct passwd pw;
	const char *error;
	int ret;

	ret = auth_system_getpwnam(request->user, &pw, &error);
	if (ret < 0)
		auth_request_log_error(request, PASSDB_PAM_NAME, "%s", error);
	callback(ret < 0 ? PASSDB_RESULT_INTERNAL_FAILURE :
		 ret == 0 ? PASSDB_RESULT_USER_UNKNOWN : PASSDB_RESULT_OK,
		 request);
}

static void passdb_pam_lookup_credentials(struct passdb_module *module
					  ATTR_UNUSED,
					  struct auth_request *request,
					  passdb_callback_t *callback)
{
	auth_request_log_info(request, PASSDB_PAM_NAME,
			      "PAM cannot give stored passwords, which this "
			      "mechanism needs (use passdb shadow or "
			      "passwd-file for it)");
	callback(PASSDB_RESULT_USER_UNKNOWN, request);
}

const struct passdb_vfuncs passdb_pam = {
	.name = PASSDB_PAM_NAME,
	.reads_shadow = true,
	.init = passdb_pam_init,
	.verify_plain = passdb_pam_verify,
	.lookup = passdb_pam_lookup,
	.lookup_credentials = passdb_pam_lookup_credentials,
};
