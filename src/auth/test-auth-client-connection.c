/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the AUTH line parser of the auth-client protocol. */

#include "lib.h"
#include "test-auth-common.h"
#include "auth-client-connection.h"

struct parse_auth_test {
	const char *line;
	int ret;
	unsigned int id;
	const char *mech, *service, *resp;
	bool secured;
	in_port_t rport;
};

static const struct parse_auth_test parse_auth_tests[] = {
	{ "1\tPLAIN\tservice=imap", 0, 1, "PLAIN", "imap", NULL, false, 0 },
	{ "7\tLOGIN\tservice=smtp\tsecured\tlip=127.0.0.1\trip=::1\t"
	  "lport=25\trport=40000\tresp=dTE=", 0,
	  7, "LOGIN", "smtp", "dTE=", true, 40000 },
	{ "0\tPLAIN\tservice=imap\tresp=", 0,
	  0, "PLAIN", "imap", "", false, 0 },
	/* unknown fields are ignored */
	{ "2\tPLAIN\tservice=imap\tnologin\tfoo=bar", 0,
	  2, "PLAIN", "imap", NULL, false, 0 },
	/* bad */
	{ "", -1, 0, NULL, NULL, NULL, false, 0 },
	{ "1", -1, 0, NULL, NULL, NULL, false, 0 },
	{ "x\tPLAIN\tservice=imap", -1, 0, NULL, NULL, NULL, false, 0 },
	{ "-1\tPLAIN\tservice=imap", -1, 0, NULL, NULL, NULL, false, 0 },
	{ "4294967295\tPLAIN\tservice=imap", -1,
	  0, NULL, NULL, NULL, false, 0 },
	{ "1\t\tservice=imap", -1, 0, NULL, NULL, NULL, false, 0 },
	{ "1\tPLAIN", -1, 0, NULL, NULL, NULL, false, 0 },
	{ "1\tPLAIN\tservice=", -1, 0, NULL, NULL, NULL, false, 0 },
	{ "1\tPLAIN\tservice=imap\trip=1.2.3", -1,
	  0, NULL, NULL, NULL, false, 0 },
	{ "1\tPLAIN\tservice=imap\tlport=65536", -1,
	  0, NULL, NULL, NULL, false, 0 },
	{ "1\tPLAIN\tservice=imap\trport=x", -1,
	  0, NULL, NULL, NULL, false, 0 },
};

void test_auth_client_connection_parse_auth(void)
{
	struct auth_client_auth_args args;
	const char *error;

	test_begin("auth-client AUTH line parsing");
	for (unsigned int i = 0; i < N_ELEMENTS(parse_auth_tests); i++) {
		const struct parse_auth_test *t = &parse_auth_tests[i];
		const char *const *fields = t_strsplit_tabescaped(t->line);
		int ret;

		if (t->line[0] == '\0')
			fields++;
		error = NULL;
		ret = auth_client_connection_parse_auth(fields, &args, &error);
		test_assert_idx(ret == t->ret, i);
		test_assert_idx((ret < 0) == (error != NULL), i);
		if (ret < 0 || t->ret < 0)
			continue;
		test_assert_idx(args.id == t->id, i);
		test_assert_idx(strcmp(args.mech, t->mech) == 0, i);
		test_assert_idx(strcmp(args.service, t->service) == 0, i);
		test_assert_idx(args.secured == t->secured, i);
		test_assert_idx(args.remote_port == t->rport, i);
		test_assert_idx(t->resp == NULL ? args.resp_base64 == NULL :
				strcmp(args.resp_base64, t->resp) == 0, i);
	}
	test_end();
}
