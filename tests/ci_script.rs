//! scripts/ci-check.sh, the shell of action.yml and of the GitLab CI
//! example, run locally with the CI variables set by hand.

use std::path::Path;

use crate::common::{Run, TestRepo};

const SECRET: &str = "sk_live_51Hx9ZqLkT2mW8vN4rP6sY3bC7dF0gJ5hK";

fn script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts/ci-check.sh")
        .display()
        .to_string()
}

/// A repository with a clean base commit and a "pull request" of two
/// commits on top, the first adding a secret.
fn pull_request() -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("base");
    let base = repo.head();
    repo.write("app/keys.py", format!("STRIPE_KEY = \"{SECRET}\"\n"));
    repo.seed("add key");
    repo.write("app/main.py", "print('hello')\n");
    repo.seed("greet");
    (repo, base)
}

fn out_file(repo: &TestRepo, name: &str) -> String {
    repo.path().join(".git").join(name).display().to_string()
}

fn run(repo: &TestRepo, env: &[(&str, &str)]) -> Run {
    repo.run_env("sh", &[&script()], env)
}

#[test]
fn a_pull_request_with_a_secret_fails_with_a_summary_and_sarif() {
    let (repo, base) = pull_request();
    let head = repo.head();
    let event = out_file(&repo, "event.json");
    std::fs::write(
        &event,
        format!("{{\"pull_request\": {{\"base\": {{\"sha\": \"{base}\"}}, \"number\": 7}}}}"),
    )
    .unwrap();
    let summary = out_file(&repo, "summary.md");
    let sarif = out_file(&repo, "confgate.sarif");
    let run = run(
        &repo,
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", &event),
            ("GITHUB_SHA", &head),
            ("GITHUB_STEP_SUMMARY", &summary),
            ("CONFGATE_SARIF", &sarif),
        ],
    );
    run.code(1)
        .contains(&format!("checking the commits {base}..{head}"))
        .contains("app/keys.py:1")
        .lacks(&SECRET[4..]);
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.starts_with("## confgate\n"), "{summary}");
    assert!(summary.contains("**blocked**"), "{summary}");
    assert!(summary.contains("app/keys.py:1"), "{summary}");
    assert!(!summary.contains(&SECRET[4..]), "{summary}");
    assert!(!summary.contains('\u{1b}'), "no colour codes: {summary}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif.to_string().contains("app/keys.py"),
        "SARIF names the file: {sarif}"
    );
}

#[test]
fn a_clean_push_passes_and_says_so_in_the_summary() {
    let (repo, _) = pull_request();
    let before = repo.head();
    repo.write("app/main.py", "print('bye')\n");
    repo.seed("wave");
    let head = repo.head();
    let event = out_file(&repo, "push.json");
    std::fs::write(
        &event,
        format!("{{\"before\": \"{before}\", \"after\": \"{head}\"}}"),
    )
    .unwrap();
    let summary = out_file(&repo, "summary.md");
    run(
        &repo,
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", &event),
            ("GITHUB_SHA", &head),
            ("GITHUB_STEP_SUMMARY", &summary),
        ],
    )
    .ok()
    .contains(&format!("checking the commits {before}..{head}"));
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.contains("passed: nothing blocking"), "{summary}");
}

#[test]
fn a_gitlab_merge_request_uses_the_same_script() {
    let (repo, base) = pull_request();
    let head = repo.head();
    let json = out_file(&repo, "confgate.json");
    run(
        &repo,
        &[
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base),
            ("CI_COMMIT_SHA", &head),
            ("CONFGATE_JSON", &json),
        ],
    )
    .code(1)
    .contains("app/keys.py:1");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["blocked"], true);
}

#[test]
fn no_range_to_check_is_an_error_not_a_pass() {
    let (repo, _) = pull_request();
    run(&repo, &[("GITHUB_EVENT_NAME", "workflow_dispatch")])
        .code(2)
        .contains("cannot tell which commits to check");
    run(&repo, &[("CONFGATE_BASE", "no-such-rev")])
        .code(2)
        .contains("no-such-rev");
}
