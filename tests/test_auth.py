# Copyright (c) Cove authors. See AUTHORS.
"""IMAP login: LOGIN, AUTHENTICATE PLAIN (with and without SASL-IR) and
LOGIN mechanism, failures that leave the connection usable, the
SHA512-CRYPT user."""

import base64
import imaplib

import pytest

from helpers import RawClient, imap_connect, logout, select

FAILED = b"NO [AUTHENTICATIONFAILED] Authentication failed."


def b64(data):
    return base64.b64encode(data).decode()


def connect(server):
    c = RawClient(server.imap_port)
    greeting = c.readline()
    assert greeting.startswith(b"* OK"), greeting
    return c


@pytest.fixture
def client(server):
    """A RawClient past the greeting of server's IMAP port."""
    c = connect(server)
    yield c
    c.close()


@pytest.fixture
def imaplib_client(server):
    """An imaplib connection to server, shut down unless logged out."""
    m = imap_connect(server)
    yield m
    if m.state != "LOGOUT":
        m.shutdown()


def assert_selected_and_logout(m, result):
    """result is a successful login's; SELECT and LOGOUT work after it."""
    typ, data = result
    assert typ == "OK", data
    assert select(m) == 0
    logout(m)


def assert_tagged_ok(c, tag):
    line, _ = c.imap_tagged(tag)
    assert line.startswith(tag.encode() + b" OK"), line


def assert_cmd_ok(c, tag, command):
    c.sendline(tag + " " + command)
    assert_tagged_ok(c, tag)


def read_continuation(c, prefix=b"+"):
    """Reads the server's continuation request line; returns it."""
    line = c.readline()
    assert line.startswith(prefix), line
    return line


def assert_logged_in(c, tag="z"):
    assert_cmd_ok(c, tag, "SELECT INBOX")
    line, untagged = c.imap_cmd(tag + "l", "LOGOUT")
    assert line.startswith(tag.encode() + b"l OK"), line
    assert any(u.startswith(b"* BYE") for u in untagged), untagged


def test_capability_before_login(client):
    line, untagged = client.imap_cmd("a", "CAPABILITY")
    assert line.startswith(b"a OK"), line
    caps = [u for u in untagged if u.startswith(b"* CAPABILITY ")]
    assert len(caps) == 1, untagged
    words = caps[0].upper().split()[2:]
    for cap in (b"IMAP4REV1", b"AUTH=PLAIN", b"AUTH=LOGIN", b"SASL-IR"):
        assert cap in words, caps


@pytest.mark.parametrize("failing,succeeding", [
    ('LOGIN "u1" "wrong"', "LOGIN u1 pass1"),
    ('LOGIN "u1" ""', "LOGIN u1 pass1"),
    ('LOGIN "nosuchuser" "pass1"', "LOGIN u1 pass1"),
    ('LOGIN "u2" "pass1"', "LOGIN u1 pass1"),
    # SASL-IR
    ("AUTHENTICATE PLAIN " + b64(b"\0u1\0wrong"),
     "AUTHENTICATE PLAIN " + b64(b"\0u1\0pass1")),
])
def test_login_failure_then_success(client, failing, succeeding):
    line, _ = client.imap_cmd("a", failing)
    assert line == b"a " + FAILED
    assert_cmd_ok(client, "b", succeeding)
    assert_logged_in(client)


@pytest.mark.parametrize("command", [
    # the SHA512-CRYPT user
    "LOGIN u2 pass2",
    # auth_username_format lowercases
    "LOGIN U1 pass1",
    # an authorization id that is the user itself
    "AUTHENTICATE PLAIN " + b64(b"u2\0u2\0pass2"),
])
def test_login_success(client, command):
    assert_cmd_ok(client, "a", command)
    assert_logged_in(client)


def test_login_imaplib(imaplib_client):
    m = imaplib_client
    with pytest.raises(imaplib.IMAP4.error) as e:
        m.login("u1", "wrong")
    assert "[AUTHENTICATIONFAILED]" in str(e.value)
    assert_selected_and_logout(m, m.login("u1", "pass1"))


def test_authenticate_plain_continuation(client):
    client.sendline("a AUTHENTICATE PLAIN")
    line = client.readline()
    assert line in (b"+", b"+ "), line
    client.sendline(b64(b"\0u1\0pass1"))
    assert_tagged_ok(client, "a")
    assert_logged_in(client)


def test_authenticate_cancel(client):
    client.sendline("a AUTHENTICATE PLAIN")
    read_continuation(client)
    client.sendline("*")
    line, _ = client.imap_tagged("a")
    assert line.startswith(b"a BAD"), line
    assert_cmd_ok(client, "b", "LOGIN u1 pass1")


def test_authenticate_login_mechanism(client):
    client.sendline("a AUTHENTICATE LOGIN")
    for prompt, answer in ((b"username", b"u2"), (b"password", b"pass2")):
        line = read_continuation(client, b"+ ")
        assert base64.b64decode(line[2:]).lower().startswith(prompt)
        client.sendline(b64(answer))
    assert_tagged_ok(client, "a")
    assert_logged_in(client)


def test_authenticate_imaplib(imaplib_client):
    m = imaplib_client
    assert_selected_and_logout(
        m, m.authenticate("PLAIN", lambda _: b"\0u1\0pass1"))


def test_commands_need_login(client):
    line, _ = client.imap_cmd("a", "SELECT INBOX")
    assert line.startswith(b"a BAD") or line.startswith(b"a NO"), line
    assert_cmd_ok(client, "b", "NOOP")
    line, untagged = client.imap_cmd("c", "LOGOUT")
    assert line.startswith(b"c OK"), line
    assert any(u.startswith(b"* BYE") for u in untagged)
    assert client.closed()


def test_login_with_literals(client):
    # synchronizing literals: the server asks for each with "+"
    client.sendline("a LOGIN {2}")
    read_continuation(client)
    client.sendline("u1 {5}")
    read_continuation(client)
    client.sendline("pass1")
    assert_tagged_ok(client, "a")
    assert_logged_in(client)


def test_login_quoted_and_literal_plus(client):
    line, untagged = client.imap_cmd("a", "CAPABILITY")
    caps = b" ".join(untagged).upper().split()
    line, _ = client.imap_cmd("b", 'LOGIN "u1" "pass\\"1"')
    assert line == b"b " + FAILED
    if b"LITERAL+" in caps:
        client.send(b"c LOGIN {2+}\r\nu2 {5+}\r\npass2\r\n")
    else:
        client.sendline('c LOGIN "u2" "pass2"')
    assert_tagged_ok(client, "c")
    assert_logged_in(client)


def test_capability_right_after_start(servers):
    """A client that connects the moment the ports open must already see
    the SASL mechanisms (the login process waits for auth before it
    answers)."""
    for _ in range(10):
        s = servers.new()
        c = connect(s)
        try:
            line, untagged = c.imap_cmd("a", "CAPABILITY")
            assert line.startswith(b"a OK"), line
            words = b" ".join(untagged).upper().split()
            assert b"AUTH=PLAIN" in words, untagged
        finally:
            c.close()
        assert s.stop()
