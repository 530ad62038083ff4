#!/usr/bin/env python3
"""Issue 17's examples, each through a real commit with the hooks installed
in a fresh scratch repository, against what the issue expects (pass or
block, and what the output must or must not say).

    python3 bench/issue17_audit.py target/debug/confgate [SCRATCH_DIR]

Prints one line per example and the count met; AUDIT_V=1 prints the hook's
output for each miss."""
import os, subprocess, sys, shutil, json
B = os.path.abspath(sys.argv[1])
W = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(os.environ.get("TMPDIR", "/tmp"), "confgate-issue17-audit")
env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1",
           PATH=os.path.dirname(B) + ":" + os.environ["PATH"],
           GIT_AUTHOR_DATE="2026-01-01T00:00:00Z", GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
TR = "\n\nConfig-Owner: @payments-sre\nExpected-Result: the service starts with the new value within 5 min\nRollback: revert this commit"
def sh(*a, check=True, inp=None):
    r = subprocess.run(a, cwd=W, env=env, capture_output=True, text=True, input=inp)
    if check and r.returncode != 0:
        raise SystemExit(f"{a}: {r.stderr}")
    return r
def write(files):
    for p, t in files.items():
        full = os.path.join(W, p)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        open(full, "w").write(t)
def fresh(base):
    shutil.rmtree(W, ignore_errors=True); os.makedirs(W)
    sh("git", "init", "-q", "-b", "main"); sh("git", "config", "user.name", "a"); sh("git", "config", "user.email", "a@b.c")
    sh("git", "config", "commit.gpgsign", "false")
    write(dict(base, **{"README.md": "x\n"}))
    sh("git", "add", "-A"); sh("git", "commit", "-qm", "base", "--no-verify")
    sh(B, "install", "-q")
results = []
def case(name, expect, files, base=None, record=True, want=None, lack=None):
    fresh(base or {})
    write(files)
    sh("git", "add", "-A")
    r = sh("git", "commit", "-q", "-m", "change" + (TR if record else ""), check=False)
    got = "pass" if r.returncode == 0 else "block"
    out = r.stdout + r.stderr
    ok = got == expect
    for w in (want or []):
        if w not in out: ok = False; got += f" (no '{w}')"
    for l in (lack or []):
        if l in out: ok = False; got += f" (has '{l}')"
    results.append((ok, name, expect, got))
    print(("ok      " if ok else "MISS    ") + f"{name}: expected {expect}, got {got}")
    if not ok and os.environ.get("AUDIT_V"): print(out)

case("hashed_password=hashed_password in Markdown", "pass", {"docs/tutorial.md": "Create it with `User(hashed_password=hashed_password)`.\n\n```python\nuser = User(email=email, hashed_password=hashed_password)\n```\n"})
case("password = request.form['password'] in rst", "pass", {"docs/views.rst": "Read it with ``password = request.form['password']``.\n\n.. code-block:: python\n\n    password = request.form['password']\n"})
case("state.tokens := array_append in SQL", "pass", {"db/fn.sql": "BEGIN\n  state.tokens := array_append(state.tokens, tok);\nEND;\n"})
case("confirm_password: z.string() in TS", "pass", {"frontend/src/schema.ts": "export const schema = z.object({\n  confirm_password: z.string().min(8),\n})\n"})
case("const token = useRoute() in Vue", "pass", {"frontend/src/Reset.vue": "<script setup>\nconst token = useRoute().query.token\n</script>\n"})
case("'access_key': os.environ.get in Markdown", "pass", {"docs/aws.md": "```python\nconf = {'access_key': os.environ.get('AWS_ACCESS_KEY_ID')}\n```\nand `'access_key': os.environ.get(\"AWS_KEY\")` in prose.\n"})
case("@click:append showPassword in Vue", "pass", {"frontend/src/Login.vue": "<template>\n  <v-text-field @click:append=\"showPassword = !showPassword\" />\n</template>\n"})
case("pyproject entry point *_auth", "pass", {"pyproject.toml": "[project]\nname = \"x\"\n[project.entry-points.\"dispatch.plugins\"]\ndispatch_basic_auth = \"dispatch.plugins.dispatch_core.plugin:BasicAuthProvider\"\n"})
case("authorizationUrl URL path", "pass", {"frontend/src/auth.js": "const auth = { authorizationUrl: \"api/oauth/authorize\", tokenUrl: \"api/oauth/token\" }\n"})
case("Basic notabase64token in tests", "pass", {"tests/test_auth.py": "headers = {\"Authorization\": \"Basic notabase64token\"}\n"})
case("\"SECRET_KEY\": None", "pass", {"app/cfg.py": "DEFAULTS = {\"SECRET_KEY\": None, \"TESTING\": False}\n"})
case("SECRET_KEY: dummy in CI workflow", "pass", {".github/workflows/test.yml": "jobs:\n  test:\n    env:\n      SECRET_KEY: dummy\n    runs-on: ubuntu-latest\n"})
case("compose ${POSTGRES_PASSWORD:?...} and ${X:-default}", "pass", {"compose.yml": "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?Variable not set}\n      PGPASSWORD: ${PGPASSWORD:-postgres}\n"})
case("GTM query string in saved HTML fixture", "pass", {"tests/fixtures/page.html": "<script src=\"https://www.googletagmanager.com/gtm.js?id=GTM-ABCD123&gtm_auth=Xq2Lm9vPz7RkTw4Yb8Nc&gtm_preview=env-2\"></script>\n"})
case("@nuxtjs/auth-next version", "pass", {"frontend/package.json": "{\n  \"dependencies\": {\n    \"@nuxtjs/auth-next\": \"5.0.0-1648802546.c9880dc\"\n  }\n}\n"})
case("test data Wr0ngPassw0rd!x7Q / P@ssw0rd123 / Test1234! in tests/", "pass", {"tests/test_login.py": "BAD = {\"password\": \"Wr0ngPassw0rd!x7Q\"}\nOTHER = \"P@ssw0rd123\"\npassword = \"Test1234!\"\n"})
case("'password': 'abc123' in Django view tests", "pass", {"shop/tests/test_views.py": "self.client.post('/login/', {'username': 'bob', 'password': 'abc123'})\n"})
case("provider token in tests still blocks", "block", {"tests/test_gh.py": "TOKEN = \"AKIAZ7Q3MXW5R2PLKT4N\"\nSECRET = \"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\"\n"})
case("frontend .env with only VITE_ vars", "pass", {"frontend/.env": "VITE_API_URL=http://localhost:8000\nVITE_SENTRY_DSN=\n"}, lack=["env-file"])
case(".env with placeholders and local defaults: warning", "pass", {".env": "DOMAIN=localhost\nSECRET_KEY=changethis\nFIRST_SUPERUSER_PASSWORD=changethis\nPOSTGRES_PASSWORD=changethis\nVITE_API_URL=http://localhost:8000\n"}, want=["only placeholders"])
case(".env with a real value blocks", "block", {".env": "DOMAIN=localhost\nPOSTGRES_PASSWORD=Zq8vT2pLk9mWx4Rb\n"})
case("Dockerfile CMD --host=0.0.0.0", "pass", {"Dockerfile": "FROM python:3.12-slim\nCMD [\"fastapi\", \"run\", \"--host=0.0.0.0\", \"--port\", \"80\"]\n"}, lack=["bind-all"])
case("compose / k8s / Procfile / gunicorn 0.0.0.0", "pass", {"compose.yml": "services:\n  api:\n    image: app:1\n    command: uvicorn app.main:app --host 0.0.0.0\n", "k8s/deploy.yaml": "spec:\n  containers:\n    - args: [\"--host\", \"0.0.0.0\"]\n", "Procfile": "web: gunicorn app:app --bind 0.0.0.0:$PORT\n", "gunicorn.conf.py": "bind = \"0.0.0.0:8000\"\n"}, lack=["bind-all"])
case("uvicorn host=0.0.0.0 in Python entry point: warning", "pass", {"app/main.py": "import uvicorn\nif __name__ == \"__main__\":\n    uvicorn.run(\"app.main:app\", host=\"0.0.0.0\", port=8000)\n"}, want=["bind-all-interfaces"])
CONF = "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8\n"
case("ACCESS_TOKEN_EXPIRE_MINUTES 8 days -> 2 days: warning", "pass", {"app/core/config.py": CONF.replace("* 8", "* 2")}, base={"app/core/config.py": CONF}, want=["better"])
case("comment-only edit to config.py needs no record", "pass", {"app/core/config.py": CONF.replace("class Settings", "# read from ../.env\nclass Settings")}, base={"app/core/config.py": CONF}, record=False)
COMPOSE = "services:\n  db:\n    image: postgres:16\n    restart: always\n"
case("comment/formatting edit to compose.yml needs no record", "pass", {"compose.yml": "# local database\nservices:\n  db:\n    image: \"postgres:16\"\n    restart:   always\n"}, base={"compose.yml": COMPOSE}, record=False)
SEC = "import jwt\n\nALGORITHM = \"HS256\"\n\n\ndef create(sub):\n    return jwt.encode({\"sub\": sub}, \"k\", algorithm=ALGORITHM)\n"
case("docstring in app/core/security.py needs no record", "pass", {"app/core/security.py": SEC.replace("def create(sub):\n", "def create(sub):\n    \"\"\"A signed token.\"\"\"\n")}, base={"app/core/security.py": SEC}, record=False)
case("function body in app/core/security.py needs no record", "pass", {"app/core/security.py": SEC.replace("    return jwt.encode", "    claims = {\"sub\": str(sub)}\n    return jwt.encode")}, base={"app/core/security.py": SEC}, record=False)
case("ALGORITHM = \"none\" in security.py without record blocks", "block", {"app/core/security.py": SEC.replace("HS256", "none")}, base={"app/core/security.py": SEC}, record=False)
MIG = "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'abc'\n\n\ndef upgrade():\n    op.add_column('user', sa.Column('x', sa.String(), nullable=True))\n"
case("formatter run over a migration needs no record", "pass", {"migrations/versions/abc.py": MIG.replace("'", '"').replace("nullable=True))", "nullable=True),\n    )")}, base={"migrations/versions/abc.py": MIG, ".confgate.toml": "[config]\nextend_include = [\"migrations/**/*.py\"]\n"}, record=False)
case("SECURE_PROXY_SSL_HEADER documented value", "pass", {"proj/settings.py": "SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")\n"}, lack=["error"])
case("CSRF_TRUSTED_ORIGINS https://*.example.com", "pass", {"proj/settings.py": "CSRF_TRUSTED_ORIGINS = [\"https://*.example.com\"]\n"}, lack=["error"])
case("CSRF_TRUSTED_ORIGINS https://*.co.uk blocks", "block", {"proj/settings.py": "CSRF_TRUSTED_ORIGINS = [\"https://*.co.uk\"]\n"})
case("Django default PASSWORD_HASHERS", "pass", {"proj/settings.py": "PASSWORD_HASHERS = [\n    \"django.contrib.auth.hashers.PBKDF2PasswordHasher\",\n    \"django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher\",\n    \"django.contrib.auth.hashers.Argon2PasswordHasher\",\n    \"django.contrib.auth.hashers.BCryptSHA256PasswordHasher\",\n    \"django.contrib.auth.hashers.ScryptPasswordHasher\",\n]\n"}, lack=["error"])
case("HMAC call with algorithm is not jwt-alg-none", "pass", {"app/sign.py": "import hmac\nsig = hmac.new(key, body, digestmod=\"sha256\")\nsigner = Signer(key, algorithm=\"sha256\")\n"}, lack=["jwt-alg-none"])
case("hsts 31536000 not under hsts-off", "pass", {"proj/settings.py": "SECURE_HSTS_SECONDS = 31536000\n"}, lack=["hsts-off"])
case("referrer same-origin not referrer-policy-leaky", "pass", {"proj/settings.py": "SECURE_REFERRER_POLICY = \"same-origin\"\n"}, lack=["referrer-policy-leaky"])
case("decorator/header/USER/compose advice has no move-to", "block", {"app/views.py": "@csrf_exempt\ndef hook(request):\n    pass\n\nresponse.headers[\"Access-Control-Allow-Origin\"] = \"*\"\n", "Dockerfile": "FROM python:3.12\nUSER root\n", "compose.yml": "services:\n  api:\n    image: a:1\n    privileged: true\n"}, lack=["move it to a designated"])
case("@csrf_exempt advice mentions token views", "block", {"app/views.py": "@csrf_exempt\ndef hook(request):\n    pass\n"}, want=["allow csrf-exempt"])
case(".env.example documenting a new variable", "pass", {".env.example": "DOMAIN=localhost\nSECRET_KEY=changethis\nSENTRY_DSN=\n"}, base={".env.example": "DOMAIN=localhost\nSECRET_KEY=changethis\n"}, record=False)
HELM = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: app\n          {{- with .Values.resources }}\n          resources:\n            {{- toYaml . | nindent 12 }}\n          {{- end }}\n"
case("Helm templates/deployment.yaml is not invalid-config", "pass", {"chart/templates/deployment.yaml": HELM, "deploy/app.yml.j2": "port: {{ port }}\n{% if debug %}debug: true{% endif %}\n"}, lack=["invalid-config"])
case("Helm values.yaml keeps its key diff", "block", {"chart/values.yaml": "replicaCount: 3\n"}, base={"chart/values.yaml": "replicaCount: 2\n"}, record=False, want=["replicaCount 2 → 3"])
case("tooling config needs no record", "pass", {"copier.yml": "project_name:\n  type: str\n", ".devcontainer/devcontainer.json": "{\"name\": \"x\"}\n", "Dockerfile.playwright": "FROM mcr.microsoft.com/playwright:v1.40.0\n", ".eslintrc.yml": "root: true\n", ".prettierrc.yaml": "semi: false\n", "mkdocs.yaml": "site_name: x\n", "openapi.yaml": "openapi: 3.0.0\n"}, record=False, lack=["missing-record"])
case("FROM python:3.12.1-slim -> 3.12.2-slim: dependency update", "pass", {"Dockerfile": "FROM python:3.12.2-slim\nCMD [\"python\"]\n"}, base={"Dockerfile": "FROM python:3.12.1-slim\nCMD [\"python\"]\n"}, record=False, want=["dependency update"])
case("compose image postgres:16.1 -> 16.2: dependency update", "pass", {"compose.yml": "services:\n  db:\n    image: postgres:16.2\n"}, base={"compose.yml": "services:\n  db:\n    image: postgres:16.1\n"}, record=False)
case("dependency_updates = record asks for one", "block", {"compose.yml": "services:\n  db:\n    image: postgres:16.2\n"}, base={"compose.yml": "services:\n  db:\n    image: postgres:16.1\n", ".confgate.toml": "[record]\ndependency_updates = \"record\"\n"}, record=False)
case("Dockerfile key diff (ENV X) instead of content changed", "block", {"Dockerfile": "FROM python:3.12\nENV WORKERS=4\n"}, base={"Dockerfile": "FROM python:3.12\nENV WORKERS=2\n"}, record=False, want=["ENV.WORKERS 2 → 4"])
case("package-lock debug ^4.1.0 not debug-mode", "pass", {"frontend/package-lock.json": "{\n  \"packages\": {\n    \"node_modules/x\": {\n      \"dependencies\": {\n        \"debug\": \"^4.1.0\"\n      }\n    }\n  }\n}\n"}, record=False, lack=["debug-mode", "missing-record"])
case("dist/*.min.js generic lookalike not a secret; provider token is", "block", {"static/dist/app.min.js": "var a={apiKey:\"kT9vQ2mX7pL4wR8zN3bH6cJ1\"},b=\"AKIAZ7Q3MXW5R2PLKT4N\";\n"}, want=["aws"], lack=["generic-secret"])
case("Python forms: Field default", "block", {"app/settings.py": "class S(BaseSettings):\n    api_key: str = Field(default=\"Zq8vT2pLk9mWx4RbQ7nC\")\n"})
case("Python forms: os.getenv default", "block", {"app/client.py": "token = os.getenv(\"API_TOKEN\", \"Zq8vT2pLk9mWx4RbQ7nC\")\n"})
case("Python forms: auth=(user, literal)", "block", {"app/client.py": "r = requests.get(url, auth=(\"svc\", \"Zq8vT2pLk9mWx4RbQ7nC\"))\n"})
case("Python forms: f/r/b strings", "block", {"app/client.py": "password = r\"Zq8vT2pLk9mWx4RbQ7nC\"\nsecret = b\"Yt5wP3nLm8vQx2RbK6zD\"\n"})
case("?api_key= in URLs", "block", {"app/client.py": "URL = \"https://api.example.com/v1/data?api_key=Zq8vT2pLk9mWx4RbQ7nC&limit=5\"\n"})
case("expired JWT is a note, not a block", "pass", {"docs/token.md": "```\neyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqb2huZG9lIiwiZXhwIjoxNjAwMDAwMDAwfQ.Xq2Lm9vPz7RkTw4Yb8Nc1dE5fG6hJ7kL8mN9pQ0rS1t\n```\n"})
met = sum(1 for r in results if r[0])
print(f"\n{met} of {len(results)} met")
sys.exit(0 if met == len(results) else 1)
