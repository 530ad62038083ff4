//! `confgate baseline --import .secrets.baseline`: what a team accepted in
//! detect-secrets stays accepted, what it audited as real stays reported.
//! The baseline is written from detect-secrets' documented format (results
//! by file, SHA-1 `hashed_secret`, `line_number`, `is_secret`).

use crate::common::TestRepo;
use confgate::detect::detect_secrets::sha1_hex;

const PASSWORD: &str = "Zt4rQ9vLm2Xw8Kp3Nc7B";
const TOKEN: &str = "Hq7Wm3Xv9Lr2Tk8Pz4Nd";
const AWS: &str = "AKIAZ4QW7RT2LMNBXP3C";
const OTHER: &str = "Bv8Kp2Xq7Lm4Wz9Rt3Nc";

fn entry(file: &str, secret: &str, line: u32, audit: &str) -> String {
    format!(
        r#"{{"type": "Secret Keyword", "filename": "{file}", "hashed_secret": "{}", "is_verified": false, "line_number": {line}{audit}}}"#,
        sha1_hex(secret.as_bytes())
    )
}

fn project() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "app/settings.py",
        format!("# settings\nPORT = 8000\nDB_PASSWORD = \"{PASSWORD}\"\n"),
    );
    repo.write("app/worker.py", format!("API_TOKEN = \"{TOKEN}\"\n"));
    repo.write("app/keys.py", format!("AWS_ACCESS_KEY_ID = \"{AWS}\"\n"));
    repo.write("app/other.py", format!("SECRET_TOKEN = \"{OTHER}\"\n"));
    // Audited false positive recorded two lines higher (the file moved on:
    // the hash finds it); never audited, hashed as detect-secrets'
    // extraction with quotes (the line finds it); audited real.
    let results = [
        format!(
            "\"app/settings.py\": [{}]",
            entry("app/settings.py", PASSWORD, 1, ", \"is_secret\": false")
        ),
        format!(
            "\"app/worker.py\": [{}]",
            entry("app/worker.py", &format!("\"{TOKEN}\""), 1, "")
        ),
        format!(
            "\"app/keys.py\": [{}]",
            entry("app/keys.py", AWS, 1, ", \"is_secret\": true")
        ),
    ];
    repo.write(
        ".secrets.baseline",
        format!(
            "{{\n  \"version\": \"1.5.0\",\n  \"plugins_used\": [{{\"name\": \"KeywordDetector\"}}],\n  \"filters_used\": [],\n  \"results\": {{\n    {}\n  }},\n  \"generated_at\": \"2024-05-02T10:00:00Z\"\n}}\n",
            results.join(",\n    ")
        ),
    );
    repo.seed("initial");
    repo
}

#[test]
fn accepted_entries_become_baseline_entries_and_real_secrets_stay_reported() {
    let repo = project();
    repo.confgate(&["scan"])
        .code(1)
        .contains("app/settings.py")
        .contains("app/worker.py");
    repo.confgate(&["baseline", "--import", ".secrets.baseline"])
        .ok()
        .contains("imported 2 findings")
        .contains("1 audited as false positives")
        .contains("1 never audited")
        .contains("1 audited as real secrets stay reported");
    let written = repo.read(".confgate-baseline.json");
    for secret in [PASSWORD, TOKEN, AWS, OTHER] {
        assert!(!written.contains(secret), "{written}");
    }
    repo.confgate(&["scan"])
        .code(1)
        .contains("app/keys.py")
        .contains("app/other.py")
        .lacks("app/settings.py")
        .lacks("app/worker.py")
        .lacks(AWS);
    // Committed, the baseline judges the hooks too: a commit that rewrites
    // the accepted line passes.
    repo.seed("baseline");
    repo.install();
    repo.write(
        "app/worker.py",
        format!("API_TOKEN = \"{TOKEN}\"  # legacy, rotated by the vault job\n"),
    );
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["check", "--staged"]).ok();
}

#[test]
fn an_existing_confgate_baseline_keeps_its_entries() {
    let repo = project();
    repo.confgate(&["baseline", "app/other.py"]).ok();
    repo.confgate(&["baseline", "--import", ".secrets.baseline"])
        .ok();
    repo.confgate(&["scan"])
        .code(1)
        .contains("app/keys.py")
        .lacks("app/other.py")
        .lacks("app/settings.py");
}

#[test]
fn a_broken_or_foreign_baseline_is_an_error_naming_the_file() {
    let repo = project();
    for (text, wanted) in [
        (
            "{\"version\": \"1.4.0\", \"results\": {",
            "not a detect-secrets baseline",
        ),
        (
            "{\"version\": \"3.0.0\", \"results\": {}}",
            "version \"3.0.0\"",
        ),
        (
            "{\"version\": 1, \"findings\": []}",
            "not a detect-secrets baseline",
        ),
    ] {
        repo.write("ds.baseline", text);
        repo.confgate(&["baseline", "--import", "ds.baseline"])
            .code(2)
            .contains("ds.baseline")
            .contains(wanted);
    }
    repo.confgate(&["baseline", "--import", "missing.baseline"])
        .code(2)
        .contains("missing.baseline");
    assert!(!repo.path().join(".confgate-baseline.json").exists());
}
