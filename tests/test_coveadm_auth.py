# Copyright (c) Cove authors. See AUTHORS.
"""coveadm auth test and coveadm user against the running server, in
doveadm's output format (the same test runs doveadm against Dovecot)."""

import subprocess

TIMEOUT = 60


def admin(server, *args):
    return subprocess.run(server.admin_argv(*args), capture_output=True,
                          text=True, timeout=TIMEOUT)


def test_auth_test(server):
    r = admin(server, "auth", "test", "u1", "pass1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("passdb: u1 auth succeeded\n")
    r = admin(server, "auth", "test", "u2", "pass2")
    assert r.stdout.startswith("passdb: u2 auth succeeded\n")
    r = admin(server, "auth", "test", "u1", "wrong")
    assert r.returncode == 77
    assert r.stdout.startswith("passdb: u1 auth failed\n")
    r = admin(server, "auth", "test", "nosuchuser", "pass1")
    assert r.returncode == 77
    assert r.stdout.startswith("passdb: nosuchuser auth failed\n")


def test_user(server):
    uid, gid, _ = server.users["u1"]
    r = admin(server, "user", "u1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "field\tvalue"
    fields = dict(line.split("\t", 1) for line in lines[1:])
    assert fields["uid"] == str(uid)
    assert fields["gid"] == str(gid)
    assert fields["home"] == server.home("u1")
    r = admin(server, "user", "nosuchuser")
    assert r.returncode == 67
    assert "userdb lookup: user nosuchuser doesn't exist\n" in r.stdout


def test_auth_lookup(server):
    r = admin(server, "auth", "lookup", "u1")
    assert (r.returncode, r.stdout) == (0, "passdb: u1\n  user      : u1\n")
    r = admin(server, "auth", "lookup", "nosuchuser")
    assert (r.returncode, r.stdout) == (
        67, "passdb lookup: user nosuchuser doesn't exist\n")


def test_user_mask_lists_users(server):
    r = admin(server, "user", "*")
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.splitlines()) == ["u1", "u2"]
    r = admin(server, "user", "*1")
    assert r.stdout == "u1\n"
    r = admin(server, "user", "x*")
    assert (r.returncode, r.stdout) == (0, "")
