/* Copyright (c) Cove authors. See AUTHORS. */

/* The post-login IMAP worker: the service skeleton of mail-worker.h
   serving one logged-in IMAP client until it logs out. */

#include "lib.h"
#include "mail-worker.h"
#include "imap-settings.h"
#include "imap-client.h"

static const struct mail_worker main_worker = {
	.name = "imap",
	.set_info = &imap_setting_parser_info,
	.login_failed_reply = "* BYE Login failed: internal error",
	.client_start = client_start,
};

int main(int argc, char *argv[])
{
	return mail_worker_main(&main_worker, argc, argv);
}
