# Copyright (c) Cove authors. See AUTHORS.
"""Unit tests of tests/imaptest_runner.py itself: the script parser on
every shared file, the mbox reader, the matching rules (with negative
examples: a lenient matcher hides bugs) and the runner's failure handling
against a scripted fake IMAP server."""

import os
import re
import socket
import threading

import pytest

import imaptest_runner as R

SHARED = os.environ.get(
    "COVE_CONFORMANCE_DIR",
    os.path.join(os.path.dirname(os.path.abspath(__file__)),
                 "imap-conformance", "tests"))


def script(text, name="t"):
    return R.parse_script(text.encode("latin-1"), name)


# --- parser: the shared files -----------------------------------------

def shared_names():
    return sorted(n for n in os.listdir(SHARED)
                  if not n.startswith(".") and not n.endswith(".mbox"))


@pytest.mark.parametrize("name", shared_names())
def test_shared_file_parses(name):
    with open(os.path.join(SHARED, name), "rb") as f:
        s = R.parse_script(f.read(), name)
    assert s.groups
    for g in s.groups:
        assert g.commands and not g.pending()
        assert len({c.conn for c in g.commands}) == 1
    last = s.groups[-1].commands[-1]
    assert R.lower(last.plain_text()) == "logout"


def test_reference_counts():
    """FORMAT.md section 11: 48 tests, 294 base / 284 extension groups
    (implicit LOGOUT included), 9 each in urlauth and urlauth2."""
    scripts = R.load_dir(SHARED)
    assert len(scripts) == 48
    base = sum(len(s.groups) for s in scripts if not s.extension)
    ext = sum(len(s.groups) for s in scripts if s.extension)
    assert (base, ext) == (294, 284)
    by = {s.name: s for s in scripts}
    assert len(by["urlauth"].groups) == 9
    assert len(by["urlauth2"].groups) == 9
    assert by["urlauth2"].users == {2: "$user2"}
    assert by["list"].connections == 3 and by["list"].state == "auth"
    assert by["esearch"].messages == "all"
    assert by["id"].state == "nonauth"
    assert by["fetch"].mbox_path.endswith("default.mbox")
    assert by["select"].mbox_path.endswith("select.mbox")


def test_pipeline_groups():
    with open(os.path.join(SHARED, "pipeline"), "rb") as f:
        s = R.parse_script(f.read(), "pipeline")
    assert [len(g.commands) for g in s.groups] == [4, 4, 1]
    g = s.groups[1]
    assert [c.tagn for c in g.commands] == ["tag1", "tag2", "tag3", "tag4"]
    assert [c.plain_text() for c in g.commands][1] == \
        "status ${mailbox}2 (messages)"
    assert all(c.reply_source == "ok" for c in g.commands)
    assert len(g.expects) == 4


def test_binary_blocks_are_bytes_exact():
    with open(os.path.join(SHARED, "fetch-binary-mime-qp"), "rb") as f:
        s = R.parse_script(f.read(), "q")
    exp = [e for g in s.groups for e in g.expects
           if "binary[1]<10>" in e.source][0]
    lit = exp.toks[2].items[1]
    assert lit.kind == "literal" and lit.binary
    assert lit.text == "\r\nfoo\tbar\r"
    with open(os.path.join(SHARED, "append-binary"), "rb") as f:
        s = R.parse_script(f.read(), "a")
    parts = s.groups[0].commands[0].parts
    assert len(parts) == 2 and parts[0] == "append $mailbox "
    content, binary = parts[1]
    assert binary
    assert content.endswith("binary\r\n\r\n\x00-\xe4\n\r\n\n")


def test_reply_lines_and_inline_status():
    with open(os.path.join(SHARED, "select"), "rb") as f:
        s = R.parse_script(f.read(), "select")
    examine = s.groups[2]
    assert examine.commands[0].plain_text() == "examine $mailbox"
    assert examine.commands[0].reply_source == "ok [read-only]"
    assert len(examine.expects) == 5
    with open(os.path.join(SHARED, "subscribe"), "rb") as f:
        s = R.parse_script(f.read(), "subscribe")
    assert s.groups[1].commands[0].reply[0].kind == "string"
    assert s.groups[1].commands[0].conn == 1


# --- parser: hand-made files ------------------------------------------

def test_normal_block_crlf_and_remainder():
    s = script("state: auth\n\nok append x {{{\na\n\nb\n}}} tail\n")
    c = s.groups[0].commands[0]
    assert c.parts == ["append x ", ("a\r\n\r\nb", False), " tail"]
    assert R.parts_to_wire(c.parts) == "append x {6}\r\na\r\n\r\nb tail"


def test_block_keeps_cr_and_comment_lines():
    s = script("messages: 1\n\nok x {{{\n# not a comment\r\n\n}}}\n")
    assert s.groups[0].commands[0].parts[1] == \
        ("# not a comment\r\r\n", False)


def test_two_blocks_in_one_line():
    s = script("\nok x {{{\na\n}}} y ~{{{\nb\r\nc\n}}})\n")
    assert s.groups[0].commands[0].parts == \
        ["x ", ("a", False), " y ", ("b\r\nc", True), ")"]


def test_header_keys():
    s = script("Capabilities : A  B\nCONNECTIONS: n\nstate: Created\n"
               "messages: 7\nignore_extra_untagged: no\nuser 2: $user2\n\n"
               "1 ok noop\n")
    assert s.capabilities == ["A", "B"]
    assert s.connections == 2 and s.state == "created"
    assert s.messages == 7 and not s.ignore_extra
    assert s.users == {2: "$user2"}
    assert s.extension


@pytest.mark.parametrize("text,msg", [
    ("foo: bar\n\nok noop\n", "unknown header key"),
    ("\nok noop", "does not end with LF"),
    ("\n# only a comment\n", "no commands"),
    ("\nexamine x\nnoop\n", "Missing reply"),
    ("\ntag1 noop\ntag2 noop\ntag1 ok\ntag1 ok\n", "duplicate"),
    ("\ntag1 noop\ntag1 noop\n", "bad reply line"),
    ("\ntag1 noop\ntag2 ok noop\ntag2 noop\ntag1 ok\n",
     "duplicate reply for tag2"),
    ("\nok noop\n* ($!bogus)\n", "unknown directive"),
    ("\nok noop\n? bye\n", "'? bye'"),
    ("\n* 1 exists\nok noop\n", "before any command"),
    ("\nok x {{{\nabc\n", "unterminated"),
    ("connections: 2\n\nok noop\n", "connection number"),
    ("state: bogus\n\nok noop\n", "unknown state"),
    ("\nexamine x\n", "missing reply"),
    ("\nok noop\n* (\n", "unbalanced"),
])
def test_parse_errors(text, msg):
    with pytest.raises(R.ScriptError, match=re.escape(msg)):
        script(text)


def test_implicit_logout():
    s = script("\nok noop\n")
    assert len(s.groups) == 2
    assert s.groups[1].commands[0].plain_text() == "logout"
    s = script("\nok noop\nok LOGOUT\n")
    assert len(s.groups) == 2
    s = script("\n\"\" noop\n* bye\n")
    assert len(s.groups) == 1


def test_empty_lines_do_not_split_groups():
    s = script("\nexamine x\n\n* 1 exists\n\nok [read-only]\nok noop\n")
    assert len(s.groups) == 3
    assert len(s.groups[0].expects) == 1


def test_tagged_reply_with_code():
    s = script("\ntag1 append x\ntag2 copy 1 y\ntag2 no [trycreate]\n"
               "tag1 ok [appenduid $v $u]\n")
    g = s.groups[0]
    assert [c.reply_source for c in g.commands] == \
        ["ok [appenduid $v $u]", "no [trycreate]"]


def test_conditionals():
    os.environ["IMAPTEST_RUNNER_UNIT"] = "1"
    try:
        s = script("\n!ifenv IMAPTEST_RUNNER_UNIT\nok a\n!else\nok b\n"
                   "!endif\n!ifenv IMAPTEST_RUNNER_NOPE\nok c\n!endif\n")
    finally:
        del os.environ["IMAPTEST_RUNNER_UNIT"]
    assert [g.commands[0].plain_text() for g in s.groups] == ["a", "logout"]


# --- mbox -------------------------------------------------------------

def test_mbox():
    data = (b"From a@b Fri Feb 22 23:00:00 2008 +0200\n"
            b"Subject: one\n\nbody\nFrom here is text\n\n"
            b"From x@y  Sat Mar  4 01:02:03 2007\r\n"
            b"Subject: two\r\n\r\nb2\n")
    msgs = R.parse_mbox(data)
    assert msgs == [
        ("22-Feb-2008 23:00:00 +0200",
         "Subject: one\r\n\r\nbody\r\nFrom here is text\r\n\r\n"),
        ("04-Mar-2007 01:02:03 +0000", "Subject: two\r\n\r\nb2\r\n")]


def test_mbox_fixture_counts():
    for name, n in (("default.mbox", 6), ("esearch.mbox", 7),
                    ("search-date.mbox", 16), ("select.mbox", 2)):
        with open(os.path.join(SHARED, name), "rb") as f:
            assert len(R.parse_mbox(f.read())) == n


# --- matching ---------------------------------------------------------

def toks(text):
    return R.tokenize(text)


def match(exp, act, variables=None, seqmap=None, tag=None):
    """Bindings (dict) when the expected line matches, else None."""
    ctx = R.MatchContext(dict(variables or {}), seqmap, tag)
    return R.match_line(toks(exp), toks(act), ctx, {})


def reply(exp, act, variables=None, tag=None):
    ctx = R.MatchContext(dict(variables or {}), None, tag)
    return R.match_reply(toks(exp), toks(act), ctx, {})


def test_tokenizer():
    t = toks('OK [PERMANENTFLAGS (\\Seen \\*)] x "a \\"q\\"" NIL {3}\r\n'
             'a)b (1 (2)).')
    assert [x.kind for x in t] == ["atom", "atom", "list", "atom", "atom",
                                   "string", "nil", "literal", "list",
                                   "atom"]
    assert t[1].text == "[PERMANENTFLAGS" and t[3].text == "]"
    assert t[5].text == 'a "q"' and t[7].text == "a)b"
    assert t[9].text == "."
    assert toks("BINARY[1] ~{2}\r\n\x00\r")[1].binary


@pytest.mark.parametrize("bad", ['OK "open', "OK (a", "OK a)", "x {5}\r\nab",
                                 "x {z}"])
def test_tokenizer_rejects(bad):
    with pytest.raises(R.ResponseError):
        toks(bad)


def test_prefix_mode_and_capture():
    b = match("ok [uidnext $uidnext]", "OK [UIDNEXT 9] Predicted next UID")
    assert b == {"uidnext": "9"}
    assert match("ok [uidnext $uidnext]", "OK [UIDNEXT 9] x",
                 {"uidnext": "8"}) is None
    assert match("ok [unseen 1]", "OK [UNSEEN 12] x") is None
    assert match("ok [read-only]", "OK [READ-WRITE] x") is None
    assert match("ok [read", "OK [READ-WRITE] x") == {}
    assert match("ok [unseen 1] extra", "OK [UNSEEN 1]") is None


def test_exact_count_outside_prefix_mode():
    assert match("2 exists", "2 EXISTS") == {}
    assert match("2 exists", "3 EXISTS") is None
    assert match("2 exist", "2 EXISTS") is None
    assert match("search 1", "SEARCH 1 2") is None
    assert match("search 1 2", "SEARCH 2 1") is None
    assert match("search", "SEARCH") == {}


def test_string_atom_literal_nil():
    assert match('list () "/" "subscribed"', 'LIST () "/" subscribed') == {}
    assert match("x {3}\r\nABC", 'X "abc"') == {}
    assert match("x NIL", "X NIL") == {}
    assert match("x NIL", 'X "NIL"') is None
    assert match('x "NIL"', "X NIL") == {}
    assert match("x $v", "X NIL") == {"v": "NIL"}
    assert match("x ()", "X NIL") is None
    assert match("x NIL", "X ()") is None


def test_set_variables_are_case_sensitive():
    assert match("x $v", "X abc", {"v": "abc"}) == {}
    assert match("x $v", "X ABC", {"v": "abc"}) is None
    assert match("x ${v}2", "X abc2", {"v": "abc"}) == {}
    assert match("x $$v", "X $v") == {}
    assert match("x $$v", "X v") is None


def test_capture_stops_at_next_char():
    assert match("x $a:$b", "X 3:7") == {"a": "3", "b": "7"}
    assert match("x [uidvalidity $u]", "X [UIDVALIDITY 17]") == {"u": "17"}
    assert match("list () $sep $root", 'LIST () "/" ""') == \
        {"sep": "/", "root": ""}
    assert match("x $", "X (a b)") == {}
    assert match("x $a", "X (a b)") is None


def test_relative_sequence_numbers():
    assert match("$3 expunge", "3 EXPUNGE", seqmap=[1, 2, 3]) == {}
    assert match("$3 expunge", "2 EXPUNGE", seqmap=[1, None, 2]) == {}
    assert match("$2 expunge", "2 EXPUNGE", seqmap=[1, None, 2]) is None
    assert match("$4 expunge", "4 EXPUNGE", seqmap=[1, 2, 3]) is None
    assert match("$0 expunge", "0 EXPUNGE", seqmap=[1]) is None


def test_fetch_defaults():
    assert match("1 fetch (uid 5)", "1 FETCH (FLAGS () UID 5)") == {}
    assert match("1 fetch (uid 5)", "1 FETCH (UID 6)") is None
    assert match("1 fetch (uid 5 flags ())", "1 FETCH (FLAGS (\\Recent) "
                 "UID 5)") == {}
    assert match("1 fetch (flags ())", "1 FETCH (FLAGS (\\Seen))") is None
    assert match("1 fetch (flags (\\seen))",
                 "1 FETCH (FLAGS (\\Answered \\Seen))") is None
    assert match("1 fetch (flags (\\seen \\answered))",
                 "1 FETCH (FLAGS (\\Answered \\Seen $HasNoAttachment))") == {}
    assert match("1 fetch (flags (\\seen))", "2 FETCH (FLAGS (\\Seen))") \
        is None
    assert match("1 fetch (uid)", "1 FETCH (UID 5)") is None
    assert match("$2 fetch (uid $u)", "1 FETCH (UID 9)",
                 seqmap=[None, 1]) == {"u": "9"}
    # nested lists are ordered and exact unless marked
    assert match("1 fetch (body (a b))", "1 FETCH (BODY (b a))") is None
    assert match("1 fetch (envelope ($!unordered))",
                 "1 FETCH (ENVELOPE (a b))") == {}


def test_list_and_status_defaults():
    assert match("list () $s x", 'LIST (\\HasNoChildren) "/" x') == \
        {"s": "/"}
    assert match("list (\\noselect) / x", 'LIST (\\HasChildren) "/" x') \
        is None
    assert match("list ($!unordered $!ban=\\haschildren \\subscribed) / x",
                 'LIST (\\Subscribed \\HasNoChildren) "/" x') == {}
    assert match("list ($!unordered $!ban=\\haschildren \\subscribed) / x",
                 'LIST (\\HasChildren \\Subscribed) "/" x') is None
    assert match("status x (messages 2 unseen 1)",
                 "STATUS x (UNSEEN 1 UIDNEXT 4 MESSAGES 2)") == {}
    assert match("status x (messages 2)", "STATUS x (MESSAGES 3)") is None
    assert match("status x ()", "STATUS x (MESSAGES 3)") == {}
    assert match("status y ()", "STATUS x (MESSAGES 3)") is None


def test_directives():
    assert match("x ($!unordered $!noextra a b)", "X (b a)") == {}
    assert match("x ($!unordered $!noextra a b)", "X (b a c)") is None
    assert match("x ($!noextra $!unordered a)", "X (a (c))") == {}
    assert match("x ($!unordered $!noextra $!ignore=c a)", "X (a C)") == {}
    assert match("x ($!unordered $!noextra $!extra a)", "X (a c)") == {}
    assert match("x ($!unordered=2 a 1)", "X (b 2 a 1)") == {}
    assert match("x ($!unordered=2 a 1)", "X (b 2 a)") is None
    assert match("x ($!unordered=2 a 1)", "X (a 2 b 1)") is None
    assert match("x ($!unordered $!ordered a b)", "X (b a)") is None
    assert match("x ($!unordered a a)", "X (a)") == {}
    with pytest.raises(R.ScriptError):
        match("x ($!nonsense a)", "X (a)")


def test_failed_line_undoes_captures():
    ctx = R.MatchContext({}, None)
    exp = toks("1 fetch (uid $u flags (\\seen))")
    assert R.match_line(exp, toks("1 FETCH (UID 5 FLAGS ())"), ctx,
                        {}) is None
    assert "u" not in ctx.variables


def test_tagged_replies():
    assert reply("ok", "OK done") == {}
    assert reply("ok", "NO done") is None
    assert reply('""', "OK x") == {}
    assert reply('""', "NO x") == {}
    assert reply('""', "BAD x") is None
    assert reply("no [trycreate]", "NO [TRYCREATE] Mailbox") == {}
    assert reply("no [trycreate]", "NO Mailbox doesn't exist") is None
    assert reply("ok [appenduid $v $u]", "OK [APPENDUID 7 3] done") == \
        {"v": "7", "u": "3"}
    assert reply("ok [copyuid $v $s $u]", "OK [COPYUID 7 3 4] done",
                 {"v": "7"}) == {"s": "3", "u": "4"}
    assert reply("ok [copyuid $v $s $u]", "OK [COPYUID 8 3 4] done",
                 {"v": "7"}) is None


def test_tag_variable():
    assert match("esearch (tag $tag) count 1",
                 'ESEARCH (TAG "4.2") COUNT 1', tag="4.2") == {}
    assert match("esearch (tag $tag) count 1",
                 'ESEARCH (TAG "4.1") COUNT 1', tag="4.2") is None


def test_nul_quirk():
    """Texts compare as C strings (see c_string)."""
    assert match("x ~{3}\r\n\x00ab", "X ~{4}\r\n\x00xyz") == {}
    assert match("x ~{3}\r\na\x00b", "X ~{3}\r\nb\x00b") is None


def test_expand():
    look = {"mailbox": "imaptest", "sep": "/"}.get
    assert R.expand("create $mailbox${sep}x $$y $3", look) == \
        "create imaptest/x $y 3"
    with pytest.raises(R.Unset):
        R.expand("fetch $uid1", look)


def test_fixture_append_forms():
    assert R.fixture_append_args("append") == ""
    assert R.fixture_append_args("APPEND") == ""
    assert R.fixture_append_args("append box") == "box"
    assert R.fixture_append_args('append box (\\seen) "1-Jan-2000 00:00:00 '
                                 '+0000"') is not None
    assert R.fixture_append_args("append box (\\seen) catenate (x)") is None
    assert R.fixture_append_args("appendx") is None
    assert R.fixture_append_args("noop") is None


def test_mailbox_url():
    assert R.mailbox_url("imaptest") == "imaptest"
    assert R.mailbox_url("a&AOQ-b;c") == "a%C3%A4b%3Bc"


# --- the runner against a scripted fake server ------------------------

class FakeServer:
    """A tiny IMAP server on loopback: answers each command by the first
    rule whose regex matches the command text (after the tag).  A rule's
    lines get {tag} and {prev} (the previous command's tag) replaced;
    'CLOSE' closes, 'HANG' stops answering, 'FLOOD' sends untagged
    responses until the server is closed."""

    DEFAULT = [
        (r"(?i)login ", ["{tag} OK [CAPABILITY IMAP4rev1 LITERAL+ X] in"]),
        (r"(?i)(list|lsub) ", ["{tag} OK done"]),
        (r"(?i)(create|delete|unsubscribe) ", ["{tag} OK done"]),
        (r"(?i)append ", ["{tag} OK [APPENDUID 1 1] done"]),
        (r"(?i)select ", ["* 2 EXISTS", "* OK [UIDVALIDITY 1] x",
                          "{tag} OK [READ-WRITE] done"]),
        (r"(?i)logout", ["* BYE bye", "{tag} OK done", "CLOSE"]),
    ]

    def __init__(self, rules):
        self.rules = list(rules) + self.DEFAULT
        self.commands = []
        self.last_tag = ""
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.threads = []
        self.conns = []
        self.stop = threading.Event()
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self.threads.append(t)

    def _accept(self):
        while not self.stop.is_set():
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            t = threading.Thread(target=self._serve, args=(c,), daemon=True)
            t.start()
            self.threads.append(t)

    def _serve(self, c):
        f = c.makefile("rb")
        try:
            c.sendall(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] fake\r\n")
            while True:
                line = f.readline()
                if not line:
                    return
                line = line.rstrip(b"\r\n").decode("latin-1")
                m = re.search(r"\{(\d+)(\+?)\}$", line)
                while m:
                    if not m.group(2):
                        c.sendall(b"+ go on\r\n")
                    data = f.read(int(m.group(1))).decode("latin-1")
                    rest = f.readline().rstrip(b"\r\n").decode("latin-1")
                    line += data + rest
                    m = re.search(r"\{(\d+)(\+?)\}$", rest)
                tag, _, cmd = line.partition(" ")
                self.commands.append(cmd)
                prev, self.last_tag = self.last_tag, tag
                for rx, lines in self.rules:
                    if re.match(rx, cmd):
                        break
                else:
                    lines = ["{tag} OK done"]
                for out in lines:
                    if out == "CLOSE":
                        c.close()
                        return
                    if out == "HANG":
                        self.stop.wait(30)
                        return
                    if out == "FLOOD":
                        while not self.stop.is_set():
                            c.sendall(b"* OK still here\r\n" * 100)
                        return
                    out = out.replace("{tag}", tag).replace("{prev}", prev)
                    c.sendall(out.encode("latin-1") + b"\r\n")
        except OSError:
            return

    def close(self):
        self.stop.set()
        self.sock.close()
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


@pytest.fixture
def fake():
    servers = []

    def make(rules=()):
        s = FakeServer(rules)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.close()


def run(fake_server, text, timeout=5):
    s = script(text)
    s.mbox_path = None
    r = R.run_script(s, "127.0.0.1", fake_server.port, [("u1", "p")],
                     timeout=timeout)
    return r


def test_runner_pass_and_setup(fake):
    srv = fake([(r"fetch 1 uid", ["* 1 FETCH (UID 5)", "{tag} OK done"])])
    r = run(srv, "messages: 0\n\nok fetch 1 uid\n* 1 fetch (uid $u)\n")
    assert r.status == "PASS", r.report()
    assert r.groups_done == 2 and r.failures == 0
    assert srv.commands[:5] == ['LOGIN "u1" "p"', 'LIST "" "imaptest*"',
                                'LSUB "" "imaptest*"', 'CREATE "imaptest"',
                                'SELECT "imaptest"']
    assert srv.commands[-1] == "logout"


def test_runner_cleanup_deletes_children_first(fake):
    srv = fake([(r'LIST ', ['* LIST () "/" imaptest',
                            '* LIST () "/" imaptest/a', '{tag} OK done']),
                (r'LSUB ', ['* LSUB () "/" imaptest2', '{tag} OK done']),
                (r'DELETE "imaptest"', ['{tag} NO not empty'])])
    r = run(srv, "state: auth\n\nok noop\n")
    assert r.status == "PASS", r.report()
    assert srv.commands[3:6] == ['DELETE "imaptest/a"', 'DELETE "imaptest"',
                                 'UNSUBSCRIBE "imaptest2"']


def test_runner_missing_untagged(fake):
    srv = fake()
    r = run(srv, "\nok noop\n* 1 exists\n")
    assert r.status == "FAIL"
    assert r.failures == 1 and r.groups_done == 2
    assert "Missing 1 untagged" in r.report()


def test_runner_wrong_tagged_reply_and_missing(fake):
    srv = fake([(r"noop", ["{tag} NO nope"])])
    r = run(srv, "\nok noop\n* 1 exists\n")
    assert r.failures == 2


def test_runner_banned_line(fake):
    srv = fake([(r"noop", ["* 3 EXISTS", "{tag} OK done"])])
    r = run(srv, "\nok noop\n! 3 exists\n")
    assert r.status == "FAIL" and r.failures == 1
    assert "unwanted" in r.report()
    r = run(srv, "\nok noop\n! 4 exists\n")
    assert r.status == "PASS", r.report()


def test_runner_extra_untagged(fake):
    srv = fake([(r"noop", ["* 3 EXISTS", "{tag} OK done"])])
    # missing RECENT, extra EXISTS, and the implicit LOGOUT's BYE is
    # extra too
    r = run(srv, "ignore_extra_untagged: no\n\nok noop\n* 3 recent\n")
    assert r.failures == 3
    r = run(srv, "\nok noop\n* 3 recent\n")
    assert r.failures == 1


def test_runner_unexpected_bad_aborts(fake):
    srv = fake([(r"noop", ["{tag} BAD what"])])
    r = run(srv, "\nok noop\nok check\n")
    assert r.status == "FAIL"
    assert r.groups_done == 0
    assert "check" not in srv.commands
    r = run(srv, "\nbad noop\nok check\n")
    assert r.status == "PASS", r.report()
    r = run(srv, '\n"" noop\n')
    assert r.status == "FAIL"


@pytest.mark.parametrize("lines,what", [
    (["* 1 FETCH (UID 5", "{tag} OK done"], "unparsable"),
    (["* OK", "{tag} OK done"], "untagged OK"),
    (["* OK [ALERT x", "{tag} OK done"], "untagged OK"),
    (["zz OK done", "{tag} OK done"], "unknown tag"),
    (["* 3 EXPUNGE", "{tag} OK done"], "EXPUNGE 3"),
    (["* 1 EXISTS", "{tag} OK done"], "EXISTS went down"),
    (["* SEARCH 1 x", "{tag} OK done"], "non-numeric"),
    (["* SEARCH 3", "{tag} OK done"], "above EXISTS"),
    (["* VANISHED 1", "{tag} OK done"], "VANISHED"),
    (["CLOSE"], "Unexpected disconnection"),
    (["+ go on", "{tag} OK done"], "continuation"),
])
def test_runner_fatal_responses(fake, lines, what):
    srv = fake([(r"noop", lines)])
    r = run(srv, "\nok noop\nok check\n")
    assert r.status == "FAIL"
    assert what in r.report()
    assert "test aborted" in r.report()
    assert "check" not in srv.commands


def test_runner_fetch_uid_change_is_fatal(fake):
    srv = fake([(r"fetch", ["* 1 FETCH (UID 5)", "{tag} OK done"]),
                (r"check", ["* 1 FETCH (UID 6)", "{tag} OK done"])])
    r = run(srv, "\nok fetch 1 uid\nok check\n")
    assert r.status == "FAIL" and "UID of message 1" in r.report()


def test_runner_hanging_server_fails_the_group(fake):
    srv = fake([(r"noop", ["HANG"])])
    r = run(srv, "\nok noop\n", timeout=0.5)
    assert r.status == "FAIL"
    assert "no response within" in r.report()


def test_runner_logout_without_tagged_ok(fake):
    srv = fake([(r"logout", ["* BYE bye", "CLOSE"])])
    r = run(srv, "\nok noop\n")
    assert r.status == "FAIL"
    assert r.groups_done == 1


def test_runner_pipelines_and_captures(fake):
    """The server answers tag1 only after it has seen tag2: a runner that
    waited for each reply would time out."""
    srv = fake([(r"status a", ["* STATUS a (MESSAGES 1)"]),
                (r"status b", ["* STATUS b (MESSAGES 2)", "{tag} OK b",
                               "{prev} OK a"])])
    text = ("state: auth\n\ntag1 status a (messages)\n"
            "tag2 status b (messages)\n"
            "* status a (messages $n)\n* status b (messages 2)\n"
            "tag1 ok\ntag2 ok\n")
    r = run(srv, text, timeout=2)
    assert r.status == "PASS", r.report()
    r = run(srv, text.replace("messages 2", "messages 3"), timeout=2)
    assert r.failures == 1 and r.status == "FAIL"


def test_runner_fixture_appends(fake, tmp_path):
    srv = fake()
    mbox = tmp_path / "x.mbox"
    mbox.write_bytes(b"From a@b Fri Feb 22 23:00:00 2008 +0200\nS: 1\n\n"
                     b"From a@b Fri Feb 22 23:00:01 2008 +0200\nS: 2\n")
    s = script("messages: 3\n\nok append\nok append $mailbox (\\seen)\n"
               "ok select \"other box\" (condstore)\nok append\n")
    s.mbox_path = str(mbox)
    r = R.run_script(s, "127.0.0.1", srv.port, [("u1", "p")], timeout=5)
    assert r.status == "PASS", r.report()
    appends = [c for c in srv.commands if c.startswith("APPEND")]
    assert appends == [
        'APPEND "imaptest" "22-Feb-2008 23:00:00 +0200" {8+}S: 1\r\n\r\n',
        'APPEND "imaptest" "22-Feb-2008 23:00:01 +0200" {6+}S: 2\r\n',
        'APPEND "imaptest" "22-Feb-2008 23:00:00 +0200" {8+}S: 1\r\n\r\n',
        'APPEND "imaptest" "22-Feb-2008 23:00:01 +0200" {6+}S: 2\r\n',
        'APPEND imaptest (\\seen) {8+}S: 1\r\n\r\n',
        'APPEND "other box" "22-Feb-2008 23:00:01 +0200" {6+}S: 2\r\n',
    ]


def test_runner_capability_skip(fake):
    srv = fake()
    r = run(srv, "capabilities: X Y\n\nok noop\n")
    assert r.status == "SKIP" and "Y" in r.skip_reason
    r = run(srv, "capabilities: x\n\nok noop\n")
    assert r.status == "PASS", r.report()
    r = run(srv, "user 2: $user2\nconnections: 2\n\n1 ok noop\n")
    assert r.status == "SKIP"


def test_runner_uninitialized_variable(fake):
    srv = fake()
    r = run(srv, "\nok fetch $nothere uid\n")
    assert r.status == "FAIL" and "Uninitialized" in r.report()


def test_summary_format():
    a = R.Result(script("\nok noop\n", "a"))
    a.status, a.groups_done = "PASS", 2
    b = R.Result(script("capabilities: X\n\nok noop\n", "b"))
    b.status, b.groups_done, b.failures = "FAIL", 2, 3
    c = R.Result(script("capabilities: X\n\nok noop\n", "c"))
    c.status = "SKIP"
    assert R.summary([a, b, c]).split("\n") == [
        "3 test groups: 1 failed, 1 skipped due to missing capabilities",
        "base protocol: 0/2 individual commands failed",
        "extensions: 3/2 individual commands failed",
        "1 passed, 1 failed, 1 skipped"]


# --- mutations of shared scripts against a real server ----------------

# (script, text in the file, replacement): each mutation turns one
# expectation that the reference server meets into a wrong one, so the
# runner must report exactly one more failure.
MUTATIONS = [
    ("store", b"* 4 fetch (flags ($$hello $$world))",
     b"* 4 fetch (flags ($$hello))"),
    ("store", b"* 3 fetch (flags (\\draft))",
     b"* 3 fetch (flags (\\draft \\seen))"),
    ("expunge2", b"* $3 expunge", b"* $4 expunge"),
    ("pipeline", b"* status ${mailbox}2 (messages 0)",
     b"* status ${mailbox}2 (messages 1)"),
    ("uidplus", b"ok [copyuid $uidvalidity $srcuid $uid2]",
     b"ok [copyuid $uidvalidity $srcuid $uid]"),
    ("list", b"! list () $sep $mailbox${sep}test3${sep}test4\n",
     b"* list () $sep $mailbox${sep}test3${sep}test4\n"),
    ("list", b"* list () $sep $mailbox${sep}test2\n",
     b"! list () $sep $mailbox${sep}test2\n"),
    ("search-flags", b"* search 3 5\n", b"* search 5 3\n"),
    ("search-flags", b"* search 1 2 4\n", b"* search 1 2\n"),
    ("fetch", b"ok uid fetch $uid2 uid\n", b"ok uid fetch $uid1 uid\n"),
    ("nil", b"ok list \"\" NIL", b"no list \"\" NIL"),
]


@pytest.mark.parametrize("name,old,new", MUTATIONS)
def test_mutated_script_fails(server, name, old, new):
    with open(os.path.join(SHARED, name), "rb") as f:
        data = f.read()
    assert data.count(old) >= 1
    users = [("u1", server.users["u1"][2]), ("u2", server.users["u2"][2])]
    mbox = os.path.join(SHARED, name + ".mbox")
    if not os.path.exists(mbox):
        mbox = os.path.join(SHARED, "default.mbox")

    def run_text(text):
        s = R.parse_script(text, name)
        s.mbox_path = mbox
        return R.run_script(s, "127.0.0.1", server.imap_port, users)

    base = run_text(data)
    if base.status != "PASS":
        pytest.skip("%s does not pass on this target" % name)
    r = run_text(data.replace(old, new, 1))
    assert r.status == "FAIL" and r.failures == 1, r.report()


def test_uid_set_size():
    assert R.uid_set_size("3") == 1
    assert R.uid_set_size("3:5,9,12:10") == 7
    assert R.uid_set_size("3:*") == 0


def test_runner_vanished_with_qresync(fake):
    srv = fake([(r"noop", ["* VANISHED 2:3", "* 1 EXISTS",
                           "{tag} OK done"])])
    r = run(srv, "\nok enable qresync\nok noop\n* vanished 2:3\n")
    assert r.status == "PASS", r.report()
    r = run(srv, "\nok noop\n")
    assert r.status == "FAIL" and "VANISHED without QRESYNC" in r.report()


def test_runner_synchronizing_literals(fake, tmp_path):
    srv = fake([(r"(?i)login ", ["{tag} OK [CAPABILITY IMAP4rev1] in"]),
                (r"x ", ["* 1 EXISTS", "{tag} OK done"])])
    mbox = tmp_path / "x.mbox"
    mbox.write_bytes(b"From a@b Fri Feb 22 23:00:00 2008 +0200\nS: 1\n")
    s = script("state: appended\nmessages: 1\n\n"
               "ok x {{{\nab\n}}} y ~{{{\nc\n}}}\n* 1 exists\n")
    s.mbox_path = str(mbox)
    r = R.run_script(s, "127.0.0.1", srv.port, [("u1", "p")], timeout=2)
    assert r.status == "PASS", r.report()
    assert 'APPEND "imaptest" "22-Feb-2008 23:00:00 +0200" {6}S: 1\r\n' \
        in srv.commands
    assert "x {2}ab y ~{1}c" in srv.commands


def test_runner_endless_untagged_stream_fails_the_group(fake):
    srv = fake([(r"noop", ["FLOOD"])])
    r = run(srv, "\nok noop\n", timeout=0.2)
    assert r.status == "FAIL"
    assert "did not finish" in r.report()
