# Copyright (c) Cove authors. See AUTHORS.
"""A message delivered by LMTP comes back byte for byte over IMAP, and is
stored in the Maildir with LF line ends."""

import imaplib
import re

import pytest

from helpers import (deliver, fetch, imap_session, logout, maildir_files,
                     parse_fetch, select)

SENDER = "sender@example.org"
RCPT = "u1@localhost"

HEADERS = (b"From: Sender <sender@example.org>\r\n"
           b"To: User One <u1@localhost>\r\n"
           b"Subject: %s\r\n"
           b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
           b"Message-ID: <%s@example.org>\r\n")


def make(name, body, extra_headers=b""):
    return (HEADERS % (name.encode(), name.encode()) + extra_headers +
            b"\r\n" + body)


def big_body(size):
    line = b"0123456789abcdefghijklmnopqrstuvwxyz" \
           b"ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789\r\n"
    n = size // len(line) + 1
    return b"".join(b"%07d " % i + line for i in range(n))


MESSAGES = {
    "crlf": make("crlf", b"First line.\r\n\r\nSecond paragraph,\r\n"
                 b"  indented line\r\n\ttabbed line\r\nlast line\r\n"),
    "dots": make("dots", b"before\r\n.\r\n..\r\n...\r\n.leading dot\r\n"
                 b"..two leading dots\r\nmiddle\r\n.\r\nend\r\n"),
    "utf8": make("utf8", "Grüße aus Köln, 日本語のテキスト, "
                 "emoji \U0001F600\r\nsecond line é\r\n".encode("utf-8"),
                 b"MIME-Version: 1.0\r\n"
                 b"Content-Type: text/plain; charset=utf-8\r\n"
                 b"Content-Transfer-Encoding: 8bit\r\n"),
    "longline": make("longline", b"short\r\n" + b"x" * 20000 + b"\r\n"
                     b"<html>" + b"<p>para</p>" * 3000 + b"</html>\r\n"),
    "longheader": make("longheader", b"body\r\n", b"References:" + b"".join(
        b" <ref%05d@example.org>\r\n" % i for i in range(800)) +
        b"X-Long: " + b"y" * 5000 + b"\r\n"),
    "headersonly": HEADERS % (b"headersonly", b"headersonly"),
    "bodyonly": b"\r\nno header at all\r\n",
    "10mb": make("10mb", big_body(10 * 1024 * 1024)),
}


def text_part(original):
    if original.startswith(b"\r\n"):
        return original[2:]
    if b"\r\n\r\n" in original:
        return original.split(b"\r\n\r\n", 1)[1]
    return b""


def split_trace(body, original):
    """Check body = trace headers + original; return the trace lines."""
    assert body.endswith(original), \
        "BODY[] does not end with the original message"
    prefix = body[:len(body) - len(original)]
    assert prefix.endswith(b"\r\n") or prefix == b""
    lines = prefix.split(b"\r\n")[:-1]
    for line in lines:
        assert re.match(rb"^([!-9;-~]+:|[ \t])", line), \
            "not a header line in the added trace: %r" % line
    return lines


def check_trace(lines):
    assert lines, "no trace headers added"
    text = [l.decode("ascii", "replace") for l in lines]
    assert any(re.match(r"(?i)^Return-Path: <%s>$" % re.escape(SENDER), l)
               for l in text), text
    assert any(re.match(r"(?i)^Delivered-To: <?%s>?$" % re.escape(RCPT), l)
               for l in text), text


@pytest.mark.parametrize("name", list(MESSAGES))
def test_roundtrip(server, name):
    original = MESSAGES[name]
    deliver(server, original, rcpt=RCPT, sender=SENDER)

    with imap_session(server) as m:
        assert select(m) == 1
        res = fetch(m, "1:*", "(FLAGS UID RFC822.SIZE INTERNALDATE "
                    "BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[])")
        assert list(res) == [1]
        r = res[1]
        body = r[b"BODY[]"]
        check_trace(split_trace(body, original))
        assert int(r[b"RFC822.SIZE"]) == len(body)
        assert r[b"BODY[HEADER]"] + r[b"BODY[TEXT]"] == body
        if name != "headersonly":
            assert r[b"BODY[HEADER]"].endswith(b"\r\n\r\n")
        assert r[b"BODY[TEXT]"] == text_part(original)
        assert int(r[b"UID"]) >= 1
        assert imaplib.Internaldate2tuple(
            b'INTERNALDATE "' + r[b"INTERNALDATE"] + b'"') is not None
        assert "\\Seen" not in {bytes(f).decode() for f in r[b"FLAGS"]}

        # the same through imaplib's plain BODY[] (sets \Seen)
        typ, data = m.fetch("1", "(BODY[])")
        assert typ == "OK"
        assert parse_fetch(data)[1][b"BODY[]"] == body
        res = fetch(m, "1", "(FLAGS)")
        assert "\\Seen" in {bytes(f).decode() for f in res[1][b"FLAGS"]}
        logout(m)

    files = maildir_files(server)
    assert len(files) == 1, files
    path, content = next(iter(files.items()))
    assert b"\r\n" not in content, "stored file has CRLF line ends"
    assert content == body.replace(b"\r\n", b"\n")


def test_several_messages_in_order(server):
    sent = [make("msg%d" % i, b"body %d\r\n" % i) for i in range(5)]
    for msg in sent:
        deliver(server, msg)
    with imap_session(server) as m:
        assert select(m) == 5
        res = fetch(m, "1:*", "(UID BODY.PEEK[])")
        assert sorted(res) == [1, 2, 3, 4, 5]
        uids = [int(res[i][b"UID"]) for i in range(1, 6)]
        assert uids == sorted(uids) and len(set(uids)) == 5
        for i, msg in enumerate(sent, 1):
            assert res[i][b"BODY[]"].endswith(msg)
        # BODY[TEXT] via UID FETCH names the message by UID
        res = fetch(m, str(uids[2]), "(BODY.PEEK[TEXT])", uid=True)
        assert list(res) == [3]
        assert int(res[3][b"UID"]) == uids[2]
        assert res[3][b"BODY[TEXT]"] == b"body 2\r\n"
        logout(m)
    assert len(maildir_files(server)) == 5
