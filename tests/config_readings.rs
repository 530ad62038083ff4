//! One reading of each config format: where the security detector's line
//! reader and the key diffs once read a dotenv, Dockerfile or INI line
//! differently, both now read it as the format's documentation does
//! (`src/formats/config/`). Driven through `git commit` with the hooks.

use crate::common::TestRepo;

const TRAILERS: &str = "\n\nConfig-Owner: @platform\nExpected-Result: the image builds and serves as before\nRollback: revert this commit";

fn repo_with(path: &str, text: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write(path, text);
    repo.seed("seed");
    repo.install();
    repo
}

/// A `\` at the end of a Dockerfile line continues the instruction: a
/// setting on the continuation line is read, on its own line.
#[test]
fn a_dockerfile_setting_on_a_continuation_line_is_read() {
    let repo = repo_with("Dockerfile", "FROM python:3.12\n");
    let head = repo.head();
    repo.write(
        "Dockerfile",
        "FROM python:3.12\nENV APP_HOME=/app \\\n    DEBUG=True\n",
    );
    let run = repo.commit_all(&format!("image env{TRAILERS}"));
    run.code(1)
        .contains("Dockerfile:3")
        .contains("debug-mode-config");
    assert_eq!(repo.head(), head);
}

/// `ARG NAME value` declares two build arguments without defaults (only
/// `ENV` has the legacy `NAME value` form), so it sets no debug mode, and
/// the key diff shows the two arguments.
#[test]
fn arg_without_equals_declares_arguments_and_sets_nothing() {
    let repo = repo_with("Dockerfile", "FROM python:3.12\n");
    let head = repo.head();
    repo.write("Dockerfile", "FROM python:3.12\nARG DEBUG True\n");
    let run = repo.commit_all(&format!("build args{TRAILERS}"));
    run.ok().lacks("debug-mode-config");
    assert_ne!(repo.head(), head);
    let log = repo.confgate(&["log"]);
    log.ok()
        .contains("+ ARG.DEBUG = (no default)")
        .contains("+ ARG.True = (no default)");
}

/// `ENV NAME value with spaces` is the legacy form: the whole rest is the
/// value, an `=` in it included (the line reader once gave up at the first
/// word without `=`).
#[test]
fn legacy_env_value_with_an_equals_sign_is_one_value() {
    let repo = repo_with("Dockerfile", "FROM python:3.12\n");
    let head = repo.head();
    repo.write("Dockerfile", "FROM python:3.12\nENV ALLOWED_HOSTS *,a=b\n");
    let run = repo.commit_all(&format!("legacy env{TRAILERS}"));
    run.code(1)
        .contains("Dockerfile:2")
        .contains("allowed-hosts-wildcard");
    assert_eq!(repo.head(), head);
}

/// dotenv keys may hold `-` and `.`, and a `.env` read by key diffs with
/// `KEY: value` is read the same way by the security detector.
#[test]
fn dotenv_colon_lines_are_settings_for_every_reader() {
    let repo = repo_with(".env.production", "LOG_LEVEL=info\n");
    let head = repo.head();
    repo.write(".env.production", "LOG_LEVEL=info\nDEBUG: True\n");
    let run = repo.commit_all(&format!("debug{TRAILERS}"));
    run.code(1)
        .contains(".env.production:2")
        .contains("debug-mode-config");
    assert_eq!(repo.head(), head);
}
