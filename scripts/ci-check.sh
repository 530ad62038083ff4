#!/bin/sh
# confgate in CI: check every commit of a pull request (or merge request) or
# of a push, fail the job on a blocking finding, write a job summary, and
# write SARIF / JSON reports when asked. Used by action.yml (GitHub Actions)
# and docs/ci/gitlab-ci.yml; runnable anywhere with the variables below.
#
# The range BASE..HEAD, first found wins:
#   CONFGATE_BASE / CONFGATE_HEAD     set by hand (HEAD defaults as below)
#   GitHub pull_request(_target)      GITHUB_EVENT_PATH's pull_request.base.sha .. GITHUB_SHA
#   GitHub push                       the payload's `before` .. GITHUB_SHA
#   GitLab merge request              CI_MERGE_REQUEST_DIFF_BASE_SHA .. CI_COMMIT_SHA
#   GitLab push                       CI_COMMIT_BEFORE_SHA .. CI_COMMIT_SHA
# A push that creates a branch (base all zeros) checks what the default
# branch (GitHub's repository.default_branch, GitLab's CI_DEFAULT_BRANCH, or
# origin/HEAD) does not have, or
# the whole history when there is none (the adoption point still applies).
# No range found: exit 2.
#
# Optional: CONFGATE_SARIF=FILE, CONFGATE_JSON=FILE (reports written there),
# GITHUB_STEP_SUMMARY (the human report as Markdown is appended),
# CONFGATE_BIN (the binary; default confgate on PATH), CONFGATE_CONFIG
# (passed as --config). Exit: confgate's own (0 pass, 1 blocked, 2 error).

set -u

die() {
    printf 'confgate ci-check: %s\n' "$1" >&2
    exit 2
}

bin=${CONFGATE_BIN:-confgate}
command -v "$bin" >/dev/null 2>&1 || die "confgate not found ($bin): install it first"

# One string field of the event payload, by dotted path.
event_field() {
    [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] || return 0
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$GITHUB_EVENT_PATH" "$1" <<'PY'
import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print(value if isinstance(value, str) else "")
PY
    elif command -v jq >/dev/null 2>&1; then
        jq -r ".$1 // \"\" | strings" "$GITHUB_EVENT_PATH"
    else
        die "reading $GITHUB_EVENT_PATH needs python3 or jq"
    fi
}

base=${CONFGATE_BASE:-}
head=${CONFGATE_HEAD:-}
default_branch=
case ${GITHUB_EVENT_NAME:-} in
    pull_request | pull_request_target)
        [ -n "$base" ] || base=$(event_field pull_request.base.sha)
        [ -n "$head" ] || head=${GITHUB_SHA:-}
        ;;
    push)
        [ -n "$base" ] || base=$(event_field before)
        [ -n "$head" ] || head=${GITHUB_SHA:-}
        default_branch=$(event_field repository.default_branch)
        ;;
esac
if [ -z "$base" ] && [ -n "${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}" ]; then
    base=$CI_MERGE_REQUEST_DIFF_BASE_SHA
elif [ -z "$base" ] && [ -n "${CI_COMMIT_BEFORE_SHA:-}" ]; then
    base=$CI_COMMIT_BEFORE_SHA
fi
[ -n "$head" ] || head=${CI_COMMIT_SHA:-${GITHUB_SHA:-}}
[ -n "$head" ] || head=HEAD
[ -n "$base" ] || die "cannot tell which commits to check: not a pull request or push event; set CONFGATE_BASE (and CONFGATE_HEAD)"

[ -n "$default_branch" ] || default_branch=${CI_DEFAULT_BRANCH:-}
range="$base..$head"
case $base in
    *[!0]*) ;;
    *)
        # A new branch: what the default branch does not have yet.
        upstream=
        for candidate in ${default_branch:+"origin/$default_branch"} origin/HEAD; do
            if git rev-parse -q --verify "$candidate^{commit}" >/dev/null; then
                upstream=$candidate
                break
            fi
        done
        if [ -n "$upstream" ]; then
            range="$upstream..$head"
        else
            range=$head
        fi
        ;;
esac

set -- --color never
[ -n "${CONFGATE_CONFIG:-}" ] && set -- "$@" --config "$CONFGATE_CONFIG"

if [ -n "${CONFGATE_SARIF:-}" ]; then
    "$bin" "$@" check --range "$range" --format sarif >"$CONFGATE_SARIF"
    [ $? -le 1 ] || die "cannot write the SARIF report"
fi
if [ -n "${CONFGATE_JSON:-}" ]; then
    "$bin" "$@" check --range "$range" --format json >"$CONFGATE_JSON"
    [ $? -le 1 ] || die "cannot write the JSON report"
fi

printf 'confgate: checking the commits %s\n' "$range" >&2
report=$(mktemp "${TMPDIR:-/tmp}/confgate-report.XXXXXX") || die "cannot create a temporary file"
trap 'rm -f "$report"' EXIT
"$bin" "$@" check --range "$range" >"$report" 2>&1
code=$?
cat "$report"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    case $code in
        0) verdict='passed: nothing blocking' ;;
        1) verdict='**blocked**: see the findings below' ;;
        *) verdict="**error** (exit $code): the check did not complete" ;;
    esac
    {
        printf '## confgate\n\n'
        printf 'Commits `%s`: %s\n\n' "$range" "$verdict"
        printf '~~~~text\n'
        cat "$report"
        printf '~~~~\n'
    } >>"$GITHUB_STEP_SUMMARY" || die "cannot write the job summary $GITHUB_STEP_SUMMARY"
fi
exit "$code"
