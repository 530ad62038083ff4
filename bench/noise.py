#!/usr/bin/env python3
"""Noise on real projects: blocking findings of confgate and its peers on the
HEAD tree and on the last commits of real repositories (run by noise.sh)."""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys

SECRET_KINDS = {"secret", "forbidden-file"}
SECURITY_KINDS = {"security-setting", "policy-weakened"}
RECORD_KINDS = {"missing-record", "incomplete-record"}
# Blobs larger than this are not written out for the peers (confgate reads
# its own bound from git).
MAX_BLOB = 1 << 20


def run(cmd, cwd=None, check=False):
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace")
    if check and out.returncode != 0:
        sys.exit(f"noise: {' '.join(cmd)} failed ({out.returncode}): {out.stderr.strip()}")
    return out


def tool(name):
    """Absolute path of a peer tool, or None (pyenv shims are resolved
    outside the cloned repositories, whose .python-version may not exist)."""
    found = shutil.which(name)
    if found and "/shims/" in found:
        real = run(["pyenv", "which", name], cwd="/").stdout.strip()
        found = real or None
    return found


def clone(source, work):
    name = re.sub(r"(\.git)?/*$", "", source).rstrip("/")
    parts = [p for p in re.split(r"[/:]", name) if p and p not in ("repo",)]
    name = parts[-1] if "+" in parts[-1] or len(parts) < 2 else "+".join(parts[-2:])
    dest = os.path.join(work, "repos", name)
    if not os.path.isdir(os.path.join(dest, ".git")):
        run(["git", "clone", "--quiet", source, dest], check=True)
    return name, dest


def confgate_json(cmd, cwd):
    out = run(cmd, cwd=cwd)
    if out.returncode not in (0, 1):
        return None, out.stderr.strip().splitlines()[-1:] or ["exit %d" % out.returncode]
    try:
        return json.loads(out.stdout), None
    except json.JSONDecodeError as e:
        return None, [f"bad JSON: {e}"]


def classify(findings):
    """Blocking findings split into secret / security / record / other."""
    groups = collections.defaultdict(list)
    for f in findings:
        if f.get("severity") != "error":
            groups["warning"].append(f)
        elif f["kind"] in SECRET_KINDS:
            groups["secret"].append(f)
        elif f["kind"] in SECURITY_KINDS:
            groups["security"].append(f)
        elif f["kind"] in RECORD_KINDS:
            groups["record"].append(f)
        else:
            groups["other"].append(f)
    return groups


def finding_line(f, commit=""):
    where = f"{f['path']}:{f.get('line') or ''}"
    return "\t".join(
        [commit[:10], f.get("severity", ""), f["kind"], f["rule"], where, f.get("snippet") or "", f.get("message") or ""]
    )


def head_confgate(binary, dest, out):
    data, err = confgate_json([binary, "scan", "--format", "json", "."], dest)
    if data is None:
        return {"error": err}
    groups = classify(data["findings"])
    with open(out, "w") as fh:
        for f in data["findings"]:
            fh.write(finding_line(f) + "\n")
    return {k: len(v) for k, v in groups.items()}


def head_ripsecrets(binary, dest):
    out = run([binary, "."], cwd=dest)
    return len([line for line in out.stdout.splitlines() if line.strip()])


def head_detect_secrets(binary, dest):
    out = run([binary, "scan"], cwd=dest)
    try:
        return sum(len(v) for v in json.loads(out.stdout)["results"].values())
    except (json.JSONDecodeError, KeyError):
        return None


def head_gitleaks(binary, dest):
    out = run([binary, "dir", "--no-banner", "--report-format", "json", "--report-path", "/dev/stdout", "."], cwd=dest)
    try:
        return len(json.loads(out.stdout))
    except json.JSONDecodeError:
        return None


def history_gitleaks(binary, dest, count):
    """Commits among the last `count` that are not merges (the ones
    `commits` picks) with a gitleaks finding on a line they add."""
    out = run(
        [binary, "git", "--no-banner", "--log-opts", f"--no-merges --max-count={count} HEAD",
         "--report-format", "json", "--report-path", "/dev/stdout", "."],
        cwd=dest,
    )
    try:
        return len({f["Commit"] for f in json.loads(out.stdout)})
    except (json.JSONDecodeError, KeyError, TypeError):
        return None


def commits(dest, count):
    """The last `count` commits that are not merges (what a pre-commit hook
    saw), newest first."""
    out = run(["git", "rev-list", "--no-merges", f"--max-count={count}", "HEAD"], cwd=dest, check=True)
    return out.stdout.split()


def history_confgate(binary, dest, shas, out_path, jobs):
    def one(sha):
        data, err = confgate_json([binary, "check", "--commit", sha, "--format", "json"], dest)
        return sha, data, err

    blocked = collections.Counter()
    record_paths = collections.Counter()
    errors = []
    with open(out_path, "w") as fh, concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for sha, data, err in pool.map(one, shas):
            if data is None:
                errors.append(f"{sha[:10]}: {err}")
                blocked["error"] += 1
                continue
            groups = classify(data["findings"])
            for f in data["findings"]:
                fh.write(finding_line(f, sha) + "\n")
            for key in ("secret", "security", "record", "other"):
                blocked[key] += bool(groups[key])
            blocked["secret or security"] += bool(groups["secret"] or groups["security"])
            for f in groups["record"]:
                record_paths[f["path"]] += 1
    return blocked, record_paths, errors


ADDED = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def added_lines(dest, sha):
    """{path: set of added line numbers} of a commit against its first parent."""
    out = run(["git", "show", "--first-parent", "--format=", "-U0", "--no-renames", "--diff-filter=AM", sha], cwd=dest)
    files, path = {}, None
    for line in out.stdout.splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
            if path is not None:
                files[path] = set()
        elif path is not None:
            m = ADDED.match(line)
            if m:
                start, length = int(m.group(1)), int(m.group(2) or 1)
                files[path].update(range(start, start + length))
    return {p: lines for p, lines in files.items() if lines}


def materialize(dest, shas, root):
    """Writes each commit's changed files under root/<sha>/<path>; returns
    {sha: {path: added lines}}."""
    shutil.rmtree(root, ignore_errors=True)
    changes = {}
    for sha in shas:
        files = added_lines(dest, sha)
        changes[sha] = files
        for path in files:
            blob = run(["git", "cat-file", "-s", f"{sha}:{path}"], cwd=dest)
            if blob.returncode or int(blob.stdout.strip() or 0) > MAX_BLOB:
                continue
            data = subprocess.run(["git", "cat-file", "blob", f"{sha}:{path}"], cwd=dest, capture_output=True).stdout
            # Only the added lines, at their line numbers (the rest blanked),
            # as gitleaks reads a patch: the peers judge what the commit adds.
            kept = [
                line if number in files[path] else b""
                for number, line in enumerate(data.split(b"\n"), start=1)
            ]
            target = os.path.join(root, sha, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(b"\n".join(kept))
    return changes


def blocked_commits(hits, changes):
    """Commits with a peer finding on one of their added lines."""
    out = set()
    for rel, line in hits:
        sha, _, path = rel.partition("/")
        if line in changes.get(sha, {}).get(path, ()):
            out.add(sha)
    return out


def history_ripsecrets(binary, root, changes):
    out = run([binary, "--strict-ignore", "."], cwd=root)
    hits = []
    for line in out.stdout.splitlines():
        parts = line.split(":", 2)
        if len(parts) >= 2 and parts[1].isdigit():
            hits.append((parts[0].removeprefix("./"), int(parts[1])))
    return len(blocked_commits(hits, changes))


def history_detect_secrets(binary, root, changes):
    out = run([binary, "scan", "--all-files", "."], cwd=root)
    try:
        results = json.loads(out.stdout)["results"]
    except (json.JSONDecodeError, KeyError):
        return None
    hits = [(path.removeprefix("./"), r["line_number"]) for path, rs in results.items() for r in rs]
    return len(blocked_commits(hits, changes))


def fmt(value):
    return "not installed" if value is None else str(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repos", nargs="*")
    parser.add_argument("--work", default="/tmp/confgate-noise")
    parser.add_argument("--out", default=None, help="where finding lists go (default WORK/findings)")
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--confgate", default="confgate")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-peers", action="store_true", help="confgate only")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    out_dir = args.out or os.path.join(args.work, "findings")
    os.makedirs(out_dir, exist_ok=True)
    peers = {name: None if args.no_peers else tool(name) for name in ("gitleaks", "ripsecrets", "detect-secrets")}
    rows = []
    for source in args.repos:
        name, dest = clone(source, args.work)
        head = run(["git", "log", "-1", "--format=%h %cs"], cwd=dest, check=True).stdout.split()
        print(f"== {name} at {head[0]} ({head[1]})", file=sys.stderr)
        row = {"repo": name, "commit": head[0], "date": head[1]}
        row["confgate_head"] = head_confgate(args.confgate, dest, os.path.join(out_dir, f"{name}.head.tsv"))
        row["gitleaks_head"] = peers["gitleaks"] and head_gitleaks(peers["gitleaks"], dest)
        row["ripsecrets_head"] = peers["ripsecrets"] and head_ripsecrets(peers["ripsecrets"], dest)
        row["detect_secrets_head"] = peers["detect-secrets"] and head_detect_secrets(peers["detect-secrets"], dest)
        shas = commits(dest, args.commits)
        row["commits"] = len(shas)
        blocked, record_paths, errors = history_confgate(
            args.confgate, dest, shas, os.path.join(out_dir, f"{name}.history.tsv"), args.jobs
        )
        row["confgate_history"] = dict(blocked)
        row["errors"] = errors
        with open(os.path.join(out_dir, f"{name}.record-paths.txt"), "w") as fh:
            for path, n in record_paths.most_common():
                fh.write(f"{n}\t{path}\n")
        root = os.path.join(args.work, "history", name)
        changes = materialize(dest, shas, root) if peers["ripsecrets"] or peers["detect-secrets"] else {}
        row["gitleaks_history"] = peers["gitleaks"] and history_gitleaks(peers["gitleaks"], dest, args.commits)
        row["ripsecrets_history"] = peers["ripsecrets"] and history_ripsecrets(peers["ripsecrets"], root, changes)
        row["detect_secrets_history"] = peers["detect-secrets"] and history_detect_secrets(
            peers["detect-secrets"], root, changes
        )
        if args.no_peers:
            for key in [k for k in row if k.startswith(("gitleaks", "ripsecrets", "detect_secrets"))]:
                row[key] = "not run"
        rows.append(row)
    report(rows, out_dir)


def report(rows, out_dir):
    with open(os.path.join(out_dir, "summary.json"), "w") as fh:
        json.dump(rows, fh, indent=1)
    print("HEAD tree: blocking findings (confgate: secret / security setting / other)")
    print(f"{'repository':40} {'commit':10} {'confgate':>16} {'gitleaks':>14} {'ripsecrets':>11} {'detect-secrets':>15}")
    for r in rows:
        c = r["confgate_head"]
        cg = "error" if "error" in c else f"{c.get('secret', 0)} / {c.get('security', 0)} / {c.get('other', 0)}"
        print(
            f"{r['repo']:40} {r['commit']:10} {cg:>16} {fmt(r['gitleaks_head']):>14}"
            f" {fmt(r['ripsecrets_head']):>11} {fmt(r['detect_secrets_head']):>15}"
        )
    print()
    print("Last commits (no merges): commits blocked for a secret or a security setting")
    print(f"{'repository':40} {'commits':>7} {'confgate':>9} {'(secret':>7} {'security)':>9} {'records':>7}"
          f" {'gitleaks':>14} {'ripsecrets':>11} {'detect-secrets':>15}")
    for r in rows:
        h = r["confgate_history"]
        print(
            f"{r['repo']:40} {r['commits']:>7} {h.get('secret or security', 0):>9} {h.get('secret', 0):>7}"
            f" {h.get('security', 0):>9} {h.get('record', 0):>7} {fmt(r['gitleaks_history']):>14}"
            f" {fmt(r['ripsecrets_history']):>11} {fmt(r['detect_secrets_history']):>15}"
        )
        for e in r["errors"][:5]:
            print(f"  confgate error: {e}")
    print()
    print(f"Every confgate finding: {out_dir}/<repo>.head.tsv and <repo>.history.tsv;")
    print(f"paths that drew record findings: {out_dir}/<repo>.record-paths.txt")


if __name__ == "__main__":
    main()
