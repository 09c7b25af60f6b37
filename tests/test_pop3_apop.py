# Copyright (c) Cove authors. See AUTHORS.
"""POP3 APOP (RFC 1939 7), offered only when auth_mechanisms includes
apop: the greeting's timestamp, a login with poplib's apop(), a wrong
digest, a user whose stored password is not plaintext, and APOP refused
when not configured.  Run against Dovecot with COVE_TEST_TARGET=dovecot."""

import hashlib
import poplib
import re
import time

import pytest

from helpers import TIMEOUT, RawClient, deliver, new_pop3_server

APOP_CONF = "auth_mechanisms = plain login apop\n"
# RFC 1939 7: the banner ends with a msg-id
TIMESTAMP_RE = re.compile(rb"^\+OK .*(<[^<>@ ]+@[^<>@ ]+>)$")
MSG = b"Subject: apop\r\nFrom: a@example.org\r\n\r\nvia APOP\r\n"


def apop_digest(timestamp, password):
    return hashlib.md5(timestamp + password.encode()).hexdigest()


def greet(server):
    c = RawClient(server.pop3_port)
    return c, c.readline()


def wait_log(server, text, timeout=5.0):
    deadline = time.monotonic() + timeout
    while text not in server.read_log():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def apop_server(servers):
    return new_pop3_server(servers, extra_conf=APOP_CONF)


def test_apop_login_and_retr(apop_server):
    deliver(apop_server, MSG)
    p = poplib.POP3("127.0.0.1", apop_server.pop3_port, timeout=TIMEOUT)
    assert TIMESTAMP_RE.match(p.getwelcome())
    assert p.apop("u1", apop_server.users["u1"][2]).startswith(b"+OK")
    resp, lines, _ = p.retr(1)
    assert resp.startswith(b"+OK")
    assert b"via APOP" in lines
    p.quit()


def test_apop_timestamp_unique(apop_server):
    stamps = set()
    for _ in range(3):
        c, greeting = greet(apop_server)
        m = TIMESTAMP_RE.match(greeting)
        assert m, greeting
        stamps.add(m.group(1))
        c.sendline("QUIT")
        assert c.readline().startswith(b"+OK")
    assert len(stamps) == 3


def test_apop_wrong_digest(apop_server):
    c, greeting = greet(apop_server)
    timestamp = TIMESTAMP_RE.match(greeting).group(1)
    c.sendline("APOP u1 " + apop_digest(timestamp, "wrong"))
    assert c.readline().startswith(b"-ERR [AUTH] ")
    # a digest for another timestamp is wrong too
    c.sendline("APOP u1 " + apop_digest(b"<1.2@example.org>",
                                        apop_server.users["u1"][2]))
    assert c.readline().startswith(b"-ERR [AUTH] ")
    # and the right one still works afterwards
    c.sendline("APOP u1 " + apop_digest(timestamp,
                                        apop_server.users["u1"][2]))
    assert c.readline().startswith(b"+OK")
    c.sendline("QUIT")
    assert c.readline().startswith(b"+OK")


def test_apop_needs_plaintext_password(apop_server, target):
    p = poplib.POP3("127.0.0.1", apop_server.pop3_port, timeout=TIMEOUT)
    with pytest.raises(poplib.error_proto) as e:
        p.apop("u2", apop_server.users["u2"][2])
    assert str(e.value).startswith("b'-ERR [AUTH] ")
    p.quit()
    if target == "cove":
        assert wait_log(apop_server, b"APOP needs a plaintext password")
    # USER/PASS still works for u2
    p = poplib.POP3("127.0.0.1", apop_server.pop3_port, timeout=TIMEOUT)
    p.user("u2")
    assert p.pass_(apop_server.users["u2"][2]).startswith(b"+OK")
    p.quit()


def test_apop_not_configured(servers, target):
    server = new_pop3_server(servers)
    c, greeting = greet(server)
    assert greeting.startswith(b"+OK")
    assert b"<" not in greeting
    c.sendline("APOP u1 " + apop_digest(b"<1.2@example.org>", "pass1"))
    reply = c.readline()
    assert reply.startswith(b"-ERR")
    if target == "cove":
        assert reply == b"-ERR Unknown command."
    c.sendline("QUIT")
    assert c.readline().startswith(b"+OK")
