/* Copyright (c) Cove authors. See AUTHORS. */
/* imap-login: the IMAP pre-login process (libexec/cove/imap-login). */

#include "lib.h"
#include "master-service.h"
#include "login-common.h"
#include "imap-login-settings.h"
#include "imap-login-client.h"

static void imap_login_init(void)
{
	imap_login_set = master_service_get_settings(
		master_service, &imap_login_setting_parser_info);
}

static const struct login_binary imap_login_binary = {
	.protocol = "imap",
	.process_name = "imap-login",
	.client_vfuncs = &imap_client_vfuncs,
	.protocol_set_info = &imap_login_setting_parser_info,
	.init = imap_login_init,
};

int main(int argc, char *argv[])
{
	return login_binary_run(&imap_login_binary, argc, argv);
}
