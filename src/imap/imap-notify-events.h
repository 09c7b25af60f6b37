/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef IMAP_NOTIFY_EVENTS_H
#define IMAP_NOTIFY_EVENTS_H

/* The events of a NOTIFY event group (RFC 5465): parsing and the
   names of the supported ones. */

#include "imap-parser.h"

enum imap_notify_event {
	IMAP_NOTIFY_EVENT_MESSAGE_NEW		= 0x01,
	IMAP_NOTIFY_EVENT_MESSAGE_EXPUNGE	= 0x02,
	IMAP_NOTIFY_EVENT_FLAG_CHANGE		= 0x04,
	IMAP_NOTIFY_EVENT_MAILBOX_NAME		= 0x08,
	IMAP_NOTIFY_EVENT_SUBSCRIPTION_CHANGE	= 0x10,
};

/* Parses the events of one event group: "NONE" or a list of event
   names. selected: the group's filter is selected or selected-delayed,
   where MessageNew and MessageExpunge go together and FlagChange needs
   them (RFC 5465). Returns 1 with events_r, 0 if an event is
   not supported (a NO [BADEVENT] reply), -1 with error_r (a BAD
   reply). */
int imap_notify_events_parse(const struct imap_arg *arg, bool selected,
			     enum imap_notify_event *events_r,
			     const char **error_r);
/* The event names this server supports, as a BADEVENT list. */
const char *imap_notify_events_supported(void);

#endif
