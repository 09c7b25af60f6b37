# Copyright (c) Cove authors. See AUTHORS.
"""Start and stop a private Cove or Dovecot instance for tests and benchmarks.

One MailServer owns a temporary directory with the config, the users file,
the mail homes, base_dir, state_dir and the log.  It starts the master by
pid and stops that pid, nothing else.  Used by tests/conftest.py and
bench/bench.py.
"""

import grp
import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import warnings

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0

USERS = {
    # name: (password, scheme, uid offset)
    "u1": ("pass1", "PLAIN", 1),
    "u2": ("pass2", "SHA512-CRYPT", 2),
}

BAD_LOG_RE = re.compile(rb"\b(Panic|Fatal)\b")


class ServerError(Exception):
    pass


def cove_prefix():
    return os.environ.get("COVE_PREFIX",
                          os.path.join(REPO, "build", "install"))


# ports handed out by this process: never twice
_given_ports = set()


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def free_port():
    """A free loopback port, below the kernel's ephemeral range when that
    leaves room: a port the kernel picked (bind to 0) can be handed to an
    outgoing connection again before the server binds it."""
    low = _ephemeral_low()
    for _ in range(200 if low > 11000 else 0):
        port = random.randrange(10000, low)
        if port in _given_ports:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given_ports.add(port)
        return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_root():
    return os.geteuid() == 0


def ensure_system_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home",
                        "--shell", "/usr/sbin/nologin", name], check=True)


def sha512_crypt(password):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import crypt
            return crypt.crypt(password, crypt.METHOD_SHA512)
        except Exception:
            pass
    out = subprocess.run(["openssl", "passwd", "-6", password],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class MailServer:
    """A private server instance.  kind is "cove" or "dovecot"."""

    def __init__(self, kind, root=None, extra_conf="", uid_base=5000,
                 pop3=False, mbox=False):
        self.kind = kind
        # POP3 (protocols = imap pop3 lmtp and a pop3-login listener) only
        # when asked for: the other tests do not need the pop3 services.
        self.pop3 = pop3
        if root is None:
            root = tempfile.mkdtemp(prefix="covet-", dir="/tmp")
        self.root = root
        self.created_root = True
        self.extra_conf = extra_conf
        self.uid_base = uid_base
        self.proc = None
        self.log_offset = 0
        os.chmod(self.root, 0o755)
        self.conf = os.path.join(root, "cove.conf" if kind == "cove"
                                 else "dovecot.conf")
        self.log_path = os.path.join(root, kind + ".log")
        self.stderr_path = os.path.join(root, kind + ".stderr")
        self.base_dir = os.path.join(root, "run")
        self.state_dir = os.path.join(root, "state")
        self.users_path = os.path.join(root, "users")
        self.imap_port = free_port()
        self.lmtp_port = free_port()
        self.pop3_port = free_port() if pop3 else None
        if is_root():
            if kind == "cove":
                self.login_user, self.internal_user = "covenull", "cove"
            else:
                self.login_user, self.internal_user = "dovenull", "dovecot"
            ensure_system_user(self.login_user)
            ensure_system_user(self.internal_user)
        else:
            me = pwd.getpwuid(os.getuid()).pw_name
            self.login_user = self.internal_user = me
        self.users = {}
        self._write_users()
        # mbox: folders under ~/mail, INBOX in a spool directory set up
        # like /var/mail (root:mail 2775, files user:mail 0600)
        self.mbox = mbox
        self.mail_location = "maildir:~/Maildir"
        if mbox:
            self.mail_location = "mbox:~/mail:INBOX=%s/%%u" % self.spool_dir
            self._make_spool()
        self._write_config()

    # --- paths -----------------------------------------------------------

    @property
    def prefix(self):
        return cove_prefix()

    def home(self, user):
        return os.path.join(self.root, "home", user)

    def maildir(self, user):
        return os.path.join(self.home(user), "Maildir")

    def uid_of(self, user):
        return self.users[user][0]

    @property
    def spool_dir(self):
        return os.path.join(self.root, "spool")

    def spool(self, user):
        """The user's mbox INBOX (mbox=True)."""
        return os.path.join(self.spool_dir, user)

    def mbox_dir(self, user):
        """The user's mbox folders (mbox=True)."""
        return os.path.join(self.home(user), "mail")

    def _make_spool(self):
        os.makedirs(self.spool_dir)
        gid = grp.getgrnam("mail").gr_gid if is_root() else os.getgid()
        if is_root():
            os.chown(self.spool_dir, 0, gid)
        os.chmod(self.spool_dir, 0o2775 if is_root() else 0o755)
        for user, (uid, _gid, _password) in self.users.items():
            with open(self.spool(user), "w"):
                pass
            if is_root():
                os.chown(self.spool(user), uid, gid)
            os.chmod(self.spool(user), 0o600)

    # --- files -----------------------------------------------------------

    def _write_users(self):
        lines = []
        os.makedirs(os.path.join(self.root, "home"), exist_ok=True)
        os.chmod(os.path.join(self.root, "home"), 0o755)
        for name, (password, scheme, off) in USERS.items():
            if is_root():
                uid = gid = self.uid_base + off
            else:
                uid, gid = os.getuid(), os.getgid()
            if scheme == "PLAIN":
                hashed = "{PLAIN}" + password
            else:
                hashed = "{SHA512-CRYPT}" + sha512_crypt(password)
            home = self.home(name)
            os.makedirs(home, exist_ok=True)
            os.chmod(home, 0o700)
            if is_root():
                os.chown(home, uid, gid)
            self.users[name] = (uid, gid, password)
            lines.append("%s:%s:%d:%d::%s::\n" % (name, hashed, uid, gid,
                                                  home))
        with open(self.users_path, "w") as f:
            f.write("".join(lines))
        os.chmod(self.users_path, 0o644)

    def config_text(self):
        r = self.root
        text = """\
base_dir = {r}/run
state_dir = {r}/state
log_path = {log}
protocols = {protocols}
listen = 127.0.0.1
default_login_user = {lu}
default_internal_user = {iu}
auth_mechanisms = plain login
auth_username_format = %Ln
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = {users}
}}
userdb {{
  driver = passwd-file
  args = {users}
}}
mail_location = {location}
service imap-login {{
  inet_listener imap {{
    port = {ip}
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lp}
  }}
}}
""".format(r=r, log=self.log_path, lu=self.login_user,
           iu=self.internal_user, users=self.users_path,
           ip=self.imap_port, lp=self.lmtp_port,
           location=self.mail_location,
           protocols="imap pop3 lmtp" if self.pop3 else "imap lmtp")
        if self.mbox and is_root():
            # the dotlock in the spool needs the spool's group
            text += "mail_privileged_group = mail\n"
        if self.pop3:
            text += """\
service pop3-login {{
  inet_listener pop3 {{
    port = {pp}
  }}
}}
""".format(pp=self.pop3_port)
        if self.kind == "dovecot":
            # Dovecot-only: no TLS listener, no certificate needed.
            text += """\
ssl = no
service imap-login {
  inet_listener imaps {
    port = 0
  }
}
"""
            if self.pop3:
                text += """\
service pop3-login {
  inet_listener pop3s {
    port = 0
  }
}
"""
            if not is_root():
                # chroot and its default listener groups need root
                group = grp.getgrgid(os.getgid()).gr_name
                for svc, lst in (("stats", "stats-writer"),
                                 ("imap-hibernate", "imap-hibernate"),
                                 ("dict", "dict"),
                                 ("dict-async", "dict-async")):
                    text += ("service %s {\n  unix_listener %s {\n"
                             "    group = %s\n  }\n}\n" % (svc, lst, group))
                for svc in ("imap-login", "pop3-login", "anvil"):
                    text += "service %s {\n  chroot =\n}\n" % svc
        return text + self.extra_conf

    def _write_config(self):
        with open(self.conf, "w") as f:
            f.write(self.config_text())
        os.chmod(self.conf, 0o644)

    # --- process control -------------------------------------------------

    def master_argv(self):
        if self.kind == "cove":
            return [os.path.join(self.prefix, "sbin", "cove"), "-F",
                    "-c", self.conf]
        return ["dovecot", "-F", "-c", self.conf]

    def admin_argv(self, *args):
        if self.kind == "cove":
            return [os.path.join(self.prefix, "bin", "coveadm"),
                    "-c", self.conf] + list(args)
        return ["doveadm", "-c", self.conf] + list(args)

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    def read_stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    def diagnostics(self):
        return ("--- log ---\n%s\n--- stderr ---\n%s" %
                (self.read_log().decode("utf-8", "replace")[-8000:],
                 self.read_stderr().decode("utf-8", "replace")[-4000:]))

    def start(self, timeout=START_TIMEOUT):
        if self.proc is not None:
            raise ServerError("already running")
        argv = self.master_argv()
        if self.kind == "cove" and not os.access(argv[0], os.X_OK):
            raise ServerError("cove master not found at %s "
                              "(set COVE_PREFIX)" % argv[0])
        stderr = open(self.stderr_path, "ab")
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=stderr, stderr=stderr)
        finally:
            stderr.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                self.proc = None
                raise ServerError("%s exited with %d during start\n%s" %
                                  (self.kind, rc, self.diagnostics()))
            if all(port_open(p) for p in self.ports()):
                return
            time.sleep(0.05)
        self.kill()
        raise ServerError("%s did not open its ports within %.0f s\n%s" %
                          (self.kind, timeout, self.diagnostics()))

    def ports(self):
        return [p for p in (self.imap_port, self.lmtp_port, self.pop3_port)
                if p is not None]

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM the master, wait, SIGKILL as a fallback.  Returns True
        when the master exited on SIGTERM within the timeout."""
        if self.proc is None:
            return True
        clean = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                clean = False
                self.proc.kill()
                self.proc.wait(timeout)
        self.proc = None
        self._wait_ports_closed()
        return clean

    def stop_admin(self, timeout=STOP_TIMEOUT):
        """Stop with `coveadm stop` / `doveadm stop`.  Returns the admin
        tool's CompletedProcess and whether the master then exited by
        itself within the timeout (if not, it is killed)."""
        res = subprocess.run(self.admin_argv("stop"), capture_output=True,
                             timeout=timeout)
        try:
            self.proc.wait(timeout)
            exited = True
        except subprocess.TimeoutExpired:
            exited = False
        self.kill()
        self._wait_ports_closed()
        return res, exited

    def kill(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(STOP_TIMEOUT)
            self.proc = None

    def _wait_ports_closed(self):
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline:
            if not any(port_open(p) for p in self.ports()):
                return
            time.sleep(0.05)

    def reap_children(self, pids, timeout=STOP_TIMEOUT):
        """After the master exited: wait for its former children to exit.
        Those still there at the timeout are killed (by pid, and only if
        still the same process) and returned as [(pid, name)]."""
        def alive():
            out = []
            for pid, start in pids:
                try:
                    if proc_start_time(pid) == start:
                        out.append(pid)
                except (FileNotFoundError, ProcessLookupError):
                    pass
            return out

        deadline = time.monotonic() + timeout
        while alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        left = []
        for pid in alive():
            try:
                left.append((pid, proc_status(pid)["Name"]))
                os.kill(pid, signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError):
                pass
        return left

    def bad_log_lines(self):
        """Panic/Fatal lines in the log and in the master's stderr."""
        text = self.read_log() + b"\n" + self.read_stderr()
        return [l for l in text.splitlines() if BAD_LOG_RE.search(l)]

    def children(self):
        """[(pid, start time)] of the processes whose parent is the
        master (the start time tells a reused pid apart)."""
        out = []
        for pid in child_pids(self.pid):
            try:
                out.append((pid, proc_start_time(pid)))
            except (FileNotFoundError, ProcessLookupError):
                pass
        return out

    def cleanup(self):
        self.kill()
        if self.created_root and not os.environ.get("COVE_TEST_KEEP"):
            shutil.rmtree(self.root, ignore_errors=True)


def proc_status(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    return fields


def service_pids(master_pid, name):
    """The pids of the master's children called name ("imap", "lmtp")."""
    out = []
    for pid in child_pids(master_pid):
        try:
            if proc_status(pid)["Name"] == name:
                out.append(pid)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out


def process_gone(pid):
    """True once pid has exited (gone, or a zombie not yet reaped)."""
    try:
        return proc_status(pid)["State"].startswith("Z")
    except (FileNotFoundError, ProcessLookupError):
        return True


def proc_start_time(pid):
    """Start time (field 22 of /proc/PID/stat); raises if pid is gone."""
    with open("/proc/%d/stat" % pid) as f:
        stat = f.read()
    state_and_rest = stat[stat.rindex(")") + 2:].split()
    if state_and_rest[0] == "Z":
        raise ProcessLookupError(pid)
    return int(state_and_rest[19])


def child_pids(ppid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = proc_status(int(d))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if st.get("PPid") == str(ppid):
            out.append(int(d))
    return out
