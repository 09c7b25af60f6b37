/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef VAR_EXPAND_H
#define VAR_EXPAND_H

/* %-variable expansion as in Dovecot 2.3: %u, %n, %d, %h, %{user},
   %{home}, modifiers %L (lowercase), %U (uppercase), %N-width truncation
   like %1n / %2.1n (offset.width), and %% for a literal %. */

#include "str.h"

struct var_expand_table {
	char key;		/* 'u', or '\0' for long-name-only */
	const char *value;	/* NULL expands to "" */
	const char *long_key;	/* "user", or NULL */
};

/* table ends with an all-NULL entry. Returns 1 when all variables were
   known, 0 if some were unknown (they expand to nothing and error_r says
   which), -1 on a syntax error. */
int var_expand(string_t *dest, const char *str,
	       const struct var_expand_table *table, const char **error_r);

/* The standard user table: u=user, n=user part before @, d=domain part,
   h=home, plus service (s), local/remote IPs (l/r, optional: NULL). */
const struct var_expand_table *
var_expand_user_table(const char *user, const char *home,
		      const char *service, const char *local_ip,
		      const char *remote_ip);

#endif
