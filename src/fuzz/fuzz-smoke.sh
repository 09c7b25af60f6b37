#!/bin/sh
# Copyright (c) Cove authors. See AUTHORS.
# The fuzz-smoke run (src/fuzz/Makefile.am): runs every libFuzzer target
# named for SECONDS on a scratch copy of its seed corpus in
# CORPUS/<target without "fuzz-">, JOBS targets at a time. A target
# without a corpus directory starts from nothing. A crash, leak, timeout
# or sanitizer report fails the run; the fuzzer's log and the input that
# caused it (hex dump, kept as ARTIFACTS/crash-<name>-*) are printed.
#
# usage: fuzz-smoke.sh SECONDS CORPUS ARTIFACTS JOBS TARGET...
#        fuzz-smoke.sh --one SECONDS CORPUS ARTIFACTS TARGET
set -e

if [ "$1" = --one ]; then
	seconds=$2 corpus=$3 artifacts=$4 target=$5
	name=${target##*/}
	name=${name#fuzz-}
	work=$(mktemp -d "${TMPDIR:-/tmp}/cove-fuzz-$name.XXXXXX")
	if [ -d "$corpus/$name" ]; then
		cp -r "$corpus/$name/." "$work/"
	fi
	echo "fuzz-smoke: $name for $seconds s"
	if "$target" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=1024 -print_final_stats=0 \
		-artifact_prefix="$artifacts/crash-$name-" \
		"$work" >"$work.log" 2>&1; then
		rm -rf "$work" "$work.log"
		exit 0
	fi
	echo "fuzz-smoke: $name FAILED; fuzzer output:" >&2
	tail -60 "$work.log" >&2
	for input in "$artifacts/crash-$name-"*; do
		[ -f "$input" ] || continue
		echo "fuzz-smoke: $name input $input:" >&2
		od -A d -t x1z "$input" | head -64 >&2
	done
	rm -rf "$work" "$work.log"
	exit 1
fi

[ $# -ge 5 ] || {
	echo "usage: $0 SECONDS CORPUS ARTIFACTS JOBS TARGET..." >&2
	exit 2
}
seconds=$1 corpus=$2 artifacts=$3 jobs=$4
shift 4
mkdir -p "$artifacts"
for target in "$@"; do
	case $target in
	*/*) echo "$target" ;;
	*) echo "./$target" ;;
	esac
done | xargs -n 1 -P "$jobs" sh "$0" --one "$seconds" "$corpus" \
	"$artifacts" || {
	echo "fuzz-smoke: at least one target failed (see above)" >&2
	exit 1
}
echo "fuzz-smoke: $# targets passed"
