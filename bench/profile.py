# Copyright (c) Cove authors. See AUTHORS.
"""Profiles Cove's IMAP worker during the select scenario's SELECT INBOX +
FETCH 1:* (UID FLAGS): starts a private Cove with the generated maildir,
runs the sessions that the mode needs (first: none; warm: three; cold:
three, then the index and caches removed), logs in, attaches
`perf record` (Debian's linux-perf) to that session's worker, runs the
two commands and prints perf's report of the functions with the most
time, self and with callees.

    bench/profile.py --mode warm --select-n 100000 [--out FILE]

The perf data stays in --out (default /tmp/cove-profile-MODE.data) for
`perf report -i FILE`.  Cove is found through COVE_PREFIX."""

import argparse
import shutil
import subprocess
import sys
import time
from types import SimpleNamespace

from benchlib import BenchServer, imap_login, proc_status, tree_pids
import scenarios

PERF_START_SECS = 1.0


def report(path, children):
    argv = ["perf", "report", "-i", path, "--stdio", "-g", "none",
            "--percent-limit", "1.5",
            "--children" if children else "--no-children"]
    out = subprocess.run(argv, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    return "\n".join(line for line in out.splitlines()
                     if line.strip() and not line.startswith("#"))


def profile(server, ctx, args):
    n = args.select_n
    owner = scenarios.owner_of(server, "u1")
    template = ctx.template("select", n, scenarios.select_message, owner)
    scenarios.link_maildir(template, server.maildir("u1"), owner)
    if args.mode != "first":
        for _ in range(1 + scenarios.WARMUP_SESSIONS):
            scenarios.select_fetch(server, n)
    if args.mode == "cold":
        removed, _ = scenarios.remove_caches("cove", server.maildir("u1"))
        print("removed: %s" % (" ".join(removed) or "nothing"))
    c = imap_login(server)
    workers = [pid for pid in tree_pids(server.pid)
               if proc_status(pid)["Name"] == "imap"]
    if len(workers) != 1:
        sys.exit("expected one imap worker, found %d" % len(workers))
    perf = subprocess.Popen(["perf", "record", "-F", str(args.freq),
                             "--call-graph", "dwarf", "-o", args.out,
                             "-p", str(workers[0])],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(PERF_START_SECS)
    t0 = time.perf_counter()
    c.imap(b"SELECT INBOX")
    c.imap(b"FETCH 1:* (UID FLAGS)")
    print("%s SELECT + FETCH 1:* (UID FLAGS) of %d messages: %.3f s "
          "(slower under perf)" % (args.mode, n, time.perf_counter() - t0))
    scenarios.end_session(server, c)
    perf.wait(30)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["first", "warm", "cold"],
                    default="warm")
    ap.add_argument("--select-n", type=int, default=100000)
    ap.add_argument("--freq", type=int, default=1000,
                    help="perf samples per second (default 1000)")
    ap.add_argument("--out", help="perf data file")
    args = ap.parse_args()
    if shutil.which("perf") is None:
        ap.error("perf not found (apt-get install linux-perf)")
    if args.out is None:
        args.out = "/tmp/cove-profile-%s.data" % args.mode
    ctx = scenarios.Context(SimpleNamespace())
    server = BenchServer("cove")
    try:
        server.start()
        profile(server, ctx, args)
    finally:
        server.stop()
        server.cleanup()
        ctx.cleanup()
    print("--- self time ---\n%s" % report(args.out, False))
    print("--- with callees ---\n%s" % report(args.out, True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
