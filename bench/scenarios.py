# Copyright (c) Cove authors. See AUTHORS.
"""The IMAP scenarios of issue 3 for bench.py, each run on one server
(BenchServer) and returning {result key: value}:

select  SELECT INBOX + FETCH 1:* (UID FLAGS) on a Maildir INBOX of
        --select-n messages (default 100,000): once on the fresh maildir
        (no UID list, no index), warm (best of --reps after two more
        untimed sessions, index present and settled) and cold (best of
        --reps, each after removing the server's index and cache files
        but not its UID list).  Every run checks UIDs and flags against
        the files.
search  UID SEARCH BODY <word> over --search-n messages (default 10,000),
        best of --reps after one SELECT built the index; the UIDs found
        are checked; "unsupported" when the server answers NO or BAD.
logins  --login-count sessions (connect, LOGIN, SELECT INBOX, LOGOUT) by
        --login-clients concurrent clients (default 50) over 100 users.
idle    --idle-conns logged-in connections (default 500, 5 per user) in
        IDLE on INBOX (NOOP-idle, i.e. just left open after SELECT, when
        the server does not advertise IDLE): PSS of the whole process
        tree per connection, minus the tree's PSS with no connection.

The mailboxes are written as files directly (no delivery), once per run
into a template directory, then hard-linked (or for small per-user
mailboxes copied) into each server's maildir, so both servers read the
same files.  Names carry S= and W= sizes and :2, flags; the delivery
times in the names and the mtimes increase with the message number, so
both servers give message i the UID i + 1."""

import os
import re
import shutil
import tempfile
import threading
import time

from benchlib import (TAG, BenchError, count_fetch, imap_login, is_root,
                      pss_kb, tree_names, tree_pids, wait_no_process)

MAILDIR_TIME0 = 1763888000
FLAG_LETTERS = ("", "S", "FS", "RS")
IMAP_FLAGS = {"S": b"\\Seen", "F": b"\\Flagged", "R": b"\\Answered"}
SEARCH_WORD = b"zanzibar"
# Every message whose number modulo this is 5 has the word.
SEARCH_EVERY = 97
USER_MESSAGES = 10
IDLE_PER_USER = 5
OPENERS = 10

# Cold start: the files in the mailbox directory whose names start with
# one of the server's "remove" prefixes are its index and caches, and are
# removed; the other files of the server stay (named in the notes), the
# UID list above all, so UIDs and flags must come back unchanged.
# Dovecot: dovecot.index* go; dovecot-uidlist, dovecot-uidvalidity*,
# dovecot-keywords and the mailbox list index stay.  Cove: every cove-*
# or cove.* file goes except its UID list, UIDVALIDITY record, keywords,
# session lock and *.lock files.  (remove prefixes, keep prefixes)
SERVER_FILES = {
    "cove": (("cove-", "cove."),
             ("cove-uidlist", "cove-uidvalidity", "cove-keywords",
              "cove-session")),
    "dovecot": (("dovecot.index",), ()),
}
# Untimed sessions between the first one and the warm ones: Dovecot
# writes dovecot.index only in the second session and settles in the
# third.
WARMUP_SESSIONS = 2

FETCH_RE = re.compile(rb"\* \d+ FETCH \(([^\r\n]*)\)\r\n")
UID_RE = re.compile(rb"\bUID (\d+)")
FLAGS_RE = re.compile(rb"\bFLAGS \(([^)]*)\)")
UIDVALIDITY_RE = re.compile(rb"\[UIDVALIDITY (\d+)\]")


class Unsupported(str):
    """A result the server could not produce (the reason)."""


def select_message(i):
    return (b"From: Bench Sender <bench@example.org>\n"
            b"To: u1@localhost\n"
            b"Subject: benchmark message %d\n"
            b"Date: Mon, 23 Nov 2026 10:00:00 +0000\n"
            b"Message-ID: <sel-%d@example.org>\n\n"
            b"Body of message %d.\n" % (i, i, i))


WORDS = (b"alpha bravo charlie delta echo foxtrot golf hotel india juliet "
         b"kilo lima mike november oscar papa quebec romeo sierra tango "
         b"uniform victor whiskey xray yankee zulu mail server index "
         b"folder message header body search the of and to in").split()


def _paragraphs(count=64, words=90):
    """Fixed pseudo-random paragraphs of 70-column lines."""
    out, seed = [], 12345
    for _ in range(count):
        line, lines = b"", []
        for _ in range(words):
            seed = (seed * 1103515245 + 12345) & 0x7fffffff
            word = WORDS[(seed >> 8) % len(WORDS)]
            if len(line) + len(word) >= 70:
                lines.append(line)
                line = b""
            line = line + b" " + word if line else word
        lines.append(line)
        out.append(b"\n".join(lines) + b"\n\n")
    return out


PARAGRAPHS = _paragraphs()


def search_message(i):
    """About 5 KB of text; the word in the middle of a line of every
    SEARCH_EVERY-th message."""
    parts = [PARAGRAPHS[(i * 7 + k * 13) % len(PARAGRAPHS)]
             for k in range(8)]
    if i % SEARCH_EVERY == 5:
        parts.insert(4, b"meet me in " + SEARCH_WORD + b" tomorrow\n\n")
    return (b"From: Bench Sender <bench@example.org>\n"
            b"To: u1@localhost\n"
            b"Subject: search message %d\n"
            b"Date: Mon, 23 Nov 2026 10:00:00 +0000\n"
            b"Message-ID: <search-%d@example.org>\n\n" % (i, i)
            + b"".join(parts))


def search_expected(n):
    return [i + 1 for i in range(n) if i % SEARCH_EVERY == 5]


def expected_flags(n):
    """{uid: set of IMAP flags} of the generated messages."""
    return {i + 1: {IMAP_FLAGS[c] for c in FLAG_LETTERS[i % 4]}
            for i in range(n)}


def write_maildir(root, n, message_of, owner):
    """Writes n messages into root/cur (and empty new/, tmp/); owner is
    (uid, gid) or None."""
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(root, sub), mode=0o700)
    cur = os.path.join(root, "cur")
    for i in range(n):
        msg = message_of(i)
        t = MAILDIR_TIME0 + i
        path = os.path.join(cur, "%d.M%dP4242Q%d.bench,S=%d,W=%d:2,%s" %
                            (t, i % 1000000, i, len(msg),
                             len(msg) + msg.count(b"\n"),
                             FLAG_LETTERS[i % 4]))
        with open(path, "wb") as f:
            f.write(msg)
        os.utime(path, (t, t))
        if owner is not None:
            os.chown(path, *owner)
    if owner is not None:
        for d in (root, cur, os.path.join(root, "new"),
                  os.path.join(root, "tmp")):
            os.chown(d, *owner)


def link_maildir(template, maildir, owner):
    """maildir gets hard links to the template's files."""
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), mode=0o700)
        if owner is not None:
            os.chown(os.path.join(maildir, sub), *owner)
    if owner is not None:
        os.chown(maildir, *owner)
    src, dst = os.path.join(template, "cur"), os.path.join(maildir, "cur")
    for name in os.listdir(src):
        os.link(os.path.join(src, name), os.path.join(dst, name))


class Context:
    """What the scenarios share in one run: the arguments, the notes
    printed under the table, and the template maildirs."""

    def __init__(self, args):
        self.args = args
        self.notes = []
        self.tmp = tempfile.mkdtemp(prefix="cove-bench-", dir="/tmp")
        self.templates = {}

    def template(self, name, n, message_of, owner):
        if name not in self.templates:
            path = os.path.join(self.tmp, name)
            t0 = time.perf_counter()
            write_maildir(path, n, message_of, owner)
            self.notes.append("generated %d %s messages in %.1f s" %
                              (n, name, time.perf_counter() - t0))
            self.templates[name] = path
        return self.templates[name]

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def owner_of(server, user):
    uid, gid, _ = server.users[user]
    return (uid, gid) if is_root() else None


def fetch_flags(data):
    """{uid: set of flags without \\Recent} from a FETCH (UID FLAGS)."""
    out = {}
    for m in FETCH_RE.finditer(data):
        uid, flags = UID_RE.search(m.group(1)), FLAGS_RE.search(m.group(1))
        if uid is None or flags is None:
            raise BenchError("FETCH without UID or FLAGS: %r" % m.group(0))
        out[int(uid.group(1))] = set(flags.group(1).split()) - \
            {b"\\Recent"}
    return out


def check_flags(data, expected, what):
    got = fetch_flags(data)
    if got != expected:
        bad = sorted(set(got) ^ set(expected)) or \
            [u for u in sorted(expected) if got[u] != expected[u]]
        raise BenchError("%s: FETCH (UID FLAGS) differs from the files, "
                         "first at UID %d: %r" %
                         (what, bad[0], got.get(bad[0])))


def end_session(server, c):
    """LOGOUT, wait for the close and for the worker to exit (so that it
    has written its index)."""
    c.imap(b"LOGOUT")
    c.wait_closed()
    wait_no_process(server.pid, "imap")


def select_fetch(server, n, split=None):
    """-> (seconds for SELECT + FETCH 1:* (UID FLAGS), UIDVALIDITY,
    FETCH response); appends (SELECT seconds, FETCH seconds) to the list
    split if given."""
    c = imap_login(server)
    t0 = time.perf_counter()
    sel = c.imap(b"SELECT INBOX")
    t1 = time.perf_counter()
    data = c.imap(b"FETCH 1:* (UID FLAGS)")
    elapsed = time.perf_counter() - t0
    if split is not None:
        split.append((t1 - t0, elapsed - (t1 - t0)))
    end_session(server, c)
    if b"* %d EXISTS" % n not in sel:
        raise BenchError("SELECT does not show %d EXISTS" % n)
    m = UIDVALIDITY_RE.search(sel)
    if m is None:
        raise BenchError("SELECT without UIDVALIDITY")
    if count_fetch(data) != n:
        raise BenchError("FETCH returned %d of %d messages" %
                         (count_fetch(data), n))
    return elapsed, m.group(1), data


def remove_caches(kind, maildir):
    """Removes the server's index/cache files; -> (removed, kept), the
    names of the server's files removed and left."""
    remove, keep = SERVER_FILES[kind]
    removed, kept = [], []
    for name in sorted(os.listdir(maildir)):
        if not name.startswith(kind):
            continue
        if name.startswith(remove) and not name.startswith(keep) and \
                not name.endswith(".lock"):
            os.unlink(os.path.join(maildir, name))
            removed.append(name)
        else:
            kept.append(name)
    return removed, kept


def scenario_select(server, kind, ctx):
    n, reps = ctx.args.select_n, ctx.args.reps
    owner = owner_of(server, "u1")
    template = ctx.template("select", n, select_message, owner)
    link_maildir(template, server.maildir("u1"), owner)
    expected = expected_flags(n)
    res = {}
    res["select_first"], uidvalidity, data = select_fetch(server, n)
    check_flags(data, expected, "first SELECT")
    for _ in range(WARMUP_SESSIONS):
        select_fetch(server, n)
    warm, cold = [], []
    for _ in range(reps):
        _, _, data = select_fetch(server, n, warm)
    check_flags(data, expected, "warm SELECT")
    removed = set()
    for _ in range(reps):
        gone, kept = remove_caches(kind, server.maildir("u1"))
        removed.update(gone)
        _, validity, data = select_fetch(server, n, cold)
        check_flags(data, expected, "cold SELECT")
        if validity != uidvalidity:
            raise BenchError("cold SELECT: UIDVALIDITY %s, was %s" %
                             (validity.decode(), uidvalidity.decode()))
    best_warm, best_cold = min(warm, key=sum), min(cold, key=sum)
    res["select_warm"], res["select_cold"] = sum(best_warm), sum(best_cold)
    ctx.notes.append("%s cold SELECT: removed %s; kept %s" %
                     (kind, " ".join(sorted(removed)) or "nothing",
                      " ".join(kept) or "nothing"))
    ctx.notes.append("%s best warm / cold: SELECT %.3f / %.3f s, FETCH "
                     "%.3f / %.3f s" % (kind, best_warm[0], best_cold[0],
                                        best_warm[1], best_cold[1]))
    return res


def scenario_search(server, kind, ctx):
    n = ctx.args.search_n
    owner = owner_of(server, "u1")
    template = ctx.template("search", n, search_message, owner)
    link_maildir(template, server.maildir("u1"), owner)
    select_fetch(server, n)
    want = b" ".join(b"%d" % u for u in search_expected(n))
    best = None
    for _ in range(ctx.args.reps):
        c = imap_login(server)
        c.imap(b"SELECT INBOX")
        t0 = time.perf_counter()
        status, data = c.imap_try(b"UID SEARCH BODY " + SEARCH_WORD)
        secs = time.perf_counter() - t0
        end_session(server, c)
        if status != b"OK":
            reason = data.splitlines()[-1].decode("utf-8", "replace")
            ctx.notes.append("%s: UID SEARCH BODY not supported: %s" %
                             (kind, reason))
            return {"search_body": Unsupported(reason)}
        m = re.search(rb"^\* SEARCH ?([0-9 ]*)\r$", data, re.M)
        got = b" ".join(sorted(m.group(1).split(), key=int)) if m else None
        if got != want:
            raise BenchError("UID SEARCH BODY %s returned %r, expected "
                             "%d UIDs" % (SEARCH_WORD.decode(), got,
                                          len(search_expected(n))))
        best = secs if best is None else min(best, secs)
    return {"search_body": best}


def prepare_users(server, ctx):
    """Every user gets USER_MESSAGES messages (copied: the files belong
    to the user) and one session, so that UID lists and indexes exist."""
    template = ctx.template("user", USER_MESSAGES, select_message, None)
    for user in server.bench_users():
        owner = owner_of(server, user)
        shutil.copytree(template, server.maildir(user))
        if owner is not None:
            for d, _, files in os.walk(server.maildir(user)):
                os.chown(d, *owner)
                for f in files:
                    os.chown(os.path.join(d, f), *owner)
        c = imap_login(server, user)
        c.imap(b"SELECT INBOX")
        c.imap(b"LOGOUT")
        c.wait_closed()
    wait_no_process(server.pid, "imap")


def run_threads(count, target):
    """Runs target(k) in count threads; -> (seconds, errors)"""
    errors = []

    def run(k):
        try:
            target(k)
        except (OSError, BenchError) as e:
            errors.append(str(e) or repr(e))

    threads = [threading.Thread(target=run, args=(k,))
               for k in range(count)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, errors


def scenario_logins(server, kind, ctx):
    count, clients = ctx.args.login_count, ctx.args.login_clients
    prepare_users(server, ctx)
    users = server.bench_users()
    lock = threading.Lock()
    state = {"next": 0, "failed": False}

    def client(_):
        while True:
            with lock:
                i = state["next"]
                if i >= count or state["failed"]:
                    return
                state["next"] = i + 1
            try:
                c = imap_login(server, users[i % len(users)])
                c.imap(b"SELECT INBOX")
                c.imap(b"LOGOUT")
                c.close()
            except (OSError, BenchError):
                state["failed"] = True
                raise

    secs, errors = run_threads(clients, client)
    if errors:
        raise BenchError("%d login clients failed: %s" %
                         (len(errors), errors[0]))
    return {"logins_rate": count / secs}


def open_idle(server, user, conns, use_idle):
    c = imap_login(server, user)
    conns.append(c)
    c.imap(b"SELECT INBOX")
    if use_idle:
        c.send(TAG + b" IDLE\r\n")
        line = c.readline()
        if not line.startswith(b"+"):
            raise BenchError("IDLE -> %r" % line)


def scenario_idle(server, kind, ctx):
    count = ctx.args.idle_conns
    prepare_users(server, ctx)
    users = server.bench_users()
    c = imap_login(server)
    use_idle = b" IDLE" in c.imap(b"CAPABILITY").split(b"\r\n")[0] + b" "
    end_session(server, c)
    time.sleep(0.5)
    base = pss_kb(tree_pids(server.pid))
    conns = []
    per_opener = [[] for _ in range(OPENERS)]

    def opener(k):
        for i in range(k, count, OPENERS):
            open_idle(server, users[(i // IDLE_PER_USER) % len(users)],
                      per_opener[k], use_idle)

    try:
        secs, errors = run_threads(OPENERS, opener)
        for lst in per_opener:
            conns.extend(lst)
        if errors:
            raise BenchError("%d of %d connections failed: %s" %
                             (count - len(conns), count, errors[0]))
        time.sleep(1.0)
        after = pss_kb(tree_pids(server.pid))
        procs = tree_names(server.pid)
    finally:
        for lst in per_opener:
            for conn in lst:
                conn.close()
    ctx.notes.append("%s: %s; PSS %d KB with no connection, %d KB with "
                     "%d (opened in %.1f s); processes: %s" %
                     (kind, "IDLE" if use_idle else
                      "no IDLE capability: NOOP-idle sessions",
                      base, after, count, secs,
                      " ".join("%s=%d" % kv for kv in sorted(procs.items()))))
    return {"idle_conn_kb": (after - base) / count}


SCENARIOS = {
    "select": scenario_select,
    "search": scenario_search,
    "logins": scenario_logins,
    "idle": scenario_idle,
}
