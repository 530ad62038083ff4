#!/usr/bin/env bash
# A day of ordinary work in a real FastAPI service, with confgate's hooks
# installed: real `git commit`s and a real `git push`, each with what a
# reviewer would expect (pass or block). Prints one line per step and the
# count of steps where confgate disagreed. Measures what a user meets.
#
#   bench/day.sh PATH-TO-A-CLONE-OF-THE-FULL-STACK-FASTAPI-TEMPLATE
#
# The clone is copied to a scratch directory first; it is never changed.
# Environment: CONFGATE (binary; default target/release/confgate, else
# target/debug/confgate), DAY_WORK (scratch dir; default a new temp dir).
set -uo pipefail

src=${1:?usage: bench/day.sh PATH-TO-A-CLONE-OF-THE-FULL-STACK-FASTAPI-TEMPLATE}
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
[ -f backend/app/core/config.py ] || { echo "not the full-stack FastAPI template: no backend/app/core/config.py" >&2; exit 2; }

trailers='Config-Owner: @backend-team
Expected-Result: login sessions expire after 2 days instead of 8; no rise in 401s over 1 day
Rollback: revert; ACCESS_TOKEN_EXPIRE_MINUTES back to 60 * 24 * 8'
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

python3 - <<'PY'
import re
p = "backend/app/crud.py"
s = open(p).read()
s = s.replace("def create_user(", "# Users are created by admins or by open sign-up.\ndef create_user(", 1)
open(p, "w").write(s)
PY
step pass "comment in backend code"

cat >>README.md <<'TXT'

## Local login

Log in with the `FIRST_SUPERUSER` and `FIRST_SUPERUSER_PASSWORD` from `.env`;
the API reads `settings.SECRET_KEY` and a request sends `password=form.password`.
TXT
step pass "README paragraph naming settings"

mkdir -p backend/tests/api/routes
cat >backend/tests/api/routes/test_login_extra.py <<'TXT'
from fastapi.testclient import TestClient

from app.core.config import settings


def test_wrong_password_is_refused(client: TestClient) -> None:
    data = {"username": settings.FIRST_SUPERUSER, "password": "Wr0ngPassw0rd!x7Q"}
    r = client.post(f"{settings.API_V1_STR}/login/access-token", data=data)
    assert r.status_code == 400
TXT
step pass "test with a made-up wrong password"

python3 - <<'PY'
p = "backend/app/core/config.py"
s = open(p).read()
s = s.replace("ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8", "ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 2", 1)
open(p, "w").write(s)
PY
step block "settings change without a record"

python3 - <<'PY'
p = "backend/app/core/config.py"
s = open(p).read()
s = s.replace("ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8", "ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 2", 1)
open(p, "w").write(s)
PY
step pass "settings change with a record" "Shorter sessions

$trailers"

python3 - <<'PY'
p = "backend/app/core/config.py"
s = open(p).read()
s = s.replace("class Settings(BaseSettings):", "class Settings(BaseSettings):\n    \"\"\"Service settings, read from the environment and ../.env.\"\"\"\n", 1)
open(p, "w").write(s)
PY
step pass "docstring in the settings class"

python3 - <<'PY'
p = "backend/app/core/config.py"
s = open(p).read()
s = s.replace("SMTP_PASSWORD: str | None = None", "SMTP_PASSWORD: str | None = \"hG7#kq2LmZ9vXw4pRt8s\"", 1)
open(p, "w").write(s)
PY
step block "SMTP password pasted into settings" "smtp

$trailers"

f=$(ls frontend/src/routes/*.tsx 2>/dev/null | head -n 1)
if [ -n "$f" ]; then
    printf '\nexport const passwordHint = (showPassword: boolean) => (showPassword ? "hide" : "show")\n' >>"$f"
    step pass "frontend helper mentioning password"
fi

cat >backend/app/api/utils_http.py <<'TXT'
import httpx


def fetch_status(url: str) -> int:
    return httpx.get(url, verify=False).status_code
TXT
step block "verify=False in a helper module"

printf '\n# Sentry for local runs is off\nSENTRY_DSN=\n' >>.env
step pass ".env: a new empty variable" "env

$trailers"

if grep -q 'image: postgres:' compose.yml; then
    sed -i 's/image: postgres:\([0-9]*\)/image: postgres:\1.9/' compose.yml
    step pass "compose image tag bump (dependency update)"
fi

if git push -q team HEAD:refs/heads/main >>"$log" 2>&1; then got=pass; else got=block; fi
steps=$((steps + 1))
mark=ok; [ "$got" = pass ] || { mark=DISAGREE; disagreed=$((disagreed + 1)); }
printf '%-9s %-6s (expected %-5s) %s\n' "$mark" "$got" pass "git push of the day's commits"

if "$confgate" release-check --since team/main --dry-run >>"$log" 2>&1; then got=pass; else got=block; fi
steps=$((steps + 1))
mark=ok; [ "$got" = pass ] || { mark=DISAGREE; disagreed=$((disagreed + 1)); }
printf '%-9s %-6s (expected %-5s) %s\n' "$mark" "$got" pass "release-check of the day"

echo "$disagreed of $steps steps disagreed with the expectation; details: $log"
