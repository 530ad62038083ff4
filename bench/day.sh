#!/usr/bin/env bash
# A day of ordinary work in a real Python service, with confgate's hooks
# installed: real `git commit`s and a real `git push`, each with what a
# reviewer would expect (pass or block), then a release check. Prints one
# line per step and the count of steps where confgate disagreed. Measures
# what a user meets.
#
#   bench/day.sh PATH-TO-A-CLONE
#
# The clone names the day by its content: the full-stack FastAPI template
# (bench/day-template.sh) or Netflix's dispatch (bench/day-dispatch.sh).
#
# The clone is copied to a scratch directory first; it is never changed.
# Environment: CONFGATE (binary; default target/release/confgate, else
# target/debug/confgate), DAY_WORK (scratch dir; default a new temp dir).
set -uo pipefail

src=${1:?usage: bench/day.sh PATH-TO-A-CLONE-OF-THE-TEMPLATE-OR-DISPATCH}
here=$(cd "$(dirname "$0")/.." && pwd)
confgate=${CONFGATE:-}
if [ -z "$confgate" ]; then
    for c in "$here/target/release/confgate" "$here/target/debug/confgate"; do
        [ -x "$c" ] && { confgate=$c; break; }
    done
fi
[ -x "${confgate:-}" ] || { echo "no confgate binary (cargo build --release)" >&2; exit 2; }
confgate=$(realpath "$confgate")
work=${DAY_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/confgate-day.XXXXXX")}
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
export PATH="$(dirname "$confgate"):$PATH"

git clone -q --no-local "$src" "$work/service" || exit 2
git init -q --bare "$work/origin.git" || exit 2
cd "$work/service" || exit 2
git config user.name "Dev One"
git config user.email dev@example.com
git remote add team "$work/origin.git"
git push -q team HEAD:refs/heads/main || exit 2
"$confgate" install -q || exit 2
if [ -f backend/app/core/config.py ]; then
    day=$here/bench/day-template.sh
elif [ -f src/dispatch/config.py ]; then
    day=$here/bench/day-dispatch.sh
else
    echo "day.sh: neither the full-stack FastAPI template (backend/app/core/config.py) nor dispatch (src/dispatch/config.py)" >&2
    exit 2
fi
log=$work/day.log
: >"$log"
disagreed=0
steps=0

# step EXPECT NAME: commit what the preceding edit staged (git commit -a
# plus new files), expecting pass or block.
step() {
    local expect=$1 name=$2 message=${3:-$2}
    git add -A
    local got=pass
    if ! git commit -q -m "$message" >>"$log" 2>&1; then
        got=block
        git reset -q --hard HEAD
        git clean -qfd
    fi
    steps=$((steps + 1))
    local mark=ok
    if [ "$got" != "$expect" ]; then
        mark=DISAGREE
        disagreed=$((disagreed + 1))
    fi
    printf '%-9s %-6s (expected %-5s) %s\n' "$mark" "$got" "$expect" "$name"
    printf '=== %s: %s (expected %s)\n' "$name" "$got" "$expect" >>"$log"
}


# The day's edits and expectations; uses `step` and sets `trailers`.
start=$(git rev-parse HEAD)
# shellcheck source=/dev/null
. "$day"

if git push -q team HEAD:refs/heads/main >>"$log" 2>&1; then got=pass; else got=block; fi
steps=$((steps + 1))
mark=ok; [ "$got" = pass ] || { mark=DISAGREE; disagreed=$((disagreed + 1)); }
printf '%-9s %-6s (expected %-5s) %s\n' "$mark" "$got" pass "git push of the day's commits"

if "$confgate" release-check --since "$start" --dry-run >>"$log" 2>&1; then got=pass; else got=block; fi
steps=$((steps + 1))
mark=ok; [ "$got" = pass ] || { mark=DISAGREE; disagreed=$((disagreed + 1)); }
printf '%-9s %-6s (expected %-5s) %s\n' "$mark" "$got" pass "release-check of the day"

echo "$disagreed of $steps steps disagreed with the expectation; details: $log"
