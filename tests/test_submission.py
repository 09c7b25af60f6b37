# Copyright (c) Cove authors. See AUTHORS.
"""The submission service (RFC 6409, RFC 4954): submission-login before
AUTH, the submission worker relaying to a sink on a loopback port that
stands in for submission_relay_host.  Checked against Dovecot's
submission service when dovecot-submissiond is installed."""

import os
import smtplib
import socket
import socketserver
import threading
import time

import pytest

from mailserver import MailServer, free_port, port_open

TARGET = os.environ.get("COVE_TEST_TARGET", "cove")
if TARGET == "dovecot" and not os.path.exists(
        "/usr/lib/dovecot/submission"):
    pytest.skip("dovecot-submissiond is not installed",
                allow_module_level=True)

MSG = (b"From: u1@example.org\r\nTo: rcpt@example.com\r\n"
       b"Subject: relay\r\n\r\nline one\r\n.dot line\r\nlast\r\n")


class SinkHandler(socketserver.StreamRequestHandler):
    """A minimal SMTP server: records each transaction, refuses recipients
    whose local part starts with "reject", and drops the connection at
    "RCPT TO:<drop...>"."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        sink = self.server.sink
        self.reply("220 sink.example ESMTP")
        mail_from, rcpts = None, []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.rstrip(b"\r\n").decode("utf-8", "replace")
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-sink.example\r\n250 8BITMIME")
            elif verb == "MAIL":
                mail_from, rcpts = cmd, []
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                if cmd.upper().startswith("RCPT TO:<DROP"):
                    return
                if cmd.upper().startswith("RCPT TO:<REJECT"):
                    self.reply("550 5.1.1 <%s>: Recipient address rejected"
                               % cmd[9:-1])
                else:
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
                sink.messages.append((mail_from, rcpts, data))
                self.reply("250 2.0.0 Ok: queued as SINK1")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("250 2.0.0 Ok")


class Sink:
    def __init__(self):
        self.messages = []
        self.server = socketserver.ThreadingTCPServer(
            ("127.0.0.1", 0), SinkHandler)
        self.server.daemon_threads = True
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def sink():
    s = Sink()
    yield s
    s.stop()


def new_submission_server(servers, relay_port, extra_conf=""):
    port = free_port()
    conf = """\
protocols = imap lmtp submission
submission_relay_host = 127.0.0.1
submission_relay_port = {rp}
service submission-login {{
  inet_listener submission {{
    port = {sp}
  }}
}}
""".format(rp=relay_port, sp=port) + extra_conf
    if TARGET == "dovecot":
        conf += "service submission-login {\n  chroot =\n}\n"
    s = MailServer(TARGET, extra_conf=conf)
    servers.servers.append(s)
    s.start()
    deadline = time.time() + 10
    while not port_open(port):
        assert time.time() < deadline, "submission port did not open"
        time.sleep(0.05)
    s.submission_port = port
    return s


@pytest.fixture
def sub_server(servers, sink):
    return new_submission_server(servers, sink.port)


def connect(server):
    c = smtplib.SMTP("127.0.0.1", server.submission_port, timeout=10)
    c.ehlo("client.example")
    return c


def test_ehlo_before_auth(sub_server):
    c = connect(sub_server)
    assert c.has_extn("auth")
    assert set(c.esmtp_features["auth"].split()) >= {"PLAIN", "LOGIN"}
    for ext in ("pipelining", "size", "8bitmime", "enhancedstatuscodes"):
        assert c.has_extn(ext), ext
    assert c.noop() == (250, b"2.0.0 OK")
    assert c.rset() == (250, b"2.0.0 OK")
    c.quit()


def test_mail_before_auth_refused(sub_server, sink):
    c = connect(sub_server)
    code, text = c.mail("u1@example.org")
    assert (code, text) == (530, b"5.7.0 Authentication required")
    code, text = c.rcpt("x@example.com")
    assert code == 530
    with pytest.raises(smtplib.SMTPSenderRefused) as e:
        c.sendmail("u1@example.org", ["x@example.com"], MSG)
    assert e.value.smtp_code == 530
    c.quit()
    assert sink.messages == []


def test_auth_wrong_password(sub_server):
    c = connect(sub_server)
    with pytest.raises(smtplib.SMTPAuthenticationError) as e:
        c.login("u1", "wrong")
    assert e.value.smtp_code == 535
    assert e.value.smtp_error.startswith(b"5.7.8 ")
    # still not authenticated
    assert c.mail("u1@example.org")[0] == 530
    c.quit()


@pytest.mark.parametrize("mech", ["PLAIN", "LOGIN"])
def test_auth_and_relay(sub_server, sink, mech):
    c = connect(sub_server)
    c.user, c.password = "u1", "pass1"
    code, text = c.auth(mech, getattr(c, "auth_" + mech.lower()),
                        initial_response_ok=(mech == "PLAIN"))
    assert (code, text) == (235, b"2.7.0 Authentication successful")
    c.ehlo("client.example")
    assert c.has_extn("size")
    refused = c.sendmail("u1@example.org", ["rcpt@example.com"], MSG)
    assert refused == {}
    c.quit()
    assert len(sink.messages) == 1
    mail_from, rcpts, data = sink.messages[0]
    assert mail_from.startswith("MAIL FROM:<u1@example.org>")
    assert rcpts == ["RCPT TO:<rcpt@example.com>"]
    # the relay sees the message dot-stuffed as the client sent it
    assert data == MSG.replace(b"\r\n.dot", b"\r\n..dot")


def login(server):
    c = connect(server)
    c.login("u1", "pass1")
    c.ehlo("client.example")
    return c


def test_relay_replies_passed_through(sub_server, sink):
    c = login(sub_server)
    assert c.mail("u1@example.org") == (250, b"2.1.0 Ok")
    code, text = c.rcpt("reject-me@example.com")
    assert (code, text) == (
        550, b"5.1.1 <reject-me@example.com>: Recipient address rejected")
    assert c.rcpt("ok@example.com") == (250, b"2.1.5 Ok")
    code, text = c.data(MSG)
    assert (code, text) == (250, b"2.0.0 Ok: queued as SINK1")
    assert [m[1] for m in sink.messages] == [["RCPT TO:<ok@example.com>"]]
    # a transaction with only refused recipients never reaches DATA
    assert c.mail("u1@example.org")[0] == 250
    assert c.rcpt("reject2@example.com")[0] == 550
    code, text = c.docmd("DATA")
    assert (code, text) == (554, b"5.5.1 No valid recipients")
    c.quit()
    assert len(sink.messages) == 1


def test_sequence_errors(sub_server):
    c = login(sub_server)
    assert c.rcpt("x@example.com") == (503, b"5.5.1 MAIL needed first")
    assert c.docmd("DATA") == (503, b"5.5.1 MAIL needed first")
    assert c.mail("u1@example.org")[0] == 250
    assert c.mail("u1@example.org") == (503, b"5.5.1 MAIL already given")
    assert c.rset() == (250, b"2.0.0 OK")
    assert c.docmd("FOO") == (500, b"5.5.2 Unknown command")
    c.quit()


def test_max_mail_size(servers, sink):
    server = new_submission_server(servers, sink.port,
                                   "submission_max_mail_size = 100\n")
    c = login(server)
    assert c.esmtp_features["size"] == "100"
    assert c.mail("u1@example.org", ["SIZE=101"]) == (
        552, b"5.3.4 Message too big for system")
    assert c.mail("u1@example.org")[0] == 250
    assert c.rcpt("ok@example.com")[0] == 250
    assert c.data(b"x" * 200 + b"\r\n") == (
        552, b"5.3.4 Message too big for system")
    # the session goes on
    assert c.mail("u1@example.org")[0] == 250
    assert c.rcpt("ok@example.com")[0] == 250
    assert c.data(b"small\r\n")[0] == 250
    # BDAT chunks count together
    assert c.mail("u1@example.org")[0] == 250
    assert c.rcpt("ok@example.com")[0] == 250
    c.send(b"BDAT 60\r\n" + b"y" * 60)
    assert c.getreply()[0] == 250
    c.send(b"BDAT 60 LAST\r\n" + b"y" * 60)
    assert c.getreply() == (552, b"5.3.4 Message too big for system")
    assert c.noop() == (250, b"2.0.0 OK")
    c.quit()
    assert [m[2] for m in sink.messages] == [b"small\r\n"]


def test_relay_down(servers):
    # nothing listens on this port
    server = new_submission_server(servers, free_port())
    c = login(server)
    assert c.mail("u1@example.org") == (
        451, b"4.4.0 Remote server not answering")
    with pytest.raises(smtplib.SMTPSenderRefused) as e:
        c.sendmail("u1@example.org", ["x@example.com"], MSG)
    assert e.value.smtp_code == 451
    c.quit()


def test_overlong_line(sub_server):
    c = socket.create_connection(("127.0.0.1", sub_server.submission_port),
                                 timeout=10)
    f = c.makefile("rb")
    assert f.readline().startswith(b"220 ")
    c.sendall(b"NOOP " + b"x" * 20000 + b"\r\n")
    assert f.readline() == b"500 5.5.2 Line too long\r\n"
    c.close()
    s = login(sub_server)
    code, text = s.docmd("NOOP " + "x" * 10000)
    assert (code, text) == (500, b"5.5.2 Line too long")
    # the line was skipped whole: the session is still in step
    assert s.noop() == (250, b"2.0.0 OK")
    s.quit()


def test_relay_fails_mid_transaction(sub_server, sink):
    c = login(sub_server)
    assert c.mail("u1@example.org")[0] == 250
    assert c.rcpt("ok@example.com")[0] == 250
    # the relay drops the connection: the transaction is over
    assert c.rcpt("drop@example.com") == (
        451, b"4.4.0 Remote server not answering")
    assert c.docmd("DATA") == (503, b"5.5.1 MAIL needed first")
    # the next transaction gets a new relay connection
    assert c.sendmail("u1@example.org", ["ok@example.com"], MSG) == {}
    c.quit()
    assert len(sink.messages) == 1


def test_bdat(sub_server, sink):
    c = login(sub_server)
    assert c.has_extn("chunking")
    # a refused chunk is still read: the session stays in step
    c.send(b"BDAT 4\r\nabcd")
    assert c.getreply() == (503, b"5.5.1 MAIL needed first")
    assert c.noop() == (250, b"2.0.0 OK")
    assert c.mail("u1@example.org")[0] == 250
    assert c.rcpt("ok@example.com")[0] == 250
    c.send(b"BDAT 12\r\nSubject: b\r\n")
    assert c.getreply() == (250, b"2.0.0 12 octets received")
    c.send(b"BDAT 9 LAST\r\n\r\n.body\nx")
    assert c.getreply() == (250, b"2.0.0 Ok: queued as SINK1")
    # the relay gets one DATA, dot-stuffed, with CRLF line ends
    assert sink.messages[0][2] == b"Subject: b\r\n\r\n..body\r\nx\r\n"
    assert c.mail("u1@example.org")[0] == 250
    assert c.rcpt("ok@example.com")[0] == 250
    c.send(b"BDAT 3\r\nabc")
    assert c.getreply() == (250, b"2.0.0 3 octets received")
    assert c.docmd("DATA") == (503, b"5.5.1 DATA not allowed after BDAT")
    assert c.rset() == (250, b"2.0.0 OK")
    c.quit()
    assert len(sink.messages) == 1
