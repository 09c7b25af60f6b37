# Copyright (c) Cove authors. See AUTHORS.
"""The auth cache (auth_cache_size, auth_cache_ttl): a password changed in
the passwd-file works at once, the old one keeps working from the cache
until the ttl (or until the new one is used), and `auth cache flush USER`
forgets the user at once. Without a cache a change applies at once."""

import subprocess

import pytest

from helpers import RawClient

CACHE_CONF = "auth_cache_size = 1M\nauth_cache_ttl = 1 hour\n"


def set_password(server, user, password):
    """Rewrites user's line of the passwd-file with a {PLAIN} password."""
    with open(server.users_path) as f:
        lines = f.read().splitlines(True)
    with open(server.users_path + ".new", "w") as f:
        for line in lines:
            fields = line.split(":")
            if fields[0] == user:
                fields[1] = "{PLAIN}" + password
            f.write(":".join(fields))
    subprocess.run(["chmod", "0644", server.users_path + ".new"], check=True)
    subprocess.run(["mv", server.users_path + ".new", server.users_path],
                   check=True)


def login(server, user, password):
    """The tagged reply to LOGIN user password (the session is closed)."""
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


def ok(line):
    return line.startswith(b"a OK ")


def flush(server, *args):
    r = subprocess.run(server.admin_argv("auth", "cache", "flush", *args),
                       capture_output=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_changed_password_with_cache(servers):
    server = servers.new(CACHE_CONF)
    old = server.users["u1"][2]
    assert ok(login(server, "u1", old))
    set_password(server, "u1", "changed1")
    # the old password still works: it is in the cache
    assert ok(login(server, "u1", old))
    assert login(server, "u1", "wrong") == \
        b"a NO [AUTHENTICATIONFAILED] Authentication failed."
    # the new one works at once, and from then on the old one does not
    assert ok(login(server, "u1", "changed1"))
    assert not ok(login(server, "u1", old))


# Dovecot's flush of one user found no entry for this setup ("0 cache
# entries flushed"), so this one is Cove's.
@pytest.mark.cove_only
def test_cache_flush_user(servers):
    server = servers.new(CACHE_CONF)
    assert ok(login(server, "u1", server.users["u1"][2]))
    assert ok(login(server, "u2", server.users["u2"][2]))
    set_password(server, "u1", "changed2")
    set_password(server, "u2", "changed2")
    out = flush(server, "u1")
    assert out.endswith(b" cache entries flushed\n"), out
    assert int(out.split()[0]) >= 1
    # u1 is forgotten, u2 is still cached
    assert not ok(login(server, "u1", server.users["u1"][2]))
    assert ok(login(server, "u1", "changed2"))
    assert ok(login(server, "u2", server.users["u2"][2]))
    flush(server)
    assert not ok(login(server, "u2", server.users["u2"][2]))


# Dovecot may go on with the passwd-file it read in the same second.
@pytest.mark.cove_only
def test_no_cache_by_default(servers):
    server = servers.new()
    assert ok(login(server, "u1", server.users["u1"][2]))
    set_password(server, "u1", "changed3")
    assert not ok(login(server, "u1", server.users["u1"][2]))
    assert ok(login(server, "u1", "changed3"))
    assert flush(server) == b"0 cache entries flushed\n"
