/* Copyright (c) Cove authors. See AUTHORS. */

/* Fuzz target: passwd-file lines (user:password:uid:gid:gecos:home:
   shell:extra fields), as auth parses the administrator's users file,
   and the scheme prefix of each password. (Verifying is left out: the
   slow schemes would make every run a timeout.) */

#include "lib.h"
#include "password-scheme.h"
#include "passwd-file.h"
#include "fuzz-common.h"

#define FUZZ_PASSWD_FILE_MAX_LINES 32

FUZZ_TARGET(passwd_file)
{
	const char *const *lines = t_strsplit(fuzz_input_string(data, size),
					      "\n");
	pool_t pool = pool_alloconly_create("fuzz passwd-file", 1024);
	struct passwd_file_entry *entry;
	const char *error, *password, *scheme;

	for (unsigned int i = 0; lines[i] != NULL &&
	     i < FUZZ_PASSWD_FILE_MAX_LINES; i++) {
		if (passwd_file_parse_line(pool, lines[i], &entry,
					   &error) <= 0)
			continue;
		scheme = password_scheme_split(entry->password, &password);
		if (scheme != NULL)
			(void)password_scheme_is_known(scheme);
	}
	pool_unref(&pool);
}
