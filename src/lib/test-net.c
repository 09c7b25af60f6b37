/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for net.c: addresses, listeners and fd passing. */

#include "lib.h"
#include "net.h"
#include "test-lib.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

static void test_net_addresses(void)
{
	static const struct {
		const char *range, *ip;
		bool match;
	} ranges[] = {
		{ "10.0.0.0/8", "10.1.2.3", true },
		{ "10.0.0.0/8", "11.1.2.3", false },
		{ "192.168.1.0/25", "192.168.1.127", true },
		{ "192.168.1.0/25", "192.168.1.128", false },
		{ "1.2.3.4", "1.2.3.4", true },
		{ "1.2.3.4", "1.2.3.5", false },
		{ "0.0.0.0/0", "8.8.8.8", true },
		{ "fe80::/10", "fe80::1", true },
		{ "fe80::/10", "fec0::1", false },
		{ "127.0.0.0/8", "::ffff:127.0.0.1", true },
		{ "::1", "127.0.0.1", false },
	};
	struct ip_addr ip, ip2, net;
	unsigned int bits;

	test_assert(net_addr2ip("127.0.0.1", &ip) == 0);
	test_assert(ip.family == AF_INET);
	test_assert_strcmp(net_ip2addr(&ip), "127.0.0.1");
	test_assert(net_ip_is_loopback(&ip));
	test_assert(net_addr2ip("::1", &ip2) == 0 && ip2.family == AF_INET6);
	test_assert_strcmp(net_ip2addr(&ip2), "::1");
	test_assert(net_ip_is_loopback(&ip2));
	test_assert(!net_ip_compare(&ip, &ip2));
	test_assert(net_addr2ip("[::1]", &ip) == 0);
	test_assert(net_ip_compare(&ip, &ip2));
	test_assert(net_addr2ip("*", &ip) == 0 && ip.family == AF_INET);
	test_assert_strcmp(net_ip2addr(&ip), "0.0.0.0");
	test_assert(net_addr2ip("::", &ip) == 0 && ip.family == AF_INET6);
	test_assert(net_addr2ip("1.2.3", &ip) < 0);
	test_assert(net_addr2ip("host", &ip) < 0);
	memset(&ip, 0, sizeof(ip));
	test_assert_strcmp(net_ip2addr(&ip), "");

	for (unsigned int i = 0; i < N_ELEMENTS(ranges); i++) {
		test_assert_idx(net_parse_range(ranges[i].range, &net,
						&bits) == 0, i);
		test_assert_idx(net_addr2ip(ranges[i].ip, &ip) == 0, i);
		test_assert_idx(net_is_in_network(&ip, &net, bits) ==
				ranges[i].match, i);
	}
	test_assert(net_parse_range("1.2.3.4/33", &net, &bits) < 0);
	test_assert(net_parse_range("1.2.3.4/", &net, &bits) < 0);
	test_assert(net_parse_range("::/129", &net, &bits) < 0);
	test_assert(net_parse_range("::/128", &net, &bits) == 0 &&
		    bits == 128);
}

static void test_net_networks(void)
{
	struct ip_addr ip;
	const char *bad;

	test_assert(net_addr2ip("192.168.1.7", &ip) == 0);
	test_assert(net_ip_in_networks("10.0.0.0/8, 192.168.1.0/24", &ip,
				       &bad) == 1);
	test_assert(net_ip_in_networks("10.0.0.0/8,::1 192.168.1.8", &ip,
				       &bad) == 0);
	test_assert(net_ip_in_networks("", &ip, &bad) == 0);
	test_assert(net_ip_in_networks("10.0.0.0/8 x.y", &ip, &bad) == -1);
	test_assert_strcmp(bad, "x.y");
	test_assert(net_ip_in_networks("10.0.0.0/8", NULL, &bad) == 0);
	test_assert(net_ip_in_networks("1.2.3.4/40", NULL, &bad) == -1);
	test_assert(net_addr2ip("::1", &ip) == 0);
	test_assert(net_ip_in_networks("127.0.0.1, ::1", &ip, &bad) == 1);
}

static void test_net_inet(void)
{
	struct ip_addr ip, peer_ip;
	in_port_t port = 0, peer_port;
	const char *error;
	int listen_fd, client_fd, server_fd;

	test_assert(net_addr2ip("127.0.0.1", &ip) == 0);
	listen_fd = net_listen_inet(&ip, &port, 16, &error);
	test_assert(listen_fd >= 0 && port != 0);
	test_assert((fcntl(listen_fd, F_GETFD) & FD_CLOEXEC) != 0);
	/* nothing waiting yet: non-blocking accept says so */
	test_assert(net_accept(listen_fd, NULL, NULL) == -1);

	/* the same port is taken now */
	in_port_t port2 = port;
	test_assert(net_listen_inet(&ip, &port2, 16, &error) == -1);
	test_assert(strstr(error, "bind(127.0.0.1:") != NULL);

	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr = ip.u.ip4,
	};
	client_fd = socket(AF_INET, SOCK_STREAM, 0);
	test_assert(connect(client_fd, (struct sockaddr *)&sin,
			    sizeof(sin)) == 0);
	server_fd = net_accept(listen_fd, &peer_ip, &peer_port);
	test_assert(server_fd >= 0);
	test_assert(net_ip_compare(&peer_ip, &ip));
	test_assert((fcntl(server_fd, F_GETFD) & FD_CLOEXEC) != 0);
	in_port_t local_port;
	test_assert(net_getsockname(server_fd, &ip, &local_port) == 0);
	test_assert(local_port == port);
	test_assert(net_getpeername(server_fd, &ip, &local_port) == 0);
	test_assert(local_port == peer_port);
	test_assert(write(client_fd, "hi", 2) == 2);
	char buf[4];
	test_assert(read(server_fd, buf, sizeof(buf)) == 2);
	(void)close(client_fd);
	(void)close(server_fd);
	(void)close(listen_fd);
}

static void test_net_unix(void)
{
	char dir[] = "/tmp/cove-test-net.XXXXXX";
	const char *path, *error;
	int listen_fd, fd, fd2;

	test_assert(mkdtemp(dir) != NULL);
	path = t_strconcat(dir, "/sock", NULL);
	listen_fd = net_listen_unix(path, 16, &error);
	test_assert(listen_fd >= 0);
	/* a live listener is not replaced */
	test_assert(net_listen_unix(path, 16, &error) == -1);
	test_assert(strstr(error, "in use") != NULL);

	fd = net_connect_unix(path);
	test_assert(fd >= 0);
	fd2 = net_accept(listen_fd, NULL, NULL);
	test_assert(fd2 >= 0);
	uid_t uid;
	pid_t pid;
	test_assert(net_getunixcred(fd2, &pid, &uid, NULL) == 0);
	test_assert(uid == geteuid() && pid == getpid());
	(void)close(fd);
	(void)close(fd2);
	/* a stale socket file is replaced */
	(void)close(listen_fd);
	struct stat st;
	test_assert(stat(path, &st) == 0);
	listen_fd = net_listen_unix(path, 16, &error);
	test_assert(listen_fd >= 0);
	(void)close(listen_fd);
	test_assert(net_connect_unix(path) == -1 && errno == ECONNREFUSED);
	(void)unlink(path);
	(void)rmdir(dir);
}

static void test_net_fd_passing(void)
{
	int sp[2], pipe_fds[2], recv_fd;
	char buf[16];

	test_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
	test_assert(pipe(pipe_fds) == 0);
	test_assert(fd_send(sp[0], pipe_fds[1], "fd", 2) == 2);
	test_assert(fd_read(sp[1], buf, sizeof(buf), &recv_fd) == 2);
	test_assert(memcmp(buf, "fd", 2) == 0);
	test_assert(recv_fd >= 0 && recv_fd != pipe_fds[1]);
	/* the passed fd is the pipe's write end */
	test_assert(write(recv_fd, "x", 1) == 1);
	test_assert(read(pipe_fds[0], buf, 1) == 1 && buf[0] == 'x');
	test_assert((fcntl(recv_fd, F_GETFD) & FD_CLOEXEC) != 0);
	(void)close(recv_fd);

	/* no fd attached */
	test_assert(fd_send(sp[0], -1, "n", 1) == 1);
	test_assert(fd_read(sp[1], buf, sizeof(buf), &recv_fd) == 1);
	test_assert(recv_fd == -1);
	(void)close(sp[0]);
	test_assert(fd_read(sp[1], buf, sizeof(buf), &recv_fd) == 0);
	(void)close(sp[1]);
	(void)close(pipe_fds[0]);
	(void)close(pipe_fds[1]);

	int fd = pipe_fds[0];
	test_assert(pipe(pipe_fds) == 0);
	fd = pipe_fds[0];
	fd_close_on_exec(fd, true);
	test_assert((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	fd_close_on_exec(fd, false);
	test_assert((fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0);
	fd_set_nonblock(fd, true);
	test_assert((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	fd_set_nonblock(fd, false);
	test_assert((fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);
	(void)close(pipe_fds[0]);
	(void)close(pipe_fds[1]);
}

void test_net(void)
{
	test_begin("net");
	test_net_addresses();
	test_net_networks();
	test_net_inet();
	test_net_unix();
	test_net_fd_passing();
	test_end();
}
