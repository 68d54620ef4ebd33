#!/usr/bin/env bash
# The demo command: installs what is missing, builds, and runs a server and a
# client that exchange requests with updates both ways, a response, an error
# response and stream messages both ways, printing what happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
"$root/scripts/build.sh" >/dev/null
exec "$BUILD_DIR/examples/demo/demo" "$@"
