/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MECH_H
#define MECH_H

/* SASL mechanisms. A mechanism turns client responses into a user name
   and password (auth_request_verify_plain()), challenges
   (auth_request_challenge()) or a malformed-input failure
   (auth_request_fail_input()). Adding one is one mech-*.c file plus one
   line in mech.c's registry. */

struct auth_request;

struct mech_module {
	/* "PLAIN" */
	const char *name;
	/* The password travels in the clear (advertised as "plaintext") */
	bool plaintext;
	/* Needs the stored password in plaintext or in a scheme of its own
	   (passdb_vfuncs.stores_credentials) */
	bool needs_credentials;
	/* First step. data is NULL when the client gave no initial
	   response; otherwise decoded bytes with data[size] == '\0'. */
	void (*auth_initial)(struct auth_request *request,
			     const unsigned char *data, size_t size);
	/* A response to a challenge; data[size] == '\0'. NULL for a
	   mechanism that never challenges. */
	void (*auth_continue)(struct auth_request *request,
			      const unsigned char *data, size_t size);
};

extern const struct mech_module mech_plain;
extern const struct mech_module mech_login;
extern const struct mech_module mech_apop;
extern const struct mech_module mech_external;
extern const struct mech_module mech_cram_md5;
extern const struct mech_module mech_scram_sha1;
extern const struct mech_module mech_scram_sha256;

/* Returns the mechanism called name (case-insensitive), or NULL. */
const struct mech_module *mech_module_find(const char *name);

/* RFC 4616 PLAIN message "authzid NUL authcid NUL passwd" (data[size]
   must be '\0'). Returns 0 with pointers into data, or -1 with error_r
   for a malformed message or an authzid other than authcid. */
int mech_plain_parse(const unsigned char *data, size_t size,
		     const char **authcid_r, const char **password_r,
		     const char **error_r);

#endif
