# Copyright (c) Cove authors. See AUTHORS.
"""The mbox backend end to end, beside test_mbox.py: UIDs and flags when
another program rewrites the file, flag changes seen by a second
session, and APPEND of large messages with "From " lines (quoted in the
file, unquoted for the client). Runs against Dovecot too
(COVE_TEST_TARGET=dovecot), the reference for what a client sees."""

import fcntl
import os
import re
import time

import pytest

from helpers import (deliver, fetch, flags_of, imap_session, ok, select,
                     uidvalidity)
from test_mbox import (TARGET, WAIT, locked_read, message, new_mbox_server,
                       untrace, wait_for)


@pytest.fixture
def mbox_server(servers):
    return new_mbox_server(servers)


def rewrite_locked(path, change):
    """Rewrites the file in place as mutt does: dotlock, fcntl write lock,
    new contents = change(old contents), truncate."""
    lock = path + ".lock"
    deadline = time.monotonic() + WAIT
    while True:
        try:
            os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                             0o600))
            break
        except FileExistsError:
            assert time.monotonic() < deadline, "mbox dotlock stuck"
            time.sleep(0.01)
    try:
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX)
            data = b""
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                data += chunk
            new = change(data)
            os.pwrite(fd, new, 0)
            os.ftruncate(fd, len(new))
            fcntl.lockf(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        os.unlink(lock)


def split_messages(data):
    """The file's messages, each from its "From " line on."""
    starts = [m.start() for m in re.finditer(rb"(?m)^From ", data)]
    return [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)])]


def mark_seen(msg):
    """msg (from its "From " line on) with Status: RO in its header."""
    head, sep, rest = msg.partition(b"\n\n")
    head = b"\n".join(line for line in head.split(b"\n")
                      if not line.startswith(b"Status:"))
    return head + b"\nStatus: RO" + sep + rest


def uids_flags(m):
    res = fetch(m, "1:*", "(UID FLAGS)")
    return [(int(res[i][b"UID"]), flags_of(res[i][b"FLAGS"]))
            for i in sorted(res)]


def test_mbox_external_rewrite_keeps_uids(mbox_server):
    s = mbox_server
    for i in range(3):
        deliver(s, message(i))
    with imap_session(s) as m:
        assert select(m) == 3
        validity = uidvalidity(m)
        before = uids_flags(m)
        assert [f for _, f in before] == [set(), set(), set()]

        def change(data):
            msgs = split_messages(data)
            assert len(msgs) == 3, data
            # message 2 read, message 3 deleted (as a mail reader saves)
            return msgs[0] + mark_seen(msgs[1])
        rewrite_locked(s.spool("u1"), change)

        def synced():
            ok(m.noop())
            return uids_flags(m)
        after = wait_for(lambda: (lambda r: len(r) == 2 and r)(synced()),
                         "the expunge by the other program")
        assert [uid for uid, _ in after] == [before[0][0], before[1][0]]
        # Cove reads the flags of a rewritten file; Dovecot keeps those
        # of its index here (its mbox_dirty_syncs)
        if TARGET == "cove":
            assert after == [(before[0][0], set()),
                             (before[1][0], {"\\Seen"})]
    with imap_session(s) as m:
        assert select(m) == 2
        assert uidvalidity(m) == validity
        assert uids_flags(m) == after


def test_mbox_flags_seen_by_second_session(mbox_server):
    s = mbox_server
    for i in range(2):
        deliver(s, message(i))
    with imap_session(s) as a, imap_session(s) as b:
        assert select(a) == 2
        assert select(b) == 2
        # written at the end of the STORE, not at a's next sync
        ok(a.store("2", "+FLAGS", "(\\Flagged $Work)"))

        def flags_in_b():
            ok(b.noop())
            return uids_flags(b)[1][1] == {"\\Flagged", "$Work"}
        wait_for(flags_in_b, "the flags of the first session")
        assert uids_flags(b)[0][1] == set()


def test_mbox_append_from_lines_roundtrip(mbox_server):
    s = mbox_server
    body = (b"From the first line\r\n>From quoted once\r\n"
            b">>From quoted twice\r\nFrom\r\n" +
            b"From a long line of the large part\r\n" * 60000 +
            b"the end\r\n")
    msg = (b"From: a@example.org\r\nSubject: from lines\r\n"
           b"Message-ID: <from-lines@example.org>\r\n\r\n" + body)
    with imap_session(s) as m:
        ok(m.append("INBOX", None, None, msg))
        assert select(m) == 1
        res = fetch(m, "1", "(RFC822.SIZE BODY.PEEK[])")
        assert untrace(bytes(res[1][b"BODY[]"])) == msg
        assert int(res[1][b"RFC822.SIZE"]) == len(msg)
    if TARGET == "cove":
        # mboxrd on disk: one more '>' on every ">*From " line
        data = locked_read(s.spool("u1"))
        assert (b"\n\n>From the first line\n>>From quoted once\n"
                b">>>From quoted twice\nFrom\n>From a long line") in data
        assert data.count(b"\nFrom ") == 0 and data.startswith(b"From ")
