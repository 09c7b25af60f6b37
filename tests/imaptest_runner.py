# Copyright (c) Cove authors. See AUTHORS.
"""Runner for IMAP conformance scripts in imaptest's format.

Reads the scripts described in /work/shared/imap-conformance/FORMAT.md
(header, setup state, command groups, expected untagged lines, variables,
`$!` list directives, mbox fixtures) and runs them against an IMAP server,
as strictly as that description says.  Own code: no imaptest source.

Command line:
  imaptest_runner.py --host H --port N --user u1 --password pw
      [--user2 u2 --password2 pw] [--test NAME] [-v] DIR
prints PASS/FAIL/SKIP per script and imaptest's summary; exit status 2
when any script failed, 1 when a script file does not parse.

Library: parse_script(), parse_mbox(), load_dir(), run_script(),
run_dir(), summary(); match_line()/match_reply() for the matching rules.
Everything is handled as latin-1 text so that bytes round-trip exactly.

Beyond FORMAT.md: texts are compared up to their first NUL, as imaptest's
C strings are (append-binary passes on Dovecot only that way); every read
times out (--timeout) and a whole group may take 6 read timeouts, so a
hanging or flooding server fails the group and ends that test only.
"""

import argparse
import base64
import os
import re
import socket
import sys
import time
import urllib.parse

DEFAULT_TIMEOUT = 10.0
GROUP_TIMEOUT_FACTOR = 6      # a whole group may take 6 read timeouts
MAX_LINE = 1024 * 1024
MAX_LITERAL = 64 * 1024 * 1024
TEST_MAILBOX = "imaptest"
PLACEHOLDER = "\x00<no such message>\x00"
STATES = ("nonauth", "auth", "created", "appended", "selected")
STATUS_WORDS = ("ok", "no", "bad", '""')
FLAGS_IGNORE = ("\\recent", "$hasattachment", "$hasnoattachment")

_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def lower(s):
    """ASCII-only lower case (the text is latin-1 decoded bytes)."""
    return s.translate(_LOWER)


class ScriptError(Exception):
    """A script or mbox file that does not parse."""


class ResponseError(Exception):
    """A server response that does not parse."""


class Fatal(Exception):
    """Something that makes imaptest drop the connection: the test ends."""


# --- tokens ------------------------------------------------------------

class Tok:
    """One IMAP argument: kind is atom, string, literal, nil or list."""

    __slots__ = ("kind", "text", "items", "binary")

    def __init__(self, kind, text="", items=None, binary=False):
        self.kind = kind
        self.text = text
        self.items = items
        self.binary = binary

    def __repr__(self):
        if self.kind == "list":
            return "(%s)" % " ".join(repr(t) for t in self.items)
        if self.kind == "nil":
            return "NIL"
        if self.kind == "string":
            return '"%s"' % self.text
        if self.kind == "literal":
            return "%s{%d}%r" % ("~" if self.binary else "", len(self.text),
                                 self.text)
        return self.text

    def is_atom(self, word):
        return self.kind == "atom" and lower(self.text) == word


_LITERAL_RE = re.compile(r"(~?)\{(\d{1,10})\+?\}\r\n")


def tokenize(s):
    """Split one logical line (literals inline as {N} CRLF data) into a
    list of Tok.  Raises ResponseError on what Dovecot's argument parser
    rejects: unbalanced parentheses or quotes, a bad literal."""
    stack = [[]]
    i, n = 0, len(s)
    while True:
        while i < n and s[i] == " ":
            i += 1
        if i >= n:
            break
        c = s[i]
        if c == "(":
            stack.append([])
            i += 1
        elif c == ")":
            if len(stack) == 1:
                raise ResponseError("unexpected ')'")
            items = stack.pop()
            stack[-1].append(Tok("list", items=items))
            i += 1
        elif c == '"':
            out = []
            i += 1
            while True:
                if i >= n or s[i] in "\r\n":
                    raise ResponseError("unterminated quoted string")
                if s[i] == "\\" and i + 1 < n:
                    out.append(s[i + 1])
                    i += 2
                elif s[i] == '"':
                    i += 1
                    break
                else:
                    out.append(s[i])
                    i += 1
            stack[-1].append(Tok("string", "".join(out)))
        elif c == "{" or (c == "~" and s.startswith("~{", i)):
            m = _LITERAL_RE.match(s, i)
            if not m:
                raise ResponseError("invalid literal at %r" % s[i:i + 20])
            size = int(m.group(2))
            start = m.end()
            if start + size > n:
                raise ResponseError("literal shorter than announced")
            stack[-1].append(Tok("literal", s[start:start + size],
                                 binary=bool(m.group(1))))
            i = start + size
        elif c in "\r\n":
            raise ResponseError("CR or LF outside a literal")
        else:
            j = i
            while j < n and s[j] not in " \r\n":
                if s[j] == ")":
                    if len(stack) > 1:
                        break
                    raise ResponseError("unexpected ')'")
                j += 1
            text = s[i:j]
            stack[-1].append(Tok("nil") if lower(text) == "nil"
                             else Tok("atom", text))
            i = j
    if len(stack) != 1:
        raise ResponseError("unbalanced '('")
    return stack[0]


def tok_text(t):
    """The text a token stands for when compared as text."""
    if t.kind == "nil":
        return "NIL"
    if t.kind == "list":
        return None
    return t.text


# --- list directives ---------------------------------------------------

class Directives:
    def __init__(self, unordered=0, noextra=False, ignore=(), ban=()):
        self.unordered = unordered
        self.noextra = noextra
        self.ignore = set(ignore)
        self.ban = set(ban)


def parse_directives(items):
    """Directives at the start of an expected list: (Directives or None,
    remaining items).  Unknown `$!` words raise ScriptError."""
    d = Directives()
    k = 0
    while k < len(items) and items[k].kind == "atom" and \
            items[k].text.startswith("$!"):
        word = lower(items[k].text[2:])
        if word == "unordered":
            d.unordered = 1
        elif word.startswith("unordered="):
            try:
                d.unordered = int(word[10:])
            except ValueError:
                raise ScriptError("bad directive %s" % items[k].text)
            if d.unordered < 1:
                raise ScriptError("bad directive %s" % items[k].text)
        elif word == "ordered":
            d.unordered = 0
        elif word == "noextra":
            d.noextra = True
        elif word == "extra":
            d.noextra = False
        elif word.startswith("ignore="):
            d.ignore.add(word[7:])
        elif word.startswith("ban="):
            d.ban.add(word[4:])
        else:
            raise ScriptError("unknown directive %s" % items[k].text)
        k += 1
    return (d if k else None), items[k:]


def check_directives(toks):
    for t in toks:
        if t.kind == "list":
            parse_directives(t.items)
            check_directives(t.items)


DEFAULT_FLAGS_LIST = Directives(1)
DEFAULT_PAIRS = Directives(2)
DEFAULT_FETCH_FLAGS = Directives(1, True, FLAGS_IGNORE)


# --- script model ------------------------------------------------------

class Expect:
    """An expected untagged line: kind is '*', '!' or '?'."""

    def __init__(self, kind, toks, source):
        self.kind = kind
        self.toks = toks
        self.source = source


class Command:
    def __init__(self, conn, tagn, parts, source):
        self.conn = conn
        self.tagn = tagn
        self.parts = parts          # [str | (literal str, binary)]
        self.source = source
        self.reply = None           # token list or None until known
        self.reply_source = None

    def plain_text(self):
        return "".join(p for p in self.parts if isinstance(p, str))


class Group:
    def __init__(self):
        self.commands = []
        self.expects = []
        self.sleep = None
        self.output = []

    @property
    def conn(self):
        return self.commands[0].conn

    def pending(self):
        return [c for c in self.commands if c.reply is None]


class Script:
    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.capabilities = []
        self.connections = 1
        self.state = "selected"
        self.messages = 0
        self.ignore_extra = True
        self.users = {}
        self.groups = []
        self.mbox_path = None

    @property
    def extension(self):
        return bool(self.capabilities)


def split_lines(data, name):
    if not data.endswith(b"\n"):
        raise ScriptError("%s: last line does not end with LF" % name)
    return data[:-1].decode("latin-1").split("\n")


def logical_lines(lines, name):
    """Join `{{{` blocks into logical lines: [(lineno, parts)] where parts
    are str and (content, binary) tuples.  Comments and empty lines are
    dropped outside blocks; conditionals are applied."""
    out = []
    cond = []
    i = 0
    while i < len(lines):
        line = lines[i]
        lineno = i + 1
        i += 1
        if line.startswith("!ifenv ") or line.startswith("!ifnenv "):
            var = line.split(" ", 1)[1]
            if line.startswith("!ifnenv "):
                # imaptest's off-by-one: a name beginning with a space
                val = os.environ.get(" " + var) is None
            else:
                val = os.environ.get(var) is not None
            cond.append(val)
            continue
        if line == "!else":
            if not cond:
                raise ScriptError("%s:%d: !else without !if" % (name, lineno))
            cond[-1] = not cond[-1]
            continue
        if line == "!endif":
            if not cond:
                raise ScriptError("%s:%d: !endif without !if" %
                                  (name, lineno))
            cond.pop()
            continue
        if not all(cond):
            continue
        if line.startswith("#"):
            continue
        parts = []
        while True:
            if line.endswith("{{{"):
                binary = line.endswith("~{{{")
                parts.append(line[:-4] if binary else line[:-3])
                content = []
                while True:
                    if i >= len(lines):
                        raise ScriptError("%s:%d: unterminated {{{ block" %
                                          (name, lineno))
                    cl = lines[i]
                    i += 1
                    if cl.startswith("}}}"):
                        break
                    content.append(cl)
                parts.append((("\n" if binary else "\r\n").join(content),
                              binary))
                line = cl[3:]
                continue
            parts.append(line)
            break
        parts = [p for p in parts if p != ""]
        if not parts:
            out.append((lineno, None))
        else:
            out.append((lineno, parts))
    if cond:
        raise ScriptError("%s: missing !endif" % name)
    return out


def parts_to_wire(parts):
    """Parts as one string with literals inline ({N} CRLF data)."""
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
        else:
            content, binary = p
            out.append("%s{%d}\r\n%s" % ("~" if binary else "",
                                         len(content), content))
    return "".join(out)


def _parse_header(script, lines, name):
    k = 0
    while k < len(lines) and lines[k] != "":
        line = lines[k]
        k += 1
        if line.startswith("#"):
            continue
        if ":" not in line:
            raise ScriptError("%s:%d: header line without ':'" % (name, k))
        key, value = line.split(":", 1)
        key = lower(key.rstrip(" "))
        value = value.lstrip(" ")
        if key == "capabilities":
            script.capabilities = value.split()
        elif key == "connections":
            if value == "n":
                script.connections = 2
            elif value.isdigit() and int(value) > 0:
                script.connections = int(value)
            else:
                raise ScriptError("%s: bad connections: %r" % (name, value))
        elif key == "state":
            if lower(value) not in STATES:
                raise ScriptError("%s: unknown state %r" % (name, value))
            script.state = lower(value)
        elif key == "messages":
            if lower(value) == "all":
                script.messages = "all"
            elif value.isdigit():
                script.messages = int(value)
            else:
                raise ScriptError("%s: bad messages: %r" % (name, value))
        elif key == "ignore_extra_untagged":
            script.ignore_extra = value.startswith("y")
        elif re.fullmatch(r"user \d+", key):
            script.users[int(key[5:])] = value
        else:
            raise ScriptError("%s:%d: unknown header key %r" %
                              (name, k, key))
    return k


_TAG_RE = re.compile(r"([Tt][Aa][Gg][1-9]\d*) ")


def _split_status(text):
    """'ok rest' -> ('ok', 'rest'); a bare status word -> (word, '')."""
    for w in STATUS_WORDS:
        if lower(text[:len(w)]) == w and (len(text) == len(w) or
                                          text[len(w)] == " "):
            return w, text[len(w) + 1:]
    return None, text


def _reply_toks(text, name, lineno):
    try:
        toks = tokenize(text)
    except ResponseError as e:
        raise ScriptError("%s:%d: %s" % (name, lineno, e))
    check_directives(toks)
    return toks


def parse_script(data, name, path=None):
    """Parse one script file (bytes) into a Script."""
    script = Script(name, path)
    lines = split_lines(data, name)
    k = _parse_header(script, lines, name)
    group = None
    for lineno, parts in logical_lines(lines[k:], name):
        lineno += k
        if parts is None:
            continue
        first = parts[0] if isinstance(parts[0], str) else ""
        where = "%s:%d" % (name, lineno)
        if first[:2] in ("* ", "! ", "? "):
            if group is None:
                raise ScriptError("%s: expected line before any command" %
                                  where)
            text = parts_to_wire([first[2:]] + parts[1:])
            toks = _reply_toks(text, name, lineno)
            if not toks:
                raise ScriptError("%s: empty expected line" % where)
            if first[0] == "?" and toks[0].is_atom("bye"):
                raise ScriptError("%s: '? bye' is not allowed" % where)
            group.expects.append(Expect(first[0], toks, first + "".join(
                p if isinstance(p, str) else "{{{...}}}"
                for p in parts[1:])))
            continue
        if first.startswith("!sleep ") or first.startswith("!output "):
            if group is None:
                raise ScriptError("%s: %s before any command" %
                                  (where, first.split()[0]))
            if first.startswith("!sleep "):
                group.sleep = parse_interval(first[7:], where)
            else:
                group.output.append(first[8:])
            continue
        if first.startswith("!"):
            raise ScriptError("%s: unknown directive %r" % (where, first))
        pending = group.pending() if group is not None else []
        if pending:
            m = _TAG_RE.match(first)
            tagn = lower(m.group(1)) if m else None
            rest = first[m.end():] if m else first
            status, _ = _split_status(rest)
            target = None
            if tagn is not None:
                known = [c for c in group.commands if c.tagn == tagn]
                if known:
                    if known[0].reply is not None:
                        raise ScriptError("%s: duplicate reply for %s" %
                                          (where, tagn))
                    if status is None:
                        raise ScriptError("%s: bad reply line" % where)
                    target = known[0]
            elif status is not None:
                untagged = [c for c in pending if c.tagn is None]
                if not untagged:
                    raise ScriptError("%s: reply needs a tagN" % where)
                target = untagged[0]
            else:
                raise ScriptError("%s: Missing reply from previous command "
                                  "group" % where)
            if target is not None:
                if len(parts) > 1:
                    raise ScriptError("%s: literal in a reply line" % where)
                target.reply = _reply_toks(rest, name, lineno)
                target.reply_source = rest
                continue
        conn = 1
        text = first
        if script.connections > 1:
            m = re.match(r"(\d+) ", text)
            if not m or int(m.group(1)) < 1:
                raise ScriptError("%s: command without connection number" %
                                  where)
            conn = int(m.group(1))
            text = text[m.end():]
            script.connections = max(script.connections, conn)
        m = _TAG_RE.match(text)
        tagn = lower(m.group(1)) if m else None
        if m:
            text = text[m.end():]
        status, rest = _split_status(text)
        if status is not None:
            if rest == "" and len(parts) == 1:
                raise ScriptError("%s: status without a command" % where)
            text = rest
        cmd = Command(conn, tagn, [text] + parts[1:], first)
        if status is not None:
            cmd.reply = [Tok("string", "")] if status == '""' else \
                [Tok("atom", status)]
            cmd.reply_source = status
        if pending:
            group.commands.append(cmd)
        else:
            group = Group()
            group.commands.append(cmd)
            script.groups.append(group)
    if not script.groups:
        raise ScriptError("%s: no commands" % name)
    if group.pending():
        raise ScriptError("%s: missing reply for the last command" % name)
    has_logout = any(lower(c.plain_text()) == "logout" and
                     len(c.parts) == 1
                     for g in script.groups for c in g.commands)
    has_bye = any(e.kind == "*" and e.toks[0].is_atom("bye")
                  for g in script.groups for e in g.expects)
    if not has_logout and not has_bye:
        g = Group()
        c = Command(1, None, ["logout"], "(implicit) ok logout")
        c.reply = [Tok("atom", "ok")]
        c.reply_source = "ok"
        g.commands.append(c)
        script.groups.append(g)
    return script


def parse_interval(text, where):
    m = re.fullmatch(r"\s*(\d+)\s*(ms|msecs?|s|secs?|m|mins?)?\s*", text)
    if not m:
        raise ScriptError("%s: bad interval %r" % (where, text))
    mult = {"ms": 0.001, "msec": 0.001, "msecs": 0.001, "m": 60,
            "min": 60, "mins": 60}.get(m.group(2) or "s", 1)
    return int(m.group(1)) * mult


# --- mbox fixtures -----------------------------------------------------

_FROM_RE = re.compile(
    r"From \S+ +[A-Za-z]{3} +([A-Za-z]{3}) +(\d{1,2}) +"
    r"(\d\d:\d\d:\d\d) +(\d{4})(?: +([+-]\d{4}))?\s*$")


def parse_mbox(data):
    """[(imap date-time, message text with CRLF lines)] from mbox bytes."""
    msgs = []
    cur = None
    text = data.decode("latin-1")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    for line in lines:
        m = _FROM_RE.match(line) if line.startswith("From ") else None
        if m and not (cur is not None and not cur[1]):
            mon, day, hms, year, zone = m.groups()
            cur = ("%02d-%s-%s %s %s" % (int(day), mon, year, hms,
                                         zone or "+0000"), [])
            msgs.append(cur)
            continue
        if cur is None:
            continue
        if line.endswith("\r"):
            line = line[:-1]
        cur[1].append(line + "\r\n")
    return [(date, "".join(body)) for date, body in msgs]


# --- loading -----------------------------------------------------------

def load_dir(directory):
    """All scripts of a directory, sorted by name, each with its fixture
    path.  Any file that does not parse raises ScriptError."""
    scripts = []
    names = sorted(os.listdir(directory.encode()))
    for bname in names:
        name = bname.decode("latin-1")
        path = os.path.join(directory, name)
        if name.startswith(".") or name.endswith(".mbox") or \
                os.path.isdir(path):
            continue
        with open(path, "rb") as f:
            script = parse_script(f.read(), name, path)
        mbox = os.path.join(directory, name + ".mbox")
        if not os.path.exists(mbox):
            mbox = os.path.join(directory, "default.mbox")
        script.mbox_path = mbox if os.path.exists(mbox) else None
        if script.mbox_path:
            with open(script.mbox_path, "rb") as f:
                parse_mbox(f.read())
        scripts.append(script)
    return scripts


# --- variables ---------------------------------------------------------

_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789_")


def read_ref(p, i):
    """At p[i] == '$': (kind, name, next index); kind is 'dollar',
    'var' or 'bare'."""
    if i + 1 < len(p) and p[i + 1] == "$":
        return "dollar", None, i + 2
    if i + 1 < len(p) and p[i + 1] == "{":
        end = p.find("}", i + 2)
        if end < 0:
            return "bare", None, i + 1
        return "var", p[i + 2:end], end + 1
    j = i + 1
    while j < len(p) and p[j] in _NAME_CHARS:
        j += 1
    if j == i + 1:
        return "bare", None, i + 1
    return "var", p[i + 1:j], j


class Unset(Exception):
    pass


def expand(text, lookup):
    """Command-text expansion: $$ -> $, $N -> N, unknown -> Unset."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        kind, name, i = read_ref(text, i)
        if kind == "dollar":
            out.append("$")
        elif kind == "bare":
            out.append("$")
        elif name.isdigit():
            out.append(name)
        else:
            v = lookup(name)
            if v is None:
                raise Unset(name)
            out.append(v)
    return "".join(out)


def mutf7_decode(name):
    out = []
    i = 0
    while i < len(name):
        if name[i] != "&":
            out.append(name[i])
            i += 1
            continue
        end = name.find("-", i)
        if end < 0:
            out.append(name[i:])
            break
        if end == i + 1:
            out.append("&")
        else:
            b = name[i + 1:end].replace(",", "/")
            b += "=" * (-len(b) % 4)
            out.append(base64.b64decode(b).decode("utf-16-be", "replace"))
        i = end + 1
    return "".join(out)


def mailbox_url(name):
    return urllib.parse.quote(mutf7_decode(name).encode("utf-8"),
                              safe="-._~!$&'()*+,=:@")


# --- matching ----------------------------------------------------------

class MatchContext:
    """Variables and relative sequence numbers seen while matching."""

    def __init__(self, variables, seqmap=None, tag=None):
        self.variables = variables
        self.seqmap = seqmap or []
        self.tag = tag

    def value(self, name, bind):
        if name in bind:
            return bind[name]
        if name == "tag" and self.tag is not None:
            return self.tag
        return self.variables.get(name)

    def seq(self, n):
        if 1 <= n <= len(self.seqmap) and self.seqmap[n - 1] is not None:
            return str(self.seqmap[n - 1])
        return PLACEHOLDER


def match_text(pattern, text, ctx, bind, prefix=False):
    """Match one expected token text (with variable references) against
    response text.  Returns the new bindings or None."""
    bind = dict(bind)
    i = j = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "$":
            kind, name, ni = read_ref(pattern, i)
            if kind == "dollar":
                if j >= len(text) or text[j] != "$":
                    return None
                i, j = ni, j + 1
                continue
            value = None
            if kind == "var":
                value = ctx.seq(int(name)) if name.isdigit() else \
                    ctx.value(name, bind)
            i = ni
            if value is not None:
                if text[j:j + len(value)] != value:
                    return None
                j += len(value)
                continue
            if i >= len(pattern):
                end = len(text)
            else:
                stop = lower(pattern[i])
                end = j
                while end < len(text) and lower(text[end]) != stop:
                    end += 1
            if kind == "var":
                bind[name] = text[j:end]
            j = end
            continue
        if j >= len(text) or lower(text[j]) != lower(c):
            return None
        i += 1
        j += 1
    if j != len(text) and not prefix:
        return None
    return bind


def match_tok(exp, act, ctx, bind, prefix=False, defaults=None,
              fetch_items=False):
    if exp.kind == "nil":
        return bind if act.kind == "nil" else None
    if exp.kind == "list":
        if act.kind != "list":
            return None
        return match_list(exp.items, act.items, ctx, bind, defaults,
                          fetch_items)
    if exp.kind == "atom" and exp.text == "$" and act.kind == "list":
        return bind
    if act.kind == "list":
        return None
    return match_text(c_string(exp.text), c_string(tok_text(act)), ctx,
                      bind, prefix)


def c_string(text):
    """imaptest compares argument texts as C strings: up to the first NUL
    (which is why append-binary passes on Dovecot: its 7-byte literal8
    and the script's 6-byte one both start with a NUL)."""
    k = text.find("\0")
    return text if k < 0 else text[:k]


def _match_seq(exps, acts, ctx, bind, fetch_items):
    """Element-wise match of equal-length token runs.  In a FETCH item
    list, the list after FLAGS gets the FLAGS defaults."""
    if len(exps) != len(acts):
        return None
    for k, (e, a) in enumerate(zip(exps, acts)):
        defaults = None
        if fetch_items and k > 0 and exps[k - 1].is_atom("flags"):
            defaults = DEFAULT_FETCH_FLAGS
        bind = match_tok(e, a, ctx, bind, defaults=defaults)
        if bind is None:
            return None
    return bind


def match_list(exp_items, act_items, ctx, bind, defaults=None,
               fetch_items=False):
    d, items = parse_directives(exp_items)
    if d is None:
        d = defaults
    if d is None or d.unordered == 0:
        return _match_seq(items, act_items, ctx, bind, fetch_items)
    n = d.unordered
    if len(items) % n or len(act_items) % n:
        return None
    egroups = [items[k:k + n] for k in range(0, len(items), n)]
    agroups = [act_items[k:k + n] for k in range(0, len(act_items), n)]
    used = set()
    for eg in egroups:
        for idx, ag in enumerate(agroups):
            b = _match_seq(eg, ag, ctx, bind, fetch_items)
            if b is not None:
                bind = b
                used.add(idx)
                break
        else:
            return None
    for idx, ag in enumerate(agroups):
        if idx in used:
            continue
        first = ag[0]
        if d.noextra:
            if first.kind == "list":
                continue
            if lower(tok_text(first)) in d.ignore:
                continue
            return None
        if first.kind != "list" and lower(tok_text(first)) in d.ban:
            return None
    return bind


def response_name_index(toks):
    if not toks:
        return None
    t = toks[0]
    if t.kind == "atom" and (t.text.isdigit() or t.text.startswith("$")):
        return 1 if len(toks) > 1 else None
    return 0


def match_line(exp, act, ctx, bind, force_prefix=False):
    """Match an expected line (tokens) against a response (tokens without
    the '*' or the tag).  Returns new bindings or None."""
    prefix = force_prefix or (bool(act) and act[0].kind == "atom" and
                              lower(act[0].text) in ("ok", "no", "bad",
                                                     "bye"))
    if prefix:
        if len(exp) > len(act):
            return None
    elif len(exp) != len(act):
        return None
    defaults = {}
    ni = response_name_index(exp)
    if ni is not None and exp[ni].kind == "atom":
        name = lower(exp[ni].text)
        if name in ("list", "lsub"):
            defaults[ni + 1] = (DEFAULT_FLAGS_LIST, False)
        elif name == "status":
            defaults[ni + 2] = (DEFAULT_PAIRS, False)
        elif name == "fetch":
            defaults[ni + 1] = (DEFAULT_PAIRS, True)
    for k, e in enumerate(exp):
        d, fetch_items = defaults.get(k, (None, False))
        bind = match_tok(e, act[k], ctx, bind,
                         prefix=prefix and k == len(exp) - 1,
                         defaults=d, fetch_items=fetch_items)
        if bind is None:
            return None
    return bind


def match_reply(exp, act, ctx, bind):
    """A tagged reply (tokens after the wire tag)."""
    if len(exp) == 1 and exp[0].kind == "string" and exp[0].text == "":
        if act and act[0].kind == "atom" and \
                lower(act[0].text) in ("ok", "no"):
            return bind
        return None
    return match_line(exp, act, ctx, bind, force_prefix=True)


# --- connections -------------------------------------------------------

class Response:
    def __init__(self, raw, tag, toks):
        self.raw = raw              # the whole response, literals inline
        self.tag = tag              # '*', '+' or the wire tag
        self.toks = toks

    def short(self):
        return clip(printable(self.raw))


def clip(text, limit=300):
    if len(text) <= limit:
        return text
    return "%s...(%d bytes)" % (text[:limit], len(text))


def printable(text):
    """Control bytes shown as escapes, for diagnostics."""
    return "".join(c if " " <= c < "\x7f" or c >= "\xa0" else
                   repr(c)[1:-1] for c in text)


class Connection:
    def __init__(self, number, client_id, host, port, timeout):
        self.number = number
        self.client_id = client_id
        self.counter = 0
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = b""
        self.eof = False
        self.count = 0
        self.uids = {}
        self.qresync = False
        self.selected = TEST_MAILBOX
        self.logged_out = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def new_tag(self):
        self.counter += 1
        return "%d.%d" % (self.client_id, self.counter)

    def send(self, data):
        try:
            self.sock.sendall(data.encode("latin-1"))
        except OSError as e:
            raise Fatal("connection %d: send failed: %s (Unexpected "
                        "disconnection)" % (self.number, e))

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise Fatal("connection %d: no response within %.0f s" %
                        (self.number, self.timeout))
        except OSError as e:
            raise Fatal("connection %d: %s (Unexpected disconnection)" %
                        (self.number, e))
        if not data:
            self.eof = True
            raise Fatal("connection %d: Unexpected disconnection" %
                        self.number)
        self.buf += data

    def _line(self):
        while True:
            k = self.buf.find(b"\n")
            if k >= 0:
                line, self.buf = self.buf[:k], self.buf[k + 1:]
                if line.endswith(b"\r"):
                    line = line[:-1]
                return line
            if len(self.buf) > MAX_LINE:
                raise Fatal("connection %d: response line over %d bytes" %
                            (self.number, MAX_LINE))
            self._fill()

    def _bytes(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_response(self):
        """One whole response (literals included) as a Response."""
        pieces = []
        while True:
            line = self._line()
            pieces.append(line)
            m = re.search(rb"~?\{(\d+)\}$", line)
            if not m or line.startswith(b"+"):
                break
            size = int(m.group(1))
            if size > MAX_LITERAL:
                raise Fatal("connection %d: literal of %d bytes" %
                            (self.number, size))
            pieces.append(b"\r\n" + self._bytes(size))
        raw = b"".join(pieces).decode("latin-1")
        if raw.startswith("+"):
            return Response(raw, "+", None)
        sp = raw.find(" ")
        if sp <= 0:
            raise Fatal("connection %d: unparsable response %r" %
                        (self.number, raw[:200]))
        tag = raw[:sp]
        try:
            toks = tokenize(raw[sp + 1:])
        except ResponseError as e:
            raise Fatal("connection %d: unparsable response (%s): %r" %
                        (self.number, e, raw[:200]))
        if not toks:
            raise Fatal("connection %d: empty response %r" %
                        (self.number, raw[:200]))
        return Response(raw, tag, toks)

    def vanish(self, count):
        """VANISHED (not EARLIER) of count messages: the sequence numbers
        of the rest are unknown now, so forget the UID map."""
        self.count = max(0, self.count - count)
        self.uids = {}

    def reset_mailbox(self):
        self.count = 0
        self.uids = {}


def quote(s):
    if any(c in s for c in "\r\n\0") or any(ord(c) > 127 for c in s):
        return "{%d+}\r\n%s" % (len(s.encode("utf-8")), s)
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


# --- running a script --------------------------------------------------

class GroupFailure:
    def __init__(self, group, reasons, responses, commands):
        self.group = group
        self.reasons = reasons
        self.responses = responses
        self.commands = commands

    def describe(self):
        out = []
        for c in self.commands:
            out.append("  command: %s" % clip(printable(c)))
        for c in self.group.commands if self.group else []:
            out.append("  expected reply: %s" % (c.reply_source or "?"))
        for e in self.group.expects if self.group else []:
            out.append("  expected: %s" % clip(printable(e.source)))
        for r in self.reasons:
            out.append("  failure: %s" % r)
        out.append("  server responses:")
        for r in self.responses[-60:]:
            out.append("    %s" % r.short())
        return "\n".join(out)


class Result:
    def __init__(self, script):
        self.script = script
        self.status = "PASS"
        self.skip_reason = None
        self.failures = 0
        self.groups_done = 0
        self.messages = []

    def fail(self, failures, text):
        self.failures += failures
        self.messages.append(text)

    def report(self):
        lines = ["%s %s" % (self.status, self.script.name)]
        if self.status == "SKIP":
            lines[0] += " (%s)" % self.skip_reason
        for m in self.messages:
            lines.append(m)
        return "\n".join(lines)


_client_ids = [0]


class Runner:
    """Runs one Script against host:port."""

    def __init__(self, script, host, port, users, timeout=DEFAULT_TIMEOUT,
                 verbose=False, log=None):
        self.script = script
        self.host = host
        self.port = port
        self.users = users          # [(user, password)], 1 or 2 entries
        self.timeout = timeout
        self.verbose = verbose
        self.log = log or (lambda s: None)
        self.conns = {}
        self.caps = set()
        self.variables = {}
        self.result = Result(script)
        self.fixture = []
        self.cursor = 0

    # --- helpers ---

    def _trace(self, conn, direction, text):
        if self.verbose:
            shown = printable(text.rstrip("\r\n"))
            if len(shown) > 400:
                shown = shown[:400] + "..."
            self.log("    %d %s %s" % (conn.number, direction, shown))

    def next_fixture(self):
        if not self.fixture:
            raise Fatal("no fixture messages for append")
        msg = self.fixture[self.cursor % len(self.fixture)]
        self.cursor += 1
        return msg

    def literal_prefix(self, size, binary=False):
        plus = "+" if "literal+" in self.caps else ""
        return "%s{%d%s}\r\n" % ("~" if binary else "", size, plus)

    def track(self, conn, resp, pending_cmds):
        """Server state checks imaptest's tracker would drop the
        connection for, and EXISTS/EXPUNGE/UID bookkeeping."""
        toks = resp.toks
        if toks[0].is_atom("ok") or toks[0].is_atom("no") or \
                toks[0].is_atom("bad") or toks[0].is_atom("bye"):
            if toks[0].is_atom("ok"):
                rest = resp.raw.split(" ", 2)
                text = rest[2] if len(rest) > 2 else ""
                if text == "" or text[0] in '("':
                    raise Fatal("connection %d: untagged OK with bad text: "
                                "%r" % (conn.number, resp.raw))
                if text[0] == "[" and "]" not in text:
                    raise Fatal("connection %d: untagged OK with '[' but no "
                                "']': %r" % (conn.number, resp.raw))
            return
        if len(toks) >= 2 and toks[0].kind == "atom" and \
                toks[0].text.isdigit():
            n = int(toks[0].text)
            what = lower(tok_text(toks[1]) or "")
            if what == "exists":
                if n < conn.count:
                    raise Fatal("connection %d: EXISTS went down from %d to "
                                "%d" % (conn.number, conn.count, n))
                conn.count = n
            elif what == "expunge":
                if n == 0 or n > conn.count:
                    raise Fatal("connection %d: EXPUNGE %d with %d messages"
                                % (conn.number, n, conn.count))
                conn.count -= 1
                conn.uids = {(s - 1 if s > n else s): u
                             for s, u in conn.uids.items() if s != n}
            elif what == "fetch" and len(toks) >= 3 and \
                    toks[2].kind == "list":
                items = toks[2].items
                for k in range(0, len(items) - 1, 2):
                    if items[k].is_atom("uid"):
                        uid = tok_text(items[k + 1])
                        old = conn.uids.get(n)
                        if old is not None and old != uid:
                            raise Fatal("connection %d: UID of message %d "
                                        "changed from %s to %s" %
                                        (conn.number, n, old, uid))
                        conn.uids[n] = uid
            return
        if toks[0].is_atom("search"):
            is_uid = any(lower(c.strip()).startswith("uid ")
                         for c in pending_cmds)
            for t in toks[1:]:
                if t.kind == "list":
                    continue
                if t.kind != "atom" or not t.text.isdigit():
                    raise Fatal("connection %d: non-numeric SEARCH result "
                                "%r" % (conn.number, resp.raw))
                if not is_uid and int(t.text) > conn.count:
                    raise Fatal("connection %d: SEARCH result %s above "
                                "EXISTS %d" % (conn.number, t.text,
                                               conn.count))
        elif toks[0].is_atom("vanished"):
            if not conn.qresync:
                raise Fatal("connection %d: VANISHED without QRESYNC" %
                            conn.number)
            if len(toks) == 2 and toks[1].kind == "atom":
                conn.vanish(uid_set_size(toks[1].text))

    def simple_command(self, conn, text, literal=None, allow_no=False):
        """A setup command: send, collect untagged, require OK (or NO if
        allow_no).  Returns (status, untagged responses, tagged)."""
        tag = conn.new_tag()
        if literal is None:
            self._send(conn, "%s %s\r\n" % (tag, text))
        else:
            self._send(conn, "%s %s%s" % (tag, text,
                                          self.literal_prefix(len(literal))))
            if "literal+" not in self.caps:
                while True:
                    r = self._read(conn)
                    if r.tag == "+":
                        break
                    if r.tag == tag:
                        raise Fatal("setup command %r failed: %s" %
                                    (text, r.raw))
            self._send(conn, literal + "\r\n")
        untagged = []
        while True:
            r = self._read(conn)
            if r.tag == "*":
                self.track(conn, r, [])
                untagged.append(r)
                continue
            if r.tag != tag:
                raise Fatal("connection %d: unexpected response during "
                            "setup: %r" % (conn.number, r.raw))
            status = lower(tok_text(r.toks[0]) or "")
            if status == "ok" or (status == "no" and allow_no):
                return status, untagged, r
            raise Fatal("initialization failed: %s -> %s" % (text, r.raw))

    def _send(self, conn, data):
        self._trace(conn, ">", data)
        conn.send(data)

    def _read(self, conn):
        r = conn.read_response()
        self._trace(conn, "<", r.raw)
        return r

    # --- setup ---

    def login_name(self, n):
        spec = self.script.users.get(n)
        if spec is None:
            return self.users[0]
        m = re.fullmatch(r"\$\{?user(\d*)\}?", spec)
        if m:
            idx = int(m.group(1) or 1)
            if idx > len(self.users):
                return None
            return self.users[idx - 1]
        return (spec, self.users[0][1])

    def setup_variables(self):
        v = self.variables
        v["mailbox"] = TEST_MAILBOX
        v["mailbox_url"] = mailbox_url(TEST_MAILBOX)
        for idx, (user, password) in enumerate(self.users):
            suffix = "" if idx == 0 else str(idx + 1)
            username, _, domain = user.partition("@")
            v["user" + suffix] = user
            v["username" + suffix] = username
            v["domain" + suffix] = domain or self.host
            v["password" + suffix] = password

    def setup(self):
        s = self.script
        for n in range(1, s.connections + 1):
            _client_ids[0] += 1
            try:
                conn = Connection(n, _client_ids[0], self.host, self.port,
                                  self.timeout)
            except OSError as e:
                raise Fatal("connect failed: %s" % e)
            self.conns[n] = conn
            g = self._read(conn)
            if g.tag != "*" or not (g.toks[0].is_atom("ok") or
                                    g.toks[0].is_atom("preauth")):
                raise Fatal("bad greeting %r" % g.raw)
            self.caps |= caps_from(g.toks)
        if s.state == "nonauth":
            return True
        self.caps = set()
        logins = {}
        for n in range(1, s.connections + 1):
            login = self.login_name(n)
            if login is None:
                self.result.status = "SKIP"
                self.result.skip_reason = "no second user configured"
                return False
            logins[n] = login
        for n, conn in self.conns.items():
            user, password = logins[n]
            _, untagged, tagged = self.simple_command(
                conn, "LOGIN %s %s" % (quote(user), quote(password)))
            if n == 1:
                caps = caps_from(tagged.toks)
                for r in untagged:
                    if r.toks[0].is_atom("capability"):
                        caps |= {lower(tok_text(t) or "")
                                 for t in r.toks[1:]}
                if not caps:
                    _, untagged, _ = self.simple_command(conn, "CAPABILITY")
                    for r in untagged:
                        if r.toks[0].is_atom("capability"):
                            caps |= {lower(tok_text(t) or "")
                                     for t in r.toks[1:]}
                self.caps = caps
        missing = [c for c in s.capabilities if lower(c) not in self.caps]
        if missing:
            self.result.status = "SKIP"
            self.result.skip_reason = "missing capabilities: %s" % \
                " ".join(missing)
            for conn in self.conns.values():
                try:
                    self._send(conn, "%s LOGOUT\r\n" % conn.new_tag())
                except Fatal:
                    pass
            return False
        c1 = self.conns[1]
        _, lists, _ = self.simple_command(c1, 'LIST "" "%s*"' % TEST_MAILBOX)
        _, lsubs, _ = self.simple_command(c1, 'LSUB "" "%s*"' % TEST_MAILBOX)
        names = [tok_text(r.toks[3]) for r in lists
                 if r.toks[0].is_atom("list") and len(r.toks) >= 4]
        for name in sorted(names, key=lower, reverse=True):
            self.simple_command(c1, "DELETE %s" % quote(name), allow_no=True)
        for r in lsubs:
            if r.toks[0].is_atom("lsub") and len(r.toks) >= 4:
                self.simple_command(c1, "UNSUBSCRIBE %s" %
                                    quote(tok_text(r.toks[3])),
                                    allow_no=True)
        if s.state == "auth":
            return True
        if lower(TEST_MAILBOX) != "inbox":
            self.simple_command(c1, "CREATE %s" % quote(TEST_MAILBOX))
        if s.state == "created":
            return True
        count = len(self.fixture) if s.messages == "all" else s.messages
        for _ in range(count):
            date, msg = self.next_fixture()
            self.simple_command(c1, "APPEND %s %s " % (
                quote(TEST_MAILBOX), quote(date)), literal=msg)
        if s.state == "appended":
            return True
        for conn in self.conns.values():
            conn.reset_mailbox()
            self.simple_command(conn, "SELECT %s" % quote(TEST_MAILBOX))
        return True

    # --- groups ---

    def lookup(self, name):
        return self.variables.get(name)

    def build_command(self, conn, cmd):
        """The expanded command as [(text, wait_for_continuation)] pieces
        and a printable form."""
        parts = []
        for p in cmd.parts:
            if isinstance(p, str):
                parts.append(expand(p, self.lookup))
            else:
                parts.append((expand(p[0], self.lookup), p[1]))
        text = parts[0] if isinstance(parts[0], str) else ""
        if len(parts) == 1:
            fixture_args = fixture_append_args(text)
            if fixture_args is not None:
                date, msg = self.next_fixture()
                if fixture_args == "":
                    fixture_args = "%s %s" % (quote(conn.selected),
                                              quote(date))
                parts = ["APPEND %s " % fixture_args, (msg, False)]
        words = text.split(None, 1)
        verb = lower(words[0]) if words else ""
        if verb in ("select", "examine") and len(words) == 2:
            try:
                arg = tokenize(words[1])[0]
                conn.selected = tok_text(arg) or conn.selected
            except (ResponseError, IndexError):
                pass
        if verb in ("select", "examine", "close", "unselect"):
            conn.reset_mailbox()
        if "qresync" in lower(text):
            conn.qresync = True
        return parts

    def send_command(self, conn, tag, parts, on_response):
        """Write one command; with synchronizing literals, wait for '+'
        (handing other responses to on_response).  False if the server
        finished the command before all of it was sent."""
        out = tag + " "
        for k, p in enumerate(parts):
            if isinstance(p, str):
                out += p
                continue
            content, binary = p
            pre = self.literal_prefix(len(content), binary)
            self._send(conn, out + pre)
            out = ""
            if "literal+" not in self.caps:
                while True:
                    r = self._read(conn)
                    if r.tag == "+":
                        break
                    if on_response(r):
                        return False
            out = content
        self._send(conn, out + "\r\n")
        return True

    def run_group(self, group):
        conn = self.conns.get(group.conn)
        if conn is None or conn.logged_out:
            raise Fatal("connection %d is not open" % group.conn)
        seqmap = list(range(1, conn.count + 1))
        responses = []
        reasons = []
        sent = []
        tags = {}
        replies = {}
        matched = set()
        failures = 0
        expects_bye = any(e.kind == "*" and e.toks[0].is_atom("bye")
                          for e in group.expects)
        check = bool(group.expects) or not self.script.ignore_extra
        extra = []
        first_tag = [None]
        bad_line = []

        def handle(r):
            """Returns True when r finished the command being sent."""
            responses.append(r)
            if r.tag == "+":
                raise Fatal("connection %d: unexpected continuation %r" %
                            (conn.number, r.raw))
            if r.tag == "*":
                if check:
                    ctx = MatchContext(self.variables, seqmap,
                                       first_tag[0] if first_tag[0] not in
                                       replies else None)
                    hit = False
                    for k, e in enumerate(group.expects):
                        if k in matched:
                            continue
                        b = match_line(e.toks, r.toks, ctx, {})
                        if b is None:
                            continue
                        if e.kind == "!":
                            bad_line.append("unwanted response matched "
                                            "'%s': %s" % (e.source,
                                                          r.short()))
                            continue
                        self.variables.update(b)
                        matched.add(k)
                        hit = True
                    if not hit:
                        extra.append(r)
                self.track(conn, r, [c.plain_text() for c in group.commands
                                     if tags.get(c) not in replies])
                if len(r.toks) >= 2 and r.toks[1].is_atom("expunge") and \
                        r.toks[0].text.isdigit():
                    n = int(r.toks[0].text)
                    for k, v in enumerate(seqmap):
                        if v == n:
                            seqmap[k] = None
                        elif v is not None and v > n:
                            seqmap[k] = v - 1
                return False
            cmd = next((c for c, t in tags.items() if t == r.tag), None)
            if cmd is None or r.tag in replies:
                raise Fatal("connection %d: reply with unknown tag: %r" %
                            (conn.number, r.raw))
            replies[r.tag] = r
            if r.toks[0].is_atom("bad") and not (cmd.reply and
                                                 cmd.reply[0].is_atom("bad")):
                raise Fatal("connection %d: unexpected tagged BAD for '%s' "
                            "(imaptest drops the connection): %s" %
                            (conn.number, cmd.source, r.short()))
            return True

        try:
            for cmd in group.commands:
                try:
                    parts = self.build_command(conn, cmd)
                except Unset as e:
                    failures += 1
                    reasons.append("Uninitialized variable $%s in '%s'" %
                                   (e, cmd.source))
                    continue
                tag = conn.new_tag()
                if first_tag[0] is None:
                    first_tag[0] = tag
                tags[cmd] = tag
                sent.append(cmd.source)
                self.send_command(conn, tag, parts, handle)
            deadline = time.monotonic() + GROUP_TIMEOUT_FACTOR * self.timeout
            while any(t not in replies for t in tags.values()):
                if time.monotonic() > deadline:
                    raise Fatal("connection %d: the group did not finish "
                                "within %.0f s" % (conn.number,
                                                   GROUP_TIMEOUT_FACTOR *
                                                   self.timeout))
                try:
                    r = self._read(conn)
                except Fatal:
                    if expects_bye and conn.eof and any(
                            r.toks[0].is_atom("bye") for r in responses
                            if r.tag == "*"):
                        conn.logged_out = True
                        for c, t in tags.items():
                            if t not in replies and not (
                                    c.reply and c.reply[0].kind ==
                                    "string"):
                                failures += 1
                                reasons.append("connection closed before "
                                               "the reply to '%s'" %
                                               c.source)
                        break
                    raise
                handle(r)
        except Fatal as e:
            reasons.append(str(e))
            self.result.fail(1 + failures, self._describe(
                group, reasons, responses, sent))
            raise Fatal(None)
        for cmd, tag in tags.items():
            r = replies.get(tag)
            if r is None:
                continue
            ctx = MatchContext(self.variables, seqmap, tag)
            b = match_reply(cmd.reply, r.toks, ctx, {})
            if b is None:
                failures += 1
                reasons.append("tagged reply to '%s' is not '%s': %s" %
                               (cmd.source, cmd.reply_source, r.short()))
            else:
                self.variables.update(b)
            if lower(cmd.plain_text()) == "logout":
                conn.logged_out = True
        if bad_line:
            failures += 1
            reasons.extend(bad_line)
        missing = [e.source for k, e in enumerate(group.expects)
                   if e.kind == "*" and k not in matched]
        if missing:
            failures += 1
            reasons.append("Missing %d untagged replies: %s" %
                           (len(missing), "; ".join(missing)))
        if extra and not self.script.ignore_extra:
            failures += 1
            reasons.append("%d unexpected untagged replies" % len(extra))
        self.result.groups_done += 1
        if failures:
            self.result.fail(failures, self._describe(group, reasons,
                                                      responses, sent))
        for text in group.output:
            try:
                self.log(expand(text, self.lookup))
            except Unset as e:
                self.log("(uninitialized $%s in !output)" % e)
        if group.sleep:
            time.sleep(group.sleep)

    def _describe(self, group, reasons, responses, sent):
        return GroupFailure(group, list(reasons), list(responses),
                            sent).describe()

    def run(self):
        s = self.script
        if s.mbox_path:
            with open(s.mbox_path, "rb") as f:
                self.fixture = parse_mbox(f.read())
        self.setup_variables()
        try:
            try:
                if not self.setup():
                    return self.result
            except Fatal as e:
                self.result.fail(1, "  initialization: %s" % e)
                self.result.status = "FAIL"
                return self.result
            for group in s.groups:
                try:
                    self.run_group(group)
                except Fatal as e:
                    if e.args and e.args[0]:
                        self.result.fail(1, "  %s" % e)
                    self.result.fail(0, "  test aborted (imaptest drops "
                                     "the connection); %d of %d groups "
                                     "finished" % (self.result.groups_done,
                                                   len(s.groups)))
                    break
        finally:
            for conn in self.conns.values():
                conn.close()
        if self.result.failures:
            self.result.status = "FAIL"
        return self.result


def uid_set_size(text):
    """Number of UIDs in a UID set such as 3:5,9 (0 if it does not
    parse)."""
    n = 0
    for part in text.split(","):
        m = re.fullmatch(r"(\d+)(?::(\d+))?", part)
        if not m:
            return 0
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        n += abs(hi - lo) + 1
    return n


def caps_from(toks):
    """Capabilities from a [CAPABILITY ...] response code."""
    caps = set()
    inside = False
    for t in toks:
        text = tok_text(t)
        if text is None:
            continue
        if not inside and lower(text) == "[capability":
            inside = True
            continue
        if inside:
            if text.endswith("]"):
                if text[:-1]:
                    caps.add(lower(text[:-1]))
                break
            caps.add(lower(text))
    return caps


def fixture_append_args(text):
    """For `append` forms that take the next fixture message: the
    argument text ('' for a bare `append`), else None."""
    words = text.split(None, 1)
    if not words or lower(words[0]) != "append":
        return None
    if len(words) == 1:
        return "" if words[0] == text.strip() else None
    args = words[1]
    try:
        toks = tokenize(args)
    except ResponseError:
        return None
    if not toks or toks[0].kind not in ("atom", "string"):
        return None
    k = 1
    if k < len(toks) and toks[k].kind == "list":
        k += 1
    if k < len(toks) and toks[k].kind == "string":
        k += 1
    if k != len(toks):
        return None
    return args


def run_script(script, host, port, users, timeout=DEFAULT_TIMEOUT,
               verbose=False, log=None):
    """Run one parsed Script; returns a Result (status PASS/FAIL/SKIP,
    failures, groups_done, messages)."""
    return Runner(script, host, port, users, timeout, verbose, log).run()


def summary(results, total=None):
    """imaptest's summary lines for a list of Results."""
    failed = sum(1 for r in results if r.status == "FAIL")
    passed = sum(1 for r in results if r.status == "PASS")
    skipped = sum(1 for r in results if r.status == "SKIP")
    base = [r for r in results if not r.script.extension]
    ext = [r for r in results if r.script.extension]
    return "\n".join([
        "%d test groups: %d failed, %d skipped due to missing capabilities"
        % (total if total is not None else len(results), failed, skipped),
        "base protocol: %d/%d individual commands failed" % (
            sum(r.failures for r in base), sum(r.groups_done for r in base)),
        "extensions: %d/%d individual commands failed" % (
            sum(r.failures for r in ext), sum(r.groups_done for r in ext)),
        "%d passed, %d failed, %d skipped" % (passed, failed, skipped),
    ])


def run_dir(directory, host, port, users, only=None, timeout=DEFAULT_TIMEOUT,
            verbose=False, out=print):
    scripts = load_dir(directory)
    if only:
        scripts = [s for s in scripts if s.name in only]
        unknown = set(only) - {s.name for s in scripts}
        if unknown:
            raise ScriptError("no such test: %s" % " ".join(sorted(unknown)))
    results = []
    for s in scripts:
        r = run_script(s, host, port, users, timeout, verbose, out)
        out(r.report())
        results.append(r)
    out(summary(results))
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=143)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--user2")
    ap.add_argument("--password2")
    ap.add_argument("--test", action="append",
                    help="run only this script (repeatable)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help="seconds to wait for each server read")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the IMAP traffic")
    ap.add_argument("directory")
    a = ap.parse_args(argv)
    users = [(a.user, a.password)]
    if a.user2:
        users.append((a.user2, a.password2 or a.password))
    try:
        results = run_dir(a.directory, a.host, a.port, users, a.test,
                          a.timeout, a.verbose)
    except ScriptError as e:
        print("parse error: %s" % e, file=sys.stderr)
        return 1
    return 2 if any(r.status == "FAIL" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
