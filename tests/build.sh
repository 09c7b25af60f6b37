#!/bin/sh
# Builds Cove out of tree in build/ and installs it into build/install.
# Extra arguments go to configure.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null 2>&1 ||
	{ autoreconf -fi; exit 1; }
mkdir -p build
cd build
if [ ! -f Makefile ] || [ ../configure -nt Makefile ]; then
	../configure -q --prefix="$top/build/install" "$@"
fi
make -s -j"$(nproc)" >/dev/null
make -s install >/dev/null
