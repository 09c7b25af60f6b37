# Copyright (c) Cove authors. See AUTHORS.
"""Client side of the benchmarks in bench.py and scenarios.py: a raw
LMTP/IMAP/POP3 connection, IMAP login, the server's process tree and its
memory (PSS), and the private server instance with 100 users."""

import os
import re
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

from mailserver import (USERS, MailServer, is_root,  # noqa: E402
                        proc_status, sha512_crypt)

TAG = b"BENCH7"
TAGGED_RE = re.compile(re.escape(TAG) + rb" (OK|NO|BAD)\b")
IO_TIMEOUT = 300
# Users of BenchServer: u1 and u2 of tests/mailserver.py, then u3..u100.
BENCH_USERS = 100


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

    def imap_try(self, command):
        """Send a tagged command; return (status, response) where status
        is b"OK", b"NO" or b"BAD" and response is everything up to and
        including the tagged line.  Scans only new data for the tag, with
        bytes.find() rather than a regular expression: a regex scan of a
        100,000-line FETCH costs the client more than the server spends
        on it, and the client would then be what the bench measures."""
        self.send(TAG + b" " + command + b"\r\n")
        data = bytearray(self.buf)
        self.buf = b""
        line_start = b"\r\n" + TAG + b" "
        scan, start = 0, -1
        while True:
            if start < 0:
                if scan == 0 and data.startswith(line_start[2:]):
                    start = 0
                else:
                    start = data.find(line_start, scan)
                    start = start if start < 0 else start + 2
            if start >= 0:
                eol = data.find(b"\r\n", start)
                if eol >= 0:
                    m = TAGGED_RE.match(data, start, eol)
                    if m is None:
                        raise BenchError("bad tagged reply to %r: %r" %
                                         (command, bytes(data[start:eol])))
                    self.buf = bytes(data[eol + 2:])
                    return m.group(1), bytes(data[:eol + 2])
            scan = max(0, len(data) - len(line_start) + 1)
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise BenchError("connection closed during %r" % command)
            data += chunk

    def imap(self, command):
        """imap_try() that raises BenchError unless the reply is OK;
        returns the response."""
        status, data = self.imap_try(command)
        if status != b"OK":
            raise BenchError("IMAP %r -> %r" %
                             (command, data.splitlines()[-1]))
        return data

    def wait_closed(self):
        """Read until the server closes the connection."""
        while self.sock.recv(65536):
            pass
        self.sock.close()

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


def imap_login(server, user="u1"):
    c = Conn(server.imap_port)
    if not c.readline().startswith(b"* OK"):
        raise BenchError("no IMAP greeting")
    c.imap(b"LOGIN %s %s" % (user.encode(), server.users[user][2].encode()))
    return c


def count_fetch(data):
    return len(re.findall(rb"\r\n\* \d+ FETCH \(|^\* \d+ FETCH \(", data))


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


def tree_names(root_pid):
    """{process name: count} over the master's tree."""
    names = {}
    for pid in tree_pids(root_pid):
        try:
            name = proc_status(pid)["Name"]
        except OSError:
            continue
        names[name] = names.get(name, 0) + 1
    return names


def wait_no_process(root_pid, name, timeout=30.0):
    """Wait until no process called name is left in the master's tree
    (e.g. "imap" workers writing their index after LOGOUT)."""
    deadline = time.monotonic() + timeout
    while tree_names(root_pid).get(name) and time.monotonic() < deadline:
        time.sleep(0.05)
    if tree_names(root_pid).get(name):
        raise BenchError("%s processes still running after %.0f s" %
                         (name, timeout))


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


class BenchServer(MailServer):
    """A MailServer with users u3..u100 (password "passN" stored in
    scheme, PLAIN or SHA512-CRYPT; UID uid_base + N) besides u1 and u2 of
    the tests."""

    def __init__(self, kind, scheme="PLAIN", **kwargs):
        self.scheme = scheme
        super().__init__(kind, **kwargs)

    def _write_users(self):
        super()._write_users()
        lines = []
        for k in range(len(USERS) + 1, BENCH_USERS + 1):
            name, password = "u%d" % k, "pass%d" % k
            if is_root():
                uid = gid = self.uid_base + k
            else:
                uid, gid = os.getuid(), os.getgid()
            home = self.home(name)
            os.makedirs(home, exist_ok=True)
            os.chmod(home, 0o700)
            if is_root():
                os.chown(home, uid, gid)
            self.users[name] = (uid, gid, password)
            hashed = password if self.scheme == "PLAIN" \
                else sha512_crypt(password)
            lines.append("%s:{%s}%s:%d:%d::%s::\n" %
                         (name, self.scheme, hashed, uid, gid, home))
        with open(self.users_path, "a") as f:
            f.write("".join(lines))

    def bench_users(self):
        return ["u%d" % k for k in range(1, BENCH_USERS + 1)]
