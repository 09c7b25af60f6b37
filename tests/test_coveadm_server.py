# Copyright (c) Cove authors. See AUTHORS.
"""coveadm who, kick and service status: the sessions the workers
publish in base_dir/sessions, disconnecting them, and the processes per
service, in the output formats."""

import json
import os
import re
import subprocess
import time

import pytest

from helpers import imap_login

TIMEOUT = 60

pytestmark = pytest.mark.cove_only


def admin(server, *args):
    return subprocess.run(server.admin_argv(*args), capture_output=True,
                          text=True, timeout=TIMEOUT)


def ok(r):
    assert (r.returncode, r.stderr) == (0, ""), (r.returncode, r.stderr)
    return r.stdout


def who(server, *args):
    return json.loads(ok(admin(server, "-f", "json", "who", *args)))


def wait_for_sessions(server, count):
    """who's rows once count sessions are listed (a worker writes its
    file just after the login's OK)."""
    for _ in range(100):
        rows = who(server)
        if len(rows) == count:
            return rows
        time.sleep(0.05)
    assert len(rows) == count, rows
    return rows


def test_who(server):
    m1 = imap_login(server, "u1")
    m2 = imap_login(server, "u2")
    m3 = imap_login(server, "u1")
    try:
        rows = wait_for_sessions(server, 3)
        assert sorted(r["username"] for r in rows) == ["u1", "u1", "u2"]
        for r in rows:
            assert r["protocol"] == "imap"
            assert r["ip"] == "127.0.0.1"
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
                                r["since"])
            # the worker that serves the session
            with open("/proc/%s/cmdline" % r["pid"], "rb") as f:
                argv0 = f.read().split(b"\0")[0]
                assert os.path.basename(argv0) == b"imap"
        assert [r["username"] for r in who(server, "u2")] == ["u2"]
        assert len(who(server, "u*")) == 3
        assert len(who(server, "127.0.0.1")) == 3
        assert who(server, "10.0.0.1") == []
        out = ok(admin(server, "-f", "tab", "who", "u2"))
        lines = out.splitlines()
        assert lines[0] == "username\tprotocol\tpid\tip\tsince"
        assert lines[1].startswith("u2\timap\t")
        m2.logout()
        rows = wait_for_sessions(server, 2)
        assert [r["username"] for r in rows] == ["u1", "u1"]
    finally:
        for m in (m1, m3):
            m.logout()
    wait_for_sessions(server, 0)


def test_who_skips_stale_files(server):
    sessions = os.path.join(server.base_dir, "sessions")
    # a crashed worker's file: its pid is gone
    with open(os.path.join(sessions, "999999"), "w") as f:
        f.write("ghost\timap\t10.0.0.1\t1700000000\t12345\n")
    # a file naming a live process with another start time
    with open(os.path.join(sessions, str(os.getpid())), "w") as f:
        f.write("fake\timap\t10.0.0.2\t1700000000\t1\n")
    # a symlink, even to a file that reads as a live session's
    target = os.path.join(server.root, "fake-session")
    with open(target, "w") as f:
        f.write("ghost\timap\t10.0.0.3\t1700000000\t1\n")
    os.symlink(target, os.path.join(sessions, str(server.pid)))
    assert who(server) == []
    assert sorted(os.listdir(sessions)) == []


def test_kick(server):
    m1 = imap_login(server, "u1")
    m2 = imap_login(server, "u2")
    try:
        wait_for_sessions(server, 2)
        out = ok(admin(server, "-f", "tab", "kick", "u1"))
        lines = out.splitlines()
        assert len(lines) == 2 and lines[1].startswith("u1\timap\t")
        # the session ends with the worker's BYE
        with pytest.raises(Exception):
            for _ in range(20):
                m1.noop()
                time.sleep(0.05)
        rows = wait_for_sessions(server, 1)
        assert rows[0]["username"] == "u2"
        typ, _ = m2.noop()
        assert typ == "OK"
        r = admin(server, "kick", "nosuchuser")
        assert (r.returncode, r.stdout, r.stderr) == (
            67, "", "coveadm kick: No sessions of nosuchuser\n")
        ok(admin(server, "kick", "127.0.0.1"))
        wait_for_sessions(server, 0)
    finally:
        for m in (m1, m2):
            try:
                m.logout()
            except Exception:
                pass


def test_service_status(server):
    m = imap_login(server, "u1")
    try:
        wait_for_sessions(server, 1)
        rows = json.loads(ok(admin(server, "-f", "json", "service",
                                   "status")))
        by_name = {r["name"]: r for r in rows}
        assert by_name["imap"]["process_count"] == "1"
        assert by_name["imap"]["pids"] == who(server)[0]["pid"]
        assert int(by_name["imap-login"]["process_count"]) >= 1
        assert int(by_name["auth"]["process_count"]) >= 1
        assert [r["name"] for r in rows] == sorted(by_name)
    finally:
        m.logout()
    r = admin(server, "service", "bogus")
    assert r.returncode == 64


def test_server_commands_when_stopped(server):
    server.stop()
    r = admin(server, "service", "status")
    assert r.returncode == 75
    assert r.stderr.startswith("coveadm: cove is not running")
    assert who(server) == []


def test_log_reopen(server):
    rotated = server.log_path + ".1"
    os.rename(server.log_path, rotated)
    ok(admin(server, "log", "reopen"))
    with open(server.log_path, "rb") as f:
        assert b"Log reopened through the admin socket" in f.read()
    # a process started now (the IMAP worker) writes to the new file
    m = imap_login(server, "u1")
    m.logout()
    for _ in range(100):
        with open(server.log_path, "rb") as f:
            if re.search(rb"imap\(u1\).*Logged out", f.read()):
                break
        time.sleep(0.05)
    else:
        pytest.fail("no logout line in the new log")
    with open(rotated, "rb") as f:
        assert b"Logged out" not in f.read()
    r = admin(server, "log", "rotate")
    assert (r.returncode, r.stderr) == (64, "usage: coveadm log reopen\n")
