# Copyright (c) Cove authors. See AUTHORS.
"""IDLE (RFC 2177): a client in IDLE hears about an LMTP delivery, an
expunge and a flag change made by another session without asking, gets
keep-alives, and leaves IDLE with DONE (anything else is BAD)."""

import re
from contextlib import closing

import pytest

from helpers import RawClient, deliver


def msg(i):
    return b"Subject: idle %d\r\n\r\nbody %d\r\n" % (i, i)


def raw_login(server, select="INBOX"):
    """A RawClient logged in as u1, with select selected (if not None)."""
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    line, _ = c.imap_cmd("l", "LOGIN u1 " + server.users["u1"][2])
    assert line.startswith(b"l OK"), line
    if select is not None:
        line, _ = c.imap_cmd("s", "SELECT " + select)
        assert line.startswith(b"s OK"), line
    return c


def start_idle(c, tag="i"):
    c.sendline(tag + " IDLE")
    assert c.readline() == b"+ idling"


def wait_for(c, pattern):
    """Reads untagged lines until one matches pattern; returns the match
    and the lines read before it. The socket's read timeout fails the
    test if it never comes."""
    seen = []
    while True:
        line = c.readline()
        assert line, "connection closed; seen %r" % seen
        m = re.match(pattern, line)
        if m:
            return m, seen
        assert line.startswith(b"* "), (line, seen)
        seen.append(line)


def not_recent(lines):
    """lines without RECENT counts (which may change with any sync)."""
    return [l for l in lines if not re.match(rb"^\* \d+ RECENT$", l)]


def done(c, tag="i"):
    c.sendline("DONE")
    line, untagged = c.imap_tagged(tag)
    assert line.startswith(tag.encode() + b" OK Idle completed"), line
    return untagged


def test_idle_sees_delivery(server, target):
    deliver(server, msg(0))
    with closing(raw_login(server)) as c:
        start_idle(c)
        deliver(server, msg(1))
        wait_for(c, rb"^\* 2 EXISTS$")
        deliver(server, msg(2))
        wait_for(c, rb"^\* 3 EXISTS$")
        done(c)
        line, untagged = c.imap_cmd("f", "FETCH 3 (BODY.PEEK[TEXT])")
        assert line.startswith(b"f OK"), line
        assert untagged == [b"* 3 FETCH (BODY[TEXT] {8}", b"body 2", b")"], \
            untagged
    if target == "cove":
        # the mailbox was watched, not polled
        assert b"inotify" not in server.read_log()


def test_idle_sees_flags_and_expunge(server):
    for i in range(3):
        deliver(server, msg(i))
    with closing(raw_login(server)) as a, closing(raw_login(server)) as b:
        start_idle(a)
        line, _ = b.imap_cmd("b1", "STORE 1 +FLAGS.SILENT (\\Flagged)")
        assert line.startswith(b"b1 OK"), line
        m, _ = wait_for(a, rb"^\* 1 FETCH \(FLAGS \(([^)]*)\)\)$")
        assert set(m.group(1).split()) - {b"\\Recent"} == {b"\\Flagged"}

        line, _ = b.imap_cmd("b2", "STORE 2 +FLAGS.SILENT (\\Deleted)")
        assert line.startswith(b"b2 OK"), line
        line, untagged = b.imap_cmd("b3", "EXPUNGE")
        assert line.startswith(b"b3 OK"), line
        assert b"* 2 EXPUNGE" in untagged, untagged
        # the \Deleted flag may be reported before the message goes
        _, seen = wait_for(a, rb"^\* 2 EXPUNGE$")
        for line in seen:
            assert re.match(rb"^\* 2 FETCH \(FLAGS \(.*\\Deleted", line), \
                seen
        assert not_recent(done(a)) == []
        line, untagged = a.imap_cmd("n", "NOOP")
        assert line.startswith(b"n OK"), line
        assert not_recent(untagged) == [], untagged
        line, untagged = a.imap_cmd("f", "FETCH 1:* (FLAGS)")
        assert len(untagged) == 2, untagged


def test_idle_changes_before_idle_are_sent(server):
    deliver(server, msg(0))
    with closing(raw_login(server)) as c:
        deliver(server, msg(1))
        start_idle(c)
        wait_for(c, rb"^\* 2 EXISTS$")
        done(c)


def test_idle_keepalive(servers):
    server = servers.new(extra_conf="imap_idle_notify_interval = 1 secs\n")
    with closing(raw_login(server)) as c:
        start_idle(c)
        wait_for(c, rb"^\* OK Still here$")
        wait_for(c, rb"^\* OK Still here$")
        done(c)
        line, _ = c.imap_cmd("n", "NOOP")
        assert line.startswith(b"n OK"), line


def test_idle_without_mailbox(server):
    with closing(raw_login(server, select=None)) as c:
        start_idle(c)
        assert done(c) == []
        line, _ = c.imap_cmd("n", "NOOP")
        assert line.startswith(b"n OK"), line


def test_idle_done_case_insensitive(server):
    with closing(raw_login(server)) as c:
        start_idle(c)
        c.sendline("done")
        line, _ = c.imap_tagged("i")
        assert line.startswith(b"i OK Idle completed"), line


def expected_done(line, tag):
    # Dovecot adds timing: "BAD Expected DONE (0.001 + 0.001 secs)."
    return re.match(tag.encode() + rb" BAD Expected DONE( \(.*\))?\.$",
                    line)


def test_idle_not_done_is_bad(server):
    deliver(server, msg(0))
    with closing(raw_login(server)) as c:
        start_idle(c)
        c.sendline("n NOOP")
        line, _ = c.imap_tagged("i")
        assert expected_done(line, "i"), line
        line, _ = c.imap_cmd("n2", "NOOP")
        assert line.startswith(b"n2 OK"), line
        start_idle(c, "j")
        c.sendline("DONE extra")
        line, _ = c.imap_tagged("j")
        assert expected_done(line, "j"), line
        line, _ = c.imap_cmd("n3", "FETCH 1 (UID)")
        assert line.startswith(b"n3 OK"), line


# RFC 2177 9: idle = "IDLE" CRLF "DONE" (Dovecot ignores arguments)
@pytest.mark.cove_only
def test_idle_arguments_are_bad(server):
    with closing(raw_login(server)) as c:
        line, _ = c.imap_cmd("i", "IDLE now")
        assert line.startswith(b"i BAD"), line
        line, _ = c.imap_cmd("n", "NOOP")
        assert line.startswith(b"n OK"), line


def test_idle_logout_while_idling(server):
    with closing(raw_login(server)) as c:
        start_idle(c)
        c.close()
    with closing(raw_login(server)) as c:
        line, _ = c.imap_cmd("n", "NOOP")
        assert line.startswith(b"n OK"), line
