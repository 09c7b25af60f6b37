# Copyright (c) Cove authors. See AUTHORS.
"""The master: restarting a crashed service, reloading the config on SIGHUP
and through coveadm (a broken config keeps the old one running), running
as a daemon with a pid file, refusing a second instance. Cove-specific."""

import os
import signal
import subprocess

import pytest

from helpers import imap_session, deliver, RawClient, wait_for
from mailserver import proc_status, port_open, service_pids

pytestmark = pytest.mark.cove_only

WAIT = 15.0


def greeting(server):
    c = RawClient(server.imap_port)
    try:
        return c.readline()
    finally:
        c.close()


@pytest.mark.parametrize("service", ["auth", "imap-login", "lmtp"])
def test_crashed_service_is_restarted(server, service):
    old = wait_for(lambda: service_pids(server.pid, service),
                   service + " process")
    os.kill(old[0], signal.SIGKILL)
    # (lmtp starts 10 processes: the last ones may still be coming up,
    # so a new pid alone does not show that the master saw the kill)
    line = ("service(%s): child %d killed with signal 9" %
            (service, old[0])).encode()
    wait_for(lambda: line in server.read_log(), "the master's log line")
    wait_for(lambda: [p for p in service_pids(server.pid, service)
                      if p not in old], "a new " + service)
    # the restarted service works: deliver and log in
    wait_for(lambda: port_open(server.imap_port), "imap port")
    deliver(server, b"Subject: after restart\r\n\r\nhello\r\n")
    with imap_session(server) as m:
        typ, data = m.select("INBOX")
        assert typ == "OK" and data == [b"1"], data


def write_conf(server, extra):
    with open(server.conf, "w") as f:
        f.write(server.config_text() + extra)


def test_sighup_reloads(server):
    assert b"Cove ready." in greeting(server)
    write_conf(server, 'login_greeting = "Reloaded greeting"\n')
    os.kill(server.pid, signal.SIGHUP)
    wait_for(lambda: b"Reloaded greeting" in greeting(server),
             "the new greeting")
    # the master may log it just after the new login process greets
    wait_for(lambda: b"Configuration reloaded" in server.read_log(),
             "the reload's log line")
    with imap_session(server) as m:
        assert m.select("INBOX")[0] == "OK"


def test_coveadm_reload(server):
    write_conf(server, 'login_greeting = "Admin reload"\n')
    res = subprocess.run(server.admin_argv("reload"), capture_output=True,
                         timeout=WAIT)
    assert res.returncode == 0, res
    # the admin reply comes after the new listeners are set up
    wait_for(lambda: b"Admin reload" in greeting(server), "new greeting")


def test_reload_with_errors_keeps_old_config(server):
    text = server.config_text()
    with open(server.conf, "w") as f:
        f.write(text + "default_process_limit = lots\nnosuchsetting = 1\n")
    bad_line = text.count("\n") + 1
    res = subprocess.run(server.admin_argv("reload"), capture_output=True,
                         timeout=WAIT)
    assert res.returncode == 75, res
    err = res.stderr.decode()
    assert "%s:%d:" % (server.conf, bad_line) in err, err
    assert "%s:%d:" % (server.conf, bad_line + 1) in err, err
    assert "Invalid number" in err and "nosuchsetting" in err, err
    # still serving with the old config
    assert b"Cove ready." in greeting(server)
    deliver(server, b"Subject: x\r\n\r\nstill here\r\n")
    with imap_session(server) as m:
        assert m.select("INBOX") == ("OK", [b"1"])


def test_second_master_refused(server):
    res = subprocess.run(server.master_argv(), capture_output=True,
                         timeout=WAIT)
    assert res.returncode != 0
    assert b"already running with PID %d" % server.pid in res.stderr, res


def read_pid_file(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def test_daemon_mode_and_pid_file(servers):
    s = servers.new(start=False)
    argv = [a for a in s.master_argv() if a != "-F"]
    pid_file = os.path.join(s.base_dir, "master.pid")
    pid = 0
    try:
        res = subprocess.run(argv, capture_output=True, timeout=WAIT)
        assert res.returncode == 0, res
        pid = wait_for(lambda: read_pid_file(pid_file), "pid file")
        assert proc_status(pid)["Name"] == "cove"
        wait_for(lambda: port_open(s.imap_port) and port_open(s.lmtp_port),
                 "listeners")
        deliver(s, b"Subject: daemon\r\n\r\nbody\r\n")
        with imap_session(s) as m:
            assert m.select("INBOX") == ("OK", [b"1"])
        res = subprocess.run(s.admin_argv("stop"), capture_output=True,
                             timeout=WAIT)
        assert res.returncode == 0, res
        wait_for(lambda: not os.path.exists("/proc/%d" % pid) or
                 proc_status(pid)["State"].startswith("Z"),
                 "the daemon to exit")
        assert not os.path.exists(pid_file)
        assert not port_open(s.imap_port)
    finally:
        # whatever failed, stop the daemon this test started
        pid = pid or read_pid_file(pid_file)
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.parametrize("command, exit_code, message", [
    ("stop", 75, b"cove is not running"),
    ("frobnicate", 64, b"Unknown command 'frobnicate'"),
])
def test_coveadm_fails_without_server(servers, command, exit_code, message):
    s = servers.new(start=False)
    res = subprocess.run(s.admin_argv(command), capture_output=True,
                         timeout=WAIT)
    assert res.returncode == exit_code
    assert message in res.stderr, res


@pytest.mark.root_only
def test_default_log_goes_to_syslog(servers):
    """Without log_path, a daemonised master logs to syslog, its children's
    lines included (as Dovecot does). Needs root to stand in for the
    syslog daemon at /dev/log; skipped where a real one listens there."""
    if os.path.exists("/dev/log"):
        pytest.skip("/dev/log exists: not replacing the system's syslog")
    import socket
    s = servers.new(start=False)
    with open(s.conf, "w") as f:
        f.write("".join(l for l in s.config_text().splitlines(True)
                        if not l.startswith("log_path")))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("/dev/log")
    pid_file = os.path.join(s.base_dir, "master.pid")
    try:
        os.chmod("/dev/log", 0o666)
        argv = [a for a in s.master_argv() if a != "-F"]
        res = subprocess.run(argv, capture_output=True, timeout=WAIT)
        assert res.returncode == 0, res
        wait_for(lambda: port_open(s.imap_port), "listeners")
        with imap_session(s) as m:
            assert m.select("INBOX")[0] == "OK"
        res = subprocess.run(s.admin_argv("stop"), capture_output=True,
                             timeout=WAIT)
        assert res.returncode == 0, res
        wait_for(lambda: not os.path.exists(pid_file), "the master to stop")
        sock.settimeout(0.5)
        messages = []
        try:
            while True:
                messages.append(sock.recv(65536))
        except socket.timeout:
            pass
        text = b"\n".join(messages)
        # <22> is facility mail, priority info
        assert b"<22>" in text and b"cove: master: Info: Cove stopped" \
            in text, text
        assert b"cove: imap-login: Info: Login: user=<u1>" in text, text
        assert b"cove: imap(u1)<" in text, text
    finally:
        sock.close()
        os.unlink("/dev/log")
        pid = read_pid_file(pid_file)
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_coveadm_help(servers):
    s = servers.new(start=False)
    res = subprocess.run(s.admin_argv("help"), capture_output=True,
                         timeout=WAIT)
    assert res.returncode == 0, res
    for name in (b"stop", b"reload", b"config", b"help"):
        assert b"\n  " + name + b" " in res.stdout, res.stdout
    res = subprocess.run(s.admin_argv("help", "reload"), capture_output=True,
                         timeout=WAIT)
    assert res.returncode == 0
    assert res.stdout.startswith(b"usage: coveadm reload\n"), res.stdout
    res = subprocess.run(s.admin_argv(), capture_output=True, timeout=WAIT)
    assert res.returncode == 64
    assert b"usage: coveadm" in res.stderr, res


def test_stop_right_after_start(servers):
    """SIGTERM while the master is still starting its services stops every
    one of them at once (a signal that reached a child between fork and
    exec used to be lost, and the master had to SIGKILL it)."""
    s = servers.new(start=False)
    for _ in range(15):
        s.start()
        assert s.stop(), "the master did not exit on SIGTERM"
    assert b"did not stop" not in s.read_log(), s.read_log()
