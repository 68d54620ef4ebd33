#!/usr/bin/env python3
"""Turns the JSON of `fizyr-rpc-bench --json FILE` into a Markdown table.

    scripts/perf-table.py figures.json [--scenarios typed-rtt,codec]
        [--sections main,scaling,targets] [--date D] [--machine M]

Prints a heading line with the date and the machine (taken from this machine
unless --date / --machine are given: run it where and when the benchmark ran;
the load average is the one the benchmark recorded at its end, when the JSON
has it), then the sections:

- main: one row per figure: scenario, transport, size, figure, ours, baseline,
  ratio (ours / baseline); the idle scenario's rows are left to `scaling`;
- scaling: the idle scenario as one table, a row per transport and peer count
  (server memory per idle peer, the active peers' throughput and its ratio to
  the smallest level's, the server's CPU per request);
- floor: the event loop's floor (scenarios floor-*): per figure the raw
  baseline, the floor, ours, and the ratios floor / raw, ours / floor and
  ours / raw; floor-idle as a scaling table next to ours (the idle scenario);
- targets: the targets of issue 18 the benchmark evaluated, met or missed, and
  the informative lines (no limit) of the floor.

JSON of older runs (without floor rows) gives the same tables as before.
With --compare and --sections floor: the floor of two runs side by side (e.g.
GLib and QT_NO_GLIB=1).

doc/performance.md quotes its output verbatim; never edit the figures by hand.
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
    if unit == "us" or unit.startswith("us/"):
        return "µs" + unit[2:]
    return unit


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_file")
    parser.add_argument("--scenarios", help="comma-separated: only these scenarios")
    parser.add_argument("--date", help="the date and time of the run (default: the file's mtime)")
    parser.add_argument("--machine", help="the machine (default: this machine)")
    parser.add_argument("--figures", help="comma-separated: only these figures (e.g. p50,cpu,rate)")
    parser.add_argument("--compare", metavar="OTHER_JSON",
                        help="a table of this run's figures of ours against OTHER_JSON's "
                             "(e.g. the same command with QT_NO_GLIB=1)")
    parser.add_argument("--labels", default="this,other",
                        help="--compare: the names of the two runs [this,other]")
    parser.add_argument("--sections", default="main,scaling,floor,targets",
                        help="comma-separated: main, scaling, floor, targets [all]")
    args = parser.parse_args()
    sections = set(args.sections.split(","))

    with open(args.json_file, encoding="utf-8") as f:
        data = json.load(f)
    if "requests" in data:
        return print_callgrind(data, args)
    if args.compare and sections == {"floor"}:
        return print_floor_compare(data, args)
    if args.compare:
        return print_compare(data, args)
    wanted = set(args.scenarios.split(",")) if args.scenarios else None

    when = args.date or datetime.datetime.fromtimestamp(
        os.path.getmtime(args.json_file), datetime.timezone.utc
    ).strftime("%Y-%m-%d %H:%M UTC")
    load = data.get("load")
    load_text = (f"{load:.1f} (at the end of the run)" if load is not None and load >= 0
                 else " ".join(f"{x:.1f}" for x in os.getloadavg()))
    machine = args.machine or "{}, nproc {}, Linux {}, load average {}".format(
        cpu_model(), os.cpu_count(), platform.release(), load_text)
    print(f"Recorded {when} on {machine}; `--runs {data.get('runs', 1)}` "
          f"(each figure the median of its runs), from `{os.path.basename(args.json_file)}`.")
    results = [r for r in data["results"] if not wanted or r["scenario"] in wanted]
    main_rows = [r for r in results
                 if r["scenario"] != "idle" and not r["scenario"].startswith("floor-")]
    if "main" in sections and main_rows:
        print()
        print_main(main_rows)
    idle = [r for r in results if r["scenario"] == "idle"]
    if "scaling" in sections and idle:
        print()
        print_scaling(idle)
    floor = [r for r in results if r["scenario"].startswith("floor-")]
    if "floor" in sections and floor:
        print()
        print_floor(floor, data["results"])
    targets = data.get("targets") or []
    if "targets" in sections and targets and not wanted:
        print()
        print("| target | transport | value | limit | |")
        print("|---|---|---:|---|---|")
        for t in targets:
            value = t["value"]
            print("| {} | {} | {} | {} | {} |".format(
                t["target"], t["transport"],
                f"{value:,.0f}".replace(",", " ") if abs(value) >= 1000 else f"{value:.2f}",
                t["limit"].replace("<=", "≤").replace(">=", "≥"),
                "" if t.get("informative") else "met" if t["met"] else "**missed**"))
    return 0


def print_compare(data, args):
    """Our figures of two runs side by side, each with its ratio to its own raw baseline."""
    with open(args.compare, encoding="utf-8") as f:
        other = {(r["scenario"], r["transport"], r["figure"]): r
                 for r in json.load(f)["results"]}
    wanted = set(args.scenarios.split(",")) if args.scenarios else None
    figures = set(args.figures.split(",")) if args.figures else None
    a, b = args.labels.split(",", 1)
    print(f"Ours in `{os.path.basename(args.json_file)}` ({a}) and "
          f"`{os.path.basename(args.compare)}` ({b}); each ratio *ours / raw baseline* of its "
          f"own run.")
    print()
    print(f"| scenario | transport | figure | ours, {a} | ours, {b} | {b} / {a} "
          f"| ratio to raw, {a} | ratio to raw, {b} |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for r in data["results"]:
        if wanted and r["scenario"] not in wanted:
            continue
        name = r["figure"].partition("@")[0]
        if figures and r["figure"] not in figures and name not in figures:
            continue
        o = other.get((r["scenario"], r["transport"], r["figure"]))
        if not o:
            continue
        unit = unit_text(r["unit"])
        def ratio(x):
            return f"{x['ratio']:.2f}" if x.get("ratio") is not None else "–"
        print("| {} | {} | {} | {} {} | {} {} | {} | {} | {} |".format(
            r["scenario"], r["transport"], r["figure"], group(r["value"]), unit,
            group(o["value"]), unit,
            f"{o['value'] / r['value']:.2f}" if r["value"] else "–", ratio(r), ratio(o)))
    return 0


def print_callgrind(data, args):
    """The JSON of scripts/callgrind-count.py: instructions per request-response."""
    wanted = set(args.scenarios.split(",")) if args.scenarios else None
    when = args.date or datetime.datetime.fromtimestamp(
        os.path.getmtime(args.json_file), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Counted {when} by {data.get('valgrind', 'valgrind')} "
          f"(N = {data['requests']} requests against 2N), "
          f"from `{os.path.basename(args.json_file)}`.")
    print()
    print("| scenario | transport | ours (Ir per request) | raw baseline | ratio |")
    print("|---|---|---:|---:|---:|")
    for r in data["results"]:
        if wanted and r["scenario"] not in wanted:
            continue
        print("| {} | {} | {} | {} | {} |".format(
            r["scenario"], r["transport"], f"{r['ours']:,}".replace(",", " "),
            f"{r['baseline']:,}".replace(",", " "),
            f"{r['ratio']:.1f}" if r.get("ratio") is not None else "–"))
    return 0


def print_scaling(rows):
    """The idle scenario: figures named memory@N, rate@N, server-cpu@N."""
    table = {}
    for r in rows:
        name, _, peers = r["figure"].partition("@")
        table.setdefault((r["transport"], int(peers)), {})[name] = r["value"]
    print("| transport | idle peers | server memory per idle peer | throughput (4 active peers) "
          "| vs. fewest peers | server CPU per request |")
    print("|---|---:|---:|---:|---:|---:|")
    first_rate = {}
    for (transport, peers) in sorted(table, key=lambda k: (["tcp", "unix", "seqpacket"].index(
            k[0]) if k[0] in ("tcp", "unix", "seqpacket") else 9, k[1])):
        f = table[(transport, peers)]
        rate = f.get("rate")
        first_rate.setdefault(transport, rate)
        base = first_rate[transport]
        print("| {} | {} | {} KiB | {} req/s | {} | {} µs |".format(
            transport, f"{peers:,}".replace(",", " "), f"{f.get('memory', 0):.1f}", group(rate),
            f"{rate / base:.2f}" if rate and base else "–", f"{f.get('server-cpu', 0):.1f}"))


def floor_pairs(rows):
    """floor-* rows FIGURE (floor against raw) and FIGURE-ours (ours against the
    floor) joined: {(scenario, transport, figure): (unit, raw, floor, ours)}."""
    pairs = {}
    for r in rows:
        if r["scenario"] == "floor-idle":
            continue
        figure = r["figure"]
        if figure.endswith("-ours"):
            continue
        ours = next((o for o in rows if o["scenario"] == r["scenario"]
                     and o["transport"] == r["transport"] and o["figure"] == figure + "-ours"),
                    None)
        pairs[(r["scenario"], r["transport"], figure)] = (
            r["unit"], r.get("baseline"), r["value"], ours["value"] if ours else None)
    return pairs


def fine(value):
    """group(), with two decimals below 10 (the floor's CPU per stream message)."""
    if value is not None and abs(value) < 10:
        return f"{value:.2f}"
    return group(value)


def ratio_text(a, b):
    return f"{a / b:.2f}" if a is not None and b else "–"


def print_floor(rows, all_rows):
    """The event loop's floor: raw, floor and ours of the same run."""
    pairs = floor_pairs(rows)
    if pairs:
        print("| scenario | transport | figure | raw | event-loop floor | ours "
              "| floor / raw | ours / floor | ours / raw |")
        print("|---|---|---|---:|---:|---:|---:|---:|---:|")
        for (scenario, transport, figure), (unit, raw, floor, ours) in pairs.items():
            unit = unit_text(unit)
            print("| {} | {} | {} | {} {} | {} {} | {} {} | {} | {} | {} |".format(
                scenario[len("floor-"):], transport, figure, fine(raw), unit, fine(floor), unit,
                fine(ours), unit, ratio_text(floor, raw), ratio_text(ours, floor),
                ratio_text(ours, raw)))
    idle = [r for r in rows if r["scenario"] == "floor-idle"]
    if not idle:
        return
    if pairs:
        print()
    ours = {(r["transport"], r["figure"]): r["value"] for r in all_rows if r["scenario"] == "idle"}
    table = {}
    for r in idle:
        name, _, peers = r["figure"].partition("@")
        table.setdefault((r["transport"], int(peers)), {})[name] = r["value"]
    print("| transport | idle peers | floor: server memory per idle peer | floor: throughput "
          "| floor: vs. fewest peers | floor: server CPU per request | ours: throughput "
          "| ours / floor | ours: server CPU per request |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    first_rate = {}
    for (transport, peers) in sorted(table, key=lambda k: (["tcp", "unix", "seqpacket"].index(
            k[0]) if k[0] in ("tcp", "unix", "seqpacket") else 9, k[1])):
        f = table[(transport, peers)]
        rate = f.get("rate")
        first_rate.setdefault(transport, rate)
        our_rate = ours.get((transport, f"rate@{peers}"))
        our_cpu = ours.get((transport, f"server-cpu@{peers}"))
        print("| {} | {} | {:.1f} KiB | {} req/s | {} | {:.1f} µs | {} | {} | {} |".format(
            transport, f"{peers:,}".replace(",", " "), f.get("memory", 0), group(rate),
            ratio_text(rate, first_rate[transport]), f.get("server-cpu", 0),
            f"{group(our_rate)} req/s" if our_rate is not None else "–",
            ratio_text(our_rate, rate),
            f"{our_cpu:.1f} µs" if our_cpu is not None else "–"))


def print_floor_compare(data, args):
    """The floor (and ours against it) of two runs, e.g. GLib and QT_NO_GLIB=1."""
    with open(args.compare, encoding="utf-8") as f:
        other_rows = json.load(f)["results"]
    a, b = args.labels.split(",", 1)
    figures = set(args.figures.split(",")) if args.figures else None
    mine = floor_pairs([r for r in data["results"] if r["scenario"].startswith("floor-")])
    other = floor_pairs([r for r in other_rows if r["scenario"].startswith("floor-")])
    print(f"The event loop's floor in `{os.path.basename(args.json_file)}` ({a}) and "
          f"`{os.path.basename(args.compare)}` ({b}), each with ours and raw of its own run.")
    print()
    print(f"| scenario | transport | figure | floor, {a} | floor, {b} | {b} / {a} "
          f"| floor / raw, {a} | floor / raw, {b} | ours / floor, {a} | ours / floor, {b} |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, (unit, raw, floor, ours) in mine.items():
        if figures and key[2] not in figures:
            continue
        o = other.get(key)
        if not o:
            continue
        unit = unit_text(unit)
        print("| {} | {} | {} | {} {} | {} {} | {} | {} | {} | {} | {} |".format(
            key[0][len("floor-"):], key[1], key[2], fine(floor), unit, fine(o[2]), unit,
            ratio_text(o[2], floor), ratio_text(floor, raw), ratio_text(o[2], o[1]),
            ratio_text(ours, floor), ratio_text(o[3], o[2])))
    return 0


def print_main(rows):
    print("| scenario | transport | size | figure | ours | baseline | ratio |")
    print("|---|---|---:|---|---:|---:|---:|")
    for r in rows:
        unit = unit_text(r["unit"])
        base = r.get("baseline")
        ratio = r.get("ratio")
        print("| {} | {} | {} | {} | {} {} | {} | {} |".format(
            r["scenario"], r["transport"], r["size"], r["figure"],
            group(r["value"]), unit,
            f"{group(base)} {unit}" if base is not None else "–",
            f"{ratio:.2f}" if ratio is not None else "–"))


if __name__ == "__main__":
    sys.exit(main())
