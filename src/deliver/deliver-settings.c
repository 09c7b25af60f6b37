/* Copyright (c) Cove authors. See AUTHORS. */

/* The settings table of cove-deliver. */

#include "lib.h"
#include "deliver-settings.h"

static const struct setting_define deliver_setting_defines[] = {
	SETTING_DEFINE(SET_BOOL, lda_mailbox_autocreate,
		       struct deliver_settings),
	SETTING_DEFINE(SET_SIZE, lmtp_max_message_size,
		       struct deliver_settings),
	SETTING_DEFINE_LIST_END
};

static const struct deliver_settings deliver_default_settings = {
	.lda_mailbox_autocreate = false,
	/* lmtp's default */
	.lmtp_max_message_size = 100 * 1024 * 1024,
};

const struct setting_parser_info deliver_setting_parser_info = {
	.module_name = "lda",
	.defines = deliver_setting_defines,
	.defaults = &deliver_default_settings,
	.struct_size = sizeof(struct deliver_settings),
	.type_offset = SIZE_MAX,
};
