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


def assert_logged_in(c, tag="z"):
    line, _ = c.imap_cmd(tag, "SELECT INBOX")
    assert line.startswith(tag.encode() + b" OK"), line
    line, untagged = c.imap_cmd(tag + "l", "LOGOUT")
    assert line.startswith(tag.encode() + b"l OK"), line
    assert any(u.startswith(b"* BYE") for u in untagged), untagged


def test_capability_before_login(server):
    c = connect(server)
    try:
        line, untagged = c.imap_cmd("a", "CAPABILITY")
        assert line.startswith(b"a OK"), line
        caps = [u for u in untagged if u.startswith(b"* CAPABILITY ")]
        assert len(caps) == 1, untagged
        words = caps[0].upper().split()[2:]
        for cap in (b"IMAP4REV1", b"AUTH=PLAIN", b"AUTH=LOGIN", b"SASL-IR"):
            assert cap in words, caps
    finally:
        c.close()


@pytest.mark.parametrize("user,password", [
    ("u1", "wrong"),
    ("u1", ""),
    ("nosuchuser", "pass1"),
    ("u2", "pass1"),
])
def test_login_failure_then_success(server, user, password):
    c = connect(server)
    try:
        line, _ = c.imap_cmd("a", 'LOGIN "%s" "%s"' % (user, password))
        assert line == b"a " + FAILED
        line, _ = c.imap_cmd("b", "LOGIN u1 pass1")
        assert line.startswith(b"b OK"), line
        assert_logged_in(c)
    finally:
        c.close()


def test_login_imaplib(server):
    m = imap_connect(server)
    try:
        with pytest.raises(imaplib.IMAP4.error) as e:
            m.login("u1", "wrong")
        assert "[AUTHENTICATIONFAILED]" in str(e.value)
        typ, data = m.login("u1", "pass1")
        assert typ == "OK", data
        assert select(m) == 0
        logout(m)
    finally:
        if m.state != "LOGOUT":
            m.shutdown()


def test_sha512_crypt_user(server):
    c = connect(server)
    try:
        line, _ = c.imap_cmd("a", "LOGIN u2 pass2")
        assert line.startswith(b"a OK"), line
        assert_logged_in(c)
    finally:
        c.close()


def test_username_format_lowercases(server):
    c = connect(server)
    try:
        line, _ = c.imap_cmd("a", "LOGIN U1 pass1")
        assert line.startswith(b"a OK"), line
        assert_logged_in(c)
    finally:
        c.close()


def test_authenticate_plain_sasl_ir(server):
    c = connect(server)
    try:
        line, _ = c.imap_cmd("a", "AUTHENTICATE PLAIN " +
                             b64(b"\0u1\0wrong"))
        assert line == b"a " + FAILED
        line, _ = c.imap_cmd("b", "AUTHENTICATE PLAIN " +
                             b64(b"\0u1\0pass1"))
        assert line.startswith(b"b OK"), line
        assert_logged_in(c)
    finally:
        c.close()


def test_authenticate_plain_with_authzid_self(server):
    c = connect(server)
    try:
        line, _ = c.imap_cmd("a", "AUTHENTICATE PLAIN " +
                             b64(b"u2\0u2\0pass2"))
        assert line.startswith(b"a OK"), line
        assert_logged_in(c)
    finally:
        c.close()


def test_authenticate_plain_continuation(server):
    c = connect(server)
    try:
        c.sendline("a AUTHENTICATE PLAIN")
        line = c.readline()
        assert line in (b"+", b"+ "), line
        c.sendline(b64(b"\0u1\0pass1"))
        line, _ = c.imap_tagged("a")
        assert line.startswith(b"a OK"), line
        assert_logged_in(c)
    finally:
        c.close()


def test_authenticate_cancel(server):
    c = connect(server)
    try:
        c.sendline("a AUTHENTICATE PLAIN")
        line = c.readline()
        assert line.startswith(b"+"), line
        c.sendline("*")
        line, _ = c.imap_tagged("a")
        assert line.startswith(b"a BAD"), line
        line, _ = c.imap_cmd("b", "LOGIN u1 pass1")
        assert line.startswith(b"b OK"), line
    finally:
        c.close()


def test_authenticate_login_mechanism(server):
    c = connect(server)
    try:
        c.sendline("a AUTHENTICATE LOGIN")
        line = c.readline()
        assert line.startswith(b"+ "), line
        assert base64.b64decode(line[2:]).lower().startswith(b"username")
        c.sendline(b64(b"u2"))
        line = c.readline()
        assert line.startswith(b"+ "), line
        assert base64.b64decode(line[2:]).lower().startswith(b"password")
        c.sendline(b64(b"pass2"))
        line, _ = c.imap_tagged("a")
        assert line.startswith(b"a OK"), line
        assert_logged_in(c)
    finally:
        c.close()


def test_authenticate_imaplib(server):
    m = imap_connect(server)
    try:
        typ, data = m.authenticate("PLAIN", lambda _: b"\0u1\0pass1")
        assert typ == "OK", data
        assert select(m) == 0
        logout(m)
    finally:
        if m.state != "LOGOUT":
            m.shutdown()


def test_commands_need_login(server):
    c = connect(server)
    try:
        line, _ = c.imap_cmd("a", "SELECT INBOX")
        assert line.startswith(b"a BAD") or line.startswith(b"a NO"), line
        line, _ = c.imap_cmd("b", "NOOP")
        assert line.startswith(b"b OK"), line
        line, untagged = c.imap_cmd("c", "LOGOUT")
        assert line.startswith(b"c OK"), line
        assert any(u.startswith(b"* BYE") for u in untagged)
        assert c.closed()
    finally:
        c.close()


def test_login_with_literals(server):
    c = connect(server)
    try:
        # synchronizing literals: the server asks for each with "+"
        c.sendline("a LOGIN {2}")
        line = c.readline()
        assert line.startswith(b"+"), line
        c.sendline("u1 {5}")
        line = c.readline()
        assert line.startswith(b"+"), line
        c.sendline("pass1")
        line, _ = c.imap_tagged("a")
        assert line.startswith(b"a OK"), line
        assert_logged_in(c)
    finally:
        c.close()


def test_login_quoted_and_literal_plus(server):
    c = connect(server)
    try:
        line, untagged = c.imap_cmd("a", "CAPABILITY")
        caps = b" ".join(untagged).upper().split()
        line, _ = c.imap_cmd("b", 'LOGIN "u1" "pass\\"1"')
        assert line == b"b " + FAILED
        if b"LITERAL+" in caps:
            c.send(b"c LOGIN {2+}\r\nu2 {5+}\r\npass2\r\n")
        else:
            c.sendline('c LOGIN "u2" "pass2"')
        line, _ = c.imap_tagged("c")
        assert line.startswith(b"c OK"), line
        assert_logged_in(c)
    finally:
        c.close()


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
