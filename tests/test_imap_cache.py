# Copyright (c) Cove authors. See AUTHORS.
"""The per-mailbox cache of ENVELOPE, BODY and BODYSTRUCTURE (cove-cache):
answers are the same from a fresh parse, from the cache in a later session
and after the cache file is deleted; the file holds the strings sent;
expunged messages' records go at compaction. Maildir and mbox."""

import os

import pytest

from helpers import (deliver, imap_session, join_imaplib, logout, ok,
                     select)

TARGET = os.environ.get("COVE_TEST_TARGET", "cove")
CACHE_NAME = "cove-cache"
ITEMS = ("ENVELOPE", "BODY", "BODYSTRUCTURE")

PLAIN = (b"From: Alice <alice@example.org>\r\n"
         b"To: bob@example.org\r\n"
         b"Subject: cached plain\r\n"
         b"Date: Mon, 2 Jan 2023 10:00:00 +0000\r\n"
         b"Message-ID: <plain@example.org>\r\n"
         b"\r\n"
         b"hello\r\n")
MULTIPART = (b"From: carol@example.org\r\n"
             b"Subject: cached multipart\r\n"
             b"MIME-Version: 1.0\r\n"
             b"Content-Type: multipart/mixed; boundary=XX\r\n"
             b"\r\n"
             b"--XX\r\n"
             b"Content-Type: text/plain; charset=utf-8\r\n"
             b"\r\n"
             b"part one\r\n"
             b"--XX\r\n"
             b"Content-Type: application/octet-stream; name=a.bin\r\n"
             b"Content-Transfer-Encoding: base64\r\n"
             b"Content-Disposition: attachment; filename=a.bin\r\n"
             b"\r\n"
             b"AAEC\r\n"
             b"--XX--\r\n")

PLAIN_ENVELOPE = (b'("Mon, 2 Jan 2023 10:00:00 +0000" "cached plain" '
                  b'(("Alice" NIL "alice" "example.org")) '
                  b'(("Alice" NIL "alice" "example.org")) '
                  b'(("Alice" NIL "alice" "example.org")) '
                  b'((NIL NIL "bob" "example.org")) NIL NIL NIL '
                  b'"<plain@example.org>")')


def new_server(servers, mbox):
    return servers.new(mbox=mbox)


@pytest.fixture(params=["maildir", "mbox"])
def any_server(request, servers):
    return new_server(servers, request.param == "mbox")


def cache_path(server, user="u1"):
    """The INBOX's cache file (it may not exist yet)."""
    if server.mbox:
        for dirpath, _dirs, files in os.walk(server.mbox_dir(user)):
            if os.path.basename(dirpath) == "INBOX":
                return os.path.join(dirpath, CACHE_NAME)
        return None
    return os.path.join(server.maildir(user), CACHE_NAME)


def fetch_item(m, seq, item):
    """The exact text of one structure item of message seq."""
    raw = join_imaplib(ok(m.fetch(str(seq), "(%s)" % item)))
    prefix = b"%d (%s " % (seq, item.encode())
    assert raw.startswith(prefix) and raw.endswith(b")"), raw
    return raw[len(prefix):-1]


def fetch_all(m, count):
    return {(seq, item): fetch_item(m, seq, item)
            for seq in range(1, count + 1) for item in ITEMS}


def session_fetch(server, count):
    with imap_session(server) as m:
        assert select(m) == count
        res = fetch_all(m, count)
        # all three at once are the same strings as one by one
        raw = join_imaplib(ok(m.fetch("1:*", "(%s)" % " ".join(ITEMS))))
        assert raw == b"".join(
            b"%d (ENVELOPE %s BODY %s BODYSTRUCTURE %s)" % (
                (seq,) + tuple(res[(seq, item)] for item in ITEMS))
            for seq in range(1, count + 1)), raw
        logout(m)
    return res


def test_cache_same_answers(any_server):
    server = any_server
    deliver(server, PLAIN)
    deliver(server, MULTIPART)
    first = session_fetch(server, 2)
    assert first[(1, "ENVELOPE")] == PLAIN_ENVELOPE
    assert first[(1, "BODY")] == \
        b'("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 7 1)'
    assert first[(2, "BODY")] == (
        b'(("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 8 0)'
        b'("application" "octet-stream" ("name" "a.bin") NIL NIL '
        b'"base64" 4) "mixed")')
    if TARGET == "cove":
        with open(cache_path(server), "rb") as f:
            data = f.read()
        for value in first.values():
            assert value in data, value
    # from the cache
    assert session_fetch(server, 2) == first
    if TARGET == "cove":
        os.unlink(cache_path(server))
    # parsed again
    assert session_fetch(server, 2) == first
    if TARGET == "cove":
        assert os.path.exists(cache_path(server))


def test_cache_with_body_sections(any_server):
    """A body part section with the structure items (the part tree is
    parsed anyway) and after them (from the cache)."""
    server = any_server
    deliver(server, MULTIPART)
    with imap_session(server) as m:
        select(m)
        bs = fetch_item(m, 1, "BODYSTRUCTURE")
        env = fetch_item(m, 1, "ENVELOPE")
        for _ in range(2):
            raw = join_imaplib(ok(m.fetch(
                "1", "(ENVELOPE BODYSTRUCTURE BODY.PEEK[2])")))
            assert raw == b"1 (ENVELOPE " + env + b" BODYSTRUCTURE " + bs +\
                b" BODY[2] {4}\r\nAAEC)", raw
        logout(m)


def test_cache_compaction(any_server):
    server = any_server
    subjects = [("subject %02d " % i) + "x" * 300 for i in range(20)]
    for s in subjects:
        deliver(server, b"From: a@example.org\r\nSubject: %s\r\n\r\nbody\r\n"
                % s.encode())
    with imap_session(server) as m:
        assert select(m) == 20
        first = fetch_all(m, 20)
        ok(m.store("1:15", "+FLAGS.SILENT", "(\\Deleted)"))
        ok(m.expunge())
        logout(m)
    rest = {(seq - 15, item): value for (seq, item), value in first.items()
            if seq > 15}
    if TARGET == "cove":
        with open(cache_path(server), "rb") as f:
            data = f.read()
        for s in subjects[:15]:
            assert s.encode() not in data
        for value in rest.values():
            assert value in data, value
        assert len(data) < 20 * 1000
    assert session_fetch(server, 5) == rest


@pytest.mark.skipif(TARGET != "cove", reason="Cove's cache file")
def test_cache_garbage_file(any_server):
    """A cache file that is not one (or is torn) gives the same answers
    and is replaced by a valid one."""
    server = any_server
    deliver(server, PLAIN)
    deliver(server, MULTIPART)
    first = session_fetch(server, 2)
    path = cache_path(server)
    with open(path, "rb") as f:
        good = f.read()
    for bad in (b"garbage" * 10, good[:-5], good + b"\x01\x00\x00"):
        with open(path, "wb") as f:
            f.write(bad)
        assert session_fetch(server, 2) == first
        with open(path, "rb") as f:
            data = f.read()
        for value in first.values():
            assert value in data, value
