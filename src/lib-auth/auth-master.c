/* Copyright (c) Cove authors. See AUTHORS. */

/* Blocking client of the auth-master protocol: connect, send VERSION and
   one request, wait (poll, bounded by AUTH_MASTER_TIMEOUT_MSECS in total)
   for the reply line, disconnect. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "istream.h"
#include "net.h"
#include "file-util.h"
#include "auth-master.h"

#include <poll.h>
#include <sys/time.h>

#define AUTH_MASTER_TIMEOUT_MSECS 10000
#define AUTH_MASTER_MAX_LINE_LENGTH 16384
/* Id of the single request sent on each connection. */
#define AUTH_MASTER_REQUEST_ID "1"

static long long auth_master_now_msecs(void)
{
	struct timeval tv;

	if (gettimeofday(&tv, NULL) < 0)
		i_fatal("gettimeofday() failed: %m");
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Reads one line within the deadline. Returns the line (valid until the
   stream is destroyed), or NULL with error_r. */
static const char *
auth_master_read_line(struct istream *input, long long deadline,
		      const char **error_r)
{
	struct pollfd pfd;
	const char *line;
	ssize_t ret;
	int timeout;

	pfd.fd = i_stream_get_fd(input);
	pfd.events = POLLIN;
	while ((line = i_stream_next_line(input)) == NULL) {
		timeout = (int)(deadline - auth_master_now_msecs());
		if (timeout <= 0) {
			*error_r = "Timed out waiting for a reply";
			return NULL;
		}
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
			*error_r = t_strdup_printf("poll() failed: %m");
			return NULL;
		}
		ret = i_stream_read(input);
		if (ret == -1) {
			*error_r = input->stream_errno == 0 ?
				"Disconnected before replying" :
				t_strdup_printf("read() failed: %s",
						i_stream_get_error(input));
			return NULL;
		}
		if (ret == -2) {
			*error_r = "Reply line too long";
			return NULL;
		}
	}
	return line;
}

static int auth_master_parse_id(const char *str, uid_t *id_r)
{
	unsigned int num;

	if (str_to_uint(str, &num) < 0 || num == (unsigned int)-1)
		return -1;
	*id_r = (uid_t)num;
	return 0;
}

/* Parses "USER\tID\tNAME\tk=v..." args (after the id). Returns 0, or -1
   with error_r. */
static int auth_master_parse_user(const char *const *args, pool_t pool,
				  struct auth_user_reply *reply_r,
				  const char **error_r)
{
	uid_t uid;

	if (args[0] == NULL || args[0][0] == '\0') {
		*error_r = "USER reply without a user name";
		return -1;
	}
	reply_r->username = p_strdup(pool, args[0]);
	reply_r->uid = (uid_t)-1;
	reply_r->gid = (gid_t)-1;
	reply_r->fields = p_strarray_dup(pool, args + 1);
	for (const char *const *f = reply_r->fields; *f != NULL; f++) {
		if (str_begins(*f, "uid=")) {
			if (auth_master_parse_id(*f + 4, &reply_r->uid) < 0) {
				*error_r = t_strdup_printf("Invalid %s", *f);
				return -1;
			}
		} else if (str_begins(*f, "gid=")) {
			if (auth_master_parse_id(*f + 4, &uid) < 0) {
				*error_r = t_strdup_printf("Invalid %s", *f);
				return -1;
			}
			reply_r->gid = (gid_t)uid;
		} else if (str_begins(*f, "home=")) {
			reply_r->home = *f + 5;
		} else if (str_begins(*f, "mail=")) {
			reply_r->mail = *f + 5;
		}
	}
	return 0;
}

/* verb: the success reply expected ("USER" or "PASS"). */
static int auth_master_parse_reply(const char *line, const char *verb,
				   pool_t pool,
				   struct auth_user_reply *reply_r,
				   const char **error_r)
{
	const char *const *args = t_strsplit_tabescaped(line);
	const char *reason;

	if (args[0] == NULL || args[1] == NULL ||
	    strcmp(args[1], AUTH_MASTER_REQUEST_ID) != 0) {
		*error_r = t_strdup_printf("Unexpected reply: %s",
					   str_tabescape(line));
		return -1;
	}
	if (strcmp(args[0], verb) == 0) {
		if (auth_master_parse_user(args + 2, pool, reply_r,
					   error_r) < 0)
			return -1;
		return 1;
	}
	if (strcmp(args[0], "NOTFOUND") == 0)
		return 0;
	if (strcmp(args[0], "FAIL") == 0) {
		reason = args[2] != NULL && str_begins(args[2], "reason=") ?
			args[2] + 7 : "Lookup failed";
		*error_r = t_strdup_printf("auth failed: %s", reason);
		return -1;
	}
	*error_r = t_strdup_printf("Unexpected reply: %s", args[0]);
	return -1;
}

/* Connects and sends request. Returns the reply stream, or NULL with
   error_r. */
static struct istream *auth_master_send(const char *socket_path,
					const char *request,
					const char **error_r)
{
	int fd = net_connect_unix(socket_path);

	if (fd == -1) {
		*error_r = t_strdup_printf("connect(%s) failed: %m",
					   socket_path);
		return NULL;
	}
	if (write_full(fd, request, strlen(request)) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m",
					   socket_path);
		(void)close(fd);
		return NULL;
	}
	fd_set_nonblock(fd, true);
	return i_stream_create_fd(fd, AUTH_MASTER_MAX_LINE_LENGTH, true);
}

static int auth_master_run(const char *socket_path, const char *request,
			   const char *verb, pool_t pool,
			   struct auth_user_reply *reply_r,
			   const char **error_r)
{
	long long deadline = auth_master_now_msecs() +
		AUTH_MASTER_TIMEOUT_MSECS;
	struct istream *input;
	const char *line, *error;
	int ret;

	memset(reply_r, 0, sizeof(*reply_r));
	input = auth_master_send(socket_path, request, error_r);
	if (input == NULL)
		return -1;
	line = auth_master_read_line(input, deadline, &error);
	if (line == NULL)
		ret = -1;
	else
		ret = auth_master_parse_reply(line, verb, pool, reply_r,
					      &error);
	if (ret < 0)
		*error_r = t_strdup_printf("%s: %s", socket_path, error);
	i_stream_destroy(&input);
	return ret;
}

int auth_master_cookie_lookup(const char *socket_path, const char *cookie,
			      pool_t pool, struct auth_user_reply *reply_r,
			      const char **error_r)
{
	const char *request;

	request = t_strdup_printf("VERSION\t1\t0\nREQUEST\t"
				  AUTH_MASTER_REQUEST_ID "\t%s\n",
				  str_tabescape(cookie));
	return auth_master_run(socket_path, request, "USER", pool, reply_r,
			       error_r);
}

/* USER and PASS: "VERB ID NAME service=S". */
static int auth_master_name_lookup(const char *socket_path, const char *verb,
				   const char *username, const char *service,
				   pool_t pool,
				   struct auth_user_reply *reply_r,
				   const char **error_r)
{
	const char *request;

	request = t_strdup_printf("VERSION\t1\t0\n%s\t"
				  AUTH_MASTER_REQUEST_ID "\t%s\tservice=%s\n",
				  verb, str_tabescape(username),
				  str_tabescape(service));
	return auth_master_run(socket_path, request, verb, pool, reply_r,
			       error_r);
}

int auth_master_user_lookup(const char *socket_path, const char *username,
			    const char *service, pool_t pool,
			    struct auth_user_reply *reply_r,
			    const char **error_r)
{
	return auth_master_name_lookup(socket_path, "USER", username, service,
				       pool, reply_r, error_r);
}

int auth_master_pass_lookup(const char *socket_path, const char *username,
			    const char *service, pool_t pool,
			    struct auth_user_reply *reply_r,
			    const char **error_r)
{
	return auth_master_name_lookup(socket_path, "PASS", username, service,
				       pool, reply_r, error_r);
}

int auth_master_user_list(const char *socket_path, const char *mask,
			  pool_t pool, const char *const **users_r,
			  const char **error_r)
{
	ARRAY_TYPE(const_string) users;
	struct istream *input;
	const char *line, *const *args, *error = NULL, *user;
	int ret = -1;

	input = auth_master_send(socket_path, t_strdup_printf(
		"VERSION\t1\t0\nLIST\t" AUTH_MASTER_REQUEST_ID
		"\tuser=%s\n", str_tabescape(mask)), error_r);
	if (input == NULL)
		return -1;
	p_array_init(&users, pool, 64);
	/* the deadline is per line: a long list keeps coming */
	while ((line = auth_master_read_line(input, auth_master_now_msecs() +
					     AUTH_MASTER_TIMEOUT_MSECS,
					     &error)) != NULL) {
		args = t_strsplit_tabescaped(line);
		if (args[0] == NULL || args[1] == NULL ||
		    strcmp(args[1], AUTH_MASTER_REQUEST_ID) != 0) {
			error = t_strdup_printf("Unexpected reply: %s",
						str_tabescape(line));
			break;
		}
		if (strcmp(args[0], "DONE") == 0) {
			ret = 0;
			break;
		}
		if (strcmp(args[0], "LIST") != 0 || args[2] == NULL) {
			error = strcmp(args[0], "FAIL") == 0 ?
				"auth failed to list the users" :
				t_strdup_printf("Unexpected reply: %s",
						str_tabescape(line));
			break;
		}
		user = p_strdup(pool, args[2]);
		array_push_back(&users, &user);
	}
	i_stream_destroy(&input);
	if (ret < 0) {
		*error_r = t_strdup_printf("%s: %s", socket_path, error);
		return -1;
	}
	user = NULL;
	array_push_back(&users, &user);
	*users_r = array_front(&users);
	return 0;
}

int auth_master_cache_flush(const char *socket_path, const char *username,
			    unsigned int *count_r, const char **error_r)
{
	long long deadline = auth_master_now_msecs() +
		AUTH_MASTER_TIMEOUT_MSECS;
	struct istream *input;
	const char *line, *const *args, *error;
	int ret = -1;

	input = auth_master_send(socket_path, t_strdup_printf(
		"VERSION\t1\t0\nCACHE-FLUSH\t" AUTH_MASTER_REQUEST_ID "%s%s\n",
		username == NULL ? "" : "\t",
		username == NULL ? "" : str_tabescape(username)), error_r);
	if (input == NULL)
		return -1;
	line = auth_master_read_line(input, deadline, &error);
	if (line != NULL) {
		args = t_strsplit_tabescaped(line);
		if (args[0] != NULL && strcmp(args[0], "OK") == 0 &&
		    args[1] != NULL &&
		    strcmp(args[1], AUTH_MASTER_REQUEST_ID) == 0 &&
		    args[2] != NULL && str_to_uint(args[2], count_r) == 0)
			ret = 0;
		else {
			error = t_strdup_printf("Unexpected reply: %s",
						str_tabescape(line));
		}
	}
	i_stream_destroy(&input);
	if (ret < 0)
		*error_r = t_strdup_printf("%s: %s", socket_path, error);
	return ret;
}
