/* Copyright (c) Cove authors. See AUTHORS. */

/* NOTIFY event lists (RFC 5465). Known events that Cove cannot report
   (AnnotationChange: no ANNOTATE; the METADATA ones: no METADATA) are
   unsupported, as are unknown names (event-ext): both get BADEVENT. */

#include "lib.h"
#include "str.h"
#include "imap-notify-events.h"

#include <strings.h>

static const struct {
	const char *name;
	/* 0: known, but not supported */
	enum imap_notify_event event;
} imap_notify_event_names[] = {
	{ "MessageNew", IMAP_NOTIFY_EVENT_MESSAGE_NEW },
	{ "MessageExpunge", IMAP_NOTIFY_EVENT_MESSAGE_EXPUNGE },
	{ "FlagChange", IMAP_NOTIFY_EVENT_FLAG_CHANGE },
	{ "MailboxName", IMAP_NOTIFY_EVENT_MAILBOX_NAME },
	{ "SubscriptionChange", IMAP_NOTIFY_EVENT_SUBSCRIPTION_CHANGE },
	{ "AnnotationChange", 0 },
	{ "MailboxMetadataChange", 0 },
	{ "ServerMetadataChange", 0 },
};

#define IMAP_NOTIFY_EVENTS_MESSAGE_NEW_EXPUNGE \
	(IMAP_NOTIFY_EVENT_MESSAGE_NEW | IMAP_NOTIFY_EVENT_MESSAGE_EXPUNGE)

const char *imap_notify_events_supported(void)
{
	string_t *str = t_str_new(128);

	for (unsigned int i = 0; i < N_ELEMENTS(imap_notify_event_names);
	     i++) {
		if (imap_notify_event_names[i].event == 0)
			continue;
		if (str_len(str) > 0)
			str_append_c(str, ' ');
		str_append(str, imap_notify_event_names[i].name);
	}
	return str_c(str);
}

/* Returns the event of name: 0 if it is not supported. */
static enum imap_notify_event imap_notify_event_find(const char *name)
{
	for (unsigned int i = 0; i < N_ELEMENTS(imap_notify_event_names);
	     i++) {
		if (strcasecmp(imap_notify_event_names[i].name, name) == 0)
			return imap_notify_event_names[i].event;
	}
	return 0;
}

int imap_notify_events_parse(const struct imap_arg *arg, bool selected,
			     enum imap_notify_event *events_r,
			     const char **error_r)
{
	const struct imap_arg *list;
	enum imap_notify_event event;
	const char *name;
	bool unsupported = false;

	*events_r = 0;
	if (imap_arg_get_atom(arg, &name) && strcasecmp(name, "NONE") == 0)
		return 1;
	if (!imap_arg_get_list(arg, &list) || imap_arg_is_eol(list)) {
		*error_r = "Invalid events.";
		return -1;
	}
	for (; !imap_arg_is_eol(list); list++) {
		if (!imap_arg_get_atom(list, &name)) {
			*error_r = "Invalid event.";
			return -1;
		}
		event = imap_notify_event_find(name);
		if (imap_arg_get_list(&list[1], &arg)) {
			/* MessageNew (fetch-att ...): selected only */
			*error_r = event == IMAP_NOTIFY_EVENT_MESSAGE_NEW &&
				selected ?
				"MessageNew fetch attributes not supported." :
				"Invalid event.";
			return -1;
		}
		if (event == 0)
			unsupported = true;
		*events_r |= event;
	}
	if (selected &&
	    (*events_r & IMAP_NOTIFY_EVENTS_MESSAGE_NEW_EXPUNGE) != 0 &&
	    (*events_r & IMAP_NOTIFY_EVENTS_MESSAGE_NEW_EXPUNGE) !=
	    IMAP_NOTIFY_EVENTS_MESSAGE_NEW_EXPUNGE) {
		*error_r = "MessageNew and MessageExpunge must be together.";
		return -1;
	}
	if (selected && (*events_r & IMAP_NOTIFY_EVENT_FLAG_CHANGE) != 0 &&
	    (*events_r & IMAP_NOTIFY_EVENT_MESSAGE_NEW) == 0) {
		*error_r = "FlagChange needs MessageNew and MessageExpunge.";
		return -1;
	}
	return unsupported ? 0 : 1;
}

