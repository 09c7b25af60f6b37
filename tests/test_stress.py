# Copyright (c) Cove authors. See AUTHORS.
"""Stress with state checking (tests/stress_client.py): concurrent IMAP
sessions of one user run random APPEND, STORE, EXPUNGE, COPY, FETCH,
SEARCH and SELECT on shared mailboxes; the client checks every response
against what the server said before and fails on any contradiction,
on Maildir and on mbox. Two focused races of the Maildir sync follow: sessions opening a new
INBOX at once, and SELECTs while other sessions rename the files.

COVE_STRESS_SECONDS (default 60; mbox runs half of it) and
COVE_STRESS_SESSIONS (default 20) size the run; COVE_TEST_SEED repeats
one."""

import os
import random
import re
import threading

import pytest

import stress_client
from helpers import imap_session, logout, ok

SECONDS = float(os.environ.get("COVE_STRESS_SECONDS", 60))
SESSIONS = int(os.environ.get("COVE_STRESS_SESSIONS", 20))
SEED = int(os.environ.get("COVE_TEST_SEED", random.randrange(1 << 30)))
FIRST_USE_SESSIONS = 12
FIRST_USE_APPENDS = 3
RENAME_MESSAGES = 40
RENAME_SELECTS = 60


@pytest.mark.parametrize("backend", ["maildir", "mbox"])
def test_stress_state_checked(servers, backend):
    print("COVE_TEST_SEED=%d" % SEED)
    server = servers.new("mail_max_userip_connections = %d\n" %
                         (SESSIONS + 10), mbox=backend == "mbox")
    # INBOX is first opened by the racing sessions
    with imap_session(server) as m:
        for name in stress_client.MAILBOXES[1:]:
            ok(m.create(name))
        logout(m)
    # mbox serializes every write on the file: half the time finds as
    # much there
    seconds = SECONDS if backend == "maildir" else SECONDS / 2
    errors, counts = stress_client.run(
        server.imap_port, "u1", server.users["u1"][2], seconds, SESSIONS,
        SEED)
    print("commands: %s" % counts)
    assert not errors, "seed %d:\n%s" % (SEED, "\n\n".join(errors[:3]))
    # every kind of command ran, and often
    for op in ("append", "store", "expunge", "copy", "move", "fetch",
               "search", "select"):
        assert counts.get(op, 0) >= 3, counts


def _first_use_session(server, user, barrier, results, index):
    """Logs in, waits for the others, then SELECTs INBOX and APPENDs:
    records (UIDVALIDITY of the SELECT, [(UIDVALIDITY, UID) of each
    APPEND]), or the exception that stopped it."""
    try:
        _first_use_commands(server, user, barrier, results, index)
    except Exception as e:
        results[index] = e


def _first_use_commands(server, user, barrier, results, index):
    with imap_session(server, user) as m:
        barrier.wait(timeout=30)
        ok(m.select("INBOX"))
        selected = int(m.response("UIDVALIDITY")[1][0])
        appended = []
        for i in range(FIRST_USE_APPENDS):
            typ, data = m.append("INBOX", "", None,
                                 b"Subject: %d-%d\r\n\r\nbody\r\n" %
                                 (index, i))
            assert typ == "OK", data
            code = re.search(rb"APPENDUID (\d+) (\d+)", data[0])
            appended.append((int(code.group(1)), int(code.group(2))))
        results[index] = (selected, appended)
        logout(m)


def test_first_use_of_inbox_races(servers):
    """Sessions that open a user's INBOX for the first time at once create
    one UID list: all see one UIDVALIDITY and no APPENDed UID is lost or
    given twice (a later session used to replace the first one's list)."""
    server = servers.new("mail_max_userip_connections = 0\n")
    for user in ("u1", "u2"):
        barrier = threading.Barrier(FIRST_USE_SESSIONS)
        results = [None] * FIRST_USE_SESSIONS
        threads = [threading.Thread(target=_first_use_session,
                                    args=(server, user, barrier, results, i))
                   for i in range(FIRST_USE_SESSIONS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        failed = [r for r in results if not isinstance(r, tuple)]
        assert not failed, failed
        uidvalidities = {r[0] for r in results} | \
            {v for r in results for v, _ in r[1]}
        uids = [u for r in results for _, u in r[1]]
        assert len(uidvalidities) == 1, (user, results)
        assert len(set(uids)) == len(uids), (user, sorted(uids))
        with imap_session(server, user) as m:
            ok(m.select("INBOX"))
            assert int(m.response("UIDVALIDITY")[1][0]) in uidvalidities
            present = ok(m.uid("SEARCH", "ALL"))[0].split()
            assert sorted(int(u) for u in present) == sorted(uids), user
            logout(m)


def _rename_loop(server, number, stop, errors):
    """STORE +FLAGS/-FLAGS on every message until stop: each STORE renames
    all the files in cur/ (a flag and the session's own keyword)."""
    try:
        with imap_session(server) as m:
            ok(m.select("INBOX"))
            flags = "(\\Flagged $R%d)" % number
            while not stop.is_set():
                ok(m.store("1:*", "+FLAGS.SILENT", flags))
                ok(m.store("1:*", "-FLAGS.SILENT", flags))
            logout(m)
    except Exception as e:
        errors.append(e)
        stop.set()


def test_select_during_renames(servers):
    """A SELECT while other sessions rename every file (flag and keyword
    changes) shows all the messages: a file renamed while the directory
    is read is still found, and no UID is dropped or renumbered. Every
    STORE succeeds too: a flag change follows a file that the others
    keep renaming (it used to give up with NO [EXPUNGEISSUED])."""
    server = servers.new()
    with imap_session(server) as m:
        for i in range(RENAME_MESSAGES):
            # keywords in every name, as a flag change renames them
            ok(m.append("INBOX", "(\\Seen $Old)", None,
                        b"Subject: %d\r\n\r\nbody\r\n" % i))
        ok(m.select("INBOX"))
        uids = ok(m.uid("SEARCH", "ALL"))[0].split()
        assert len(uids) == RENAME_MESSAGES
        logout(m)
    stop = threading.Event()
    errors = []
    threads = [threading.Thread(target=_rename_loop,
                                args=(server, i, stop, errors))
               for i in range(3)]
    for t in threads:
        t.start()
    try:
        with imap_session(server) as m:
            for _ in range(RENAME_SELECTS):
                typ, data = m.select("INBOX")
                assert typ == "OK", data
                assert int(data[0]) == RENAME_MESSAGES
                assert ok(m.uid("SEARCH", "ALL"))[0].split() == uids
                if stop.is_set():
                    break
            logout(m)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not errors, errors
