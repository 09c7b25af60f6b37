/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: the mbox scanner (mbox/mbox-file.h) on a file as a sync
   reads it (a window, then the whole): the messages it finds must lie
   inside the data, in order, and unquoting each one must give its
   counted size; the first line also goes through the "From " line
   parser alone. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "mbox/mbox-file.h"
#include "fuzz-common.h"

FUZZ_TARGET(mbox_from)
{
	ARRAY_TYPE(mbox_file_mail) mails;
	enum mbox_file_warnings warnings;
	const unsigned char *lf = memchr(data, '\n', size);
	buffer_t *buf = buffer_create_dynamic(datastack_pool, size + 1);
	uoff_t warn_offset, prev_next = 0;
	const char *error;
	time_t date;

	(void)mbox_from_line_parse(data, lf == NULL ? size :
				   (size_t)(lf - data), &date);
	t_array_init(&mails, 16);
	/* as the last window of a file and as one that is not */
	if (mbox_file_parse(data, size, 0, false, datastack_pool, &mails,
			    &warnings, &warn_offset, &error) < 0)
		return;
	array_clear(&mails);
	if (mbox_file_parse(data, size, 0, true, datastack_pool, &mails,
			    &warnings, &warn_offset, &error) < 0)
		i_panic("parse failed only at EOF: %s", error);
	array_foreach(&mails, mail) {
		i_assert(mail->from_offset == prev_next);
		i_assert(mail->from_offset <= mail->hdr_offset &&
			 mail->hdr_offset <= mail->end_offset &&
			 mail->end_offset <= mail->next_offset &&
			 mail->next_offset <= size);
		buffer_set_used_size(buf, 0);
		mbox_file_unquote(buf, data + mail->hdr_offset,
				  mail->end_offset - mail->hdr_offset);
		i_assert(buf->used == mail->physical_size);
		prev_next = mail->next_offset;
	}
	i_assert(prev_next == size);
}
