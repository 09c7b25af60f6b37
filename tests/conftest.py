# Copyright (c) Cove authors. See AUTHORS.
"""pytest fixtures: a private Cove server per test (or Dovecot, with
COVE_TEST_TARGET=dovecot, to check the tests themselves), stopped by pid
at teardown, whose log must hold no Panic or Fatal line."""

import os

import pytest

from mailserver import MailServer, ServerError, cove_prefix

TARGET = os.environ.get("COVE_TEST_TARGET", "cove")
if TARGET not in ("cove", "dovecot"):
    raise SystemExit("COVE_TEST_TARGET must be cove or dovecot")


def pytest_report_header(config):
    if TARGET == "cove":
        return "target: cove (COVE_PREFIX=%s)" % cove_prefix()
    return "target: dovecot"


def pytest_runtest_setup(item):
    if TARGET != "cove" and item.get_closest_marker("cove_only"):
        pytest.skip("Cove-specific test (COVE_TEST_TARGET=%s)" % TARGET)
    if item.get_closest_marker("root_only") and os.geteuid() != 0:
        pytest.skip("needs root")


@pytest.fixture
def target():
    return TARGET


class ServerFactory:
    """Creates servers and guarantees their teardown."""

    def __init__(self):
        self.servers = []

    def new(self, extra_conf="", start=True, **kwargs):
        """kwargs go to MailServer (mbox=True...)."""
        s = MailServer(TARGET, extra_conf=extra_conf, **kwargs)
        self.servers.append(s)
        if start:
            self.start(s)
        return s

    @staticmethod
    def start(s):
        """Starts s; a server that does not come up fails the test with
        its error (no traceback)."""
        try:
            s.start()
        except ServerError as e:
            pytest.fail(str(e), pytrace=False)

    def finish(self):
        problems = []
        for s in self.servers:
            try:
                if s.running():
                    children = s.children()
                    if not s.stop():
                        problems.append("%s pid did not exit on SIGTERM"
                                        % s.kind)
                    left = s.reap_children(children)
                    if left:
                        problems.append("%s left processes after it "
                                        "exited: %s" % (s.kind, left))
                else:
                    s.kill()
                bad = s.bad_log_lines()
                if bad:
                    problems.append("Panic/Fatal in %s:\n%s\n%s" % (
                        s.log_path,
                        b"\n".join(bad).decode("utf-8", "replace"),
                        s.diagnostics()))
            finally:
                if not problems:
                    s.cleanup()
                else:
                    s.kill()
        return problems


@pytest.fixture
def servers():
    f = ServerFactory()
    yield f
    problems = f.finish()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def server(servers):
    """A running server with users u1 (PLAIN) and u2 (SHA512-CRYPT)."""
    return servers.new()
