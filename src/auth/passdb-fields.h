/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef PASSDB_FIELDS_H
#define PASSDB_FIELDS_H

/* The passdb extra fields that decide a login, with Dovecot's names:
   nopassword (any password is accepted), allow_nets (the client must come
   from one of these networks), nologin (refused even with the right
   password; reason= is logged). */

#include "passdb.h"

struct auth_field_list;

/* True if fields say that any password is accepted. */
bool passdb_fields_nopassword(const struct auth_field_list *fields);
/* Applies allow_nets and nologin to the result of a password check
   (only an OK result can change). Returns the final result, after logging
   why a field refused the login. */
enum passdb_result passdb_fields_apply(struct auth_request *request,
				       const char *driver,
				       const struct auth_field_list *fields,
				       enum passdb_result result);

#endif
