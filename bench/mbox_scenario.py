# Copyright (c) Cove authors. See AUTHORS.
"""The `mbox` scenario (issue 5), on a server with
`mail_location = mbox:~/mail:INBOX=<spool>/%u` (MailServer(mbox=True)):

- SELECT INBOX + FETCH 1:* (UID FLAGS) of an mbox INBOX of --mbox-n
  messages (default 20,000), written directly into u1's spool file (the
  same bytes for both servers; every third message has Status: RO, every
  fifth X-Status: F): the first session (no index: the file is parsed)
  and warm (best of --reps after two untimed sessions).  UIDs and flags
  are checked against the file.
- --mbox-lmtp-n messages (default 1,000, about 2 KB) delivered to u2's
  spool by LMTP over --sessions parallel sessions, one transaction per
  message; the spool file must then hold all of them."""

import smtplib
import threading
import time

from benchlib import BenchError
from scenarios import WARMUP_SESSIONS, check_flags, select_fetch

# Mon Nov 23 2026 00:00:00 UTC, in the From line's asctime() form.
MBOX_TIME0 = 1795392000

MBOX_OPERATIONS = [
    ("mbox_select_first", "mbox",
     "mbox: SELECT + FETCH 1:* (UID FLAGS), first, %(mbox_n)d msgs"),
    ("mbox_select_warm", "mbox",
     "mbox: SELECT + FETCH 1:* (UID FLAGS), warm, %(mbox_n)d msgs"),
    ("mbox_lmtp", "mbox",
     "mbox: LMTP delivery of %(mbox_lmtp_n)d msgs, %(sessions)d sessions"),
]


def add_mbox_arguments(ap):
    g = ap.add_argument_group("mbox scenario (see mbox_scenario.py)")
    g.add_argument("--mbox-n", type=int, default=20000,
                   help="messages in the mbox INBOX (default 20000)")
    g.add_argument("--mbox-lmtp-n", type=int, default=1000,
                   help="messages delivered by LMTP (default 1000)")


def mbox_flags(i):
    """(Status/X-Status header lines, IMAP flags) of message i."""
    lines, flags = b"", set()
    if i % 3 == 0:
        lines += b"Status: RO\n"
        flags.add(b"\\Seen")
    if i % 5 == 0:
        lines += b"X-Status: F\n"
        flags.add(b"\\Flagged")
    return lines, flags


def mbox_message(i):
    t = time.gmtime(MBOX_TIME0 + i)
    headers, _ = mbox_flags(i)
    body = b"".join(b"line %d of mbox message %d, some words to fill it "
                    b"up a little\n" % (k, i) for k in range(12))
    return (b"From sender%d@example.org %s\n"
            b"From: Sender %d <sender%d@example.org>\n"
            b"To: u1@localhost\n"
            b"Subject: mbox bench message %d\n"
            b"Date: %s +0000\n"
            b"Message-ID: <mbox-bench-%d@example.org>\n"
            b"%s\n%s\n" % (i % 97, time.strftime("%a %b %e %H:%M:%S %Y",
                                                  t).encode(),
                           i, i % 97, i,
                           time.strftime("%a, %d %b %Y %H:%M:%S", t)
                           .encode(), i, headers, body))


def write_mbox(path, n):
    with open(path, "wb") as f:
        for i in range(n):
            f.write(mbox_message(i))


def mbox_count(path):
    with open(path, "rb") as f:
        data = f.read()
    return data.count(b"\n\nFrom ") + (1 if data.startswith(b"From ") else 0)


def lmtp_message(i):
    body = b"".join(b"delivered line %d of message %d, filling the "
                    b"message up to about two kilobytes\r\n" % (k, i)
                    for k in range(24))
    return (b"From: sender@example.org\r\nTo: u2@localhost\r\n"
            b"Subject: mbox lmtp %d\r\nMessage-ID: <mbox-lmtp-%d@example"
            b".org>\r\n\r\n" % (i, i)) + body


def lmtp_deliver(server, n, sessions):
    """n messages to u2 over sessions parallel LMTP sessions. -> seconds"""
    errors = []

    def run(k):
        try:
            conn = smtplib.LMTP("127.0.0.1", server.lmtp_port,
                                local_hostname="bench.test")
            try:
                for i in range(k, n, sessions):
                    refused = conn.sendmail("sender@example.org",
                                            ["u2@localhost"],
                                            lmtp_message(i))
                    if refused:
                        errors.append(refused)
                        return
            finally:
                conn.quit()
        except (OSError, smtplib.SMTPException) as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,))
               for k in range(sessions)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise BenchError("mbox LMTP delivery failed: %r" % errors[0])
    return elapsed


def scenario_mbox(server, kind, ctx):
    args = ctx.args
    n = args.mbox_n
    t0 = time.perf_counter()
    write_mbox(server.spool("u1"), n)
    ctx.notes.append("%s: wrote a %d-message mbox in %.1f s" %
                     (kind, n, time.perf_counter() - t0))
    expected = {i + 1: mbox_flags(i)[1] for i in range(n)}
    res = {}
    res["mbox_select_first"], _, data = select_fetch(server, n)
    check_flags(data, expected, "first mbox SELECT")
    for _ in range(WARMUP_SESSIONS):
        select_fetch(server, n)
    warm = []
    for _ in range(args.reps):
        elapsed, _, data = select_fetch(server, n)
        warm.append(elapsed)
    check_flags(data, expected, "warm mbox SELECT")
    res["mbox_select_warm"] = min(warm)

    before = mbox_count(server.spool("u2"))
    res["mbox_lmtp"] = lmtp_deliver(server, args.mbox_lmtp_n, args.sessions)
    delivered = mbox_count(server.spool("u2")) - before
    if delivered != args.mbox_lmtp_n:
        raise BenchError("mbox LMTP: %d of %d messages in the spool" %
                         (delivered, args.mbox_lmtp_n))
    return res
