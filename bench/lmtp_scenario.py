# Copyright (c) Cove authors. See AUTHORS.
"""The `lmtp` scenario (issue 7): LMTP deliveries per second from
Postfix's load generator `smtp-source -L` (--lmtp-sessions parallel
sessions, default 10, one message per connection as smtp-source sends
them), --lmtp-n messages (default 2000) to u1 for each size in
--lmtp-sizes (default 4096 and 102400 bytes), on the same instance one
size after the other.  Every message must be in u1's Maildir afterwards.
Both servers fsync each message before answering 250 (mail_fsync =
optimized, the default of both)."""

import os
import subprocess
import time

from benchlib import IO_TIMEOUT, BenchError

SMTP_SOURCE = "/usr/sbin/smtp-source"


def maildir_count(server, user):
    md = server.maildir(user)
    return sum(len(os.listdir(os.path.join(md, sub)))
               for sub in ("new", "cur")
               if os.path.isdir(os.path.join(md, sub)))


def smtp_source(server, n, size, sessions):
    """Postfix's LMTP load generator: n messages of size bytes to u1 over
    sessions parallel sessions; checks that all arrived.  -> seconds"""
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


def size_key(size):
    return "lmtp_rate_%d" % size


def lmtp_operations(args):
    """The table's rows (result key, scenario, label) for args's sizes."""
    return [(size_key(size), "lmtp",
             "LMTP msgs/s (higher is better), smtp-source -L, %d B, "
             "%d sessions, %d msgs" % (size, args.lmtp_sessions, args.lmtp_n))
            for size in args.lmtp_sizes]


def scenario_lmtp(server, kind, ctx):
    args = ctx.args
    # one untimed delivery: the user's Maildir and the processes exist
    smtp_source(server, 1, 1024, 1)
    results = {}
    for size in args.lmtp_sizes:
        secs = smtp_source(server, args.lmtp_n, size, args.lmtp_sessions)
        results[size_key(size)] = args.lmtp_n / secs
        ctx.notes.append("lmtp %s: %d msgs of %d B in %.2f s" %
                         (kind, args.lmtp_n, size, secs))
    return results
