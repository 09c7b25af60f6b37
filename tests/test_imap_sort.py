# Copyright (c) Cove authors. See AUTHORS.
"""SORT, UID SORT, SORT=DISPLAY, ESORT (RFC 5256, 5957, 5267) and THREAD
(REFERENCES, ORDEREDSUBJECT): the exact orders a client gets, and the
errors for bad arguments."""

import imaplib
import re

import pytest

from helpers import deliver, fetch, imap_session, logout, ok, select


def message(headers, body_size=0):
    head = "".join("%s: %s\r\n" % h for h in headers)
    return (head + "\r\n" + "x" * body_size).encode()


# (headers, body size); sizes keep RFC822.SIZE in a clear order
SORT_MSGS = [
    ([("From", '"Zed" <b@x.org>'), ("To", "Alice <zz@x.org>"),
      ("Cc", "z@x.org"), ("Subject", "Re: beta"),
      ("Date", "Mon, 2 Jan 2023 10:00:00 +0000")], 1000),
    ([("From", "alice@x.org"), ("To", '"Bob" <bob@x.org>'),
      ("Subject", "alpha"),
      ("Date", "Sun, 1 Jan 2023 10:00:00 +0000")], 2000),
    ([("From", "=?utf-8?q?Mallory?= <a@x.org>"),
      ("Subject", "[list] Fwd: Alpha"),
      ("Date", "Tue, 3 Jan 2023 10:00:00 +0000")], 3000),
    ([("Subject", "gamma (fwd)")], 0),
]


@pytest.fixture
def sort_session(server):
    for headers, size in SORT_MSGS:
        deliver(server, message(headers, size))
    with imap_session(server) as m:
        assert select(m) == len(SORT_MSGS)
        yield m
        logout(m)


def numbers(data):
    assert len(data) == 1, data
    return [int(n) for n in data[0].split()]


def sort(m, criteria, search="ALL"):
    return numbers(ok(m.sort(criteria, "UTF-8", search)))


@pytest.mark.parametrize("criteria,expected", [
    ("(ARRIVAL)", [1, 2, 3, 4]),
    ("(SUBJECT)", [2, 3, 1, 4]),
    ("(DATE)", [2, 1, 3, 4]),
    ("(REVERSE DATE)", [4, 3, 1, 2]),
    ("(FROM)", [4, 3, 2, 1]),
    ("(CC)", [2, 3, 4, 1]),
    ("(TO)", [3, 4, 2, 1]),
    ("(SIZE)", [4, 1, 2, 3]),
    ("(REVERSE SIZE)", [3, 2, 1, 4]),
    ("(DISPLAYFROM)", [4, 2, 3, 1]),
    ("(DISPLAYTO)", [3, 4, 1, 2]),
    ("(SUBJECT REVERSE DATE)", [3, 2, 1, 4]),
    ("(subject size)", [2, 3, 1, 4]),
])
def test_sort_keys(sort_session, criteria, expected):
    assert sort(sort_session, criteria) == expected


def test_sort_with_search_criteria(sort_session):
    m = sort_session
    assert sort(m, "(SUBJECT)", "FROM x.org") == [2, 3, 1]
    assert sort(m, "(DATE)", "SUBJECT alpha") == [2, 3]
    assert sort(m, "(REVERSE SIZE)", "2:3") == [3, 2]
    assert ok(m.sort("(DATE)", "UTF-8", "SUBJECT nothing")) == [b""]


def test_uid_sort(sort_session):
    m = sort_session
    uids = {i: int(r[b"UID"]) for i, r in fetch(m, "1:*", "(UID)").items()}
    data = ok(m.uid("SORT", "(SUBJECT)", "UTF-8", "ALL"))
    assert numbers(data) == [uids[i] for i in (2, 3, 1, 4)]
    data = ok(m.uid("SORT", "(DATE)", "UTF-8", "UID %d" % uids[3]))
    assert numbers(data) == [uids[3]]


def esort(m, *args, uid=False):
    name = "UID" if uid else "SORT"
    if uid:
        args = ("SORT",) + args
    typ, data = m._simple_command(name, *args)
    assert typ == "OK", (typ, data)
    typ, data = m._untagged_response(typ, data, "ESEARCH")
    assert len(data) == 1, data
    tag = re.match(rb'\(TAG "([^"]+)"\) ?', data[0])
    assert tag, data
    return data[0][tag.end():].decode()


def test_esort(sort_session):
    m = sort_session
    assert esort(m, "RETURN", "(MIN MAX COUNT)", "(DATE)", "UTF-8",
                 "ALL") == "MIN 2 MAX 4 COUNT 4"
    assert esort(m, "RETURN", "(ALL)", "(DATE)", "UTF-8", "ALL") == \
        "ALL 2,1,3:4"
    assert esort(m, "RETURN", "()", "(REVERSE DATE)", "UTF-8",
                 "2:4") == "ALL 4,3,2"
    assert esort(m, "RETURN", "(COUNT ALL)", "(SUBJECT)", "UTF-8",
                 "SUBJECT nothing") == "COUNT 0"
    uids = {i: int(r[b"UID"]) for i, r in fetch(m, "1:*", "(UID)").items()}
    assert esort(m, "RETURN", "(MIN ALL)", "(SIZE)", "UTF-8", "1:2",
                 uid=True) == "UID MIN %d ALL %d:%d" % (uids[1], uids[1],
                                                        uids[2])


@pytest.mark.parametrize("args", [
    ("(FOO)", "UTF-8", "ALL"),
    ("()", "UTF-8", "ALL"),
    ("(REVERSE)", "UTF-8", "ALL"),
    ("DATE", "UTF-8", "ALL"),
    ("(DATE)", "UTF-8"),
    ("(DATE)", "UTF-8", "FOO"),
    ("RETURN", "(FOO)", "(DATE)", "UTF-8", "ALL"),
])
def test_sort_bad(sort_session, args):
    with pytest.raises(imaplib.IMAP4.error, match="SORT command error: BAD"):
        sort_session._simple_command("SORT", *args)


def test_sort_bad_charset(sort_session):
    typ, data = sort_session.sort("(DATE)", "X-NO-SUCH-CHARSET", "ALL")
    assert typ == "NO", data
    assert data[0].startswith(b"[BADCHARSET"), data


def test_sort_needs_selected_mailbox(server):
    with imap_session(server) as m:
        with pytest.raises(imaplib.IMAP4.error):
            m.sort("(DATE)", "UTF-8", "ALL")
        with pytest.raises(imaplib.IMAP4.error):
            m.thread("REFERENCES", "UTF-8", "ALL")
        logout(m)


THREAD_MSGS = [
    [("Message-ID", "<1@x>"), ("Subject", "topic"),
     ("Date", "Sun, 1 Jan 2023 10:00:00 +0000")],
    [("Message-ID", "<2@x>"), ("References", "<1@x>"),
     ("Subject", "Re: topic"), ("Date", "Mon, 2 Jan 2023 10:00:00 +0000")],
    [("Message-ID", "<3@x>"), ("Subject", "other"),
     ("Date", "Tue, 3 Jan 2023 10:00:00 +0000")],
    [("Message-ID", "<4@x>"), ("In-Reply-To", "<1@x>"),
     ("Subject", "Re: topic"), ("Date", "Wed, 4 Jan 2023 10:00:00 +0000")],
    [("Subject", "Re: other"),
     ("Date", "Thu, 5 Jan 2023 10:00:00 +0000")],
    [("Message-ID", "<6@x>"), ("References", "<9@x> <7@x>"),
     ("Subject", "Re: lost"), ("Date", "Fri, 6 Jan 2023 10:00:00 +0000")],
    [("Message-ID", "<8@x>"), ("References", "<9@x>"),
     ("Subject", "Re: lost too"),
     ("Date", "Sat, 7 Jan 2023 10:00:00 +0000")],
]


@pytest.fixture
def thread_session(server):
    for headers in THREAD_MSGS:
        deliver(server, message(headers, 10))
    with imap_session(server) as m:
        assert select(m) == len(THREAD_MSGS)
        yield m
        logout(m)


@pytest.mark.parametrize("algorithm,search,expected", [
    ("REFERENCES", "ALL", b"(1 (2)(4))(3 5)((6)(7))"),
    ("ORDEREDSUBJECT", "ALL", b"(1 (2)(4))(3 5)(6)(7)"),
    ("REFERENCES", "NOT 1", b"((2)(4))(3 5)((6)(7))"),
    ("references", "SUBJECT nothing", b""),
    ("ORDEREDSUBJECT", "2", b"(2)"),
])
def test_thread(thread_session, algorithm, search, expected):
    data = ok(thread_session.thread(algorithm, "UTF-8", search))
    assert data == [expected], data


def test_uid_thread(thread_session):
    m = thread_session
    uids = {i: int(r[b"UID"]) for i, r in fetch(m, "1:*", "(UID)").items()}
    data = ok(m.uid("THREAD", "ORDEREDSUBJECT", "UTF-8", "1:3"))
    assert data == [b"(%d %d)(%d)" % (uids[1], uids[2], uids[3])], data


@pytest.mark.parametrize("args", [
    ("FOO", "UTF-8", "ALL"),
    ("(REFERENCES)", "UTF-8", "ALL"),
    ("REFERENCES", "UTF-8"),
])
def test_thread_bad(thread_session, args):
    with pytest.raises(imaplib.IMAP4.error,
                       match="THREAD command error: BAD"):
        thread_session._simple_command("THREAD", *args)
