#!/usr/bin/env python3
"""Before and after a change: fizyr-rpc-bench JSON files of both side by side.

    scripts/perf-compare.py --before a1.json a2.json ... --after b1.json b2.json ...
        [--figures p50,cpu,rate,throughput]

Each file is one `fizyr-rpc-bench --json FILE` run (run them alternately,
before and after, in the same minutes). For every scenario, transport and
figure, prints the median over the files of each side of ours and of ours /
raw baseline (the ratio of the same run), and after / before of ours, as one
Markdown table. doc/performance.md quotes its output; never edit the figures
by hand.
"""

import argparse
import json
import statistics


def load(paths, figures):
    values = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for row in data.get("results", []):
            if figures and row.get("figure") not in figures:
                continue
            key = (row["scenario"], row["transport"], row["figure"], row.get("unit", ""))
            values.setdefault(key, ([], []))
            values[key][0].append(row["value"])
            if row.get("ratio") is not None:
                values[key][1].append(row["ratio"])
    return values


def fmt(value, unit=""):
    if value is None:
        return "–"
    text = f"{value:,.0f}".replace(",", " ") if abs(value) >= 1000 else f"{value:.2f}"
    unit = unit.replace("us", "µs") if unit else ""
    return f"{text} {unit}".strip()


def median(values):
    return statistics.median(values) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", nargs="+", required=True)
    parser.add_argument("--after", nargs="+", required=True)
    parser.add_argument("--figures", help="comma-separated: only these figures")
    args = parser.parse_args()
    figures = set(args.figures.split(",")) if args.figures else None
    before = load(args.before, figures)
    after = load(args.after, figures)
    print(f"Medians of {len(args.before)} runs before and {len(args.after)} after "
          "(each run itself the median of its `--runs`).")
    print()
    print("| scenario | transport | figure | ours before | ours after | after / before "
          "| ours / raw before | ours / raw after |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for key in before:
        if key not in after:
            continue
        scenario, transport, figure, unit = key
        b, a = median(before[key][0]), median(after[key][0])
        change = a / b if a is not None and b else None
        print(f"| {scenario} | {transport} | {figure} | {fmt(b, unit)} | {fmt(a, unit)} "
              f"| {fmt(change)} | {fmt(median(before[key][1]))} "
              f"| {fmt(median(after[key][1]))} |")


if __name__ == "__main__":
    main()
