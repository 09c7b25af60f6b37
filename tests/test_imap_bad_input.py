# Copyright (c) Cove authors. See AUTHORS.
"""Bad IMAP input (issue 3): a line over the limit, a literal over the
limit, unbalanced parentheses, invalid sequence sets, unknown commands
and commands in the wrong state each get BAD with a clear text; the
session goes on (or, where the input cannot be told apart from commands
any more, ends with BYE); nothing on disk changes."""

import re
from contextlib import closing

import pytest

from helpers import RawClient, deliver, maildir_files

LIMIT = 64 * 1024


def text(line):
    """A reply without Dovecot's timing suffix " (0.001 + 0.000 secs)"."""
    return re.sub(rb" \(\d+\.\d+ \+ \d+\.\d+(?: \+ \d+\.\d+)? secs\)\.$",
                  b".", line)


def session(server, select=True):
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    if select is None:
        return c
    line, _ = c.imap_cmd("l", "LOGIN u1 " + server.users["u1"][2])
    assert line.startswith(b"l OK"), line
    if select:
        line, _ = c.imap_cmd("s", "SELECT INBOX")
        assert line.startswith(b"s OK"), line
    return c


def goes_on(c, tag="z"):
    line, _ = c.imap_cmd(tag, "NOOP")
    assert line.startswith(tag.encode() + b" OK"), line


@pytest.fixture
def mailbox(server):
    """Two messages, one \\Seen; yields the server and checks at the end
    that no message file was added, removed, renamed or changed."""
    deliver(server, b"Subject: one\r\n\r\nbody 1\r\n")
    deliver(server, b"Subject: two\r\n\r\nbody 2\r\n")
    with closing(session(server)) as c:
        line, _ = c.imap_cmd("f", "STORE 1 +FLAGS.SILENT (\\Seen)")
        assert line.startswith(b"f OK"), line
    before = maildir_files(server)
    yield server
    assert maildir_files(server) == before


def test_line_too_long(mailbox):
    with closing(session(mailbox)) as c:
        c.send(b"a STORE 1:2 +FLAGS (\\Deleted " + b"x" * LIMIT + b")\r\n")
        line = c.readline()
        # the rest of the line cannot be trusted: the server says BYE
        # (Cove, Dovecot) or rejects just that command
        if line.startswith(b"* BYE"):
            assert c.closed()
            return
        assert line.startswith(b"a BAD"), line[:200]
        goes_on(c)


@pytest.mark.cove_only
@pytest.mark.parametrize("line,reply", [
    (b"a NOOP " + b"x" * (LIMIT + 10),
     b"a BAD Error in IMAP command NOOP: Command line too long"),
    (b"a UID FETCH 1:" + b"2," * LIMIT + b"3 (FLAGS)",
     b"a BAD Error in IMAP command UID FETCH: Command line too long"),
    (b"a" * (LIMIT + 10), b"* BAD Error in IMAP command received by server."),
], ids=["argument", "sequence-set", "tag"])
def test_line_too_long_resync(mailbox, line, reply):
    """Cove skips the rest of the line and goes on."""
    with closing(session(mailbox)) as c:
        c.send(line + b"\r\n")
        assert c.readline() == reply
        goes_on(c)


@pytest.mark.parametrize("size", ["4294967295", "99999999",
                                  "99999999999999999999"])
def test_literal_too_long(mailbox, target, size):
    with closing(session(mailbox)) as c:
        # synchronizing: Cove refuses it before the data is sent and the
        # session goes on; Dovecot says BYE
        c.sendline("a SELECT {%s}" % size)
        line = c.readline()
        if target == "dovecot":
            assert line == b"* BYE Literal size too large", line
            assert c.closed()
            return
        assert line.startswith(b"a BAD Error in IMAP command SELECT: "), \
            line
        goes_on(c)


def test_nonsync_literal_too_long(mailbox):
    with closing(session(mailbox)) as c:
        # non-synchronizing: the data follows anyway and cannot be told
        # apart from commands, so the session ends
        c.send(b"a SELECT {4294967295+}\r\nINBOX\r\n")
        line = c.readline()
        assert line.startswith(b"* BYE") or line.startswith(b"a BAD"), line
        assert c.closed()


@pytest.mark.parametrize("command", [
    "FETCH 1 (FLAGS",
    "FETCH 1 FLAGS)",
    "FETCH 1 (FLAGS (UID)",
    "STORE 1 +FLAGS (\\Deleted",
    "STORE 1 +FLAGS \\Deleted)",
    "STORE 1 FLAGS ((\\Deleted)",
])
def test_unbalanced_parentheses(mailbox, command):
    with closing(session(mailbox)) as c:
        line, untagged = c.imap_cmd("a", command)
        assert text(line).startswith(b"a BAD Error in IMAP command"), line
        assert untagged == [], untagged
        goes_on(c)


@pytest.mark.parametrize("seqset", ["0", "1:", "a", "4294967296", "0:1",
                                    "*:0", "1:2:3", ""])
@pytest.mark.parametrize("command", [
    "FETCH %s (FLAGS)", "UID FETCH %s (FLAGS)",
    "STORE %s +FLAGS (\\Deleted)", "UID STORE %s +FLAGS (\\Deleted)",
])
def test_invalid_sequence_set(mailbox, command, seqset):
    with closing(session(mailbox)) as c:
        line, untagged = c.imap_cmd("a", (command % seqset).replace(
            "  ", " "))
        assert text(line).startswith(b"a BAD Error in IMAP command"), line
        assert untagged == [], untagged
        goes_on(c)


@pytest.mark.parametrize("command,name", [
    ("FOOBAR", "FOOBAR"), ("XYZZY 1 2 3", "XYZZY"),
    ("UID FOOBAR 1", "UID FOOBAR"), ("UID NOOP", "UID NOOP"),
])
def test_unknown_command(mailbox, command, name):
    with closing(session(mailbox)) as c:
        line, untagged = c.imap_cmd("a", command)
        assert text(line) == (b"a BAD Error in IMAP command %s: "
                              b"Unknown command." % name.encode()), line
        assert untagged == [], untagged
        goes_on(c)


def test_uid_alone(mailbox):
    with closing(session(mailbox)) as c:
        line, untagged = c.imap_cmd("a", "UID")
        assert line.startswith(b"a BAD Error in IMAP command"), line
        assert untagged == [], untagged
        goes_on(c)


@pytest.mark.parametrize("command", [
    "FETCH 1 (FLAGS)", "STORE 1 +FLAGS (\\Deleted)", "EXPUNGE", "CLOSE",
    "CHECK", "UNSELECT", "UID FETCH 1 (FLAGS)",
])
def test_not_selected(mailbox, command):
    with closing(session(mailbox, select=False)) as c:
        line, untagged = c.imap_cmd("a", command)
        assert text(line) == b"a BAD No mailbox selected.", line
        assert untagged == [], untagged
        goes_on(c)


@pytest.mark.parametrize("command", [
    "SELECT INBOX", "FETCH 1 (FLAGS)", "STORE 1 +FLAGS (\\Deleted)",
    "EXPUNGE", "IDLE",
])
def test_not_logged_in(mailbox, target, command):
    with closing(session(mailbox, select=None)) as c:
        line, untagged = c.imap_cmd("a", command)
        if target == "cove":
            assert line == b"a BAD Please login first", line
        else:
            assert line == b"a BAD Error in IMAP command received by " \
                b"server.", line
        assert untagged == [], untagged
        goes_on(c)


def test_login_twice(mailbox):
    with closing(session(mailbox, select=False)) as c:
        line, _ = c.imap_cmd("a", "LOGIN u1 x")
        assert text(line).startswith(b"a BAD"), line
        goes_on(c)


def test_many_errors_then_bye(mailbox):
    """A client that sends nothing but bad commands is sent away."""
    with closing(session(mailbox)) as c:
        for i in range(100):
            c.sendline("a%d FOOBAR" % i)
            line = c.readline()
            if line.startswith(b"* BYE"):
                break
            assert line.startswith(b"a%d BAD" % i), line
        else:
            pytest.fail("no BYE after 100 bad commands")
        assert c.closed()
