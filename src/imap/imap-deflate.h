/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_DEFLATE_H
#define IMAP_DEFLATE_H

/* The two directions of COMPRESS=DEFLATE (RFC 4978) with zlib: raw
   DEFLATE (no zlib or gzip header), one stream per direction for the
   rest of the connection. Input may arrive split anywhere; output is
   sync-flushed after each piece, so that the peer can decode everything
   sent so far (a reply is never held back waiting for more). */

#include "buffer.h"

struct imap_deflate;

struct imap_deflate *imap_deflate_create(void);
void imap_deflate_destroy(struct imap_deflate **deflate);

/* Compresses size bytes of data (may be 0) and appends them, flushed,
   to dest. */
void imap_deflate_compress(struct imap_deflate *deflate, const void *data,
			   size_t size, buffer_t *dest);
/* Decompresses size bytes of compressed input and appends what they
   decode to to dest. Returns 0, or -1 with error_r on corrupt input, data
   after the end of the stream, or when this call's output passes
   max_output bytes (a decompression bomb): the stream is unusable after
   an error. */
int imap_deflate_decompress(struct imap_deflate *deflate, const void *data,
			    size_t size, buffer_t *dest, size_t max_output,
			    const char **error_r);

#endif
