# Copyright (c) Cove authors. See AUTHORS.
"""Crash safety: processes killed with SIGKILL at random points never lose
or duplicate an acknowledged message, never reuse a UID, never lose an
acknowledged flag change, and leave nothing behind that blocks the next
delivery.

- LMTP killed while several clients deliver 200 messages: every message
  that got 250 is in the mailbox exactly once and intact; any other one
  is absent or whole.
- The IMAP worker killed during EXPUNGE and during STORE: no message lost
  or duplicated, each flag change either done or not, UIDs never reused.
- The master killed and started again: the services come back, nothing
  is lost.

The randomness is seeded (COVE_TEST_SEED, printed on failure); every
count is bounded; nothing asserts on timing. Each test runs once per
mailbox format in BACKENDS."""

import os
import random
import re
import signal
import smtplib
import threading
import time

import pytest

from helpers import (RawClient, deliver, fetch, flags_of, imap_session,
                     lmtp_connect, logout, ok, wait_for)
from mailserver import port_open, proc_status, process_gone, service_pids

# Mailbox format -> MailServer arguments (mbox: {"mbox": True}).
BACKENDS = {
    "maildir": {},
    "mbox": {"mbox": True},
}

SEED = int(os.environ.get("COVE_TEST_SEED", random.randrange(1 << 30)))


@pytest.fixture(params=sorted(BACKENDS))
def crash_server(request, servers):
    print("COVE_TEST_SEED=%d backend=%s" % (SEED, request.param))
    return servers.new(**BACKENDS[request.param])


def kill9(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def make_message(rng, n):
    body = b"".join(b"line %d of message %d: %s\r\n" % (
        i, n, bytes(rng.choice(b"abcdefghij ") for _ in range(60)))
        for i in range(rng.randrange(1, 300)))
    return (b"From: sender@example.org\r\nTo: u1@localhost\r\n"
            b"Subject: crash %d\r\nMessage-ID: <crash-%d@example.org>\r\n"
            b"\r\n" % (n, n) + body)


MSGID_RE = re.compile(rb"^Message-ID: <crash-(\d+)@example.org>\r$",
                      re.M | re.I)


def mailbox_messages(server):
    """{uid: (flags, body)} of u1's INBOX, read over IMAP."""
    with imap_session(server) as m:
        n = int(ok(m.select("INBOX"))[0])
        out = {}
        if n:
            res = fetch(m, "1:*", "(UID FLAGS BODY.PEEK[])")
            assert sorted(res) == list(range(1, n + 1))
            for r in res.values():
                out[int(r[b"UID"])] = (flags_of(r[b"FLAGS"]),
                                       bytes(r[b"BODY[]"]))
        logout(m)
    return out


def by_number(messages, originals):
    """{message number: [uid, ...]}; asserts each stored message is one
    of originals, whole (the server may add header lines at the top)."""
    out = {}
    for uid, (_, body) in messages.items():
        found = MSGID_RE.search(body)
        assert found, "UID %d is no test message: %r" % (uid, body[:200])
        n = int(found.group(1))
        assert body.endswith(originals[n]), \
            "UID %d (message %d) is not intact" % (uid, n)
        out.setdefault(n, []).append(uid)
    return out


# --- LMTP ----------------------------------------------------------------

def lmtp_client(server, messages, todo, acked, lock):
    conn = None
    while True:
        with lock:
            if not todo:
                break
            n = todo.pop()
        try:
            if conn is None:
                conn = lmtp_connect(server)
            refused = conn.sendmail("sender@example.org", ["u1@localhost"],
                                    messages[n])
            if refused == {}:
                with lock:
                    acked.add(n)
        except (smtplib.SMTPException, OSError):
            conn = None
    if conn is not None:
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            pass


def test_lmtp_killed_during_deliveries(crash_server):
    server = crash_server
    rng = random.Random(SEED)
    count = 200
    messages = {n: make_message(rng, n) for n in range(count)}
    todo = list(range(count))
    rng.shuffle(todo)
    acked = set()
    lock = threading.Lock()
    clients = [threading.Thread(target=lmtp_client,
                                args=(server, messages, todo, acked, lock))
               for _ in range(4)]
    for t in clients:
        t.start()
    kills = 0
    try:
        # kill after every few deliveries, at a random moment
        mark, gap = count, rng.randrange(3, 20)
        while any(t.is_alive() for t in clients) and kills < 12:
            with lock:
                left = len(todo)
            if left <= mark - gap:
                time.sleep(rng.uniform(0, 0.02))
                for pid in service_pids(server.pid, "lmtp"):
                    kill9(pid)
                    kills += 1
                mark, gap = left, rng.randrange(3, 20)
            time.sleep(0.001)
    finally:
        for t in clients:
            t.join(120)
    assert not any(t.is_alive() for t in clients), "LMTP clients hang"
    assert kills >= 3, "LMTP was killed only %d times" % kills

    # nothing left behind blocks the next delivery
    last = make_message(rng, count)
    messages[count] = last
    wait_for(lambda: port_open(server.lmtp_port), "LMTP port")
    deliver(server, last)

    found = by_number(mailbox_messages(server), messages)
    for n in sorted(acked | {count}):
        assert len(found.get(n, [])) == 1, \
            "acknowledged message %d stored %d times (seed %d)" % (
                n, len(found.get(n, [])), SEED)
    for n, uids in found.items():
        assert len(uids) == 1, "message %d stored %d times (seed %d)" % (
            n, len(uids), SEED)
    assert len(acked) > count // 2, (len(acked), kills)


# --- IMAP worker ---------------------------------------------------------

class Mailbox:
    """The expected state of u1's INBOX: {uid: (message number, flags)},
    and every UID ever seen (a new message must get a higher one)."""

    def __init__(self, server, messages):
        self.server = server
        self.messages = messages
        self.state = {}
        self.max_uid = 0

    def read(self):
        stored = mailbox_messages(self.server)
        found = by_number(stored, self.messages)
        for n, uids in found.items():
            assert len(uids) == 1, "message %d duplicated: UIDs %s" % (
                n, uids)
        return {uid: (int(MSGID_RE.search(body).group(1)), flags)
                for uid, (flags, body) in stored.items()}

    def deliver(self, rng, count):
        """Delivers count new messages; their UIDs must be new."""
        first = len(self.messages)
        for n in range(first, first + count):
            self.messages[n] = make_message(rng, n)
            deliver(self.server, self.messages[n])
        now = self.read()
        new = {uid: v for uid, v in now.items() if uid not in self.state}
        assert sorted(v[0] for v in new.values()) == \
            list(range(first, first + count)), (new, SEED)
        assert min(new) > self.max_uid, \
            "UID %d reused (highest seen %d, seed %d)" % (
                min(new), self.max_uid, SEED)
        self.max_uid = max(now)
        self.state = now


def imap_worker_session(server):
    """A raw session with INBOX selected and the pid of its worker."""
    before = set(service_pids(server.pid, "imap"))
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    tagged, _ = c.imap_cmd("a", "LOGIN u1 %s" % server.users["u1"][2])
    assert tagged.startswith(b"a OK"), tagged
    tagged, _ = c.imap_cmd("b", "SELECT INBOX")
    assert tagged.startswith(b"b OK"), tagged
    new = wait_for(lambda: set(service_pids(server.pid, "imap")) - before,
                   "IMAP worker")
    assert len(new) == 1, new
    return c, new.pop()


def kill_worker_during(server, rng, lines):
    """Sends the command lines (the last one is not waited for), then
    kills the session's worker at a random moment."""
    c, pid = imap_worker_session(server)
    for i, line in enumerate(lines[:-1]):
        tagged, _ = c.imap_cmd("p%d" % i, line)
        assert tagged.startswith(b"p%d OK" % i), (line, tagged)
    c.sendline("k " + lines[-1])
    time.sleep(rng.choice([0, 0, rng.uniform(0, 0.01)]))
    kill9(pid)
    wait_for(lambda: process_gone(pid), "end of the killed worker")
    c.close()


def uid_set(uids):
    return ",".join(str(u) for u in sorted(uids))


def test_worker_killed_during_expunge(crash_server):
    rng = random.Random(SEED + 1)
    box = Mailbox(crash_server, {})
    box.deliver(rng, 60)
    for _ in range(8):
        before = box.state
        doomed = set(rng.sample(sorted(before), len(before) // 4))
        kill_worker_during(crash_server, rng, [
            "UID STORE %s +FLAGS.SILENT (\\Deleted)" % uid_set(doomed),
            "EXPUNGE"])
        after = box.read()
        assert set(after) <= set(before), (set(after) - set(before), SEED)
        # messages of an earlier round whose EXPUNGE the kill prevented
        doomed |= {uid for uid, (_, flags) in before.items()
                   if "\\Deleted" in flags}
        for uid, (n, flags) in before.items():
            if uid in doomed:
                if uid in after:
                    assert after[uid] == (n, flags | {"\\Deleted"}), \
                        (uid, after[uid], SEED)
            else:
                assert after.get(uid) == (n, flags), \
                    "UID %d changed or lost: %s (seed %d)" % (
                        uid, after.get(uid), SEED)
        box.state = after
        box.deliver(rng, 3)


FLAGS = ["\\Seen", "\\Flagged", "\\Answered", "\\Draft", "$Work", "Later"]


def store_result(flags, op, change):
    if op == "+FLAGS":
        return flags | change
    if op == "-FLAGS":
        return flags - change
    return set(change)


def test_worker_killed_during_flag_change(crash_server):
    rng = random.Random(SEED + 2)
    box = Mailbox(crash_server, {})
    box.deliver(rng, 40)
    for _ in range(10):
        before = box.state
        stores = []
        for _ in range(2):
            uids = set(rng.sample(sorted(before), rng.randrange(1, 30)))
            op = rng.choice(["+FLAGS", "-FLAGS", "FLAGS"])
            change = set(rng.sample(FLAGS, rng.randrange(1, 4)))
            stores.append((uids, op, change))
        kill_worker_during(crash_server, rng, [
            "UID STORE %s %s.SILENT (%s)" % (uid_set(u), op, " ".join(c))
            for u, op, c in stores])
        # the first STORE was acknowledged; the second may be done or not
        done = {uid: (n, store_result(f, stores[0][1], stores[0][2])
                      if uid in stores[0][0] else f)
                for uid, (n, f) in before.items()}
        after = box.read()
        assert set(after) == set(before), (set(after) ^ set(before), SEED)
        uids, op, change = stores[1]
        for uid, (n, flags) in done.items():
            allowed = [flags]
            if uid in uids:
                allowed.append(store_result(flags, op, change))
            assert after[uid][0] == n
            assert after[uid][1] in allowed, \
                "UID %d has %s, expected one of %s (seed %d)" % (
                    uid, after[uid][1], allowed, SEED)
        box.state = after
        box.deliver(rng, 2)


# --- master --------------------------------------------------------------

def test_master_killed_and_restarted(crash_server):
    server = crash_server
    rng = random.Random(SEED + 3)
    box = Mailbox(server, {})
    box.deliver(rng, 10)
    for _ in range(3):
        # a session open while the master dies keeps working
        c, _ = imap_worker_session(server)
        children = server.children()
        listening = [pid for pid, _ in children
                     if proc_status(pid)["Name"] != "imap"]
        server.proc.kill()
        server.proc.wait()
        server.proc = None
        tagged, _ = c.imap_cmd("n", "NOOP")
        assert tagged.startswith(b"n OK"), tagged
        c.close()
        # the listening services notice and exit
        wait_for(lambda: all(process_gone(pid) for pid in listening),
                 "exit of the services of the killed master")
        assert server.reap_children(children) == []
        server.start()
        box.deliver(rng, 5)
        assert box.read() == box.state
