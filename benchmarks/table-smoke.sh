#!/bin/sh
# Smoke test of the JSON and of scripts/perf-table.py: a quick run of the
# two-process, stream, idle and event-loop floor scenarios on the Unix stream transport, turned
# into the tables of doc/performance.md (main, scaling, floor, targets).
set -eu
bench="$1"
table="$2"
python="$3"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bench" --quick --transports unix --scenarios rtt-2p,pipelined-2p,stream,idle,floor-rtt-2p,floor-idle --json "$dir/out.json" > "$dir/bench.txt"
grep -q "stream / batched raw writer" "$dir/bench.txt"
"$python" "$table" "$dir/out.json" > "$dir/table.md"
cat "$dir/table.md"
# One row per figure, the scaling table with the 100-peer level, the targets.
grep -q '^| rtt-2p | unix | 64 | cpu | ' "$dir/table.md"
grep -q '^| stream | unix | 64 | rate-batched | ' "$dir/table.md"
grep -q '^| unix | 100 | ' "$dir/table.md"
grep -q '^| rtt p50, two processes / raw two processes | unix | ' "$dir/table.md"
# The event loop's floor: raw, floor and ours in one row; its scaling table; the informative lines.
grep -q '^| rtt-2p | unix | p50 | .* | .* | .* | .* | .* | .* |$' "$dir/table.md"
grep -q '^| unix | 100 | .* KiB | .* req/s | 1.00 | ' "$dir/table.md"
grep -q '^| rtt p50, ours / event-loop floor | unix | .* | informative |' "$dir/table.md"
