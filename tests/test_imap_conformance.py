# Copyright (c) Cove authors. See AUTHORS.
"""The shared imaptest-format conformance scripts, one test case each, run
by tests/imaptest_runner.py against a fresh server (Cove by default,
Dovecot with COVE_TEST_TARGET=dovecot, where all pass but urlauth and
urlauth2, which are skipped: no URLAUTH).  A script skipped for a missing
capability fails, except those two.

The scripts live in tests/imap-conformance/tests, copied unchanged from
the team's shared folder (MIT, see its LICENSE); COVE_CONFORMANCE_DIR
overrides.  COVE_KNOWN_FAILING lists the scripts that fail on Cove today;
they are strict xfails, so a script that starts passing must be taken off
the list."""

import os

import pytest

import imaptest_runner
from conftest import TARGET

SCRIPT_DIR = os.environ.get(
    "COVE_CONFORMANCE_DIR",
    os.path.join(os.path.dirname(os.path.abspath(__file__)),
                 "imap-conformance", "tests"))
TIMEOUT = 10.0

# Skipped on the reference Dovecot too (no URLAUTH there).  Any other
# skip (a capability the server does not advertise) is a failure: the
# issue asks for every script to pass as it does on Dovecot.
REFERENCE_SKIPS = ("urlauth", "urlauth2")

COVE_KNOWN_FAILING = [
]


def load_scripts():
    if not os.path.isdir(SCRIPT_DIR):
        return {}
    return {s.name: s for s in imaptest_runner.load_dir(SCRIPT_DIR)}


SCRIPTS = load_scripts()


def params():
    out = []
    for name in sorted(SCRIPTS):
        marks = []
        if TARGET == "cove" and name in COVE_KNOWN_FAILING:
            marks.append(pytest.mark.xfail(strict=True,
                                           reason="fails on Cove today"))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def test_scripts_found():
    assert len(SCRIPTS) == 48, "no conformance scripts in %s" % SCRIPT_DIR
    assert set(COVE_KNOWN_FAILING) <= set(SCRIPTS)


@pytest.mark.parametrize("name", params())
def test_conformance(server, name):
    users = [("u1", server.users["u1"][2]), ("u2", server.users["u2"][2])]
    result = imaptest_runner.run_script(SCRIPTS[name], "127.0.0.1",
                                        server.imap_port, users,
                                        timeout=TIMEOUT)
    if result.status == "SKIP":
        if name in REFERENCE_SKIPS:
            pytest.skip(result.skip_reason)
        pytest.fail("%s skipped (%s), but Dovecot 2.3 passes it" %
                    (name, result.skip_reason), pytrace=False)
    if result.status != "PASS":
        pytest.fail("%s\n%d failures in %d command groups" % (
            result.report(), result.failures, result.groups_done),
            pytrace=False)


def test_whole_directory_on_one_server(server):
    """All scripts in a row on one server, as imaptest runs them: each
    script's setup must clean up what the ones before it left behind.
    The scripts that fail are exactly the known ones."""
    users = [("u1", server.users["u1"][2]), ("u2", server.users["u2"][2])]
    results = [imaptest_runner.run_script(SCRIPTS[name], "127.0.0.1",
                                          server.imap_port, users,
                                          timeout=TIMEOUT)
               for name in sorted(SCRIPTS)]
    print(imaptest_runner.summary(results))
    skipped = {r.script.name for r in results if r.status == "SKIP"}
    failed = {r.script.name for r in results if r.status == "FAIL"}
    reports = "\n".join(r.report() for r in results if r.status == "FAIL")
    if TARGET == "cove":
        assert failed | (skipped - set(REFERENCE_SKIPS)) == \
            set(COVE_KNOWN_FAILING), reports
        return
    assert not failed, reports
    assert skipped == set(REFERENCE_SKIPS)
    assert sum(r.groups_done for r in results
               if not r.script.extension) == 294
    assert sum(r.groups_done for r in results if r.script.extension) == \
        284 - len(REFERENCE_SKIPS) * 9
