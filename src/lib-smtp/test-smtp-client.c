/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for smtp-client.c: reply lines, replies read over a socket
   (multi-line, malformed, disconnect), DATA's dot-stuffing, AUTH PLAIN's
   line, and TLS refused before a handshake (successful handshakes are
   in tests/test_submission_tls.py). */

#include "lib.h"
#include "test-common.h"
#include "smtp-client.h"

#include <sys/socket.h>
#include <unistd.h>

void test_smtp_client_reply_line(void);
void test_smtp_client_read_reply(void);
void test_smtp_client_send_data(void);
void test_smtp_client_auth_plain(void);
void test_smtp_client_start_tls_refused(void);

void test_smtp_client_reply_line(void)
{
	static const struct {
		const char *line;
		int ret;
		unsigned int code;
		bool last;
	} tests[] = {
		{ "250 OK", 0, 250, true },
		{ "250", 0, 250, true },
		{ "250-mx.example.com", 0, 250, false },
		{ "550 5.1.1 No such user", 0, 550, true },
		{ "199 x", -1, 0, false },
		{ "600 x", -1, 0, false },
		{ "25 x", -1, 0, false },
		{ "250x", -1, 0, false },
		{ "", -1, 0, false },
		{ "2a0 x", -1, 0, false },
	};
	unsigned int code;
	bool last;

	test_begin("smtp client reply line");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		int ret = smtp_client_parse_reply_line(tests[i].line, &code,
						       &last);
		test_assert_idx(ret == tests[i].ret, i);
		if (ret == 0) {
			test_assert_idx(code == tests[i].code, i);
			test_assert_idx(last == tests[i].last, i);
		}
	}
	test_end();
}

/* Returns a client on one end of a socketpair whose other end has
   received server_text and is returned in peer_r (closed at once if
   close_peer). */
static struct smtp_client *
test_client_create(const char *server_text, bool close_peer, int *peer_r)
{
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		i_fatal("socketpair() failed: %m");
	if (write(fds[1], server_text, strlen(server_text)) < 0)
		i_fatal("write() failed: %m");
	if (close_peer)
		i_close_fd(&fds[1]);
	*peer_r = fds[1];
	return smtp_client_create_fd(fds[0]);
}

void test_smtp_client_read_reply(void)
{
	static const struct {
		const char *input;
		int ret;
		unsigned int code;
		const char *text;
	} tests[] = {
		{ "250 OK\r\n", 0, 250, "250 OK\r\n" },
		{ "250-a\r\n250-b\n250 c\r\n", 0, 250,
		  "250-a\r\n250-b\r\n250 c\r\n" },
		{ "550 bad\x01x\r\n", 0, 550, "550 bad x\r\n" },
		{ "250-a\r\n550 b\r\n", -1, 0, NULL },
		{ "hello\r\n", -1, 0, NULL },
		{ "250-a\r\n", -1, 0, NULL },
		{ "", -1, 0, NULL },
	};
	struct smtp_client_reply reply;
	struct smtp_client *client;
	const char *error;
	int peer;

	test_begin("smtp client read reply");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		client = test_client_create(tests[i].input, true, &peer);
		int ret = smtp_client_read_reply(client, &reply, &error);
		test_assert_idx(ret == tests[i].ret, i);
		if (ret == 0) {
			test_assert_idx(reply.code == tests[i].code, i);
			test_assert_idx(strcmp(reply.text,
					       tests[i].text) == 0, i);
		}
		smtp_client_destroy(&client);
	}
	test_end();
}

void test_smtp_client_send_data(void)
{
	static const struct {
		const char *data;
		const char *wire;
	} tests[] = {
		{ "a\r\nb\r\n", "a\r\nb\r\n.\r\n" },
		{ "a\nb", "a\r\nb\r\n.\r\n" },
		{ ".x\r\n..\r\n.\r\n", "..x\r\n...\r\n..\r\n.\r\n" },
		{ "", ".\r\n" },
		{ "a.b\r\n", "a.b\r\n.\r\n" },
	};
	struct smtp_client_reply reply;
	struct smtp_client *client;
	const char *error;
	char buf[256];
	ssize_t ret;
	int peer;

	test_begin("smtp client send data");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		client = test_client_create("250 2.0.0 Queued\r\n", false,
					    &peer);
		test_assert_idx(smtp_client_send_data(client,
			(const unsigned char *)tests[i].data,
			strlen(tests[i].data), &reply, &error) == 0, i);
		test_assert_idx(reply.code == 250, i);
		smtp_client_destroy(&client);
		ret = read(peer, buf, sizeof(buf) - 1);
		test_assert_idx(ret >= 0, i);
		buf[ret < 0 ? 0 : ret] = '\0';
		test_assert_idx(strcmp(buf, tests[i].wire) == 0, i);
		i_close_fd(&peer);
	}
	test_end();
}

void test_smtp_client_auth_plain(void)
{
	static const char wire[] = "AUTH PLAIN AHUxAHAgdw==\r\n";
	struct smtp_client_reply reply;
	struct smtp_client *client;
	const char *error;
	char buf[256];
	ssize_t ret;
	int peer;

	test_begin("smtp client auth plain");
	client = test_client_create("535 5.7.8 No\r\n", false, &peer);
	test_assert(smtp_client_auth_plain(client, "u1", "p w", &reply,
					   &error) == 0);
	test_assert(reply.code == 535);
	smtp_client_destroy(&client);
	ret = read(peer, buf, sizeof(buf) - 1);
	test_assert(ret == (ssize_t)strlen(wire));
	buf[ret < 0 ? 0 : ret] = '\0';
	test_assert_strcmp(buf, wire);
	i_close_fd(&peer);
	test_end();
}

void test_smtp_client_start_tls_refused(void)
{
	struct smtp_client_reply reply;
	struct smtp_client *client;
	const char *error;
	int peer;

	test_begin("smtp client start tls refused");
	/* a reply pipelined after the 220 would count as sent over TLS */
	client = test_client_create("220 Go\r\n250 Injected\r\n", true,
				    &peer);
	test_assert(smtp_client_read_reply(client, &reply, &error) == 0);
	test_assert(smtp_client_start_tls(client, "localhost", "", true,
					  &error) == -1);
	test_assert_strcmp(error, "Server sent data before TLS started");
	smtp_client_destroy(&client);

	/* the server answers the handshake in plaintext */
	client = test_client_create("220 Go\r\n", false, &peer);
	test_assert(smtp_client_read_reply(client, &reply, &error) == 0);
	if (write(peer, "500 What?\r\n", 11) != 11)
		i_fatal("write() failed: %m");
	test_assert(smtp_client_start_tls(client, "127.0.0.1", "", false,
					  &error) == -1);
	test_assert(strncmp(error, "TLS handshake failed: ", 22) == 0);
	smtp_client_destroy(&client);
	i_close_fd(&peer);

	/* an unreadable CA file */
	client = test_client_create("", true, &peer);
	test_assert(smtp_client_start_tls(client, "localhost",
					  "/nonexistent/ca.pem", true,
					  &error) == -1);
	test_assert(strncmp(error, "Can't load CA file /nonexistent/ca.pem",
			    38) == 0);
	smtp_client_destroy(&client);
	test_end();
}
