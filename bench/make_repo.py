#!/usr/bin/env python3
"""Generate a deterministic, realistic Python service monorepo for benchmarks.

    bench/make_repo.py DIR [--files 3000] [--change 10] [--seed 1] [--initial]

Writes about --files files (packages, Django/FastAPI settings, TOML/YAML
configs, Alembic migrations, tests, docs, deployment manifests) into DIR,
commits them, then stages a change touching --change files (mostly code,
some config and tests, one new module). With --initial nothing is committed:
the whole tree is staged on an unborn branch (a project's first commit).

Same arguments, same bytes: every choice comes from one seeded generator and
git gets fixed dates, so timings compare across machines and runs.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys

WORDS = (
    "account order invoice payment customer ledger refund shipment catalog "
    "inventory price discount coupon cart session token audit report export "
    "import notification email webhook schedule job batch queue worker cache "
    "search index profile address tenant plan subscription usage metric event"
).split()
VERBS = "get list create update delete sync load build parse render validate apply compute fetch send".split()
SERVICES = [
    "billing", "orders", "catalog", "accounts", "notifications", "search",
    "shipping", "reports", "gateway", "auth", "inventory", "webhooks",
]
LAYERS = ["api", "models", "repositories", "schemas", "services", "utils", "tasks", "clients"]

ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def ident(rng, parts=2):
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def camel(name):
    return "".join(p.capitalize() for p in name.split("_"))


def py_function(rng, indent=""):
    verb = rng.choice(VERBS)
    noun = ident(rng)
    args = ", ".join(ident(rng, 1) for _ in range(rng.randint(1, 3)))
    body = [
        f'{indent}def {verb}_{noun}({args}, *, limit: int = {rng.choice([10, 50, 100, 500])}):',
        f'{indent}    """{verb.capitalize()} the {noun.replace("_", " ")} records for the caller."""',
        f"{indent}    logger.debug(\"{verb} {noun} limit=%s\", limit)",
        f"{indent}    result = []",
    ]
    for _ in range(rng.randint(3, 12)):
        choice = rng.random()
        if choice < 0.3:
            body.append(f"{indent}    for item in {rng.choice(WORDS)}s[:limit]:")
            body.append(f"{indent}        if item.{ident(rng, 1)}_id is None:")
            body.append(f"{indent}            continue")
            body.append(f"{indent}        result.append(item)")
        elif choice < 0.5:
            body.append(
                f'{indent}    query = "SELECT id, {ident(rng, 1)}, created_at FROM {ident(rng)} WHERE tenant_id = %s LIMIT %s"'
            )
        elif choice < 0.7:
            body.append(f"{indent}    {ident(rng)} = settings.{ident(rng).upper()}")
        elif choice < 0.85:
            body.append(f"{indent}    if len(result) > {rng.randint(1, 1000)}:")
            body.append(f'{indent}        raise ValueError("too many {rng.choice(WORDS)} entries")')
        else:
            body.append(f"{indent}    # Keep the order stable: clients page through this list.")
            body.append(f"{indent}    result.sort(key=lambda r: (r.created_at, r.id))")
    body.append(f"{indent}    return result")
    return "\n".join(body)


def py_module(rng, package):
    lines = [
        f'"""{package}: {rng.choice(VERBS)} {ident(rng).replace("_", " ")} helpers."""',
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "from dataclasses import dataclass, field",
        "from datetime import datetime, timezone",
        "",
        f"from {package.split('.')[0]}.core import settings",
        "",
        "logger = logging.getLogger(__name__)",
        "",
        f"DEFAULT_PAGE_SIZE = {rng.choice([20, 50, 100])}",
        f'{ident(rng).upper()}_TIMEOUT = {rng.choice([5, 10, 30, 60])}',
        "",
    ]
    for _ in range(rng.randint(1, 3)):
        name = camel(ident(rng))
        lines += ["", "@dataclass", f"class {name}:"]
        lines.append(f'    """A {name} as the API returns it."""')
        for _ in range(rng.randint(3, 8)):
            lines.append(f"    {ident(rng)}: {rng.choice(['int', 'str', 'float', 'bool', 'datetime | None'])} = None")
        lines.append("    tags: list[str] = field(default_factory=list)")
        lines.append("")
        for _ in range(rng.randint(1, 3)):
            lines.append(py_function(rng, "    "))
            lines.append("")
    for _ in range(rng.randint(2, 6)):
        lines += ["", py_function(rng), ""]
    return "\n".join(lines) + "\n"


def py_test(rng, package):
    lines = [
        "import pytest",
        "",
        f"from {package} import {rng.choice(VERBS)}_{ident(rng)}",
        "",
        "",
        "@pytest.fixture",
        "def client(app):",
        "    return app.test_client()",
        "",
    ]
    for _ in range(rng.randint(3, 10)):
        name = f"test_{rng.choice(VERBS)}_{ident(rng)}"
        lines += [
            "",
            f"def {name}(client):",
            f'    response = client.get("/api/v1/{rng.choice(WORDS)}s?limit={rng.randint(1, 100)}")',
            f"    assert response.status_code == {rng.choice([200, 201, 204, 404])}",
            f'    assert response.json()["{ident(rng, 1)}"] == {rng.randint(0, 999)}',
        ]
    if rng.random() < 0.05:
        # Tests carry fixtures that look like credentials: the false-positive load.
        lines += ["", 'FAKE_PASSWORD = "not-a-real-password"', 'API_KEY = "test"']
    return "\n".join(lines) + "\n"


def settings_module(rng, svc, env):
    debug = "False" if env != "development" else 'os.environ.get("DEBUG", "0") == "1"'
    return f'''"""Django settings for {svc} ({env})."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = {debug}
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "{svc}.internal").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "{svc}",
]

DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "{svc}"),
        "HOST": os.environ.get("DB_HOST", "db"),
        "PORT": int(os.environ.get("DB_PORT", "5432")),
        "CONN_MAX_AGE": {rng.choice([0, 60, 300])},
    }}
}}

CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ.get("REDIS_URL")}}}}
CELERY_TASK_SOFT_TIME_LIMIT = {rng.choice([30, 60, 120])}
LOGGING_LEVEL = "{rng.choice(["INFO", "WARNING"])}"
TIME_ZONE = "UTC"
USE_TZ = True
PAGE_SIZE = {rng.choice([20, 50, 100])}
'''


def yaml_config(rng, svc, env):
    lines = [f"# {svc} service configuration for {env}", "service:", f"  name: {svc}", f"  environment: {env}"]
    lines += ["  replicas: %d" % rng.choice([1, 2, 3, 4, 6]), "  port: 8000", "http:"]
    lines += [f"  timeout_seconds: {rng.choice([5, 10, 30])}", f"  max_body_bytes: {rng.choice([1048576, 4194304])}"]
    lines.append("features:")
    for _ in range(rng.randint(5, 15)):
        lines.append(f"  {ident(rng)}: {rng.choice(['true', 'false'])}")
    lines.append("limits:")
    for _ in range(rng.randint(3, 8)):
        lines.append(f"  {ident(rng)}_per_minute: {rng.randint(10, 10000)}")
    lines += ["database:", f"  pool_size: {rng.randint(5, 40)}", "  url: ${DATABASE_URL}"]
    return "\n".join(lines) + "\n"


def toml_config(rng, svc):
    lines = [f"# {svc} worker settings", "[worker]", f"concurrency = {rng.randint(2, 32)}"]
    lines += [f'queue = "{svc}-default"', f"prefetch = {rng.randint(1, 8)}", "", "[retry]"]
    lines += [f"max_attempts = {rng.randint(3, 10)}", f"backoff_seconds = {rng.choice([1, 2, 5])}", ""]
    for _ in range(rng.randint(2, 5)):
        lines += [f"[schedule.{ident(rng)}]", f'cron = "*/{rng.randint(1, 59)} * * * *"', f"enabled = {rng.choice(['true', 'false'])}", ""]
    return "\n".join(lines)


def migration(rng, number):
    table = ident(rng)
    return f'''"""add {table}

Revision ID: {number:04d}{rng.getrandbits(32):08x}
"""
from alembic import op
import sqlalchemy as sa

revision = "{number:04d}"
down_revision = "{max(number - 1, 0):04d}"


def upgrade():
    op.create_table(
        "{table}",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("tenant_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("{ident(rng, 1)}", sa.String({rng.choice([64, 128, 255])})),
        sa.Column("created_at", sa.DateTime(timezone=True)),
    )


def downgrade():
    op.drop_table("{table}")
'''


def markdown(rng, title):
    paras = []
    for _ in range(rng.randint(3, 12)):
        words = [rng.choice(WORDS + VERBS) for _ in range(rng.randint(30, 90))]
        paras.append(" ".join(words).capitalize() + ".")
    return f"# {title}\n\n" + "\n\n".join(paras) + "\n"


def k8s(rng, svc):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {svc}
spec:
  replicas: {rng.randint(1, 6)}
  template:
    spec:
      containers:
        - name: {svc}
          image: registry.example.com/{svc}:1.{rng.randint(0, 40)}.{rng.randint(0, 9)}
          resources:
            limits:
              memory: {rng.choice(["256Mi", "512Mi", "1Gi"])}
              cpu: "{rng.choice(["250m", "500m", "1"])}"
          envFrom:
            - secretRef:
                name: {svc}-env
"""


def plan_tree(rng, target):
    """(path, generator) pairs, about `target` of them."""
    files = [
        ("README.md", lambda r: markdown(r, "Platform services")),
        ("pyproject.toml", lambda r: '[project]\nname = "platform"\nversion = "1.0.0"\n'),
        ("requirements.txt", lambda r: "django==5.1\nfastapi==0.115\nuvicorn==0.32\ncelery==5.4\n"),
        ("docker-compose.yml", lambda r: "services:\n  db:\n    image: postgres:16\n  redis:\n    image: redis:7\n"),
        (".gitignore", lambda r: "__pycache__/\n*.pyc\n.venv/\n"),
    ]
    per_service = max(10, (target - len(files)) // len(SERVICES))
    for svc in SERVICES:
        base = f"services/{svc}"
        fixed = [
            (f"{base}/Dockerfile", lambda r, s=svc: f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"gunicorn\", \"{s}.wsgi\"]\n"),
            (f"{base}/gunicorn.conf.py", lambda r: f"workers = {r.randint(2, 8)}\ntimeout = {r.choice([30, 60])}\nbind = \"0.0.0.0:8000\"\n"),
            (f"{base}/deploy/deployment.yaml", lambda r, s=svc: k8s(r, s)),
            (f"{base}/config/worker.toml", lambda r, s=svc: toml_config(r, s)),
        ]
        for env in ("development", "staging", "production"):
            fixed.append((f"{base}/src/{svc}/settings/{env}.py", lambda r, s=svc, e=env: settings_module(r, s, e)))
            fixed.append((f"{base}/config/{env}.yaml", lambda r, s=svc, e=env: yaml_config(r, s, e)))
        fixed.append((f"{base}/src/{svc}/core/__init__.py", lambda r: "from . import settings  # noqa: F401\n"))
        files += fixed
        remaining = per_service - len(fixed)
        # Code dominates, then tests, migrations and docs, as in real services.
        n_code = remaining * 55 // 100
        n_tests = remaining * 25 // 100
        n_migr = remaining * 10 // 100
        n_docs = remaining - n_code - n_tests - n_migr
        for i in range(n_code):
            layer = LAYERS[i % len(LAYERS)]
            name = f"{rng.choice(VERBS)}_{ident(rng)}_{i}"
            pkg = f"{svc}.{layer}"
            files.append((f"{base}/src/{svc}/{layer}/{name}.py", lambda r, p=pkg: py_module(r, p)))
        for i in range(n_tests):
            pkg = f"{svc}.{LAYERS[i % len(LAYERS)]}"
            files.append((f"{base}/tests/test_{ident(rng)}_{i}.py", lambda r, p=pkg: py_test(r, p)))
        for i in range(n_migr):
            files.append((f"{base}/migrations/versions/{i:04d}_{ident(rng)}.py", lambda r, n=i: migration(r, n)))
        for i in range(n_docs):
            files.append((f"{base}/docs/{ident(rng)}_{i}.md", lambda r: markdown(r, "Notes")))
    return files[:target] if len(files) > target else files


def git(repo, *args, env=None):
    subprocess.run(["git", "-C", repo, *args], check=True, env={**os.environ, **ENV, **(env or {})},
                   stdout=subprocess.DEVNULL)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def stage_change(repo, rng, paths, count):
    """Modify `count` files like a real change: mostly code, some config, a test, a new module."""
    py = sorted(p for p in paths if p.endswith(".py") and "/tests/" not in p and "/migrations/" not in p)
    tests = sorted(p for p in paths if "/tests/" in p)
    configs = sorted(p for p in paths if p.endswith((".yaml", ".toml")) and p.startswith("services/"))
    picked = []
    n_new = 1
    n_cfg = min(len(configs), count * 2 // 10)
    n_test = min(len(tests), count // 10)
    n_code = count - n_new - n_cfg - n_test
    picked += [("code", p) for p in rng.sample(py, min(n_code, len(py)))]
    picked += [("config", p) for p in rng.sample(configs, min(n_cfg, len(configs)))]
    picked += [("test", p) for p in rng.sample(tests, min(n_test, len(tests)))]
    for kind, path in picked:
        full = os.path.join(repo, path)
        with open(full, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        if kind == "config":
            lines.insert(min(5, len(lines)), f"  {ident(rng)}_seconds: {rng.randint(1, 600)}" if path.endswith(".yaml")
                         else f"{ident(rng)}_limit = {rng.randint(1, 600)}")
        else:
            at = rng.randint(len(lines) // 3, max(len(lines) // 3, len(lines) - 2))
            lines[at:at] = py_function(rng).split("\n")
        write(full, "\n".join(lines))
    if count > 0:
        new = f"services/{SERVICES[0]}/src/{SERVICES[0]}/services/new_{ident(rng)}.py"
        write(os.path.join(repo, new), py_module(rng, f"{SERVICES[0]}.services"))
        picked.append(("new", new))
    git(repo, "add", "-A")
    return len(picked)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--change", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--initial", action="store_true", help="stage everything on an unborn branch")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    if os.path.exists(args.dir):
        shutil.rmtree(args.dir)
    os.makedirs(args.dir)
    subprocess.run(["git", "init", "-q", "-b", "main", args.dir], check=True)
    git(args.dir, "config", "user.name", "Bench")
    git(args.dir, "config", "user.email", "bench@example.com")
    git(args.dir, "config", "commit.gpgsign", "false")
    tree = plan_tree(rng, args.files)
    for path, make in tree:
        write(os.path.join(args.dir, path), make(rng))
    git(args.dir, "add", "-A")
    if args.initial:
        print(f"{args.dir}: {len(tree)} files staged on an unborn branch", file=sys.stderr)
        return
    git(args.dir, "commit", "-q", "--no-verify", "-m", "Initial import")
    staged = stage_change(args.dir, random.Random(args.seed + 1000), [p for p, _ in tree], args.change)
    print(f"{args.dir}: {len(tree)} files committed, {staged} staged", file=sys.stderr)


if __name__ == "__main__":
    main()
