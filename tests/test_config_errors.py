# Copyright (c) Cove authors. See AUTHORS.
"""Config errors name FILE:LINE and stop the master; Dovecot settings Cove
does not implement only warn; `cove -n` prints the non-default settings.
Cove-specific (the messages are Cove's)."""

import os
import subprocess

import pytest

from helpers import deliver, imap_session, logout, select

pytestmark = pytest.mark.cove_only

RUN_TIMEOUT = 10


def write_conf(server, inserts):
    """Write the server's config with lines added at the end; returns
    the 1-based line number of each added line."""
    base = server.config_text()
    if not base.endswith("\n"):
        base += "\n"
    nlines = base.count("\n")
    numbers = []
    text = base
    for line in inserts:
        numbers.append(nlines + 1 + text[len(base):].count("\n"))
        text += line + "\n"
    with open(server.conf, "w") as f:
        f.write(text)
    return numbers


def run_master(server, *args):
    """Run `cove ARGS -c CONF`; it must exit by itself in time."""
    argv = [os.path.join(server.prefix, "sbin", "cove")] + list(args) + \
        ["-c", server.conf]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("cove %s kept running with a bad config" % " ".join(args))
    return proc.returncode, (out + err).decode("utf-8", "replace")


@pytest.fixture
def unstarted(servers):
    s = servers.new(start=False)
    if not os.access(os.path.join(s.prefix, "sbin", "cove"), os.X_OK):
        pytest.fail("cove not installed under %s" % s.prefix)
    return s


MODES = [["-F"], ["-n"]]


# (inserted text, index of the line the error must name within it)
BAD = {
    "include": ("!include /nonexistent/cove-missing.conf", 0),
    "section": ("foo {\n}", 0),
    "number": ("default_process_limit = abc", 0),
    "setting": ("no_such_setting_here = 1", 0),
    "nested": ("service imap {\n  process_limit = -\n}", 1),
    "unclosed": ("protocol imap {", 0),
}


@pytest.mark.parametrize("mode", MODES, ids=["start", "dump"])
@pytest.mark.parametrize("case", list(BAD))
def test_error_names_line(unstarted, mode, case):
    s = unstarted
    bad, offset = BAD[case]
    (start,) = write_conf(s, [bad])
    rc, out = run_master(s, *mode)
    assert rc != 0, out
    want = ["%s:%d" % (s.conf, start + offset)]
    if case == "unclosed":
        # may be reported where the section opens or at the end of file
        want.append("%s:%d" % (s.conf, start + 1))
    assert any(w in out for w in want), (want, out)
    assert "Panic" not in out


def test_two_errors_both_reported(unstarted):
    s = unstarted
    n1, _, n2, _ = write_conf(s, ["default_process_limit = abc",
                                  "# a comment between",
                                  "foo {", "}"])
    rc, out = run_master(s, "-F")
    assert rc != 0, out
    assert "%s:%d" % (s.conf, n1) in out, out
    assert "%s:%d" % (s.conf, n2) in out, out


def test_error_in_included_file(unstarted):
    s = unstarted
    inc = os.path.join(s.root, "inc.conf")
    with open(inc, "w") as f:
        f.write("# included\nauth_failure_delay = 0\n"
                "default_process_limit = 12x\n")
    write_conf(s, ["!include " + inc])
    rc, out = run_master(s, "-F")
    assert rc != 0, out
    assert "%s:3" % inc in out, out


def test_include_try_missing_is_fine(unstarted):
    s = unstarted
    write_conf(s, ["!include_try /nonexistent/cove-missing.conf"])
    rc, out = run_master(s, "-n")
    assert rc == 0, out


def test_unsupported_dovecot_setting_warns(servers):
    s = servers.new(extra_conf="mail_plugins = quota\n")
    assert s.running()
    text = (s.read_log() + s.read_stderr()).decode("utf-8", "replace")
    assert "mail_plugins" in text, text
    deliver(s, b"Subject: warn\r\n\r\nstill works\r\n")
    with imap_session(s) as m:
        assert select(m) == 1
        logout(m)


def test_dump_non_default(unstarted):
    s = unstarted
    write_conf(s, [])
    rc, out = run_master(s, "-n")
    assert rc == 0, out
    lines = [l.strip() for l in out.splitlines()]
    assert "auth_username_format = %Ln" in lines, out
    assert "listen = 127.0.0.1" in lines, out
    assert "service imap-login {" in lines, out
    # settings equal to their defaults are not printed, as doveconf -n
    assert not any(l.startswith("mail_location") for l in lines), out
    # the dump is itself a valid config: feed it back
    with open(s.conf, "w") as f:
        f.write(out)
    rc2, out2 = run_master(s, "-n")
    assert rc2 == 0, out2
    assert sorted(out2.splitlines()) == sorted(out.splitlines())
