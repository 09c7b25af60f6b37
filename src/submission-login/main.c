/* Copyright (c) Cove authors. See AUTHORS. */
/* submission-login: the SMTP submission pre-login process
   (libexec/cove/submission-login). */

#include "lib.h"
#include "login-common.h"
#include "submission-login-client.h"

static const struct login_binary submission_login_binary = {
	.protocol = "submission",
	.process_name = "submission-login",
	.client_vfuncs = &submission_client_vfuncs,
};

int main(int argc, char *argv[])
{
	return login_binary_run(&submission_login_binary, argc, argv);
}
