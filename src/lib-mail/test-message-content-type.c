/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for Content-Type / Content-Disposition parsing (RFC 2045, 2231). */

#include "lib.h"
#include "str.h"
#include "message-content-type.h"
#include "test-lib-mail.h"

struct message_content_type_test {
	const char *input;
	/* type/subtype;name=value;... */
	const char *output;
};

static const struct message_content_type_test message_content_type_tests[] = {
	{ "text/plain", "text/plain" },
	{ " Text/HTML ; Charset=\"UTF-8\" (comment)", "Text/HTML;Charset=UTF-8" },
	{ "multipart/mixed; boundary=\"==a b==\"; x=y",
	  "multipart/mixed;boundary===a b==;x=y" },
	{ "application/x; name*0=\"long\"; name*1=\"name.pdf\"",
	  "application/x;name=longname.pdf" },
	{ "application/x; name*0*=utf-8''%E4%BD%A0; name*1=\".txt\"",
	  "application/x;name*=utf-8''%E4%BD%A0.txt" },
	{ "application/x; name*=iso-8859-1'en'caf%E9",
	  "application/x;name*=iso-8859-1'en'caf%E9" },
	{ "text", "text/" },
	{ "", "/" },
	{ "foo/", "/" },
	{ ";x=y", "/" },
	{ "text/ ; x=y", "/" },
	{ "text; x=y", "/" },
	/* as Dovecot parses them: a parameter without "=" ends the list,
	   an empty name is a name, junk after a value is skipped */
	{ "text/plain; broken; charset=us-ascii", "text/plain" },
	{ "text/plain; a=1;; b=2", "text/plain;a=1" },
	{ "text/plain; =y; a=b", "text/plain;=y;a=b" },
	{ "text/plain; name=a b c; x=@y", "text/plain;name=a;x=" },
	/* plain parameters first, then the RFC 2231 ones */
	{ "a/b; n*0=a; n=z", "a/b;n=z;n=a" },
	{ "a/b; n*1=b; n*0=a", "a/b;n=ab" },
	{ "a/b; n*0=a; n*2=c", "a/b;n*0=a;n*2=c" },
	{ "a/b; n*0=x; n*1*=%41", "a/b;n*=''x%41" },
};

void test_message_content_type(void)
{
	struct message_content_type ct;
	string_t *str = t_str_new(128);
	unsigned int i, j;

	test_begin("message content type");
	for (i = 0; i < N_ELEMENTS(message_content_type_tests); i++) {
		message_content_type_parse(message_content_type_tests[i].input,
					   &ct);
		str_truncate(str, 0);
		str_printfa(str, "%s/%s", ct.type, ct.subtype);
		for (j = 0; j < ct.params_count; j++) {
			str_printfa(str, ";%s=%s", ct.params[j].name,
				    ct.params[j].value);
		}
		test_assert_strcmp(str_c(str),
				   message_content_type_tests[i].output);
	}
	message_content_type_parse("a/b; filename*=utf-8''%E4%BD%A0", &ct);
	test_assert_strcmp(message_content_type_param(&ct, "FILENAME"),
			   "\xE4\xBD\xA0");
	test_assert(message_content_type_param(&ct, "charset") == NULL);
	message_content_disposition_parse("attachment; filename=a.txt", &ct);
	test_assert_strcmp(ct.type, "attachment");
	test_assert_strcmp(ct.subtype, "");
	test_assert_strcmp(message_content_type_param(&ct, "filename"),
			   "a.txt");
	test_end();
}
