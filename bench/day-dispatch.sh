# Netflix's dispatch's day, sourced by bench/day.sh (which defines `step`
# and runs the push and the release check after it). Every value written
# here is made up.

trailers='Config-Owner: @incident-platform
Expected-Result: API tokens expire after 12 hours instead of 24; no rise in 401s over 1 day
Rollback: revert; DISPATCH_JWT_EXP back to 86400'

python3 - <<'PY'
p = "src/dispatch/incident/service.py"
s = open(p).read()
s = s.replace("def get(", "# Incidents are looked up by primary key; see get_by_name for slugs.\ndef get(", 1)
open(p, "w").write(s)
PY
step pass "comment in incident service code"

mkdir -p docs/docs/administration/settings
cat >>docs/docs/administration/settings/auth-notes.mdx <<'TXT'
# Basic authentication notes

Set `DISPATCH_JWT_SECRET` in the environment; the login form posts
`password = request.form['password']` and `hashed_password=hashed_password`
is compared with `bcrypt.checkpw`. `'access_key': os.environ.get("AWS_KEY")`
is read by the AWS plugin.
TXT
step pass "docs page naming auth settings"

mkdir -p tests/auth
cat >tests/auth/test_wrong_password.py <<'TXT'
def test_wrong_password_is_refused(client):
    data = {"email": "alice@example.com", "password": "Tr0ub4dor&3xQz"}
    r = client.post("/api/v1/default/auth/login", json=data)
    assert r.status_code == 400
TXT
step pass "test with a made-up wrong password"

sed -i 's/DISPATCH_JWT_EXP = config("DISPATCH_JWT_EXP", cast=int, default=86400)/DISPATCH_JWT_EXP = config("DISPATCH_JWT_EXP", cast=int, default=43200)/' src/dispatch/config.py
step block "settings default changed without a record"

sed -i 's/DISPATCH_JWT_EXP = config("DISPATCH_JWT_EXP", cast=int, default=86400)/DISPATCH_JWT_EXP = config("DISPATCH_JWT_EXP", cast=int, default=43200)/' src/dispatch/config.py
step pass "settings default changed with a record" "Shorter API tokens

$trailers"

python3 - <<'PY'
p = "src/dispatch/config.py"
s = open(p).read()
s = s.replace("def get_env_tags(tag_list: list[str]) -> dict:\n", "def get_env_tags(tag_list: list[str]) -> dict:\n    # Each entry is tag_key:ENV_VAR; unset variables are skipped.\n", 1)
open(p, "w").write(s)
PY
step pass "comment in a settings module function"

cat >>src/dispatch/plugins/dispatch_slack/config.py <<'TXT'

# Pasted while debugging; must never be committed.
SLACK_FALLBACK_BOT_TOKEN = "xoxb-2843715209-5520783190462-Qm7RtZk2pXw9LcVb4NsYhD8e"
TXT
step block "Slack bot token pasted into plugin config" "slack

$trailers"

f=src/dispatch/static/dispatch/src/auth/Login.vue
if [ -f "$f" ]; then
    sed -i 's#</script>#const passwordRules = [(v) => !!v || "Password is required"]\n</script>#' "$f"
    step pass "frontend login form: password rule"
fi

cat >src/dispatch/plugins/dispatch_core/http_probe.py <<'TXT'
import requests


def probe(url: str) -> int:
    return requests.get(url, timeout=5, verify=False).status_code
TXT
step block "verify=False in a plugin helper"

sed -i 's/^FROM python:3.11.13-slim-bullseye/FROM python:3.11.14-slim-bullseye/' docker/Dockerfile
step pass "Dockerfile base image bump (dependency update)"

sed -i 's/image: postgres:14.6/image: postgres:14.7/' docker/docker-compose.yml
step pass "compose image tag bump (dependency update)"

v=src/dispatch/database/revisions/tenant/versions
last=$(ls "$v" | grep -v __init__ | sort | tail -n 1)
prev=$(sed -n 's/^revision = "\(.*\)"/\1/p' "$v/$last")
cat >"$v/2025-09-03_0a1b2c3d4e5f.py" <<TXT
"""Adds a note column to canvas.

Revision ID: 0a1b2c3d4e5f
Revises: $prev
Create Date: 2025-09-03 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

revision = "0a1b2c3d4e5f"
down_revision = "$prev"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("canvas", sa.Column("note", sa.String(), nullable=True))


def downgrade():
    op.drop_column("canvas", "note")
TXT
step pass "new Alembic migration"

python3 - <<'PY'
import glob, re
# A formatter with another quote style: the same tokens, other quotes.
for p in sorted(glob.glob("src/dispatch/database/revisions/tenant/versions/2021-*.py"))[:5]:
    s = open(p).read()
    open(p, "w").write(re.sub(r'"([A-Za-z0-9_]+)"', r"'\1'", s))
PY
step pass "formatter run over old migrations (quote style)"

printf '\n# Sentry error reporting (optional)\nSENTRY_DSN=""\n' >>docker/.env.example
step pass ".env.example documents a new variable"

cat >>src/dispatch/main.py <<'TXT'

from fastapi.middleware.cors import CORSMiddleware  # noqa: E402

api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
TXT
step block "CORS for every origin with credentials in main.py"
