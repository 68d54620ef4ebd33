#!/usr/bin/env bash
# The test command: installs what is missing, builds everything, runs the
# whole suite (ctest), builds an out-of-tree consumer of the installed
# package, then runs the extra suites under scripts/test.d/ in order.
# Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"

echo "== build (-Wall -Wextra, warnings are errors)"
"$root/scripts/build.sh" -DFIZYRRPCQT_DEVELOPER_MODE=ON

echo "== ctest"
(cd "$BUILD_DIR" && QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600 -j "${CTEST_JOBS:-2}")

echo "== install + out-of-tree consumer"
"$root/scripts/test-consumer.sh"

if [ -d "$root/scripts/test.d" ]; then
    for extra in "$root"/scripts/test.d/*.sh; do
        [ -e "$extra" ] || continue
        echo "== $(basename "$extra")"
        bash "$extra"
    done
fi
echo "== all tests passed"
