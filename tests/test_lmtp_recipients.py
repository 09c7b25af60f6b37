# Copyright (c) Cove authors. See AUTHORS.
"""LMTP dialogue spoken by hand: per-recipient RCPT and DATA replies,
RSET and QUIT."""

import re

from helpers import mailbox_bodies, maildir_files, RawClient

MSG = (b"From: sender@example.org\r\n"
       b"Subject: lmtp recipients\r\n"
       b"\r\n"
       b"hello recipients\r\n"
       b".dot line\r\n")


def dot_stuff(msg):
    return re.sub(rb"(?m)^\.", b"..", msg)


def open_session(server):
    c = RawClient(server.lmtp_port)
    code, _ = c.smtp_reply()
    assert code == 220
    code, lines = c.smtp_cmd("LHLO client.test")
    assert code == 250
    return c


def send_data(c, msg, n_replies):
    code, _ = c.smtp_cmd("DATA")
    assert code == 354
    c.send(dot_stuff(msg) + b".\r\n")
    return [c.smtp_reply() for _ in range(n_replies)]


def test_one_known_one_unknown(server):
    c = open_session(server)
    try:
        assert c.smtp_cmd("MAIL FROM:<sender@example.org>")[0] == 250
        code, text = c.smtp_cmd("RCPT TO:<u1@localhost>")
        assert code == 250, text
        code, text = c.smtp_cmd("RCPT TO:<nosuchuser@localhost>")
        assert code == 550, text
        assert text[-1].startswith("5.1.1 "), text
        replies = send_data(c, MSG, 1)
        assert replies[0][0] == 250, replies
        # 250 means stored: the file is there before QUIT
        assert len(maildir_files(server, "u1")) == 1
        code, _ = c.smtp_cmd("QUIT")
        assert code == 221
        assert c.closed()
    finally:
        c.close()
    bodies = mailbox_bodies(server, "u1")
    assert len(bodies) == 1
    assert bodies[0].endswith(MSG)
    assert mailbox_bodies(server, "u2") == []


def test_two_known_recipients(server, target):
    c = open_session(server)
    try:
        assert c.smtp_cmd("MAIL FROM:<sender@example.org>")[0] == 250
        assert c.smtp_cmd("RCPT TO:<u1@localhost>")[0] == 250
        assert c.smtp_cmd("RCPT TO:<u2@localhost>")[0] == 250
        replies = send_data(c, MSG, 2)
        assert [r[0] for r in replies] == [250, 250], replies
        assert len(maildir_files(server, "u1")) == 1
        assert len(maildir_files(server, "u2")) == 1
        assert c.smtp_cmd("QUIT")[0] == 221
    finally:
        c.close()
    for user in ("u1", "u2"):
        bodies = mailbox_bodies(server, user)
        assert len(bodies) == 1, user
        assert bodies[0].endswith(MSG)
        if target != "cove":
            # Dovecot leaves Delivered-To out with several recipients
            continue
        assert re.search(rb"(?im)^Delivered-To: <?%s@localhost>?\r$" %
                         user.encode(), bodies[0].split(b"\r\n\r\n")[0] +
                         b"\r\n"), bodies[0][:400]


def test_username_format_lowercases(server):
    c = open_session(server)
    try:
        assert c.smtp_cmd("MAIL FROM:<sender@example.org>")[0] == 250
        code, text = c.smtp_cmd("RCPT TO:<U1@localhost>")
        assert code == 250, text
        assert send_data(c, MSG, 1)[0][0] == 250
        assert c.smtp_cmd("QUIT")[0] == 221
    finally:
        c.close()
    assert len(mailbox_bodies(server, "u1")) == 1


def test_rset_and_two_transactions(server):
    c = open_session(server)
    try:
        assert c.smtp_cmd("MAIL FROM:<sender@example.org>")[0] == 250
        assert c.smtp_cmd("RCPT TO:<u1@localhost>")[0] == 250
        assert c.smtp_cmd("RSET")[0] == 250
        # RSET dropped the transaction: DATA now has no recipients
        code, text = c.smtp_cmd("DATA")
        assert code == 503, text
        # a fresh transaction on the same connection works
        assert c.smtp_cmd("MAIL FROM:<a@example.org>")[0] == 250
        assert c.smtp_cmd("RCPT TO:<u2@localhost>")[0] == 250
        assert send_data(c, MSG, 1)[0][0] == 250
        assert c.smtp_cmd("MAIL FROM:<b@example.org>")[0] == 250
        assert c.smtp_cmd("RCPT TO:<u2@localhost>")[0] == 250
        assert send_data(c, MSG + b"second\r\n", 1)[0][0] == 250
        assert c.smtp_cmd("NOOP")[0] == 250
        code, _ = c.smtp_cmd("QUIT")
        assert code == 221
        assert c.closed()
    finally:
        c.close()
    assert mailbox_bodies(server, "u1") == []
    bodies = mailbox_bodies(server, "u2")
    assert len(bodies) == 2
    assert bodies[0].endswith(MSG)
    assert b"Return-Path: <a@example.org>\r\n" in bodies[0]
    assert bodies[1].endswith(MSG + b"second\r\n")
    assert b"Return-Path: <b@example.org>\r\n" in bodies[1]


def test_pipelining(server):
    c = RawClient(server.lmtp_port)
    try:
        assert c.smtp_reply()[0] == 220
        code, ext = c.smtp_cmd("LHLO client.test")
        assert code == 250
        if "PIPELINING" not in [e.upper() for e in ext]:
            c.smtp_cmd("QUIT")
            return
        c.send(b"MAIL FROM:<p@example.org>\r\n"
               b"RCPT TO:<u1@localhost>\r\n"
               b"RCPT TO:<nosuchuser@localhost>\r\n"
               b"RCPT TO:<u2@localhost>\r\n"
               b"DATA\r\n")
        codes = [c.smtp_reply()[0] for _ in range(5)]
        assert codes == [250, 250, 550, 250, 354], codes
        c.send(dot_stuff(MSG) + b".\r\nQUIT\r\n")
        codes = [c.smtp_reply()[0] for _ in range(3)]
        assert codes == [250, 250, 221], codes
    finally:
        c.close()
    assert len(mailbox_bodies(server, "u1")) == 1
    assert len(mailbox_bodies(server, "u2")) == 1
