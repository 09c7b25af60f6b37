/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for auth-penalty.c (the delay curve, the table's expiry, LRU
   bound and IPv6 masking) and for the penalty in auth requests. */

#include "lib.h"
#include "ioloop.h"
#include "test-common.h"
#include "auth.h"
#include "auth-penalty.h"
#include "test-auth-common.h"

static struct ip_addr test_ip(const char *addr)
{
	struct ip_addr ip;

	if (net_addr2ip(addr, &ip) < 0)
		i_fatal("invalid address %s", addr);
	return ip;
}

void test_auth_penalty_to_secs(void)
{
	static const struct {
		unsigned int failures, base, secs;
	} tests[] = {
		{ 0, 2, 0 }, { 1, 2, 2 }, { 2, 2, 4 }, { 3, 2, 8 },
		{ 4, 2, 15 }, { 5, 2, 15 }, { UINT_MAX, 2, 15 },
		{ 1, 1, 1 }, { 5, 1, 15 }, { 1, 0, 0 }, { 9, 0, 0 },
		{ 1, 60, 15 }, { 0, 60, 0 },
	};

	test_begin("auth penalty to secs");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert_idx(auth_penalty_to_secs(tests[i].failures,
						     tests[i].base) ==
				tests[i].secs, i);
	}
	test_end();
}

void test_auth_penalty_table(void)
{
	struct auth_penalty *penalty;
	struct ip_addr ip1 = test_ip("192.0.2.1");
	struct ip_addr ip2 = test_ip("192.0.2.2");
	struct ip_addr ip;
	unsigned int i;

	test_begin("auth penalty table");
	penalty = auth_penalty_create();
	test_assert(auth_penalty_get(penalty, &ip1, 1000) == 0);
	for (i = 1; i <= 3; i++) {
		auth_penalty_add_failure(penalty, &ip1, 1000);
		test_assert(auth_penalty_get(penalty, &ip1, 1000) == i);
	}
	/* the count stops where the delay stops growing */
	for (i = 0; i < 100; i++)
		auth_penalty_add_failure(penalty, &ip1, 1000);
	test_assert(auth_penalty_to_secs(auth_penalty_get(penalty, &ip1,
							  1000), 1) ==
		    AUTH_PENALTY_MAX_SECS);
	test_assert(auth_penalty_get(penalty, &ip1, 1000) < 10);
	test_assert(auth_penalty_get(penalty, &ip2, 1000) == 0);

	/* a success forgets the address, only that one */
	auth_penalty_add_failure(penalty, &ip2, 1000);
	auth_penalty_reset(penalty, &ip1);
	test_assert(auth_penalty_get(penalty, &ip1, 1000) == 0);
	test_assert(auth_penalty_get(penalty, &ip2, 1000) == 1);
	auth_penalty_reset(penalty, &ip1);

	/* expiry counts from the last failure */
	auth_penalty_add_failure(penalty, &ip2, 2000);
	test_assert(auth_penalty_get(penalty, &ip2,
				     2000 + AUTH_PENALTY_EXPIRE_SECS - 1) == 2);
	test_assert(auth_penalty_get(penalty, &ip2,
				     2000 + AUTH_PENALTY_EXPIRE_SECS) == 0);
	test_assert(auth_penalty_count(penalty) == 0);

	/* IPv6 counts per /48 */
	ip = test_ip("2001:db8:1:2::1");
	auth_penalty_add_failure(penalty, &ip, 3000);
	ip = test_ip("2001:db8:1:ffff::5");
	test_assert(auth_penalty_get(penalty, &ip, 3000) == 1);
	ip = test_ip("2001:db8:2::1");
	test_assert(auth_penalty_get(penalty, &ip, 3000) == 0);
	auth_penalty_destroy(&penalty);
	test_assert(penalty == NULL);
	test_end();
}

void test_auth_penalty_lru(void)
{
	struct auth_penalty *penalty;
	struct ip_addr ip;
	unsigned int i;

	test_begin("auth penalty lru");
	penalty = auth_penalty_create();
	for (i = 0; i <= AUTH_PENALTY_MAX_IPS; i++) {
		ip = test_ip("10.0.0.0");
		ip.u.ip4.s_addr = htonl(0x0a000000 + i);
		auth_penalty_add_failure(penalty, &ip, 1000);
		if (i == 1) {
			/* address 0 fails again: now it is the newest */
			ip.u.ip4.s_addr = htonl(0x0a000000);
			auth_penalty_add_failure(penalty, &ip, 1000);
		}
	}
	test_assert(auth_penalty_count(penalty) == AUTH_PENALTY_MAX_IPS);
	/* the oldest, 10.0.0.1, made room for the last */
	ip = test_ip("10.0.0.1");
	test_assert(auth_penalty_get(penalty, &ip, 1000) == 0);
	ip = test_ip("10.0.0.0");
	test_assert(auth_penalty_get(penalty, &ip, 1000) == 2);
	ip.u.ip4.s_addr = htonl(0x0a000000 + AUTH_PENALTY_MAX_IPS);
	test_assert(auth_penalty_get(penalty, &ip, 1000) == 1);
	auth_penalty_destroy(&penalty);
	test_end();
}

static void test_penalty_stop_ioloop(struct ioloop *ioloop)
{
	io_loop_stop(ioloop);
}

/* Starts a PLAIN login of u1 with password from 192.0.2.9. */
static struct auth_request *
test_penalty_login(struct auth *auth, const char *password, bool trusted,
		   struct test_auth_reply *reply)
{
	struct auth_request *request;
	const char *resp = t_strconcat("\001u1\001", password, NULL);
	char *data = t_strdup_noconst(resp);

	/* \001 stands for NUL in resp */
	for (char *p = data; *p != '\0'; p++) {
		if (*p == '\001')
			*p = '\0';
	}
	request = test_auth_request_new(auth, "PLAIN", reply);
	request->remote_ip = test_ip("192.0.2.9");
	request->secured = true;
	request->no_penalty = trusted;
	test_auth_request_input(request, true, data, strlen(resp));
	return request;
}

void test_auth_penalty_request(void)
{
	struct test_auth_reply reply;
	struct auth_request *request;
	struct ioloop *ioloop;
	struct timeout *to;
	struct test_auth t;

	test_auth_begin(&t, "auth penalty request", "plain");
	ioloop = io_loop_create();
	t.set->auth_failure_delay = 1;

	/* a trusted client's failure does not count */
	request = test_penalty_login(t.auth, "wrong", true, &reply);
	auth_request_free(&request);
	test_assert(auth_penalty_count(t.auth->penalty) == 0);

	/* the first failure counts at once; the next request waits
	   before its mechanism runs, and then succeeds */
	request = test_penalty_login(t.auth, "wrong", false, &reply);
	test_assert(request->to_penalty == NULL);
	test_assert(request->to_fail_delay != NULL);
	auth_request_free(&request);
	request = test_penalty_login(t.auth, "secret1", false, &reply);
	test_assert(request->to_penalty != NULL);
	test_assert(reply.count == 0);
	to = timeout_add(1500, test_penalty_stop_ioloop, ioloop);
	io_loop_run(ioloop);
	timeout_remove(&to);
	test_assert(reply.count == 1);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_OK);
	/* and the success forgot the address */
	test_assert(auth_penalty_count(t.auth->penalty) == 0);

	/* a trusted client is not held back by the address's failures */
	request = test_penalty_login(t.auth, "wrong", false, &reply);
	auth_request_free(&request);
	request = test_penalty_login(t.auth, "secret1", true, &reply);
	test_assert(reply.count == 1);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_OK);

	/* freeing a request held back removes its timer */
	request = test_penalty_login(t.auth, "secret1", false, &reply);
	test_assert(request->to_penalty != NULL);
	auth_request_free(&request);

	/* auth_failure_delay = 0: no penalty */
	t.set->auth_failure_delay = 0;
	request = test_penalty_login(t.auth, "secret1", false, &reply);
	test_assert(reply.count == 1);
	test_assert(reply.reply == AUTH_REQUEST_REPLY_OK);

	io_loop_destroy(&ioloop);
	test_auth_end(&t);
}
