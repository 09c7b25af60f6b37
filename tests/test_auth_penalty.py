# Copyright (c) Cove authors. See AUTHORS.
"""The per-IP auth penalty: failed logins from one address hold back that
address's next attempts (auth_failure_delay doubled per failure, at most
15 secs), shown by the auth log line naming the address and the delay,
while other addresses and trusted networks log in at once."""

import re
import socket
import time

import pytest

from helpers import imap_login, logout

pytestmark = pytest.mark.cove_only

# A source address that is neither the listener's nor trusted.
UNTRUSTED_IP = "127.0.0.2"
# Failures are delayed by 1 sec (the penalty's base); plaintext LOGIN is
# allowed from 127.0.0.2 without TLS.
PENALTY_CONF = "auth_failure_delay = 1\ndisable_plaintext_auth = no\n"
FAILED = b"a NO [AUTHENTICATIONFAILED] Authentication failed."
MISMATCH = b"passwd-file(u1,127.0.0.2): Password mismatch (mech=PLAIN)"
PENALTY_RE = (rb"auth-penalty\(\?,127\.0\.0\.2\): Delaying the request by "
              rb"(\d+) secs after failed logins from this IP")


def wait_log(server, predicate, what, timeout=30):
    """Polls the server's log until predicate(log) is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = server.read_log()
        if predicate(log):
            return log
        time.sleep(0.05)
    pytest.fail("log never showed %s\n%s" % (what, server.diagnostics()))


class Client:
    """An IMAP connection from source, past the greeting."""

    def __init__(self, server, source):
        self.sock = socket.create_connection(
            ("127.0.0.1", server.imap_port), timeout=30,
            source_address=(source, 0))
        self.buf = b""
        assert self.readline().startswith(b"* OK")

    def readline(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")

    def has_input(self):
        """True if the server sent anything (without waiting)."""
        self.sock.setblocking(False)
        try:
            return self.buf != b"" or self.sock.recv(1, socket.MSG_PEEK) != b""
        except BlockingIOError:
            return False
        finally:
            self.sock.setblocking(True)
            self.sock.settimeout(30)

    def close(self):
        self.sock.close()


def fail_logins(server, count):
    """count wrong-password LOGINs from 127.0.0.2 at once; returns when
    every one has been answered NO."""
    clients = [Client(server, UNTRUSTED_IP) for _ in range(count)]
    try:
        for c in clients:
            c.sock.sendall(b"a LOGIN u1 wrong\r\n")
        for c in clients:
            assert c.readline() == FAILED
    finally:
        for c in clients:
            c.close()
    assert server.read_log().count(MISMATCH) >= count


def test_penalty_slows_one_address_only(servers):
    server = servers.new(PENALTY_CONF)
    fail_logins(server, 20)

    # the next attempt from that address waits the longest delay
    c = Client(server, UNTRUSTED_IP)
    try:
        c.sock.sendall(b"a LOGIN u1 wrong\r\n")
        log = wait_log(server, lambda log: re.search(PENALTY_RE + rb"\n",
                                                     log) and
                       int(re.findall(PENALTY_RE, log)[-1]) == 15,
                       "a 15 secs penalty for 127.0.0.2")
        # 127.0.0.1 has no failures: its login goes through at once,
        # while the penalised one is still held back
        m = imap_login(server)
        logout(m)
        assert not c.has_input()
        assert b"auth-penalty(?,127.0.0.1)" not in log
    finally:
        c.close()


def test_penalty_success_resets(servers):
    server = servers.new(PENALTY_CONF)
    fail_logins(server, 1)
    # the correct password after the (1 sec) penalty forgets the failure
    c = Client(server, UNTRUSTED_IP)
    c.sock.sendall(b"a LOGIN u1 %s\r\n" % server.users["u1"][2].encode())
    line = c.readline()
    while line.startswith(b"* "):
        line = c.readline()
    assert line.startswith(b"a OK "), line
    c.close()
    assert len(re.findall(PENALTY_RE, server.read_log())) == 1
    c = Client(server, UNTRUSTED_IP)
    c.sock.sendall(b"a LOGIN u1 wrong\r\n")
    assert c.readline() == FAILED
    c.close()
    # still only the one penalty line: the failure count started afresh
    assert len(re.findall(PENALTY_RE, server.read_log())) == 1


def test_no_penalty_for_trusted_networks(servers):
    server = servers.new(PENALTY_CONF +
                         "login_trusted_networks = 127.0.0.2/32\n")
    fail_logins(server, 5)
    fail_logins(server, 1)
    assert re.search(PENALTY_RE, server.read_log()) is None
