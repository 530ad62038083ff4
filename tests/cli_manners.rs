//! Command-line manners: help with examples, completions, man page, colour
//! control, quiet runs, and a rule catalogue that `explain` fully covers.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::{bin, Run, TestRepo};

/// The subcommand names a `--help` text lists under "Commands:".
fn subcommands(help: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.trim_end() == "Commands:" {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if !line.starts_with("  ") {
            break;
        }
        // Continuation lines of a wrapped description are indented deeper.
        if line.starts_with("   ") {
            continue;
        }
        if let Some(name) = line.split_whitespace().next() {
            if name != "help" {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// Every command path, e.g. `["hook", "pre-push"]`, found by walking `--help`.
fn command_paths(repo: &TestRepo) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut queue: Vec<Vec<String>> = vec![Vec::new()];
    while let Some(path) = queue.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = repo.confgate(&args);
        run.ok();
        for name in subcommands(&run.stdout) {
            let mut child = path.clone();
            child.push(name);
            queue.push(child);
        }
        paths.push(path);
    }
    paths.sort();
    paths
}

#[test]
fn every_command_has_help_with_an_example() {
    let repo = TestRepo::bare_dir();
    let paths = command_paths(&repo);
    // The walk itself must have worked, or the test below proves nothing.
    for expected in [
        vec!["check"],
        vec!["scan"],
        vec!["hook", "pre-commit"],
        vec!["record", "new"],
        vec!["explain"],
    ] {
        assert!(
            paths.iter().any(|p| p == &expected),
            "{expected:?} not found among {paths:?}"
        );
    }
    let mut lacking = Vec::new();
    for path in &paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = repo.confgate(&args);
        run.ok();
        let has_example = run.stdout.lines().any(|line| {
            let line = line.trim_start();
            line.starts_with("Example")
        }) && run.stdout.contains("confgate ");
        if !has_example {
            lacking.push(format!("confgate {}", args.join(" ")));
        }
    }
    assert!(
        lacking.is_empty(),
        "help without an \"Example…\" section:\n  {}",
        lacking.join("\n  ")
    );
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let repo = TestRepo::bare_dir();
    let bash = repo.confgate(&["completions", "bash"]);
    bash.ok();
    assert!(bash.stdout.contains("complete -F"), "{}", bash.dump());
    assert!(bash.stdout.contains("release-check"), "{}", bash.dump());
    // The script must at least parse in bash.
    let dir = tempfile::TempDir::new().expect("temp dir");
    let script = dir.path().join("confgate.bash");
    std::fs::write(&script, &bash.stdout).expect("write script");
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(
        syntax.status.success(),
        "bash -n rejects the completion script: {}",
        String::from_utf8_lossy(&syntax.stderr)
    );

    let zsh = repo.confgate(&["completions", "zsh"]);
    zsh.ok()
        .contains("#compdef confgate")
        .contains("release-check");
    let fish = repo.confgate(&["completions", "fish"]);
    fish.ok()
        .contains("complete -c confgate")
        .contains("release-check");

    repo.confgate(&["completions", "tcsh"]).code(2);
}

#[test]
fn man_prints_roff() {
    let repo = TestRepo::bare_dir();
    let run = repo.confgate(&["man"]);
    run.ok();
    assert!(
        run.stdout.starts_with(".ie") || run.stdout.starts_with(".TH"),
        "not roff\n{}",
        run.dump()
    );
    assert!(run.stdout.contains(".TH confgate"), "{}", run.dump());
    assert!(run.stdout.contains(".SH NAME"), "{}", run.dump());
    assert!(run.stdout.contains(".SH SYNOPSIS"), "{}", run.dump());
}

/// A repository whose last commit is blocked: an unrecorded config change.
/// (`check --staged` would defer the record to the commit message.)
fn blocked_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("config/service.toml", "[cache]\nttl = 60\n");
    repo.write("config-changes/base.toml", crate::common::RECORD);
    repo.seed("base");
    repo.write("config/service.toml", "[cache]\nttl = 300\n");
    repo.seed("raise cache ttl");
    repo
}

const BLOCKED: [&str; 3] = ["check", "--commit", "HEAD"];

fn has_ansi(run: &Run) -> bool {
    run.stdout.contains("\x1b[") || run.stderr.contains("\x1b[")
}

#[test]
fn color_always_colours_and_never_does_not() {
    let repo = blocked_repo();
    let [a, b, c] = BLOCKED;

    let always = repo.confgate(&["--color", "always", a, b, c]);
    always.code(1);
    assert!(has_ansi(&always), "no ANSI escapes\n{}", always.dump());

    let never = repo.confgate(&["--color", "never", a, b, c]);
    never.code(1);
    assert!(!has_ansi(&never), "ANSI escapes\n{}", never.dump());
    // The same findings, only uncoloured.
    never.contains("missing-record");

    // Not a terminal: `auto` does not colour either.
    let piped = repo.confgate(&BLOCKED);
    piped.code(1);
    assert!(
        !has_ansi(&piped),
        "ANSI escapes in a pipe\n{}",
        piped.dump()
    );

    // JSON is never coloured.
    let json = repo.confgate(&["--color", "always", "--format", "json", a, b, c]);
    json.code(1);
    json.json();
}

/// Runs confgate with a pseudo-terminal as its output, through util-linux
/// `script`, so that `--color auto` has a terminal to detect.
fn on_a_terminal(repo: &TestRepo, env: &[(&str, &str)]) -> Option<Run> {
    let probe = Command::new("script").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        // Straight to the stream, past the harness's capture: a skip must be seen.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: util-linux `script` not found, cannot test colour on a terminal"
        );
        return None;
    }
    let command = format!("'{}' {}", bin().display(), BLOCKED.join(" "));
    let mut env = env.to_vec();
    env.push(("TERM", "xterm-256color"));
    Some(run_in(
        repo,
        Path::new("script"),
        &["-q", "-e", "-c", &command, "/dev/null"],
        &env,
    ))
}

/// A program run in the repository, isolated from git's global config like
/// the harness's commands.
fn run_in(repo: &TestRepo, program: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(repo.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("NO_COLOR")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .stdin(std::process::Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("program runs");
    Run {
        what: format!("{} {}", program.display(), args.join(" ")),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn auto_colours_a_terminal_unless_no_color_is_set() {
    let repo = blocked_repo();
    let Some(tty) = on_a_terminal(&repo, &[]) else {
        return;
    };
    tty.code(1).contains("missing-record");
    assert!(has_ansi(&tty), "no colour on a terminal\n{}", tty.dump());

    let Some(no_color) = on_a_terminal(&repo, &[("NO_COLOR", "1")]) else {
        return;
    };
    no_color.code(1).contains("missing-record");
    assert!(
        !has_ansi(&no_color),
        "NO_COLOR=1 but coloured\n{}",
        no_color.dump()
    );
}

#[test]
fn no_color_env_is_respected_without_a_flag() {
    let repo = blocked_repo();
    let run = repo.confgate_env(&BLOCKED, &[("NO_COLOR", "1")]);
    run.code(1).contains("missing-record");
    assert!(!has_ansi(&run), "{}", run.dump());
}

#[test]
fn quiet_clean_runs_print_nothing() {
    let repo = TestRepo::new();
    repo.write("app/main.py", "print('hello')\n");
    repo.write("config/service.toml", "[cache]\nttl = 60\n");
    repo.write("config-changes/base.toml", crate::common::RECORD);
    repo.seed("base");
    repo.write("app/main.py", "print('hello, world')\n");
    repo.seed("greet the world");
    repo.write("app/main.py", "print('hello, everyone')\n");
    repo.git(&["add", "-A"]).ok();
    for args in [
        vec!["-q", "check"],
        vec!["-q", "check", "--staged"],
        vec!["-q", "check", "--commit", "HEAD"],
        vec!["-q", "check", "--range", "HEAD~1..HEAD"],
        vec!["-q", "scan"],
        vec!["-q", "hook", "pre-commit"],
    ] {
        let run = repo.confgate(&args);
        run.ok();
        assert!(
            run.stdout.is_empty() && run.stderr.is_empty(),
            "-q printed something on a clean run\n{}",
            run.dump()
        );
    }
    // Quiet still reports a block.
    repo.write("config/service.toml", "[cache]\nttl = 300\n");
    repo.seed("raise cache ttl");
    let blocked = repo.confgate(&["-q", "check", "--commit", "HEAD"]);
    blocked.code(1).contains("missing-record");
}

fn rules_json(repo: &TestRepo) -> Vec<serde_json::Value> {
    let run = repo.confgate(&["rules", "--format", "json"]);
    run.ok();
    let doc = run.json();
    assert_eq!(doc["version"], 1, "{}", run.dump());
    doc["rules"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no rules array\n{}", run.dump()))
}

#[test]
fn rules_json_lists_every_kind_of_rule() {
    let repo = TestRepo::new();
    let rules = rules_json(&repo);
    let mut ids = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for rule in &rules {
        let id = rule["id"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "rule without id: {rule}");
        assert!(ids.insert(id.to_string()), "id {id} listed twice");
        for field in ["kind", "severity", "description"] {
            assert!(
                rule[field].as_str().is_some_and(|s| !s.is_empty()),
                "rule {id} has no {field}: {rule}"
            );
        }
        assert!(
            ["error", "warning", "info"].contains(&rule["severity"].as_str().unwrap_or_default()),
            "rule {id}: severity {}",
            rule["severity"]
        );
        kinds.insert(rule["kind"].as_str().unwrap_or_default().to_string());
    }
    for id in ["missing-record", "incomplete-record", "invalid-config"] {
        assert!(ids.contains(id), "{id} not listed: {ids:?}");
    }
    for kind in ["secret", "security-setting", "policy"] {
        assert!(kinds.contains(kind), "no {kind} rule: kinds {kinds:?}");
    }
}

#[test]
fn explain_works_for_every_listed_rule() {
    let repo = TestRepo::new();
    let rules = rules_json(&repo);
    assert!(rules.len() > 5, "suspiciously few rules: {}", rules.len());
    let ids: Vec<&str> = rules
        .iter()
        .map(|rule| rule["id"].as_str().unwrap_or_default())
        .collect();
    // Two hundred rules, two runs each: spread them over a few threads.
    let chunk = ids.len().div_ceil(4).max(1);
    std::thread::scope(|scope| {
        for part in ids.chunks(chunk) {
            let repo = &repo;
            scope.spawn(move || {
                for id in part {
                    let human = repo.confgate(&["--color", "never", "explain", id]);
                    human
                        .ok()
                        .contains(id)
                        .contains("What it matches")
                        .contains("Why it matters")
                        .contains("How to fix it");
                    let json = repo.confgate(&["--format", "json", "explain", id]);
                    json.ok();
                    assert_eq!(json.json()["id"], *id, "{}", json.dump());
                }
            });
        }
    });
    repo.confgate(&["explain", "no-such-rule-anywhere"])
        .code(2)
        .contains("no rule");
}

/// A reader that goes away (`confgate completions bash | head -1`) ends the
/// output quietly, as for `git log | head`: no panic message, and the
/// command's own exit status. The read end is closed before the command
/// writes, so every write meets a closed pipe.
#[test]
fn closed_stdout_ends_quietly() {
    let repo = TestRepo::new();
    repo.write("app/settings.py", "DEBUG = True\n");
    repo.write("config/cache.toml", "[cache]\nttl = 60\n");
    repo.seed("start");
    let cases: [(&[&str], i32); 7] = [
        (&["completions", "bash"], 0),
        (&["man"], 0),
        (&["rules"], 0),
        (&["--format", "json", "rules"], 0),
        (&["explain", "aws-access-key-id"], 0),
        (&["log"], 0),
        (&["scan", "."], 1),
    ];
    for (args, expected) in cases {
        let mut child = Command::new(bin())
            .args(args)
            .current_dir(repo.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(expected), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("error"),
            "{args:?}: {stderr}"
        );
    }
}

/// `explain` says what the rule really does with its examples: every
/// security rule's bad example fires at the severity `rules` documents, its
/// good example never blocks, and the human text says "Not flagged" only
/// when the good example is really quiet (a safe value written inline is a
/// warning, and explain must say so). Every secret rule's good example is
/// quiet in a scan.
#[test]
fn explain_tells_how_each_example_is_really_judged() {
    let repo = TestRepo::new();
    let rules = repo.confgate(&["--format", "json", "rules"]).json();
    let rules = rules["rules"].as_array().expect("rules array").clone();
    let mut checked = 0;
    for rule in &rules {
        let id = rule["id"].as_str().expect("id");
        match rule["kind"].as_str() {
            Some("security-setting") => {
                let json = repo.confgate(&["--format", "json", "explain", id]).json();
                assert_eq!(
                    json["example_bad_verdict"], rule["severity"],
                    "{id}: the bad example does not fire at the documented severity"
                );
                let good = json["example_good_verdict"].as_str().unwrap_or("");
                assert_ne!(good, "error", "{id}: the good example blocks");
                let human = repo.confgate(&["explain", id]);
                human.ok();
                let says_quiet = human.stdout.contains("\nNot flagged\n");
                assert_eq!(
                    says_quiet,
                    good == "quiet",
                    "{id}: explain's label disagrees with the verdict {good:?}:\n{}",
                    human.stdout
                );
                checked += 1;
            }
            Some("secret") => {
                let good = rule["example_good"].as_str().unwrap_or("");
                if good.is_empty() {
                    continue;
                }
                repo.write("probe/example.py", format!("{good}\n"));
                let scan = repo.confgate(&["--format", "json", "scan", "probe"]);
                let findings = scan.json()["findings"].clone();
                let fired = findings
                    .as_array()
                    .is_some_and(|all| all.iter().any(|f| f["rule"] == id));
                assert!(!fired, "{id}: good example {good:?} is flagged");
                checked += 1;
            }
            _ => {}
        }
    }
    assert!(checked >= 60, "only {checked} rules checked");
}
