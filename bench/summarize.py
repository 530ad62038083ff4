#!/usr/bin/env python3
"""Turn bench/results (hyperfine JSON, memory.tsv) into a Markdown table with
ratios and a verdict per target.  Usage: bench/summarize.py bench/results"""

import json
import os
import statistics
import sys

SCENARIOS = [
    ("small", "10 files staged, 3,000-file repo (`hook pre-commit`)"),
    ("size-1", "1 file staged"),
    ("size-10", "10 files staged"),
    ("size-100", "100 files staged"),
    ("size-1000", "1,000 files staged"),
    ("monorepo", "10 files staged, 100,000-file repo, packed (`hook pre-commit`)"),
    ("initial-generated", "first commit, generated 3,000 files"),
    ("initial-real", "first commit, real project"),
    ("history", "`check --range HEAD`, every commit of the real project"),
    ("scan", "`scan .` of the 3,000-file tree"),
]
# What each scenario's ratio is taken against.
BASELINE = {"history": "git-log-p", "monorepo": "git-diff-cached"}


def load(results, name):
    path = os.path.join(results, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        rows = json.load(handle)["results"]
    # Slow peers are timed in a separate run with fewer repetitions.
    slow = os.path.join(results, name + "-ds.json")
    if os.path.exists(slow):
        with open(slow) as handle:
            rows += json.load(handle)["results"]
    return {row["command"]: row for row in rows}


def memory(results):
    out = {}
    path = os.path.join(results, "memory.tsv")
    if os.path.exists(path):
        for line in open(path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2 and parts[1].isdigit():
                out[parts[0]] = int(parts[1]) / 1024
    return out


def ms(seconds):
    value = seconds * 1000
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
    mem = memory(results)
    print("| scenario | tool | median ms | mean ± σ ms | vs confgate | peak MiB |")
    print("|---|---|---:|---:|---:|---:|")
    data = {}
    for name, title in SCENARIOS:
        rows = load(results, name)
        if not rows:
            continue
        data[name] = rows
        base = rows.get(BASELINE.get(name, "confgate")) or rows.get("confgate")
        for command, row in rows.items():
            median = row["median"]
            ratio = ""
            if "confgate" in rows and command != "confgate":
                # How many times confgate's time this tool takes.
                ratio = f"{median / rows['confgate']['median']:.2f}×"
            peak = mem.get(f"{name}/{command}")
            print(f"| {title} | {command} | {ms(median)} | {ms(row['mean'])} ± {ms(row['stddev'] or 0)} "
                  f"| {ratio} | {'' if peak is None else f'{peak:.1f}'} |")
            title = ""
        del base

    print("\n## Targets\n")
    def verdict(ok):
        return "**met**" if ok else "**missed**"

    small = data.get("small")
    if small:
        c = small["confgate"]["median"]
        r = small["ripsecrets"]["median"] / c
        m = mem.get("small/confgate")
        print(f"- Small commit: median {c*1000:.1f} ms (target < 15 ms) {verdict(c < 0.015)}; "
              f"ripsecrets takes {r:.1f}× as long (target ≥ 5×) {verdict(r >= 5)}; "
              f"peak {m:.1f} MiB (target < 64) {verdict(m is not None and m < 64)}")
    mono = data.get("monorepo")
    if mono:
        c = mono["confgate"]["median"]
        g = mono["git-diff-cached"]["median"]
        print(f"- Monorepo: 10 files staged in 100,000: {c*1000:.1f} ms vs `git diff --cached --quiet` "
              f"{g*1000:.1f} ms = {c/g:.2f}× (target ≤ 1.5×) {verdict(c/g <= 1.5)}")
    history = data.get("history")
    if history:
        c = history["confgate"]["median"]
        g = history["git-log-p"]["median"]
        m = mem.get("history/confgate")
        print(f"- History: confgate {c:.2f} s vs `git log -p -U0` {g:.2f} s = {c/g:.2f}× (target ≤ 1.0×) "
              f"{verdict(c/g <= 1.0)}; peak {m:.0f} MiB (target < 128) {verdict(m is not None and m < 128)}")
    scan = data.get("scan")
    if scan:
        c = scan["confgate"]["median"]
        r = scan["ripsecrets"]["median"] / c
        size = 0
        path = os.path.join(results, "scan-bytes.txt")
        if os.path.exists(path):
            size = int(open(path).read().strip() or 0)
        cores = os.cpu_count() or 1
        per_core = size / c / cores / 1e6
        one = scan.get("confgate-1-thread")
        one_rate = f", {size / one['median'] / 1e6:.0f} MB/s on one thread" if one else ""
        print(f"- Scan: ripsecrets takes {r:.1f}× as long (target ≥ 2×) {verdict(r >= 2)}; "
              f"{size/1e6:.1f} MB in {c*1000:.0f} ms = {per_core:.0f} MB/s per core on {cores} cores{one_rate} "
              f"(target ≥ 100) {verdict(per_core >= 100)}")


if __name__ == "__main__":
    main()
