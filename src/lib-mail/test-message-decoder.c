/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for message_decode_text(): the decoded headers and bodies of a
   message, fed whole and in reads of every size. */

#include "lib.h"
#include "str.h"
#include "istream.h"
#include "message-decoder.h"
#include "test-lib-mail.h"

static const char test_decoder_msg[] =
	"Subject: =?utf-8?q?caf=C3=A9?=\n"
	"Content-Type: multipart/mixed; boundary=\"b\"\n"
	"\n"
	"preamble\n"
	"--b\n"
	"Content-Type: text/plain; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"na=EFve =\n"
	"text\n"
	"--b\n"
	"Content-Type: application/octet-stream\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"aGVsbG8=\n"
	"--b\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"From: a@b\n"
	"MIME-Version: 1.0\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"aGVs\n"
	"bG8=\n"
	"--b--\n"
	"epilogue\n";

static const char test_decoder_result[] =
	"[T Subject=caf\xC3\xA9][T Content-Type=multipart/mixed; boundary=\"b\"]"
	"[H Content-Type=text/plain; charset=iso-8859-1]"
	"[H Content-Transfer-Encoding=quoted-printable]"
	"[B+na\xC3\xAFve text]"
	"[H Content-Type=application/octet-stream]"
	"[H Content-Transfer-Encoding=base64]"
	"[H Content-Type=message/rfc822]"
	"[H From=a@b][H MIME-Version=1.0][H Content-Transfer-Encoding=base64]"
	"[B+hello]";

static void test_decoder_cb(const struct message_text_block *block,
			    void *context)
{
	string_t *str = context;

	if (block->type == MESSAGE_TEXT_HEADER) {
		/* T: the message's own header, H: a part's */
		str_printfa(str, "[%c %s=", block->top_level ? 'T' : 'H',
			    block->hdr_name);
	} else {
		test_assert(block->hdr_name == NULL);
		str_append(str, block->part_start ? "[B+" : "[B");
	}
	str_append_data(str, block->data, block->size);
	str_append_c(str, ']');
}

/* Joins adjacent body chunks, which depend on the read size. */
static const char *test_decoder_join(const char *str)
{
	string_t *out = t_str_new(strlen(str));

	for (; *str != '\0'; str++) {
		if (str[0] == ']' && str[1] == '[' && str[2] == 'B' &&
		    str[3] != '+')
			str += 2;
		else
			str_append_c(out, *str);
	}
	return str_c(out);
}

/* Content-Transfer-Encoding counts only in MIME parts. */
static void test_message_decoder_non_mime(void)
{
	static const char msg[] =
		"Content-Transfer-Encoding: base64\n\naGVsbG8=\n";
	struct istream *input;
	string_t *str = t_str_new(128);
	const char *error;

	input = test_istream_create_data(msg, sizeof(msg) - 1);
	test_assert(message_decode_text(input, test_decoder_cb, str,
					&error) == 0);
	test_assert_strcmp(str_c(str), "[T Content-Transfer-Encoding=base64]"
			   "[B+aGVsbG8=\n]");
	i_stream_destroy(&input);
}

void test_message_decoder(void)
{
	struct istream *input;
	string_t *str = t_str_new(512);
	const char *error;
	size_t limit;

	test_begin("message decoder");
	for (limit = 0; limit < sizeof(test_decoder_msg); limit++) {
		str_truncate(str, 0);
		input = test_istream_create_data(test_decoder_msg,
						 sizeof(test_decoder_msg) - 1);
		test_istream_set_read_limit(input, limit);
		test_assert(message_decode_text(input, test_decoder_cb, str,
						&error) == 0);
		test_assert_strcmp(test_decoder_join(str_c(str)),
				   test_decoder_result);
		i_stream_destroy(&input);
	}
	test_message_decoder_non_mime();
	test_end();
}
