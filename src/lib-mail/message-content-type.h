/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef MESSAGE_CONTENT_TYPE_H
#define MESSAGE_CONTENT_TYPE_H

/* Content-Type and Content-Disposition values (RFC 2045 5.1, RFC 2183):
   a type (with "/subtype" for Content-Type) and parameters. RFC 2231
   continuations (name*0, name*1*, ...) are joined into one parameter:
   "name" if no piece was encoded, else "name*" whose value is still in
   the charset'language'%XX form (message_content_param_decode() turns
   it into UTF-8). Broken values are parsed as far as possible. */

struct message_content_param {
	/* Name as written ("charset", "filename*") */
	const char *name;
	const char *value;
};

struct message_content_type {
	/* As written. subtype is "" for a disposition or when the value
	   is just a type. Both are "" (and there are no parameters) when the
	   value is invalid: no type, a "/" without subtype, or a type
	   without "/" followed by more. */
	const char *type;
	const char *subtype;
	/* NULL-name-terminated, in order of first appearance */
	const struct message_content_param *params;
	unsigned int params_count;
};

/* Parses value into ct_r; everything is allocated from the temporary
   frame. */
void message_content_type_parse(const char *value,
				struct message_content_type *ct_r);
/* Same for Content-Disposition (no subtype). */
void message_content_disposition_parse(const char *value,
				       struct message_content_type *ct_r);
/* The value of parameter name (case-insensitive), or NULL. For a name
   that is only present RFC 2231-encoded ("name*"), the decoded UTF-8
   value is returned. */
const char *message_content_type_param(const struct message_content_type *ct,
				       const char *name);
/* Decodes an RFC 2231 extended value charset'lang'%XX.. to UTF-8
   (temporary). */
const char *message_content_param_decode(const char *value);

#endif
