#!/usr/bin/env bash
# Builds the library and the test suites with AddressSanitizer and
# UndefinedBehaviorSanitizer (FIZYRRPCQT_SANITIZE) and runs the whole ctest
# suite under them. Any report fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${SANITIZER_BUILD_DIR:-${BUILD_DIR:-$root/build}-sanitize}

cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DFIZYRRPCQT_SANITIZE=ON -DFIZYRRPCQT_DEVELOPER_MODE=ON \
    -DFIZYRRPCQT_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build_dir" --parallel "${JOBS:-$(nproc)}"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0"
(cd "$build_dir" && QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 900 -j "${CTEST_JOBS:-2}" \
    ${SANITIZER_CTEST_ARGS:-})
