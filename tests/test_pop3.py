# Copyright (c) Cove authors. See AUTHORS.
"""POP3 after login (RFC 1939, RFC 2449): every TRANSACTION command, the
UPDATE state, replies worded as Dovecot 2.3 words them, bytes of RETR and
TOP, bad input.  Run against Dovecot with COVE_TEST_TARGET=dovecot."""

import poplib
import re
import time

import pytest

from helpers import (RawClient, deliver, deliver_many, new_pop3_server,
                     pop3_login, pop3_raw_login, pop3_read_data,
                     pop3_unstuff)

MSGS = [
    b"Subject: one\r\nFrom: a@example.org\r\n\r\nline1\r\n.dot line\r\n"
    b"..two dots\r\n.\r\nend\r\n",
    b"Subject: two\r\n\r\nbody2\r\nmore\r\n",
    b"Subject: three\r\n\r\nbody3\r\n",
]


@pytest.fixture
def pop3_server(servers):
    return new_pop3_server(servers)


def crlf_size_of_retr(c, n):
    c.sendline("RETR %d" % n)
    head = c.readline()
    m = re.match(rb"\+OK (\d+) octets$", head)
    assert m, head
    return int(m.group(1)), pop3_read_data(c)


def test_capa_stat_list_uidl_noop(pop3_server):
    deliver_many(pop3_server, MSGS)
    c = pop3_raw_login(pop3_server)
    c.sendline("CAPA")
    assert c.readline() == b"+OK"
    capa = pop3_read_data(c).split(b"\r\n")
    for cap in (b"TOP", b"UIDL", b"RESP-CODES", b"PIPELINING"):
        assert cap in capa
    c.sendline("STAT")
    m = re.match(rb"\+OK 3 (\d+)$", c.readline())
    assert m
    total = int(m.group(1))
    c.sendline("LIST")
    assert c.readline() == b"+OK 3 messages:"
    sizes = [l.split() for l in pop3_read_data(c).split(b"\r\n")[:-1]]
    assert [int(n) for n, _ in sizes] == [1, 2, 3]
    assert sum(int(s) for _, s in sizes) == total
    c.sendline("LIST 2")
    assert c.readline() == b"+OK 2 " + sizes[1][1]
    c.sendline("UIDL")
    assert c.readline() == b"+OK"
    uidls = [l.split() for l in pop3_read_data(c).split(b"\r\n")[:-1]]
    assert [n for n, _ in uidls] == [b"1", b"2", b"3"]
    assert len(set(u for _, u in uidls)) == 3
    c.sendline("UIDL 3")
    assert c.readline() == b"+OK 3 " + uidls[2][1]
    c.sendline("NOOP")
    assert c.readline() == b"+OK"
    # every size is the CRLF size that RETR sends (after un-stuffing)
    for i in range(3):
        size, data = crlf_size_of_retr(c, i + 1)
        assert size == int(sizes[i][1])
        assert len(pop3_unstuff(data)) == size
    c.sendline("QUIT")
    assert c.readline() == b"+OK Logging out."


def test_retr_bytes_dot_stuffing(pop3_server):
    deliver_many(pop3_server, MSGS)
    c = pop3_raw_login(pop3_server)
    size, data = crlf_size_of_retr(c, 1)
    # dot-stuffed on the wire, CRLF everywhere
    assert b"\r\n..dot line\r\n...two dots\r\n..\r\nend\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    msg = pop3_unstuff(data)
    assert len(msg) == size
    # the delivered message, after the trace headers
    assert msg.endswith(MSGS[0])
    assert msg.startswith(b"Return-Path: <sender@example.org>\r\n")
    c.sendline("QUIT")
    assert c.readline() == b"+OK Logging out."


def test_poplib_session(pop3_server):
    deliver_many(pop3_server, MSGS)
    p = pop3_login(pop3_server)
    try:
        count, total = p.stat()
        assert count == 3
        resp, lines, _ = p.retr(1)
        assert resp.startswith(b"+OK")
        # poplib un-stuffs and drops the CRLFs
        body = b"\r\n".join(lines) + b"\r\n"
        assert body.endswith(MSGS[0])
        resp, lines, _ = p.top(2, 1)
        assert lines[-2:] == [b"", b"body2"]
        assert b"Subject: two" in lines
        assert p.dele(2).startswith(b"+OK Marked to be deleted.")
        assert p.stat()[0] == 2
        assert p.rset() == b"+OK"
        assert p.stat() == (count, total)
        assert p.noop() == b"+OK"
        assert p.dele(3) == b"+OK Marked to be deleted."
        assert p.quit() == b"+OK Logging out, messages deleted."
    finally:
        p.close()
    p = pop3_login(pop3_server)
    assert p.stat()[0] == 2
    p.quit()


def test_top(pop3_server):
    deliver(pop3_server, b"Subject: top\r\nX-A: b\r\n\r\n1\r\n.2\r\n3\r\n")
    deliver(pop3_server, b"Subject: no body separator\r\nX-A: b\r\n")
    c = pop3_raw_login(pop3_server)
    c.sendline("TOP 1 0")
    assert c.readline() == b"+OK"
    data = pop3_read_data(c)
    assert data.endswith(b"Subject: top\r\nX-A: b\r\n\r\n")
    c.sendline("TOP 1 2")
    assert c.readline() == b"+OK"
    assert pop3_read_data(c).endswith(b"X-A: b\r\n\r\n1\r\n..2\r\n")
    c.sendline("TOP 1 100")
    assert c.readline() == b"+OK"
    assert pop3_read_data(c).endswith(b"\r\n\r\n1\r\n..2\r\n3\r\n")
    c.sendline("TOP 2 0")
    assert c.readline() == b"+OK"
    assert pop3_read_data(c).endswith(b"X-A: b\r\n")
    c.sendline("TOP 1 x")
    assert c.readline() == b"-ERR Invalid size: x"
    c.sendline("TOP 1")
    assert c.readline().startswith(b"-ERR ")
    c.sendline("QUIT")
    assert c.readline() == b"+OK Logging out."


def test_client_workarounds(servers):
    s = new_pop3_server(servers, "pop3_client_workarounds = "
                        "outlook-no-nuls oe-ns-eoh\n")
    deliver(s, b"Subject: nul\r\n\r\nn\x00l\r\n")
    deliver(s, b"Subject: no body separator\r\nX-A: b\r\n")
    c = pop3_raw_login(s)
    _, data = crlf_size_of_retr(c, 1)
    assert data.endswith(b"\r\n\r\nn\x80l\r\n")
    _, data = crlf_size_of_retr(c, 2)
    assert data.endswith(b"X-A: b\r\n\r\n")
    c.sendline("QUIT")
    assert c.readline() == b"+OK Logging out."


def test_errors_session_goes_on(pop3_server):
    deliver_many(pop3_server, MSGS)
    c = pop3_raw_login(pop3_server)
    for cmd, reply in (
            ("LIST 99", b"-ERR There's no message 99."),
            ("RETR 99", b"-ERR There's no message 99."),
            ("RETR 0", b"-ERR There's no message 0."),
            ("RETR x", b"-ERR Invalid message number: x"),
            ("RETR", b"-ERR Invalid message number: "),
            ("RETR -1", b"-ERR Invalid message number: -1"),
            ("RETR 1x", b"-ERR Noise after message number: x"),
            ("LIST 1 2", b"-ERR Noise after message number:  2"),
            ("FOO", b"-ERR Unknown command: FOO"),
            ("foo bar", b"-ERR Unknown command: FOO"),
            ("USER u1", b"-ERR Unknown command: USER"),
            ("DELE 1", b"+OK Marked to be deleted."),
            ("DELE 1", b"-ERR Message is deleted."),
            ("RETR 1", b"-ERR Message is deleted."),
            ("UIDL 1", b"-ERR Message is deleted."),
            ("stat", b"+OK 2 "),
            ("RSET", b"+OK"),
            ("RETR 4294967296", b"-ERR Message number too large: ")):
        c.sendline(cmd)
        line = c.readline()
        assert line.startswith(reply), (cmd, line)
    c.sendline("LIST")
    assert c.readline() == b"+OK 3 messages:"
    pop3_read_data(c)
    c.sendline("QUIT")
    assert c.readline() == b"+OK Logging out."


def test_too_many_bad_commands(pop3_server):
    c = pop3_raw_login(pop3_server)
    c.send(b"FOO\r\n" * 30)
    data = c.read_until_closed()
    lines = data.split(b"\r\n")
    assert lines.count(b"-ERR Unknown command: FOO") < 30
    assert b"-ERR Too many bad commands." in lines


def test_overlong_line(pop3_server):
    c = pop3_raw_login(pop3_server)
    c.send(b"NOOP " + b"x" * 100000 + b"\r\n")
    try:
        line = c.readline()
    except ConnectionResetError:
        pytest.fail("no -ERR before the connection was reset")
    assert line == b"-ERR Input line too long."


def test_pipelining_one_packet(pop3_server):
    deliver_many(pop3_server, MSGS)
    c = RawClient(pop3_server.pop3_port)
    assert c.readline().startswith(b"+OK")
    c.send(b"USER u1\r\nPASS pass1\r\nSTAT\r\nLIST 1\r\nUIDL 2\r\n"
           b"RETR 3\r\nNOOP\r\nQUIT\r\n")
    data = c.read_until_closed()
    lines = data.split(b"\r\n")
    assert lines[0] == b"+OK"
    assert lines[1] == b"+OK Logged in."
    assert re.match(rb"\+OK 3 \d+$", lines[2])
    assert re.match(rb"\+OK 1 \d+$", lines[3])
    assert re.match(rb"\+OK 2 \S+$", lines[4])
    assert re.match(rb"\+OK \d+ octets$", lines[5])
    assert data.endswith(MSGS[2] + b".\r\n+OK\r\n+OK Logging out.\r\n")


def test_pipelining_after_login(pop3_server):
    """Commands in the same packet as PASS reach the worker through the
    login process."""
    deliver_many(pop3_server, MSGS)
    c = RawClient(pop3_server.pop3_port)
    assert c.readline().startswith(b"+OK")
    c.sendline("USER u1")
    assert c.readline() == b"+OK"
    c.send(b"PASS pass1\r\nSTAT\r\nLI")
    assert c.readline() == b"+OK Logged in."
    assert re.match(rb"\+OK 3 \d+$", c.readline())
    c.send(b"ST 2\r\nQUIT\r\n")
    assert re.match(rb"\+OK 2 \d+$", c.readline())
    assert c.readline() == b"+OK Logging out."


def test_wrong_password(pop3_server):
    p = poplib.POP3("127.0.0.1", pop3_server.pop3_port, timeout=30)
    p.user("u1")
    with pytest.raises(poplib.error_proto) as e:
        p.pass_("wrong")
    assert e.value.args[0].startswith(b"-ERR [AUTH]")
    p.close()


def test_large_message_streamed(pop3_server):
    """A message far larger than any buffer, with commands pipelined
    behind its RETR, read slowly."""
    body = b"".join(b".line %06d of a large message\r\n" % i
                    for i in range(100000))
    msg = b"Subject: large\r\n\r\n" + body
    deliver(pop3_server, msg)
    c = pop3_raw_login(pop3_server)
    c.send(b"RETR 1\r\nNOOP\r\nTOP 1 1\r\nQUIT\r\n")
    head = c.readline()
    assert re.match(rb"\+OK (\d+) octets$", head)
    data = b""
    while len(data) < 1 << 20:
        chunk = c.sock.recv(65536)
        assert chunk
        data += chunk
        time.sleep(0.001)
    c.buf += data
    data = pop3_read_data(c)
    assert int(head.split()[1]) == len(pop3_unstuff(data))
    assert pop3_unstuff(data).endswith(msg)
    assert c.readline() == b"+OK"
    assert c.readline() == b"+OK"
    assert pop3_read_data(c).endswith(b"Subject: large\r\n\r\n"
                                      b"..line 000000 of a large message\r\n")
    assert c.readline() == b"+OK Logging out."
