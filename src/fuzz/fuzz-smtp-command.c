/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: SMTP/LMTP command lines and the MAIL, RCPT and BDAT
   arguments in them, as the LMTP service parses what an MTA sends. */

#include "lib.h"
#include "istream.h"
#include "smtp-command.h"
#include "smtp-command-parser.h"
#include "fuzz-common.h"

#define FUZZ_SMTP_MAX_LINE 512
#define FUZZ_SMTP_MAX_COMMANDS 64

static void fuzz_smtp_args(pool_t pool, const struct smtp_command *cmd)
{
	const enum smtp_address_parse_flags flags =
		SMTP_ADDRESS_PARSE_FLAG_ALLOW_LOCALPART;
	enum smtp_command_arg_error error_code;
	const char *error;
	uoff_t size;
	bool last;

	if (strcmp(cmd->name, "MAIL") == 0) {
		struct smtp_mail_args mail;

		(void)smtp_command_parse_mail(pool, cmd->args, flags, &mail,
					      &error_code, &error);
	} else if (strcmp(cmd->name, "RCPT") == 0) {
		struct smtp_rcpt_args rcpt;

		(void)smtp_command_parse_rcpt(pool, cmd->args, flags, &rcpt,
					      &error_code, &error);
	} else if (strcmp(cmd->name, "BDAT") == 0) {
		(void)smtp_command_parse_bdat(cmd->args, &size, &last, &error);
	}
}

FUZZ_TARGET(smtp_command)
{
	struct istream *input = i_stream_create_from_data(data, size);
	struct smtp_command_parser *parser;
	struct smtp_command cmd;
	const char *error;
	pool_t pool = pool_alloconly_create("fuzz smtp", 1024);
	int ret;

	parser = smtp_command_parser_init(input, FUZZ_SMTP_MAX_LINE);
	(void)i_stream_read(input);
	for (unsigned int i = 0; i < FUZZ_SMTP_MAX_COMMANDS; i++) {
		ret = smtp_command_parser_next(parser, &cmd, &error);
		if (ret == 0)
			break;
		if (ret > 0)
			fuzz_smtp_args(pool, &cmd);
	}
	smtp_command_parser_deinit(&parser);
	i_stream_destroy(&input);
	pool_unref(&pool);
}
