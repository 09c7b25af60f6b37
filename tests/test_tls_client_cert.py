# Copyright (c) Cove authors. See AUTHORS.
"""TLS client certificates: AUTHENTICATE EXTERNAL with a certificate made
here by a test CA (ssl_ca, ssl_verify_client_cert), refused without one
or with one the CA did not sign; auth_ssl_require_client_cert and
auth_ssl_username_from_cert with PLAIN. Run against Dovecot with
COVE_TEST_TARGET=dovecot."""

import base64
import os
import socket
import ssl
import subprocess

import pytest

from conftest import TARGET
from helpers import TIMEOUT
from mailserver import free_port
from test_tls import make_cert

FAILED_PREFIX = b"a NO "
# Dovecot wants a CRL from the CA by default; the test CA has none (Cove
# does not check CRLs).
DOVECOT_CONF = "ssl_require_crl = no\n" if TARGET == "dovecot" else ""


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True,
                   capture_output=True, timeout=60)


def make_ca(root):
    """A CA certificate and key in root."""
    ca, key = os.path.join(root, "ca.pem"), os.path.join(root, "ca.key")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=Cove Test CA", "-keyout", key, "-out", ca)
    return ca, key


def make_client_cert(root, name, cn, ca=None):
    """A client certificate for CN=cn signed by ca (a (cert, key) pair),
    or self-signed; returns (cert, key) paths."""
    cert = os.path.join(root, name + ".pem")
    key = os.path.join(root, name + ".key")
    if ca is None:
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                "2", "-subj", "/CN=" + cn, "-keyout", key, "-out", cert)
    else:
        csr = os.path.join(root, name + ".csr")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn,
                "-keyout", key, "-out", csr)
        openssl("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1],
                "-CAcreateserial", "-days", "2", "-out", cert)
    return cert, key


def new_cert_server(servers, extra=""):
    s = servers.new(start=False)
    s.imaps_port = free_port()
    cert, key = make_cert(s.root)
    s.ca = make_ca(s.root)
    os.chmod(s.root, 0o755)
    s.extra_conf = """\
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_ca = <{ca}
ssl_verify_client_cert = yes
auth_mechanisms = plain login external
service imap-login {{
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
""".format(cert=cert, key=key, ca=s.ca[0], port=s.imaps_port) + \
        DOVECOT_CONF + extra
    s._write_config()
    s.start()
    return s


class TlsClient:
    def __init__(self, port, cert=None):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        if cert is not None:
            ctx.load_cert_chain(cert[0], cert[1])
        sock = socket.create_connection(("127.0.0.1", port),
                                        timeout=TIMEOUT)
        self.sock = ctx.wrap_socket(sock)
        self.buf = b""
        self.greeting = self.readline()
        assert self.greeting.startswith(b"* OK"), self.greeting

    def readline(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")

    def command(self, line):
        """Sends 'a line' and returns the tagged reply."""
        self.sock.sendall(b"a " + line.encode() + b"\r\n")
        reply = self.readline()
        while reply.startswith(b"* "):
            reply = self.readline()
        return reply

    def close(self):
        self.sock.close()


def external(server, cert, authzid=""):
    c = TlsClient(server.imaps_port, cert)
    try:
        return c.command("AUTHENTICATE EXTERNAL " +
                         (base64.b64encode(authzid.encode()).decode()
                          if authzid else "="))
    finally:
        c.close()


def allow_any_password(server, user):
    """Gives user an empty password with the nopassword extra field."""
    with open(server.users_path) as f:
        lines = f.read().splitlines()
    with open(server.users_path, "w") as f:
        for line in lines:
            fields = line.split(":")
            if fields[0] == user:
                fields[1] = ""
                fields[-1] = "nopassword"
            f.write(":".join(fields) + "\n")


def test_external_with_client_cert(servers):
    s = new_cert_server(servers, "auth_ssl_username_from_cert = yes\n")
    good = make_client_cert(s.root, "u1", "u1", s.ca)
    # EXTERNAL checks an empty password: only nopassword entries pass
    assert external(s, good).startswith(FAILED_PREFIX)
    allow_any_password(s, "u1")
    assert external(s, good).startswith(b"a OK "), s.read_log()
    assert external(s, good, "u1").startswith(b"a OK ")
    # authorization as someone else is refused
    assert external(s, good, "u2").startswith(FAILED_PREFIX)
    # no certificate, or one the CA did not sign
    assert external(s, None).startswith(FAILED_PREFIX)
    rogue = make_client_cert(s.root, "rogue", "u1")
    assert external(s, rogue).startswith(FAILED_PREFIX)
    # a valid certificate of a user no passdb knows
    nosuch = make_client_cert(s.root, "nosuch", "nosuch", s.ca)
    assert external(s, nosuch).startswith(FAILED_PREFIX)
    # PLAIN still works without a certificate, with the name given
    c = TlsClient(s.imaps_port)
    assert c.command("LOGIN u2 " + s.users["u2"][2]).startswith(b"a OK ")
    c.close()


def test_require_client_cert(servers):
    s = new_cert_server(servers, "auth_ssl_require_client_cert = yes\n")
    good = make_client_cert(s.root, "u1", "u1", s.ca)
    password = s.users["u1"][2]
    c = TlsClient(s.imaps_port)
    assert c.command("LOGIN u1 " + password) == \
        b"a NO [ALERT] Client didn't present valid SSL certificate"
    c.close()
    c = TlsClient(s.imaps_port, good)
    assert c.command("LOGIN u1 " + password).startswith(b"a OK ")
    c.close()


def test_username_from_cert(servers):
    s = new_cert_server(servers, "auth_ssl_username_from_cert = yes\n")
    good = make_client_cert(s.root, "u1", "u1", s.ca)
    # the name comes from the certificate: u2's name with u1's password
    # logs in as u1
    c = TlsClient(s.imaps_port, good)
    assert c.command("LOGIN u2 " + s.users["u1"][2]).startswith(b"a OK ")
    c.close()
    c = TlsClient(s.imaps_port, good)
    assert c.command("LOGIN u1 " +
                     s.users["u2"][2]).startswith(FAILED_PREFIX)
    c.close()


@pytest.mark.cove_only
def test_verify_needs_ca(servers):
    s = servers.new(start=False)
    cert, key = make_cert(s.root)
    s.extra_conf = ("ssl = yes\nssl_cert = <%s\nssl_key = <%s\n"
                    "ssl_verify_client_cert = yes\n" % (cert, key))
    s._write_config()
    proc = subprocess.run([os.path.join(s.prefix, "sbin", "cove"), "-F",
                           "-c", s.conf], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=30)
    text = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode != 0
    assert "ssl_verify_client_cert: ssl_ca is not set" in text, text


def test_external_needs_username_from_cert(servers):
    s = new_cert_server(servers)
    allow_any_password(s, "u1")
    good = make_client_cert(s.root, "u1", "u1", s.ca)
    assert external(s, good).startswith(FAILED_PREFIX)
