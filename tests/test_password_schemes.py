# Copyright (c) Cove authors. See AUTHORS.
"""Password schemes, cross-checked with Dovecot: a hash that
`doveadm pw -s SCHEME` makes verifies with `coveadm pw -t` and logs in
from a passwd-file, and one that `coveadm pw -s SCHEME` makes verifies
with `doveadm pw -t`."""

import imaplib
import os
import shutil
import subprocess

import pytest

from mailserver import cove_prefix

pytestmark = pytest.mark.cove_only

SCHEMES = ["CRYPT", "DES-CRYPT", "MD5-CRYPT", "SHA256-CRYPT", "SHA512-CRYPT",
           "BLF-CRYPT", "ARGON2I", "ARGON2ID", "SHA", "SHA256", "SHA512",
           "PLAIN-MD5", "LDAP-MD5", "SSHA", "SSHA256", "SSHA512", "SMD5",
           "PBKDF2", "CRAM-MD5", "PLAIN", "SHA256.HEX", "SSHA.HEX"]
# A password with a multi-byte character, a space and a "!" (DES-CRYPT
# only looks at the first 8 bytes, so those differ in WRONG).
PASSWORD = "p\u00e4ss word!1"
WRONG = "P\u00e4ss word!1"
TIMEOUT = 60

need_doveadm = pytest.mark.skipif(shutil.which("doveadm") is None,
                                  reason="doveadm (dovecot-core) missing")


def coveadm(*args):
    return subprocess.run(
        [os.path.join(cove_prefix(), "bin", "coveadm"), "pw"] + list(args),
        capture_output=True, text=True, timeout=TIMEOUT)


def doveadm(*args):
    return subprocess.run(["doveadm", "pw"] + list(args),
                          capture_output=True, text=True, timeout=TIMEOUT)


def dovecot_hash(scheme):
    r = doveadm("-s", scheme, "-p", PASSWORD)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


@need_doveadm
@pytest.mark.parametrize("scheme", SCHEMES)
def test_dovecot_hash_verifies_in_cove(scheme):
    stored = dovecot_hash(scheme)
    r = coveadm("-t", stored, "-p", PASSWORD)
    assert (r.returncode, r.stdout) == (0, stored + " (verified)\n")
    r = coveadm("-t", stored, "-p", WRONG)
    assert (r.returncode, r.stdout) == (77, stored + " (DOES NOT MATCH)\n")


@need_doveadm
@pytest.mark.parametrize("scheme", SCHEMES)
def test_cove_hash_verifies_in_dovecot(scheme):
    r = coveadm("-s", scheme, "-p", PASSWORD)
    assert r.returncode == 0, r.stderr
    stored = r.stdout.strip()
    assert stored.startswith("{%s}" % scheme)
    r = doveadm("-t", stored, "-p", PASSWORD)
    assert r.returncode == 0 and "(verified)" in r.stdout, r.stderr
    r = doveadm("-t", stored, "-p", WRONG)
    assert r.returncode != 0


def test_coveadm_pw_errors():
    r = coveadm("-s", "NOSUCH", "-p", "x")
    assert r.returncode == 65
    assert r.stderr == ("coveadm pw: Unknown password scheme: NOSUCH "
                        "(coveadm pw -l lists the schemes)\n")
    r = coveadm("-t", "{SHA256}not base64!", "-p", "x")
    assert r.returncode == 65
    assert r.stderr == "coveadm pw: SHA256 password is not valid base64\n"
    r = coveadm("-l")
    assert r.returncode == 0
    assert set(SCHEMES) - {"SHA256.HEX", "SSHA.HEX"} <= set(r.stdout.split())


def plain_response(user, password):
    data = b"\0" + user.encode() + b"\0" + password.encode()
    return lambda challenge: data


@need_doveadm
def test_passwd_file_login_with_every_scheme(servers):
    """Users whose passwd-file entries Dovecot hashed, one per scheme,
    log in over IMAP; a wrong password fails."""
    server = servers.new("auth_failure_delay = 0\n", start=False)
    uid, gid, _ = server.users["u1"]
    users = {}
    with open(server.users_path, "a") as f:
        for scheme in SCHEMES:
            name = "pw-" + scheme.lower().replace(".", "-")
            users[name] = scheme
            f.write("%s:%s:%d:%d::%s::\n" % (name, dovecot_hash(scheme),
                                             uid, gid, server.home("u1")))
    server.start()
    for name, scheme in users.items():
        m = imaplib.IMAP4("127.0.0.1", server.imap_port, timeout=TIMEOUT)
        try:
            with pytest.raises(imaplib.IMAP4.error):
                m.authenticate("PLAIN", plain_response(name, WRONG))
            typ, _ = m.authenticate("PLAIN", plain_response(name, PASSWORD))
            assert typ == "OK", scheme
        finally:
            m.logout()


def test_coveadm_pw_usage():
    r = coveadm("-x")
    assert r.returncode == 64
    assert r.stderr.endswith(
        "usage: coveadm pw [-l] [-s SCHEME] [-p PASSWORD] [-t HASH]\n")
