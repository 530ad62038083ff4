#!/usr/bin/env bash
# Fuzz each target for a while, minimise its corpus, and keep the small
# inputs that cover the most in fuzz/regressions/<target>/ (replayed by
# `cargo test`). Needs cargo-fuzz; the corpora themselves stay out of git.
#
#   fuzz/save-regressions.sh [seconds per target, default 60] [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config_formats detectors inputs records settings)
export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
    corpus=fuzz/corpus/$target
    saved=fuzz/regressions/$target
    mkdir -p "$corpus" "$saved"
    cargo fuzz run -O "$target" "$corpus" "$saved" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=2048 >/dev/null 2>&1 || {
        echo "$target: the fuzzer stopped with a finding; see fuzz/artifacts/$target" >&2
        exit 1
    }
    cargo fuzz cmin -O "$target" "$corpus" -- -rss_limit_mb=2048 >/dev/null 2>&1
    # Keep up to 150 of the minimised inputs under 2 KiB, smallest first.
    list=$(mktemp)
    find "$corpus" -type f -size -2k -printf '%s %p\n' | sort -n >"$list"
    head -n 150 "$list" | while read -r _ path; do cp "$path" "$saved/$(basename "$path")"; done
    rm -f "$list"
    echo "$target: $(find "$saved" -type f | wc -l) saved inputs"
done
