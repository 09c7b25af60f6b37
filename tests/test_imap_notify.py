# Copyright (c) Cove authors. See AUTHORS.
"""NOTIFY (RFC 5465): the initial STATUS of NOTIFY SET STATUS, untagged
STATUS for changes to a mailbox other than the selected one (an LMTP
delivery, another session's APPEND, flag change and expunge) while the
client is in IDLE or at the end of a command, NOTIFY NONE turning that
off, and BAD/NO for bad input."""

import re
from contextlib import closing

import pytest

from helpers import RawClient, deliver


def msg(i):
    return b"Subject: notify %d\r\n\r\nbody %d\r\n" % (i, i)


def raw_login(server, select=None):
    """A RawClient logged in as u1, with select selected (if not None)."""
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    line, _ = c.imap_cmd("l", "LOGIN u1 " + server.users["u1"][2])
    assert line.startswith(b"l OK"), line
    if select is not None:
        ok(c, "SELECT " + select)
    return c


def ok(c, line, tag="t"):
    """Runs a command that must succeed; returns its untagged lines."""
    tagged, untagged = c.imap_cmd(tag, line)
    assert tagged.startswith(tag.encode() + b" OK"), (line, tagged)
    return untagged


def reply(c, line, tag="t"):
    """The tagged reply of a command without its tag, and the untagged
    lines."""
    tagged, untagged = c.imap_cmd(tag, line)
    return tagged[len(tag) + 1:], untagged


def status_values(line):
    """(mailbox, {ITEM: value}) of an untagged STATUS line."""
    m = re.match(rb"^\* STATUS (\S+) \(([^)]*)\)$", line)
    assert m, line
    words = m.group(2).decode().split()
    return m.group(1), {words[i].upper(): int(words[i + 1])
                        for i in range(0, len(words), 2)}


def statuses(lines):
    """{mailbox: values} of the STATUS lines among lines."""
    return dict(status_values(l) for l in lines if l.startswith(b"* STATUS "))


def status_of(c, mailbox, items):
    untagged = ok(c, "STATUS %s (%s)" % (mailbox, items), tag="st")
    return statuses(untagged)[mailbox.encode()]


def assert_items(values, expected, items):
    """values has items, with the values of expected (Dovecot adds
    more items, such as UNSEEN)."""
    for item in items:
        assert values[item] == expected[item], (item, values, expected)


def wait_for(c, pattern):
    """Reads untagged lines until one matches pattern; returns the match
    and the lines read before it (the socket timeout fails the test if it
    never comes)."""
    seen = []
    while True:
        line = c.readline()
        assert line, "connection closed; seen %r" % seen
        m = re.match(pattern, line)
        if m:
            return m, seen
        assert line.startswith(b"* "), (line, seen)
        seen.append(line)


def append(c, mailbox, i):
    data = msg(i)
    ok(c, "APPEND %s {%d+}\r\n%s" % (mailbox, len(data), data.decode()),
       tag="a")


def test_notify_capability(server):
    with closing(raw_login(server)) as c:
        untagged = ok(c, "CAPABILITY")
        assert b"NOTIFY" in untagged[0].split(), untagged


def test_notify_initial_status(server):
    with closing(raw_login(server)) as c:
        ok(c, "CREATE Box")
        append(c, "Box", 1)
        expected = status_of(c, "Box",
                             "MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ")

        untagged = ok(c, "NOTIFY SET STATUS (mailboxes Box (MessageExpunge))")
        assert len(untagged) == 1, untagged
        assert_items(statuses(untagged)[b"Box"], expected, ["MESSAGES"])

        untagged = ok(c, "NOTIFY SET STATUS (mailboxes Box (MessageNew))")
        assert len(untagged) == 1, untagged
        assert_items(statuses(untagged)[b"Box"], expected,
                     ["MESSAGES", "UIDNEXT", "UIDVALIDITY"])

        untagged = ok(c, "NOTIFY SET STATUS (mailboxes Box (FlagChange))")
        assert len(untagged) == 1, untagged
        assert_items(statuses(untagged)[b"Box"], expected,
                     ["UIDVALIDITY", "HIGHESTMODSEQ"])

        # without STATUS: none
        untagged = ok(c, "NOTIFY SET (mailboxes Box "
                      "(MessageNew MessageExpunge FlagChange))")
        assert statuses(untagged) == {}, untagged


def test_notify_initial_status_filters(server):
    with closing(raw_login(server, select="INBOX")) as c:
        for name in ("Box", "Box.sub", "Other"):
            ok(c, "CREATE " + name)
        ok(c, "SUBSCRIBE Other")

        untagged = ok(c, "NOTIFY SET STATUS (subtree Box (MessageExpunge))")
        found = statuses(untagged)
        assert sorted(found) == [b"Box", b"Box.sub"], untagged
        assert found[b"Box"]["MESSAGES"] == 0, untagged

        # the selected mailbox (INBOX) gets no STATUS
        untagged = ok(c, "NOTIFY SET STATUS (personal (MessageExpunge))")
        assert sorted(statuses(untagged)) == [b"Box", b"Box.sub",
                                              b"Other"], untagged

        untagged = ok(c, "NOTIFY SET STATUS (subscribed (MessageExpunge))")
        assert sorted(statuses(untagged)) == [b"Other"], untagged

        # a mailbox that does not exist is no error, and has no STATUS
        untagged = ok(c, "NOTIFY SET STATUS (mailboxes Nonexistent "
                      "(MessageNew MessageExpunge))")
        assert statuses(untagged) == {}, untagged


def test_notify_delivery_during_idle(server):
    with closing(raw_login(server, select=None)) as c:
        ok(c, "CREATE Other")
        ok(c, "SELECT Other")
        before = status_of(c, "INBOX", "MESSAGES UIDNEXT")
        ok(c, "NOTIFY SET (inboxes (MessageNew MessageExpunge))")
        c.sendline("i IDLE")
        assert c.readline() == b"+ idling"
        deliver(server, msg(1))
        m, seen = wait_for(c, rb"^\* STATUS INBOX ")
        _, values = status_values(m.string)
        assert values["MESSAGES"] == before["MESSAGES"] + 1, m.string
        assert values["UIDNEXT"] == before["UIDNEXT"] + 1, m.string
        assert seen == [], seen
        c.sendline("DONE")
        line, untagged = c.imap_tagged("i")
        assert line.startswith(b"i OK Idle completed"), line
        # Dovecot repeats it here
        for name, values in statuses(untagged).items():
            assert (name, values["MESSAGES"]) == \
                (b"INBOX", before["MESSAGES"] + 1), untagged


def test_notify_other_session_changes(server, target):
    with closing(raw_login(server, select="INBOX")) as c, \
            closing(raw_login(server)) as d:
        ok(d, "CREATE Box")
        append(d, "Box", 1)
        ok(c, "NOTIFY SET (mailboxes Box "
           "(MessageNew MessageExpunge FlagChange))")
        c.sendline("i IDLE")
        assert c.readline() == b"+ idling"

        append(d, "Box", 2)
        m, _ = wait_for(c, rb"^\* STATUS Box ")
        assert status_values(m.string)[1]["MESSAGES"] == 2, m.string

        ok(d, "SELECT Box")
        hms = status_of(d, "Box", "HIGHESTMODSEQ")["HIGHESTMODSEQ"]
        ok(d, "STORE 1 +FLAGS.SILENT (\\Seen)")
        m, _ = wait_for(c, rb"^\* STATUS Box ")
        values = status_values(m.string)[1]
        # Dovecot reports the new UNSEEN count instead
        if target == "cove":
            assert values["HIGHESTMODSEQ"] > hms, m.string
        else:
            assert values["UNSEEN"] == 1, m.string

        ok(d, "STORE 1 +FLAGS.SILENT (\\Deleted)")
        ok(d, "EXPUNGE")
        m, _ = wait_for(c, rb"^\* STATUS Box \(.*MESSAGES 1\b")
        c.sendline("DONE")
        line, _ = c.imap_tagged("i")
        assert line.startswith(b"i OK Idle completed"), line


def test_notify_none_stops(server):
    """c turns NOTIFY off again; e, which keeps it, shows when the
    delivery's STATUS is due."""
    with closing(raw_login(server)) as c, \
            closing(raw_login(server)) as e:
        ok(c, "CREATE Other")
        for s in (c, e):
            ok(s, "SELECT Other")
            ok(s, "NOTIFY SET (inboxes (MessageNew MessageExpunge))")
            s.sendline("i IDLE")
            assert s.readline() == b"+ idling"
        c.sendline("DONE")
        assert c.imap_tagged("i")[0].startswith(b"i OK Idle completed")
        ok(c, "NOTIFY NONE")
        c.sendline("i IDLE")
        assert c.readline() == b"+ idling"

        deliver(server, msg(1))
        wait_for(e, rb"^\* STATUS INBOX ")
        for s in (c, e):
            s.sendline("DONE")
        line, untagged = c.imap_tagged("i")
        assert line.startswith(b"i OK Idle completed"), line
        assert statuses(untagged) == {}, untagged
        _, untagged = reply(c, "NOOP")
        assert statuses(untagged) == {}, untagged


@pytest.mark.parametrize("args", [
    "",
    "BOGUS",
    "SET (foo (MessageNew))",
    "SET (inboxes)",
    "SET (inboxes ())",
    "SET inboxes (MessageNew)",
    "SET (mailboxes (MessageNew))",
    "SET (mailboxes () (MessageNew))",
    "SET (inboxes (MessageNew (UID)))",
    # RFC 5465: for the selected mailbox these go together
    "SET (selected (MessageNew))",
    "SET (selected (MessageExpunge))",
    "SET (selected (FlagChange))",
])
def test_notify_bad(server, args):
    with closing(raw_login(server)) as c:
        tagged, untagged = reply(c, ("NOTIFY " + args).strip())
        assert tagged.startswith(b"BAD "), (args, tagged)
        assert untagged == [], untagged


@pytest.mark.parametrize("event", [
    "AnnotationChange", "MailboxMetadataChange", "ServerMetadataChange",
])
def test_notify_badevent(server, event):
    with closing(raw_login(server)) as c:
        tagged, untagged = reply(
            c, "NOTIFY SET (inboxes (MessageNew MessageExpunge %s))" % event)
        assert tagged.startswith(b"NO [BADEVENT "), tagged
        assert untagged == [], untagged


@pytest.mark.cove_only
def test_notify_cove_replies(server):
    """Cove's exact replies: BADEVENT lists the supported events (also
    for an unknown event name); NOTIFY needs at least one event group;
    MessageNew's fetch attributes are not supported."""
    badevent = (b"NO [BADEVENT (MessageNew MessageExpunge FlagChange "
                b"MailboxName SubscriptionChange)] Unsupported event.")
    with closing(raw_login(server)) as c:
        for args in ("(inboxes (AnnotationChange))", "(inboxes (Bogus))"):
            assert reply(c, "NOTIFY SET " + args)[0] == badevent, args
        assert reply(c, "NOTIFY SET")[0] == \
            b"BAD Error in IMAP command NOTIFY: Missing event groups."
        assert reply(c, "NOTIFY SET (inboxes (MessageNew) extra)")[0] == \
            b"BAD Error in IMAP command NOTIFY: " \
            b"Unexpected arguments after events."
        assert reply(c, "NOTIFY NONE extra")[0] == \
            b"BAD Error in IMAP command NOTIFY: Invalid arguments."
        assert reply(c, "NOTIFY SET (selected (MessageNew (UID) "
                     "MessageExpunge))")[0] == \
            b"BAD Error in IMAP command NOTIFY: " \
            b"MessageNew fetch attributes not supported."
        assert reply(c, "NOTIFY SET (inboxes (MailboxName))")[0] == \
            b"OK NOTIFY completed."


@pytest.mark.cove_only
def test_notify_overflow(server):
    """More than 100 mailboxes: NOTIFICATIONOVERFLOW, and none watched."""
    names = " ".join("m%d" % i for i in range(101))
    with closing(raw_login(server)) as c:
        tagged, untagged = reply(
            c, "NOTIFY SET STATUS (mailboxes (INBOX %s) (MessageNew "
            "MessageExpunge))" % names)
        assert tagged == b"OK NOTIFY completed.", tagged
        assert untagged == [b"* OK [NOTIFICATIONOVERFLOW] More than 100 "
                            b"mailboxes: notifications are off"], untagged
