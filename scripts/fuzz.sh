#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (plus ASan and UBSan) and runs each
# for FUZZ_SECONDS seconds (default 300) on a copy of the seed corpus.
# Usage: scripts/fuzz.sh [TARGET...]   (default: every target)
# A crash input is kept in $FUZZ_BUILD_DIR/artifacts; add it to
# tests/fuzz/corpus/<target>/ so that it becomes a regression test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${FUZZ_BUILD_DIR:-${BUILD_DIR:-$root/build}-fuzz}
seconds=${FUZZ_SECONDS:-300}

"$root/scripts/setup.sh"
CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFIZYRRPCQT_BUILD_FUZZERS=ON -DFIZYRRPCQT_SANITIZE=ON \
    -DFIZYRRPCQT_BUILD_TESTS=OFF -DFIZYRRPCQT_BUILD_EXAMPLES=OFF -DFIZYRRPCQT_BUILD_QML=OFF \
    -DFIZYRRPCQT_BUILD_TOOLS=OFF -DFIZYRRPCQT_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build_dir" --parallel "${JOBS:-$(nproc)}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=()
    for corpus in "$root"/tests/fuzz/corpus/*/; do
        name=$(basename "$corpus")
        [ -x "$build_dir/tests/fuzz/fuzz_$name" ] && targets+=("$name")
    done
fi

mkdir -p "$build_dir/artifacts"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for name in "${targets[@]}"; do
    work=$(mktemp -d)
    cp "$root/tests/fuzz/corpus/$name/"* "$work/"
    echo "fuzz_$name: ${seconds}s"
    # The fuzzer's exit status, not grep's: with pipefail a failing fuzzer
    # fails the pipeline (grep finding nothing does not).
    status=0
    "$build_dir/tests/fuzz/fuzz_$name" "$work" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$build_dir/artifacts/$name-" -max_len=9000 2>&1 \
        | { grep -E "^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" || true; } \
        || status=$?
    rm -rf "$work"
    if [ "$status" -ne 0 ]; then
        echo "fuzz_$name FAILED (exit $status); crash input in $build_dir/artifacts/" >&2
        exit 1
    fi
done
echo "fuzzing passed"
