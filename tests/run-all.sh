#!/bin/sh
# Builds Cove and runs every test: the C unit tests (make check) and the
# integration tests in tests/ (pytest, against the installed build), then
# all of them again against a clang build with AddressSanitizer and UBSan
# (tests/run-asan.sh), failing on any sanitizer report.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tests/deps.sh" test
sh "$top/tests/build.sh" --enable-werror
make -s -C "$top/build" check
cd "$top"
COVE_PREFIX="$top/build/install" /usr/bin/python3 -m pytest -q tests
sh "$top/tests/run-asan.sh"
