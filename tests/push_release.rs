//! The backstops: real `git push` to a local bare remote with the hooks
//! installed, `check --range`, `log`, and the release gate.

use crate::common::{TestRepo, TRAILERS};

const SECRET: &str = "sk_live_51Hx9ZqLkT2mW8vN4rP6sY3bC7dF0gJ5hK";

/// A repository with a bare remote `origin` holding `main`, hooks installed.
fn pushed_repo() -> (TestRepo, TestRepo) {
    let remote = TestRepo::bare_dir();
    remote
        .git(&["init", "-q", "--bare", "-b", "main", "."])
        .ok();
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    repo.seed("initial");
    let url = remote.path().to_str().unwrap().to_string();
    repo.git(&["remote", "add", "origin", &url]).ok();
    repo.git(&["push", "-q", "origin", "main"]).ok();
    repo.install();
    (repo, remote)
}

fn remote_head(remote: &TestRepo, branch: &str) -> String {
    remote.git(&["rev-parse", branch]).stdout.trim().to_string()
}

#[test]
fn push_of_unrecorded_config_change_is_blocked_and_names_the_commit() {
    let (repo, remote) = pushed_repo();
    repo.write("config/service.toml", "[server]\nworkers = 9\n");
    repo.seed("bump workers quietly");
    let before = remote_head(&remote, "main");
    let run = repo.git(&["push", "origin", "main"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    let short = &repo.head()[..7];
    run.contains(short)
        .contains("bump workers quietly")
        .contains("missing-record");
    assert_eq!(remote_head(&remote, "main"), before);
}

#[test]
fn push_of_recorded_changes_goes_through() {
    let (repo, remote) = pushed_repo();
    repo.write("config/service.toml", "[server]\nworkers = 9\n");
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "-m", &format!("workers\n\n{TRAILERS}")])
        .ok();
    repo.git(&["push", "-q", "origin", "main"]).ok();
    assert_eq!(remote_head(&remote, "main"), repo.head());
}

#[test]
fn secret_added_then_removed_still_blocks_the_push() {
    let (repo, _remote) = pushed_repo();
    repo.write("app/pay.py", format!("KEY = \"{SECRET}\"\n"));
    repo.seed("add key");
    repo.write("app/pay.py", "import os\nKEY = os.environ['KEY']\n");
    repo.seed("remove key");
    let run = repo.git(&["push", "origin", "main"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("add key").lacks(SECRET);
}

#[test]
fn every_ref_of_a_push_is_checked() {
    let (repo, _remote) = pushed_repo();
    repo.git(&["checkout", "-q", "-b", "feature"]).ok();
    repo.write("config/service.toml", "[server]\nworkers = 3\n");
    repo.seed("feature config");
    repo.git(&["checkout", "-q", "main"]).ok();
    repo.write("app/main.py", "print('main')\n");
    repo.seed("main code");
    let run = repo.git(&["push", "origin", "main", "feature"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("feature config");
}

#[test]
fn new_branch_checks_only_commits_the_remote_lacks() {
    let (repo, remote) = pushed_repo();
    // The unrecorded initial config is already on the remote: a new branch
    // at the same commit adds nothing to check.
    repo.git(&["branch", "copy"]).ok();
    repo.git(&["push", "-q", "origin", "copy"]).ok();
    assert_eq!(remote_head(&remote, "copy"), repo.head());
}

#[test]
fn deleting_a_remote_branch_checks_nothing() {
    let (repo, _remote) = pushed_repo();
    repo.git(&["branch", "gone"]).ok();
    repo.git(&["push", "-q", "origin", "gone"]).ok();
    repo.git(&["push", "-q", "origin", "--delete", "gone"]).ok();
}

#[test]
fn force_push_checks_the_new_commits() {
    let (repo, _remote) = pushed_repo();
    repo.write("app/main.py", "print('v2')\n");
    repo.seed("v2");
    repo.git(&["push", "-q", "origin", "main"]).ok();
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]).ok();
    repo.write("config/service.toml", "[server]\nworkers = 4\n");
    repo.seed("rewrite");
    let run = repo.git(&["push", "--force", "origin", "main"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("rewrite");
}

#[test]
fn pushing_a_tag_checks_its_commits() {
    let (repo, _remote) = pushed_repo();
    repo.write("app/pay.py", format!("KEY = \"{SECRET}\"\n"));
    repo.seed("tagged secret");
    repo.git(&["tag", "-a", "v9", "-m", "v9"]).ok();
    let run = repo.git(&["push", "origin", "v9"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("tagged secret");
}

#[test]
fn merge_reports_only_what_the_merge_introduced() {
    let (repo, _remote) = pushed_repo();
    repo.git(&["checkout", "-q", "-b", "feature"]).ok();
    repo.write("config/service.toml", "[server]\nworkers = 3\n");
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "-m", &format!("feature\n\n{TRAILERS}")])
        .ok();
    repo.git(&["checkout", "-q", "main"]).ok();
    repo.write("app/main.py", "print('main')\n");
    repo.seed("main work");
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge feature", "feature"])
        .ok();
    repo.git(&["push", "-q", "origin", "main"]).ok();
}

/// A merge is judged by what it changes against every parent: secrets each
/// side brought in are their own commits' findings, not the merge's; a
/// line the merge itself adds to a file that differs from both parents is.
#[test]
fn a_merge_is_judged_only_by_the_files_and_lines_it_changes_against_every_parent() {
    let repo = TestRepo::new();
    repo.merge_with_a_line_of_its_own(SECRET);
    repo.git(&["commit", "-q", "-m", "merge feature"]).ok();

    let run = repo.confgate(&["--format", "json", "check", "--commit", "HEAD"]);
    run.code(1);
    let json = run.json();
    let places: Vec<(String, u64)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        places,
        vec![("app/main.py".to_string(), 3)],
        "{}",
        run.dump()
    );
    // Each side's own commit still answers for its secret.
    repo.confgate(&["check", "--commit", "HEAD^2"])
        .code(1)
        .contains("app/feature.py");
    repo.confgate(&["check", "--commit", "HEAD^1"])
        .code(1)
        .contains("app/other.py");
}

#[test]
fn pre_push_protocol_edge_cases() {
    let (repo, _remote) = pushed_repo();
    // Empty stdin: nothing to push.
    repo.confgate_stdin(&["hook", "pre-push", "origin", "x"], "")
        .ok();
    // A deletion line.
    let zero = "0".repeat(40);
    let head = repo.head();
    repo.confgate_stdin(
        &["hook", "pre-push", "origin", "x"],
        &format!("(delete) {zero} refs/heads/old {head}\n"),
    )
    .ok();
    // Garbage is an error, not a pass.
    repo.confgate_stdin(&["hook", "pre-push", "origin", "x"], "what is this\n")
        .code(2);
    repo.confgate_stdin(
        &["hook", "pre-push", "origin", "x"],
        &format!(
            "refs/heads/main {} refs/heads/main {zero}\n",
            "0".repeat(64)
        ),
    )
    .ok();
}

#[test]
fn check_range_in_ci() {
    let (repo, _remote) = pushed_repo();
    let base = repo.head();
    repo.write("config/service.toml", "[server]\nworkers = 5\n");
    repo.seed("unrecorded");
    let run = repo.confgate(&[
        "--format",
        "json",
        "check",
        "--range",
        &format!("{base}..HEAD"),
    ]);
    run.code(1);
    let json = run.json();
    assert_eq!(json["findings"][0]["commit"], repo.head());
    repo.confgate(&["check", "--commit", &base]).code(1);
    repo.confgate(&["check", "--range", &format!("HEAD..{base}")])
        .ok();
}

#[test]
fn shallow_clone_without_the_base_says_to_fetch_more() {
    let (repo, remote) = pushed_repo();
    let first = repo.head();
    for n in 0..3 {
        repo.write("app/main.py", format!("print({n})\n"));
        repo.seed(&format!("c{n}"));
    }
    repo.git(&["push", "-q", "--no-verify", "origin", "main"])
        .ok();
    let clone = TestRepo::bare_dir();
    let url = format!("file://{}", remote.path().display());
    clone.git(&["clone", "-q", "--depth", "1", &url, "c"]).ok();
    let dir = clone.path().join("c");
    let run = clone.confgate_in(&dir, &["check", "--range", &format!("{first}..HEAD")]);
    run.code(2).contains("fetch");
}

fn release_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "config/staging.toml",
        "[db]\nhost = \"db.staging\"\npool = 5\n",
    );
    repo.write(
        "config/production.toml",
        "[db]\nhost = \"db.prod\"\npool = 20\n",
    );
    repo.write(
        ".confgate.toml",
        "[environments]\nstaging = \"config/staging.toml\"\nproduction = \"config/production.toml\"\n\n[release]\nchecklist = [{ name = \"lint\", run = \"true\" }, { name = \"unit tests\", run = \"test -f app/main.py\" }]\n",
    );
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("initial");
    repo.git(&["tag", "-a", "v1.0.0", "-m", "v1.0.0"]).ok();
    repo
}

#[test]
fn release_flow_tag_change_drift_failure_tag_again() {
    let repo = release_repo();
    // A recorded change since v1.0.0.
    repo.write(
        "config/production.toml",
        "[db]\nhost = \"db.prod\"\npool = 30\n",
    );
    repo.write(
        "config/staging.toml",
        "[db]\nhost = \"db.staging\"\npool = 30\n",
    );
    repo.write(
        "config-changes/pool.toml",
        "owner = \"@db-team\"\nexpected = \"connection waits from 40 ms to below 5 ms\"\nrollback = \"revert; pool back to 20\"\nverify = \"curl -fsS http://svc/health/db\"\n",
    );
    repo.seed("bigger pool");
    let run = repo.confgate(&["release-check", "--tag", "v1.1.0"]);
    run.ok()
        .contains("bigger pool")
        .contains("@db-team")
        .contains("lint: ok");
    let message = repo.git(&["tag", "-l", "--format=%(contents)", "v1.1.0"]);
    message
        .contains("db.pool 20 → 30")
        .contains("owner:    @db-team")
        .contains("verify:   curl -fsS http://svc/health/db")
        .contains("unit tests: ok");
    // The tag exists now: tagging again is refused.
    repo.confgate(&["release-check", "--tag", "v1.1.0"])
        .code(2)
        .contains("already exists");

    // Drift: production gains a key staging lacks.
    repo.write(
        "config/production.toml",
        "[db]\nhost = \"db.prod\"\npool = 30\nreplica = \"db-ro.prod\"\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("replica\n\n{TRAILERS}"),
    ])
    .ok();
    let run = repo.confgate(&["release-check", "--tag", "v1.2.0"]);
    run.code(1).contains("config-drift").contains("db.replica");
    assert!(repo.git(&["tag", "-l", "v1.2.0"]).stdout.trim().is_empty());

    // Fix the drift, then break a checklist step.
    repo.write(
        "config/staging.toml",
        "[db]\nhost = \"db.staging\"\npool = 30\nreplica = \"db-ro.staging\"\n",
    );
    repo.git(&["rm", "-q", "app/main.py"]).ok();
    repo.git(&["add", "-A"]).ok();
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("staging replica\n\n{TRAILERS}"),
    ])
    .ok();
    let run = repo.confgate(&["release-check", "--tag", "v1.2.0"]);
    run.code(1).contains("unit tests: FAILED");
    // The last line states the outcome, never a pass.
    let last = run.stdout.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.contains("blocked") && last.contains("unit tests") && !last.contains('✔'),
        "{}",
        run.dump()
    );
    assert_eq!(
        repo.confgate(&["--format", "json", "release-check"]).json()["blocked"],
        true
    );
    assert!(repo.git(&["tag", "-l", "v1.2.0"]).stdout.trim().is_empty());

    // Repair and tag again.
    repo.write("app/main.py", "print('back')\n");
    repo.seed("restore main");
    repo.confgate(&["release-check", "--tag", "v1.2.0"]).ok();
    assert_eq!(repo.git(&["tag", "-l", "v1.2.0"]).stdout.trim(), "v1.2.0");
}

#[test]
fn release_check_refuses_a_dirty_tree_and_dry_run_creates_nothing() {
    let repo = release_repo();
    repo.write("app/main.py", "print('dirty')\n");
    repo.confgate(&["release-check", "--tag", "v2"])
        .code(2)
        .contains("uncommitted");
    repo.git(&["checkout", "-q", "--", "app/main.py"]).ok();
    repo.confgate(&["release-check", "--tag", "v2", "--dry-run"])
        .ok()
        .contains("would create tag v2")
        .contains("would run");
    assert!(repo.git(&["tag", "-l", "v2"]).stdout.trim().is_empty());
}

#[test]
fn placeholder_in_an_environment_config_blocks() {
    let repo = release_repo();
    repo.write(
        "config/production.toml",
        "[db]\nhost = \"TODO\"\npool = 20\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("todo\n\n{TRAILERS}"),
    ])
    .ok();
    repo.confgate(&["release-check"])
        .code(1)
        .contains("db.host is a placeholder");
}

#[test]
fn release_tag_script_runs_the_gate() {
    let repo = release_repo();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/release-tag");
    let run = repo.git(&["-c", "alias.x=!true", "x"]);
    run.ok();
    let output = std::process::Command::new("sh")
        .arg(&script)
        .arg("v1.0.1")
        .current_dir(repo.path())
        .env("CONFGATE_BIN", crate::common::bin())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(repo.git(&["tag", "-l", "v1.0.1"]).stdout.trim(), "v1.0.1");
}

/// A service repository gets the release script from `confgate install`,
/// with the binary's path recorded: no copy of confgate's `hooks/` needed.
#[test]
fn installed_release_tag_script_runs_the_gate() {
    let repo = release_repo();
    repo.confgate(&["install", "--hook", "release-tag"])
        .ok()
        .contains("release-tag");
    let hooks = repo.git(&["rev-parse", "--git-path", "hooks"]).stdout;
    let script = repo.path().join(hooks.trim()).join("release-tag");
    assert!(script.is_file(), "{} not written", script.display());
    for name in ["pre-commit", "commit-msg", "pre-push"] {
        assert!(
            !script.with_file_name(name).exists(),
            "only the named script is installed, not {name}"
        );
    }
    let output = std::process::Command::new(&script)
        .arg("v1.0.1")
        .current_dir(repo.path())
        .env("PATH", "/usr/bin:/bin")
        .env_remove("CONFGATE_BIN")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(repo.git(&["tag", "-l", "v1.0.1"]).stdout.trim(), "v1.0.1");

    repo.confgate(&["uninstall"]).ok();
    assert!(!script.exists(), "uninstall removes the release script too");
}

#[test]
fn log_lists_each_change_with_its_record() {
    let repo = release_repo();
    repo.write(
        "config/production.toml",
        "[db]\nhost = \"db.prod\"\npool = 25\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        &format!("pool 25\n\n{TRAILERS}"),
    ])
    .ok();
    repo.confgate(&["log"])
        .ok()
        .contains("pool 25")
        .contains("db.pool 20 → 25")
        .contains("@payments-sre")
        .contains("rollback: revert; set cache.ttl back to 60");
    let json = repo
        .confgate(&["--format", "json", "log", "--since", "v1.0.0"])
        .json();
    assert_eq!(
        json["config_changes"][0]["record"]["owner"],
        "@payments-sre"
    );
}
