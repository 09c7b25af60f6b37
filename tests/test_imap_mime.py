# Copyright (c) Cove authors. See AUTHORS.
"""FETCH of real-world MIME shapes: ENVELOPE, BODY, BODYSTRUCTURE and every
BODY[section] form, checked against the replies Dovecot 2.3 gives for the
same stored messages (tests/mime-corpus/NAME.eml, expected values in
NAME.expected). The messages are dropped into the Maildir as they are, so
both servers see the same bytes.

To regenerate the expected values from Dovecot:
  COVE_TEST_TARGET=dovecot COVE_MIME_REGEN=1 pytest tests/test_imap_mime.py
"""

import ast
import imaplib
import os
import pprint

import pytest

from helpers import Atom, fetch, flags_of, imap_session, logout, ok, select

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "mime-corpus")
FIXTURES = sorted(f[:-4] for f in os.listdir(CORPUS) if f.endswith(".eml"))
REGEN = os.environ.get("COVE_MIME_REGEN") == "1"

BASE_ITEMS = ["ENVELOPE", "BODY", "BODYSTRUCTURE", "RFC822.SIZE",
              "BODY.PEEK[HEADER]", "BODY.PEEK[TEXT]",
              "BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]",
              "BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT FROM)]",
              "BODY.PEEK[1]<3.10>", "BODY.PEEK[99]"]


def read_fixture(name):
    with open(os.path.join(CORPUS, name + ".eml"), "rb") as f:
        return f.read()


def drop_messages(server, bodies, user="u1"):
    """Put the messages into the user's Maildir new/ as another MDA
    would."""
    uid, gid, _ = server.users[user]
    md = server.maildir(user)
    for sub in ("", "new", "cur", "tmp"):
        path = os.path.join(md, sub)
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chown(path, uid, gid)
    for i, body in enumerate(bodies):
        name = "1700000000.M%dP1.mimecorpus" % i
        tmp = os.path.join(md, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(body)
        os.chown(tmp, uid, gid)
        os.rename(tmp, os.path.join(md, "new", name))


def plain(value):
    """A parsed FETCH value in a form that repr()/literal_eval() keep:
    atoms as str, strings as bytes, NIL as None, lists as lists."""
    if isinstance(value, Atom):
        return bytes(value).decode("ascii")
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def is_message_rfc822(node):
    return (isinstance(node, list) and len(node) > 8 and
            isinstance(node[0], bytes) and
            node[0].lower() == b"message" and
            node[1].lower() == b"rfc822")


def sections_of(node, prefix, top):
    """The section numbers of a BODYSTRUCTURE, with the section forms each
    part has (RFC 3501 6.4.5)."""
    out = []
    if isinstance(node[0], list):
        children = [c for c in node if isinstance(c, list)]
        # the multipart's extension data is not a body
        children = [c for c in children if c and
                    (isinstance(c[0], list) or isinstance(c[0], bytes))]
        for i, child in enumerate(children, 1):
            out += part_sections(child, prefix + [i])
    elif top:
        out += ["BODY.PEEK[1]"] + (
            sections_of(node[8], [1], False) if is_message_rfc822(node)
            else [])
    else:
        out += part_sections(node, prefix + [1])
    return out


def part_sections(node, num):
    n = ".".join(str(i) for i in num)
    out = ["BODY.PEEK[%s]" % n, "BODY.PEEK[%s.MIME]" % n]
    if is_message_rfc822(node):
        out += ["BODY.PEEK[%s.HEADER]" % n, "BODY.PEEK[%s.TEXT]" % n,
                "BODY.PEEK[%s.HEADER.FIELDS (SUBJECT)]" % n]
        out += sections_of(node[8], num, False)
    elif isinstance(node[0], list):
        out += sections_of(node, num, False)
    return out


def fetch_items(m, seq, items):
    res = fetch(m, str(seq), "(%s)" % " ".join(items))
    return {k.decode("latin-1"): plain(v) for k, v in res[seq].items()}


def find_seqs(m, count):
    """{body (CRLF form): seq} of the selected mailbox."""
    res = fetch(m, "1:%d" % count, "(BODY.PEEK[])")
    return {bytes(res[seq][b"BODY[]"]): seq for seq in res}


def crlf(body):
    return body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def expected_path(name):
    return os.path.join(CORPUS, name + ".expected")


def load_expected(name):
    with open(expected_path(name)) as f:
        return ast.literal_eval(f.read())


@pytest.fixture
def corpus_server(servers):
    server = servers.new(start=False)
    drop_messages(server, [read_fixture(n) for n in FIXTURES])
    server.start()
    return server


def test_mime_corpus(corpus_server, target):
    if REGEN and target != "dovecot":
        pytest.fail("COVE_MIME_REGEN=1 needs COVE_TEST_TARGET=dovecot")
    failures = []
    with imap_session(corpus_server) as m:
        assert select(m) == len(FIXTURES)
        seqs = find_seqs(m, len(FIXTURES))
        for name in FIXTURES:
            seq = seqs[crlf(read_fixture(name))]
            if REGEN:
                got = fetch_items(m, seq, BASE_ITEMS)
                items = BASE_ITEMS + sections_of(got["BODYSTRUCTURE"], [],
                                                 True)
                got = fetch_items(m, seq, items)
                with open(expected_path(name), "w") as f:
                    f.write(pprint.pformat({"items": items,
                                            "result": got}, width=76))
                    f.write("\n")
                continue
            exp = load_expected(name)
            got = fetch_items(m, seq, exp["items"])
            for key in sorted(set(exp["result"]) | set(got)):
                if exp["result"].get(key) != got.get(key):
                    failures.append("%s %s:\n  expected %r\n  got      %r" %
                                    (name, key, exp["result"].get(key),
                                     got.get(key)))
        logout(m)
    assert not failures, "\n".join(failures)


def test_fetch_sets_seen(corpus_server):
    """BODY[section], RFC822 and RFC822.TEXT set \\Seen and report FLAGS;
    .PEEK, RFC822.HEADER and the structure items do not."""
    with imap_session(corpus_server) as m:
        select(m)
        for seq in (1, 2, 3):
            res = fetch(m, str(seq), "(FLAGS)")
            assert flags_of(res[seq][b"FLAGS"]) == set()
        res = fetch(m, "1", "(BODY.PEEK[1] RFC822.HEADER ENVELOPE "
                    "BODYSTRUCTURE)")
        assert b"FLAGS" not in res[1]
        res = fetch(m, "1", "(FLAGS)")
        assert flags_of(res[1][b"FLAGS"]) == set()

        res = fetch(m, "1", "(BODY[1.MIME])")
        assert flags_of(res[1][b"FLAGS"]) == {"\\Seen"}
        res = fetch(m, "2", "(RFC822.TEXT)")
        assert flags_of(res[2][b"FLAGS"]) == {"\\Seen"}
        res = fetch(m, "3", "(RFC822)")
        assert flags_of(res[3][b"FLAGS"]) == {"\\Seen"}
        # already seen: no FLAGS unless asked
        res = fetch(m, "3", "(BODY[TEXT])")
        assert b"FLAGS" not in res[3]
        logout(m)


def test_fetch_section_errors(corpus_server):
    """Malformed sections are BAD; the session goes on."""
    with imap_session(corpus_server) as m:
        select(m)
        for item in ("BODY[1.]", "BODY[MIME]", "BODY[1.FOO]",
                     "BODY[1.HEADER.FIELDS]", "BODY[1..2]",
                     "BODY[HEADER.FIELDS ()]"):
            with pytest.raises(imaplib.IMAP4.error, match="BAD"):
                m.fetch("1", item)
        ok(m.noop())
        logout(m)
