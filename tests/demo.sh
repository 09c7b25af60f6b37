#!/bin/sh
# Builds Cove and starts it on a ready local configuration: IMAP on
# 127.0.0.1:10143, POP3 on 127.0.0.1:10110, LMTP on 127.0.0.1:10024, user
# "demo" with password "demo", mail under build/demo/. No root needed.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tests/deps.sh"
sh "$top/tests/build.sh"

demo="$top/build/demo"
prefix="$top/build/install"
mkdir -p "$demo/home/demo"
me=$(id -un)
uid=$(id -u)
gid=$(id -g)
login_user=$me
internal_user=$me
if [ "$uid" = 0 ]; then
	# As root Cove drops privileges: it needs its two system users, and
	# the demo user gets a non-root uid.
	for u in cove covenull; do
		id "$u" >/dev/null 2>&1 ||
			useradd --system --no-create-home --shell /usr/sbin/nologin "$u"
	done
	login_user=covenull
	internal_user=cove
	uid=5000
	gid=5000
	chown "$uid:$gid" "$demo/home/demo"
fi

cat > "$demo/users" <<USERS
demo:{PLAIN}demo:$uid:$gid::$demo/home/demo::
USERS
chmod 0644 "$demo/users"

cat > "$demo/cove.conf" <<CONF
# Cove demo configuration, written by tests/demo.sh.
base_dir = $demo/run
state_dir = $demo/state
log_path = $demo/cove.log
protocols = imap pop3 lmtp
listen = 127.0.0.1
default_login_user = $login_user
default_internal_user = $internal_user
auth_mechanisms = plain login
# LMTP's demo@localhost and IMAP's demo are one user.
auth_username_format = %Ln
passdb {
  driver = passwd-file
  args = $demo/users
}
userdb {
  driver = passwd-file
  args = $demo/users
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = 10143
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 10110
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 10024
  }
}
CONF

if [ -f "$demo/run/master.pid" ] && kill -0 "$(cat "$demo/run/master.pid")" 2>/dev/null; then
	"$prefix/bin/coveadm" -c "$demo/cove.conf" stop
	sleep 1
fi
"$prefix/sbin/cove" -c "$demo/cove.conf"
cat <<EOT
Cove is running (log: $demo/cove.log).
  IMAP:  127.0.0.1 port 10143, user demo, password demo
         e.g. curl -s --user demo:demo 'imap://127.0.0.1:10143/INBOX;UID=1'
  POP3:  127.0.0.1 port 10110, same user, e.g.
         curl -s --user demo:demo pop3://127.0.0.1:10110/1
  LMTP:  127.0.0.1 port 10024, deliver to demo@localhost, e.g.
         python3 -c "import smtplib; s=smtplib.LMTP('127.0.0.1',10024); s.sendmail('me@example.com',['demo@localhost'],'Subject: hi\r\n\r\nHello\r\n'); s.quit()"
  Mail:  $demo/home/demo/Maildir
  Stop:  $prefix/bin/coveadm -c $demo/cove.conf stop
EOT
