# Copyright (c) Cove authors. See AUTHORS.
"""mbox: `coveadm force-resync` and `index rebuild` repairing the index,
and the dotlock kept fresh during long writes.

- force-resync and index rebuild keep UIDs, flags, keywords and
  UIDVALIDITY (also on Dovecot with doveadm, the reference).
- An index damaged in several ways (offsets into the middle of messages,
  truncated, a garbage record, a garbage header, another file's index, an
  older copy, missing) is repaired by force-resync: what IMAP shows
  afterwards is the file's messages byte for byte with their flags, under
  the old UIDs and UIDVALIDITY where the messages can still be matched by
  fingerprint, else with new UIDs under a greater UIDVALIDITY.
- force-resync finishes a rewrite interrupted after its journal was
  written, discards an incomplete journal, and truncates a half-written
  append away.
- A long append (20 MB through cove-deliver) and a long rewrite (coveadm
  flags on a 20 MB mbox), slowed down by the test hook
  COVE_TEST_MBOX_WRITE_DELAY_MSECS (a sleep after each 1 MB written):
  the dotlock's mtime is refreshed, so a competing program that breaks
  dotlocks older than mbox_dotlock_change_timeout does not break it; a
  dotlock broken mid-write makes the write fail cleanly (temporary
  failure) with the file exactly as before and no journal left.

The hook reaches only processes started by the test (cove-deliver,
coveadm): the master does not pass the environment to its services."""

import os
import struct
import subprocess
import threading
import time

import pytest

from helpers import (deliver, fetch, flags_of, imap_session, logout, ok,
                     select, uidvalidity)
from test_mbox import TARGET, message, new_mbox_server, read_file

TIMEOUT = 120
DELAY_ENV = "COVE_TEST_MBOX_WRITE_DELAY_MSECS"
EX_TEMPFAIL = 75

# cove-mbox-index: header (magic, 8 x uint32, stamp: dev, ino, size,
# mtime sec, nsec), keyword names, records (uid, flags, keywords, pseudo,
# from, hdr, end and next offsets, physical and virtual size, received
# date, fingerprint). Host byte order.
INDEX_HDR = struct.Struct("=8s8IQQQqq")
INDEX_REC = struct.Struct("=4I6Qqq")


@pytest.fixture
def mbox_server(servers):
    return new_mbox_server(servers)


def admin(server, *args, env=None):
    return subprocess.run(server.admin_argv(*args), capture_output=True,
                          text=True, timeout=TIMEOUT, env=env)


def admin_ok(server, *args, warnings=()):
    """Runs coveadm, which must succeed printing only the warnings that
    contain the given strings, in this order."""
    r = admin(server, *args)
    lines = r.stderr.splitlines()
    assert r.returncode == 0, r.stderr
    assert len(lines) == len(warnings), r.stderr
    for line, warning in zip(lines, warnings):
        assert ": Warning: " in line and warning in line, r.stderr


def index_dir(s, box="INBOX"):
    return os.path.join(s.mbox_dir("u1"), ".imap", box)


def index_path(s, box="INBOX"):
    return os.path.join(index_dir(s, box), "cove-mbox-index")


def journal_path(s):
    return os.path.join(index_dir(s), "cove-mbox-journal")


def snapshot(s, box="INBOX"):
    """(UIDVALIDITY, [(uid, flags, message bytes)]) as IMAP shows them."""
    with imap_session(s) as m:
        n = select(m, box)
        uv = uidvalidity(m)
        rows = []
        if n > 0:
            res = fetch(m, "1:*", "(UID FLAGS BODY.PEEK[])")
            rows = [(int(res[i][b"UID"]), flags_of(res[i][b"FLAGS"]),
                     bytes(res[i][b"BODY[]"])) for i in sorted(res)]
        logout(m)
    return uv, rows


def fill(s):
    """u1's INBOX: UIDs 1, 2, 4, 5, 6 (3 expunged) with flags and a
    keyword, one body with a "From " line; Work with one message."""
    for i in range(6):
        body = (b"From the start of a line.\r\nmore\r\n" if i == 4
                else None)
        deliver(s, message(i, body=body))
    with imap_session(s) as m:
        select(m)
        ok(m.store("1", "+FLAGS", "\\Seen"))
        ok(m.store("2", "+FLAGS", "(\\Flagged $Work)"))
        ok(m.store("3", "+FLAGS", "\\Deleted"))
        ok(m.store("4", "+FLAGS", "(\\Answered \\Seen)"))
        ok(m.expunge())
        ok(m.create("Work"))
        ok(m.append("Work", "(\\Seen)", None, message(50)))
        logout(m)
    before = snapshot(s)
    assert [r[0] for r in before[1]] == [1, 2, 4, 5, 6]
    return before


def without_uids(rows):
    return [(f, b) for _, f, b in rows]


def test_force_resync_keeps_everything(mbox_server):
    s = mbox_server
    before = fill(s)
    admin_ok(s, "force-resync", "-u", "u1", "INBOX")
    assert snapshot(s) == before
    admin_ok(s, "force-resync", "-u", "u1", "*")
    assert snapshot(s) == before
    admin_ok(s, "index", "-u", "u1", "*")
    assert snapshot(s) == before
    work = snapshot(s, "Work")
    if TARGET == "dovecot":
        return
    admin_ok(s, "index", "rebuild", "-u", "u1")
    assert snapshot(s) == before
    assert snapshot(s, "Work") == work
    # nothing left behind
    assert sorted(os.listdir(index_dir(s))) == ["cove-mbox-index"]


# --- damaged indexes (Cove's index file) --------------------------------

def parse_index(data):
    """(header fields, offset of the records, [record fields])."""
    hdr = list(INDEX_HDR.unpack_from(data))
    pos = INDEX_HDR.size
    for _ in range(hdr[7]):
        pos = data.index(b"\0", pos) + 1
    recs = [list(INDEX_REC.unpack_from(data, p))
            for p in range(pos, len(data), INDEX_REC.size)]
    return hdr, pos, recs


def build_index(hdr, data, pos, recs):
    return (INDEX_HDR.pack(*hdr) + data[INDEX_HDR.size:pos] +
            b"".join(INDEX_REC.pack(*r) for r in recs))


def shift_offsets(data, s):
    """The records say message 3 starts 10 bytes later (inside itself):
    still consistent, so only a resync that reads the file notices."""
    hdr, pos, recs = parse_index(data)
    recs[1][7] += 10
    recs[2][4] += 10
    recs[2][5] += 10
    return build_index(hdr, data, pos, recs)


def truncate_records(data, s):
    _, pos, _ = parse_index(data)
    return data[:pos + 2 * INDEX_REC.size + INDEX_REC.size // 2]


def garbage_record(data, s):
    _, pos, _ = parse_index(data)
    at = pos + 2 * INDEX_REC.size
    return data[:at] + b"\xa5" * INDEX_REC.size + \
        data[at + INDEX_REC.size:]


def garbage_header(data, s):
    return b"\x5a" * 40 + data[40:]


def other_file(data, s):
    return read_file(index_path(s, "Work"))


# damage -> (change, kept, warnings): kept are the old UIDs of the
# messages, in order, that the resync keeps (the others get new ones after
# them); None: all renumbered under a new UIDVALIDITY. warnings: what
# force-resync says.
DAMAGE = {
    "shifted-offsets": (shift_offsets, [1, 2, 4, 5, 6], ()),
    "truncated": (truncate_records, [1, 2], ()),
    "garbage-record": (garbage_record, None,
                       ("does not have the messages in the file's order",)),
    "garbage-header": (garbage_header, None, ("cove-mbox-index is damaged",)),
    "other-file": (other_file, None, ("no message matches its index",)),
}


def rewrite_index(s, change):
    path = index_path(s)
    data = change(read_file(path), s)
    # in place: the owner (the mail user) stays
    with open(path, "r+b") as f:
        f.write(data)
        f.truncate(len(data))


@pytest.mark.cove_only
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_force_resync_repairs_index(mbox_server, damage):
    s = mbox_server
    change, kept, warnings = DAMAGE[damage]
    uv, rows = fill(s)
    work_uv = snapshot(s, "Work")[0]
    rewrite_index(s, change)
    admin_ok(s, "force-resync", "-u", "u1", "INBOX", warnings=warnings)
    new_uv, new_rows = snapshot(s)
    # the messages and their flags are the file's, whatever the index
    assert without_uids(new_rows) == without_uids(rows)
    uids = [r[0] for r in new_rows]
    if kept is None:
        assert new_uv > uv
        if damage == "other-file":
            assert new_uv > work_uv
        assert uids == list(range(1, len(rows) + 1))
    else:
        assert new_uv == uv
        assert uids[:len(kept)] == kept
        # the messages not matched get new UIDs, never an old one
        assert uids[len(kept):] == list(
            range(7, 7 + len(rows) - len(kept)))
    # stable from now on
    assert snapshot(s) == (new_uv, new_rows)
    admin_ok(s, "force-resync", "-u", "u1", "INBOX")
    assert snapshot(s) == (new_uv, new_rows)


@pytest.mark.cove_only
def test_force_resync_older_index(mbox_server):
    """An older copy of the index (the file changed since): the messages
    it knows keep their UIDs, the newer ones get the next ones."""
    s = mbox_server
    fill(s)
    old = read_file(index_path(s))
    deliver(s, message(7))
    with imap_session(s) as m:
        select(m)
        ok(m.store("1", "-FLAGS", "\\Seen"))
        ok(m.store("5", "+FLAGS", "\\Seen"))
        logout(m)
    before = snapshot(s)
    assert [r[0] for r in before[1]] == [1, 2, 4, 5, 6, 7]
    rewrite_index(s, lambda data, s: old)
    admin_ok(s, "force-resync", "-u", "u1", "INBOX")
    assert snapshot(s) == before


@pytest.mark.cove_only
def test_force_resync_without_index(mbox_server):
    s = mbox_server
    uv, rows = fill(s)
    os.unlink(index_path(s))
    # the old UIDVALIDITY is unknown: a later second gives a greater one
    time.sleep(1.1)
    admin_ok(s, "force-resync", "-u", "u1", "INBOX")
    new_uv, new_rows = snapshot(s)
    assert new_uv > uv
    assert without_uids(new_rows) == without_uids(rows)
    assert [r[0] for r in new_rows] == [1, 2, 3, 4, 5]


# --- journals left by a crash -------------------------------------------

JOURNAL_HDR = struct.Struct("=8sQQQQ")


def write_user_file(s, path, data):
    with open(path, "wb") as f:
        f.write(data)
    uid, gid = s.users["u1"][:2]
    if os.getuid() == 0:
        os.chown(path, uid, gid)


def journal(s, magic, offset, size, data=b""):
    st = os.stat(s.spool("u1"))
    write_user_file(s, journal_path(s),
                    JOURNAL_HDR.pack(magic, st.st_dev, st.st_ino, offset,
                                     size) + data)


@pytest.mark.cove_only
def test_force_resync_finishes_rewrite(mbox_server):
    """A rewrite whose journal was written, the file not yet: the resync
    applies it (the last message gets \\Seen), UIDs stay."""
    s = mbox_server
    uv, rows = fill(s)
    data = read_file(s.spool("u1"))
    last = data.rindex(b"\nFrom ") + 1
    tail = data[last:]
    head, sep, body = tail.partition(b"\n\n")
    new_tail = head + b"\nStatus: RO" + sep + body
    journal(s, b"CoveMbJ\n", last, len(new_tail), new_tail)
    admin_ok(s, "force-resync", "-u", "u1", "INBOX",
             warnings=("finished a rewrite interrupted by a crash",))
    assert read_file(s.spool("u1")) == data[:last] + new_tail
    assert not os.path.exists(journal_path(s))
    new_uv, new_rows = snapshot(s)
    assert new_uv == uv
    assert new_rows[:-1] == rows[:-1]
    assert new_rows[-1] == (6, {"\\Seen"}, rows[-1][2])


@pytest.mark.cove_only
def test_force_resync_discards_incomplete_journal(mbox_server):
    s = mbox_server
    before = fill(s)
    data = read_file(s.spool("u1"))
    # the journal's data is shorter than its header says
    journal(s, b"CoveMbJ\n", 0, 1000, b"From garbage\n")
    admin_ok(s, "force-resync", "-u", "u1", "INBOX",
             warnings=("discarding an incomplete rewrite journal",))
    assert read_file(s.spool("u1")) == data
    assert not os.path.exists(journal_path(s))
    assert snapshot(s) == before


@pytest.mark.cove_only
def test_force_resync_truncates_half_append(mbox_server):
    s = mbox_server
    before = fill(s)
    data = read_file(s.spool("u1"))
    half = b"\nFrom MAILER-DAEMON Mon Jan  1 00:00:00 2024\nSubject: half"
    with open(s.spool("u1"), "ab") as f:
        f.write(half)
    journal(s, b"CoveMbA\n", len(data), len(half) + 5000)
    admin_ok(s, "force-resync", "-u", "u1", "INBOX",
             warnings=("truncated a message whose append was interrupted",))
    assert read_file(s.spool("u1")) == data
    assert not os.path.exists(journal_path(s))
    assert snapshot(s) == before


# --- the dotlock during long writes --------------------------------------

BIG_LINES = 20 * 1024 * 1024 // 64


def big_message(n):
    return message(n, body=b"".join(b"big message line %045d\r\n" % i
                                    for i in range(BIG_LINES)))


def deliver_argv(s):
    return [os.path.join(s.prefix, "libexec", "cove", "cove-deliver"),
            "-c", s.conf, "-d", "u1"]


def hook_env(delay_msecs):
    env = dict(os.environ)
    env[DELAY_ENV] = str(delay_msecs)
    return env


class LockWatcher(threading.Thread):
    """Another program at the dotlock: records every mtime the dotlock
    has, and either breaks it as stale when it is older than stale_secs
    (as mutt and Postfix's local do), or (steal) replaces it with its own
    as soon as it exists, holding it until stop()."""

    def __init__(self, path, stale_secs=None, steal=False):
        super().__init__(daemon=True)
        self.lock = path + ".lock"
        self.stale_secs = stale_secs
        self.steal = steal
        self.mtimes = set()
        self.broken = False
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                st = os.stat(self.lock)
            except FileNotFoundError:
                time.sleep(0.01)
                continue
            self.mtimes.add(st.st_mtime_ns)
            stale = self.stale_secs is not None and \
                time.time() - st.st_mtime > self.stale_secs
            if (self.steal and not self.broken) or stale:
                self.break_lock()
            time.sleep(0.01)

    def break_lock(self):
        """As liblockfile does: the new lock is made as a temporary file
        first and linked into place after the old one is removed (so it
        has another inode)."""
        temp = self.lock + ".watcher"
        if self.steal:
            with open(temp, "w") as f:
                f.write("1:otherhost\n")
        os.unlink(self.lock)
        self.broken = True
        if self.steal:
            os.link(temp, self.lock)
            os.unlink(temp)

    def stop(self):
        self.done.set()
        self.join()
        if self.steal and self.broken:
            os.unlink(self.lock)


def dotlock_server(servers, timeout="4 secs"):
    return new_mbox_server(servers, extra_conf=(
        "mbox_dotlock_change_timeout = %s\n" % timeout))


@pytest.mark.cove_only
def test_long_append_refreshes_dotlock(servers):
    """20 MB at 300 ms per MB: 6 s, longer than the 4 s after which the
    watcher breaks a dotlock that was not modified."""
    s = dotlock_server(servers)
    fill(s)
    big = big_message(100)
    w = LockWatcher(s.spool("u1"), stale_secs=4)
    w.start()
    try:
        r = subprocess.run(deliver_argv(s), input=big, capture_output=True,
                           timeout=TIMEOUT, env=hook_env(300))
    finally:
        w.stop()
    assert r.returncode == 0, r.stderr
    assert not w.broken
    # created, then refreshed at least twice
    assert len(w.mtimes) >= 3, w.mtimes
    assert not os.path.exists(s.spool("u1") + ".lock")
    with imap_session(s) as m:
        assert select(m) == 6
        res = fetch(m, "6", "(BODY.PEEK[])")
        assert bytes(res[6][b"BODY[]"]).endswith(big)
        logout(m)


@pytest.mark.cove_only
def test_long_append_lock_broken(servers):
    s = dotlock_server(servers, "2 mins")
    before = fill(s)
    data = read_file(s.spool("u1"))
    w = LockWatcher(s.spool("u1"), steal=True)
    w.start()
    try:
        r = subprocess.run(deliver_argv(s), input=big_message(100),
                           capture_output=True, timeout=TIMEOUT,
                           env=hook_env(100))
    finally:
        w.stop()
    assert w.broken
    assert r.returncode == EX_TEMPFAIL, r.stderr
    assert read_file(s.spool("u1")) == data
    assert sorted(os.listdir(index_dir(s))) == ["cove-mbox-index"]
    assert snapshot(s) == before
    # and the next delivery works
    deliver(s, message(8))
    assert len(snapshot(s)[1]) == 6


def write_big_mbox(s):
    """INBOX: a small message, then a 20 MB one (written directly)."""
    small = (b"From a@example.org Mon Jan  1 00:00:00 2024\n"
             b"Subject: small\n\nsmall body\n\n")
    big = (b"From a@example.org Mon Jan  1 00:00:01 2024\n"
           b"Subject: big\n\n" +
           b"".join(b"big message line %045d\n" % i
                    for i in range(BIG_LINES)) + b"\n")
    with open(s.spool("u1"), "wb") as f:
        f.write(small + big)


@pytest.mark.cove_only
def test_long_rewrite_refreshes_dotlock(servers):
    """coveadm expunge of the first message rewrites the whole 20 MB
    file: journal and file written at 200 ms per MB, 8 s in all."""
    s = dotlock_server(servers)
    write_big_mbox(s)
    uv, rows = snapshot(s)
    w = LockWatcher(s.spool("u1"), stale_secs=4)
    w.start()
    try:
        r = admin(s, "expunge", "-u", "u1", "mailbox", "INBOX", "1",
                  env=hook_env(200))
    finally:
        w.stop()
    assert (r.returncode, r.stderr) == (0, "")
    assert not w.broken
    assert len(w.mtimes) >= 3, w.mtimes
    assert snapshot(s) == (uv, rows[1:])
    assert read_file(s.spool("u1")).startswith(
        b"From a@example.org Mon Jan  1 00:00:01 2024\nSubject: big\n")


@pytest.mark.cove_only
def test_long_rewrite_lock_broken(servers):
    s = dotlock_server(servers, "2 mins")
    write_big_mbox(s)
    before = snapshot(s)
    data = read_file(s.spool("u1"))
    w = LockWatcher(s.spool("u1"), steal=True)
    w.start()
    try:
        r = admin(s, "expunge", "-u", "u1", "mailbox", "INBOX", "1",
                  env=hook_env(100))
    finally:
        w.stop()
    assert w.broken
    assert r.returncode != 0
    assert "was broken" in r.stderr, r.stderr
    assert read_file(s.spool("u1")) == data
    assert not os.path.exists(journal_path(s))
    assert snapshot(s) == before
