#!/bin/sh
# Builds Cove with clang, AddressSanitizer and UBSan in build-asan/, then
# runs the unit tests (with leak checking) and the integration tests
# against that build (the stress test for 20 s: the gcc pass runs it for
# the full 60). Any sanitizer report from any Cove process fails the
# run: the reports go to files (ASAN_OPTIONS/UBSAN_OPTIONS log_path, which
# the master passes on to every service) and are printed at the end.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
COVE_BUILD_DIR=build-asan CC=clang sh "$top/tests/build.sh" --enable-asan
logs=$(mktemp -d /tmp/cove-asan.XXXXXX)
chmod 1777 "$logs"
status=0
ASAN_OPTIONS="detect_leaks=1:log_path=$logs/asan" \
UBSAN_OPTIONS="print_stacktrace=1:log_path=$logs/ubsan" \
	make -s -C "$top/build-asan" check || status=1
cd "$top"
ASAN_OPTIONS="detect_leaks=0:log_path=$logs/asan" \
UBSAN_OPTIONS="print_stacktrace=1:log_path=$logs/ubsan" \
COVE_PREFIX="$top/build-asan/install" \
COVE_STRESS_SECONDS="${COVE_STRESS_SECONDS:-20}" \
	/usr/bin/python3 -m pytest -q -p no:cacheprovider tests || status=1
if [ -n "$(ls -A "$logs")" ]; then
	echo "Sanitizer reports:" >&2
	cat "$logs"/* >&2
	status=1
fi
rm -rf "$logs"
exit $status
