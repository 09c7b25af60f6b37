# Copyright (c) Cove authors. See AUTHORS.
"""Postfix (Debian's) as the submission relay host: a user submits to
Cove's submission service, which relays over TLS (STARTTLS on Postfix's
smtpd, or its smtps wrapper mode) with the certificate verified and AUTH
PLAIN as submission_relay_user, checked by Postfix against Cove's own
auth socket (smtpd_sasl_type = dovecot); Postfix hands the message back
to Cove over LMTP and it is read over IMAP. Postfix relays only for
authenticated clients, so a Cove without submission_relay_user has its
recipients refused."""

import os
import smtplib

import pytest

from helpers import mailbox_bodies
from mailserver import free_port, is_root
from postfix import POSTFIX, Postfix
from test_submission_tls import make_cert

pytestmark = [
    pytest.mark.cove_only,
    pytest.mark.skipif(not is_root(), reason="postfix needs root"),
    pytest.mark.skipif(not os.path.exists(POSTFIX),
                       reason="postfix is not installed"),
]

DELIVERY_TIMEOUT = 30

MASTER_CF = """\
127.0.0.1:{sport} inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
lmtp      unix  -       -       n       -       -       lmtp
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
"""

MAIN_CF = """\
myhostname = mx.cove-test.example
mydestination = localhost
maillog_file_prefixes = /var, /dev/stdout, {d}
local_recipient_maps =
local_transport = lmtp:inet:127.0.0.1:{lmtp}
queue_run_delay = 1s
smtpd_tls_cert_file = {d}/cert.pem
smtpd_tls_key_file = {d}/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
"""

MSG = (b"From: u1@localhost\r\n"
       b"Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n"
       b"To: u2@localhost\r\n"
       b"Subject: through Postfix\r\n"
       b"Message-ID: <submission-postfix@example.org>\r\n"
       b"\r\n"
       b".a dotted line\r\nlast line\r\n")


@pytest.fixture
def relay_setup(servers):
    """(postfix, make_cove): make_cove(relay_conf) starts a Cove whose
    auth socket Postfix uses and whose submission service relays to
    Postfix with the lines in relay_conf ({port}, {sport}, {ca} filled
    in)."""
    pf = None
    made = []

    def make_cove(relay_conf):
        nonlocal pf
        server = servers.new(start=False)
        sport = free_port()
        pf = Postfix(MAIN_CF, MASTER_CF, sport=sport,
                     lmtp=server.lmtp_port)
        pf.sport = sport
        cert, key = make_cert(pf.dir, "postfix")
        os.rename(cert, os.path.join(pf.dir, "cert.pem"))
        os.rename(key, os.path.join(pf.dir, "key.pem"))
        private = os.path.join(pf.dir, "queue", "private")
        os.makedirs(private, 0o700, exist_ok=True)
        server.submission_port = free_port()
        server.extra_conf = """\
protocols = imap lmtp submission
service auth {{
  unix_listener {private}/auth {{
    mode = 0660
    user = postfix
    group = postfix
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = {subport}
  }}
}}
submission_relay_host = 127.0.0.1
""".format(private=private, subport=server.submission_port) + \
            relay_conf.format(port=pf.port, sport=pf.sport,
                              ca=os.path.join(pf.dir, "cert.pem"))
        server._write_config()
        server.start()
        pf.start()
        made.append(pf)
        return pf, server
    yield make_cove
    for p in made:
        p.stop()
        p.cleanup()


def submit(server, rcpt="u2@localhost"):
    with smtplib.SMTP("127.0.0.1", server.submission_port,
                      timeout=30) as c:
        c.login("u1", "pass1")
        return c.sendmail("u1@localhost", [rcpt], MSG)


@pytest.mark.parametrize("mode,port", [("starttls", "port"),
                                       ("smtps", "sport")])
def test_relay_to_postfix(relay_setup, mode, port):
    pf, server = relay_setup("""\
submission_relay_port = {%s}
submission_relay_ssl = %s
submission_relay_ssl_verify = yes
ssl_client_ca_file = {ca}
submission_relay_user = u2
submission_relay_password = pass2
""" % (port, mode))
    assert submit(server) == {}
    bodies = pf.wait_for(lambda: mailbox_bodies(server, "u2"),
                         DELIVERY_TIMEOUT, "message not delivered")
    assert len(bodies) == 1 and bodies[0].endswith(MSG), bodies
    log = pf.read_log()
    assert "sasl_method=PLAIN, sasl_username=u2" in log, log
    assert "TLS connection established from localhost[127.0.0.1]" in log \
        or "TLS connection established from unknown[127.0.0.1]" in log, log


def test_postfix_refuses_without_relay_auth(relay_setup):
    pf, server = relay_setup("""\
submission_relay_port = {port}
submission_relay_ssl = starttls
ssl_client_ca_file = {ca}
""")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as e:
        submit(server)
    # Postfix's refusal reaches the client unchanged
    assert e.value.recipients["u2@localhost"] == (
        554, b"5.7.1 <u2@localhost>: Recipient address rejected: "
        b"Access denied")
    assert mailbox_bodies(server, "u2") == []
