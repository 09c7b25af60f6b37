/* Copyright (c) Cove authors. See AUTHORS. */

/* The mail commands on the messages a search query matches: search,
   fetch, expunge, flags, move, copy and import, with doveadm's arguments.
   They work through the mailbox API as an IMAP session does, so running
   sessions see the changes at their next sync (IDLE: at once). */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "strfuncs.h"
#include "istream.h"
#include "admin-search-query.h"
#include "admin-mail.h"

#include <strings.h>
#include <time.h>

/* A command's parsed arguments, shared by its users. */
struct admin_mail_cmd_context {
	struct admin_search_query query;
	/* fetch: the fields */
	ARRAY(unsigned int) fields;
	/* flags: what is changed */
	enum modify_type modify;
	enum mail_flags flags;
	const char *const *keywords;
	/* move, copy, import: the destination; import: the source */
	const char *dest, *source;
	bool move;
	/* move, copy, import: the open destination mailbox */
	struct mailbox *dest_box;
	/* import: the user that dest_box belongs to */
	struct mail_user *dest_user;
	const struct mail_storage_settings *mail_set;
};

/* In the bit order of enum mail_flags. */
static const char *const admin_system_flags[] = {
	"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft",
	"\\Recent",
};

/* For the commands that print nothing. */
static const char *const admin_no_headers[] = { NULL };

/* Parses the query words (the rest of argv) into cctx and runs func as
   each user. Returns an admin_exit_code. The command's arguments are
   allocated from the data stack: they live as long as the command. */
static int admin_mail_cmd_run(const struct admin_context *ctx,
			      const struct admin_mail_users *users,
			      char *query[], const char *const *headers,
			      admin_mail_user_func_t *func,
			      struct admin_mail_cmd_context *cctx)
{
	if (admin_mail_query_parse(datastack_pool,
				   (const char *const *)query,
				   &cctx->query) < 0)
		return ADMIN_EXIT_DATAERR;
	return admin_mail_run(ctx, users, headers, func, cctx);
}

/* search */

static int admin_search_box(struct admin_mail *mail, struct mailbox *box,
			    const bool *matched,
			    void *context ATTR_UNUSED)
{
	uint32_t count = mailbox_get_count(box);
	const char *values[3] = { mailbox_get_vname(box), NULL, NULL };

	for (uint32_t seq = 1; seq <= count; seq++) {
		if (!matched[seq - 1])
			continue;
		values[1] = t_strdup_printf("%u",
			mailbox_get_record(box, seq)->uid);
		admin_mail_row(mail, values);
	}
	return ADMIN_EXIT_OK;
}

static int admin_search_user(struct admin_mail *mail, struct mail_user *user,
			     void *context)
{
	struct admin_mail_cmd_context *cctx = context;

	return admin_mail_search(mail, user, &cctx->query,
				 MAILBOX_FLAG_READONLY, admin_search_box,
				 cctx);
}

static int cmd_search(const struct admin_context *ctx, int argc,
		      char *argv[])
{
	static const char *const headers[] = { "mailbox", "uid", NULL };
	struct admin_mail_cmd_context cctx;
	struct admin_mail_users users;

	if (admin_mail_parse_users(&argc, &argv, &users, NULL) < 0 || argc < 1)
		return ADMIN_EXIT_USAGE;
	i_zero(&cctx);
	return admin_mail_cmd_run(ctx, &users, argv, headers,
				  admin_search_user, &cctx);
}

/* fetch */

enum admin_fetch_field {
	ADMIN_FETCH_UID,
	ADMIN_FETCH_FLAGS,
	ADMIN_FETCH_DATE_RECEIVED,
	ADMIN_FETCH_SIZE_PHYSICAL,
	ADMIN_FETCH_SIZE_VIRTUAL,
	ADMIN_FETCH_HDR,
	ADMIN_FETCH_BODY,
	ADMIN_FETCH_TEXT,
	ADMIN_FETCH_MAILBOX,
	ADMIN_FETCH_GUID,
};

static const char *const admin_fetch_fields[] = {
	[ADMIN_FETCH_UID] = "uid",
	[ADMIN_FETCH_FLAGS] = "flags",
	[ADMIN_FETCH_DATE_RECEIVED] = "date.received",
	[ADMIN_FETCH_SIZE_PHYSICAL] = "size.physical",
	[ADMIN_FETCH_SIZE_VIRTUAL] = "size.virtual",
	[ADMIN_FETCH_HDR] = "hdr",
	[ADMIN_FETCH_BODY] = "body",
	[ADMIN_FETCH_TEXT] = "text",
	[ADMIN_FETCH_MAILBOX] = "mailbox",
	[ADMIN_FETCH_GUID] = "guid",
};

/* IMAP flags and keywords, space separated. */
static const char *admin_fetch_flags(struct mailbox *box,
				     const struct mail_record *rec)
{
	const char *const *keywords;
	string_t *str = t_str_new(64);
	unsigned int i, count;

	for (i = 0; i < N_ELEMENTS(admin_system_flags); i++) {
		if ((rec->flags & (1 << i)) == 0)
			continue;
		if (str_len(str) > 0)
			str_append_c(str, ' ');
		str_append(str, admin_system_flags[i]);
	}
	keywords = mailbox_get_keywords(box, &count);
	for (i = 0; i < count; i++) {
		if ((rec->keywords & (1U << i)) == 0 || keywords[i] == NULL)
			continue;
		if (str_len(str) > 0)
			str_append_c(str, ' ');
		str_append(str, keywords[i]);
	}
	return str_c(str);
}

/* The message as stored (LF line ends). Returns 1, 0 if it was
   expunged meanwhile, -1 with error_r. */
static int admin_fetch_text(struct mailbox *box, uint32_t seq,
			    string_t *text, const char **error_r)
{
	struct istream *input;
	const unsigned char *data;
	size_t size;
	int ret;

	ret = mailbox_open_mail_stream(box, seq, &input, error_r);
	if (ret <= 0)
		return ret;
	do {
		data = i_stream_get_data(input, &size);
		str_append_data(text, data, size);
		i_stream_skip(input, size);
	} while (i_stream_read(input) > 0);
	if (input->stream_errno != 0) {
		*error_r = t_strdup(i_stream_get_error(input));
		ret = -1;
	}
	i_stream_destroy(&input);
	return ret;
}

static const char *admin_fetch_date(time_t t)
{
	char buf[64];
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return "";
	return t_strdup(buf);
}

/* Returns 1 with the values of message seq, 0 if it was expunged
   meanwhile, -1 with error_r. */
static int admin_fetch_values(struct admin_mail_cmd_context *cctx,
			      struct mailbox *box, uint32_t seq,
			      const char **values, const char **error_r)
{
	const struct mail_record *rec = mailbox_get_record(box, seq);
	struct mailbox_status status;
	string_t *text = NULL;
	const char *hdr_end;
	size_t hdr_size = 0;
	unsigned int i = 0;
	int ret;

	array_foreach(&cctx->fields, fieldp) {
		if (*fieldp < ADMIN_FETCH_HDR || *fieldp > ADMIN_FETCH_TEXT ||
		    text != NULL)
			continue;
		text = t_str_new(rec->physical_size + 1);
		ret = admin_fetch_text(box, seq, text, error_r);
		if (ret <= 0)
			return ret;
		/* the header ends with the first empty line */
		hdr_end = strstr(str_c(text), "\n\n");
		hdr_size = hdr_end == NULL ? str_len(text) :
			(size_t)(hdr_end - str_c(text)) + 2;
	}
	array_foreach(&cctx->fields, fieldp) {
		switch ((enum admin_fetch_field)*fieldp) {
		case ADMIN_FETCH_UID:
			values[i] = t_strdup_printf("%u", rec->uid);
			break;
		case ADMIN_FETCH_FLAGS:
			values[i] = admin_fetch_flags(box, rec);
			break;
		case ADMIN_FETCH_DATE_RECEIVED:
			values[i] = admin_fetch_date(rec->received_date);
			break;
		case ADMIN_FETCH_SIZE_PHYSICAL:
			values[i] = t_strdup_printf("%llu",
				(unsigned long long)rec->physical_size);
			break;
		case ADMIN_FETCH_SIZE_VIRTUAL:
			values[i] = t_strdup_printf("%llu",
				(unsigned long long)rec->virtual_size);
			break;
		case ADMIN_FETCH_HDR:
			values[i] = t_strndup(str_data(text), hdr_size);
			break;
		case ADMIN_FETCH_BODY:
			values[i] = str_c(text) + hdr_size;
			break;
		case ADMIN_FETCH_TEXT:
			values[i] = str_c(text);
			break;
		case ADMIN_FETCH_MAILBOX:
			values[i] = mailbox_get_vname(box);
			break;
		case ADMIN_FETCH_GUID:
			/* no GUIDs: UIDVALIDITY and UID identify it */
			mailbox_get_status(box, &status);
			values[i] = t_strdup_printf("%08x%08x",
						    status.uidvalidity,
						    rec->uid);
			break;
		}
		i++;
	}
	values[i] = NULL;
	return 1;
}

static int admin_fetch_box(struct admin_mail *mail, struct mailbox *box,
			   const bool *matched, void *context)
{
	struct admin_mail_cmd_context *cctx = context;
	uint32_t count = mailbox_get_count(box);
	const char **values, *error;
	int ret = ADMIN_EXIT_OK, r;

	values = t_new(const char *, array_count(&cctx->fields) + 1);
	for (uint32_t seq = 1; seq <= count; seq++) {
		if (!matched[seq - 1])
			continue;
		T_BEGIN {
			r = admin_fetch_values(cctx, box, seq, values, &error);
			if (r < 0) {
				admin_mail_error(mail, "%s: Reading message "
						 "%u failed: %s",
						 mailbox_get_vname(box), seq,
						 error);
				ret = ADMIN_EXIT_TEMPFAIL;
			} else if (r > 0) {
				admin_mail_row(mail, values);
			}
		} T_END;
	}
	return ret;
}

static int admin_fetch_user(struct admin_mail *mail, struct mail_user *user,
			    void *context)
{
	struct admin_mail_cmd_context *cctx = context;

	return admin_mail_search(mail, user, &cctx->query,
				 MAILBOX_FLAG_READONLY, admin_fetch_box, cctx);
}

/* Parses "uid flags ..." into cctx->fields and headers_r. */
static int admin_fetch_parse_fields(const char *fields,
				    struct admin_mail_cmd_context *cctx,
				    const char *const **headers_r)
{
	const char *const *names = t_strsplit_spaces(fields, " ");
	ARRAY_TYPE(const_string) headers;
	unsigned int i;

	t_array_init(&cctx->fields, 8);
	t_array_init(&headers, 8);
	for (; *names != NULL; names++) {
		for (i = 0; i < N_ELEMENTS(admin_fetch_fields); i++) {
			if (strcmp(*names, admin_fetch_fields[i]) == 0)
				break;
		}
		if (i == N_ELEMENTS(admin_fetch_fields)) {
			fprintf(stderr, "coveadm fetch: Unknown field '%s' "
				"(uid flags date.received size.physical "
				"size.virtual hdr body text mailbox guid)\n",
				*names);
			return -1;
		}
		array_push_back(&cctx->fields, &i);
		array_push_back(&headers, &admin_fetch_fields[i]);
	}
	if (array_count(&headers) == 0) {
		fprintf(stderr, "coveadm fetch: No fields given\n");
		return -1;
	}
	array_append_space(&headers);
	*headers_r = array_front(&headers);
	return 0;
}

static int cmd_fetch(const struct admin_context *ctx, int argc, char *argv[])
{
	struct admin_mail_cmd_context cctx;
	struct admin_mail_users users;
	const char *const *headers;

	if (admin_mail_parse_users(&argc, &argv, &users, NULL) < 0 || argc < 2)
		return ADMIN_EXIT_USAGE;
	i_zero(&cctx);
	if (admin_fetch_parse_fields(argv[0], &cctx, &headers) < 0)
		return ADMIN_EXIT_USAGE;
	return admin_mail_cmd_run(ctx, &users, argv + 1, headers,
				  admin_fetch_user, &cctx);
}

/* expunge */

static int admin_expunge_box(struct admin_mail *mail, struct mailbox *box,
			     const bool *matched, void *context ATTR_UNUSED)
{
	const char *error;

	if (mailbox_expunge_marked(box, matched, NULL, NULL, &error) < 0) {
		admin_mail_error(mail, "%s: Expunging failed: %s",
				 mailbox_get_vname(box), error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	return ADMIN_EXIT_OK;
}

static int admin_expunge_user(struct admin_mail *mail,
			      struct mail_user *user, void *context)
{
	struct admin_mail_cmd_context *cctx = context;

	return admin_mail_search(mail, user, &cctx->query, 0,
				 admin_expunge_box, cctx);
}

static int cmd_expunge(const struct admin_context *ctx, int argc,
		       char *argv[])
{
	struct admin_mail_cmd_context cctx;
	struct admin_mail_users users;

	if (admin_mail_parse_users(&argc, &argv, &users, NULL) < 0 || argc < 1)
		return ADMIN_EXIT_USAGE;
	i_zero(&cctx);
	return admin_mail_cmd_run(ctx, &users, argv, admin_no_headers,
				  admin_expunge_user, &cctx);
}

/* flags */

static int admin_flags_box(struct admin_mail *mail, struct mailbox *box,
			   const bool *matched, void *context)
{
	struct admin_mail_cmd_context *cctx = context;
	uint32_t count = mailbox_get_count(box), keywords = 0;
	const char *error;
	int ret;

	ret = mailbox_keywords_lookup(box, cctx->keywords,
				      str_array_length(cctx->keywords),
				      &keywords, &error);
	if (ret <= 0) {
		admin_mail_error(mail, "%s: %s", mailbox_get_vname(box),
				 error);
		return ret == 0 ? ADMIN_EXIT_DATAERR : ADMIN_EXIT_TEMPFAIL;
	}
	for (uint32_t seq = 1; seq <= count; seq++) {
		if (!matched[seq - 1])
			continue;
		if (mailbox_update_flags_keywords(box, seq, cctx->modify,
						  cctx->flags, keywords,
						  &error) < 0) {
			admin_mail_error(mail, "%s: Changing flags of "
					 "message %u failed: %s",
					 mailbox_get_vname(box), seq, error);
			return ADMIN_EXIT_TEMPFAIL;
		}
	}
	/* written now (mbox), so that a failure is the exit code */
	if (mailbox_flags_commit(box, &error) < 0) {
		admin_mail_error(mail, "%s: Writing flags failed: %s",
				 mailbox_get_vname(box), error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	return ADMIN_EXIT_OK;
}

static int admin_flags_user(struct admin_mail *mail, struct mail_user *user,
			    void *context)
{
	struct admin_mail_cmd_context *cctx = context;

	return admin_mail_search(mail, user, &cctx->query, 0,
				 admin_flags_box, cctx);
}

/* Parses "\Seen $Label1" into flags and keywords. */
static int admin_flags_parse(const char *str,
			     struct admin_mail_cmd_context *cctx)
{
	const char *const *names = t_strsplit_spaces(str, " ");
	ARRAY_TYPE(const_string) keywords;
	unsigned int i;

	t_array_init(&keywords, 4);
	for (; *names != NULL; names++) {
		for (i = 0; i + 1 < N_ELEMENTS(admin_system_flags); i++) {
			if (strcasecmp(*names, admin_system_flags[i]) == 0)
				break;
		}
		if (i + 1 < N_ELEMENTS(admin_system_flags)) {
			cctx->flags |= 1 << i;
			continue;
		}
		if ((*names)[0] == '\\' ||
		    strpbrk(*names, "(){%*\"]") != NULL ||
		    strlen(*names) > MAIL_KEYWORD_MAX_LEN) {
			fprintf(stderr, "coveadm flags: Invalid flag '%s'\n",
				*names);
			return -1;
		}
		array_push_back(&keywords, names);
	}
	if (cctx->flags == 0 && array_count(&keywords) == 0 &&
	    cctx->modify != MODIFY_REPLACE) {
		fprintf(stderr, "coveadm flags: No flags given\n");
		return -1;
	}
	array_append_space(&keywords);
	cctx->keywords = array_front(&keywords);
	return 0;
}

static int cmd_flags(const struct admin_context *ctx, int argc, char *argv[])
{
	static const char *const modifies[] = { "add", "remove", "replace" };
	struct admin_mail_cmd_context cctx;
	struct admin_mail_users users;
	unsigned int i;

	for (i = 0; argc > 1 && i < N_ELEMENTS(modifies); i++) {
		if (strcmp(argv[1], modifies[i]) == 0)
			break;
	}
	if (argc < 2 || i == N_ELEMENTS(modifies))
		return ADMIN_EXIT_USAGE;
	argc--;
	argv++;
	if (admin_mail_parse_users(&argc, &argv, &users, NULL) < 0 || argc < 2)
		return ADMIN_EXIT_USAGE;
	i_zero(&cctx);
	cctx.modify = i == 0 ? MODIFY_ADD : i == 1 ? MODIFY_REMOVE :
		MODIFY_REPLACE;
	if (admin_flags_parse(argv[0], &cctx) < 0)
		return ADMIN_EXIT_DATAERR;
	return admin_mail_cmd_run(ctx, &users, argv + 1, admin_no_headers,
				  admin_flags_user, &cctx);
}

/* move, copy */

static int admin_copy_box(struct admin_mail *mail, struct mailbox *box,
			  const bool *matched, void *context)
{
	struct admin_mail_cmd_context *cctx = context;
	uint32_t count = mailbox_get_count(box), uid;
	bool *copied = t_new(bool, count + 1);
	const char *error;
	int ret;

	if (strcmp(mailbox_get_vname(box),
		   mailbox_get_vname(cctx->dest_box)) == 0)
		return ADMIN_EXIT_OK;
	for (uint32_t seq = 1; seq <= count; seq++) {
		if (!matched[seq - 1])
			continue;
		ret = mailbox_copy(cctx->dest_box, box, seq, &uid, &error);
		if (ret < 0) {
			admin_mail_error(mail, "%s: Copying message %u "
					 "failed: %s", mailbox_get_vname(box),
					 seq, error);
			return ADMIN_EXIT_TEMPFAIL;
		}
		copied[seq - 1] = ret > 0;
	}
	if (cctx->move &&
	    mailbox_expunge_marked(box, copied, NULL, NULL, &error) < 0) {
		admin_mail_error(mail, "%s: Expunging the moved messages "
				 "failed: %s", mailbox_get_vname(box), error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	return ADMIN_EXIT_OK;
}

/* Opens user's mailbox vname for saving into cctx->dest_box. Returns an
   admin_exit_code. */
static int admin_open_dest(struct admin_mail *mail, struct mail_user *user,
			   const char *vname,
			   struct admin_mail_cmd_context *cctx)
{
	const char *error;
	int ret;

	ret = mailbox_open(user, vname, MAILBOX_FLAG_SAVEONLY,
			   &cctx->dest_box, &error);
	if (ret < 0) {
		admin_mail_error(mail, "%s: %s", vname, error);
		return ADMIN_EXIT_TEMPFAIL;
	}
	if (ret == 0) {
		admin_mail_error(mail, "Mailbox %s doesn't exist", vname);
		return ADMIN_EXIT_NOMAILBOX;
	}
	return ADMIN_EXIT_OK;
}

static int admin_copy_user(struct admin_mail *mail, struct mail_user *user,
			   void *context)
{
	struct admin_mail_cmd_context *cctx = context;
	int ret;

	ret = admin_open_dest(mail, user, cctx->dest, cctx);
	if (ret != ADMIN_EXIT_OK)
		return ret;
	ret = admin_mail_search(mail, user, &cctx->query, 0, admin_copy_box,
				cctx);
	mailbox_close(&cctx->dest_box);
	return ret;
}

static int cmd_copy_move(const struct admin_context *ctx, int argc,
			 char *argv[])
{
	struct admin_mail_cmd_context cctx;
	struct admin_mail_users users;

	i_zero(&cctx);
	cctx.move = strcmp(argv[0], "move") == 0;
	if (admin_mail_parse_users(&argc, &argv, &users, NULL) < 0 || argc < 2)
		return ADMIN_EXIT_USAGE;
	cctx.dest = argv[0];
	return admin_mail_cmd_run(ctx, &users, argv + 1, admin_no_headers,
				  admin_copy_user, &cctx);
}

/* import */

/* Saves message seq of box into cctx->dest_box with its flags, keywords
   and INTERNALDATE. Returns 1, 0 if it was expunged meanwhile, -1. */
static int admin_import_mail(struct admin_mail_cmd_context *cctx,
			     struct mailbox *box, uint32_t seq,
			     const char **error_r)
{
	const struct mail_record *rec = mailbox_get_record(box, seq);
	const char *const *names;
	ARRAY_TYPE(const_string) keywords;
	struct mail_save_context *save;
	struct istream *input;
	const unsigned char *data;
	uint32_t keyword_mask = 0, uid;
	unsigned int i, count;
	size_t size;
	int ret;

	t_array_init(&keywords, 8);
	names = mailbox_get_keywords(box, &count);
	for (i = 0; i < count; i++) {
		if ((rec->keywords & (1U << i)) != 0 && names[i] != NULL)
			array_push_back(&keywords, &names[i]);
	}
	if (array_count(&keywords) > 0 &&
	    mailbox_keywords_lookup(cctx->dest_box, array_front(&keywords),
				    array_count(&keywords), &keyword_mask,
				    error_r) < 0)
		return -1;
	ret = mailbox_open_mail_stream(box, seq, &input, error_r);
	if (ret <= 0)
		return ret;
	save = mailbox_save_init(cctx->dest_box);
	mailbox_save_set_flags(save, rec->flags & MAIL_FLAGS_NONRECENT);
	mailbox_save_set_keywords(save, keyword_mask);
	mailbox_save_set_received_date(save, rec->received_date);
	do {
		data = i_stream_get_data(input, &size);
		if (size > 0 &&
		    mailbox_save_write(save, data, size, error_r) < 0) {
			ret = -1;
			break;
		}
		i_stream_skip(input, size);
	} while (i_stream_read(input) > 0);
	if (ret > 0 && input->stream_errno != 0) {
		*error_r = t_strdup(i_stream_get_error(input));
		ret = -1;
	}
	i_stream_destroy(&input);
	if (ret < 0) {
		mailbox_save_abort(&save);
		return -1;
	}
	return mailbox_save_finish(&save, &uid, error_r) < 0 ? -1 : 1;
}

static int admin_import_box(struct admin_mail *mail, struct mailbox *box,
			    const bool *matched, void *context)
{
	struct admin_mail_cmd_context *cctx = context;
	uint32_t count = mailbox_get_count(box);
	const char *vname, *error;
	enum mail_error code;
	int ret;

	vname = cctx->dest[0] == '\0' ? mailbox_get_vname(box) :
		t_strdup_printf("%s%c%s", cctx->dest,
				mailbox_list_get_separator(cctx->dest_user),
				mailbox_get_vname(box));
	if (mailbox_create(cctx->dest_user, vname, &code, &error) < 0 &&
	    code != MAIL_ERROR_EXISTS) {
		admin_mail_error(mail, "%s: %s", vname, error);
		return code == MAIL_ERROR_TEMP ? ADMIN_EXIT_TEMPFAIL :
			ADMIN_EXIT_DATAERR;
	}
	ret = admin_open_dest(mail, cctx->dest_user, vname, cctx);
	if (ret != ADMIN_EXIT_OK)
		return ret;
	for (uint32_t seq = 1; seq <= count; seq++) T_BEGIN {
		if (matched[seq - 1] && ret == ADMIN_EXIT_OK &&
		    admin_import_mail(cctx, box, seq, &error) < 0) {
			admin_mail_error(mail, "%s: Importing message %u "
					 "failed: %s", mailbox_get_vname(box),
					 seq, error);
			ret = ADMIN_EXIT_TEMPFAIL;
		}
	} T_END;
	mailbox_close(&cctx->dest_box);
	return ret;
}

static int admin_import_user(struct admin_mail *mail, struct mail_user *user,
			     void *context)
{
	struct admin_mail_cmd_context *cctx = context;
	struct mail_user *source_user;
	const char *error;
	int ret;

	if (mail_user_init(cctx->mail_set, mail_user_get_username(user), NULL,
			   cctx->source, &source_user, &error) < 0) {
		admin_mail_error(mail, "%s: %s", cctx->source, error);
		return ADMIN_EXIT_DATAERR;
	}
	cctx->dest_user = user;
	ret = admin_mail_search(mail, source_user, &cctx->query,
				MAILBOX_FLAG_READONLY, admin_import_box, cctx);
	mail_user_deinit(&source_user);
	return ret;
}

static int cmd_import(const struct admin_context *ctx, int argc,
		      char *argv[])
{
	struct admin_mail_cmd_context cctx;
	struct admin_mail_users users;

	if (admin_mail_parse_users(&argc, &argv, &users, NULL) < 0 || argc < 3)
		return ADMIN_EXIT_USAGE;
	i_zero(&cctx);
	cctx.mail_set = ctx->mail_set;
	cctx.source = argv[0];
	cctx.dest = argv[1];
	return admin_mail_cmd_run(ctx, &users, argv + 2, admin_no_headers,
				  admin_import_user, &cctx);
}

#define ADMIN_QUERY_HELP \
	" QUERY is doveadm's search query (see coveadm(1)): e.g. " \
	"\"mailbox INBOX seen since 30d from alice\"."

const struct admin_cmd admin_cmd_search = {
	.name = "search",
	.usage = "-u USER|-A QUERY",
	.help = "Print the mailbox and UID of each message that QUERY "
		"matches." ADMIN_QUERY_HELP,
	.run = cmd_search,
};

const struct admin_cmd admin_cmd_fetch = {
	.name = "fetch",
	.usage = "-u USER|-A FIELDS QUERY",
	.help = "Print FIELDS (one argument: uid flags date.received "
		"size.physical size.virtual hdr body text mailbox guid) of "
		"each message that QUERY matches. guid is the mailbox's "
		"UIDVALIDITY and the UID in hex (Cove has no GUIDs)."
		ADMIN_QUERY_HELP,
	.run = cmd_fetch,
};

const struct admin_cmd admin_cmd_expunge = {
	.name = "expunge",
	.usage = "-u USER|-A QUERY",
	.help = "Expunge the messages that QUERY matches." ADMIN_QUERY_HELP,
	.run = cmd_expunge,
};

const struct admin_cmd admin_cmd_flags = {
	.name = "flags",
	.usage = "add|remove|replace -u USER|-A FLAGS QUERY",
	.help = "Add, remove or replace FLAGS (one argument: \\Seen "
		"\\Answered \\Flagged \\Deleted \\Draft and keywords) on "
		"the messages that QUERY matches." ADMIN_QUERY_HELP,
	.run = cmd_flags,
};

const struct admin_cmd admin_cmd_move = {
	.name = "move",
	.usage = "-u USER|-A DEST QUERY",
	.help = "Move the messages that QUERY matches into mailbox DEST, "
		"which must exist." ADMIN_QUERY_HELP,
	.run = cmd_copy_move,
};

const struct admin_cmd admin_cmd_copy = {
	.name = "copy",
	.usage = "-u USER|-A DEST QUERY",
	.help = "Copy the messages that QUERY matches into mailbox DEST, "
		"which must exist." ADMIN_QUERY_HELP,
	.run = cmd_copy_move,
};

const struct admin_cmd admin_cmd_import = {
	.name = "import",
	.usage = "-u USER|-A SOURCE-LOCATION DEST QUERY",
	.help = "Copy the messages that QUERY matches in the mail location "
		"SOURCE-LOCATION (e.g. maildir:/path, mbox:/path; absolute "
		"paths) into the user's mailboxes of the same names under "
		"DEST (\"\" for the same names), created as needed, with "
		"their flags, keywords and received dates." ADMIN_QUERY_HELP,
	.run = cmd_import,
};
