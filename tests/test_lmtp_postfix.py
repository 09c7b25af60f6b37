# Copyright (c) Cove authors. See AUTHORS.
"""Postfix (Debian's) as the real MTA in front of Cove: a private Postfix
instance takes mail over SMTP and hands it to Cove over LMTP, by TCP and
by Cove's unix socket; the message is read back over IMAP byte-exact
apart from the trace headers both add."""

import os
import shutil
import signal
import smtplib
import subprocess
import tempfile
import time

import pytest

from helpers import fetch, imap_session, logout, select
from mailserver import free_port, is_root

POSTFIX = "/usr/sbin/postfix"

pytestmark = [
    pytest.mark.cove_only,
    pytest.mark.skipif(not is_root(), reason="postfix needs root"),
    pytest.mark.skipif(not os.path.exists(POSTFIX),
                       reason="postfix is not installed"),
]

DELIVERY_TIMEOUT = 30

# The services Postfix needs to take SMTP mail and pass it on, none of
# them chrooted (Cove's unix socket lives outside the queue directory).
MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
mail_owner = postfix
myhostname = mx.cove-test.example
mydomain = cove-test.example
myorigin = $myhostname
mydestination = localhost, $myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = {d}/maillog
maillog_file_prefixes = /var, /dev/stdout, {d}
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtputf8_enable = no
local_transport = {transport}
lmtp_destination_recipient_limit = 50
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
"""


class Postfix:
    """A private Postfix instance in its own config directory."""

    def __init__(self, transport):
        self.dir = tempfile.mkdtemp(prefix="covepf-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        for sub in ("queue", "data"):
            os.mkdir(os.path.join(self.dir, sub), 0o755)
        with open(os.path.join(self.dir, "main.cf"), "w") as f:
            f.write(MAIN_CF.format(d=self.dir, transport=transport))
        with open(os.path.join(self.dir, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(port=self.port))
        self.maillog = os.path.join(self.dir, "maillog")

    def run(self, *args):
        # postfix prints its fatal errors only to a terminal: `script`
        # gives it one so that a failure says why
        cmd = " ".join([POSTFIX, "-c", self.dir] + list(args))
        return subprocess.run(["script", "-qec", cmd, "/dev/null"],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=60)

    def start(self):
        for step in (("set-permissions",), ("start",)):
            res = self.run(*step)
            if res.returncode != 0:
                raise AssertionError("postfix %s failed: %s\n%s" % (
                    step[0], res.stdout.decode(errors="replace"),
                    self.read_log()))
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", self.port, timeout=5).quit()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("postfix did not listen:\n" + self.read_log())

    def master_pid(self):
        try:
            with open(os.path.join(self.dir, "queue", "pid",
                                   "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        pid = self.master_pid()
        self.run("stop")
        if pid is not None:
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)

    def read_log(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def postfix_factory():
    started = []

    def make(transport):
        pf = Postfix(transport)
        started.append(pf)
        pf.start()
        return pf
    yield make
    for pf in started:
        pf.stop()
        pf.cleanup()


def message(subject):
    # complete headers: Postfix adds a missing Date: after the others
    return ("From: Sender <sender@example.org>\r\n"
            "Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n"
            "To: u1@localhost\r\n"
            "Subject: %s\r\n"
            "Message-ID: <%s@example.org>\r\n"
            "\r\n"
            "Hello through Postfix.\r\n"
            ".a line with a leading dot\r\n"
            "\r\n"
            "last line\r\n" % (subject, subject)).encode()


def wait_for_inbox(server, pf, user, count):
    deadline = time.time() + DELIVERY_TIMEOUT
    while True:
        with imap_session(server, user) as m:
            n = select(m)
            bodies = []
            if n:
                res = fetch(m, "1:*", "(BODY.PEEK[])")
                bodies = [res[i][b"BODY[]"] for i in sorted(res)]
            logout(m)
        if len(bodies) >= count or time.time() > deadline:
            assert len(bodies) == count, pf.read_log()
            return bodies
        time.sleep(0.2)


def assert_trace_then(body, msg):
    """body is trace header lines (Return-Path, Delivered-To, Received
    and continuation lines) followed by msg exactly."""
    assert body.endswith(msg), body
    trace = body[:-len(msg)]
    for line in trace.split(b"\r\n")[:-1]:
        assert line[:1] in (b" ", b"\t") or \
            line.split(b":", 1)[0] in (b"Return-Path", b"Delivered-To",
                                       b"Received"), trace
    assert b"Received: from" in trace, trace


def send_and_check(server, pf, subjects):
    msgs = [message(s) for s in subjects]
    with smtplib.SMTP("127.0.0.1", pf.port, timeout=30) as s:
        for msg in msgs:
            refused = s.sendmail("sender@example.org", ["u1@localhost"],
                                 msg)
            assert refused == {}, refused
    bodies = wait_for_inbox(server, pf, "u1", len(msgs))
    for body in bodies:
        assert any(body.endswith(m) for m in msgs), body
    for msg in msgs:
        assert_trace_then([b for b in bodies if b.endswith(msg)][0], msg)
    return bodies


def test_postfix_lmtp_inet(server, postfix_factory):
    pf = postfix_factory("lmtp:inet:127.0.0.1:%d" % server.lmtp_port)
    send_and_check(server, pf, ["inet-1", "inet-2"])
    assert "status=sent" in pf.read_log()


def test_postfix_lmtp_unix(server, postfix_factory):
    sock = os.path.join(server.base_dir, "lmtp")
    pf = postfix_factory("lmtp:unix:" + sock)
    send_and_check(server, pf, ["unix-1"])
    log = pf.read_log()
    assert "status=sent" in log and sock in log, log
