# Copyright (c) Cove authors. See AUTHORS.
"""SEARCHRES (RFC 5182: SEARCH RETURN (SAVE) and "$" in the sequence sets
of FETCH, STORE, COPY, SEARCH and their UID forms), SEARCH with
CHARSETs other than UTF-8 (GB2312 as Foxmail sends it, ISO-8859-1), and
FROM/SUBJECT/HEADER matching only the message's own header, not that
of an attached message. The exact untagged lines are asserted."""

import base64
import re
from contextlib import closing

import pytest

from helpers import ImapSession as Session, deliver


def plain(sender, subject, body="hello\r\n"):
    return ("From: %s\r\nTo: bob@example.com\r\nSubject: %s\r\n"
            "Date: Mon, 26 Mar 2007 10:00:00 +0000\r\n\r\n%s"
            % (sender, subject, body)).encode()


MESSAGES = [
    plain("alice@example.org", "one"),
    plain("bob@example.org", "two"),
    plain("alice@example.org", "three"),
    plain("carol@example.org", "four"),
    plain("alice@example.org", "five"),
]

# GB2312 text body and B-encoded GB2312 subject, as Foxmail writes them
GB_BODY = "明天上午十点开会"
GB_SUBJECT = "会议通知"
MSG_GB2312 = (b"From: li@example.cn\r\n"
              b"To: bob@example.com\r\n"
              b"Subject: =?GB2312?B?" +
              base64.b64encode(GB_SUBJECT.encode("gb2312")) + b"?=\r\n"
              b"MIME-Version: 1.0\r\n"
              b"Content-Type: text/plain; charset=GB2312\r\n"
              b"Content-Transfer-Encoding: base64\r\n"
              b"\r\n" +
              base64.b64encode(GB_BODY.encode("gb2312")) + b"\r\n")

# A forwarded message attached as the first part: its From, Subject and
# X-Inner are not the outer message's.
MSG_FORWARD = (b"From: alice@example.org\r\n"
               b"To: bob@example.com\r\n"
               b"Subject: Fwd: plans\r\n"
               b"MIME-Version: 1.0\r\n"
               b"Content-Type: multipart/mixed; boundary=\"fw\"\r\n"
               b"\r\n"
               b"--fw\r\n"
               b"Content-Type: message/rfc822\r\n"
               b"\r\n"
               b"From: mallory@example.net\r\n"
               b"Subject: secret plans\r\n"
               b"X-Inner: yes\r\n"
               b"\r\n"
               b"inner body\r\n"
               b"--fw\r\n"
               b"Content-Type: text/plain\r\n"
               b"\r\n"
               b"see the attachment\r\n"
               b"--fw--\r\n")


@pytest.fixture
def session(server):
    for msg in MESSAGES:
        deliver(server, msg)
    s = Session(server)
    with closing(s):
        yield s


def fetch_uids(s, line):
    """The (seq, uid) pairs of a FETCH/UID FETCH of (UID)."""
    _, untagged = s.ok(line)
    return [tuple(map(int, m.groups())) for m in
            (re.match(rb"\* (\d+) FETCH \(UID (\d+)\)$", u)
             for u in untagged) if m]


def test_capability(server):
    s = Session(server)
    with closing(s):
        _, untagged = s.ok("CAPABILITY")
        caps = untagged[0].split()
        assert b"SEARCHRES" in caps


def test_save_alone_sends_nothing(session):
    s = session
    _, untagged = s.ok("SEARCH RETURN (SAVE) FROM alice")
    assert untagged == []
    assert fetch_uids(s, "FETCH $ (UID)") == [(1, 1), (3, 3), (5, 5)]
    assert fetch_uids(s, "UID FETCH $ (UID)") == [(1, 1), (3, 3), (5, 5)]
    _, untagged = s.ok("SEARCH $")
    assert untagged == [b"* SEARCH 1 3 5"]
    _, untagged = s.ok("UID SEARCH UID $ NOT 1")
    assert untagged == [b"* SEARCH 3 5"]
    _, untagged = s.ok("SEARCH OR $ FROM carol")
    assert untagged == [b"* SEARCH 1 3 4 5"]


def test_save_with_esearch(session):
    s = session
    tag, untagged = s.ok("UID SEARCH RETURN (SAVE ALL COUNT) FROM alice")
    assert untagged == [
        ('* ESEARCH (TAG "%s") UID ALL 1,3,5 COUNT 3' % tag).encode()]
    assert fetch_uids(s, "FETCH $ (UID)") == [(1, 1), (3, 3), (5, 5)]


@pytest.mark.parametrize("options,esearch,saved", [
    ("SAVE MIN", " MIN 1", [(1, 1)]),
    ("SAVE MAX", " MAX 5", [(5, 5)]),
    ("SAVE MIN MAX", " MIN 1 MAX 5", [(1, 1), (5, 5)]),
    ("SAVE MIN ALL", " MIN 1 ALL 1,3,5", [(1, 1), (3, 3), (5, 5)]),
    ("SAVE COUNT", " COUNT 3", [(1, 1), (3, 3), (5, 5)]),
])
def test_save_min_max(session, options, esearch, saved):
    """With MIN and/or MAX but neither ALL nor COUNT, only the minimum
    and maximum are saved (RFC 5182 2.1)."""
    s = session
    tag, untagged = s.ok("SEARCH RETURN (%s) FROM alice" % options)
    assert untagged == [('* ESEARCH (TAG "%s")%s' % (tag, esearch))
                        .encode()]
    assert fetch_uids(s, "FETCH $ (UID)") == saved


def test_save_empty_result(session):
    s = session
    s.ok("SEARCH RETURN (SAVE) FROM alice")
    _, untagged = s.ok("SEARCH RETURN (SAVE) FROM nobody")
    assert untagged == []
    assert fetch_uids(s, "FETCH $ (UID)") == []
    _, untagged = s.ok("SEARCH $")
    assert untagged == [b"* SEARCH"]


def test_store_copy_on_saved(session):
    s = session
    s.ok("SEARCH RETURN (SAVE) FROM alice")
    _, untagged = s.ok("STORE $ +FLAGS.SILENT (\\Flagged)")
    assert untagged == []
    _, untagged = s.ok("SEARCH FLAGGED")
    assert untagged == [b"* SEARCH 1 3 5"]
    _, untagged = s.ok("UID STORE $ -FLAGS (\\Flagged)")
    assert untagged == [b"* 1 FETCH (UID 1 FLAGS (\\Recent))",
                        b"* 3 FETCH (UID 3 FLAGS (\\Recent))",
                        b"* 5 FETCH (UID 5 FLAGS (\\Recent))"]
    s.ok("CREATE saved")
    tag, tagged, _ = s.cmd("COPY $ saved")
    assert tagged.startswith(b"OK [COPYUID "), tagged
    assert tagged.split()[3:5] == [b"1,3,5", b"1:3]"]
    _, untagged = s.ok("STATUS saved (MESSAGES)")
    assert untagged == [b"* STATUS saved (MESSAGES 3)"]


def test_move_and_uid_expunge_saved(session):
    s = session
    s.ok("CREATE saved")
    s.ok("SEARCH RETURN (SAVE) FROM alice NOT 5")
    _, untagged = s.ok("MOVE $ saved")
    assert [u for u in untagged if b"EXPUNGE" in u] == [b"* 3 EXPUNGE",
                                                        b"* 1 EXPUNGE"]
    assert fetch_uids(s, "FETCH 1:* (UID)") == [(1, 2), (2, 4), (3, 5)]
    assert fetch_uids(s, "FETCH $ (UID)") == []
    s.ok("UID SEARCH RETURN (SAVE) UID 4:5")
    s.ok("STORE 1:* +FLAGS.SILENT (\\Deleted)")
    _, untagged = s.ok("UID EXPUNGE $")
    assert untagged == [b"* 3 EXPUNGE", b"* 2 EXPUNGE", b"* 1 RECENT"]
    assert fetch_uids(s, "FETCH 1:* (UID)") == [(1, 2)]


def test_saved_after_expunge(session):
    """"$" holds messages, not numbers: an expunged one leaves it and the
    others keep their place under their new sequence numbers."""
    s = session
    s.ok("SEARCH RETURN (SAVE) FROM alice")
    s.ok("STORE 1 +FLAGS.SILENT (\\Deleted)")
    _, untagged = s.ok("EXPUNGE")
    assert untagged == [b"* 1 EXPUNGE", b"* 4 RECENT"]
    assert fetch_uids(s, "FETCH $ (UID)") == [(2, 3), (4, 5)]
    _, untagged = s.ok("SEARCH $")
    assert untagged == [b"* SEARCH 2 4"]


def test_saved_reset_on_select(session):
    s = session
    s.ok("SEARCH RETURN (SAVE) FROM alice")
    s.ok("EXAMINE INBOX")
    assert fetch_uids(s, "FETCH $ (UID)") == []
    s.ok("SEARCH RETURN (SAVE) FROM alice")
    s.ok("SELECT INBOX")
    _, untagged = s.ok("UID SEARCH $")
    assert untagged == [b"* SEARCH"]


def test_failed_save(session):
    """A SEARCH RETURN (SAVE) that fails with NO empties "$"; one with bad
    syntax (BAD) leaves it as it was."""
    s = session
    s.ok("SEARCH RETURN (SAVE) FROM alice")
    _, tagged, _ = s.cmd("SEARCH RETURN (SAVE) NOSUCHKEY")
    assert tagged.startswith(b"BAD"), tagged
    assert fetch_uids(s, "FETCH $ (UID)") == [(1, 1), (3, 3), (5, 5)]
    _, tagged, _ = s.cmd("SEARCH RETURN (SAVE) CHARSET X-NO-SUCH BODY a")
    assert tagged.startswith(b"NO [BADCHARSET"), tagged
    assert fetch_uids(s, "FETCH $ (UID)") == []


def test_search_uses_previous_saved(session):
    """A SEARCH that saves and references "$" sees the result saved
    before it."""
    s = session
    s.ok("SEARCH RETURN (SAVE) FROM alice")
    _, untagged = s.ok("SEARCH RETURN (SAVE) $ SUBJECT three")
    assert untagged == []
    assert fetch_uids(s, "FETCH $ (UID)") == [(3, 3)]


@pytest.mark.parametrize("line", [
    "FETCH $,1 (UID)",
    "FETCH $:2 (UID)",
    "SEARCH $:1",
])
def test_saved_in_a_set_is_bad(session, line):
    s = session
    _, tagged, _ = s.cmd(line)
    assert tagged.startswith(b"BAD"), tagged
    s.ok("NOOP")


@pytest.fixture
def charset_session(server):
    deliver(server, MSG_GB2312)
    deliver(server, plain("=?ISO-8859-1?Q?J=FCrgen?= <j@example.de>",
                          "Gr=FC=DFe"))
    s = Session(server)
    with closing(s):
        yield s


def search_literal(s, prefix, data):
    """SEARCH with data sent as a non-synchronizing literal."""
    tag, tagged, untagged = s.cmd(prefix.encode() + b" {%d+}\r\n" % len(data)
                                  + data)
    assert tagged.startswith(b"OK"), tagged
    return untagged


@pytest.mark.parametrize("charset,key,text,expected", [
    ("GB2312", "BODY", "十点", b"* SEARCH 1"),
    ("gb2312", "TEXT", "开会", b"* SEARCH 1"),
    ("GB2312", "SUBJECT", "会议", b"* SEARCH 1"),
    ("GBK", "SUBJECT", "通知", b"* SEARCH 1"),
    ("GB2312", "BODY", "下午", b"* SEARCH"),
    ("ISO-8859-1", "FROM", "JÜRGEN", b"* SEARCH 2"),
    ("ISO-8859-1", "BODY", "Jürgen", b"* SEARCH"),
])
def test_search_charset(charset_session, charset, key, text, expected):
    data = text.encode("gbk" if charset.upper() != "ISO-8859-1"
                       else "iso-8859-1")
    untagged = search_literal(charset_session,
                              "SEARCH CHARSET %s %s" % (charset, key), data)
    assert untagged == [expected]


def test_search_charset_unknown(charset_session):
    s = charset_session
    _, tagged, untagged = s.cmd("SEARCH CHARSET X-NO-SUCH BODY a")
    assert untagged == []
    assert tagged.startswith(b"NO [BADCHARSET"), tagged
    s.ok("NOOP")


@pytest.fixture
def forward_session(server):
    deliver(server, MSG_FORWARD)
    s = Session(server)
    with closing(s):
        yield s


@pytest.mark.parametrize("keys,expected", [
    ("FROM mallory", b"* SEARCH"),
    ("FROM alice", b"* SEARCH 1"),
    ("SUBJECT secret", b"* SEARCH"),
    ("SUBJECT Fwd", b"* SEARCH 1"),
    ("HEADER X-Inner yes", b"* SEARCH"),
    ("HEADER X-Inner \"\"", b"* SEARCH"),
    ("TEXT mallory", b"* SEARCH 1"),
    ("BODY \"inner body\"", b"* SEARCH 1"),
])
def test_search_top_level_header(forward_session, keys, expected):
    _, untagged = forward_session.ok("SEARCH " + keys)
    assert untagged == [expected]


# CONTEXT=SEARCH (RFC 5267): updates to searches made with RETURN (UPDATE)

def test_update_capability(server):
    s = Session(server)
    with closing(s):
        _, untagged = s.ok("CAPABILITY")
        assert b"CONTEXT=SEARCH" in untagged[0].split()


def test_update_flags(session):
    s = session
    tag, untagged = s.ok("SEARCH RETURN (UPDATE) FROM alice SEEN")
    assert untagged == [('* ESEARCH (TAG "%s")' % tag).encode()]
    _, untagged = s.ok("STORE 1:3 +FLAGS.SILENT (\\Seen)")
    assert untagged == [('* ESEARCH (TAG "%s") ADDTO (0 1,3)' % tag)
                        .encode()]
    _, untagged = s.ok("STORE 5 +FLAGS.SILENT (\\Seen)")
    assert untagged == [('* ESEARCH (TAG "%s") ADDTO (0 5)' % tag)
                        .encode()]
    _, untagged = s.ok("STORE 3 -FLAGS.SILENT (\\Seen)")
    assert untagged == [('* ESEARCH (TAG "%s") REMOVEFROM (0 3)' % tag)
                        .encode()]
    _, untagged = s.ok("NOOP")
    assert untagged == []


def test_update_uid_all(session, server):
    s = session
    tag, untagged = s.ok("UID SEARCH RETURN (UPDATE ALL) FROM alice")
    assert untagged == [('* ESEARCH (TAG "%s") UID ALL 1,3,5' % tag)
                        .encode()]
    deliver(server, plain("alice@example.org", "six"))
    deliver(server, plain("bob@example.org", "seven"))
    _, untagged = s.ok("NOOP")
    assert untagged == [b"* 7 EXISTS", b"* 7 RECENT",
                        ('* ESEARCH (TAG "%s") UID ADDTO (0 6)' % tag)
                        .encode()]
    s.ok("STORE 3 +FLAGS.SILENT (\\Deleted)")
    _, untagged = s.ok("EXPUNGE")
    assert untagged == [('* ESEARCH (TAG "%s") UID REMOVEFROM (0 3)' % tag)
                        .encode(), b"* 3 EXPUNGE", b"* 6 RECENT"]


def test_update_cancel(session):
    s = session
    tag1, _ = s.ok("SEARCH RETURN (UPDATE) SEEN")
    tag2, _ = s.ok("SEARCH RETURN (UPDATE COUNT) FLAGGED")
    _, tagged, _ = s.cmd('CANCELUPDATE "nosuchtag"')
    assert tagged.startswith(b"NO Unknown tag"), tagged
    s.ok('CANCELUPDATE "%s"' % tag1)
    _, untagged = s.ok("STORE 1 +FLAGS.SILENT (\\Seen \\Flagged)")
    assert untagged == [('* ESEARCH (TAG "%s") ADDTO (0 1)' % tag2)
                        .encode()]
    s.ok('CANCELUPDATE "%s"' % tag2)
    _, untagged = s.ok("STORE 2 +FLAGS.SILENT (\\Seen \\Flagged)")
    assert untagged == []


def test_update_ends_on_select(session):
    s = session
    s.ok("SEARCH RETURN (UPDATE) SEEN")
    s.ok("SELECT INBOX")
    _, untagged = s.ok("STORE 1 +FLAGS.SILENT (\\Seen)")
    assert untagged == []
