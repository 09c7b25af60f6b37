# Copyright (c) Cove authors. See AUTHORS.
"""BINARY (RFC 3516), MULTIAPPEND (RFC 3502) and CATENATE (RFC 4469): the
exact replies, the decoded bytes, [UNKNOWN-CTE], literal8 in APPEND only,
all-or-nothing MULTIAPPEND and CATENATE's URLs."""

import base64
import os
import re

import pytest

from helpers import RawClient, deliver

NUL_DATA = b"ab\x00cd\xff\r\nef\x00"
MSG = (b"From: a@example.org\r\n"
       b"Subject: binary\r\n"
       b"MIME-Version: 1.0\r\n"
       b"Content-Type: multipart/mixed; boundary=\"b\"\r\n"
       b"\r\n"
       b"--b\r\n"
       b"Content-Type: text/plain\r\n"
       b"Content-Transfer-Encoding: quoted-printable\r\n"
       b"\r\n"
       b"caf=C3=A9 soft=\r\nbreak\r\n"
       b"--b\r\n"
       b"Content-Type: application/octet-stream\r\n"
       b"Content-Transfer-Encoding: base64\r\n"
       b"\r\n" + base64.b64encode(NUL_DATA) + b"\r\n"
       b"--b\r\n"
       b"Content-Type: text/plain\r\n"
       b"\r\n"
       b"plain\r\n"
       b"--b--\r\n")
# Dovecot fails BINARY of every part of a message that has a part it
# cannot decode; Cove only that part's
MSG_UNKNOWN = (b"From: a@example.org\r\n"
               b"MIME-Version: 1.0\r\n"
               b"Content-Transfer-Encoding: x-unknown\r\n"
               b"\r\n"
               b"what\r\n")


class Client(RawClient):
    """RawClient that reads replies with their literals whole."""

    def reply(self, tag):
        """(tagged line, [untagged responses]), each response one bytes
        object with its literals inline as {n}/~{n} CRLF data."""
        out = []
        tagb = tag.encode() + b" "
        while True:
            resp = self.response()
            if resp.startswith(tagb):
                return resp, out
            out.append(resp)

    def response(self):
        resp = b""
        while True:
            line = self.readline()
            assert line, "connection closed after %r" % resp
            resp += line
            m = re.search(rb"\{(\d+)\}$", line)
            if not m:
                return resp
            size = int(m.group(1))
            while len(self.buf) < size:
                chunk = self.sock.recv(65536)
                assert chunk, "connection closed in a literal"
                self.buf += chunk
            resp += b"\r\n" + self.buf[:size]
            self.buf = self.buf[size:]

    def cmd(self, tag, line):
        self.sendline(tag + " " + line if isinstance(line, str)
                      else tag.encode() + b" " + line)
        return self.reply(tag)

    def append(self, tag, prefix, literals, suffix=""):
        """APPEND with LITERAL+ literals: literals is a list of
        (text before the literal, data, literal8) tuples; suffix ends
        the line."""
        data = (tag + " APPEND " + prefix).encode()
        for before, body, binary in literals:
            data += before.encode() + b"%s{%d+}\r\n" % (
                b"~" if binary else b"", len(body)) + body
        self.send(data + suffix.encode() + b"\r\n")
        return self.reply(tag)


def no_recent(responses):
    """\\Recent is optional for the session that selects first."""
    return [re.sub(rb"\(\\Recent ?| \\Recent", lambda m: b"(" if
                   m.group(0).startswith(b"(") else b"", r)
            for r in responses]


def literal(responses):
    """Data without NUL bytes may come as a literal or a literal8."""
    return [r.replace(b"~{", b"{") for r in responses]


def login(server, user="u1"):
    c = Client(server.imap_port)
    assert c.readline().startswith(b"* OK")
    line, _ = c.cmd("l", "LOGIN %s %s" % (user, server.users[user][2]))
    assert line.startswith(b"l OK"), line
    return c


def tmp_files(server, folder=""):
    path = os.path.join(server.maildir("u1"), folder, "tmp")
    return os.listdir(path) if os.path.isdir(path) else []


def test_capabilities(server):
    c = login(server)
    _, untagged = c.cmd("c", "CAPABILITY")
    caps = untagged[0].split()
    for cap in (b"BINARY", b"MULTIAPPEND", b"CATENATE"):
        assert cap in caps, untagged
    c.close()


def test_fetch_binary_decodes(server):
    deliver(server, MSG)
    c = login(server)
    c.cmd("s", "SELECT INBOX")
    line, untagged = c.cmd("a", "FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])")
    assert line.startswith(b"a OK Fetch completed")
    assert literal(untagged) == [b"* 1 FETCH (BINARY.SIZE[1] 15 "
                        b"BINARY[1] {15}\r\ncaf\xc3\xa9 softbreak)"]
    # NUL bytes: a literal8
    line, untagged = c.cmd("b", "FETCH 1 (BINARY.PEEK[2])")
    assert untagged == [b"* 1 FETCH (BINARY[2] ~{11}\r\n" + NUL_DATA + b")"]
    line, untagged = c.cmd("c", "FETCH 1 (BINARY.PEEK[2]<3.4>)")
    assert literal(untagged) == [b"* 1 FETCH (BINARY[2]<3> {4}\r\ncd\xff\r)"]
    # no encoding: as BODY[3]
    line, untagged = c.cmd("d", "FETCH 1 (BINARY.SIZE[3] BINARY.PEEK[3])")
    assert literal(untagged) == [b"* 1 FETCH (BINARY.SIZE[3] 5 "
                        b"BINARY[3] {5}\r\nplain)"]
    line, untagged = c.cmd("e", "FETCH 1 (FLAGS)")
    assert b"\\Seen" not in untagged[0]
    # without .PEEK \Seen is set
    line, untagged = c.cmd("f", "FETCH 1 (BINARY[3])")
    assert line.startswith(b"f OK Fetch completed")
    assert literal(no_recent(untagged)) == [
        b"* 1 FETCH (FLAGS (\\Seen) BINARY[3] {5}\r\nplain)"]
    c.close()


def test_fetch_binary_whole_message(server):
    """BINARY[] of a message without encoded parts is what BODY[] sends
    (Dovecot decodes every part for BINARY[], Cove none: RFC 3516 has
    content-transfer-decoding only for a part)."""
    deliver(server, b"From: a@example.org\r\nSubject: s\r\n\r\nbody\r\n")
    c = login(server)
    c.cmd("s", "SELECT INBOX")
    _, body = c.cmd("a", "FETCH 1 (RFC822.SIZE BODY.PEEK[])")
    size, data = re.match(rb"\* 1 FETCH \(RFC822.SIZE (\d+) "
                          rb"BODY\[\] \{\d+\}\r\n(.*)\)$", body[0],
                          re.S).groups()
    line, untagged = c.cmd("b", "FETCH 1 (BINARY.SIZE[] BINARY.PEEK[])")
    assert line.startswith(b"b OK Fetch completed")
    assert literal(untagged) == [
        b"* 1 FETCH (BINARY.SIZE[] %s BINARY[] {%d}\r\n"
        % (size, len(data)) + data + b")"]
    c.close()


def test_fetch_binary_unknown_cte(server):
    deliver(server, MSG_UNKNOWN)
    c = login(server)
    c.cmd("s", "SELECT INBOX")
    line, _ = c.cmd("a", "FETCH 1 (BINARY.PEEK[1])")
    assert line.startswith(b"a NO [UNKNOWN-CTE] "), line
    line, _ = c.cmd("b", "FETCH 1 (BINARY.SIZE[1])")
    assert line.startswith(b"b NO [UNKNOWN-CTE] "), line
    # BODY[1] is still fine
    line, untagged = c.cmd("c", "FETCH 1 (BODY.PEEK[1])")
    assert untagged == [b"* 1 FETCH (BODY[1] {6}\r\nwhat\r\n)"]
    c.close()


def test_fetch_binary_bad_items(server):
    deliver(server, MSG)
    c = login(server)
    c.cmd("s", "SELECT INBOX")
    for i, item in enumerate(["BINARY[1", "BINARY.PEEK[x]"]):
        line, _ = c.cmd("t%d" % i, "FETCH 1 (%s)" % item)
        assert line.startswith(b"t%d BAD " % i), (item, line)
    c.close()


def test_append_literal8_binary_part(server):
    body = (b"From: a@example.org\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: application/octet-stream\r\n"
            b"Content-Transfer-Encoding: binary\r\n\r\n" + NUL_DATA)
    c = login(server)
    line, _ = c.append("a", "INBOX", [(" ", body, True)])
    assert line.startswith(b"a OK [APPENDUID "), line
    c.cmd("s", "SELECT INBOX")
    line, untagged = c.cmd("b", "FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])")
    assert untagged == [b"* 1 FETCH (BINARY.SIZE[1] 11 BINARY[1] ~{11}\r\n"
                        + NUL_DATA + b")"]
    # BODY[] cannot carry NUL bytes: the part was stored encoded
    line, untagged = c.cmd("c", "FETCH 1 (BODY.PEEK[])")
    assert b"\x00" not in untagged[0]
    c.close()


def test_literal8_only_in_append(server):
    c = login(server)
    line, _ = c.cmd("a", "STATUS ~{5+}\r\nINBOX (MESSAGES)")
    assert line.startswith(b"a BAD "), line
    line, _ = c.cmd("b", "NOOP")
    assert line.startswith(b"b OK"), line
    c.close()


def test_multiappend(server):
    c = login(server)
    msgs = [b"Subject: m%d\r\n\r\nbody %d\r\n" % (i, i) for i in range(3)]
    line, _ = c.append("a", "INBOX", [
        (" (\\Seen) ", msgs[0], False),
        (" ", msgs[1], False),
        (' (\\Flagged) "05-Mar-2024 10:20:30 +0200" ', msgs[2], False)])
    m = re.match(rb"a OK \[APPENDUID (\d+) 1:3\] Append completed", line)
    assert m, line
    c.cmd("s", "SELECT INBOX")
    line, untagged = c.cmd("b", "FETCH 1:3 (UID FLAGS BODY.PEEK[])")
    assert no_recent(untagged) == [
        b"* 1 FETCH (UID 1 FLAGS (\\Seen) BODY[] {%d}\r\n%s)"
        % (len(msgs[0]), msgs[0]),
        b"* 2 FETCH (UID 2 FLAGS () BODY[] {%d}\r\n%s)"
        % (len(msgs[1]), msgs[1]),
        b"* 3 FETCH (UID 3 FLAGS (\\Flagged) BODY[] {%d}\r\n%s)"
        % (len(msgs[2]), msgs[2])]
    c.close()


def test_multiappend_all_or_nothing(server):
    c = login(server)
    c.cmd("c", "CREATE Box")
    good = b"Subject: good\r\n\r\nbody\r\n"
    # a bad date in the second message: BAD, the first is not saved
    line, _ = c.append("a", "Box", [(" ", good, False),
                                    (' "bad date" ', good, False)])
    assert line.startswith(b"a BAD "), line
    # an empty second message: NO, the first is not saved
    line, _ = c.append("b", "Box", [(" ", good, False), (" ", b"", False)])
    assert line.startswith(b"b NO "), line
    line, untagged = c.cmd("d", "STATUS Box (MESSAGES UIDNEXT)")
    assert untagged == [b"* STATUS Box (MESSAGES 0 UIDNEXT 1)"], untagged
    assert tmp_files(server, ".Box") == []
    c.close()


def test_catenate(server):
    c = login(server)
    c.append("i", "INBOX", [(" ", b"From: src@example.org\r\n"
                             b"Subject: s\r\n\r\nsource body\r\n", False)])
    line, untagged = c.cmd("s", "SELECT INBOX")
    uv = [re.search(rb"UIDVALIDITY (\d+)", u) for u in untagged]
    uv = [m.group(1).decode() for m in uv if m][0]
    c.cmd("c", "CREATE Dest")
    line, _ = c.append("a", "Dest CATENATE (", [
        ("TEXT ", b"X-New: 1\r\n", False),
        (' URL "/INBOX;UIDVALIDITY=%s/;UID=1/;SECTION=HEADER" TEXT ' % uv,
         b"new body\r\n", False),
        (' URL "/INBOX/;UID=1/;SECTION=TEXT/;PARTIAL=7.4" TEXT ',
         b"\r\n", False)], suffix=")")
    assert line.startswith(b"a OK [APPENDUID "), line
    line, untagged = c.cmd("b", "EXAMINE Dest")
    line, untagged = c.cmd("f", "FETCH 1 (BODY.PEEK[])")
    data = (b"X-New: 1\r\nFrom: src@example.org\r\nSubject: s\r\n\r\n"
            b"new body\r\nbody\r\n")
    assert untagged == [b"* 1 FETCH (BODY[] {%d}\r\n%s)" % (len(data), data)]
    c.close()


def test_catenate_bad_urls(server):
    deliver(server, b"Subject: s\r\n\r\nbody\r\n")
    c = login(server)
    c.cmd("c", "CREATE Dest")
    for i, url in enumerate(["/INBOX;UIDVALIDITY=1/;UID=1",
                             "/INBOX/;UID=5",
                             "/Nonexistent/;UID=1",
                             "imap://u1@localhost/INBOX/;UID=1"]):
        line, _ = c.append("v%d" % i, "Dest CATENATE (", [
            ("TEXT ", b"X: 1\r\n\r\n", False)],
            suffix=' URL "%s")' % url)
        assert line.startswith(b"v%d NO [BADURL %s] " % (
            i, url.encode())), line
    line, untagged = c.cmd("d", "STATUS Dest (MESSAGES)")
    assert untagged == [b"* STATUS Dest (MESSAGES 0)"], untagged
    assert tmp_files(server, ".Dest") == []
    c.close()


@pytest.mark.cove_only
def test_multiappend_total_size_limit(servers):
    """imap_max_append_size bounds the messages of one APPEND together:
    memory for a MULTIAPPEND is bounded."""
    server = servers.new(extra_conf="imap_max_append_size = 1k\n")
    c = login(server)
    c.sendline("a APPEND INBOX {600}")
    assert c.readline().startswith(b"+ ")
    c.send(b"x" * 600 + b" {500}\r\n")
    line, _ = c.reply("a")
    assert line.startswith(b"a BAD "), line
    line, _ = c.append("b", "INBOX", [(" ", b"y" * 500, False),
                                      (" ", b"z" * 500, False)])
    assert line.startswith(b"b OK [APPENDUID "), line
    line, untagged = c.cmd("c", "STATUS INBOX (MESSAGES)")
    assert untagged == [b"* STATUS INBOX (MESSAGES 2)"], untagged
    c.close()
