#!/bin/sh
# Builds Cove out of tree in build/ (or $COVE_BUILD_DIR) and installs it
# into its install/. Extra arguments go to configure; CC from the
# environment picks the compiler.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null 2>&1 ||
	{ autoreconf -fi; exit 1; }
dir=${COVE_BUILD_DIR:-build}
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	"$top/configure" -q --prefix="$top/$dir/install" "$@"
fi
make -s -j"$(nproc)" >/dev/null
make -s install >/dev/null
