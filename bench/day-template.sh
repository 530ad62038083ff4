# The full-stack FastAPI template's day, sourced by bench/day.sh (which
# defines `step` and runs the push and the release check after it).

trailers='Config-Owner: @backend-team
Expected-Result: login sessions expire after 2 days instead of 8; no rise in 401s over 1 day
Rollback: revert; ACCESS_TOKEN_EXPIRE_MINUTES back to 60 * 24 * 8'

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


python3 - <<'PY'
p = "backend/app/core/security.py"
s = open(p).read()
s = s.replace("    return password_hash.hash(password)", "    hashed = password_hash.hash(password)\n    return hashed", 1)
open(p, "w").write(s)
PY
step pass "function body in app/core/security.py (code, not settings)"
