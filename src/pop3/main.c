/* Copyright (c) Cove authors. See AUTHORS. */

/* The post-login POP3 worker: the service skeleton of mail-worker.h
   serving one logged-in POP3 client (INBOX) until it quits. */

#include "lib.h"
#include "mail-worker.h"
#include "pop3-settings.h"
#include "pop3-client.h"

static const struct mail_worker main_worker = {
	.name = "pop3",
	.set_info = &pop3_setting_parser_info,
	.login_failed_reply = "-ERR [SYS/TEMP] Login failed: internal error",
	.client_start = client_start,
};

int main(int argc, char *argv[])
{
	return mail_worker_main(&main_worker, argc, argv);
}
