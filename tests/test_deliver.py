# Copyright (c) Cove authors. See AUTHORS.
"""cove-deliver, the LDA for an MTA's pipe: a message on stdin is
delivered into the user's Maildir and comes back over IMAP after exactly
the Return-Path and Delivered-To trace headers; the exit codes are the
sysexits ones that MTAs act on. LMTP, which shares the delivery code, adds
a Received header too."""

import os
import re
import subprocess

import pytest

from helpers import deliver, mailbox_bodies, maildir_files

pytestmark = pytest.mark.cove_only

EX_DATAERR = 65
EX_NOUSER = 67
EX_TEMPFAIL = 75

MSG = (b"From: Sender <sender@example.org>\r\n"
       b"To: u1@localhost\r\n"
       b"Subject: deliver test\r\n"
       b"Message-ID: <deliver@example.org>\r\n"
       b"\r\n"
       b"First line.\r\n"
       b".\r\n"
       b"From the middle\r\n"
       b"last line\r\n")


def deliver_argv(server, *args):
    return [os.path.join(server.prefix, "libexec", "cove", "cove-deliver"),
            "-c", server.conf] + list(args)


def run_deliver(server, data, *args):
    return subprocess.run(deliver_argv(server, *args), input=data,
                          capture_output=True, timeout=60)


def expect_one(server, original, sender="MAILER-DAEMON",
               delivered_to="u1", user="u1"):
    """The user's INBOX holds one message: exactly the two trace headers
    and then original (CRLF over IMAP)."""
    bodies = mailbox_bodies(server, user)
    assert len(bodies) == 1
    trace = (b"Return-Path: <%s>\r\nDelivered-To: %s\r\n" %
             (sender.encode(), delivered_to.encode()))
    assert bodies[0] == trace + original, bodies[0][:500]


def test_deliver_crlf(server):
    res = run_deliver(server, MSG, "-d", "u1")
    assert res.returncode == 0, res.stderr
    # in new/ when cove-deliver exits, stored with LF
    files = maildir_files(server)
    assert len(files) == 1
    path, data = files.popitem()
    assert os.path.basename(os.path.dirname(path)) == "new"
    assert b"\r" not in data
    assert data.endswith(MSG.replace(b"\r\n", b"\n"))
    expect_one(server, MSG)


def test_deliver_lf(server):
    res = run_deliver(server, MSG.replace(b"\r\n", b"\n"), "-d", "u1")
    assert res.returncode == 0, res.stderr
    data = list(maildir_files(server).values())[0]
    assert data.endswith(MSG.replace(b"\r\n", b"\n"))
    expect_one(server, MSG)


def test_mbox_from_line_dropped(server):
    res = run_deliver(server, b"From sender@example.org  Mon Nov 23 "
                      b"10:00:00 2026\n" + MSG.replace(b"\r\n", b"\n"),
                      "-d", "u1")
    assert res.returncode == 0, res.stderr
    expect_one(server, MSG)


def test_mta_return_path_replaced(server):
    # as Postfix's local and pipe (flag R) prepend it
    res = run_deliver(server, b"From a@example.org  Mon Nov 23 10:00:00 "
                      b"2026\nReturn-Path: <a@example.org>\n" +
                      MSG.replace(b"\r\n", b"\n"), "-d", "u1",
                      "-f", "a@example.org")
    assert res.returncode == 0, res.stderr
    expect_one(server, MSG, sender="a@example.org")


@pytest.mark.parametrize("existing,added", [
    (b"Delivered-To: u1+list@localhost\r\n", False),
    (b"Delivered-To: <U1+LIST@localhost>\r\n", False),
    (b"Delivered-To: other@localhost\r\n", True),
])
def test_mta_delivered_to_kept_once(server, existing, added):
    """Postfix's local (and pipe with flag D) prepends Delivered-To: a
    second one for the same address is not added (dovecot-lda adds
    none)."""
    res = run_deliver(server, existing + MSG, "-d", "u1",
                      "-a", "u1+list@localhost")
    assert res.returncode == 0, res.stderr
    if added:
        expect_one(server, existing + MSG, delivered_to="u1+list@localhost")
    else:
        assert mailbox_bodies(server) == [
            b"Return-Path: <MAILER-DAEMON>\r\n" + existing + MSG]


def test_sender_and_address(server):
    res = run_deliver(server, MSG, "-d", "u1", "-f", "a@example.org",
                      "-a", "u1+list@localhost")
    assert res.returncode == 0, res.stderr
    expect_one(server, MSG, sender="a@example.org",
               delivered_to="u1+list@localhost")


def test_null_sender(server):
    res = run_deliver(server, MSG, "-d", "u2", "-f", "<>")
    assert res.returncode == 0, res.stderr
    expect_one(server, MSG, sender="", delivered_to="u2", user="u2")


def test_unknown_user(server):
    res = run_deliver(server, MSG, "-d", "nosuchuser")
    assert res.returncode == EX_NOUSER
    err = res.stderr.decode()
    assert len(err.strip().splitlines()) == 1, err
    assert "nosuchuser" in err and "INBOX" in err, err
    for user in ("u1", "u2"):
        assert maildir_files(server, user) == {}


def test_server_stopped(server):
    assert server.stop()
    res = run_deliver(server, MSG, "-d", "u1")
    assert res.returncode == EX_TEMPFAIL, res.stderr
    assert b"u1" in res.stderr
    assert maildir_files(server) == {}


def test_empty_input(server):
    res = run_deliver(server, b"", "-d", "u1")
    assert res.returncode == EX_DATAERR
    assert b"u1" in res.stderr
    assert maildir_files(server) == {}


@pytest.mark.root_only
def test_usage(server):
    # without -d, the user is the one running it: not root
    res = run_deliver(server, MSG)
    assert res.returncode == 64
    assert b"-d USER" in res.stderr
    res = run_deliver(server, MSG, "-d", "u1", "extra")
    assert res.returncode == 64
    assert maildir_files(server) == {}


def test_10mb(server):
    line = b"0123456789abcdefghijklmnopqrstuvwxyz" * 2 + b"\r\n"
    msg = MSG + line * (10 * 1024 * 1024 // len(line) + 1)
    res = run_deliver(server, msg, "-d", "u1")
    assert res.returncode == 0, res.stderr
    expect_one(server, msg)


def test_too_large(servers):
    server = servers.new(extra_conf="lmtp_max_message_size = 1k\n")
    res = run_deliver(server, MSG + b"x" * 2000 + b"\r\n", "-d", "u1")
    assert res.returncode == EX_DATAERR
    assert b"lmtp_max_message_size" in res.stderr
    assert maildir_files(server) == {}


def test_missing_mailbox_goes_to_inbox(server):
    res = run_deliver(server, MSG, "-d", "u1", "-m", "NoSuchFolder")
    assert res.returncode == 0, res.stderr
    assert b"NoSuchFolder" in res.stderr
    expect_one(server, MSG)


def test_lmtp_trace_headers(server):
    deliver(server, MSG, rcpt="u1@localhost", sender="s@example.org")
    bodies = mailbox_bodies(server)
    assert len(bodies) == 1
    assert re.fullmatch(
        rb"Return-Path: <s@example\.org>\r\n"
        rb"Delivered-To: u1@localhost\r\n"
        # the LHLO name smtplib sends (helpers.lmtp_connect) and the IP
        rb"Received: from client\.test \(\[127\.0\.0\.1\]\)\r\n"
        rb"\tby [^\r\n ]+ with LMTP id [^\r\n ]+\r\n"
        rb"\tfor <u1@localhost>; [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} "
        rb"\d{2}:\d{2}:\d{2} [+-]\d{4}\r\n" + re.escape(MSG),
        bodies[0], re.S), bodies[0][:500]


def test_mailbox_autocreate(servers):
    """lda_mailbox_autocreate: -m creates a missing Maildir++ folder
    (names are UTF-8, stored modified UTF-7)."""
    server = servers.new(extra_conf="lda_mailbox_autocreate = yes\n")
    res = run_deliver(server, MSG, "-d", "u1", "-m", "Lists.收件箱")
    assert res.returncode == 0, res.stderr
    folder = os.path.join(server.maildir("u1"), ".Lists.&ZTZO9nux-")
    names = os.listdir(os.path.join(folder, "new"))
    assert len(names) == 1, names
    assert maildir_files(server) == {}
