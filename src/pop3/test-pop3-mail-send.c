/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for RETR/TOP data: CRLF, dot-stuffing, TOP line limits, the
   client workarounds, fed whole and a byte at a time. */

#include "lib.h"
#include "buffer.h"
#include "istream.h"
#include "ostream.h"
#include "pop3-mail-send.h"
#include "test-pop3.h"

#define NO_TOP ((uoff_t)-1)

/* A string literal (which may hold NULs) and its size. */
#define D(str) str, sizeof(str) - 1

struct test_send {
	const char *input;
	size_t input_size;
	enum pop3_client_workarounds workarounds;
	/* NO_TOP for RETR */
	uoff_t top_lines;
	const char *output;
	size_t output_size;
};

static const struct test_send test_sends[] = {
	{ D(""), 0, NO_TOP, D(".\r\n") },
	{ D("a: b\n\nbody\n"), 0, NO_TOP, D("a: b\r\n\r\nbody\r\n.\r\n") },
	{ D("a: b\r\n\r\nbody\r\n"), 0, NO_TOP,
	  D("a: b\r\n\r\nbody\r\n.\r\n") },
	{ D("a: b\n\nno newline"), 0, NO_TOP,
	  D("a: b\r\n\r\nno newline\r\n.\r\n") },
	{ D("a: b\n\nends in cr\r"), 0, NO_TOP,
	  D("a: b\r\n\r\nends in cr\r\n.\r\n") },
	{ D("a: b\n\n.\n..x\n.\nx.\n"), 0, NO_TOP,
	  D("a: b\r\n\r\n..\r\n...x\r\n..\r\nx.\r\n.\r\n") },
	{ D(".a: b\n"), 0, NO_TOP, D("..a: b\r\n.\r\n") },
	{ D("lone\rcr\n"), 0, NO_TOP, D("lone\rcr\r\n.\r\n") },
	/* TOP */
	{ D("a: b\nc: d\n\n1\n2\n3\n"), 0, 0, D("a: b\r\nc: d\r\n\r\n.\r\n") },
	{ D("a: b\nc: d\n\n1\n2\n3\n"), 0, 2,
	  D("a: b\r\nc: d\r\n\r\n1\r\n2\r\n.\r\n") },
	{ D("a: b\r\n\r\n1\r\n2\r\n"), 0, 1, D("a: b\r\n\r\n1\r\n.\r\n") },
	{ D("a: b\n\n1\n2"), 0, 5, D("a: b\r\n\r\n1\r\n2\r\n.\r\n") },
	{ D("a: b\n\n.1\n2\n"), 0, 1, D("a: b\r\n\r\n..1\r\n.\r\n") },
	{ D("a: b\n\n\n\nx\n"), 0, 1, D("a: b\r\n\r\n\r\n.\r\n") },
	/* no empty line: the whole message is the header */
	{ D("a: b\nc: d\n"), 0, 0, D("a: b\r\nc: d\r\n.\r\n") },
	{ D("a: b\nc: d\n"), POP3_WORKAROUND_OE_NS_EOH, 0,
	  D("a: b\r\nc: d\r\n\r\n.\r\n") },
	{ D("a: b\nc: d"), POP3_WORKAROUND_OE_NS_EOH, NO_TOP,
	  D("a: b\r\nc: d\r\n\r\n.\r\n") },
	{ D("a: b\n\nx\n"), POP3_WORKAROUND_OE_NS_EOH, NO_TOP,
	  D("a: b\r\n\r\nx\r\n.\r\n") },
	/* NULs */
	{ D("a: b\n\nn\0u\0\n"), 0, NO_TOP, D("a: b\r\n\r\nn\0u\0\r\n.\r\n") },
	{ D("a: b\n\nn\0u\0\n"), POP3_WORKAROUND_OUTLOOK_NO_NULS, NO_TOP,
	  D("a: b\r\n\r\nn\x80u\x80\r\n.\r\n") },
};

static void test_send_one(const struct test_send *t, size_t read_limit,
			  unsigned int idx)
{
	struct pop3_mail_send send;
	struct istream *input;
	struct ostream *output;
	buffer_t *buf = buffer_create_dynamic(default_pool, 128);
	const char *error;

	input = test_istream_create_data(t->input, t->input_size);
	test_istream_set_read_limit(input, read_limit);
	output = o_stream_create_buffer(buf);
	pop3_mail_send_init(&send, input, t->workarounds,
			    t->top_lines != NO_TOP, t->top_lines);
	test_assert_idx(pop3_mail_send_more(&send, output, SIZE_MAX,
					    &error) == 1, idx);
	test_assert_idx(buf->used == t->output_size &&
			memcmp(buf->data, t->output, t->output_size) == 0, idx);
	o_stream_destroy(&output);
	buffer_free(&buf);
	i_stream_destroy(&input);
}

void test_pop3_mail_send(void)
{
	test_begin("pop3 mail send");
	for (unsigned int i = 0; i < N_ELEMENTS(test_sends); i++) {
		T_BEGIN {
			test_send_one(&test_sends[i], 0, i);
			test_send_one(&test_sends[i], 1, i);
		} T_END;
	}
	test_end();
}
