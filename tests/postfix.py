# Copyright (c) Cove authors. See AUTHORS.
"""A private Postfix instance for the tests that put Postfix in front of
Cove: its own config directory, started and stopped without touching the
system's Postfix, with its log at hand for failure messages."""

import os
import shutil
import signal
import smtplib
import subprocess
import tempfile
import time

import pytest

from mailserver import free_port

POSTFIX = "/usr/sbin/postfix"

# What every instance has in main.cf: its own directories and log, SMTP on
# 127.0.0.1 only, no aliases.
MAIN_CF = """\
compatibility_level = 3.6
config_directory = {d}
queue_directory = {d}/queue
data_directory = {d}/data
mail_owner = postfix
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
smtputf8_enable = no
biff = no
maillog_file = {d}/maillog
"""

# The services Postfix needs to take SMTP mail and deliver it locally,
# none of them chrooted (Cove's sockets and binaries live outside the
# queue directory).
MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
    """main_cf and master_cf are the test's own lines after MAIN_CF and
    MASTER_CF. All are format strings: {d} is the config directory,
    {port} the SMTP port, and params fill in the rest. Without a
    directory, a fresh one is made under /tmp."""

    def __init__(self, main_cf, master_cf, directory=None, **params):
        if directory is None:
            directory = tempfile.mkdtemp(prefix="covepf-", dir="/tmp")
            os.chmod(directory, 0o755)
        else:
            os.makedirs(directory, 0o755)
        self.dir = directory
        self.port = free_port()
        for sub in ("queue", "data"):
            os.mkdir(os.path.join(self.dir, sub), 0o755)
        for name, text in (("main.cf", MAIN_CF + main_cf),
                           ("master.cf", MASTER_CF + master_cf)):
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text.format(d=self.dir, port=self.port, **params))
        self.maillog = os.path.join(self.dir, "maillog")

    def run(self, *args):
        # postfix prints its fatal errors only to a terminal: `script`
        # gives it one so that a failure says why
        cmd = " ".join([POSTFIX, "-c", self.dir] + list(args))
        return subprocess.run(["script", "-qec", cmd, "/dev/null"],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=60)

    def start(self):
        for step in (("set-permissions",), ("start",)):
            res = self.run(*step)
            if res.returncode != 0:
                pytest.fail("postfix %s failed: %s\n%s" % (
                    step[0], res.stdout.decode(errors="replace"),
                    self.read_log()))
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", self.port, timeout=5).quit()
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail("postfix did not listen:\n" + self.read_log())

    def master_pid(self):
        try:
            with open(os.path.join(self.dir, "queue", "pid",
                                   "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        pid = self.master_pid()
        self.run("stop")
        if pid is not None:
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)

    def read_log(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def wait_for(self, check, timeout, what):
        """Polls check() until it returns something true, and returns
        that; fails with the log when timeout seconds pass first."""
        deadline = time.time() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.time() > deadline:
                pytest.fail("%s within %ds; postfix log:\n%s"
                            % (what, timeout, self.read_log()))
            time.sleep(0.2)
