# Copyright (c) Cove authors. See AUTHORS.
"""coveadm's mail commands (search, fetch, expunge, flags, move, copy,
import) with doveadm's search query language, -u USER and -A, in the
output formats; what IMAP clients see afterwards (an IDLE session sees
expunges and flag changes at once); and bad input: one line on stderr
and the documented exit code."""

import json
import os
import re
import subprocess
import time
from contextlib import closing

import pytest

from conftest import TARGET
from helpers import RawClient, deliver, deliver_many, imap_session
from mailserver import MailServer

TIMEOUT = 60

def admin(server, *args):
    return subprocess.run(server.admin_argv(*args), capture_output=True,
                          text=True, timeout=TIMEOUT)


def ok(r):
    assert (r.returncode, r.stderr) == (0, ""), (r.returncode, r.stderr)
    return r.stdout


def msg(i, frm="alice@example.org", subject=None, body=None):
    subject = subject or "message %d" % i
    body = body or "body %d" % i
    return ("From: %s\r\nTo: u1@example.org\r\nSubject: %s\r\n"
            "Date: Mon, 1 Jan 2024 12:00:00 +0000\r\n\r\n%s\r\n"
            % (frm, subject, body)).encode()


def uids(server, *query, user="u1"):
    """The (mailbox, uid) pairs that coveadm search prints."""
    out = ok(admin(server, "-f", "tab", "search", "-u", user, *query))
    lines = out.splitlines()
    assert lines[0] == "mailbox\tuid"
    return [(l.split("\t")[0], int(l.split("\t")[1])) for l in lines[1:]]


def imap_flags(server, mailbox="INBOX", user="u1"):
    """{uid: sorted flags} as an IMAP client sees them."""
    with imap_session(server, user) as m:
        typ, data = m.select(mailbox)
        assert typ == "OK", data
        if int(data[0]) == 0:
            return {}
        typ, data = m.fetch("1:*", "(UID FLAGS)")
        assert typ == "OK"
        result = {}
        for line in data:
            mm = re.search(rb"UID (\d+) FLAGS \(([^)]*)\)", line)
            result[int(mm.group(1))] = sorted(
                f for f in mm.group(2).decode().split() if f != "\\Recent")
        return result


@pytest.fixture(params=["maildir", "mbox"])
def filled(request, servers):
    """u1's INBOX: 1-3 from alice (2 mentions an invoice), 4-5 from bob;
    a mailbox Work with one message; u2's INBOX with one message; on
    Maildir and on mbox (INBOX in a spool, folders under ~/mail)."""
    server = MailServer(TARGET, mbox=request.param == "mbox")
    servers.servers.append(server)
    server.start()
    deliver_many(server, [msg(1), msg(2, body="your invoice 42"), msg(3),
                          msg(4, frm="bob@example.net"),
                          msg(5, frm="bob@example.net",
                              subject="big " + "x" * 3000)])
    deliver(server, msg(6, subject="for u2"), rcpt="u2@localhost")
    ok(admin(server, "mailbox", "create", "-u", "u1", "Work"))
    with imap_session(server) as m:
        m.select("INBOX")
        m.store("1,4", "+FLAGS", "\\Seen")
        m.store("2", "+FLAGS", "(\\Flagged $Important)")
        m.append("Work", "(\\Seen)", None, msg(7, subject="work item"))
    return server


def inbox_uids(server, *query):
    """The UIDs in INBOX that search QUERY matches; the same on Dovecot
    (doveadm prints the mailbox GUID where Cove prints its name)."""
    out = ok(admin(server, "-f", "tab", "search", "-u", "u1",
                   "mailbox", "INBOX", *query))
    lines = out.splitlines()
    assert lines[0].split("\t")[1] == "uid", lines
    return [int(line.split("\t")[1]) for line in lines[1:]]


def test_search_as_doveadm(filled):
    s = filled
    assert inbox_uids(s, "all") == [1, 2, 3, 4, 5]
    assert inbox_uids(s, "seen") == [1, 4]
    assert inbox_uids(s, "unseen", "from", "alice") == [2, 3]
    assert inbox_uids(s, "body", "invoice") == [2]
    assert inbox_uids(s, "text", "INVOICE") == [2]
    assert inbox_uids(s, "keyword", "$Important") == [2]
    assert inbox_uids(s, "(", "seen", "or", "flagged", ")") == [1, 2, 4]
    assert inbox_uids(s, "not", "(", "seen", "OR", "flagged", ")") == [3, 5]
    assert inbox_uids(s, "(", "seen", "or", "flagged", "or", "from", "bob",
                      ")", "unseen") == [2, 5]
    assert inbox_uids(s, "2:3") == [2, 3]
    assert inbox_uids(s, "uid", "4:*") == [4, 5]
    assert inbox_uids(s, "larger", "2k") == [5]
    assert inbox_uids(s, "smaller", "1k") == [1, 2, 3, 4]
    assert inbox_uids(s, "since", "1d") == [1, 2, 3, 4, 5]
    assert inbox_uids(s, "savedsince", "2w") == [1, 2, 3, 4, 5]
    assert inbox_uids(s, "since", "2024-01-31") == [1, 2, 3, 4, 5]
    assert inbox_uids(s, "before", "2024-01-31") == []
    assert inbox_uids(s, "sentbefore", "2024-01-02", "senton",
                      "2024-01-01") == [1, 2, 3, 4, 5]
    assert inbox_uids(s, "header", "Subject", "BIG") == [5]
    assert inbox_uids(s, "new") == []


@pytest.mark.cove_only
def test_search_keys(filled):
    s = filled
    assert uids(s, "mailbox", "INBOX", "all") == [("INBOX", u)
                                                  for u in range(1, 6)]
    assert uids(s, "all") == [("INBOX", u) for u in range(1, 6)] + \
        [("Work", 1)]
    assert uids(s, "mailbox", "INBOX", "seen") == [("INBOX", 1),
                                                   ("INBOX", 4)]
    assert uids(s, "mailbox", "INBOX", "unseen", "from", "alice") == \
        [("INBOX", 2), ("INBOX", 3)]
    assert uids(s, "body", "invoice") == [("INBOX", 2)]
    assert uids(s, "text", "INVOICE") == [("INBOX", 2)]
    assert uids(s, "flagged") == [("INBOX", 2)]
    assert uids(s, "keyword", "$Important") == [("INBOX", 2)]
    assert uids(s, "mailbox", "INBOX", "(", "seen", "OR", "flagged",
                ")") == [("INBOX", 1), ("INBOX", 2), ("INBOX", 4)]
    assert uids(s, "seen", "or", "flagged", "or", "subject", "work") == \
        [("INBOX", 1), ("INBOX", 2), ("INBOX", 4), ("Work", 1)]
    assert uids(s, "mailbox", "INBOX", "not", "(", "seen", "or",
                "flagged", ")") == [("INBOX", 3), ("INBOX", 5)]
    assert uids(s, "mailbox", "INBOX", "not", "(", "seen", "(",
                "flagged", "or", "from", "bob", ")", ")") == \
        [("INBOX", 1), ("INBOX", 2), ("INBOX", 3), ("INBOX", 5)]
    assert uids(s, "mailbox", "INBOX", "2:3") == [("INBOX", 2),
                                                  ("INBOX", 3)]
    assert uids(s, "mailbox", "INBOX", "uid", "4:*") == [("INBOX", 4),
                                                         ("INBOX", 5)]
    assert uids(s, "larger", "2k") == [("INBOX", 5)]
    assert uids(s, "mailbox", "INBOX", "smaller", "1k") == \
        [("INBOX", u) for u in range(1, 5)]
    assert uids(s, "subject", "work") == [("Work", 1)]
    assert uids(s, "header", "To", "u1@example") == uids(s, "all")
    assert uids(s, "sentbefore", "2024-01-02", "senton", "2024-01-01",
                "mailbox", "Work") == [("Work", 1)]
    # delivered just now
    assert uids(s, "since", "1d", "mailbox", "INBOX") == \
        [("INBOX", u) for u in range(1, 6)]
    assert uids(s, "savedsince", "2w", "mailbox", "Work") == [("Work", 1)]
    assert uids(s, "before", "2024-01-31") == []
    assert uids(s, "since", str(int(time.time()) - 86400),
                "mailbox", "Work") == [("Work", 1)]
    assert uids(s, "mailbox", "W*") == [("Work", 1)]
    assert uids(s, "mailbox", "INBOX", "new") == []
    assert uids(s, "mailbox", "INBOX", "old", "seen") == \
        [("INBOX", 1), ("INBOX", 4)]


@pytest.mark.cove_only
def test_search_formats(filled):
    s = filled
    out = ok(admin(s, "search", "-u", "u1", "mailbox", "INBOX", "seen"))
    assert out == "INBOX uid=1\nINBOX uid=4\n"
    out = ok(admin(s, "-f", "table", "search", "-u", "u1", "seen"))
    assert out == "mailbox uid\nINBOX   1\nINBOX   4\nWork    1\n"
    out = ok(admin(s, "-f", "json", "search", "-u", "u1", "seen"))
    assert json.loads(out) == [{"mailbox": "INBOX", "uid": "1"},
                               {"mailbox": "INBOX", "uid": "4"},
                               {"mailbox": "Work", "uid": "1"}]


@pytest.mark.cove_only
def test_all_users(filled):
    s = filled
    out = ok(admin(s, "-f", "tab", "search", "-A", "subject", "u2"))
    assert out == "username\tmailbox\tuid\nu2\tINBOX\t1\n"
    out = ok(admin(s, "-f", "json", "search", "-A", "mailbox", "INBOX",
                   "1"))
    assert json.loads(out) == [
        {"username": "u1", "mailbox": "INBOX", "uid": "1"},
        {"username": "u2", "mailbox": "INBOX", "uid": "1"}]
    out = ok(admin(s, "-f", "tab", "search", "-u", "u*", "mailbox",
                   "INBOX", "1"))
    assert out == "username\tmailbox\tuid\nu1\tINBOX\t1\nu2\tINBOX\t1\n"
    ok(admin(s, "flags", "add", "-A", "\\Answered", "mailbox", "INBOX",
             "1"))
    assert imap_flags(s)[1] == ["\\Answered", "\\Seen"]
    assert imap_flags(s, user="u2") == {1: ["\\Answered"]}


@pytest.mark.cove_only
def test_fetch(filled):
    s = filled
    out = ok(admin(s, "-f", "json", "fetch", "-u", "u1",
                   "mailbox uid flags size.physical size.virtual guid text",
                   "mailbox", "INBOX", "2"))
    row, = json.loads(out)
    raw = row["text"].encode()
    # as delivered, with the headers LMTP added
    assert raw.endswith(msg(2, body="your invoice 42").replace(b"\r\n",
                                                               b"\n"))
    assert row["mailbox"] == "INBOX" and row["uid"] == "2"
    assert row["flags"] == "\\Flagged $Important"
    assert row["size.physical"] == str(len(raw))
    assert row["size.virtual"] == str(len(raw) + raw.count(b"\n"))
    assert re.fullmatch(r"[0-9a-f]{8}00000002", row["guid"])
    out = ok(admin(s, "-f", "json", "fetch", "-u", "u1", "hdr body text",
                   "mailbox", "INBOX", "2"))
    row, = json.loads(out)
    hdr, body = raw.decode().split("\n\n", 1)
    assert body == "your invoice 42\n"
    assert row == {"hdr": hdr + "\n\n", "body": body, "text": raw.decode()}
    out = ok(admin(s, "-f", "tab", "fetch", "-u", "u1", "uid date.received",
                   "mailbox", "Work"))
    lines = out.splitlines()
    assert lines[0] == "uid\tdate.received"
    assert re.fullmatch(r"1\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", lines[1])
    out = ok(admin(s, "-f", "table", "fetch", "-u", "u1", "mailbox uid",
                   "seen"))
    assert out == "mailbox uid\nINBOX   1\nINBOX   4\nWork    1\n"
    out = ok(admin(s, "fetch", "-u", "u1", "uid flags", "seen",
                   "mailbox", "INBOX"))
    assert out == "1 flags=\\Seen\n4 flags=\\Seen\n"


@pytest.mark.cove_only
def test_expunge(filled):
    s = filled
    ok(admin(s, "expunge", "-u", "u1", "mailbox", "INBOX", "from", "bob"))
    assert sorted(imap_flags(s)) == [1, 2, 3]
    assert sorted(imap_flags(s, "Work")) == [1]
    ok(admin(s, "expunge", "-u", "u1", "seen"))
    assert sorted(imap_flags(s)) == [2, 3]
    assert imap_flags(s, "Work") == {}
    assert imap_flags(s, user="u2") == {1: []}


@pytest.mark.cove_only
def test_flags(filled):
    s = filled
    ok(admin(s, "flags", "add", "-u", "u1", "\\Deleted $Later",
             "mailbox", "INBOX", "3:4"))
    f = imap_flags(s)
    assert f[3] == ["$Later", "\\Deleted"]
    assert f[4] == ["$Later", "\\Deleted", "\\Seen"]
    ok(admin(s, "flags", "remove", "-u", "u1", "\\Seen", "all"))
    f = imap_flags(s)
    assert f[1] == [] and f[4] == ["$Later", "\\Deleted"]
    assert imap_flags(s, "Work") == {1: []}
    ok(admin(s, "flags", "replace", "-u", "u1", "\\Answered",
             "mailbox", "INBOX", "keyword", "$Later"))
    f = imap_flags(s)
    assert f[3] == f[4] == ["\\Answered"]
    assert f[2] == ["$Important", "\\Flagged"]


@pytest.mark.cove_only
def test_move_copy(filled):
    s = filled
    ok(admin(s, "mailbox", "create", "-u", "u1", "Archive"))
    ok(admin(s, "copy", "-u", "u1", "Archive", "mailbox", "INBOX",
             "flagged"))
    assert imap_flags(s, "Archive") == {1: ["$Important", "\\Flagged"]}
    assert sorted(imap_flags(s)) == [1, 2, 3, 4, 5]
    ok(admin(s, "move", "-u", "u1", "Archive", "from", "bob"))
    assert sorted(imap_flags(s)) == [1, 2, 3]
    assert imap_flags(s, "Archive") == {
        1: ["$Important", "\\Flagged"], 2: ["\\Seen"], 3: []}
    # the destination itself is left alone
    ok(admin(s, "move", "-u", "u1", "Archive", "all"))
    assert imap_flags(s) == {}
    assert imap_flags(s, "Work") == {}
    assert len(imap_flags(s, "Archive")) == 7
    r = admin(s, "move", "-u", "u1", "NoSuch", "all")
    assert (r.returncode, r.stderr) == (
        68, "coveadm: u1: Mailbox NoSuch doesn't exist\n")


def no_recent(out):
    """The rows of JSON output without \\Recent in their flags (messages
    still in new/ have it, whatever their history)."""
    return [dict(r, flags=" ".join(f for f in r["flags"].split()
                                   if f != "\\Recent"))
            for r in json.loads(out)]


@pytest.mark.cove_only
def test_import_maildir(filled):
    s = filled
    if s.mbox:
        pytest.skip("the source is a copy of u1's Maildir")
    src = os.path.join(s.root, "import-src")
    r = subprocess.run(["cp", "-a", s.maildir("u1"), src], check=True)
    assert r.returncode == 0
    subprocess.run(["chown", "-R", "%d:%d" % (s.uid_of("u2"),
                                              s.uid_of("u2")), src],
                   check=True)
    ok(admin(s, "import", "-u", "u2", "maildir:" + src, "Old", "all"))
    got = ok(admin(s, "-f", "json", "fetch", "-u", "u2",
                   "mailbox uid flags text", "mailbox", "Old*"))
    want = ok(admin(s, "-f", "json", "fetch", "-u", "u1",
                    "mailbox uid flags text", "all"))
    assert [dict(r, mailbox="Old." + r["mailbox"]) for r in no_recent(want)] \
        == no_recent(got)
    ok(admin(s, "import", "-u", "u2", "maildir:" + src, "", "seen",
             "mailbox", "INBOX"))
    assert sorted(imap_flags(s, user="u2")) == [1, 2, 3]


def mbox_message(i):
    """Message i as an mbox file holds it: From_ line, headers with
    Status/X-Status, body, and the empty line before the next From_."""
    return ("From sender@example.org Mon Jan  1 12:%02d:00 2024\n"
            "From: sender@example.org\nSubject: mbox %d\n"
            "Status: %s\nX-Status: %s\n\nline %d\n  From indented\n"
            "\ttab and trailing space \n\n"
            % (i % 60, i, "RO" if i % 2 else "O", "A" if i % 3 == 0 else "",
               i))


def without_status(text):
    return re.sub(r"(?m)^X?-?Status: .*\n", "", text)


def sep(server):
    """The hierarchy separator: Maildir++'s '.', mbox's '/'."""
    return "/" if server.mbox else "."


@pytest.mark.cove_only
def test_import_mbox(filled):
    s = filled
    path = os.path.join(s.root, "mbox-src")
    os.makedirs(path)
    with open(os.path.join(path, "inbox"), "w") as f:
        f.write("".join(mbox_message(i) for i in range(1000)))
    subprocess.run(["chown", "-R", "%d:%d" % (s.uid_of("u1"),
                                              s.uid_of("u1")), path],
                   check=True)
    r = admin(s, "import", "-u", "u1", "mbox:" + path +
              ":INBOX=" + os.path.join(path, "inbox"), "Mbox", "all")
    if r.returncode != 0 and "Unknown mail storage driver: mbox" in r.stderr:
        pytest.skip("the mbox backend does not exist yet: " + r.stderr)
    assert (r.returncode, r.stderr) == (0, "")
    out = json.loads(ok(admin(s, "-f", "json", "fetch", "-u", "u1",
                              "flags date.received text",
                              "mailbox", "Mbox%sINBOX" % sep(s))))
    assert len(out) == 1000
    for i, row in enumerate(out):
        # the message: after the From_ line, before the separating line
        want = mbox_message(i).split("\n", 1)[1][:-1]
        assert without_status(row["text"]) == without_status(want), i
        flags = (["\\Seen"] if i % 2 else []) + \
            (["\\Answered"] if i % 3 == 0 else [])
        assert sorted(f for f in row["flags"].split()
                      if f != "\\Recent") == sorted(flags), i
        assert row["date.received"].startswith("2024-01-01 "), i


def idle_client(server):
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    line, _ = c.imap_cmd("l", "LOGIN u1 " + server.users["u1"][2])
    assert line.startswith(b"l OK"), line
    line, _ = c.imap_cmd("s", "SELECT INBOX")
    assert line.startswith(b"s OK"), line
    c.sendline("i IDLE")
    assert c.readline() == b"+ idling"
    return c


def read_until(c, pattern):
    seen = []
    while True:
        line = c.readline()
        assert line, "connection closed; seen %r" % seen
        if re.match(pattern, line):
            return seen + [line]
        seen.append(line)


@pytest.mark.cove_only
def test_idle_sees_expunge_and_flags(filled):
    s = filled
    with closing(idle_client(s)) as c:
        ok(admin(s, "flags", "add", "-u", "u1", "\\Answered",
                 "mailbox", "INBOX", "uid", "3"))
        lines = read_until(c, rb"\* 3 FETCH")
        assert lines[-1] == b"* 3 FETCH (FLAGS (\\Answered))"
        ok(admin(s, "expunge", "-u", "u1", "mailbox", "INBOX", "uid", "4"))
        lines = read_until(c, rb"\* 4 EXPUNGE")
        c.sendline("DONE")
        line, untagged = c.imap_tagged("i")
        assert line.startswith(b"i OK"), line
        assert [l for l in lines + untagged
                if not re.match(rb"\* \d+ RECENT$", l)] == [
                    b"* 4 EXPUNGE"]
    assert imap_flags(s) == {1: ["\\Seen"],
                             2: ["$Important", "\\Flagged"],
                             3: ["\\Answered"], 5: []}


@pytest.mark.cove_only
def test_errors(filled):
    s = filled
    r = admin(s, "frobnicate")
    assert (r.returncode, r.stderr) == (
        64, "coveadm: Unknown command 'frobnicate' (coveadm help lists "
        "them)\n")
    r = admin(s, "search", "-u", "nosuchuser", "all")
    assert (r.returncode, r.stderr) == (
        67, "coveadm: nosuchuser: User doesn't exist\n")
    r = admin(s, "search", "-u", "u1", "bogus", "key")
    assert (r.returncode, r.stderr) == (
        65, "coveadm: Invalid search query: Unknown search key: bogus\n")
    r = admin(s, "expunge", "-u", "u1", "since", "yesterday")
    assert (r.returncode, r.stderr) == (
        65, "coveadm: Invalid search query: Invalid date for since: "
        "yesterday\n")
    r = admin(s, "search", "-u", "u1", "mailbox", "NoSuch", "all")
    assert (r.returncode, r.stderr) == (
        68, "coveadm: u1: Mailbox NoSuch doesn't exist\n")
    r = admin(s, "fetch", "-u", "u1", "uid bogus", "all")
    assert r.returncode == 64
    assert r.stderr.splitlines()[0] == (
        "coveadm fetch: Unknown field 'bogus' (uid flags date.received "
        "size.physical size.virtual hdr body text mailbox guid)")
    r = admin(s, "flags", "add", "-u", "u1", "\\Bogus", "all")
    assert (r.returncode, r.stderr) == (
        65, "coveadm flags: Invalid flag '\\Bogus'\n")
    r = admin(s, "search", "all")
    assert r.returncode == 64
    assert r.stderr == "usage: coveadm search -u USER|-A QUERY\n"
    r = admin(s, "search", "-u", "u1", "-A", "all")
    assert r.returncode == 64
    # nothing changed
    assert sorted(imap_flags(s)) == [1, 2, 3, 4, 5]


@pytest.mark.cove_only
def test_help(filled):
    r = admin(filled, "help", "expunge")
    assert r.returncode == 0
    assert r.stdout.startswith("usage: coveadm expunge -u USER|-A QUERY\n")
    r = admin(filled, "help")
    for name in ("search", "fetch", "expunge", "flags", "move", "copy",
                 "import"):
        assert "\n  %s " % name in r.stdout


def index_path(server, user="u1"):
    """INBOX's index: Maildir's cove-index, or mbox's in ~/mail/.imap."""
    if server.mbox:
        return os.path.join(server.mbox_dir(user), ".imap", "INBOX",
                            "cove-mbox-index")
    return os.path.join(server.maildir(user), "cove-index")


def index_inode(server, user="u1"):
    return os.stat(index_path(server, user)).st_ino


@pytest.mark.cove_only
def test_index_and_force_resync(filled):
    s = filled
    before = imap_flags(s)
    ok(admin(s, "index", "-u", "u1"))
    inode = index_inode(s)
    # up to date: left as it is
    ok(admin(s, "index", "-u", "u1", "INBOX"))
    assert index_inode(s) == inode
    ok(admin(s, "force-resync", "-u", "u1", "INBOX"))
    assert index_inode(s) != inode
    inode = index_inode(s)
    ok(admin(s, "index", "rebuild", "-A"))
    assert index_inode(s) != inode
    assert os.path.exists(index_path(s, "u2"))
    # a damaged index is rebuilt the same way
    with open(index_path(s), "r+b") as f:
        f.seek(40)
        f.write(b"\xff" * 16)
    ok(admin(s, "force-resync", "-u", "u1", "*"))
    assert imap_flags(s) == before
    r = admin(s, "force-resync", "-u", "u1", "NoSuch")
    assert (r.returncode, r.stderr) == (
        68, "coveadm: u1: Mailbox NoSuch doesn't exist\n")
    r = admin(s, "force-resync", "-u", "u1")
    assert r.returncode == 64


@pytest.mark.cove_only
def test_no_output_commands(filled):
    """Commands that print nothing print no header or JSON either."""
    s = filled
    for fmt in ("table", "tab", "json", "flow"):
        out = ok(admin(s, "-f", fmt, "flags", "add", "-A", "$X", "all"))
        assert out == ""
    assert uids(s, "keyword", "$X", user="u2") == [("INBOX", 1)]


@pytest.mark.cove_only
def test_mailbox_all_users(filled):
    s = filled
    out = ok(admin(s, "-f", "tab", "mailbox", "list", "-A"))
    assert out == "username\tmailbox\nu1\tINBOX\nu1\tWork\nu2\tINBOX\n"
    ok(admin(s, "mailbox", "create", "-A", "-s", "Shared"))
    out = json.loads(ok(admin(s, "-f", "json", "mailbox", "status", "-A",
                              "messages unseen", "INBOX", "Shared")))
    assert out == [
        {"username": "u1", "mailbox": "INBOX", "messages": "5",
         "unseen": "3"},
        {"username": "u1", "mailbox": "Shared", "messages": "0",
         "unseen": "0"},
        {"username": "u2", "mailbox": "INBOX", "messages": "1",
         "unseen": "1"},
        {"username": "u2", "mailbox": "Shared", "messages": "0",
         "unseen": "0"}]
    out = ok(admin(s, "mailbox", "list", "-u", "u2", "-s"))
    assert out == "Shared\n"
