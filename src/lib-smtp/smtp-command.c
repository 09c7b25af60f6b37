/* Copyright (c) Cove authors. See AUTHORS. */

/* MAIL and RCPT argument parsing: the path, then ESMTP parameters
   (RFC 5321 4.1.2: esmtp-keyword ["=" esmtp-value], separated by SP). */

#include "lib.h"
#include "smtp-command.h"

#include <strings.h>

struct smtp_param {
	const char *keyword;
	/* NULL when the parameter has no "=value" */
	const char *value;
};

/* Handles one parameter of a command. Returns 0, or -1 with the error. */
typedef int smtp_param_func_t(const struct smtp_param *param, void *context,
			      enum smtp_command_arg_error *error_code_r,
			      const char **error_r);

static bool smtp_char_is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

/* Parses one parameter at *p (after its separating space) and advances
   *p past it. Returns 0, or -1 on bad syntax. */
static int smtp_param_parse(const char **p, struct smtp_param *param_r)
{
	const char *start = *p, *s = *p;

	if (!smtp_char_is_alnum(*s))
		return -1;
	while (smtp_char_is_alnum(*s) || *s == '-')
		s++;
	param_r->keyword = t_str_ucase(t_strndup(start, s - start));
	param_r->value = NULL;
	if (*s == '=') {
		start = ++s;
		/* esmtp-value = 1*(%d33-60 / %d62-126) */
		while (*s >= 33 && *s <= 126 && *s != '=')
			s++;
		if (s == start)
			return -1;
		param_r->value = t_strndup(start, s - start);
	}
	if (*s != ' ' && *s != '\0')
		return -1;
	*p = s;
	return 0;
}

/* Parses "PREFIX:<path>" and returns the parameter text after it in
   *params_r (leading spaces skipped). */
static int
smtp_command_parse_path(pool_t pool, const char *args, const char *prefix,
			enum smtp_address_parse_flags flags,
			struct smtp_address **address_r, const char **params_r,
			enum smtp_command_arg_error *error_code_r,
			const char **error_r)
{
	const char *p, *error;

	if (!str_begins_icase(args, prefix)) {
		*error_code_r = SMTP_COMMAND_ARG_ERROR_BAD_SYNTAX;
		*error_r = t_strdup_printf("Invalid parameters (%s missing)",
					   prefix);
		return -1;
	}
	/* RFC 5321 has no space after the colon, but clients send one */
	p = args + strlen(prefix);
	while (*p == ' ')
		p++;
	if (smtp_address_parse_path(pool, p, flags, address_r, &p,
				    &error) < 0) {
		*error_code_r = SMTP_COMMAND_ARG_ERROR_BAD_ADDRESS;
		*error_r = error;
		return -1;
	}
	if (*p != ' ' && *p != '\0') {
		*error_code_r = SMTP_COMMAND_ARG_ERROR_BAD_ADDRESS;
		*error_r = "Garbage after the address";
		return -1;
	}
	while (*p == ' ')
		p++;
	*params_r = p;
	return 0;
}

/* Calls param_func for each parameter of params. */
static int
smtp_params_foreach(const char *params, smtp_param_func_t *param_func,
		    void *context, enum smtp_command_arg_error *error_code_r,
		    const char **error_r)
{
	struct smtp_param param;
	const char *p = params;

	while (*p != '\0') {
		if (smtp_param_parse(&p, &param) < 0) {
			*error_code_r = SMTP_COMMAND_ARG_ERROR_BAD_SYNTAX;
			*error_r = "Invalid parameter syntax";
			return -1;
		}
		if (param_func(&param, context, error_code_r, error_r) < 0)
			return -1;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* Parses "PREFIX:<path>" and the parameters after it. */
static int
smtp_command_parse_args(pool_t pool, const char *args, const char *prefix,
			enum smtp_address_parse_flags flags,
			struct smtp_address **address_r,
			smtp_param_func_t *param_func, void *context,
			enum smtp_command_arg_error *error_code_r,
			const char **error_r)
{
	const char *params;

	if (smtp_command_parse_path(pool, args, prefix, flags, address_r,
				    &params, error_code_r, error_r) < 0)
		return -1;
	return smtp_params_foreach(params, param_func, context,
				   error_code_r, error_r);
}

/* The param_func for a parameter nothing supports. */
static int smtp_param_unsupported(const struct smtp_param *param,
				  void *context ATTR_UNUSED,
				  enum smtp_command_arg_error *error_code_r,
				  const char **error_r)
{
	*error_code_r = SMTP_COMMAND_ARG_ERROR_UNSUPPORTED;
	*error_r = t_strdup_printf("Unsupported parameter: %s",
				   param->keyword);
	return -1;
}

static int smtp_mail_param_size(struct smtp_mail_args *mail,
				const char *value, const char **error_r)
{
	if (mail->size != 0 || value == NULL ||
	    str_to_uoff(value, &mail->size) < 0 || mail->size == 0) {
		*error_r = "Invalid SIZE parameter";
		return -1;
	}
	return 0;
}

static int smtp_mail_param_body(struct smtp_mail_args *mail,
				const char *value, const char **error_r)
{
	if (mail->body != SMTP_BODY_TYPE_UNSPECIFIED || value == NULL) {
		*error_r = "Invalid BODY parameter";
		return -1;
	}
	if (strcasecmp(value, "7BIT") == 0)
		mail->body = SMTP_BODY_TYPE_7BIT;
	else if (strcasecmp(value, "8BITMIME") == 0)
		mail->body = SMTP_BODY_TYPE_8BITMIME;
	else {
		*error_r = "Unsupported BODY parameter value";
		return -1;
	}
	return 0;
}

static int smtp_mail_param_smtputf8(struct smtp_mail_args *mail,
				    const char *value, const char **error_r)
{
	if (mail->smtputf8 || value != NULL) {
		*error_r = "Invalid SMTPUTF8 parameter";
		return -1;
	}
	mail->smtputf8 = true;
	return 0;
}

static int smtp_mail_param(const struct smtp_param *param, void *context,
			   enum smtp_command_arg_error *error_code_r,
			   const char **error_r)
{
	struct smtp_mail_args *mail = context;

	*error_code_r = SMTP_COMMAND_ARG_ERROR_BAD_SYNTAX;
	if (strcmp(param->keyword, "SIZE") == 0)
		return smtp_mail_param_size(mail, param->value, error_r);
	if (strcmp(param->keyword, "BODY") == 0)
		return smtp_mail_param_body(mail, param->value, error_r);
	if (strcmp(param->keyword, "SMTPUTF8") == 0)
		return smtp_mail_param_smtputf8(mail, param->value, error_r);
	return smtp_param_unsupported(param, NULL, error_code_r, error_r);
}

static bool smtp_str_has_8bit(const char *str)
{
	for (; *str != '\0'; str++) {
		if ((unsigned char)*str >= 0x80)
			return true;
	}
	return false;
}

int smtp_command_parse_mail(pool_t pool, const char *args,
			    enum smtp_address_parse_flags flags,
			    struct smtp_mail_args *mail_r,
			    enum smtp_command_arg_error *error_code_r,
			    const char **error_r)
{
	const struct smtp_address *from;

	memset(mail_r, 0, sizeof(*mail_r));
	/* the parameters come after the address: allow UTF-8 while parsing
	   it and check for SMTPUTF8 afterwards */
	flags |= SMTP_ADDRESS_PARSE_FLAG_ALLOW_EMPTY |
		SMTP_ADDRESS_PARSE_FLAG_ALLOW_UTF8;
	if (smtp_command_parse_args(pool, args, "FROM:", flags,
				    &mail_r->from, smtp_mail_param, mail_r,
				    error_code_r, error_r) < 0)
		return -1;
	from = mail_r->from;
	if (!mail_r->smtputf8 && (smtp_str_has_8bit(from->localpart) ||
	    (from->domain != NULL && smtp_str_has_8bit(from->domain)))) {
		*error_code_r = SMTP_COMMAND_ARG_ERROR_BAD_ADDRESS;
		*error_r = "UTF-8 address without SMTPUTF8";
		return -1;
	}
	return 0;
}

int smtp_command_parse_rcpt(pool_t pool, const char *args,
			    enum smtp_address_parse_flags flags,
			    struct smtp_rcpt_args *rcpt_r,
			    enum smtp_command_arg_error *error_code_r,
			    const char **error_r)
{
	memset(rcpt_r, 0, sizeof(*rcpt_r));
	flags &= ~SMTP_ADDRESS_PARSE_FLAG_ALLOW_EMPTY;
	return smtp_command_parse_args(pool, args, "TO:", flags, &rcpt_r->to,
				       smtp_param_unsupported, NULL,
				       error_code_r, error_r);
}

int smtp_command_parse_bdat(const char *args, uoff_t *size_r, bool *last_r,
			    const char **error_r)
{
	const char *const *argv = t_strsplit(args, " ");
	const char *size_str = argv[0];

	if (size_str == NULL || size_str[0] < '0' || size_str[0] > '9' ||
	    str_to_uoff(size_str, size_r) < 0) {
		*error_r = "Invalid chunk size";
		return -1;
	}
	*last_r = argv[1] != NULL && strcasecmp(argv[1], "LAST") == 0;
	if ((argv[1] != NULL && !*last_r) ||
	    (argv[1] != NULL && argv[2] != NULL)) {
		*error_r = "Invalid BDAT parameters";
		return -1;
	}
	return 0;
}
