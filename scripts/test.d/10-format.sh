#!/usr/bin/env bash
# Every C++ source of the repository is formatted with the root .clang-format.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [ ${#files[@]} -eq 0 ]; then
    echo "format: no sources found (not a git checkout?)" >&2
    exit 1
fi
clang-format --dry-run -Werror "${files[@]}"
echo "format: ${#files[@]} files formatted"
