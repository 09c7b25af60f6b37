# Copyright (c) Cove authors. See AUTHORS.
"""The sample configuration that `make install` puts in etc/cove works as
shipped: an administrator changes only paths and ports (here through the
local.conf that cove.conf includes) and gets a server that accepts LMTP
and serves the mail over IMAP, with no warning about the config."""

import os
import re
import shutil

import pytest

from helpers import deliver, imap_session
from mailserver import cove_prefix

pytestmark = pytest.mark.cove_only


def test_installed_sample_config(servers):
    s = servers.new(start=False)
    etc = os.path.join(s.root, "etc")
    shutil.copytree(os.path.join(cove_prefix(), "etc", "cove"), etc)
    ext = os.path.join(etc, "conf.d", "auth-passwdfile.conf.ext")
    with open(ext) as f:
        text = f.read()
    assert "/etc/cove/users" in text, text
    with open(ext, "w") as f:
        f.write(text.replace("/etc/cove/users", s.users_path))
    with open(os.path.join(etc, "local.conf"), "w") as f:
        f.write("""\
base_dir = {r}/run
state_dir = {r}/state
log_path = {log}
listen = 127.0.0.1
default_login_user = {lu}
default_internal_user = {iu}
auth_username_format = %Ln
service imap-login {{
  inet_listener imap {{
    port = {ip}
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lp}
  }}
}}
""".format(r=s.root, log=s.log_path, lu=s.login_user, iu=s.internal_user,
           ip=s.imap_port, lp=s.lmtp_port))
    s.conf = os.path.join(etc, "cove.conf")
    s.start()
    deliver(s, b"Subject: sample\r\n\r\nfrom the sample config\r\n")
    with imap_session(s) as m:
        assert m.select("INBOX") == ("OK", [b"1"])
        typ, data = m.fetch("1", "(BODY.PEEK[TEXT])")
        assert typ == "OK" and data[0][1] == b"from the sample config\r\n"
    log = s.read_log().decode("utf-8", "replace")
    assert not re.search(r"\b(Warning|Error)\b", log), log
    # the unix LMTP socket of conf.d/10-master.conf is there for an MTA
    assert os.path.exists(os.path.join(s.root, "run", "lmtp"))
