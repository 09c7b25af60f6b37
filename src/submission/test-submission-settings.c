/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for the submission settings check: what it refuses and how it
   bounds submission_max_mail_size. */

#include "lib.h"
#include "test-common.h"
#include "submission-settings.h"

void test_submission_settings_check(void);

void test_submission_settings_check(void)
{
	static const struct {
		unsigned int port;
		const char *ssl, *user, *password;
		uoff_t max_size;
		unsigned int max_rcpts;
		bool valid;
		uoff_t checked_max_size;
	} tests[] = {
		{ 25, "no", "", "", 1024, 1, true, 1024 },
		{ 587, "no", "", "", 0, 10, true,
		  SUBMISSION_MAX_MAIL_SIZE_CAP },
		{ 25, "no", "", "", SUBMISSION_MAX_MAIL_SIZE_CAP + 1, 10, true,
		  SUBMISSION_MAX_MAIL_SIZE_CAP },
		{ 0, "no", "", "", 1024, 10, false, 0 },
		{ 65536, "no", "", "", 1024, 10, false, 0 },
		{ 25, "starttls", "", "", 1024, 10, true, 1024 },
		{ 465, "smtps", "relayuser", "secret", 1024, 10, true, 1024 },
		{ 25, "no", "relayuser", "", 1024, 10, true, 1024 },
		{ 25, "no", "", "secret", 1024, 10, false, 0 },
		{ 25, "no", "", "", 1024, 0, false, 0 },
	};
	const struct submission_settings *defaults =
		submission_setting_parser_info.defaults;
	struct submission_settings set;
	const char *error;
	bool valid;

	test_begin("submission settings check");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		set = *defaults;
		set.submission_relay_port = tests[i].port;
		set.submission_relay_ssl = tests[i].ssl;
		set.submission_relay_user = tests[i].user;
		set.submission_relay_password = tests[i].password;
		set.submission_max_mail_size = tests[i].max_size;
		set.submission_max_recipients = tests[i].max_rcpts;
		error = NULL;
		valid = submission_setting_parser_info.check_func(
			&set, default_pool, &error);
		test_assert_idx(valid == tests[i].valid, i);
		test_assert_idx(valid == (error == NULL), i);
		if (valid) {
			test_assert_idx(set.submission_max_mail_size ==
					tests[i].checked_max_size, i);
		}
	}
	test_end();
}
