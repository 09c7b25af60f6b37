/* Copyright (c) Cove authors. See AUTHORS. */
/* The login_setting_parser_info table: settings of every login process. */

#include "lib.h"
#include "net.h"
#include "login-settings.h"
#include "login-ssl.h"

static const struct setting_define login_setting_defines[] = {
	SETTING_DEFINE(SET_STR, login_greeting, struct login_settings),
	SETTING_DEFINE(SET_STR, login_trusted_networks, struct login_settings),
	SETTING_DEFINE(SET_BOOL, disable_plaintext_auth, struct login_settings),
	SETTING_DEFINE(SET_TIME, login_timeout, struct login_settings),
	SETTING_DEFINE(SET_ENUM, ssl, struct login_settings),
	SETTING_DEFINE(SET_STR, ssl_cert, struct login_settings),
	SETTING_DEFINE(SET_STR, ssl_key, struct login_settings),
	SETTING_DEFINE(SET_STR, ssl_key_password, struct login_settings),
	SETTING_DEFINE(SET_STR, ssl_ca, struct login_settings),
	SETTING_DEFINE(SET_STR, ssl_dh, struct login_settings),
	SETTING_DEFINE(SET_STR, ssl_min_protocol, struct login_settings),
	SETTING_DEFINE(SET_STR, ssl_cipher_list, struct login_settings),
	SETTING_DEFINE(SET_BOOL, ssl_prefer_server_ciphers,
		       struct login_settings),
	SETTING_DEFINE(SET_BOOL, ssl_verify_client_cert,
		       struct login_settings),
	SETTING_DEFINE(SET_STR, ssl_cert_username_field,
		       struct login_settings),
	SETTING_DEFINE_LIST_END
};

static const struct login_settings login_default_settings = {
	.login_greeting = "Cove ready.",
	.login_trusted_networks = "",
	.disable_plaintext_auth = true,
	/* Cove's own setting (Dovecot hard-codes its pre-login timeout): a
	   client that has not logged in within this time is disconnected,
	   whatever it does meanwhile, so idle or slow-drip connections
	   cannot hold login process slots for long. */
	.login_timeout = 60,
	/* Dovecot's default is yes with its shipped certificate; Cove
	   ships none, so TLS is off until ssl_cert and ssl_key are set. */
	.ssl = "no:yes:required",
	.ssl_cert = "",
	.ssl_key = "",
	.ssl_key_password = "",
	.ssl_ca = "",
	.ssl_dh = "",
	.ssl_min_protocol = "TLSv1.2",
	.ssl_cipher_list = "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:"
		"!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH",
	.ssl_prefer_server_ciphers = false,
	.ssl_verify_client_cert = false,
	.ssl_cert_username_field = "commonName",
};

int login_settings_ip_in_networks(const char *networks,
				  const struct ip_addr *ip,
				  const char **error_r)
{
	const char *bad_net;
	int ret;

	ret = net_ip_in_networks(networks, ip, &bad_net);
	if (ret < 0) {
		*error_r = t_strdup_printf(
			"login_trusted_networks: Invalid network '%s'",
			bad_net);
	}
	return ret;
}

static bool login_settings_check(void *_set, pool_t pool ATTR_UNUSED,
				 const char **error_r)
{
	struct login_settings *set = _set;

	if (login_settings_ip_in_networks(set->login_trusted_networks, NULL,
					  error_r) < 0)
		return false;
	if (set->login_timeout == 0) {
		*error_r = "login_timeout must not be 0";
		return false;
	}
	return login_ssl_settings_check(set, error_r) == 0;
}

const struct setting_parser_info login_setting_parser_info = {
	.module_name = "login",
	.defines = login_setting_defines,
	.defaults = &login_default_settings,
	.struct_size = sizeof(struct login_settings),
	.type_offset = SIZE_MAX,
	.check_func = login_settings_check,
};
