/* Copyright (c) Cove authors. See AUTHORS. */

/* Names of Dovecot 2.3 settings and sections (as doveconf -a lists them,
   including the keys of service, listener, passdb, userdb, namespace,
   mailbox and stats sections). A config key that Cove does not implement
   but that is in this list is a warning instead of an error, so that a
   Dovecot conf.d can be dropped in. The arrays are sorted (C locale) for
   bsearch(); the unit tests check the order. */

#include "lib.h"
#include "settings-parser-private.h"

const char *const settings_dovecot_setting_names[] = {
	"address", "alias_for", "args", "auth_anonymous_username",
	"auth_cache_negative_ttl", "auth_cache_size", "auth_cache_ttl",
	"auth_cache_verify_password_with_worker", "auth_debug",
	"auth_debug_passwords", "auth_default_realm", "auth_failure_delay",
	"auth_gssapi_hostname", "auth_internal_failure_delay",
	"auth_krb5_keytab", "auth_master_user_separator", "auth_mechanisms",
	"auth_policy_check_after_auth", "auth_policy_check_before_auth",
	"auth_policy_hash_mech", "auth_policy_hash_nonce",
	"auth_policy_hash_truncate", "auth_policy_log_only",
	"auth_policy_reject_on_fail", "auth_policy_report_after_auth",
	"auth_policy_request_attributes", "auth_policy_server_api_header",
	"auth_policy_server_timeout_msecs", "auth_policy_server_url",
	"auth_proxy_self", "auth_realms", "auth_socket_path",
	"auth_ssl_require_client_cert", "auth_ssl_username_from_cert",
	"auth_stats", "auth_use_winbind", "auth_username_chars",
	"auth_username_format", "auth_username_translation", "auth_verbose",
	"auth_verbose_passwords", "auth_winbind_helper_path",
	"auth_worker_max_count", "auto", "autoexpunge",
	"autoexpunge_max_mails", "base_dir", "categories", "chroot",
	"client_limit", "comment", "config_cache_size", "debug_log_path",
	"default_client_limit", "default_fields", "default_idle_kill",
	"default_internal_group", "default_internal_user",
	"default_login_user", "default_process_limit", "default_vsz_limit",
	"deliver_log_format", "deny", "dict_db_config",
	"director_flush_socket", "director_mail_servers",
	"director_max_parallel_kicks", "director_max_parallel_moves",
	"director_output_buffer_size", "director_ping_idle_timeout",
	"director_ping_max_timeout", "director_servers",
	"director_user_expire", "director_user_kick_delay",
	"director_username_hash", "disable_plaintext_auth", "disabled",
	"dotlock_use_excl", "doveadm_allowed_commands", "doveadm_api_key",
	"doveadm_http_rawlog_dir", "doveadm_password", "doveadm_port",
	"doveadm_socket_path", "doveadm_ssl", "doveadm_username",
	"doveadm_worker_count", "driver", "drop_priv_before_exec",
	"dsync_alt_char", "dsync_commit_msgs_interval", "dsync_features",
	"dsync_hashed_headers", "dsync_remote_cmd", "executable", "exporter",
	"exporter_include", "extra_groups", "fields", "filter",
	"first_valid_gid", "first_valid_uid", "format", "format_args", "group",
	"group_by", "haproxy", "haproxy_timeout", "haproxy_trusted_networks",
	"hidden", "hostname", "idle_kill", "ignore_on_failure",
	"imap_capability", "imap_client_workarounds", "imap_fetch_failure",
	"imap_hibernate_timeout", "imap_id_log", "imap_id_retain",
	"imap_id_send", "imap_idle_notify_interval", "imap_literal_minus",
	"imap_logout_format", "imap_max_line_length", "imap_metadata",
	"imap_urlauth_host", "imap_urlauth_logout_format", "imap_urlauth_port",
	"imapc_cmd_timeout", "imapc_connection_retry_count",
	"imapc_connection_retry_interval", "imapc_features", "imapc_host",
	"imapc_list_prefix", "imapc_master_user", "imapc_max_idle_time",
	"imapc_max_line_length", "imapc_password", "imapc_port",
	"imapc_rawlog_dir", "imapc_sasl_mechanisms", "imapc_ssl",
	"imapc_ssl_verify", "imapc_user", "import_environment", "inbox",
	"info_log_path", "instance_name", "last_valid_gid", "last_valid_uid",
	"lda_mailbox_autocreate", "lda_mailbox_autosubscribe",
	"lda_original_recipient_header", "libexec_dir", "list", "listen",
	"lmtp_add_received_header", "lmtp_address_translate",
	"lmtp_client_workarounds", "lmtp_hdr_delivery_address", "lmtp_proxy",
	"lmtp_proxy_rawlog_dir", "lmtp_rawlog_dir", "lmtp_rcpt_check_quota",
	"lmtp_save_to_detail_mailbox", "lmtp_user_concurrency_limit",
	"lmtp_verbose_replies", "location", "lock_method", "log_core_filter",
	"log_debug", "log_path", "log_timestamp", "login_access_sockets",
	"login_greeting", "login_log_format", "login_log_format_elements",
	"login_plugin_dir", "login_plugins",
	"login_proxy_max_disconnect_delay", "login_proxy_max_reconnects",
	"login_source_ips", "login_trusted_networks", "mail_access_groups",
	"mail_always_cache_fields", "mail_attachment_detection_options",
	"mail_attachment_dir", "mail_attachment_fs", "mail_attachment_hash",
	"mail_attachment_min_size", "mail_attribute_dict", "mail_cache_fields",
	"mail_cache_max_size", "mail_cache_min_mail_count",
	"mail_cache_purge_continued_percentage",
	"mail_cache_purge_delete_percentage",
	"mail_cache_purge_header_continue_count", "mail_cache_purge_min_size",
	"mail_cache_record_max_size", "mail_cache_unaccessed_field_drop",
	"mail_chroot", "mail_debug", "mail_fsync",
	"mail_full_filesystem_access", "mail_gid", "mail_home",
	"mail_index_log2_max_age", "mail_index_log_rotate_max_size",
	"mail_index_log_rotate_min_age", "mail_index_log_rotate_min_size",
	"mail_index_rewrite_max_log_bytes", "mail_index_rewrite_min_log_bytes",
	"mail_location", "mail_log_prefix", "mail_max_keyword_length",
	"mail_max_lock_timeout", "mail_max_userip_connections",
	"mail_never_cache_fields", "mail_nfs_index", "mail_nfs_storage",
	"mail_plugin_dir", "mail_plugins", "mail_prefetch_count",
	"mail_privileged_group", "mail_save_crlf", "mail_server_admin",
	"mail_server_comment", "mail_shared_explicit_inbox",
	"mail_sort_max_read_count", "mail_temp_dir", "mail_temp_scan_interval",
	"mail_uid", "mail_vsize_bg_after_count", "mailbox_idle_check_interval",
	"mailbox_list_index", "mailbox_list_index_include_inbox",
	"mailbox_list_index_very_dirty_syncs", "maildir_broken_filename_sizes",
	"maildir_copy_with_hardlinks", "maildir_empty_new",
	"maildir_stat_dirs", "maildir_very_dirty_syncs", "master",
	"mbox_dirty_syncs", "mbox_dotlock_change_timeout", "mbox_lazy_writes",
	"mbox_lock_timeout", "mbox_md5", "mbox_min_index_size",
	"mbox_read_locks", "mbox_very_dirty_syncs", "mbox_write_locks",
	"mdbox_preallocate_space", "mdbox_rotate_interval",
	"mdbox_rotate_size", "mechanisms", "mmap_disable", "mode", "name",
	"old_stats_carbon_interval", "old_stats_carbon_name",
	"old_stats_carbon_server", "old_stats_command_min_time",
	"old_stats_domain_min_time", "old_stats_ip_min_time",
	"old_stats_memory_limit", "old_stats_session_min_time",
	"old_stats_user_min_time", "order", "override_fields", "pass", "path",
	"pop3_client_workarounds", "pop3_delete_type", "pop3_deleted_flag",
	"pop3_enable_last", "pop3_fast_size_lookups", "pop3_lock_session",
	"pop3_logout_format", "pop3_no_flag_updates", "pop3_reuse_xuidl",
	"pop3_save_uidl", "pop3_uidl_duplicates", "pop3_uidl_format",
	"pop3c_host", "pop3c_master_user", "pop3c_password", "pop3c_port",
	"pop3c_quick_received_date", "pop3c_rawlog_dir", "pop3c_ssl",
	"pop3c_ssl_verify", "pop3c_user", "port", "postmaster_address",
	"prefix", "privileged_group", "process_limit", "process_min_avail",
	"protocol", "protocols", "quota_full_tempfail", "recipient_delimiter",
	"rejection_reason", "rejection_subject",
	"replication_dsync_parameters", "replication_full_sync_interval",
	"replication_max_conns", "replicator_host", "replicator_port",
	"result_failure", "result_internalfail", "result_success",
	"reuse_port", "sendmail_path", "separator", "service_count",
	"shutdown_clients", "skip", "special_use", "ssl_alt_cert",
	"ssl_alt_key", "ssl_cert_username_field", "ssl_cipher_suites",
	"ssl_client_ca_dir", "ssl_client_ca_file", "ssl_client_cert",
	"ssl_client_key", "ssl_client_require_valid_cert", "ssl_crypto_device",
	"ssl_curve_list", "ssl_options", "ssl_require_crl",
	"ssl_verify_client_cert", "state_dir", "stats_writer_socket_path",
	"submission_backend_capabilities", "submission_client_workarounds",
	"submission_host", "submission_logout_format",
	"submission_max_mail_size", "submission_max_recipients",
	"submission_relay_command_timeout", "submission_relay_connect_timeout",
	"submission_relay_host", "submission_relay_master_user",
	"submission_relay_max_idle_time", "submission_relay_password",
	"submission_relay_port", "submission_relay_rawlog_dir",
	"submission_relay_ssl", "submission_relay_ssl_verify",
	"submission_relay_trusted", "submission_relay_user",
	"submission_timeout", "subscriptions", "syslog_facility", "transport",
	"transport_args", "transport_timeout", "type", "user",
	"username_filter", "valid_chroot_dirs", "verbose_proctitle",
	"verbose_ssl", "version_ignore", "vsz_limit",
};
const unsigned int settings_dovecot_setting_names_count =
	N_ELEMENTS(settings_dovecot_setting_names);

const char *const settings_dovecot_section_names[] = {
	"dict", "event_exporter", "fields", "fifo_listener", "inet_listener",
	"mailbox", "map", "metric", "namespace", "passdb", "plugin", "service",
	"unix_listener", "userdb",
};
const unsigned int settings_dovecot_section_names_count =
	N_ELEMENTS(settings_dovecot_section_names);

static int settings_name_cmp(const void *key, const void *name)
{
	return strcmp(key, *(const char *const *)name);
}

static bool settings_name_find(const char *const *names, unsigned int count,
			       const char *name)
{
	return bsearch(name, names, count, sizeof(*names),
		       settings_name_cmp) != NULL;
}

bool settings_dovecot_setting_is_known(const char *name)
{
	return settings_name_find(settings_dovecot_setting_names,
				  settings_dovecot_setting_names_count, name);
}

bool settings_dovecot_section_is_known(const char *name)
{
	return settings_name_find(settings_dovecot_section_names,
				  settings_dovecot_section_names_count, name);
}
