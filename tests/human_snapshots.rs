//! Snapshots of human output for representative outcomes: a blocked staged
//! change, a hook that blocks at `git commit`, a range with a recorded and an
//! unrecorded commit, a passing check, a scan, the release check and the log.
//! A changed snapshot fails (CI runs with `INSTA_UPDATE=no`); review and
//! accept an intended change with `cargo insta review`, or rerun with
//! `INSTA_UPDATE=always` and read the diff.

use crate::common::{self, TestRepo};

// confgate: allow aws-access-key-id -- synthetic key, snapshotted redacted
const AWS: &str = "AKIAZ4QW7RT2LMNBXP3C";

const RECORD_TRAILERS: &str = "Config-Owner: @payments-sre\n\
Expected-Result: p95 of /search below 200 ms within 1 h\n\
Rollback: revert; set cache.ttl back to 60";

/// A repository with a cache config and an app module, committed.
fn service() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("config/cache.toml", "[cache]\nttl = 60\n");
    repo.write("app/main.py", "import os\n");
    repo.seed("initial");
    repo
}

/// What people see: stdout, then the exit code.
fn shown(run: &common::Run) -> String {
    format!("{}exit {}\n", run.stdout, run.code)
}

#[test]
fn staged_secret_setting_and_missing_record() {
    let repo = service();
    repo.write("config/cache.toml", "[cache]\nttl = 300\n");
    repo.write(
        "app/main.py",
        format!("import os\nAWS_ACCESS_KEY_ID = '{AWS}'\nDEBUG = True\n"),
    );
    repo.git(&["add", "-A"]).ok();
    let run = repo.confgate(&["check"]);
    run.code(1).lacks(AWS);
    insta::assert_snapshot!(shown(&run));
}

#[test]
fn pre_commit_hook_blocks_a_git_commit() {
    let repo = service();
    repo.install();
    repo.write("app/main.py", format!("import os\nKEY = '{AWS}'\n"));
    let run = repo.commit_all("add key");
    assert_eq!(run.code, 1, "{}", run.dump());
    assert!(!run.stderr.contains(AWS) && !run.stdout.contains(AWS));
    insta::assert_snapshot!(format!("{}{}exit {}\n", run.stdout, run.stderr, run.code));
}

#[test]
fn range_with_a_recorded_and_an_unrecorded_commit() {
    let repo = service();
    repo.write("config/cache.toml", "[cache]\nttl = 300\n");
    repo.seed("bump ttl");
    repo.write("config/cache.toml", "[cache]\nttl = 120\n");
    repo.seed(&format!("lower ttl\n\n{RECORD_TRAILERS}"));
    let run = repo.confgate(&["check", "--range", "HEAD~2..HEAD"]);
    run.code(1);
    insta::assert_snapshot!(shown(&run));
}

#[test]
fn passing_range_summary() {
    let repo = service();
    repo.write("config/cache.toml", "[cache]\nttl = 120\n");
    repo.seed(&format!("lower ttl\n\n{RECORD_TRAILERS}"));
    let run = repo.confgate(&["check", "--range", "HEAD~1..HEAD"]);
    run.ok();
    insta::assert_snapshot!(shown(&run));
}

#[test]
fn scan_with_inline_security_settings() {
    let repo = service();
    repo.write(
        "app/settings.py",
        "DEBUG = True\nSESSION_COOKIE_SECURE = False\nALLOWED_HOSTS = ['*']\n",
    );
    let run = repo.confgate(&["scan"]);
    run.code(1);
    insta::assert_snapshot!(shown(&run));
}

#[test]
fn release_check_dry_run_with_drifting_environments() {
    let repo = service();
    repo.write(
        ".confgate.toml",
        "[environments]\nstaging = \"config/staging.toml\"\nproduction = \"config/production.toml\"\n\n\
         [release]\nchecklist = [{name = \"lint\", run = \"true\"}]\n",
    );
    repo.write(
        "config/production.toml",
        "[db]\nurl = \"changeme\"\nport = 5432\n",
    );
    repo.write(
        "config/staging.toml",
        "[db]\nurl = \"postgres://staging/app\"\n",
    );
    repo.seed("environments");
    repo.git(&["tag", "v1"]).ok();
    repo.write("config/cache.toml", "[cache]\nttl = 120\n");
    repo.seed(&format!("lower ttl\n\n{RECORD_TRAILERS}"));
    let run = repo.confgate(&["release-check", "--dry-run", "--tag", "v2"]);
    run.code(1);
    insta::assert_snapshot!(shown(&run));
}

#[test]
fn config_change_log() {
    let repo = service();
    repo.git(&["tag", "v1"]).ok();
    repo.write("config/cache.toml", "[cache]\nttl = 120\n");
    repo.seed(&format!("lower ttl\n\n{RECORD_TRAILERS}"));
    repo.write("config/cache.toml", "[cache]\nttl = 90\n");
    repo.seed("ttl again");
    let run = repo.confgate(&["log"]);
    run.ok();
    insta::assert_snapshot!(shown(&run));
}
