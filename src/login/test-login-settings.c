/* Copyright (c) Cove authors. See AUTHORS. */
/* Unit tests of login-settings.c. */

#include "lib.h"
#include "net.h"
#include "login-settings.h"
#include "test-login.h"

void test_login_settings_ip_in_networks(void)
{
	static const struct {
		const char *networks;
		const char *ip;
		int ret;
	} tests[] = {
		{ "", "10.1.2.3", 0 },
		{ "10.0.0.0/8", "10.1.2.3", 1 },
		{ "10.0.0.0/8", "11.1.2.3", 0 },
		{ "192.168.1.0/24 10.0.0.0/8", "10.255.0.1", 1 },
		{ "192.168.1.0/24,10.0.0.0/8", "192.168.1.77", 1 },
		{ "192.168.1.0/24, 10.0.0.0/8", "192.168.2.77", 0 },
		{ "203.0.113.5", "203.0.113.5", 1 },
		{ "203.0.113.5", "203.0.113.6", 0 },
		{ "2001:db8::/32", "2001:db8::1", 1 },
		{ "2001:db8::/32", "10.1.2.3", 0 },
		{ "10.0.0.0/8", "2001:db8::1", 0 },
		{ "10.0.0.0/8 bogus", "10.1.2.3", -1 },
		{ "10.0.0.0/99", "10.1.2.3", -1 },
	};
	struct ip_addr ip;
	const char *error;
	unsigned int i;
	int ret;

	test_begin("login_settings_ip_in_networks");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		error = NULL;
		test_assert_idx(net_addr2ip(tests[i].ip, &ip) == 0, i);
		ret = login_settings_ip_in_networks(tests[i].networks, &ip,
						    &error);
		test_assert_idx(ret == tests[i].ret, i);
		test_assert_idx((ret < 0) == (error != NULL), i);
	}
	/* validation only, as the settings check does */
	test_assert(login_settings_ip_in_networks("10.0.0.0/8 ::1", NULL,
						  &error) == 0);
	test_end();
}
