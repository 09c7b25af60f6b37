# Copyright (c) Cove authors. See AUTHORS.
"""ID (RFC 2971) before and after login, ENABLE (RFC 5161), UNSELECT (RFC
3691), AUTHENTICATE with SASL-IR (RFC 4959) and LITERAL+ (RFC 7888) as
clients use them, and the CAPABILITY lists that advertise them."""

import base64
import re
from contextlib import closing

import pytest

from helpers import RawClient, deliver, maildir_files


def greeting(c):
    line = c.readline()
    assert line.startswith(b"* OK"), line
    return line


def login(server, c, tag="l"):
    line, _ = c.imap_cmd(tag, "LOGIN u1 " + server.users["u1"][2])
    assert line.startswith(tag.encode() + b" OK"), line
    return line


def caps_of(line):
    m = re.search(rb"CAPABILITY ([^\]\r\n]*)", line)
    assert m, line
    return set(m.group(1).split())


def server_name(target):
    return b"Cove" if target == "cove" else b"Dovecot"


def test_capabilities(server):
    with closing(RawClient(server.imap_port)) as c:
        pre = caps_of(greeting(c))
        line, untagged = c.imap_cmd("c", "CAPABILITY")
        assert line.startswith(b"c OK"), line
        assert caps_of(untagged[0]) == pre
        assert {b"IMAP4rev1", b"SASL-IR", b"LITERAL+", b"ID", b"ENABLE",
                b"IDLE", b"AUTH=PLAIN"} <= pre, pre
        login(server, c)
        line, untagged = c.imap_cmd("d", "CAPABILITY")
        assert line.startswith(b"d OK"), line
        post = caps_of(untagged[0])
        assert {b"IMAP4rev1", b"LITERAL+", b"ID", b"ENABLE", b"IDLE",
                b"UNSELECT"} <= post, post
        assert not any(cap.startswith(b"AUTH=") for cap in post), post


@pytest.mark.parametrize("args", [
    '("name" "Foxmail" "version" "7.2.25.375" "os" "windows")',
    "NIL",
    "()",
])
def test_id_before_and_after_login(server, target, args):
    reply = b'* ID ("name" "' + server_name(target) + b'")'
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        line, untagged = c.imap_cmd("a", "ID " + args)
        assert line.startswith(b"a OK"), line
        assert untagged == [reply], untagged
        login(server, c)
        line, untagged = c.imap_cmd("b", "ID " + args)
        assert line.startswith(b"b OK"), line
        assert untagged == [reply], untagged


def test_id_largest(server, target):
    """30 fields of 30-octet names and 1024-octet values (RFC 2971 3.3),
    before and after login."""
    args = "(%s)" % " ".join('"%s%02d" "%s"' % ("n" * 28, i, "v" * 1024)
                             for i in range(30))
    reply = b'* ID ("name" "' + server_name(target) + b'")'
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        line, untagged = c.imap_cmd("a", "ID " + args)
        assert line.startswith(b"a OK"), line
        assert untagged == [reply], untagged
        login(server, c)
        line, untagged = c.imap_cmd("b", "ID " + args)
        assert line.startswith(b"b OK"), line
        assert untagged == [reply], untagged


@pytest.mark.cove_only
def test_id_too_large_before_login(server):
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        c.sendline('a ID ("name" "%s")' % ("v" * 70000))
        assert c.readline() == b"* BYE Input line too long."
        assert c.closed()


@pytest.mark.cove_only
def test_id_fields_are_logged(server):
    value = "x" * 2000
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        line, _ = c.imap_cmd("a", 'ID ("name" "Foxmail" "version" "7.2")')
        assert line.startswith(b"a OK"), line
        login(server, c)
        line, _ = c.imap_cmd("b", 'ID ("name" "Thunder\\"bird" '
                             '"x-long" "%s" "support-url" NIL)' % value)
        assert line.startswith(b"b OK"), line
        line, _ = c.imap_cmd("o", "LOGOUT")
    log = server.read_log()
    assert b"ID sent: name=Foxmail, version=7.2 (rip=127.0.0.1" in log, log
    # values are cut at 1024 octets (RFC 2971 3.3)
    assert (b'ID sent: name=Thunder"bird, x-long=' + b"x" * 1024 +
            b"..., support-url=NIL\n") in log, log


# RFC 2971 syntax; Dovecot accepts anything after ID
@pytest.mark.cove_only
@pytest.mark.parametrize("args", [
    "", '("name")', "(name Foxmail)", "Foxmail", "NIL NIL",
    '("name" ("a"))',
])
def test_id_bad_arguments(server, args):
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        line, _ = c.imap_cmd("a", ("ID " + args).strip())
        assert line.startswith(b"a BAD"), line
        login(server, c)
        line, _ = c.imap_cmd("b", ("ID " + args).strip())
        assert line.startswith(b"b BAD"), line
        line, _ = c.imap_cmd("c", "NOOP")
        assert line.startswith(b"c OK"), line


def test_enable(server):
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        login(server, c)
        line, untagged = c.imap_cmd("a", "ENABLE X-NOSUCH")
        assert line.startswith(b"a OK"), line
        # nothing was enabled: an empty ENABLED (Cove) or none (Dovecot)
        assert untagged in ([b"* ENABLED"], []), untagged


# RFC 5161 3.1 syntax (Dovecot accepts these)
@pytest.mark.cove_only
@pytest.mark.parametrize("command", [
    "ENABLE", 'ENABLE ("X")', 'ENABLE "X"', "UNSELECT x",
])
def test_extension_syntax_errors(server, command):
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        login(server, c)
        line, _ = c.imap_cmd("s", "SELECT INBOX")
        assert line.startswith(b"s OK"), line
        line, untagged = c.imap_cmd("a", command)
        assert line.startswith(b"a BAD Error in IMAP command "), line
        assert untagged == [], untagged
        line, _ = c.imap_cmd("d", "NOOP")
        assert line.startswith(b"d OK"), line


def test_enable_before_login(server, target):
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        line, untagged = c.imap_cmd("a", "ENABLE X-NOSUCH")
        # RFC 5161 3.1: only after login (Dovecot: "OK ... ignored")
        if target == "cove":
            assert line == b"a BAD Please login first", line
            assert untagged == [], untagged
        login(server, c)


def test_unselect(server):
    deliver(server, b"Subject: u\r\n\r\nbody\r\n")
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        login(server, c)
        line, _ = c.imap_cmd("a", "UNSELECT")
        assert line.startswith(b"a BAD"), line
        line, _ = c.imap_cmd("b", "SELECT INBOX")
        assert line.startswith(b"b OK"), line
        line, _ = c.imap_cmd("c", "STORE 1 +FLAGS.SILENT (\\Deleted)")
        assert line.startswith(b"c OK"), line
        line, untagged = c.imap_cmd("d", "UNSELECT")
        assert line.startswith(b"d OK Unselect completed"), line
        # unlike CLOSE, UNSELECT expunges nothing
        assert untagged == [], untagged
        line, _ = c.imap_cmd("e", "FETCH 1 (FLAGS)")
        assert line.startswith(b"e BAD"), line
        line, untagged = c.imap_cmd("f", "SELECT INBOX")
        assert line.startswith(b"f OK"), line
        assert b"* 1 EXISTS" in untagged, untagged
        line, untagged = c.imap_cmd("g", "FETCH 1 (FLAGS)")
        assert re.match(rb"^\* 1 FETCH \(FLAGS \(.*\\Deleted.*\)\)$",
                        untagged[0]), untagged
    assert len(maildir_files(server)) == 1


def b64(s):
    return base64.b64encode(s.encode()).decode()


def test_authenticate_sasl_ir(server):
    password = server.users["u1"][2]
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        line, _ = c.imap_cmd("a", "AUTHENTICATE PLAIN " +
                             b64("\0u1\0" + password))
        assert line.startswith(b"a OK"), line
        line, _ = c.imap_cmd("b", "SELECT INBOX")
        assert line.startswith(b"b OK"), line


def test_authenticate_continuation(server):
    password = server.users["u1"][2]
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        c.sendline("a AUTHENTICATE PLAIN")
        assert c.readline() == b"+ "
        c.sendline(b64("\0u1\0" + password))
        line, _ = c.imap_tagged("a")
        assert line.startswith(b"a OK"), line


def test_authenticate_sasl_ir_wrong_password(server):
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        line, _ = c.imap_cmd("a", "AUTHENTICATE PLAIN " +
                             b64("\0u1\0wrong"))
        assert line.startswith(b"a NO [AUTHENTICATIONFAILED]"), line
        line, _ = c.imap_cmd("b", "AUTHENTICATE PLAIN !!!")
        assert line.startswith(b"b BAD"), line
        c.sendline("c AUTHENTICATE PLAIN")
        assert c.readline() == b"+ "
        c.sendline("*")
        line, _ = c.imap_tagged("c")
        assert line.startswith(b"c BAD"), line
        login(server, c)


def test_login_literal_plus(server):
    password = server.users["u1"][2].encode()
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        c.send(b"a LOGIN {2+}\r\nu1 {%d+}\r\n%s\r\n" %
               (len(password), password))
        line, _ = c.imap_tagged("a")
        assert line.startswith(b"a OK"), line
        c.send(b"b SELECT {5+}\r\nINBOX\r\n")
        line, _ = c.imap_tagged("b")
        assert line.startswith(b"b OK"), line


def test_login_synchronizing_literal(server):
    password = server.users["u1"][2].encode()
    with closing(RawClient(server.imap_port)) as c:
        greeting(c)
        c.send(b"a LOGIN u1 {%d}\r\n" % len(password))
        assert c.readline().startswith(b"+ ")
        c.send(password + b"\r\n")
        line, _ = c.imap_tagged("a")
        assert line.startswith(b"a OK"), line
