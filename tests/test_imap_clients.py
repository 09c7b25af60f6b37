# Copyright (c) Cove authors. See AUTHORS.
"""Real IMAP clients: mbsync (isync) syncing a 500-message account both
ways, curl imap:// listing and fetching, mutt reading a folder and moving
a message, and scripted transcripts of what Thunderbird and Foxmail send
at login and on opening a folder (with the ID fields logged).  Every
client runs with a timeout.  Run against Dovecot with
COVE_TEST_TARGET=dovecot."""

import base64
import os
import re
import shutil
import subprocess
import time

import pytest

from helpers import (RawClient, _Parser, Atom, deliver, deliver_many,
                     fetch, flags_of, imap_session, ok, select)

CLIENT_TIMEOUT = 120
IDLE_TIMEOUT = 10
LOG_TIMEOUT = 10

HAVE_MBSYNC = shutil.which("mbsync") is not None
HAVE_MUTT = shutil.which("mutt") is not None
HAVE_SCRIPT = shutil.which("script") is not None
HAVE_CURL = shutil.which("curl") is not None

# Debian's 15-mailboxes.conf shape: special-use folders created and
# subscribed on first login.
SPECIAL_USE_CONF = """\
namespace inbox {
  inbox = yes
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
}
"""


def message(i, size=0):
    """A distinct message; every 7th has an encoded-word subject, every
    11th is multipart, size adds body lines."""
    subject = ("=?UTF-8?B?%s?=" % base64.b64encode(
        ("邮件 %d" % i).encode()).decode()) if i % 7 == 0 else \
        "client message %d" % i
    head = ("From: Sender %d <s%d@example.org>\r\n"
            "To: u1@localhost\r\n"
            "Cc: cc@example.org\r\n"
            "Subject: %s\r\n"
            "Date: Mon, 2 Nov 2026 10:%02d:00 +0000\r\n"
            "Message-ID: <client-%d@example.org>\r\n"
            "X-Priority: 3\r\n"
            "X-Other: not fetched\r\n" % (i, i, subject, i % 60, i))
    body = "".join("line %d of message %d\r\n" % (n, i)
                   for n in range(size))
    if i % 11 == 0:
        head += ("MIME-Version: 1.0\r\n"
                 "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n" % i)
        body = ("--b%d\r\nContent-Type: text/plain\r\n\r\npart one\r\n%s"
                "--b%d\r\nContent-Type: text/plain\r\n\r\npart two\r\n"
                "--b%d--\r\n" % (i, body, i, i))
    else:
        head += "Content-Type: text/plain; charset=utf-8\r\n"
        body = "body of %d\r\n%s" % (i, body)
    return (head + "\r\n" + body).encode()


def server_messages(server, mailbox="INBOX"):
    """{UID: (flags without \\Recent, BODY[] bytes)} of a mailbox."""
    with imap_session(server) as m:
        if select(m, mailbox) == 0:
            return {}
        res = fetch(m, "1:*", "(UID FLAGS BODY.PEEK[])")
        return {int(r[b"UID"]): (flags_of(r[b"FLAGS"]), bytes(r[b"BODY[]"]))
                for r in res.values()}


def lf(data):
    return data.replace(b"\r\n", b"\n")


def run_client(argv, home, timeout=CLIENT_TIMEOUT):
    env = dict(os.environ, HOME=home, TERM="vt100", LC_ALL="C.UTF-8")
    return subprocess.run(argv, env=env, capture_output=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


# --- mbsync ------------------------------------------------------------

MBSYNC_CONF = """\
IMAPAccount remote
Host 127.0.0.1
Port {port}
User u1
Pass pass1
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account remote

MaildirStore local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
Sync All
SyncState *
"""

# client commands that change the server's state
MUTATING = ("APPEND", "STORE", "UID STORE", "EXPUNGE", "UID EXPUNGE",
            "CREATE", "DELETE", "RENAME", "COPY", "UID COPY", "MOVE",
            "UID MOVE", "SUBSCRIBE", "UNSUBSCRIBE")


def mbsync(server, tmp):
    """Run mbsync with network debugging; returns the client commands it
    sent (without tags).  Fails on a nonzero exit."""
    conf = os.path.join(tmp, "mbsyncrc")
    local = os.path.join(tmp, "local")
    os.makedirs(local, exist_ok=True)
    with open(conf, "w") as f:
        f.write(MBSYNC_CONF.format(port=server.imap_port, local=local))
    res = run_client(["mbsync", "-Dn", "-c", conf, "-a"], tmp)
    out = res.stdout.decode("utf-8", "replace")
    assert res.returncode == 0, (out[-4000:],
                                 res.stderr.decode("utf-8", "replace"))
    cmds = []
    for line in out.splitlines():
        # pipelined commands are logged as "(N in progress) >>> ..."
        m = re.match(r"^(?:\(\d+ in progress\) )?>>> \S+ (.*)$", line)
        if m:
            cmds.append(m.group(1))
    return cmds


def local_messages(tmp, box="INBOX"):
    """{UID or file name: (maildir flag letters, bytes)} of the local
    Maildir; mbsync keeps the UID as ,U=<uid> in the file name."""
    out = {}
    base = os.path.join(tmp, "local", box)
    for sub in ("new", "cur"):
        for name in os.listdir(os.path.join(base, sub)):
            with open(os.path.join(base, sub, name), "rb") as f:
                data = f.read()
            m = re.search(r",U=(\d+)", name)
            info = name.split(":2,", 1)[1] if ":2," in name else ""
            out[int(m.group(1)) if m else name] = (info, data)
    return out


def local_file(tmp, uid, box="INBOX"):
    base = os.path.join(tmp, "local", box)
    for sub in ("new", "cur"):
        for name in os.listdir(os.path.join(base, sub)):
            if re.search(r",U=%d(?!\d)" % uid, name):
                return os.path.join(base, sub, name)
    raise AssertionError("no local file for UID %d" % uid)


def without_tuid(data):
    """mbsync marks the messages it propagates with an X-TUID header
    (isync's way to find them again); drop it before comparing."""
    eol = b"\r\n" if b"\r\n" in data else b"\n"
    end = data.find(eol + eol) + len(eol)
    lines = data[:end].splitlines(True)
    kept = [l for l in lines if not l.startswith(b"X-TUID: ")]
    assert len(lines) - len(kept) <= 1, lines
    return b"".join(kept) + data[end:]


def local_snapshot(tmp):
    out = {}
    for root, _, files in os.walk(os.path.join(tmp, "local")):
        for name in files:
            if name.startswith(".mbsyncstate"):
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, tmp)] = f.read()
    return out


def set_local_flags(tmp, uid, letters):
    path = local_file(tmp, uid)
    head, _, info = path.partition(":2,")
    new = head + ":2," + "".join(sorted(set(info) | set(letters)))
    os.rename(path, new.replace(os.sep + "new" + os.sep,
                                os.sep + "cur" + os.sep))


@pytest.mark.skipif(not HAVE_MBSYNC, reason="mbsync (isync) not installed")
def test_mbsync_two_way(server, tmp_path):
    tmp = str(tmp_path)
    msgs = [message(i, size=(i % 50) * (40 if i % 97 == 0 else 1))
            for i in range(500)]
    deliver_many(server, msgs)
    sent = server_messages(server)
    assert len(sent) == 500

    # first run: everything comes down, byte for byte (mbsync stores
    # LF line ends in the Maildir)
    mbsync(server, tmp)
    local = local_messages(tmp)
    assert sorted(local) == sorted(sent)
    for uid, (_, body) in sent.items():
        assert without_tuid(local[uid][1]) == lf(body), uid
        assert local[uid][0] == ""
    uids = sorted(sent)

    # changes on both sides
    new_local = (b"From: me@example.org\nTo: u1@localhost\n"
                 b"Subject: written locally\n"
                 b"Message-ID: <local-1@example.org>\n\n"
                 b"local body\n.\nFrom the near side\n")
    with open(os.path.join(tmp, "local", "INBOX", "new",
                           "1795000000.1_1.cove-test"), "wb") as f:
        f.write(new_local)
    set_local_flags(tmp, uids[4], "F")
    set_local_flags(tmp, uids[5], "S")
    with imap_session(server) as m:
        select(m)
        ok(m.uid("STORE", str(uids[6]), "+FLAGS.SILENT", "(\\Answered)"))
        ok(m.uid("STORE", "%d,%d" % (uids[7], uids[8]), "+FLAGS.SILENT",
                 "(\\Deleted)"))
        ok(m.expunge())

    cmds = mbsync(server, tmp)
    assert any(c.startswith("APPEND") for c in cmds), cmds
    after = server_messages(server)
    gone = {uids[7], uids[8]}
    new_uids = sorted(set(after) - set(sent))
    assert len(new_uids) == 1 and new_uids[0] > uids[-1], new_uids
    assert set(after) == (set(sent) - gone) | set(new_uids)
    assert without_tuid(after[new_uids[0]][1]) == \
        new_local.replace(b"\n", b"\r\n")
    assert after[uids[4]][0] == {"\\Flagged"}
    assert after[uids[5]][0] == {"\\Seen"}
    assert after[uids[6]][0] == {"\\Answered"}
    for uid in set(after) - {uids[4], uids[5], uids[6], new_uids[0]}:
        assert after[uid][0] == set(), uid
        assert after[uid][1] == sent[uid][1], uid

    local = local_messages(tmp)
    assert sorted(local) == sorted(after), \
        sorted(set(local) ^ set(after))
    assert local[uids[6]][0] == "R"
    assert local[uids[4]][0] == "F"
    assert local[uids[5]][0] == "S"
    assert without_tuid(local[new_uids[0]][1]) == new_local

    # a second run finds nothing to do: it sends no command that changes
    # the server, and neither side changes
    before_local = local_snapshot(tmp)
    cmds = mbsync(server, tmp)
    changing = [c for c in cmds if c.upper().startswith(MUTATING)]
    assert changing == [], changing
    assert local_snapshot(tmp) == before_local
    assert server_messages(server) == after


@pytest.mark.skipif(not HAVE_MBSYNC, reason="mbsync (isync) not installed")
def test_mbsync_folders(server, tmp_path):
    """Folders are created on both sides: a server folder with a message
    comes down, a local folder with a message goes up."""
    tmp = str(tmp_path)
    deliver(server, message(1))
    with imap_session(server) as m:
        ok(m.create("Archive"))
        ok(m.append("Archive", "(\\Seen)", None, message(2)))
    mbsync(server, tmp)
    local = local_messages(tmp, "Archive")
    assert [(f, without_tuid(b)) for f, b in local.values()] == \
        [("S", lf(message(2)))]

    box = os.path.join(tmp, "local", "Projects")
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(box, sub))
    with open(os.path.join(box, "new", "1795000001.1_1.cove-test"),
              "wb") as f:
        f.write(lf(message(3)))
    mbsync(server, tmp)
    remote = server_messages(server, "Projects")
    assert [without_tuid(b) for _, b in remote.values()] == [message(3)]
    with imap_session(server) as m:
        data = ok(m.list())
    names = sorted(l.rsplit(b" ", 1)[1].strip(b'"') for l in data)
    assert names == [b"Archive", b"INBOX", b"Projects"], data


# --- curl --------------------------------------------------------------

def curl(*args):
    res = subprocess.run(["curl", "-sS", "--max-time", "30",
                          "-u", "u1:pass1"] + list(args),
                         capture_output=True, timeout=60)
    assert res.returncode == 0, res
    return res.stdout


@pytest.mark.skipif(not HAVE_CURL, reason="curl not installed")
def test_curl_list_and_fetch(server):
    for i in range(4):
        deliver(server, message(i, size=i * 3))
    with imap_session(server) as m:
        select(m)
        uids = sorted(int(r[b"UID"]) for r in fetch(m, "1:*", "(UID)")
                      .values())
        # after this, UIDs and sequence numbers differ: curl must ask by
        # UID
        ok(m.uid("STORE", str(uids[0]), "+FLAGS.SILENT", "(\\Deleted)"))
        ok(m.expunge())
    msgs = server_messages(server)
    url = "imap://127.0.0.1:%d/" % server.imap_port

    listing = curl(url).splitlines()
    assert [l for l in listing if l.startswith(b"* LIST ")] == listing
    assert [l.rsplit(b" ", 1)[1] for l in listing] == [b"INBOX"], listing

    for uid in uids[1:]:
        body = curl(url + "INBOX;UID=%d" % uid)
        i = uids.index(uid)
        assert body == msgs[uid][1]
        assert body.endswith(message(i, size=i * 3))
    text = curl(url + "INBOX;UID=%d;SECTION=TEXT" % uids[2])
    assert text == msgs[uids[2]][1].split(b"\r\n\r\n", 1)[1]
    # curl's fetches are BODY[] (not PEEK): they set \Seen
    assert all(f == {"\\Seen"} for f, _ in server_messages(server).values())


@pytest.mark.skipif(not HAVE_CURL, reason="curl not installed")
def test_curl_lists_folders_and_searches(server):
    for i in range(3):
        deliver(server, message(i))
    with imap_session(server) as m:
        ok(m.create("Archive"))
        ok(m.create("Archive.2024"))
    url = "imap://127.0.0.1:%d/" % server.imap_port
    listing = curl(url).splitlines()
    names = sorted(l.rsplit(b" ", 1)[1].strip(b'"') for l in listing)
    assert names == [b"Archive", b"Archive.2024", b"INBOX"], listing
    found = curl(url + "INBOX?SUBJECT%20%22client%20message%201%22")
    assert found.split() == [b"*", b"SEARCH", b"2"], found


# --- mutt --------------------------------------------------------------

MUTTRC = """\
set folder="imap://u1@127.0.0.1:{port}/"
set spoolfile="+INBOX"
set imap_user="u1"
set imap_pass="pass1"
set ssl_starttls=no
set ssl_force_tls=no
set imap_passive=yes
set confirmcreate=no
set confirmappend=no
set delete=yes
set move=no
set quit=yes
set wait_key=no
set pipe_decode=no
set mark_old=no
set sort=mailbox-order
set record=""
set header_cache=""
set message_cachedir=""
"""


@pytest.mark.skipif(not (HAVE_MUTT and HAVE_SCRIPT),
                    reason="mutt or script (util-linux) not installed")
def test_mutt_read_and_move(server, tmp_path):
    """mutt needs a terminal for its index: script(1) gives it a pty.
    It opens INBOX, shows message 1, pipes it to a file, saves message 2
    to =Archive (created on the way) and syncs on quit."""
    tmp = str(tmp_path)
    for i in range(3):
        deliver(server, message(i, size=5))
    before = server_messages(server)
    uids = sorted(before)
    rc = os.path.join(tmp, "muttrc")
    with open(rc, "w") as f:
        f.write(MUTTRC.format(port=server.imap_port))
    piped = os.path.join(tmp, "piped")
    keys = ("<display-message><exit><pipe-message>cat > %s<enter>"
            "<next-undeleted><save-message>=Archive<enter>"
            "<sync-mailbox><quit>" % piped)
    cmd = "mutt -n -F %s -f =INBOX -e 'push \"%s\"'" % (rc, keys)
    res = run_client(["script", "-qec", cmd, "/dev/null"], tmp, timeout=60)
    assert res.returncode == 0, res.stdout[-3000:]

    with open(piped, "rb") as f:
        assert f.read() == lf(before[uids[0]][1])
    inbox = server_messages(server)
    assert sorted(inbox) == [uids[0], uids[2]]
    assert inbox[uids[0]] == ({"\\Seen"}, before[uids[0]][1])
    assert inbox[uids[2]] == before[uids[2]]
    archive = server_messages(server, "Archive")
    assert [b for _, b in archive.values()] == [before[uids[1]][1]]


# --- scripted transcripts ------------------------------------------------

def read_response(c, tag):
    """Read up to the tagged reply; literals are read by their length and
    kept inline.  Returns (tagged line, [untagged responses])."""
    untagged = []
    tagb = tag.encode() + b" "
    while True:
        line = c.readline()
        assert line, "connection closed; so far %r" % untagged
        while True:
            m = re.search(rb"\{(\d+)\}$", line)
            if not m:
                break
            n = int(m.group(1))
            while len(c.buf) < n:
                chunk = c.sock.recv(65536)
                assert chunk, "connection closed in a literal"
                c.buf += chunk
            line += b"\r\n" + c.buf[:n]
            c.buf = c.buf[n:]
            line += c.readline()
        if line.startswith(tagb):
            return line, untagged
        untagged.append(line)


def command(c, tag, line):
    """Send a command that must succeed; returns (tagged, untagged)."""
    c.sendline(tag + " " + line)
    tagged, untagged = read_response(c, tag)
    assert tagged.startswith(("%s OK" % tag).encode()), \
        (line, tagged, untagged)
    return tagged, untagged


def untagged_of(untagged, name):
    """The untagged responses `* NAME ...` (NAME after the star), parsed
    into IMAP values."""
    out = []
    for u in untagged:
        m = re.match(rb"^\* " + name.encode() + rb"(?: |$)(.*)$", u,
                     re.S | re.I)
        if m:
            p = _Parser(m.group(1))
            vals = []
            while True:
                p.skip_ws()
                if p.eof():
                    break
                vals.append(p.value())
            out.append(vals)
    return out


def fetch_responses(untagged):
    """{seq: {ITEM: value}} from raw `* n FETCH (...)` lines."""
    out = {}
    for u in untagged:
        m = re.match(rb"^\* (\d+) FETCH (.*)$", u, re.S)
        if not m:
            continue
        items = _Parser(m.group(2)).value()
        d = out.setdefault(int(m.group(1)), {})
        for i in range(0, len(items), 2):
            d[bytes(items[i]).upper()] = items[i + 1]
    return out


def code_of(untagged, code):
    """The argument of an untagged `* OK [CODE arg]`."""
    for u in untagged:
        m = re.match(rb"^\* OK \[" + code.encode() + rb"(?: ([^\]]*))?\]",
                     u)
        if m:
            return m.group(1)
    return None


def capabilities(line):
    m = re.search(rb"\[CAPABILITY ([^\]]*)\]", line)
    return set(m.group(1).upper().split()) if m else None


def greeting(server):
    c = RawClient(server.imap_port)
    line = c.readline()
    assert line.startswith(b"* OK"), line
    return c


def status_of(c, tag, name, items):
    """STATUS of one mailbox -> {ITEM: number}; the reply must name the
    mailbox and give exactly the items asked for."""
    _, untagged = command(c, tag, 'STATUS "%s" (%s)' % (name.decode(),
                                                        items))
    st = untagged_of(untagged, "STATUS")
    assert len(st) == 1 and bytes(st[0][0]) == name, untagged
    vals = st[0][1]
    got = {bytes(vals[i]).upper(): int(vals[i + 1])
           for i in range(0, len(vals), 2)}
    assert set(got) == set(items.encode().split()), untagged
    return got


# Thunderbird's IMAP code (mailnews/imap/src/nsImapProtocol.cpp in
# https://github.com/mozilla/releases-comm-central):
# - ProcessAfterAuthenticated(): `capability` again unless the login reply
#   carried one, `namespace`, then `ID (...)`;
# - Lsub(): `list (subscribed) "" "*"` plus `return (special-use)` with
#   LIST-EXTENDED (and SPECIAL-USE), else `lsub "" "*"`; then
#   `list "" "INBOX"`, and for a missing Trash or Drafts `list`, `create`,
#   `subscribe`;
# - the header list IMAP_ENV_AND_DB_HEADERS below;
# - ProcessStoreFlags(): `uid store N +Flags (\Seen)`; Copy():
#   `uid move N "Trash"` with MOVE; UploadMessageFromFile():
#   `append "Drafts" (\Seen \Draft) "date" {n+}` with LITERAL+.
# Real sessions against Dovecot show the rest (lower-case verbs,
# `authenticate PLAIN` then a continuation, `select "INBOX"`,
# `UID fetch 1:* (FLAGS)`, the header fetch, `UID fetch N:* (FLAGS)` after
# IDLE): https://www.tio-boot.com/zh/73_tio-mail-wing/11.html
# (Thunderbird 139), https://github.com/stalwartlabs/stalwart/issues/234
# and the Thunderbird 52 capture in the NDH 2018 "Kebab STO" write-up.
# The poll of other folders is
# `STATUS "<folder>" (UIDNEXT MESSAGES UNSEEN RECENT)`.
TB_HEADERS = ("From To Cc Bcc Subject Date Message-ID Priority X-Priority "
              "References Newsgroups In-Reply-To Content-Type Reply-To")


def header_fields(msg, names):
    """What BODY[HEADER.FIELDS (names)] returns: the matching header lines
    (with continuations) in message order, then the blank line."""
    wanted = {n.lower() for n in names}
    head = msg.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    out, keep = [], False
    for line in head.splitlines(True):
        if line[:1] in (b" ", b"\t"):
            if keep:
                out.append(line)
            continue
        keep = line.split(b":", 1)[0].decode().lower() in wanted
        if keep:
            out.append(line)
    return b"".join(out) + b"\r\n"


def check_select(untagged, tagged, exists):
    """What a client needs from SELECT; returns UIDNEXT."""
    assert untagged_of(untagged, "FLAGS"), untagged
    assert [int(u.split()[1]) for u in untagged
            if re.match(rb"^\* \d+ EXISTS$", u)] == [exists], untagged
    assert any(re.match(rb"^\* \d+ RECENT$", u) for u in untagged), untagged
    assert int(code_of(untagged, "UIDVALIDITY")) > 0
    uidnext = int(code_of(untagged, "UIDNEXT"))
    permanent = code_of(untagged, "PERMANENTFLAGS")
    assert permanent is not None, untagged
    assert {b"\\Seen", b"\\Deleted", b"\\Flagged", b"\\Answered",
            b"\\Draft"} <= set(permanent.strip(b"()").split()), permanent
    assert b"[READ-WRITE]" in tagged, tagged
    return uidnext


def ensure_folder(c, tag, name, known):
    """Thunderbird's OnEnsureExistsFolder / Trash discovery: LIST the
    folder, and CREATE and SUBSCRIBE it when it is missing."""
    _, untagged = command(c, tag, 'list "" "%s"' % name.decode())
    found = [n for _, _, n in list_entries(untagged)]
    assert found == ([name] if name in known else []), untagged
    if not found:
        command(c, tag + "a", 'create "%s"' % name.decode())
        command(c, tag + "b", 'subscribe "%s"' % name.decode())


def list_entries(untagged, verb="LIST"):
    """[(attributes lower-cased, delimiter, name)] of LIST/LSUB lines."""
    out = []
    for vals in untagged_of(untagged, verb):
        attrs, delim, name = vals[0], vals[1], vals[2]
        out.append(({bytes(a).lower() for a in attrs}, delim, bytes(name)))
    return out


@pytest.mark.parametrize("conf", ["plain", "special-use"])
def test_thunderbird_transcript(servers, conf):
    server = servers.new(extra_conf=SPECIAL_USE_CONF
                         if conf == "special-use" else "")
    msgs = [message(i, size=i) for i in range(3)]
    deliver_many(server, msgs)
    stored_msgs = server_messages(server)
    c = greeting(server)
    try:
        _, untagged = command(c, "1", "capability")
        caps = set(untagged_of(untagged, "CAPABILITY")[0])
        caps = {bytes(x).upper() for x in caps}
        assert {b"IMAP4REV1", b"AUTH=PLAIN"} <= caps, caps

        c.sendline("2 authenticate PLAIN")
        assert c.readline().startswith(b"+"), "no continuation"
        c.sendline(base64.b64encode(b"\0u1\0pass1"))
        tagged, _ = read_response(c, "2")
        assert tagged.startswith(b"2 OK"), tagged
        after = capabilities(tagged)
        if after is None:
            _, untagged = command(c, "2a", "capability")
            after = {bytes(x).upper()
                     for x in untagged_of(untagged, "CAPABILITY")[0]}
        assert {b"IMAP4REV1", b"ID", b"NAMESPACE", b"IDLE"} <= after, after

        _, untagged = command(c, "3", "namespace")
        ns = untagged_of(untagged, "NAMESPACE")
        assert len(ns) == 1 and len(ns[0]) == 3, untagged
        personal = ns[0][0]
        assert isinstance(personal, list) and len(personal) >= 1, ns
        prefix, delim = personal[0][0], personal[0][1]

        _, untagged = command(c, "4",
                              'ID ("name" "Thunderbird" "version" "115.0")')
        ids = untagged_of(untagged, "ID")
        assert len(ids) == 1 and (ids[0] == [None] or
                                  isinstance(ids[0][0], list)), untagged

        # Thunderbird before LIST-EXTENDED support (bug 495318) and with
        # servers without it sends LSUB; with it, LIST (SUBSCRIBED): both
        # must name the same mailboxes
        _, untagged = command(c, "5", 'lsub "" "*"')
        subscribed = list_entries(untagged, "LSUB")
        if b"LIST-EXTENDED" in after:
            line = 'list (subscribed) "" "*"'
            if b"SPECIAL-USE" in after:
                line += " return (special-use)"
            _, untagged = command(c, "5a", line)
            extended = list_entries(untagged)
            for attrs, _, _ in extended:
                assert b"\\subscribed" in attrs, extended
            assert sorted(n for _, _, n in extended) == \
                sorted(n for _, _, n in subscribed), (extended, subscribed)
            subscribed = extended
        _, untagged = command(c, "6", 'list "" "INBOX"')
        inbox = list_entries(untagged)
        assert len(inbox) == 1 and inbox[0][2] == b"INBOX", untagged
        assert inbox[0][1] == delim, (inbox, ns)
        if b"CHILDREN" in after:
            assert b"\\hasnochildren" in inbox[0][0], inbox
        assert prefix in (b"", b"INBOX" + delim), ns

        names = {name for _, _, name in subscribed}
        if conf == "special-use":
            assert b"SPECIAL-USE" in after, after
            want = {b"Sent": b"\\sent", b"Drafts": b"\\drafts",
                    b"Trash": b"\\trash", b"Junk": b"\\junk"}
            assert set(want) <= names, subscribed
            for attrs, _, name in subscribed:
                if name in want:
                    assert want[name] in attrs, subscribed
        for name in sorted(names - {b"INBOX"}):
            got = status_of(c, "7", name, "UIDNEXT MESSAGES UNSEEN RECENT")
            assert got[b"MESSAGES"] == got[b"UNSEEN"] == \
                got[b"RECENT"] == 0 and got[b"UIDNEXT"] >= 1, got

        tagged, untagged = command(c, "8", 'select "INBOX"')
        uidnext = check_select(untagged, tagged, 3)

        _, untagged = command(c, "9", "UID fetch 1:* (FLAGS)")
        res = fetch_responses(untagged)
        assert sorted(res) == [1, 2, 3], untagged
        uids = [int(res[i][b"UID"]) for i in (1, 2, 3)]
        assert uids == sorted(uids) and uidnext > uids[-1]
        for i in (1, 2, 3):
            assert flags_of(res[i][b"FLAGS"]) == set()

        _, untagged = command(
            c, "10", "UID fetch %d:%d (UID RFC822.SIZE FLAGS "
            "BODY.PEEK[HEADER.FIELDS (%s)])" % (uids[0], uids[-1],
                                                 TB_HEADERS))
        res = fetch_responses(untagged)
        assert sorted(res) == [1, 2, 3], untagged
        section = ("BODY[HEADER.FIELDS (%s)]" % TB_HEADERS).upper().encode()
        for i in (1, 2, 3):
            items = {k.upper(): v for k, v in res[i].items()}
            assert int(items[b"UID"]) == uids[i - 1]
            assert flags_of(items[b"FLAGS"]) == set()
            body_items = [k for k in items if k.startswith(b"BODY[")]
            assert body_items == [section], items.keys()
            stored = stored_msgs[uids[i - 1]][1]
            assert bytes(items[section]) == header_fields(
                stored, TB_HEADERS.split()), items[section]
            assert int(items[b"RFC822.SIZE"]) == len(stored)

        # opening message 2, then marking it read
        _, untagged = command(c, "11", "UID fetch %d (UID RFC822.SIZE "
                              "BODY.PEEK[])" % uids[1])
        res = fetch_responses(untagged)
        body = bytes(res[2][b"BODY[]"])
        assert body.endswith(msgs[1]) and int(res[2][b"UID"]) == uids[1]
        assert int(res[2][b"RFC822.SIZE"]) == len(body)
        _, untagged = command(c, "12", "uid store %d +Flags (\\Seen)"
                              % uids[1])
        res = fetch_responses(untagged)
        assert list(res) == [2], untagged
        assert int(res[2][b"UID"]) == uids[1]
        assert flags_of(res[2][b"FLAGS"]) == {"\\Seen"}

        # nothing new: UIDNEXT:* still names the last message
        _, untagged = command(c, "13", "UID fetch %d:* (FLAGS)" % uidnext)
        res = fetch_responses(untagged)
        assert [int(r[b"UID"]) for r in res.values()] == [uids[-1]], \
            untagged

        # IDLE wakes up on a delivery
        c.sendline("14 IDLE")
        line = c.readline()
        assert line.startswith(b"+ "), line
        deliver(server, message(9))
        c.sock.settimeout(IDLE_TIMEOUT)
        while True:
            line = c.readline()
            assert line, "connection closed in IDLE"
            if line == b"* 4 EXISTS":
                break
            assert line.startswith(b"* "), line
        c.sock.settimeout(30)
        c.sendline("DONE")
        tagged, _ = read_response(c, "14")
        assert tagged.startswith(b"14 OK"), tagged
        _, untagged = command(c, "15", "UID fetch %d:* (FLAGS)" % uidnext)
        res = fetch_responses(untagged)
        assert list(res) == [4] and int(res[4][b"UID"]) >= uidnext, \
            untagged

        # deleting message 1 moves it to Trash; saving a draft appends
        # with a non-synchronizing literal
        assert {b"MOVE", b"UIDPLUS", b"LITERAL+"} <= after, after
        ensure_folder(c, "16", b"Trash", names)
        _, untagged = command(c, "17", 'uid move %d "Trash"' % uids[0])
        assert b"* 1 EXPUNGE" in untagged, untagged
        assert status_of(c, "18", b"Trash", "MESSAGES")[b"MESSAGES"] == 1
        ensure_folder(c, "19", b"Drafts", names)
        draft = (b"From: u1@localhost\r\nSubject: draft\r\n"
                 b"Message-ID: <draft-1@localhost>\r\n\r\nnot sent yet\r\n")
        c.send(b'20 append "Drafts" (\\Seen \\Draft) '
               b'"23-Nov-2026 20:15:00 +0100" {%d+}\r\n' % len(draft)
               + draft + b"\r\n")
        tagged, _ = read_response(c, "20")
        assert re.match(rb"^20 OK \[APPENDUID \d+ \d+\]", tagged), tagged
        got = status_of(c, "21", b"Drafts", "UIDNEXT MESSAGES UNSEEN RECENT")
        assert got[b"MESSAGES"] == 1 and got[b"UNSEEN"] == 0, got

        _, untagged = command(c, "22", "logout")
        assert untagged and untagged[0].startswith(b"* BYE"), untagged
    finally:
        c.close()


# Foxmail: no public protocol capture of Foxmail was found.  What is
# documented is that Chinese providers' servers (163.com, 126.com) refuse
# SELECT with "Unsafe Login" until the client sends an RFC 2971 ID, and
# that code written to pass those checks identifies as Foxmail with name,
# version, os, os-version and vendor "Tencent"
# (https://note.lispstudio.com/dacaf276000eb6a58da4f0ecc45cd0e2,
# https://github.com/tecnologicachile/mail-mcp/issues/20,
# https://github.com/NousResearch/hermes-agent/pull/22528).  The session
# below sends that ID before and after LOGIN, uses upper-case RFC 3501
# commands, a folder with a Chinese name (modified UTF-7) and a plain
# BODY.PEEK[HEADER] / BODY.PEEK[] message download.
FOXMAIL_ID = ('("name" "Foxmail" "version" "7.2.25.120" "os" "Windows" '
              '"os-version" "10.0" "vendor" "Tencent")')


def test_foxmail_transcript(server):
    msgs = [message(i, size=2) for i in range(2)]
    deliver_many(server, msgs)
    # 收件箱备份 in modified UTF-7 (RFC 3501 5.1.3)
    encoded = "&ZTZO9nuxWQdO,Q-"
    c = greeting(server)
    try:
        _, untagged = command(c, "A001", "CAPABILITY")
        caps = {bytes(x).upper()
                for x in untagged_of(untagged, "CAPABILITY")[0]}
        assert b"ID" in caps, caps
        _, untagged = command(c, "A002", "ID " + FOXMAIL_ID)
        assert len(untagged_of(untagged, "ID")) == 1, untagged
        command(c, "A003", 'LOGIN "u1" "pass1"')
        _, untagged = command(c, "A004", "ID " + FOXMAIL_ID)
        assert len(untagged_of(untagged, "ID")) == 1, untagged

        command(c, "A005", 'CREATE "%s"' % encoded)
        _, untagged = command(c, "A006", 'LIST "" "*"')
        names = {name for _, _, name in list_entries(untagged)}
        assert names == {b"INBOX", encoded.encode()}, untagged
        for name in sorted(names):
            got = status_of(c, "A007", name, "MESSAGES UNSEEN UIDNEXT")
            want = 2 if name == b"INBOX" else 0
            assert got[b"MESSAGES"] == got[b"UNSEEN"] == want, got

        tagged, untagged = command(c, "A008", 'SELECT "INBOX"')
        check_select(untagged, tagged, 2)
        _, untagged = command(c, "A009", "UID FETCH 1:* (UID FLAGS "
                              "RFC822.SIZE INTERNALDATE)")
        res = fetch_responses(untagged)
        assert sorted(res) == [1, 2], untagged
        uids = [int(res[i][b"UID"]) for i in (1, 2)]
        for i in (1, 2):
            assert isinstance(res[i][b"INTERNALDATE"], bytes) and \
                not isinstance(res[i][b"INTERNALDATE"], Atom)
            assert re.match(rb"^[ \d]\d-[A-Z][a-z]{2}-\d{4} "
                            rb"\d\d:\d\d:\d\d [+-]\d{4}$",
                            res[i][b"INTERNALDATE"]), res[i]
        sizes = [int(res[i][b"RFC822.SIZE"]) for i in (1, 2)]

        _, untagged = command(c, "A010", "UID FETCH %d (UID BODY.PEEK[HEADER])"
                              % uids[0])
        res = fetch_responses(untagged)
        header = bytes(res[1][b"BODY[HEADER]"])
        assert header.endswith(msgs[0].split(b"\r\n\r\n")[0] + b"\r\n\r\n")

        _, untagged = command(c, "A011", "UID FETCH %d BODY.PEEK[]" % uids[0])
        res = fetch_responses(untagged)
        body = bytes(res[1][b"BODY[]"])
        assert len(body) == sizes[0] and body.startswith(header)
        assert body.endswith(msgs[0])
        assert int(res[1][b"UID"]) == uids[0], res

        _, untagged = command(c, "A012", "UID STORE %d +FLAGS.SILENT "
                              "(\\Seen)" % uids[0])
        assert fetch_responses(untagged) == {}, untagged
        _, untagged = command(c, "A013", "UID FETCH 1:* (FLAGS)")
        res = fetch_responses(untagged)
        assert flags_of(res[1][b"FLAGS"]) == {"\\Seen"}
        assert flags_of(res[2][b"FLAGS"]) == set()

        tagged, untagged = command(c, "A014", 'SELECT "%s"' % encoded)
        check_select(untagged, tagged, 0)
        _, untagged = command(c, "A015", "LOGOUT")
        assert untagged and untagged[0].startswith(b"* BYE"), untagged
    finally:
        c.close()


def test_foxmail_id_logged(servers, target):
    """The ID fields are logged, before and after login (Dovecot does it
    with imap_id_log = *; Cove always)."""
    server = servers.new(extra_conf="imap_id_log = *\n"
                         if target == "dovecot" else "")
    c = greeting(server)
    try:
        command(c, "A1", "ID " + FOXMAIL_ID)
        command(c, "A2", 'LOGIN "u1" "pass1"')
        command(c, "A3", "ID " + FOXMAIL_ID)
        command(c, "A4", "LOGOUT")
    finally:
        c.close()
    want = (b"ID sent: name=Foxmail, version=7.2.25.120, os=Windows, "
            b"os-version=10.0, vendor=Tencent")
    deadline = time.monotonic() + LOG_TIMEOUT
    while True:
        lines = [l for l in server.read_log().splitlines()
                 if b"ID sent: " in l]
        if len(lines) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(lines) == 2, lines
    for line in lines:
        assert want in line, line
