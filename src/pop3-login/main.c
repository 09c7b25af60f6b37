/* Copyright (c) Cove authors. See AUTHORS. */
/* pop3-login: the POP3 pre-login process (libexec/cove/pop3-login). */

#include "lib.h"
#include "login-common.h"
#include "pop3-login-client.h"

static const struct login_binary pop3_login_binary = {
	.protocol = "pop3",
	.process_name = "pop3-login",
	.client_vfuncs = &pop3_client_vfuncs,
};

int main(int argc, char *argv[])
{
	return login_binary_run(&pop3_login_binary, argc, argv);
}
