/* Copyright (c) Cove authors. See AUTHORS. */
/* The OpenSSL server context of the login processes, built from the
   ssl_* settings; the master builds it once at startup to check them. */

#include "lib.h"
#include "login-settings.h"
#include "login-ssl.h"

#include <openssl/err.h>
#include <openssl/pem.h>

static const struct {
	const char *name;
	int version;
} login_ssl_protocols[] = {
	{ "TLSv1", TLS1_VERSION },
	{ "TLSv1.1", TLS1_1_VERSION },
	{ "TLSv1.2", TLS1_2_VERSION },
	{ "TLSv1.3", TLS1_3_VERSION },
};

bool login_ssl_is_enabled(const struct login_settings *set)
{
	return strcmp(set->ssl, "no") != 0;
}

/* The latest OpenSSL error as text, and the queue emptied. */
static const char *login_ssl_last_error(void)
{
	unsigned long err = ERR_peek_last_error();
	char buf[256];

	ERR_clear_error();
	if (err == 0)
		return "Unknown error";
	ERR_error_string_n(err, buf, sizeof(buf));
	return t_strdup(buf);
}

static BIO *login_ssl_mem_bio(const char *pem)
{
	return BIO_new_mem_buf(pem, (int)strlen(pem));
}

static int login_ssl_password_cb(char *buf, int size, int rwflag ATTR_UNUSED,
				 void *context)
{
	const char *password = context;
	size_t len = strlen(password);

	if (len > (size_t)size)
		return -1;
	memcpy(buf, password, len);
	return (int)len;
}

static int login_ssl_load_cert(SSL_CTX *ctx, const char *pem,
			       const char **error_r)
{
	BIO *bio = login_ssl_mem_bio(pem);
	X509 *x509, *chain;
	int ret = -1;

	x509 = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
	if (x509 == NULL || SSL_CTX_use_certificate(ctx, x509) != 1) {
		*error_r = t_strdup_printf(
			"ssl_cert: Can't load certificate: %s",
			login_ssl_last_error());
	} else {
		/* the rest of the file is the chain */
		while ((chain = PEM_read_bio_X509(bio, NULL, NULL,
						  NULL)) != NULL) {
			if (SSL_CTX_add0_chain_cert(ctx, chain) != 1)
				X509_free(chain);
		}
		ERR_clear_error();
		ret = 0;
	}
	X509_free(x509);
	BIO_free(bio);
	return ret;
}

static int login_ssl_load_key(SSL_CTX *ctx, const struct login_settings *set,
			      const char **error_r)
{
	BIO *bio = login_ssl_mem_bio(set->ssl_key);
	EVP_PKEY *pkey;
	int ret = -1;

	pkey = PEM_read_bio_PrivateKey(bio, NULL, login_ssl_password_cb,
				       (void *)set->ssl_key_password);
	if (pkey == NULL) {
		*error_r = t_strdup_printf(
			"ssl_key: Can't load private key: %s",
			login_ssl_last_error());
	} else if (SSL_CTX_use_PrivateKey(ctx, pkey) != 1 ||
		   SSL_CTX_check_private_key(ctx) != 1) {
		*error_r = t_strdup_printf(
			"ssl_key: Key does not match ssl_cert: %s",
			login_ssl_last_error());
	} else {
		ret = 0;
	}
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return ret;
}

static int login_ssl_load_ca(SSL_CTX *ctx, const char *pem,
			     const char **error_r)
{
	BIO *bio = login_ssl_mem_bio(pem);
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	X509 *x509;
	unsigned int count = 0;

	while ((x509 = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		X509_STORE_add_cert(store, x509);
		X509_free(x509);
		count++;
	}
	ERR_clear_error();
	BIO_free(bio);
	if (count == 0) {
		*error_r = "ssl_ca: No certificates found";
		return -1;
	}
	return 0;
}

static int login_ssl_load_dh(SSL_CTX *ctx, const char *pem,
			     const char **error_r)
{
	BIO *bio;
	EVP_PKEY *dh;

	if (*pem == '\0') {
		SSL_CTX_set_dh_auto(ctx, 1);
		return 0;
	}
	bio = login_ssl_mem_bio(pem);
	dh = PEM_read_bio_Parameters(bio, NULL);
	BIO_free(bio);
	if (dh == NULL || SSL_CTX_set0_tmp_dh_pkey(ctx, dh) != 1) {
		EVP_PKEY_free(dh);
		*error_r = t_strdup_printf(
			"ssl_dh: Can't load DH parameters: %s",
			login_ssl_last_error());
		return -1;
	}
	return 0;
}

/* Accepts every certificate during the handshake: the result is kept
   (SSL_get_verify_result()), and a login that needs a valid one fails
   later with a reason, as in Dovecot. */
static int login_ssl_verify_accept(int preverify_ok ATTR_UNUSED,
				   X509_STORE_CTX *ctx ATTR_UNUSED)
{
	return 1;
}

static int login_ssl_verify_client_cert(SSL_CTX *ctx,
					const struct login_settings *set,
					const char **error_r)
{
	if (*set->ssl_ca == '\0') {
		*error_r = "ssl_verify_client_cert: ssl_ca is not set";
		return -1;
	}
	if (OBJ_txt2nid(set->ssl_cert_username_field) == NID_undef) {
		*error_r = t_strdup_printf(
			"ssl_cert_username_field: Unknown field '%s'",
			set->ssl_cert_username_field);
		return -1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, login_ssl_verify_accept);
	return 0;
}

static int login_ssl_min_protocol(const char *name, int *version_r)
{
	for (unsigned int i = 0; i < N_ELEMENTS(login_ssl_protocols); i++) {
		if (strcmp(login_ssl_protocols[i].name, name) == 0) {
			*version_r = login_ssl_protocols[i].version;
			return 0;
		}
	}
	return -1;
}

static int login_ssl_ctx_setup(SSL_CTX *ctx, const struct login_settings *set,
			       const char **error_r)
{
	int min_version;

	if (login_ssl_min_protocol(set->ssl_min_protocol, &min_version) < 0) {
		*error_r = t_strdup_printf(
			"ssl_min_protocol: Unknown protocol '%s'",
			set->ssl_min_protocol);
		return -1;
	}
	if (SSL_CTX_set_min_proto_version(ctx, min_version) != 1) {
		*error_r = "ssl_min_protocol: Not supported by OpenSSL";
		return -1;
	}
	if (SSL_CTX_set_cipher_list(ctx, set->ssl_cipher_list) != 1) {
		*error_r = t_strdup_printf(
			"ssl_cipher_list: Invalid cipher list '%s'",
			set->ssl_cipher_list);
		return -1;
	}
	if (set->ssl_prefer_server_ciphers)
		SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
			    SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (*set->ssl_cert == '\0') {
		*error_r = "ssl_cert: Not set, but ssl is enabled";
		return -1;
	}
	if (*set->ssl_key == '\0') {
		*error_r = "ssl_key: Not set, but ssl is enabled";
		return -1;
	}
	if (login_ssl_load_cert(ctx, set->ssl_cert, error_r) < 0 ||
	    login_ssl_load_key(ctx, set, error_r) < 0)
		return -1;
	if (*set->ssl_ca != '\0' &&
	    login_ssl_load_ca(ctx, set->ssl_ca, error_r) < 0)
		return -1;
	if (set->ssl_verify_client_cert &&
	    login_ssl_verify_client_cert(ctx, set, error_r) < 0)
		return -1;
	return login_ssl_load_dh(ctx, set->ssl_dh, error_r);
}

int login_ssl_ctx_create(const struct login_settings *set, SSL_CTX **ctx_r,
			 const char **error_r)
{
	SSL_CTX *ctx;

	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		*error_r = t_strdup_printf("SSL_CTX_new() failed: %s",
					   login_ssl_last_error());
		return -1;
	}
	if (login_ssl_ctx_setup(ctx, set, error_r) < 0) {
		SSL_CTX_free(ctx);
		return -1;
	}
	*ctx_r = ctx;
	return 0;
}

int login_ssl_settings_check(const struct login_settings *set,
			     const char **error_r)
{
	SSL_CTX *ctx;

	if (!login_ssl_is_enabled(set))
		return 0;
	if (login_ssl_ctx_create(set, &ctx, error_r) < 0)
		return -1;
	SSL_CTX_free(ctx);
	return 0;
}
