# Copyright (c) Cove authors. See AUTHORS.
"""SEARCH, UID SEARCH and ESEARCH (RFC 3501 6.4.4, RFC 4731) over mail
delivered by LMTP: every search key, text keys over decoded headers and
bodies (base64, quoted-printable, RFC 2047 words, non-UTF-8 charsets,
Chinese/Cyrillic/accented text in any case), and bad syntax getting BAD
with the session going on. The exact untagged lines are asserted."""

import base64
import re
from contextlib import closing

import pytest

from helpers import ImapSession as Session, RawClient, deliver, deliver_many

# 1: plain ASCII
MSG1 = (b"From: Alice Example <alice@example.org>\r\n"
        b"To: Bob <bob@example.com>\r\n"
        b"Cc: carol@example.net\r\n"
        b"Subject: Quarterly report\r\n"
        b"Date: Sat, 24 Mar 2007 23:00:00 +0200\r\n"
        b"Message-ID: <m1@example.org>\r\n"
        b"\r\n"
        b"The numbers look great this quarter.\r\n")

# 2: UTF-8 body in base64, encoded-word subject and display name
MSG2 = (b"From: =?UTF-8?B?" + base64.b64encode("李明".encode()) +
        b"?= <li@example.cn>\r\n"
        b"To: bob@example.com\r\n"
        b"Subject: =?UTF-8?B?" + base64.b64encode("会议通知".encode()) +
        b"?=\r\n"
        b"Date: Sun, 25 Mar 2007 01:30:00 +0300\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"\r\n" +
        base64.encodebytes("明天上午十点开会。Meeting tomorrow.\n"
                           .encode()).replace(b"\n", b"\r\n"))

# 3: ISO-8859-1 quoted-printable body, Q-encoded subject
MSG3 = (b"From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <jm@example.de>\r\n"
        b"To: team@example.com\r\n"
        b"Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?=\r\n"
        b"Date: Mon, 26 Mar 2007 10:00:00 +0000\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n"
        b"Sch=F6ne Gr=FC=DFe aus M=FCnchen, soft=\r\n"
        b"break joined\r\n")

# 4: multipart with a KOI8-R text part and an HTML part, no Date:
MSG4 = (b"From: ivan@example.ru\r\n"
        b"To: bob@example.com\r\n"
        b"Subject: multipart\r\n"
        b"X-Mailer: Foxmail 7.2\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
        b"\r\n"
        b"--b1\r\n"
        b"Content-Type: text/plain; charset=koi8-r\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"\r\n" +
        base64.b64encode("Привет, МИР!\n".encode("koi8-r")) + b"\r\n"
        b"--b1\r\n"
        b"Content-Type: text/html; charset=us-ascii\r\n"
        b"\r\n"
        b"<p>html zebra</p>\r\n"
        b"--b1--\r\n")

# 5: a long ASCII message
MSG5 = (b"From: bulk@example.org\r\n"
        b"To: bob@example.com\r\n"
        b"Subject: newsletter\r\n"
        b"Date: 1 Jan 99 12:00 GMT\r\n"
        b"\r\n" +
        b"filler line for size\r\n" * 200 +
        b"needle at the end\r\n")

MESSAGES = [MSG1, MSG2, MSG3, MSG4, MSG5]


@pytest.fixture
def session(server):
    for msg in MESSAGES:
        deliver(server, msg)
    s = Session(server)
    with closing(s):
        yield s


def search(s, keys):
    return s.search("SEARCH " + keys)[1]


def uids(s):
    _, untagged = s.ok("FETCH 1:* (UID)")
    return [int(re.search(rb"UID (\d+)", u).group(1)) for u in untagged
            if b"FETCH" in u]


@pytest.mark.parametrize("keys,expected", [
    ("ALL", "1 2 3 4 5"),
    ("1:3", "1 2 3"),
    ("2,4:*", "2 4 5"),
    ("*", "5"),
    ("1000", ""),
    ("FROM alice", "1"),
    ("FROM EXAMPLE.ORG", "1 5"),
    ("FROM \"Alice Example\"", "1"),
    ("TO bob", "1 2 4 5"),
    ("CC carol", "1"),
    ("BCC bob", ""),
    ("SUBJECT report", "1"),
    ("SUBJECT REPORT", "1"),
    ("HEADER Message-ID m1@example", "1"),
    ("HEADER X-Mailer foxmail", "4"),
    ("HEADER X-Mailer \"\"", "4"),
    ("HEADER Cc \"\"", "1"),
    ("BODY numbers", "1"),
    ("BODY quarterly", ""),
    ("TEXT quarterly", "1"),
    ("TEXT QUARTER", "1"),
    ("BODY zebra", "4"),
    ("BODY needle", "5"),
    ("BODY \"soft break\"", ""),
    ("BODY softbreak", "3"),
    ("TEXT nothing-like-this", ""),
    ("OR FROM alice FROM ivan", "1 4"),
    ("NOT FROM alice", "2 3 4 5"),
    ("NOT (FROM alice TO bob)", "2 3 4 5"),
    ("OR (FROM alice) (OR SUBJECT multipart BODY needle)", "1 4 5"),
    ("1:3 NOT 2", "1 3"),
    ("UID 1:* BODY needle", "5"),
    # a message without Date: was sent on 1-Jan-1970
    ("SENTBEFORE 25-Mar-2007", "1 4 5"),
    ("SENTON 25-Mar-2007", "2"),
    ("SENTON 24-Mar-2007", "1"),
    ("SENTSINCE 26-Mar-2007", "3"),
    ("SENTBEFORE 1-Jan-2000", "4 5"),
    ("SENTON 1-Jan-1970", "4"),
    ("SENTON 1-Jan-1999", "5"),
    ("NOT SENTON 26-Mar-2007", "1 2 4 5"),
    ("CHARSET UTF-8 BODY Meeting", "2"),
    ("CHARSET US-ASCII BODY meeting", "2"),
])
def test_search_keys(session, keys, expected):
    assert search(session, keys) == ("* SEARCH " + expected).rstrip()


# Non-ASCII keys, sent as literals: decoded bodies (base64, QP, KOI8-R,
# ISO-8859-1) and RFC 2047 headers, matched case-insensitively.
@pytest.mark.parametrize("key,text,expected", [
    ("SUBJECT", "会议", "2"),
    ("FROM", "李明", "2"),
    ("BODY", "十点开会", "2"),
    ("TEXT", "明天", "2"),
    ("SUBJECT", "CAFÉ CRÈME", "3"),
    ("FROM", "jürgen müller", "3"),
    ("BODY", "GRÜSSE", ""),
    ("BODY", "GRÜßE AUS MÜNCHEN", "3"),
    ("BODY", "привет, мир", "4"),
    ("TEXT", "ПРИВЕТ", "4"),
    ("BODY", "Привет мир", ""),
])
def test_search_decoded_utf8(session, key, text, expected):
    data = text.encode()
    _, line = session.search("SEARCH CHARSET UTF-8 %s {%d+}\r\n"
                             % (key, len(data)) + text)
    assert line == ("* SEARCH " + expected).rstrip()


def test_search_flags(session):
    s = session
    # all five are \Recent in the first session that sees them
    assert search(s, "RECENT") == "* SEARCH 1 2 3 4 5"
    assert search(s, "NEW") == "* SEARCH 1 2 3 4 5"
    assert search(s, "OLD") == "* SEARCH"
    s.ok("STORE 1 +FLAGS (\\Seen)")
    s.ok("STORE 2 +FLAGS (\\Answered \\Flagged)")
    s.ok("STORE 3 +FLAGS (\\Deleted \\Seen)")
    s.ok("STORE 4 +FLAGS (\\Draft)")
    expected = {
        "SEEN": "1 3", "UNSEEN": "2 4 5",
        "ANSWERED": "2", "UNANSWERED": "1 3 4 5",
        "FLAGGED": "2", "UNFLAGGED": "1 3 4 5",
        "DELETED": "3", "UNDELETED": "1 2 4 5",
        "DRAFT": "4", "UNDRAFT": "1 2 3 5",
        "NEW": "2 4 5", "SEEN NOT DELETED": "1",
        "OR DRAFT DELETED": "3 4", "NOT OR SEEN FLAGGED": "4 5",
    }
    for keys, result in expected.items():
        assert search(s, keys) == ("* SEARCH " + result).rstrip(), keys


def test_search_keywords(session):
    s = session
    s.ok("STORE 2,4 +FLAGS ($Work)")
    assert search(s, "KEYWORD $Work") == "* SEARCH 2 4"
    assert search(s, "KEYWORD $work") == "* SEARCH 2 4"
    assert search(s, "UNKEYWORD $Work") == "* SEARCH 1 3 5"
    assert search(s, "KEYWORD $Other") == "* SEARCH"
    assert search(s, "UNKEYWORD $Other") == "* SEARCH 1 2 3 4 5"


def test_search_size(session):
    s = session
    _, untagged = s.ok("FETCH 1:* (RFC822.SIZE)")
    sizes = [int(re.search(rb"RFC822.SIZE (\d+)", u).group(1))
             for u in untagged]
    assert len(sizes) == 5
    mid = sorted(sizes)[2]
    smaller = " ".join(str(i + 1) for i, n in enumerate(sizes) if n < mid)
    larger = " ".join(str(i + 1) for i, n in enumerate(sizes) if n > mid)
    assert search(s, "SMALLER %d" % mid) == ("* SEARCH " + smaller).rstrip()
    assert search(s, "LARGER %d" % mid) == ("* SEARCH " + larger).rstrip()
    equal = sizes.index(mid) + 1
    assert search(s, "NOT SMALLER %d NOT LARGER %d" % (mid, mid)) == \
        "* SEARCH %d" % equal
    assert search(s, "LARGER %d" % max(sizes)) == "* SEARCH"
    assert search(s, "SMALLER 1") == "* SEARCH"


def test_search_internaldate(session):
    s = session
    _, untagged = s.ok("FETCH 1 (INTERNALDATE)")
    day = re.search(rb'INTERNALDATE "\s?(\d+-\w+-\d+)', untagged[0])
    day = day.group(1).decode()
    assert search(s, "ON " + day) == "* SEARCH 1 2 3 4 5"
    assert search(s, "SINCE " + day) == "* SEARCH 1 2 3 4 5"
    assert search(s, "BEFORE " + day) == "* SEARCH"
    assert search(s, "BEFORE 1-Jan-2000") == "* SEARCH"
    assert search(s, "SINCE 1-Jan-2000") == "* SEARCH 1 2 3 4 5"
    assert search(s, "ON \"1-Jan-2000\"") == "* SEARCH"


def test_uid_search(session):
    s = session
    u = uids(s)
    assert s.search("UID SEARCH ALL")[1] == \
        "* SEARCH " + " ".join(map(str, u))
    assert s.search("UID SEARCH BODY needle")[1] == "* SEARCH %d" % u[4]
    assert s.search("UID SEARCH UID %d:%d" % (u[1], u[2]))[1] == \
        "* SEARCH %d %d" % (u[1], u[2])
    assert s.search("UID SEARCH UID *")[1] == "* SEARCH %d" % u[4]
    assert s.search("UID SEARCH UID %d" % (u[4] + 100))[1] == "* SEARCH"
    # a UID range past the last UID still holds "*"
    assert s.search("UID SEARCH UID %d:*" % (u[4] + 100))[1] == \
        "* SEARCH %d" % u[4]
    assert s.search("SEARCH UID %d" % u[3])[1] == "* SEARCH 4"


def test_esearch(session):
    s = session
    _, untagged = s.ok("CAPABILITY")
    assert b" ESEARCH" in untagged[0], untagged
    u = uids(s)
    s.ok("STORE 2:3 +FLAGS (\\Seen)")

    tag, line = s.search("SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN")
    assert line == '* ESEARCH (TAG "%s") MIN 1 MAX 5 ALL 1,4:5 COUNT 3' \
        % tag
    tag, line = s.search("SEARCH RETURN () ALL")
    assert line == '* ESEARCH (TAG "%s") ALL 1:5' % tag
    tag, line = s.search("SEARCH RETURN (COUNT) SEEN")
    assert line == '* ESEARCH (TAG "%s") COUNT 2' % tag
    tag, line = s.search("SEARCH RETURN (MIN) BODY nothing-here")
    assert line == '* ESEARCH (TAG "%s")' % tag
    tag, line = s.search("SEARCH RETURN (COUNT) BODY nothing-here")
    assert line == '* ESEARCH (TAG "%s") COUNT 0' % tag
    tag, line = s.search("UID SEARCH RETURN (ALL MAX) SEEN")
    assert line == '* ESEARCH (TAG "%s") UID MAX %d ALL %d:%d' \
        % (tag, u[2], u[1], u[2])
    tag, line = s.search("UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 "
                         "NOT SEEN")
    assert line == '* ESEARCH (TAG "%s") UID MIN %d COUNT 3' % (tag, u[0])


@pytest.mark.parametrize("line", [
    "SEARCH",
    "SEARCH FOO",
    "SEARCH (SEEN",
    "SEARCH ()",
    "SEARCH NOT",
    "SEARCH OR SEEN",
    "SEARCH FROM",
    "SEARCH HEADER Subject",
    "SEARCH BEFORE 2007-03-24",
    "SEARCH SENTON 1-Foo-2007",
    "SEARCH LARGER ten",
    "SEARCH 0",
    "SEARCH 1:x",
    "SEARCH UID",
    "SEARCH RETURN (FOO) ALL",
    "SEARCH RETURN ALL",
    "UID SEARCH UID 1,,2",
])
def test_search_bad_syntax(session, line):
    s = session
    _, tagged, untagged = s.cmd(line)
    assert tagged.startswith(b"BAD "), (line, tagged)
    assert not [u for u in untagged if b"SEARCH" in u.upper()], untagged
    # the session goes on
    assert search(s, "FROM alice") == "* SEARCH 1"


def test_search_badcharset(session):
    _, tagged, _ = session.cmd("SEARCH CHARSET X-NO-SUCH-CHARSET ALL")
    assert tagged.startswith(b"NO [BADCHARSET"), tagged
    assert search(session, "ALL") == "* SEARCH 1 2 3 4 5"


def test_search_not_selected(server):
    c = RawClient(server.imap_port)
    with closing(c):
        assert c.readline().startswith(b"* OK")
        line, _ = c.imap_cmd("a", "LOGIN u1 %s" % server.users["u1"][2])
        assert line.startswith(b"a OK"), line
        line, _ = c.imap_cmd("b", "SEARCH ALL")
        assert line.startswith(b"b BAD"), line


def test_search_empty_mailbox(server):
    s = Session(server)
    with closing(s):
        assert search(s, "ALL") == "* SEARCH"
        assert search(s, "1:*") == "* SEARCH"
        assert s.search("UID SEARCH UID *")[1] == "* SEARCH"
        tag, line = s.search("SEARCH RETURN (MIN MAX ALL COUNT) ALL")
        assert line == '* ESEARCH (TAG "%s") COUNT 0' % tag


def test_search_address_headers(server):
    """Address fields are searched as "Name <mailbox@domain>" lists:
    comments and folding are gone, groups keep their names."""
    deliver(server, b"From: <user-from (comment)@ (comment) domain.org>\r\n"
                    b"To: groupname: g1@d.org, g2@d.org;,\r\n"
                    b"  other: g3@d.org;\r\n"
                    b"Subject: (not a comment) here\r\n\r\nbody\r\n")
    deliver(server, b"From: \"Last, First\" <first.last@d.org>\r\n"
                    b"To: undisclosed-recipients:;\r\n"
                    b"Subject: two\r\n\r\nbody\r\n")
    s = Session(server)
    with closing(s):
        for keys, expected in [
                ("FROM user-from@domain.org", "1"),
                ("FROM comment", ""),
                ("SUBJECT comment", "1"),
                ("TO groupname", "1"),
                ("TO g3@d.org", "1"),
                ("TO undisclosed", "2"),
                ("FROM \"Last, First\"", "2"),
                # names that need it are quoted
                ("FROM \"first <first.last\"", ""),
                ("FROM \"\\\"Last, First\\\" <first.last@\"", "2"),
                ("HEADER From .org", "1 2")]:
            assert search(s, keys) == ("* SEARCH " + expected).rstrip(), \
                keys


@pytest.mark.cove_only
def test_search_nesting_bounded(session):
    """Nesting deeper than IMAP_SEARCH_ARGS_MAX_DEPTH (32) is refused; the
    limit itself is fine."""
    s = session
    assert search(s, "NOT " * 31 + "FROM alice") == "* SEARCH 2 3 4 5"
    _, tagged, _ = s.cmd("SEARCH " + "NOT " * 32 + "FROM alice")
    assert tagged == \
        b"BAD Error in IMAP command SEARCH: Search keys nested too deep"
    _, tagged, _ = s.cmd("SEARCH " + "(" * 40 + "ALL" + ")" * 40)
    assert tagged.startswith(b"BAD "), tagged
    assert search(s, "FROM alice") == "* SEARCH 1"


def test_search_many_messages(server):
    """A search that reads more messages than one batch (Cove yields to
    the ioloop between batches) returns the same exact result."""
    n = 450
    deliver_many(server, [b"Subject: many %d\r\n\r\nline %s\r\n"
                          % (i, b"marker" if i % 7 == 3 else b"plain")
                          for i in range(n)])
    s = Session(server)
    with closing(s):
        want = [i + 1 for i in range(n) if i % 7 == 3]
        assert search(s, "BODY MARKER") == \
            "* SEARCH " + " ".join("%d" % i for i in want)
        tag, line = s.search("SEARCH RETURN (COUNT MAX) TEXT marker")
        assert line == '* ESEARCH (TAG "%s") MAX %d COUNT %d' \
            % (tag, want[-1], len(want))
        assert search(s, "NOT BODY marker 440:*") == \
            "* SEARCH 440 441 442 443 444 446 447 448 449 450"
