/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for quoted-printable and base64 body decoding, fed whole and
   split at every offset. */

#include "lib.h"
#include "buffer.h"
#include "message-transfer-decode.h"
#include "test-lib-mail.h"

struct message_transfer_test {
	enum message_transfer_encoding encoding;
	const char *input;
	const char *output;
};

static const struct message_transfer_test message_transfer_tests[] = {
	{ MESSAGE_TRANSFER_ENCODING_QP, "caf=C3=A9 \r\nx=\r\ny\n",
	  "caf\xC3\xA9\r\nxy\n" },
	{ MESSAGE_TRANSFER_ENCODING_QP, "a=3d=3Db =  \nc=\nd", "a==b cd" },
	{ MESSAGE_TRANSFER_ENCODING_QP, "bad =ZZ and =4", "bad =ZZ and =4" },
	{ MESSAGE_TRANSFER_ENCODING_BASE64, "aGVsbG8g\r\nd29ybGQ=\r\n",
	  "hello world" },
	{ MESSAGE_TRANSFER_ENCODING_BASE64, "aGV*sbG8", "hello" },
	{ MESSAGE_TRANSFER_ENCODING_BASE64, "YQ==YWJj", "a" },
	{ MESSAGE_TRANSFER_ENCODING_NONE, "as =3D is", "as =3D is" },
};

void test_message_transfer_decode(void)
{
	struct message_transfer_decoder dec;
	const struct message_transfer_test *t;
	buffer_t *out = buffer_create_dynamic(default_pool, 128);
	unsigned int i;
	size_t split, len;

	test_begin("message transfer decode");
	for (i = 0; i < N_ELEMENTS(message_transfer_tests); i++) {
		t = &message_transfer_tests[i];
		len = strlen(t->input);
		for (split = 0; split <= len; split++) {
			buffer_set_used_size(out, 0);
			message_transfer_decoder_init(&dec, t->encoding);
			message_transfer_decode(&dec, (const void *)t->input,
						split, out);
			message_transfer_decode(&dec, (const void *)
						(t->input + split),
						len - split, out);
			message_transfer_decode_finish(&dec, out);
			message_transfer_decoder_deinit(&dec);
			test_assert_idx(out->used == strlen(t->output) &&
					memcmp(out->data, t->output,
					       out->used) == 0, i * 1000 + split);
		}
	}
	buffer_set_used_size(out, 0);
	message_transfer_decode_qp_word((const void *)"a_b=3F", 6, out);
	test_assert(out->used == 4 && memcmp(out->data, "a b?", 4) == 0);
	test_assert(message_transfer_encoding_parse(" Base64") ==
		    MESSAGE_TRANSFER_ENCODING_BASE64);
	test_assert(message_transfer_encoding_parse("quoted-printable") ==
		    MESSAGE_TRANSFER_ENCODING_QP);
	test_assert(message_transfer_encoding_parse("8bit") ==
		    MESSAGE_TRANSFER_ENCODING_NONE);
	buffer_free(&out);
	test_end();
}
