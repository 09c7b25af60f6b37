/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for ENVELOPE building from header fields. */

#include "lib.h"
#include "str.h"
#include "message-parser.h"
#include "imap-envelope.h"
#include "test-lib-imap.h"

static void test_imap_envelope_add(struct imap_envelope *env, pool_t pool,
				   const char *name, const char *value)
{
	struct message_header_line hdr = {
		.name = name,
		.value = value,
		.value_len = strlen(value),
	};

	imap_envelope_add_header(env, pool, &hdr);
}

void test_imap_envelope(void)
{
	struct imap_envelope env;
	pool_t pool = pool_alloconly_create("test envelope", 1024);
	string_t *str = t_str_new(256);

	test_begin("imap envelope");
	i_zero(&env);
	test_imap_envelope_add(&env, pool, "date", "Mon, 1 Jan 2024 00:00 +0000");
	test_imap_envelope_add(&env, pool, "Subject", "a \"quoted\" \\ one");
	test_imap_envelope_add(&env, pool, "Subject", "second is ignored");
	test_imap_envelope_add(&env, pool, "From", "x@y");
	test_imap_envelope_add(&env, pool, "Reply-To", "\"R\" <r@y>");
	test_imap_envelope_add(&env, pool, "CC", "=?utf-8?q?caf=C3=A9?= <c@d>");
	test_imap_envelope_add(&env, pool, "Message-ID", "<m@id>");
	test_imap_envelope_add(&env, pool, "In-Reply-To", "<p@id>");
	test_imap_envelope_add(&env, pool, "X-Other", "ignored");
	imap_envelope_write(&env, str);
	test_assert_strcmp(str_c(str),
		"(\"Mon, 1 Jan 2024 00:00 +0000\" \"a \\\"quoted\\\" \\\\ one\" "
		"((NIL NIL \"x\" \"y\")) ((NIL NIL \"x\" \"y\")) "
		"((\"R\" NIL \"r\" \"y\")) NIL "
		"((\"=?utf-8?q?caf=C3=A9?=\" NIL \"c\" \"d\")) NIL "
		"\"<p@id>\" \"<m@id>\")");

	/* 8-bit subject: a literal */
	i_zero(&env);
	test_imap_envelope_add(&env, pool, "Subject", "caf\xC3\xA9");
	str_truncate(str, 0);
	imap_envelope_write(&env, str);
	test_assert_strcmp(str_c(str), "(NIL {5}\r\ncaf\xC3\xA9 NIL NIL NIL "
			   "NIL NIL NIL NIL NIL)");
	pool_unref(&pool);
	test_end();
}
