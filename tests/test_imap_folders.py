# Copyright (c) Cove authors. See AUTHORS.
"""Maildir++ folders over IMAP: CREATE, DELETE, RENAME, SUBSCRIBE,
UNSUBSCRIBE, LIST (with RFC 5258/5819/6154 options), LSUB, STATUS,
NAMESPACE, SELECT of folders, modified UTF-7 names and what lands on
disk."""

import base64
import os
import subprocess
from contextlib import closing, contextmanager

import pytest

from helpers import RawClient, deliver, imap_session, logout, ok

CHINESE = "收件箱备份"
CHINESE_UTF7 = "&ZTZO9nuxWQdO,Q-"

MAILBOXES_CONF = """
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = create
  }
  mailbox "Sent Messages" {
    special_use = \\Sent
  }
}
"""


def mutf7_decode(name):
    """RFC 3501 5.1.3, independently of the server's code."""
    out, rest = "", name
    while "&" in rest:
        head, rest = rest.split("&", 1)
        b64, rest = rest.split("-", 1)
        out += head
        if b64 == "":
            out += "&"
        else:
            b64 = b64.replace(",", "/")
            out += base64.b64decode(b64 + "=" * (-len(b64) % 4)).decode(
                "utf-16-be")
    return out + rest


@contextmanager
def raw_session(server, user="u1"):
    with closing(RawClient(server.imap_port)) as c:
        assert c.readline().startswith(b"* OK")
        line, _ = c.imap_cmd("l", "LOGIN %s %s" % (user,
                                                  server.users[user][2]))
        assert line.startswith(b"l OK"), line
        yield c


def cmd(c, line, expect="OK"):
    tagged, untagged = c.imap_cmd("t", line)
    assert tagged.startswith(("t " + expect).encode()), (line, tagged)
    return tagged, untagged


def list_lines(c, line='LIST "" "*"'):
    _, untagged = cmd(c, line)
    return sorted(u.decode() for u in untagged)


def test_create_list_and_disk(server):
    with raw_session(server) as c:
        cmd(c, "CREATE Sent")
        cmd(c, "CREATE Archive.2024")
        assert list_lines(c) == sorted([
            '* LIST (\\HasNoChildren) "." INBOX',
            '* LIST (\\HasNoChildren) "." Sent',
            '* LIST (\\Noselect \\HasChildren) "." Archive',
            '* LIST (\\HasNoChildren) "." Archive.2024',
        ])
        assert list_lines(c, 'LIST "" %') == sorted([
            '* LIST (\\HasNoChildren) "." INBOX',
            '* LIST (\\HasNoChildren) "." Sent',
            '* LIST (\\Noselect \\HasChildren) "." Archive',
        ])
        assert list_lines(c, 'LIST Archive. %') == [
            '* LIST (\\HasNoChildren) "." Archive.2024']
        assert list_lines(c, 'LIST "" ""') == [
            '* LIST (\\Noselect) "." ""']
        assert list_lines(c, 'LIST "" inbox') == [
            '* LIST (\\HasNoChildren) "." INBOX']
        # INBOX is case-insensitive, also as its children's prefix
        cmd(c, "CREATE inbox.sub")
        assert list_lines(c, 'LIST "" In*') == sorted([
            '* LIST (\\HasChildren) "." INBOX',
            '* LIST (\\HasNoChildren) "." INBOX.sub'])
        cmd(c, "DELETE INBOX.sub")
    maildir = server.maildir("u1")
    for d in (".Sent", ".Archive.2024"):
        assert os.path.isdir(os.path.join(maildir, d, "cur")), d
    assert not os.path.exists(os.path.join(maildir, ".Archive"))


def test_create_errors(server):
    with raw_session(server) as c:
        cmd(c, "CREATE Work")
        tagged, _ = cmd(c, "CREATE Work", "NO")
        assert tagged.startswith(b"t NO [ALREADYEXISTS]"), tagged
        tagged, _ = cmd(c, "CREATE INBOX", "NO")
        assert tagged.startswith(b"t NO [ALREADYEXISTS]"), tagged
        cmd(c, "CREATE", "BAD")
        # invalid modified UTF-7 is refused, nothing is created
        cmd(c, "CREATE &AGE-", "NO")
        cmd(c, "CREATE &Jjo", "NO")
        # as a LIST pattern it just matches nothing
        assert list_lines(c, 'LIST "" &Jjo*') == []
        assert list_lines(c) == sorted([
            '* LIST (\\HasNoChildren) "." INBOX',
            '* LIST (\\HasNoChildren) "." Work'])


def test_chinese_name_round_trip(server):
    with raw_session(server) as c:
        cmd(c, "CREATE " + CHINESE_UTF7)
        assert list_lines(c, 'LIST "" ' + CHINESE_UTF7) == [
            '* LIST (\\HasNoChildren) "." ' + CHINESE_UTF7]
        cmd(c, "SELECT " + CHINESE_UTF7)
        cmd(c, "CREATE R&-D")
        assert list_lines(c, 'LIST "" R*') == [
            '* LIST (\\HasNoChildren) "." R&-D']
    for name in (CHINESE_UTF7, "R&-D"):
        assert os.path.isdir(os.path.join(server.maildir("u1"),
                                          "." + name, "cur")), name


def nonexistent(tagged, target):
    """Dovecot 2.3 leaves the code out of STATUS and SELECT replies."""
    return tagged.startswith(b"t NO [NONEXISTENT]") or (
        target == "dovecot" and tagged.startswith(b"t NO Mailbox doesn't"))


def test_delete(server, target):
    with raw_session(server) as c:
        cmd(c, "CREATE Trash")
        cmd(c, "DELETE Trash")
        tagged, _ = cmd(c, "DELETE Trash", "NO")
        assert tagged.startswith(b"t NO [NONEXISTENT]"), tagged
        cmd(c, "DELETE INBOX", "NO")
        cmd(c, "DELETE", "BAD")
        if target == "dovecot":
            # Dovecot keeps such a parent selectable
            return
        # a parent with children loses its mail and becomes \Noselect
        cmd(c, "CREATE a")
        cmd(c, "CREATE a.b")
        cmd(c, "DELETE a")
        assert list_lines(c, 'LIST "" a*') == sorted([
            '* LIST (\\Noselect \\HasChildren) "." a',
            '* LIST (\\HasNoChildren) "." a.b'])
        cmd(c, "SELECT a", "NO")
        cmd(c, "DELETE a.b")
        assert list_lines(c, 'LIST "" a*') == []
    assert not os.path.exists(os.path.join(server.maildir("u1"), ".Trash"))


def test_rename_with_children(server):
    with raw_session(server) as c:
        cmd(c, "CREATE Old")
        cmd(c, "CREATE Old.Child")
        cmd(c, "CREATE Taken")
        tagged, _ = cmd(c, "RENAME Old Taken", "NO")
        assert tagged.startswith(b"t NO [ALREADYEXISTS]"), tagged
        tagged, _ = cmd(c, "RENAME Missing Other", "NO")
        assert tagged.startswith(b"t NO [NONEXISTENT]"), tagged
        cmd(c, "RENAME Old", "BAD")
        cmd(c, "RENAME Old New")
        assert list_lines(c) == sorted([
            '* LIST (\\HasNoChildren) "." INBOX',
            '* LIST (\\HasChildren) "." New',
            '* LIST (\\HasNoChildren) "." New.Child',
            '* LIST (\\HasNoChildren) "." Taken'])
    maildir = server.maildir("u1")
    assert os.path.isdir(os.path.join(maildir, ".New.Child", "cur"))
    assert not os.path.exists(os.path.join(maildir, ".Old"))


def test_rename_inbox(server, target):
    if target == "dovecot":
        pytest.skip("Dovecot does not rename a Maildir++ INBOX")
    for i in range(2):
        deliver(server, b"Subject: m%d\r\n\r\nbody\r\n" % i)
    with raw_session(server) as c:
        cmd(c, "RENAME INBOX Saved")
        _, untagged = cmd(c, "STATUS INBOX (MESSAGES)")
        assert untagged == [b"* STATUS INBOX (MESSAGES 0)"]
        _, untagged = cmd(c, "STATUS Saved (MESSAGES)")
        assert untagged == [b"* STATUS Saved (MESSAGES 2)"]
        cmd(c, "SELECT Saved")


def test_subscribe_lsub(server, target):
    with raw_session(server) as c:
        # as Dovecot: only existing mailboxes can be subscribed to
        tagged, _ = cmd(c, "SUBSCRIBE Lists", "NO")
        assert nonexistent(tagged, target), tagged
        cmd(c, "SUBSCRIBE", "BAD")
        cmd(c, "CREATE Lists")
        cmd(c, "CREATE Lists.cove")
        cmd(c, "SUBSCRIBE Lists.cove")
        cmd(c, "SUBSCRIBE INBOX")
        assert list_lines(c, 'LSUB "" *') == sorted([
            '* LSUB () "." INBOX', '* LSUB () "." Lists.cove'])
        # RFC 3501 6.3.9: an unsubscribed parent matched by % is \Noselect
        assert list_lines(c, 'LSUB "" %') == sorted([
            '* LSUB () "." INBOX', '* LSUB (\\Noselect) "." Lists'])
        assert list_lines(c, 'LIST (SUBSCRIBED) "" *') == sorted([
            '* LIST (\\Subscribed) "." INBOX',
            '* LIST (\\Subscribed) "." Lists.cove'])
        # Dovecot writes CHILDINFO as an atom, the RFC 5258 examples quote it
        assert [line.replace('(CHILDINFO ', '("CHILDINFO" ') for line in
                list_lines(c, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" %')] == \
            sorted(['* LIST (\\Subscribed) "." INBOX',
                    '* LIST () "." Lists ("CHILDINFO" ("SUBSCRIBED"))'])
        assert list_lines(c, 'LIST "" Lists* RETURN (SUBSCRIBED CHILDREN)') \
            == sorted(['* LIST (\\HasChildren) "." Lists',
                       '* LIST (\\Subscribed \\HasNoChildren) "." '
                       'Lists.cove'])
        cmd(c, "UNSUBSCRIBE Lists.cove")
        assert list_lines(c, 'LSUB "" *') == ['* LSUB () "." INBOX']
        cmd(c, "LIST (RECURSIVEMATCH) \"\" *", "BAD")
        cmd(c, "LIST (BOGUS) \"\" *", "BAD")
        cmd(c, "LIST \"\" * RETURN (BOGUS)", "BAD")
    with open(os.path.join(server.maildir("u1"), "subscriptions")) as f:
        assert "INBOX" in f.read().split("\n")


def test_status(server, target):
    deliver(server, b"Subject: s\r\n\r\nbody\r\n")
    with raw_session(server) as c:
        cmd(c, "CREATE Box")
        _, untagged = cmd(c, "STATUS Box (MESSAGES RECENT UIDNEXT UNSEEN)")
        assert untagged == [
            b"* STATUS Box (MESSAGES 0 RECENT 0 UIDNEXT 1 UNSEEN 0)"]
        _, untagged = cmd(c, "STATUS Box (UIDVALIDITY)")
        box_uidvalidity = int(untagged[0].split()[-1].rstrip(b")"))
        assert box_uidvalidity != 0
        _, untagged = cmd(c, "STATUS INBOX (MESSAGES UNSEEN UIDVALIDITY)")
        assert untagged[0].startswith(b"* STATUS INBOX ("), untagged
        words = untagged[0].decode().split("(", 1)[1].rstrip(")").split()
        items = dict(zip(words[::2], map(int, words[1::2])))
        assert items["MESSAGES"] == 1 and items["UNSEEN"] == 1, untagged
        # STATUS does not take \Recent away from the next SELECT
        for _ in range(2):
            _, untagged = cmd(c, "STATUS INBOX (RECENT)")
            assert untagged == [b"* STATUS INBOX (RECENT 1)"]
        assert items["UIDVALIDITY"] not in (0, box_uidvalidity)
        tagged, _ = cmd(c, "STATUS Missing (MESSAGES)", "NO")
        assert nonexistent(tagged, target), tagged
        cmd(c, "STATUS Box (BOGUS)", "BAD")
        cmd(c, "STATUS Box", "BAD")
        # the selected mailbox answers with what the session saw
        cmd(c, "SELECT INBOX")
        deliver(server, b"Subject: s2\r\n\r\nbody\r\n")
        _, untagged = cmd(c, "STATUS INBOX (MESSAGES)")
        assert untagged[0] == b"* STATUS INBOX (MESSAGES 1)", untagged


def test_select_folder(server, target):
    with raw_session(server) as c:
        tagged, _ = cmd(c, "SELECT Nope", "NO")
        assert nonexistent(tagged, target), tagged
        cmd(c, "CREATE Folder")
        _, untagged = cmd(c, "SELECT Folder")
        assert b"* 0 EXISTS" in untagged
        uidvalidity = [u for u in untagged if b"UIDVALIDITY" in u]
        assert uidvalidity and b"[UIDVALIDITY 0]" not in uidvalidity[0]
        cmd(c, "EXAMINE Folder")


def test_namespace_default(server, target):
    with raw_session(server) as c:
        _, untagged = cmd(c, "NAMESPACE")
        assert untagged == [b'* NAMESPACE (("" ".")) NIL NIL']
        _, untagged = cmd(c, "CAPABILITY")
        caps = untagged[0].split()
        wanted = [b"NAMESPACE", b"CHILDREN", b"LIST-EXTENDED",
                  b"LIST-STATUS"]
        if target != "dovecot":
            # Dovecot announces it only with special_use configured
            wanted.append(b"SPECIAL-USE")
        for cap in wanted:
            assert cap in caps, untagged


def test_list_status(server):
    deliver(server, b"Subject: s\r\n\r\nbody\r\n")
    with raw_session(server) as c:
        _, untagged = cmd(c, 'LIST "" INBOX RETURN (STATUS (MESSAGES))')
        assert untagged == [b'* LIST () "." INBOX',
                            b"* STATUS INBOX (MESSAGES 1)"]


def test_namespace_settings_special_use(servers):
    server = servers.new(extra_conf=MAILBOXES_CONF)
    with raw_session(server) as c:
        _, untagged = cmd(c, "NAMESPACE")
        assert untagged == [b'* NAMESPACE (("" "/")) NIL NIL']
        assert list_lines(c) == sorted([
            '* LIST (\\HasNoChildren) "/" INBOX',
            '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
            '* LIST (\\HasNoChildren \\Sent) "/" Sent',
            '* LIST (\\HasNoChildren \\Junk) "/" Junk'])
        assert list_lines(c, 'LSUB "" *') == sorted([
            '* LSUB (\\Drafts) "/" Drafts', '* LSUB (\\Sent) "/" Sent'])
        assert list_lines(c, 'LIST (SPECIAL-USE) "" *') == sorted([
            '* LIST (\\Drafts) "/" Drafts',
            '* LIST (\\Sent) "/" Sent',
            '* LIST (\\Junk) "/" Junk'])
        cmd(c, "CREATE Archive/2024")
        # '.' is the separator on disk, so it cannot be in a name
        cmd(c, "CREATE a.b", "NO")
        assert list_lines(c, 'LIST "" Archive/%') == [
            '* LIST (\\HasNoChildren) "/" Archive/2024']
    assert os.path.isdir(os.path.join(server.maildir("u1"),
                                      ".Archive.2024", "cur"))


def test_namespace_prefix(servers):
    """prefix = INBOX. (Courier's layout): folders are INBOX's children
    for clients, plain Maildir++ folders on disk."""
    server = servers.new(extra_conf="""
namespace inbox {
  inbox = yes
  separator = .
  prefix = INBOX.
}
""")
    with raw_session(server) as c:
        _, untagged = cmd(c, "NAMESPACE")
        assert untagged == [b'* NAMESPACE (("INBOX." ".")) NIL NIL']
        cmd(c, "CREATE INBOX.Sent")
        assert list_lines(c) == sorted([
            '* LIST (\\HasChildren) "." INBOX',
            '* LIST (\\HasNoChildren) "." INBOX.Sent'])
        assert list_lines(c, 'LIST "" %') == [
            '* LIST (\\HasChildren) "." INBOX']
        _, untagged = cmd(c, "STATUS INBOX.Sent (MESSAGES)")
        assert untagged == [b"* STATUS INBOX.Sent (MESSAGES 0)"]
    assert os.path.isdir(os.path.join(server.maildir("u1"), ".Sent", "cur"))


@pytest.mark.cove_only
@pytest.mark.parametrize("conf,error", [
    ("namespace inbox {\n  separator = //\n}", "Invalid separator: //"),
    ("namespace inbox {\n  separator = /\n  prefix = Mail.\n}",
     "prefix must end with the separator"),
    ("namespace inbox {\n  mailbox Sent {\n    special_use = \\Bogus\n"
     "  }\n}", "Invalid special_use flag: \\Bogus"),
    ("namespace inbox {\n  mailbox Sent {\n    auto = always\n  }\n}",
     "always"),
    ("namespace shared {\n  type = shared\n}",
     "only private namespaces are supported"),
], ids=["separator", "prefix", "special_use", "auto", "type"])
def test_namespace_config_errors(servers, conf, error):
    server = servers.new(extra_conf=conf, start=False)
    with open(server.conf, "w") as f:
        f.write(server.config_text())
    proc = subprocess.run(
        [os.path.join(server.prefix, "sbin", "cove"), "-n", "-c",
         server.conf], stdin=subprocess.DEVNULL, capture_output=True,
        timeout=10)
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert proc.returncode != 0, out
    assert error in out, out


def test_delete_selected_mailbox(server):
    """The session's view is gone: as Dovecot, the session ends after the
    tagged OK."""
    with raw_session(server) as c:
        cmd(c, "CREATE Doomed")
        cmd(c, "SELECT Doomed")
        c.sendline("t DELETE Doomed")
        lines = c.read_until_closed().split(b"\r\n")
        assert any(line.startswith(b"t OK") for line in lines), lines
        assert any(line.startswith(b"* BYE") for line in lines), lines
    assert not os.path.exists(os.path.join(server.maildir("u1"), ".Doomed"))


def test_rename_selected_mailbox(server):
    """The view's directory moved: the session ends (Dovecot at the next
    command, Cove right after the tagged OK)."""
    with raw_session(server) as c:
        cmd(c, "CREATE Box")
        cmd(c, "SELECT Box")
        c.sendline("t RENAME Box Box2")
        line = c.readline()
        while line.startswith(b"* ") and not line.startswith(b"* BYE"):
            line = c.readline()
        if not line.startswith(b"* BYE"):
            assert line.startswith(b"t OK"), line
        try:
            c.sendline("n NOOP")
        except OSError:
            pass
        rest = c.read_until_closed()
        assert b"* BYE" in line + rest, (line, rest)
    assert os.path.isdir(os.path.join(server.maildir("u1"), ".Box2", "cur"))


def test_imaplib_folder_round_trip(server):
    """What an imaplib user does: the Chinese name in modified UTF-7."""
    with imap_session(server) as m:
        ok(m.create(CHINESE_UTF7))
        data = ok(m.list('""', CHINESE_UTF7))
        assert data == [b'(\\HasNoChildren) "." ' + CHINESE_UTF7.encode()]
        assert mutf7_decode(data[0].split()[-1].decode()) == CHINESE
        ok(m.subscribe(CHINESE_UTF7))
        assert ok(m.lsub()) == [b'() "." ' + CHINESE_UTF7.encode()]
        data = ok(m.status(CHINESE_UTF7, "(MESSAGES UIDNEXT)"))
        assert data == [CHINESE_UTF7.encode() + b" (MESSAGES 0 UIDNEXT 1)"]
        ok(m.rename(CHINESE_UTF7, "Backup"))
        ok(m.delete("Backup"))
        typ, data = m.select("Backup")
        assert typ == "NO", data
        logout(m)
