//! Change-record semantics through the real binary: squash merges, reverts,
//! examples built from the change, and where each hook speaks.

use crate::common::{TestRepo, TRAILERS};

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

/// A pushed repository whose last commit is a recorded config change;
/// returns its short id.
fn recorded_change_pushed() -> (TestRepo, TestRepo, String) {
    let (repo, remote) = pushed_repo();
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
    repo.git(&["push", "-q", "origin", "main"]).ok();
    let short = repo
        .git(&["rev-parse", "--short=7", "HEAD"])
        .stdout
        .trim()
        .to_string();
    (repo, remote, short)
}

#[test]
fn revert_of_a_recorded_change_is_covered_by_its_record() {
    let (repo, remote, reverted) = recorded_change_pushed();
    repo.git(&["revert", "--no-edit", "HEAD"]).ok();
    assert_eq!(
        repo.read("config/service.toml"),
        "[server]\nworkers = 2\ntimeout = 30\n"
    );
    let note = format!("rollback of {reverted}, recorded by @payments-sre");
    let push = repo.git(&["push", "origin", "main"]);
    push.ok().contains(&note);
    assert_eq!(remote_head(&remote), repo.head());
    repo.confgate(&["check", "--range", "HEAD~1..HEAD"])
        .ok()
        .contains(&note);
    repo.confgate(&["release-check", "--since", "HEAD~1", "--dry-run"])
        .ok()
        .contains(&note);
    repo.confgate(&["log", "--since", "HEAD~1"])
        .ok()
        .contains(&format!("    {note}"))
        .contains("owner:    @payments-sre");
    let json = repo.confgate(&["check", "--commit", "HEAD", "--format", "json"]);
    let change = &json.ok().json()["config_changes"][0];
    assert_eq!(change["rollback_of"], reverted.as_str());
    assert_eq!(change["record"]["owner"], "@payments-sre");
}

#[test]
fn revert_that_does_more_than_undo_needs_its_own_record() {
    let (repo, remote, _) = recorded_change_pushed();
    repo.git(&["revert", "--no-commit", "HEAD"]).ok();
    // Beyond the undo: a timeout change nobody recorded.
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 2\ntimeout = 5\n",
    );
    repo.git(&["add", "-A"]).ok();
    let commit = repo.git(&["commit", "--no-edit"]);
    assert_ne!(commit.code, 0, "{}", commit.dump());
    commit
        .contains("missing-record")
        .contains("server.timeout 30 → 5");
    repo.git(&["commit", "-q", "--no-verify", "--no-edit"]).ok();
    let before = remote_head(&remote);
    let push = repo.git(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "{}", push.dump());
    push.contains("missing-record").lacks("rollback of");
    assert_eq!(remote_head(&remote), before);
}

#[test]
fn revert_that_also_touches_another_config_file_needs_a_record_for_it() {
    let (repo, remote, reverted) = recorded_change_pushed();
    repo.git(&["revert", "--no-commit", "HEAD"]).ok();
    repo.write("config/cache.toml", "[cache]\nttl = 300\n");
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "--no-verify", "--no-edit"]).ok();
    let push = repo.git(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "{}", push.dump());
    push.contains(&format!("config/service.toml: rollback of {reverted}"))
        .contains("config/cache.toml")
        .contains("missing-record");
    let json = repo.confgate(&["check", "--commit", "HEAD", "--format", "json"]);
    let paths = json.code(1).paths("findings");
    assert_eq!(paths, vec!["config/cache.toml".to_string()]);
    assert_ne!(remote_head(&remote), repo.head());
}

#[test]
fn revert_of_an_unrecorded_change_is_not_covered() {
    let (repo, remote) = pushed_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    repo.seed("Raise workers quietly");
    // git runs no commit hook for `git revert`: the push is where it is judged.
    repo.git(&["revert", "--no-edit", "HEAD"]).ok();
    let message = repo.git(&["log", "-1", "--format=%B"]).stdout;
    assert!(message.contains("This reverts commit"), "{message}");
    let before = remote_head(&remote);
    let push = repo.git(&["push", "origin", "main"]);
    assert_ne!(push.code, 0, "{}", push.dump());
    push.contains("missing-record").lacks("rollback of");
    assert_eq!(remote_head(&remote), before);
}

#[test]
fn revert_committed_through_the_hooks_is_covered_at_commit_msg() {
    let (repo, _remote, reverted) = recorded_change_pushed();
    repo.git(&["revert", "--no-commit", "HEAD"]).ok();
    // `git commit` runs pre-commit and commit-msg on the revert's message.
    repo.git(&["commit", "--no-edit"])
        .ok()
        .lacks("missing-record");
    let message = repo.git(&["log", "-1", "--format=%B"]).stdout;
    assert!(message.contains("This reverts commit"), "{message}");
    repo.confgate(&["check", "--commit", "HEAD"])
        .ok()
        .contains(&format!("rollback of {reverted}"));
}

/// A repository with hooks installed and nothing pushed.
fn local_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 2\ntimeout = 30\n\n[db]\npassword = \"S3cr3tPassw0rdValue123\"\n",
    );
    repo.seed("initial");
    repo.install();
    repo
}

#[test]
fn missing_record_example_is_built_from_the_change() {
    let repo = local_repo();
    // The password moves out of the file; the rollback puts it back,
    // redacted.
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n",
    );
    let run = repo.commit_all("raise workers");
    assert_ne!(run.code, 0, "{}", run.dump());
    let rollback = "revert this commit; restore db.password = S3cr… and set server.workers back to 2 in config/service.toml";
    run.contains("missing-record")
        .contains(&format!("rollback = \"{rollback}\""))
        .contains(&format!("Rollback: {rollback}"))
        .contains("covers = [\"config/service.toml\"]")
        .contains("what changing db.password, server.workers should do")
        .lacks("cache.ttl")
        .lacks("/search")
        .lacks("S3cr3tPassw0rd");
}

#[test]
fn missing_record_example_asks_for_the_policy_fields() {
    let repo = local_repo();
    repo.write(
        "alembic/versions/0042_add_index.py",
        "def upgrade():\n    pass\n",
    );
    let run = repo.commit_all("add index");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("missing-record")
        .contains("covers = [\"alembic/versions/0042_add_index.py\"]")
        .contains("Rollback: revert this commit; run the down migration of alembic/versions/0042_add_index.py first")
        .contains("tested_on = \"<e.g. staging snapshot")
        .contains("query_plan = \"<…>\"")
        .contains("Tested-On: <e.g. staging snapshot")
        .contains("Query-Plan: <…>")
        .contains("Tested-On and Query-Plan trailers")
        .lacks("cache.ttl");
}

#[test]
fn policy_fields_fix_is_said_as_trailers_for_a_trailer_record() {
    let repo = local_repo();
    repo.write(
        "alembic/versions/0042_add_index.py",
        "def upgrade():\n    pass\n",
    );
    repo.git(&["add", "-A"]).ok();
    let message = "add index\n\nConfig-Owner: @db-team\nExpected-Result: p95 of /orders from 300 ms to below 120 ms\nRollback: run alembic downgrade -1, then revert\nQuery-Plan: index scan on orders_customer_id\n";
    let run = repo.git(&["commit", "-m", message]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("record-fields")
        .contains("the record needs `Tested-On:`")
        .contains("Tested-On: staging snapshot")
        .lacks("tested_on");
    // The same gap in a record file is said in TOML.
    repo.write(
        "config-changes/idx.toml",
        "owner = \"@db-team\"\nexpected = \"p95 of /orders from 300 ms to below 120 ms\"\nrollback = \"run alembic downgrade -1, then revert\"\nquery_plan = \"index scan\"\n",
    );
    let run = repo.commit_all("add index");
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("the record needs `tested_on`")
        .contains("tested_on = \"staging snapshot")
        .lacks("Tested-On");
}

#[test]
fn incomplete_trailers_are_answered_with_the_missing_trailers() {
    let repo = local_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n\n[db]\npassword = \"S3cr3tPassw0rdValue123\"\n",
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&[
        "commit",
        "-m",
        "raise\n\nConfig-Owner: @payments-sre\nExpected-Result: queue wait below 100 ms\n",
    ]);
    assert_ne!(run.code, 0, "{}", run.dump());
    run.contains("incomplete-record").contains(
        "e.g. Rollback: revert this commit; set server.workers back to 2 in config/service.toml",
    );
}

#[test]
fn record_new_names_exactly_the_fields_to_fill() {
    let repo = local_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n\n[db]\npassword = \"S3cr3tPassw0rdValue123\"\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["record", "new", "--name", "workers"])
        .ok()
        .contains("fill in owner, expected and rollback, then");
    let text = repo.read("config-changes/workers.toml");
    assert!(
        text.contains("# Change record. Fill in `owner`, `expected` and `rollback`"),
        "{text}"
    );
    assert!(text.contains("owner = \"\""), "{text}");
    repo.confgate(&[
        "record",
        "new",
        "--name",
        "owned",
        "--owner",
        "@payments-sre",
    ])
    .ok()
    .contains("fill in expected and rollback, then");
    repo.git(&["reset", "-q"]).ok();
    std::fs::remove_file(repo.path().join("config-changes/workers.toml")).unwrap();
    std::fs::remove_file(repo.path().join("config-changes/owned.toml")).unwrap();
    repo.git(&["checkout", "--", "config/service.toml"]).ok();
    repo.write(
        "alembic/versions/0042_add_index.py",
        "def upgrade():\n    pass\n",
    );
    repo.git(&["add", "-A"]).ok();
    repo.confgate(&["record", "new", "--name", "idx", "--owner", "@db-team"])
        .ok()
        .contains("fill in expected, rollback, tested_on and query_plan, then");
    let text = repo.read("config-changes/idx.toml");
    for line in [
        "owner = \"@db-team\"",
        "tested_on = \"\"",
        "query_plan = \"\"",
        "# (or instead: indexes)",
    ] {
        assert!(text.contains(line), "{line:?} missing:\n{text}");
    }
    // The file it writes is one the checks read: filled in, it is a record.
    let filled = text
        .replace(
            "expected = \"\"",
            "expected = \"p95 of /orders from 300 ms to below 120 ms\"",
        )
        .replace(
            "rollback = \"\"",
            "rollback = \"alembic downgrade -1, then revert\"",
        )
        .replace(
            "tested_on = \"\"",
            "tested_on = \"staging copy, 41 M rows\"",
        )
        .replace("query_plan = \"\"", "query_plan = \"index scan\"");
    repo.write("config-changes/idx.toml", filled);
    repo.commit_all("add index").ok();
}

/// How often `needle` occurs in a run's stdout and stderr together.
fn count(run: &crate::common::Run, needle: &str) -> usize {
    run.stdout.matches(needle).count() + run.stderr.matches(needle).count()
}

const UNMEASURABLE_RECORD: &str = "owner = \"@payments-sre\"\nexpected = \"faster queue\"\nrollback = \"revert; set server.workers back to 2\"\n";

#[test]
fn commit_with_trailers_gets_no_trailer_note() {
    let repo = local_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n\n[db]\npassword = \"S3cr3tPassw0rdValue123\"\n",
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-m", &format!("raise workers\n\n{TRAILERS}")]);
    run.ok().lacks("must carry").lacks("note:");
}

#[test]
fn unrecorded_commit_is_reported_once_by_commit_msg() {
    let repo = local_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n\n[db]\npassword = \"S3cr3tPassw0rdValue123\"\n",
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-m", "raise workers"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    assert_eq!(count(&run, "[missing-record]"), 1, "{}", run.dump());
    run.lacks("must carry");
}

#[test]
fn record_file_warnings_print_once() {
    let repo = local_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n\n[db]\npassword = \"S3cr3tPassw0rdValue123\"\n",
    );
    repo.write("config-changes/workers.toml", UNMEASURABLE_RECORD);
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-m", "raise workers"]);
    run.ok();
    assert_eq!(count(&run, "[measurable-expected]"), 1, "{}", run.dump());
    run.lacks("must carry");
}

#[test]
fn broken_record_file_is_reported_once() {
    let repo = local_repo();
    repo.write(
        "config/service.toml",
        "[server]\nworkers = 8\ntimeout = 30\n\n[db]\npassword = \"S3cr3tPassw0rdValue123\"\n",
    );
    repo.write(
        "config-changes/workers.toml",
        "owner = \"@payments-sre\"\nowners = \"@b\"\n",
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-m", "raise workers"]);
    assert_ne!(run.code, 0, "{}", run.dump());
    assert_eq!(count(&run, "unknown key `owners`"), 1, "{}", run.dump());
}

#[test]
fn without_a_commit_msg_hook_pre_commit_says_what_it_cannot_check() {
    let repo = TestRepo::new();
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    repo.seed("initial");
    repo.confgate(&["install", "--hook", "pre-commit"]).ok();
    repo.write("config/service.toml", "[server]\nworkers = 8\n");
    repo.write("config-changes/workers.toml", UNMEASURABLE_RECORD);
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-m", "raise workers"]);
    run.ok();
    assert_eq!(count(&run, "[measurable-expected]"), 1, "{}", run.dump());
    std::fs::remove_file(repo.path().join("config-changes/workers.toml")).unwrap();
    repo.write("config/service.toml", "[server]\nworkers = 9\n");
    repo.git(&["add", "-A"]).ok();
    let run = repo.git(&["commit", "-m", "raise workers again"]);
    run.ok()
        .contains("must carry Config-Owner, Expected-Result and Rollback trailers");
    assert_eq!(count(&run, "must carry"), 1, "{}", run.dump());
}

#[test]
fn check_staged_reports_the_missing_record() {
    let repo = TestRepo::new();
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    repo.seed("initial");
    repo.write("config/service.toml", "[server]\nworkers = 8\n");
    repo.git(&["add", "-A"]).ok();
    for args in [&["check"][..], &["check", "--staged"]] {
        repo.confgate(args)
            .code(1)
            .contains("missing-record")
            .contains("Rollback: revert this commit; set server.workers back to 2")
            .lacks("✔");
    }
    let json = repo.confgate(&["check", "--format", "json"]);
    assert_eq!(json.code(1).json()["findings"][0]["kind"], "missing-record");
    // Trailers supplied with --message, from a file or standard input.
    repo.write("msg.txt", format!("raise workers\n\n{TRAILERS}\n"));
    repo.confgate(&["check", "--staged", "--message", "msg.txt"])
        .ok()
        .lacks("missing-record");
    repo.confgate_stdin(
        &["check", "--message", "-"],
        &format!("raise\n\n{TRAILERS}\n"),
    )
    .ok();
    repo.write("plain.txt", "raise workers\n");
    repo.confgate(&["check", "--message", "plain.txt"])
        .code(1)
        .contains("missing-record");
    // A staged record file counts without a message.
    repo.write("config-changes/workers.toml", crate::common::RECORD);
    repo.git(&["add", "config-changes/workers.toml"]).ok();
    repo.confgate(&["check"]).ok().lacks("missing-record");
}

#[test]
fn check_message_bad_input_is_an_error() {
    let repo = TestRepo::new();
    repo.write("config/service.toml", "[server]\nworkers = 2\n");
    repo.seed("initial");
    repo.confgate(&["check", "--message", "nope.txt"])
        .code(2)
        .contains("nope.txt");
    repo.confgate(&["check", "--range", "HEAD", "--message", "nope.txt"])
        .code(2)
        .contains("--message");
    repo.confgate(&["check", "--range", "HEAD", "--commit", "HEAD"])
        .code(2);
}

/// A settings change that changes no setting (a comment, formatting, a
/// method body of the settings class) needs no record, and the report says
/// so once; a field of the class changed is a keyed change that does.
#[test]
fn no_setting_changed_needs_no_record_but_a_class_field_does() {
    let repo = TestRepo::new();
    let settings = "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    PORT: int = 8000\n    SECRET_KEY: str\n\n    def url(self) -> str:\n        return f\"http://localhost:{self.PORT}\"\n";
    repo.write("app/core/config.py", settings);
    repo.write("config/cache.toml", "[cache]\nttl = 60\n");
    repo.seed("start");
    repo.install();

    repo.write(
        "app/core/config.py",
        format!(
            "# Read from the environment.\n{}",
            settings.replace("localhost", "127.0.0.1")
        ),
    );
    repo.write("config/cache.toml", "[cache]\n# seconds\nttl   =   60\n");
    let run = repo.commit_all("comments and a method body");
    run.ok();
    let said = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(
        said.matches("app/core/config.py: no setting changed")
            .count(),
        1,
        "{}",
        run.dump()
    );
    assert_eq!(
        said.matches("config/cache.toml: no setting changed")
            .count(),
        1
    );

    repo.write(
        "app/core/config.py",
        repo.read("app/core/config.py").replace("8000", "8080"),
    );
    repo.commit_all("port")
        .code(1)
        .contains("missing-record")
        .contains("Settings.PORT 8000 → 8080");

    // A new required setting is a change too: the service will not start
    // without it.
    repo.write(
        "app/core/config.py",
        repo.read("app/core/config.py").replace(
            "    SECRET_KEY: str\n",
            "    SECRET_KEY: str\n    SENTRY_DSN: str\n",
        ),
    );
    repo.commit_all("sentry")
        .code(1)
        .contains("+ Settings.SENTRY_DSN");
    repo.git(&["commit", "-q", "-m", &format!("sentry\n\n{TRAILERS}")])
        .ok();
}
