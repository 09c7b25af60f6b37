# Copyright (c) Cove authors. See AUTHORS.
"""cove-deliver under Postfix (doc/delivery.md), as its mailbox_command
and as a pipe transport: a private Postfix instance takes a message over
SMTP and hands it to cove-deliver, which runs as a local Unix user; the
message then comes back over IMAP from Cove."""

import os
import pwd
import smtplib
import subprocess

import pytest

from helpers import fetch, imap_session, maildir_files, select
from mailserver import is_root
from postfix import POSTFIX, Postfix

pytestmark = [pytest.mark.cove_only, pytest.mark.root_only]

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
setgid_group = postdrop
myhostname = localhost
mydomain = localdomain
myorigin = localhost
mydestination = localhost
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

def ensure_unix_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", name], check=True)
    return pwd.getpwnam(name)


@pytest.fixture(params=["mailbox_command", "pipe"])
def postfix_setup(request, servers):
    if not os.path.exists(POSTFIX):
        pytest.skip("postfix is not installed")
    if not is_root():
        pytest.skip("needs root (a local Unix user for Postfix's local)")
    pw = ensure_unix_user(USER)
    # the Cove userdb entry carries the Unix user's uid/gid and a home
    # that user owns: cove-deliver runs as that user, and the default
    # auth-userdb socket answers it because the uids match
    server = servers.new(
        start=False,
        extra_conf="first_valid_uid = %d\n" % min(pw.pw_uid, 500))
    home = server.home(USER)
    os.makedirs(home)
    os.chown(home, pw.pw_uid, pw.pw_gid)
    os.chmod(home, 0o700)
    with open(server.users_path, "a") as f:
        f.write("%s:{PLAIN}%s:%d:%d::%s::\n" % (USER, PASSWORD, pw.pw_uid,
                                                 pw.pw_gid, home))
    server.users[USER] = (pw.pw_uid, pw.pw_gid, PASSWORD)
    server.start()
    main_cf = MAIN_CF + (MAIN_CF_PIPE if request.param == "pipe" else
                         MAIN_CF_MAILBOX_COMMAND)
    master_cf = MASTER_CF_PIPE if request.param == "pipe" else ""
    pf = Postfix(main_cf, master_cf, os.path.join(server.root, "postfix"),
                 user=USER, conf=server.conf,
                 deliver=os.path.join(server.prefix, "libexec", "cove",
                                      "cove-deliver"))
    try:
        pf.start()
        yield server, pf, request.param
    finally:
        pf.stop()
        pf.cleanup()


def wait_delivered(server, pf):
    new = os.path.join(server.maildir(USER), "new")
    pf.wait_for(lambda: os.path.isdir(new) and os.listdir(new),
                DELIVERY_TIMEOUT, "not delivered")


def test_postfix(postfix_setup):
    server, pf, mode = postfix_setup
    with smtplib.SMTP("127.0.0.1", pf.port, timeout=30) as s:
        refused = s.sendmail("sender@example.org", ["%s@localhost" % USER],
                             MSG)
        assert refused == {}
    wait_delivered(server, pf)
    assert len(maildir_files(server, USER)) == 1
    assert "status=sent" in pf.read_log()
    with imap_session(server, USER, PASSWORD) as m:
        assert select(m) == 1
        body = bytes(fetch(m, "1", "(BODY.PEEK[])")[1][b"BODY[]"])
    # Cove's Return-Path replaces Postfix's; Postfix's own (X-Original-To
    # from local,) Delivered-To and Received follow, then the message:
    # cove-deliver adds no second Delivered-To for the same address
    rcpt = b"%s@localhost" % USER.encode()
    postfix_trace = b"Delivered-To: %s\r\n" % rcpt
    if mode == "mailbox_command":
        postfix_trace = b"X-Original-To: %s\r\n" % rcpt + postfix_trace
    assert body.startswith(b"Return-Path: <sender@example.org>\r\n" +
                           postfix_trace + b"Received: from "), body
    assert body.count(b"Return-Path:") == 1
    assert body.count(b"Delivered-To:") == 1
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
    pf.wait_for(lambda: "status=bounced" in pf.read_log(),
                DELIVERY_TIMEOUT, "no bounce")
    log = pf.read_log()
    # EX_NOUSER, with cove-deliver's one line
    assert "dsn=5.1.1" in log, log
    assert "Unknown user nosuch@localhost" in log, log
    assert maildir_files(server, USER) == {}
