/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef TEST_SETTINGS_TABLES_H
#define TEST_SETTINGS_TABLES_H

/* Settings tables for the unit tests, shaped like the modules' real ones
   (master, auth, mail roots; service, listener, passdb sections), and
   helpers that write config files into a temporary directory. */

#include "settings-parser.h"

#include <netinet/in.h>

struct test_inet_listener_settings {
	const char *name;
	const char *address;
	in_port_t port;
};

struct test_unix_listener_settings {
	const char *path;
	unsigned int mode;
	const char *user;
	const char *group;
};

struct test_service_settings {
	const char *name;
	const char *executable;
	const char *user;
	const char *chroot;
	unsigned int process_limit;
	unsigned int client_limit;
	unsigned int process_min_avail;
	ARRAY(struct test_inet_listener_settings *) inet_listeners;
	ARRAY(struct test_unix_listener_settings *) unix_listeners;
};

struct test_master_settings {
	const char *base_dir;
	const char *state_dir;
	const char *protocols;
	const char *listen;
	const char *log_path;
	const char *info_log_path;
	const char *debug_log_path;
	const char *default_login_user;
	const char *default_internal_user;
	unsigned int default_process_limit;
	unsigned int default_client_limit;
	unsigned int first_valid_uid;
	ARRAY(struct test_service_settings *) services;
};

struct test_db_settings {
	const char *driver;
	const char *args;
};

struct test_auth_settings {
	bool disable_plaintext_auth;
	const char *auth_mechanisms;
	const char *auth_username_format;
	unsigned int auth_failure_delay;
	bool auth_verbose;
	bool auth_debug;
	ARRAY(struct test_db_settings *) passdbs;
	ARRAY(struct test_db_settings *) userdbs;
};

/* namespace NAME { mailbox NAME { } } as in lib-storage's
   mail-storage-settings.c. */
struct test_mailbox_settings {
	const char *name;
	const char *autocreate;
	const char *special_use;
};

struct test_namespace_settings {
	const char *name;
	const char *separator;
	const char *prefix;
	bool inbox;
	ARRAY(struct test_mailbox_settings *) mailboxes;
};

struct test_mail_settings {
	const char *mail_location;
	const char *mail_uid;
	const char *mail_gid;
	const char *mail_privileged_group;
	unsigned int first_valid_uid;
	unsigned int last_valid_uid;
	const char *mail_fsync;
	bool mail_debug;
	uoff_t imap_max_line_length;
	const char *recipient_delimiter;
	bool lda_mailbox_autocreate;
	const char *postmaster_address;
	const char *ssl;
	const char *ssl_cert;
	unsigned int test_timeout_msecs;
	ARRAY_TYPE(const_string) plugin_envs;
	ARRAY(struct test_namespace_settings *) namespaces;
};

/* A service section with a listener and a limit (config text). */
#define TEST_SETTINGS_SERVICE_IMAP_LOGIN \
	"service imap-login {\n" \
	"  inet_listener imap {\n" \
	"    port = 143\n" \
	"  }\n" \
	"  process_limit = 5\n" \
	"}\n"

extern const struct setting_parser_info test_master_info;
extern const struct setting_parser_info test_auth_info;
extern const struct setting_parser_info test_mail_info;
/* NULL-terminated: master, auth, mail. */
extern const struct setting_parser_info *const test_roots[];

/* Runs func as one test named name, with a new pool and an empty
   temporary directory. */
void test_settings_run(const char *name, void (*func)(pool_t pool));
/* Creates the temporary directory that test_settings_write() fills. */
void test_settings_dir_init(void);
/* Removes the files written and the directory. */
void test_settings_dir_deinit(void);
/* The temporary directory (valid until deinit). */
const char *test_settings_dir(void);
/* Writes content to dir/name (creating subdirectories); returns the
   path (from the temporary frame). */
const char *test_settings_write(const char *name, const char *content);
/* Writes content to dir/test.conf and reads it with a new parser from
   pool. Returns settings_parser_read_file()'s result. */
int test_settings_parse(pool_t pool, const char *protocol,
			enum settings_parser_flags flags, const char *content,
			struct settings_parser **parser_r,
			const char **error_r);
/* Replaces every "%s" in template with the temporary directory. */
const char *test_settings_expand(const char *template);

#endif
