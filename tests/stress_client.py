# Copyright (c) Cove authors. See AUTHORS.
"""A stress client that checks the server's state as it goes.

N sessions of one user run random APPEND, STORE, EXPUNGE, COPY, MOVE,
FETCH, SEARCH, SELECT and NOOP commands on shared mailboxes for a bounded time.
Each session keeps its view of the selected mailbox (sequence number ->
UID) from the server's own untagged EXISTS, EXPUNGE and FETCH responses;
all sessions share what is known for sure: the bytes of every UID, the
UIDs ever expunged, and which UIDs APPEND and COPY created. Each session
owns one keyword ($S<n>) that only it changes, so the keyword's state is
known exactly. A contradiction fails the run:

- a UID given twice or reused after EXPUNGE, UIDs out of order;
- EXISTS going backwards without EXPUNGE, EXPUNGE or FETCH of a sequence
  number the session does not have, EXPUNGE during a non-UID FETCH;
- a session's own keyword lost or appearing (FETCH FLAGS, UID SEARCH);
- FETCH of a UID returning other bytes than were stored;
- a message that APPEND or COPY acknowledged missing at the end without
  an EXPUNGE; an expunged message still there;
- UIDVALIDITY changing, a tagged BAD, a BYE, a hang (socket timeout).

Used by tests/test_stress.py; also runs by itself against a server
(creating the mailboxes it needs; a mailbox's first use then races too):
  python3 tests/stress_client.py PORT USER PASSWORD [SECONDS [SESSIONS]]
"""

import hashlib
import imaplib
import random
import re
import socket
import sys
import threading
import time

from helpers import _Parser

MAILBOXES = ["INBOX", "Stress1", "Stress2"]
SOCKET_TIMEOUT = 60
MAX_KEYWORD_SESSIONS = 24


class StressError(Exception):
    pass


def digest(data):
    return hashlib.sha1(data).hexdigest()


def uid_set(uids):
    return ",".join(str(u) for u in sorted(uids))


def expand_set(text):
    """'4:6,8' -> [4, 5, 6, 8] in the order given."""
    out = []
    for part in text.split(","):
        a, _, b = part.partition(":")
        lo, hi = int(a), int(b or a)
        step = 1 if hi >= lo else -1
        out.extend(range(lo, hi + step, step))
    return out


class Shared:
    """What all sessions know for sure, per mailbox."""

    def __init__(self):
        self.lock = threading.Lock()
        self.content = {m: {} for m in MAILBOXES}    # uid -> digest
        self.expunged = {m: set() for m in MAILBOXES}
        self.created = {m: set() for m in MAILBOXES}  # APPEND/COPY UIDs
        self.max_uid = {m: 0 for m in MAILBOXES}
        self.uidvalidity = {}
        # (mailbox, uid) -> how a session saw it vanish: it must have
        # been expunged by someone
        self.vanished = {}
        # EXPUNGEs of messages whose UID the session had not learned yet
        self.unknown_expunges = {m: 0 for m in MAILBOXES}
        # (mailbox, UIDs, reply) of COPYs that failed: one of the UIDs
        # must have been expunged
        self.failed_copies = []
        self.errors = []
        self.stop = threading.Event()
        self.counts = {}

    def fail(self, msg):
        with self.lock:
            self.errors.append(msg)
        self.stop.set()
        raise StressError(msg)

    def count(self, what):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def check_content(self, mailbox, uid, body):
        d = digest(body)
        with self.lock:
            old = self.content[mailbox].setdefault(uid, d)
        if old != d:
            self.fail("%s UID %d returned other bytes than were stored: "
                      "%r" % (mailbox, uid, body[:120]))

    def new_uid(self, mailbox, uid, d, floor, what):
        """A UID that APPEND or COPY reported (d: digest of its bytes,
        None if unknown): must be above every UID created before the
        command was sent, and not given twice. (Another session may
        already have read it: its bytes must then be these.)"""
        with self.lock:
            old = self.content[mailbox].get(uid)
            bad = (uid in self.created[mailbox] or uid <= floor or
                   (old is not None and d is not None and old != d))
            if not bad:
                if d is not None:
                    self.content[mailbox][uid] = d
                self.created[mailbox].add(uid)
                self.max_uid[mailbox] = max(self.max_uid[mailbox], uid)
        if bad:
            self.fail("%s gave %s UID %d that is not new (highest known "
                      "before: %d)" % (what, mailbox, uid, floor))

    def set_uidvalidity(self, mailbox, value):
        with self.lock:
            old = self.uidvalidity.setdefault(mailbox, value)
        if old != value:
            self.fail("UIDVALIDITY of %s changed from %d to %d" % (
                mailbox, old, value))


class Session:
    def __init__(self, shared, number, port, user, password, seed):
        self.shared = shared
        self.n = number
        self.port = port
        self.user = user
        self.password = password
        self.rng = random.Random(seed)
        self.keyword = ("$S%d" % number
                        if number < MAX_KEYWORD_SESSIONS else None)
        self.sock = None
        self.buf = b""
        self.tag = 0
        self.log = []
        self.mailbox = None
        self.seq = []             # index + 1 = sequence number -> UID
        self.mine = {}            # (mailbox, uid) -> own keyword set?
        self.in_flight = set()    # UIDs the current STORE changes
        self.non_uid_fetch = False
        self.appended = 0
        self.fetched = set()
        self.search_result = None
        self.copyuid = None

    # --- wire ------------------------------------------------------------

    def fail(self, msg):
        self.shared.fail("session %d (%s): %s\nlast lines:\n%s" % (
            self.n, self.mailbox, msg, "\n".join(self.log[-25:])))

    def note(self, direction, data):
        self.log.append("%s %r" % (direction, data[:200]))
        del self.log[:-50]

    def send(self, data):
        self.note("C:", data)
        self.sock.sendall(data)

    def readline(self):
        while b"\r\n" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                self.fail("no answer within %d s" % SOCKET_TIMEOUT)
            if not chunk:
                self.fail("connection closed by the server")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def read_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                self.fail("connection closed inside a literal")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_response(self):
        """One response with its literals inline, as on the wire."""
        out = self.readline()
        while True:
            m = re.search(rb"\{(\d+)\}$", out)
            if not m:
                break
            out += b"\r\n" + self.read_exact(int(m.group(1)))
            out += self.readline()
        self.note("S:", out)
        return out

    def command(self, line, literal=None):
        """Sends a command; handles untagged responses; returns
        (status, text) of the tagged reply."""
        self.tag += 1
        tag = b"s%d" % self.tag
        if literal is None:
            self.send(tag + b" " + line + b"\r\n")
        else:
            self.send(tag + b" " + line + b" {%d+}\r\n" % len(literal) +
                      literal + b"\r\n")
        while True:
            resp = self.read_response()
            if resp.startswith(b"* "):
                self.untagged(resp[2:])
            elif resp.startswith(b"+"):
                self.fail("unexpected continuation request")
            elif resp.startswith(tag + b" "):
                status, _, text = resp[len(tag) + 1:].partition(b" ")
                status = status.upper()
                if status == b"BAD":
                    self.fail("BAD for %r: %r" % (line, text))
                return status, text
            else:
                self.fail("unexpected response %r" % resp)

    # --- untagged responses ----------------------------------------------

    def untagged(self, resp):
        m = re.match(rb"(\d+) (EXISTS|EXPUNGE|FETCH|RECENT)\b ?(.*)", resp,
                     re.S | re.I)
        if m:
            n = int(m.group(1))
            kind = m.group(2).upper()
            if kind == b"EXISTS":
                self.exists(n)
            elif kind == b"EXPUNGE":
                self.expunge(n)
            elif kind == b"FETCH":
                self.fetch(n, m.group(3))
            return
        if resp.upper().startswith(b"BYE"):
            self.fail("BYE: %r" % resp)
        m = re.match(rb"OK \[UIDVALIDITY (\d+)\]", resp, re.I)
        if m and self.mailbox is not None:
            self.shared.set_uidvalidity(self.mailbox, int(m.group(1)))
        if resp.upper().startswith((b"SEARCH", b"ESEARCH")):
            self.search_result = resp
        m = re.match(rb"OK (\[COPYUID [^]]*\])", resp, re.I)
        if m:
            # MOVE's COPYUID comes before the EXPUNGEs (RFC 6851)
            self.copyuid = m.group(1)

    def exists(self, n):
        if n < len(self.seq):
            self.fail("EXISTS %d after %d without EXPUNGE" % (
                n, len(self.seq)))
        self.seq.extend([None] * (n - len(self.seq)))

    def expunge(self, n):
        if self.non_uid_fetch:
            self.fail("EXPUNGE %d during a non-UID FETCH" % n)
        if not 1 <= n <= len(self.seq):
            self.fail("EXPUNGE %d with %d messages" % (n, len(self.seq)))
        uid = self.seq.pop(n - 1)
        with self.shared.lock:
            if uid is None:
                self.shared.unknown_expunges[self.mailbox] += 1
            else:
                self.shared.expunged[self.mailbox].add(uid)
        self.mine.pop((self.mailbox, uid), None)

    def fetch(self, n, data):
        if not 1 <= n <= len(self.seq):
            self.fail("FETCH %d with %d messages" % (n, len(self.seq)))
        try:
            items = _Parser(data).value()
        except Exception as e:
            self.fail("unparsable FETCH %r: %s" % (data[:200], e))
        if not isinstance(items, list) or len(items) % 2:
            self.fail("bad FETCH list %r" % data[:200])
        d = {bytes(items[i]).upper(): items[i + 1]
             for i in range(0, len(items), 2)}
        uid = self.seq[n - 1]
        if b"UID" in d:
            got = int(d[b"UID"])
            if uid is None:
                self.learn_uid(n, got)
                uid = got
            elif uid != got:
                self.fail("sequence %d is UID %d, FETCH says %d" % (
                    n, uid, got))
        if b"FLAGS" in d and uid is not None:
            self.check_flags(uid, {bytes(f).decode() for f in d[b"FLAGS"]})
        if b"BODY[]" in d and uid is not None:
            if d[b"BODY[]"] is None:
                # RFC 2180 4.1.3: NIL for a message another session
                # expunged; it must really be gone at the end
                self.vanish(uid, "FETCH BODY[] NIL")
                return
            self.fetched.add(uid)
            self.shared.check_content(self.mailbox, uid, bytes(d[b"BODY[]"]))

    def vanish(self, uid, how):
        with self.shared.lock:
            self.shared.vanished[(self.mailbox, uid)] = \
                "session %d: %s" % (self.n, how)

    def learn_uid(self, n, uid):
        before = [u for u in self.seq[:n - 1] if u is not None]
        after = [u for u in self.seq[n:] if u is not None]
        if (before and before[-1] >= uid) or (after and after[0] <= uid):
            self.fail("UID %d at sequence %d is out of order" % (uid, n))
        self.seq[n - 1] = uid

    def check_flags(self, uid, flags):
        if self.keyword is None or uid in self.in_flight:
            return
        key = (self.mailbox, uid)
        has = self.keyword in flags
        known = self.mine.setdefault(key, has)
        if known != has:
            self.fail("UID %d: own keyword %s is %s, expected %s" % (
                uid, self.keyword, "set" if has else "lost",
                "set" if known else "unset"))

    # --- commands ----------------------------------------------------------

    def ok(self, line, literal=None):
        status, text = self.command(line, literal)
        if status != b"OK":
            self.fail("%r failed: %s %r" % (line, status, text))
        return text

    def known_uids(self):
        return [u for u in self.seq if u is not None]

    def fill(self):
        """Learns the UIDs of messages only known from EXISTS (a non-UID
        FETCH: the server may not send EXPUNGE during it)."""
        while None in self.seq:
            first = self.seq.index(None) + 1
            self.non_uid_fetch = True
            try:
                self.ok(b"FETCH %d:%d (UID FLAGS)" % (first, len(self.seq)))
            finally:
                self.non_uid_fetch = False
            if self.seq[first - 1] is None:
                self.fail("FETCH %d:%d gave no UID for %d" % (
                    first, len(self.seq), first))

    def select(self, mailbox):
        with self.shared.lock:
            gone = set(self.shared.expunged[mailbox])
        old = {u for (m, u) in self.mine if m == mailbox}
        self.mailbox = mailbox
        self.seq = []
        self.ok(b"SELECT " + mailbox.encode())
        self.fill()
        present = set(self.known_uids())
        if present & gone:
            self.fail("expunged UIDs are back: %s" % sorted(present & gone))
        for u in old - present:
            self.vanish(u, "gone at SELECT")
        for u in old - present:
            del self.mine[(mailbox, u)]

    def message(self):
        self.appended += 1
        body = b"".join(b"line %d: %s\r\n" % (
            i, bytes(self.rng.choice(b"abcdefgh ") for _ in range(50)))
            for i in range(self.rng.randrange(1, 40)))
        return (b"From: stress@example.org\r\nSubject: stress %d-%d\r\n"
                b"Message-ID: <stress-%d-%d@example.org>\r\n\r\n"
                % (self.n, self.appended, self.n, self.appended) + body)

    def op_append(self):
        mailbox = self.rng.choice(MAILBOXES)
        msg = self.message()
        with_kw = self.keyword is not None and self.rng.random() < 0.5
        flags = b"(%s)" % (self.keyword.encode() if with_kw else b"")
        with self.shared.lock:
            floor = self.shared.max_uid[mailbox]
        text = self.ok(b"APPEND %s %s" % (mailbox.encode(), flags), msg)
        m = re.match(rb"\[APPENDUID (\d+) (\d+)\]", text, re.I)
        if not m:
            self.fail("APPEND without APPENDUID: %r" % text)
        self.shared.set_uidvalidity(mailbox, int(m.group(1)))
        uid = int(m.group(2))
        self.shared.new_uid(mailbox, uid, digest(msg), floor, "APPEND")
        if self.keyword is not None:
            self.mine[(mailbox, uid)] = with_kw

    def pick(self, most):
        uids = self.known_uids()
        if not uids:
            return []
        return self.rng.sample(uids, self.rng.randrange(1, min(most,
                                                              len(uids)) + 1))

    def op_store(self):
        uids = self.pick(5)
        if not uids:
            return
        add = self.rng.random() < 0.5
        flags = self.rng.sample(["\\Seen", "\\Flagged", "\\Answered"],
                                self.rng.randrange(0, 3))
        if self.keyword is not None:
            flags.append(self.keyword)
        if not flags:
            return
        self.in_flight = set(uids)
        try:
            status, text = self.command(b"UID STORE %s %sFLAGS (%s)" % (
                uid_set(uids).encode(), b"+" if add else b"-",
                " ".join(flags).encode()))
        finally:
            self.in_flight = set()
        for uid in uids:
            if self.keyword is None:
                break
            if status == b"OK" and uid in self.seq:
                self.mine[(self.mailbox, uid)] = add
            else:
                # expunged meanwhile: the state is no longer known
                self.mine.pop((self.mailbox, uid), None)

    def op_expunge(self):
        uids = self.pick(3)
        status = b"NO"
        if uids:
            status, _ = self.command(
                b"UID STORE %s +FLAGS.SILENT (\\Deleted)" %
                uid_set(uids).encode())
        self.ok(b"EXPUNGE")
        left = set(uids) & set(self.seq)
        if left and status == b"OK":
            self.fail("UIDs %s still there after EXPUNGE" % sorted(left))

    def op_copy(self, command=b"COPY"):
        uids = self.pick(4)
        if not uids:
            return
        dest = self.rng.choice(MAILBOXES)
        with self.shared.lock:
            floor = self.shared.max_uid[dest]
            src_content = dict(self.shared.content[self.mailbox])
        mine = {u: self.mine[(self.mailbox, u)] for u in uids
                if (self.mailbox, u) in self.mine}
        self.copyuid = None
        status, text = self.command(b"UID %s %s %s" % (
            command, uid_set(uids).encode(), dest.encode()))
        if status != b"OK":
            with self.shared.lock:
                self.shared.failed_copies.append((self.mailbox, set(uids),
                                                  text))
            return
        if command == b"MOVE":
            text = self.copyuid or b""
            left = set(uids) & set(self.seq)
            if left:
                self.fail("UIDs %s still there after MOVE" % sorted(left))
        m = re.match(rb"\[COPYUID (\d+) ([\d:,]+) ([\d:,]+)\]", text, re.I)
        if not m:
            self.fail("%s without COPYUID: %r" % (command.decode(), text))
        src = expand_set(m.group(2).decode())
        dst = expand_set(m.group(3).decode())
        if len(src) != len(dst) or not set(src) <= set(uids):
            self.fail("bad COPYUID %r for %s" % (text, uids))
        for s, d in zip(src, dst):
            self.shared.new_uid(dest, d, src_content.get(s), floor,
                                command.decode())
            if s in mine:
                self.mine[(dest, d)] = mine[s]
        if dest == self.mailbox:
            self.fill()

    def op_move(self):
        self.op_copy(b"MOVE")

    def op_fetch(self):
        uids = self.pick(3)
        if not uids:
            return
        self.fetched = set()
        self.command(b"UID FETCH %s (UID FLAGS BODY.PEEK[])" %
                     uid_set(uids).encode())
        for uid in set(uids) - self.fetched:
            if uid in self.seq:
                # expunged by another session, not yet reported here
                self.vanish(uid, "no FETCH reply")

    def op_search(self):
        if self.keyword is None:
            return
        known_set = {u for (m, u), v in self.mine.items()
                     if m == self.mailbox and v}
        known_unset = {u for (m, u), v in self.mine.items()
                       if m == self.mailbox and not v}
        self.search_result = None
        self.ok(b"UID SEARCH KEYWORD " + self.keyword.encode())
        if self.search_result is None:
            self.fail("UID SEARCH without a SEARCH response")
        found = {int(x) for x in self.search_result.split()[1:]}
        wrong = found & known_unset
        if wrong:
            self.fail("SEARCH KEYWORD %s finds UIDs without it: %s" % (
                self.keyword, sorted(wrong)))
        missed = (known_set & set(self.seq)) - found
        if missed:
            self.fail("SEARCH KEYWORD %s misses UIDs: %s" % (
                self.keyword, sorted(missed)))

    OPS = [("append", 4), ("store", 4), ("expunge", 1), ("copy", 2),
           ("move", 1), ("fetch", 4), ("search", 2), ("select", 1),
           ("noop", 1)]

    def run(self, deadline):
        self.sock = socket.create_connection(("127.0.0.1", self.port),
                                             timeout=SOCKET_TIMEOUT)
        try:
            if not self.read_response().startswith(b"* OK"):
                self.fail("no greeting")
            self.ok(b'LOGIN "%s" "%s"' % (self.user.encode(),
                                          self.password.encode()))
            self.select(self.rng.choice(MAILBOXES))
            names = [o for o, w in self.OPS for _ in range(w)]
            while time.monotonic() < deadline and \
                    not self.shared.stop.is_set():
                op = self.rng.choice(names)
                if op == "select":
                    self.select(self.rng.choice(MAILBOXES))
                elif op == "noop":
                    self.ok(b"NOOP")
                else:
                    getattr(self, "op_" + op)()
                self.fill()
                self.shared.count(op)
            self.send(b"z LOGOUT\r\n")
        except StressError:
            pass
        except Exception as e:
            try:
                self.fail("client error %r" % e)
            except StressError:
                pass
        finally:
            self.sock.close()


def final_check(shared, port, user, password, sessions):
    """A fresh session reads every mailbox and compares with what the
    sessions knew."""
    checker = Session(shared, -1, port, user, password, 0)
    checker.keyword = None
    checker.sock = socket.create_connection(("127.0.0.1", port),
                                            timeout=SOCKET_TIMEOUT)
    try:
        checker.read_response()
        checker.ok(b'LOGIN "%s" "%s"' % (user.encode(), password.encode()))
        for mailbox in MAILBOXES:
            checker.select(mailbox)
            present = set(checker.known_uids())
            if present:
                checker.fetched = set()
                checker.ok(b"UID FETCH 1:* (UID FLAGS BODY.PEEK[])")
                if checker.fetched != present:
                    shared.fail("%s: FETCH BODY.PEEK[] of %s gave nothing"
                                % (mailbox, sorted(present - checker.fetched)))
            with shared.lock:
                gone = shared.expunged[mailbox]
                vanished = {u: how for (m, u), how in shared.vanished.items()
                            if m == mailbox}
                missing = (shared.created[mailbox] | set(vanished)) - gone - \
                    present
                unknown = shared.unknown_expunges[mailbox]
            for m, uids, text in shared.failed_copies:
                if m == mailbox and not uids & gone:
                    shared.fail("%s: COPY of %s failed (%r) but none was "
                                "expunged" % (mailbox, sorted(uids), text))
            back = sorted(set(vanished) & present)
            if back:
                shared.fail("%s: UIDs %s were missing in a session but are "
                            "there (%s)" % (mailbox, back,
                                            [vanished[u] for u in back]))
            # an EXPUNGE of a UID not yet learned explains one of them
            if len(missing) > unknown:
                with shared.lock:
                    content = dict(shared.content[mailbox])
                moved = {content[u]: u for u in present if u in content}
                shared.fail("%s: UIDs missing without EXPUNGE: %s (%d "
                            "EXPUNGEs of unknown UIDs; now under another "
                            "UID: %s)" % (
                                mailbox, sorted(missing), unknown,
                                {u: moved[content[u]] for u in missing
                                 if content.get(u) in moved}))
            for s in sessions:
                if s.keyword is None:
                    continue
                checker.search_result = None
                checker.ok(b"UID SEARCH KEYWORD " + s.keyword.encode())
                found = {int(x) for x in checker.search_result.split()[1:]}
                for (m, uid), has in s.mine.items():
                    if m == mailbox and uid in present and \
                            (uid in found) != has:
                        shared.fail("%s UID %d: keyword %s %s at the end" % (
                            mailbox, uid, s.keyword,
                            "lost" if has else "appeared"))
        checker.send(b"z LOGOUT\r\n")
    finally:
        checker.sock.close()


def run(port, user, password, seconds, sessions, seed):
    """Runs the stress; returns (errors, counts)."""
    shared = Shared()
    clients = [Session(shared, i, port, user, password, seed * 1000 + i)
               for i in range(sessions)]
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=c.run, args=(deadline,))
               for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 2 * SOCKET_TIMEOUT)
    if any(t.is_alive() for t in threads):
        shared.errors.append("a session hangs")
    if not shared.errors:
        try:
            final_check(shared, port, user, password, clients)
        except StressError:
            pass
    return shared.errors, shared.counts


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    seconds = float(argv[4]) if len(argv) > 4 else 10
    sessions = int(argv[5]) if len(argv) > 5 else 5
    seed = random.randrange(1 << 30)
    print("seed %d" % seed)
    m = imaplib.IMAP4("127.0.0.1", int(argv[1]))
    m.login(argv[2], argv[3])
    for name in MAILBOXES[1:]:
        m.create(name)
    m.logout()
    errors, counts = run(int(argv[1]), argv[2], argv[3], seconds, sessions,
                         seed)
    print(" ".join("%s=%d" % kv for kv in sorted(counts.items())))
    for e in errors:
        print(e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main(sys.argv)
