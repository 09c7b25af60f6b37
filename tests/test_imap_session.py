# Copyright (c) Cove authors. See AUTHORS.
"""What a selected IMAP session sees: new mail on NOOP, STORE and UID STORE
replies, EXPUNGE numbering, flags in Maildir file names."""

import os

from helpers import (RawClient, deliver, fetch, flags_of, imap_session,
                     logout, maildir_files, ok, parse_fetch, select,
                     uidvalidity)


def msg(i):
    return b"Subject: session %d\r\n\r\nbody %d\r\n" % (i, i)


def test_noop_reports_new_mail(server):
    deliver(server, msg(0))
    with imap_session(server) as m:
        assert select(m) == 1
        deliver(server, msg(1))
        deliver(server, msg(2))
        ok(m.noop())
        typ, data = m.response("EXISTS")
        assert data[-1] == b"3", data
        res = fetch(m, "1:*", "(UID BODY.PEEK[TEXT])")
        assert [res[i][b"BODY[TEXT]"] for i in (1, 2, 3)] == \
            [b"body 0\r\n", b"body 1\r\n", b"body 2\r\n"]
        logout(m)


def test_store_replies(server):
    for i in range(3):
        deliver(server, msg(i))
    with imap_session(server) as m:
        select(m)
        data = ok(m.store("1:2", "+FLAGS", "(\\Seen \\Flagged)"))
        res = parse_fetch(data)
        assert sorted(res) == [1, 2]
        for i in (1, 2):
            assert flags_of(res[i][b"FLAGS"]) == {"\\Seen", "\\Flagged"}
        data = ok(m.store("2", "-FLAGS", "(\\Flagged)"))
        assert flags_of(parse_fetch(data)[2][b"FLAGS"]) == {"\\Seen"}
        data = ok(m.store("3", "+FLAGS.SILENT", "(\\Answered)"))
        assert data == [None], data
        data = ok(m.store("3", "FLAGS", "(\\Draft)"))
        assert flags_of(parse_fetch(data)[3][b"FLAGS"]) == {"\\Draft"}

        uids = {i: int(r[b"UID"])
                for i, r in fetch(m, "1:*", "(UID)").items()}
        data = ok(m.uid("STORE", str(uids[3]), "-FLAGS", "(\\Draft)"))
        res = parse_fetch(data)
        assert list(res) == [3]
        assert int(res[3][b"UID"]) == uids[3]
        assert flags_of(res[3][b"FLAGS"]) == set()
        res = fetch(m, "1:*", "(FLAGS)")
        assert [flags_of(res[i][b"FLAGS"]) for i in (1, 2, 3)] == \
            [{"\\Seen", "\\Flagged"}, {"\\Seen"}, set()]
        logout(m)

    # flags are kept in Maildir file names (:2,<sorted letters>)
    names = sorted(os.path.basename(p) for p in maildir_files(server))
    infos = sorted(n.split(":2,", 1)[1] if ":2," in n else ""
                   for n in names)
    assert infos == ["", "FS", "S"], names


def test_expunge_numbering(server):
    for i in range(5):
        deliver(server, msg(i))
    with imap_session(server) as m:
        select(m)
        uv = uidvalidity(m)
        uids = [int(r[b"UID"]) for _, r in
                sorted(fetch(m, "1:*", "(UID)").items())]
        ok(m.store("2,3", "+FLAGS.SILENT", "(\\Deleted)"))
        typ, data = m.expunge()
        assert typ == "OK"
        # each EXPUNGE renumbers the rest; replaying them on the list of
        # UIDs must remove exactly messages 2 and 3 (any order)
        assert len(data) == 2, data
        model = list(uids)
        for n in data:
            del model[int(n) - 1]
        assert model == [uids[0], uids[3], uids[4]], data
        res = fetch(m, "1:*", "(UID BODY.PEEK[TEXT])")
        assert sorted(res) == [1, 2, 3]
        assert [int(res[i][b"UID"]) for i in (1, 2, 3)] == \
            [uids[0], uids[3], uids[4]]
        assert [res[i][b"BODY[TEXT]"] for i in (1, 2, 3)] == \
            [b"body 0\r\n", b"body 3\r\n", b"body 4\r\n"]
        # an expunge with nothing \Deleted changes nothing
        typ, data = m.expunge()
        assert typ == "OK" and data == [None], data
        logout(m)
    with imap_session(server) as m:
        assert select(m) == 3
        assert uidvalidity(m) == uv
        logout(m)
    assert len(maildir_files(server)) == 3


def test_uidnext_and_uid_fetch_ranges(server):
    for i in range(3):
        deliver(server, msg(i))
    with imap_session(server) as m:
        select(m)
        typ, data = m.response("UIDNEXT")
        uidnext = int(data[-1])
        uids = [int(r[b"UID"]) for _, r in
                sorted(fetch(m, "1:*", "(UID)").items())]
        assert uidnext > max(uids)
        # a UID range past the end returns the last message (RFC 3501)
        res = fetch(m, "%d:*" % (uidnext + 10), "(UID)", uid=True)
        assert [int(r[b"UID"]) for r in res.values()] == [uids[-1]]
        # a UID set naming no message returns nothing, OK
        res = fetch(m, str(uidnext + 10), "(UID)", uid=True)
        assert res == {}
        res = fetch(m, "%d,%d" % (uids[0], uids[2]), "(UID)", uid=True)
        assert sorted(int(r[b"UID"]) for r in res.values()) == \
            [uids[0], uids[2]]
        logout(m)


def test_logout_closes(server):
    c = RawClient(server.imap_port)
    try:
        assert c.readline().startswith(b"* OK")
        line, _ = c.imap_cmd("a", "LOGIN u1 pass1")
        assert line.startswith(b"a OK"), line
        line, _ = c.imap_cmd("b", "SELECT INBOX")
        assert line.startswith(b"b OK"), line
        line, _ = c.imap_cmd("c", "CLOSE")
        assert line.startswith(b"c OK"), line
        # CLOSE leaves the selected state
        line, _ = c.imap_cmd("d", "FETCH 1 (FLAGS)")
        assert line.startswith(b"d BAD") or line.startswith(b"d NO"), line
        line, untagged = c.imap_cmd("e", "LOGOUT")
        assert line.startswith(b"e OK"), line
        assert untagged and untagged[0].startswith(b"* BYE"), untagged
        assert c.closed()
    finally:
        c.close()
