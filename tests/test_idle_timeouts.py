# Copyright (c) Cove authors. See AUTHORS.
"""Idle timeouts after login: imap_client_idle_timeout,
pop3_client_idle_timeout, lmtp_client_idle_timeout and
submission_client_idle_timeout (Cove's settings; Dovecot hard-codes
30 mins, 10 mins and 5 mins, so these tests are Cove only).  A client
that says nothing for the timeout gets the protocol's goodbye, the
connection ends and the log says who, from where and for how long; a
client that keeps talking, or sits in IMAP IDLE, stays."""

import base64
import re
import time

import pytest

from helpers import RawClient, new_pop3_server, pop3_raw_login
from test_config_errors import run_master
from test_submission import new_submission_server

pytestmark = pytest.mark.cove_only

TIMEOUT_SECS = 2
HOSTNAME = "idle.example"
# Commands sent at this interval keep a session with TIMEOUT_SECS alive.
KEEP_TALKING_INTERVAL = 0.5
KEEP_TALKING_COUNT = 2 * int(TIMEOUT_SECS / KEEP_TALKING_INTERVAL)
WAIT = 20.0


def conf(protocol):
    return "hostname = %s\n%s_client_idle_timeout = %d secs\n" % (
        HOSTNAME, protocol, TIMEOUT_SECS)


def wait_for_log(server, pattern):
    """The first match of pattern in the log, waiting for the line."""
    deadline = time.monotonic() + WAIT
    while True:
        m = re.search(pattern, server.read_log(), re.M)
        if m:
            return m
        assert time.monotonic() < deadline, (
            "no log line %r:\n%s" % (pattern, server.diagnostics()))
        time.sleep(0.05)


def assert_inactivity_logged(server, pattern):
    """pattern's group 1 is how long the client was idle: at least the
    timeout."""
    m = wait_for_log(server, pattern)
    assert int(m.group(1)) >= TIMEOUT_SECS, m.group(0)


def imap_login(server):
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    tagged, _ = c.imap_cmd("a", "LOGIN u1 %s" % server.users["u1"][2])
    assert tagged.startswith(b"a OK"), tagged
    return c


def lmtp_connect(server):
    c = RawClient(server.lmtp_port)
    assert c.smtp_reply() == (220, ["%s Cove LMTP ready" % HOSTNAME])
    assert c.smtp_cmd("LHLO client.test")[0] == 250
    return c


def submission_login(server):
    c = RawClient(server.submission_port)
    assert c.smtp_reply()[0] == 220
    assert c.smtp_cmd("EHLO client.test")[0] == 250
    plain = base64.b64encode(b"\0u1\0" + server.users["u1"][2].encode())
    assert c.smtp_cmd("AUTH PLAIN " + plain.decode()) == (
        235, ["2.7.0 Authentication successful"])
    return c


IMAP_LOG = (rb"imap\(u1\)<\d+>: Info: Disconnected: Inactivity - no input "
            rb"for (\d+) secs \(rip=127\.0\.0\.1\)$")


def test_imap_idle_timeout(servers):
    server = servers.new(conf("imap"))
    c = imap_login(server)
    assert c.readline() == b"* BYE Disconnected for inactivity."
    assert c.closed()
    c.close()
    assert_inactivity_logged(server, IMAP_LOG)


def test_pop3_idle_timeout(servers):
    server = new_pop3_server(servers, conf("pop3"))
    c = pop3_raw_login(server)
    assert c.readline() == b"-ERR Disconnected for inactivity."
    assert c.closed()
    c.close()
    assert_inactivity_logged(
        server, rb"pop3\(u1\)<\d+>: Info: Disconnected: Inactivity - no "
        rb"input for (\d+) secs \(rip=127\.0\.0\.1\) top=0, retr=0, "
        rb"del=0/0, size=0$")


def test_lmtp_idle_timeout(servers):
    server = servers.new(conf("lmtp"))
    c = lmtp_connect(server)
    assert c.readline() == (b"421 4.4.2 %s Disconnected for inactivity"
                            % HOSTNAME.encode())
    assert c.closed()
    c.close()
    assert_inactivity_logged(
        server, rb"lmtp: Info: <[^>]+>: Disconnected: Inactivity - "
        rb"no input for (\d+) secs \(remote 127\.0\.0\.1\)$")


def test_submission_idle_timeout(servers):
    server = new_submission_server(servers, 9, conf("submission"))
    c = submission_login(server)
    assert c.readline() == (b"421 4.4.2 %s Disconnected for inactivity"
                            % HOSTNAME.encode())
    assert c.closed()
    c.close()
    assert_inactivity_logged(
        server, rb"submission\(u1\)<\d+>: Info: Disconnected: Inactivity - "
        rb"no input for (\d+) secs \(rip=127\.0\.0\.1\) messages=0$")


def keep_talking(command, reply_ok):
    """Sends command KEEP_TALKING_COUNT times, KEEP_TALKING_INTERVAL
    apart (together longer than the timeout); every reply must pass
    reply_ok."""
    for i in range(KEEP_TALKING_COUNT):
        time.sleep(KEEP_TALKING_INTERVAL)
        reply = command(i)
        assert reply_ok(reply), (i, reply)


def test_imap_commands_keep_session(servers):
    """RFC 3501 5.4: the autologout timer restarts at each command."""
    server = servers.new(conf("imap"))
    c = imap_login(server)
    keep_talking(lambda i: c.imap_cmd("n%d" % i, "NOOP")[0],
                 lambda line: line.startswith(b"n") and b" OK " in line)
    # silent again: the timeout still works
    assert c.readline() == b"* BYE Disconnected for inactivity."
    assert c.closed()
    c.close()


def test_pop3_commands_keep_session(servers):
    server = new_pop3_server(servers, conf("pop3"))
    c = pop3_raw_login(server)

    def noop(_):
        c.sendline("NOOP")
        return c.readline()
    keep_talking(noop, lambda line: line == b"+OK")
    assert c.readline() == b"-ERR Disconnected for inactivity."
    c.close()


@pytest.mark.parametrize("protocol", ["lmtp", "submission"])
def test_smtp_commands_keep_session(servers, protocol):
    if protocol == "lmtp":
        server = servers.new(conf("lmtp"))
        c = lmtp_connect(server)
    else:
        server = new_submission_server(servers, 9, conf("submission"))
        c = submission_login(server)
    keep_talking(lambda _: c.smtp_cmd("NOOP"),
                 lambda reply: reply[0] == 250)
    assert c.readline() == (b"421 4.4.2 %s Disconnected for inactivity"
                            % HOSTNAME.encode())
    c.close()


def test_imap_idle_is_not_inactivity(servers):
    """A client in IDLE stays past the timeout (as with Dovecot, whose
    keep-alives keep idling clients); after DONE the timer runs again."""
    server = servers.new(conf("imap"))
    c = imap_login(server)
    tagged, _ = c.imap_cmd("s", "SELECT INBOX")
    assert tagged.startswith(b"s OK"), tagged
    c.sendline("i IDLE")
    assert c.readline() == b"+ idling"
    # nothing comes (the keep-alive is 2 mins away) and the server stays
    assert not c.closed(timeout=2 * TIMEOUT_SECS)
    assert c.buf == b""
    c.sendline("DONE")
    assert c.readline() == b"i OK Idle completed."
    assert c.readline() == b"* BYE Disconnected for inactivity."
    assert c.closed()
    c.close()
    assert_inactivity_logged(server, IMAP_LOG)


@pytest.mark.parametrize("setting", [
    "imap_client_idle_timeout", "pop3_client_idle_timeout",
    "lmtp_client_idle_timeout", "submission_client_idle_timeout"])
@pytest.mark.parametrize("value", ["0", "2 days"])
def test_idle_timeout_out_of_range_refused(servers, setting, value):
    """Any value from 1 sec to 1 day; others stop the master at start."""
    server = servers.new("%s = %s\n" % (setting, value), start=False)
    rc, out = run_master(server, "-F")
    assert rc != 0, out
    assert "%s must be between 1 sec and 1 day" % setting in out, out
