# Copyright (c) Cove authors. See AUTHORS.
"""TLS and the relay options of the submission service: STARTTLS and
implicit TLS (submissions) towards the client with AUTH only over TLS
or from a trusted address; submission_relay_ssl = starttls|smtps with
and without certificate verification, submission_relay_user/_password
(AUTH PLAIN to the relay) against a relay stub here; and
submission_sender_check.  Checked against Dovecot's submission service
(dovecot-submissiond) with COVE_TEST_TARGET=dovecot where it has the
setting."""

import base64
import os
import shutil
import smtplib
import socketserver
import ssl
import subprocess
import tempfile
import threading
import time

import pytest

from mailserver import MailServer, free_port, port_open
from test_tls import LineClient, UNTRUSTED_IP, client_context

TARGET = os.environ.get("COVE_TEST_TARGET", "cove")
if TARGET == "dovecot" and not os.path.exists(
        "/usr/lib/dovecot/submission"):
    pytest.skip("dovecot-submissiond is not installed",
                allow_module_level=True)

MSG = (b"From: u1@example.org\r\nTo: rcpt@example.com\r\n"
       b"Subject: tls relay\r\n\r\nbody\r\n.dot line\r\n")
RELAY_USER, RELAY_PASS = "relayuser", "relay secret"


def make_cert(root, name, san="DNS:localhost,IP:127.0.0.1"):
    """A self-signed certificate (its own CA) for the subjectAltName san;
    returns the paths of the certificate and the key."""
    cert = os.path.join(root, name + "-cert.pem")
    key = os.path.join(root, name + "-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=" + san,
                    "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    os.chmod(key, 0o600)
    os.chmod(root, 0o755)
    os.chmod(cert, 0o644)
    return cert, key


class RelayHandler(socketserver.StreamRequestHandler):
    """An SMTP relay: STARTTLS (or TLS from the start in smtps mode),
    AUTH PLAIN for RELAY_USER, and each transaction recorded with whether
    it came over TLS and as whom."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def start_tls(self):
        self.connection = self.server.relay.ctx.wrap_socket(
            self.connection, server_side=True)
        self.rfile = self.connection.makefile("rb")
        self.wfile = self.connection.makefile("wb")

    def handle(self):
        relay = self.server.relay
        try:
            if relay.smtps:
                self.start_tls()
            self.session(relay)
        except (OSError, ssl.SSLError) as e:
            relay.errors.append(repr(e))

    def session(self, relay):
        tls = relay.smtps
        user = None
        mail_from, rcpts = None, []
        self.reply("220 relay.example ESMTP")
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.rstrip(b"\r\n").decode("utf-8", "replace")
            verb = cmd.split(" ", 1)[0].upper()
            if verb == "EHLO":
                exts = ["relay.example", "8BITMIME"]
                if not tls and relay.starttls:
                    exts.append("STARTTLS")
                exts.append("AUTH PLAIN")
                self.reply("\r\n".join("250-" + e for e in exts[:-1]) +
                           "\r\n250 " + exts[-1])
            elif verb == "STARTTLS" and not relay.starttls:
                self.reply("502 5.5.1 STARTTLS not supported")
            elif verb == "STARTTLS":
                self.reply("220 2.0.0 Ready to start TLS")
                self.start_tls()
                tls = True
            elif verb == "AUTH":
                raw = base64.b64decode(cmd.split()[2]).split(b"\0")
                if raw[1:] == [RELAY_USER.encode(), RELAY_PASS.encode()]:
                    user = raw[1].decode()
                    self.reply("235 2.7.0 Authentication successful")
                else:
                    self.reply("535 5.7.8 Authentication failed")
            elif verb == "MAIL":
                if relay.need_auth and user is None:
                    self.reply("530 5.7.0 Authentication required")
                    continue
                mail_from, rcpts = cmd, []
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                rcpts.append(cmd)
                self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while True:
                    l = self.rfile.readline()
                    if not l or l == b".\r\n":
                        break
                    data += l
                relay.messages.append(
                    {"tls": tls, "user": user, "from": mail_from,
                     "rcpts": rcpts, "data": data})
                self.reply("250 2.0.0 Ok: queued as RELAY1")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("250 2.0.0 Ok")


class Relay:
    def __init__(self, root, smtps=False, starttls=True, need_auth=False,
                 **cert_args):
        self.smtps, self.starttls, self.need_auth = smtps, starttls, need_auth
        self.cert, key = make_cert(root, "relay", **cert_args)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(self.cert, key)
        self.messages = []
        self.errors = []
        self.server = socketserver.ThreadingTCPServer(
            ("127.0.0.1", 0), RelayHandler)
        self.server.daemon_threads = True
        self.server.relay = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def relay_root():
    """A directory for the relay's certificate that the submission
    worker, running as the user, can read."""
    root = tempfile.mkdtemp(prefix="covet-relay-", dir="/tmp")
    os.chmod(root, 0o755)
    yield root
    shutil.rmtree(root)


def new_server(servers, relay_port, extra_conf="", ssl_mode="yes"):
    """A submission server with TLS: port 587-style submission_port and
    the implicit-TLS submissions_port, disable_plaintext_auth = yes."""
    s = MailServer(TARGET)
    cert, key = make_cert(s.root, "server")
    s.submission_port, s.submissions_port = free_port(), free_port()
    s.extra_conf = """\
protocols = imap lmtp submission
ssl = {mode}
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
submission_relay_host = 127.0.0.1
submission_relay_port = {rp}
service submission-login {{
  inet_listener submission {{
    port = {sp}
  }}
  inet_listener submissions {{
    port = {ssp}
    ssl = yes
  }}
}}
""".format(mode=ssl_mode, cert=cert, key=key, rp=relay_port,
           sp=s.submission_port, ssp=s.submissions_port) + extra_conf
    if TARGET == "dovecot":
        s.extra_conf += "service submission-login {\n  chroot =\n}\n"
    s._write_config()
    servers.servers.append(s)
    s.start()
    deadline = time.time() + 10
    while not (port_open(s.submission_port) and
               port_open(s.submissions_port)):
        assert time.time() < deadline, "submission ports did not open"
        time.sleep(0.05)
    return s


@pytest.fixture
def relay(relay_root):
    r = Relay(relay_root)
    yield r
    r.stop()


@pytest.fixture
def tls_server(servers, relay):
    return new_server(servers, relay.port)


def read_reply(c):
    """One SMTP reply from a LineClient: its lines."""
    lines = []
    while True:
        line = c.readline()
        assert line, "disconnected after %r" % lines
        lines.append(line)
        if line[3:4] != b"-":
            return lines


def command(c, line):
    c.sendline(line)
    return read_reply(c)


def ehlo_exts(c):
    return [l[4:].decode() for l in command(c, "EHLO client.example")[1:]]


def auth_plain_line(user="u1", password="pass1"):
    return "AUTH PLAIN " + base64.b64encode(
        ("\0%s\0%s" % (user, password)).encode()).decode()


def test_starttls_then_auth(tls_server):
    c = LineClient(tls_server.submission_port, source=UNTRUSTED_IP)
    assert read_reply(c)[0].startswith(b"220 ")
    exts = ehlo_exts(c)
    assert "STARTTLS" in exts
    # no plaintext mechanism is offered, or usable, before TLS
    assert not any(e.startswith("AUTH") and "PLAIN" in e for e in exts)
    reply = command(c, auth_plain_line())
    if TARGET == "dovecot":
        assert reply == [b"523 5.7.10 Plaintext authentication disabled."]
    else:
        assert reply == [b"530 5.7.0 Must issue a STARTTLS command first"]
    assert command(c, "MAIL FROM:<u1@example.org>")[0].startswith(
        b"530 5.7.0 Authentication required")
    reply = command(c, "STARTTLS")
    assert reply[0].startswith(b"220 2.0.0 ")
    c.starttls()
    exts = ehlo_exts(c)
    assert "STARTTLS" not in exts
    assert "AUTH PLAIN LOGIN" in exts
    reply = command(c, "STARTTLS")
    assert reply[0].startswith(b"502 5.5.1 TLS is already active")
    reply = command(c, auth_plain_line())
    assert reply[0].startswith(b"235 2.7.0 ")
    c.close()


def test_starttls_command_injection(tls_server):
    """A command sent after STARTTLS in the same packet was sent in
    plaintext: it must not be run in the TLS session."""
    c = LineClient(tls_server.submission_port, source=UNTRUSTED_IP)
    read_reply(c)
    c.send(b"STARTTLS\r\n" + auth_plain_line().encode() + b"\r\n")
    assert read_reply(c)[0].startswith(b"220 2.0.0 ")
    try:
        c.starttls()
        c.sock.settimeout(1)
        c.sendline("NOOP")
        reply = read_reply(c)
    except (OSError, AssertionError):
        # Dovecot disconnects after the handshake instead
        reply = None
    if reply is not None:
        assert reply == [b"250 2.0.0 OK"]
    c.close()


def test_plaintext_auth_from_trusted(tls_server, relay):
    """Loopback to its own address counts as secured: AUTH without TLS,
    and the message is relayed (in plaintext: submission_relay_ssl =
    no)."""
    c = smtplib.SMTP("127.0.0.1", tls_server.submission_port, timeout=10)
    c.ehlo("client.example")
    assert c.has_extn("starttls")
    assert "PLAIN" in c.esmtp_features["auth"].split()
    c.login("u1", "pass1")
    assert c.sendmail("u1@example.org", ["rcpt@example.com"], MSG) == {}
    c.quit()
    assert [(m["tls"], m["user"]) for m in relay.messages] == [
        (False, None)]


def test_implicit_tls(tls_server, relay):
    c = smtplib.SMTP_SSL("127.0.0.1", tls_server.submissions_port,
                         timeout=10, context=client_context(),
                         source_address=(UNTRUSTED_IP, 0))
    c.ehlo("client.example")
    assert not c.has_extn("starttls")
    assert "PLAIN" in c.esmtp_features["auth"].split()
    c.login("u1", "pass1")
    assert c.sendmail("u1@example.org", ["rcpt@example.com"], MSG) == {}
    c.quit()
    assert len(relay.messages) == 1
    # Dovecot adds a Received: header
    assert relay.messages[0]["data"].endswith(MSG.replace(b"\r\n.dot",
                                                          b"\r\n..dot"))


def test_ssl_required(servers, relay):
    """ssl = required: plaintext AUTH only over TLS, even with
    disable_plaintext_auth = no."""
    s = new_server(servers, relay.port, "disable_plaintext_auth = no\n",
                   ssl_mode="required")
    c = LineClient(s.submission_port, source=UNTRUSTED_IP)
    read_reply(c)
    assert "STARTTLS" in ehlo_exts(c)
    reply = command(c, auth_plain_line())
    if TARGET == "dovecot":
        assert reply == [b"530 5.7.0 TLS required."]
    else:
        assert reply == [b"530 5.7.0 Must issue a STARTTLS command first"]
    assert command(c, "STARTTLS")[0].startswith(b"220 ")
    c.starttls()
    ehlo_exts(c)
    assert command(c, auth_plain_line())[0].startswith(b"235 ")
    c.close()


def send_one(server):
    """Logs in (TLS) and sends MSG; returns the reply to the end of
    DATA, or the exception smtplib raised."""
    c = smtplib.SMTP_SSL("127.0.0.1", server.submissions_port, timeout=20,
                         context=client_context())
    c.login("u1", "pass1")
    try:
        c.sendmail("u1@example.org", ["rcpt@example.com"], MSG)
        result = None
    except smtplib.SMTPException as e:
        result = e
    try:
        c.quit()
    except smtplib.SMTPServerDisconnected:
        # Dovecot closes the connection when the relay fails
        pass
    return result


def relay_conf(relay, mode, verify=True, ca=True, user=RELAY_USER,
               password=RELAY_PASS):
    conf = "submission_relay_ssl = %s\n" % mode
    conf += "submission_relay_ssl_verify = %s\n" % ("yes" if verify
                                                      else "no")
    if ca:
        conf += "ssl_client_ca_file = %s\n" % relay.cert
    if user:
        conf += ("submission_relay_user = %s\n"
                 "submission_relay_password = %s\n" % (user, password))
    return conf


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_relay_tls_and_auth(servers, relay_root, mode):
    relay = Relay(relay_root, smtps=(mode == "smtps"), need_auth=True)
    try:
        s = new_server(servers, relay.port, relay_conf(relay, mode))
        assert send_one(s) is None, s.read_log()
    finally:
        relay.stop()
    assert len(relay.messages) == 1
    m = relay.messages[0]
    assert (m["tls"], m["user"]) == (True, RELAY_USER)
    assert m["from"].startswith("MAIL FROM:<u1@example.org>")
    assert m["data"].endswith(MSG.replace(b"\r\n.dot", b"\r\n..dot"))


def test_relay_certificate_not_trusted(servers, relay):
    """Without the relay's CA the certificate does not verify: the client
    gets a temporary failure and keeps its message."""
    s = new_server(servers, relay.port,
                   relay_conf(relay, "starttls", ca=False, user=None))
    e = send_one(s)
    assert isinstance(e, (smtplib.SMTPSenderRefused,
                          smtplib.SMTPServerDisconnected)), e
    if TARGET == "cove":
        assert (e.smtp_code, e.smtp_error) == (
            451, b"4.4.0 Remote server not answering")
        assert (b"TLS handshake failed: certificate: self-signed "
                b"certificate") in s.read_log()
    assert relay.messages == []


def test_relay_certificate_names_other_host(servers, relay_root):
    """A trusted certificate that does not name submission_relay_host
    (127.0.0.1) is refused too."""
    relay = Relay(relay_root, san="DNS:other.example")
    try:
        s = new_server(servers, relay.port,
                       relay_conf(relay, "starttls", user=None))
        e = send_one(s)
    finally:
        relay.stop()
    assert e is not None
    if TARGET == "cove":
        assert e.smtp_code == 451
        assert (b"TLS handshake failed: certificate: IP address mismatch"
                in s.read_log())
    assert relay.messages == []


def test_relay_no_verify(servers, relay):
    """submission_relay_ssl_verify = no accepts the unknown certificate."""
    s = new_server(servers, relay.port,
                   relay_conf(relay, "starttls", verify=False, ca=False,
                              user=None))
    assert send_one(s) is None, s.read_log()
    assert [(m["tls"], m["user"]) for m in relay.messages] == [(True, None)]


def test_relay_starttls_not_offered(servers, relay_root):
    relay = Relay(relay_root, starttls=False)
    try:
        s = new_server(servers, relay.port,
                       relay_conf(relay, "starttls", user=None))
        e = send_one(s)
    finally:
        relay.stop()
    assert e is not None
    if TARGET == "cove":
        assert e.smtp_code == 451
    assert relay.messages == []


def test_relay_auth_refused(servers, relay_root):
    relay = Relay(relay_root, need_auth=True)
    try:
        s = new_server(servers, relay.port,
                       relay_conf(relay, "starttls", password="wrong"))
        e = send_one(s)
    finally:
        relay.stop()
    assert e is not None
    if TARGET == "cove":
        assert (e.smtp_code, e.smtp_error) == (
            451, b"4.4.0 Remote server not answering")
        assert b"AUTH as relayuser: 535 5.7.8" in s.read_log()
        assert b"relay secret" not in s.read_log()
    assert relay.messages == []


@pytest.mark.skipif(TARGET != "cove",
                    reason="submission_sender_check is Cove's")
def test_sender_check(servers, relay):
    s = new_server(servers, relay.port, "submission_sender_check = yes\n")
    c = smtplib.SMTP_SSL("127.0.0.1", s.submissions_port, timeout=10,
                         context=client_context())
    c.login("u1", "pass1")
    assert c.mail("u2@example.org") == (
        553, b"5.7.1 <u2@example.org>: Sender address not owned by "
        b"user u1")
    assert c.mail("u10@example.org")[0] == 553
    # the null sender (bounces, MDNs) and the user's own addresses pass
    assert c.mail("")[0] == 250
    assert c.rset()[0] == 250
    assert c.sendmail("U1@example.org", ["rcpt@example.com"], MSG) == {}
    c.quit()
    assert len(relay.messages) == 1


def test_sender_not_checked_by_default(tls_server, relay):
    c = smtplib.SMTP_SSL("127.0.0.1", tls_server.submissions_port,
                         timeout=10, context=client_context())
    c.login("u1", "pass1")
    assert c.sendmail("u2@example.org", ["rcpt@example.com"], MSG) == {}
    c.quit()
    assert relay.messages[0]["from"].startswith("MAIL FROM:<u2@example.org>")
