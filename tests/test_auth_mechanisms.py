# Copyright (c) Cove authors. See AUTHORS.
"""SASL mechanisms that never send the password: CRAM-MD5 (with imaplib's
login_cram_md5) and SCRAM-SHA-1 / SCRAM-SHA-256 (a client written here
from RFC 5802), with plaintext and SCRAM-hashed passdb entries; a CRYPT
entry cannot serve them and the failure says why in the log."""

import base64
import hashlib
import hmac
import imaplib
import os
import subprocess

import pytest

from mailserver import cove_prefix

MECHS = "auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256\n"
TIMEOUT = 30
FAILED = "[AUTHENTICATIONFAILED] Authentication failed."


class ScramClient:
    """The client side of SCRAM (RFC 5802) for imaplib.authenticate."""

    def __init__(self, user, password, hashname):
        self.user, self.password, self.hashname = user, password, hashname
        self.cnonce = base64.b64encode(os.urandom(18)).decode()
        self.step = 0
        self.server_signature = None
        self.verified = False

    def __call__(self, challenge):
        self.step += 1
        if self.step == 1:
            self.client_first_bare = "n=%s,r=%s" % (self.user, self.cnonce)
            return ("n,," + self.client_first_bare).encode()
        if self.step == 2:
            server_first = challenge.decode()
            attrs = dict(a.split("=", 1) for a in server_first.split(","))
            assert attrs["r"].startswith(self.cnonce)
            salted = hashlib.pbkdf2_hmac(self.hashname,
                                         self.password.encode(),
                                         base64.b64decode(attrs["s"]),
                                         int(attrs["i"]))
            client_key = hmac.new(salted, b"Client Key",
                                  self.hashname).digest()
            stored_key = hashlib.new(self.hashname, client_key).digest()
            without_proof = "c=biws,r=" + attrs["r"]
            auth_message = ",".join((self.client_first_bare, server_first,
                                     without_proof)).encode()
            signature = hmac.new(stored_key, auth_message,
                                 self.hashname).digest()
            proof = bytes(a ^ b for a, b in zip(client_key, signature))
            server_key = hmac.new(salted, b"Server Key",
                                  self.hashname).digest()
            self.server_signature = base64.b64encode(hmac.new(
                server_key, auth_message, self.hashname).digest()).decode()
            return (without_proof + ",p=" +
                    base64.b64encode(proof).decode()).encode()
        # server-final: the server proves it knows the verifier too
        self.verified = challenge.decode() == "v=" + self.server_signature
        return b""


def stored_password(scheme, password, target):
    if target == "cove":
        argv = [os.path.join(cove_prefix(), "bin", "coveadm"), "pw"]
    else:
        argv = ["doveadm", "pw"]
    return subprocess.run(argv + ["-s", scheme, "-p", password],
                          capture_output=True, text=True, check=True,
                          timeout=TIMEOUT).stdout.strip()


@pytest.fixture
def mech_server(servers, target):
    """u1 has a {PLAIN} password, u2 a SHA512-CRYPT one, s256 and s1
    SCRAM verifiers, c5 a CRAM-MD5 context."""
    server = servers.new(MECHS, start=False)
    uid, gid, _ = server.users["u1"]
    with open(server.users_path, "a") as f:
        for name, scheme in (("s256", "SCRAM-SHA-256"), ("s1", "SCRAM-SHA-1"),
                             ("c5", "CRAM-MD5")):
            f.write("%s:%s:%d:%d::%s::\n" % (
                name, stored_password(scheme, "Secret 9", target), uid, gid,
                server.home("u1")))
    server.start()
    return server


def error_text(error):
    text = error.args[0]
    return text.decode() if isinstance(text, bytes) else text


def connect(server):
    return imaplib.IMAP4("127.0.0.1", server.imap_port, timeout=TIMEOUT)


def test_mechanisms_are_advertised(mech_server):
    m = connect(mech_server)
    try:
        caps = m.capabilities
        for mech in ("CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"):
            assert "AUTH=" + mech in caps
    finally:
        m.logout()


@pytest.mark.parametrize("user,password", [("u1", "pass1"),
                                           ("c5", "Secret 9")])
def test_cram_md5(mech_server, user, password):
    m = connect(mech_server)
    try:
        assert m.login_cram_md5(user, password)[0] == "OK"
        assert m.select("INBOX")[0] == "OK"
    finally:
        m.logout()
    m = connect(mech_server)
    try:
        with pytest.raises(imaplib.IMAP4.error) as e:
            m.login_cram_md5(user, password + "x")
        assert error_text(e.value) == FAILED
    finally:
        m.logout()


@pytest.mark.parametrize("mech,hashname,user,password", [
    ("SCRAM-SHA-256", "sha256", "u1", "pass1"),
    ("SCRAM-SHA-1", "sha1", "u1", "pass1"),
    ("SCRAM-SHA-256", "sha256", "s256", "Secret 9"),
    ("SCRAM-SHA-1", "sha1", "s1", "Secret 9"),
])
def test_scram(mech_server, mech, hashname, user, password):
    m = connect(mech_server)
    try:
        client = ScramClient(user, password, hashname)
        assert m.authenticate(mech, client)[0] == "OK"
        assert client.verified
        assert m.select("INBOX")[0] == "OK"
    finally:
        m.logout()
    m = connect(mech_server)
    try:
        with pytest.raises(imaplib.IMAP4.error) as e:
            m.authenticate(mech, ScramClient(user, password + "x", hashname))
        assert error_text(e.value) == FAILED
    finally:
        m.logout()


@pytest.mark.cove_only
def test_crypt_password_cannot_serve_cram_md5(mech_server):
    m = connect(mech_server)
    try:
        with pytest.raises(imaplib.IMAP4.error):
            m.login_cram_md5("u2", "pass2")
    finally:
        m.logout()
    assert (b"CRAM-MD5 needs a plaintext or CRAM-MD5 password, but the "
            b"passdb has a SHA512-CRYPT one") in mech_server.read_log()


def test_scram_rejects_channel_binding_and_garbage(mech_server):
    for first in (b"p=tls-unique,,n=u1,r=abc", b"x", b"n,,n=u1"):
        m = connect(mech_server)
        try:
            with pytest.raises(imaplib.IMAP4.error):
                m.authenticate("SCRAM-SHA-256", lambda _c, f=first: f)
            assert m.noop()[0] == "OK"
        finally:
            m.logout()
