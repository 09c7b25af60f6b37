/* Copyright (c) Cove authors. See AUTHORS. */

/* zlib behind imap-deflate.h. Both directions work in chunks of
   IMAP_DEFLATE_CHUNK output bytes appended straight into the buffer. */

#include "lib.h"
#include "buffer.h"
#include "imap-deflate.h"

#include <zlib.h>

#define IMAP_DEFLATE_CHUNK 4096
/* raw DEFLATE (RFC 1951); what the client sends may use the largest
   window */
#define IMAP_INFLATE_WINDOW_BITS (-15)
/* What Cove sends uses an 8 KB window and a smaller hash: 64 KB of zlib
   state per connection instead of 256 KB, for a little less
   compression (the peer's inflate takes any window). */
#define IMAP_DEFLATE_WINDOW_BITS (-13)
#define IMAP_DEFLATE_MEM_LEVEL 6

struct imap_deflate {
	z_stream out, in;
	bool in_end;
};

struct imap_deflate *imap_deflate_create(void)
{
	struct imap_deflate *zd = i_new(struct imap_deflate, 1);

	if (deflateInit2(&zd->out, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
			 IMAP_DEFLATE_WINDOW_BITS, IMAP_DEFLATE_MEM_LEVEL,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		i_fatal("deflateInit2() failed");
	if (inflateInit2(&zd->in, IMAP_INFLATE_WINDOW_BITS) != Z_OK)
		i_fatal("inflateInit2() failed");
	return zd;
}

void imap_deflate_destroy(struct imap_deflate **_zd)
{
	struct imap_deflate *zd = *_zd;

	*_zd = NULL;
	(void)deflateEnd(&zd->out);
	(void)inflateEnd(&zd->in);
	i_free(zd);
}

void imap_deflate_compress(struct imap_deflate *zd, const void *data,
			   size_t size, buffer_t *dest)
{
	z_stream *zs = &zd->out;
	size_t used;

	zs->next_in = (Bytef *)data;
	zs->avail_in = size;
	/* Z_SYNC_FLUSH ends when it leaves room in the output */
	do {
		used = dest->used;
		zs->next_out = buffer_append_space_unsafe(dest,
							  IMAP_DEFLATE_CHUNK);
		zs->avail_out = IMAP_DEFLATE_CHUNK;
		if (deflate(zs, Z_SYNC_FLUSH) == Z_STREAM_ERROR)
			i_panic("deflate() failed");
		buffer_set_used_size(dest, used + IMAP_DEFLATE_CHUNK -
				     zs->avail_out);
	} while (zs->avail_out == 0);
	i_assert(zs->avail_in == 0);
}

int imap_deflate_decompress(struct imap_deflate *zd, const void *data,
			    size_t size, buffer_t *dest, size_t max_output,
			    const char **error_r)
{
	z_stream *zs = &zd->in;
	size_t used, start = dest->used;
	int ret;

	zs->next_in = (Bytef *)data;
	zs->avail_in = size;
	/* a full output chunk may leave more output inside zlib */
	zs->avail_out = 0;
	while (zs->avail_in > 0 || zs->avail_out == 0) {
		if (zd->in_end) {
			if (zs->avail_in == 0)
				break;
			*error_r = "Data after the end of the DEFLATE stream";
			return -1;
		}
		if (dest->used - start >= max_output) {
			*error_r = "Decompressed input is too large";
			return -1;
		}
		used = dest->used;
		zs->next_out = buffer_append_space_unsafe(dest,
							  IMAP_DEFLATE_CHUNK);
		zs->avail_out = IMAP_DEFLATE_CHUNK;
		ret = inflate(zs, Z_SYNC_FLUSH);
		buffer_set_used_size(dest, used + IMAP_DEFLATE_CHUNK -
				     zs->avail_out);
		switch (ret) {
		case Z_OK:
			break;
		case Z_BUF_ERROR:
			/* no progress: everything is out */
			return 0;
		case Z_STREAM_END:
			zd->in_end = true;
			break;
		default:
			*error_r = t_strdup_printf("Invalid DEFLATE data: %s",
				zs->msg != NULL ? zs->msg : "inflate() failed");
			return -1;
		}
	}
	return 0;
}
