# Copyright (c) Cove authors. See AUTHORS.
"""Privilege separation when started as root: the login process runs as
default_login_user chrooted to base_dir/login, auth as
default_internal_user, the IMAP worker and the delivered files as the mail
user."""

import os
import pwd

import pytest

from helpers import RawClient, deliver, imap_session, maildir_files, select
from mailserver import proc_status

pytestmark = pytest.mark.root_only


def processes(server):
    """{pid: status dict} of the master's children."""
    out = {}
    for pid, _ in server.children():
        try:
            out[pid] = proc_status(pid)
            out[pid]["root"] = os.readlink("/proc/%d/root" % pid)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out


def open_files(pid):
    out = set()
    fd_dir = "/proc/%d/fd" % pid
    for fd in os.listdir(fd_dir):
        try:
            out.add(os.readlink(os.path.join(fd_dir, fd)))
        except FileNotFoundError:
            pass
    return out


def ids(st, key):
    return [int(x) for x in st[key].split()]


def by_name(procs, name):
    return {pid: st for pid, st in procs.items() if st["Name"] == name}


def test_privilege_separation(server):
    deliver(server, b"Subject: privsep\r\n\r\nbody\r\n")
    login_pw = pwd.getpwnam(server.login_user)
    internal_pw = pwd.getpwnam(server.internal_user)
    mail_uid, mail_gid, _ = server.users["u1"]

    # a second, unauthenticated connection keeps a login process around
    # even when login processes exit after a handoff
    pre = RawClient(server.imap_port)
    with imap_session(server) as m:
        assert select(m) == 1
        assert pre.readline().startswith(b"* OK")
        procs = processes(server)
        names = sorted(st["Name"] for st in procs.values())

        logins = by_name(procs, "imap-login")
        assert logins, "no imap-login process: %s" % names
        for pid, st in logins.items():
            assert ids(st, "Uid") == [login_pw.pw_uid] * 4, (pid, st["Uid"])
            assert ids(st, "Gid") == [login_pw.pw_gid] * 4, (pid, st["Gid"])
            assert st["root"] == os.path.join(server.base_dir, "login")
            assert os.readlink("/proc/%d/cwd" % pid) == st["root"]
            # nothing of the users' mail is open in the login process
            assert not [f for f in open_files(pid)
                        if f.startswith(os.path.join(server.root, "home"))]

        auths = by_name(procs, "auth")
        assert auths, "no auth process: %s" % names
        for pid, st in auths.items():
            assert ids(st, "Uid") == [internal_pw.pw_uid] * 4, \
                (pid, st["Uid"])
            assert 0 not in ids(st, "Gid"), (pid, st["Gid"])

        workers = by_name(procs, "imap")
        assert len(workers) == 1, "want one imap worker: %s" % names
        for pid, st in workers.items():
            assert ids(st, "Uid") == [mail_uid] * 4, (pid, st["Uid"])
            assert ids(st, "Gid") == [mail_gid] * 4, (pid, st["Gid"])
            assert 0 not in [int(g) for g in st["Groups"].split()], \
                (pid, st["Groups"])

        for pid, st in procs.items():
            if st["Name"] not in ("imap-login", "auth", "imap"):
                continue
            assert ids(st, "Uid")[0] != 0
            # no capabilities left after the drop
            assert int(st["CapEff"], 16) == 0, (st["Name"], st["CapEff"])
            assert int(st["CapPrm"], 16) == 0, (st["Name"], st["CapPrm"])
            # only auth may hold the password file open
            if st["Name"] != "auth":
                assert server.users_path not in open_files(pid), st["Name"]
        m.logout()
    pre.close()

    files = maildir_files(server)
    assert len(files) == 1
    for path in files:
        s = os.stat(path)
        assert (s.st_uid, s.st_gid) == (mail_uid, mail_gid), path
    for sub in ("", "cur", "new", "tmp"):
        s = os.stat(os.path.join(server.maildir("u1"), sub))
        assert s.st_uid == mail_uid, sub


def test_users_do_not_share_worker(server):
    with imap_session(server, "u1") as m1, imap_session(server, "u2") as m2:
        select(m1)
        select(m2)
        workers = by_name(processes(server), "imap")
        uids = sorted(ids(st, "Uid")[0] for st in workers.values())
        assert uids == sorted([server.users["u1"][0],
                               server.users["u2"][0]])
        m1.logout()
        m2.logout()
