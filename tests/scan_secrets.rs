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
    repo.write(".env", "DEBUG_TOOLBAR=0\n");
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

#[test]
fn scan_respects_gitignore_and_groups_security_settings() {
    let repo = repo();
    repo.write(".gitignore", "build/\n");
    repo.write("build/gen.py", format!("K = \"{AWS}\"\n"));
    repo.write(
        "app/http.py",
        "import requests\nr = requests.get(u, verify=False)\n",
    );
    let run = repo.confgate(&["scan"]);
    run.code(1)
        .contains("app/http.py")
        .lacks("build/gen.py")
        .contains("security settings,");
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
