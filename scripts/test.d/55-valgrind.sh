#!/usr/bin/env bash
# The deletion table (tst_deletion: deleting peers, requests and servers from
# inside their own signals) under valgrind's memcheck, which also sees
# use-after-free inside Qt's own code, where the sanitizers do not look.
# Any memcheck error fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
binary=$build_dir/tests/auto/deletion/tst_deletion

if [ ! -x "$binary" ]; then
    echo "valgrind: $binary does not exist (the test command builds it)" >&2
    exit 1
fi
if ! command -v valgrind >/dev/null; then
    echo "valgrind: valgrind not installed (scripts/setup.sh installs it)" >&2
    exit 1
fi

suppressions=()
if [ -f "$root/scripts/valgrind.supp" ]; then
    suppressions=(--suppressions="$root/scripts/valgrind.supp")
fi
# Memcheck errors only (leaks are the sanitizer step's business).
cd "$(dirname "$binary")"
QT_QPA_PLATFORM=offscreen timeout 1800 valgrind --tool=memcheck --error-exitcode=1 \
    --leak-check=no --num-callers=30 "${suppressions[@]}" \
    "$binary"
echo "valgrind: tst_deletion clean"
