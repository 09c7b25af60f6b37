# Copyright (c) Cove authors. See AUTHORS.
"""TLS for IMAP and POP3: STARTTLS, STLS and implicit TLS listeners
(imaps, pop3s) with a self-signed certificate made here; plaintext
authentication refused from an untrusted address until TLS is on; the
STARTTLS command injection; a broken key failing at startup.  Clients:
raw sockets with Python's ssl, imaplib, poplib, openssl s_client and curl.
Run against Dovecot with COVE_TEST_TARGET=dovecot."""

import imaplib
import os
import poplib
import re
import socket
import ssl
import subprocess
import time

import pytest

from helpers import TIMEOUT, deliver, new_pop3_server
from mailserver import free_port

MSG = (b"From: a@example.org\r\nSubject: tls\r\n\r\n"
       b"over TLS\r\n.dot line\r\nend\r\n")
# A source address that is neither the listener's nor trusted.
UNTRUSTED_IP = "127.0.0.2"


def make_cert(root):
    """A self-signed certificate and key in root; returns their paths."""
    cert = os.path.join(root, "cert.pem")
    key = os.path.join(root, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    os.chmod(key, 0o600)
    return cert, key


def tls_conf(root, imaps_port, pop3s_port, ssl_mode="yes"):
    cert, key = make_cert(root)
    return """\
ssl = {mode}
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
service imap-login {{
  inet_listener imaps {{
    port = {ip}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3s {{
    port = {pp}
    ssl = yes
  }}
}}
""".format(mode=ssl_mode, cert=cert, key=key, ip=imaps_port,
           pp=pop3s_port)


def new_tls_server(servers, ssl_mode="yes"):
    s = new_pop3_server(servers, start=False)
    s.imaps_port = free_port()
    s.pop3s_port = free_port()
    s.extra_conf = tls_conf(s.root, s.imaps_port, s.pop3s_port, ssl_mode)
    s._write_config()
    s.start()
    return s


@pytest.fixture
def tls_server(servers):
    return new_tls_server(servers)


def client_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class LineClient:
    """A line client whose socket can switch to TLS mid-session."""

    def __init__(self, port, source=None):
        self.sock = socket.create_connection(
            ("127.0.0.1", port), timeout=TIMEOUT,
            source_address=(source, 0) if source else None)
        self.buf = b""

    def starttls(self):
        # nothing may be buffered past the go-ahead reply
        assert self.buf == b""
        self.sock = client_context().wrap_socket(self.sock)

    def send(self, data):
        self.sock.sendall(data)

    def sendline(self, line):
        self.send(line.encode() + b"\r\n")

    def readline(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                line, self.buf = self.buf, b""
                return line
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")

    def tagged(self, tag):
        """Lines up to and including the one tagged tag."""
        lines = []
        while True:
            line = self.readline()
            assert line, "closed while waiting for %s: %r" % (tag, lines)
            lines.append(line)
            if line.startswith(tag.encode() + b" "):
                return lines

    def close(self):
        self.sock.close()


def caps_of(line):
    """The capability words of a "* CAPABILITY" line or the greeting's
    [CAPABILITY ...] code."""
    text = line.decode()
    if "[CAPABILITY " in text:
        text = text.split("[CAPABILITY ", 1)[1].split("]", 1)[0]
    else:
        text = text.split("* CAPABILITY ", 1)[1]
    return text.split()


def imap_capability(c, tag):
    c.sendline(tag + " CAPABILITY")
    lines = c.tagged(tag)
    assert lines[-1].startswith(tag.encode() + b" OK"), lines
    return caps_of(lines[0])


def password(server, user="u1"):
    return server.users[user][2]


def stored_message(server):
    """Message 1 of u1's INBOX as plaintext IMAP from this host gives it
    (delivery added a header), the reference for the TLS fetches."""
    m = imaplib.IMAP4("127.0.0.1", server.imap_port, timeout=TIMEOUT)
    m.login("u1", password(server))
    m.select("INBOX", readonly=True)
    typ, data = m.fetch("1", "(BODY.PEEK[])")
    m.logout()
    assert typ == "OK" and data[0][1].endswith(MSG)
    return data[0][1]


# --- IMAP --------------------------------------------------------------

def test_imap_starttls_untrusted(tls_server):
    c = LineClient(tls_server.imap_port, source=UNTRUSTED_IP)
    greeting = c.readline()
    assert greeting.startswith(b"* OK [CAPABILITY ")
    caps = caps_of(greeting)
    assert "STARTTLS" in caps and "LOGINDISABLED" in caps
    assert "AUTH=PLAIN" not in caps
    c.sendline("a LOGIN u1 " + password(tls_server))
    # Dovecot adds an untagged "* BAD [ALERT]" first
    assert c.tagged("a")[-1].startswith(b"a NO [PRIVACYREQUIRED] ")
    c.sendline("b STARTTLS")
    assert c.readline() == b"b OK Begin TLS negotiation now."
    c.starttls()
    caps = imap_capability(c, "c")
    assert "STARTTLS" not in caps and "LOGINDISABLED" not in caps
    assert "AUTH=PLAIN" in caps
    c.sendline("d STARTTLS")
    assert c.readline().startswith(b"d BAD ")
    c.sendline("e LOGIN u1 " + password(tls_server))
    assert c.tagged("e")[-1].startswith(b"e OK ")
    c.sendline("f LOGOUT")
    assert c.tagged("f")[-1].startswith(b"f OK ")
    c.close()


def test_imap_starttls_command_injection(tls_server, target):
    """A command pipelined after STARTTLS in the same packet came before
    the TLS session and must not run (CVE-2011-0411 class): Cove drops
    it, Dovecot disconnects after the handshake."""
    c = LineClient(tls_server.imap_port, source=UNTRUSTED_IP)
    c.readline()
    c.send(b"a STARTTLS\r\nb CAPABILITY\r\n")
    assert c.readline() == b"a OK Begin TLS negotiation now."
    lines = []
    try:
        c.starttls()
        c.sendline("c NOOP")
        while not lines or not lines[-1].startswith(b"c "):
            line = c.readline()
            if not line:
                break
            lines.append(line)
    except (ssl.SSLError, ConnectionError):
        pass
    c.close()
    assert not any(l.startswith((b"* CAPABILITY", b"b ")) for l in lines)
    if target == "cove":
        assert len(lines) == 1 and lines[0].startswith(b"c OK"), lines


def test_imaplib_starttls_and_imaps(tls_server):
    deliver(tls_server, MSG)
    m = imaplib.IMAP4("127.0.0.1", tls_server.imap_port, timeout=TIMEOUT)
    m.starttls(client_context())
    assert m.login("u1", password(tls_server))[0] == "OK"
    assert m.select("INBOX") == ("OK", [b"1"])
    m.logout()
    m = imaplib.IMAP4_SSL("127.0.0.1", tls_server.imaps_port,
                          ssl_context=client_context(), timeout=TIMEOUT)
    assert "STARTTLS" not in m.capabilities
    assert m.login("u1", password(tls_server))[0] == "OK"
    m.select("INBOX", readonly=True)
    typ, data = m.fetch("1", "(BODY.PEEK[])")
    assert typ == "OK" and data[0][1] == stored_message(tls_server)
    m.logout()


def test_imaps_login_from_untrusted(tls_server):
    """Implicit TLS is secure from anywhere: LOGIN is allowed."""
    c = LineClient(tls_server.imaps_port, source=UNTRUSTED_IP)
    c.starttls()
    caps = caps_of(c.readline())
    assert "STARTTLS" not in caps and "LOGINDISABLED" not in caps
    c.sendline("a LOGIN u1 " + password(tls_server))
    assert c.tagged("a")[-1].startswith(b"a OK ")
    c.close()
    # the login line says TLS
    pattern = re.compile(rb"Login: user=<u1>, method=PLAIN, "
                         rb"rip=127\.0\.0\.2, lip=127\.0\.0\.1, .*TLS, ")
    deadline = time.monotonic() + TIMEOUT
    while not pattern.search(tls_server.read_log()):
        assert time.monotonic() < deadline, tls_server.read_log()
        time.sleep(0.1)


# --- POP3 --------------------------------------------------------------

def test_pop3_stls_untrusted(tls_server):
    c = LineClient(tls_server.pop3_port, source=UNTRUSTED_IP)
    assert c.readline().startswith(b"+OK")
    c.sendline("CAPA")
    capa = []
    while True:
        line = c.readline()
        if line == b".":
            break
        capa.append(line)
    assert b"STLS" in capa and b"USER" not in capa
    c.sendline("USER u1")
    assert c.readline().startswith(b"-ERR ")
    c.sendline("STLS")
    assert c.readline().startswith(b"+OK ")
    c.starttls()
    c.sendline("STLS")
    assert c.readline().startswith(b"-ERR ")
    c.sendline("USER u1")
    assert c.readline().startswith(b"+OK")
    c.sendline("PASS " + password(tls_server))
    assert c.readline().startswith(b"+OK")
    c.sendline("QUIT")
    assert c.readline().startswith(b"+OK")
    c.close()


def test_poplib_stls_and_pop3s(tls_server):
    deliver(tls_server, MSG)
    p = poplib.POP3("127.0.0.1", tls_server.pop3_port, timeout=TIMEOUT)
    p.stls(client_context())
    p.user("u1")
    p.pass_(password(tls_server))
    assert p.stat()[0] == 1
    p.quit()
    p = poplib.POP3_SSL("127.0.0.1", tls_server.pop3s_port,
                        context=client_context(), timeout=TIMEOUT)
    p.user("u1")
    p.pass_(password(tls_server))
    resp, lines, _ = p.retr(1)
    assert b"\r\n".join(lines) + b"\r\n" == stored_message(tls_server)
    p.quit()


# --- other clients -----------------------------------------------------

def s_client(port, script, starttls=None):
    argv = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
            "-quiet", "-crlf", "-ign_eof"]
    if starttls:
        argv += ["-starttls", starttls]
    proc = subprocess.run(argv, input=script.encode(), capture_output=True,
                          timeout=60)
    return proc.stdout.decode("utf-8", "replace")


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_openssl_s_client_imap(tls_server, mode):
    out = s_client(tls_server.imap_port if mode == "starttls"
                   else tls_server.imaps_port,
                   "a LOGIN u1 %s\nb LOGOUT\n" % password(tls_server),
                   "imap" if mode == "starttls" else None)
    lines = out.splitlines()
    assert any(l.startswith("a OK ") for l in lines), out
    assert any(l.startswith("b OK ") for l in lines), out


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_openssl_s_client_pop3(tls_server, mode):
    out = s_client(tls_server.pop3_port if mode == "starttls"
                   else tls_server.pop3s_port,
                   "USER u1\nPASS %s\nSTAT\nQUIT\n" % password(tls_server),
                   "pop3" if mode == "starttls" else None)
    assert "+OK 0 0" in out, out


@pytest.mark.parametrize("scheme", ["imaps", "pop3s"])
def test_curl_fetch(tls_server, scheme):
    deliver(tls_server, MSG)
    if scheme == "imaps":
        url = "imaps://127.0.0.1:%d/INBOX;UID=1" % tls_server.imaps_port
    else:
        url = "pop3s://127.0.0.1:%d/1" % tls_server.pop3s_port
    proc = subprocess.run(["curl", "-s", "-k", "--max-time", "30", "-u",
                           "u1:" + password(tls_server), url],
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == stored_message(tls_server)


# --- ssl = required and startup checks ---------------------------------

def test_ssl_required_refuses_plaintext(servers):
    s = new_tls_server(servers, ssl_mode="required")
    c = LineClient(s.imap_port, source=UNTRUSTED_IP)
    assert "LOGINDISABLED" in caps_of(c.readline())
    c.sendline("a LOGIN u1 " + password(s))
    assert c.tagged("a")[-1].startswith(b"a NO [PRIVACYREQUIRED] ")
    c.close()
    # loopback to itself stays allowed
    c = LineClient(s.imap_port)
    c.readline()
    c.sendline("a LOGIN u1 " + password(s))
    assert c.tagged("a")[-1].startswith(b"a OK ")
    c.close()


@pytest.mark.cove_only
@pytest.mark.parametrize("broken", ["missing", "garbage", "mismatch"])
def test_broken_key_fails_at_startup(servers, broken):
    s = new_pop3_server(servers, start=False)
    conf = tls_conf(s.root, free_port(), free_port())
    key_path = os.path.join(s.root, "key.pem")
    if broken == "missing":
        conf = conf.replace("<" + key_path, "<" + key_path + ".missing")
        key_path += ".missing"
    elif broken == "garbage":
        with open(key_path, "w") as f:
            f.write("not a key\n")
    else:
        other = os.path.join(s.root, "other")
        os.mkdir(other)
        make_cert(other)
        conf = conf.replace("<" + key_path,
                            "<" + os.path.join(other, "key.pem"))
        key_path = os.path.join(other, "key.pem")
    s.extra_conf = conf
    s._write_config()
    proc = subprocess.run([os.path.join(s.prefix, "sbin", "cove"), "-F",
                           "-c", s.conf], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=30)
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode != 0
    assert "Fatal: Invalid configuration" in text
    # the setting and the file at fault
    assert "ssl_key" in text and key_path in text, text
