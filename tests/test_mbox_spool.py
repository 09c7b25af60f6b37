# Copyright (c) Cove authors. See AUTHORS.
"""mbox INBOX creation in a group-mail spool, and INDEX= on DELETE and
RENAME (issue 5).

- A user without a spool file yet: LMTP, cove-deliver, SELECT, APPEND
  and POP3 create it, mode 0600, owned by the user, in the spool's group
  when only mail_privileged_group lets the user write the spool
  (root:mail 2775 or 0775), in the user's own group in a directory
  everyone may write (1777), as Dovecot does; also from a process that
  holds the group only as its real gid. Without mail_privileged_group the
  delivery fails temporarily and the log names the path and the user.
- `mail_location = mbox:~/mail:INBOX=<spool>/%u:INDEX=~/index`: RENAME
  keeps UIDVALIDITY, UIDs and flags (also of a parent's children), and
  DELETE removes the index, so that a new mailbox of that name starts
  again at UID 1.

Runs against Dovecot too (COVE_TEST_TARGET=dovecot), the reference for
what a client and the file system see; where the index files lie is
Cove's own layout (INDEX/<mailbox>/), checked for Cove only."""

import grp
import os
import re
import smtplib
import subprocess
import tempfile

import pytest

from helpers import (deliver, fetch, flags_of, imap_session, lmtp_connect,
                     logout, ok, pop3_login, select, uidvalidity)
from test_mbox import TARGET, message, untrace
from test_mbox_storage import split_messages

INDEX_NAME = "cove-mbox-index"
# "From SENDER DATE" with the date in asctime() form
FROM_LINE_RE = re.compile(rb"From \S+ +[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d "
                          rb"\d\d:\d\d:\d\d \d{4}$")


def spool_server(servers, spool_mode=0o2775, extra_conf="", remove=("u1",),
                 pop3=False):
    """A started mbox server whose spool has mode spool_mode (root:mail)
    and no file for the users in remove."""
    s = servers.new(extra_conf, start=False, mbox=True, pop3=pop3)
    for user in remove:
        os.unlink(s.spool(user))
    os.chmod(s.spool_dir, spool_mode)
    servers.start(s)
    return s


def index_server(servers):
    """A started mbox server with its indexes under INDEX=~/index."""
    root = tempfile.mkdtemp(prefix="covet-", dir="/tmp")
    location = "mbox:~/mail:INBOX=%s/spool/%%u:INDEX=~/index" % root
    return servers.new("mail_location = %s\n" % location, root=root,
                       mbox=True)


def expected_group(s, user, spool_mode):
    """The group Dovecot gives a new spool file: the spool's (mail) unless
    everyone may write the directory; then the user's own."""
    if spool_mode & 0o002:
        return s.users[user][1]
    return grp.getgrnam("mail").gr_gid


def assert_spool_file(s, user, spool_mode, msgs):
    """The user's spool file: owner, group, mode, and each message of msgs
    on disk: a "From " line, its header lines in order among the trace and
    status headers, its body byte for byte (LF line ends), and the blank
    line that ends it."""
    path = s.spool(user)
    st = os.stat(path)
    assert (st.st_uid, st.st_gid, oct(st.st_mode)) == \
        (s.users[user][0], expected_group(s, user, spool_mode),
         oct(0o100600))
    with open(path, "rb") as f:
        data = f.read()
    if not msgs:
        assert data == b""
        return
    on_disk = split_messages(data)
    assert len(on_disk) == len(msgs), data
    for raw, msg in zip(on_disk, msgs):
        want_head, _, want_body = msg.replace(b"\r\n", b"\n").partition(
            b"\n\n")
        from_line, _, raw = raw.partition(b"\n")
        assert FROM_LINE_RE.match(from_line), from_line
        head, _, body = raw.partition(b"\n\n")
        lines = head.split(b"\n")
        positions = [lines.index(line) for line in want_head.split(b"\n")]
        assert positions == sorted(positions), head
        # the message ends before the blank line that separates it
        assert body == want_body + b"\n", raw


def deliver_reply(s, msg, rcpt):
    """Delivers msg over LMTP; returns the first failure's reply code (at
    RCPT or after DATA), or 250."""
    conn = lmtp_connect(s)
    try:
        conn.sendmail("sender@example.org", [rcpt], msg)
        return 250
    except smtplib.SMTPRecipientsRefused as e:
        return e.recipients[rcpt][0]
    except smtplib.SMTPDataError as e:
        return e.smtp_code
    finally:
        conn.quit()


def imap_bodies(m, mailbox_name="INBOX"):
    """[BODY[] without trace headers] of a mailbox, in UID order."""
    if select(m, mailbox_name) == 0:
        return []
    res = fetch(m, "1:*", "(BODY.PEEK[])")
    return [untrace(bytes(res[i][b"BODY[]"])) for i in sorted(res)]


# --- INBOX creation in the spool ---------------------------------------

SPOOL_MODES = [0o2775, 0o775, 0o1777]


@pytest.mark.root_only
@pytest.mark.parametrize("spool_mode", SPOOL_MODES, ids=oct)
def test_spool_inbox_created_by_lmtp(servers, spool_mode):
    s = spool_server(servers, spool_mode)
    assert not os.path.exists(s.spool("u1"))
    deliver(s, message(1))
    assert_spool_file(s, "u1", spool_mode, [message(1)])
    deliver(s, message(2))
    assert_spool_file(s, "u1", spool_mode, [message(1), message(2)])
    with imap_session(s) as m:
        assert imap_bodies(m) == [message(1), message(2)]
        logout(m)
    assert not os.path.exists(s.spool("u1") + ".lock")


@pytest.mark.root_only
@pytest.mark.parametrize("spool_mode", [0o2775, 0o775], ids=oct)
def test_spool_inbox_created_by_select(servers, spool_mode):
    s = spool_server(servers, spool_mode)
    with imap_session(s) as m:
        typ, data = m.list('""', "*")
        assert (typ, data) == ("OK", [b'(\\HasNoChildren) "/" INBOX'])
        typ, data = m.status("INBOX", "(MESSAGES UIDNEXT)")
        assert (typ, data) == ("OK", [b"INBOX (MESSAGES 0 UIDNEXT 1)"])
        assert select(m) == 0
        assert_spool_file(s, "u1", spool_mode, [])
        ok(m.append("INBOX", "(\\Flagged)", None, message(1)))
        deliver(s, message(2))
        assert imap_bodies(m) == [message(1), message(2)]
        res = fetch(m, "1:*", "(UID FLAGS)")
        assert [(int(v[b"UID"]), flags_of(v[b"FLAGS"]))
                for _, v in sorted(res.items())] == \
            [(1, {"\\Flagged"}), (2, set())]
        logout(m)
    assert_spool_file(s, "u1", spool_mode, [message(1), message(2)])


@pytest.mark.root_only
def test_spool_inbox_created_by_append_and_pop3(servers):
    s = spool_server(servers, 0o775, remove=("u1", "u2"), pop3=True)
    with imap_session(s, "u2") as m:
        ok(m.append("INBOX", None, None, message(1)))
        logout(m)
    assert_spool_file(s, "u2", 0o775, [message(1)])
    p = pop3_login(s)
    try:
        assert p.stat() == (0, 0)
    finally:
        p.quit()
    assert_spool_file(s, "u1", 0o775, [])


def mail_group_as_real_gid(uid, gid):
    """preexec_fn: run as uid/gid with the group mail only as the real
    gid (neither effective nor supplementary): what a process that holds
    mail_privileged_group without using it looks like."""
    mail = grp.getgrnam("mail").gr_gid

    def switch():
        os.setgroups([])
        os.setresgid(mail, gid, gid)
        os.setresuid(uid, uid, uid)
    return switch


@pytest.mark.root_only
@pytest.mark.cove_only
@pytest.mark.parametrize("as_user", [False, True],
                         ids=["root", "user-real-gid-mail"])
def test_spool_inbox_created_by_cove_deliver(servers, as_user):
    """cove-deliver started by root switches to the user (with the group
    as a supplementary group); started as the user, it gains the group
    with setegid() around creating the file and the dotlock."""
    if as_user and "ASAN_OPTIONS" in os.environ:
        # real gid != effective gid at exec makes the process not
        # dumpable: LeakSanitizer then runs despite detect_leaks=0 (its
        # options are not read) and fails, as it cannot ptrace it
        pytest.skip("LeakSanitizer cannot run in a non-dumpable process")
    s = spool_server(servers, 0o775, extra_conf="""\
service auth {
  unix_listener auth-userdb {
    mode = 0666
  }
}
""")
    uid, gid, _ = s.users["u1"]
    argv = [os.path.join(s.prefix, "libexec", "cove", "cove-deliver"),
            "-c", s.conf, "-f", "sender@example.org", "-d", "u1"]
    res = subprocess.run(argv, input=message(1), capture_output=True,
                         timeout=60, preexec_fn=mail_group_as_real_gid(
                             uid, gid) if as_user else None)
    assert res.returncode == 0, res.stderr
    assert_spool_file(s, "u1", 0o775, [message(1)])
    assert not os.path.exists(s.spool("u1") + ".lock")


@pytest.mark.root_only
def test_spool_inbox_not_creatable(servers):
    """Without mail_privileged_group the user cannot create a file in the
    spool: a temporary failure, and nothing changes on disk. dotlock_try
    keeps the other users' existing files deliverable."""
    s = spool_server(servers, extra_conf="mail_privileged_group =\n"
                     "mbox_write_locks = dotlock_try fcntl\n")
    deliver(s, message(1), rcpt="u2@localhost")
    assert_spool_file(s, "u2", 0o2775, [message(1)])
    code = deliver_reply(s, message(2), "u1@localhost")
    assert 400 <= code < 500, code
    assert not os.path.exists(s.spool("u1"))
    with imap_session(s) as m:
        typ, data = m.select("INBOX")
        assert typ == "NO" and data[0].startswith(b"[SERVERBUG] "), data
        logout(m)
    assert not os.path.exists(s.spool("u1"))
    if TARGET == "cove":
        log = s.read_log().decode("utf-8", "replace")
        want = ("Can't create INBOX %s for user u1: open(%s) failed: "
                "Permission denied (the directory is not writable for the "
                "user, and mail_privileged_group is not set)" %
                (s.spool("u1"), s.spool("u1")))
        assert log.count(want) == 2, log


# --- INDEX= on RENAME and DELETE ---------------------------------------

def index_dir(s, name, user="u1"):
    return os.path.join(s.home(user), "index", name)


def uids_flags(m):
    res = fetch(m, "1:*", "(UID FLAGS)")
    return [(int(v[b"UID"]), flags_of(v[b"FLAGS"]))
            for _, v in sorted(res.items())]


def fill(m, name, count=4):
    """Creates name with count messages, flags on some, the first one
    expunged (so that UIDs do not start at 1). Returns (UIDVALIDITY,
    [(UID, flags)])."""
    ok(m.create(name))
    for i in range(count):
        ok(m.append(name, None, None, message(i, "%s %d" % (name, i))))
    select(m, name)
    ok(m.store("1", "+FLAGS", "(\\Deleted)"))
    ok(m.store("2", "+FLAGS", "(\\Seen)"))
    ok(m.store("3", "+FLAGS", "(\\Flagged $Label1)"))
    ok(m.expunge())
    state = uidvalidity(m), uids_flags(m)
    ok(m.close())
    assert state[1] == [(2, {"\\Seen"}), (3, {"\\Flagged", "$Label1"})] + \
        [(uid, set()) for uid in range(4, count + 1)]
    return state


def state_of(m, name):
    select(m, name)
    state = uidvalidity(m), uids_flags(m)
    ok(m.close())
    return state


@pytest.mark.parametrize("old, new", [("Box", "Renamed"),
                                      ("a/b", "c/d")])
def test_index_rename_keeps_uids(servers, old, new):
    s = index_server(servers)
    with imap_session(s) as m:
        before = fill(m, old)
        if TARGET == "cove":
            assert os.path.isfile(os.path.join(index_dir(s, old),
                                               INDEX_NAME))
        ok(m.rename(old, new))
        assert state_of(m, new) == before
        typ, data = m.select(old)
        assert typ == "NO", data
        logout(m)
    if TARGET == "cove":
        assert not os.path.exists(index_dir(s, old))
        assert os.path.isfile(os.path.join(index_dir(s, new), INDEX_NAME))
        assert not os.path.exists(os.path.join(s.mbox_dir("u1"), ".imap"))


def test_index_rename_parent_with_children(servers):
    s = index_server(servers)
    with imap_session(s) as m:
        before = {name: fill(m, "a/" + name, count)
                  for name, count in (("x", 4), ("y", 5))}
        ok(m.rename("a", "p/q"))
        for name, state in before.items():
            assert state_of(m, "p/q/" + name) == state
        typ, data = m.list('""', "*")
        assert typ == "OK", data
        # without the optional \Marked/\UnMarked (RFC 3501 7.2.2)
        data = [re.sub(rb" \\(Un)?Marked", b"", d) for d in data]
        assert sorted(data) == sorted([
            b'(\\HasNoChildren) "/" INBOX',
            b'(\\Noselect \\HasChildren) "/" p',
            b'(\\Noselect \\HasChildren) "/" p/q',
            b'(\\NoInferiors) "/" p/q/x',
            b'(\\NoInferiors) "/" p/q/y'])
        logout(m)
    if TARGET == "cove":
        assert not os.path.exists(index_dir(s, "a"))
        for name in ("x", "y"):
            assert os.path.isfile(os.path.join(index_dir(s, "p/q/" + name),
                                               INDEX_NAME))


def test_index_delete(servers):
    s = index_server(servers)
    with imap_session(s) as m:
        fill(m, "Trash")
        fill(m, "a/x")
        fill(m, "a/y")
        for name in ("Trash", "a/x"):
            ok(m.delete(name))
            if TARGET == "cove":
                assert not os.path.exists(index_dir(s, name))
        if TARGET == "cove":
            assert os.path.isfile(os.path.join(index_dir(s, "a/y"),
                                               INDEX_NAME))
        ok(m.delete("a/y"))
        ok(m.delete("a"))
        if TARGET == "cove":
            assert not os.path.exists(index_dir(s, "a"))
        # a new mailbox of the old name starts afresh
        ok(m.create("Trash"))
        ok(m.append("Trash", None, None, message(9)))
        assert select(m, "Trash") == 1
        assert uids_flags(m) == [(1, set())]
        typ, data = m.response("UIDNEXT")
        assert data == [b"2"], data
        logout(m)
    if TARGET == "cove":
        assert sorted(os.listdir(os.path.join(s.home("u1"), "index"))) == \
            ["Trash"]
