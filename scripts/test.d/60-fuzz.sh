#!/usr/bin/env bash
# A short, bounded libFuzzer run of every fuzz target (30 s each by default).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
FUZZ_SECONDS=${FUZZ_SECONDS:-30} exec "$root/scripts/fuzz.sh"
