# Copyright (c) Cove authors. See AUTHORS.
"""System users: passdb shadow, passdb pam (pam_unix through Debian's
common-auth) and userdb passwd, as the Dovecot tutorials configure them
(auth-system.conf.ext). A real user is created with useradd/chpasswd;
the auth process runs unprivileged and reads /etc/shadow only through the
file's group, which it gets only when a shadow or pam passdb is
configured."""

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time

import pytest

from helpers import deliver
from mailserver import proc_status

pytestmark = [pytest.mark.root_only, pytest.mark.cove_only]

USER = "covesys1"
PASSWORD = "Sys-pass 1"
PAM_SERVICE = "cove-test"
TIMEOUT = 30


def run(*argv, **kw):
    subprocess.run(argv, check=True, timeout=TIMEOUT, **kw)


@pytest.fixture
def system_user():
    """A system user with a shadow password and a home directory."""
    parent = tempfile.mkdtemp(prefix="covet-home-", dir="/tmp")
    os.chmod(parent, 0o755)
    home = os.path.join(parent, USER)
    subprocess.run(["userdel", "-f", USER], capture_output=True,
                   timeout=TIMEOUT)
    run("useradd", "-m", "-d", home, "-s", "/bin/false", USER)
    try:
        run("chpasswd", input=("%s:%s\n" % (USER, PASSWORD)).encode())
        yield pwd.getpwnam(USER)
    finally:
        subprocess.run(["userdel", "-f", USER], capture_output=True,
                       timeout=TIMEOUT)
        shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture
def pam_service():
    path = "/etc/pam.d/" + PAM_SERVICE
    with open(path, "w") as f:
        f.write("@include common-auth\n@include common-account\n")
    yield PAM_SERVICE
    os.unlink(path)


def system_conf(passdb_driver, args=""):
    return """\
passdb {
  driver = %s
  args = %s
}
userdb {
  driver = passwd
}
""" % (passdb_driver, args)


def auth_process(server):
    """The auth process's status; the master may still be starting it
    (it forks the services one after another), so this waits a little."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        for pid, _ in server.children():
            try:
                st = proc_status(pid)
            except (FileNotFoundError, ProcessLookupError):
                continue
            if st["Name"] == "auth":
                return st
        time.sleep(0.05)
    raise AssertionError("no auth process")


def login(server, user, password):
    m = imaplib.IMAP4("127.0.0.1", server.imap_port, timeout=TIMEOUT)
    try:
        return m.login(user, password)[0]
    except imaplib.IMAP4.error as e:
        msg = e.args[0]
        return msg.decode() if isinstance(msg, bytes) else msg
    finally:
        m.shutdown()


@pytest.mark.parametrize("driver", ["shadow", "pam"])
def test_system_user_logs_in(servers, system_user, pam_service, driver):
    server = servers.new(system_conf(driver, pam_service
                                     if driver == "pam" else ""))
    assert login(server, USER, PASSWORD) == "OK"
    assert login(server, USER, "wrong") == \
        "[AUTHENTICATIONFAILED] Authentication failed."
    assert login(server, "nosuchuser9", PASSWORD) == \
        "[AUTHENTICATIONFAILED] Authentication failed."
    # passwd-file users still work beside the system ones
    assert login(server, "u1", "pass1") == "OK"

    # auth runs as the internal user with the shadow file's group
    st = auth_process(server)
    internal = pwd.getpwnam(server.internal_user)
    assert st["Uid"].split()[0] == str(internal.pw_uid)
    shadow_gid = os.stat("/etc/shadow").st_gid
    assert str(shadow_gid) in st["Groups"].split()

    # delivery goes to the system user's home, owned by the user
    deliver(server, b"Subject: sys\r\n\r\nhello\r\n", rcpt=USER)
    new = os.path.join(system_user.pw_dir, "Maildir", "new")
    files = os.listdir(new)
    assert len(files) == 1
    assert os.stat(os.path.join(new, files[0])).st_uid == system_user.pw_uid


def test_locked_account_is_refused(servers, system_user):
    server = servers.new(system_conf("shadow"))
    run("usermod", "-L", USER)
    assert login(server, USER, PASSWORD) == \
        "[AUTHENTICATIONFAILED] Authentication failed."
    assert b"shadow(%s,127.0.0.1): Account is locked" % USER.encode() in \
        server.read_log()


def test_passwd_file_only_auth_has_no_shadow_group(server):
    st = auth_process(server)
    shadow_gid = os.stat("/etc/shadow").st_gid
    assert str(shadow_gid) not in st["Groups"].split()


def worker_groups(server, uid):
    for pid, _ in server.children():
        st = proc_status(pid)
        if st["Name"] == "imap" and st["Uid"].split()[0] == str(uid):
            return set(int(g) for g in st["Groups"].split())
    raise AssertionError("no imap worker of uid %d" % uid)


def test_supplementary_groups_only_for_system_users(servers, system_user):
    """A system user's worker has the user's groups (userdb passwd gives
    system_groups_user); a passwd-file user's has only its own gid, so no
    NSS lookup is made for it."""
    run("usermod", "-aG", "mail", USER)
    server = servers.new(system_conf("shadow"))
    sys_session = imaplib.IMAP4("127.0.0.1", server.imap_port,
                                timeout=TIMEOUT)
    virt_session = imaplib.IMAP4("127.0.0.1", server.imap_port,
                                 timeout=TIMEOUT)
    try:
        sys_session.login(USER, PASSWORD)
        virt_session.login("u1", "pass1")
        assert worker_groups(server, system_user.pw_uid) == {
            system_user.pw_gid, grp.getgrnam("mail").gr_gid}
        uid, gid, _ = server.users["u1"]
        assert worker_groups(server, uid) == {gid}
    finally:
        sys_session.logout()
        virt_session.logout()
