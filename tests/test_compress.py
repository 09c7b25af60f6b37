# Copyright (c) Cove authors. See AUTHORS.
"""COMPRESS=DEFLATE (RFC 4978) spoken on a raw socket with Python's zlib:
the tagged OK comes uncompressed, then both directions are raw DEFLATE,
flushed per response; a second COMPRESS gets [COMPRESSIONACTIVE]; a
FETCH of a large message and LOGOUT arrive whole."""

import socket
import zlib

import pytest

from conftest import TARGET
from helpers import TIMEOUT, deliver

# Dovecot offers COMPRESS only with its imap_zlib plugin.
COMPRESS_CONF = ("protocol imap {\n  mail_plugins = $mail_plugins "
                 "imap_zlib\n}\n" if TARGET == "dovecot" else "")


class DeflateClient:
    """An IMAP session that can switch to DEFLATE after COMPRESS."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=TIMEOUT)
        self.buf = b""
        self.comp = self.decomp = None

    def start_compression(self):
        self.comp = zlib.compressobj(wbits=-15)
        self.decomp = zlib.decompressobj(wbits=-15)
        # anything already received after the OK is compressed
        self.buf = self.decomp.decompress(self.buf)

    def send(self, data):
        if self.comp is not None:
            data = (self.comp.compress(data) +
                    self.comp.flush(zlib.Z_SYNC_FLUSH))
        self.sock.sendall(data)

    def _recv(self):
        """More decoded input (may be b"" while a DEFLATE block is
        incomplete); None at EOF."""
        chunk = self.sock.recv(65536)
        if not chunk:
            return None
        if self.decomp is not None:
            chunk = self.decomp.decompress(chunk)
        return chunk

    def readline(self):
        """One line without CRLF; b"" at EOF."""
        while b"\n" not in self.buf:
            chunk = self._recv()
            if chunk is None:
                line, self.buf = self.buf, b""
                return line
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")

    def at_eof(self):
        """True once the server has closed (nothing more decoded)."""
        while True:
            chunk = self._recv()
            if chunk is None:
                return self.buf == b""
            if chunk:
                self.buf += chunk
                return False

    def read_exact(self, size):
        while len(self.buf) < size:
            chunk = self._recv()
            assert chunk is not None, "closed while reading %d bytes" % size
            self.buf += chunk
        data, self.buf = self.buf[:size], self.buf[size:]
        return data

    def command(self, tag, line):
        """Sends 'tag line'; returns the untagged lines and the tagged
        one."""
        self.send(("%s %s\r\n" % (tag, line)).encode())
        lines = []
        while True:
            line = self.readline()
            assert line, "closed while waiting for %s: %r" % (tag, lines)
            if line.startswith(tag.encode() + b" "):
                return lines, line
            lines.append(line)

    def close(self):
        self.sock.close()


@pytest.fixture
def compress_server(servers):
    return servers.new(COMPRESS_CONF)


def logged_in(server):
    c = DeflateClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    _, line = c.command("l", "LOGIN u1 %s" % server.users["u1"][2])
    assert line.startswith(b"l OK "), line
    return c


def test_compress_deflate(compress_server):
    c = logged_in(compress_server)
    try:
        lines, line = c.command("c", "CAPABILITY")
        assert b"COMPRESS=DEFLATE" in lines[0].split()
        _, line = c.command("z", "COMPRESS DEFLATE")
        assert line.startswith(b"z OK "), line
        c.start_compression()
        lines, line = c.command("n", "NOOP")
        assert line.startswith(b"n OK "), line
        _, line = c.command("z2", "COMPRESS DEFLATE")
        assert line.startswith(b"z2 NO [COMPRESSIONACTIVE] "), line
        lines, line = c.command("s", "SELECT INBOX")
        assert line.startswith(b"s OK "), line
        c.send(b"o LOGOUT\r\n")
        assert c.readline().startswith(b"* BYE ")
        assert c.readline().startswith(b"o OK ")
        assert c.at_eof()
    finally:
        c.close()


def test_compress_large_fetch_and_append(compress_server):
    body = b"".join(b"line %06d of a long message\r\n" % i
                    for i in range(20000))
    msg = b"From: a@example.org\r\nSubject: big\r\n\r\n" + body
    deliver(compress_server, msg)
    c = logged_in(compress_server)
    try:
        _, line = c.command("z", "COMPRESS DEFLATE")
        assert line.startswith(b"z OK "), line
        c.start_compression()
        _, line = c.command("s", "SELECT INBOX")
        assert line.startswith(b"s OK "), line
        c.send(b"f FETCH 1 BODY.PEEK[TEXT]\r\n")
        head = c.readline()
        assert head.startswith(b"* 1 FETCH (BODY[TEXT] {"), head
        size = int(head[head.rindex(b"{") + 1:-1])
        assert c.read_exact(size) == body
        assert c.readline() == b")"
        assert c.readline().startswith(b"f OK ")
        # a literal the other way
        c.send(b"a APPEND INBOX {%d+}\r\n" % len(msg) + msg + b"\r\n")
        line = c.readline()
        while line.startswith(b"* "):
            line = c.readline()
        assert line.startswith(b"a OK "), line
        lines, line = c.command("x", "STATUS INBOX (MESSAGES)")
        assert b"(MESSAGES 2)" in lines[0]
    finally:
        c.close()


def test_compress_bad_arguments(compress_server):
    c = logged_in(compress_server)
    try:
        _, line = c.command("a", "COMPRESS FOO")
        assert line.startswith(b"a NO "), line
        _, line = c.command("b", "COMPRESS")
        assert line.startswith(b"b BAD "), line
        # still uncompressed
        _, line = c.command("n", "NOOP")
        assert line.startswith(b"n OK "), line
    finally:
        c.close()


def test_compress_corrupt_input_disconnects(compress_server):
    c = logged_in(compress_server)
    try:
        _, line = c.command("z", "COMPRESS DEFLATE")
        assert line.startswith(b"z OK "), line
        c.start_compression()
        # a block of the reserved type 3: the server hangs up
        c.sock.sendall(b"\xff\xff\xff\xff")
        assert c.at_eof()
    finally:
        c.close()
