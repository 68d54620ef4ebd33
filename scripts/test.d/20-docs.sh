#!/usr/bin/env bash
# The API reference: qdoc over the public sources (target docs, option
# FIZYRRPCQT_BUILD_DOCS). Any qdoc warning fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${BUILD_DIR:-$root/build}

cmake -S "$root" -B "$build_dir" -DFIZYRRPCQT_BUILD_DOCS=ON >/dev/null
cmake --build "$build_dir" --target docs
echo "docs: $build_dir/doc/reference/html/index.html"
