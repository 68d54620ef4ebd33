#!/usr/bin/env python3
"""Turns the JSON of `fizyr-rpc-bench --json FILE` into a Markdown table.

    scripts/perf-table.py figures.json [--scenarios typed-rtt,codec] [--baseline-name untyped]

Prints a heading line with the date and the machine (taken from this machine
unless --date / --machine are given: run it where and when the benchmark ran),
then one row per figure: scenario, transport, size, figure, ours, baseline,
ratio (ours / baseline). doc/performance.md quotes its output verbatim; never
edit the figures by hand.
"""

import argparse
import datetime
import json
import os
import platform
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def group(value):
    """1234567.8 -> '1 234 568'; small values keep one decimal."""
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.1f}"


def unit_text(unit):
    return {"us": "µs"}.get(unit, unit)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_file")
    parser.add_argument("--scenarios", help="comma-separated: only these scenarios")
    parser.add_argument("--date", help="the date and time of the run (default: the file's mtime)")
    parser.add_argument("--machine", help="the machine (default: this machine)")
    args = parser.parse_args()

    with open(args.json_file, encoding="utf-8") as f:
        data = json.load(f)
    wanted = set(args.scenarios.split(",")) if args.scenarios else None

    when = args.date or datetime.datetime.fromtimestamp(
        os.path.getmtime(args.json_file), datetime.timezone.utc
    ).strftime("%Y-%m-%d %H:%M UTC")
    machine = args.machine or "{}, nproc {}, Linux {}, load average {}".format(
        cpu_model(), os.cpu_count(), platform.release(),
        " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"Recorded {when} on {machine}; `--runs {data.get('runs', 1)}` "
          f"(each figure the median of its runs), from `{os.path.basename(args.json_file)}`.")
    print()
    print("| scenario | transport | size | figure | ours | baseline | ratio |")
    print("|---|---|---:|---|---:|---:|---:|")
    for r in data["results"]:
        if wanted and r["scenario"] not in wanted:
            continue
        unit = unit_text(r["unit"])
        base = r.get("baseline")
        ratio = r.get("ratio")
        print("| {} | {} | {} | {} | {} {} | {} | {} |".format(
            r["scenario"], r["transport"], r["size"], r["figure"],
            group(r["value"]), unit,
            f"{group(base)} {unit}" if base is not None else "–",
            f"{ratio:.2f}" if ratio is not None else "–"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
