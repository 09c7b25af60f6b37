#!/bin/sh
# Copyright (c) Cove authors. See AUTHORS.
# Benchmark Cove against Dovecot on private loopback instances.
# Usage: bench/run.sh [-n MESSAGES] [--only cove|dovecot] [...]; see --help.
# Cove is found through COVE_PREFIX (default: <repo>/build/install).
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" "$(dirname "$0")/bench.py" "$@"
