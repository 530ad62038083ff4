#!/bin/sh
# Builds the confgate wheel (the compiled binary packaged for pip/uv/pipx),
# then proves it: installs it into a fresh virtual environment and runs
# `confgate --version` from there.
#
# Usage: sh scripts/build-wheel.sh [OUT_DIR]     (default OUT_DIR: target/wheels)
# Needs: python3 (3.8+) with venv, a Rust toolchain, and PyPI for maturin.
# Env:   PYTHON (default python3); CARGO_TARGET_DIR is respected.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out="${1:-$here/target/wheels}"
python="${PYTHON:-python3}"
work=$(mktemp -d "${TMPDIR:-/tmp}/confgate-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

say() { printf 'build-wheel: %s\n' "$*" >&2; }

# maturin lives in its own venv so the script neither needs nor disturbs a
# system-wide install.
say "installing maturin into $work/build-env"
"$python" -m venv "$work/build-env"
"$work/build-env/bin/python" -m pip install --quiet --disable-pip-version-check 'maturin>=1.5,<2'

mkdir -p "$out"
# The version in the wheel's name is the one Cargo.toml gives.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n 1)
# Old wheels of the same version would make the pick below ambiguous.
rm -f "$out"/confgate-"$version"-*.whl
say "building the wheel (release profile) into $out"
(cd "$here" && "$work/build-env/bin/maturin" build --release --out "$out")

wheel=$(ls "$out"/confgate-"$version"-*.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || { say "no wheel for version $version in $out"; exit 1; }

say "installing $(basename "$wheel") into a fresh venv"
"$python" -m venv "$work/try-env"
"$work/try-env/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
got=$("$work/try-env/bin/confgate" --version)
case "$got" in
  "confgate $version") ;;
  *) say "installed binary says '$got', expected 'confgate $version'"; exit 1 ;;
esac
say "ok: $got from $wheel ($(wc -c < "$wheel" | tr -d ' ') bytes)"
printf '%s\n' "$wheel"
