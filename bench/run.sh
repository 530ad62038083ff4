#!/usr/bin/env bash
# Whole-process timings of confgate against ripsecrets and detect-secrets, in
# the same hyperfine runs, plus peak memory. See bench/README.md.
#
#   HISTORY_REPO=/path/to/flask-clone bench/run.sh [scenario...]
#
# Scenarios: small sizes monorepo initial history scan (default: all). Environment:
#   CONFGATE      confgate binary (default $CARGO_TARGET_DIR/release/confgate,
#                 else target/release/confgate)
#   HISTORY_REPO  a clone (with work tree) of a real Python project with
#                 thousands of commits; needed by `initial` and `history`
#   BENCH_WORK    where generated repositories go (default /tmp/confgate-bench)
#   RUNS          hyperfine runs for fast commands (default 30)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
results="$here/results"
work=${BENCH_WORK:-/tmp/confgate-bench}
confgate=${CONFGATE:-${CARGO_TARGET_DIR:-$here/../target}/release/confgate}
runs=${RUNS:-30}
scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(small sizes monorepo initial history scan)

confgate=$(realpath "$confgate")
for tool in hyperfine ripsecrets detect-secrets detect-secrets-hook /usr/bin/time git python3; do
    command -v "$tool" >/dev/null || { echo "missing: $tool (see bench/README.md)" >&2; exit 2; }
done
[ -x "$confgate" ] || { echo "no confgate binary at $confgate (cargo build --release)" >&2; exit 2; }
mkdir -p "$results" "$work"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1

# Peak resident memory (KiB) of one run of a command, in the current directory.
peak() {
    local name=$1; shift
    local out; out=$(mktemp)
    /usr/bin/time -o "$out" -f %M "$@" >/dev/null 2>&1 || true
    printf '%s\t%s\n' "$name" "$(tail -n 1 "$out")" >>"$results/memory.tsv"
    rm -f "$out"
}

repo() { # name args... : generate once per argument set
    local dir="$work/$1"; shift
    local stamp="$dir/.git/bench-args"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$*" ]; then
        python3 "$here/make_repo.py" "$dir" "$@"
        echo "$*" >"$stamp"
    fi
    echo "$dir"
}

staged_files() { git diff --cached --name-only --diff-filter=ACMR | tr '\n' ' '; }

# A whole tree's paths do not fit in one argument (128 KiB): hand them over
# through a list file and a shell, as a hook framework would.
with_all_files() { # tool...
    git ls-files >"$work/files.txt"
    echo "sh -c '$* \$(cat $work/files.txt)'"
}

hf() { # export-name, hyperfine args...
    local name=$1; shift
    hyperfine -N --style basic --export-json "$results/$name.json" "$@"
}

version_info() {
    {
        echo "date: $(date -u +%FT%TZ)"
        echo "confgate: $("$confgate" --version) ($(git -C "$here/.." rev-parse --short HEAD))"
        echo "ripsecrets: $(ripsecrets --version 2>&1 | head -1)"
        echo "detect-secrets: $(detect-secrets --version 2>&1 | head -1)"
        echo "hyperfine: $(hyperfine --version)"
        echo "git: $(git --version)"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $(nproc)"
        echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
        echo "kernel: $(uname -r)"
        [ -n "${HISTORY_REPO:-}" ] && echo "history repo: $(git -C "$HISTORY_REPO" remote get-url origin 2>/dev/null || echo "$HISTORY_REPO") at $(git -C "$HISTORY_REPO" rev-parse --short HEAD), $(git -C "$HISTORY_REPO" rev-list --count HEAD) commits"
    } >"$results/machine.txt"
}

small() {
    local dir; dir=$(repo svc-10 --files 3000 --change 10)
    cd "$dir"
    local files; files=$(staged_files)
    hf small --warmup 5 --runs "$runs" -i \
        -n confgate "$confgate hook pre-commit" \
        -n ripsecrets "ripsecrets $files" \
        -n detect-secrets "detect-secrets-hook $files"
    peak small/confgate "$confgate" hook pre-commit
    peak small/ripsecrets ripsecrets $files
    peak small/detect-secrets detect-secrets-hook $files
}

sizes() {
    local n
    for n in 1 10 100 1000; do
        local dir; dir=$(repo "svc-$n" --files 3000 --change "$n")
        cd "$dir"
        local files; files=$(staged_files)
        hf "size-$n" --warmup 2 --runs "$runs" -i \
            -n confgate "$confgate hook pre-commit" \
            -n ripsecrets "ripsecrets $files"
        local dsruns=$runs
        [ "$n" -ge 100 ] && dsruns=1
        hf "size-$n-ds" --runs "$dsruns" -i -n detect-secrets "detect-secrets-hook $files"
        peak "size-$n/confgate" "$confgate" hook pre-commit
    done
}

# A 100,000-file repository, packed, with 10 files staged: the hook's cost
# should follow the change, as `git diff --cached --quiet` does.
monorepo() {
    local dir; dir=$(repo mono-100k --files 100000 --change 10)
    cd "$dir"
    [ -n "$(find .git/objects -maxdepth 1 -name '[0-9a-f][0-9a-f]' -print -quit)" ] && git gc -q
    hf monorepo --warmup 3 --runs "$runs" -i \
        -n confgate "$confgate hook pre-commit" \
        -n git-diff-cached "git diff --cached --quiet"
    peak monorepo/confgate "$confgate" hook pre-commit
}

initial() {
    local dir; dir=$(repo svc-initial --files 3000 --initial)
    cd "$dir"
    local files; files=$(git ls-files | tr '\n' ' ')
    hf initial-generated --warmup 1 --runs 5 -i \
        -n confgate "$confgate hook pre-commit" \
        -n ripsecrets "$(with_all_files ripsecrets)"
    # detect-secrets needs minutes here: one run.
    hf initial-generated-ds --runs 1 -i -n detect-secrets "$(with_all_files detect-secrets-hook)"
    peak initial-generated/confgate "$confgate" hook pre-commit
    peak initial-generated/ripsecrets ripsecrets $files
    if [ -n "${HISTORY_REPO:-}" ]; then
        local real="$work/real-initial"
        rm -rf "$real" && mkdir -p "$real"
        git -C "$HISTORY_REPO" archive HEAD | tar -x -C "$real"
        git -C "$real" init -q -b main && git -C "$real" add -A
        cd "$real"
        files=$(git ls-files | tr '\n' ' ')
        hf initial-real --warmup 1 --runs 10 -i \
            -n confgate "$confgate hook pre-commit" \
            -n ripsecrets "$(with_all_files ripsecrets)"
        hf initial-real-ds --runs 3 -i -n detect-secrets "$(with_all_files detect-secrets-hook)"
        peak initial-real/confgate "$confgate" hook pre-commit
    fi
}

history() {
    [ -n "${HISTORY_REPO:-}" ] || { echo "history: set HISTORY_REPO" >&2; return; }
    cd "$HISTORY_REPO"
    hf history --warmup 1 --runs 3 -i \
        -n confgate "$confgate check --range HEAD --format json" \
        -n "confgate-1-thread" "env RAYON_NUM_THREADS=1 $confgate check --range HEAD --format json" \
        -n "git-log-p" "git log -p -U0 HEAD" \
        -n "git-log-p-1-thread" "git -c pack.threads=1 log -p -U0 HEAD"
    peak history/confgate "$confgate" check --range HEAD --format json
    peak history/git-log-p git log -p -U0 HEAD
}

scan() {
    local dir; dir=$(repo svc-10 --files 3000 --change 10)
    cd "$dir"
    git ls-files -z | xargs -0 cat | wc -c >"$results/scan-bytes.txt"
    hf scan --warmup 1 --runs 5 -i \
        -n confgate "$confgate scan ." \
        -n "confgate-1-thread" "env RAYON_NUM_THREADS=1 $confgate scan ." \
        -n ripsecrets "ripsecrets ."
    peak scan/confgate "$confgate" scan .
    peak scan/ripsecrets ripsecrets .
    # detect-secrets needs minutes here: one run.
    hf scan-ds --runs 1 -i -n detect-secrets "detect-secrets scan ."
}

version_info
for scenario in "${scenarios[@]}"; do
    # Keep memory rows of scenarios not re-run this time.
    [ -f "$results/memory.tsv" ] && { grep -v "^$scenario[/-]" "$results/memory.tsv" >"$results/memory.tmp" || true; mv "$results/memory.tmp" "$results/memory.tsv"; }
    [ "$scenario" = sizes ] && [ -f "$results/memory.tsv" ] && { grep -v '^size-' "$results/memory.tsv" >"$results/memory.tmp" || true; mv "$results/memory.tmp" "$results/memory.tsv"; }
    echo "== $scenario" >&2
    "$scenario"
done
python3 "$here/summarize.py" "$results" >"$results/results.md"
python3 "$here/plot.py" "$results" "$here/plot.svg"
cat "$results/results.md"
