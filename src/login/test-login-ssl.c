/* Copyright (c) Cove authors. See AUTHORS. */
/* Unit tests of login-ssl.c: the settings check with a certificate and
   keys made here in memory. */

#include "lib.h"
#include "login-settings.h"
#include "login-ssl.h"
#include "test-login.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

static const char *test_pem_key(EVP_PKEY *pkey)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long len;
	const char *ret;

	PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
	len = BIO_get_mem_data(bio, &data);
	ret = t_strndup(data, len);
	BIO_free(bio);
	return ret;
}

static const char *test_pem_cert(EVP_PKEY *pkey)
{
	X509 *x509 = X509_new();
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long len;
	const char *ret;

	ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
	X509_gmtime_adj(X509_getm_notBefore(x509), 0);
	X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
	X509_set_pubkey(x509, pkey);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x509), "CN",
				   MBSTRING_ASC,
				   (const unsigned char *)"localhost", -1,
				   -1, 0);
	X509_set_issuer_name(x509, X509_get_subject_name(x509));
	X509_sign(x509, pkey, EVP_sha256());
	PEM_write_bio_X509(bio, x509);
	len = BIO_get_mem_data(bio, &data);
	ret = t_strndup(data, len);
	BIO_free(bio);
	X509_free(x509);
	return ret;
}

void test_login_ssl_settings_check(void)
{
	EVP_PKEY *pkey = EVP_RSA_gen(2048), *other = EVP_RSA_gen(2048);
	const char *cert = test_pem_cert(pkey), *key = test_pem_key(pkey);
	const char *other_key = test_pem_key(other);
	const struct {
		const char *ssl, *cert, *key, *min_protocol, *ciphers;
		/* NULL: valid, else the start of the error */
		const char *error;
	} tests[] = {
		{ "no", "", "", "TLSv1.2", "ALL", NULL },
		{ "yes", cert, key, "TLSv1.2", "ALL", NULL },
		{ "required", cert, key, "TLSv1.3", "HIGH", NULL },
		{ "yes", "", key, "TLSv1.2", "ALL", "ssl_cert: Not set" },
		{ "yes", cert, "", "TLSv1.2", "ALL", "ssl_key: Not set" },
		{ "yes", "garbage", key, "TLSv1.2", "ALL",
		  "ssl_cert: Can't load certificate" },
		{ "yes", cert, "garbage", "TLSv1.2", "ALL",
		  "ssl_key: Can't load private key" },
		{ "yes", cert, other_key, "TLSv1.2", "ALL",
		  "ssl_key: Key does not match ssl_cert" },
		{ "yes", cert, key, "SSLv3", "ALL",
		  "ssl_min_protocol: Unknown protocol 'SSLv3'" },
		{ "yes", cert, key, "TLSv1.2", "NO-SUCH-CIPHER",
		  "ssl_cipher_list: Invalid cipher list" },
	};
	struct login_settings set;
	const char *error;
	unsigned int i;
	int ret;

	test_begin("login_ssl_settings_check");
	test_assert(pkey != NULL && other != NULL);
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		i_zero(&set);
		set.ssl = tests[i].ssl;
		set.ssl_cert = tests[i].cert;
		set.ssl_key = tests[i].key;
		set.ssl_key_password = "";
		set.ssl_ca = "";
		set.ssl_dh = "";
		set.ssl_min_protocol = tests[i].min_protocol;
		set.ssl_cipher_list = tests[i].ciphers;
		error = NULL;
		ret = login_ssl_settings_check(&set, &error);
		if (tests[i].error == NULL)
			test_assert_idx(ret == 0 && error == NULL, i);
		else {
			test_assert_idx(ret < 0 && error != NULL &&
					str_begins(error, tests[i].error), i);
		}
	}
	EVP_PKEY_free(pkey);
	EVP_PKEY_free(other);
	test_end();
}
