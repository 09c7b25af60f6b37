/* Copyright (c) Cove authors. See AUTHORS. */

/* The read step shared by the DATA and BDAT readers. */

#include "lib.h"
#include "buffer.h"
#include "istream.h"
#include "smtp-reader.h"

int smtp_reader_read(struct istream *input, smtp_reader_parse_func_t *parse,
		     void *context, buffer_t *dest)
{
	ssize_t ret;

	if (parse(context, dest))
		return 1;
	ret = i_stream_read(input);
	if (ret == -1)
		return -1;
	if (ret == 0)
		return 0;
	return parse(context, dest) ? 1 : 0;
}
