#!/usr/bin/env python3
"""Draw bench/plot.svg: median time against the number of staged files, per
tool, from bench/results/size-*.json. Plain SVG, no plotting library.

    bench/plot.py bench/results bench/plot.svg
"""

import json
import math
import os
import sys

SIZES = [1, 10, 100, 1000]
COLOURS = {"confgate": "#1b7837", "ripsecrets": "#2166ac", "detect-secrets": "#b2182b"}
W, H = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 150, 40, 50


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
    out = sys.argv[2] if len(sys.argv) > 2 else "bench/plot.svg"
    series = {}
    for n in SIZES:
        path = os.path.join(results, f"size-{n}.json")
        if not os.path.exists(path):
            continue
        rows = json.load(open(path))["results"]
        slow = os.path.join(results, f"size-{n}-ds.json")
        if os.path.exists(slow):
            rows += json.load(open(slow))["results"]
        for row in rows:
            series.setdefault(row["command"], []).append((n, row["median"] * 1000))
    if not series:
        print("plot: no size-*.json results", file=sys.stderr)
        return
    values = [ms for points in series.values() for _, ms in points]
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values)))
    xs = lambda n: LEFT + (math.log10(n) / math.log10(SIZES[-1])) * (W - LEFT - RIGHT)
    ys = lambda v: TOP + (1 - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))) * (H - TOP - BOTTOM)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
             'font-family="sans-serif" font-size="12">',
             f'<rect width="{W}" height="{H}" fill="white"/>',
             f'<text x="{W/2 - 60}" y="22" font-size="14" text-anchor="middle">pre-commit time vs staged files '
             '(3,000-file repo, median, log-log)</text>']
    decade = lo
    while decade <= hi:
        y = ys(decade)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W-RIGHT}" y2="{y:.1f}" stroke="#ddd"/>')
        label = f"{decade:g} ms" if decade < 1000 else f"{decade/1000:g} s"
        parts.append(f'<text x="{LEFT-6}" y="{y+4:.1f}" text-anchor="end">{label}</text>')
        decade *= 10
    for n in SIZES:
        x = xs(n)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{H-BOTTOM}" stroke="#eee"/>')
        parts.append(f'<text x="{x:.1f}" y="{H-BOTTOM+18}" text-anchor="middle">{n}</text>')
    parts.append(f'<text x="{(LEFT + W - RIGHT)/2}" y="{H-12}" text-anchor="middle">files staged</text>')
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{W-LEFT-RIGHT}" height="{H-TOP-BOTTOM}" fill="none" stroke="#444"/>')
    for i, (tool, points) in enumerate(sorted(series.items())):
        colour = COLOURS.get(tool, "#666")
        path = " ".join(f"{'M' if j == 0 else 'L'}{xs(n):.1f},{ys(v):.1f}" for j, (n, v) in enumerate(points))
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for n, v in points:
            parts.append(f'<circle cx="{xs(n):.1f}" cy="{ys(v):.1f}" r="3" fill="{colour}">'
                         f'<title>{tool}: {n} files, {v:.1f} ms</title></circle>')
        ly = TOP + 20 + 20 * i
        parts.append(f'<line x1="{W-RIGHT+15}" y1="{ly}" x2="{W-RIGHT+35}" y2="{ly}" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{W-RIGHT+40}" y="{ly+4}">{tool}</text>')
    parts.append("</svg>")
    with open(out, "w") as handle:
        handle.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
