//! Secrets and inline security settings end to end: through real commits,
//! `scan`, suppression comments and the baseline.

use crate::common::{TestRepo, RECORD};

const STRIPE: &str = "sk_live_51Hx9ZqLkT2mW8vN4rP6sY3bC7dF0gJ5hK";
const AWS: &str = "AKIAZ4QW7RT2LMNBXP3C";

fn repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    repo.install();
    repo
}

/// No output may carry a secret beyond its first four characters. (Rule
/// descriptions name documented prefixes such as `sk_live_`, so the check
/// looks for a longer prefix and for the secret's tail.)
fn assert_redacted(text: &str, secret: &str) {
    assert!(!text.contains(&secret[..10]), "secret leaked:\n{text}");
    assert!(
        !text.contains(&secret[secret.len() - 8..]),
        "secret leaked:\n{text}"
    );
}

#[test]
fn secret_in_a_commit_is_blocked_and_redacted_in_every_format() {
    let repo = repo();
    repo.write(
        "app/pay.py",
        format!("import stripe\nstripe.api_key = \"{STRIPE}\"\n"),
    );
    let run = repo.commit_all("payments");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("app/pay.py:2");
    assert_redacted(&run.stdout, STRIPE);
    assert_redacted(&run.stderr, STRIPE);
    for format in ["json", "sarif"] {
        let out = repo.confgate(&["--format", format, "check", "--staged"]);
        out.code(1);
        assert_redacted(&out.stdout, STRIPE);
    }
    let json = repo.confgate(&["--format", "json", "check"]).json();
    let finding = &json["findings"][0];
    assert_eq!(finding["kind"], "secret");
    assert_eq!(finding["path"], "app/pay.py");
    assert_eq!(finding["line"], 2);
}

#[test]
fn env_file_is_a_forbidden_file_but_the_example_is_not() {
    let repo = repo();
    repo.write(
        ".env.example",
        "DATABASE_URL=postgres://user:password@localhost/app\nSECRET_KEY=changeme\n",
    );
    repo.write("config-changes/env.toml", RECORD);
    repo.commit_all("example env").ok();
    repo.write(".env", "DEBUG_TOOLBAR=0\nAPI_TOKEN=Zq8vT2pLk9mWx4Rb\n");
    repo.write("config-changes/env2.toml", RECORD);
    let run = repo.commit_all("real env");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("env-file").contains(".env");
    let json = repo.confgate(&["--format", "json", "check"]).json();
    assert_eq!(json["findings"][0]["kind"], "forbidden-file");
}

/// Literals the Python reader sees in a pydantic settings class and client
/// code block the commit, each on its own line, redacted.
#[test]
fn python_defaults_and_auth_pairs_are_secrets() {
    let repo = repo();
    let secret = "Qw7vLp2Zr9xKm4TbN8cY";
    let text = format!(
        "import os\n\n\nclass Settings(BaseSettings):\n    api_key: str = Field(default=\"{secret}\")\n    DB_PASSWORD: str = os.getenv(\"DB_PASSWORD\", \"{secret}\")\n\n\nr = requests.get(URL, auth=(\"svc\", \"{secret}\"))\nos.environ[\"API_TOKEN\"] = \"{secret}\"\n"
    );
    repo.write("app/client.py", text);
    let run = repo.commit_all("client");
    assert_eq!(run.code, 1, "{}", run.dump());
    assert_redacted(&run.stdout, secret);
    assert_redacted(&run.stderr, secret);
    let json = repo
        .confgate(&["--format", "json", "check", "--staged"])
        .json();
    let lines: Vec<i64> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "generic-secret-assignment")
        .filter_map(|f| f["line"].as_i64())
        .collect();
    assert_eq!(lines, [5, 6, 9, 10], "{json}");
}

#[test]
fn environment_lookups_are_not_secrets() {
    let repo = repo();
    repo.write(
        "app/settings_helpers.py",
        "import os\nSTRIPE_KEY = os.environ[\"STRIPE_KEY\"]\nDB_PASSWORD = os.getenv(\"DB_PASSWORD\", \"\")\nTOKEN = settings.API_TOKEN\n",
    );
    repo.commit_all("lookups").ok();
}

#[test]
fn suppression_needs_a_reason() {
    let repo = repo();
    repo.write(
        "tests/fixtures/keys.py",
        format!("# confgate: allow aws-access-key-id\nKEY = \"{AWS}\"\n"),
    );
    let run = repo.commit_all("fixture");
    assert_ne!(
        run.code,
        0,
        "an allow without a reason must not suppress\n{}",
        run.dump()
    );
    run.contains("needs a reason");
    let rule = repo.confgate(&["--format", "json", "check"]).json()["findings"][0]["rule"]
        .as_str()
        .unwrap()
        .to_string();
    repo.write(
        "tests/fixtures/keys.py",
        format!("# confgate: allow {rule} -- fake key for the parser tests\nKEY = \"{AWS}\"\n"),
    );
    repo.commit_all("fixture").ok();
}

#[test]
fn scan_outside_git_reports_paths_relative_to_the_directory() {
    let dir = TestRepo::bare_dir();
    dir.write(
        "svc/app/settings.py",
        format!("AWS_ACCESS_KEY_ID = \"{AWS}\"\nDEBUG = True\n"),
    );
    dir.write(
        "svc/app/http.py",
        "import requests\nr = requests.get(u, verify=False)\n",
    );
    dir.write("svc/logo.png", [0u8, 159, 146, 150]);
    let run = dir.confgate(&["--format", "json", "scan", "svc"]);
    run.code(1);
    let json = run.json();
    assert_eq!(json["mode"], "scan");
    let paths = run.paths("findings");
    assert!(paths.iter().any(|p| p == "app/settings.py"), "{paths:?}");
    assert!(paths.iter().any(|p| p == "app/http.py"), "{paths:?}");
    assert_redacted(&run.stdout, AWS);
}

/// A scan of another checkout is judged by that checkout's policy and
/// reported against its root, not by the repository the command runs in
/// (whose `secrets.ignore` would otherwise hide the other's findings).
#[test]
fn scan_of_another_checkout_uses_that_checkouts_policy() {
    let here = repo();
    here.write(".confgate.toml", "[secrets]\nignore = [\"docs/**\"]\n");
    let other = TestRepo::new();
    other.write("docs/setup.md", format!("export AWS_ACCESS_KEY_ID={AWS}\n"));
    other.seed("initial");
    let target = other.path().to_str().expect("utf-8 temp path");
    let run = here.confgate(&["--format", "json", "scan", target]);
    run.code(1);
    assert_eq!(run.paths("findings"), ["docs/setup.md"], "{}", run.dump());
    assert_redacted(&run.stdout, AWS);
    // The same file in the repository the command runs in stays ignored by
    // its own policy.
    here.write("docs/setup.md", format!("export AWS_ACCESS_KEY_ID={AWS}\n"));
    here.confgate(&["scan", "docs"]).ok();
    // Paths in two repositories at once: refused, naming the path.
    let file = format!("{target}/docs/setup.md");
    here.confgate(&["scan", "docs", &file])
        .code(2)
        .contains("scan one repository at a time");
}

#[test]
fn scan_respects_gitignore_and_groups_security_settings() {
    let repo = repo();
    repo.write(".gitignore", "build/\n");
    repo.write("build/gen.py", format!("K = \"{AWS}\"\n"));
    repo.write(
        "app/http.py",
        "import requests\nr = requests.get(u, verify=False)\n",
    );
    repo.write("app/main.py", "DEBUG = True\n");
    let run = repo.confgate(&["scan"]);
    // The summary names where movable settings belong; a call's argument
    // (`verify=False`) has nowhere to move, so it is not counted there.
    run.code(1)
        .contains("app/http.py")
        .lacks("build/gen.py")
        .contains("security settings, debug: 1 in app/main.py")
        .lacks("security settings, tls");
}

#[test]
fn baseline_accepts_legacy_findings_and_survives_moves() {
    let repo = repo();
    repo.write("legacy/old.py", format!("A = 1\nKEY = \"{AWS}\"\n"));
    repo.seed("legacy");
    repo.confgate(&["scan"]).code(1);
    repo.confgate(&["baseline"]).ok();
    let text = repo.read(".confgate-baseline.json");
    assert_redacted(&text, AWS);
    repo.confgate(&["scan"]).ok();
    // The legacy line moves: still accepted.
    repo.write(
        "legacy/old.py",
        format!("A = 1\nB = 2\n\nKEY = \"{AWS}\"\n"),
    );
    repo.confgate(&["scan"]).ok();
    // A new secret is still reported.
    repo.write("app/new.py", format!("STRIPE = \"{STRIPE}\"\n"));
    repo.confgate(&["scan"]).code(1).contains("app/new.py");
    // Fixing the legacy line makes its entry stale.
    std::fs::remove_file(repo.path().join("app/new.py")).unwrap();
    repo.write("legacy/old.py", "A = 1\n");
    repo.confgate(&["scan"]).ok().contains("no longer found");
}

#[test]
fn inline_security_setting_blocks_even_with_a_record() {
    let repo = repo();
    repo.write(
        "app/http.py",
        "import requests\n\ndef fetch(url):\n    return requests.get(\n        url,\n        verify=False,\n    )\n",
    );
    repo.write("config-changes/x.toml", RECORD);
    let run = repo.commit_all("helper");
    assert_ne!(run.code, 0, "{}", run.dump());
    // A call's argument has nowhere else to go: the fix is the rule's own.
    run.contains("app/http.py:6")
        .contains("tls-verify-disabled")
        .lacks("move it to a designated security file");

    // A setting written in unrelated code is told where it belongs.
    repo.write("app/config.py", "DEBUG = True\n");
    let run = repo.commit_all("debug");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("app/config.py:1")
        .contains("debug-mode")
        .contains("move it to a designated security file");
}

#[test]
fn designated_security_file_allows_the_setting_but_needs_a_record() {
    let repo = repo();
    repo.write(
        "app/security.py",
        "SESSION_COOKIE_SECURE = False\nCORS_ALLOW_ALL_ORIGINS = True\n",
    );
    // The insecure values are reported; a complete record (any owner while
    // security.owners is unset) accepts them.
    let run = repo.commit_all("security settings");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record").contains("cookie-not-secure");
    repo.write("config-changes/sec.toml", RECORD);
    repo.commit_all("security settings")
        .ok()
        .contains("accepted change, recorded by @payments-sre");
}

#[test]
fn safe_inline_setting_warns_and_strict_mode_blocks() {
    let repo = repo();
    repo.write("app/main.py", "SESSION_COOKIE_SECURE = True\n");
    repo.commit_all("secure cookie")
        .ok()
        .contains("warning")
        .contains("security-setting-inline");
    repo.write(".confgate.toml", "[security]\nstrict = true\n");
    repo.seed("strict");
    repo.write("app/main2.py", "SESSION_COOKIE_SECURE = True\n");
    let run = repo.commit_all("secure cookie again");
    assert_ne!(run.code, 0, "{}", run.dump());
}

#[test]
fn reading_a_setting_and_tests_stay_quiet() {
    let repo = repo();
    repo.write(
        "app/views.py",
        "from django.conf import settings\nif settings.DEBUG:\n    print('debug')\n",
    );
    repo.write(
        "tests/test_http.py",
        "import requests\nrequests.get(u, verify=False)\n",
    );
    repo.commit_all("views").ok().lacks("security-setting");
}

#[test]
fn explain_and_rules_cover_the_detectors() {
    let repo = TestRepo::new();
    let json = repo.confgate(&["rules", "--format", "json"]).json();
    let rules = json["rules"].as_array().unwrap();
    let secrets = rules.iter().filter(|r| r["kind"] == "secret").count();
    let security = rules
        .iter()
        .filter(|r| r["kind"] == "security-setting")
        .count();
    assert!(secrets >= 80, "only {secrets} secret rules");
    assert!(security >= 20, "only {security} security-setting rules");
    // Every security-setting rule names its category, in JSON and in the list.
    assert!(rules
        .iter()
        .filter(|r| r["kind"] == "security-setting")
        .all(|r| !r["category"].as_str().unwrap_or("").is_empty()));
    let listing = repo.confgate(&["rules"]);
    let debug = listing
        .stdout
        .lines()
        .find(|l| l.starts_with("debug-mode "))
        .unwrap_or_default();
    assert!(
        debug.contains("security-setting") && debug.contains(" debug "),
        "{}",
        listing.dump()
    );
}

#[test]
fn a_hard_coded_secret_key_is_reported_once() {
    let dir = TestRepo::bare_dir();
    dir.write(
        "svc/settings.py",
        "SECRET_KEY = \"django-insecure-8f2k$w9!qz@x7v#m3n5b1c0l4p6r2t8y\"\n",
    );
    let json = dir.confgate(&["--format", "json", "scan", "svc"]).json();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["kind"], "secret");
}

const JWT_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
const JWT_SIGNATURE: &str = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

#[test]
fn test_data_warns_in_tests_but_provider_tokens_still_block() {
    let repo = repo();
    repo.write(
        "tests/test_login.py",
        "def test_wrong_password(client):\n    r = client.post(\"/login\", data={\"username\": \"a@b.c\", \"password\": \"Wr0ngPassw0rd!x7Q\"})\n",
    );
    let run = repo.commit_all("login test");
    run.ok().contains("test data");
    // The same line outside a test path blocks.
    repo.write(
        "app/login.py",
        "LOGIN = {\"username\": \"a@b.c\", \"password\": \"Wr0ngPassw0rd!x7Q\"}\n",
    );
    let run = repo.commit_all("login default");
    assert_ne!(run.code, 0, "{}", run.dump());
    repo.git(&["reset", "-q", "HEAD"]).ok();
    std::fs::remove_file(repo.path().join("app/login.py")).expect("remove");
    repo.write("tests/fixtures/keys.py", format!("KEY = \"{AWS}\"\n"));
    let run = repo.commit_all("fixture key");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("aws");
}

#[test]
fn dotenv_with_public_build_vars_is_quiet_and_placeholders_only_warn() {
    let repo = repo();
    repo.write("frontend/.env", "VITE_API_URL=http://localhost:8000\n");
    repo.write("config-changes/frontend.toml", RECORD);
    repo.commit_all("frontend env").ok().lacks("env-file");
    repo.write(
        ".env",
        "DOMAIN=localhost\nFIRST_SUPERUSER_PASSWORD=changethis\nPOSTGRES_PASSWORD=changethis\nSMTP_PASSWORD=\n",
    );
    repo.write("config-changes/env.toml", RECORD);
    repo.commit_all("template env")
        .ok()
        .contains("env-file")
        .contains("only placeholders and local defaults");
    // A real value in it: blocked again.
    repo.write(
        ".env",
        "DOMAIN=localhost\nPOSTGRES_PASSWORD=Zq8vT2pLk9mWx4Rb\n",
    );
    repo.write("config-changes/env2.toml", RECORD);
    let run = repo.commit_all("real env");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("env-file");
}

#[test]
fn lock_files_and_bundles_are_read_with_provider_rules_only() {
    let repo = repo();
    let lock = "{\n  \"packages\": {\n    \"node_modules/x\": {\"token\": \"kT9vQ2mX7pL4wR8zN3bH6cJ1\"}\n  }\n}\n";
    repo.write("package-lock.json", lock);
    repo.write(
        "static/dist/app.min.js",
        "var a={apiKey:\"kT9vQ2mX7pL4wR8zN3bH6cJ1\"};\n",
    );
    repo.commit_all("lock and bundle").ok();
    repo.write(
        "static/dist/app.min.js",
        format!("var a={{k:\"{STRIPE}\"}};\n"),
    );
    let run = repo.commit_all("bundle with a live key");
    assert_ne!(run.code, 0, "{}", run.dump());
    assert_redacted(&run.stderr, STRIPE);
}

#[test]
fn expired_or_sample_jwt_is_a_note_and_a_live_one_blocks() {
    let repo = repo();
    // jwt.io's sample payload (sub 1234567890, John Doe), as in fastapi's docs.
    let sample = format!("{JWT_HEADER}.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.{JWT_SIGNATURE}");
    // exp 2018-01-18.
    let expired = format!("{JWT_HEADER}.eyJzdWIiOiI3ZjNjMmE5MS01YjFlIiwiaXNzIjoiYXV0aC5hY21lLmludGVybmFsIiwiZXhwIjoxNTE2MjM5MDIyfQ.{JWT_SIGNATURE}");
    repo.write(
        "docs/auth.md",
        format!("Send `Authorization: Bearer {sample}`.\n\nAn old one: {expired}\n"),
    );
    repo.commit_all("auth docs")
        .ok()
        .contains("not a live credential");
    // exp 2100-01-01.
    let live = format!("{JWT_HEADER}.eyJzdWIiOiI3ZjNjMmE5MS01YjFlIiwiaXNzIjoiYXV0aC5hY21lLmludGVybmFsIiwiZXhwIjo0MTAyNDQ0ODAwfQ.{JWT_SIGNATURE}");
    repo.write("app/client.py", format!("TOKEN = \"{live}\"\n"));
    let run = repo.commit_all("client token");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("jwt");
}

#[test]
fn entry_points_versions_and_compose_interpolation_pass() {
    let repo = repo();
    repo.write(
        "pyproject.toml",
        "[project.entry-points.\"dispatch.plugins\"]\ndispatch_basic_auth = \"dispatch.plugins.dispatch_core.plugin:BasicAuthProvider\"\n",
    );
    repo.write(
        "frontend/package.json",
        "{\"dependencies\": {\"@nuxtjs/auth-next\": \"5.0.0-1648802546.c9880dc\"}}\n",
    );
    repo.write(
        "compose.yml",
        "services:\n  backend:\n    environment:\n      DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD:?Variable not set}@db:5432/app\n      REDIS_PASSWORD: ${REDIS_PASSWORD:-}\n",
    );
    repo.write("config-changes/compose.toml", RECORD);
    repo.commit_all("plugins, auth module, compose").ok();
}

const DOC_KEY: &str = "b531b07ba6591bceaa281610b740bc11a62cb990b82d306d1bed33768765ebc5";

#[test]
fn documentation_samples_warn_and_their_twins_block() {
    let repo = repo();
    // The generator and its printed output come first; the value is used
    // in a later commit, whose diff does not show the generator.
    repo.write(
        "docs/config.rst",
        format!("Copy the output of this::\n\n    $ python -c 'import secrets; print(secrets.token_hex())'\n    '{DOC_KEY}'\n"),
    );
    repo.commit_all("docs: how to make a key").ok();
    let page = repo.read("docs/config.rst");
    repo.write(
        "docs/config.rst",
        format!("{page}\nAn example configuration file::\n\n    SECRET_KEY = '{DOC_KEY}'\n"),
    );
    let run = repo.commit_all("docs: example config");
    run.ok()
        .contains("documentation sample")
        .contains("secrets.token_hex()");
    assert_redacted(&run.dump(), DOC_KEY);
    // fastapi's docs_src/ (under security/ there, which is a designated
    // security file by default): a comment right above names the generator.
    repo.write(
        "docs_src/jwt/tutorial004.py",
        format!("# to get a string like this run:\n# openssl rand -hex 32\nSECRET_KEY = \"{DOC_KEY}\"\n"),
    );
    repo.commit_all("tutorial")
        .ok()
        .contains("openssl rand -hex 32");
    // The same lines in the service block: a copied tutorial key is known.
    repo.write(
        "app/security.py",
        format!("# to get a string like this run:\n# openssl rand -hex 32\nSECRET_KEY = \"{DOC_KEY}\"\n"),
    );
    let run = repo.commit_all("copy the tutorial");
    assert_eq!(run.code, 1, "{}", run.dump());
    repo.git(&["reset", "-q", "HEAD"]).ok();
    std::fs::remove_file(repo.path().join("app/security.py")).expect("remove");
    // A provider token in docs blocks, whatever the comment above says.
    repo.write(
        "docs/aws.md",
        format!("```python\n# to get a string like this run:\n# openssl rand -hex 32\nAWS_ACCESS_KEY_ID = \"{AWS}\"\n```\n"),
    );
    let run = repo.commit_all("docs: aws");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("aws");
}

#[test]
fn development_container_defaults_warn_but_ci_and_data_env_block() {
    let repo = repo();
    let line = "export APP_ENCRYPTION_KEY=\"Tq7WmZ2kLx9RvB\"\n";
    repo.write(".devcontainer/postCreateCommand.sh", line);
    repo.commit_all("dev container setup")
        .ok()
        .contains("development default");
    // A CI workflow's env literal is not development infrastructure.
    repo.write(
        ".github/workflows/e2e.yml",
        "name: e2e\non: push\nenv:\n  APP_ENCRYPTION_KEY: Tq7WmZ2kLx9RvB\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make e2e\n",
    );
    let run = repo.commit_all("e2e workflow");
    assert_eq!(run.code, 1, "{}", run.dump());
    repo.git(&["reset", "-q", "HEAD"]).ok();
    std::fs::remove_dir_all(repo.path().join(".github")).expect("remove");
    // Nor is a script outside .devcontainer/.
    repo.write("scripts/dev.sh", line);
    let run = repo.commit_all("dev script");
    assert_eq!(run.code, 1, "{}", run.dump());
    repo.git(&["reset", "-q", "HEAD"]).ok();
    std::fs::remove_dir_all(repo.path().join("scripts")).expect("remove");
    // A provider token in the development container still blocks.
    repo.write(
        ".devcontainer/postCreateCommand.sh",
        format!("{line}export AWS_ACCESS_KEY_ID=\"{AWS}\"\n"),
    );
    let run = repo.commit_all("dev container aws");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("aws");
}

/// A framework `SECRET_KEY` in test settings is test data, like any other
/// key-name secret there: a warning. The same line in the service's
/// settings blocks, and a provider token in test settings still blocks.
#[test]
fn a_framework_secret_key_in_test_settings_warns_and_blocks_in_the_service() {
    let repo = repo();
    let line = "SECRET_KEY = \"q8Zr2LwX5nVb7TkPm3Hs9DfJc4Ga6Ye1\"\n";
    repo.write("tests/settings.py", line);
    repo.commit_all("test settings")
        .ok()
        .contains("framework-secret-key")
        .contains("test data");
    repo.write("app/settings.py", line);
    let run = repo.commit_all("service settings");
    assert_eq!(run.code, 1, "{}", run.dump());
    run.contains("framework-secret-key");
    repo.git(&["reset", "-q", "HEAD"]).ok();
    std::fs::remove_file(repo.path().join("app/settings.py")).expect("remove");
    repo.write(
        "tests/settings.py",
        format!("{line}AWS_ACCESS_KEY_ID = \"{AWS}\"\n"),
    );
    let run = repo.commit_all("test settings with a provider token");
    assert_eq!(run.code, 1, "{}", run.dump());
}
