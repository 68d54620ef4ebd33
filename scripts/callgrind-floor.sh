#!/bin/sh
# Instructions per round trip of the event loop's floor (floor-rtt-2p, both
# processes), counted by callgrind as scripts/callgrind-count.py counts ours
# and the raw pair: (Ir(2N) - Ir(N)) / N, start-up and tear-down cancelled out.
#
#     scripts/callgrind-floor.sh BUILD/benchmarks/fizyr-rpc-bench [N] [TRANSPORTS]
#
# Prints one line per transport: "TRANSPORT INSTRUCTIONS". Set QT_NO_GLIB=1 in
# the environment for Qt's own dispatcher. See doc/performance.md, "The event
# loop's floor".
set -eu
bench="$1"
n="${2:-500}"
transports="${3:-tcp unix seqpacket}"
for t in $transports; do
    for k in 1 2; do
        d=$(mktemp -d)
        # floor-rtt-2p sends count/4 requests.
        valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$d/cg.%p" \
            "$bench" --scenarios floor-rtt-2p --transports "$t" --count $((4 * n * k)) \
            --runs 1 --only floor > "$d/out.txt" 2>&1 || { cat "$d/out.txt" >&2; exit 1; }
        total=$(for f in "$d"/cg.*; do grep -m1 '^summary:\|^totals:' "$f"; done |
            awk '{ s += $2 } END { print s }')
        eval "ir$k=$total"
        rm -rf "$d"
    done
    echo "$t $(((ir2 - ir1) / n))"
done
