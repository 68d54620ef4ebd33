#!/usr/bin/env python3
"""Measures what `fizyr-rpc proxy --record` costs, and turns the result into a table.

    scripts/record-cost.py measure [--build build] [--count 20000] [--rounds 3] --json OUT.json
    scripts/record-cost.py table OUT.json

measure: starts `fizyr-rpc-bench --serve` (the echo server) and, for each
round, three proxies in front of it one after the other: without recording,
with `--record x.pcapng` and with `--record x.jsonl` (the order rotates from
round to round, so that a change of the machine's load hits every variant
alike). Through each, `fizyr-rpc-bench --connect PROXY --scenarios pipelined`
measures the pipelined throughput; the proxy's own output goes to /dev/null.
The proxy's CPU time (user + system, from wait4) per request is kept too:
on a busy machine it is steadier than the wall-clock rate. Writes the runs,
their medians and the on/off ratios of each round (the ratio of two runs of
the same round, then the median over the rounds) as JSON, with the date, the
machine and its load average before and after.

table: prints the Markdown table that doc/tool/record.md quotes verbatim
(never edit those figures by hand).
"""

import argparse
import datetime
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

VARIANTS = [
    ("off", None),
    ("pcapng", "x.pcapng"),
    ("jsonl", "x.jsonl"),
]


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average():
    return [round(x, 2) for x in os.getloadavg()]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_listening(command):
    """Starts command, waits for its first line ("listening ..."), then lets
    `cat` swallow the rest of its output. Returns (process, first line, cat)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = process.stdout.readline().decode().strip()
    if not line.startswith("listening"):
        process.kill()
        err = process.stderr.read().decode()
        raise SystemExit(f"{command[0]} did not start: {line} {err}")
    sink = subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
    return process, line, sink


def stop(process, sink):
    """SIGINT, then wait4: returns the process's CPU seconds and its stderr."""
    process.send_signal(signal.SIGINT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    err = process.stderr.read().decode()
    sink.wait()
    return usage.ru_utime + usage.ru_stime, err


def one_run(args, server_address, variant, directory):
    name, record = VARIANTS[variant]
    port = free_port()
    proxy_address = f"tcp://127.0.0.1:{port}"
    command = [args.tool, "proxy", proxy_address, server_address]
    record_path = None
    if record:
        record_path = os.path.join(directory, record)
        command[2:2] = ["--record", record_path]
    proxy, _, sink = start_listening(command)
    out = os.path.join(directory, "bench.json")
    try:
        subprocess.run(
            [args.bench, "--connect", proxy_address, "--scenarios", "pipelined",
             "--count", str(args.count), "--size", str(args.size), "--json", out],
            check=True, stdout=subprocess.DEVNULL)
    finally:
        cpu, err = stop(proxy, sink)
    with open(out, encoding="utf-8") as f:
        rate = json.load(f)["results"][0]["value"]
    result = {"variant": name, "rate": rate, "proxy_cpu_us_per_request": cpu / args.count * 1e6}
    if record_path:
        result["file_bytes"] = os.path.getsize(record_path)
        result["summary"] = err.strip().splitlines()[-1] if err.strip() else ""
        os.remove(record_path)
    return result


def measure(args):
    build = args.build
    args.tool = args.tool or os.path.join(build, "tools", "fizyr-rpc")
    args.bench = args.bench or os.path.join(build, "benchmarks", "fizyr-rpc-bench")
    load_before = load_average()
    started = datetime.datetime.now(datetime.timezone.utc)
    server, line, server_sink = start_listening(
        [args.bench, "--serve", f"tcp://127.0.0.1:{free_port()}"])
    server_address = line.split()[-1]
    rounds = []
    try:
        with tempfile.TemporaryDirectory(prefix="record-cost-") as directory:
            for r in range(args.rounds):
                order = [(r + i) % len(VARIANTS) for i in range(len(VARIANTS))]
                runs = {}
                for v in order:
                    result = one_run(args, server_address, v, directory)
                    runs[result["variant"]] = result
                    print(f"round {r + 1}: {result['variant']:6} {result['rate']:10.0f} req/s, "
                          f"proxy {result['proxy_cpu_us_per_request']:.1f} µs CPU/request",
                          file=sys.stderr)
                rounds.append({"order": [VARIANTS[v][0] for v in order], "runs": runs})
    finally:
        server.send_signal(signal.SIGINT)
        server.wait()
        server_sink.wait()

    summary = {}
    for name, _ in VARIANTS:
        rates = [r["runs"][name]["rate"] for r in rounds]
        cpus = [r["runs"][name]["proxy_cpu_us_per_request"] for r in rounds]
        entry = {"median_rate": statistics.median(rates),
                 "median_proxy_cpu_us_per_request": statistics.median(cpus)}
        if name != "off":
            entry["median_ratio"] = statistics.median(
                r["runs"][name]["rate"] / r["runs"]["off"]["rate"] for r in rounds)
            entry["median_cpu_ratio"] = statistics.median(
                r["runs"][name]["proxy_cpu_us_per_request"]
                / r["runs"]["off"]["proxy_cpu_us_per_request"] for r in rounds)
        summary[name] = entry
    data = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": "{}, nproc {}, Linux {}".format(cpu_model(), os.cpu_count(),
                                                  platform.release()),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "command": "fizyr-rpc-bench --connect PROXY --scenarios pipelined --count {} --size {}"
                   .format(args.count, args.size),
        "count": args.count,
        "size": args.size,
        "rounds": rounds,
        "summary": summary,
    }
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    table(data)


def group(value):
    return f"{value:,.0f}".replace(",", " ")


def table(data):
    print(f"Measured {data['date']} on {data['machine']}; load average "
          f"{' '.join(str(x) for x in data['load_average_before'])} before, "
          f"{' '.join(str(x) for x in data['load_average_after'])} after; "
          f"{len(data['rounds'])} rounds of `{data['command']}`, proxy output to /dev/null.")
    print()
    names = {"off": "off", "pcapng": "`--record x.pcapng`", "jsonl": "`--record x.jsonl`"}
    header = "| recording | " + " | ".join(
        f"round {i + 1}" for i in range(len(data["rounds"]))) + \
        " | median | ratio to off (median of the rounds) | proxy CPU per request (median) |"
    print(header)
    print("|---" * (len(data["rounds"]) + 4) + "|")
    for name, _ in VARIANTS:
        cells = []
        for r in data["rounds"]:
            run = r["runs"][name]
            cell = f"{group(run['rate'])} req/s"
            if name != "off":
                cell += f" ({run['rate'] / r['runs']['off']['rate']:.2f}×)"
            cells.append(cell)
        s = data["summary"][name]
        ratio = f"{s['median_ratio']:.2f}×" if name != "off" else "1"
        cpu = f"{s['median_proxy_cpu_us_per_request']:.1f} µs"
        if name != "off":
            cpu += f" ({s['median_cpu_ratio']:.2f}×)"
        print(f"| {names[name]} | " + " | ".join(cells)
              + f" | {group(s['median_rate'])} req/s | {ratio} | {cpu} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    m = sub.add_parser("measure", help="run the benchmark, write JSON, print the table")
    m.add_argument("--build", default="build", help="the build directory (default: build)")
    m.add_argument("--tool", help="fizyr-rpc (default: BUILD/tools/fizyr-rpc)")
    m.add_argument("--bench", help="fizyr-rpc-bench (default: BUILD/benchmarks/fizyr-rpc-bench)")
    m.add_argument("--count", type=int, default=20000, help="requests per run (default 20000)")
    m.add_argument("--size", type=int, default=64, help="body size (default 64)")
    m.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    m.add_argument("--json", required=True, help="where the figures go")
    t = sub.add_parser("table", help="print the Markdown table of a measure JSON")
    t.add_argument("json_file")
    args = parser.parse_args()
    if args.mode == "measure":
        measure(args)
    else:
        with open(args.json_file, encoding="utf-8") as f:
            table(json.load(f))


if __name__ == "__main__":
    main()
