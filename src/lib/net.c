/* Copyright (c) Cove authors. See AUTHORS. */
/* Sockets: addresses, listeners, accept/connect and fd passing. */

#include "lib.h"
#include "net.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

union sockaddr_union {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	struct sockaddr_storage ss;
};

int net_addr2ip(const char *addr, struct ip_addr *ip_r)
{
	memset(ip_r, 0, sizeof(*ip_r));
	if (strcmp(addr, "*") == 0) {
		ip_r->family = AF_INET;
		ip_r->u.ip4.s_addr = htonl(INADDR_ANY);
		return 0;
	}
	if (strchr(addr, ':') != NULL) {
		/* accept "[::1]" too */
		size_t len = strlen(addr);
		const char *plain = addr;

		if (addr[0] == '[' && len > 2 && addr[len - 1] == ']')
			plain = t_strndup(addr + 1, len - 2);
		if (inet_pton(AF_INET6, plain, &ip_r->u.ip6) != 1)
			return -1;
		ip_r->family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, addr, &ip_r->u.ip4) != 1)
		return -1;
	ip_r->family = AF_INET;
	return 0;
}

const char *net_ip2addr(const struct ip_addr *ip)
{
	char buf[INET6_ADDRSTRLEN];

	if (ip->family == 0 ||
	    inet_ntop(ip->family, &ip->u, buf, sizeof(buf)) == NULL)
		return "";
	return t_strdup(buf);
}

bool net_ip_compare(const struct ip_addr *ip1, const struct ip_addr *ip2)
{
	if (ip1->family != ip2->family)
		return false;
	if (ip1->family == AF_INET)
		return ip1->u.ip4.s_addr == ip2->u.ip4.s_addr;
	if (ip1->family == AF_INET6)
		return memcmp(&ip1->u.ip6, &ip2->u.ip6,
			      sizeof(ip1->u.ip6)) == 0;
	return true;
}

static bool net_bits_match(const unsigned char *a, const unsigned char *b,
			   unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

bool net_is_in_network(const struct ip_addr *ip, const struct ip_addr *net,
		       unsigned int bits)
{
	static const unsigned char v4mapped_prefix[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (ip->family == AF_INET6 && net->family == AF_INET &&
	    memcmp(&ip->u.ip6, v4mapped_prefix, 12) == 0) {
		/* ::ffff:1.2.3.4 against an IPv4 network */
		const unsigned char *p = (const unsigned char *)&ip->u.ip6;

		return net_bits_match(p + 12,
				      (const unsigned char *)&net->u.ip4,
				      I_MIN(bits, 32U));
	}
	if (ip->family != net->family || ip->family == 0)
		return false;
	if (ip->family == AF_INET) {
		return net_bits_match((const unsigned char *)&ip->u.ip4,
				      (const unsigned char *)&net->u.ip4,
				      I_MIN(bits, 32U));
	}
	return net_bits_match((const unsigned char *)&ip->u.ip6,
			      (const unsigned char *)&net->u.ip6,
			      I_MIN(bits, 128U));
}

int net_parse_range(const char *str, struct ip_addr *ip_r,
		    unsigned int *bits_r)
{
	const char *slash = strchr(str, '/');
	unsigned int bits, max_bits;

	if (slash == NULL) {
		if (net_addr2ip(str, ip_r) < 0)
			return -1;
		*bits_r = ip_r->family == AF_INET ? 32 : 128;
		return 0;
	}
	if (net_addr2ip(t_strndup(str, (size_t)(slash - str)), ip_r) < 0)
		return -1;
	max_bits = ip_r->family == AF_INET ? 32 : 128;
	if (str_to_uint(slash + 1, &bits) < 0 || bits > max_bits)
		return -1;
	*bits_r = bits;
	return 0;
}

bool net_ip_is_loopback(const struct ip_addr *ip)
{
	if (ip->family == AF_INET)
		return (ntohl(ip->u.ip4.s_addr) >> 24) == 127;
	if (ip->family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&ip->u.ip6);
	return false;
}

int net_ip_in_networks(const char *networks, const struct ip_addr *ip,
		       const char **bad_net_r)
{
	const char *const *nets = t_strsplit_spaces(networks, " ,");
	struct ip_addr net_ip;
	unsigned int bits;
	int ret = 0;

	for (; *nets != NULL; nets++) {
		if (net_parse_range(*nets, &net_ip, &bits) < 0) {
			*bad_net_r = *nets;
			return -1;
		}
		if (ip != NULL && ip->family != 0 &&
		    net_is_in_network(ip, &net_ip, bits))
			ret = 1;
	}
	return ret;
}

static socklen_t net_ip2sockaddr(const struct ip_addr *ip, in_port_t port,
				 union sockaddr_union *so)
{
	memset(so, 0, sizeof(*so));
	if (ip->family == AF_INET6) {
		so->sin6.sin6_family = AF_INET6;
		so->sin6.sin6_addr = ip->u.ip6;
		so->sin6.sin6_port = htons(port);
		return sizeof(so->sin6);
	}
	so->sin.sin_family = AF_INET;
	so->sin.sin_addr = ip->u.ip4;
	so->sin.sin_port = htons(port);
	return sizeof(so->sin);
}

static void net_sockaddr2ip(const union sockaddr_union *so,
			    struct ip_addr *ip_r, in_port_t *port_r)
{
	in_port_t port = 0;

	if (ip_r != NULL)
		memset(ip_r, 0, sizeof(*ip_r));
	if (so->sa.sa_family == AF_INET) {
		if (ip_r != NULL) {
			ip_r->family = AF_INET;
			ip_r->u.ip4 = so->sin.sin_addr;
		}
		port = ntohs(so->sin.sin_port);
	} else if (so->sa.sa_family == AF_INET6) {
		if (ip_r != NULL) {
			ip_r->family = AF_INET6;
			ip_r->u.ip6 = so->sin6.sin6_addr;
		}
		port = ntohs(so->sin6.sin6_port);
	}
	if (port_r != NULL)
		*port_r = port;
}

int net_listen_inet(const struct ip_addr *ip, in_port_t *port, int backlog,
		    const char **error_r)
{
	union sockaddr_union so;
	socklen_t len = net_ip2sockaddr(ip, *port, &so);
	int fd, opt = 1;

	fd = socket(so.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
	if (fd == -1) {
		*error_r = t_strdup_printf("socket() failed: %m");
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof(opt));
	if (ip->family == AF_INET6) {
		/* "::" means IPv6 only; "*" covers IPv4 */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
				 &opt, sizeof(opt));
	}
	if (bind(fd, &so.sa, len) < 0 || listen(fd, backlog) < 0) {
		*error_r = t_strdup_printf(ip->family == AF_INET6 ?
					   "bind([%s]:%u) failed: %m" :
					   "bind(%s:%u) failed: %m",
					   net_ip2addr(ip), *port);
		(void)close(fd);
		return -1;
	}
	if (*port == 0) {
		len = sizeof(so);
		if (getsockname(fd, &so.sa, &len) < 0) {
			*error_r = t_strdup_printf(
				"getsockname() failed: %m");
			(void)close(fd);
			return -1;
		}
		net_sockaddr2ip(&so, NULL, port);
	}
	return fd;
}

static int net_unix_sockaddr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, path, strlen(path));
	return 0;
}

static int net_listen_unix_try(const char *path, int backlog)
{
	struct sockaddr_un sun;
	int fd;

	if (net_unix_sockaddr(path, &sun) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, backlog) < 0) {
		int saved_errno = errno;

		(void)close(fd);
		errno = saved_errno;
		return -1;
	}
	return fd;
}

int net_listen_unix(const char *path, int backlog, const char **error_r)
{
	int fd = net_listen_unix_try(path, backlog);

	if (fd == -1 && errno == EADDRINUSE) {
		/* stale socket from a crashed process, or a live one? */
		int conn_fd = net_connect_unix(path);

		if (conn_fd != -1) {
			(void)close(conn_fd);
			errno = EADDRINUSE;
		} else if (errno == ECONNREFUSED) {
			if (unlink(path) < 0 && errno != ENOENT) {
				*error_r = t_strdup_printf(
					"unlink(%s) failed: %m", path);
				return -1;
			}
			fd = net_listen_unix_try(path, backlog);
		} else {
			errno = EADDRINUSE;
		}
	}
	if (fd == -1) {
		*error_r = t_strdup_printf("bind(%s) failed: %m", path);
		return -1;
	}
	return fd;
}

int net_accept(int listen_fd, struct ip_addr *ip_r, in_port_t *port_r)
{
	union sockaddr_union so;
	socklen_t len = sizeof(so);
	int fd;

	fd = accept4(listen_fd, &so.sa, &len, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR || errno == ECONNABORTED)
			return -1;
		return -2;
	}
	net_sockaddr2ip(&so, ip_r, port_r);
	return fd;
}

int net_connect_unix(const char *path)
{
	struct sockaddr_un sun;
	int fd, ret;

	if (net_unix_sockaddr(path, &sun) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	do {
		ret = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		int saved_errno = errno;

		(void)close(fd);
		errno = saved_errno;
		return -1;
	}
	return fd;
}

int net_getsockname(int fd, struct ip_addr *ip_r, in_port_t *port_r)
{
	union sockaddr_union so;
	socklen_t len = sizeof(so);

	if (getsockname(fd, &so.sa, &len) < 0)
		return -1;
	net_sockaddr2ip(&so, ip_r, port_r);
	return 0;
}

int net_getpeername(int fd, struct ip_addr *ip_r, in_port_t *port_r)
{
	union sockaddr_union so;
	socklen_t len = sizeof(so);

	if (getpeername(fd, &so.sa, &len) < 0)
		return -1;
	net_sockaddr2ip(&so, ip_r, port_r);
	return 0;
}

int net_getunixcred(int fd, pid_t *pid_r, uid_t *uid_r, gid_t *gid_r)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -1;
	if (pid_r != NULL)
		*pid_r = cred.pid;
	if (uid_r != NULL)
		*uid_r = cred.uid;
	if (gid_r != NULL)
		*gid_r = cred.gid;
	return 0;
}

void fd_set_nonblock(int fd, bool nonblock)
{
	int flags = fcntl(fd, F_GETFL, 0);

	if (flags < 0)
		i_panic("fcntl(%d, F_GETFL) failed: %m", fd);
	flags = nonblock ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
	if (fcntl(fd, F_SETFL, flags) < 0)
		i_panic("fcntl(%d, F_SETFL) failed: %m", fd);
}

void fd_close_on_exec(int fd, bool set)
{
	int flags = fcntl(fd, F_GETFD, 0);

	if (flags < 0)
		i_panic("fcntl(%d, F_GETFD) failed: %m", fd);
	flags = set ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
	if (fcntl(fd, F_SETFD, flags) < 0)
		i_panic("fcntl(%d, F_SETFD) failed: %m", fd);
}

ssize_t fd_send(int sock, int send_fd, const void *data, size_t size)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cmsg_buf;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = size };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t ret;

	i_assert(size > 0);
	if (send_fd != -1) {
		struct cmsghdr *cmsg;

		memset(&cmsg_buf, 0, sizeof(cmsg_buf));
		msg.msg_control = cmsg_buf.buf;
		msg.msg_controllen = sizeof(cmsg_buf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &send_fd, sizeof(int));
	}
	do {
		ret = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

static void fd_read_close_extra(struct msghdr *msg, int *fd_r)
{
	for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			       sizeof(int));
			/* keep the first fd, close any extra ones */
			if (*fd_r == -1)
				*fd_r = fd;
			else
				(void)close(fd);
		}
	}
}

ssize_t fd_read(int sock, void *data, size_t size, int *fd_r)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} cmsg_buf;
	struct iovec iov = { .iov_base = data, .iov_len = size };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cmsg_buf.buf,
		.msg_controllen = sizeof(cmsg_buf.buf),
	};
	ssize_t ret;

	*fd_r = -1;
	memset(&cmsg_buf, 0, sizeof(cmsg_buf));
	do {
		ret = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -1;
	fd_read_close_extra(&msg, fd_r);
	return ret;
}

int net_set_tcp_nodelay(int fd)
{
	int on = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0 &&
	    errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOPROTOOPT)
		return -1;
	return 0;
}

void net_close_gracefully(int *fd)
{
	char buf[4096];
	unsigned int i;

	(void)shutdown(*fd, SHUT_WR);
	/* bounded: a peer that keeps sending cannot keep us here */
	for (i = 0; i < 64 && read(*fd, buf, sizeof(buf)) > 0; i++) ;
	i_close_fd(fd);
}
