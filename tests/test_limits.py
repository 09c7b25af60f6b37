# Copyright (c) Cove authors. See AUTHORS.
"""Limits: hitting each one gives the protocol's error and a log line,
never a crash, and never holds up the other clients.

process_limit, client_limit, mail_max_userip_connections,
imap_max_line_length, imap_max_append_size, lmtp_max_recipients,
login_timeout, and slowloris: 500 connections sending a byte a second
are timed out while a normal client logs in and fetches."""

import re
import resource
import socket
import threading

import pytest

from helpers import (RawClient, deliver, fetch, imap_session, logout,
                     new_pop3_server, select, wait_for)

WAIT = 20.0


def log_has(server, text):
    return text.encode() in server.read_log()


def greeted(server):
    c = RawClient(server.imap_port)
    assert c.readline().startswith(b"* OK")
    return c


def raw_login(server, user="u1"):
    """A greeted connection and the tagged reply to its LOGIN."""
    c = greeted(server)
    tagged, _ = c.imap_cmd("a", "LOGIN %s %s" % (user,
                                                 server.users[user][2]))
    return c, tagged


def assert_works(c, tag="n"):
    tagged, _ = c.imap_cmd(tag, "NOOP")
    assert tagged.startswith(tag.encode() + b" OK"), tagged


USERIP_ERROR = (b"NO [LIMIT] Maximum number of connections from user+IP "
                b"exceeded (mail_max_userip_connections=2)")


def test_mail_max_userip_connections(servers):
    server = servers.new("protocol imap {\n"
                         "  mail_max_userip_connections = 2\n}\n")
    sessions = []
    for _ in range(2):
        c, tagged = raw_login(server)
        assert tagged.startswith(b"a OK"), tagged
        sessions.append(c)
    c, tagged = raw_login(server)
    # as Dovecot: the reason, then the connection ends
    assert tagged == b"a " + USERIP_ERROR
    assert c.closed()
    c.close()
    wait_for(lambda: log_has(server, "Maximum number of connections from "
                             "user+IP exceeded"), "log line")
    # another user is not limited; the sessions work
    other, tagged = raw_login(server, "u2")
    assert tagged.startswith(b"a OK"), tagged
    for s in sessions:
        assert_works(s)
    # once a session ends, the user can log in again
    sessions.pop().close()

    def login_again():
        c, tagged = raw_login(server)
        assert tagged.startswith(b"a OK") or tagged == b"a " + USERIP_ERROR
        if tagged.startswith(b"a OK"):
            sessions.append(c)
            return True
        c.close()
        return False
    wait_for(login_again, "login after a session ended")
    for s in sessions:
        assert_works(s)
    for s in sessions + [other]:
        s.close()


def test_mail_max_userip_connections_pop3(servers):
    server = new_pop3_server(servers, "protocol pop3 {\n"
                             "  mail_max_userip_connections = 1\n}\n")
    clients = []
    for _ in range(2):
        c = RawClient(server.pop3_port)
        assert c.readline().startswith(b"+OK")
        c.sendline("USER u1")
        assert c.readline().startswith(b"+OK")
        c.sendline("PASS %s" % server.users["u1"][2])
        clients.append((c, c.readline()))
    assert clients[0][1].startswith(b"+OK"), clients[0][1]
    assert clients[1][1] == (
        b"-ERR [IN-USE] Maximum number of connections from user+IP "
        b"exceeded (mail_max_userip_connections=1)")
    assert clients[1][0].closed()
    # IMAP has its own count
    c, tagged = raw_login(server)
    assert tagged.startswith(b"a OK"), tagged
    for x in [c] + [x for x, _ in clients]:
        x.close()


@pytest.mark.cove_only
def test_process_limit(servers):
    """The per-connection imap service at process_limit: a further login
    gets NO [UNAVAILABLE] (Dovecot queues it instead); the sessions go on
    and a login succeeds once one has ended."""
    server = servers.new("service imap {\n  process_limit = 2\n}\n")
    sessions = []
    for _ in range(2):
        c, tagged = raw_login(server)
        assert tagged.startswith(b"a OK"), tagged
        sessions.append(c)
    c, tagged = raw_login(server)
    assert tagged.startswith(b"a NO [UNAVAILABLE]"), tagged
    wait_for(lambda: log_has(server, "service(imap): process_limit (2) "
                             "reached"), "log line")
    for s in sessions:
        assert_works(s)
    sessions.pop().close()

    def login_again():
        c2, tagged = raw_login(server)
        c2.close()
        return tagged.startswith(b"a OK")
    wait_for(login_again, "login after a session ended")
    for s in sessions + [c]:
        s.close()


@pytest.mark.cove_only
def test_client_limit(servers):
    """A login process at client_limit stops accepting: the next
    connection waits in the listen queue (and the log says so) until a
    client leaves; the connected clients are not disturbed."""
    server = servers.new("service imap-login {\n  process_limit = 1\n"
                         "  client_limit = 3\n}\n")
    clients = [greeted(server) for _ in range(3)]
    waiting = RawClient(server.imap_port, timeout=1)
    with pytest.raises(socket.timeout):
        waiting.readline()
    wait_for(lambda: log_has(server, "client_limit (3) reached"),
             "log line")
    c, tagged = clients[0], None
    tagged, _ = c.imap_cmd("a", "LOGIN u1 %s" % server.users["u1"][2])
    assert tagged.startswith(b"a OK"), tagged
    # the handed-off client left the login process: a slot is free
    waiting.sock.settimeout(WAIT)
    assert waiting.readline().startswith(b"* OK")
    assert_works(c)
    for x in clients + [waiting]:
        x.close()


@pytest.mark.cove_only
def test_imap_max_line_length(servers):
    server = servers.new("imap_max_line_length = 1k\n")
    c, tagged = raw_login(server)
    assert tagged.startswith(b"a OK"), tagged
    c.sendline("b NOOP " + "x" * 2000)
    assert c.readline() == \
        b"b BAD Error in IMAP command NOOP: Command line too long"
    # the session goes on
    assert_works(c)
    c.close()


@pytest.mark.cove_only
def test_imap_max_line_length_before_login(server):
    """The login process reads lines of up to 8 KB (LOGIN_MAX_INBUF_SIZE,
    whatever imap_max_line_length says)."""
    c = greeted(server)
    c.sendline("a NOOP " + "x" * 9000)
    assert c.readline() == b"* BYE Input line too long."
    assert c.closed()
    wait_for(lambda: log_has(server, "Input line too long"), "log line")


@pytest.mark.cove_only
def test_append_over_limit(servers):
    """A synchronizing literal over imap_max_append_size is refused before
    the client sends it; a non-synchronizing one cannot be skipped, so the
    connection ends (RFC 7888 4). Nothing is stored; others go on."""
    server = servers.new("imap_max_append_size = 1k\n")
    other, tagged = raw_login(server)
    c, tagged = raw_login(server)
    c.sendline("b APPEND INBOX {2000}")
    assert c.readline() == \
        b"b BAD Error in IMAP command APPEND: Literal too large"
    assert_works(c)
    c.sendline("c APPEND INBOX {2000+}")
    c.send(b"x" * 2000 + b"\r\n")
    assert c.closed()
    # each refusal is logged with the user, mailbox, size and limit
    log = re.compile(rb"^.* imap\(u1\)<\d+>: Info: APPEND to INBOX: Rejected "
                     rb"2000 bytes of messages \(imap_max_append_size=1024\)$",
                     re.M)
    wait_for(lambda: len(log.findall(server.read_log())) == 2, "log lines")
    assert_works(other)
    with imap_session(server) as m:
        assert select(m) == 0
        logout(m)
    other.close()


@pytest.mark.cove_only
def test_lmtp_max_recipients(servers):
    server = servers.new("lmtp_max_recipients = 2\n")
    c = RawClient(server.lmtp_port)
    assert c.smtp_reply()[0] == 220
    assert c.smtp_cmd("LHLO client.test")[0] == 250
    assert c.smtp_cmd("MAIL FROM:<sender@example.org>")[0] == 250
    assert c.smtp_cmd("RCPT TO:<u1@localhost>")[0] == 250
    assert c.smtp_cmd("RCPT TO:<u2@localhost>")[0] == 250
    code, text = c.smtp_cmd("RCPT TO:<u1@localhost>")
    assert code == 452 and text[0].startswith("4.5.3"), (code, text)
    # the transaction goes on with the accepted recipients
    assert c.smtp_cmd("DATA")[0] == 354
    c.send(b"Subject: limits\r\n\r\nbody\r\n.\r\n")
    assert [c.smtp_reply()[0] for _ in range(2)] == [250, 250]
    c.close()


@pytest.mark.cove_only
def test_login_timeout(servers):
    server = servers.new("login_timeout = 1s\n")
    c = greeted(server)
    assert c.readline() == b"* BYE Disconnected for inactivity."
    assert c.closed()
    wait_for(lambda: log_has(server, "Disconnected: Inactivity"), "log line")
    # others still log in
    with imap_session(server) as m:
        select(m)
        logout(m)


def raise_fd_limit(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= n


@pytest.mark.cove_only
def test_slowloris(servers):
    """500 connections that send one byte a second are closed by
    login_timeout; meanwhile a normal client logs in and fetches."""
    count = 500
    if not raise_fd_limit(count + 200):
        pytest.skip("RLIMIT_NOFILE too low for %d connections" % count)
    server = servers.new("login_timeout = 5s\n")
    deliver(server, b"Subject: slowloris\r\n\r\nbody\r\n")
    slow = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", server.imap_port),
                                     timeout=WAIT)
        slow.append(s)
    closed = set()
    stop = threading.Event()

    def drip():
        while not stop.is_set() and len(closed) < count:
            for i, s in enumerate(slow):
                if i in closed:
                    continue
                try:
                    s.send(b"a")
                except OSError:
                    closed.add(i)
            stop.wait(1)

    dripper = threading.Thread(target=drip)
    dripper.start()
    try:
        # a normal client, while the 500 are open
        with imap_session(server) as m:
            assert select(m) == 1
            res = fetch(m, "1", "(BODY.PEEK[])")
            assert bytes(res[1][b"BODY[]"]).endswith(b"body\r\n")
            logout(m)
        # every slow connection is closed by the server
        for i, s in enumerate(slow):
            if i in closed:
                continue
            s.settimeout(60)
            try:
                while s.recv(65536):
                    pass
            except ConnectionResetError:
                pass
            closed.add(i)
    finally:
        stop.set()
        dripper.join()
        for s in slow:
            s.close()
    assert len(closed) == count
    assert log_has(server, "Disconnected: Inactivity")
