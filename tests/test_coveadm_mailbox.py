# Copyright (c) Cove authors. See AUTHORS.
"""coveadm mailbox list/create/delete/rename/subscribe/unsubscribe/status
-u USER, in doveadm's output formats (the same test runs doveadm against
Dovecot), and what an IMAP client sees afterwards."""

import json
import subprocess

from helpers import deliver, imap_session

TIMEOUT = 60


def admin(server, *args):
    return subprocess.run(server.admin_argv(*args), capture_output=True,
                          text=True, timeout=TIMEOUT)


def imap_list(server):
    with imap_session(server) as m:
        typ, data = m.list()
        assert typ == "OK"
        return sorted(line.decode().rsplit(" ", 1)[1].strip('"')
                      for line in data)


def test_create_list_rename_delete(server):
    r = admin(server, "mailbox", "create", "-u", "u1", "Work", "Archive")
    assert (r.returncode, r.stderr) == (0, "")
    assert imap_list(server) == ["Archive", "INBOX", "Work"]
    r = admin(server, "mailbox", "list", "-u", "u1")
    assert r.returncode == 0
    assert sorted(r.stdout.splitlines()) == ["Archive", "INBOX", "Work"]
    r = admin(server, "mailbox", "list", "-u", "u1", "W*")
    assert r.stdout == "Work\n"
    r = admin(server, "mailbox", "rename", "-u", "u1", "Work", "Done")
    assert r.returncode == 0, r.stderr
    r = admin(server, "mailbox", "delete", "-u", "u1", "Archive")
    assert r.returncode == 0, r.stderr
    assert imap_list(server) == ["Done", "INBOX"]


def test_subscriptions(server):
    admin(server, "mailbox", "create", "-u", "u1", "-s", "Sub")
    admin(server, "mailbox", "create", "-u", "u1", "Plain")
    r = admin(server, "mailbox", "list", "-u", "u1", "-s")
    assert r.stdout.splitlines() == ["Sub"]
    r = admin(server, "mailbox", "subscribe", "-u", "u1", "Plain")
    assert r.returncode == 0
    r = admin(server, "mailbox", "unsubscribe", "-u", "u1", "Sub")
    assert r.returncode == 0
    with imap_session(server) as m:
        typ, data = m.lsub()
        assert [line.decode().rsplit(" ", 1)[1] for line in data] == \
            ["Plain"]


def test_status_formats(server):
    deliver(server, b"Subject: one\r\n\r\nbody\r\n")
    deliver(server, b"Subject: two\r\n\r\nbody\r\n")
    with imap_session(server) as m:
        m.select("INBOX")
        m.store("1", "+FLAGS", "\\Seen")
    r = admin(server, "mailbox", "status", "-u", "u1", "messages unseen",
              "INBOX")
    assert (r.returncode, r.stdout) == (0, "INBOX messages=2 unseen=1\n")
    r = admin(server, "-f", "tab", "mailbox", "status", "-u", "u1",
              "messages unseen", "INBOX")
    assert r.stdout == "mailbox\tmessages\tunseen\nINBOX\t2\t1\n"
    r = admin(server, "-f", "json", "mailbox", "status", "-u", "u1",
              "messages uidnext", "INBOX")
    assert json.loads(r.stdout) == [
        {"mailbox": "INBOX", "messages": "2", "uidnext": "3"}]
    r = admin(server, "-f", "json", "mailbox", "list", "-u", "u1")
    assert json.loads(r.stdout) == [{"mailbox": "INBOX"}]
    r = admin(server, "mailbox", "status", "-u", "u1", "bogus", "INBOX")
    assert r.returncode == 64


def test_errors(server):
    r = admin(server, "mailbox", "create", "-u", "nosuchuser", "X")
    assert r.returncode == 67
    r = admin(server, "mailbox", "delete", "-u", "u1", "NoSuchBox")
    assert r.returncode == 68
    admin(server, "mailbox", "create", "-u", "u1", "Work")
    r = admin(server, "mailbox", "create", "-u", "u1", "Work")
    assert r.returncode == 65
    assert "Work" in r.stderr and "exists" in r.stderr
    r = admin(server, "mailbox", "status", "-u", "u1", "messages", "NoSuch")
    assert r.returncode == 68
    r = admin(server, "mailbox", "frobnicate", "-u", "u1")
    assert r.returncode == 64
