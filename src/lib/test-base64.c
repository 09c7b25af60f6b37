/* Copyright (c) Cove authors. See AUTHORS. */
/* Tests for base64.c and hex-binary.c. */

#include "lib.h"
#include "base64.h"
#include "hex-binary.h"
#include "test-lib.h"

void test_base64(void)
{
	/* RFC 4648 section 10 */
	static const struct {
		const char *plain, *encoded;
	} vectors[] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	static const char *const invalid[] = {
		"Z", "Zg", "Zg=", "Z===", "Zg==Zg==", "Zm9v!", "Zg=a",
		"Zm9=v", "====", "Zm9vY",
	};
	buffer_t *buf = t_str_new(64);

	test_begin("base64");
	for (unsigned int i = 0; i < N_ELEMENTS(vectors); i++) {
		size_t len = strlen(vectors[i].plain);

		buffer_reset(buf);
		base64_encode(vectors[i].plain, len, buf);
		test_assert_strcmp(str_c(buf), vectors[i].encoded);
		test_assert_idx(base64_encoded_size(len) == buf->used, i);
		buffer_reset(buf);
		test_assert_idx(base64_decode(vectors[i].encoded,
					      strlen(vectors[i].encoded),
					      buf) == 0, i);
		test_assert_strcmp(str_c(buf), vectors[i].plain);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(invalid); i++) {
		buffer_reset(buf);
		test_assert_idx(base64_decode(invalid[i], strlen(invalid[i]),
					      buf) < 0, i);
	}
	/* line breaks are ignored */
	buffer_reset(buf);
	test_assert(base64_decode("Zm9v\r\nYmFy\r\n", 12, buf) == 0);
	test_assert_strcmp(str_c(buf), "foobar");
	buffer_reset(buf);
	test_assert(base64_decode("Zg==\r\n", 6, buf) == 0);
	test_assert_strcmp(str_c(buf), "f");

	/* binary round trip of every length */
	unsigned char bin[256];
	for (unsigned int i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(255 - i);
	for (size_t len = 0; len <= sizeof(bin); len++) {
		buffer_t *enc = t_str_new(512), *dec = t_str_new(256);

		base64_encode(bin, len, enc);
		test_assert_idx(base64_decode(enc->data, enc->used, dec) == 0,
				len);
		test_assert_idx(dec->used == len &&
				memcmp(dec->data, bin, len) == 0, len);
	}
	test_end();
}

void test_hex_binary(void)
{
	static const unsigned char data[] = { 0x00, 0x01, 0xab, 0xff, 0x7f };
	buffer_t *buf = t_str_new(16);

	test_begin("hex binary");
	test_assert_strcmp(binary_to_hex(data, sizeof(data)), "0001abff7f");
	test_assert_strcmp(binary_to_hex(data, 0), "");
	string_t *str = t_str_new(16);
	str_append(str, "x=");
	binary_to_hex_append(str, data + 2, 1);
	test_assert_strcmp(str_c(str), "x=ab");
	test_assert(hex_to_binary("0001ABff7f", buf) == 0);
	test_assert(buf->used == sizeof(data) &&
		    memcmp(buf->data, data, sizeof(data)) == 0);
	buffer_reset(buf);
	test_assert(hex_to_binary("", buf) == 0 && buf->used == 0);
	test_assert(hex_to_binary("abc", buf) < 0);
	test_assert(hex_to_binary("zz", buf) < 0);
	test_assert(hex_to_binary("0g", buf) < 0);
	test_end();
}
