#!/bin/sh
# Noise on real projects: blocking findings of confgate, gitleaks, ripsecrets
# and detect-secrets (each when installed) on the HEAD tree of real
# repositories, and how many of their last commits each would block.
#
#   bench/noise.sh [REPO_URL_OR_PATH...]
#
# Environment: CONFGATE (binary, default target/release/confgate),
# NOISE_WORK (clones and scratch, default /tmp/confgate-noise),
# NOISE_OUT (finding lists, default $NOISE_WORK/findings),
# NOISE_COMMITS (default 300), NOISE_JOBS (parallel checks, default 2),
# NOISE_PEERS=no (confgate only).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
confgate=${CONFGATE:-$here/../target/release/confgate}
if [ ! -x "$confgate" ]; then
    echo "noise.sh: no confgate binary at $confgate (cargo build --release, or set CONFGATE)" >&2
    exit 2
fi
if [ "$#" -eq 0 ]; then
    set -- https://github.com/fastapi/fastapi \
        https://github.com/fastapi/full-stack-fastapi-template \
        https://github.com/pallets/flask \
        https://github.com/Netflix/dispatch
fi
work=${NOISE_WORK:-/tmp/confgate-noise}
exec python3 "$here/noise.py" --confgate "$(cd "$(dirname "$confgate")" && pwd)/$(basename "$confgate")" \
    --work "$work" --out "${NOISE_OUT:-$work/findings}" \
    --commits "${NOISE_COMMITS:-300}" --jobs "${NOISE_JOBS:-2}" \
    ${NOISE_PEERS:+$( [ "$NOISE_PEERS" = no ] && echo --no-peers )} "$@"
