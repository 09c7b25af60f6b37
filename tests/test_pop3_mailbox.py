# Copyright (c) Cove authors. See AUTHORS.
"""POP3 and the mailbox: the UPDATE state expunges exactly the DELE'd
messages (a dropped connection nothing), UIDLs match IMAP's UID and
UIDVALIDITY and survive restarts and new deliveries, RETR sets \\Seen,
the session view is fixed, pop3_lock_session, a mailbox of 1000
messages.  Run against Dovecot with COVE_TEST_TARGET=dovecot."""

import os
import re
import signal
import subprocess
import time

import pytest

from helpers import (RawClient, deliver, deliver_many, imap_session,
                     imap_uids, new_pop3_server, ok, pop3_login,
                     pop3_raw_login, pop3_read_data)


def make_msgs(n, start=0):
    return [("Subject: m%d\r\nMessage-ID: <m%d@test>\r\n\r\nbody %d\r\n"
             % (i, i, i)).encode() for i in range(start, start + n)]


def maildir_files(server, user="u1"):
    """{Subject: file name} of the messages in the Maildir."""
    out = {}
    for sub in ("new", "cur"):
        d = os.path.join(server.maildir(user), sub)
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                m = re.search(rb"^Subject: (\S+)", f.read(), re.M)
            out[m.group(1).decode()] = name
    return out


def uidl_map(server):
    p = pop3_login(server)
    try:
        _, lines, _ = p.uidl()
        return [l.split()[1].decode() for l in lines]
    finally:
        p.quit()


def expected_uidl(uidvalidity, uid):
    # pop3_uidl_format = %08Xu%08Xv (var_expand's X is lowercase hex)
    return "%08x%08x" % (uid, uidvalidity)


@pytest.fixture
def pop3_server(servers):
    return new_pop3_server(servers)


def test_dele_quit_expunges_exactly_those(pop3_server):
    deliver_many(pop3_server, make_msgs(5))
    # \Deleted set over IMAP is not POP3's business: it stays
    with imap_session(pop3_server) as m:
        ok(m.select("INBOX"))
        ok(m.store("2", "+FLAGS", "\\Deleted"))
    p = pop3_login(pop3_server)
    assert p.stat()[0] == 5
    p.dele(1)
    p.dele(4)
    assert p.quit() == b"+OK Logging out, messages deleted."
    assert sorted(maildir_files(pop3_server)) == ["m1", "m2", "m4"]


def test_dele_dropped_connection_expunges_nothing(pop3_server):
    deliver_many(pop3_server, make_msgs(3))
    c = pop3_raw_login(pop3_server)
    c.sendline("DELE 1")
    assert c.readline() == b"+OK Marked to be deleted."
    c.sendline("DELE 2")
    assert c.readline() == b"+OK Marked to be deleted."
    c.sock.close()
    time.sleep(0.5)
    assert sorted(maildir_files(pop3_server)) == ["m0", "m1", "m2"]
    p = pop3_login(pop3_server)
    assert p.stat()[0] == 3
    p.quit()


def test_rset_undeletes(pop3_server):
    deliver_many(pop3_server, make_msgs(3))
    p = pop3_login(pop3_server)
    p.dele(1)
    p.dele(3)
    assert p.rset() == b"+OK"
    p.dele(2)
    assert p.quit() == b"+OK Logging out, messages deleted."
    assert sorted(maildir_files(pop3_server)) == ["m0", "m2"]


def test_view_fixed_for_session(pop3_server):
    deliver_many(pop3_server, make_msgs(2))
    p = pop3_login(pop3_server)
    stat = p.stat()
    deliver(pop3_server, make_msgs(1, 2)[0])
    assert p.stat() == stat
    assert p.noop() == b"+OK"
    assert len(p.list()[1]) == 2
    p.quit()
    p = pop3_login(pop3_server)
    assert p.stat()[0] == 3
    p.quit()


def test_uidl_matches_imap_and_is_stable(pop3_server):
    deliver_many(pop3_server, make_msgs(3))
    before = uidl_map(pop3_server)
    uidvalidity, uids = imap_uids(pop3_server)
    assert before == [expected_uidl(uidvalidity, u) for u in uids]
    pop3_server.stop()
    pop3_server.start()
    deliver(pop3_server, make_msgs(1, 3)[0])
    after = uidl_map(pop3_server)
    assert after[:3] == before
    assert len(after) == 4 and after[3] not in before
    uidvalidity, uids = imap_uids(pop3_server)
    assert after == [expected_uidl(uidvalidity, u) for u in uids]


def test_retr_sets_seen(pop3_server):
    deliver_many(pop3_server, make_msgs(3))
    p = pop3_login(pop3_server)
    p.retr(2)
    p.top(3, 0)
    p.quit()
    with imap_session(pop3_server) as m:
        ok(m.select("INBOX"))
        data = ok(m.fetch("1:3", "(FLAGS)"))
    flags = [b"\\Seen" in d for d in data]
    assert flags == [False, True, False]


def test_no_flag_updates(servers):
    s = new_pop3_server(servers, "pop3_no_flag_updates = yes\n")
    deliver_many(s, make_msgs(2))
    p = pop3_login(s)
    p.retr(1)
    p.retr(2)
    p.quit()
    with imap_session(s) as m:
        ok(m.select("INBOX"))
        data = ok(m.fetch("1:2", "(FLAGS)"))
    assert not any(b"\\Seen" in d for d in data)


def test_lock_session(servers):
    s = new_pop3_server(servers, "pop3_lock_session = yes\n")
    deliver_many(s, make_msgs(2))
    a = pop3_raw_login(s)
    b = pop3_raw_login_fails(s)
    assert b == b"-ERR [IN-USE] Mailbox is locked by another POP3 session."
    a.sendline("DELE 1")
    assert a.readline() == b"+OK Marked to be deleted."
    a.sendline("QUIT")
    assert a.readline() == b"+OK Logging out, messages deleted."
    # released at logout: the next session sees a's expunge
    p = pop3_login(s)
    assert p.stat()[0] == 1
    p.quit()


def pop3_raw_login_fails(server):
    c = RawClient(server.pop3_port, timeout=60)
    assert c.readline().startswith(b"+OK")
    c.sendline("USER u1")
    assert c.readline() == b"+OK"
    c.sendline("PASS pass1")
    line = c.readline()
    c.sock.close()
    return line


def test_thousand_messages(pop3_server):
    deliver_many(pop3_server, make_msgs(1000))
    c = pop3_raw_login(pop3_server)
    c.sendline("STAT")
    m = re.match(rb"\+OK 1000 (\d+)$", c.readline())
    assert m
    total = int(m.group(1))
    c.sendline("LIST")
    assert c.readline() == b"+OK 1000 messages:"
    sizes = [l.split() for l in pop3_read_data(c).split(b"\r\n")[:-1]]
    assert [int(n) for n, _ in sizes] == list(range(1, 1001))
    assert sum(int(s) for _, s in sizes) == total
    c.sendline("UIDL")
    assert c.readline() == b"+OK"
    uidls = [l.split()[1].decode()
             for l in pop3_read_data(c).split(b"\r\n")[:-1]]
    c.sendline("RETR 1000")
    line = c.readline()
    assert line == b"+OK " + sizes[999][1] + b" octets"
    # UIDs, and so POP3's order, follow the delivery order
    assert pop3_read_data(c).endswith(make_msgs(1, 999)[0])
    c.sendline("QUIT")
    assert c.readline() == b"+OK Logging out."
    uidvalidity, uids = imap_uids(pop3_server)
    assert uidls == [expected_uidl(uidvalidity, u) for u in uids]


def test_lock_released_on_drop(servers):
    s = new_pop3_server(servers, "pop3_lock_session = yes\n")
    deliver_many(s, make_msgs(1))
    a = pop3_raw_login(s)
    a.sock.close()
    time.sleep(0.5)
    t0 = time.monotonic()
    p = pop3_login(s)
    assert p.stat()[0] == 1
    p.quit()
    assert time.monotonic() - t0 < 5


@pytest.mark.cove_only
def test_lock_of_dead_session_is_stale(servers):
    s = new_pop3_server(servers, "pop3_lock_session = yes\n")
    deliver_many(s, make_msgs(1))
    a = pop3_raw_login(s)
    lock = os.path.join(s.maildir("u1"), "cove-session.lock")
    with open(lock) as f:
        pid = int(f.read().split(":")[0])
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    t0 = time.monotonic()
    p = pop3_login(s)
    assert p.stat()[0] == 1
    p.quit()
    assert time.monotonic() - t0 < 5
    a.sock.close()


@pytest.mark.cove_only
@pytest.mark.parametrize("setting,error", [
    ("pop3_client_workarounds = outlook-no-nuls foo", "Unknown workaround"),
    ("pop3_uidl_format = %08Xv", "must contain %u"),
    ("pop3_uidl_format = %08Xu%m", "Unsupported variable"),
    ("pop3_delete_type = flag", "not supported"),
])
def test_bad_pop3_settings(servers, setting, error):
    s = new_pop3_server(servers, setting + "\n", start=False)
    res = subprocess.run([os.path.join(s.prefix, "sbin", "cove"), "-n",
                          "-c", s.conf], capture_output=True, timeout=10)
    out = (res.stdout + res.stderr).decode()
    assert res.returncode != 0
    assert error in out, out
