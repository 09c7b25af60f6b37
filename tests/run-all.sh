#!/bin/sh
# Builds Cove and runs every test: the C unit tests (make check) and the
# integration tests in tests/ (pytest, against the installed build), then
# all of them again against a clang build with AddressSanitizer and UBSan
# (tests/run-asan.sh), failing on any sanitizer report, and finally every
# libFuzzer target for FUZZ_SECONDS (default 30) each, two at a time, from
# a clang --enable-fuzzers build in build-fuzz/.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/tests/deps.sh" test
sh "$top/tests/build.sh" --enable-werror
make -s -C "$top/build" check
cd "$top"
COVE_PREFIX="$top/build/install" /usr/bin/python3 -m pytest -q tests
sh "$top/tests/run-asan.sh"
COVE_BUILD_DIR=build-fuzz CC=clang sh "$top/tests/build.sh" --enable-fuzzers
make -s -C "$top/build-fuzz/src/fuzz" fuzz-smoke FUZZ_JOBS=2 \
	FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
