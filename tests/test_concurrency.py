# Copyright (c) Cove authors. See AUTHORS.
"""Several clients at once: parallel LMTP sessions into one mailbox, two
IMAP sessions on one mailbox seeing each other's changes, and mail that
another program dropped into the Maildir."""

import os
import threading

from helpers import (deliver, fetch, flags_of, imap_session, lmtp_connect,
                     logout, maildir_files, ok, parse_fetch, select)

THREADS = 4
PER_THREAD = 25


def msg(t, i):
    return (b"Subject: t%d m%d\r\nMessage-ID: <t%d-m%d@example.org>\r\n\r\n"
            b"thread %d message %d\r\n" % (t, i, t, i, t, i))


def test_parallel_deliveries(server):
    errors = []

    def worker(t):
        try:
            conn = lmtp_connect(server)
            for i in range(PER_THREAD):
                refused = conn.sendmail("s%d@example.org" % t,
                                        ["u1@localhost"], msg(t, i))
                assert refused == {}
            conn.quit()
        except Exception as e:  # reported in the main thread
            errors.append(repr(e))

    # an IMAP session stays selected while mail arrives
    with imap_session(server) as m:
        assert select(m) == 0
        threads = [threading.Thread(target=worker, args=(t,))
                   for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors, errors
        assert not any(t.is_alive() for t in threads)
        ok(m.noop())
        total = THREADS * PER_THREAD
        res = fetch(m, "1:*", "(UID BODY.PEEK[TEXT])")
        assert sorted(res) == list(range(1, total + 1))
        uids = [int(res[i][b"UID"]) for i in sorted(res)]
        assert uids == sorted(uids) and len(set(uids)) == total
        texts = sorted(res[i][b"BODY[TEXT]"] for i in res)
        assert texts == sorted(b"thread %d message %d\r\n" % (t, i)
                               for t in range(THREADS)
                               for i in range(PER_THREAD))
        logout(m)
    assert len(maildir_files(server)) == THREADS * PER_THREAD


def test_two_sessions_see_each_other(server):
    for i in range(3):
        deliver(server, msg(0, i))
    with imap_session(server) as a, imap_session(server) as b:
        assert select(a) == 3
        assert select(b) == 3
        ok(a.store("1", "+FLAGS", "(\\Flagged)"))
        data = ok(b.noop())
        typ, fetches = b.response("FETCH")
        res = parse_fetch([f for f in fetches if f is not None])
        assert 1 in res and "\\Flagged" in flags_of(res[1][b"FLAGS"]), \
            fetches
        ok(a.store("2", "+FLAGS.SILENT", "(\\Deleted)"))
        typ, data = a.expunge()
        assert data == [b"2"], data
        ok(b.noop())
        typ, data = b.response("EXPUNGE")
        assert data == [b"2"], data
        res = fetch(b, "1:*", "(BODY.PEEK[TEXT])")
        assert [res[i][b"BODY[TEXT]"] for i in sorted(res)] == \
            [b"thread 0 message 0\r\n", b"thread 0 message 2\r\n"]
        deliver(server, msg(0, 3))
        for m in (a, b):
            ok(m.noop())
            typ, data = m.response("EXISTS")
            assert data[-1] == b"3", data
        logout(a)
        logout(b)


def test_mail_dropped_into_maildir(server):
    deliver(server, msg(0, 0))
    with imap_session(server) as m:
        assert select(m) == 1
        logout(m)
    uid, gid, _ = server.users["u1"]
    body = b"Subject: dropped\nFrom: other@example.org\n\nby another MDA\n"
    tmp = os.path.join(server.maildir("u1"), "tmp", "1000.P1.testhost")
    new = os.path.join(server.maildir("u1"), "new", "1000.P1.testhost")
    with open(tmp, "wb") as f:
        f.write(body)
    if os.geteuid() == 0:
        os.chown(tmp, uid, gid)
    os.rename(tmp, new)
    with imap_session(server) as m:
        assert select(m) == 2
        res = fetch(m, "1:*", "(UID RFC822.SIZE BODY.PEEK[])")
        assert res[2][b"BODY[]"] == body.replace(b"\n", b"\r\n")
        assert int(res[2][b"RFC822.SIZE"]) == len(res[2][b"BODY[]"])
        assert int(res[2][b"UID"]) > int(res[1][b"UID"])
        logout(m)
