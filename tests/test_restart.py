# Copyright (c) Cove authors. See AUTHORS.
"""Mailbox state survives a restart of the server: UIDVALIDITY, UIDs,
flags; EXPUNGE and CLOSE remove files and keep the other UIDs; stopping
with SIGTERM or the admin tool leaves no process behind."""

import os

from helpers import (deliver, fetch, flags_of, imap_session, logout,
                     maildir_files, ok, select, uidvalidity)


def msg(i):
    return (b"From: sender@example.org\r\nSubject: restart %d\r\n"
            b"Message-ID: <restart-%d@example.org>\r\n\r\nbody %d\r\n"
            % (i, i, i))


def state(server):
    """-> (uidvalidity, {uid: (flags, subject line)}) of u1's INBOX."""
    with imap_session(server) as m:
        n = select(m)
        uv = uidvalidity(m)
        out = {}
        if n:
            res = fetch(m, "1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS "
                        "(SUBJECT)])")
            assert sorted(res) == list(range(1, n + 1))
            for seq in sorted(res):
                r = res[seq]
                out[int(r[b"UID"])] = (
                    flags_of(r[b"FLAGS"]),
                    r[b"BODY[HEADER.FIELDS (SUBJECT)]"].strip())
        logout(m)
    return uv, out


def restart(server):
    assert server.stop(), "master did not exit on SIGTERM"
    server.start()


def file_with(server, subject):
    return [p for p, c in maildir_files(server).items()
            if b"\nSubject: %s\n" % subject in c]


def test_uids_and_flags_survive_restart(server):
    for i in range(3):
        deliver(server, msg(i))
    uv1, st1 = state(server)
    uids = sorted(st1)
    assert len(uids) == 3
    assert [st1[u][1] for u in uids] == \
        [b"Subject: restart %d" % i for i in range(3)]

    with imap_session(server) as m:
        select(m)
        ok(m.uid("STORE", str(uids[1]), "+FLAGS", "(\\Seen)"))
        res = fetch(m, "2", "(FLAGS)")
        assert flags_of(res[2][b"FLAGS"]) == {"\\Seen"}
        logout(m)

    restart(server)
    uv2, st2 = state(server)
    assert uv2 == uv1
    assert sorted(st2) == uids
    assert st2[uids[0]] == (set(), b"Subject: restart 0")
    assert st2[uids[1]] == ({"\\Seen"}, b"Subject: restart 1")
    assert st2[uids[2]] == (set(), b"Subject: restart 2")

    for i in range(3, 5):
        deliver(server, msg(i))
    uv3, st3 = state(server)
    assert uv3 == uv1
    new = sorted(set(st3) - set(uids))
    assert len(new) == 2 and min(new) > max(uids)
    assert [st3[u][1] for u in new] == [b"Subject: restart 3",
                                        b"Subject: restart 4"]

    restart(server)
    assert state(server) == (uv1, st3)


def test_expunge_removes_file_and_keeps_uids(server):
    for i in range(4):
        deliver(server, msg(i))
    uv, st = state(server)
    uids = sorted(st)
    assert len(file_with(server, b"restart 1")) == 1

    with imap_session(server) as m:
        select(m)
        ok(m.uid("STORE", str(uids[1]), "+FLAGS", "(\\Deleted)"))
        typ, data = m.expunge()
        assert typ == "OK"
        assert data == [b"2"], data
        ok(m.noop())
        res = fetch(m, "1:*", "(UID)")
        assert [int(res[i][b"UID"]) for i in sorted(res)] == \
            [uids[0], uids[2], uids[3]]
        logout(m)

    assert file_with(server, b"restart 1") == []
    assert len(maildir_files(server)) == 3
    expected = {u: st[u] for u in (uids[0], uids[2], uids[3])}
    assert state(server) == (uv, expected)
    restart(server)
    assert state(server) == (uv, expected)


def test_close_expunges_deleted(server):
    for i in range(3):
        deliver(server, msg(i))
    uv, st = state(server)
    uids = sorted(st)
    with imap_session(server) as m:
        select(m)
        ok(m.store("1", "+FLAGS", "(\\Deleted)"))
        typ, data = m.close()
        assert typ == "OK", data
        # CLOSE sends no EXPUNGE responses
        assert m.response("EXPUNGE") == ("EXPUNGE", [None])
        logout(m)
    assert file_with(server, b"restart 0") == []
    assert state(server) == (uv, {u: st[u] for u in uids[1:]})


def test_sigterm_leaves_no_process(server):
    with imap_session(server) as m:
        select(m)
        children = server.children()
        assert children, "no child processes under the master"
        logout(m)
    assert server.stop(), "master did not exit on SIGTERM"
    assert server.reap_children(children) == [], \
        "children left after the master exited"


def test_admin_stop(server):
    res, exited = server.stop_admin()
    assert res.returncode == 0, res
    assert exited, "master still running after the admin's stop"
    # and it starts again on the same config
    server.start()
    deliver(server, msg(9))
    assert len(state(server)[1]) == 1


def test_uid_list_file(server, target):
    deliver(server, msg(0))
    uv, st = state(server)
    name = "cove-uidlist" if target == "cove" else "dovecot-uidlist"
    path = os.path.join(server.maildir("u1"), name)
    assert os.path.isfile(path), os.listdir(server.maildir("u1"))
    assert os.stat(path).st_uid == server.users["u1"][0]
    for sub in ("cur", "new", "tmp"):
        assert os.path.isdir(os.path.join(server.maildir("u1"), sub))
