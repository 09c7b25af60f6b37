# Copyright (c) Cove authors. See AUTHORS.
"""Side-by-side benchmark of Cove and Dovecot on private loopback
instances: LMTP delivery of N messages, then (best of 3) IMAP
SELECT + FETCH 1:* (UID FLAGS RFC822.SIZE) and FETCH 1:* BODY.PEEK[],
then a run of sequential IMAP sessions (LOGIN, SELECT, LOGOUT), the
memory (PSS) that each idle logged-in session adds to the server, and
(best of 3) a POP3 download of a second mailbox: login, STAT, UIDL and
RETR of every message.  Optionally (--smtp-source N) Postfix's
smtp-source -L delivers N more messages over LMTP.
Prints a table with the Cove/Dovecot ratio.  A server that cannot start
or fails a step is reported in the table; the run goes on."""

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

from mailserver import MailServer, ServerError, proc_status  # noqa: E402

TAG = b"BENCH7"
IO_TIMEOUT = 300


class BenchError(Exception):
    pass


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=IO_TIMEOUT)
        self.buf = b""

    def readline(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(262144)
            if not chunk:
                raise BenchError("connection closed by the server")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")

    def send(self, data):
        self.sock.sendall(data)

    def smtp(self, line=None, want=250):
        if line is not None:
            self.send(line + b"\r\n")
        while True:
            reply = self.readline()
            if reply[3:4] != b"-":
                break
        if not reply.startswith(b"%d" % want):
            raise BenchError("LMTP %r -> %r" % (line, reply))

    def imap(self, command):
        """Send a tagged command, return the whole response (bytes) up to
        and including the tagged OK line.  Scans only new data for the
        tag, so large FETCH responses stay linear."""
        self.send(TAG + b" " + command + b"\r\n")
        data = bytearray(self.buf)
        self.buf = b""
        pat = re.compile(rb"(?:^|\r\n)" + TAG + rb" (OK|NO|BAD)[^\r\n]*\r\n")
        scan = 0
        while True:
            m = pat.search(data, scan)
            if m:
                self.buf = bytes(data[m.end():])
                if m.group(1) != b"OK":
                    raise BenchError("IMAP %r -> %r" %
                                     (command, bytes(data[m.start():m.end()])))
                return bytes(data[:m.end()])
            scan = max(0, len(data) - 64)
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise BenchError("connection closed during %r" % command)
            data += chunk

    def pop3(self, command, multiline=False):
        """Send a POP3 command; return its reply line, or with multiline
        the data up to the "." line (as sent).  Several commands may be
        sent at once with send() and read with read_pop3()."""
        if command is not None:
            self.send(command + b"\r\n")
        return self.read_pop3(command, multiline)

    def _pop3_find(self, pattern, start):
        """Index of pattern in the POP3 buffer at or after start,
        receiving more as needed.  The buffer is consumed by moving
        pop3_pos (and compacted between replies), so that many replies in
        one large read stay linear."""
        while True:
            end = self.pop3_buf.find(pattern, start)
            if end >= 0:
                return end
            start = max(start, len(self.pop3_buf) - len(pattern))
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise BenchError("connection closed by the server")
            self.pop3_buf += chunk

    def read_pop3(self, command, multiline=False):
        if not hasattr(self, "pop3_buf"):
            self.pop3_buf, self.pop3_pos = bytearray(self.buf), 0
        if self.pop3_pos > (1 << 20):
            del self.pop3_buf[:self.pop3_pos]
            self.pop3_pos = 0
        pos = self.pop3_pos
        end = self._pop3_find(b"\r\n", pos)
        line = bytes(self.pop3_buf[pos:end])
        self.pop3_pos = end + 2
        if not line.startswith(b"+OK"):
            raise BenchError("POP3 %r -> %r" % (command, line))
        if not multiline:
            return line
        pos = self.pop3_pos
        end = self._pop3_find(b".\r\n", pos)
        if end != pos:
            end = self._pop3_find(b"\r\n.\r\n", pos) + 2
        self.pop3_pos = end + 3
        return bytes(self.pop3_buf[pos:end])

    def close(self):
        self.sock.close()


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


def imap_login(server):
    c = Conn(server.imap_port)
    if not c.readline().startswith(b"* OK"):
        raise BenchError("no IMAP greeting")
    c.imap(b"LOGIN u1 pass1")
    return c


def count_fetch(data):
    return len(re.findall(rb"\r\n\* \d+ FETCH \(|^\* \d+ FETCH \(", data))


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


def tree_pids(root_pid):
    """The master and all its descendants."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                st = proc_status(int(d))
            except OSError:
                continue
            children.setdefault(int(st.get("PPid", "0")), []).append(int(d))
    out, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def pss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


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


SMTP_SOURCE = "/usr/sbin/smtp-source"


def maildir_count(server, user):
    md = server.maildir(user)
    return sum(len(os.listdir(os.path.join(md, sub)))
               for sub in ("new", "cur")
               if os.path.isdir(os.path.join(md, sub)))


def bench_smtp_source(server, n, size, sessions):
    """Postfix's LMTP load generator: n messages of size bytes to u1 over
    sessions parallel sessions.  -> seconds"""
    argv = [SMTP_SOURCE, "-L", "-s", str(sessions), "-m", str(n),
            "-l", str(size), "-f", "sender@example.org",
            "-t", "u1@localhost", "127.0.0.1:%d" % server.lmtp_port]
    before = maildir_count(server, "u1")
    t0 = time.perf_counter()
    res = subprocess.run(argv, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=IO_TIMEOUT)
    elapsed = time.perf_counter() - t0
    if res.returncode != 0 or res.stdout.strip():
        raise BenchError("smtp-source: %s" %
                         res.stdout.decode("utf-8", "replace").strip())
    delivered = maildir_count(server, "u1") - before
    if delivered != n:
        raise BenchError("smtp-source: %d of %d messages delivered" %
                         (delivered, n))
    return elapsed


OPERATIONS = [
    ("lmtp_deliver", "LMTP deliver %(n)d msgs (%(sessions)d sessions)"),
    ("select_fetch_meta", "SELECT + FETCH 1:* (UID FLAGS RFC822.SIZE)"),
    ("fetch_bodies", "FETCH 1:* BODY.PEEK[]"),
    ("logins", "%(logins)d x connect+LOGIN+SELECT+LOGOUT"),
    ("idle_kb", "KB PSS per idle IMAP session (%(idle)d open)"),
    ("pop3", "POP3 login+STAT+UIDL+RETR of %(pop3)d msgs of %(pop3_size)d B"),
    ("smtp_source", "smtp-source -L %(ss)d msgs of %(ss_size)d B "
     "(%(ss_sessions)d sessions)"),
]


def run_one(kind, args):
    """-> (results dict, error string or None)"""
    results = {}
    server = None
    try:
        # the idle-memory step keeps many sessions of one user open
        server = MailServer(kind, extra_conf="mail_max_userip_connections"
                            " = %d\n" % max(10, args.idle + 10),
                            pop3=args.pop3 > 0)
        server.start()
        results["lmtp_deliver"] = bench_lmtp(server, args.n, args.size,
                                             args.sessions)
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
            results["smtp_source"] = bench_smtp_source(
                server, args.smtp_source, args.smtp_source_size,
                args.smtp_source_sessions)
        return results, None
    except (ServerError, BenchError, OSError) as e:
        msg = str(e).strip().splitlines()
        return results, "%s: %s" % (kind, msg[0] if msg else repr(e))
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
    return "%.0f" % v if key == "idle_kb" else "%.3f" % v


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=2000,
                    help="messages to deliver (default 2000)")
    ap.add_argument("--size", type=int, default=3072,
                    help="approximate message size in bytes (default 3072)")
    ap.add_argument("--sessions", type=int, default=4,
                    help="parallel LMTP sessions (default 4)")
    ap.add_argument("--reps", type=int, default=3,
                    help="IMAP repetitions, best taken (default 3)")
    ap.add_argument("--logins", type=int, default=100,
                    help="sequential IMAP sessions to time (default 100, "
                    "0 to skip)")
    ap.add_argument("--idle", type=int, default=50,
                    help="idle IMAP sessions for the memory figure "
                    "(default 50, 0 to skip)")
    ap.add_argument("--pop3", type=int, default=1000,
                    help="messages of the POP3 download (default 1000, "
                    "0 to skip)")
    ap.add_argument("--pop3-size", type=int, default=10240,
                    help="approximate size of the POP3 messages "
                    "(default 10240)")
    ap.add_argument("--smtp-source", type=int, default=0,
                    help="messages for Postfix's smtp-source -L run "
                    "(0 skips it, the default; 2000 for the issue's figure)")
    ap.add_argument("--smtp-source-size", type=int, default=4096,
                    help="smtp-source message size (default 4096)")
    ap.add_argument("--smtp-source-sessions", type=int, default=10,
                    help="smtp-source sessions (default 10)")
    ap.add_argument("--only", choices=["cove", "dovecot"],
                    help="run one server only")
    ap.add_argument("--keep", action="store_true",
                    help="keep the instances' directories")
    args = ap.parse_args()
    if args.n < 1 or args.sessions < 1 or args.reps < 1 or args.logins < 0 \
            or args.idle < 0 or args.pop3 < 0 or args.smtp_source < 0 \
            or args.smtp_source_size < 1 or args.smtp_source_sessions < 1:
        ap.error("-n, --sessions, --reps and the smtp-source size and "
                 "sessions must be positive, --logins, --idle, --pop3 "
                 "and --smtp-source not negative")
    if args.smtp_source and not os.access(SMTP_SOURCE, os.X_OK):
        ap.error("--smtp-source needs %s (Debian's postfix)" % SMTP_SOURCE)

    kinds = [args.only] if args.only else ["cove", "dovecot"]
    results, errors = {}, []
    for kind in kinds:
        print("running %s ..." % kind, file=sys.stderr, flush=True)
        results[kind], err = run_one(kind, args)
        if err:
            errors.append(err)

    print("\n%d messages of about %d bytes, %d LMTP sessions, IMAP best of %d"
          % (args.n, args.size, args.sessions, args.reps))
    header = ("operation (seconds unless said)", "cove", "dovecot",
              "cove/dovecot")
    rows = []
    for key, label in OPERATIONS:
        if (key == "logins" and not args.logins) or \
                (key == "idle_kb" and not args.idle) or \
                (key == "pop3" and not args.pop3) or \
                (key == "smtp_source" and not args.smtp_source):
            continue
        label = label % {"n": args.n, "sessions": args.sessions,
                         "logins": args.logins, "idle": args.idle,
                         "pop3": args.pop3, "pop3_size": args.pop3_size,
                         "ss": args.smtp_source,
                         "ss_size": args.smtp_source_size,
                         "ss_sessions": args.smtp_source_sessions}
        c = results.get("cove", {}).get(key)
        d = results.get("dovecot", {}).get(key)
        ratio = "%.2f" % (c / d) if c is not None and d else "n/a"
        rows.append((label, fmt(c, key), fmt(d, key), ratio))
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
    for r in [header, tuple("-" * w for w in widths)] + rows:
        print("  ".join(r[i].ljust(widths[i]) if i == 0
                        else r[i].rjust(widths[i]) for i in range(4)))
    for key in ("cove", "dovecot"):
        r = results.get(key, {})
        if "lmtp_deliver" in r:
            print("%s LMTP rate: %.0f msgs/s" %
                  (key, args.n / r["lmtp_deliver"]))
        if r.get("smtp_source"):
            print("%s smtp-source -L rate: %.0f msgs/s" %
                  (key, args.smtp_source / r["smtp_source"]))
        if r.get("logins"):
            print("%s IMAP sessions: %.0f logins/s" %
                  (key, args.logins / r["logins"]))
    for err in errors:
        print("FAILED %s" % err)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
