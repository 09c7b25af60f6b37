# Copyright (c) Cove authors. See AUTHORS.
"""cove-deliver under Postfix (doc/delivery.md), as its mailbox_command
and as a pipe transport: a private Postfix instance takes a message over
SMTP and hands it to cove-deliver, which runs as a local Unix user; the
message then comes back over IMAP from Cove."""

import os
import pwd
import shutil
import smtplib
import subprocess
import time

import pytest

from helpers import fetch, imap_session, maildir_files, select
from mailserver import free_port, is_root

pytestmark = [pytest.mark.cove_only, pytest.mark.root_only]

POSTFIX = "/usr/sbin/postfix"
USER = "covedeliver"
PASSWORD = "pass3"
DELIVERY_TIMEOUT = 60.0

MSG = (b"From: Sender <sender@example.org>\r\n"
       b"To: %s@localhost\r\n"
       b"Subject: through postfix\r\n"
       b"Message-ID: <postfix-deliver@example.org>\r\n"
       b"\r\n"
       b"Body line one.\r\n"
       b"From the middle of the body.\r\n" % USER.encode())

MAIN_CF = """\
compatibility_level = 3.6
config_directory = {d}
queue_directory = {d}/queue
data_directory = {d}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = localhost
mydomain = localdomain
myorigin = localhost
mydestination = localhost
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
smtputf8_enable = no
biff = no
maillog_file = {d}/maillog
maillog_file_prefixes = {d}
"""

MAIN_CF_MAILBOX_COMMAND = """\
local_recipient_maps = unix:passwd.byname
mailbox_command = {deliver} -c {conf} -f "$SENDER" -a "$RECIPIENT"
"""

# every local recipient goes to the pipe transport, which checks the user
MAIN_CF_PIPE = """\
local_recipient_maps =
local_transport = cove:localhost
cove_destination_recipient_limit = 1
"""

MASTER_CF_PIPE = """\
cove      unix  - n n - - pipe
  flags=DRhu user={user} argv={deliver} -c {conf} -f ${{sender}} -a ${{recipient}} -d ${{user}}@${{nexthop}}
"""

MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
local     unix  - n n - - local
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
"""


def ensure_unix_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", name], check=True)
    return pwd.getpwnam(name)


class Postfix:
    def __init__(self, root, conf, deliver, mode):
        self.dir = os.path.join(root, "postfix")
        self.port = free_port()
        for sub in ("queue", "data"):
            os.makedirs(os.path.join(self.dir, sub))
        main_cf = MAIN_CF + (MAIN_CF_PIPE if mode == "pipe" else
                             MAIN_CF_MAILBOX_COMMAND)
        master_cf = MASTER_CF + (MASTER_CF_PIPE if mode == "pipe" else "")
        with open(os.path.join(self.dir, "main.cf"), "w") as f:
            f.write(main_cf.format(d=self.dir, deliver=deliver, conf=conf))
        with open(os.path.join(self.dir, "master.cf"), "w") as f:
            f.write(master_cf.format(port=self.port, user=USER,
                                     deliver=deliver, conf=conf))
        self.started = False

    def postfix(self, *args):
        return subprocess.run([POSTFIX, "-c", self.dir] + list(args),
                              capture_output=True, timeout=60)

    def start(self):
        # postfix prints its fatal errors only to a terminal
        res = subprocess.run(["script", "-qc", "%s -c %s set-permissions"
                              % (POSTFIX, self.dir), "/dev/null"],
                             capture_output=True, timeout=60)
        assert res.returncode == 0, res.stdout
        res = self.postfix("start")
        assert res.returncode == 0, (res.stderr, self.log())
        self.started = True
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", self.port, timeout=5).quit()
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail("postfix smtpd did not listen:\n" + self.log())

    def stop(self):
        if self.started:
            self.postfix("stop")
            self.started = False

    def log(self):
        try:
            with open(os.path.join(self.dir, "maillog"), "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return "(no maillog)"


@pytest.fixture(params=["mailbox_command", "pipe"])
def postfix_setup(request, servers):
    if not os.path.exists(POSTFIX):
        pytest.skip("postfix is not installed")
    if not is_root():
        pytest.skip("needs root (a local Unix user for Postfix's local)")
    pw = ensure_unix_user(USER)
    # the Cove userdb entry carries the Unix user's uid/gid and a home
    # that user owns: cove-deliver runs as that user
    server = servers.new(
        start=False, extra_conf="""\
first_valid_uid = %d
service auth {
  unix_listener auth-master {
    user = %s
    mode = 0600
  }
}
""" % (min(pw.pw_uid, 500), USER))
    home = server.home(USER)
    os.makedirs(home)
    os.chown(home, pw.pw_uid, pw.pw_gid)
    os.chmod(home, 0o700)
    with open(server.users_path, "a") as f:
        f.write("%s:{PLAIN}%s:%d:%d::%s::\n" % (USER, PASSWORD, pw.pw_uid,
                                                 pw.pw_gid, home))
    server.users[USER] = (pw.pw_uid, pw.pw_gid, PASSWORD)
    server.start()
    pf = Postfix(server.root, server.conf,
                 os.path.join(server.prefix, "libexec", "cove",
                              "cove-deliver"), request.param)
    try:
        pf.start()
        yield server, pf, request.param
    finally:
        pf.stop()
        shutil.rmtree(pf.dir, ignore_errors=True)


def wait_delivered(server, pf):
    new = os.path.join(server.maildir(USER), "new")
    deadline = time.time() + DELIVERY_TIMEOUT
    while time.time() < deadline:
        if os.path.isdir(new) and os.listdir(new):
            return
        time.sleep(0.2)
    pytest.fail("not delivered within %ds; postfix log:\n%s"
                % (DELIVERY_TIMEOUT, pf.log()))


def test_postfix(postfix_setup):
    server, pf, mode = postfix_setup
    with smtplib.SMTP("127.0.0.1", pf.port, timeout=30) as s:
        refused = s.sendmail("sender@example.org", ["%s@localhost" % USER],
                             MSG)
        assert refused == {}
    wait_delivered(server, pf)
    assert len(maildir_files(server, USER)) == 1
    assert "status=sent" in pf.log()
    with imap_session(server, USER, PASSWORD) as m:
        assert select(m) == 1
        body = bytes(fetch(m, "1", "(BODY.PEEK[])")[1][b"BODY[]"])
    # Cove's trace headers replace Postfix's Return-Path; Postfix's own
    # (X-Original-To from local,) Delivered-To and Received follow, then
    # the message
    rcpt = b"%s@localhost" % USER.encode()
    postfix_trace = b"Delivered-To: %s\r\n" % rcpt
    if mode == "mailbox_command":
        postfix_trace = b"X-Original-To: %s\r\n" % rcpt + postfix_trace
    assert body.startswith(b"Return-Path: <sender@example.org>\r\n"
                           b"Delivered-To: %s\r\n" % rcpt + postfix_trace +
                           b"Received: from "), body
    assert body.count(b"Return-Path:") == 1
    assert body.endswith(MSG.split(b"\r\n\r\n")[1])
    assert b"\r\nSubject: through postfix\r\n" in body


# (local rejects unknown Unix users before running mailbox_command)
@pytest.mark.parametrize("postfix_setup", ["pipe"], indirect=True)
def test_postfix_unknown_user_bounces(postfix_setup):
    server, pf, _ = postfix_setup
    with smtplib.SMTP("127.0.0.1", pf.port, timeout=30) as s:
        refused = s.sendmail("sender@example.org", ["nosuch@localhost"],
                             MSG)
        assert refused == {}
    deadline = time.time() + DELIVERY_TIMEOUT
    while "status=bounced" not in pf.log():
        if time.time() > deadline:
            pytest.fail("no bounce; postfix log:\n" + pf.log())
        time.sleep(0.2)
    log = pf.log()
    # EX_NOUSER, with cove-deliver's one line
    assert "dsn=5.1.1" in log, log
    assert "Unknown user nosuch@localhost" in log, log
    assert maildir_files(server, USER) == {}
