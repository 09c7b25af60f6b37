# Copyright (c) Cove authors. See AUTHORS.
"""passwd-file extra fields that decide a login, as in Dovecot:
nopassword, allow_nets and nologin (with reason=)."""

import imaplib

import pytest

TIMEOUT = 30
FAILED = "[AUTHENTICATIONFAILED] Authentication failed."

EXTRA_USERS = [
    # name, password field, extra fields
    ("np", "", "nopassword"),
    ("an", "{PLAIN}pw", "allow_nets=10.0.0.0/8,192.168.0.0/16"),
    ("an2", "{PLAIN}pw", "allow_nets=192.168.0.0/16,127.0.0.0/8,::1"),
    ("nl", "{PLAIN}pw", "nologin reason=Moved_to_another_server"),
]


@pytest.fixture
def fields_server(servers):
    server = servers.new(start=False)
    uid, gid, _ = server.users["u1"]
    with open(server.users_path, "a") as f:
        for name, password, extra in EXTRA_USERS:
            f.write("%s:%s:%d:%d::%s::%s\n" % (name, password, uid, gid,
                                               server.home("u1"), extra))
    server.start()
    return server


def login(server, user, password):
    m = imaplib.IMAP4("127.0.0.1", server.imap_port, timeout=TIMEOUT)
    try:
        return m.login(user, password)[0]
    except imaplib.IMAP4.error as e:
        msg = e.args[0]
        return msg.decode() if isinstance(msg, bytes) else msg
    finally:
        m.shutdown()


def test_nopassword_accepts_any_password(fields_server):
    assert login(fields_server, "np", "anything") == "OK"
    assert login(fields_server, "np", "something else") == "OK"


def test_allow_nets(fields_server):
    assert login(fields_server, "an", "pw") == FAILED
    assert login(fields_server, "an2", "pw") == "OK"
    assert login(fields_server, "an2", "wrong") == FAILED


def test_nologin(fields_server):
    # the reason is shown only with the right password
    assert login(fields_server, "nl", "pw") == \
        "[CONTACTADMIN] Moved_to_another_server"
    assert login(fields_server, "nl", "wrong") == FAILED


@pytest.mark.cove_only
def test_reasons_are_logged(fields_server):
    login(fields_server, "an", "pw")
    login(fields_server, "nl", "pw")
    log = fields_server.read_log()
    assert (b"passwd-file(an,127.0.0.1): allow_nets check failed: IP not in "
            b"allowed networks (10.0.0.0/8,192.168.0.0/16)") in log
    assert (b"passwd-file(nl,127.0.0.1): Login disabled (nologin): "
            b"Moved_to_another_server") in log
