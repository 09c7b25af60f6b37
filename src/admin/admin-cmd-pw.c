/* Copyright (c) Cove authors. See AUTHORS. */

/* coveadm pw: generates a stored password for passwd-file and other
   passdbs, or checks one (-t), like doveadm pw. */

#include "lib.h"
#include "password-scheme.h"
#include "admin-cmd.h"

#include <stdio.h>
#include <unistd.h>

#define ADMIN_PW_DEFAULT_SCHEME "CRYPT"

static void cmd_pw_list(void)
{
	const char *name;

	for (unsigned int i = 0;
	     (name = password_scheme_get_name(i)) != NULL; i++)
		printf("%s%s", i == 0 ? "" : " ", name);
	printf("\n");
}

/* Asks twice on the terminal; returns NULL (after saying why) if the
   answers differ or are empty. */
static const char *cmd_pw_prompt(void)
{
	const char *first, *second;

	first = getpass("Enter new password: ");
	if (first == NULL || first[0] == '\0') {
		fprintf(stderr, "coveadm pw: Empty password\n");
		return NULL;
	}
	first = t_strdup(first);
	second = getpass("Retype new password: ");
	if (second == NULL || strcmp(first, second) != 0) {
		fprintf(stderr, "coveadm pw: Passwords don't match\n");
		return NULL;
	}
	return first;
}

static int cmd_pw(const struct admin_context *ctx ATTR_UNUSED,
		  int argc, char *argv[])
{
	const char *scheme = ADMIN_PW_DEFAULT_SCHEME, *plaintext = NULL;
	const char *test_hash = NULL, *stored, *error;
	int c, ret;

	optind = 1;
	while ((c = getopt(argc, argv, "ls:p:t:")) != -1) {
		switch (c) {
		case 'l':
			cmd_pw_list();
			return ADMIN_EXIT_OK;
		case 's':
			scheme = optarg;
			break;
		case 'p':
			plaintext = optarg;
			break;
		case 't':
			test_hash = optarg;
			break;
		default:
			return ADMIN_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return ADMIN_EXIT_USAGE;
	if (plaintext == NULL && (plaintext = cmd_pw_prompt()) == NULL)
		return ADMIN_EXIT_USAGE;

	if (test_hash != NULL) {
		ret = password_scheme_verify(plaintext, test_hash, scheme,
					     &error);
		if (ret < 0) {
			fprintf(stderr, "coveadm pw: %s\n", error);
			return ADMIN_EXIT_DATAERR;
		}
		printf("%s (%s)\n", test_hash,
		       ret > 0 ? "verified" : "DOES NOT MATCH");
		return ret > 0 ? ADMIN_EXIT_OK : ADMIN_EXIT_NOPERM;
	}
	if (password_scheme_generate(plaintext, scheme, &stored,
				     &error) < 0) {
		fprintf(stderr, "coveadm pw: %s (coveadm pw -l lists the "
			"schemes)\n", error);
		return ADMIN_EXIT_DATAERR;
	}
	printf("%s\n", stored);
	return ADMIN_EXIT_OK;
}

const struct admin_cmd admin_cmd_pw = {
	.name = "pw",
	.flags = ADMIN_CMD_FLAG_CONFIG_ERRORS_OK,
	.usage = "[-l] [-s SCHEME] [-p PASSWORD] [-t HASH]",
	.help = "Make a stored password (default scheme CRYPT, i.e. "
		"BLF-CRYPT), check one with -t, or list the schemes with -l.",
	.run = cmd_pw,
};
