# Copyright (c) Cove authors. See AUTHORS.
"""Side-by-side benchmark of Cove and Dovecot on private loopback
instances, one scenario after the other (--only), each on a fresh
instance of Cove and then of Dovecot, with the Cove/Dovecot ratio in one
table:

basic   LMTP delivery of N messages, then (best of 3) IMAP SELECT +
        FETCH 1:* (UID FLAGS RFC822.SIZE) and FETCH 1:* BODY.PEEK[], a run
        of sequential IMAP sessions (LOGIN, SELECT, LOGOUT), the memory
        (PSS) that each idle logged-in session adds to the server, and
        (best of 3) a POP3 download of a second mailbox: login, STAT, UIDL
        and RETR of every message.  Optionally (--smtp-source N)
        Postfix's smtp-source -L delivers N more messages over LMTP.
select, search, logins, idle
        issue 3's IMAP figures; see scenarios.py.
lmtp    issue 7's LMTP delivery rate with Postfix's smtp-source -L; see
        lmtp_scenario.py.
mbox    issue 5's mbox INBOX: SELECT + FETCH of a large one, LMTP
        deliveries into the spool; see mbox_scenario.py.

A server that cannot start or fails a step is reported in the table; the
run goes on."""

import argparse
import os
import re
import resource
import subprocess
import sys
import threading
import time

from benchlib import (IO_TIMEOUT, BenchError, BenchServer, Conn,
                      count_fetch, imap_login, pss_kb, tree_pids)
from mailserver import ServerError  # benchlib puts tests/ on the path
from scenarios import SCENARIOS, Context, Unsupported
from lmtp_scenario import SMTP_SOURCE, lmtp_operations, scenario_lmtp, \
    smtp_source
from mbox_scenario import MBOX_OPERATIONS, add_mbox_arguments, scenario_mbox


def make_message(i, size):
    head = (b"From: Bench Sender <bench@example.org>\r\n"
            b"To: u1@localhost\r\n"
            b"Subject: benchmark message %d\r\n"
            b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
            b"Message-ID: <bench-%d@example.org>\r\n\r\n" % (i, i))
    line = b"The quick brown fox jumps over the lazy dog %08d.\r\n" % i
    body = line * max(1, (size - len(head)) // len(line))
    return head + body


def dot_stuff(msg):
    return re.sub(rb"(?m)^\.", b"..", msg)


def deliver_range(port, indexes, size, errors, rcpt=b"u1@localhost"):
    try:
        c = Conn(port)
        c.smtp(want=220)
        c.smtp(b"LHLO bench.test")
        for i in indexes:
            c.smtp(b"MAIL FROM:<bench@example.org>")
            c.smtp(b"RCPT TO:<%s>" % rcpt)
            c.smtp(b"DATA", want=354)
            c.send(dot_stuff(make_message(i, size)) + b".\r\n")
            c.smtp()
        c.smtp(b"QUIT", want=221)
        c.close()
    except (OSError, BenchError) as e:
        errors.append(str(e))


def bench_lmtp(server, n, size, sessions, rcpt=b"u1@localhost"):
    chunks = [list(range(k, n, sessions)) for k in range(sessions)]
    errors = []
    threads = [threading.Thread(target=deliver_range,
                                args=(server.lmtp_port, c, size, errors,
                                      rcpt))
               for c in chunks]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise BenchError(errors[0])
    return elapsed


def bench_imap(server, n, reps):
    """-> {operation: best seconds}"""
    best = {}
    for _ in range(reps):
        c = imap_login(server)
        t0 = time.perf_counter()
        sel = c.imap(b"SELECT INBOX")
        data = c.imap(b"FETCH 1:* (UID FLAGS RFC822.SIZE)")
        t1 = time.perf_counter()
        if b"* %d EXISTS" % n not in sel:
            raise BenchError("SELECT does not show %d EXISTS" % n)
        if count_fetch(data) != n:
            raise BenchError("FETCH returned %d of %d messages"
                             % (count_fetch(data), n))
        t2 = time.perf_counter()
        data = c.imap(b"FETCH 1:* BODY.PEEK[]")
        t3 = time.perf_counter()
        if count_fetch(data) != n:
            raise BenchError("FETCH BODY.PEEK[] returned %d of %d"
                             % (count_fetch(data), n))
        c.imap(b"LOGOUT")
        c.close()
        for op, secs in (("select_fetch_meta", t1 - t0),
                         ("fetch_bodies", t3 - t2)):
            best[op] = min(best.get(op, secs), secs)
    return best


def bench_logins(server, count):
    """count sequential sessions: connect, LOGIN, SELECT, LOGOUT."""
    t0 = time.perf_counter()
    for _ in range(count):
        c = imap_login(server)
        c.imap(b"SELECT INBOX")
        c.imap(b"LOGOUT")
        c.close()
    return time.perf_counter() - t0


def bench_idle_memory(server, count):
    """PSS growth of the whole server per idle logged-in IMAP session
    (INBOX selected), in KB."""
    time.sleep(0.5)
    before = pss_kb(tree_pids(server.pid))
    conns = []
    try:
        for _ in range(count):
            c = imap_login(server)
            c.imap(b"SELECT INBOX")
            conns.append(c)
        time.sleep(0.5)
        after = pss_kb(tree_pids(server.pid))
    finally:
        for c in conns:
            c.close()
    return (after - before) / count


def bench_pop3(server, n, reps):
    """Best of reps: connect, USER/PASS, STAT, UIDL, RETR 1..n (sent
    pipelined, RFC 2449 PIPELINING), QUIT, on u2's mailbox of n
    messages."""
    best = None
    for _ in range(reps):
        t0 = time.perf_counter()
        c = Conn(server.pop3_port)
        c.pop3(None)
        c.pop3(b"USER u2")
        c.pop3(b"PASS " + server.users["u2"][2].encode())
        stat = c.pop3(b"STAT")
        if not stat.startswith(b"+OK %d " % n):
            raise BenchError("POP3 STAT -> %r, expected %d messages" %
                             (stat, n))
        uidl = c.pop3(b"UIDL", multiline=True)
        if uidl.count(b"\r\n") != n:
            raise BenchError("POP3 UIDL gave %d lines, expected %d" %
                             (uidl.count(b"\r\n"), n))
        c.send(b"".join(b"RETR %d\r\n" % i for i in range(1, n + 1)))
        for i in range(1, n + 1):
            c.read_pop3(b"RETR %d" % i, multiline=True)
        c.pop3(b"QUIT")
        c.close()
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best


# (result key, scenario, row label): seconds unless the label says.
OPERATIONS = [
    ("lmtp_deliver", "basic",
     "LMTP deliver %(n)d msgs (%(sessions)d sessions)"),
    ("select_fetch_meta", "basic",
     "SELECT + FETCH 1:* (UID FLAGS RFC822.SIZE)"),
    ("fetch_bodies", "basic", "FETCH 1:* BODY.PEEK[]"),
    ("logins", "basic", "%(logins)d x connect+LOGIN+SELECT+LOGOUT"),
    ("idle_kb", "basic", "KB PSS per idle IMAP session (%(idle)d open)"),
    ("pop3", "basic",
     "POP3 login+STAT+UIDL+RETR of %(pop3)d msgs of %(pop3_size)d B"),
    ("smtp_source", "basic", "smtp-source -L %(ss)d msgs of %(ss_size)d B "
     "(%(ss_sessions)d sessions)"),
    ("select_first", "select",
     "SELECT+FETCH 1:* (UID FLAGS), %(select_n)d msgs, first (no index)"),
    ("select_warm", "select",
     "SELECT+FETCH 1:* (UID FLAGS), %(select_n)d msgs, warm"),
    ("select_cold", "select",
     "SELECT+FETCH 1:* (UID FLAGS), %(select_n)d msgs, cold"),
    ("search_body", "search",
     "UID SEARCH BODY word, %(search_n)d msgs"),
    ("logins_rate", "logins", "logins/s (higher is better), "
     "%(login_clients)d clients, %(login_count)d sessions, 100 users"),
    ("idle_conn_kb", "idle",
     "KB PSS per IDLE connection, %(idle_conns)d open"),
]
KB_KEYS = ("idle_kb", "idle_conn_kb")


def run_basic(server, kind, ctx):
    args = ctx.args
    results = {"lmtp_deliver": bench_lmtp(server, args.n, args.size,
                                          args.sessions)}
    results.update(bench_imap(server, args.n, args.reps))
    if args.logins:
        results["logins"] = bench_logins(server, args.logins)
    if args.idle:
        results["idle_kb"] = bench_idle_memory(server, args.idle)
    if args.pop3:
        bench_lmtp(server, args.pop3, args.pop3_size, args.sessions,
                   rcpt=b"u2@localhost")
        results["pop3"] = bench_pop3(server, args.pop3, args.reps)
    if args.smtp_source:
        results["smtp_source"] = smtp_source(
            server, args.smtp_source, args.smtp_source_size,
            args.smtp_source_sessions)
    return results


RUNNERS = dict(SCENARIOS, basic=run_basic, lmtp=scenario_lmtp,
               mbox=scenario_mbox)
SCENARIO_ORDER = ("basic", "select", "search", "logins", "idle", "lmtp",
                  "mbox")


def run_one(scenario, kind, ctx):
    """Runs one scenario on a fresh instance.
    -> (results dict, error string or None)"""
    args = ctx.args
    server = None
    try:
        # basic's idle-memory step keeps many sessions of one user open
        server = BenchServer(kind, scheme=args.user_scheme,
                             extra_conf="mail_max_userip_connections"
                             " = %d\n" % max(10, args.idle + 10),
                             pop3=scenario == "basic" and args.pop3 > 0,
                             mbox=scenario == "mbox")
        server.start()
        return RUNNERS[scenario](server, kind, ctx), None
    except (ServerError, BenchError, OSError) as e:
        msg = str(e).strip().splitlines()
        return {}, "%s %s: %s" % (scenario, kind,
                                  msg[0] if msg else repr(e))
    finally:
        if server is not None:
            if server.running() and not server.stop():
                print("warning: %s did not stop on SIGTERM (killed)" % kind,
                      file=sys.stderr)
            bad = server.bad_log_lines()
            if bad:
                print("warning: %s log has Panic/Fatal lines:\n%s" %
                      (kind, b"\n".join(bad[:5]).decode("utf-8", "replace")),
                      file=sys.stderr)
            if args.keep:
                print("kept %s instance in %s" % (kind, server.root),
                      file=sys.stderr)
            else:
                server.cleanup()


def fmt(v, key):
    if v is None:
        return "n/a"
    if isinstance(v, Unsupported):
        return "unsupported"
    return "%.0f" % v if key in KB_KEYS else "%.3f" % v


def parse_only(ap, text):
    names = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in names if s not in RUNNERS]
    if bad or not names:
        ap.error("--only: unknown scenario %s (choose from %s)" %
                 (", ".join(bad) or "(none)", ",".join(SCENARIO_ORDER)))
    return [s for s in SCENARIO_ORDER if s in names]


def raise_fd_limit():
    """The idle scenario holds hundreds of sockets, here and in the
    servers (which inherit the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and \
            (hard == resource.RLIM_INFINITY or soft < hard):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def print_table(args, scenarios, results):
    header = ("operation (seconds unless said)", "cove", "dovecot",
              "cove/dovecot")
    values = dict(vars(args), ss=args.smtp_source,
                  ss_size=args.smtp_source_size,
                  ss_sessions=args.smtp_source_sessions)
    rows = []
    for key, scenario, label in OPERATIONS + lmtp_operations(args) + \
            MBOX_OPERATIONS:
        if scenario not in scenarios or \
                (key == "logins" and not args.logins) or \
                (key == "idle_kb" and not args.idle) or \
                (key == "pop3" and not args.pop3) or \
                (key == "smtp_source" and not args.smtp_source):
            continue
        c = results.get("cove", {}).get(key)
        d = results.get("dovecot", {}).get(key)
        numbers = not isinstance(c, Unsupported) and \
            not isinstance(d, Unsupported)
        ratio = "%.2f" % (c / d) if c is not None and d and numbers \
            else "n/a"
        rows.append((label % values, fmt(c, key), fmt(d, key), ratio))
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
    for r in [header, tuple("-" * w for w in widths)] + rows:
        print("  ".join(r[i].ljust(widths[i]) if i == 0
                        else r[i].rjust(widths[i]) for i in range(4)))


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(SCENARIO_ORDER),
                    help="comma-separated scenarios to run, of %s "
                    "(default: all)" % ",".join(SCENARIO_ORDER))
    ap.add_argument("--server", choices=["cove", "dovecot"],
                    help="run one server only")
    ap.add_argument("--reps", type=int, default=3,
                    help="repetitions of timed IMAP steps, best taken "
                    "(default 3)")
    ap.add_argument("--user-scheme", choices=["PLAIN", "SHA512-CRYPT"],
                    default="PLAIN",
                    help="password scheme of users u3..u100 (default "
                    "PLAIN; u1 is PLAIN, u2 SHA512-CRYPT)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the instances' directories")
    g = ap.add_argument_group("basic scenario")
    g.add_argument("-n", type=int, default=2000,
                   help="messages to deliver (default 2000)")
    g.add_argument("--size", type=int, default=3072,
                   help="approximate message size in bytes (default 3072)")
    g.add_argument("--sessions", type=int, default=4,
                   help="parallel LMTP sessions (default 4)")
    g.add_argument("--logins", type=int, default=100,
                   help="sequential IMAP sessions to time (default 100, "
                   "0 to skip)")
    g.add_argument("--idle", type=int, default=50,
                   help="idle IMAP sessions for the memory figure "
                   "(default 50, 0 to skip)")
    g.add_argument("--pop3", type=int, default=1000,
                   help="messages of the POP3 download (default 1000, "
                   "0 to skip)")
    g.add_argument("--pop3-size", type=int, default=10240,
                   help="approximate size of the POP3 messages "
                   "(default 10240)")
    g.add_argument("--smtp-source", type=int, default=0,
                   help="messages for Postfix's smtp-source -L run "
                   "(0 skips it, the default; 2000 for the issue's figure)")
    g.add_argument("--smtp-source-size", type=int, default=4096,
                   help="smtp-source message size (default 4096)")
    g.add_argument("--smtp-source-sessions", type=int, default=10,
                   help="smtp-source sessions (default 10)")
    g = ap.add_argument_group("lmtp scenario (see lmtp_scenario.py)")
    g.add_argument("--lmtp-n", type=int, default=2000,
                   help="messages per size (default 2000)")
    g.add_argument("--lmtp-sessions", type=int, default=10,
                   help="smtp-source sessions (default 10)")
    g.add_argument("--lmtp-sizes", default="4096,102400",
                   type=lambda text: [int(v) for v in text.split(",")],
                   help="comma-separated message sizes in bytes "
                   "(default 4096,102400)")
    g = ap.add_argument_group("issue 3 scenarios (see scenarios.py)")
    g.add_argument("--select-n", type=int, default=100000,
                   help="messages of the select scenario (default 100000)")
    g.add_argument("--search-n", type=int, default=10000,
                   help="messages of the search scenario (default 10000)")
    g.add_argument("--login-count", type=int, default=1000,
                   help="sessions of the logins scenario (default 1000)")
    g.add_argument("--login-clients", type=int, default=50,
                   help="concurrent clients of the logins scenario "
                   "(default 50)")
    g.add_argument("--idle-conns", type=int, default=500,
                   help="connections of the idle scenario (default 500)")
    add_mbox_arguments(ap)
    args = ap.parse_args()
    scenarios = parse_only(ap, args.only)
    if min(args.n, args.sessions, args.reps, args.smtp_source_size,
           args.smtp_source_sessions, args.select_n, args.search_n,
           args.login_count, args.login_clients, args.idle_conns,
           args.lmtp_n, args.lmtp_sessions, *args.lmtp_sizes,
           args.mbox_n, args.mbox_lmtp_n) < 1:
        ap.error("counts and sizes must be positive")
    if min(args.logins, args.idle, args.pop3, args.smtp_source) < 0:
        ap.error("--logins, --idle, --pop3 and --smtp-source must not be "
                 "negative")
    if (args.smtp_source or "lmtp" in scenarios) and \
            not os.access(SMTP_SOURCE, os.X_OK):
        ap.error("--smtp-source and the lmtp scenario need %s (Debian's "
                 "postfix)" % SMTP_SOURCE)
    raise_fd_limit()

    kinds = [args.server] if args.server else ["cove", "dovecot"]
    ctx = Context(args)
    results, errors = {kind: {} for kind in kinds}, []
    try:
        for scenario in scenarios:
            for kind in kinds:
                print("running %s on %s ..." % (scenario, kind),
                      file=sys.stderr, flush=True)
                res, err = run_one(scenario, kind, ctx)
                results[kind].update(res)
                if err:
                    errors.append(err)
    finally:
        ctx.cleanup()

    print("\nscenarios: %s; timed IMAP steps best of %d; users u3..u100 "
          "with %s passwords" % (", ".join(scenarios), args.reps,
                                 args.user_scheme))
    if "basic" in scenarios:
        print("basic: %d messages of about %d bytes, %d LMTP sessions"
              % (args.n, args.size, args.sessions))
    print_table(args, scenarios, results)
    for kind in kinds:
        r = results[kind]
        if "lmtp_deliver" in r:
            print("%s LMTP rate: %.0f msgs/s" %
                  (kind, args.n / r["lmtp_deliver"]))
        if r.get("smtp_source"):
            print("%s smtp-source -L rate: %.0f msgs/s" %
                  (kind, args.smtp_source / r["smtp_source"]))
        if r.get("logins"):
            print("%s IMAP sessions: %.0f logins/s" %
                  (kind, args.logins / r["logins"]))
    for note in ctx.notes:
        print(note)
    for err in errors:
        print("FAILED %s" % err)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
