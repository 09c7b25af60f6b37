# Copyright (c) Cove authors. See AUTHORS.
"""APPEND, COPY, MOVE, UID EXPUNGE (UIDPLUS, RFC 4315; MOVE, RFC 6851) and
keywords: the replies a client sees, the bytes that come back, the files
that land in the Maildir."""

import imaplib
import os
import re

import pytest

from helpers import (RawClient, deliver, fetch, flags_of, imap_session,
                     logout, ok, select, uidvalidity)

MSG = b"From: a@example.org\r\nSubject: append test\r\n\r\nHello\r\nworld\r\n"


def make_folder(server, name, user="u1"):
    """A Maildir++ folder made on disk, as both servers read them, owned
    by the user as the server would make it."""
    uid, gid, _ = server.users[user]
    folder = os.path.join(server.maildir(user), "." + name)
    for path in (server.maildir(user), folder,
                 os.path.join(folder, "cur"), os.path.join(folder, "new"),
                 os.path.join(folder, "tmp")):
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chown(path, uid, gid)


def code_of(data, code):
    """The values of the response code [CODE a b c] in a reply text."""
    text = b" ".join(d for d in data if isinstance(d, bytes))
    m = re.search(rb"\[" + code.encode() + rb" ([^\]]*)\]", text)
    assert m, (code, data)
    return m.group(1).decode().split(" ")


def raw_login(server, user="u1"):
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    line, _ = c.imap_cmd("l", "LOGIN %s %s" % (user, server.users[user][2]))
    assert line.startswith(b"l OK"), line
    return c


def test_append_flags_keywords_date(server):
    with imap_session(server) as m:
        select(m)
        uv = uidvalidity(m)
        typ, data = m.append("INBOX", "(\\Seen $Label1)",
                             '"05-Mar-2024 10:20:30 +0200"', MSG)
        assert typ == "OK", data
        assert code_of(data, "APPENDUID") == [str(uv), "1"]
        res = fetch(m, "1", "(UID FLAGS INTERNALDATE RFC822.SIZE "
                    "BODY.PEEK[])")[1]
        assert int(res[b"UID"]) == 1
        assert flags_of(res[b"FLAGS"]) == {"\\Seen", "$Label1"}
        assert res[b"INTERNALDATE"] == b"05-Mar-2024 08:20:30 +0000"
        assert res[b"BODY[]"] == MSG
        assert int(res[b"RFC822.SIZE"]) == len(MSG)
        logout(m)
    # the keyword is letter a after the standard flags
    names = os.listdir(os.path.join(server.maildir("u1"), "cur"))
    assert len(names) == 1 and names[0].endswith(":2,Sa"), names
    if server.kind == "cove":
        with open(os.path.join(server.maildir("u1"), "cove-keywords")) as f:
            assert f.read() == "0 $Label1\n"


def test_append_to_selected_sends_exists(server):
    deliver(server, MSG)
    with imap_session(server) as m:
        assert select(m) == 1
        typ, data = m.append("INBOX", None, None, MSG)
        assert typ == "OK", data
        assert code_of(data, "APPENDUID")[1] == "2"
        assert m.response("EXISTS")[1][-1] == b"2"
        res = fetch(m, "2", "(UID FLAGS)")[2]
        assert int(res[b"UID"]) == 2
        assert flags_of(res[b"FLAGS"]) == set()
        logout(m)
    names = os.listdir(os.path.join(server.maildir("u1"), "cur"))
    assert len(names) == 2


def test_append_not_selected_and_folder(server):
    make_folder(server, "Dest")
    with imap_session(server) as m:
        typ, data = m.append("Dest", "(\\Flagged)", None, MSG)
        assert typ == "OK", data
        uv, uid = code_of(data, "APPENDUID")
        assert uid == "1" and uv != "0"
        assert select(m, "Dest") == 1
        assert uidvalidity(m) == int(uv)
        res = fetch(m, "1", "(UID FLAGS)")[1]
        assert flags_of(res[b"FLAGS"]) == {"\\Flagged"}
        logout(m)


def test_append_trycreate_and_bad(server):
    with imap_session(server) as m:
        typ, data = m.append("NoSuchBox", None, None, MSG)
        assert typ == "NO", data
        assert data[0].startswith(b"[TRYCREATE]"), data
        with pytest.raises(imaplib.IMAP4.error):
            m.append("INBOX", "(\\Bogus)", None, MSG)
        with pytest.raises(imaplib.IMAP4.error):
            m.append("INBOX", None, '"05-Foo-2024 10:20:30 +0000"', MSG)
        ok(m.noop())
        logout(m)


def test_append_literal_plus_and_sync(server):
    c = raw_login(server)
    c.sendline("a APPEND INBOX (\\Draft) {8+}")
    c.send(b"Hi\r\nyo\r\n\r\n")
    line, _ = c.imap_tagged("a")
    assert re.match(rb"a OK \[APPENDUID \d+ 1\]", line), line
    c.sendline("b APPEND INBOX {4}")
    assert c.readline().startswith(b"+ ")
    c.send(b"abcd\r\n")
    line, _ = c.imap_tagged("b")
    assert re.match(rb"b OK \[APPENDUID \d+ 2\]", line), line
    line, untagged = c.imap_cmd("c", "SELECT INBOX")
    assert b"* 2 EXISTS" in untagged
    line, untagged = c.imap_cmd("d", "FETCH 1:2 (FLAGS BODY.PEEK[])")
    # \Recent is optional for the session that selects first
    assert re.match(rb"\* 1 FETCH \(FLAGS \(\\Draft( \\Recent)?\) "
                    rb"BODY\[\] \{8\}$", untagged[0]), untagged
    assert untagged[1] == b"Hi"
    c.close()


@pytest.mark.cove_only
def test_append_too_large(servers):
    server = servers.new(extra_conf="imap_max_append_size = 1k\n")
    c = raw_login(server)
    c.sendline("a APPEND INBOX {1025}")
    line = c.readline()
    assert line.startswith(b"a BAD"), line
    # the session goes on: the client did not send the data
    c.sendline("b APPEND INBOX {1024}")
    line = c.readline()
    assert line.startswith(b"+ "), line
    c.send(b"x" * 1024 + b"\r\n")
    line, _ = c.imap_tagged("b")
    assert line.startswith(b"b OK [APPENDUID"), line
    # other commands keep their own literal limit (64k)
    line, _ = c.imap_cmd("c", "SELECT {70000}")
    assert line.startswith(b"c BAD"), line
    # a LITERAL+ one cannot be skipped: the connection ends
    c.sendline("d APPEND INBOX {1025+}")
    assert c.closed()
    c.close()


def test_copy_copyuid_and_keywords(server):
    make_folder(server, "Dest")
    for i in range(3):
        deliver(server, b"Subject: %d\r\n\r\nbody %d\r\n" % (i, i))
    with imap_session(server) as m:
        select(m)
        ok(m.store("2", "+FLAGS", "(\\Answered $Work)"))
        typ, data = m.copy("1:3", "Dest")
        assert typ == "OK", data
        uv, src, dst = code_of(data, "COPYUID")
        assert (src, dst) == ("1:3", "1:3")
        # COPY into a missing mailbox
        typ, data = m.copy("1", "Missing")
        assert typ == "NO" and data[0].startswith(b"[TRYCREATE]"), data
        logout(m)
    c = raw_login(server)
    c.imap_cmd("s", "SELECT INBOX")
    # UID COPY of UIDs that do not exist copies nothing
    line, _ = c.imap_cmd("u", "UID COPY 100:200 Dest")
    assert line.startswith(b"u OK") and b"COPYUID" not in line, line
    line, _ = c.imap_cmd("v", "UID COPY 3,1 Dest")
    assert re.match(rb"v OK \[COPYUID %s 1,3 4:5\]" % uv.encode(),
                    line), line
    c.close()
    with imap_session(server) as m:
        assert select(m, "Dest") == 5
        assert uidvalidity(m) == int(uv)
        res = fetch(m, "1:*", "(FLAGS BODY.PEEK[TEXT])")
        assert [res[i][b"BODY[TEXT]"] for i in range(1, 6)] == \
            [b"body 0\r\n", b"body 1\r\n", b"body 2\r\n", b"body 0\r\n",
             b"body 2\r\n"]
        assert flags_of(res[2][b"FLAGS"]) == {"\\Answered", "$Work"}
        assert flags_of(res[1][b"FLAGS"]) == set()
        logout(m)


def test_move(server):
    make_folder(server, "Dest")
    for i in range(3):
        deliver(server, b"Subject: %d\r\n\r\nbody %d\r\n" % (i, i))
    c = raw_login(server)
    c.imap_cmd("s", "SELECT INBOX")
    line, untagged = c.imap_cmd("m", "MOVE 2:3 Dest")
    assert line.startswith(b"m OK"), line
    assert re.match(rb"\* OK \[COPYUID \d+ 2:3 1:2\]", untagged[0]), \
        untagged
    assert [u for u in untagged[1:] if not u.endswith(b" RECENT")] == \
        [b"* 3 EXPUNGE", b"* 2 EXPUNGE"], untagged
    line, untagged = c.imap_cmd("u", "UID MOVE 1 Dest")
    assert line.startswith(b"u OK"), line
    assert re.match(rb"\* OK \[COPYUID \d+ 1 3\]", untagged[0]), untagged
    assert [u for u in untagged[1:] if not u.endswith(b" RECENT")] == \
        [b"* 1 EXPUNGE"], untagged
    line, untagged = c.imap_cmd("n", "MOVE 1 Dest")
    assert line.startswith(b"n BAD"), line
    line, untagged = c.imap_cmd("x", "STATUS Dest (MESSAGES)")
    c.close()
    with imap_session(server) as m:
        assert select(m, "Dest") == 3
        res = fetch(m, "1:*", "(UID BODY.PEEK[TEXT])")
        assert [res[i][b"BODY[TEXT]"] for i in (1, 2, 3)] == \
            [b"body 1\r\n", b"body 2\r\n", b"body 0\r\n"]
        assert select(m) == 0
        logout(m)


def test_uid_expunge(server):
    for i in range(4):
        deliver(server, b"Subject: %d\r\n\r\nbody %d\r\n" % (i, i))
    c = raw_login(server)
    c.imap_cmd("s", "SELECT INBOX")
    line, _ = c.imap_cmd("f", "STORE 1:3 +FLAGS.SILENT (\\Deleted)")
    assert line.startswith(b"f OK"), line
    # UID 4 is not \Deleted, UID 1 is not in the set
    line, untagged = c.imap_cmd("e", "UID EXPUNGE 2:4")
    assert line.startswith(b"e OK"), line
    assert [u for u in untagged if not u.endswith(b" RECENT")] == \
        [b"* 3 EXPUNGE", b"* 2 EXPUNGE"], untagged
    line, untagged = c.imap_cmd("g", "UID FETCH 1:* (FLAGS)")
    assert untagged == [b"* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))",
                        b"* 2 FETCH (UID 4 FLAGS (\\Recent))"], untagged
    line, _ = c.imap_cmd("h", "UID EXPUNGE")
    assert line.startswith(b"h BAD"), line
    c.close()


def test_keywords_seen_by_second_session(server):
    deliver(server, MSG)
    a = raw_login(server)
    b = raw_login(server)
    _, untagged = a.imap_cmd("s", "SELECT INBOX")
    assert b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen " \
        b"\\Draft \\*)] Flags permitted." in untagged, untagged
    b.imap_cmd("s", "SELECT INBOX")
    line, untagged = a.imap_cmd("t", "STORE 1 +FLAGS ($Work Junk)")
    assert line.startswith(b"t OK"), line
    assert b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft " \
        b"$Work Junk)" in untagged, untagged
    assert untagged[-1] == b"* 1 FETCH (FLAGS (\\Recent $Work Junk))", \
        untagged
    line, untagged = b.imap_cmd("n", "NOOP")
    assert b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft " \
        b"$Work Junk)" in untagged, untagged
    assert b"* 1 FETCH (FLAGS ($Work Junk))" in untagged, untagged
    line, untagged = b.imap_cmd("r", "STORE 1 -FLAGS (Junk)")
    assert untagged[-1] == b"* 1 FETCH (FLAGS ($Work))", untagged
    line, untagged = a.imap_cmd("n", "NOOP")
    assert b"* 1 FETCH (FLAGS (\\Recent $Work))" in untagged, untagged
    a.close()
    b.close()
    names = os.listdir(os.path.join(server.maildir("u1"), "cur"))
    assert len(names) == 1 and names[0].endswith(":2,a"), names


@pytest.mark.cove_only
def test_too_many_keywords(server):
    deliver(server, MSG)
    with imap_session(server) as m:
        select(m)
        kws = " ".join("k%d" % i for i in range(26))
        ok(m.store("1", "+FLAGS", "(%s)" % kws))
        typ, data = m.store("1", "+FLAGS", "(OneTooMany)")
        assert typ == "NO", data
        assert b"Too many keywords" in data[0], data
        typ, data = m.append("INBOX", "(Another)", None, MSG)
        assert typ == "NO", data
        ok(m.noop())
        res = fetch(m, "1", "(FLAGS)")[1]
        assert len(flags_of(res[b"FLAGS"])) == 26
        logout(m)


def test_copy_append_non_ascii_folder(server):
    deliver(server, MSG)
    name = "&ZTZO9nux-"        # 收件箱 in modified UTF-7
    with imap_session(server) as m:
        ok(m.create(name))
        select(m)
        typ, data = m.copy("1", name)
        assert typ == "OK", data
        assert code_of(data, "COPYUID")[1:] == ["1", "1"]
        typ, data = m.append(name, "(\\Seen)", None, MSG)
        assert typ == "OK", data
        assert code_of(data, "APPENDUID")[1] == "2"
        # a name that is not valid modified UTF-7 is refused
        typ, data = m.copy("1", "&Jjo")
        assert typ in ("NO", "BAD"), data
        assert select(m, name) == 2
        res = fetch(m, "1:2", "(FLAGS BODY.PEEK[])")
        # the delivered copy has the delivery's Return-Path etc. on top
        assert res[1][b"BODY[]"].endswith(MSG)
        assert res[2][b"BODY[]"] == MSG
        assert flags_of(res[2][b"FLAGS"]) == {"\\Seen"}
        logout(m)


def test_append_to_examined_mailbox(server):
    deliver(server, MSG)
    with imap_session(server) as m:
        typ, data = m.select("INBOX", readonly=True)
        assert typ == "OK", data
        typ, data = m.append("INBOX", None, None, MSG)
        assert typ == "OK", data
        assert code_of(data, "APPENDUID")[1] == "2"
        # the read-only session gets the new message at once
        assert m.response("EXISTS")[1][-1] == b"2"
        res = fetch(m, "2", "(UID BODY.PEEK[])")[2]
        assert int(res[b"UID"]) == 2 and res[b"BODY[]"] == MSG
        logout(m)
