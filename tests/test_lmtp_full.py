# Copyright (c) Cove authors. See AUTHORS.
"""LMTP in full (issue 7): CHUNKING/BDAT (RFC 3030), SMTPUTF8 (RFC 6531),
SIZE limits, many recipients, odd lines, a client that disconnects in
DATA and a mailbox that cannot be written."""

import os
import re
import time

import pytest

from helpers import mailbox_bodies, maildir_files, RawClient

pytestmark = pytest.mark.cove_only

MSG = (b"From: sender@example.org\r\n"
       b"Subject: lmtp full\r\n"
       b"\r\n"
       b"first line\r\n"
       b".leading dot stays in BDAT\r\n"
       b"last line\r\n")

# Header lines the delivery may put before the message (Return-Path,
# Delivered-To, Received, ... and their continuation lines).
TRACE_RE = re.compile(rb"\A(?:[A-Za-z][A-Za-z0-9-]*:[^\n]*\n"
                      rb"(?:[ \t][^\n]*\n)*)*")


def open_session(server):
    c = RawClient(server.lmtp_port)
    assert c.smtp_reply()[0] == 220
    code, lines = c.smtp_cmd("LHLO client.test")
    assert code == 250, lines
    return c, [l.upper() for l in lines]


def envelope(c, rcpts, sender="sender@example.org", params=""):
    code, text = c.smtp_cmd("MAIL FROM:<%s>%s" % (sender, params))
    assert code == 250, text
    for r in rcpts:
        code, text = c.smtp_cmd("RCPT TO:<%s>" % r)
        assert code == 250, text


def bdat_deliver(server, msg):
    """Sends msg to u1 as one BDAT LAST chunk in a session of its own;
    returns the reply."""
    c, _ = open_session(server)
    try:
        envelope(c, ["u1@localhost"])
        c.send(b"BDAT %d LAST\r\n" % len(msg) + msg)
        return c.smtp_reply()
    finally:
        c.close()


def strip_trace(body):
    """The message after the trace headers delivery added."""
    m = TRACE_RE.match(body)
    return body[m.end():]


def assert_delivered_exactly(server, msg, user="u1", count=1):
    bodies = mailbox_bodies(server, user)
    assert len(bodies) == count, bodies
    for body in bodies:
        assert body.endswith(msg), body
        assert strip_trace(body[:-len(msg)]) == b"", body


def dot_stuff(msg):
    return re.sub(rb"(?m)^\.", b"..", msg)


def lmtp_server(servers, conf=""):
    return servers.new(extra_conf=conf)


# --- LHLO ----------------------------------------------------------------

def test_lhlo_extensions(server):
    c, lines = open_session(server)
    try:
        for ext in ("CHUNKING", "SMTPUTF8", "PIPELINING", "8BITMIME",
                    "ENHANCEDSTATUSCODES"):
            assert ext in lines, lines
        assert any(l.startswith("SIZE") for l in lines), lines
    finally:
        c.close()


# --- BDAT ----------------------------------------------------------------

def test_bdat_one_chunk(server):
    c, _ = open_session(server)
    try:
        envelope(c, ["u1@localhost"])
        c.send(b"BDAT %d LAST\r\n" % len(MSG) + MSG)
        code, text = c.smtp_reply()
        assert code == 250, text
        assert len(maildir_files(server, "u1")) == 1
        assert c.smtp_cmd("QUIT")[0] == 221
    finally:
        c.close()
    assert_delivered_exactly(server, MSG)


def test_bdat_several_chunks(server):
    chunks = [MSG[:5], MSG[5:30], b"", MSG[30:]]
    c, _ = open_session(server)
    try:
        envelope(c, ["u1@localhost"])
        for chunk in chunks[:-1]:
            c.send(b"BDAT %d\r\n" % len(chunk) + chunk)
            code, text = c.smtp_reply()
            assert code == 250, text
        # the last chunk pipelined with QUIT
        c.send(b"BDAT %d LAST\r\n" % len(chunks[-1]) + chunks[-1] +
               b"QUIT\r\n")
        assert c.smtp_reply()[0] == 250
        assert c.smtp_reply()[0] == 221
    finally:
        c.close()
    assert_delivered_exactly(server, MSG)


def test_bdat_bytes_taken_as_is(server):
    # no dot-unstuffing, bare LF and a lone "." line stay as they are
    msg = b"Subject: raw\r\n\r\n..two dots\r\n.\r\nbare\nlf\r\n"
    assert bdat_deliver(server, msg)[0] == 250
    bodies = mailbox_bodies(server)
    assert len(bodies) == 1
    assert b"\r\n..two dots\r\n.\r\n" in bodies[0], bodies
    assert bodies[0].endswith(b"lf\r\n"), bodies


def test_bdat_two_recipients(server):
    c, _ = open_session(server)
    try:
        envelope(c, ["u1@localhost", "u2@localhost"])
        c.send(b"BDAT 10\r\n" + MSG[:10])
        assert c.smtp_reply()[0] == 250
        rest = MSG[10:]
        c.send(b"BDAT %d LAST\r\n" % len(rest) + rest)
        r1 = c.smtp_reply()
        r2 = c.smtp_reply()
        assert r1[0] == 250 and "<u1@localhost>" in r1[1][-1], r1
        assert r2[0] == 250 and "<u2@localhost>" in r2[1][-1], r2
        # the next transaction starts cleanly
        assert c.smtp_cmd("RSET")[0] == 250
    finally:
        c.close()
    assert_delivered_exactly(server, MSG, "u1")
    assert_delivered_exactly(server, MSG, "u2")


def test_bdat_without_envelope(server):
    c, _ = open_session(server)
    try:
        # the chunk is read and dropped: the NOOP after it is a command
        c.send(b"BDAT 5 LAST\r\nhelloNOOP\r\n")
        assert c.smtp_reply()[0] == 503
        assert c.smtp_reply()[0] == 250
        assert c.smtp_cmd("MAIL FROM:<a@example.org>")[0] == 250
        c.send(b"BDAT 6 LAST\r\nNOOP\r\nNOOP\r\n")
        assert c.smtp_reply()[0] == 503
        assert c.smtp_reply()[0] == 250
        assert c.smtp_cmd("BDAT x")[0] == 501
    finally:
        c.close()
    assert maildir_files(server, "u1") == {}


def test_data_after_bdat(server):
    c, _ = open_session(server)
    try:
        envelope(c, ["u1@localhost"])
        c.send(b"BDAT 4\r\nabcd")
        assert c.smtp_reply()[0] == 250
        code, text = c.smtp_cmd("DATA")
        assert code == 503, text
        rest = b"\r\n" + MSG
        c.send(b"BDAT %d LAST\r\n" % len(rest) + rest)
        assert c.smtp_reply()[0] == 250
    finally:
        c.close()
    assert_delivered_exactly(server, b"abcd\r\n" + MSG)


def test_rset_between_chunks(server):
    c, _ = open_session(server)
    try:
        envelope(c, ["u1@localhost"])
        c.send(b"BDAT 7\r\ndropped")
        assert c.smtp_reply()[0] == 250
        assert c.smtp_cmd("RSET")[0] == 250
        # a new transaction: the chunk is gone and DATA is allowed again
        envelope(c, ["u1@localhost"])
        assert c.smtp_cmd("DATA")[0] == 354
        c.send(dot_stuff(MSG) + b".\r\n")
        assert c.smtp_reply()[0] == 250
    finally:
        c.close()
    assert_delivered_exactly(server, MSG)


def test_bdat_disconnect(server):
    c, _ = open_session(server)
    envelope(c, ["u1@localhost"])
    c.send(b"BDAT 100 LAST\r\n" + MSG[:20])
    c.close()
    time.sleep(0.5)
    assert maildir_files(server, "u1") == {}
    assert_tmp_empty(server)


# --- SMTPUTF8 ------------------------------------------------------------

def test_smtputf8(server):
    c, _ = open_session(server)
    try:
        assert c.smtp_cmd("MAIL FROM:<s\u00e9nder@example.org>")[0] == 501
        assert c.smtp_cmd("MAIL FROM:<a@example.org>")[0] == 250
        assert c.smtp_cmd("RCPT TO:<\u00fc1@localhost>")[0] == 501
        assert c.smtp_cmd("RSET")[0] == 250
        code, text = c.smtp_cmd("MAIL FROM:<s\u00e9nder@example.org> "
                                "SMTPUTF8")
        assert code == 250, text
        code, text = c.smtp_cmd("RCPT TO:<\u00fc1@localhost>")
        assert code == 550, text
        # SMTPUTF8 allows UTF-8, not arbitrary 8-bit bytes
        code, text = c.smtp_cmd(b"RCPT TO:<\xfc1@localhost>")
        assert code == 501, text
        assert c.smtp_cmd("RCPT TO:<u1@localhost>")[0] == 250
        msg = "Subject: Gr\u00fc\u00dfe\r\n\r\nK\u00f6ln\r\n".encode()
        c.send(b"DATA\r\n")
        assert c.smtp_reply()[0] == 354
        c.send(msg + b".\r\n")
        assert c.smtp_reply()[0] == 250
    finally:
        c.close()
    assert_delivered_exactly(server, msg)


# --- SIZE ----------------------------------------------------------------

LIMIT = 1000


def sized_message(size):
    head = b"Subject: size\r\n\r\n"
    body = b"x" * (size - len(head) - 2) + b"\r\n"
    return head + body


def test_size_limit_data(servers):
    server = lmtp_server(servers, "lmtp_max_message_size = %d\n" % LIMIT)
    c, lines = open_session(server)
    try:
        assert "SIZE %d" % LIMIT in lines, lines
        code, text = c.smtp_cmd("MAIL FROM:<a@example.org> SIZE=%d"
                                % (LIMIT + 1))
        assert code == 552 and text[-1].startswith("5.3.4"), text
        # the over-size message comes without SIZE=, as if it lied
        for size, code, param in ((LIMIT, 250, " SIZE=%d" % LIMIT),
                                  (LIMIT + 1, 552, "")):
            envelope(c, ["u1@localhost", "u2@localhost"], params=param)
            assert c.smtp_cmd("DATA")[0] == 354
            c.send(sized_message(size) + b".\r\n")
            replies = [c.smtp_reply(), c.smtp_reply()]
            assert [r[0] for r in replies] == [code, code], replies
            if code == 552:
                assert all(r[1][-1].startswith("5.3.4") for r in replies)
    finally:
        c.close()
    assert_delivered_exactly(server, sized_message(LIMIT), "u1")
    assert_delivered_exactly(server, sized_message(LIMIT), "u2")


def test_size_limit_bdat(servers):
    server = lmtp_server(servers, "lmtp_max_message_size = %d\n" % LIMIT)
    c, _ = open_session(server)
    try:
        for size, code in ((LIMIT + 1, 552), (LIMIT, 250)):
            msg = sized_message(size)
            envelope(c, ["u1@localhost", "u2@localhost"])
            # the limit counts all chunks together
            c.send(b"BDAT 600\r\n" + msg[:600])
            assert c.smtp_reply()[0] == 250
            c.send(b"BDAT %d LAST\r\n" % (size - 600) + msg[600:])
            replies = [c.smtp_reply(), c.smtp_reply()]
            assert [r[0] for r in replies] == [code, code], replies
    finally:
        c.close()
    assert_delivered_exactly(server, sized_message(LIMIT), "u1")
    assert_delivered_exactly(server, sized_message(LIMIT), "u2")


# --- many recipients -----------------------------------------------------

def test_fifty_recipients(servers):
    rcpts = []
    for i in range(50):
        rcpts.append(("u1@localhost", "u2@localhost",
                      "nobody%d@localhost" % i)[i % 3])
    # the limit counts accepted recipients: the 51st RCPT exceeds it
    n_known = len([r for r in rcpts if not r.startswith("nobody")])
    server = lmtp_server(servers, "lmtp_max_recipients = %d\n" % n_known)
    c, _ = open_session(server)
    try:
        assert c.smtp_cmd("MAIL FROM:<a@example.org>")[0] == 250
        # pipelined: all RCPTs in one write, replies in order
        c.send("".join("RCPT TO:<%s>\r\n" % r for r in rcpts) +
               "RCPT TO:<u1@localhost>\r\n")
        accepted = []
        for r in rcpts:
            code, text = c.smtp_reply()
            if r.startswith("nobody"):
                assert code == 550, (r, text)
                assert text[-1].startswith("5.1.1 <%s>" % r), text
            else:
                assert code == 250, (r, text)
                accepted.append(r)
        code, text = c.smtp_reply()
        assert (code, text[-1]) == (452, "4.5.3 Too many recipients")
        c.send(b"DATA\r\n" + dot_stuff(MSG) + b".\r\n")
        assert c.smtp_reply()[0] == 354
        for r in accepted:
            code, text = c.smtp_reply()
            assert code == 250, (r, text)
            assert "<%s>" % r in text[-1], (r, text)
    finally:
        c.close()
    assert_delivered_exactly(server, MSG, "u1", rcpts.count("u1@localhost"))
    assert_delivered_exactly(server, MSG, "u2", rcpts.count("u2@localhost"))


# --- odd lines in DATA ---------------------------------------------------

def test_data_bare_lf_and_dot_lines(server):
    msg = (b"Subject: odd lines\r\n\r\n"
           b"bare\nlf line\r\n"
           b".starts with a dot\r\n"
           b"..two dots\r\n"
           b".x\r\n")
    c, _ = open_session(server)
    try:
        envelope(c, ["u1@localhost"])
        assert c.smtp_cmd("DATA")[0] == 354
        c.send(dot_stuff(msg) + b".\r\n")
        assert c.smtp_reply()[0] == 250
    finally:
        c.close()
    bodies = mailbox_bodies(server)
    assert len(bodies) == 1
    body = bodies[0]
    assert b"\r\n.starts with a dot\r\n..two dots\r\n.x\r\n" in body, body
    assert b"bare" in body and b"lf line\r\n" in body, body


# --- failures ------------------------------------------------------------

def assert_tmp_empty(server, user="u1"):
    tmp = os.path.join(server.maildir(user), "tmp")
    if os.path.isdir(tmp):
        assert os.listdir(tmp) == []


def test_disconnect_in_data(server):
    c, _ = open_session(server)
    envelope(c, ["u1@localhost"])
    assert c.smtp_cmd("DATA")[0] == 354
    c.send(MSG + b"x" * 200000)
    c.close()
    time.sleep(0.5)
    assert maildir_files(server, "u1") == {}
    assert_tmp_empty(server)
    # the server is fine afterwards
    assert bdat_deliver(server, MSG)[0] == 250
    assert_delivered_exactly(server, MSG)


@pytest.mark.root_only
def test_unwritable_maildir(server):
    # deliver once so that the Maildir exists, then take away the mail
    # user's write permission (root writes anyway, the user does not)
    assert bdat_deliver(server, MSG)[0] == 250
    md = server.maildir("u1")
    saved = {d: os.stat(os.path.join(md, d)).st_mode
             for d in ("tmp", "new")}
    for d in saved:
        os.chmod(os.path.join(md, d), 0o500)
    msg2 = MSG.replace(b"lmtp full", b"second")
    code, text = bdat_deliver(server, msg2)
    assert 400 <= code < 500, text
    assert text[-1].startswith("4."), text
    for d, mode in saved.items():
        os.chmod(os.path.join(md, d), mode)
    assert len(maildir_files(server, "u1")) == 1
    assert_tmp_empty(server)
    # after the fix the retry works and nothing was lost
    assert bdat_deliver(server, msg2)[0] == 250
    bodies = mailbox_bodies(server)
    assert len(bodies) == 2
    assert bodies[0].endswith(MSG) and bodies[1].endswith(msg2)

