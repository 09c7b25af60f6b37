# Copyright (c) Cove authors. See AUTHORS.
"""A proxy in login_trusted_networks names the client it serves with IMAP
ID x-originating-ip/x-originating-port (issue 6: the real client IP from
a trusted proxy): auth, its failure log lines and the login line then
carry that address. The same fields from an untrusted peer are ignored."""

import socket
import time

import pytest

pytestmark = pytest.mark.cove_only

CONF = ("login_trusted_networks = 127.0.0.1/32\n"
        "disable_plaintext_auth = no\n")
PROXY_ID = (b'a ID ("name" "proxy" "x-originating-ip" "192.0.2.7" '
            b'"x-originating-port" "4321")\r\n')


def wait_log(server, needle):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        log = server.read_log()
        if needle in log:
            return log
        time.sleep(0.05)
    pytest.fail("log never showed %r\n%s" % (needle, server.diagnostics()))


def exchange(sock, line):
    """Sends a tagged line and returns the server's lines up to its
    tagged reply."""
    sock.sendall(line)
    data = b""
    tag = line.split(b" ", 1)[0] + b" "
    while not any(x.startswith(tag) for x in data.split(b"\r\n")[:-1]):
        chunk = sock.recv(4096)
        assert chunk, data
        data += chunk
    return data.split(b"\r\n")[:-1]


def connect(server, source):
    sock = socket.create_connection(("127.0.0.1", server.imap_port),
                                    timeout=30, source_address=(source, 0))
    assert sock.recv(4096).startswith(b"* OK")
    return sock


def test_trusted_proxy_names_the_client(servers):
    server = servers.new(CONF)
    with connect(server, "127.0.0.1") as sock:
        assert exchange(sock, PROXY_ID)[-1] == b"a OK ID completed."
        assert exchange(sock, b"b LOGIN u1 wrong\r\n")[-1] == \
            b"b NO [AUTHENTICATIONFAILED] Authentication failed."
        wait_log(server, b"passwd-file(u1,192.0.2.7): Password mismatch")
        password = server.users["u1"][2]
        assert exchange(sock, b"c LOGIN u1 %s\r\n" %
                        password.encode())[-1].startswith(b"c OK")
        log = wait_log(server, b"Login: user=<u1>")
    assert b"Client address from the proxy: 192.0.2.7 (proxy=127.0.0.1" \
        in log
    login_line = [x for x in log.splitlines() if b"Login: user=<u1>" in x]
    assert b"rip=192.0.2.7" in login_line[-1], login_line


def test_untrusted_peer_cannot_name_a_client(servers):
    server = servers.new(CONF)
    with connect(server, "127.0.0.2") as sock:
        assert exchange(sock, PROXY_ID)[-1] == b"a OK ID completed."
        assert exchange(sock, b"b LOGIN u1 wrong\r\n")[-1] == \
            b"b NO [AUTHENTICATIONFAILED] Authentication failed."
        log = wait_log(server,
                       b"passwd-file(u1,127.0.0.2): Password mismatch")
    assert b"Ignored the client address from an untrusted peer " \
        b"(rip=127.0.0.2" in log
    assert b"192.0.2.7): Password mismatch" not in log


def test_invalid_address_from_proxy_is_ignored(servers):
    server = servers.new(CONF)
    with connect(server, "127.0.0.1") as sock:
        assert exchange(sock, b'a ID ("x-originating-ip" "not-an-ip")\r\n'
                        )[-1] == b"a OK ID completed."
        assert exchange(sock, b"b LOGIN u1 wrong\r\n")[-1] == \
            b"b NO [AUTHENTICATIONFAILED] Authentication failed."
        log = wait_log(server,
                       b"passwd-file(u1,127.0.0.1): Password mismatch")
    assert b"Ignored an invalid client address from the proxy: " \
        b"not-an-ip (rip=127.0.0.1" in log
