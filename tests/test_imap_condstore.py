# Copyright (c) Cove authors. See AUTHORS.
"""CONDSTORE and QRESYNC (RFC 7162): mod-sequences in SELECT, FETCH, STORE
and STATUS, shared by sessions and kept across restarts; VANISHED and
CLOSED with QRESYNC. Every exchange is the one Dovecot 2.3 gives (run with
COVE_TEST_TARGET=dovecot); mod-sequences count from 1 in a mailbox first
selected with CONDSTORE, so the numbers are exact."""

import os
import re
import time

import pytest

from helpers import RawClient, deliver

TARGET = os.environ.get("COVE_TEST_TARGET", "cove")


def msg(i):
    return b"Subject: condstore %d\r\n\r\nbody %d\r\n" % (i, i)


class Session:
    """A raw IMAP session, logged in; replies as str."""

    def __init__(self, server):
        self.c = RawClient(server.imap_port)
        assert self.c.readline().startswith(b"* OK")
        self.n = 0
        self.ok("LOGIN u1 %s" % server.users["u1"][2])

    def cmd(self, line):
        """(tagged reply without tag and Dovecot's timing, untagged)."""
        self.n += 1
        tag = "t%d" % self.n
        tagged, untagged = self.c.imap_cmd(tag, line)
        text = tagged[len(tag) + 1:].decode()
        # Dovecot: "OK Store completed (0.001 + 0.000 secs)."
        text = re.sub(r" \(\d+\.\d+( \+ \d+\.\d+)+ secs\)\.$", ".", text)
        return text, [u.decode() for u in untagged]

    def ok(self, line):
        text, untagged = self.cmd(line)
        assert text.startswith("OK"), (line, text)
        return untagged

    def bad(self, line):
        text, untagged = self.cmd(line)
        assert text.startswith("BAD"), (line, text)
        return untagged

    def close(self):
        """LOGOUT, so that the session has ended on the server too."""
        if self.c.sock.fileno() < 0:
            return
        self.c.sendline("z LOGOUT")
        self.c.closed()
        self.c.close()


def select_lines(untagged):
    """The SELECT replies that depend on CONDSTORE/QRESYNC."""
    return [u for u in untagged
            if re.match(r"\* (VANISHED|\d+ FETCH)|\* OK \[(HIGHESTMODSEQ|"
                        r"NOMODSEQ|CLOSED)", u)]


def uidvalidity(untagged):
    for u in untagged:
        m = re.match(r"\* OK \[UIDVALIDITY (\d+)\]", u)
        if m:
            return int(m.group(1))
    raise AssertionError(untagged)


@pytest.fixture
def a(server):
    """A CONDSTORE session on the empty INBOX, then 4 messages (modseqs 2
    to 5: an empty mailbox has HIGHESTMODSEQ 1)."""
    s = Session(server)
    untagged = s.ok("SELECT INBOX (CONDSTORE)")
    assert select_lines(untagged) == ["* OK [HIGHESTMODSEQ 1] Highest"]
    for i in range(4):
        deliver(server, msg(i))
    s.ok("NOOP")
    yield s
    s.close()


def test_capability_and_enable(server):
    s = Session(server)
    untagged = s.ok("CAPABILITY")
    caps = untagged[0].split()
    assert "CONDSTORE" in caps and "QRESYNC" in caps, caps
    assert s.ok("ENABLE CONDSTORE") == ["* ENABLED CONDSTORE"]
    assert s.ok("ENABLE QRESYNC") == ["* ENABLED QRESYNC"]
    s.close()


def test_enable_while_selected_sends_highestmodseq(server):
    deliver(server, msg(0))
    s = Session(server)
    s.ok("SELECT INBOX")
    untagged = s.ok("ENABLE CONDSTORE")
    assert len(untagged) == 2, untagged
    assert re.match(r"\* OK \[HIGHESTMODSEQ \d+\] Highest$", untagged[0])
    assert untagged[1] == "* ENABLED CONDSTORE"
    s.close()


def test_fetch_store_modseq(a):
    assert a.ok("FETCH 1:* (UID FLAGS MODSEQ)") == [
        "* 1 FETCH (UID 1 FLAGS (\\Recent) MODSEQ (2))",
        "* 2 FETCH (UID 2 FLAGS (\\Recent) MODSEQ (3))",
        "* 3 FETCH (UID 3 FLAGS (\\Recent) MODSEQ (4))",
        "* 4 FETCH (UID 4 FLAGS (\\Recent) MODSEQ (5))"]
    assert a.ok("STORE 1 +FLAGS (\\Seen)") == [
        "* 1 FETCH (MODSEQ (6) FLAGS (\\Seen \\Recent))"]
    # 1 (modseq 6) and 3 (4) changed since 3: left alone
    text, untagged = a.cmd("STORE 1:3 (UNCHANGEDSINCE 3) +FLAGS (\\Flagged)")
    assert text == "OK [MODIFIED 1,3] Conditional store failed."
    assert untagged == ["* 2 FETCH (MODSEQ (7) FLAGS (\\Flagged \\Recent))"]
    text, untagged = a.cmd("UID STORE 1:4 (UNCHANGEDSINCE 0) "
                           "+FLAGS (\\Seen)")
    assert (text, untagged) == (
        "OK [MODIFIED 1:4] Conditional store failed.", [])
    assert a.ok("UID FETCH 2:* (FLAGS) (CHANGEDSINCE 4)") == [
        "* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent) MODSEQ (7))",
        "* 4 FETCH (UID 4 FLAGS (\\Recent) MODSEQ (5))"]
    assert a.ok("FETCH 1:* (FLAGS) (CHANGEDSINCE 6)") == [
        "* 2 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (7))"]
    assert a.ok("FETCH 1:* (FLAGS) (CHANGEDSINCE 7)") == []
    assert a.ok("STATUS INBOX (HIGHESTMODSEQ MESSAGES)") == [
        "* STATUS INBOX (MESSAGES 4 HIGHESTMODSEQ 7)"]
    # a STORE that changes nothing keeps the modseq and says nothing
    assert a.ok("STORE 1 +FLAGS (\\Seen)") == []
    assert a.ok("STORE 3 +FLAGS.SILENT (\\Draft)") == [
        "* 3 FETCH (MODSEQ (8))"]


def test_two_sessions(server, a):
    b = Session(server)
    untagged = b.ok("SELECT INBOX")
    assert select_lines(untagged) == ["* OK [HIGHESTMODSEQ 5] Highest"]
    assert b.ok("STORE 2 +FLAGS (\\Answered)") == [
        "* 2 FETCH (FLAGS (\\Answered))"]
    # the other session sees the change with its modseq
    assert a.ok("NOOP") == [
        "* 2 FETCH (MODSEQ (6) FLAGS (\\Answered \\Recent))"]
    assert a.ok("FETCH 1:* (UID) (CHANGEDSINCE 5)") == [
        "* 2 FETCH (UID 2 MODSEQ (6))"]
    # both agree on the next one
    assert a.ok("STORE 3 +FLAGS (\\Seen)") == [
        "* 3 FETCH (MODSEQ (7) FLAGS (\\Seen \\Recent))"]
    assert b.ok("NOOP") == ["* 3 FETCH (FLAGS (\\Seen))"]
    # MODSEQ turns CONDSTORE on: HIGHESTMODSEQ comes first
    assert b.ok("FETCH 2:3 (MODSEQ)") == [
        "* OK [HIGHESTMODSEQ 7] Highest",
        "* 2 FETCH (MODSEQ (6))", "* 3 FETCH (MODSEQ (7))"]
    b.close()


def test_expunges_and_vanished(server, a):
    b = Session(server)
    b.ok("SELECT INBOX")
    b.ok("STORE 4 +FLAGS.SILENT (\\Deleted)")
    assert b.ok("EXPUNGE") == ["* 4 EXPUNGE"]
    # CONDSTORE alone: EXPUNGE as before
    assert a.ok("NOOP") == ["* 4 EXPUNGE", "* 3 RECENT"]
    assert a.ok("ENABLE QRESYNC") == ["* ENABLED QRESYNC"]
    b.ok("STORE 1 +FLAGS.SILENT (\\Deleted)")
    b.ok("EXPUNGE")
    text, untagged = a.cmd("NOOP")
    assert untagged == ["* VANISHED 1", "* 2 RECENT"]
    assert text == "OK [HIGHESTMODSEQ 9] NOOP completed."
    text, untagged = a.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 2 VANISHED)")
    assert untagged == [
        "* VANISHED (EARLIER) 1,4",
        "* 1 FETCH (UID 2 FLAGS (\\Recent) MODSEQ (3))",
        "* 2 FETCH (UID 3 FLAGS (\\Recent) MODSEQ (4))"]
    assert a.ok("UID FETCH 3:4 (FLAGS) (CHANGEDSINCE 3 VANISHED)") == [
        "* VANISHED (EARLIER) 4",
        "* 2 FETCH (UID 3 FLAGS (\\Recent) MODSEQ (4))"]
    # nothing expunged since 9
    assert a.ok("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 9 VANISHED)") == []
    # with QRESYNC every FETCH reply has the UID
    assert a.ok("STORE 1 +FLAGS.SILENT (\\Deleted)") == [
        "* 1 FETCH (UID 2 MODSEQ (10))"]
    text, untagged = a.cmd("UID EXPUNGE 2:3")
    assert untagged == ["* VANISHED 2", "* 1 RECENT"]
    assert text == "OK [HIGHESTMODSEQ 11] Expunge completed."
    text, untagged = a.cmd("EXPUNGE")
    assert (text, untagged) == ("OK Expunge completed.", [])
    b.close()


def test_qresync_select(server, a):
    uv = uidvalidity(a.ok("EXAMINE INBOX"))
    a.ok("SELECT INBOX")
    for i in range(4, 6):
        deliver(server, msg(i))
    a.ok("NOOP")
    # one modseq per command, however many messages it changes
    a.ok("STORE 2,5 +FLAGS.SILENT (\\Deleted)")     # 8
    a.ok("EXPUNGE")                                  # 9
    a.ok("STORE 1 +FLAGS.SILENT (\\Seen)")           # 10
    a.ok("STORE 3 +FLAGS.SILENT (\\Flagged)")        # 11 (UID 4)
    assert a.ok("ENABLE QRESYNC") == ["* ENABLED QRESYNC"]

    untagged = a.ok("SELECT INBOX (QRESYNC (%d 9))" % uv)
    assert select_lines(untagged) == [
        "* OK [CLOSED] Previous mailbox closed.",
        "* OK [HIGHESTMODSEQ 11] Highest",
        "* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (10))",
        "* 3 FETCH (UID 4 FLAGS (\\Flagged) MODSEQ (11))"]
    untagged = a.ok("SELECT INBOX (QRESYNC (%d 7))" % uv)
    assert select_lines(untagged) == [
        "* OK [CLOSED] Previous mailbox closed.",
        "* OK [HIGHESTMODSEQ 11] Highest",
        "* VANISHED (EARLIER) 2,5",
        "* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (10))",
        "* 3 FETCH (UID 4 FLAGS (\\Flagged) MODSEQ (11))"]
    # known UIDs limit both, the seq-match data is accepted
    untagged = a.ok("SELECT INBOX (QRESYNC (%d 7 1:3 (1:2 1:2)))" % uv)
    assert select_lines(untagged) == [
        "* OK [CLOSED] Previous mailbox closed.",
        "* OK [HIGHESTMODSEQ 11] Highest",
        "* VANISHED (EARLIER) 2",
        "* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (10))"]
    # up to date, or another UIDVALIDITY: nothing more
    for params in ("%d 11" % uv, "%d 7" % (uv + 1)):
        untagged = a.ok("EXAMINE INBOX (QRESYNC (%s))" % params)
        assert select_lines(untagged) == [
            "* OK [CLOSED] Previous mailbox closed.",
            "* OK [HIGHESTMODSEQ 11] Highest"]
    # a failed SELECT still closes the old mailbox
    text, untagged = a.cmd("SELECT INBOX (QRESYNC (x 1))")
    assert text.startswith("BAD")
    assert untagged == ["* OK [CLOSED] Previous mailbox closed."]
    text, untagged = a.cmd("FETCH 1 (FLAGS)")
    assert text.startswith("BAD")


def test_bad_input(server, a):
    a.bad("FETCH 1 (FLAGS) (CHANGEDSINCE x)")
    a.bad("FETCH 1 (FLAGS) (CHANGEDSINCE -1)")
    a.bad("FETCH 1 (FLAGS) (CHANGEDSINCE)")
    a.bad("FETCH 1 (FLAGS) (FOO 1)")
    a.bad("STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Seen)")
    a.bad("STORE 1 (UNCHANGEDSINCE) +FLAGS (\\Seen)")
    a.bad("STORE 1 (UNCHANGEDSINCE -1) +FLAGS (\\Seen)")
    a.bad("STORE 1 (FOO 1) +FLAGS (\\Seen)")
    # QRESYNC parts need ENABLE QRESYNC
    a.bad("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")
    a.bad("SELECT INBOX (QRESYNC (1 1))")
    s = Session(server)
    s.ok("ENABLE QRESYNC")
    s.ok("SELECT INBOX")
    s.bad("FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")
    for params in ("(QRESYNC)", "(QRESYNC ())", "(QRESYNC (1))",
                   "(QRESYNC (1 x))",
                   "(QRESYNC (1 1 x))", "(QRESYNC (1 1 1:2 (1)))",
                   "(QRESYNC (1 1 1:2 (1 x)))",
                   "(FOO)"):
        s.bad("SELECT INBOX %s" % params)
    # the session goes on
    s.ok("SELECT INBOX (CONDSTORE)")
    s.close()
    a.ok("NOOP")


@pytest.mark.cove_only
def test_changedsince_zero_is_bad(a):
    # RFC 7162 7: mod-sequence-value is at least 1 (Dovecot takes 0)
    a.bad("FETCH 1 (FLAGS) (CHANGEDSINCE 0)")


def test_other_process_changes_flags(server, a):
    """A flag change made by renaming the file (another program) gets a
    modseq above every earlier one, and every session agrees on it."""
    a.ok("STORE 1 +FLAGS.SILENT (\\Seen)")            # 6
    cur = os.path.join(server.maildir("u1"), "cur")
    names = sorted(os.listdir(cur))
    old = [n for n in names if n.endswith(":2,S")]
    assert len(old) == 1, names
    os.rename(os.path.join(cur, old[0]),
              os.path.join(cur, old[0][:-1] + "FS"))
    untagged = a.ok("NOOP")
    assert len(untagged) == 1, untagged
    m = re.match(r"\* 1 FETCH \(MODSEQ \((\d+)\) FLAGS "
                 r"\(\\Flagged \\Seen \\Recent\)\)$", untagged[0])
    assert m, untagged
    modseq = int(m.group(1))
    assert modseq > 6
    b = Session(server)
    untagged = b.ok("SELECT INBOX (CONDSTORE)")
    assert select_lines(untagged) == [
        "* OK [HIGHESTMODSEQ %d] Highest" % modseq]
    assert b.ok("FETCH 1 (MODSEQ)") == ["* 1 FETCH (MODSEQ (%d))" % modseq]
    b.close()


def settle(server):
    """Dates new/ and cur/ back, so that the index can trust them."""
    for sub in ("new", "cur"):
        os.utime(os.path.join(server.maildir("u1"), sub),
                 (1500000000, 1500000000))


def modseq_state(server):
    settle(server)
    s = Session(server)
    untagged = s.ok("SELECT INBOX (CONDSTORE)")
    state = select_lines(untagged) + s.ok("FETCH 1:* (UID MODSEQ)")
    s.close()
    return state


def test_modseqs_survive_restart(server, a):
    a.ok("STORE 2 +FLAGS (\\Seen)")
    a.ok("STORE 4 +FLAGS (\\Deleted)")
    a.ok("EXPUNGE")
    a.close()
    before = modseq_state(server)
    assert before == [
        "* OK [HIGHESTMODSEQ 8] Highest",
        "* 1 FETCH (UID 1 MODSEQ (2))",
        "* 2 FETCH (UID 2 MODSEQ (6))",
        "* 3 FETCH (UID 3 MODSEQ (4))"]
    assert server.stop()
    server.start()
    assert modseq_state(server) == before


def wait_for_file(path):
    """The index is written when the session's process closes the
    mailbox, just after the connection ends."""
    for _ in range(100):
        if os.path.exists(path):
            return
        time.sleep(0.1)
    raise AssertionError("%s not written" % path)


@pytest.mark.cove_only
def test_modseqs_survive_index_rebuild(server, a):
    """The index is a cache: without it (or with one of another version)
    the modseqs come from cove-uidlist, unchanged."""
    a.ok("STORE 2 +FLAGS (\\Seen)")
    a.close()
    before = modseq_state(server)
    index = os.path.join(server.maildir("u1"), "cove-index")
    wait_for_file(index)
    os.unlink(index)
    assert modseq_state(server) == before
    wait_for_file(index)
    with open(index, "r+b") as f:
        f.seek(8)
        f.write(b"\x01\x00\x00\x00")        # index version 1
    assert modseq_state(server) == before
    # a change after the rebuild gets the next modseq
    s = Session(server)
    s.ok("SELECT INBOX (CONDSTORE)")
    assert s.ok("STORE 1 +FLAGS (\\Seen)") == [
        "* 1 FETCH (MODSEQ (7) FLAGS (\\Seen))"]
    s.close()


def test_search_modseq(server, a):
    a.ok("STORE 2 +FLAGS (\\Seen)")                   # 6
    assert a.ok("SEARCH MODSEQ 4") == ["* SEARCH 2 3 4 (MODSEQ 6)"]
    # the entry name is taken as the message's one modseq
    assert a.ok('UID SEARCH MODSEQ "/flags/\\\\seen" all 4') == [
        "* SEARCH 2 3 4 (MODSEQ 6)"]
    assert a.ok("SEARCH RETURN (ALL COUNT) MODSEQ 4") == [
        '* ESEARCH (TAG "t%d") ALL 2:4 COUNT 3 MODSEQ 6' % a.n]
    assert a.ok("SEARCH RETURN (MIN) MODSEQ 3") == [
        '* ESEARCH (TAG "t%d") MIN 2 MODSEQ 6' % a.n]
    assert a.ok("SEARCH OR MODSEQ 6 SEEN") == ["* SEARCH 2 (MODSEQ 6)"]
    assert a.ok("SEARCH MODSEQ 100") == ["* SEARCH"]
    a.bad("SEARCH MODSEQ x")
    a.bad('SEARCH MODSEQ "/flags/\\\\seen" foo 4')
    # SEARCH MODSEQ turns CONDSTORE on
    b = Session(server)
    b.ok("SELECT INBOX")
    assert b.ok("SEARCH MODSEQ 5") == [
        "* OK [HIGHESTMODSEQ 6] Highest", "* SEARCH 2 4 (MODSEQ 6)"]
    b.close()
