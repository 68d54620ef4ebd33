#!/usr/bin/env python3
"""Instructions per request-response of fizyr-rpc-bench, counted by callgrind.

    scripts/callgrind-count.py BUILD/benchmarks/fizyr-rpc-bench [--scenarios rtt,pipelined]
        [--transports tcp,unix,seqpacket] [--requests 1000] [--json FILE]

For each scenario, transport and side (ours, then the raw baseline: the
benchmark's `--only ours` / `--only baseline`), runs the benchmark under
`valgrind --tool=callgrind` twice, with N and with 2N requests, and reports
(Ir(2N) - Ir(N)) / N: the instructions of one request-response, both sides
(client and server) together, with start-up, connecting and tear-down cancelled
out. Every process is counted (`--trace-children=yes`: the `--serve` child of
the two-process scenarios and the raw baseline's forked child too). The counts
are deterministic up to how the threads' work happens to be batched: run it
twice to see the spread. Prints JSON (and writes it to --json FILE):

    {"requests": N, "results": [{"scenario", "transport", "ours", "baseline",
      "ratio"}], "valgrind": "valgrind-3.x"}

doc/performance.md quotes its output; never edit the counts by hand.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile


def total_ir(outdir):
    """Sum of the instruction counts of every callgrind output file in outdir."""
    total = 0
    for path in glob.glob(os.path.join(outdir, "cg.*")):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    total += int(line.split()[1])
                    break
    return total


def run(bench, scenario, transport, side, requests):
    # rtt and rtt-2p send count/4 requests (see --count).
    count = requests * 4 if scenario.startswith("rtt") else requests
    with tempfile.TemporaryDirectory(prefix="cg-") as outdir:
        cmd = [
            "valgrind", "--tool=callgrind", "--trace-children=yes",
            "--callgrind-out-file=" + os.path.join(outdir, "cg.%p"),
            bench, "--scenarios", scenario, "--transports", transport,
            "--count", str(count), "--runs", "1", "--only", side,
        ]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              check=False)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"callgrind-count: {' '.join(cmd)} failed")
        return total_ir(outdir)


def per_request(bench, scenario, transport, side, requests):
    small = run(bench, scenario, transport, side, requests)
    large = run(bench, scenario, transport, side, 2 * requests)
    return (large - small) / requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", help="path to fizyr-rpc-bench")
    parser.add_argument("--scenarios", default="rtt,pipelined")
    parser.add_argument("--transports", default="tcp,unix,seqpacket")
    parser.add_argument("--requests", type=int, default=1000, help="N [1000]")
    parser.add_argument("--json", help="also write the JSON to this file")
    args = parser.parse_args()

    version = subprocess.run(["valgrind", "--version"], stdout=subprocess.PIPE, text=True,
                             check=False).stdout.strip()
    results = []
    for scenario in args.scenarios.split(","):
        for transport in args.transports.split(","):
            ours = per_request(args.bench, scenario, transport, "ours", args.requests)
            base = per_request(args.bench, scenario, transport, "baseline", args.requests)
            row = {"scenario": scenario, "transport": transport, "ours": round(ours),
                   "baseline": round(base), "ratio": round(ours / base, 2) if base > 0 else None}
            results.append(row)
            print(json.dumps(row), file=sys.stderr)
    data = {"requests": args.requests, "valgrind": version, "results": results}
    text = json.dumps(data, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
