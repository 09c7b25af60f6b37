# Copyright (c) Cove authors. See AUTHORS.
"""Postfix's SMTP AUTH against Cove (smtpd_sasl_type = dovecot): a
private Postfix instance asks Cove's auth-client socket, placed in its
queue directory as the tutorials do, and swaks logs in with PLAIN and
LOGIN; a wrong password is refused."""

import os
import shutil
import subprocess

import pytest

from mailserver import is_root
from postfix import POSTFIX, Postfix

pytestmark = [
    pytest.mark.skipif(not is_root(), reason="postfix needs root"),
    pytest.mark.skipif(not os.path.exists(POSTFIX),
                       reason="postfix is not installed"),
    pytest.mark.skipif(shutil.which("swaks") is None,
                       reason="swaks is not installed"),
]

TIMEOUT = 60

MAIN_CF = """\
myhostname = mx.cove-test.example
mydestination = localhost
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_tls_security_level = none
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
maillog_file_prefixes = /var, /dev/stdout, {d}
"""


@pytest.fixture
def postfix_sasl(servers):
    pf = Postfix(MAIN_CF, "")
    private = os.path.join(pf.dir, "queue", "private")
    os.makedirs(private, 0o700, exist_ok=True)
    server = servers.new("""\
service auth {
  unix_listener %s/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
""" % private)
    pf.start()
    yield pf, server
    pf.stop()
    pf.cleanup()


def swaks(pf, mech, user, password):
    return subprocess.run(
        ["swaks", "--server", "127.0.0.1", "--port", str(pf.port),
         "--from", "sender@example.org", "--to", "someone@example.org",
         "--auth", mech, "--auth-user", user, "--auth-password", password,
         "--quit-after", "AUTH", "--timeout", "20"],
        capture_output=True, text=True, timeout=TIMEOUT)


@pytest.mark.parametrize("mech", ["PLAIN", "LOGIN"])
def test_postfix_smtp_auth(postfix_sasl, mech):
    pf, server = postfix_sasl
    r = swaks(pf, mech, "u1", "pass1")
    assert r.returncode == 0, r.stdout + pf.read_log()
    assert "235 2.7.0 Authentication successful" in r.stdout
    r = swaks(pf, mech, "u2", "pass2")
    assert "235 2.7.0 Authentication successful" in r.stdout, r.stdout
    r = swaks(pf, mech, "u1", "wrong")
    assert r.returncode != 0
    assert "535 5.7.8 Error: authentication failed" in r.stdout, r.stdout
