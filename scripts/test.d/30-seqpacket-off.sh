#!/usr/bin/env bash
# The configuration without the seqpacket transport (FIZYRRPCQT_SEQPACKET=OFF,
# the default off Linux): builds everything in a second build directory
# (warnings are errors) and runs the whole ctest suite there. The tests drop
# their seqpacket rows and the seqpacket-only suites.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${NOSEQPACKET_BUILD_DIR:-${BUILD_DIR:-$root/build}-noseqpacket}

cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    -DFIZYRRPCQT_SEQPACKET=OFF -DFIZYRRPCQT_DEVELOPER_MODE=ON >/dev/null
cmake --build "$build_dir" --parallel "${JOBS:-$(nproc)}"
if grep -rqs 'FIZYRRPCQT_HAVE_SEQPACKET' "$build_dir/build.ninja"; then
    echo "seqpacket-off: FIZYRRPCQT_HAVE_SEQPACKET is defined in the OFF build" >&2
    exit 1
fi
(cd "$build_dir" && QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600 -j "${CTEST_JOBS:-2}")
