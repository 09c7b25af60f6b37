# Copyright (c) Cove authors. See AUTHORS.
"""Real POP3 clients: fetchmail (keep and delete modes, delivering to an
MDA that appends to a file) and curl fetch the bytes that were
delivered.  Run against Dovecot with COVE_TEST_TARGET=dovecot."""

import os
import shutil
import subprocess

import pytest

from helpers import deliver_many, new_pop3_server, pop3_login

MSGS = [
    b"Subject: c1\r\nFrom: a@example.org\r\n\r\nfirst\r\n.dot line\r\n",
    b"Subject: c2\r\n\r\nsecond\r\n\r\nlast line\r\n",
]


@pytest.fixture
def pop3_server(servers):
    return new_pop3_server(servers)


def run_fetchmail(server, keep, tmp):
    rc = os.path.join(tmp, "fetchmailrc")
    out = os.path.join(tmp, "mda.out")
    with open(rc, "w") as f:
        f.write('set no bouncemail\n'
                'poll 127.0.0.1 protocol pop3 port %d\n'
                '  user "u1" password "pass1" is "u1" here\n'
                '  sslproto \'\' no sslcertck\n'
                '  mda "cat >> %s"\n'
                '  %s\n' % (server.pop3_port, out,
                            "keep" if keep else "no keep"))
    os.chmod(rc, 0o600)
    env = dict(os.environ, HOME=tmp)
    res = subprocess.run(["fetchmail", "-f", rc, "--nodetach",
                          "-i", os.path.join(tmp, "fetchids"),
                          "--pidfile", os.path.join(tmp, "pid")],
                         env=env, capture_output=True, timeout=60)
    assert res.returncode in (0, 1), res
    with open(out, "rb") as f:
        return res.returncode, f.read()


@pytest.mark.skipif(shutil.which("fetchmail") is None,
                    reason="fetchmail not installed")
@pytest.mark.parametrize("keep", [True, False])
def test_fetchmail(pop3_server, tmp_path, keep):
    deliver_many(pop3_server, MSGS)
    rc, data = run_fetchmail(pop3_server, keep, str(tmp_path))
    assert rc == 0
    # fetchmail hands the MDA LF line ends
    for msg in MSGS:
        assert msg.replace(b"\r\n", b"\n") in data
    p = pop3_login(pop3_server)
    assert p.stat()[0] == (2 if keep else 0)
    p.quit()


@pytest.mark.skipif(shutil.which("curl") is None,
                    reason="curl not installed")
def test_curl(pop3_server):
    deliver_many(pop3_server, MSGS)
    url = "pop3://127.0.0.1:%d/" % pop3_server.pop3_port
    listing = subprocess.run(["curl", "-s", "-u", "u1:pass1", url],
                             capture_output=True, timeout=30, check=True)
    assert len(listing.stdout.splitlines()) == 2
    for i, msg in enumerate(MSGS):
        res = subprocess.run(["curl", "-s", "-u", "u1:pass1",
                              url + str(i + 1)],
                             capture_output=True, timeout=30, check=True)
        assert res.stdout.endswith(msg)
        assert res.stdout.startswith(b"Return-Path: ")
