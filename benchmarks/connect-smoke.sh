#!/bin/sh
# Smoke test of --serve and --connect: runs our server side in one process and
# the client scenarios against it from another, with tiny counts.
set -u
bench="$1"
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
mkfifo "$dir/out"
"$bench" --serve "unix:$dir/s.sock" > "$dir/out" &
pid=$!
# The server prints "listening ADDRESS" once it accepts connections.
read -r word address < "$dir/out" || exit 1
[ "$word" = listening ] || exit 1
"$bench" --connect "$address" --quick --scenarios rtt,pipelined,stream --json "$dir/out.json" || exit 1
grep -q '"scenario": "stream"' "$dir/out.json"
