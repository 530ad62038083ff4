//! The pre-commit framework (pre-commit.com) using this repository's
//! `.pre-commit-hooks.yaml` at its committed state: the framework builds the
//! `language: rust` hooks with cargo and runs them on real commits.
//!
//! Needs `pre-commit` on PATH. Without it the test says SKIPPED, and fails
//! when `CI` is set, so CI cannot pass without running it. The framework's
//! store and the cargo build it triggers are cached under the target
//! directory (`precommit-home/`, `precommit-cargo/`), so only the first run
//! (per commit of this repository) pays for the release build.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::{bin, Run, TestRepo, RECORD, TRAILERS};

/// A made-up AWS access key id: the right shape, random letters, no real key.
const AWS_KEY: &str = "AKIAQ4T7WZ2LMRX5BNPD";

fn target_dir() -> PathBuf {
    // The test binary's confgate lives in <target>/<profile>/confgate.
    bin()
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn pre_commit_available() -> bool {
    Command::new("pre-commit")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A throwaway repository driven with git's global and system config out of
/// the way. HOME stays the user's: pyenv shims, rustup and cargo find their
/// installations through it, and git no longer reads anything from it.
struct Sandbox {
    dir: tempfile::TempDir,
    env: Vec<(String, PathBuf)>,
}

impl Sandbox {
    fn new() -> Sandbox {
        let target = target_dir();
        let sandbox = Sandbox {
            dir: tempfile::TempDir::new().expect("temp dir"),
            env: vec![
                ("PRE_COMMIT_HOME".into(), target.join("precommit-home")),
                // Shared across revisions, so a new commit of this repository
                // recompiles confgate only, not its dependencies.
                ("CARGO_TARGET_DIR".into(), target.join("precommit-cargo")),
            ],
        };
        sandbox.git(&["init", "-q", "-b", "main"]).ok();
        for (key, value) in [
            ("user.name", "Test User"),
            ("user.email", "test@example.com"),
            ("commit.gpgsign", "false"),
        ] {
            sandbox.git(&["config", key, value]).ok();
        }
        sandbox
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, program: &str, args: &[&str]) -> Run {
        let mut command = Command::new(program);
        command.args(args).current_dir(self.path());
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "NO_COLOR",
            "PRE_COMMIT_FROM_REF",
            "PRE_COMMIT_TO_REF",
            "CONFGATE_BIN",
        ] {
            command.env_remove(var);
        }
        command
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z")
            .env("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("PRE_COMMIT_COLOR", "never")
            .stdin(Stdio::null());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let output = command
            .output()
            .unwrap_or_else(|err| panic!("{program} does not run: {err}"));
        Run {
            what: format!("{program} {}", args.join(" ")),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn git(&self, args: &[&str]) -> Run {
        self.run("git", args)
    }

    fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(full, content).expect("write file");
    }

    fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).stdout.trim().to_string()
    }
}

/// This repository's committed HEAD: what a user's `rev:` would pin.
fn this_repository() -> (String, String) {
    let dir = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("git")
        .args(["-C", dir, "rev-parse", "HEAD"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    let sha = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(
        output.status.success() && sha.len() == 40,
        "{dir} is not a git checkout: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (dir.to_string(), sha)
}

#[test]
fn pre_commit_framework_blocks_and_passes_real_commits() {
    if !pre_commit_available() {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!(
                "`pre-commit` is not on PATH, and CI is set: install it (pip install pre-commit)"
            );
        }
        // Straight to the stream: the test harness hides `eprintln!` of a
        // passing test, and a skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED pre_commit_framework_blocks_and_passes_real_commits: `pre-commit` is not on PATH (pip install pre-commit)"
        );
        return;
    }
    let (source, rev) = this_repository();
    let repo = Sandbox::new();
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: confgate\n      - id: confgate-commit-msg\n"
        ),
    );
    repo.write(
        "app/main.py",
        "from fastapi import FastAPI\napp = FastAPI()\n",
    );
    repo.write("config/service.toml", "[cache]\nttl = 60\n");
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "--no-verify", "-m", "base"])
        .ok();
    repo.run(
        "pre-commit",
        &["install", "-t", "pre-commit", "-t", "commit-msg"],
    )
    .ok();
    // Build the hook environment up front, so a build failure is reported
    // as one rather than as a mysterious blocked commit.
    repo.run("pre-commit", &["install-hooks"]).ok();

    // An unrecorded config change: the pre-commit stage defers to the
    // message, and the commit-msg stage blocks for want of trailers.
    let base = repo.head();
    repo.write("config/service.toml", "[cache]\nttl = 300\n");
    repo.git(&["add", "-A"]).ok();
    let blocked = repo.git(&["commit", "-m", "raise cache ttl"]);
    assert_ne!(
        blocked.code,
        0,
        "unrecorded change committed\n{}",
        blocked.dump()
    );
    blocked.contains("missing-record");
    assert_eq!(repo.head(), base, "HEAD moved on a blocked commit");

    // The same change with a record file passes both stages.
    repo.write("config-changes/x.toml", RECORD);
    repo.git(&["add", "-A"]).ok();
    let passed = repo.git(&["commit", "-m", "raise cache ttl"]);
    passed.ok();
    assert_ne!(repo.head(), base, "HEAD did not move\n{}", passed.dump());
    let files = repo.git(&["show", "--name-only", "--format=", "HEAD"]);
    files
        .contains("config/service.toml")
        .contains("config-changes/x.toml");

    // Trailers in the message are a record too.
    repo.write("config/service.toml", "[cache]\nttl = 240\n");
    repo.git(&["add", "-A"]).ok();
    let message = format!("lower cache ttl\n\n{TRAILERS}");
    repo.git(&["commit", "-m", &message]).ok();

    // A secret is blocked at the pre-commit stage.
    let before = repo.head();
    repo.write("app/client.py", format!("KEY = \"{AWS_KEY}\"\n"));
    repo.git(&["add", "-A"]).ok();
    let secret = repo.git(&["commit", "-m", "add client"]);
    assert_ne!(secret.code, 0, "secret committed\n{}", secret.dump());
    assert_eq!(repo.head(), before);
    assert!(
        !secret.stdout.contains(AWS_KEY) && !secret.stderr.contains(AWS_KEY),
        "the key is printed in full\n{}",
        secret.dump()
    );
}

/// The framework (or CI) with nothing staged and no `git commit` around
/// the hook: `hook pre-commit` checks the repository, or the range it is
/// given, and says which; inside `git commit` nothing staged stays nothing.
#[test]
fn nothing_staged_outside_git_commit_checks_what_the_run_is_about() {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.seed("base");
    let base = repo.head();
    repo.write("app/client.py", format!("KEY = \"{AWS_KEY}\"\n"));
    repo.seed("add client");
    let head = repo.head();
    let hook = ["hook", "pre-commit"];
    repo.confgate_env(&hook, &[("PRE_COMMIT", "1")])
        .code(1)
        .contains("scanning the repository's files")
        .contains("app/client.py")
        .lacks(&AWS_KEY[4..]);
    repo.confgate_env(&hook, &[("CI", "true")])
        .code(1)
        .contains("app/client.py");
    repo.confgate_env(
        &hook,
        &[
            ("PRE_COMMIT", "1"),
            ("PRE_COMMIT_FROM_REF", &base),
            ("PRE_COMMIT_TO_REF", &head),
        ],
    )
    .code(1)
    .contains(&format!("checking the commits {base}..{head}"))
    .contains(&format!("commit {}", &head[..7]));
    // Inside `git commit` (git names the index): an empty change passes.
    repo.confgate_env(
        &hook,
        &[("PRE_COMMIT", "1"), ("GIT_INDEX_FILE", ".git/index")],
    )
    .ok()
    .lacks("scanning");
    // Without the framework or CI, nothing staged is nothing to check.
    repo.confgate(&hook).ok().lacks("scanning");
}

/// `pre-commit run --all-files` (what pre-commit.ci runs) on a repository
/// that holds a committed secret fails, through both hook ids.
#[test]
fn pre_commit_run_all_files_finds_a_committed_secret() {
    if !pre_commit_available() {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!(
                "`pre-commit` is not on PATH, and CI is set: install it (pip install pre-commit)"
            );
        }
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED pre_commit_run_all_files_finds_a_committed_secret: `pre-commit` is not on PATH (pip install pre-commit)"
        );
        return;
    }
    let (source, rev) = this_repository();
    let repo = Sandbox::new();
    repo.write("app/main.py", "print('hi')\n");
    repo.git(&["add", "-A"]).ok();
    repo.git(&["commit", "-q", "--no-verify", "-m", "base"])
        .ok();
    let base = repo.head();
    repo.write("app/client.py", format!("KEY = \"{AWS_KEY}\"\n"));
    // The `confgate` id last: the range run below uses it.
    for (id, expected) in [
        ("confgate-files", "app/client.py"),
        ("confgate", "scanning the repository's files"),
    ] {
        repo.write(
            ".pre-commit-config.yaml",
            format!("repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: {id}\n"),
        );
        repo.git(&["add", "-A"]).ok();
        repo.git(&[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            &format!("client, hook {id}"),
        ])
        .ok();
        let run = repo.run("pre-commit", &["run", "--all-files", "--verbose"]);
        assert_ne!(
            run.code,
            0,
            "hook {id} passed a committed secret\n{}",
            run.dump()
        );
        run.contains(expected)
            .contains("app/client.py")
            .lacks(&AWS_KEY[4..]);
    }
    // A pull request's range, as CI passes it.
    let head = repo.head();
    let run = repo.run(
        "pre-commit",
        &[
            "run",
            "--from-ref",
            &base,
            "--to-ref",
            &head,
            "--hook-stage",
            "pre-commit",
        ],
    );
    assert_ne!(run.code, 0, "the range passed\n{}", run.dump());
    run.contains(&format!("checking the commits {base}..{head}"));
}
