# Copyright (c) Cove authors. See AUTHORS.
"""Malformed and oversized input gets a clear error reply, never a crash:
after each case the master still runs and a fresh session works."""

from contextlib import closing

import pytest

from helpers import Closed, RawClient, deliver

HUGE = 100 * 1024


def check_alive(server):
    assert server.running(), "master exited\n" + server.diagnostics()
    with closing(RawClient(server.imap_port)) as c:
        assert c.readline().startswith(b"* OK")
        line, _ = c.imap_cmd("h", "LOGIN u1 pass1")
        assert line.startswith(b"h OK"), line
        line, _ = c.imap_cmd("i", "SELECT INBOX")
        assert line.startswith(b"i OK"), line
    with closing(RawClient(server.lmtp_port)) as c:
        assert c.smtp_reply()[0] == 220
        assert c.smtp_cmd("LHLO client.test")[0] == 250
        assert c.smtp_cmd("QUIT")[0] == 221


def imap_logged_in(server):
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    line, _ = c.imap_cmd("a", "LOGIN u1 pass1")
    assert line.startswith(b"a OK"), line
    line, _ = c.imap_cmd("b", "SELECT INBOX")
    assert line.startswith(b"b OK"), line
    return c


def continues_or_bye(c, tag):
    """After an error the session either still answers NOOP, or has sent
    BYE and closed."""
    try:
        c.sendline(tag + " NOOP")
    except (BrokenPipeError, ConnectionResetError):
        lines = c.buf.split(b"\r\n")
        assert any(l.startswith(b"* BYE") for l in lines), lines
        return
    lines = []
    while True:
        line = c.readline()
        if not line:
            assert any(l.startswith(b"* BYE") for l in lines), \
                "closed without BYE: %r" % lines
            return
        if line.startswith(tag.encode() + b" "):
            assert line.startswith(tag.encode() + b" OK"), line
            return
        lines.append(line)


def test_imap_overlong_line_after_login(server):
    deliver(server, b"Subject: x\r\n\r\nbody\r\n")
    with closing(imap_logged_in(server)) as c:
        c.send(b"c SELECT " + b"X" * HUGE + b"\r\n")
        line = c.readline()
        assert line.startswith(b"c BAD") or line.startswith(b"* BAD"), \
            line[:200]
        continues_or_bye(c, "d")
    check_alive(server)


@pytest.mark.parametrize("line", [
    b"c " + b"X" * HUGE,
    b"c LOGIN u1 " + b"X" * HUGE,
    b"c LOGIN {99999999999}",
], ids=["command", "argument", "literal"])
def test_imap_overlong_before_login(server, line):
    with closing(RawClient(server.imap_port)) as c:
        assert c.readline().startswith(b"* OK")
        c.send(line + b"\r\n")
        reply = c.readline()
        if reply.startswith(b"* BYE"):
            assert c.closed(), "BYE without closing the connection"
        else:
            assert reply.startswith(b"c BAD") or \
                reply.startswith(b"* BAD") or \
                reply.startswith(b"c NO"), reply[:200]
            continues_or_bye(c, "d")
    check_alive(server)


@pytest.mark.parametrize("command", [
    "FOOBAR",
    "FETCH 1 (FLAGS",
    "FETCH 1 FLAGS)",
    "FETCH 1 (NOSUCHITEM)",
    "FETCH 1 BODY[",
    "FETCH",
    "STORE 1 NOSUCHOP (\\Seen)",
    "UID",
    "UID FOOBAR 1",
])
def test_imap_bad_command(server, command):
    deliver(server, b"Subject: x\r\n\r\nbody\r\n")
    with closing(imap_logged_in(server)) as c:
        line, _ = c.imap_cmd("c", command)
        assert line.startswith(b"c BAD"), line
        line, _ = c.imap_cmd("d", "NOOP")
        assert line.startswith(b"d OK"), line
    check_alive(server)


@pytest.mark.parametrize("seqset", [
    "0", "a:b", "1,,2", "-1", "1:*:2", "4294967296", "1:", ":1", "2",
])
def test_imap_fetch_invalid_sequence_set(server, seqset):
    deliver(server, b"Subject: x\r\n\r\nbody\r\n")
    with closing(imap_logged_in(server)) as c:
        line, untagged = c.imap_cmd("c", "FETCH %s (FLAGS)" % seqset)
        assert line.startswith(b"c BAD"), line
        assert not [u for u in untagged if b" FETCH " in u], untagged
        line, untagged = c.imap_cmd("d", "UID FETCH %s (FLAGS)" %
                                    ("0" if seqset == "2" else seqset))
        assert line.startswith(b"d BAD"), line
        line, untagged = c.imap_cmd("e", "FETCH 1:* (FLAGS)")
        assert line.startswith(b"e OK"), line
        assert len([u for u in untagged if b" FETCH " in u]) == 1
    check_alive(server)


def test_imap_nul_byte(server):
    with closing(imap_logged_in(server)) as c:
        line, _ = c.imap_cmd("c", b"SELECT IN\x00BOX")
        assert line.startswith(b"c BAD") or line.startswith(b"c NO"), line
        continues_or_bye(c, "d")
    check_alive(server)


def lmtp_session(server):
    c = RawClient(server.lmtp_port)
    assert c.smtp_reply()[0] == 220
    assert c.smtp_cmd("LHLO client.test")[0] == 250
    return c


def test_lmtp_overlong_line(server):
    with closing(lmtp_session(server)) as c:
        code, text = c.smtp_cmd(b"NOOP " + b"X" * HUGE)
        assert code == 500, text
        # the session continues, or the server closed it
        try:
            c.sendline("NOOP")
            line = c.readline()
        except (BrokenPipeError, ConnectionResetError):
            line = b""
        if line:
            assert line.startswith(b"250"), line
    check_alive(server)


def test_lmtp_overlong_address(server):
    with closing(lmtp_session(server)) as c:
        code, text = c.smtp_cmd(b"MAIL FROM:<" + b"a" * HUGE +
                                b"@example.org>")
        assert code == 500, text
    check_alive(server)


def assert_smtp(c, command, *codes):
    """Sends command; asserts that the reply code is one of codes."""
    code, text = c.smtp_cmd(command)
    assert code in codes, (command, code, text)
    return text


@pytest.mark.parametrize("command", ["FOOBAR", "HELO-ISH x", "EHLOO"])
def test_lmtp_unknown_command(server, command):
    with closing(lmtp_session(server)) as c:
        text = assert_smtp(c, command, 500)
        assert text[-1].split()[0] in ("5.5.1", "5.5.2"), text
        assert_smtp(c, "NOOP", 250)
        assert_smtp(c, "QUIT", 221)


def test_lmtp_data_before_rcpt(server):
    with closing(lmtp_session(server)) as c:
        for command, code in [
            ("DATA", 503),
            ("MAIL FROM:<a@example.org>", 250),
            ("DATA", 503),
            ("RCPT TO:<nosuchuser@localhost>", 550),
            ("DATA", 503),
            # the transaction still accepts a good recipient afterwards
            ("RCPT TO:<u1@localhost>", 250),
            ("DATA", 354),
        ]:
            assert_smtp(c, command, code)
        c.send(b"Subject: late\r\n\r\nok\r\n.\r\n")
        assert c.smtp_reply()[0] == 250
        assert_smtp(c, "QUIT", 221)


def test_lmtp_rcpt_before_mail(server):
    with closing(lmtp_session(server)) as c:
        assert_smtp(c, "RCPT TO:<u1@localhost>", 503)
        assert_smtp(c, "MAIL FROM:a@example.org", 250, 501)
    check_alive(server)


IMAP_TOKENS = [
    "FETCH", "UID", "STORE", "SELECT", "EXAMINE", "NOOP", "CHECK", "LIST",
    "STATUS", "SEARCH", "EXPUNGE", "CAPABILITY", "LOGIN", "AUTHENTICATE",
    "1", "0", "*", "1:*", "2:1", "4294967295", "4294967296", "-1", ",", ":",
    "(", ")", "[", "]", "<", ">", "<0.10>", "<1.>", "BODY[]", "BODY[",
    "BODY.PEEK[HEADER.FIELDS (FROM", "BODY[1.2.3.MIME]", "RFC822.SIZE",
    "FLAGS", "+FLAGS", "-FLAGS.SILENT", "(\\Seen", "\\Deleted)", "\\",
    '"', '"unterminated', '"a\\"b"', "{abc}", "{1}x", "NIL", "INBOX",
    "inbox", "&ZeVnLIqe-", "&", "%", "~", "\x7f", "\xff\xfe", "\x00",
    "A" * 300, "(" * 50, ")" * 50, "[" * 50,
]

LMTP_TOKENS = [
    "MAIL", "FROM:", "RCPT", "TO:", "<u1@localhost>", "<>", "<", ">",
    "<nosuchuser@localhost>", "LHLO", "HELO", "EHLO", "RSET", "NOOP",
    "VRFY", "BDAT", "BODY=8BITMIME", "SIZE=99999999999999", "SMTPUTF8",
    "\x00", "\xff", ":", "@", "A" * 300, "<" * 40, "\t",
]


def garbage_lines(tokens, count, seed):
    import random
    rnd = random.Random(seed)
    for _ in range(count):
        words = [rnd.choice(tokens) for _ in range(rnd.randint(1, 8))]
        sep = rnd.choice([" ", "", " "])
        # never end a line with a literal announcement
        yield (sep.join(words) + " x").encode("latin-1")


def imap_garbage_reply(c, tag, line):
    """Send one garbage command; returns False if the server closed the
    connection (after a BYE, or a reset while it was closing)."""
    seen = []
    try:
        c.send(tag.encode() + b" " + line + b"\r\n")
        while True:
            reply = c.readline()
            if not reply:
                assert any(s.startswith(b"* BYE") for s in seen), \
                    (line, seen)
                return False
            if reply.startswith(b"+"):
                # the server read a literal we did not mean: end it
                c.send(b"\r\n")
                continue
            if reply.startswith(tag.encode() + b" "):
                assert reply.split()[1] in (b"OK", b"NO", b"BAD"), reply
                return True
            seen.append(reply)
    except (ConnectionResetError, BrokenPipeError):
        return False


def test_imap_garbage(server):
    deliver(server, b"Subject: x\r\n\r\nbody\r\n")
    c = imap_logged_in(server)
    try:
        for n, line in enumerate(garbage_lines(IMAP_TOKENS, 300, 1)):
            if not imap_garbage_reply(c, "g%d" % n, line):
                c.close()
                c = imap_logged_in(server)
    finally:
        c.close()
    check_alive(server)


def test_lmtp_garbage(server):
    c = lmtp_session(server)
    try:
        for line in garbage_lines(LMTP_TOKENS, 300, 2):
            try:
                c.sendline(line)
                code, text = c.smtp_reply()
                if code == 354:
                    c.send(b".\r\n")
                    c.smtp_reply()
            except (Closed, ConnectionResetError, BrokenPipeError):
                # the server closed the session; it may, after errors
                c.close()
                c = lmtp_session(server)
                continue
            assert 200 <= code < 600, (line, code, text)
    finally:
        c.close()
    check_alive(server)
