/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_COMPRESS_H
#define IMAP_COMPRESS_H

/* COMPRESS=DEFLATE (RFC 4978): the command is cmd_compress()
   (imap-commands.h); it sets client->compress_start, and after its tagged
   OK has been queued the client calls imap_compress_start(). */

struct client;

/* Writes out the queued output, then puts a DEFLATE filter process
   between the client's socket and the worker, which continues over a
   socketpair (client_replace_fd()). On failure the client is
   disconnected (logged). */
void imap_compress_start(struct client *client);

/* The filter process's loop: DEFLATE on net_fd, plain on plain_fd;
   leftover is compressed input that was read before the filter started.
   Returns 0 when one side has closed and the other has had everything,
   -1 on an error (logged). */
int imap_compress_filter(int net_fd, int plain_fd, const void *leftover,
			 size_t leftover_size);

#endif
