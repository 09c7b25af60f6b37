/* Copyright (c) Cove authors. See AUTHORS. */

/* The post-login submission worker: the service skeleton of mail-worker.h
   serving one authenticated SMTP client, relaying its mail. */

#include "lib.h"
#include "mail-worker.h"
#include "submission-settings.h"
#include "submission-client.h"

static const struct mail_worker main_worker = {
	.name = "submission",
	.set_info = &submission_setting_parser_info,
	.login_failed_reply = "454 4.7.0 Login failed: internal error",
	.client_start = submission_client_start,
};

int main(int argc, char *argv[])
{
	return mail_worker_main(&main_worker, argc, argv);
}
