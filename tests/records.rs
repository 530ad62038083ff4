//! Change-record semantics through the real binary: squash merges, reverts,
//! examples built from the change, and where each hook speaks.

mod common;

use common::{TestRepo, TRAILERS};

/// A repository with a bare remote `origin` holding `main`, hooks installed.
fn pushed_repo() -> (TestRepo, TestRepo) {
    let remote = TestRepo::bare_dir();
    remote
        .git(&["init", "-q", "--bare", "-b", "main", "."])
        .ok();
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 2\ntimeout = 30\n",
    );
    repo.seed("initial");
    let url = remote.path().to_str().unwrap().to_string();
    repo.git(&["remote", "add", "origin", &url]).ok();
    repo.git(&["push", "-q", "origin", "main"]).ok();
    repo.install();
    (repo, remote)
}

fn remote_head(remote: &TestRepo) -> String {
    remote.git(&["rev-parse", "main"]).stdout.trim().to_string()
}

/// `git commit --no-verify -F -` with `message`, for shapes a hosting
/// service writes on the server side.
fn commit_as_server(repo: &TestRepo, message: &str) {
    repo.git(&["add", "-A"]).ok();
    repo.git_stdin(&["commit", "-q", "--no-verify", "-F", "-"], message)
        .ok();
}

const GITHUB_SQUASH: &str = "Raise workers for the search rush (#42)

* Raise workers

Config-Owner: @payments-sre
Expected-Result: queue wait from 900 ms to below 100 ms within 1 h
Rollback: revert; set server.workers back to 2

* Fix typo in the comment

---------

Co-authored-by: Dana Doe <dana@example.com>
Co-authored-by: Sam Roe <sam@example.com>
";

const GITLAB_SQUASH: &str = "Resolve \"Search queue is slow\"

* Raise workers

The queue backs up under load.
Config-Owner: @payments-sre
Expected-Result: queue wait from 900 ms to below 100 ms within 1 h
Rollback: revert; set server.workers back to 2

* Update the runbook

Co-authored-by: Dana Doe <dana@example.com>
";

/// Every place a landed commit is judged passes a recorded squash: check
/// --commit, check --range, release-check, and pre-push.
fn assert_squash_passes_everywhere(repo: &TestRepo, remote: &TestRepo) {
    repo.confgate(&["check", "--commit", "HEAD"])
        .ok()
        .lacks("missing-record");
    repo.confgate(&["check", "--range", "origin/main..HEAD"])
        .ok()
        .lacks("missing-record");
    repo.confgate(&["release-check", "--since", "origin/main", "--dry-run"])
        .ok()
        .lacks("missing-record");
    repo.git(&["push", "-q", "origin", "main"]).ok();
    assert_eq!(remote_head(remote), repo.head());
}

#[test]
fn github_squash_merge_keeps_its_record() {
    let (repo, remote) = pushed_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    commit_as_server(&repo, GITHUB_SQUASH);
    assert_squash_passes_everywhere(&repo, &remote);
    let log = repo.confgate(&["log"]);
    log.ok().contains("owner:    @payments-sre");
}

#[test]
fn gitlab_squash_keeps_its_record() {
    let (repo, remote) = pushed_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    commit_as_server(&repo, GITLAB_SQUASH);
    assert_squash_passes_everywhere(&repo, &remote);
}

#[test]
fn git_merge_squash_keeps_the_squashed_record() {
    let (repo, remote) = pushed_repo();
    repo.git(&["checkout", "-q", "-b", "feature"]).ok();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.git(&[
        "commit",
        "-q",
        "-m",
        &format!("Raise workers\n\n{TRAILERS}"),
    ])
    .ok();
    repo.write("app/main.py", "print('hello')\n");
    repo.git(&["commit", "-q", "-am", "Say hello"]).ok();
    repo.git(&["checkout", "-q", "main"]).ok();
    repo.git(&["merge", "-q", "--squash", "feature"]).ok();
    // The hooks are installed: commit-msg judges the SQUASH_MSG message.
    repo.git(&["commit", "-q", "--no-edit"]).ok();
    let message = repo.git(&["log", "-1", "--format=%B"]).stdout;
    assert!(
        message.starts_with("Squashed commit of the following:")
            && message.contains("    Config-Owner: @payments-sre"),
        "git wrote another shape:\n{message}"
    );
    assert_squash_passes_everywhere(&repo, &remote);
}

#[test]
fn squash_with_the_fields_in_two_blocks_is_not_a_record() {
    let (repo, remote) = pushed_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    commit_as_server(
        &repo,
        "Search tuning (#43)

* Raise workers

Config-Owner: @payments-sre
Expected-Result: queue wait from 900 ms to below 100 ms within 1 h

* Note the rollback

Rollback: revert; set server.workers back to 2

---------

Co-authored-by: Dana Doe <dana@example.com>
",
    );
    repo.confgate(&["check", "--commit", "HEAD"])
        .code(1)
        .contains("incomplete-record")
        .contains("`Rollback:` is missing")
        .contains("`Config-Owner:` is missing");
    let before = remote_head(&remote);
    let push = repo.git(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "{}", push.dump());
    assert_eq!(remote_head(&remote), before);
}

#[test]
fn ordinary_message_with_the_record_in_a_middle_paragraph_is_not_recorded() {
    let (repo, _remote) = pushed_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    commit_as_server(
        &repo,
        &format!("Raise workers\n\n{TRAILERS}\n\nThe queue backs up under load.\n"),
    );
    repo.confgate(&["check", "--commit", "HEAD"])
        .code(1)
        .contains("missing-record");
}
