/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef NET_H
#define NET_H

/* Sockets: TCP and unix listeners, accept, connect, addresses, and
   passing file descriptors over unix sockets (SCM_RIGHTS). */

#include <netinet/in.h>

struct ip_addr {
	unsigned short family; /* AF_INET, AF_INET6, or 0 for none/unix */
	union {
		struct in_addr ip4;
		struct in6_addr ip6;
	} u;
};

/* Parses "127.0.0.1", "::1", "*" (any IPv4) or "::" (any IPv6).
   Returns 0 or -1. */
int net_addr2ip(const char *addr, struct ip_addr *ip_r);
/* Returns the text form (temporary frame); "" for family 0. */
const char *net_ip2addr(const struct ip_addr *ip);
bool net_ip_compare(const struct ip_addr *ip1, const struct ip_addr *ip2);
/* True if ip is inside net/bits. */
bool net_is_in_network(const struct ip_addr *ip, const struct ip_addr *net,
		       unsigned int bits);
/* Parses "1.2.3.0/24" or a single address (full-length mask). */
int net_parse_range(const char *str, struct ip_addr *ip_r,
		    unsigned int *bits_r);
bool net_ip_is_loopback(const struct ip_addr *ip);
/* Whether ip is in one of networks ("10.0.0.0/8, ::1 192.168.1.1": ranges
   or addresses separated by spaces or commas). Returns 1 or 0 (also for
   ip NULL or unset: then only the syntax is checked), or -1 with
   *bad_net_r pointing to the first network that does not parse
   (temporary frame). */
int net_ip_in_networks(const char *networks, const struct ip_addr *ip,
		       const char **bad_net_r);

/* Binds and listens (SO_REUSEADDR, close-on-exec, non-blocking). If *port
   is 0, a free port is chosen and returned in it. Returns fd, or -1 with
   error_r ("bind(127.0.0.1:143) failed: ..."). */
int net_listen_inet(const struct ip_addr *ip, in_port_t *port, int backlog,
		    const char **error_r);
/* Removes a stale socket file at path (one nobody listens on) first; fails
   if something is listening there. Returns fd or -1 with error_r. */
int net_listen_unix(const char *path, int backlog, const char **error_r);
/* Returns the new fd (close-on-exec, blocking mode as inherited), -1 if
   no connection is waiting, -2 on error (errno set). ip and port may be
   NULL; for unix sockets ip->family is 0. */
int net_accept(int listen_fd, struct ip_addr *ip_r, in_port_t *port_r);
/* Blocking connect to a unix socket. Returns fd or -1 (errno set). */
int net_connect_unix(const char *path);
int net_getsockname(int fd, struct ip_addr *ip_r, in_port_t *port_r);
int net_getpeername(int fd, struct ip_addr *ip_r, in_port_t *port_r);
/* uid/gid of the peer of a unix socket. */
int net_getunixcred(int fd, pid_t *pid_r, uid_t *uid_r, gid_t *gid_r);

/* Sets TCP_NODELAY: for servers that write each reply whole (corked), so
   that Nagle's algorithm does not hold back its last segment until the
   peer's delayed ACK. A non-TCP socket (a socketpair) is left alone.
   Returns 0, or -1 with errno set. */
int net_set_tcp_nodelay(int fd);
/* Closes a connection so that the peer reads everything we sent: closing
   with unread input would send RST, which can make the peer drop our last
   replies. Sends FIN, discards a bounded amount of pending input, closes,
   and sets *fd to -1. */
void net_close_gracefully(int *fd);

void fd_set_nonblock(int fd, bool nonblock);
void fd_close_on_exec(int fd, bool set);

/* Sends data (size > 0) with send_fd attached (-1 for none). Returns
   bytes sent or -1 (errno set). */
ssize_t fd_send(int sock, int send_fd, const void *data, size_t size);
/* Reads data and a passed fd if any (*fd_r = -1 if none). Returns bytes
   read, 0 on EOF, -1 on error (errno set). */
ssize_t fd_read(int sock, void *data, size_t size, int *fd_r);

#endif
