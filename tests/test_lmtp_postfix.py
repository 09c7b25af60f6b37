# Copyright (c) Cove authors. See AUTHORS.
"""Postfix (Debian's) as the real MTA in front of Cove: a private Postfix
instance takes mail over SMTP and hands it to Cove over LMTP, by TCP and
by Cove's unix socket; the message is read back over IMAP byte-exact
apart from the trace headers both add."""

import os
import smtplib

import pytest

from helpers import mailbox_bodies
from mailserver import is_root
from postfix import POSTFIX, Postfix

pytestmark = [
    pytest.mark.cove_only,
    pytest.mark.skipif(not is_root(), reason="postfix needs root"),
    pytest.mark.skipif(not os.path.exists(POSTFIX),
                       reason="postfix is not installed"),
]

DELIVERY_TIMEOUT = 30

# What Postfix needs besides the services every test instance has, to
# pass mail on over LMTP.
MASTER_CF = """\
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
"""

MAIN_CF = """\
myhostname = mx.cove-test.example
mydomain = cove-test.example
myorigin = $myhostname
mydestination = localhost, $myhostname
maillog_file_prefixes = /var, /dev/stdout, {d}
local_recipient_maps =
local_transport = {transport}
lmtp_destination_recipient_limit = 50
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
"""


@pytest.fixture
def postfix_factory():
    started = []

    def make(transport):
        pf = Postfix(MAIN_CF, MASTER_CF, transport=transport)
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
    def delivered():
        bodies = mailbox_bodies(server, user)
        return bodies if len(bodies) >= count else None
    bodies = pf.wait_for(delivered, DELIVERY_TIMEOUT,
                         "%d messages not delivered" % count)
    assert len(bodies) == count, pf.read_log()
    return bodies


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
