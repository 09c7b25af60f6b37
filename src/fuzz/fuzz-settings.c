/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: a configuration file (sections, protocol blocks,
   !include, <file values, $variables), read the way the master reads
   cove.conf, with the common, mail storage and auth settings tables. */

#include "lib.h"
#include "str.h"
#include "settings-parser.h"
#include "master-service-settings.h"
#include "mail-storage-settings.h"
#include "auth-settings.h"
#include "fuzz-common.h"

#include <sys/mman.h>
#include <unistd.h>

FUZZ_TARGET(settings)
{
	static const struct setting_parser_info *const roots[] = {
		&master_service_setting_parser_info,
		&mail_storage_setting_parser_info,
		&auth_setting_parser_info,
		NULL
	};
	struct settings_parser *parser;
	const char *error;
	string_t *dump;
	pool_t pool;
	int fd;

	fd = memfd_create("fuzz-settings", 0);
	if (fd < 0)
		i_fatal("memfd_create() failed: %m");
	if (write(fd, data, size) != (ssize_t)size)
		i_fatal("write(memfd) failed: %m");
	pool = pool_alloconly_create("fuzz settings", 4096);
	parser = settings_parser_init(pool, roots, "imap", 0);
	if (settings_parser_read_file(parser, t_strdup_printf(
			"/proc/self/fd/%d", fd), &error) == 0 &&
	    settings_parser_check(parser, &error) == 0) {
		dump = t_str_new(1024);
		settings_parser_dump(parser, true, dump);
		(void)settings_parser_get_flat_config(parser);
	}
	settings_parser_deinit(&parser);
	pool_unref(&pool);
	i_close_fd(&fd);
}
