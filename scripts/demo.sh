#!/bin/sh
# confgate demo: makes a throwaway repository of a small Python service,
# installs the hooks, and shows confgate blocking (and then accepting) commits.
# Usage: sh scripts/demo.sh   (after `cargo build --release`)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
bin="${CONFGATE_BIN:-$here/target/release/confgate}"
[ -x "$bin" ] || { echo "demo: $bin not found; run: cargo build --release" >&2; exit 2; }
export CONFGATE_BIN="$bin" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
demo=$(mktemp -d "${TMPDIR:-/tmp}/confgate-demo.XXXXXX")
cd "$demo" || exit 2
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; printf '(exit %s)\n' "$?"; }

git init -q -b main && git config user.name "Demo Dev" && git config user.email dev@example.com
mkdir -p app config
cat > app/main.py <<'PY'
from fastapi import FastAPI
app = FastAPI()
PY
printf '[cache]\nttl = 60\n' > config/cache.toml
git add -A && git commit -q --no-verify -m "initial service"
say "install the hooks"
run "$bin" install

say "1. a config change with no record is refused"
printf '[cache]\nttl = 300\n' > config/cache.toml
git add config/cache.toml
run git commit -m "raise cache ttl"

say "2. the same change with the three trailers goes through (the cache policy asks, as a warning, for the cache rule and bypass)"
run git commit -q -m "raise cache ttl

Config-Owner: @payments-sre
Expected-Result: cache hit ratio from 61% to above 80% within 1 h of deploy
Rollback: revert; set cache.ttl back to 60"

say "3. a secret pasted into a helper module is refused (and never printed)"
cat > app/client.py <<'PY'
import requests
STRIPE_KEY = "sk_live_51Hx9ZqLkT2mW8vN4rP6sY3bC7dF0gJ5hK"
PY
git add app/client.py
run git commit -m "add payment client"
git reset -q app/client.py && rm app/client.py

say "4. a security setting hidden in unrelated code is refused"
cat > app/http.py <<'PY'
import requests

def fetch(url):
    return requests.get(url, verify=False, timeout=5)
PY
git add app/http.py
run git commit -m "add http helper"

say "demo repository left at $demo"
