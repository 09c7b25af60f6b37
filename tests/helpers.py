# Copyright (c) Cove authors. See AUTHORS.
"""Client-side helpers for the integration tests: LMTP delivery, IMAP
sessions, a strict IMAP response parser and a raw line-based client."""

import contextlib
import imaplib
import os
import re
import smtplib
import socket
import time

TIMEOUT = 30


# --- LMTP --------------------------------------------------------------

def lmtp_connect(server):
    conn = smtplib.LMTP("127.0.0.1", server.lmtp_port,
                        local_hostname="client.test", timeout=TIMEOUT)
    return conn


def deliver(server, msg, rcpt="u1@localhost", sender="sender@example.org"):
    """Deliver one message to one recipient with smtplib; bytes are sent
    as they are (after dot-stuffing)."""
    if isinstance(msg, str):
        msg = msg.encode("utf-8")
    conn = lmtp_connect(server)
    try:
        refused = conn.sendmail(sender, [rcpt], msg)
        assert refused == {}, refused
    finally:
        conn.quit()


# --- waiting ------------------------------------------------------------

WAIT = 20.0


def wait_for(check, what, timeout=WAIT):
    """Calls check() until it returns something true, which is returned;
    fails the test naming what after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, "no %s within %d s" % (
            what, timeout)
        time.sleep(0.02)


# --- IMAP --------------------------------------------------------------

def imap_connect(server):
    return imaplib.IMAP4("127.0.0.1", server.imap_port, timeout=TIMEOUT)


def imap_login(server, user="u1", password=None):
    if password is None:
        password = server.users[user][2]
    m = imap_connect(server)
    typ, data = m.login(user, password)
    assert typ == "OK", data
    return m


@contextlib.contextmanager
def imap_session(server, user="u1", password=None):
    """A logged-in imaplib session, closed at the end whatever happened."""
    m = imap_login(server, user, password)
    try:
        yield m
    finally:
        close_imap(m)


def close_imap(m):
    if m.state != "LOGOUT":
        try:
            m.shutdown()
        except OSError:
            pass


def logout(m):
    """LOGOUT must give an untagged BYE and a tagged OK (imaplib reports
    the BYE and raises on a tagged NO/BAD)."""
    typ, data = m.logout()
    assert typ == "BYE", (typ, data)


def ok(result):
    typ, data = result
    assert typ == "OK", (typ, data)
    return data


class ParseError(Exception):
    pass


class _Parser:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def eof(self):
        return self.pos >= len(self.data)

    def skip_ws(self):
        while not self.eof() and self.data[self.pos:self.pos + 1] in \
                (b" ", b"\r", b"\n"):
            self.pos += 1

    def peek(self):
        return self.data[self.pos:self.pos + 1]

    def value(self):
        self.skip_ws()
        c = self.peek()
        if c == b"(":
            self.pos += 1
            out = []
            while True:
                self.skip_ws()
                if self.eof():
                    raise ParseError("unterminated list")
                if self.peek() == b")":
                    self.pos += 1
                    return out
                out.append(self.value())
        if c == b'"':
            self.pos += 1
            out = bytearray()
            while True:
                if self.eof():
                    raise ParseError("unterminated string")
                ch = self.data[self.pos]
                self.pos += 1
                if ch == 0x5c:
                    out.append(self.data[self.pos])
                    self.pos += 1
                elif ch == 0x22:
                    return bytes(out)
                else:
                    out.append(ch)
        if c == b"{":
            m = re.compile(rb"\{(\d+)\+?\}\r\n").match(self.data, self.pos)
            if not m:
                raise ParseError("bad literal at %d" % self.pos)
            n = int(m.group(1))
            start = m.end()
            if start + n > len(self.data):
                raise ParseError("short literal")
            self.pos = start + n
            return self.data[start:start + n]
        # atom, possibly with a [section] that may hold spaces and parens
        start = self.pos
        depth = 0
        while not self.eof():
            ch = self.peek()
            if ch == b"[":
                depth += 1
            elif ch == b"]":
                depth -= 1
            elif depth == 0 and ch in (b" ", b"(", b")", b"\r", b"\n"):
                break
            self.pos += 1
        if self.pos == start:
            raise ParseError("empty atom at %d: %r" %
                             (start, self.data[start:start + 20]))
        atom = self.data[start:self.pos]
        if atom.upper() == b"NIL":
            return None
        return Atom(atom)


class Atom(bytes):
    """An IMAP atom (as opposed to a string or literal)."""


def join_imaplib(data):
    """Rebuild the raw response text from imaplib's (prefix, literal)
    tuples so it can be parsed strictly."""
    raw = b""
    for item in data:
        if isinstance(item, tuple):
            raw += item[0] + b"\r\n" + item[1]
        elif item is not None:
            raw += item
    return raw


def parse_fetch(data):
    """Parse imaplib fetch data into {seq: {ITEM: value}}.  Item names are
    upper-cased bytes, e.g. b"BODY[]", b"FLAGS"."""
    p = _Parser(join_imaplib(data))
    out = {}
    while True:
        p.skip_ws()
        if p.eof():
            return out
        seq = p.value()
        if not isinstance(seq, Atom) or not seq.isdigit():
            raise ParseError("expected sequence number, got %r" % (seq,))
        items = p.value()
        if not isinstance(items, list) or len(items) % 2:
            raise ParseError("bad fetch list %r" % (items,))
        d = out.setdefault(int(seq), {})
        for i in range(0, len(items), 2):
            name = bytes(items[i]).upper()
            d[name] = items[i + 1]


def fetch(m, seqset, items, uid=False):
    if uid:
        data = ok(m.uid("FETCH", seqset, items))
    else:
        data = ok(m.fetch(seqset, items))
    return parse_fetch(data)


def flags_of(value):
    """FLAGS list -> set of str, \\Recent removed (optional in Cove)."""
    return {bytes(f).decode() for f in value} - {"\\Recent"}


def select(m, mailbox="INBOX"):
    data = ok(m.select(mailbox))
    return int(data[0])


def mailbox_bodies(server, user="u1", mailbox="INBOX"):
    """Every message of the user's mailbox over IMAP (BODY.PEEK[]), in
    UID order."""
    with imap_session(server, user) as m:
        if select(m, mailbox) == 0:
            return []
        res = fetch(m, "1:*", "(BODY.PEEK[])")
        return [bytes(res[i][b"BODY[]"]) for i in sorted(res)]


def uidvalidity(m):
    typ, data = m.response("UIDVALIDITY")
    assert data and data[0] is not None, "no UIDVALIDITY in SELECT"
    return int(data[0])


# --- raw line clients ----------------------------------------------------

class Closed(Exception):
    """The server closed the connection."""


class RawClient:
    """A blocking line client with a read timeout, for dialogues that the
    standard library clients hide (per-recipient LMTP replies, SASL-IR,
    malformed input)."""

    def __init__(self, port, timeout=TIMEOUT):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def sendline(self, line):
        if isinstance(line, str):
            line = line.encode()
        self.send(line + b"\r\n")

    def readline(self):
        """One line without CRLF; b"" at EOF (connection closed)."""
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                line, self.buf = self.buf, b""
                return line
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")

    def read_until_closed(self, timeout=10):
        """Read until the peer closes; returns the data.  Fails if the peer
        keeps the connection open past the timeout."""
        self.sock.settimeout(timeout)
        data, self.buf = self.buf, b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return data
            data += chunk

    def smtp_reply(self):
        """Read one (possibly multi-line) SMTP reply -> (code, [texts])."""
        texts = []
        while True:
            line = self.readline()
            if not line:
                raise Closed("connection closed while waiting for a reply")
            m = re.match(rb"^(\d{3})([ -])(.*)$", line)
            assert m, "malformed SMTP reply line %r" % line
            texts.append(m.group(3).decode("utf-8", "replace"))
            if m.group(2) == b" ":
                return int(m.group(1)), texts

    def smtp_cmd(self, line):
        self.sendline(line)
        return self.smtp_reply()

    def imap_cmd(self, tag, line):
        """Send `tag line`; return (tagged line, [untagged lines])."""
        self.sendline(tag + " " + line if isinstance(line, str)
                      else tag.encode() + b" " + line)
        return self.imap_tagged(tag)

    def imap_tagged(self, tag):
        untagged = []
        tagb = tag.encode() + b" "
        while True:
            line = self.readline()
            assert line, "connection closed; untagged so far %r" % untagged
            if line.startswith(tagb):
                return line, untagged
            untagged.append(line)

    def closed(self, timeout=5):
        """True if the peer has closed (EOF seen) within timeout."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()


def maildir_files(server, user="u1"):
    """{path: bytes} of the message files in new/ and cur/."""
    out = {}
    md = server.maildir(user)
    for sub in ("new", "cur"):
        d = os.path.join(md, sub)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            with open(path, "rb") as f:
                out[path] = f.read()
    return out


# --- POP3 --------------------------------------------------------------

def new_pop3_server(servers, extra_conf="", start=True):
    """A server with POP3 enabled (`protocols = imap pop3 lmtp`), torn
    down by the `servers` fixture like the others."""
    from mailserver import MailServer
    s = MailServer(os.environ.get("COVE_TEST_TARGET", "cove"),
                   extra_conf=extra_conf, pop3=True)
    servers.servers.append(s)
    if start:
        s.start()
    return s


def pop3_login(server, user="u1", password=None):
    import poplib
    if password is None:
        password = server.users[user][2]
    p = poplib.POP3("127.0.0.1", server.pop3_port, timeout=TIMEOUT)
    p.user(user)
    p.pass_(password)
    return p


def pop3_raw_login(server, user="u1", password=None):
    """A RawClient past USER/PASS (replies checked)."""
    if password is None:
        password = server.users[user][2]
    c = RawClient(server.pop3_port)
    assert c.readline().startswith(b"+OK")
    c.sendline("USER " + user)
    assert c.readline().startswith(b"+OK")
    c.sendline("PASS " + password)
    assert c.readline() == b"+OK Logged in."
    return c


def pop3_read_data(c):
    """The data of a multi-line POP3 reply as sent (CRLF, dot-stuffing
    kept), without the final ".\r\n"."""
    while True:
        if c.buf.startswith(b".\r\n"):
            c.buf = c.buf[3:]
            return b""
        end = c.buf.find(b"\r\n.\r\n")
        if end >= 0:
            data, c.buf = c.buf[:end + 2], c.buf[end + 5:]
            return data
        chunk = c.sock.recv(65536)
        assert chunk, "connection closed in a multi-line reply"
        c.buf += chunk


def pop3_unstuff(data):
    """RFC 1939 3: the message from multi-line reply data."""
    return b"".join(line[1:] if line.startswith(b".") else line
                    for line in data.splitlines(True))


def deliver_many(server, msgs, rcpt="u1@localhost",
                 sender="sender@example.org"):
    """Deliver each message of msgs in one LMTP session, one transaction
    per message."""
    conn = lmtp_connect(server)
    try:
        for msg in msgs:
            if isinstance(msg, str):
                msg = msg.encode("utf-8")
            refused = conn.sendmail(sender, [rcpt], msg)
            assert refused == {}, refused
    finally:
        conn.quit()


def imap_uids(server, user="u1"):
    """(UIDVALIDITY, [UID of each message in sequence order]) of INBOX."""
    with imap_session(server, user) as m:
        typ, exists = m.select("INBOX")
        assert typ == "OK", exists
        typ, data = m.response("UIDVALIDITY")
        uidvalidity = int(data[0])
        data = exists
        if int(data[0]) == 0:
            return uidvalidity, []
        typ, data = m.fetch("1:*", "(UID)")
        assert typ == "OK", data
        uids = [int(re.search(rb"UID (\d+)", d).group(1)) for d in data]
        return uidvalidity, uids


class ImapSession:
    """A raw IMAP session with INBOX selected and numbered tags."""

    def __init__(self, server):
        self.c = RawClient(server.imap_port)
        assert self.c.readline().startswith(b"* OK")
        self.n = 0
        self.ok("LOGIN u1 %s" % server.users["u1"][2])
        self.ok("SELECT INBOX")

    def cmd(self, line):
        """Returns (tag, tagged reply without the tag, untagged lines)."""
        self.n += 1
        tag = "t%d" % self.n
        tagged, untagged = self.c.imap_cmd(tag, line)
        return tag, tagged[len(tag) + 1:], untagged

    def ok(self, line):
        """Returns (tag, untagged lines) of a command that must succeed."""
        tag, tagged, untagged = self.cmd(line)
        assert tagged.startswith(b"OK"), (line, tagged)
        return tag, untagged

    def search(self, line):
        """The single untagged SEARCH/ESEARCH line of a command."""
        tag, untagged = self.ok(line)
        found = [u for u in untagged
                 if re.match(rb"\* E?SEARCH\b", u, re.I)]
        assert len(found) == 1, (line, untagged)
        return tag, found[0].decode()

    def close(self):
        self.c.close()
