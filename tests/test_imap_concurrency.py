# Copyright (c) Cove authors. See AUTHORS.
"""Two IMAP sessions on one mailbox while LMTP delivers into it: each
session hears about the others' changes (EXISTS, EXPUNGE, FETCH FLAGS)
at NOOP and after other commands, the sequence numbers stay in step, and
no UID is ever given twice or reused after an expunge."""

import re
import threading
from contextlib import closing

from helpers import RawClient, deliver, lmtp_connect


def msg(i):
    return (b"Subject: c %d\r\nMessage-ID: <c%d@example.org>\r\n\r\n"
            b"body %d\r\n" % (i, i, i))


def raw_select(server):
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    line, _ = c.imap_cmd("l", "LOGIN u1 " + server.users["u1"][2])
    assert line.startswith(b"l OK"), line
    line, untagged = c.imap_cmd("s", "SELECT INBOX")
    assert line.startswith(b"s OK"), line
    c.selected_exists = [int(l.split()[1]) for l in untagged
                         if re.match(rb"^\* \d+ EXISTS$", l)]
    return c


def cmd_ok(c, tag, command):
    """Runs command; returns its untagged replies without RECENT counts
    (which may change with any sync)."""
    line, untagged = c.imap_cmd(tag, command)
    assert line.startswith(tag.encode() + b" OK"), (command, line)
    return [l for l in untagged if not re.match(rb"^\* \d+ RECENT$", l)]


class View:
    """A client-side model of a session's mailbox, kept up to date only
    from the untagged replies, in order, as a client does: EXISTS adds
    messages of unknown UID, EXPUNGE removes one, FETCH (UID ...) must
    agree with what is known."""

    def __init__(self, c):
        self.c = c
        self.uids = [None] * c.selected_exists[-1]
        self.check()

    def apply(self, untagged):
        """Returns the number of new messages announced."""
        new = 0
        for line in untagged:
            m = re.match(rb"^\* (\d+) (EXISTS|EXPUNGE|FETCH)( .*)?$", line)
            assert m, line
            n = int(m.group(1))
            if m.group(2) == b"EXPUNGE":
                del self.uids[n - 1]
            elif m.group(2) == b"EXISTS":
                assert n >= len(self.uids), (line, self.uids)
                new += n - len(self.uids)
                self.uids += [None] * (n - len(self.uids))
            else:
                uid = re.search(rb"UID (\d+)", m.group(3))
                if uid is not None:
                    assert n <= len(self.uids), (line, untagged)
                    assert self.uids[n - 1] in (None, int(uid.group(1))), \
                        (line, self.uids)
                    self.uids[n - 1] = int(uid.group(1))
        return new

    def noop(self, tag="n"):
        return self.apply(cmd_ok(self.c, tag, "NOOP"))

    def check(self, tag="v"):
        """Fetches every UID; the model must agree. Returns the UIDs."""
        self.apply(cmd_ok(self.c, tag, "UID FETCH 1:* (UID)"))
        return self.uids


def test_two_sessions_and_lmtp(server):
    for i in range(3):
        deliver(server, msg(i))
    with closing(raw_select(server)) as a, closing(raw_select(server)) as b:
        va, vb = View(a), View(b)
        assert len(va.uids) == 3 and None not in va.uids
        assert va.uids == vb.uids

        deliver(server, msg(3))
        assert va.noop() == 1
        assert vb.noop() == 1
        va.check()
        vb.check()
        assert va.uids == vb.uids

        # a flag change by b shows in a's NOOP with a's numbering
        cmd_ok(b, "f", "STORE 2 +FLAGS.SILENT (\\Flagged)")
        untagged = cmd_ok(a, "n", "NOOP")
        assert len(untagged) == 1, untagged
        assert re.match(rb"^\* 2 FETCH \(FLAGS \(\\Flagged"
                        rb"( \\Recent)?\)\)$", untagged[0]), untagged

        # b expunges the first message while a delivery comes in
        cmd_ok(b, "d", "STORE 1 +FLAGS.SILENT (\\Deleted)")
        untagged = cmd_ok(b, "e", "EXPUNGE")
        assert untagged == [b"* 1 EXPUNGE"], untagged
        vb.apply(untagged)
        expunged = va.uids[0]
        deliver(server, msg(4))
        untagged = cmd_ok(a, "n2", "NOOP")
        # EXPUNGE before EXISTS, then the flags with the new numbers
        kinds = [re.match(rb"^\* \d+ (\w+)", l).group(1) for l in untagged]
        assert kinds.index(b"EXPUNGE") < kinds.index(b"EXISTS"), untagged
        assert va.apply(untagged) == 1
        va.check()
        assert expunged not in va.uids
        assert vb.noop() == 1
        vb.check()
        assert va.uids == vb.uids

        # a new message gets a UID above every one given before,
        # including the expunged one
        deliver(server, msg(5))
        assert va.noop() == 1
        va.check()
        assert va.uids[-1] > max(va.uids[:-1] + [expunged])
        assert len(set(va.uids)) == len(va.uids)


def test_updates_after_other_commands(server):
    deliver(server, msg(0))
    with closing(raw_select(server)) as a, closing(raw_select(server)) as b:
        deliver(server, msg(1))
        # any command that may report expunges reports the new message
        untagged = cmd_ok(a, "c", "CHECK")
        assert untagged == [b"* 2 EXISTS"], untagged
        cmd_ok(a, "d", "STORE 1 +FLAGS.SILENT (\\Deleted)")
        cmd_ok(a, "e", "EXPUNGE")
        # b learns of it at its next UID FETCH, which may send EXPUNGE
        untagged = cmd_ok(b, "f", "UID FETCH 1:* (FLAGS)")
        assert b"* 1 EXPUNGE" in untagged, untagged
        fetched = [l for l in untagged if b"FETCH" in l]
        assert len(fetched) == 1 and fetched[0].startswith(b"* 1 FETCH"), \
            untagged


def test_deliveries_during_sessions(server):
    """LMTP sessions deliver while two IMAP sessions sync, expunge and
    check their views; in the end both see every message once, with
    distinct UIDs that only grow."""
    count, threads, errors = 40, 2, []

    def worker(t):
        try:
            conn = lmtp_connect(server)
            for i in range(count // threads):
                refused = conn.sendmail("s@example.org", ["u1@localhost"],
                                        msg(t * 1000 + i))
                assert refused == {}
            conn.quit()
        except Exception as e:      # reported in the main thread
            errors.append(e)

    with closing(raw_select(server)) as a, closing(raw_select(server)) as b:
        va, vb = View(a), View(b)
        running = [threading.Thread(target=worker, args=(t,))
                   for t in range(threads)]
        for t in running:
            t.start()
        expunged = set()
        seen = set()
        for round_ in range(20):
            va.noop("na%d" % round_)
            vb.noop("nb%d" % round_)
            va.check()
            vb.check()
            seen.update(u for u in va.uids if u is not None)
            # a removes its oldest message now and then (once it knows
            # that message's UID: EXISTS may have come before its FETCH)
            if round_ % 5 == 4 and va.uids and va.uids[0] is not None:
                expunged.add(va.uids[0])
                cmd_ok(a, "d%d" % round_, "STORE 1 +FLAGS.SILENT (\\Deleted)")
                va.apply(cmd_ok(a, "e%d" % round_, "EXPUNGE"))
        for t in running:
            t.join()
        assert errors == [], errors
        va.noop("na")
        vb.noop("nb")
        va.check()
        vb.check()
        assert None not in va.uids
        assert va.uids == vb.uids
        assert va.uids == sorted(set(va.uids))
        assert not expunged & set(va.uids)
        assert len(va.uids) + len(expunged) == count
        seen.update(va.uids)
        # a UID is never given to two messages
        assert len(seen) == count, (len(seen), count)


def test_copy_of_a_message_expunged_meanwhile_copies_nothing(server):
    """RFC 3501 6.4.7: a COPY that fails leaves the destination as it
    was. Session a still has message 2 when b expunges it: a's COPY 1:3
    fails with EXPUNGEISSUED, and neither message 1 nor 3 is copied (a
    client retrying the COPY would otherwise duplicate them)."""
    for i in range(3):
        deliver(server, msg(i))
    with closing(raw_select(server)) as a, closing(raw_select(server)) as b:
        cmd_ok(a, "c", "CREATE Dest")
        cmd_ok(b, "d", "STORE 2 +FLAGS.SILENT (\\Deleted)")
        cmd_ok(b, "e", "EXPUNGE")
        line, untagged = a.imap_cmd("f", "COPY 1:3 Dest")
        assert line.startswith(b"f NO [EXPUNGEISSUED]"), line
        assert b"* 2 EXPUNGE" in untagged, untagged
        untagged = cmd_ok(a, "g", "STATUS Dest (MESSAGES)")
        assert untagged == [b"* STATUS Dest (MESSAGES 0)"], untagged
        # the retry copies the two that are left, once
        line, _ = a.imap_cmd("h", "COPY 1:2 Dest")
        assert line.startswith(b"h OK"), line
        untagged = cmd_ok(a, "i", "STATUS Dest (MESSAGES)")
        assert untagged == [b"* STATUS Dest (MESSAGES 2)"], untagged
