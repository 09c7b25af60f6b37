/* Copyright (c) Cove authors. See AUTHORS. */

/* Server commands: stop, reload, log reopen (through the master's admin
   socket, see src/master/master-admin.h) and config (prints settings via
   cove -n/-a). */

#include "lib.h"
#include "net.h"
#include "master-interface.h"
#include "master-service.h"
#include "admin-cmd.h"

#include <poll.h>

#define ADMIN_SOCKET_TIMEOUT_MSECS (30 * 1000)

/* Sends command, reads the one-line reply into reply_r. Returns 0, or -1
   with error_r. */
static int admin_socket_request(const struct admin_context *ctx,
				const char *command, const char **reply_r,
				const char **error_r)
{
	const char *path = t_strdup_printf("%s/%s", ctx->set->base_dir,
					   MASTER_ADMIN_SOCKET);
	const char *line = t_strdup_printf("%s\n", command);
	char buf[4096];
	size_t pos = 0;
	ssize_t ret;
	int fd;

	fd = net_connect_unix(path);
	if (fd < 0) {
		*error_r = t_strdup_printf(
			"cove is not running (connect(%s) failed: %m)", path);
		return -1;
	}
	if (write(fd, line, strlen(line)) < 0) {
		*error_r = t_strdup_printf("write(%s) failed: %m", path);
		i_close_fd(&fd);
		return -1;
	}
	while (pos < sizeof(buf) - 1 && memchr(buf, '\n', pos) == NULL) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, ADMIN_SOCKET_TIMEOUT_MSECS) <= 0) {
			*error_r = t_strdup_printf("%s: no reply", path);
			i_close_fd(&fd);
			return -1;
		}
		ret = read(fd, buf + pos, sizeof(buf) - 1 - pos);
		if (ret <= 0)
			break;
		pos += ret;
	}
	i_close_fd(&fd);
	buf[pos] = '\0';
	char *nl = strchr(buf, '\n');
	if (nl == NULL) {
		*error_r = t_strdup_printf("%s: disconnected without a reply",
					   path);
		return -1;
	}
	*nl = '\0';
	*reply_r = t_strdup(buf);
	return 0;
}

static int admin_simple_command(const struct admin_context *ctx, int argc,
				const char *command)
{
	const char *reply, *error;

	if (argc != 1)
		return ADMIN_EXIT_USAGE;
	if (admin_socket_request(ctx, command, &reply, &error) < 0) {
		fprintf(stderr, "coveadm: %s\n", error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	if (strcmp(reply, "OK") == 0)
		return ADMIN_EXIT_OK;
	if (str_begins(reply, "FAIL\t"))
		reply = str_tabunescape(reply + 5);
	fprintf(stderr, "coveadm %s failed: %s\n", t_str_lcase(command),
		reply);
	return ADMIN_EXIT_TEMPFAIL;
}

static int cmd_stop(const struct admin_context *ctx, int argc,
		    char *argv[] ATTR_UNUSED)
{
	return admin_simple_command(ctx, argc, "STOP");
}

static int cmd_reload(const struct admin_context *ctx, int argc,
		      char *argv[] ATTR_UNUSED)
{
	return admin_simple_command(ctx, argc, "RELOAD");
}

static int cmd_log(const struct admin_context *ctx, int argc, char *argv[])
{
	if (argc != 2 || strcmp(argv[1], "reopen") != 0)
		return ADMIN_EXIT_USAGE;
	return admin_simple_command(ctx, 1, "LOG-REOPEN");
}

static int cmd_config(const struct admin_context *ctx, int argc, char *argv[])
{
	const char *mode = "-n";
	const char *cove = PKG_SBINDIR "/cove";

	if (argc > 2)
		return ADMIN_EXIT_USAGE;
	if (argc == 2) {
		if (strcmp(argv[1], "-n") != 0 && strcmp(argv[1], "-a") != 0)
			return ADMIN_EXIT_USAGE;
		mode = argv[1];
	}
	/* The master links every settings table; it prints the config. */
	execl(cove, cove, "-c", ctx->config_path, mode, (char *)NULL);
	fprintf(stderr, "coveadm: execl(%s) failed: %s\n", cove,
		strerror(errno));
	return ADMIN_EXIT_TEMPFAIL;
}

const struct admin_cmd admin_cmd_stop = {
	.name = "stop",
	.flags = ADMIN_CMD_FLAG_CONFIG_ERRORS_OK,
	.usage = "",
	.help = "Stop the server and all its processes.",
	.run = cmd_stop,
};

const struct admin_cmd admin_cmd_reload = {
	.name = "reload",
	.flags = ADMIN_CMD_FLAG_CONFIG_ERRORS_OK,
	.usage = "",
	.help = "Re-read the configuration; the old one stays in use if the "
		"new one has errors.",
	.run = cmd_reload,
};

const struct admin_cmd admin_cmd_log = {
	.name = "log",
	.flags = ADMIN_CMD_FLAG_CONFIG_ERRORS_OK,
	.usage = "reopen",
	.help = "Reopen the log file (after it was rotated) in the master; "
		"the processes it starts from then on write to the new file, "
		"running ones keep the old one until they end or a reload "
		"restarts their service.",
	.run = cmd_log,
};

const struct admin_cmd admin_cmd_config = {
	.name = "config",
	.flags = ADMIN_CMD_FLAG_CONFIG_ERRORS_OK,
	.usage = "[-n|-a]",
	.help = "Print the settings that differ from the defaults (-n, the "
		"default) or all settings (-a).",
	.run = cmd_config,
};
