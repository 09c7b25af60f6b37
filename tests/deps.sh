#!/bin/sh
# Installs the Debian 12 packages that building and testing Cove need.
# Used by tests/demo.sh, tests/run-all.sh and .ci/run. As non-root it only
# says what is missing.
set -e

COVE_BUILD_DEPS="build-essential autoconf automake libtool pkg-config
libssl-dev libpam0g-dev libsodium-dev zlib1g-dev libcrypt-dev"
COVE_TEST_DEPS="python3 python3-pytest openssl procps curl fetchmail postfix swaks isync mutt dovecot-core clang"

missing=""
for pkg in $COVE_BUILD_DEPS ${1:+$COVE_TEST_DEPS}; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "Missing Debian packages:$missing" >&2
	echo "Install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
