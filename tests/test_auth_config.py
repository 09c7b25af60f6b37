# Copyright (c) Cove authors. See AUTHORS.
"""Auth settings seen from a client or the log: auth_default_realm with
PLAIN (auth_realms, DIGEST-MD5's, changes nothing), and the startup
warning for a mechanism that needs a stored credential the passdb cannot
give. Run against Dovecot with COVE_TEST_TARGET=dovecot."""

import time

import pytest

from helpers import RawClient, TIMEOUT

REALM_CONF = """\
auth_username_format = %Lu
auth_default_realm = example.org
auth_realms = example.org example.com
"""


def login(server, user, password):
    c = RawClient(server.imap_port)
    try:
        assert c.readline().startswith(b"* OK")
        c.sendline("a LOGIN %s %s" % (user, password))
        line = c.readline()
        while line.startswith(b"* "):
            line = c.readline()
        return line
    finally:
        c.close()


def test_default_realm(servers):
    s = servers.new(REALM_CONF, start=False)
    uid, gid, _ = s.users["u1"]
    with open(s.users_path, "a") as f:
        f.write("ru@example.org:{PLAIN}pw:%d:%d::%s::\n"
                % (uid, gid, s.home("u1")))
    s.start()
    # the realm is added to a name without one
    assert login(s, "ru", "pw").startswith(b"a OK ")
    assert login(s, "RU@example.org", "pw").startswith(b"a OK ")
    # another realm is not replaced
    assert login(s, "ru@example.com", "pw").startswith(b"a NO ")
    # u1 of the file has no realm: "u1" now means u1@example.org
    assert login(s, "u1", s.users["u1"][2]).startswith(b"a NO ")


@pytest.mark.cove_only
def test_mechanism_credentials_warning(servers):
    s = servers.new("auth_mechanisms = plain cram-md5\n"
                    "passdb {\n  driver = passwd\n}\n")
    # auth starts with the first login
    assert login(s, "u1", s.users["u1"][2]).startswith(b"a OK ")
    warning = (b"auth_mechanisms: CRAM-MD5 needs the password in plaintext "
               b"or in its own scheme, which passdb passwd cannot give")
    deadline = time.monotonic() + TIMEOUT
    while warning not in s.read_log():
        assert time.monotonic() < deadline, s.read_log()
        time.sleep(0.05)
    log = s.read_log()
    assert log.count(warning) == 1
    # passwd-file can hold such passwords: no warning for it
    assert b"passdb passwd-file cannot give" not in log
    assert b"PLAIN needs" not in log
