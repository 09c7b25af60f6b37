/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef SMTP_COMMAND_H
#define SMTP_COMMAND_H

/* Arguments of the SMTP/LMTP envelope commands (RFC 5321 4.1.1.2-3):
     MAIL FROM:<reverse-path> [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8]
                                           (RFC 1870, RFC 6152, RFC 6531)
     RCPT TO:<forward-path>
     BDAT <chunk-size> [LAST]              (RFC 3030)
   Unknown parameters are reported as unsupported (reply 555). */

#include "smtp-address.h"

enum smtp_body_type {
	SMTP_BODY_TYPE_UNSPECIFIED = 0,
	SMTP_BODY_TYPE_7BIT,
	SMTP_BODY_TYPE_8BITMIME,
};

/* Which reply fits a failed parse. */
enum smtp_command_arg_error {
	/* 501 5.5.4: syntax error in the arguments or a parameter value */
	SMTP_COMMAND_ARG_ERROR_BAD_SYNTAX,
	/* 501 5.1.7 (sender) / 501 5.1.3 (recipient): invalid address */
	SMTP_COMMAND_ARG_ERROR_BAD_ADDRESS,
	/* 555 5.5.4: parameter not recognised or not implemented */
	SMTP_COMMAND_ARG_ERROR_UNSUPPORTED,
};

struct smtp_mail_args {
	/* The null path "<>" is an address with localpart "". */
	struct smtp_address *from;
	/* SIZE= value, 0 when not given. */
	uoff_t size;
	enum smtp_body_type body;
	/* SMTPUTF8 was given: UTF-8 addresses are allowed in this
	   transaction. */
	bool smtputf8;
};

struct smtp_rcpt_args {
	struct smtp_address *to;
};

/* Parses the arguments of MAIL ("FROM:<a@b> SIZE=10"); the null path is
   always allowed, flags may allow more. A UTF-8 sender address is accepted
   only with the SMTPUTF8 parameter. Allocates from pool. Returns 0, or
   -1 with error_code_r and error_r (temporary frame). */
int smtp_command_parse_mail(pool_t pool, const char *args,
			    enum smtp_address_parse_flags flags,
			    struct smtp_mail_args *mail_r,
			    enum smtp_command_arg_error *error_code_r,
			    const char **error_r);
/* Parses the arguments of RCPT ("TO:<a@b>"). Same returns as above. */
int smtp_command_parse_rcpt(pool_t pool, const char *args,
			    enum smtp_address_parse_flags flags,
			    struct smtp_rcpt_args *rcpt_r,
			    enum smtp_command_arg_error *error_code_r,
			    const char **error_r);

/* Parses the arguments of BDAT ("1000" or "1000 LAST"). Returns 0, or -1
   with error_r (a syntax error: reply 501). */
int smtp_command_parse_bdat(const char *args, uoff_t *size_r, bool *last_r,
			    const char **error_r);

#endif
