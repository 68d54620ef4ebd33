#!/usr/bin/env bash
# Installs the library into a temporary prefix and builds and runs a tiny
# CMake project against it with find_package(FizyrRpcQt).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$root/tests/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$work/build/consumer"
LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$work/build/consumer-greeter"

# The installed QML module: the QML guide's snippet runs against it, the
# plugin finding the library through its RUNPATH alone.
qml_tool=/usr/lib/qt6/bin/qml
qmldir=$(find "$work/prefix" -path '*/Fizyr/Rpc/qmldir' | head -n 1)
if [ -n "$qmldir" ] && [ -x "$qml_tool" ]; then
    output=$(QT_QPA_PLATFORM=offscreen QML_IMPORT_PATH="$(dirname "$(dirname "$(dirname "$qmldir")")")" \
        timeout 60 "$qml_tool" "$root/doc/snippets/qml-guide.qml" 2>&1)
    if ! grep -q "response: Hello, QML!" <<<"$output"; then
        echo "test-consumer: the installed QML module did not work:" >&2
        echo "$output" >&2
        exit 1
    fi
    echo "test-consumer: installed QML module OK ($qmldir)"
fi
