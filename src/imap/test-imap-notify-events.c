/* Copyright (c) Cove authors. See AUTHORS. */

/* Tests for imap-notify-events: the event lists of NOTIFY SET. */

#include "lib.h"
#include "imap-notify-events.h"
#include "test-imap.h"

#define NEW IMAP_NOTIFY_EVENT_MESSAGE_NEW
#define EXPUNGE IMAP_NOTIFY_EVENT_MESSAGE_EXPUNGE
#define FLAGS IMAP_NOTIFY_EVENT_FLAG_CHANGE

void test_imap_notify_events_parse(void)
{
	static const struct {
		const char *input;
		bool selected;
		int ret;
		enum imap_notify_event events;
	} tests[] = {
		{ "NONE", false, 1, 0 },
		{ "none", true, 1, 0 },
		{ "(MessageNew)", false, 1, NEW },
		{ "(messageexpunge FLAGCHANGE)", false, 1, EXPUNGE | FLAGS },
		{ "(MessageNew MessageExpunge FlagChange)", true, 1,
		  NEW | EXPUNGE | FLAGS },
		{ "(MailboxName SubscriptionChange)", false, 1,
		  IMAP_NOTIFY_EVENT_MAILBOX_NAME |
		  IMAP_NOTIFY_EVENT_SUBSCRIPTION_CHANGE },
		/* unsupported: BADEVENT */
		{ "(MessageNew AnnotationChange)", false, 0, NEW },
		{ "(MailboxMetadataChange)", false, 0, 0 },
		{ "(ServerMetadataChange)", false, 0, 0 },
		{ "(FooChange)", false, 0, 0 },
		/* the selected mailbox's sequence numbers need both */
		{ "(MessageNew)", true, -1, NEW },
		{ "(MessageExpunge)", true, -1, EXPUNGE },
		{ "(FlagChange)", true, -1, FLAGS },
		{ "(FlagChange MessageExpunge)", true, -1, FLAGS | EXPUNGE },
		/* syntax */
		{ "()", false, -1, 0 },
		{ "NIL", false, -1, 0 },
		{ "MessageNew", false, -1, 0 },
		{ "(\"MessageNew\")", false, -1, 0 },
		{ "((MessageNew))", false, -1, 0 },
		{ "(MessageNew (UID))", false, -1, NEW },
		{ "(MessageNew (UID) MessageExpunge)", true, -1, NEW },
		{ "(MessageExpunge (UID))", true, -1, 0 },
	};
	enum imap_notify_event events;
	const char *error;
	int ret;

	test_begin("imap notify events parse");
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		error = NULL;
		ret = imap_notify_events_parse(
			test_imap_args_parse(tests[i].input),
			tests[i].selected, &events, &error);
		test_assert_idx(ret == tests[i].ret, i);
		test_assert_idx((ret < 0) == (error != NULL), i);
		if (ret >= 0)
			test_assert_idx(events == tests[i].events, i);
	}
	test_imap_args_free();
	test_end();
}

void test_imap_notify_events_supported(void)
{
	test_begin("imap notify events supported");
	test_assert_strcmp(imap_notify_events_supported(),
			   "MessageNew MessageExpunge FlagChange "
			   "MailboxName SubscriptionChange");
	test_end();
}
