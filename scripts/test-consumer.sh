#!/usr/bin/env bash
# Installs the library into a temporary prefix and checks the installed
# package as a user gets it:
#  - the shared library exports the public API only (no internal class);
#  - a tiny CMake project builds and runs against it with find_package();
#  - the installed QML module works, its plugin finding the library through a
#    RUNPATH relative to itself ($ORIGIN), with no absolute path;
#  - a static build (BUILD_SHARED_LIBS=OFF) installs and serves the same
#    consumer (skip with FIZYRRPCQT_SKIP_STATIC=1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null

# The installed shared library: public API only.
library=$(find "$work/prefix" -name 'libFizyrRpcQt.so.*' -type f | head -n 1)
if [ -z "$library" ]; then
    echo "test-consumer: no libFizyrRpcQt.so.* installed" >&2
    exit 1
fi
cmake -DLIBRARY="$library" -P "$root/cmake/CheckExports.cmake"

cmake -S "$root/tests/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
LD_LIBRARY_PATH="$(dirname "$library")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$work/build/consumer"
LD_LIBRARY_PATH="$(dirname "$library")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$work/build/consumer-greeter"
if grep -q '^set(FizyrRpcQt_EPOLL ON)' "$(find "$work/prefix" -name FizyrRpcQtConfig.cmake | head -n 1)"; then
    LD_LIBRARY_PATH="$(dirname "$library")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$work/build/consumer-epoll"
fi
if [ -x "$work/build/consumer-greeter-qml" ]; then
    LD_LIBRARY_PATH="$(dirname "$library")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$work/build/consumer-greeter-qml"
fi

# The installed QML module: no absolute RUNPATH in the plugin, and the QML
# guide's snippet runs against it, the plugin finding the library through its
# RUNPATH alone.
qml_tool=/usr/lib/qt6/bin/qml
qmldir=$(find "$work/prefix" -path '*/Fizyr/Rpc/qmldir' | head -n 1)
if [ -n "$qmldir" ]; then
    plugin=$(find "$(dirname "$qmldir")" -name 'lib*.so' -type f | head -n 1)
    if [ -z "$plugin" ]; then
        echo "test-consumer: no QML plugin next to $qmldir" >&2
        exit 1
    fi
    runpath=$(readelf -d "$plugin" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
    IFS=: read -r -a entries <<<"$runpath"
    for entry in "${entries[@]}"; do
        case "$entry" in
        '$ORIGIN' | '$ORIGIN/'*) ;;
        *)
            echo "test-consumer: the installed QML plugin has a RUNPATH entry that is not relative to it: '$entry' (RUNPATH '$runpath')" >&2
            exit 1
            ;;
        esac
    done
    echo "test-consumer: QML plugin RUNPATH '$runpath'"
    if [ -x "$qml_tool" ]; then
        output=$(QT_QPA_PLATFORM=offscreen QML_IMPORT_PATH="$(dirname "$(dirname "$(dirname "$qmldir")")")" \
            timeout 60 "$qml_tool" "$root/doc/snippets/qml-guide.qml" 2>&1)
        if ! grep -q "response: Hello, QML!" <<<"$output"; then
            echo "test-consumer: the installed QML module did not work:" >&2
            echo "$output" >&2
            exit 1
        fi
        echo "test-consumer: installed QML module OK ($qmldir)"
    fi
fi

# A static library: built alone (no tests, tools or QML), installed, consumed.
if [ "${FIZYRRPCQT_SKIP_STATIC:-0}" != 1 ]; then
    static_build=${STATIC_BUILD_DIR:-$build_dir-static}
    cmake -S "$root" -B "$static_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DBUILD_SHARED_LIBS=OFF -DFIZYRRPCQT_DEVELOPER_MODE=ON \
        -DFIZYRRPCQT_BUILD_TESTS=OFF -DFIZYRRPCQT_BUILD_EXAMPLES=OFF -DFIZYRRPCQT_BUILD_QML=OFF \
        -DFIZYRRPCQT_BUILD_TOOLS=OFF -DFIZYRRPCQT_BUILD_BENCHMARKS=OFF >/dev/null
    cmake --build "$static_build" --parallel "${JOBS:-$(nproc)}" >/dev/null
    cmake --install "$static_build" --prefix "$work/static-prefix" >/dev/null
    if ! find "$work/static-prefix" -name 'libFizyrRpcQt.a' | grep -q .; then
        echo "test-consumer: the static build installed no libFizyrRpcQt.a" >&2
        exit 1
    fi
    cmake -S "$root/tests/consumer" -B "$work/static-consumer" -G Ninja \
        -DCMAKE_PREFIX_PATH="$work/static-prefix" >/dev/null
    cmake --build "$work/static-consumer" >/dev/null
    if readelf -d "$work/static-consumer/consumer" | grep -q 'libFizyrRpcQt'; then
        echo "test-consumer: the static consumer depends on a shared libFizyrRpcQt" >&2
        exit 1
    fi
    "$work/static-consumer/consumer"
    echo "test-consumer: static library OK"
fi
