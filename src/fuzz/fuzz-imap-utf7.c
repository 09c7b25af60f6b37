/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: modified UTF-7 mailbox names as clients send them, and
   the round trip both ways. A strict decoder accepts only what the
   encoder writes, so decoding and encoding again must give the input
   back, and any valid UTF-8 must survive encoding and decoding. */

#include "lib.h"
#include "str.h"
#include "imap-utf7.h"
#include "fuzz-common.h"

FUZZ_TARGET(imap_utf7)
{
	const char *input = fuzz_input_string(data, size);
	string_t *utf8 = t_str_new(size * 2 + 1);
	string_t *utf7 = t_str_new(size * 3 + 1);
	string_t *back = t_str_new(size + 1);

	if (imap_utf7_to_utf8(input, utf8) == 0) {
		if (imap_utf8_to_utf7(str_c(utf8), utf7) < 0 ||
		    strcmp(str_c(utf7), input) != 0)
			i_panic("mUTF-7 round trip failed");
	}
	str_truncate(utf7, 0);
	if (imap_utf8_to_utf7(input, utf7) == 0) {
		if (imap_utf7_to_utf8(str_c(utf7), back) < 0 ||
		    strcmp(str_c(back), input) != 0)
			i_panic("UTF-8 round trip failed");
	}
}
