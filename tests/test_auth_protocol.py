# Copyright (c) Cove authors. See AUTHORS.
"""The auth process's own sockets (doc/auth-protocols.md): an auth-client
login whose cookie the auth-master socket trades for the user, userdb
lookups, and protocol errors that disconnect without harming the
process."""

import base64
import os
import socket
from contextlib import closing

import pytest

from helpers import TIMEOUT, RawClient

pytestmark = pytest.mark.cove_only

LOGIN_SOCKET = "login/login"
MASTER_SOCKET = "auth-master"


class UnixClient(RawClient):
    """RawClient over a unix socket under the server's base_dir."""

    def __init__(self, server, name):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(os.path.join(server.base_dir, name))
        self.buf = b""


def read_handshake(c):
    lines = []
    while not lines or lines[-1] != b"DONE":
        line = c.readline()
        assert line, lines
        lines.append(line)
    return lines


def login_cookie(server):
    """Logs u1 in on the login socket; returns the reply's cookie."""
    with closing(UnixClient(server, LOGIN_SOCKET)) as c:
        handshake = read_handshake(c)
        assert handshake[0] == b"VERSION\t1\t2", handshake
        assert b"MECH\tPLAIN\tplaintext" in handshake, handshake
        resp = base64.b64encode(b"\0u1\0pass1")
        c.send(b"VERSION\t1\t2\nCPID\t1\n"
               b"AUTH\t1\tPLAIN\tservice=imap\tsecured\tresp=" + resp +
               b"\n")
        line = c.readline()
    fields = line.split(b"\t")
    assert fields[:3] == [b"OK", b"1", b"user=u1"], line
    assert fields[3].startswith(b"cookie="), line
    return fields[3][len(b"cookie="):]


def test_cookie_and_userdb_lookups(server):
    cookie = login_cookie(server)
    with closing(UnixClient(server, MASTER_SOCKET)) as c:
        c.send(b"VERSION\t1\t0\n"
               b"REQUEST\t1\t" + cookie + b"\n"
               b"REQUEST\t2\t" + cookie + b"\n"
               b"USER\t3\tU1@localhost\tservice=lmtp\n"
               b"USER\t4\tnosuch\tservice=lmtp\n")
        assert c.readline().startswith(b"USER\t1\tu1\t")
        # a cookie is good for one request
        assert c.readline() == b"NOTFOUND\t2"
        assert c.readline().startswith(b"USER\t3\tu1\t")
        assert c.readline() == b"NOTFOUND\t4"


@pytest.mark.parametrize("name", [LOGIN_SOCKET, MASTER_SOCKET])
@pytest.mark.parametrize("data,error", [
    (b"VERSION\t2\t0\n", b"Client did not send VERSION 1"),
    (b"REQUEST\t1\tx\n", b"Client did not send VERSION 1"),
    (b"VERSION\t1\t0\nFOO\n", b"Unknown command: FOO"),
    (b"VERSION\t1\t0\n" + b"X" * 20000 + b"\n", b"Input line too long"),
], ids=["version", "no-version", "unknown", "too-long"])
def test_protocol_error_disconnects(server, name, data, error):
    with closing(UnixClient(server, name)) as c:
        c.send(data)
        assert c.closed()
    log = server.read_log()
    assert error + b", disconnecting" in log, server.diagnostics()
    # the auth process still serves new connections
    assert login_cookie(server)


USERDB_SOCKET = "auth-userdb"

LOOKUP_SCRIPT = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(b"VERSION\t1\t0\nUSER\t1\tu1\tservice=deliver\n")
data = b""
while b"\n" not in data:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode())
"""


def userdb_lookup_as(server, uid):
    """u1's userdb lookup on auth-userdb from a process running as uid."""
    import subprocess
    res = subprocess.run(
        ["setpriv", "--reuid=%d" % uid, "--regid=%d" % uid,
         "--clear-groups", "/usr/bin/python3", "-c", LOOKUP_SCRIPT,
         os.path.join(server.base_dir, USERDB_SOCKET)],
        capture_output=True, timeout=TIMEOUT)
    assert res.returncode == 0, res
    return res.stdout.decode()


def test_userdb_socket_takes_no_cookies(server):
    path = os.path.join(server.base_dir, USERDB_SOCKET)
    assert os.stat(path).st_mode & 0o777 == 0o666
    cookie = login_cookie(server)
    with closing(UnixClient(server, USERDB_SOCKET)) as c:
        c.send(b"VERSION\t1\t0\nREQUEST\t1\t" + cookie + b"\n")
        assert c.readline() == b""
    assert b"REQUEST is not allowed on auth-userdb" in server.read_log()


def test_userdb_socket_takes_no_passdb_lookups(server):
    with closing(UnixClient(server, USERDB_SOCKET)) as c:
        c.send(b"VERSION\t1\t0\nPASS\t1\tu1\tservice=x\n")
        assert c.readline() == b""
    assert b"PASS is not allowed on auth-userdb" in server.read_log()
    with closing(UnixClient(server, "auth-master")) as c:
        c.send(b"VERSION\t1\t0\nPASS\t1\tu1\tservice=x\n")
        assert c.readline() == b"PASS\t1\tu1"


@pytest.mark.root_only
def test_userdb_socket_answers_only_the_users_uid(server):
    u1_uid = server.uid_of("u1")
    assert userdb_lookup_as(server, u1_uid).startswith("USER\t1\tu1\t")
    other = userdb_lookup_as(server, 65534)
    assert other == "FAIL\t1\treason=Permission denied\n", other
    assert b"lookup refused to uid 65534" in server.read_log()
